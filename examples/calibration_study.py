"""Size and power of every null x statistic, on data the nulls did not generate
============================================================================

Size: six scenarios of independent responses and triggers (alliancestats.scenarios:
flat, smooth and step trends, bursts of responses, of triggers, trend and both),
1,000 datasets each, n = 25, window [0, 33], 2013-2020; every rejection at
alpha = 0.05 is a false positive. Power: the case study's independent sanctions as
triggers, 25 responses of which a share pi follows a sanction by 0-33 days
(pi = 0.2, 0.4, 0.6; pi = 0 is the size against these sanctions), 500 datasets each.

Run::

    python examples/calibration_study.py [--write] [--datasets N] [--only size|power]
    python examples/calibration_study.py --render

``--write`` stores the tables in docs/data/ (the CSVs docs/calibration.rst shows and
tests/test_calibration.py recomputes); it needs the full number of datasets. About
5 CPU-minutes for the size table and 2 for the power table. ``--render`` only redraws
the displayed tables (docs/data/size_*.csv, power_*.csv) from the stored ones.
"""

from __future__ import annotations

import argparse
import pathlib
import time

import pandas as pd

import alliancestats as als
from alliancestats.calibration import power_table, size_table, wide
from alliancestats.statistics import STATISTICS

DATA = pathlib.Path(__file__).resolve().parents[1] / "docs" / "data"
SIZE = dict(n_datasets=1000, rng=2026)
POWER = dict(couplings=(0.0, 0.2, 0.4, 0.6), n_datasets=500, rng=2027)
SYMBOL = {name: statistic.symbol for name, statistic in STATISTICS.items()}
ALPHA = 0.05                   # the level of every table
DIGITS = 4                     # rates, SEs and bounds as stored in the CSVs


def case_study_power(**options):
    """The power table with the case study's independent sanctions and period."""
    case = als.datasets.load_iran_venezuela()
    return power_table(case.independent_sanctions, window=case.window, period=case.period,
                       **{**POWER, **options})


def stored(table: pd.DataFrame) -> pd.DataFrame:
    """A table as its CSV holds it (rates rounded to DIGITS decimals)."""
    return table.round(DIGITS)


def size_display(table: pd.DataFrame, statistic: str) -> pd.DataFrame:
    """Rates of one statistic, nulls x scenarios; cells above the bound in bold."""
    shown = wide(table, statistic).map(lambda r: f"{r:.3f}")
    above = wide(table, statistic, value="above_bound").astype(bool)
    shown = shown.where(~above, "**" + shown + "**")
    methods = table[table.statistic == statistic].drop_duplicates("null").set_index("null")
    shown.insert(0, "method", [_method(methods.loc[null]) for null in shown.index])
    return shown.rename_axis(columns=None).reset_index()


def power_display(table: pd.DataFrame, statistic: str) -> pd.DataFrame:
    """Power of one statistic, nulls x couplings. At pi = 0 (the size against the
    case study's sanctions) cells above alpha + 3 SE are in bold: those tests reject
    too often with no coupling at all, so their power is not power."""
    shown = wide(table, statistic, value="power", columns="coupling")
    size = shown[0.0] if 0.0 in shown.columns else None
    shown = shown.map(lambda r: f"{r:.3f}")
    if size is not None:
        n = int(table.datasets.iloc[0])
        above = size > ALPHA + 3 * (ALPHA * (1 - ALPHA) / n) ** 0.5
        shown[0.0] = shown[0.0].where(~above, "**" + shown[0.0] + "**")
    shown = shown.rename(columns=lambda c: f"π = {c:g}")
    return shown.rename_axis(columns=None).reset_index()


def _method(row: pd.Series) -> str:
    return "exact" if row.method == "exact" else f"MC, B = {row.n_resamples}"


def write_tables(size: pd.DataFrame | None, power: pd.DataFrame | None, *,
                 tidy: bool = True) -> None:
    """The tables of record (``tidy``) and the displayed tables drawn from them."""
    DATA.mkdir(exist_ok=True)
    if size is not None:
        if tidy:
            stored(size).to_csv(DATA / "calibration_size.csv", index=False)
        for statistic in STATISTICS:
            size_display(size, statistic).to_csv(DATA / f"size_{statistic}.csv", index=False)
    if power is not None:
        if tidy:
            stored(power).to_csv(DATA / "calibration_power.csv", index=False)
        for statistic in STATISTICS:
            power_display(power, statistic).to_csv(DATA / f"power_{statistic}.csv", index=False)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="store the CSVs in docs/data/")
    parser.add_argument("--datasets", type=int, help="datasets per cell (smoke runs)")
    parser.add_argument("--only", choices=("size", "power"))
    parser.add_argument("--render", action="store_true",
                        help="only redraw the displayed tables from the stored CSVs")
    args = parser.parse_args(argv)
    if args.render:
        read = lambda name: pd.read_csv(DATA / name, dtype={"n_resamples": "Int64"})  # noqa: E731
        write_tables(read("calibration_size.csv"), read("calibration_power.csv"), tidy=False)
        return
    if args.write and args.datasets is not None:
        parser.error("--write stores the full tables: drop --datasets")
    fewer = {} if args.datasets is None else {"n_datasets": args.datasets}
    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 20)
    size = power = None
    if args.only != "power":
        start = time.process_time()
        size = size_table(**{**SIZE, **fewer})
        n = int(size.datasets.iloc[0])
        print(f"Size: rejection rate at alpha = 0.05, {n} datasets per scenario "
              f"(bound alpha + 3 SE = {size.bound.iloc[0]:.3f}; ** above it); "
              f"{time.process_time() - start:.0f} CPU-s")
        for statistic in STATISTICS:
            print(f"\n{SYMBOL[statistic]} ({statistic})")
            print(size_display(size, statistic).to_string(index=False))
    if args.only != "size":
        start = time.process_time()
        power = case_study_power(**fewer)
        n = int(power.datasets.iloc[0])
        print(f"\nPower at alpha = 0.05, case-study sanctions, n = 25, {n} datasets per "
              f"coupling; {time.process_time() - start:.0f} CPU-s")
        for statistic in STATISTICS:
            print(f"\n{SYMBOL[statistic]} ({statistic}); ** at pi = 0: above alpha + 3 SE")
            print(power_display(power, statistic).to_string(index=False))
    if args.write:
        write_tables(size, power)
        print(f"\nwritten to {DATA}")


if __name__ == "__main__":
    main()
