"""Bounded resources and valid p-values: streaming Monte Carlo, cost checks, underflow,
degenerate nulls, absurd windows, and the fixes to shuffle-triggers, poisson and strata."""

import json
import tracemalloc
import warnings

import numpy as np
import pytest

import alliancestats as als
from alliancestats import (AllianceStatsError, DegenerateDataWarning, EventSeries, Period, Window,
                           coincidence_test)
from alliancestats import _inference
from alliancestats._setup import build_setup
from alliancestats.window import MAX_LAG
from alliancestats.nulls import make_null
from alliancestats.statistics import get_statistic

PERIOD = Period("2020-01-01", "2020-12-30")   # T = 365
DAY0 = np.datetime64("2020-01-01")


def _series(offsets, **kw):
    return EventSeries(DAY0 + np.asarray(offsets, dtype="timedelta64[D]"), **kw)


def _peak(fn):
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


# -- streaming Monte Carlo ----------------------------------------------------------------

def test_monte_carlo_memory_does_not_grow_with_b():
    responses, triggers = _series([10, 50, 200]), _series([5, 40, 190, 300])
    run = lambda b: coincidence_test(responses, triggers, window=Window(0, 10),  # noqa: E731
                                     period=PERIOD, method="monte-carlo", n_resamples=b, rng=0)
    small, large = _peak(lambda: run(10_000)), _peak(lambda: run(1_000_000))
    assert large < 0.4 * 1_000_000 * 8        # well below one float per draw
    assert large < 2 * small + 2**20          # and about what B = 10,000 needs


def test_keep_draws_keeps_every_draw_and_matches_the_histogram():
    case = als.datasets.load_iran_venezuela()
    res = coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                           period=case.period, method="monte-carlo", n_resamples=3000, rng=2,
                           keep_draws=True)
    assert res.null_draws.shape == (3000,)
    freq = np.bincount(res.null_draws, minlength=res.n + 1) / 3000
    np.testing.assert_allclose(res.null_distribution.to_numpy(), freq)
    assert res.pvalue == (1 + (res.null_draws >= res.k).sum()) / 3001
    default = coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                               period=case.period, method="monte-carlo", n_resamples=3000, rng=2)
    assert default.null_draws is None and default.pvalue == res.pvalue
    with pytest.raises(AllianceStatsError, match="`keep_draws` must be True or False"):
        coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                         period=case.period, keep_draws="yes")


# -- cost checks ----------------------------------------------------------------------------

def test_exact_cost_above_the_limit_switches_or_raises(monkeypatch):
    monkeypatch.setattr(_inference, "EXACT_BUDGET", 10.0)
    case = als.datasets.load_iran_venezuela()
    args = dict(window=case.window, period=case.period, null="poisson", n_resamples=200, rng=1)
    res = coincidence_test(case.meetings, case.independent_sanctions, **args)
    assert res.method == "monte-carlo" and res.n_resamples == 200
    assert any("would take about" in note and "Monte Carlo used" in note for note in res.notes)
    assert "Monte Carlo used" in " ".join(res.summary().split())      # wrapped at 78 columns
    assert res.to_dict()["notes"] == list(res.notes)
    with pytest.raises(AllianceStatsError, match=r"would take about .* operations \(limit 1e\+01\)"):
        coincidence_test(case.meetings, case.independent_sanctions, method="exact", **args)


def test_exact_refused_for_memory_says_memory(monkeypatch):
    """Where the exact recursion would hold more than the memory budget, the refusal
    (and the note when ``auto`` switches) names the memory, not an operation count."""
    from alliancestats import _window_hits
    rng = np.random.default_rng(3)
    period = Period("2000-01-01", "2007-12-31")
    day0 = np.datetime64("2000-01-01")
    responses = EventSeries(day0 + np.sort(rng.integers(0, 2922, 400)).astype("timedelta64[D]"))
    triggers = EventSeries(day0 + np.sort(rng.integers(0, 2922, 4)).astype("timedelta64[D]"))
    setup, _ = build_setup(responses, triggers, window=Window(0, 730), period=period)
    model = make_null("poisson", {})
    assert _inference.MEMORY_BUDGET == 200 * 2**20        # the methods page says 200 MiB
    memory = model.exact_memory(setup, get_statistic("matches"))
    assert memory > 0 and model.exact_memory(setup, get_statistic("pairs")) == 0.0
    small = memory / 2
    monkeypatch.setattr(_window_hits, "MEMORY_BUDGET", small)
    monkeypatch.setattr(_inference, "MEMORY_BUDGET", small)
    args = dict(window=Window(0, 730), period=period, null="poisson", n_resamples=200, rng=1)
    with pytest.raises(AllianceStatsError, match=r"would hold about .* MiB at once \(limit .* MiB\)"):
        coincidence_test(responses, triggers, method="exact", **args)
    res = coincidence_test(responses, triggers, **args)
    assert res.method == "monte-carlo"
    assert any("MiB at once" in note and "Monte Carlo used" in note for note in res.notes)
    monkeypatch.undo()
    assert coincidence_test(responses, triggers, method="exact", **args).method == "exact"


