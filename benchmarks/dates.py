"""Speed of date reading and memory of influence: `python benchmarks/dates.py [--quick]`.

Targets: 10 million ISO date strings parse in a couple of seconds (the event tables
of GDELT and ICEWS run to tens of millions of rows); integer YYYYMMDD as fast;
``influence`` holds no n x m array of lags. Ratios are against ``pandas.to_datetime``
with ``format="ISO8601"`` alone, the floor any reader that also checks for partial
and relative dates must sit on.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np
import pandas as pd

import alliancestats as als
from alliancestats._dates import to_day_numbers


def best(fn, repeat=3, clock=time.perf_counter):
    """The shortest of ``repeat`` calls of ``fn``, in seconds of ``clock`` (wall time by
    default; ``time.process_time`` for CPU time); shared by the topic benchmarks."""
    times = []
    for _ in range(repeat):
        start = clock()
        fn()
        times.append(clock() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="1 million rows instead of 10")
    n = 1_000_000 if parser.parse_args().quick else 10_000_000
    rng = np.random.default_rng(0)
    days = rng.integers(0, 20_000, n).astype("datetime64[D]")
    iso = pd.Series(np.datetime_as_string(days).astype(object))
    stamps = pd.Series(days)
    compact = (stamps.dt.year * 10000 + stamps.dt.month * 100 + stamps.dt.day).astype(np.int64)
    dayfirst = iso.iloc[: n // 10].str.slice(8, 10) + "/" + iso.iloc[: n // 10].str.slice(5, 7) \
        + "/" + iso.iloc[: n // 10].str.slice(0, 4)
    floor = best(lambda: pd.to_datetime(iso, format="ISO8601"))
    rows = [
        ("ISO text", n, best(lambda: to_day_numbers(iso, argument="x"))),
        ("ISO text, str dtype", n, best(lambda: to_day_numbers(iso.astype("str"), argument="x"))),
        ("int YYYYMMDD, date_format='%Y%m%d'", n,
         best(lambda: to_day_numbers(compact, argument="x", date_format="%Y%m%d"))),
        ("dd/mm/yyyy text, dayfirst=True", n // 10,
         best(lambda: to_day_numbers(dayfirst, argument="x", dayfirst=True))),
    ]
    print(f"Date reading (pandas.to_datetime ISO8601 alone on {n:,}: {floor:.2f} s)")
    print(f"{'input':<38}{'rows':>12}{'seconds':>10}{'per 10M':>10}{'vs floor':>10}")
    for name, size, seconds in rows:
        per = seconds * 10_000_000 / size
        print(f"{name:<38}{size:>12,}{seconds:>10.2f}{per:>10.2f}{per / (floor * 10_000_000 / n):>10.2f}")

    print("\nInfluence: peak memory of the trigger scan, n responses x m triggers")
    from alliancestats.influence import _matching_triggers

    window = als.Window(0, 33)
    for size in (1_000, 100_000):
        r = rng.integers(0, 3_000_000, size)
        t = rng.integers(0, 3_000_000, size)
        tracemalloc.start()
        _matching_triggers(r, t, window)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"  n = m = {size:>7,}: peak {peak / 1e6:8.2f} MB (an n x m int64 lag matrix: "
              f"{size * size * 8 / 1e6:,.0f} MB)")


if __name__ == "__main__":
    main()
