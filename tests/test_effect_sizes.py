"""Effect sizes: formulas against brute force, intervals against independent
implementations, and the coverage of each 95% interval by simulation."""

import json
import pathlib

import numpy as np
import pytest
from scipy import optimize, stats

import alliancestats as als
from alliancestats import EventSeries, Period, Window, simulate
from alliancestats._effect_math import (
    _log_likelihood, coupling_fits, excess_intervals, rate_ratio_fits, response_terms)
from alliancestats.effects import compute_effect_sizes
from alliancestats.matching import coverage_counts

ROOT = pathlib.Path(__file__).resolve().parents[1]
CASE = als.datasets.load_iran_venezuela()
TRIGGERS = CASE.independent_sanctions
PERIOD, WINDOW = CASE.period, CASE.window
FIRST, T = PERIOD.first_day, PERIOD.n_days
COUNTS = coverage_counts(TRIGGERS.days, WINDOW, PERIOD)
MASK = COUNTS > 0
P0 = MASK.mean()
# the distinct trigger days in the period: what a coupled response follows (as c(d) counts)
INSIDE = np.unique(TRIGGERS.days[(TRIGGERS.days >= FIRST) & (TRIGGERS.days <= PERIOD.last_day)])
DELAYS = np.arange(WINDOW.lo, WINDOW.hi + 1)
# share of (trigger, lag) pairs that land outside the period: simulate.coupled_responses
# then falls back to a uniform day (derived independently of the library's code)
EPS = float(np.mean(~np.isin(INSIDE[:, None] + DELAYS[None, :], PERIOD.day_numbers)))


def coupled_offsets(rng, size, n, coupling):
    """Vectorised simulate.coupled_responses with delay_distribution(lo, hi)."""
    background = rng.integers(0, T, (size, n))
    caused = rng.random((size, n)) < coupling
    target = rng.choice(INSIDE, (size, n)) + rng.choice(DELAYS, (size, n)) - FIRST
    return np.where(caused & (target >= 0) & (target < T), target, background)


def whole_period(offsets):
    offsets = np.atleast_2d(offsets)
    return response_terms(offsets, COUNTS, np.zeros_like(offsets), np.full_like(offsets, T - 1))


# -- formulas ----------------------------------------------------------------------------

def test_response_terms_match_brute_force():
    counts = np.array([0, 2, 1, 0, 0, 3, 1])
    offsets, first, last = np.array([1, 3, 5, 0]), np.array([0, 2, 4, 0]), np.array([3, 4, 6, 0])
    terms = response_terms(offsets, counts, first, last)
    for i, (u, a, b) in enumerate(zip(offsets, first, last)):
        days = np.arange(a, b + 1)
        g = counts[days] / counts[days].sum() if counts[days].sum() else None
        assert terms.null_probability[0, i] == pytest.approx(np.mean(counts[days] > 0))
        assert terms.ratio[0, i] == pytest.approx(1.0 if g is None else g[u - a] * len(days))
        assert terms.caused_match[0, i] == (1.0 if g is not None else 0.0)
    assert terms.k[0] == 2


def test_whole_period_rate_ratio_is_the_closed_form():
    eff = als.effect_sizes(CASE.meetings, TRIGGERS, window=WINDOW, period=PERIOD)
    covered = MASK.sum()
    assert eff.rate_ratio == pytest.approx((eff.k / covered) / ((eff.n - eff.k) / (T - covered)))
    assert eff.expected == pytest.approx(eff.n * P0)
    assert eff.excess_if_all_caused == pytest.approx(eff.n * (1 - P0))


def test_exact_rule_gives_clopper_pearson():
    n = 25
    offsets = [np.where(np.arange(n) < k, np.flatnonzero(MASK)[0], np.flatnonzero(~MASK)[0])
               for k in (0, 7, 21, 25)]
    terms = whole_period(np.array(offsets))
    excess_low, excess_high = excess_intervals(terms, 0.95, midp=False)
    _, rate_low, rate_high = rate_ratio_fits(terms, 0.95, midp=False)
    odds = P0 / (1 - P0)
    for row, k in enumerate((0, 7, 21, 25)):
        ci = stats.binomtest(k, n).proportion_ci(0.95, method="exact")
        assert excess_low[row] == pytest.approx(n * (ci.low - P0), abs=1e-7)
        assert excess_high[row] == pytest.approx(n * (ci.high - P0), abs=1e-7)
        theta_to_rate = lambda t: np.inf if t >= 1 else t / (1 - t) / odds  # noqa: E731
        assert rate_low[row] == pytest.approx(theta_to_rate(ci.low), rel=1e-6, abs=1e-9)
        assert rate_high[row] == pytest.approx(theta_to_rate(ci.high), rel=1e-6)