def test_every_exact_method_estimates_its_cost_before_running():
    case = als.datasets.load_iran_venezuela()
    setup, _ = build_setup(case.meetings, case.independent_sanctions, window=case.window,
                           period=case.period)
    from alliancestats.nulls import EXACT
    from alliancestats.statistics import get_statistic
    for null, name in EXACT:
        options = {"days": 30} if "jitter" in null else {}
        cost = make_null(null, options).exact_cost(setup, get_statistic(name))
        assert 0 < cost < _inference.EXACT_BUDGET, (null, name)


@pytest.mark.filterwarnings("ignore::alliancestats.DegenerateDataWarning")  # every day covered
def test_the_longest_window_stays_small():
    case = als.datasets.load_iran_venezuela()
    window = Window(0, MAX_LAG)                    # about 3.65 million days
    for null in ("poisson", "shuffle-triggers", "uniform", "circular"):
        for name in ("matches", "pairs", "trigger-rate"):
            peak = _peak(lambda: coincidence_test(case.meetings, case.independent_sanctions,
                                                  window=window, period=case.period, null=null,
                                                  statistic=name, n_resamples=500, rng=0))
            assert peak < 50 * 2**20, (null, name, peak)
    res = coincidence_test(case.meetings, case.independent_sanctions, window=window,
                           period=case.period, null="poisson")
    assert res.method == "exact" and res.k == res.n  # every meeting comes after some sanction


# -- windows at the limits of the day grid ---------------------------------------------------------

@pytest.mark.filterwarnings("ignore::alliancestats.DegenerateDataWarning")  # covered everywhere
@pytest.mark.parametrize("window", [Window(0, MAX_LAG), Window(-MAX_LAG, MAX_LAG),
                                    Window(-MAX_LAG, 0), Window(MAX_LAG - 5, MAX_LAG),
                                    Window(-MAX_LAG, -MAX_LAG + 5)])
def test_longest_windows_match_like_their_clipped_equivalent(window):
    responses, triggers = _series([0, 30, 100, 364]), _series([-50, 20, 90, 400])
    clip = lambda lag: min(max(lag, -10**6), 10**6)  # noqa: E731  (far beyond every lag here)
    clipped = Window(clip(window.lo), clip(window.hi))
    for null in ("uniform", "poisson", "circular"):
        a = coincidence_test(responses, triggers, window=window, period=PERIOD, null=null)
        b = coincidence_test(responses, triggers, window=clipped, period=PERIOD, null=null)
        assert (a.k, a.covered_days) == (b.k, b.covered_days)
        if null != "poisson":          # the poisson rate is spread over the whole reach
            assert a.pvalue == b.pvalue
        np.testing.assert_array_equal(a.table.matched, b.table.matched)
    for name in ("pairs", "trigger-rate"):
        assert coincidence_test(responses, triggers, window=window, period=PERIOD,
                                statistic=name).statistic == \
            coincidence_test(responses, triggers, window=clipped, period=PERIOD,
                             statistic=name).statistic


@pytest.mark.parametrize("lo, hi", [(0, MAX_LAG + 1), (-MAX_LAG - 1, 0), (0, 2**63 - 1),
                                    (-2**70, 2**70)])
def test_a_lag_beyond_the_day_grid_is_refused(lo, hi):
    with pytest.raises(AllianceStatsError, match=r"must be within ±3652058 days"):
        Window(lo, hi)


# -- p-values never 0 ------------------------------------------------------------------------------

def test_underflowing_binomial_pvalue_is_flagged_with_its_exact_log():
    responses, triggers = _series(np.zeros(200, int)), _series([0])
    res = coincidence_test(responses, triggers, window=Window(0, 0), period=PERIOD)
    exact_log10 = 200 * np.log10(1 / 365)          # P(K = 200): every response matched
    assert res.pvalue == 1e-300 and res.pvalue_underflow
    assert res.log10_pvalue == pytest.approx(exact_log10) and res.log10_pvalue < -500
    payload = json.loads(json.dumps(res.to_dict()))
    assert payload["pvalue"] > 0 and payload["pvalue_underflow"] is True
    assert "log10 p" in res.summary()


