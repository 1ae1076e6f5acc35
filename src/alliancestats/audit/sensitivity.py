r"""Sensitivity of the primary test to the data: which responses, and their exact dates.

Reconstructed event lists are uncertain in two ways: whether an event belongs (a
low-confidence row) and when it happened (a publication date standing in for the
meeting's). :func:`response_subset_tests` reruns the test without each level of a
response attribute; :func:`date_move_bounds` bounds the p-value over every way of
moving every response by up to ``d`` days.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._convolution import sum_of_units
from .._dates import to_timestamps
from .._docstrings import shared
from .._output import Displayed, html_block, json_ready, text_block
from .._setup import Setup, build_setup
from .._pvalues import P_FLOOR
from .._validation import check_integer, check_rng
from ..coincidence import coincidence_test
from ..errors import AllianceStatsError
from ..events import EventSeries
from ..nulls import make_null
from ..nulls._placement import Units, unit_pmfs
from ..nulls.jitter import JitterNull
from ..nulls.stratified import StratifiedNull
from ..nulls.uniform import UniformNull
from ..period import Period
from ..statistics import AdditiveStatistic, get_statistic
from ..window import Window

__all__ = ["response_subset_tests", "DateMoveBounds", "date_move_bounds"]

MISSING = "(missing)"


@shared
def response_subset_tests(
    responses: EventSeries,
    triggers: EventSeries,
    *,
    window: Window,
    period: Period,
    attribute: str,
    null: str = "uniform",
    statistic: str = "matches",
    n_resamples: int = 999,
    rng: Any = None,
    drop_outside: bool = False,
    **null_options: Any,
) -> pd.DataFrame:
    """The same test without each level of a response attribute, in one table.

    Rows: ``all`` (every response), then ``without <attribute>=<level>`` for each
    level (a missing value is its own level, ``(missing)``, never dropped
    silently). Each row reruns :func:`alliancestats.coincidence_test` with the
    same null, statistic and options on the remaining responses (Monte Carlo
    nulls with a stream spawned from ``rng`` per row). A row with no response left
    has ``n = 0`` and p = 1 (no data, no evidence).

    Parameters
    ----------
    {shared: responses_triggers window period}
    attribute : str
        A column of the responses whose levels are left out one at a time.
    {shared: null statistic n_resamples rng}
    drop_outside : bool
        Drop responses outside the period instead of raising (before the subsets
        are formed).
    {shared: null_options}

    Returns
    -------
    pandas.DataFrame
        ``subset, n, k, statistic, expected, pvalue, method``.

    Examples
    --------
    >>> import alliancestats as als
    >>> case = als.datasets.load_iran_venezuela()
    >>> t = response_subset_tests(case.meetings, case.independent_sanctions,
    ...                           window=case.window, period=case.period,
    ...                           attribute="confidence", null="stratified")
    >>> t[["subset", "n", "k"]].values.tolist()
    [['all', 25, 21], ['without confidence=high', 13, 12], ['without confidence=low', 21, 17], ['without confidence=medium', 16, 13]]
    >>> round(float(t.pvalue.iloc[2]), 3)
    0.138
    """
    setup, _ = build_setup(responses, triggers, window=window, period=period,
                           drop_outside=drop_outside)
    kept = setup.responses
    if not isinstance(attribute, str) or attribute not in kept.columns:
        raise AllianceStatsError(f"`attribute`: the responses have no column {attribute!r}; "
                                 f"their columns are {kept.columns}")
    values = kept.frame[attribute].astype(object).where(kept.frame[attribute].notna(), MISSING)
    levels = sorted(pd.unique(values), key=str)
    subsets = [("all", np.ones(len(kept), bool))]
    subsets += [(f"without {attribute}={level}", (values != level).to_numpy()) for level in levels]
    seeds = np.random.SeedSequence(_entropy(rng)).spawn(len(subsets))
    rows = []
    for (label, keep), seed in zip(subsets, seeds):
        if not keep.any():
            rows.append((label, 0, 0, 0.0, 0.0, 1.0, "no responses left"))
            continue
        res = coincidence_test(kept.select(keep), triggers, window=window, period=period,
                               null=null, statistic=statistic, n_resamples=n_resamples,
                               rng=np.random.default_rng(seed), **null_options)
        rows.append((label, res.n, res.k, float(res.statistic), res.expected, res.pvalue,
                     res.method))
    return pd.DataFrame(rows, columns=["subset", "n", "k", "statistic", "expected", "pvalue",
                                       "method"])


def _entropy(rng: Any) -> int:
    return int(check_rng(rng).integers(2**63))


@dataclass(frozen=True, eq=False)
class DateMoveBounds:
    """Outcome of :func:`date_move_bounds`.

    Attributes
    ----------
    days : int
        ``d``: every response may move by up to ``d`` days either way (within the
        period).
    pvalue : float
        The p-value of the dates as given.
    pvalue_low, pvalue_high : float
        Every p-value the moved data can give lies in ``[pvalue_low, pvalue_high]``.
    exact : bool
        True when these are the smallest and largest p-values some moves give
        (the range); False when they are an outer bound (see Notes of
        :func:`date_move_bounds`).
    statistic_low, statistic_high : float
        The smallest and largest value of the statistic over all moves.
    null, statistic : str
        The null (with its options) and the statistic tested.
    """

    days: int
    pvalue: float
    pvalue_low: float
    pvalue_high: float
    exact: bool
    statistic_low: float
    statistic_high: float
    null: str
    statistic: str

    def _pairs(self) -> list[tuple[str, str]]:
        kind = "range (attained)" if self.exact else "bound (outer)"
        return [("Moves", f"every response by up to ±{self.days} days, within the period"),
                ("Test", f"{self.statistic} under {self.null}"),
                ("Statistic", f"{self.statistic_low:.4g} to {self.statistic_high:.4g}"),
                ("p as given", f"{self.pvalue:.4g}"),
                ("p over all moves", f"{self.pvalue_low:.4g} to {self.pvalue_high:.4g}, {kind}")]

    @shared
    def summary(self) -> str:
        """The bounds as a plain-text report: the moves, the test, the statistic's range,
        the p-value as given and its range (or bound) over all moves.

        Returns
        -------
        {shared: returns_summary}
        """
        return text_block("Sensitivity to the dates", self._pairs())

    def _repr_html_(self) -> str:
        return html_block("Sensitivity to the dates", self._pairs())

    __repr__ = Displayed._short_repr

    @shared
    def to_dict(self) -> dict[str, Any]:
        """The bounds as a JSON-ready dict: every field of the result.

        Returns
        -------
        {shared: returns_json}
        """
        return json_ready({"days": self.days, "null": self.null, "statistic": self.statistic,
                           "pvalue": self.pvalue, "pvalue_low": self.pvalue_low,
                           "pvalue_high": self.pvalue_high, "exact": self.exact,
                           "statistic_low": self.statistic_low,
                           "statistic_high": self.statistic_high})


def date_move_bounds(
    responses: EventSeries,
    triggers: EventSeries,
    *,
    window: Window,
    period: Period,
    move_days: int,
    null: str = "uniform",
    statistic: str = "matches",
    drop_outside: bool = False,
    **null_options: Any,
) -> DateMoveBounds:
    r"""The p-value over every way of moving every response by up to ``move_days`` days.

    For nulls that place each response on its own (``uniform``, ``stratified``
    by calendar unit or break dates, ``jitter``) and the additive statistics
    (K, S). Moves keep each response inside the period.

    Parameters
    ----------
    responses, triggers, window, period, drop_outside :
        As in :func:`alliancestats.coincidence_test`.
    move_days : int
        ``d``, the largest move in days; at least 1 and less than the period's length.
    null, statistic, **null_options :
        The test.

    Returns
    -------
    DateMoveBounds

    Notes
    -----
    Response ``i`` moved by ``m`` (:math:`|m| \le d`) contributes the score
    :math:`s_{im} = f(c(t_i + m))` to the statistic and, under the null, an
    independent :math:`X_{im}` distributed as the score of a uniform day of its
    candidate interval (its stratum, or :math:`[t_i + m - J, t_i + m + J]`,
    clipped), with survival function :math:`G_{im}(x) = P(X_{im} \ge x)`. A
    choice of moves :math:`(m_i)` has the p-value
    :math:`p(m) = P(\sum_i X_{i m_i} \ge \sum_i s_{i m_i})`.

    Let :math:`U_i = \max_m G_{im}` and :math:`L_i = \min_m G_{im}`: both are
    survival functions (non-increasing, 1 at the smallest score, 0 above the
    largest), of variables :math:`X_i^+` and :math:`X_i^-` with
    :math:`X_i^- \le_{st} X_{im} \le_{st} X_i^+` for every ``m``. Sums of
    independent variables keep that order (couple them by quantiles), and a
    survival function does not increase, so with
    :math:`s^{\min} = \sum_i \min_m s_{im}` and :math:`s^{\max} = \sum_i \max_m s_{im}`

    .. math:: P\Big(\sum_i X_i^- \ge s^{\max}\Big) \;\le\; p(m) \;\le\;
              P\Big(\sum_i X_i^+ \ge s^{\min}\Big)

    for every choice of moves. When no move changes a response's candidate
    interval (``uniform``; ``stratified`` when no move crosses a stratum edge)
    :math:`X_i^\pm = X_{im}`, and the bounds are reached by moving each response
    to its lowest-scoring (or highest-scoring) day: they are then the exact
    range (``exact``). Otherwise (``jitter``, whose interval moves with the
    response, or a move across a stratum edge) they are an outer bound. Both
    sums are computed exactly by convolution.

    Examples
    --------
    >>> import alliancestats as als
    >>> case = als.datasets.load_iran_venezuela()
    >>> b = date_move_bounds(case.meetings, case.independent_sanctions, window=case.window,
    ...                      period=case.period, move_days=3)
    >>> b.exact, round(b.pvalue_low, 4), round(b.pvalue, 4), round(b.pvalue_high, 4)
    (True, 0.0897, 0.0897, 0.3387)
    """
    model = make_null(null, null_options)
    chosen = get_statistic(statistic)
    model.check_statistic(chosen)
    if not isinstance(model, (UniformNull, StratifiedNull, JitterNull)) or \
            model.values.get("distinct") or (isinstance(model, StratifiedNull) and isinstance(
                model.values["strata"], str) and model.values["strata"] not in
                ("year", "quarter", "month")):
        raise AllianceStatsError(
            f"date moves: null {model.label()!r} is not supported; bounds are computed for the "
            "nulls that place each response on its own: uniform (distinct=False), stratified "
            "by year, quarter, month or break dates, and jitter")
    if not isinstance(chosen, AdditiveStatistic):
        raise AllianceStatsError(f"date moves: statistic {chosen.name!r} is not supported; use "
                                 "'matches', 'pairs' or 'likelihood' (sums over responses)")
    setup, _ = build_setup(responses, triggers, window=window, period=period,
                           drop_outside=drop_outside)
    model.check_data(setup)
    days = check_integer(move_days, "move_days", minimum=1)
    if days >= period.n_days:
        raise AllianceStatsError(f"`move_days` = {days}: date moves must be shorter than the "
                                 f"period ({period.n_days} days)")
    score = chosen.score(setup)
    moves = np.arange(-days, days + 1)
    moved = setup.response_offsets[:, None] + moves[None, :]             # (n, 2d + 1)
    valid = (moved >= 0) & (moved < period.n_days)
    flat = moved[valid]
    units = model.make_units(Setup(EventSeries(to_timestamps(flat + period.first_day)),
                                   setup.triggers, window, period))
    pmf, offset = unit_pmfs(score, Units(units.low, units.high, np.arange(len(flat)),
                                         np.zeros(len(flat), np.int64)))
    top = int(score.max(initial=0))
    sf = _survival(pmf, offset, top)                                   # (candidates, top + 2)
    response = np.nonzero(valid)[0]
    upper = np.zeros((setup.n, top + 2))
    lower = np.ones((setup.n, top + 2))
    np.maximum.at(upper, response, sf)
    np.minimum.at(lower, response, sf)
    scores = score[flat]
    low_score = np.full(setup.n, np.iinfo(np.int64).max)
    high_score = np.full(setup.n, np.iinfo(np.int64).min)
    np.minimum.at(low_score, response, scores)
    np.maximum.at(high_score, response, scores)
    bounds = np.stack([units.low, units.high], axis=1)
    first = np.concatenate([[0], np.cumsum(valid.sum(axis=1))[:-1]])    # each one's first move
    exact = bool(np.all(bounds == bounds[first[response]]))
    p_high = _tail(upper, int(low_score.sum()))
    p_low = _tail(lower, int(high_score.sum()))
    observed = coincidence_test(setup.responses, triggers, window=window, period=period,
                                null=null, statistic=chosen.name, **null_options)
    return DateMoveBounds(days=days, pvalue=observed.pvalue, pvalue_low=p_low, pvalue_high=p_high,
                          exact=exact, statistic_low=float(low_score.sum()),
                          statistic_high=float(high_score.sum()), null=model.label(),
                          statistic=chosen.name)


def _survival(pmf: np.ndarray, offset: np.ndarray, top: int) -> np.ndarray:
    """``P(X >= x)`` for ``x = 0 .. top + 1`` of each row (pmf on ``offset + j``)."""
    dense = np.zeros((len(pmf), top + 2))
    rows = np.repeat(np.arange(len(pmf)), pmf.shape[1])
    values = (offset[:, None] + np.arange(pmf.shape[1])[None, :]).ravel()
    inside = values <= top
    np.add.at(dense, (rows[inside], values[inside]), pmf.ravel()[inside])
    return np.cumsum(dense[:, ::-1], axis=1)[:, ::-1]


def _tail(survival: np.ndarray, threshold: int) -> float:
    """``P(sum_i X_i >= threshold)`` for independent ``X_i`` with these survival rows."""
    pmfs = [(np.clip(row[:-1] - row[1:], 0.0, None), 0) for row in survival]
    pmf, first = sum_of_units(pmfs, [1] * len(pmfs))
    index = max(threshold - first, 0)
    return float(min(max(pmf[index:].sum(), P_FLOOR), 1.0))
