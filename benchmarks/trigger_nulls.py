"""Nulls that redraw the triggers (``poisson``, ``shuffle-triggers``):
``python benchmarks/trigger_nulls.py [--quick]``.

* Exact ``poisson`` at n = 25,000 responses, m = 15,000 triggers, T = 36,500 days,
  ``Window.after(days=30, slack=3)``: K (target under 1 s) and S (reported: its
  cost estimate decides between exact and Monte Carlo). Before the chain
  recursion K was refused here (cost estimate 1.7e10 > 2e9) and took 0.9 s at
  n = 2,500, T = 2,922.
* The longest window: ``Window(0, 10**8)`` is refused by ``Window`` itself (lags
  are bounded by the span of the calendar), so the longest allowed,
  ``Window(0, 3_652_058)``, is timed, with the peak of traced memory (target:
  exact, under 200 MiB; the former recursion's state was n x atoms, ~20 GB). Such
  windows can never be missed (chance below 1e-280): they are counted as hit
  and cost nothing (before: 3.2 s and 1.75 GiB at n = 25,000).
* Windows as long as the period that *can* be missed (``Window(0, T)``, few
  triggers): the recursion keeps the open states with the same windows started
  as one polynomial, so its memory grows linearly in n (x2 from n = 2,500 to
  5,000; it grew x4 before, 49 and 196 MiB, and n = 25,000 was refused at a
  cost estimate of 6.9e10, about 5.2 GB); n = 25,000, T = 36,500, m = 10 is
  timed exact with its peak memory.
* The cost estimate against the measured CPU time of the exact K and S at
  n = 25,000 for windows of 7, 33 and 90 days (auto compares it with a budget
  of about a second, so the ratio should stay within about 2x). S sums
  ``w * Binomial(N_w, q)`` over the weights ``w``; before, pairs of such
  lattices met in the FFT tree, where no tilt accepts a stretch, and fell back
  to direct convolution of their whole length (n = 25,000: 2.5 s at
  ``Window.after(30, slack=3)``, estimated 0.74 s; 16-23 s at 90 days,
  estimated 2.5 s); terms of consecutive weights are now summed directly first.
* Memory of K for missable windows of T/4, T/2 and 3T/4 as n doubles (2,500,
  5,000, 10,000): about x3.5 per doubling, not x2. The joint state of the
  recursion at an atom (which open windows are unmatched x how many are missed)
  has (open windows) x (ended windows) non-negligible terms, so a forward
  recursion cannot hold less; linear memory would need another method (e.g.
  evaluating the generating function at points, which loses the tails'
  relative precision unless tilted many times).
* Trigger-side Monte Carlo of K against the plain numpy loop a user would write
  (per resample: draw the trigger days, Bernoulli days over the reach for
  ``poisson`` or ``m`` distinct days for ``shuffle-triggers``, then count matched
  responses with ``np.searchsorted``), microseconds per resample of both and
  their ratio, from one run, at n = 25 (m = 500, T = 2,922) and n = 25,000
  (m = 5,000, T = 36,500). Target: the library at least 10x faster.

Times are the best of several repeats of CPU time (``time.process_time``; the
machine is shared, so wall times are noisier); ratios are measured side by side.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
import tracemalloc
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _targets import Target
from dates import best  # best of a few repeats, shared by the benchmarks

import alliancestats as als
from alliancestats._convolution import EXACT_BUDGET
from alliancestats._setup import build_setup
from alliancestats.errors import AllianceStatsError
from alliancestats.nulls import make_null
from alliancestats.statistics import STATISTICS

DAY0 = np.datetime64("2000-01-01")
WINDOW = als.Window.after(days=30, slack=3)


def best_cpu(fn, repeat: int) -> float:
    """The shortest CPU time of ``repeat`` calls (the machine is shared)."""
    return best(fn, repeat, clock=time.process_time)


def events(n: int, m: int, days: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    responses = als.EventSeries(DAY0 + rng.integers(0, days, n).astype("timedelta64[D]"))
    triggers = als.EventSeries(DAY0 + rng.integers(-40, days, m).astype("timedelta64[D]"))
    period = als.Period(str(DAY0), str(DAY0 + days - 1))
    return responses, triggers, period


def plain_loop(setup, null: str, size: int, rng: np.random.Generator) -> np.ndarray:
    """What a user would write: per resample draw trigger days over the reach, then
    count the responses with a trigger day in their window by ``np.searchsorted``."""
    reach, m = setup.reach_n_days, len(setup.trigger_days)
    q = m / reach
    start = setup.response_offsets                  # window of response i: reach offsets
    stop = start + setup.window.length              # start .. stop - 1
    out = np.empty(size, dtype=np.int64)
    for b in range(size):
        if null == "poisson":
            days = np.flatnonzero(rng.random(reach) < q)
        else:
            days = np.sort(rng.choice(reach, m, replace=False))
        i = np.searchsorted(days, start)
        out[b] = np.count_nonzero(days[np.minimum(i, len(days) - 1)] < stop) if len(days) else 0
    return out


def exact_targets(quick: bool) -> list[Target]:
    """The exact null of K (and S) alone: a fresh setup, its atoms, the cost estimate
    and the distribution; the whole ``coincidence_test`` call is reported beside it
    (its per-response table and result are not this null's work)."""
    repeat = 2 if quick else 3
    responses, triggers, period = events(25_000, 15_000, 36_500)
    null = make_null("poisson", {})
    out = []
    for statistic, symbol in (("matches", "K"), ("pairs", "S")):
        stat = STATISTICS[statistic]

        def exact(stat=stat):
            setup, _ = build_setup(responses, triggers, window=WINDOW, period=period)
            cost = null.exact_cost(setup, stat)
            if cost <= EXACT_BUDGET:
                null.exact_distribution(setup, stat)
            return cost

        def call(statistic=statistic):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return als.coincidence_test(responses, triggers, window=WINDOW, period=period,
                                            null="poisson", statistic=statistic,
                                            n_resamples=99, rng=0)
        cost = exact()
        seconds = best_cpu(exact, repeat)
        result = call()
        whole = best_cpu(call, repeat)
        measured = (f"exact null {seconds:.2f} s CPU (cost estimate {cost:.2g}); whole "
                    f"coincidence_test {whole:.2f} s, method={result.method}")
        if statistic == "matches":
            out.append(Target(f"exact poisson {symbol}, n=25,000, m=15,000, T=36,500",
                              measured, "< 1 s, exact",
                              result.method == "exact" and seconds < 1))
        else:
            out.append(Target(f"poisson {symbol}, n=25,000, m=15,000, T=36,500 (reported)",
                              measured, "reported (auto: exact where affordable)", True))
    return out


def long_window_target(quick: bool) -> list[Target]:
    try:
        als.Window(0, 10**8)
        refused = "accepted"
    except AllianceStatsError:
        refused = "Window(0, 10**8) refused by Window"
    window = als.Window(0, 3_652_058)
    responses, triggers, period = events(2_500 if quick else 25_000, 1_500 if quick else 15_000,
                                         2_922 if quick else 36_500)

    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return als.coincidence_test(responses, triggers, window=window, period=period,
                                        null="poisson", method="exact")
    seconds = best_cpu(run, 2)
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    n = len(responses)
    return [Target(f"Window(0, 3,652,058) exact poisson K, n={n:,}",
                   f"{seconds:.2f} s CPU, peak {peak:.0f} MiB traced ({refused})",
                   "exact, peak < 200 MiB (the former recursion asked for ~20 GB)", peak < 200)]


def missable_long_window_targets(quick: bool) -> list[Target]:
    """Windows as long as the period with so few triggers that they can be missed
    (``Window(0, T)``, q L about 1): every atom stays inside an open window. Open
    states with the same windows started are one polynomial, so the recursion holds
    about n numbers here, not atoms x support; the cost estimate counts that memory
    (``auto`` falls back to Monte Carlo, and ``method="exact"`` refuses, past
    :data:`alliancestats._convolution.MEMORY_BUDGET`)."""
    from alliancestats._convolution import MEMORY_BUDGET
    from alliancestats.nulls.poisson import hit_count_pmf

    null, stat = make_null("poisson", {}), STATISTICS["matches"]
    peaks, costs = {}, {}
    for n, m in ((2_500, 3), (5_000, 6)):
        days = int(n * 1.1688)                     # T = 2,922 at n = 2,500
        responses, triggers, period = events(n, m, days)
        setup, _ = build_setup(responses, triggers, window=als.Window(0, days), period=period)
        costs[n] = null.exact_cost(setup, stat)
        seconds = best_cpu(lambda setup=setup: hit_count_pmf(setup.atoms,
                                                             null.day_probability(setup)), 2)
        tracemalloc.start()
        hit_count_pmf(setup.atoms, null.day_probability(setup))
        peaks[n] = (tracemalloc.get_traced_memory()[1] / 2**20, seconds)
        tracemalloc.stop()
    responses, triggers, period = events(25_000, 10, 36_500)
    window = als.Window(0, 36_500)

    def big_run():
        return als.coincidence_test(responses, triggers, window=window, period=period,
                                    null="poisson", method="exact")
    setup, _ = build_setup(responses, triggers, window=window, period=period)
    big = null.exact_cost(setup, stat)
    try:
        big_seconds = best_cpu(big_run, 1 if quick else 2)
        tracemalloc.start()
        big_run()
        big_peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        big_text, big_ok = f"{big_seconds:.1f} s CPU, peak {big_peak:.0f} MiB traced", \
            big_peak < MEMORY_BUDGET / 2**20
    except AllianceStatsError as error:
        big_text, big_ok = f"refused ({error})", False
    figures = "; ".join(f"n={n:,}: {peak:.1f} MiB, {sec:.2f} s, cost estimate {costs[n]:.2g}"
                        for n, (peak, sec) in peaks.items())
    guard = all((peak < MEMORY_BUDGET / 2**20) == (costs[n] <= EXACT_BUDGET)
                for n, (peak, _) in peaks.items())
    growth = peaks[5_000][0] / peaks[2_500][0]
    return [
        Target("Window(0, T), missable: exact where it fits",
               f"{figures}", f"cost estimate <= {EXACT_BUDGET:.0e} and memory < "
               f"{MEMORY_BUDGET / 2**20:.0f} MiB", guard),
        Target("Window(0, T), missable: memory linear in n",
               f"peak x{growth:.2f} from n=2,500 to n=5,000", "about x2 (linear)",
               growth < 2.5),
        Target("Window(0, T), missable, n=25,000 (T=36,500, m=10): exact",
               f"{big_text}; cost estimate {big:.2g}", "exact, < 200 MiB", big_ok)]


def estimate_targets(quick: bool) -> list[Target]:
    """The cost estimate against the measured CPU time of the exact null (K and S, a
    few window lengths): ``method="auto"`` compares the estimate with
    :data:`~alliancestats._convolution.EXACT_BUDGET` (about a second of CPU), so
    estimate / measured should stay within about 2x. Only cases estimated under 5 s
    are timed."""
    n, m, days = (2_500, 1_500, 2_922) if quick else (25_000, 15_000, 36_500)
    responses, triggers, period = events(n, m, days)
    null = make_null("poisson", {})
    out = []
    for statistic, symbol in (("matches", "K"), ("pairs", "S")):
        stat = STATISTICS[statistic]
        for length in (7, 33, 90):
            window = als.Window(0, length - 1)
            setup, _ = build_setup(responses, triggers, window=window, period=period)
            estimate = null.exact_cost(setup, stat) / EXACT_BUDGET
            if estimate > 5:
                out.append(Target(f"poisson {symbol} estimate, n={n:,}, Window(0, {length - 1})",
                                  f"estimate {estimate:.1f} s: not timed", "reported", True))
                continue

            def exact(window=window, stat=stat):
                setup, _ = build_setup(responses, triggers, window=window, period=period)
                null.exact_distribution(setup, stat)
            seconds = best_cpu(exact, 2 if quick else 3)
            ratio = estimate / seconds
            out.append(Target(f"poisson {symbol} estimate, n={n:,}, Window(0, {length - 1})",
                              f"estimate {estimate:.2f} s, measured {seconds:.2f} s CPU: "
                              f"ratio {ratio:.2f}", "estimate within 2x of measured",
                              0.5 <= ratio <= 2 or max(estimate, seconds) < 0.05))
    return out


def memory_scaling_targets(quick: bool) -> list[Target]:
    """Peak traced memory of the exact recursion of K for windows of a quarter, half and
    three quarters of the period that can be missed (q L about 1, m = T / L), as n
    doubles. The recursion holds one polynomial per group of open states (states that
    started the same windows), each over the windows already ended; with windows that
    both start and end while others are open, that is (open windows) x (ended
    windows), quadratic in n, and so is the joint state itself (which windows are
    still unmatched, how many are missed) that any forward recursion carries."""
    from alliancestats.nulls.poisson import hit_count_pmf

    null, days = make_null("poisson", {}), 36_500
    sizes = (2_500, 5_000) if quick else (2_500, 5_000, 10_000)
    out = []
    for fraction, name in ((0.25, "T/4"), (0.5, "T/2"), (0.75, "3T/4")):
        length = int(days * fraction)
        peaks = []
        for n in sizes:
            responses, triggers, period = events(n, round(days / length), days)
            setup, _ = build_setup(responses, triggers, window=als.Window(0, length),
                                   period=period)
            q = null.day_probability(setup)
            tracemalloc.start()
            hit_count_pmf(setup.atoms, q)
            peaks.append(tracemalloc.get_traced_memory()[1] / 2**20)
            tracemalloc.stop()
        growth = max(b / a for a, b in itertools.pairwise(peaks))
        figures = ", ".join(f"n={n:,}: {peak:.1f} MiB" for n, peak in zip(sizes, peaks))
        out.append(Target(f"Window(0, {name}), missable: memory linear in n", f"{figures} "
                          f"(x{growth:.2f} per doubling)", "x2 n gives <= x2.3 memory",
                          growth <= 2.3))
    return out


def monte_carlo_targets(quick: bool) -> list[Target]:
    out = []
    for n, m, days in ((25, 500, 2_922), (25_000, 5_000, 36_500)):
        responses, triggers, period = events(n, m, days)
        setup, _ = build_setup(responses, triggers, window=WINDOW, period=period)
        plain_size = (300 if quick else 2_000) if n == 25 else (5 if quick else 30)
        library_size = 50 * plain_size if n == 25 else 20 * plain_size
        for name in ("poisson", "shuffle-triggers"):
            null = make_null(name, {})
            null.sample(setup, 10, np.random.default_rng(0))     # atoms built, caches warm
            rng = np.random.default_rng(1)
            def plain_run(setup=setup, name=name, size=plain_size, rng=rng):
                return plain_loop(setup, name, size, rng)

            def library_run(null=null, setup=setup, size=library_size, rng=rng):
                return null.sample(setup, size, rng)
            plain = best_cpu(plain_run, 3) / plain_size
            library = best_cpu(library_run, 3) / library_size
            ratio = plain / library
            out.append(Target(
                f"trigger-side MC {name}, n={n:,} (m={m:,}, T={days:,})",
                f"plain loop {plain * 1e6:.1f} us/resample, library {library * 1e6:.2f} "
                f"us/resample: {ratio:.1f}x", ">= 10x plain numpy loop", ratio >= 10))
    return out


def targets(quick: bool = False) -> list[Target]:
    return (exact_targets(quick) + estimate_targets(quick) + long_window_target(quick)
            + missable_long_window_targets(quick) + memory_scaling_targets(quick)
            + monte_carlo_targets(quick))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and resamples")
    args = parser.parse_args()
    for t in targets(args.quick):
        print(f"[{'holds' if t.holds else 'MISSED'}] {t.label}: {t.measured} (target {t.target})")


if __name__ == "__main__":
    main()
