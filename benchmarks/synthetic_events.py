"""SYNTHETIC GDELT-like event tables of any size, as partitioned Parquet: nothing in them happened.

``python benchmarks/synthetic_events.py OUT_DIR --rows 100_000_000`` writes
``OUT_DIR/part-00000.parquet``, ... one chunk at a time (never more than
``--rows-per-file`` rows in memory), in the column layout of GDELT 2.0 event exports
after conversion to Parquet (read them with ``preset=EventTable.GDELT2``):

* ``SQLDATE`` (int32, ``YYYYMMDD``), rows in date order as in the daily exports, the
  daily volume growing 8% a year (GDELT's volume grew by orders of magnitude);
* ``Actor1CountryCode``, ``Actor2CountryCode``: CAMEO country codes (ISO alpha-3,
  CAMEO's ``ROM``, regions such as ``EUR``), each actor drawn with Zipf weights (a few
  countries dominate, as the United States, China and Russia do in GDELT), so a few
  dyads are huge and most are small; 30% of actors blank (null), as GDELT leaves
  actors without a country; 15% of events domestic (both actors the same country);
* ``EventCode``: CAMEO codes as text with Zipf weights over the codebook, with
  meetings (040, 042-044, 046) about 12% of events and sanctions (163) about 0.1%.

Every file is a pure function of ``--seed`` and its index, so the same command
writes the same table on any machine.
"""

from __future__ import annotations

import argparse
import csv
import os
import time
from importlib import resources

import numpy as np

START, END = np.datetime64("1995-01-01"), np.datetime64("2023-12-31")
MEETINGS = ("040", "042", "043", "044", "046")
SANCTIONS = ("163",)
LEADERS = ("USA", "CHN", "RUS", "GBR", "FRA", "DEU", "IRN", "ISR", "IND", "JPN", "TUR", "PAK",
           "UKR", "SYR", "PRK", "KOR", "AFG", "IRQ", "SAU", "EGY")
#: GDELT's most frequent other codes (statements, appeals, cooperation, demands, criticism)
COMMON = ("010", "020", "051", "036", "190", "112", "111", "057", "061", "173", "013", "030",
          "090", "100", "130", "141", "145", "180", "012", "014", "017", "018", "019", "031")
COLUMNS = ("SQLDATE", "Actor1CountryCode", "Actor2CountryCode", "EventCode")


def _csv_rows(package: str, name: str) -> list[dict[str, str]]:
    with resources.files(package).joinpath(name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def vocabulary() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(countries, country weights, codes, code weights)``; weights sum to 1."""
    iso = [r["alpha_3"] for r in _csv_rows("alliancestats.datasets", "iso3166_countries.csv")]
    cameo = [r["code"] for r in _csv_rows("alliancestats.io", "tables/cameo_countries.csv")
             if not r["alpha_3"]]
    rest = sorted(set(iso) - set(LEADERS))
    countries = np.array(list(LEADERS) + rest + cameo, dtype=object)
    rank = np.arange(1, len(countries) + 1)
    country_weights = rank ** -1.1
    codes = [r["code"] for r in _csv_rows("alliancestats.io", "tables/cameo_events.csv")
             if len(r["code"]) >= 3]
    rest = sorted((c for c in codes if c not in MEETINGS + SANCTIONS + COMMON), key=lambda c: (len(c), c))
    others = np.array(list(COMMON) + rest, dtype=object)   # the common codes first, then 3-digit
    other_weights = np.arange(1, len(others) + 1) ** -1.0
    other_weights *= (1 - 0.12 - 0.001) / other_weights.sum()
    meeting_weights = np.array([0.05, 0.03, 0.02, 0.015, 0.005])
    all_codes = np.concatenate([np.array(MEETINGS + SANCTIONS, dtype=object), others])
    code_weights = np.concatenate([meeting_weights, [0.001], other_weights])
    return (countries, country_weights / country_weights.sum(), all_codes,
            code_weights / code_weights.sum())


def day_of_rows(first_row: int, n: int, total: int) -> np.ndarray:
    """Dates (``datetime64[D]``) of rows ``first_row .. first_row + n - 1`` of ``total``,
    in order, the daily volume growing 8% a year."""
    days = np.arange(START, END + 1)
    years = (days - START).astype(np.int64) / 365.25
    cumulative = np.cumsum(np.exp(0.08 * years))
    cumulative /= cumulative[-1]
    position = (np.arange(first_row, first_row + n) + 0.5) / total
    return days[np.minimum(np.searchsorted(cumulative, position), len(days) - 1)]


def chunk(index: int, first_row: int, n: int, total: int, seed: int):  # type: ignore[no-untyped-def]
    """One file's rows as an Arrow table (dictionary-encoded country and code columns)."""
    import pyarrow as pa

    countries, country_weights, codes, code_weights = vocabulary()
    rng = np.random.default_rng([seed, index])
    dates = day_of_rows(first_row, n, total)
    ymd = dates.astype(object)
    sqldate = np.array([d.year * 10000 + d.month * 100 + d.day for d in np.unique(ymd)],
                       dtype=np.int32)[np.searchsorted(np.unique(dates), dates)]
    actor1 = rng.choice(len(countries), size=n, p=country_weights).astype(np.int32)
    actor2 = rng.choice(len(countries), size=n, p=country_weights).astype(np.int32)
    domestic = rng.random(n) < 0.15
    actor2[domestic] = actor1[domestic]
    code = rng.choice(len(codes), size=n, p=code_weights).astype(np.int32)
    dictionary = pa.array(countries.tolist(), pa.string())

    def actor(ids: np.ndarray) -> "pa.DictionaryArray":
        blank = rng.random(n) < 0.30
        return pa.DictionaryArray.from_arrays(pa.array(ids, mask=blank), dictionary)

    return pa.table({
        "SQLDATE": pa.array(sqldate),
        "Actor1CountryCode": actor(actor1),
        "Actor2CountryCode": actor(actor2),
        "EventCode": pa.DictionaryArray.from_arrays(pa.array(code), pa.array(codes.tolist(), pa.string())),
    })


def write_events(directory: str, rows: int, *, seed: int = 0, rows_per_file: int = 2_000_000,
                 verbose: bool = False) -> list[str]:
    """Write ``rows`` SYNTHETIC events to ``directory/part-NNNNN.parquet``; returns the paths."""
    import pyarrow.parquet as pq

    os.makedirs(directory, exist_ok=True)
    paths = []
    for index, first in enumerate(range(0, rows, rows_per_file)):
        n = min(rows_per_file, rows - first)
        path = os.path.join(directory, f"part-{index:05d}.parquet")
        pq.write_table(chunk(index, first, n, rows, seed), path, row_group_size=1_000_000)
        paths.append(path)
        if verbose:
            print(f"  {path}: {n:,} rows", flush=True)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory")
    parser.add_argument("--rows", type=lambda s: int(s.replace("_", "")), default=10_000_000)
    parser.add_argument("--rows-per-file", type=lambda s: int(s.replace("_", "")), default=2_000_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    start = time.perf_counter()
    paths = write_events(args.directory, args.rows, seed=args.seed,
                         rows_per_file=args.rows_per_file, verbose=True)
    size = sum(os.path.getsize(p) for p in paths) / 1e9
    print(f"{args.rows:,} SYNTHETIC rows in {len(paths)} files, {size:.2f} GB, "
          f"{time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
