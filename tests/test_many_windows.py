"""Many windows at size: the one-pass window family against the per-window computation.

The sweep's fast path (coverage counts from one cumulative count, surrogates through
day patterns) must give exactly what the per-window route gave: the same coverage
counts, the same statistic for every placement, and the same table (same draws, same
p-values) for every null and statistic the sweep supports.
"""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import alliancestats as als
from alliancestats._inference import use_exact
from alliancestats._minp import min_p_adjusted
from alliancestats._montecarlo import batch_sizes
from alliancestats._reach import reach_atoms
from alliancestats._setup import build_setup
from alliancestats._validation import check_rng
from alliancestats._window_family import PatternBuilder, window_coverage_counts
from alliancestats.matching import coverage_counts
from alliancestats.nulls import make_null
from alliancestats.nulls.poisson import coupled_counts
from alliancestats.statistics import AdditiveStatistic, get_statistic

DAY0 = np.datetime64("2000-01-01")


def series(days, **columns):
    frame = pd.DataFrame({"date": DAY0 + np.asarray(days).astype("timedelta64[D]"), **columns})
    return als.EventSeries.from_frame(frame, date="date") if columns else als.EventSeries(frame.date)


def random_case(seed, n=12, m=9, T=120):
    rng = np.random.default_rng(seed)
    responses = np.sort(rng.integers(0, T, n))
    triggers = rng.integers(-20, T + 20, m)
    period = als.Period(str(DAY0), str(DAY0 + T - 1))
    return responses, triggers, period


def random_windows(rng, count=7):
    windows = []
    for _ in range(count):
        lo = int(rng.integers(-15, 15))
        windows.append(als.Window(lo, lo + int(rng.integers(0, 20))))
    return windows


@pytest.mark.parametrize("seed", range(6))
def test_coverage_counts_from_one_cumulative_count_equal_the_primitive(seed):
    responses, triggers, period = random_case(seed)
    windows = random_windows(np.random.default_rng(seed))
    hull = als.Window(min(w.lo for w in windows), max(w.hi for w in windows))
    setup, _ = build_setup(series(responses), series(triggers), window=hull, period=period)
    for w, counts in zip(windows, window_coverage_counts(setup, windows)):
        np.testing.assert_array_equal(counts, coverage_counts(series(triggers).days, w, period))


@pytest.mark.parametrize("statistic", ["matches", "pairs"])
@pytest.mark.parametrize("seed", range(4))
def test_day_patterns_give_every_windows_statistic(statistic, seed):
    rng = np.random.default_rng(seed)
    responses, triggers, period = random_case(seed, m=30)
    # 70 windows: several 63-bit words of scores for either statistic
    windows = random_windows(rng, count=70)
    hull = als.Window(min(w.lo for w in windows), max(w.hi for w in windows))
    setup, _ = build_setup(series(responses), series(triggers), window=hull, period=period)
    chosen = get_statistic(statistic)
    builder = PatternBuilder(period.n_days, limit=period.n_days)
    scores = []
    for counts in window_coverage_counts(setup, windows):
        s = replace(setup, window=hull)
        s.__dict__["coverage_count"] = counts
        scores.append(chosen.score(s))
        builder.add(scores[-1])
    patterns = builder.result()
    assert patterns is not None
    offsets = rng.integers(0, period.n_days, size=(25, setup.n))
    np.testing.assert_array_equal(patterns.values(offsets),
                                  np.stack(scores)[:, offsets].sum(axis=2))
    if statistic == "matches" and all(w.lo == 0 for w in windows):
        assert len(patterns.scores) <= len(windows) + 1


def test_pattern_builder_gives_up_past_its_limit():
    builder = PatternBuilder(50, limit=3)
    builder.add(np.arange(50))
    assert builder.result() is None


# -- the per-window implementation the fast path replaced (kept as the reference) --------

