"""The count model: its exact conditional test is the stratified null's exact test,
its rate ratio the conditional ML estimate, and bad input is refused by name."""

import json
import pathlib
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import alliancestats as als
from alliancestats import EventSeries, Period, Window, coincidence_test, count_model_test

CASE = als.datasets.load_iran_venezuela()
MEETINGS, SANCTIONS = CASE.meetings, CASE.independent_sanctions
PERIOD, WINDOW = CASE.period, CASE.window


def _fit(**kw):
    return count_model_test(MEETINGS, SANCTIONS, window=WINDOW, period=PERIOD, **kw)


def _series(offsets, start="2020-01-01"):
    return EventSeries(np.datetime64(start) + np.asarray(offsets, dtype="timedelta64[D]"))


@pytest.mark.parametrize("alternative", ["greater", "less", "two-sided"])
@pytest.mark.parametrize("strata", ["year", "quarter", ["2017-01-20", "2018-05-08"]])
def test_exact_conditional_pvalue_is_the_stratified_null(strata, alternative):
    res = _fit(strata=strata, alternative=alternative, empty_strata="drop")
    null = coincidence_test(MEETINGS, SANCTIONS, window=WINDOW, period=PERIOD, null="stratified",
                            strata=strata, alternative=alternative)
    assert res.pvalue_exact == pytest.approx(null.pvalue, rel=1e-12)
    assert res.pvalue == res.pvalue_exact and res.pvalue_method == "exact conditional"
    assert res.k == null.k and res.expected == pytest.approx(null.expected, rel=1e-9)


def test_without_strata_the_exact_test_is_the_uniform_null():
    res = _fit(strata=None)
    null = coincidence_test(MEETINGS, SANCTIONS, window=WINDOW, period=PERIOD, null="uniform")
    assert res.pvalue_exact == pytest.approx(null.pvalue, rel=1e-12)
    covered = int(null.covered_days)
    assert res.rate_ratio == pytest.approx((res.k / covered) / ((res.n - res.k) / (PERIOD.n_days - covered)),
                                           rel=1e-8)
    assert res.strata == ["whole period"] and "one rate" in res.summary()


@pytest.mark.parametrize("strata", ["year", ["2017-01-20"]])
def test_rate_ratio_is_the_conditional_ml_estimate(strata):
    res = _fit(strata=strata)
    eff = als.effect_sizes(MEETINGS, SANCTIONS, window=WINDOW, period=PERIOD, null="stratified",
                           strata=strata)
    assert res.rate_ratio == pytest.approx(eff.rate_ratio, rel=1e-7)


def test_wald_uses_hac_errors_with_the_stated_lags():
    res = _fit()
    assert res.maxlags == WINDOW.length
    z = res.beta / res.beta_se
    assert res.pvalue_wald == pytest.approx(stats.norm.sf(z))
    lo, hi = res.rate_ratio_ci
    assert np.log(hi) - res.beta == pytest.approx(stats.norm.ppf(0.975) * res.beta_se)
    assert res.beta - np.log(lo) == pytest.approx(stats.norm.ppf(0.975) * res.beta_se)
    other = _fit(maxlags=0)
    assert other.beta == pytest.approx(res.beta) and other.beta_se != pytest.approx(res.beta_se)


def _weekday_covariates(period=PERIOD):
    dates = period.dates
    return pd.DataFrame({"weekend": (dates.day_of_week >= 5).astype(float),
                         "trend": np.linspace(-1, 1, len(dates))}, index=dates)


def test_with_covariates_the_score_test_is_reported_and_matches_its_formula():
    covariates = _weekday_covariates()
    res = _fit(covariates=covariates.iloc[::-1])          # row order does not matter
    assert res.pvalue_exact is None and res.pvalue == res.pvalue_score
    assert res.pvalue_method.startswith("score") and "no simple exact" in res.summary()
    # score statistic by hand from the restricted fit: U^2 / (x'Wx - x'WZ (Z'WZ)^-1 Z'Wx)
    restricted = res.restricted_results
    mu = restricted.fittedvalues
    z = restricted.model.exog
    x = res.glm_results.model.exog[:, 0]           # one row per covariate pattern
    y = restricted.model.endog
    assert restricted.model.exog.shape[0] == len(x) and np.isin(x, [0, 1]).all()
    u = np.sum(x * (y - mu))
    zwz = z.T @ (mu[:, None] * z)
    v = x @ (mu * x) - (x * mu) @ z @ np.linalg.solve(zwz, z.T @ (mu * x))
    assert res.score_statistic == pytest.approx(u * u / v, rel=1e-6)
    assert res.pvalue_score == pytest.approx(stats.norm.sf(np.sign(u) * np.sqrt(u * u / v)), rel=1e-6)
    assert res.covariates == ["weekend", "trend"]


