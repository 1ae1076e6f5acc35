"""``coincidence_test``: do responses follow triggers more often than chance allows?"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from ._pvalues import empirical_pmf, exact_pvalue, monte_carlo_pvalue
from ._setup import build_setup
from ._validation import check_alternative, check_choice, check_integer, check_rng
from .errors import AllianceStatsError, DegenerateDataWarning
from .events import EventSeries
from .matching import match_table
from .nulls import make_null
from .period import Period
from .result import CoincidenceResult
from .window import Window

__all__ = ["coincidence_test"]

METHODS = ("auto", "exact", "monte-carlo")
DEFAULT_RESAMPLES = 9999


def coincidence_test(
    responses: EventSeries,
    triggers: EventSeries,
    *,
    window: Window,
    period: Period,
    null: str = "uniform",
    method: str = "auto",
    n_resamples: int = DEFAULT_RESAMPLES,
    rng: Any = None,
    alternative: str = "greater",
    drop_outside: bool = False,
    **null_options: Any,
) -> CoincidenceResult:
    r"""Test whether responses fall in the window after triggers more often than chance.

    The statistic is K, the number of responses with at least one trigger at a
    lag in ``window`` (DESIGN §1). Its null distribution comes from ``null``.

    Parameters
    ----------
    responses, triggers : EventSeries
        The events that might respond (e.g. meetings) and those that might
        trigger them (e.g. sanctions). Every response must lie in ``period``;
        triggers may lie outside it and still cover days inside.
    window : Window
        The lags that count as a match, e.g. ``Window.after(days=30, slack=3)``.
    period : Period
        The observation period ``[start, end]``.
    null : {"uniform", "poisson", "shuffle-triggers"}
        The baseline; see :mod:`alliancestats.nulls` for what each holds fixed.
    method : {"auto", "exact", "monte-carlo"}
        ``"auto"`` uses the exact distribution where the null has one.
    n_resamples : int
        Monte Carlo draws ``B``.
    rng : None, int or numpy.random.Generator
        Source of randomness for Monte Carlo; a seed makes results reproducible.
    alternative : {"greater", "less", "two-sided"}
        ``"greater"`` (default) asks whether responses are matched *more* often
        than chance.
    drop_outside : bool
        Drop responses outside the period instead of raising; the result's
        ``n_dropped`` says how many.
    **null_options
        Options of the null: ``distinct`` (uniform), ``continuous`` (poisson).

    Returns
    -------
    CoincidenceResult

    Notes
    -----
    :math:`H_0`: responses and triggers relate as the null describes (no
    tendency of responses to follow triggers). :math:`H_1` (``greater``):
    responses are matched more often than under :math:`H_0`. Exact p-values
    sum the null pmf; Monte Carlo p-values are :math:`(1 + \#\{K^* \ge K\})/(1 + B)`
    with standard error :math:`\sqrt{\hat p(1-\hat p)/B}`.

    Examples
    --------
    >>> meetings = EventSeries(["2019-01-10", "2019-02-23", "2019-10-25", "2020-11-04"])
    >>> sanctions = EventSeries(["2019-01-28", "2019-02-15", "2019-09-25"])
    >>> res = coincidence_test(meetings, sanctions, window=Window.after(days=30, slack=3),
    ...                        period=Period("2019-01-01", "2020-12-31"))
    >>> res.k, res.n, round(res.expected, 3), round(res.pvalue, 4), res.method
    (2, 4, 0.471, 0.0706, 'exact')
    >>> res_mc = coincidence_test(meetings, sanctions, window=Window.after(days=30, slack=3),
    ...                           period=Period("2019-01-01", "2020-12-31"),
    ...                           method="monte-carlo", n_resamples=2000, rng=1)
    >>> abs(res_mc.pvalue - res.pvalue) < 4 * res_mc.pvalue_se
    True
    """
    model = make_null(null, null_options)
    method = check_choice(method, "method", METHODS)
    n_resamples = check_integer(n_resamples, "n_resamples", minimum=1)
    alternative = check_alternative(alternative)
    generator = check_rng(rng)
    setup, n_dropped = build_setup(responses, triggers, window=window, period=period,
                                   drop_outside=drop_outside)

    pmf = model.exact_pmf(setup) if method in ("auto", "exact") else None
    if method == "exact" and pmf is None:
        raise AllianceStatsError(
            f"null {null!r} has no exact distribution; use method='monte-carlo' or 'auto'")
    k = setup.observed_k
    draws = se = None
    if pmf is not None:
        used, pvalue = "exact", exact_pvalue(pmf, k, alternative)
        distribution = pmf
    else:
        draws = model.sample(setup, n_resamples, generator)
        used = "monte-carlo"
        pvalue, se = monte_carlo_pvalue(draws, k, alternative)
        distribution = empirical_pmf(draws, setup.n)
    if np.max(distribution) >= 1 - 1e-12:
        warnings.warn(f"K is forced under the {model.name!r} null (coverage "
                      f"{setup.mask.mean():.3f}); the test carries no information",
                      DegenerateDataWarning, stacklevel=2)
    covered = int(setup.mask.sum())
    return CoincidenceResult(
        k=k, n=setup.n, expected=float(model.expected(setup)), pvalue=pvalue, method=used,
        null=model.name, alternative=alternative, window=window, period=period,
        coverage=covered / period.n_days, covered_days=covered,
        null_distribution=pd.Series(distribution, index=pd.RangeIndex(setup.n + 1, name="k"),
                                    name="probability"),
        table=match_table(setup.responses, triggers, window=window),
        null_options=dict(model.values), null_description=model.describe(),
        distribution=model.distribution_label(setup), n_dropped=n_dropped,
        n_resamples=n_resamples if used == "monte-carlo" else None, pvalue_se=se,
        null_draws=draws, responses_name=responses.name, triggers_name=triggers.name,
        n_triggers=len(triggers),
    )
