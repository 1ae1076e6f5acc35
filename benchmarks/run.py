"""Speed benchmarks for alliancestats: run `python benchmarks/run.py [--quick]`.

First a table of every performance target, collected by name from the topic
modules beside this file (``fast_path``, ``trigger_nulls``, ``placement_exact``,
``many_windows``: each exposes ``targets(quick)``, a list of
``_targets.Target``), with the figure measured and whether the target holds; a
topic module not present is listed as such. Then one table per question, with the
targets and the ratio to a straightforward pairwise-loop implementation written
here, and the peers (``peers.py``). Timings are the best of several repeats
(shared, noisy machines: compare ratios, not absolute figures).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
import tracemalloc
import warnings

# Small linear algebra on a shared, loaded machine runs 10-80x slower with threaded
# BLAS than with one thread; unless told otherwise, measure with one.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy as np  # noqa: E402  (after the thread settings)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import alliancestats as als
from alliancestats._setup import build_setup
from alliancestats.nulls import NULLS, make_null
from dates import best  # noqa: E402  (best of a few repeats, shared by the benchmarks)

DAY0 = np.datetime64("2013-01-01")

#: the topic modules whose ``targets(quick)`` make the first table, in order
TOPICS = ("fast_path", "trigger_nulls", "placement_exact", "many_windows")


def collect_targets(quick):
    """``(topic, target or None, note)`` for every topic module; a missing module or a
    ``targets`` that raised gives one row saying so (the others still run)."""
    rows = []
    for topic in TOPICS:
        try:
            module = importlib.import_module(topic)
        except ModuleNotFoundError as error:
            if error.name != topic:
                raise
            rows.append((topic, None, "module not present"))
            continue
        try:
            found = module.targets(quick)
        except Exception as error:  # noqa: BLE001  (reported in the table, not hidden)
            rows.append((topic, None, f"targets() failed: {type(error).__name__}: {error}"))
            continue
        rows += [(topic, target, "") for target in found]
    return rows


def machine_reference() -> float:
    """CPU seconds of a fixed numpy workload (a direct convolution and a sort, best of
    5): measured at the start and end of the targets, so that tables written on
    different days, or in slow and fast phases of this shared machine (its speed moves
    by up to 40 %), can be compared. About 0.17 s in a fast phase."""
    rng = np.random.default_rng(0)
    a, b = rng.random(2_000_000), rng.random(3_000)

    def work():
        np.convolve(a[:200_000], b)
        np.sort(a)
    return best(work, 5, time.process_time)


def write_targets(rows, quick, folder, reference=None):
    """``folder/speed_targets.rst``: the targets table as reStructuredText for the docs
    (a list-table), with the date, the machine's load and the sizes it was run at."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    measured = [t for _, t, _ in rows if t is not None]
    cell = lambda text: text.replace("|", "\\|").replace("*", "\\*")  # noqa: E731
    lines = [
        f"Written by ``python benchmarks/run.py --targets-only{' --quick' if quick else ''} "
        f"--write docs/data`` on {time.strftime('%Y-%m-%d')} (alliancestats "
        f"{als.__version__}, numpy {np.__version__}; {os.cpu_count()} cores, "
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}, load average "
        f"{load:.1f} at the end of the run{'; --quick: a tenth of the sizes where the label says so' if quick else ''}"
        + ("" if reference is None else f"; a fixed numpy workload, "
           f"``machine_reference`` in ``benchmarks/run.py``, took {reference[0]:.3f} s CPU before "
           f"the targets "
           f"and {reference[1]:.3f} s after")
        + f"): {sum(t.holds for t in measured)} of {len(measured)} targets hold.",
        "",
        ".. list-table::",
        "   :header-rows: 1",
        "   :widths: 12 34 34 14 6",
        "",
        "   * - topic", "     - target", "     - measured", "     - wanted", "     - holds",
    ]
    for topic, target, note in rows:
        if target is None:
            lines += [f"   * - {topic}", f"     - {cell(note)}", "     -", "     -", "     -"]
            continue
        lines += [f"   * - {topic}", f"     - {cell(target.label)}",
                  f"     - {cell(target.measured)}", f"     - {cell(target.target)}",
                  f"     - {'yes' if target.holds else '**no**'}"]
    path = os.path.join(folder, "speed_targets.rst")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    print(f"   written to {path}")