def test_result_outputs_are_json_safe_and_escaped():
    covariates = _weekday_covariates().rename(columns={"weekend": "<b>weekend</b>"})
    res = _fit(covariates=covariates)
    json.dumps(res.to_dict(), allow_nan=False)
    assert "<b>weekend</b>" not in res._repr_html_() and "&lt;b&gt;" in res._repr_html_()
    rate, p = res
    assert rate == res.rate_ratio and p == res.pvalue
    assert res.to_frame().shape[0] == 1


def test_covariates_are_not_mutated():
    covariates = _weekday_covariates()
    before = covariates.copy()
    _fit(covariates=covariates)
    pd.testing.assert_frame_equal(covariates, before)


@pytest.mark.parametrize("change, match", [
    (lambda c: c.iloc[:-3], "no row for 3 period day"),
    (lambda c: pd.concat([c, c.iloc[:1].set_axis([pd.Timestamp("2021-02-01")])]), "outside the period"),
    (lambda c: pd.concat([c, c.iloc[:1]]), "more than one row"),
    (lambda c: c.assign(weekend=c["weekend"].astype(str)), "column 'weekend': must be numeric"),
    (lambda c: c.assign(trend=c["trend"].where(c.index != "2015-03-04")), "2015-03-04"),
    (lambda c: c.assign(constant=1.0), "collinear"),
    (lambda c: c["trend"], "must be a pandas DataFrame"),
    (lambda c: c.reset_index(drop=True), "covariates"),
])
def test_bad_covariates_are_refused(change, match):
    with pytest.raises(als.AllianceStatsError, match=match):
        _fit(covariates=change(_weekday_covariates()))


def test_strata_without_responses_are_refused_or_dropped_on_request():
    with pytest.raises(als.AllianceStatsError, match=r"`strata`: 14 .*empty_strata='drop'"):
        _fit(strata="quarter")
    res = _fit(strata="quarter", empty_strata="drop")
    assert len(res.strata_dropped) == 14 and len(res.strata) == 18
    assert res.n_days == PERIOD.n_days - sum(
        (pd.Period(q).end_time - pd.Period(q).start_time).days + 1
        for q in res.strata_dropped)


def test_coverage_that_leaves_nothing_to_compare_is_refused():
    period = Period("2020-01-01", "2020-12-31")
    responses = _series([10, 100, 200])
    with pytest.raises(als.AllianceStatsError, match="`triggers`: no day"):
        count_model_test(responses, _series([-400]), window=Window(0, 5), period=period, strata=None)
    with pytest.raises(als.AllianceStatsError, match="`triggers`: every day"):
        count_model_test(responses, _series(np.arange(-5, 366)), window=Window(0, 5),
                         period=period, strata=None)


def test_strata_where_beta_is_not_estimable_are_refused():
    period = Period("2019-01-01", "2020-12-31")
    triggers = _series(np.arange(0, 365), start="2019-01-01")     # 2019 fully covered
    responses = _series([10, 50, 100], start="2019-01-01")          # all in 2019
    with pytest.raises(als.AllianceStatsError, match="no stratum with responses has both"):
        count_model_test(responses, triggers, window=Window(0, 0), period=period,
                         empty_strata="drop")


def test_all_informative_responses_covered_is_refused():
    period = Period("2020-01-01", "2020-12-31")
    with pytest.raises(als.AllianceStatsError, match="`responses`: .*all of the responses"):
        count_model_test(_series([3, 40, 200]), _series([0, 38, 199]), window=Window(0, 5),
                         period=period, strata=None)


@pytest.mark.parametrize("kwargs, match", [
    ({"strata": "topic"}, "`strata` must be None, 'year'"),
    ({"empty_strata": "ignore"}, "empty_strata"),
    ({"maxlags": -1}, "maxlags"),
    ({"maxlags": 2.5}, "maxlags"),
    ({"alternative": "larger"}, "alternative"),
    ({"confidence_level": 1.2}, "confidence_level"),
])
def test_bad_options_are_refused(kwargs, match):
    with pytest.raises(als.AllianceStatsError, match=match):
        _fit(**kwargs)


def test_the_summary_says_what_the_p_values_assume_and_what_to_use_otherwise():
    text = _fit().summary()
    assert "Assumes" in text and "independent" in text and "episode-jitter" in text
    doc = " ".join(count_model_test.__doc__.split())
    assert "Which p-value to use" in doc and "@" not in doc   # measured numbers filled in
    page = " ".join((pathlib.Path(__file__).resolve().parents[1] / "docs" / "methods.rst")
                    .read_text(encoding="utf-8").split())
    quoted = re.search(r"the exact test rejected [0-9.]+, the score test [0-9.]+ and the HAC "
                       r"Wald test [0-9.]+ \(SE [0-9.]+", doc).group(0)
    assert quoted in page   # the methods page quotes the docstring's measurement

