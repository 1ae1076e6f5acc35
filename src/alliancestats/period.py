"""The observation period: a closed range of calendar days."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._dates import day_number, to_timestamp, to_timestamps
from .errors import AllianceStatsError

__all__ = ["Period"]


@dataclass(frozen=True, init=False)
class Period:
    """The days ``[start, end]``, both inclusive.

    Parameters
    ----------
    start, end : date-like
        First and last day of the period. A time of day is dropped. Time-zone
        aware bounds are read as dates in their zone; both must then share it.
        Each bound must name a day (``"2020"`` is refused: write ``"2020-12-31"``),
        read by the rules of :class:`EventSeries`.
    dayfirst : bool, optional
        How to read day/month/year text such as ``02/03/2014`` (as in
        :class:`EventSeries`); without it such a bound is refused unless both
        readings agree.
    date_format : str, optional
        A :func:`time.strftime` format for both bounds, or ``"excel"``.

    Attributes
    ----------
    start, end : pandas.Timestamp
        The first and last day (midnight, naive).
    first_day, last_day : int
        The same as day numbers (days since 1970-01-01).
    tz : str or None
        Zone of aware bounds, checked against the event series' zone.

    Examples
    --------
    >>> p = Period("2013-01-01", "2020-12-31")
    >>> p.n_days
    2922
    >>> p.contains(["2012-12-31", "2013-01-01", "2020-12-31"]).tolist()
    [False, True, True]
    """

    first_day: int
    last_day: int
    tz: str | None = field(default=None, compare=False)

    def __init__(self, start: Any, end: Any, *, dayfirst: bool | None = None,
                 date_format: str | None = None) -> None:
        first, tz_start = day_number(start, argument="start", dayfirst=dayfirst,
                                     date_format=date_format)
        last, tz_end = day_number(end, argument="end", dayfirst=dayfirst, date_format=date_format)
        if tz_start != tz_end:
            raise AllianceStatsError(
                f"`start` and `end` must share a time zone, got {tz_start} and {tz_end}"
            )
        if first > last:
            raise AllianceStatsError(
                f"`start` ({to_timestamp(first).date()}) is after `end` "
                f"({to_timestamp(last).date()}); a period needs start <= end"
            )
        object.__setattr__(self, "first_day", first)
        object.__setattr__(self, "last_day", last)
        object.__setattr__(self, "tz", tz_start)

    @property
    def start(self) -> pd.Timestamp:
        return to_timestamp(self.first_day)

    @property
    def end(self) -> pd.Timestamp:
        return to_timestamp(self.last_day)

    @property
    def n_days(self) -> int:
        """``T = end - start + 1``."""
        return self.last_day - self.first_day + 1

    @property
    def day_numbers(self) -> np.ndarray:
        """Every day of the period as a day number, in order."""
        return np.arange(self.first_day, self.last_day + 1, dtype=np.int64)

    @property
    def dates(self) -> pd.DatetimeIndex:
        return to_timestamps(self.day_numbers)

    def contains(self, dates: Any) -> np.ndarray:
        """Which of ``dates`` lie in the period.

        Parameters
        ----------
        dates : sequence of date-like
            Read as :class:`EventSeries` reads dates.

        Returns
        -------
        numpy.ndarray of bool
            One entry per date.
        """
        from .events import EventSeries

        days = EventSeries(dates).days
        return (days >= self.first_day) & (days <= self.last_day)

    def __repr__(self) -> str:
        return f"Period('{self.start.date()}', '{self.end.date()}')"

    def to_dict(self) -> dict[str, str]:
        return {"start": str(self.start.date()), "end": str(self.end.date())}
