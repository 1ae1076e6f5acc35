"""diagnose: its measurements against independent computations, its findings on
data built to have (or lack) a trend or clusters, and no coincidence p-value."""

import itertools
import json

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

import alliancestats as als
from alliancestats import Period, Window, simulate
from alliancestats._series_measures import dispersion, episode_sizes, gap_share, rate_tests

CASE = als.datasets.load_iran_venezuela()
MEETINGS, SANCTIONS = CASE.meetings, CASE.independent_sanctions
PERIOD, WINDOW = CASE.period, CASE.window


@pytest.fixture(scope="module")
def case():
    return als.diagnose(MEETINGS, SANCTIONS, window=WINDOW, period=PERIOD, n_resamples=1999, rng=1)


def _yearly(series):
    return pd.Series(series.dates.year).value_counts().reindex(range(2013, 2021), fill_value=0)


def test_case_study_counts_and_coverage(case):
    assert case.per_unit["responses"].tolist() == _yearly(MEETINGS).tolist()
    assert case.per_unit["triggers"].tolist() == _yearly(SANCTIONS).tolist()
    assert _yearly(SANCTIONS).tolist() == [12, 7, 4, 4, 22, 23, 47, 45]   # quoted in the docs
    days = pd.DatetimeIndex(np.unique(SANCTIONS.dates))
    assert case.per_unit["trigger_days"].tolist() == _yearly(als.EventSeries(days)).tolist()
    assert case.per_unit["trigger_days"].tolist() == [11, 7, 4, 4, 21, 23, 45, 42]   # quoted
    for name, years in (("responses", MEETINGS.dates.year), ("triggers", days.year)):
        assert case.trends.loc[name, "first_half"] == int((years <= 2016).sum())
        assert case.trends.loc[name, "second_half"] == int((years >= 2017).sum())
    # the figures the methods page quotes
    assert case.trends.loc["responses", ["first_half", "second_half"]].tolist() == [11, 14]
    assert case.trends.loc["triggers", ["first_half", "second_half"]].tolist() == [26, 131]
    mask = als.coverage(SANCTIONS, window=WINDOW, period=PERIOD).to_series()
    yearly = mask.groupby(mask.index.year).mean()
    assert case.per_unit["coverage"].tolist() == pytest.approx(yearly.tolist())
    assert (round(yearly.min(), 2), round(yearly.max(), 2)) == (0.33, 0.98)
    gaps = case.clustering.set_index(["series", "statistic"]).loc[("responses", "short-gap share")]
    assert gaps["observed"] == 4 / 24 and abs(gaps["expected_within"] - 0.25) < 0.015   # "about 25%"
    share = als.coverage(SANCTIONS, window=WINDOW, period=PERIOD).share
    assert case.coverage["share"].iloc[0] == pytest.approx(share) and round(share, 2) == 0.70
    assert case.flags["triggers_trend"] and not case.flags["responses_trend"]
    assert not case.flags["responses_cluster"]
    assert case.primary == "stratified"
    table = case.recommendation.set_index("null")
    assert not table.loc["poisson", "suited"] and not table.loc["shuffle-triggers", "suited"]
    assert "constant trigger rate" in table.loc["poisson", "reasons"]
    assert "26 before 2017-01-01 vs 131" in table.loc["poisson", "reasons"]
    assert not table.loc["circular", "suited"] and "triggers trend" in table.loc["circular", "reasons"]
    assert case.options["jitter"] == {"days": 3 * WINDOW.length}
    assert case.options["episode-jitter"] == {"days": 3 * WINDOW.length, "gap": WINDOW.length}


def test_trend_rate_ratio_is_the_poisson_glm_estimate(case):
    counts = case.per_unit["trigger_days"].to_numpy(float)
    days = case.per_unit["days"].to_numpy(float)
    row = case.trends.loc["triggers"]
    fitted = counts.sum() * days / days.sum()
    assert row["homogeneity_deviance"] == pytest.approx(
        2 * np.sum(np.where(counts > 0, counts * np.log(counts / fitted), 0)), rel=1e-8)
    tau = np.arange(8) + 0.5     # unit midpoints in years, up to a shift

    def negloglik(params):
        mu = days * np.exp(params[0] + params[1] * tau)
        return np.sum(mu - counts * np.log(mu))

    best = optimize.minimize(negloglik, [np.log(counts.sum() / days.sum()), 0.0], method="Nelder-Mead",
                             options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 5000})
    assert row["trend_rate_ratio_per_year"] == pytest.approx(np.exp(best.x[1]), rel=2e-3)


