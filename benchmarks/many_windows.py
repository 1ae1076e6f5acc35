"""Many windows, audits and influence at size: run `python benchmarks/many_windows.py [--quick]`.

SYNTHETIC data (nothing in them happened): response and trigger days drawn
uniformly at random over a period of ``T`` days (seed 0), window ``[0, 30]``.

* ``window_sweep``: 31 windows ``[0, h]``, ``h = 0..30``, n = 10**5 responses,
  m = 10**6 triggers, T = 36,500 days (100 years), B = 999, the uniform null.
  Target: under 30 s.
* ``audit``: n = m = 2,000, T = 36,500, B = 999 (the default). Target: under 10 s.
  Also the case study's full audit (``alliancestats example --audit``). The large
  audit is the best of three timed runs (separate runs on this shared machine
  differ by up to 40 %), the case study's one run; each label names the three
  checks that took the most time, and ``main`` prints every check's seconds and
  share (``timed_audit``). The window search (91 exact distributions of Λ under
  stratified-by-year, about 40 ms each) takes about half of it.
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
import time
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


#: where the last audit target's time went (seconds per check), printed by ``main``
AUDIT_BREAKDOWN: dict[str, dict[str, float]] = {}


class _Marks:
    """Stands in for the audit's progress bar: the clock at its start and at each update."""

    def __init__(self, marks: list[float], clock) -> None:
        self.marks, self.clock = marks, clock

    def __enter__(self) -> "_Marks":
        self.marks.append(self.clock())
        return self

    def __exit__(self, *exc) -> None:
        pass

    def update(self, n: int = 1) -> None:
        self.marks.append(self.clock())


def timed_audit(*args, clock=time.perf_counter, **kwargs) -> tuple[float, dict[str, float]]:
    """One ``als.audit(*args, **kwargs)``: its seconds of ``clock`` (wall time by
    default; ``time.process_time`` for CPU time) and where they went.

    The audit's progress bar marks the end of each of its checks
    (``alliancestats.audit.AUDIT_STEPS``); inside the first, the verdict's
    diagnosis, primary test and placebo are timed apart. Both are patched for
    this one call only.
    """
    audit_module = sys.modules["alliancestats.audit"]
    verdict_module = sys.modules["alliancestats.audit.verdict"]
    marks: list[float] = []
    inner: dict[str, float] = {}

    def timer(name, fn):
        def call(*a, **k):
            start = clock()
            try:
                return fn(*a, **k)
            finally:
                inner[name] = inner.get(name, 0.0) + clock() - start
        return call

    saved = {(audit_module, "progress_bar"): audit_module.progress_bar}
    patches = {(audit_module, "progress_bar"): lambda *a, **k: _Marks(marks, clock)}
    for name, attribute in (("diagnosis (chooses the primary)", "diagnose"),
                            ("primary test", "coincidence_test"), ("placebo", "placebo_test")):
        saved[verdict_module, attribute] = getattr(verdict_module, attribute)
        patches[verdict_module, attribute] = timer(name, getattr(verdict_module, attribute))
    for (module, attribute), value in patches.items():
        setattr(module, attribute, value)
    try:
        start = clock()
        als.audit(*args, **kwargs)
        total = clock() - start
    finally:
        for (module, attribute), value in saved.items():
            setattr(module, attribute, value)
    steps = dict(zip(audit_module.AUDIT_STEPS, np.diff(marks).tolist()))
    verdict = steps.pop(audit_module.AUDIT_STEPS[0])
    parts = {**inner, "verdict (the rest)": verdict - sum(inner.values()), **steps}
    parts["outside the checks (input, report)"] = total - (marks[-1] - marks[0])
    return total, parts


def _top(parts: dict[str, float], total: float, k: int = 3) -> str:
    ranked = sorted(parts.items(), key=lambda item: -item[1])[:k]
    return ", ".join(f"{name} {seconds / total:.0%}" for name, seconds in ranked)


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
        warnings.simplefilter("ignore")       # the best of three runs (a shared machine)
        seconds, parts = min((timed_audit(responses, triggers, window=WINDOW, period=period,
                                          rng=1, progress=False) for _ in range(3)),
                             key=lambda run: run[0])
    label = f"audit, n={n:,}, m={m:,}, B=999 (best of 3)"
    AUDIT_BREAKDOWN[label] = parts
    out.append(_seconds(f"{label} (most: {_top(parts, seconds)})", seconds, 10))
    case = als.datasets.load_iran_venezuela()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        seconds, parts = timed_audit(case.meetings, case.independent_sanctions,
                                     window=case.window, period=case.period, rng=0, progress=False)
    label = "audit, case study (default options)"
    AUDIT_BREAKDOWN[label] = parts
    out.append(_seconds(f"{label} (most: {_top(parts, seconds)})", seconds, 10))
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
    rows = targets(quick)
    width = max(58, *(len(t.label) for t in rows))
    print(f"{'target':{width}s} {'measured':>10s} {'target':>10s}  holds")
    for t in rows:
        print(f"{t.label:{width}s} {t.measured:>10s} {t.target:>10s}  {'yes' if t.holds else 'NO'}")
    for label, parts in AUDIT_BREAKDOWN.items():
        total = sum(parts.values())
        print(f"\nwhere the time of one run goes: {label}")
        for name, seconds in sorted(parts.items(), key=lambda item: -item[1]):
            print(f"  {name:34s} {seconds:8.2f} s  {seconds / total:5.1%}")


if __name__ == "__main__":
    main()
