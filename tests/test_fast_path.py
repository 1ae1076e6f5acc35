"""The fast path of coincidence_test: what it defers changes no value, and its leaner
primitives (C and K without the per-day mask, the uniform pmf, one tail) agree with
brute force and with the general code they bypass."""

import copy
import json
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import alliancestats as als
from alliancestats._pvalues import NullDistribution, exact_tail
from alliancestats._setup import build_setup
from alliancestats.matching import (coverage_counts, covered_day_count, covered_sorted,
                                    matched_count)
from alliancestats.nulls import make_null
from alliancestats.nulls._placement import UnitPlacementNull
from alliancestats.nulls.uniform import checked_pmf
from alliancestats.statistics import get_statistic

LAZY = ("null_distribution", "distribution", "null_description", "table")

COMBINATIONS = [
    ("uniform", {}, "matches"), ("uniform", {}, "pairs"), ("uniform", {}, "trigger-rate"),
    ("uniform", {"distinct": True}, "matches"), ("uniform", {"distinct": True}, "pairs"),
    ("poisson", {}, "matches"), ("poisson", {}, "trigger-rate"),
    ("stratified", {"strata": "year"}, "matches"), ("jitter", {"days": 30}, "pairs"),
    ("episode-jitter", {"days": 30}, "matches"), ("circular", {}, "matches"),
    ("circular", {}, "trigger-rate"), ("shuffle-triggers", {}, "matches"),
    ("shuffle-triggers", {}, "pairs"),
]


@pytest.fixture(scope="module")
def case():
    return als.datasets.load_iran_venezuela()


def _run(case, null, options, statistic, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", als.DegenerateDataWarning)
        return als.coincidence_test(case.meetings, case.independent_sanctions,
                                    window=case.window, period=case.period, null=null,
                                    statistic=statistic, n_resamples=199, rng=3, **options, **kw)


def _public(result):
    """Every public attribute that is not a method, by name."""
    names = [n for n in dir(result) if not n.startswith("_")]
    return {n: getattr(result, n) for n in names if not callable(getattr(result, n))}


def _same(a, b):
    if isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b, check_exact=True)
    elif isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    elif isinstance(a, float) and np.isnan(a):
        assert np.isnan(b)
    elif isinstance(a, tuple) and a and not isinstance(a[0], str):
        assert len(a) == len(b)          # the inputs tuples: objects, compared by what they give
    else:
        assert a == b


def _touch_every_lazy_attribute(result):
    for name in LAZY:
        getattr(result, name)
    result.effect_sizes_unavailable


@pytest.mark.parametrize("null, options, statistic", COMBINATIONS)
def test_deferred_attributes_give_the_values_built_at_once(case, null, options, statistic):
    eager = _run(case, null, options, statistic)
    _touch_every_lazy_attribute(eager)           # as the result was built before: all at once
    lazy = _run(case, null, options, statistic)
    lazy_dict = lazy.to_dict()                   # first use: the dict, then the rest
    assert json.dumps(lazy_dict, sort_keys=True) == json.dumps(eager.to_dict(), sort_keys=True)
    first, second = _public(eager), _public(lazy)
    assert set(first) == set(second) and set(LAZY) <= set(first)
    for name in first:
        _same(first[name], second[name])
    assert lazy.summary() == eager.summary() and lazy.report() == eager.report()
    assert lazy._repr_html_() == eager._repr_html_() and repr(lazy) == repr(eager)
    pd.testing.assert_frame_equal(lazy.to_frame(), eager.to_frame())


@pytest.mark.parametrize("null, options, statistic", COMBINATIONS)
def test_deferred_attributes_equal_the_general_code(case, null, options, statistic):
    """Each deferred attribute against the function it defers, on a setup built apart."""
    res = _run(case, null, options, statistic)
    model, setup = make_null(null, options), build_setup(
        case.meetings, case.independent_sanctions, window=case.window, period=case.period)[0]
    chosen = get_statistic(statistic)
    assert res.null_description == model.describe()
    assert res.distribution == model.distribution_label(setup, chosen)
    pd.testing.assert_frame_equal(res.table, als.match_table(
        case.meetings, case.independent_sanctions, window=case.window))
    assert res.covered_days == int(setup.mask.sum()) and res.k == int(res.table.matched.sum())
    series = res.null_distribution
    assert series.sum() == pytest.approx(1.0) and (series >= 0).all()
    if res.method == "exact":
        exact = model.exact_distribution(setup, chosen)
        if statistic == "trigger-rate":
            np.testing.assert_array_equal(series.index.to_numpy(), exact.values)
            np.testing.assert_array_equal(series.to_numpy(), exact.pmf)
        else:
            last = res.n if statistic == "matches" else max(int(exact.values[-1]),
                                                            int(res.statistic))
            np.testing.assert_array_equal(series.to_numpy(), exact.dense(0, last))