def test_midp_whole_period_matches_binomial_root_finding():
    eff = als.effect_sizes(CASE.meetings, TRIGGERS, window=WINDOW, period=PERIOD)
    k, n = eff.k, eff.n
    mid = lambda t: stats.binom.sf(k, n, t) + 0.5 * stats.binom.pmf(k, n, t) - 0.025  # noqa: E731
    low = optimize.brentq(mid, 1e-9, 1 - 1e-9, xtol=1e-14)
    high = optimize.brentq(lambda t: stats.binom.cdf(k - 1, n, t) + 0.5 * stats.binom.pmf(k, n, t)
                           - 0.025, 1e-9, 1 - 1e-9, xtol=1e-14)
    assert eff.excess_ci.low == pytest.approx(n * (low - P0), abs=1e-6)
    assert eff.excess_ci.high == pytest.approx(n * (high - P0), abs=1e-6)
    odds = P0 / (1 - P0)
    assert eff.rate_ratio_ci.low == pytest.approx(low / (1 - low) / odds, rel=1e-6)
    assert eff.rate_ratio_ci.high == pytest.approx(high / (1 - high) / odds, rel=1e-6)


def test_midp_bounds_solve_the_tail_equations_with_unequal_probabilities():
    eff = als.effect_sizes(CASE.meetings, TRIGGERS, window=WINDOW, period=PERIOD,
                           null="stratified", strata="year")
    from alliancestats.nulls import StratifiedNull
    from alliancestats._setup import build_setup
    setup, _ = build_setup(CASE.meetings, TRIGGERS, window=WINDOW, period=PERIOD)
    first, last = StratifiedNull(strata="year").intervals(setup)
    cum = np.concatenate([[0], np.cumsum(MASK)])
    p = (cum[last + 1] - cum[first]) / (last - first + 1)
    assert len(set(np.round(p, 6))) > 3
    k = eff.k

    def midp(q, upper):
        tail = stats.poisson_binom.sf(k, q) if upper else stats.poisson_binom.cdf(k - 1, q)
        return tail + 0.5 * stats.poisson_binom.pmf(k, q)

    for bound, upper in ((eff.excess_ci.low, True), (eff.excess_ci.high, False)):
        share = bound / np.sum(1 - p) if bound >= 0 else bound / np.sum(p)
        q = p + share * (1 - p) if share >= 0 else p * (1 + share)
        assert midp(q, upper) == pytest.approx(0.025, abs=1e-8)
    c = cum[last + 1] - cum[first]
    days = last - first + 1
    for rho, upper in ((eff.rate_ratio_ci.low, True), (eff.rate_ratio_ci.high, False)):
        assert midp(rho * c / (rho * c + days - c), upper) == pytest.approx(0.025, abs=1e-8)
    assert np.sum(eff.rate_ratio * c / (eff.rate_ratio * c + days - c)) == pytest.approx(k)


def test_score_at_zero_is_the_pairs_statistic():
    rng = np.random.default_rng(3)
    offsets = coupled_offsets(rng, 5, 30, 0.4)
    terms = whole_period(offsets)
    h = 1e-7
    numeric = (_log_likelihood(terms.ratio, np.full(5, h)) - _log_likelihood(terms.ratio, np.zeros(5))) / h
    days = FIRST + offsets
    trigger_days = np.unique(TRIGGERS.days)          # the pairs statistic counts trigger days
    lags = days[:, :, None] - trigger_days[None, None, :]            # brute force over pairs
    pairs = ((lags >= WINDOW.lo) & (lags <= WINDOW.hi)).sum(axis=(1, 2))
    weight = sum(int(np.isin(s + DELAYS, PERIOD.day_numbers).sum()) for s in trigger_days)
    np.testing.assert_allclose(numeric, T * pairs / weight - 30, rtol=1e-5)


