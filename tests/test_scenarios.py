"""Scenarios for calibration: exact n, reproducible, trends and bursts visible,
triggers independent of responses (coupled ones excepted)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import alliancestats as als
from alliancestats.scenarios import SCENARIOS, TRIGGERS_PER_YEAR, coupled, scenario

PERIOD = als.Period("2013-01-01", "2020-12-31")
LO, HI = 0, 33
TRENDED = ("smooth-trend", "step-trend", "trend-both-clustered")
FLAT = ("homogeneous", "clustered-responses", "clustered-triggers")


def draws(name, count, seed=0, **kwargs):
    rng = np.random.default_rng(seed)
    return [scenario(name, rng=rng, **kwargs) for _ in range(count)]


def matched(responses: np.ndarray, triggers: np.ndarray, lo=LO, hi=HI) -> int:
    """Responses with a trigger at a lag in [lo, hi], counted directly."""
    triggers = np.sort(triggers)
    left = np.searchsorted(triggers, responses - hi, side="left")
    right = np.searchsorted(triggers, responses - lo, side="right")
    return int(np.sum(right > left))


def coverage(triggers: np.ndarray, period=PERIOD) -> float:
    return matched(period.day_numbers, triggers, LO, HI) / period.n_days


def short_gap_share(days: np.ndarray, max_gap: int) -> float:
    gaps = np.diff(np.sort(days))
    return float(np.mean(gaps <= max_gap))


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("n", [1, 7, 25])
def test_exactly_n_responses_inside_the_period(name, n):
    for responses, triggers in draws(name, 5, n=n):
        assert len(responses) == n
        for series in (responses, triggers):
            assert series.days.min() >= PERIOD.first_day
            assert series.days.max() <= PERIOD.last_day
            assert np.all(np.diff(series.days) >= 0)


@pytest.mark.parametrize("name", SCENARIOS)
def test_reproducible_with_a_seed(name):
    a_resp, a_trig = scenario(name, rng=11)
    b_resp, b_trig = scenario(name, rng=np.random.default_rng(11))
    c_resp, c_trig = scenario(name, rng=12)
    assert np.array_equal(a_resp.days, b_resp.days) and np.array_equal(a_trig.days, b_trig.days)
    assert not (np.array_equal(a_resp.days, c_resp.days)
                and np.array_equal(a_trig.days, c_trig.days))


@pytest.mark.parametrize("name", SCENARIOS)
def test_default_rate_gives_coverage_near_070(name):
    covs = [coverage(trig.days) for _, trig in draws(name, 40, seed=3)]
    assert 0.66 <= np.mean(covs) <= 0.74


def _later_half_share(days: np.ndarray) -> tuple[float, float]:
    """Share of events on or after the period's middle day, and its binomial SE
    under a flat intensity."""
    middle = PERIOD.first_day + PERIOD.n_days // 2
    share = float(np.mean(days >= middle))
    return share, math.sqrt(0.25 / len(days))


@pytest.mark.parametrize("name", SCENARIOS)
def test_trend_visible_only_where_there_is_one(name):
    pairs = draws(name, 40, seed=5)
    for which in (0, 1):
        days = np.concatenate([pair[which].days for pair in pairs])
        share, se = _later_half_share(days)
        if name in TRENDED:
            # smooth 1 -> 5: 2/3 of the intensity in the later half; step x5: 5/6
            assert share > 0.6, (name, which, share)
        else:
            # flat; bursts make events dependent, so allow a wider band than 4 SE
            assert abs(share - 0.5) < 8 * se, (name, which, share)


def test_step_trend_steps_at_2017():
    days = np.concatenate([r.days for r, _ in draws("step-trend", 40, seed=9)])
    step = als.Period("2017-01-01", "2017-01-01").first_day
    # intensity 1 before, 5 after, with 4 years on each side: 5/6 after
    share = np.mean(days >= step)
    assert abs(share - 5 / 6) < 4 * math.sqrt(5 / 36 / len(days))


@pytest.mark.parametrize("name", SCENARIOS)
def test_bursts_visible_only_where_there_are_some(name):
    pairs = draws(name, 20, seed=7)
    # uniform n = 25 over 2922 days: P(gap <= 6) ~ 1 - (1 - 7/2922)^24 ~ 0.06
    response_short = np.mean([short_gap_share(r.days, 6) for r, _ in pairs])
    # ~100-160 uniform triggers: P(gap <= 3) ~ 0.13-0.2
    trigger_short = np.mean([short_gap_share(t.days, 3) for _, t in pairs])
    clustered_responses = name in ("clustered-responses", "trend-both-clustered")
    clustered_triggers = name in ("clustered-triggers", "trend-both-clustered")
    assert (response_short > 0.4) if clustered_responses else (response_short < 0.15)
    assert (trigger_short > 0.45) if clustered_triggers else (trigger_short < 0.3)


@pytest.mark.parametrize("name", SCENARIOS)
def test_triggers_do_not_depend_on_the_response_draw(name):
    _, few = scenario(name, n=3, rng=21)
    _, many = scenario(name, n=60, rng=21)
    assert np.array_equal(few.days, many.days)


def _paired_minus_crossed(pairs) -> tuple[float, float]:
    """Mean K with each draw's own triggers minus mean K with the next draw's
    triggers, and the SE of that difference. Zero in expectation when
    responses and triggers are independent."""
    own = np.array([matched(r.days, t.days) for r, t in pairs], dtype=float)
    crossed = np.array([matched(pairs[i][0].days, pairs[(i + 1) % len(pairs)][1].days)
                        for i in range(len(pairs))], dtype=float)
    diff = own - crossed
    return float(diff.mean()), float(diff.std(ddof=1) / math.sqrt(len(diff)))


@pytest.mark.parametrize("name", SCENARIOS)
def test_responses_independent_of_triggers(name):
    delta, se = _paired_minus_crossed(draws(name, 100, seed=13))
    assert abs(delta) < 4 * se, (delta, se)


def test_the_independence_check_detects_coupling():
    rng = np.random.default_rng(17)
    pairs = [coupled("homogeneous", coupling=0.5, rng=rng) for _ in range(100)]
    delta, se = _paired_minus_crossed(pairs)
    assert delta > 4 * se


@pytest.mark.parametrize("name", SCENARIOS)
def test_coupled_share_and_lags(name):
    responses, triggers = coupled(name, coupling=0.4, window=als.Window(2, 9), n=30, rng=3)
    frame = responses.frame
    assert len(responses) == 30 and int(frame["coupled"].sum()) == 12
    trig = np.sort(triggers.days)
    for day in responses.days[frame["coupled"].to_numpy()]:
        lags = day - trig
        assert np.any((lags >= 2) & (lags <= 9))
    assert responses.days.min() >= PERIOD.first_day and responses.days.max() <= PERIOD.last_day


def test_coupled_lag_is_uniform_over_the_window():
    rng = np.random.default_rng(23)
    lags = []
    for _ in range(60):
        responses, triggers = coupled("homogeneous", coupling=1.0, n=10, n_triggers=20,
                                      window=als.Window(0, 4), rng=rng)
        trig = triggers.days
        for day in responses.days:
            near = day - trig
            near = near[(near >= 0) & (near <= 4)]
            if len(near) == 1:             # the lag is known only with one candidate
                lags.append(int(near[0]))
    counts = np.bincount(lags, minlength=5)
    expected = len(lags) / 5
    assert np.all(np.abs(counts - expected) < 4 * math.sqrt(expected * 0.8))


def test_coupling_zero_is_the_scenario():
    r0, t0 = coupled("clustered-responses", coupling=0, rng=4)
    r1, t1 = scenario("clustered-responses", rng=4)
    assert np.array_equal(r0.days, r1.days) and np.array_equal(t0.days, t1.days)
    assert not r0.frame["coupled"].any()


def test_short_period_and_given_trigger_count():
    period = als.Period("2020-01-01", "2020-01-20")
    for name in SCENARIOS:
        responses, triggers = scenario(name, n=10, period=period, n_triggers=6, rng=1)
        assert len(responses) == 10
        assert period.first_day <= responses.days.min() <= responses.days.max() <= period.last_day
    _, none = scenario("homogeneous", n_triggers=0, rng=1)
    assert len(none) == 0


def test_default_trigger_count_scales_with_the_period():
    counts = [len(t) for _, t in draws("homogeneous", 50, seed=2)]
    expected = TRIGGERS_PER_YEAR["homogeneous"] * PERIOD.n_days / 365.25
    assert abs(np.mean(counts) - expected) < 4 * math.sqrt(expected / 50)


@pytest.mark.parametrize("kwargs, argument", [
    ({"name": "trend"}, "`name`"),
    ({"n": 0}, "`n`"),
    ({"n": 2.0}, "`n`"),
    ({"n_triggers": -1}, "`n_triggers`"),
    ({"n_triggers": float("nan")}, "`n_triggers`"),
    ({"period": ("2013-01-01", "2020-12-31")}, "`period`"),
    ({"rng": "seed"}, "`rng`"),
])
def test_bad_input_names_the_argument(kwargs, argument):
    kwargs = {"name": "homogeneous", **kwargs}
    with pytest.raises(als.AllianceStatsError, match=argument):
        scenario(kwargs.pop("name"), **kwargs)


@pytest.mark.parametrize("coupling", [-0.1, 1.5, True, "half"])
def test_bad_coupling(coupling):
    with pytest.raises(als.AllianceStatsError, match="`coupling`"):
        coupled("homogeneous", coupling=coupling)


def test_coupling_without_triggers_is_refused():
    with pytest.raises(als.AllianceStatsError, match="no trigger"):
        coupled("homogeneous", coupling=0.5, n_triggers=0, rng=1)


def test_documented_default_counts_and_the_case_study_coverage():
    """The numbers in ``scenario``'s Notes: mean trigger events at the default
    rates over 2013-2020, and the case study's 164 sanctions on 157 days
    covering 0.70 of the days with the window [0, 33]."""
    years = PERIOD.n_days / 365.25
    assert {name: TRIGGERS_PER_YEAR[name] * years for name in SCENARIOS} == {
        "homogeneous": 104, "clustered-responses": 104, "smooth-trend": 116,
        "step-trend": 160, "clustered-triggers": 300, "trend-both-clustered": 332}
    case = als.datasets.load_iran_venezuela()
    sanctions = case.sanctions.where(proxy_related="no")
    assert (case.period, case.window) == (PERIOD, als.Window(LO, HI))
    assert len(sanctions) == 164 and len(np.unique(sanctions.days)) == 157
    assert round(coverage(np.asarray(sanctions.days)), 2) == 0.70