def targets_table(quick, write=None):
    before = machine_reference()
    rows = collect_targets(quick)
    reference = (before, machine_reference())
    print(f"\nMachine reference (a fixed numpy workload, CPU s): {reference[0]:.3f} before the "
          f"targets, {reference[1]:.3f} after")
    print("\nTargets (each topic module's targets(quick); see benchmarks/<topic>.py)")
    measured = [t for _, t, _ in rows if t is not None]
    width = [max([len(head)] + [len(getattr(t, field)) for t in measured]) + 2
             for head, field in (("target", "label"), ("measured", "measured"),
                                 ("wanted", "target"))]
    print(f"   {'topic':<17}{'target':<{width[0]}}{'measured':<{width[1]}}"
          f"{'wanted':<{width[2]}}holds")
    for topic, target, note in rows:
        if target is None:
            print(f"   {topic:<17}{note}")
            continue
        print(f"   {topic:<17}{target.label:<{width[0]}}{target.measured:<{width[1]}}"
              f"{target.target:<{width[2]}}{'yes' if target.holds else 'NO'}")
    print(f"   {sum(t.holds for t in measured)} of {len(measured)} measured targets hold; "
          f"{sum(t is None for _, t, _ in rows)} topic(s) without figures")
    if write is not None:
        write_targets(rows, quick, write, reference)


def best_time(fn, repeat=5, number=1):
    """Seconds per call: the best of ``repeat`` runs of ``number`` calls (``dates.best``)."""
    return best(lambda: [fn() for _ in range(number)], repeat) / number


def series(days):
    return als.EventSeries(DAY0 + np.asarray(days).astype("timedelta64[D]"))


def data(n=25, m=500, T=2922, seed=0):
    rng = np.random.default_rng(seed)
    period = als.Period(str(DAY0), str(DAY0 + T - 1))
    return series(rng.integers(0, T, n)), series(rng.integers(-30, T, m)), period


# -- plain implementations to compare against -----------------------------------------

def naive_k(response_days, trigger_days, lo, hi):
    k = 0
    for t in response_days:
        for s in trigger_days:
            if lo <= t - s <= hi:
                k += 1
                break
    return k


def naive_coverage(first, T, trigger_days, lo, hi):
    return [naive_k([d], trigger_days, lo, hi) for d in range(first, first + T)]


def naive_monte_carlo(mask, n, B, rng):
    T = len(mask)
    out = []
    for _ in range(B):
        out.append(sum(mask[int(rng.integers(0, T))] for _ in range(n)))
    return out


# -- benchmarks ------------------------------------------------------------------------

def exact_tests(window):
    responses, triggers, period = data()
    rows = []
    for null, options in [("uniform", {}), ("poisson", {}), ("stratified", {}),
                          ("jitter", {"days": 68}), ("circular", {})]:
        model = make_null(null, options)

        def core():
            setup, _ = build_setup(responses, triggers, window=window, period=period)
            model.exact_pmf(setup)

        full = best_time(lambda: als.coincidence_test(responses, triggers, window=window,
                                                      period=period, null=null, **options),
                         number=20)
        rows.append((null, best_time(core, number=20) * 1e3, full * 1e3))
    naive = best_time(lambda: naive_coverage(period.first_day, period.n_days, triggers.days,
                                             window.lo, window.hi), repeat=1)
    print("\n1. Exact tests, n = 25, m = 500, T = 2922 (target <= 2 ms)")
    print(f"   {'null':<12}{'core ms':>10}{'full call ms':>14}")
    for null, core, full in rows:
        print(f"   {null:<12}{core:>10.3f}{full:>14.3f}")
    print(f"   pairwise-loop coverage alone: {naive * 1e3:.1f} ms "
          f"(ratio to uniform core: {naive / (rows[0][1] / 1e3):.0f}x)")