@pytest.mark.parametrize("distinct", [False, True])
def test_trend_pvalues_match_enumeration(distinct):
    """Three units of 3, 4 and 5 days, 5 events: the Monte Carlo homogeneity and trend
    p-values agree, within 4 SE, with enumerating every placement (independent days, or
    sets of distinct days) and computing the deviance and the score by hand."""
    days, counts = np.array([3, 4, 5]), np.array([4, 0, 1])
    unit = np.repeat(np.arange(3), days)
    mid = np.array([1.0, 4.5, 9.0]) / 365.25
    placements = (itertools.combinations(range(12), 5) if distinct
                  else itertools.product(range(12), repeat=5))
    placed = unit[np.array(list(placements))]
    tables = (placed[:, :, None] == np.arange(3)).sum(axis=1).astype(float)
    expected = 5 * days / days.sum()

    def deviance(y):
        with np.errstate(divide="ignore", invalid="ignore"):
            return 2 * np.where(y > 0, y * np.log(y / expected), 0).sum(axis=-1)

    def score(y):
        return np.abs(y @ (mid - days @ mid / days.sum()))

    out = rate_tests(counts.astype(float), days.astype(float), mid, 20000,
                     np.random.default_rng(3), distinct=distinct)
    for name, statistic in (("homogeneity", deviance), ("trend", score)):
        exact = np.mean(statistic(tables) >= statistic(counts.astype(float)) - 1e-9)
        assert 0.001 < exact < 0.5
        assert abs(out[f"{name}_pvalue"] - exact) < 4 * out[f"{name}_pvalue_se"] + 1e-4


def test_gap_share_dispersion_and_episodes_by_hand():
    offsets = np.array([[9, 0, 2, 3, 20]])
    assert gap_share(offsets, 3)[0] == pytest.approx(2 / 4)         # gaps 2, 1, 6, 11
    counts = np.array([2, 1, 0, 1, 0, 0])     # bins [0,3), [3,6), ..., [15,18); day 20 is past them
    assert dispersion(offsets, 3, 6)[0] == pytest.approx(counts.var(ddof=1) / counts.mean())
    assert episode_sizes(offsets[0], 2).tolist() == [3, 1, 1]


def test_expected_short_gap_share_matches_enumeration():
    """Uniform placements of 3 events on 8 days: the Monte Carlo mean and p-value of the
    short-gap share agree with enumerating all 8^3 placements."""
    period, window = Period("2020-01-01", "2020-01-08"), Window(0, 2)
    responses = als.EventSeries(["2020-01-01", "2020-01-02", "2020-01-08"])
    shares = np.array([gap_share(np.array([p]), 3)[0]
                       for p in itertools.product(range(8), repeat=3)])
    d = als.diagnose(responses, responses, window=window, period=period, unit="month",
                     n_resamples=20000, rng=2)
    row = d.clustering.set_index(["series", "statistic"]).loc[("responses", "short-gap share")]
    assert row["observed"] == 0.5
    assert abs(row["expected_uniform"] - shares.mean()) < 4 * shares.std() / np.sqrt(20000)
    exact_p = np.mean(shares >= 0.5)
    assert abs(row["pvalue_uniform"] - exact_p) < 4 * row["pvalue_uniform_se"]


def test_clustered_responses_put_episode_moves_first():
    period = Period("2013-01-01", "2020-12-31")
    responses = simulate.clustered_series(2, mean_cluster_size=4, spread_days=10, period=period, rng=3)
    triggers = simulate.poisson_series(12, period=period, rng=4)
    d = als.diagnose(responses, triggers, window=WINDOW, period=period, n_resamples=999, rng=5)
    assert d.flags["responses_cluster"]
    assert d.primary == "episode-jitter"
    table = d.recommendation.set_index("null")
    for null in ("uniform", "stratified", "jitter"):
        assert not table.loc[null, "suited"]
        assert "moves clusters whole" in table.loc[null, "reasons"]
    assert table.loc["poisson", "suited"]
    trend = d.flags["responses_trend"] or d.flags["triggers_trend"]
    assert table.loc["circular", "suited"] == (not trend)


