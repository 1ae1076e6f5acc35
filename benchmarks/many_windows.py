"""Many windows, audits and influence at size: run `python benchmarks/many_windows.py [--quick]`.

SYNTHETIC data (nothing in them happened): response and trigger days drawn
uniformly at random over a period of ``T`` days (seed 0), window ``[0, 30]``.

* ``window_sweep``: 31 windows ``[0, h]``, ``h = 0..30``, n = 10**5 responses,
  m = 10**6 triggers, T = 36,500 days (100 years), B = 999, the uniform null.
  Target: under 30 s.
* ``audit``: n = m = 2,000, T = 36,500, B = 999 (the default). Target: under 10 s.
  Also the case study's full audit (``alliancestats example --audit``).
  Not met (measured on a loaded machine): diagnose 5 s (its Monte Carlo
  clustering placements); the placebo (Λ under stratified by year, 1,175 shifted
  lists) about 0.2 s a list since strata are powered per list (was 3 s a list);
  influence with Λ runs one test per left-out event.
* ``rate_curve``: n = m = 2,000, T = 36,500, 41 multipliers, 200 replicates.
  Target: under 10 s (under 2 s at the quick n = m = 200). Was 35 s: the exact
  poisson pmf (57 calls) now runs its many short chains in dense batches, and
  the thinning replicates draw one uniform per day for all 41 multipliers.
* ``influence``: peak traced memory (tracemalloc) at n = 1,000, m = 10**6,
  T = 36,500. Target: under 300 MB, linear in n + m (an n x m int64 array alone
  would be 8 GB); most of it is the per-trigger data of 10**6 triggers.

``--quick`` runs every figure at a tenth of the sizes (the same targets, which
then hold easily: a smoke test of the script, not a measurement). Times are the
best of ``repeat`` runs, wall clock; the machine is shared, so compare ratios.
"""

from __future__ import annotations

import argparse
import sys
import tracemalloc
import warnings
from pathlib import Path

import numpy as np

import alliancestats as als

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _targets import Target  # noqa: E402
from dates import best  # noqa: E402  (best of a few repeats, shared by the benchmarks)

DAY0 = np.datetime64("1900-01-01")
T_DAYS = 36_500
WINDOW = als.Window(0, 30)


def data(n: int, m: int, T: int = T_DAYS, seed: int = 0):
    rng = np.random.default_rng(seed)
    to_series = lambda days: als.EventSeries(DAY0 + np.sort(days).astype("timedelta64[D]"))  # noqa: E731
    period = als.Period(str(DAY0), str(DAY0 + T - 1))
    return to_series(rng.integers(0, T, n)), to_series(rng.integers(0, T, m)), period


def peak_memory(fn) -> float:
    """Peak traced memory of one call, in MB."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def _seconds(label: str, seconds: float, limit: float) -> Target:
    return Target(label, f"{seconds:.2f} s", f"< {limit:g} s", seconds < limit)


def targets(quick: bool = False) -> list[Target]:
    scale = 10 if quick else 1
    warnings.simplefilter("ignore", als.DegenerateDataWarning)
    out = []
    n, m = 100_000 // scale, 1_000_000 // scale
    responses, triggers, period = data(n, m)
    seconds = best(lambda: als.window_sweep(
        responses, triggers, period=period, windows=als.sweep_windows(30), n_resamples=999,
        rng=1, progress=False), repeat=1)
    out.append(_seconds(f"window_sweep, 31 windows, n={n:,}, m={m:,}, B=999", seconds, 30))
    n = m = 2_000 // scale
    responses, triggers, period = data(n, m)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        seconds = best(lambda: als.audit(responses, triggers, window=WINDOW, period=period,
                                         rng=1, progress=False), repeat=1)
    out.append(_seconds(f"audit, n={n:,}, m={m:,}, B=999", seconds, 10))
    case = als.datasets.load_iran_venezuela()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        seconds = best(lambda: als.audit(case.meetings, case.independent_sanctions,
                                         window=case.window, period=case.period, rng=0,
                                         progress=False), repeat=1)
    out.append(_seconds("audit, case study (default options)", seconds, 10))
    seconds = best(lambda: als.rate_curve(responses, triggers, window=WINDOW, period=period,
                                          rng=1), repeat=1)
    out.append(_seconds(f"rate_curve, n={n:,}, m={m:,}", seconds, 2 if quick else 10))
    n, m = 1_000 // scale, 1_000_000 // scale
    responses, triggers, period = data(n, m)
    peak = peak_memory(lambda: als.influence(responses, triggers, window=WINDOW, period=period))
    out.append(Target(f"influence peak memory, n={n:,}, m={m:,}", f"{peak:.0f} MB", "< 300 MB",
                      peak < 300))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    quick = parser.parse_args().quick
    print(f"{'target':58s} {'measured':>10s} {'target':>10s}  holds")
    for t in targets(quick):
        print(f"{t.label:58s} {t.measured:>10s} {t.target:>10s}  {'yes' if t.holds else 'NO'}")


if __name__ == "__main__":
    main()