def test_underflowing_convolution_pvalue_is_a_flagged_bound():
    responses, triggers = _series(np.zeros(200, int)), _series([0])
    res = coincidence_test(responses, triggers, window=Window(0, 0), period=PERIOD,
                           statistic="pairs")
    assert res.method == "exact" and res.pvalue == 1e-300 and res.pvalue_underflow
    assert res.log10_pvalue is None
    assert coincidence_test(responses, triggers, window=Window(0, 0), period=PERIOD,
                            alternative="less").pvalue == pytest.approx(1.0)


# -- degenerate nulls: warn only when known ---------------------------------------------------------

def test_one_resample_is_not_called_forced():
    case = als.datasets.load_iran_venezuela()
    with warnings.catch_warnings():
        warnings.simplefilter("error", DegenerateDataWarning)
        res = coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                               period=case.period, method="monte-carlo", n_resamples=1, rng=0)
    assert any("B too small" in note for note in res.notes)


def test_known_point_masses_warn():
    with pytest.warns(DegenerateDataWarning, match="forced"):
        coincidence_test(_series([3, 9]), EventSeries([]), window=Window(0, 5), period=PERIOD,
                         null="shuffle-triggers", statistic="matches", n_resamples=50, rng=0)
    with pytest.warns(DegenerateDataWarning, match="R is forced"):
        coincidence_test(_series([3, 9]), _series([1]), window=Window(0, 5), period=PERIOD,
                         null="jitter", days=0, statistic="trigger-rate", n_resamples=50, rng=0)


# -- statistic and combination errors ---------------------------------------------------------------

def test_unknown_statistic_and_exact_only_combinations():
    args = dict(window=Window(0, 5), period=PERIOD)
    with pytest.raises(AllianceStatsError, match="`statistic` must be one of 'matches', 'pairs', "
                                                  "'trigger-rate', 'likelihood', got 'ratio'"):
        coincidence_test(_series([3]), _series([1]), statistic="ratio", **args)
    with pytest.raises(AllianceStatsError, match="`statistic` must be one of"):
        coincidence_test(_series([3]), _series([1]), statistic=None, **args)
    with pytest.raises(AllianceStatsError,
                       match=r"no exact distribution for statistic 'trigger-rate'.*Combinations: "
                             r"uniform: matches \(exact\), pairs \(exact\), trigger-rate "
                             r"\(Monte Carlo\)"):
        coincidence_test(_series([3]), _series([1]), statistic="trigger-rate", method="exact",
                         **args)


# -- the fixes ---------------------------------------------------------------------------------------

def test_shuffle_triggers_keeps_m_distinct_days():
    case = als.datasets.load_iran_venezuela()
    setup, _ = build_setup(case.meetings, case.independent_sanctions, window=case.window,
                           period=case.period)
    model = make_null("shuffle-triggers", {})
    grids = model.draw(setup, 200, np.random.default_rng(0))
    assert (grids.sum(axis=1) == len(setup.trigger_days)).all() and grids.max() == 1
    res = coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                           period=case.period, null="shuffle-triggers", n_resamples=4000, rng=1,
                           keep_draws=True)
    assert abs(res.null_draws.mean() - res.expected) <= 4 * res.null_draws.std() / np.sqrt(4000)


def test_continuous_poisson_counts_events_in_the_reach():
    triggers = _series([-3, 10, 10, 10, 200])           # five events on three days, all in reach
    window = Window(0, 5)
    setup, _ = build_setup(_series([12]), triggers, window=window, period=PERIOD)
    days = PERIOD.n_days + window.length - 1
    assert make_null("poisson", {}).day_probability(setup) == pytest.approx(3 / days)
    assert make_null("poisson", {"continuous": True}).day_probability(setup) == \
        pytest.approx(-np.expm1(-5 / days))


def test_poisson_rate_is_estimated_where_triggers_are_drawn():
    # a trigger just before the period matches; the rate is no longer 0, nor p = 0
    res = coincidence_test(_series([0]), _series([-1]), window=Window(0, 1), period=PERIOD,
                           null="poisson")
    assert res.k == 1 and 0 < res.pvalue < 1 and res.expected > 0


def test_stratum_column_must_hold_each_response():
    responses = _series([5, 40, 100], attributes={"era": ["2020-01", "2020-01", "2020Q2"]})
    with pytest.raises(AllianceStatsError, match=r"column 'era' must give each response's own "
                                                  r"calendar period.*row 1 \(2020-02-10 in "
                                                  r"'2020-01'\)"):
        coincidence_test(responses, _series([3]), window=Window(0, 5), period=PERIOD,
                         null="stratified", strata="era")