def test_coupling_mle_and_profile_bounds_against_scipy_minimize():
    rng = np.random.default_rng(4)
    terms = whole_period(coupled_offsets(rng, 3, 40, 0.5))
    est, low, high, lr, pvalue = coupling_fits(terms, 0.95)
    cut = stats.chi2.ppf(0.95, 1)
    for b in range(3):
        ll = lambda s: float(np.sum(np.log1p(s * (terms.ratio[b] - 1))))  # noqa: E731
        best = optimize.minimize_scalar(lambda s: -ll(s), bounds=(0, 1), method="bounded",
                                        options={"xatol": 1e-10})
        assert est[b] == pytest.approx(best.x, abs=1e-6)
        assert 0 < low[b] < est[b] < high[b] < 1
        for bound in (low[b], high[b]):
            assert 2 * (ll(est[b]) - ll(bound)) == pytest.approx(cut, abs=1e-6)
        assert lr[b] == pytest.approx(2 * ll(est[b]))
        assert pvalue[b] == pytest.approx(0.5 * stats.chi2.sf(lr[b], 1))


def test_coupled_responses_follow_the_derived_match_probability():
    n, coupling, runs = 25, 0.6, 400
    ks = [int(MASK[simulate.coupled_responses(TRIGGERS, n=n, coupling=coupling,
                                              delay=simulate.delay_distribution(WINDOW.lo, WINDOW.hi),
                                              period=PERIOD, rng=seed).days - FIRST].sum())
          for seed in range(runs)]
    theta = P0 + coupling * (1 - EPS) * (1 - P0)    # h = 1 - eps (1 - p)
    assert abs(np.mean(ks) - n * theta) < 4 * np.sqrt(n * theta * (1 - theta) / runs)
    assert round(EPS, 3) == 0.011     # quoted in docs/methods.rst


# -- coverage by simulation ------------------------------------------------------------------

LEVEL = 0.95
DATASETS = 4000                       # SE of a coverage near 95%: 0.34 points


def excess_coverage(rng, n, coupling, datasets):
    offsets = coupled_offsets(rng, datasets, n, coupling)
    k = MASK[offsets].sum(axis=1)
    _, first_row, which = np.unique(k, return_index=True, return_inverse=True)
    low, high = excess_intervals(whole_period(offsets[first_row]), LEVEL)  # depends on k only
    truth = coupling * (1 - EPS) * n * (1 - P0)
    return ((low <= truth) & (truth <= high))[which].mean()


@pytest.mark.parametrize("coupling", [0.2, 0.5, 0.8])
def test_excess_interval_coverage_at_n_200(coupling):
    rng = np.random.default_rng(100 + int(10 * coupling))
    n, datasets = 200, 10_000        # intervals depend on K only: many datasets are cheap
    simulated = excess_coverage(rng, n, coupling, datasets)
    assert abs(simulated - LEVEL) <= 0.02
    # and the simulation agrees with the exact Binomial coverage of the same intervals
    every = np.arange(n + 1)
    offsets = np.where(np.arange(n)[None, :] < every[:, None], np.flatnonzero(MASK)[0],
                       np.flatnonzero(~MASK)[0])
    low, high = excess_intervals(whole_period(offsets), LEVEL)
    truth = coupling * (1 - EPS) * n * (1 - P0)
    theta = P0 + coupling * (1 - EPS) * (1 - P0)
    exact = np.sum(stats.binom.pmf(every, n, theta) * ((low <= truth) & (truth <= high)))
    assert abs(simulated - exact) < 4 * np.sqrt(exact * (1 - exact) / datasets)


def test_excess_interval_coverage_at_n_25_as_documented():
    """docs/methods.rst: at n = 25 the mid-p coverage ranges 93.5% to 99.1% over
    π = 0, 0.05, ..., 0.9; at n = 200 it stays within 93.3% to 95.8%."""
    for n, documented in ((25, (0.935, 0.991)), (200, (0.933, 0.958))):
        every = np.arange(n + 1)
        offsets = np.where(np.arange(n)[None, :] < every[:, None], np.flatnonzero(MASK)[0],
                           np.flatnonzero(~MASK)[0])
        low, high = excess_intervals(whole_period(offsets), LEVEL)
        coverage = []
        for coupling in np.arange(0, 0.91, 0.05):
            truth = coupling * (1 - EPS) * n * (1 - P0)
            theta = P0 + coupling * (1 - EPS) * (1 - P0)
            coverage.append(np.sum(stats.binom.pmf(every, n, theta)
                                   * ((low <= truth + 1e-9) & (truth - 1e-9 <= high))))
        assert (round(min(coverage), 3), round(max(coverage), 3)) == documented


@pytest.mark.parametrize("coupling", [0.2, 0.5, 0.8])
def test_coupling_interval_coverage_at_n_100(coupling):
    rng = np.random.default_rng(200 + int(10 * coupling))
    terms = whole_period(coupled_offsets(rng, DATASETS, 100, coupling))
    _, low, high, _, _ = coupling_fits(terms, LEVEL)
    truth = coupling * (1 - EPS)
    assert abs(np.mean((low <= truth) & (truth <= high)) - LEVEL) <= 0.02


