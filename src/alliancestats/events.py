"""Dated event series with attributes: the input to every test."""

from __future__ import annotations

import os
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from ._csv import read_event_csv
from ._dates import (MAX_DAY, MIN_DAY, DateOptions, RowLabel, check_date_options,
                     default_row_label, to_day_numbers, to_timestamps)
from ._docstrings import fill
from ._event_input import (attributes_frame, check_comparable, check_label, dates_argument,
                           require_column, require_unique_columns)
from ._validation import check_integer, format_rows
from .errors import AllianceStatsError

__all__ = ["EventSeries"]

#: the options every constructor of EventSeries documents (see ``_docstrings.fill``)
SERIES_OPTIONS = """\
id_column : str, optional
    Attribute that identifies events in result tables; default: row labels.
name : str, optional
    A label used in summaries (e.g. ``"meetings"``).
date_column : str
    Name of the date column, in the input and in :attr:`EventSeries.frame`
    (default ``"date"``).
date_format : str, optional
    Read every date with this :func:`time.strftime` format (``"%d/%m/%Y"``;
    ``"%Y%m%d"`` also reads numbers such as 20190305), or ``"excel"`` for
    Excel serial day numbers.
dayfirst : bool, optional
    How to read day/month/year text such as ``02/03/2014``: ``True`` day
    first (2 March), ``False`` month first (3 February). Without it such a
    column is refused unless both readings agree.
precision : {None, "month", "year"}
    ``None``: every date must name a day. ``"month"``: a year and month
    (``2019-03``, ``March 2019``) is allowed and placed on the first day of the
    month. ``"year"``: a bare year is allowed too, placed on 1 January.
"""