def monte_carlo(window, quick):
    responses, triggers, period = data()
    setup, _ = build_setup(responses, triggers, window=window, period=period)
    model = make_null("uniform", {})
    B = 40_000 if quick else 400_000
    rng = np.random.default_rng(0)
    elapsed = best_time(lambda: model.sample(setup, B, rng), repeat=3)
    rate = setup.n * B / elapsed
    mask = setup.mask
    naive = best_time(lambda: naive_monte_carlo(mask, setup.n, 2000, rng), repeat=1)
    naive_rate = setup.n * 2000 / naive
    print("\n2. Monte Carlo throughput, uniform null (target >= 20 million placements/s)")
    print(f"   vectorised: {rate / 1e6:.1f} million placements/s (B = {B})")
    print(f"   pairwise loop: {naive_rate / 1e6:.3f} million placements/s; ratio {rate / naive_rate:.0f}x")
    for null, options in [("poisson", {}), ("circular", {}), ("jitter", {"days": 68})]:
        m = make_null(null, options)
        b = B // 20
        t = best_time(lambda: m.sample(setup, b, rng), repeat=3)
        unit = "trigger-day draws" if m.draws == "triggers" else "placements"
        width = setup.reach_n_days if m.draws == "triggers" else setup.n
        print(f"   {null:<10} {width * b / t / 1e6:8.1f} million {unit}/s")


def sweep(quick):
    responses, triggers, period = data()
    B = 1000 if quick else 10_000
    windows = als.sweep_windows(365)
    elapsed = best_time(lambda: als.window_sweep(responses, triggers, period=period,
                                                 windows=windows, n_resamples=B, rng=0),
                        repeat=1 if not quick else 2)
    print(f"\n3. Window sweep [0, h], h = 0..365, B = {B}, min-p adjustment (target <= 2 s)")
    print(f"   {elapsed:.2f} s" + ("  (quick mode: scale by 10 for B = 10,000)" if quick else ""))


def growth(window, quick):
    print("\n4. Growth (uniform null; exact test and Monte Carlo with B = 2,000)")
    print(f"   {'n':>7}{'m':>8}{'T':>9}{'exact ms':>10}{'MC ms':>9}{'peak MB':>9}")
    factors = [1, 10] if quick else [1, 10, 100]
    base = dict(n=25, m=500, T=2922)
    for key in ("n", "m", "T"):
        for f in factors:
            size = dict(base)
            size[key] *= f
            responses, triggers, period = data(**size)
            exact = best_time(lambda: als.coincidence_test(responses, triggers, window=window,
                                                           period=period), repeat=2)
            run = lambda: als.coincidence_test(responses, triggers, window=window,  # noqa: E731
                                               period=period, method="monte-carlo",
                                               n_resamples=2000, rng=0)
            mc = best_time(run, repeat=2)
            tracemalloc.start()
            run()
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            print(f"   {size['n']:>7}{size['m']:>8}{size['T']:>9}{exact * 1e3:>10.2f}"
                  f"{mc * 1e3:>9.1f}{peak:>9.1f}")
    responses, triggers, period = data()
    loop = best_time(lambda: naive_k(responses.days, triggers.days, window.lo, window.hi), repeat=3)
    fast = best_time(lambda: als.match_table(responses, triggers, window=window), repeat=3)
    print(f"   K by pairwise loop: {loop * 1e3:.2f} ms vs per-response table {fast * 1e3:.2f} ms")


def dyad_scan():
    from alliancestats.dyads import EventTable

    rng = np.random.default_rng(0)
    import importlib.resources as res

    import pandas as pd

    codes = pd.read_csv(res.files("alliancestats.datasets") / "iso3166_countries.csv").alpha_3
    codes = codes.to_numpy()[:150]
    n = 300_000
    frame = pd.DataFrame({"date": (DAY0 + rng.integers(0, 2922, n).astype("timedelta64[D]")).astype(str),
                          "source": rng.choice(codes, n), "target": rng.choice(codes, n),
                          "code": "042"})
    start = time.perf_counter()
    table = EventTable.from_frame(frame, countries="iso3")
    read = time.perf_counter() - start
    period = als.Period("2013-01-01", "2020-12-31")
    triggers = series(rng.integers(0, 2922, 40))
    elapsed = best_time(lambda: als.scan(table, triggers, window=als.Window.after(days=30),
                                         period=period), repeat=2)
    dyads = len(als.scan(table, triggers, window=als.Window.after(days=30), period=period))
    print(f"\n5. Dyad scan (target: 10,000 dyads in seconds): {dyads} dyads, {n} events")
    print(f"   read and normalise table: {read:.2f} s; scan with BH adjustment: {elapsed:.2f} s")