@pytest.mark.parametrize("coupling, documented", [(0.2, 0.966), (0.5, 0.943), (0.8, 0.934),
                                                   (0.9, 0.979)])
def test_coupling_interval_coverage_at_n_25_as_documented(coupling, documented):
    """docs/methods.rst quotes these n = 25 coverages (from 40,000 datasets each)."""
    rng = np.random.default_rng(300 + int(10 * coupling))
    terms = whole_period(coupled_offsets(rng, DATASETS, 25, coupling))
    _, low, high, _, _ = coupling_fits(terms, LEVEL)
    truth = coupling * (1 - EPS)
    simulated = np.mean((low <= truth) & (truth <= high))
    assert abs(simulated - documented) < 4 * np.sqrt(documented * (1 - documented) / DATASETS)


def test_no_coupling_test_has_its_level():
    rng = np.random.default_rng(5)
    terms = whole_period(rng.integers(0, T, (DATASETS, 100)))
    *_, pvalue = coupling_fits(terms, LEVEL)
    assert abs(np.mean(pvalue < 0.05) - 0.05) < 4 * np.sqrt(0.05 * 0.95 / DATASETS)


def rate_ratio_coverage(mean_n, ratio):
    """Responses from a Poisson process whose rate is ``ratio`` times higher on covered
    days: the counts on covered and uncovered days are independent Poisson, and given
    them the days are uniform within each kind."""
    rng = np.random.default_rng(400 + int(10 * ratio) + mean_n)
    covered_days, uncovered_days = np.flatnonzero(MASK), np.flatnonzero(~MASK)
    rate = mean_n / (ratio * covered_days.size + uncovered_days.size)
    k = rng.poisson(rate * ratio * covered_days.size, DATASETS)
    n = k + rng.poisson(rate * uncovered_days.size, DATASETS)
    hit = np.zeros(DATASETS, dtype=bool)
    for size in np.unique(n[n > 0]):
        rows = np.flatnonzero(n == size)
        ks, first_row, which = np.unique(k[rows], return_index=True, return_inverse=True)
        offsets = np.where(np.arange(size)[None, :] < ks[:, None],
                           rng.choice(covered_days, (ks.size, size)),
                           rng.choice(uncovered_days, (ks.size, size)))
        _, low, high = rate_ratio_fits(whole_period(offsets), LEVEL)
        hit[rows] = ((low <= ratio) & (ratio <= high))[which]
    return hit[n > 0].mean()


@pytest.mark.parametrize("mean_n, ratio", [(25, 1.0), (25, 2.0), (50, 4.0)])
def test_rate_ratio_interval_coverage(mean_n, ratio):
    assert abs(rate_ratio_coverage(mean_n, ratio) - LEVEL) <= 0.02


# -- results and input --------------------------------------------------------------------

def _series(offsets, start="2020-01-01"):
    return EventSeries(np.datetime64(start) + np.asarray(offsets, dtype="timedelta64[D]"))


def test_every_response_matched_gives_infinite_rate_ratio_and_json_nulls():
    period, window = Period("2020-01-01", "2020-03-31"), Window(0, 5)
    eff = als.effect_sizes(_series([3, 20, 40]), _series([0, 18, 36]), window=window, period=period)
    assert eff.k == 3 and eff.rate_ratio == np.inf and eff.rate_ratio_ci.high == np.inf
    out = eff.to_dict()
    assert out["rate_ratio"] is None and out["rate_ratio_ci"][1] is None
    assert set(out["null_reasons"]) == {"rate_ratio", "rate_ratio_ci[1]"}
    assert "every informative response is matched" in out["null_reasons"]["rate_ratio"]
    json.dumps(out, allow_nan=False)
    assert "inf" in eff.summary() and "<table>" in eff._repr_html_()
    assert list(eff.to_frame()["effect"]) == ["excess matches", "coupling share", "rate ratio"]


def test_no_informative_response_gives_no_rate_ratio():
    counts = np.array([1, 1, 0, 0])
    eff = compute_effect_sizes(np.array([0, 2]), counts, np.array([0, 2]), np.array([1, 3]))
    assert np.isnan(eff.rate_ratio) and eff.informative == 0
    assert eff.excess == 0 and eff.excess_ci == (0, 0)
    assert eff.to_dict()["rate_ratio"] is None and "not estimable" in eff.summary()