def test_trending_triggers_rule_out_poisson_and_shuffle():
    period = Period("2013-01-01", "2020-12-31")
    responses = simulate.poisson_series(4, period=period, rng=6)
    triggers = simulate.poisson_series([5, 40], period=period, breaks=["2017-01-01"], rng=7)
    d = als.diagnose(responses, triggers, window=Window(0, 10), period=period, n_resamples=999, rng=8)
    assert d.flags["triggers_trend"] and not d.flags["responses_trend"]
    suited = d.recommendation.set_index("null")["suited"]
    assert not suited["poisson"] and not suited["shuffle-triggers"]
    assert suited["uniform"] and suited["stratified"]
    assert not suited["circular"]   # a trend in either series rules it out


def test_both_series_trending_rule_out_circular_and_uniform():
    period = Period("2013-01-01", "2020-12-31")
    responses = simulate.poisson_series([2, 12], period=period, breaks=["2017-01-01"], rng=9)
    triggers = simulate.poisson_series([5, 40], period=period, breaks=["2017-01-01"], rng=10)
    d = als.diagnose(responses, triggers, window=Window(0, 10), period=period, n_resamples=999, rng=11)
    suited = d.recommendation.set_index("null")["suited"]
    assert d.flags["both_trend"] and not suited["circular"] and not suited["uniform"]
    assert suited["stratified"]


def test_dense_triggers_are_flagged_as_forcing_k():
    period = Period("2019-01-01", "2020-12-31")
    triggers = simulate.poisson_series(200, period=period, rng=12)
    responses = simulate.poisson_series(10, period=period, rng=13)
    d = als.diagnose(responses, triggers, window=WINDOW, period=period, n_resamples=199, rng=14)
    assert d.flags["forced"] and "nearly forced" in d.recommendation["reasons"].iloc[0]
    none = als.diagnose(responses, als.EventSeries([]), window=WINDOW, period=period,
                        n_resamples=99, rng=0)
    assert none.flags["forced"] and none.coverage["largest_k_probability"].iloc[0] == 1
    assert not als.diagnose(MEETINGS, SANCTIONS, window=WINDOW, period=PERIOD, n_resamples=99,
                            rng=0).flags["forced"]