def reference_sweep_one(model, hull, windows, statistic, n_resamples, rng, alternative):
    setups = [replace(hull, window=w) for w in windows]
    observed = [statistic.observed(s) for s in setups]
    exact = [model.exact_distribution(s, statistic)
             if use_exact(model, s, statistic, "auto", []) else None for s in setups]

    def surrogates(generator):
        if model.draws == "responses":
            width = len(setups) * statistic.placement_width(hull)
            scores = (np.stack([statistic.score(s) for s in setups])
                      if isinstance(statistic, AdditiveStatistic) else None)
            for size in batch_sizes(n_resamples, width):
                offsets = model.draw(hull, size, generator)
                if scores is not None:
                    yield scores[:, offsets].sum(axis=2)
                else:
                    ordered = np.sort(offsets, axis=1)
                    yield np.stack([statistic.from_sorted(s, ordered) for s in setups])
            return
        atoms = reach_atoms(hull, [s.window for s in setups])
        q = np.array([model.day_probability(s) for s in setups])
        levels, which = np.unique(q, return_inverse=True)
        width = 3 * len(levels) * (atoms.n_atoms + hull.n)
        for size in batch_sizes(n_resamples, width):
            counts = coupled_counts(atoms, levels, size, generator)
            yield np.stack([statistic.from_atom_counts(s, atoms, counts[which[w]], w)
                            for w, s in enumerate(setups)])

    p_obs, adjusted, dists, p_se, adjusted_se = min_p_adjusted(
        observed, exact, surrogates, n_resamples, rng, alternative)
    expected = [model.expected(s, statistic) for s in setups]
    return pd.DataFrame({
        "k": [s.observed_k for s in setups], "observed": observed,
        "coverage": [float(s.mask.mean()) for s in setups],
        "expected": [e if e is not None else d.mean for e, d in zip(expected, dists)],
        "pvalue": p_obs, "pvalue_se": p_se, "pvalue_adjusted": adjusted,
        "pvalue_adjusted_se": adjusted_se,
        "method": ["exact" if d is not None else "monte-carlo" for d in exact]})


CASES = [("uniform", {}), ("poisson", {}), ("stratified", {"strata": "month"}),
         ("jitter", {"days": 9}), ("circular", {}), ("episode-jitter", {"days": 6, "gap": 4})]


@pytest.mark.parametrize("null, options", CASES)
@pytest.mark.parametrize("statistic", ["matches", "pairs", "trigger-rate"])
@pytest.mark.parametrize("alternative", ["greater", "two-sided"])
def test_sweep_equals_the_per_window_implementation(null, options, statistic, alternative):
    responses, triggers, period = random_case(len(null) + len(statistic), n=15, m=8)
    windows = als.sweep_windows(12) + [als.Window(-5, 3), als.Window(4, 9)]
    model = make_null(null, options)
    chosen = get_statistic(statistic)
    try:
        model.check_statistic(chosen)
    except als.AllianceStatsError:
        pytest.skip(f"{null} does not test {statistic}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fast = als.window_sweep(series(responses), series(triggers), period=period,
                                windows=windows, nulls=null, null_options={null: options},
                                statistic=statistic, n_resamples=199, rng=11,
                                alternative=alternative)
        hull = als.Window(-5, 12)
        setup, _ = build_setup(series(responses), series(triggers), window=hull, period=period)
        reference = reference_sweep_one(model, setup, windows, chosen, 199, check_rng(11),
                                        alternative)
    pd.testing.assert_frame_equal(fast.table[reference.columns], reference,
                                  check_exact=False, rtol=1e-12, atol=1e-12)


# -- influence: grouped leave-one-out against one test per left-out event ------------------

def reference_influence(responses, triggers, *, window, period, null="uniform", **options):
    """The leave-one-out loop the grouped influence replaced: one test per event."""
    from alliancestats.influence import _matching_triggers

    test = lambda r, t: als.coincidence_test(r, t, window=window, period=period,  # noqa: E731
                                             null=null, progress=False, **options)
    full = test(responses, triggers)
    table = full.table
    rows = []
    for i in range(len(responses)):
        keep = np.ones(len(responses), dtype=bool)
        keep[i] = False
        res = test(responses.select(keep), triggers)
        rows.append((res.k, res.n, res.pvalue))
    trigger_rows = []
    for j in _matching_triggers(responses.days, triggers.days, window):
        keep = np.ones(len(triggers), dtype=bool)
        keep[j] = False
        res = test(responses, triggers.select(keep))
        sole = table.response_id[table.matched.to_numpy() & ~res.table.matched.to_numpy()]
        trigger_rows.append((triggers.ids[j], res.k, res.pvalue, sole.tolist()))
    return rows, trigger_rows


