"""Every exact null against brute-force enumeration and against its Monte Carlo sampler."""

import itertools

import numpy as np
import pytest
from scipy import stats

from alliancestats import EventSeries, Period, Window, coincidence_test
from alliancestats._pvalues import exact_pvalue
from alliancestats.datasets import load_iran_venezuela

ALTERNATIVES = ["greater", "less", "two-sided"]
PERIOD = Period("2020-01-01", "2020-01-07")   # T = 7
WINDOW = Window(0, 2)                          # L = 3
START = PERIOD.first_day


def _series(offsets):
    return EventSeries(np.datetime64("2020-01-01") + np.asarray(offsets, dtype="timedelta64[D]"))


def _k(response_offsets, trigger_offsets, window=WINDOW):
    r = np.asarray(response_offsets)[:, None]
    t = np.asarray(trigger_offsets)[None, :]
    lags = r - t
    return int(((lags >= window.lo) & (lags <= window.hi)).any(axis=1).sum()) if t.size else 0


RESPONSES = [1, 2, 2, 5]          # overlapping windows and a same-day pair
TRIGGERS = [-1, 0, 4]             # one trigger before the period


def _exact(null, **options):
    res = coincidence_test(_series(RESPONSES), _series(TRIGGERS), window=WINDOW, period=PERIOD,
                           null=null, method="exact", **options)
    return res, res.null_distribution.to_numpy()


def test_uniform_matches_enumeration():
    n, days = len(RESPONSES), PERIOD.n_days
    pmf = np.zeros(n + 1)
    for placement in itertools.product(range(days), repeat=n):
        pmf[_k(placement, TRIGGERS)] += days ** -n
    res, exact = _exact("uniform")
    np.testing.assert_allclose(exact, pmf, atol=1e-12)
    assert res.expected == pytest.approx((pmf * np.arange(n + 1)).sum())


def test_uniform_distinct_matches_enumeration():
    n, days = len(RESPONSES), PERIOD.n_days
    pmf = np.zeros(n + 1)
    placements = list(itertools.permutations(range(days), n))
    for placement in placements:
        pmf[_k(placement, TRIGGERS)] += 1 / len(placements)
    with pytest.warns(Warning, match="share a day"):
        res, exact = _exact("uniform", distinct=True)
    np.testing.assert_allclose(exact, pmf, atol=1e-12)


@pytest.mark.parametrize("continuous", [False, True])
def test_poisson_matches_enumeration_with_overlapping_windows(continuous):
    reach = range(-WINDOW.hi, PERIOD.n_days - WINDOW.lo)       # days that can cover the period
    # the rate is estimated on the reach, where the null draws: distinct days, or events
    m = len([t for t in set(TRIGGERS) if t in reach])
    events = len([t for t in TRIGGERS if t in reach])
    q = -np.expm1(-events / len(reach)) if continuous else m / len(reach)
    pmf = np.zeros(len(RESPONSES) + 1)
    for bits in itertools.product([0, 1], repeat=len(reach)):
        chosen = [d for d, b in zip(reach, bits) if b]
        pmf[_k(RESPONSES, chosen)] += q ** sum(bits) * (1 - q) ** (len(bits) - sum(bits))
    res, exact = _exact("poisson", continuous=continuous)
    np.testing.assert_allclose(exact, pmf, atol=1e-12)
    p_match = 1 - (1 - q) ** WINDOW.length
    assert res.expected == pytest.approx(len(RESPONSES) * p_match)
    # the plain Binomial(n, 1-(1-q)^L) ignores the shared window days, so it differs here ...
    assert not np.allclose(exact, stats.binom.pmf(range(5), 4, p_match), atol=1e-3)


def test_poisson_equals_binomial_when_windows_are_disjoint():
    responses = [0, 3, 6]
    res = coincidence_test(_series(responses), _series(TRIGGERS), window=WINDOW, period=PERIOD,
                           null="poisson")
    q = 3 / 9   # three trigger days in the reach of T + L - 1 = 9 days
    np.testing.assert_allclose(res.null_distribution, stats.binom.pmf(range(4), 3, 1 - (1 - q) ** 3))


