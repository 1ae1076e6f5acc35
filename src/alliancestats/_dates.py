"""Conversion of date-like input to the day grid.

A *day number* is the number of calendar days since 1970-01-01. The rules, the
same for every reader (``EventSeries``, ``from_frame``, ``from_csv``, ``Period``,
break dates):

* ``datetime``, ``date``, ``Timestamp``, ``datetime64`` and year-first text
  (``2019-03-05``, ``2019/03/05``, ``20190305``, with or without a time and zone)
  name their day; text with a month name (``5 March 2019``) too.
* Day/month/year text (``02/03/2014``, ``2.3.2014``, ``02-03-2014``) is read the way
  ``dayfirst`` says, for the whole column. Without ``dayfirst`` a column whose two
  readings differ is refused: it is never read one way in one row and the other
  way in the next.
* A year or a year-month (``2019``, ``2019-03``, ``March 2019``) is refused unless
  ``precision`` allows it; it is then placed on the first day of its year or month.
* Relative words (``now``, ``today``), a time with no date, a date with no year,
  two-digit years, numbers and years outside 1..9999 are refused.
* ``date_format`` reads every value with one :func:`time.strftime` format
  (``"%d/%m/%Y"``, ``"%Y%m%d"`` for numbers such as 20190305), or ``"excel"`` for
  Excel serial day numbers.

A time of day is dropped. Time-zone aware values must all carry the same zone:
they are read as wall-clock dates in that zone and the zone is then dropped.
"""

from __future__ import annotations

import re
from typing import Any, Callable

import numpy as np
import pandas as pd

from . import _date_text as text
from ._date_columns import (DateOptions, Reader, civil_days, datetime_block, is_missing,
                            numbers_block, objects_block, text_block)
from ._date_text import MAX_DAY, MIN_DAY
from ._validation import name_rows
from .errors import AllianceStatsError

__all__ = ["to_day_numbers", "day_number", "to_timestamps", "to_timestamp", "check_date_options",
           "DateOptions", "MIN_DAY", "MAX_DAY"]

RowLabel = Callable[[int], str]

PRECISIONS = ("month", "year")
_DAY_DIRECTIVES = re.compile(r"%[djUWVuaAwx]")
_MONTH_DIRECTIVES = re.compile(r"%[mbBhUWVx]")
_YEAR_DIRECTIVES = re.compile(r"%[YyGx]")

HINT = {
    text.MISSING: ("missing date", ""),
    text.UNPARSEABLE: ("unparseable date", "; write dates as 2019-03-05 or 5 March 2019, or "
                                           "pass date_format (e.g. '%d/%m/%Y')"),
    text.NUMBER: ("a number, not a date,", "; pass date_format='%Y%m%d' for numbers such as "
                                           "20190305 or date_format='excel' for Excel serial days"),
    text.PARTIAL_MONTH: ("a year and month without a day",
                         "; pass precision='month' to place each on the first day of its month"),
    text.PARTIAL_YEAR: ("a year without a month or day",
                        "; pass precision='year' to place each on 1 January of its year"),
    text.RELATIVE: ("a relative date", "; give the calendar date"),
    text.TIME_ONLY: ("a time without a date", "; give the calendar date"),
    text.NO_YEAR: ("a date without a four-digit year", "; give the year"),
    text.TWO_DIGIT_YEAR: ("a two-digit year", "; give four-digit years, or pass date_format "
                                              "(e.g. '%d/%m/%y')"),
    text.OUT_OF_RANGE: ("a date outside the years 1 to 9999", ""),
    text.INVALID: ("not a calendar date", ""),
    "not-a-date": ("not a date", ""),
    "day-first": ("not a valid day-first date (day/month/year)", ""),
    "month-first": ("not a valid month-first date (month/day/year)", ""),
    "format": ("a value that does not match date_format", ""),
    "excel": ("not an Excel serial day number", "; Excel counts days from 1 = 1900-01-01"),
    "excel-60": ("Excel serial day 60, the 29 February 1900 that Excel invents (its 1900 "
                 "leap-year bug)", "; no such day exists"),
}


