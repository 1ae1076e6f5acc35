"""The count model fitted on days collapsed by covariate pattern gives the day-level
statsmodels fit's numbers: estimates, HAC standard error, score test, expected K."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

import alliancestats as als
from alliancestats import EventSeries, Period, Window, count_model_test

PERIOD = Period("2001-01-01", "2002-12-31")


def _series(days):
    return EventSeries(np.datetime64("2001-01-01") + np.sort(days).astype("timedelta64[D]"))


def _day_level(res, y, x, codes, extra, maxlags):
    """The day-level fits, as the count model computed them before collapsing."""
    kept = np.unique(codes)
    dummies = (codes[:, None] == kept[None, :]).astype(float)
    base = np.column_stack([dummies, extra])
    family = sm.families.Poisson()
    full = sm.GLM(y, np.column_stack([x, base]), family=family).fit(
        cov_type="HAC", cov_kwds={"maxlags": maxlags})
    restricted = sm.GLM(y, base, family=family).fit()
    score = restricted.score_test(exog_extra=x[:, None])
    return full, restricted, score


@pytest.mark.parametrize("seed, covariate", [(0, False), (1, True), (2, False), (3, True)])
def test_collapsed_fit_matches_the_day_level_fit(seed, covariate):
    rng = np.random.default_rng(seed)
    n_days = PERIOD.n_days
    responses = _series(rng.integers(0, n_days, 30 + 10 * seed))
    triggers = _series(rng.integers(0, n_days, 10 + 3 * seed))
    window = Window(0, 10 + 5 * seed)
    dates = PERIOD.dates
    covariates = (pd.DataFrame({"weekend": (dates.day_of_week >= 5).astype(float)}, index=dates)
                  if covariate else None)
    maxlags = [0, 3, None, 50][seed]
    res = count_model_test(responses, triggers, window=window, period=PERIOD, strata="quarter",
                           covariates=covariates, maxlags=maxlags, alternative="two-sided",
                           empty_strata="drop")
    # day-level inputs, built independently of the module
    offsets = (responses.days - PERIOD.first_day)
    y = np.bincount(offsets, minlength=n_days).astype(float)
    x = als.coverage(triggers, window=window, period=PERIOD).mask.astype(float)
    quarter = pd.PeriodIndex(dates, freq="Q").astype(str).to_numpy()
    keep = np.isin(quarter, res.strata)
    assert keep.sum() == res.n_days
    codes = np.unique(quarter[keep], return_inverse=True)[1]
    extra = (covariates.to_numpy()[keep] if covariate else np.zeros((keep.sum(), 0)))
    full, restricted, score = _day_level(res, y[keep], x[keep], codes, extra, res.maxlags)
    assert res.beta == pytest.approx(float(full.params[0]), rel=1e-8)
    assert res.beta_se == pytest.approx(float(full.bse[0]), rel=1e-8)
    assert res.pvalue_wald == pytest.approx(2 * stats.norm.sf(abs(full.params[0] / full.bse[0])),
                                            rel=1e-7)
    assert res.score_statistic == pytest.approx(float(np.squeeze(score.statistic)), rel=1e-8)
    assert res.pvalue_score == pytest.approx(float(np.squeeze(score.pvalue)), rel=1e-7)
    assert res.expected == pytest.approx(float(np.sum(x[keep] * restricted.fittedvalues)), rel=1e-9)
    np.testing.assert_allclose(res.glm_results.params, full.params, rtol=1e-7, atol=1e-9)


def test_a_saturated_grouped_fit_warns_nothing():
    """Without strata the grouped design has two rows and two parameters: fitted
    exactly, which is not a separation; no statsmodels warning reaches the user."""
    import warnings

    case = als.datasets.load_iran_venezuela()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = als.count_model_test(case.meetings, case.independent_sanctions,
                                   window=case.window, period=case.period, strata=None)
    assert [str(w.message) for w in caught] == []
    assert np.isfinite(res.rate_ratio) and 0 < res.pvalue < 1
