"""What a stratum is: one definition for the ``stratified`` null, the count model and the
diagnostics.

A stratum is a calendar unit (``"year"``, ``"quarter"``, ``"month"``) or a run of
days between break dates, always intersected with the analysis period. The
``stratified`` null asks for the stratum of each response (and also accepts a
response column of calendar periods, which only it can use); the count model
gives each stratum its own rate and the diagnostics count events per unit, so they
need the stratum of *every* day of the period. All three call
:func:`stratum_bounds`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._dates import to_day_numbers, to_timestamp
from ._distinct import distinct
from .errors import AllianceStatsError
from .period import Period

#: months in each calendar unit
CALENDAR = {"year": 12, "quarter": 3, "month": 1}
FREQUENCY = {"year": "Y", "quarter": "Q", "month": "M"}


def calendar_bounds(days: np.ndarray, unit: str) -> tuple[np.ndarray, np.ndarray]:
    """First and last day number of the calendar unit holding each day (vectorised)."""
    months = np.asarray(days).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    first_month = months - months % CALENDAR[unit]   # months since 1970-01 (a year start)
    start = first_month.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    end = (first_month + CALENDAR[unit]).astype("datetime64[M]").astype("datetime64[D]")
    return start, end.astype(np.int64) - 1


def break_days(breaks: Any, argument: str = "strata") -> np.ndarray:
    """Break dates as sorted, distinct day numbers (each starts a new stratum)."""
    try:
        days, _ = to_day_numbers(pd.Series(list(breaks), dtype=object), argument=argument)
    except TypeError:
        raise AllianceStatsError(
            f"`{argument}` must be a string or a sequence of break dates, got {breaks!r}") from None
    return distinct(days)


def stratum_bounds(days: np.ndarray, strata: Any, period: Period) -> tuple[np.ndarray, np.ndarray]:
    """First and last day number of the stratum of each of ``days`` (inside ``period``):
    ``strata`` is a calendar unit, a sequence of break dates or an integer array of
    break day numbers (:func:`break_days`); each stratum is cut to the period."""
    first_day, last_day = period.first_day, period.last_day
    days = np.asarray(days, dtype=np.int64)
    if isinstance(strata, str):
        lo, hi = calendar_bounds(days, strata)
        return np.maximum(lo, first_day), np.minimum(hi, last_day)
    is_days = isinstance(strata, np.ndarray) and strata.dtype.kind == "i"
    cuts = strata if is_days else break_days(strata)
    cuts = cuts[(cuts > first_day) & (cuts <= last_day)]
    edges = np.concatenate([[first_day], cuts, [last_day + 1]])
    which = np.searchsorted(edges, days, side="right") - 1
    return edges[which], edges[which + 1] - 1


@dataclass(frozen=True, eq=False)
class DayStrata:
    """``codes[d]``: stratum of period day ``d``; stratum ``s`` spans offsets
    ``first[s] .. last[s]`` and is called ``labels[s]``."""

    codes: np.ndarray
    labels: list[str]
    first: np.ndarray
    last: np.ndarray

    @property
    def days(self) -> np.ndarray:
        return self.last - self.first + 1

    def count(self, offsets: np.ndarray) -> np.ndarray:
        """Events per stratum, for event offsets into the period."""
        return np.bincount(self.codes[offsets], minlength=len(self.labels))


def day_strata(strata: Any, period: Period, *, argument: str = "strata") -> DayStrata:
    """The stratum of every period day: ``None`` (one stratum), ``"year"``,
    ``"quarter"``, ``"month"`` or a sequence of break dates."""
    n_days = period.n_days
    if strata is None:
        return DayStrata(np.zeros(n_days, np.int64), ["whole period"],
                         np.zeros(1, np.int64), np.full(1, n_days - 1, np.int64))
    if isinstance(strata, str) and strata not in CALENDAR:
        raise AllianceStatsError(
            f"`{argument}` must be None, 'year', 'quarter', 'month' or a sequence of break "
            f"dates, got {strata!r} (a stratum is needed for every day of the period)")
    if not isinstance(strata, str):
        strata = break_days(strata, argument)
    starts, ends = stratum_bounds(np.arange(period.first_day, period.last_day + 1), strata, period)
    first, codes = np.unique(starts - period.first_day, return_inverse=True)
    last = np.zeros_like(first)
    last[codes] = ends - period.first_day
    if isinstance(strata, str):
        labels = [str(pd.Period(to_timestamp(period.first_day + int(f)), freq=FREQUENCY[strata]))
                  for f in first]
    else:
        labels = [f"{to_timestamp(period.first_day + int(a)).date()} to "
                  f"{to_timestamp(period.first_day + int(b)).date()}" for a, b in zip(first, last)]
    return DayStrata(codes.astype(np.int64), labels, first.astype(np.int64), last.astype(np.int64))