def check_date_options(date_format: Any = None, dayfirst: Any = None,
                       precision: Any = None) -> DateOptions:
    """Validate the date-reading options shared by every reader."""
    if date_format is not None and not (isinstance(date_format, str) and date_format.strip()):
        raise AllianceStatsError(
            f"`date_format` must be a strftime format such as '%d/%m/%Y', or 'excel', got "
            f"{date_format!r}")
    if dayfirst is not None and not isinstance(dayfirst, (bool, np.bool_)):
        raise AllianceStatsError(f"`dayfirst` must be True, False or None, got {dayfirst!r}")
    if precision is not None and not (isinstance(precision, str) and precision in PRECISIONS):
        raise AllianceStatsError(
            f"`precision` must be None (every date names a day), 'month' or 'year', got "
            f"{precision!r}")
    if date_format is not None and dayfirst is not None:
        raise AllianceStatsError(
            "give either date_format or dayfirst, not both: a format already says where the "
            "day is")
    if date_format is not None and date_format != "excel":
        if "%" not in date_format or not _YEAR_DIRECTIVES.search(date_format):
            raise AllianceStatsError(
                f"`date_format` {date_format!r} has no year (%Y); dates need a year")
        if not _DAY_DIRECTIVES.search(date_format):
            needed = "month" if _MONTH_DIRECTIVES.search(date_format) else "year"
            if precision is None or (needed == "year" and precision == "month"):
                raise AllianceStatsError(
                    f"`date_format` {date_format!r} gives no day; pass precision={needed!r} to "
                    f"place each date on the first day of its {needed}")
    return DateOptions(date_format, None if dayfirst is None else bool(dayfirst), precision)


def default_row_label(index: pd.Index) -> RowLabel:
    """Rows are named by their index label (``'M03'`` quoted, ``12`` plain)."""

    def label(pos: int) -> str:
        value = index[pos]
        value = value.item() if isinstance(value, np.generic) else value
        return repr(value) if isinstance(value, str) else str(value)

    return label


def _where(argument: str, column: str | None) -> str:
    return f"`{argument}`" + (f", column {column!r}" if column is not None else "")


# -- the column-level rules --------------------------------------------------------------------

def _examples(values: pd.Series, positions: np.ndarray, limit: int = 3) -> str:
    shown = []
    for p in positions[:limit]:
        value = values.iloc[p]
        value = value.item() if isinstance(value, np.generic) else value
        shown.append(repr(value))
    return ", ".join(shown)


def _rows(positions: Any, label: RowLabel, limit: int = 10) -> str:
    """``rows 3, 7``, or ``lines 4, 9`` when the rows are named by file lines (labels are
    made for the first ``limit`` rows only: a column may have millions)."""
    positions = np.asarray(positions)
    return name_rows([label(int(p)) for p in positions[:limit]], total=len(positions),
                     limit=limit)


def _family(reader: Reader, options: DateOptions, where: str, label: RowLabel, single: bool) -> None:
    """Day/month/year text: one reading for the whole column, or a refusal."""
    if not reader.family:
        return
    pos, a, b, year = np.concatenate(reader.family).T
    if options.dayfirst is None:
        if np.any(a != b):
            raise AllianceStatsError(_ambiguity(reader, pos, a, b, year, where, label, single))
        day, month = a, b
    else:
        day, month = (a, b) if options.dayfirst else (b, a)
    days, valid = civil_days(year, month, day)
    kind = {None: text.INVALID, True: "day-first", False: "month-first"}[options.dayfirst]
    reader.problem(kind, pos[~valid])
    reader.accept(pos[valid], days[valid])


def _ambiguity(reader: Reader, pos: np.ndarray, a: np.ndarray, b: np.ndarray, year: np.ndarray,
               where: str, label: RowLabel, single: bool) -> str:
    """Why a day/month/year column is refused without ``dayfirst``, with examples."""

    def example(i: int) -> str:
        readings, impossible = [], []
        for name, d, m in (("day-first", a[i], b[i]), ("month-first", b[i], a[i])):
            number = text.day_of(int(year[i]), int(m), int(d))
            if number is None:
                impossible.append(f"not a date {name}")
            else:
                readings.append(f"{name} {to_timestamp(number).strftime('%d %B %Y').lstrip('0')}")
        shown = f"{reader.values.iloc[int(pos[i])]!r} is " + " or ".join(readings)
        return shown + (f" ({impossible[0]})" if impossible else "")

    both = np.flatnonzero((a != b) & (a <= 12) & (b <= 12))
    one_way = np.flatnonzero((a != b) & ((a > 12) | (b > 12)))
    parts = []
    for found, what in ((both, "could be day-first or month-first"),
                        (one_way, "fit only one order")):
        if found.size:
            at = "" if single else f" in {_rows(pos[found], label)}"
            parts.append(f"dates{at} {what} (e.g. {example(int(found[0]))})")
    return (f"{where}: day/month/year " + "; ".join(parts)
            + "; the order is never guessed from the values: pass dayfirst=True or "
              "dayfirst=False (or date_format, e.g. '%d/%m/%Y') to read the whole column one way")


