"""Strata of the period's days, cut exactly as the ``stratified`` null cuts them.

The count model gives each stratum its own rate and the diagnostics count events
per calendar unit; both need the stratum of *every* day of the period, not just
of the responses. The ``stratified`` null is asked for the stratum of each day,
so that all three agree on what a stratum is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._dates import to_timestamp
from ._setup import Setup
from .errors import AllianceStatsError
from .events import EventSeries
from .nulls.stratified import CALENDAR, StratifiedNull
from .period import Period
from .window import Window

FREQUENCY = {"year": "Y", "quarter": "Q", "month": "M"}


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
    null = StratifiedNull(strata=strata)
    every_day = EventSeries(period.dates)
    setup = Setup(responses=every_day, triggers=every_day, window=Window(0, 0), period=period)
    starts, ends = null.intervals(setup)
    first, codes = np.unique(starts, return_inverse=True)
    last = np.zeros_like(first)
    last[codes] = ends
    if isinstance(strata, str):
        labels = [str(pd.Period(to_timestamp(period.first_day + int(f)), freq=FREQUENCY[strata]))
                  for f in first]
    else:
        labels = [f"{to_timestamp(period.first_day + int(a)).date()} to "
                  f"{to_timestamp(period.first_day + int(b)).date()}" for a, b in zip(first, last)]
    return DayStrata(codes.astype(np.int64), labels, first.astype(np.int64), last.astype(np.int64))
