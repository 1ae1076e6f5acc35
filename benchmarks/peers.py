"""The uniform coincidence test computed by alliancestats and by its peers, side by side.

``python benchmarks/peers.py [--quick]``. One table per data set (the case study, and a
larger synthetic one) with each implementation's p-value, its time (best of rounds that
interleave the implementations, all in one run) and the ratio of that time to
alliancestats doing the same kind of computation (exact to exact; Monte Carlo per
resample to Monte Carlo per resample).

What each row tests (H0: responses on uniformly random days, triggers as observed,
unless the row says otherwise; statistic K, responses with a trigger at a lag in the
window):

* ``alliancestats exact``: ``coincidence_test``, K ~ Binomial(n, C/T), exact.
* ``alliancestats Monte Carlo``: the same null by ``B`` placements.
* ``scipy binomtest``: what a user would write by hand: C and K with numpy
  (``searchsorted`` on the sorted trigger days), then
  ``scipy.stats.binomtest(K, n, C/T, alternative="greater")``. The same test.
* ``numpy Monte Carlo``: the plain loop a user would write: ``B`` rows of ``n``
  uniform days, K of each row from the coverage mask, ``(1 + hits) / (1 + B)``.
* ``Elephant surrogates`` (optional, ``pip install elephant``): the responses as a
  ``neo.SpikeTrain`` in days, ``B`` surrogates by ``randomise_spikes`` (each spike
  uniform on ``[t_start, t_stop)``: floored to days, a uniform day), K of each
  counted with numpy. The same null; Elephant has no lagged coincidence count of its
  own (its cross-correlation histogram counts pairs, not matched responses).
* ``pyunicorn ECA shuffle`` (optional, ``pip install pyunicorn``): event coincidence
  analysis, the precursor coincidence rate of the responses given the triggers with
  ``lag = lo`` and ``taumax = hi - lo``, its significance by ``event_analysis_significance
  (method="ECA", surrogate="shuffle")``. A *different* null: both series are shuffled
  over the day grid (triggers too, at most one event a day), and the rate leaves out
  the responses within ``lag + taumax`` of the first one (its edge correction); its
  p-value is ``#{rate* >= rate} / B``. Comparable in cost, not in value.

Rows whose package is not installed are listed as skipped.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings

import numpy as np
from scipy import stats

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import alliancestats as als  # noqa: E402

DAY0 = np.datetime64("2000-01-01")


# -- the data ----------------------------------------------------------------------------

def case_study():
    case = als.datasets.load_iran_venezuela()
    return "case study (n = 25, m = 164, T = 2,922, window [0, 33])", \
        case.meetings, case.independent_sanctions, case.window, case.period


def synthetic(n=2000, m=1000, days=20_000, seed=1):
    rng = np.random.default_rng(seed)
    period = als.Period(str(DAY0), str(DAY0 + days - 1))
    as_series = lambda d: als.EventSeries(DAY0 + np.sort(d).astype("timedelta64[D]"))  # noqa: E731
    window = als.Window(0, 10)
    return (f"synthetic (n = {n:,}, m = {m:,}, T = {days:,}, window [0, 10])",
            as_series(rng.integers(0, days, n)), as_series(rng.integers(-10, days, m)),
            window, period)


# -- plain implementations ----------------------------------------------------------------

def plain_inputs(responses, triggers, window, period):
    """Offsets of the responses, the sorted trigger offsets and T, as plain arrays."""
    first = period.first_day
    return (np.asarray(responses.days) - first, np.sort(np.asarray(triggers.days) - first),
            period.n_days)


def plain_matched(days, triggers, lo, hi):
    """Whether each day has a trigger at a lag in [lo, hi] (numpy searchsorted)."""
    return (np.searchsorted(triggers, days - lo, side="right")
            > np.searchsorted(triggers, days - hi, side="left"))


def plain_binomtest(days, triggers, n_days, lo, hi):
    mask = plain_matched(np.arange(n_days), triggers, lo, hi)
    k = int(plain_matched(days, triggers, lo, hi).sum())
    return stats.binomtest(k, len(days), mask.mean(), alternative="greater").pvalue


def plain_monte_carlo(days, triggers, n_days, lo, hi, n_resamples, rng):
    mask = plain_matched(np.arange(n_days), triggers, lo, hi)
    k = int(plain_matched(days, triggers, lo, hi).sum())
    hits = 0
    for start in range(0, n_resamples, 1000):
        draws = rng.integers(0, n_days, size=(min(1000, n_resamples - start), len(days)))
        hits += int((mask[draws].sum(axis=1) >= k).sum())
    return (1 + hits) / (1 + n_resamples)


# -- optional peers -----------------------------------------------------------------------

def elephant_test(days, triggers, n_days, lo, hi, n_resamples):
    import neo
    import quantities as pq
    from elephant.spike_train_surrogates import surrogates

    train = neo.SpikeTrain(days.astype(float) * pq.d, t_start=0 * pq.d, t_stop=n_days * pq.d)
    k = int(plain_matched(days, triggers, lo, hi).sum())
    hits = 0
    for surrogate in surrogates(train, n_surrogates=n_resamples, method="randomise_spikes"):
        placed = np.floor(surrogate.magnitude).astype(np.int64)
        hits += int(plain_matched(placed, triggers, lo, hi).sum() >= k)
    return (1 + hits) / (1 + n_resamples)


def pyunicorn_test(days, triggers, n_days, lo, hi, n_resamples):
    from pyunicorn.eventseries import EventSeries

    first = min(0, int(triggers.min()))          # the grid reaches back to the first trigger
    matrix = np.zeros((n_days - first, 2), dtype=int)
    matrix[days - first, 0] = 1                   # responses (X)
    matrix[triggers - first, 1] = 1               # triggers (Y)
    series = EventSeries(matrix, taumax=float(hi - lo), lag=float(lo))
    level = series.event_analysis_significance(method="ECA", surrogate="shuffle",
                                               n_surr=n_resamples, window_type="advanced")
    return float(1.0 - level[0, 1])


def available(module):
    try:
        __import__(module)
    except ImportError:
        return False
    return True


# -- the table ----------------------------------------------------------------------------

def rows_for(data, quick):
    label, responses, triggers, window, period = data
    lo, hi = window.lo, window.hi
    days, trig, n_days = plain_inputs(responses, triggers, window, period)
    big = len(days) > 100
    B = (999 if quick else 9999) if not big else (199 if quick else 999)
    B_slow = max(99, B // 10)                    # peers that build objects per resample
    seeds = np.random.SeedSequence(5).spawn(3)
    rows = [
        ("alliancestats exact", "exact", None, lambda: als.coincidence_test(
            responses, triggers, window=window, period=period).pvalue),
        ("alliancestats Monte Carlo", "monte-carlo", B, lambda: als.coincidence_test(
            responses, triggers, window=window, period=period, method="monte-carlo",
            n_resamples=B, rng=seeds[0]).pvalue),
        ("scipy binomtest (hand-written)", "exact", None,
         lambda: plain_binomtest(days, trig, n_days, lo, hi)),
        ("numpy Monte Carlo (hand-written)", "monte-carlo", B,
         lambda: plain_monte_carlo(days, trig, n_days, lo, hi, B, np.random.default_rng(seeds[1]))),
    ]
    skipped = []
    if available("elephant"):
        np.random.seed(7)                        # Elephant draws from numpy's global state
        rows.append(("Elephant surrogates + numpy K", "monte-carlo", B_slow,
                     lambda: elephant_test(days, trig, n_days, lo, hi, B_slow)))
    else:
        skipped.append("Elephant (not installed: pip install elephant)")
    if available("pyunicorn"):
        b = B_slow if not big else 19            # its surrogates cost n x m each
        rows.append(("pyunicorn ECA shuffle (other null)", "monte-carlo", b,
                     lambda: pyunicorn_test(days, trig, n_days, lo, hi, b)))
    else:
        skipped.append("pyunicorn (not installed: pip install pyunicorn)")
    rounds = 3 if quick else 5
    times: dict[str, list[float]] = {name: [] for name, *_ in rows}
    pvalues: dict[str, float] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        number = {}
        for name, _, _, call in rows:            # warm up; calls of under 5 ms repeat
            start = time.perf_counter()
            call()
            number[name] = 20 if time.perf_counter() - start < 0.005 else 1
        for _ in range(rounds):
            for name, _, _, call in rows:
                start = time.perf_counter()
                for _ in range(number[name]):
                    pvalues[name] = float(call())
                times[name].append((time.perf_counter() - start) / number[name])
    best = {name: min(t) for name, t in times.items()}
    per = {name: best[name] / (b or 1) for name, _, b, _ in rows}
    reference = {"exact": per["alliancestats exact"],
                 "monte-carlo": per["alliancestats Monte Carlo"]}
    table = [(name, kind, b, pvalues[name], best[name], per[name] / reference[kind])
             for name, kind, b, _ in rows]
    return label, table, skipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer resamples and rounds")
    main_table(parser.parse_args().quick)


def main_table(quick: bool) -> None:
    print("Peers: the uniform coincidence test (K) by alliancestats, scipy/numpy, Elephant "
          "and pyunicorn\n(what each row tests: see this script's docstring)")
    for data in (case_study(), synthetic()):
        label, table, skipped = rows_for(data, quick)
        print(f"\n{label}")
        print(f"  {'implementation':<36}{'B':>7}{'p-value':>10}{'time ms':>11}"
              f"{'per resample us':>17}{'ratio':>9}")
        for name, kind, b, p, seconds, ratio in table:
            per = f"{seconds / b * 1e6:.2f}" if b else ""
            print(f"  {name:<36}{b or '':>7}{p:>10.4f}{seconds * 1e3:>11.3f}{per:>17}"
                  f"{ratio:>8.2f}x")
        for line in skipped:
            print(f"  skipped: {line}")
    print("\n  ratio: time (per resample for Monte Carlo) over alliancestats' own of the same "
          "kind; exact rows to the exact call, Monte Carlo rows to its Monte Carlo.")


if __name__ == "__main__":
    main()