@fill(series_options=SERIES_OPTIONS)
class EventSeries:
    """Events on the day grid, each with optional attributes.

    Dates are converted to calendar days: a time of day is dropped, and aware
    dates must share one time zone. How text is read (and what is refused rather
    than guessed) is the same for every reader: see *Dates* below. Attributes
    (e.g. ``topic``, ``target``) travel with the events through filtering and
    into result tables. The input is copied, never modified.

    Parameters
    ----------
    dates : sequence of date-like
        One date per event (a list, array, Series or Index; not a single string).
        Duplicates are allowed (two events on one day).
    attributes : DataFrame or mapping of column -> sequence, optional
        Columns aligned with ``dates``.
    {series_options}

    Notes
    -----
    *Dates.* ``datetime``, ``date``, ``Timestamp``, ``datetime64`` and year-first
    text (``2019-03-05``, ``2019/03/05``, ``20190305``, with or without a time and
    zone) name a day, as does text with a month name (``5 March 2019``).
    Day/month/year text is read as ``dayfirst`` says, for the whole column; it is
    never read one way in one row and the other way in the next, and a column
    with values that fit only day-first (``25/03/2014``) is still refused until
    you say so. Refused, with the rows and examples named: relative words
    (``now``, ``today``), a time without a date, a date without a year, two-digit
    years, numbers (without ``date_format``), years before 1 or after 9999, and
    partial dates unless ``precision`` allows them. Excel serial days count from
    1 = 1900-01-01 and include Excel's fictitious 29 February 1900 (serial 60,
    refused), so serials from 61 on are days since 1899-12-30.

    Examples
    --------
    >>> s = EventSeries(["2019-01-28", "2019-01-28 16:30", "2018-11-05"],
    ...                 {"target": ["VEN", "VEN", "IRN"]}, name="sanctions")
    >>> len(s), s.dates[1].date()
    (3, datetime.date(2019, 1, 28))
    >>> len(s.where(target="IRN"))
    1
    >>> EventSeries(["02/03/2014"], dayfirst=True).dates[0].date()
    datetime.date(2014, 3, 2)
    """

    def __init__(
        self,
        dates: Iterable[Any],
        attributes: pd.DataFrame | Mapping[str, Any] | None = None,
        *,
        id_column: str | None = None,
        name: str | None = None,
        date_column: str = "date",
        date_format: str | None = None,
        dayfirst: bool | None = None,
        precision: str | None = None,
    ) -> None:
        values = dates_argument(dates)
        check_label(date_column, "date_column")
        frame = attributes_frame(attributes, len(values))
        if date_column in frame.columns:
            raise AllianceStatsError(
                f"`attributes` already has a column {date_column!r}; pass the dates once"
            )
        frame.insert(0, date_column, values.to_numpy())
        self._init(frame, date_column, id_column, name, argument="dates", row_label=None,
                   options=check_date_options(date_format, dayfirst, precision))

    # -- construction -------------------------------------------------------
    def _init(
        self,
        frame: pd.DataFrame,
        date_column: str,
        id_column: str | None,
        name: str | None,
        *,
        argument: str,
        row_label: RowLabel | None,
        options: DateOptions,
    ) -> None:
        if id_column is not None and not (isinstance(id_column, str) and id_column in frame.columns):
            raise AllianceStatsError(
                f"`id_column` {id_column!r} is not a column of `{argument}`; "
                f"columns are {list(frame.columns)}"
            )
        if name is not None and not isinstance(name, str):
            raise AllianceStatsError(f"`name` must be a string or None, got {name!r}")
        column = None if argument == "dates" else date_column
        days, tz = to_day_numbers(
            frame[date_column], argument=argument, column=column, row_label=row_label,
            date_format=options.date_format, dayfirst=options.dayfirst,
            precision=options.precision,
        )
        frame = frame.copy()
        frame[date_column] = to_timestamps(days)
        label = row_label or default_row_label(frame.index)
        self._rows = np.array([label(pos) for pos in range(len(frame))], dtype=object)
        self._frame = frame
        self._days = days
        self._days.setflags(write=False)
        self.date_column = date_column
        self.id_column = id_column
        self.name = name
        self.tz = tz

    @classmethod
    @fill(series_options=SERIES_OPTIONS)
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        date_column: str = "date",
        id_column: str | None = None,
        name: str | None = None,
        date_format: str | None = None,
        dayfirst: bool | None = None,
        precision: str | None = None,
    ) -> "EventSeries":
        """Build a series from a DataFrame with one row per event.

        Every other column is kept as an attribute. Errors name the rows by
        their index label.

        Parameters
        ----------
        frame : pandas.DataFrame
            One row per event; never modified.
        {series_options}

        Returns
        -------
        EventSeries
        """
        if not isinstance(frame, pd.DataFrame):
            raise AllianceStatsError(f"`frame` must be a pandas DataFrame, got {type(frame).__name__}")
        options = check_date_options(date_format, dayfirst, precision)
        check_label(date_column, "date_column")
        require_unique_columns(frame, "frame")
        require_column(frame, date_column, "frame")
        obj = cls.__new__(cls)
        label = default_row_label(frame.index)
        obj._init(frame.copy(), date_column, id_column, name, argument="frame",
                  row_label=lambda pos: label(pos), options=options)
        return obj

    @classmethod
    @fill(series_options=SERIES_OPTIONS)
    def from_csv(
        cls,
        path: str | os.PathLike[str],
        *,
        date_column: str = "date",
        id_column: str | None = None,
        name: str | None = None,
        date_format: str | None = None,
        dayfirst: bool | None = None,
        precision: str | None = None,
        **read_csv_options: Any,
    ) -> "EventSeries":
        """Read a CSV file with one row per event.

        Errors name the file, the column and the line on which the row starts in
        the file (the header is usually line 1; blank lines and quoted line breaks
        are counted). A row with more or fewer fields than the header, or a
        header naming one column twice, is an error.

        Parameters
        ----------
        path : str or os.PathLike
            The file.
        {series_options}
        **read_csv_options
            Passed to :func:`pandas.read_csv` (with options that change which lines
            are rows, such as ``skiprows`` or ``comment``, rows are named ``data row
            N`` rather than by line).

        Returns
        -------
        EventSeries
        """
        if not isinstance(path, (str, os.PathLike)):
            raise AllianceStatsError(f"`path` must be a file path, got {type(path).__name__}")
        path = os.fspath(path)
        options = check_date_options(date_format, dayfirst, precision)
        check_label(date_column, "date_column")
        frame, label = read_event_csv(path, date_column, read_csv_options)
        require_column(frame, date_column, path)
        obj = cls.__new__(cls)
        obj._init(frame, date_column, id_column, name if name is not None else os.path.basename(path),
                  argument=path, row_label=label, options=options)
        return obj

    def _replace(self, frame: pd.DataFrame, days: np.ndarray, name: str | None,
                 rows: np.ndarray) -> "EventSeries":
        obj = EventSeries.__new__(EventSeries)
        obj._rows = rows
        obj._frame = frame.reset_index(drop=True)
        obj._days = np.asarray(days, dtype=np.int64).copy()
        obj._days.setflags(write=False)
        obj.date_column, obj.id_column, obj.name, obj.tz = (
            self.date_column, self.id_column, name, self.tz)
        return obj

    # -- views --------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._days)

    def __repr__(self) -> str:
        span = (f", {self.dates.min().date()} .. {self.dates.max().date()}" if len(self) else "")
        label = f"{self.name!r}, " if self.name else ""
        return f"EventSeries({label}{len(self)} events{span})"

    @property
    def days(self) -> np.ndarray:
        """Day numbers (days since 1970-01-01), read-only, in input order."""
        return self._days

    @property
    def dates(self) -> pd.DatetimeIndex:
        """The event days as a DatetimeIndex (midnight, naive)."""
        return to_timestamps(self._days).rename(self.date_column)

    @property
    def frame(self) -> pd.DataFrame:
        """A copy of the events and their attributes, one row each."""
        return self._frame.copy()

    @property
    def source_rows(self) -> np.ndarray:
        """Where each event came from, for error messages: ``'line 5'`` for a CSV,
        the index label for a DataFrame, the position for a list of dates."""
        return self._rows.copy()

    @property
    def columns(self) -> list[str]:
        return list(self._frame.columns)

    @property
    def ids(self) -> pd.Index:
        """Event identifiers: the ``id_column`` values, else row positions."""
        if self.id_column is None:
            return pd.RangeIndex(len(self))
        return pd.Index(self._frame[self.id_column])

    # -- operations ---------------------------------------------------------
    def where(self, **conditions: Any) -> "EventSeries":
        """Events whose attributes satisfy every condition.

        Parameters
        ----------
        **conditions
            Each is ``column=value`` (equality), ``column=[v1, v2]`` (membership) or
            ``column=callable`` (a function of the column returning booleans).

        Returns
        -------
        EventSeries

        Examples
        --------
        >>> s = EventSeries(["2019-01-01", "2019-02-01", "2019-03-01"],
        ...                 {"target": ["IRN", "VEN", "IRN"], "n": [1, 5, 2]})
        >>> len(s.where(target="IRN", n=lambda n: n > 1))
        1
        """
        keep = np.ones(len(self), dtype=bool)
        for column, value in conditions.items():
            require_column(self._frame, column, "where")
            values = self._frame[column]
            if callable(value):
                mask = np.asarray(value(values))
                if mask.dtype != bool:
                    raise AllianceStatsError(
                        f"`where`: the function for column {column!r} must return booleans, "
                        f"got dtype {mask.dtype}")
            elif isinstance(value, (list, tuple, set, frozenset, np.ndarray, pd.Index)):
                for item in value:
                    check_comparable(values, item, column)
                mask = values.isin(list(value)).to_numpy()
            else:
                check_comparable(values, value, column)
                mask = (values == value).to_numpy(dtype=bool, na_value=False)
            if mask.shape != keep.shape:
                raise AllianceStatsError(
                    f"`where`: the condition on column {column!r} must give one boolean per event"
                )
            keep &= mask
        label = ", ".join(f"{k}={v!r}" for k, v in conditions.items() if not callable(v))
        name = f"{self.name} [{label}]" if self.name and label else self.name
        return self.select(keep, name=name)

    def select(self, keep: Any, *, name: str | None = None) -> "EventSeries":
        """Events where the boolean array ``keep`` is True.

        Parameters
        ----------
        keep : array of bool
            One value per event.
        name : str, optional
            The new series' name (default: this one's).

        Returns
        -------
        EventSeries
        """
        keep = np.asarray(keep)
        if keep.dtype != bool or keep.shape != (len(self),):
            raise AllianceStatsError(
                f"`keep` must be a boolean array with one value per event ({len(self)}), "
                f"got dtype {keep.dtype} and shape {keep.shape}")
        return self._replace(self._frame[keep], self._days[keep],
                             self.name if name is None else name, self._rows[keep])

    def union(self, *others: "EventSeries") -> "EventSeries":
        """All events of this series and ``others`` (attributes are unioned).

        Parameters
        ----------
        *others : EventSeries
            Series in the same time zone.

        Returns
        -------
        EventSeries
        """
        frames, days, names = [self._frame], [self._days], [self.name]
        rows = [self._rows]
        for pos, other in enumerate(others):
            if not isinstance(other, EventSeries):
                raise AllianceStatsError(
                    f"`union` argument {pos} must be an EventSeries, got {type(other).__name__}"
                )
            if other.tz != self.tz:
                raise AllianceStatsError(
                    f"`union` argument {pos} is in time zone {other.tz}, this series in {self.tz}"
                )
            frames.append(other._frame.rename(columns={other.date_column: self.date_column}))
            days.append(other._days)
            names.append(other.name)
            rows.append(np.array([f"{other.name or f'argument {pos}'} {r}" for r in other._rows],
                                 dtype=object))
        frame = pd.concat(frames, ignore_index=True, sort=False)
        name = " | ".join(n for n in names if n) or None
        return self._replace(frame, np.concatenate(days), name, np.concatenate(rows))

    __or__ = union

    def distinct_days(self) -> "EventSeries":
        """One event per day: the first listed on each day (event data often report
        one meeting many times).

        Returns
        -------
        EventSeries
        """
        _, first = np.unique(self._days, return_index=True)
        keep = np.zeros(len(self), dtype=bool)
        keep[first] = True
        return self.select(keep)

    def shifted(self, days: int) -> "EventSeries":
        """The same events moved by ``days`` calendar days.

        Parameters
        ----------
        days : int
            Positive: later; negative: earlier.

        Returns
        -------
        EventSeries
        """
        days = check_integer(days, "days")
        if abs(days) > MAX_DAY - MIN_DAY:
            raise AllianceStatsError(f"`days` must be within ±{MAX_DAY - MIN_DAY}, got {days}")
        new_days = self._days + days
        outside = np.flatnonzero((new_days < MIN_DAY) | (new_days > MAX_DAY))
        if outside.size:
            raise AllianceStatsError(
                f"`days`: shifting by {days:+d} moves rows {format_rows(list(self._rows[outside]))} "
                "outside the years 1 to 9999")
        frame = self._frame.copy()
        frame[self.date_column] = to_timestamps(new_days)
        name = f"{self.name} shifted {days:+d}d" if self.name else None
        return self._replace(frame, new_days, name, self._rows)