@pytest.mark.parametrize("options", [{}, {"distinct": True}])
@pytest.mark.parametrize("statistic", ["matches", "pairs"])
def test_uniform_shortcuts_equal_scipy_and_the_placement_formula(case, options, statistic):
    res = _run(case, "uniform", options, statistic)
    model = make_null("uniform", options)
    setup = build_setup(case.meetings, case.independent_sanctions, window=case.window,
                        period=case.period)[0]
    chosen = get_statistic(statistic)
    # E: the general placement formula (every response on any of the T days), bit for bit
    assert res.expected == UnitPlacementNull.expected(model, setup, chosen)
    if statistic == "matches":
        k, n, c, t = np.arange(res.n + 1), res.n, res.covered_days, case.period.n_days
        pmf = (stats.hypergeom.pmf(k, t, c, n) if options else stats.binom.pmf(k, n, c / t))
        np.testing.assert_array_equal(res.null_distribution.to_numpy(), pmf)
        reference = (stats.hypergeom.sf(res.k - 1, t, c, n) if options
                     else stats.binomtest(res.k, n, c / t, alternative="greater").pvalue)
        assert res.pvalue == pytest.approx(reference, rel=1e-12)


def test_checked_pmf_is_scipys_pmf_bit_for_bit():
    rng = np.random.default_rng(11)
    for _ in range(300):
        days = int(rng.integers(1, 500))
        covered, n = int(rng.integers(0, days + 1)), int(rng.integers(1, 80))
        k = np.arange(n + 1)
        np.testing.assert_array_equal(checked_pmf(stats.binom, k, (n, covered / days), (0, n)),
                                      stats.binom.pmf(k, n, covered / days))
        if n <= days:
            support = (max(n - (days - covered), 0), min(covered, n))
            np.testing.assert_array_equal(
                checked_pmf(stats.hypergeom, k, (days, covered, n), support),
                stats.hypergeom.pmf(k, days, covered, n))


def test_one_tail_is_summed_as_both_tails_are():
    """exact_tail sums only the tail it needs, in the order tails_at sums it."""
    rng = np.random.default_rng(12)
    for _ in range(2000):
        size = int(rng.integers(1, 40))
        pmf = rng.random(size) ** int(rng.integers(1, 30))
        dist = NullDistribution.on_integers(pmf / pmf.sum(), int(rng.integers(-3, 3)))
        x = float(rng.integers(dist.values[0] - 3, dist.values[-1] + 4)) + rng.choice([0, 0.5])
        upper, lower = (float(t[0]) for t in dist.tails_at(np.array([x])))
        for alternative, tail, factor in [("greater", upper, 1), ("less", lower, 1),
                                          ("two-sided", min(upper, lower), 2)]:
            expected = min(max(factor * tail, 0.0), 1.0)
            if expected >= 1e-300:
                assert exact_tail(dist, x, alternative).value == expected


def _brute(response_days, trigger_days, lo, hi):
    return [any(lo <= t - s <= hi for s in trigger_days) for t in response_days]


@pytest.mark.parametrize("seed", range(4))
def test_covered_days_and_k_without_the_mask_against_brute_force(seed):
    rng = np.random.default_rng(seed)
    for _ in range(150):
        first, n_days = int(rng.integers(-50, 50)), int(rng.integers(1, 40))
        period = als.Period(str(np.datetime64(first, "D")), str(np.datetime64(first + n_days - 1, "D")))
        triggers = rng.integers(first - 60, first + n_days + 60, int(rng.integers(0, 7)))
        lo = int(rng.integers(-70, 70))
        hi = lo + int(rng.integers(0, 90))
        if rng.random() < 0.15:
            lo, hi = -3_000_000, 3_000_000            # a window far wider than the data
        window = als.Window(lo, hi)
        days = np.arange(first, first + n_days)
        covered = _brute(days, triggers, lo, hi)
        assert covered_day_count(triggers, window, period) == sum(covered)
        assert covered_sorted(np.sort(triggers), window, period) == sum(covered)
        assert np.array_equal(coverage_counts(triggers, window, period) > 0, covered)
        responses = rng.integers(first, first + n_days, int(rng.integers(1, 6)))
        assert matched_count(responses, np.sort(triggers), window, period) == \
            sum(_brute(responses, triggers, lo, hi))


def test_copies_and_pickles_still_work(case):
    for null, options in [("uniform", {}), ("stratified", {"strata": "year"}), ("circular", {}),
                          ("poisson", {}), ("shuffle-triggers", {})]:
        res = _run(case, null, options, "matches")
        for clone in (copy.copy(res), copy.deepcopy(res)):
            assert clone.to_dict() == res.to_dict()
    for null, options in [("circular", {}), ("poisson", {}), ("shuffle-triggers", {}),
                          ("uniform", {}), ("stratified", {"strata": "year"}),
                          ("jitter", {"days": 68}), ("episode-jitter", {"days": 68})]:
        res = _run(case, null, options, "matches")
        fresh = pickle.loads(pickle.dumps(res))                  # nothing built yet
        assert fresh.to_dict() == res.to_dict()
        pd.testing.assert_series_equal(fresh.null_distribution, res.null_distribution)
        again = pickle.loads(pickle.dumps(res))                  # everything built
        assert again.to_dict() == res.to_dict() and again.summary() == res.summary()


def test_exact_test_checks_rng_but_draws_nothing(case):
    generator = np.random.default_rng(5)
    state = copy.deepcopy(generator.bit_generator.state)
    res = als.coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                               period=case.period, rng=generator)
    assert res.method == "exact" and generator.bit_generator.state == state
    for bad in (-1, "seed", 1.5, True):
        with pytest.raises(als.AllianceStatsError, match="rng"):
            als.coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                                 period=case.period, rng=bad)
    seeded = [als.coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                                   period=case.period, method="monte-carlo", n_resamples=99,
                                   rng=7).pvalue for _ in range(2)]
    assert seeded[0] == seeded[1]