def test_jitter_uses_the_clipped_interval():
    eff = als.effect_sizes(CASE.meetings, TRIGGERS, window=WINDOW, period=PERIOD,
                           null="jitter", days=60)
    offsets = CASE.meetings.days - FIRST
    manual = compute_effect_sizes(offsets, COUNTS, np.maximum(offsets - 60, 0),
                                  np.minimum(offsets + 60, T - 1))
    assert eff.to_dict() == manual.to_dict()


@pytest.mark.parametrize("arrays, match", [
    ((np.array([0, 5]), np.array([1, 0, 1]), np.array([0, 0]), np.array([2, 2])), "first <= offset"),
    ((np.array([0]), np.array([1, -1]), np.array([0]), np.array([1])), "non-negative"),
    ((np.array([0.0]), np.array([1, 0]), np.array([0]), np.array([1])), "integers"),
    ((np.array([], int), np.array([1, 0]), np.array([], int), np.array([], int)), "non-zero length"),
])
def test_bad_primitives_are_refused(arrays, match):
    with pytest.raises(als.AllianceStatsError, match=match):
        compute_effect_sizes(*arrays)


@pytest.mark.parametrize("level", [0, 1, 1.5, True, "0.95"])
def test_bad_confidence_level(level):
    with pytest.raises(als.AllianceStatsError, match="confidence_level"):
        als.effect_sizes(CASE.meetings, TRIGGERS, window=WINDOW, period=PERIOD,
                         confidence_level=level)


def test_rate_ratio_coverage_at_ratio_4_and_25_responses_as_documented():
    """docs/methods.rst: with 25 responses expected and ρ = 4 the mid-p interval covers
    97.0% (exact: Poisson number of responses, Binomial K given it). All (n, k) are
    solved in one batch, padding each row with responses whose interval is one
    uncovered day: they are never matched and leave every tail unchanged."""
    ratio, mean_n, width = 4.0, 25, 70
    covered_day, uncovered_day = np.flatnonzero(MASK)[0], np.flatnonzero(~MASK)[0]
    theta = ratio * MASK.sum() / (ratio * MASK.sum() + (~MASK).sum())
    sizes, ks = zip(*[(n, k) for n in range(1, width + 1) for k in range(n + 1)])
    sizes, ks = np.array(sizes), np.array(ks)
    column = np.arange(width)[None, :]
    offsets = np.where(column < ks[:, None], covered_day, uncovered_day)
    real = column < sizes[:, None]
    first = np.where(real, 0, uncovered_day)
    last = np.where(real, T - 1, uncovered_day)
    _, low, high = rate_ratio_fits(response_terms(offsets, COUNTS, first, last), LEVEL)
    weight = stats.poisson.pmf(sizes, mean_n) * stats.binom.pmf(ks, sizes, theta)
    coverage = np.sum(weight * ((low <= ratio) & (ratio <= high))) / np.sum(weight)
    assert stats.poisson.cdf(width, mean_n) > 1 - 1e-9
    assert round(coverage, 3) == 0.970


# -- where the effect sizes are not defined --------------------------------------------------

def _clustered(seed):
    from alliancestats import scenarios
    responses, triggers = scenarios.scenario("clustered-responses", rng=seed)
    return responses, triggers, Window(0, 33), scenarios.DEFAULT_PERIOD


def test_multi_response_episodes_have_more_null_variance_than_the_intervals_assume():
    """Why episode-jitter with bursts is refused: its exact null variance of K is several
    times the Poisson-binomial variance every effect-size interval rests on (the figures
    docs/methods.rst quotes)."""
    exact, assumed = [], []
    for seed in range(3):
        responses, triggers, window, period = _clustered(seed)
        res = als.coincidence_test(responses, triggers, window=window, period=period,
                                   null="episode-jitter", days=68)
        k, prob = res.null_distribution.index.to_numpy(), res.null_distribution.to_numpy()
        model, setup = res.effect_inputs
        units = model.units(setup)
        cum = np.concatenate([[0], np.cumsum(setup.mask)])
        low, high = units.low[units.unit] + units.rel, units.high[units.unit] + units.rel
        p = (cum[high + 1] - cum[low]) / (high - low + 1)
        assert units.sizes.max() > 1
        exact.append(prob @ k**2 - (prob @ k) ** 2)
        assumed.append(np.sum(p * (1 - p)))
    assert min(e / a for e, a in zip(exact, assumed)) > 3
    page = " ".join((ROOT / "docs" / "methods.rst").read_text(encoding="utf-8").split())
    assert (f"the exact null variance of K was {min(exact):.1f} to {max(exact):.1f} where the "
            f"Poisson-binomial gave {min(assumed):.1f} to {max(assumed):.1f}") in page