CASE_NULLS = [("uniform", {}), ("uniform", {"distinct": True}), ("poisson", {}),
              ("poisson", {"continuous": True}), ("stratified", {}), ("jitter", {"days": 68}),
              ("episode-jitter", {"days": 68}), ("episode-jitter", {"days": 68, "centred": False}),
              ("circular", {}), ("shuffle-triggers", {})]


def case_call(null, options, statistic, **kw):
    case = als.datasets.load_iran_venezuela()
    return lambda: als.coincidence_test(case.meetings, case.independent_sanctions,  # noqa: E731
                                        window=case.window, period=case.period, null=null,
                                        statistic=statistic, rng=0, **options, **kw)


def statistics_targets():
    print("\n6. Case study, full coincidence_test call (target < 5 ms each)")
    for label, (null, options, statistic) in [
            ("exact pairs p-value (uniform)", ("uniform", {}, "pairs")),
            ("exact episode-jitter p-value (K, J = 68)", ("episode-jitter", {"days": 68}, "matches")),
            ("exact episode-jitter p-value (S, J = 68)", ("episode-jitter", {"days": 68}, "pairs"))]:
        call = case_call(null, options, statistic)
        assert call().method == "exact"
        print(f"   {label:<44}{best_time(call, number=20) * 1e3:8.2f} ms")


def streaming_memory(quick, huge):
    print("\n7. Monte Carlo memory does not grow with B (uniform null, case study, tracemalloc peak)")
    sizes = [10**4, 10**6] if quick else [10**4, 10**6, 10**7]
    sizes += [10**8] if huge else []
    for b in sizes:
        call = case_call("uniform", {}, "matches", method="monte-carlo", n_resamples=b)
        tracemalloc.start()
        start = time.perf_counter()
        call()
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(f"   B = {b:>10,}: peak {peak:6.1f} MB (all draws as int64 would be "
              f"{b * 8 / 2**20:8.1f} MB), {elapsed:6.2f} s")


def every_combination(quick):
    print("\n8. ms per coincidence_test call on the case study, every null x statistic "
          "(B = 9999 where Monte Carlo)")
    print(f"   {'null':<40}{'matches':>16}{'pairs':>16}{'trigger-rate':>16}")
    for null, options in CASE_NULLS:
        cells = []
        for statistic in ("matches", "pairs", "trigger-rate"):
            if statistic in NULLS[null].refused_statistics:
                cells.append("refused")
                continue
            call = case_call(null, options, statistic)
            method = call().method
            cells.append(f"{best_time(call, repeat=2 if quick else 3) * 1e3:9.1f} "
                         f"{'ex' if method == 'exact' else 'MC':>3}")
        label = null + "".join(f", {k}={v}" for k, v in options.items())
        print(f"   {label:<40}" + "".join(f"{c:>16}" for c in cells))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--huge", action="store_true", help="also Monte Carlo with B = 10**8 "
                        "(about a minute; memory stays flat)")
    parser.add_argument("--targets-only", action="store_true",
                        help="only the targets table (the first section)")
    parser.add_argument("--write", metavar="DIR",
                        help="also write the targets table to DIR/speed_targets.rst (docs/data)")
    args = parser.parse_args()
    window = als.Window.after(days=30, slack=3)
    warnings.simplefilter("ignore", als.DegenerateDataWarning)
    print(f"alliancestats {als.__version__} benchmarks (numpy {np.__version__})")
    targets_table(args.quick, args.write)
    if args.targets_only:
        return
    exact_tests(window)
    monte_carlo(window, args.quick)
    sweep(args.quick)
    growth(window, args.quick)
    dyad_scan()
    statistics_targets()
    streaming_memory(args.quick, args.huge)
    every_combination(args.quick)
    print("\n9. Peers (benchmarks/peers.py)")
    import peers

    peers.main_table(args.quick)


if __name__ == "__main__":
    main()
