"""A window-free test: are responses closer after triggers than random days are?"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._docstrings import shared
from ._output import json_ready
from ._output import Displayed, typed_frame
from ._setup import build_setup
from ._validation import check_integer, check_rng
from .errors import AllianceStatsError
from .events import EventSeries
from .matching import nearest_triggers
from .nulls import make_null
from .period import Period
from .window import Window

__all__ = ["LagTestResult", "lag_test", "days_since_trigger"]


def days_since_trigger(days: np.ndarray, trigger_days: np.ndarray) -> np.ndarray:
    """Days since the most recent trigger on or before each day (inf if none).

    Parameters
    ----------
    days, trigger_days : array of int
        Day numbers (days since 1970-01-01) of the days asked about and of the
        triggers.

    Returns
    -------
    numpy.ndarray of float
        One entry per day.
    """
    days = np.asarray(days, dtype=np.int64)
    if len(trigger_days) == 0:
        return np.full(days.shape, np.inf)
    longest = int(days.max() - np.min(trigger_days)) if len(days) else -1
    if longest < 0:  # every trigger comes after every day
        return np.full(days.shape, np.inf)
    count, lag, _ = nearest_triggers(days, trigger_days, Window(0, longest))
    return np.where(count > 0, lag, np.inf).astype(float)


@dataclass(frozen=True, eq=False)
class LagTestResult(Displayed):
    """Outcome of :func:`lag_test`.

    Attributes
    ----------
    statistic : float
        Mean over responses of :math:`F(\\ell_i)`; 0.5 is what chance gives.
    pvalue, pvalue_se : float
        Monte Carlo p-value (one-sided: responses closer than chance) and its SE.
    median_lag : float
        Median days from the most recent trigger to a response.
    median_lag_all_days : float
        The same over every period day.
    null : str
        The null that placed the responses.
    n_resamples : int
        Monte Carlo draws ``B``.
    n : int
        Responses tested.
    n_dropped : int
        Responses outside the period left out (``drop_outside=True``).
    """

    statistic: float
    pvalue: float
    pvalue_se: float
    median_lag: float
    median_lag_all_days: float
    null: str
    n_resamples: int
    n: int = 0
    n_dropped: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (an infinite median lag, when no trigger comes before,
        is null with its reason).

        Returns
        -------
        dict
        """
        return json_ready({"statistic": self.statistic, "pvalue": self.pvalue,
                           "pvalue_se": self.pvalue_se, "median_lag": self.median_lag,
                           "median_lag_all_days": self.median_lag_all_days, "null": self.null,
                           "n_resamples": self.n_resamples, "n": self.n,
                           "n_dropped": self.n_dropped})

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter((self.statistic, self.pvalue))

    _title = "Lag test: do responses come sooner after triggers than chance?"

    def _pairs(self) -> list[tuple[str, str]]:
        def days(x: float) -> str:
            return f"{x:g} days" if np.isfinite(x) else "none (no trigger before)"

        return [("Statistic", f"{self.statistic:.4f}  (mean F(lag); 0.5 is chance)"),
                ("p-value", f"{self.pvalue:.4g} ± {self.pvalue_se:.4f}  (Monte Carlo, B = "
                            f"{self.n_resamples}; one-sided: closer than chance)"),
                ("Median lag", f"{days(self.median_lag)} after the latest trigger; over all "
                               f"period days {days(self.median_lag_all_days)}"),
                ("Null", self.null),
                ("Responses n", f"{self.n}" + (f" ({self.n_dropped} outside the period dropped)"
                                               if self.n_dropped else ""))]

    def to_frame(self) -> pd.DataFrame:
        """The result as a one-row DataFrame indexed by the null.

        Returns
        -------
        pandas.DataFrame
            One row: the fields of :meth:`to_dict` but the null; an infinite median
            lag (no trigger before) is missing.
        """
        row = {k: v for k, v in self.to_dict().items() if k not in ("null", "null_reasons")}
        return typed_frame([row], index=[self.null], index_name="null",
                           dtypes={"median_lag": "Float64", "median_lag_all_days": "Float64"})


@shared
def lag_test(
    responses: EventSeries,
    triggers: EventSeries,
    *,
    period: Period,
    null: str = "uniform",
    n_resamples: int = 9999,
    rng: Any = None,
    drop_outside: bool = False,
    **null_options: Any,
) -> LagTestResult:
    r"""Do responses come sooner after the most recent trigger than random days?

    No window is chosen. For every period day ``d`` let :math:`\ell(d)` be the
    days since the most recent trigger on or before ``d`` (infinite if none) and
    :math:`F(x) = \#\{d : \ell(d) \le x\} / T`, its distribution over the period
    (the coverage of the window ``[0, x]``). The statistic is the mean of
    :math:`F(\ell_i)` over responses, a rank on ``[0, 1]``: about 0.5 if
    responses fall on random days, small if they come soon after triggers.

    The null distribution is simulated by placing responses as the null does
    (``uniform``, ``stratified``, ``jitter`` or ``circular``);
    :math:`p = (1 + \#\{S^* \le S\})/(1 + B)`, one-sided.

    Parameters
    ----------
    {shared: responses_triggers period}
    null : {"uniform", "stratified", "jitter", "circular"}
        How the null places the responses.
    {shared: n_resamples rng drop_outside null_options}

    Returns
    -------
    LagTestResult

    Examples
    --------
    >>> import alliancestats as als
    >>> case = als.datasets.load_iran_venezuela()
    >>> res = lag_test(case.meetings, case.independent_sanctions, period=case.period,
    ...                n_resamples=999, rng=0)
    >>> round(res.statistic, 3), res.median_lag < res.median_lag_all_days
    (0.477, True)
    """
    model = make_null(null, null_options)
    if model.draws != "responses":
        raise AllianceStatsError(
            f"`null` {null!r} moves triggers; lag_test needs a null that places responses "
            "(uniform, stratified, jitter or circular)")
    n_resamples = check_integer(n_resamples, "n_resamples", minimum=1)
    generator = check_rng(rng)
    setup, n_dropped = build_setup(responses, triggers, window=Window(0, 0), period=period,
                                   drop_outside=drop_outside)
    lag_all = days_since_trigger(period.day_numbers, triggers.days)
    ordered = np.sort(lag_all)
    rank = np.searchsorted(ordered, lag_all, side="right") / period.n_days  # F(lag(d))
    observed = float(rank[setup.response_days - period.first_day].mean())
    draws = []
    for size in setup.batches(n_resamples, setup.n):
        draws.append(rank[model.draw(setup, size, generator)].mean(axis=1))
    null_stats = np.concatenate(draws)
    p = (1 + int((null_stats <= observed + 1e-12).sum())) / (1 + n_resamples)
    lags = lag_all[setup.response_days - period.first_day]
    return LagTestResult(statistic=observed, pvalue=p,
                         pvalue_se=float(np.sqrt(p * (1 - p) / n_resamples)),
                         median_lag=float(np.median(lags)),
                         median_lag_all_days=float(np.median(lag_all)),
                         null=model.name, n_resamples=n_resamples, n=setup.n,
                         n_dropped=n_dropped)