def test_no_coincidence_p_value_is_computed(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("diagnose computed a coincidence-test p-value")

    import alliancestats._pvalues as pvalues
    from alliancestats.nulls import NullModel
    for target, name in ((pvalues, "exact_pvalue"), (pvalues, "monte_carlo_pvalue"),
                         (NullModel, "sample"), (NullModel, "exact_pmf"), (als, "coincidence_test")):
        monkeypatch.setattr(target, name, refuse)
    als.diagnose(MEETINGS, SANCTIONS, window=WINDOW, period=PERIOD, n_resamples=99, rng=0)


def test_reproducible_and_json_safe(case):
    again = als.diagnose(MEETINGS, SANCTIONS, window=WINDOW, period=PERIOD, n_resamples=1999, rng=1)
    pd.testing.assert_frame_equal(case.clustering, again.clustering)
    out = case.to_dict()
    json.dumps(out, allow_nan=False)
    assert out["primary"] == "stratified" and len(out["recommendation"]) == 7
    text = case.summary()
    assert "1. stratified" in text and "NOT suited" in text
    assert "<table>" in case._repr_html_()


def test_a_single_response_has_no_gaps_and_says_so():
    period = Period("2020-01-01", "2020-12-31")
    d = als.diagnose(als.EventSeries(["2020-05-01"]), SANCTIONS, window=WINDOW, period=period,
                     n_resamples=99, rng=0)
    row = d.clustering.set_index(["series", "statistic"]).loc[("responses", "short-gap share")]
    assert np.isnan(row["observed"]) and np.isnan(row["pvalue_within"])
    assert json.loads(json.dumps(d.to_dict(), allow_nan=False))["clustering"][0]["observed"] is None


@pytest.mark.parametrize("kwargs, match", [
    ({"unit": "week"}, "`unit`"), ({"alpha": 0}, "`alpha`"), ({"n_resamples": 0}, "n_resamples"),
    ({"rng": "seed"}, "rng"),
])
def test_bad_options_are_refused(kwargs, match):
    with pytest.raises(als.AllianceStatsError, match=match):
        als.diagnose(MEETINGS, SANCTIONS, window=WINDOW, period=PERIOD, **kwargs)


@pytest.fixture(scope="module")
def independent_data():
    """150 datasets of the ``homogeneous`` scenario (constant rates, no clusters): the
    response offsets and the distinct trigger-day offsets into the period."""
    period = als.scenarios.DEFAULT_PERIOD

    def offsets(series):
        days = np.asarray(series.days, np.int64)
        return days[(days >= period.first_day) & (days <= period.last_day)] - period.first_day

    data = [als.scenarios.scenario("homogeneous", rng=seed) for seed in range(150)]
    return period, [(offsets(r), np.unique(offsets(t))) for r, t in data]


def test_min_p_combination_is_exact_and_reduces_to_one_p_value():
    """With one statistic the combined p is the ordinary Monte Carlo p; with two
    correlated statistics on exchangeable rows it rejects alpha of the time, within 4 SE."""
    from alliancestats._series_measures import min_p_combined, monte_carlo

    rng = np.random.default_rng(7)
    draws = rng.normal(size=99)
    assert min_p_combined([0.8], [draws])[0] == monte_carlo(0.8, draws)[1]
    assert np.isnan(min_p_combined([np.nan], [draws])[0])
    rejected = []
    for _ in range(3000):
        a = rng.normal(size=100)
        b = 0.6 * a + 0.8 * rng.normal(size=100)
        rejected.append(min_p_combined([a[0], b[0]], [a[1:], b[1:]])[0] <= 0.05)
    assert abs(np.mean(rejected) - 0.05) < 4 * np.sqrt(0.05 * 0.95 / 3000)


def test_trend_and_cluster_flags_have_their_size_on_independent_data(independent_data):
    """The flags' rule (the min-p combination of two Monte Carlo p-values below alpha),
    on data without trend or clusters, flags at most alpha = 0.05 of datasets, up to
    3 SE (measured over more datasets: ``benchmarks/diagnose_flag_size.py``)."""
    from alliancestats._series_measures import clustering_rows
    from alliancestats._strata import day_strata

    period, data = independent_data
    groups = day_strata("year", period, argument="unit")
    mid = (groups.first + groups.last) / 2 / 365.25
    rng = np.random.default_rng(0)
    flags = {key: [] for key in ("responses_trend", "triggers_trend", "responses_cluster",
                                 "triggers_cluster")}
    for index, (responses, trigger_days) in enumerate(data):
        for name, offsets, distinct in (("responses", responses, False),
                                        ("triggers", trigger_days, True)):
            out = rate_tests(groups.count(offsets).astype(float), groups.days.astype(float), mid,
                             399, rng, distinct=distinct)
            flags[f"{name}_trend"].append(out["combined_pvalue"] < 0.05)
            if distinct and index >= 60:   # distinct placements cost more: 60 datasets
                continue
            rows = clustering_rows(name, offsets, groups, WINDOW.length, period.n_days,
                                   199 if not distinct else 99, rng, distinct=distinct)
            flags[f"{name}_cluster"].append(rows[0]["combined_pvalue_within"] < 0.05)
    for key, values in flags.items():
        rate, se = np.mean(values), np.sqrt(0.05 * 0.95 / len(values))
        assert rate <= 0.05 + 3 * se, (key, rate, len(values))


def test_recommendation_never_offers_a_null_that_refuses_the_statistic():
    """Clustered responses put episode-jitter first for K; for the trigger rate, which it
    refuses, it is never suited and ranks last, with the refusal as its first reason."""
    period = Period("2013-01-01", "2020-12-31")
    responses = simulate.clustered_series(2, mean_cluster_size=4, spread_days=10, period=period, rng=3)
    triggers = simulate.poisson_series(12, period=period, rng=4)
    d = als.diagnose(responses, triggers, window=WINDOW, period=period, statistic="trigger-rate",
                     n_resamples=199, rng=5)
    last = d.recommendation.iloc[-1]
    assert d.statistic == "trigger-rate" and d.primary != "episode-jitter"
    assert last["null"] == "episode-jitter" and not last["suited"]
    assert last["reasons"].startswith("cannot test the statistic 'trigger-rate'")
    assert "statistic trigger-rate" in d.summary() and d.to_dict()["statistic"] == "trigger-rate"
    with pytest.raises(als.AllianceStatsError, match="statistic"):
        als.diagnose(responses, triggers, window=WINDOW, period=period, statistic="k")