def test_shuffle_triggers_monte_carlo_matches_enumeration():
    reach = list(range(-WINDOW.hi, PERIOD.n_days - WINDOW.lo))
    m = len(set(TRIGGERS))                      # all three trigger days lie in reach
    pmf = np.zeros(len(RESPONSES) + 1)
    subsets = list(itertools.combinations(reach, m))   # m distinct days, all subsets equally likely
    for chosen in subsets:
        pmf[_k(RESPONSES, chosen)] += 1 / len(subsets)
    k_obs = _k(RESPONSES, TRIGGERS)
    for alternative in ALTERNATIVES:
        res = coincidence_test(_series(RESPONSES), _series(TRIGGERS), window=WINDOW, period=PERIOD,
                               null="shuffle-triggers", n_resamples=4000, rng=7,
                               alternative=alternative)
        assert res.method == "monte-carlo" and res.k == k_obs
        truth = exact_pvalue(pmf, k_obs, alternative)
        assert abs(res.pvalue - truth) <= 4 * res.pvalue_se + 1 / 4001
    assert res.expected == pytest.approx((pmf * np.arange(len(pmf))).sum())


@pytest.mark.parametrize("alternative", ["greater", "less"])
def test_uniform_pvalues_agree_with_scipy_binomtest(alternative):
    case = load_iran_venezuela()
    res = coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                           period=case.period, alternative=alternative)
    expected = stats.binomtest(res.k, res.n, res.coverage, alternative=alternative).pvalue
    assert res.pvalue == pytest.approx(expected, rel=1e-9)


def test_two_sided_is_twice_the_smaller_tail():
    case = load_iran_venezuela()
    res = coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                           period=case.period, alternative="two-sided")
    tails = [stats.binomtest(res.k, res.n, res.coverage, alternative=a).pvalue
             for a in ("greater", "less")]
    assert res.pvalue == pytest.approx(min(1, 2 * min(tails)), rel=1e-9)


CASES = [("uniform", {}), ("uniform", {"distinct": True}), ("poisson", {}),
         ("poisson", {"continuous": True})]


@pytest.mark.parametrize("null,options", CASES)
@pytest.mark.parametrize("alternative", ALTERNATIVES)
@pytest.mark.parametrize("triggers", ["independent", "thin"])
def test_monte_carlo_agrees_with_exact_within_4_se(null, options, alternative, triggers):
    case = load_iran_venezuela()
    trig = (case.independent_sanctions if triggers == "independent"
            else case.sanctions.where(target="IRN", instrument="executive_order"))
    common = dict(window=case.window, period=case.period, null=null, alternative=alternative,
                  **options)
    exact = coincidence_test(case.meetings, trig, method="exact", **common)
    mc = coincidence_test(case.meetings, trig, method="monte-carlo", n_resamples=3000, rng=11,
                          keep_draws=True, **common)
    assert exact.method == "exact" and mc.method == "monte-carlo"
    assert abs(mc.pvalue - exact.pvalue) <= 4 * mc.pvalue_se + 1 / 3001
    draws_se = mc.null_draws.std() / np.sqrt(mc.n_resamples)
    assert abs(mc.null_draws.mean() - exact.expected) <= 4 * draws_se + 1e-9


# -- nulls that respect structure: stratified, jitter, circular -------------------------

PERIOD14 = Period("2020-01-01", "2020-01-14")   # T = 14
R14, TR14 = [1, 2, 9, 13], [0, 8, 11]


def _enumerate_intervals(first, last, triggers, window=WINDOW):
    """Exact pmf of K when response i is uniform on [first_i, last_i] (brute force)."""
    pmf = np.zeros(len(first) + 1)
    ranges = [range(a, b + 1) for a, b in zip(first, last)]
    total = np.prod([len(r) for r in ranges])
    for placement in itertools.product(*ranges):
        pmf[_k(placement, triggers, window)] += 1 / total
    return pmf


def _exact14(null, **options):
    res = coincidence_test(_series(R14), _series(TR14), window=WINDOW, period=PERIOD14,
                           null=null, method="exact", **options)
    return res, res.null_distribution.to_numpy()


def test_stratified_breaks_match_enumeration():
    # breaks at 2020-01-05 and 2020-01-11: strata [0,3], [4,9], [10,13]
    _, exact = _exact14("stratified", strata=["2020-01-05", "2020-01-11"])
    np.testing.assert_allclose(exact, _enumerate_intervals([0, 0, 4, 10], [3, 3, 9, 13], TR14),
                               atol=1e-12)


