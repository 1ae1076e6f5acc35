"""``coincidence_test``: do responses follow triggers more often than chance allows?"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from ._dates import to_timestamp
from ._pvalues import empirical_pmf, exact_pvalue, monte_carlo_pvalue
from ._setup import Setup
from ._validation import check_alternative, check_choice, check_integer, check_rng, format_rows
from .errors import AllianceStatsError, DegenerateDataWarning
from .events import EventSeries
from .matching import _check_types, match_table
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
    _check_types(responses=responses, triggers=triggers, window=window, period=period)
    model = make_null(null, null_options)
    method = check_choice(method, "method", METHODS)
    n_resamples = check_integer(n_resamples, "n_resamples", minimum=1)
    alternative = check_alternative(alternative)
    generator = check_rng(rng)
    if not isinstance(drop_outside, (bool, np.bool_)):
        raise AllianceStatsError(f"`drop_outside` must be True or False, got {drop_outside!r}")
    _check_zones(responses, triggers, period)
    kept, n_dropped = _responses_in_period(responses, period, bool(drop_outside))
    setup = Setup(responses=kept, triggers=triggers, window=window, period=period)

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
        table=match_table(kept, triggers, window=window),
        null_options=dict(model.values), null_description=model.describe(),
        distribution=model.distribution_label(setup), n_dropped=n_dropped,
        n_resamples=n_resamples if used == "monte-carlo" else None, pvalue_se=se,
        null_draws=draws, responses_name=responses.name, triggers_name=triggers.name,
        n_triggers=len(triggers),
    )


def _check_zones(responses: EventSeries, triggers: EventSeries, period: Period) -> None:
    zones = {"responses": responses.tz, "triggers": triggers.tz, "period": period.tz}
    if responses.tz != triggers.tz:
        raise AllianceStatsError(
            f"`responses` dates are in time zone {responses.tz or 'none (naive)'} but "
            f"`triggers` dates in {triggers.tz or 'none (naive)'}; give both in one zone")
    if period.tz is not None and period.tz != responses.tz:
        raise AllianceStatsError(
            f"`period` is in time zone {period.tz} but the events in "
            f"{zones['responses'] or 'none (naive)'}")


def _responses_in_period(responses: EventSeries, period: Period, drop: bool) -> tuple[EventSeries, int]:
    if len(responses) == 0:
        raise AllianceStatsError("`responses` is empty; a test needs at least one response")
    days = responses.days
    outside = np.flatnonzero((days < period.first_day) | (days > period.last_day))
    if outside.size == 0:
        return responses, 0
    if not drop:
        rows = responses.source_rows
        ids = [f"{responses.ids[i]} (row {rows[i]}, {to_timestamp(days[i]).date()})"
               if responses.id_column else f"row {rows[i]} ({to_timestamp(days[i]).date()})"
               for i in outside]
        where = f"`responses` ({responses.name})" if responses.name else "`responses`"
        raise AllianceStatsError(
            f"{where}, column {responses.date_column!r}: {outside.size} response(s) outside "
            f"the period {period!r}: {format_rows(ids)}; pass drop_outside=True to drop them")
    keep = np.ones(len(responses), dtype=bool)
    keep[outside] = False
    inside = responses.select(keep)
    if len(inside) == 0:
        raise AllianceStatsError("`responses`: every response lies outside the period")
    return inside, int(outside.size)