INFLUENCE_CASES = [("uniform", "matches", {}), ("uniform", "pairs", {}),
                   ("uniform", "trigger-rate", {"n_resamples": 99, "rng": 4}),
                   ("uniform", "matches", {"distinct": True}),
                   ("uniform", "pairs", {"method": "monte-carlo", "n_resamples": 99, "rng": 2}),
                   ("stratified", "matches", {"strata": "month"}),
                   ("stratified", "pairs", {"strata": ["2000-02-10", "2000-03-05"]}),
                   ("uniform", "likelihood", {}), ("stratified", "likelihood", {"strata": "month"}),
                   ("jitter", "matches", {"days": 5}), ("circular", "pairs", {}),
                   ("poisson", "matches", {})]


@pytest.mark.parametrize("null, statistic, options", INFLUENCE_CASES)
@pytest.mark.parametrize("seed", range(2))
def test_influence_equals_one_test_per_left_out_event(null, statistic, options, seed):
    rng = np.random.default_rng(seed)
    T = 100
    responses = series(rng.integers(0, T, 14))
    # repeated trigger days: leaving one out changes nothing
    triggers = series(np.concatenate([rng.integers(-10, T, 10), [40, 40]]))
    period = als.Period(str(DAY0), str(DAY0 + T - 1))
    assert_influence_equals_reference(responses, triggers, als.Window(0, 9), period, null,
                                      statistic, options)


def assert_influence_equals_reference(responses, triggers, window, period, null, statistic,
                                      options):
    """influence's tables equal one test per left-out event, to 1e-10."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fast = als.influence(responses, triggers, window=window, period=period, null=null,
                             statistic=statistic, **options)
        rows, trigger_rows = reference_influence(responses, triggers, window=window,
                                                 period=period, null=null,
                                                 statistic=statistic, **options)
    got = fast.responses[["k", "n", "pvalue"]].to_numpy()
    np.testing.assert_allclose(got, np.array(rows, dtype=float), rtol=1e-10, atol=1e-12)
    assert fast.triggers.trigger_id.tolist() == [r[0] for r in trigger_rows]
    np.testing.assert_array_equal(fast.triggers.k, [r[1] for r in trigger_rows])
    np.testing.assert_allclose(fast.triggers.pvalue, [r[2] for r in trigger_rows],
                               rtol=1e-10, atol=1e-12)
    assert fast.triggers.sole_match_for.tolist() == [r[3] for r in trigger_rows]


# -- rate_curve's thinning: tests/test_rate_curve_fast.py ------------------------------------


# -- placebo shifts: the batched exact pass against one test per shifted list ---------------

@pytest.mark.parametrize("null, options", [("uniform", {}), ("stratified", {"strata": "month"}),
                                           ("jitter", {"days": 4}),
                                           ("episode-jitter", {"days": 3, "gap": 5})])
@pytest.mark.parametrize("statistic", ["matches", "pairs", "likelihood"])
def test_batched_placebo_pvalues_equal_one_test_per_list(null, options, statistic):
    from alliancestats._setup import Setup
    from alliancestats.audit._batch import batch_pvalues, batchable, one_by_one
    from alliancestats.audit.placebo import _shifted_counts

    rng = np.random.default_rng(5)
    T = 150
    responses, triggers = series(rng.integers(0, T, 16)), series(rng.integers(-10, T, 9))
    period = als.Period(str(DAY0), str(DAY0 + T - 1))
    window = als.Window(0, 6)
    model, chosen = make_null(null, options), get_statistic(statistic)
    assert batchable(model, chosen)
    setup, _ = build_setup(responses, triggers, window=window, period=period)
    # shifts 0 and 7 twice: equal rows share one convolution
    shifts = np.array([0, 7, -7, 7, 21, -35, 0])
    counts = _shifted_counts(np.unique(triggers.days), window, period, shifts)
    p, observed, mean = batch_pvalues(model, setup, chosen, chosen.scores(counts, counts))
    setups = [Setup(setup.responses, triggers.shifted(int(s)) if s else triggers, window, period)
              for s in shifts]
    p1, observed1, mean1, method = one_by_one(model, setups, chosen, n_resamples=9,
                                              seeds=np.random.SeedSequence(0))
    assert method == "exact"
    np.testing.assert_array_equal(observed, observed1)
    np.testing.assert_allclose(p, p1, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(mean, mean1, rtol=1e-10)