def test_stratified_by_calendar_unit_and_by_column():
    period = Period("2019-12-20", "2020-02-10")
    responses = EventSeries(["2019-12-25", "2020-01-03", "2020-02-05"],
                            {"era": ["2019", "2020-01", "2020Q1"]})
    triggers = _series([0, 30, 35])
    res_month = coincidence_test(responses, triggers, window=WINDOW, period=period,
                                 null="stratified", strata="month")
    res_col = coincidence_test(responses, triggers, window=WINDOW, period=period,
                               null="stratified", strata="era")
    start = period.first_day
    day = lambda s: int(np.datetime64(s, "D").astype(np.int64)) - start  # noqa: E731
    trig_offsets = [t + (np.datetime64("2020-01-01", "D").astype(np.int64) - start) for t in [0, 30, 35]]
    month = _enumerate_intervals([0, day("2020-01-01"), day("2020-02-01")],
                                 [day("2019-12-31"), day("2020-01-31"), day("2020-02-10")], trig_offsets)
    column = _enumerate_intervals([0, day("2020-01-01"), day("2020-01-01")],
                                  [day("2019-12-31"), day("2020-01-31"), day("2020-02-10")], trig_offsets)
    np.testing.assert_allclose(res_month.null_distribution, month, atol=1e-12)
    np.testing.assert_allclose(res_col.null_distribution, column, atol=1e-12)


@pytest.mark.filterwarnings("ignore::alliancestats.DegenerateDataWarning")  # J = 0 forces K
@pytest.mark.parametrize("j", [0, 2, 5])
def test_jitter_matches_enumeration(j):
    _, exact = _exact14("jitter", days=j)
    first = [max(t - j, 0) for t in R14]
    last = [min(t + j, 13) for t in R14]
    np.testing.assert_allclose(exact, _enumerate_intervals(first, last, TR14), atol=1e-12)


def test_circular_matches_all_shifts():
    res, exact = _exact14("circular")
    ks = [_k([(t + d) % 14 for t in R14], TR14) for d in range(14)]
    np.testing.assert_allclose(exact, np.bincount(ks, minlength=5) / 14)
    assert res.pvalue == pytest.approx(np.mean(np.array(ks) >= res.k))
    assert res.pvalue >= 1 / 14


@pytest.mark.parametrize("null,options", [("stratified", {}), ("stratified", {"strata": "quarter"}),
                                          ("jitter", {"days": 60}), ("circular", {})])
@pytest.mark.parametrize("alternative", ALTERNATIVES)
def test_structured_nulls_monte_carlo_within_4_se(null, options, alternative):
    case = load_iran_venezuela()
    common = dict(window=case.window, period=case.period, null=null, alternative=alternative,
                  **options)
    exact = coincidence_test(case.meetings, case.independent_sanctions, method="exact", **common)
    mc = coincidence_test(case.meetings, case.independent_sanctions, method="monte-carlo",
                          n_resamples=3000, rng=5, keep_draws=True, **common)
    assert abs(mc.pvalue - exact.pvalue) <= 4 * mc.pvalue_se + 1 / 3001
    assert abs(mc.null_draws.mean() - exact.expected) <= 4 * mc.null_draws.std() / np.sqrt(3000) + 1e-9


def test_structured_null_bad_options():
    from alliancestats import AllianceStatsError
    common = dict(window=WINDOW, period=PERIOD14)
    with pytest.raises(AllianceStatsError, match="`days` must be >= 0"):
        coincidence_test(_series(R14), _series(TR14), null="jitter", days=-1, **common)
    with pytest.raises(AllianceStatsError, match="needs `days=J`"):
        coincidence_test(_series(R14), _series(TR14), null="jitter", **common)
    with pytest.raises(AllianceStatsError, match="has no days in the period"):
        coincidence_test(EventSeries(["2020-01-03"], {"era": ["2019"]}), _series(TR14),
                         null="stratified", strata="era", **common)
    with pytest.raises(AllianceStatsError, match="calendar periods"):
        coincidence_test(EventSeries(["2020-01-03"], {"era": ["early"]}), _series(TR14),
                         null="stratified", strata="era", **common)
    with pytest.raises(AllianceStatsError, match="none of these"):
        coincidence_test(_series(R14), _series(TR14), null="stratified", strata="decade", **common)
    with pytest.raises(AllianceStatsError, match="`strata`.*unparseable"):
        coincidence_test(_series(R14), _series(TR14), null="stratified", strata=["soon"], **common)
