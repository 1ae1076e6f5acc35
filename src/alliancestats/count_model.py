r"""``count_model_test``: a Poisson regression of daily response counts on coverage."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

from ._covariates import daily_covariates
from ._distinct import distinct
from ._docstrings import shared
from ._output import html_block, interval_text, json_ready, text_block, typed_frame
from ._pvalues import exact_pvalue
from ._setup import build_setup
from ._strata import DayStrata, day_strata
from ._validation import check_alternative, check_choice, check_fraction, check_integer, format_rows
from .errors import AllianceStatsError
from .events import EventSeries
from .period import Period
from .result import ConfidenceInterval
from .window import Window

__all__ = ["CountModelResult", "count_model_test"]

EMPTY_STRATA = ("raise", "drop")

#: what every p-value of the count model takes for granted, and what to do otherwise
INDEPENDENCE = ("responses independent of each other given the rates; if they come in "
                "bursts (diagnose() says so) no p-value here holds its level, the HAC Wald "
                "least badly: test with coincidence_test(null='episode-jitter') instead")


@dataclass(frozen=True, eq=False)
class CountModelResult:
    """Outcome of :func:`count_model_test`.

    Attributes
    ----------
    rate_ratio : float
        Incidence-rate ratio :math:`e^{\\hat\\beta}` of responses on covered
        versus uncovered days, within strata (and given the covariates).
    rate_ratio_ci : ConfidenceInterval
        Wald interval :math:`e^{\\hat\\beta \\pm z\\,\\mathrm{se}_{HAC}}`.
    pvalue : float
        The primary p-value: ``pvalue_exact`` without covariates, else
        ``pvalue_score``; ``pvalue_method`` says which. It assumes that
        responses fall independently of each other (see Notes of
        :func:`count_model_test` for what to use when they come in bursts).
    pvalue_method : {"exact conditional", "score (covariates)"}
        Which test ``pvalue`` comes from.
    pvalue_exact : float or None
        Exact conditional test of β = 0 (the ``stratified`` null's exact test of
        K); None with covariates.
    pvalue_score : float
        Score test of β = 0 from the model without the coverage term.
    pvalue_wald : float
        Wald test with HAC (Newey–West) standard errors.
    k, n : int
        Responses on covered days (K) and responses.
    expected : float
        :math:`\\sum_d x_d \\hat\\mu_d^{(0)}`: K expected under β = 0.
    beta, beta_se : float
        :math:`\\hat\\beta` and its HAC standard error.
    score_statistic : float
        The score test's chi-square statistic (1 degree of freedom).
    alternative : {"greater", "less", "two-sided"}
        The direction of every test.
    maxlags : int
        Lags of the HAC covariance.
    confidence_level : float
        Of ``rate_ratio_ci``.
    strata, strata_dropped : list of str
        The strata in the model, and those left out (``empty_strata="drop"``).
    covariates : list of str
        The covariates' column names (empty without covariates).
    n_days : int
        Days in the model (the period's days, but those of dropped strata).
    glm_results, restricted_results : statsmodels GLMResults
        The fitted model and the model without the coverage term, fitted on the
        days collapsed by covariate pattern (stratum, coverage and covariates: one
        row per pattern, counts summed, ``exposure`` its number of days), which
        gives the day-level fit's estimates; their covariance is model-based, the
        HAC one is in ``beta_se``.
    """

    rate_ratio: float
    rate_ratio_ci: ConfidenceInterval
    pvalue: float
    pvalue_method: str
    pvalue_exact: float | None
    pvalue_score: float
    pvalue_wald: float
    k: int
    n: int
    expected: float
    beta: float
    beta_se: float
    score_statistic: float
    alternative: str
    maxlags: int
    confidence_level: float
    strata: list[str]
    strata_dropped: list[str]
    covariates: list[str]
    n_days: int
    glm_results: Any = field(repr=False)
    restricted_results: Any = field(repr=False)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter((self.rate_ratio, self.pvalue))

    def _pairs(self) -> list[tuple[str, str]]:
        level = f"{100 * self.confidence_level:g}%"
        dropped = (f"; {len(self.strata_dropped)} without responses left out "
                   f"({', '.join(self.strata_dropped)})" if self.strata_dropped else "")
        effects = (f"stratum fixed effects ({len(self.strata)} strata{dropped})"
                   if len(self.strata) + len(self.strata_dropped) > 1 else "one rate (no strata)")
        null = "stratified" if len(self.strata) + len(self.strata_dropped) > 1 else "uniform"
        exact = ("n/a (covariates: no simple exact conditional test)" if self.pvalue_exact is None
                 else f"{self.pvalue_exact:.4g}  (the {null} null's exact test of K)")
        return [
            ("Model", "Poisson GLM of daily response counts on the coverage indicator"
                      + (f" + {', '.join(self.covariates)}" if self.covariates else "")
                      + f", {effects}"),
            ("Days", f"{self.n_days}; responses n = {self.n}, on covered days K = {self.k} "
                     f"(expected under beta = 0: {self.expected:.3f})"),
            ("Rate ratio", f"{self.rate_ratio:.3f}  ({level} CI {interval_text(*self.rate_ratio_ci)}, "
                           f"Wald, HAC maxlags = {self.maxlags})"),
            ("H1", f"beta {'> 0' if self.alternative == 'greater' else '< 0' if self.alternative == 'less' else '!= 0'}"
                   f" ({self.alternative})"),
            ("p exact conditional", exact),
            ("p score", f"{self.pvalue_score:.4g}  (chi-square(1) = {self.score_statistic:.3f})"),
            ("p Wald (HAC)", f"{self.pvalue_wald:.4g}  (beta = {self.beta:.4f}, se = {self.beta_se:.4f})"),
            ("p-value", f"{self.pvalue:.4g}  ({self.pvalue_method})"),
            ("Assumes", INDEPENDENCE),
        ]

    @shared
    def summary(self) -> str:
        """The model as a plain-text report: rate ratio, the three p-values and the
        primary one, and the model's strata, covariates and days.

        Returns
        -------
        {shared: returns_summary}
        """
        return text_block("Count model: are responses more frequent on covered days?", self._pairs())

    def _repr_html_(self) -> str:
        return html_block("Count model", self._pairs())

    def to_frame(self) -> pd.DataFrame:
        """The result as a one-row DataFrame indexed by ``model``.

        Returns
        -------
        pandas.DataFrame
            One row: the scalar fields of :meth:`to_dict` (not the interval or the
            lists); ``pvalue_exact`` is missing with covariates.
        """
        row = {k: v for k, v in self.to_dict().items() if not isinstance(v, (list, dict))}
        return typed_frame([row], index=["count model" + (" with covariates" if self.covariates
                                                          else "")],
                           index_name="model", dtypes={"pvalue_exact": "Float64",
                                                       "rate_ratio": "Float64"})

    @shared
    def to_dict(self) -> dict[str, Any]:
        """The result as a JSON-ready dict: every field but the fitted models.

        Returns
        -------
        {shared: returns_json}
        """
        return json_ready({
            "rate_ratio": self.rate_ratio, "rate_ratio_ci": list(self.rate_ratio_ci),
            "pvalue": self.pvalue, "pvalue_method": self.pvalue_method,
            "pvalue_exact": self.pvalue_exact, "pvalue_score": self.pvalue_score,
            "pvalue_wald": self.pvalue_wald, "k": self.k, "n": self.n,
            "expected": self.expected, "beta": self.beta, "beta_se": self.beta_se,
            "score_statistic": self.score_statistic, "alternative": self.alternative,
            "maxlags": self.maxlags, "confidence_level": self.confidence_level,
            "strata": list(self.strata), "strata_dropped": list(self.strata_dropped),
            "covariates": list(self.covariates), "n_days": self.n_days,
        }, reasons={"rate_ratio": "the fitted coverage effect diverges (no response on covered "
                                  "days, or none on uncovered ones)",
                    "rate_ratio_ci": "the Wald interval's bound overflows (a diverging fit)",
                    "beta_se": "the fit did not give a standard error",
                    "pvalue_wald": "the fit did not give a standard error"})


def _normal_pvalue(z: float, alternative: str) -> float:
    return float({"greater": stats.norm.sf(z), "less": stats.norm.cdf(z)}.get(
        alternative, min(1.0, 2 * stats.norm.sf(abs(z)))))


def _check_estimable(y: np.ndarray, x: np.ndarray, groups: DayStrata,
                     empty_strata: str) -> np.ndarray:
    """Which days enter the model; raises where β or a stratum effect has no estimate."""
    if x.all() or not x.any():
        raise AllianceStatsError(
            f"`triggers`: {'every' if x.all() else 'no'} day of the period is covered by the "
            "window, so there is nothing to compare; the rate ratio is not estimable")
    per = lambda v: np.bincount(groups.codes, weights=v, minlength=len(groups.labels))  # noqa: E731
    responses, covered = per(y), per(x)
    matched = per(y * x)
    empty = np.flatnonzero(responses == 0)
    if empty.size and empty_strata == "raise":
        raise AllianceStatsError(
            f"`strata`: {empty.size} stratum/strata have no responses "
            f"({format_rows([groups.labels[s] for s in empty])}), so their rates have no "
            "estimate; choose coarser strata, or pass empty_strata='drop' to leave them out "
            "(they carry no information about the rate ratio)")
    informative = (responses > 0) & (covered > 0) & (covered < groups.days)
    if not informative.any():
        raise AllianceStatsError(
            "`strata`: no stratum with responses has both covered and uncovered days, so the "
            "rate ratio is not estimable within strata; choose coarser strata")
    k_in, n_in = matched[informative].sum(), responses[informative].sum()
    if k_in in (0, n_in):
        raise AllianceStatsError(
            f"`responses`: in every stratum with both covered and uncovered days, "
            f"{'all' if k_in else 'none'} of the responses fall on covered days, so the rate "
            f"ratio estimate is {'infinite' if k_in else 'zero'}; the exact conditional test "
            "is coincidence_test(..., null='stratified')")
    return responses[groups.codes] > 0


class _DayPatterns:
    """The model's days collapsed by covariate pattern (stratum, coverage, covariates).

    A Poisson log-likelihood depends on the days of one pattern only through their
    summed count and their number (the exposure), so the fit on one row per pattern
    (counts summed, ``exposure`` = days) has the day-level fit's estimates, score and
    information. Only the HAC covariance needs the days in time order:
    :meth:`hac_variance` computes it from the day-level scores.
    """

    def __init__(self, y: np.ndarray, x: np.ndarray, codes: np.ndarray, kept: np.ndarray,
                 extra: np.ndarray) -> None:
        key = np.column_stack([codes, x, extra])
        patterns, inverse = np.unique(key, axis=0, return_inverse=True)
        dummies = (patterns[:, :1] == kept[None, :]).astype(float)
        self.design = np.column_stack([patterns[:, 1], dummies, patterns[:, 2:]])
        self.inverse = inverse.ravel()
        self.days = np.bincount(self.inverse, minlength=len(patterns)).astype(float)
        self.counts = np.bincount(self.inverse, weights=y, minlength=len(patterns))
        self.y = y

    def hac_variance(self, params: np.ndarray, maxlags: int) -> float:
        r"""The HAC (Newey–West, Bartlett) variance of :math:`\hat\beta` over the days.

        The sandwich :math:`H^{-1} S H^{-1}` of statsmodels' ``cov_type="HAC"``
        with the day-level scores :math:`u_d = X_d (y_d - \mu_d)`, in the order of
        the days, and :math:`S = \sum_{|l| \le L} (1 - |l|/(L+1)) \sum_d u_d
        u_{d-l}^\top`. Its β entry is :math:`h^\top S h` with :math:`h = H^{-1} e_1`,
        the same sum over the scalar series :math:`v_d = h^\top u_d`.
        """
        rate = np.exp(self.design @ params)
        information = self.design.T @ ((self.days * rate)[:, None] * self.design)
        h = np.linalg.solve(information, np.eye(len(params))[:, 0])
        v = (self.design @ h)[self.inverse] * (self.y - rate[self.inverse])
        total = float(v @ v)
        for lag in range(1, min(maxlags, len(v) - 1) + 1):
            total += 2 * (1 - lag / (maxlags + 1)) * float(v[lag:] @ v[:-lag])
        return total


@shared
def count_model_test(responses: EventSeries, triggers: EventSeries, *, window: Window,
                     period: Period, strata: Any = "year", covariates: pd.DataFrame | None = None,
                     alternative: str = "greater", maxlags: int | None = None,
                     confidence_level: float = 0.95, empty_strata: str = "raise",
                     drop_outside: bool = False) -> CountModelResult:
    r"""Poisson regression of daily response counts on the coverage indicator.

    Every day ``d`` of the period is one observation: :math:`y_d` responses,
    :math:`x_d = 1` when a trigger lies in its window (the coverage mask),
    a fixed effect for its stratum and optional covariates :math:`z_d`:

    .. math:: y_d \sim \mathrm{Poisson}(\mu_d), \qquad
              \log \mu_d = \alpha_{s(d)} + \beta x_d + \gamma^\top z_d.

    :math:`H_0`: β = 0 (responses are no more frequent on covered days, within
    strata); :math:`H_1` (``greater``): β > 0.

    Parameters
    ----------
    {shared: responses_triggers window period}
    strata : {"year", "quarter", "month"}, sequence of break dates, or None
        Each stratum gets its own baseline rate (cut as the ``stratified``
        null cuts the period). None fits a single rate.
    covariates : pandas.DataFrame, optional
        One row per period day (index: the dates, in any order), numeric
        finite columns. Days missing or extra, duplicate days, non-numeric or
        missing values raise :class:`AllianceStatsError`.
    alternative : {"greater", "less", "two-sided"}
        ``"greater"`` (default) asks whether responses are more frequent on
        covered days (β > 0).
    maxlags : int, optional
        Lags of the HAC (Newey–West, Bartlett kernel) covariance; default the
        window length ``L``, the span over which the coverage mask of one
        trigger is autocorrelated.
    confidence_level : float
        Of the rate-ratio interval.
    empty_strata : {"raise", "drop"}
        A stratum without responses has no finite rate estimate; ``"drop"``
        leaves its days out of the model (they carry no information about β)
        and lists them in ``strata_dropped``.
    drop_outside : bool
        Drop responses outside the period instead of raising.

    Returns
    -------
    CountModelResult
        The rate ratio with its interval and the exact, score and Wald p-values.
        Unpacks as ``rate_ratio, pvalue = result``.

    Notes
    -----
    *Exact conditional test.* Without covariates, condition on the stratum
    totals :math:`n_s = \sum_{d \in s} y_d`. Independent Poisson counts given
    their sum are multinomial, so the days of stratum ``s`` share its
    :math:`n_s` responses with probabilities
    :math:`e^{\beta x_d} / \sum_{d' \in s} e^{\beta x_{d'}}`; :math:`\alpha_s`
    cancels. The conditional likelihood is

    .. math:: \prod_s \prod_{d \in s}
              \Bigl(\frac{e^{\beta x_d}}{C_s e^\beta + T_s - C_s}\Bigr)^{y_d}
              = \frac{e^{\beta K}}{\prod_s (C_s e^\beta + T_s - C_s)^{n_s}},
              \qquad K = \sum_d y_d x_d,

    with :math:`C_s` covered days of :math:`T_s`: it depends on the data only
    through K, which is therefore sufficient for β. Under β = 0 each response
    falls on a uniform day of its stratum, independently, and is covered with
    probability :math:`C_s/T_s`: K is Poisson-binomial, exactly the
    distribution of K under the ``stratified`` null with the same strata (and
    the ``uniform`` null's Binomial(n, C/T) with ``strata=None``). The exact
    conditional p-value, e.g. :math:`P(K \ge k)`, is that null's exact
    p-value; the one-sided test is uniformly most powerful unbiased. With
    covariates the conditional distribution has no simple form; the score
    test of the model without :math:`x_d` is reported instead (statsmodels
    ``score_test``, one-sided by the sign of
    :math:`\sum_d x_d (y_d - \hat\mu^{(0)}_d)`).

    *Wald test.* :math:`\hat\beta` over its HAC standard error; daily counts
    near each other share triggers, so model-based errors would be too small.
    The Poisson fixed-effects estimate of β equals the conditional ML
    estimate above (the rate ratio of :func:`alliancestats.effect_sizes`
    with ``null="stratified"``).

    *Computation.* Days with the same stratum, coverage and covariates enter
    the likelihood only through their summed count and their number, so the
    model is fitted on one row per such pattern with the days as exposure (the
    same estimates, score test and information as the day-level fit, in a
    fraction of the time); the HAC covariance, which needs the days in time
    order, is computed from the day-level scores (statsmodels' Bartlett
    ``cov_type="HAC"`` without small-sample correction, days of dropped strata
    left out of the series).

    *Which p-value to use.* All three assume that responses fall independently
    of each other (daily counts independent Poisson given the rates). When they
    do, use ``pvalue``: the exact conditional test holds its level exactly; with
    covariates it is the score test, which needs no estimate of β and, like the
    Wald test, is asymptotic. When responses come in bursts (several within days
    of each other, as :func:`alliancestats.diagnose` measures), none of the
    three holds its level. On the 386 datasets of 400 drawn (14 refused) from
    the ``clustered-responses`` scenario of :mod:`alliancestats.scenarios` (25
    responses in bursts, independent triggers, window ``[0, 33]``, yearly
    strata), one-sided at level 0.05, the exact test rejected 0.122, the score
    test 0.148 and the HAC Wald test 0.060 (SE 0.011; on 400 datasets of the
    ``homogeneous`` scenario, with independent responses, 0.028 (exact tests are
    conservative on discrete data), 0.045 and 0.048;
    ``benchmarks/count_model_size.py``). The HAC Wald test strays least but is
    no remedy: its standard error allows for dependence only over ``maxlags``
    days and is itself noisy with a few dozen responses. A degrees-of-freedom
    correction would not help either: the problem is the dependence between
    responses, not the number of days (thousands), for which such corrections
    are negligible, so none is applied. With bursts, test with
    ``coincidence_test(..., null="episode-jitter")``, which moves each burst as
    one block, and read the rate ratio here as a description, not a test.

    Examples
    --------
    >>> import alliancestats as als
    >>> case = als.datasets.load_iran_venezuela()
    >>> res = als.count_model_test(case.meetings, case.independent_sanctions,
    ...                            window=case.window, period=case.period)
    >>> strat = als.coincidence_test(case.meetings, case.independent_sanctions,
    ...                              window=case.window, period=case.period, null="stratified")
    >>> abs(res.pvalue - strat.pvalue) < 1e-12, res.k == strat.k
    (True, True)
    >>> round(res.pvalue, 4), round(res.rate_ratio, 2), [round(x, 2) for x in res.rate_ratio_ci]
    (0.0384, 3.17, [1.27, 7.93])
    """
    alternative = check_alternative(alternative)
    empty_strata = check_choice(empty_strata, "empty_strata", EMPTY_STRATA)
    confidence_level = check_fraction(confidence_level, "confidence_level")
    setup, _ = build_setup(responses, triggers, window=window, period=period,
                           drop_outside=drop_outside)
    maxlags = check_integer(window.length if maxlags is None else maxlags, "maxlags", minimum=0)
    groups = day_strata(strata, period)
    extra, names = daily_covariates(covariates, period)
    offsets = setup.response_days - period.first_day
    y = np.bincount(offsets, minlength=period.n_days).astype(float)
    x = setup.mask.astype(float)
    keep = _check_estimable(y, x, groups, empty_strata)
    kept = distinct(groups.codes[keep])
    table = _DayPatterns(y[keep], x[keep], groups.codes[keep], kept, extra[keep])
    if np.linalg.matrix_rank(table.design) < table.design.shape[1]:
        raise AllianceStatsError(
            "`covariates` are collinear with the stratum effects or the coverage indicator "
            "(e.g. a constant column, or one that only changes between strata)")
    family = sm.families.Poisson()
    with warnings.catch_warnings():
        if table.design.shape[0] <= table.design.shape[1]:
            # As many day patterns as parameters: the grouped counts are fitted exactly
            # by construction (no residual degrees of freedom), which statsmodels reports
            # as perfect prediction and a division by zero; a real separation shows as
            # non-convergence or an infinite coefficient, refused below.
            warnings.filterwarnings("ignore", category=PerfectSeparationWarning)
            warnings.filterwarnings("ignore", message="divide by zero", category=RuntimeWarning)
        fit = sm.GLM(table.counts, table.design, family=family, exposure=table.days).fit()
        restricted = sm.GLM(table.counts, table.design[:, 1:], family=family,
                            exposure=table.days).fit()
    beta = float(fit.params[0])
    se = float(np.sqrt(table.hac_variance(fit.params, maxlags)))
    if not (fit.converged and restricted.converged and np.isfinite(beta) and np.isfinite(se)):
        raise AllianceStatsError("`covariates`: the Poisson model did not converge (a covariate "
                                 "may separate days with and without responses)")
    score = restricted.score_test(exog_extra=table.design[:, :1])
    chi2 = float(np.squeeze(score.statistic))
    expected = float(np.sum(table.design[:, 0] * restricted.fittedvalues))
    direction = float(np.sum(table.design[:, 0] * table.counts)) - expected
    score_p = (float(np.squeeze(score.pvalue)) if alternative == "two-sided" else
               _normal_pvalue(np.sign(direction) * np.sqrt(max(chi2, 0.0)), alternative))
    k = int((y * x).sum())
    exact = None
    if not names:
        share = np.bincount(groups.codes, weights=x) / groups.days
        pmf = stats.poisson_binom.pmf(np.arange(setup.n + 1), share[groups.codes[offsets]])
        exact = exact_pvalue(pmf, k, alternative)
    z = stats.norm.ppf(0.5 + confidence_level / 2)
    return CountModelResult(
        rate_ratio=float(np.exp(beta)),
        rate_ratio_ci=ConfidenceInterval(float(np.exp(beta - z * se)), float(np.exp(beta + z * se))),
        pvalue=exact if exact is not None else score_p,
        pvalue_method="exact conditional" if exact is not None else "score (covariates)",
        pvalue_exact=exact, pvalue_score=score_p,
        pvalue_wald=_normal_pvalue(beta / se, alternative),
        k=k, n=setup.n, expected=expected,
        beta=beta, beta_se=se, score_statistic=chi2, alternative=alternative, maxlags=maxlags,
        confidence_level=float(confidence_level), strata=[groups.labels[s] for s in kept],
        strata_dropped=[groups.labels[s] for s in np.setdiff1d(np.arange(len(groups.labels)), kept)],
        covariates=names, n_days=int(keep.sum()), glm_results=fit, restricted_results=restricted,
    )
