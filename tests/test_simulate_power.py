import numpy as np
import pandas as pd
import pytest

from alliancestats import AllianceStatsError, EventSeries, Period, Window, coincidence_test
from alliancestats.datasets import load_iran_venezuela
from alliancestats._strata import calendar_bounds
from alliancestats.power_analysis import matched_probability, n_required, power
from alliancestats.simulate import (clustered_series, coupled_responses, delay_distribution,
                                    poisson_series, simulate_null)

PERIOD = Period("2013-01-01", "2020-12-31")


def test_poisson_series_rate_and_reproducibility():
    a = poisson_series(20, period=PERIOD, rng=3)
    assert len(a) == len(poisson_series(20, period=PERIOD, rng=3))
    counts = [len(poisson_series(20, period=PERIOD, rng=s)) for s in range(40)]
    expected = 20 * PERIOD.n_days / 365.25
    assert abs(np.mean(counts) - expected) < 4 * np.sqrt(expected / 40)
    piecewise = poisson_series([2, 40], period=PERIOD, breaks=["2017-01-01"], rng=1)
    late = (piecewise.dates >= "2017-01-01").sum()
    assert late > 5 * (len(piecewise) - late)
    with pytest.raises(AllianceStatsError, match="one rate per segment"):
        poisson_series([1, 2], period=PERIOD)
    with pytest.raises(AllianceStatsError, match="non-negative"):
        poisson_series(-1, period=PERIOD)


def test_clustered_series_is_overdispersed():
    s = clustered_series(2, mean_cluster_size=6, spread_days=5, period=PERIOD, rng=2)
    gaps = np.diff(np.sort(s.days))
    assert (gaps <= 10).mean() > 0.5       # most events sit close to another one
    assert s.days.min() >= PERIOD.first_day and s.days.max() <= PERIOD.last_day


def test_coupled_responses_follow_triggers():
    triggers = poisson_series(10, period=PERIOD, rng=4)
    window = Window.after(days=10)
    full = coupled_responses(triggers, n=300, coupling=1.0, delay=delay_distribution(0, 10),
                             period=PERIOD, rng=5)
    res = coincidence_test(full, triggers, window=window, period=PERIOD)
    assert res.k >= 295
    none = coupled_responses(triggers, n=300, coupling=0.0, delay=delay_distribution(0, 10),
                             period=PERIOD, rng=5)
    assert coincidence_test(none, triggers, window=window, period=PERIOD).pvalue > 0.001
    with pytest.raises(AllianceStatsError, match="`coupling`"):
        coupled_responses(triggers, n=3, coupling=1.5, delay=delay_distribution(0, 1), period=PERIOD)
    with pytest.raises(AllianceStatsError, match="sum to 1"):
        coupled_responses(triggers, n=3, coupling=0.5, delay=[[0, 1], [0.5, 0.6]], period=PERIOD)


def test_coupled_responses_choose_among_distinct_trigger_days():
    """Nine sanctions on one day and one on another are two trigger days: a coupled
    response follows each with probability 1/2 (not 9/10 and 1/10), as c(d) counts them;
    matched_probability's exact model agrees."""
    days = ["2019-03-01"] * 9 + ["2019-09-02"]
    triggers = EventSeries(days)
    n = 4000
    responses = coupled_responses(triggers, n=n, coupling=1.0, delay=delay_distribution(0, 0),
                                  period=PERIOD, rng=7)
    share = np.mean(responses.days == triggers.days[0])
    assert abs(share - 0.5) < 4 * np.sqrt(0.25 / n)
    assert set(np.unique(responses.days)) == set(np.unique(triggers.days))
    window = Window(0, 0)
    _, p1 = matched_probability(0.5, triggers, window=window, period=PERIOD,
                                delay=delay_distribution(0, 0))
    assert p1 == pytest.approx(0.5 + 0.5 * 2 / PERIOD.n_days)


def test_simulate_null_keeps_what_the_null_holds_fixed():
    case = load_iran_venezuela()
    args = dict(window=case.window, period=case.period, rng=1)
    sanctions = case.independent_sanctions
    r, t = simulate_null("circular", case.meetings, sanctions, **args)
    assert t is sanctions and len(r) == 25
    gaps = np.sort(np.diff(np.sort(r.days)))
    original = np.sort(np.diff(np.sort(case.meetings.days)))
    assert np.isin(gaps, np.concatenate([original, [0]])).mean() > 0.8   # spacing kept (wrap aside)
    meetings = case.meetings
    r, t = simulate_null("shuffle-triggers", meetings, sanctions, **args)
    assert r is meetings and len(np.unique(t.days)) <= 157


def test_exact_power_matches_simulation():
    case = load_iran_venezuela()
    triggers = case.independent_sanctions
    exact = power(0.5, 40, triggers, window=case.window, period=case.period)
    rng = np.random.default_rng(6)
    hits = 0
    sims = 1500
    for _ in range(sims):
        responses = coupled_responses(triggers, n=40, coupling=0.5,
                                      delay=delay_distribution(0, 33), period=case.period, rng=rng)
        hits += coincidence_test(responses, triggers, window=case.window,
                                 period=case.period).pvalue <= 0.05
    se = np.sqrt(exact.power * (1 - exact.power) / sims)
    assert exact.method == "exact" and abs(hits / sims - exact.power) <= 4 * se


def test_matched_probability_brute_force():
    period = Period("2020-01-01", "2020-01-20")
    triggers = EventSeries(["2020-01-03", "2020-01-15"])
    window = Window(0, 4)
    p0, p1 = matched_probability(0.5, triggers, window=window, period=period,
                                 delay=delay_distribution(0, 7))
    covered = [d for d in range(20) if any(0 <= d - s <= 4 for s in (2, 14))]
    assert p0 == pytest.approx(len(covered) / 20)
    hit = np.mean([(d in covered) if d < 20 else p0 for s in (2, 14) for d in range(s, s + 8)])
    assert p1 == pytest.approx(0.5 * hit + 0.5 * p0)


def test_n_required_first_crossing_rule():
    case = load_iran_venezuela()
    args = dict(window=case.window, period=case.period)
    n = n_required(0.4, case.independent_sanctions, rule="first", **args)
    assert power(0.4, n, case.independent_sanctions, **args).power >= 0.8
    assert all(power(0.4, m, case.independent_sanctions, **args).power < 0.8 for m in range(1, n))
    assert n_required(0.0, case.independent_sanctions, **args) == -1


def test_simulated_power_for_other_nulls_is_reproducible():
    case = load_iran_venezuela()
    args = dict(window=case.window, period=case.period, null="circular", n_simulations=40, rng=3)
    a = power(0.8, 25, case.independent_sanctions, **args)
    b = power(0.8, 25, case.independent_sanctions, **args)
    assert a == b and a.method == "simulation" and 0 <= a.power <= 1 and a.se > 0


@pytest.mark.parametrize("unit,freq", [("year", "Y"), ("quarter", "Q"), ("month", "M")])
def test_calendar_bounds_agree_with_pandas(unit, freq):
    days = np.random.default_rng(0).integers(-20000, 30000, 300)
    start, end = calendar_bounds(days, unit)
    periods = pd.DatetimeIndex(days.astype("datetime64[D]")).to_period(freq)
    assert (start == periods.start_time.values.astype("datetime64[D]").astype(np.int64)).all()
    assert (end == periods.end_time.values.astype("datetime64[D]").astype(np.int64)).all()