def _finish(reader: Reader, options: DateOptions, where: str, label: RowLabel,
            single: bool) -> tuple[np.ndarray, str | None]:
    _family(reader, options, where, label, single)
    allowed = {None: (), "month": (text.PARTIAL_MONTH,),
               "year": (text.PARTIAL_MONTH, text.PARTIAL_YEAR)}[options.precision]
    for kind, blocks in reader.partial.items():
        if kind not in allowed:
            reader.problem(kind, np.concatenate(blocks))
    flagged = np.zeros(len(reader.days), dtype=bool)
    for kind in reader.problems:
        flagged[reader.positions(kind)] = True
    outside = np.flatnonzero(~flagged & ((reader.days < MIN_DAY) | (reader.days > MAX_DAY)))
    reader.problem(text.OUT_OF_RANGE, outside)
    if reader.problems:
        parts = []
        for kind in reader.problems:
            positions = reader.positions(kind)
            what, hint = HINT[kind]
            if kind == "format":
                what = f"a value that does not match date_format {options.date_format!r}"
            at = "" if single else f" in {_rows(positions, label)}"
            examples = "" if kind == text.MISSING else f" (e.g. {_examples(reader.values, positions)})"
            parts.append(f"{what}{at}{examples}{hint}")
        raise AllianceStatsError(f"{where}: " + "; ".join(parts))
    used = np.flatnonzero(np.bincount(reader.zone_codes, minlength=1))
    if len(used) > 1:
        groups = "; ".join(
            f"{'naive' if reader.zones[c] is None else reader.zones[c]} in "
            + _rows(np.flatnonzero(reader.zone_codes == c), label)
            for c in used)
        raise AllianceStatsError(
            f"{where}: dates mix time zones ({groups}); give all dates in one zone")
    zone = reader.zones[int(used[0])] if len(used) else None
    return reader.days, zone


def _as_series(values: Any, argument: str) -> pd.Series:
    if isinstance(values, pd.Series):
        return values
    if isinstance(values, (pd.Index, np.ndarray)):
        if values.ndim != 1:
            raise AllianceStatsError(
                f"`{argument}` must be one-dimensional, got shape {values.shape}")
        return pd.Series(values)
    return pd.Series(list(values), dtype=object)


def to_day_numbers(
    values: Any,
    *,
    argument: str,
    column: str | None = None,
    row_label: RowLabel | None = None,
    date_format: str | None = None,
    dayfirst: bool | None = None,
    precision: str | None = None,
    single: bool = False,
) -> tuple[np.ndarray, str | None]:
    """Convert date-like values to int64 day numbers (see the module for the rules).

    Returns the day numbers and the time zone the values carried (None if naive).
    Raises `AllianceStatsError` naming ``argument`` and ``column`` and listing the
    rows at fault with examples. ``values`` is never modified.
    """
    options = check_date_options(date_format, dayfirst, precision)
    series = _as_series(values, argument)
    label = row_label or default_row_label(series.index)
    where = _where(argument, column)
    reader = Reader(series)
    positions = np.arange(len(series))
    dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(dtype):
        datetime_block(reader, series, positions)
    elif pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        if options.date_format is None:
            missing = series.isna().to_numpy()
            reader.problem(text.MISSING, positions[missing])
            reader.problem(text.NUMBER, positions[~missing])
        else:
            numbers_block(reader, series, positions, options.date_format)
    elif pd.api.types.is_string_dtype(dtype) \
            and pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"):
        text_block(reader, series, positions, options)
    else:
        objects_block(reader, series, options)
    return _finish(reader, options, where, label, single)


def day_number(value: Any, *, argument: str, date_format: str | None = None,
               dayfirst: bool | None = None) -> tuple[int, str | None]:
    """Convert a single date-like value (e.g. a period bound) to a day number."""
    if isinstance(value, str) or not isinstance(value, (list, tuple, set, dict, np.ndarray,
                                                        pd.Series, pd.Index, pd.DataFrame)):
        if is_missing(value) or (isinstance(value, str) and not value.strip()):
            raise AllianceStatsError(f"`{argument}` is missing; give a date such as '2013-01-01'")
        days, zone = to_day_numbers(pd.Series([value], dtype=object), argument=argument,
                                    date_format=date_format, dayfirst=dayfirst, single=True)
        return int(days[0]), zone
    raise AllianceStatsError(
        f"`{argument}` must be one date, got {type(value).__name__}")


def to_timestamps(days: np.ndarray) -> pd.DatetimeIndex:
    """Day numbers -> a naive, day-precision DatetimeIndex."""
    return pd.DatetimeIndex(np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[s]"))


def to_timestamp(day: int) -> pd.Timestamp:
    return pd.Timestamp(np.datetime64(int(day), "D"))