@pytest.mark.parametrize("null, options, why", [
    ("episode-jitter", {"days": 68}, "episodes hold more than one response"),
    ("circular", {}, "one common shift"),
    ("poisson", {}, "redraws the triggers"),
    ("shuffle-triggers", {}, "redraws the triggers"),
])
def test_nulls_that_do_not_place_responses_independently_have_no_effect_sizes(null, options, why):
    responses, triggers, window, period = _clustered(1)
    with pytest.raises(als.AllianceStatsError, match=why):
        als.effect_sizes(responses, triggers, window=window, period=period, null=null, **options)
    res = als.coincidence_test(responses, triggers, window=window, period=period, null=null,
                               rng=1, n_resamples=99, **options)
    assert why in res.effect_sizes_unavailable
    with pytest.raises(als.AllianceStatsError, match="effect sizes are not defined"):
        res.effect_sizes()
    text = " ".join(res.summary().split())
    assert "Effect sizes not available under this null" in text and why in text
    assert "Excess K" not in text and "Coupling share" not in text
    out = res.to_dict()
    assert out["effect_sizes"] is None and why in out["null_reasons"]["effect_sizes"]
    json.dumps(out, allow_nan=False)


def test_trigger_redrawing_nulls_point_to_uniform_placement():
    """The summary no longer mixes the null's E[K] with uniform placement's E0[K]: it
    names where to find the latter."""
    res = als.coincidence_test(CASE.meetings, TRIGGERS, window=WINDOW, period=PERIOD,
                               null="poisson")
    uniform = als.effect_sizes(CASE.meetings, TRIGGERS, window=WINDOW, period=PERIOD)
    assert abs(res.expected - uniform.expected) > 3
    page = " ".join((ROOT / "docs" / "methods.rst").read_text(encoding="utf-8").split())
    assert f"own :math:`E[K]` ({res.expected:.2f} in the case study)" in page
    assert f"(:math:`E_0[K] = {uniform.expected:.2f}`)" in page
    assert f"{res.expected:.3f}" in res.summary() and "E0[K]" not in res.summary().split(
        "Effect sizes")[0]
    assert "null='uniform'" in res.effect_sizes_unavailable


def test_episode_jitter_with_single_response_episodes_is_jitter():
    """With gap 0 and no two meetings on one day every episode is one response, placed
    within ±J days as jitter places it: the same candidate intervals, the same effect
    sizes, in the function and on the result."""
    assert len(np.unique(CASE.meetings.days)) == CASE.meetings.days.size
    episode = als.effect_sizes(CASE.meetings, TRIGGERS, window=WINDOW, period=PERIOD,
                               null="episode-jitter", days=60, gap=0)
    jitter = als.effect_sizes(CASE.meetings, TRIGGERS, window=WINDOW, period=PERIOD,
                              null="jitter", days=60)
    assert episode.to_dict() == jitter.to_dict()
    res = als.coincidence_test(CASE.meetings, TRIGGERS, window=WINDOW, period=PERIOD,
                               null="episode-jitter", days=60, gap=0)
    assert res.effect_sizes_unavailable is None
    assert res.effect_sizes().to_dict() == jitter.to_dict()
    assert res.to_dict()["effect_sizes"] == jitter.to_dict()


@pytest.mark.parametrize("null, options", [("uniform", {}), ("uniform", {"distinct": True}),
                                           ("stratified", {}), ("jitter", {"days": 30})])
def test_independent_placement_nulls_keep_their_effect_sizes(null, options):
    res = als.coincidence_test(CASE.meetings, TRIGGERS, window=WINDOW, period=PERIOD,
                               null=null, **options)
    assert res.effect_sizes_unavailable is None
    assert "Excess K - E0[K]" in res.summary() and res.to_dict()["effect_sizes"]["k"] == 21


def test_module_and_function_names_do_not_collide():
    """``alliancestats.effect_sizes`` is the function; the module is ``alliancestats.effects``
    (a module of the same name was shadowed by the function, so that
    ``alliancestats.effect_sizes.compute_effect_sizes`` raised AttributeError)."""
    import alliancestats.effects as module
    assert callable(als.effect_sizes) and module.effect_sizes is als.effect_sizes
    assert als.effects.compute_effect_sizes is compute_effect_sizes
