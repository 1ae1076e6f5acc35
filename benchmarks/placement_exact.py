"""Exact placement nulls, circular shifts and composition at size: ``python benchmarks/placement_exact.py [--quick]``.

SYNTHETIC data: ``n`` response days and ``m = 5,000`` trigger days uniform over a
period of ``T = 36,500`` days, window ``Window.after(days=30, slack=3)``. Figures:

* the exact null distribution of K (``matches``) and S (``pairs``) under
  ``stratified`` (years), ``jitter`` (``days=68``) and ``episode-jitter``
  (``days=68, gap=0``: same-day bursts) at ``n = 10^5``, time (best of a few) and
  peak memory (``tracemalloc``), with the CPU time beside the wall time (the machine
  is shared); for K also ``coincidence_test(method="exact")``
  end to end; and, at ``n = 10^4``, the ratio to the old method (a balanced tree
  of direct convolutions, nothing trimmed, rewritten here);
* the exact ``circular`` distribution of K and S at ``n = 25,000`` (the setup, with
  its coverage mask, built beforehand), and ``coincidence_test`` end to end;
* ``composition_test`` on a ``2 x 20`` table with one response per level (the
  ``2^20``-table case that took 22 s by enumeration) and on one of ~500 responses;
* reported: one of the audit's window-search distributions, ``coincidence_test``
  of Λ (``likelihood``) under ``stratified`` by year, exact, at ``n = m = 2,000``,
  ``T = 36,500`` (``many_windows.data``), window ``[0, 30]`` (the audit computes 91
  of them; aim 25 ms each).

Targets: stratified and jitter K at ``n = 10^5`` under 1 s and 100 MB (the other
nulls and S reported against the same figures); circular under 50 ms; composition
``2 x 20`` under 1 s. Shared, noisy machine: compare ratios from one run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
import warnings

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import alliancestats as als  # noqa: E402
from alliancestats._setup import build_setup  # noqa: E402
from alliancestats.nulls import make_null  # noqa: E402
from alliancestats.statistics import STATISTICS  # noqa: E402
from _targets import Target  # noqa: E402
from dates import best  # noqa: E402  (best of a few repeats, shared with the dates benchmark)
from many_windows import data as audit_data  # noqa: E402  (the audit's window-search data)

DAY0 = np.datetime64("1926-01-01")
T, M = 36_500, 5_000
WINDOW = als.Window.after(days=30, slack=3)
PLACEMENT = (("stratified", {}), ("jitter", {"days": 68}),
             ("episode-jitter", {"days": 68, "gap": 0}))


def _series(days: np.ndarray) -> als.EventSeries:
    return als.EventSeries(DAY0 + np.asarray(days).astype("timedelta64[D]"))


def data(n: int, seed: int = 0) -> tuple[als.EventSeries, als.EventSeries, als.Period]:
    rng = np.random.default_rng(seed)
    period = als.Period(str(DAY0), str(DAY0 + T - 1))
    return _series(rng.integers(0, T, n)), _series(rng.integers(0, T, M)), period


def peak_mb(fn) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def exact_null(null: str, options: dict, responses, triggers, period, statistic: str):
    """A fresh setup and null each time (nothing cached), then the exact distribution."""
    def run():
        setup, _ = build_setup(responses, triggers, window=WINDOW, period=period)
        return make_null(null, dict(options)).exact_distribution(setup, STATISTICS[statistic])
    return run


def old_tree(null: str, options: dict, responses, triggers, period, statistic: str):
    """The previous method: every unit pmf, then a balanced tree of direct
    convolutions with nothing trimmed."""
    def run():
        setup, _ = build_setup(responses, triggers, window=WINDOW, period=period)
        model = make_null(null, dict(options))
        units, copies = model._groups(setup)
        from alliancestats.nulls._placement import unit_pmfs
        matrix, _ = unit_pmfs(STATISTICS[statistic].score(setup), units)
        parts = [row for row, k in zip(matrix, copies) for _ in range(k)]
        while len(parts) > 1:
            parts = ([np.convolve(parts[i], parts[i + 1]) for i in range(0, len(parts) - 1, 2)]
                     + parts[len(parts) - len(parts) % 2:])
        return parts[0]
    return run


def composition_tables() -> dict[str, pd.DataFrame]:
    one_each = pd.DataFrame({"matched": [True, False] * 10,
                             "kind": [f"level{j:02d}" for j in range(20)]})
    rng = np.random.default_rng(1)
    counts = rng.integers(5, 20, (2, 20))
    rows = [(flag, f"level{j:02d}") for r, flag in ((0, True), (1, False))
            for j in range(20) for _ in range(counts[r, j])]
    many = pd.DataFrame(rows, columns=["matched", "kind"])
    return {"2 x 20, one response per level (2^20 tables)": one_each,
            f"2 x 20, {len(many)} responses": many}


def targets(quick: bool = False) -> list[Target]:
    warnings.simplefilter("ignore", als.DegenerateDataWarning)
    repeat = 2 if quick else 3
    out: list[Target] = []
    big = data(100_000)
    for null, options in PLACEMENT:
        for statistic in ("matches", "pairs"):
            run = exact_null(null, options, *big, statistic)
            seconds = best(run, repeat)
            cpu = best(run, repeat, time.process_time)
            memory = peak_mb(run)
            name = "K" if statistic == "matches" else "S"
            headline = null in ("stratified", "jitter") and statistic == "matches"
            out.append(Target(
                f"{null} exact null of {name}, n = 10^5" + ("" if headline else " (reported)"),
                f"{seconds:.3f} s (CPU {cpu:.3f} s), {memory:.0f} MB", "< 1 s, < 100 MB",
                seconds < 1 and memory < 100))
        kw = dict(window=WINDOW, period=big[2], null=null, method="exact", **options)
        seconds = best(lambda kw=kw: als.coincidence_test(big[0], big[1], **kw), repeat)
        out.append(Target(f"{null} coincidence_test(method='exact'), K, n = 10^5",
                          f"{seconds:.3f} s", "< 1 s", seconds < 1))
    responses, triggers, period = audit_data(2000, 2000)
    kw = {"window": als.Window(0, 30), "period": period, "null": "stratified",
          "strata": "year", "statistic": "likelihood", "method": "exact"}
    seconds = best(lambda: als.coincidence_test(responses, triggers, **kw), repeat + 3)
    cpu = best(lambda: als.coincidence_test(responses, triggers, **kw), repeat + 3,
               time.process_time)
    out.append(Target("stratified (years) coincidence_test(method='exact'), Λ, n = m = 2,000, "
                      "T = 36,500, window [0, 30] (reported)",
                      f"{seconds * 1e3:.1f} ms (CPU {cpu * 1e3:.1f} ms)",
                      "reported (aim 25 ms; the audit's own target is many_windows')", True))
    small = data(10_000)
    for null, options in PLACEMENT[:2]:
        new = best(exact_null(null, options, *small, "matches"), repeat)
        old = best(old_tree(null, options, *small, "matches"), 1)
        out.append(Target(f"{null} K, n = 10^4: old direct tree / new", f"{old / new:.1f}x "
                          f"({old:.3f} s / {new:.3f} s)", "> 1x", old > new))
    mid = data(25_000)
    setup, _ = build_setup(mid[0], mid[1], window=WINDOW, period=mid[2])
    for statistic in ("matches", "pairs"):
        name = "K" if statistic == "matches" else "S"
        seconds = best(lambda statistic=statistic: make_null("circular", {}).exact_distribution(
            setup, STATISTICS[statistic]), repeat + 2)
        out.append(Target(f"circular exact null of {name}, n = 25,000, T = 36,500 (setup built)",
                          f"{seconds * 1e3:.1f} ms", "< 50 ms", seconds < 0.05))
        kw = {"window": WINDOW, "period": mid[2], "null": "circular", "statistic": statistic,
              "method": "exact"}
        seconds = best(lambda kw=kw: als.coincidence_test(mid[0], mid[1], **kw), repeat)
        out.append(Target(f"circular coincidence_test(method='exact'), {name}, n = 25,000 "
                          "(reported)", f"{seconds * 1e3:.1f} ms", "< 50 ms", seconds < 0.05))
    for label, table in composition_tables().items():
        result = als.composition_test(table, "kind", rng=0)
        seconds = best(lambda table=table: als.composition_test(table, "kind", rng=0), repeat)
        out.append(Target(f"composition_test {label}", f"{seconds:.3f} s ({result.method})",
                          "< 1 s", seconds < 1))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    rows = targets(args.quick)
    width = max(len(t.label) for t in rows)
    print(f"{'target':{width}s}  {'measured':38s}  {'goal':16s}  holds")
    for t in rows:
        print(f"{t.label:{width}s}  {t.measured:38s}  {t.target:16s}  {'yes' if t.holds else 'NO'}")


if __name__ == "__main__":
    main()
