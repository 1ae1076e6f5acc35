"""Reading a column of date-like values into day numbers, one kind of input at a time.

Each reader fills a :class:`Reader` with the day of every row it can read and the
kind of every problem; the column-level rules (one day/month order per column,
partial dates only when asked, one time zone) and the error messages are in
:mod:`._dates`.
"""

from __future__ import annotations

import datetime as _dt
import numbers
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._distinct import distinct
from . import _date_text as text
from ._date_text import MAX_DAY, MIN_DAY

#: Excel's day 1 is 1900-01-01 and it counts a 29 February 1900 that did not exist (serial 60)
EXCEL_BEFORE_BUG = _dt.date(1899, 12, 31).toordinal() - 719163   # + serial, for 1..59
EXCEL_AFTER_BUG = _dt.date(1899, 12, 30).toordinal() - 719163    # + serial, for >= 61


@dataclass(frozen=True)
class DateOptions:
    """How to read dates; see :func:`check_date_options`."""

    date_format: str | None = None
    dayfirst: bool | None = None
    precision: str | None = None


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    if isinstance(value, float):
        return value != value
    if isinstance(value, np.datetime64):
        return bool(np.isnat(value))
    return isinstance(value, np.floating) and bool(np.isnan(value))


@dataclass
class Reader:
    """Collects the day of every row, the zone of aware rows and every problem (all as
    arrays of row positions, so that millions of rows stay vectorised)."""

    values: pd.Series
    days: np.ndarray = field(init=False)
    zone_codes: np.ndarray = field(init=False)
    zones: list[str | None] = field(default_factory=lambda: [None])
    problems: dict[str, list[np.ndarray]] = field(default_factory=dict)
    #: day/month/year text: arrays of rows ``(position, a, b, year)``, order left to the column
    family: list[np.ndarray] = field(default_factory=list)
    partial: dict[str, list[np.ndarray]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.days = np.zeros(len(self.values), dtype=np.int64)
        self.zone_codes = np.zeros(len(self.values), dtype=np.int16)

    def zone(self, name: str | None) -> int:
        if name not in self.zones:
            self.zones.append(name)
        return self.zones.index(name)

    def problem(self, kind: str, positions: Any) -> None:
        positions = np.atleast_1d(np.asarray(positions, dtype=np.int64))
        if positions.size:
            self.problems.setdefault(kind, []).append(positions)

    def positions(self, kind: str) -> np.ndarray:
        """Sorted rows with problem ``kind``."""
        return distinct(np.concatenate(self.problems[kind]))

    def accept(self, positions: Any, days: Any, zone: str | None = None) -> None:
        self.days[positions] = days
        self.zone_codes[positions] = self.zone(zone)

    def readings(self, positions: np.ndarray, codes: np.ndarray,
                 readings: list[text.Reading]) -> None:
        """Rows ``positions`` hold the texts classified as ``readings[codes]`` (-1: missing)."""
        readings = [*readings, text.Reading(text.MISSING)]
        kinds = np.array([r.kind for r in readings], dtype=object)[codes]
        days = np.array([0 if r.day is None else r.day for r in readings], dtype=np.int64)
        zones = np.array([self.zone(r.zone) for r in readings], dtype=np.int16)
        fields = np.array([r.fields or (0, 0, 0) for r in readings], dtype=np.int64)
        for kind in pd.unique(kinds):
            at = kinds == kind
            rows, which = positions[at], codes[at]
            if kind in (text.OK, text.PARTIAL_MONTH, text.PARTIAL_YEAR):
                self.days[rows] = days[which]
                self.zone_codes[rows] = zones[which]
                if kind != text.OK:
                    self.partial.setdefault(kind, []).append(rows)
            elif kind == text.FAMILY:
                self.family.append(np.column_stack([rows, fields[which]]))
            else:
                self.problem(kind, rows)


# -- readers by kind of input ----------------------------------------------------------------

def datetime_block(reader: Reader, series: pd.Series, positions: np.ndarray) -> None:
    """A datetime64 (naive or aware) Series: dates are wall-clock dates in its zone."""
    zone = None
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        zone = str(series.dtype.tz)
        series = series.dt.tz_localize(None)
    stamps = series.to_numpy()
    missing = np.isnat(stamps)
    reader.problem(text.MISSING, positions[missing])
    reader.accept(positions[~missing], stamps[~missing].astype("datetime64[D]").astype(np.int64),
                  zone)


def _object_day(value: Any) -> tuple[int, str | None] | None:
    """Day number and zone of a datetime-like object; None if it is not one."""
    if isinstance(value, np.datetime64):
        return int(value.astype("datetime64[D]").astype(np.int64)), None
    if isinstance(value, _dt.datetime):
        zone = None if value.tzinfo is None else str(pd.Timestamp(value).tzinfo)
        return value.toordinal() - 719163, zone
    if isinstance(value, _dt.date):
        return value.toordinal() - 719163, None
    return None


def objects_block(reader: Reader, series: pd.Series, options: DateOptions) -> None:
    """Mixed objects: strings go to the text readers, the rest are read one by one."""
    raw = series.to_numpy(dtype=object)
    strings: list[int] = []
    numbers_at: list[int] = []
    for pos, value in enumerate(raw):
        if isinstance(value, str):
            strings.append(pos)
        elif is_missing(value):
            reader.problem(text.MISSING, pos)
        elif isinstance(value, (bool, np.bool_)):
            reader.problem("not-a-date", pos)
        elif isinstance(value, numbers.Number):
            numbers_at.append(pos)
        else:
            found = _object_day(value)
            if found is None:
                reader.problem("not-a-date", pos)
            else:
                reader.accept(pos, found[0], found[1])
    if numbers_at:
        block = pd.Series(raw[numbers_at], dtype=object)
        if options.date_format is None:
            reader.problem(text.NUMBER, numbers_at)
        else:
            numbers_block(reader, block, np.asarray(numbers_at), options.date_format)
    if strings:
        positions = np.asarray(strings)
        text_block(reader, pd.Series(raw[positions], dtype=object), positions, options)


def text_block(reader: Reader, block: pd.Series, positions: np.ndarray, options: DateOptions) -> None:
    """Strings: by rule, or with the format given."""
    if options.date_format is None:
        _strings(reader, block, positions)
    elif options.date_format in ("excel", "%Y%m%d"):
        numbers_block(reader, block, positions, options.date_format)
    else:
        _formatted(reader, block, positions, options.date_format)


def _relative(reader: Reader, block: pd.Series, positions: np.ndarray) -> np.ndarray:
    """Flag "now", "today" and the like (pandas reads them as the current time)."""
    short = (block.str.len() <= max(map(len, text.RELATIVE_WORDS))).to_numpy(dtype=bool,
                                                                            na_value=False)
    relative = np.zeros(len(block), dtype=bool)
    relative[short] = block[short].str.strip().str.lower().isin(text.RELATIVE_WORDS).to_numpy()
    reader.problem(text.RELATIVE, positions[relative])
    return relative


def _strings(reader: Reader, block: pd.Series, positions: np.ndarray) -> None:
    """Text, no format given: ISO in one vectorised pass, everything else (and all of a
    column that does not start with an ISO date) classified once per distinct text."""
    done = np.zeros(len(block), dtype=bool)
    parsed = None
    if _looks_iso(block):
        try:
            parsed = pd.to_datetime(block, format="ISO8601", errors="coerce")
        except (ValueError, TypeError, OverflowError):   # mixed zones: read one by one
            parsed = None
    if parsed is not None:
        zone = str(parsed.dtype.tz) if isinstance(parsed.dtype, pd.DatetimeTZDtype) else None
        stamps = (parsed.dt.tz_localize(None) if zone else parsed).to_numpy()
        done = ~np.isnat(stamps)
        day = _floor_days(stamps)
        done &= (day >= MIN_DAY) & (day <= MAX_DAY)   # the rest is classified below
        # pandas also reads "2019", "2019-03", "now" and "today": such values land on
        # the first of a month or near today; check those few against the full pattern
        suspect = done & (_first_of_month(day, done)
                          | (np.abs(day - (_dt.date.today().toordinal() - 719163)) <= 1))
        if suspect.any():
            checked = pd.Series(block.to_numpy(dtype=object)[suspect])
            full_values = {v for v in pd.unique(checked) if isinstance(v, str) and _is_full_iso(v)}
            full = checked.isin(full_values).to_numpy(dtype=bool)
            done[np.flatnonzero(suspect)[~full]] = False
        reader.accept(positions[done], day[done], zone)
    rest = np.flatnonzero(~done)
    if rest.size:   # each distinct text classified once
        codes, uniques = pd.factorize(block.iloc[rest])
        readings = [text.classify(u) if isinstance(u, str) else text.Reading(text.MISSING)
                    for u in uniques]
        reader.readings(positions[rest], codes, readings)


def _floor_days(stamps: np.ndarray) -> np.ndarray:
    """datetime64 of any unit -> int64 day numbers (NaT gives garbage: mask it)."""
    unit, count = np.datetime_data(stamps.dtype)
    per_day = np.timedelta64(1, "D") // np.timedelta64(count, unit)  # type: ignore[call-overload]
    return stamps.view(np.int64) // per_day


def _first_of_month(days: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Which day numbers fall on the first of a month (a lookup over their range)."""
    if not valid.any():
        return np.zeros(days.shape, dtype=bool)
    low, high = int(days[valid].min()), int(days[valid].max())
    span = np.arange(low, high + 1).astype("datetime64[D]")
    table = span == span.astype("datetime64[M]").astype("datetime64[D]")
    return valid & table[np.clip(days - low, 0, high - low)]


def _looks_iso(block: pd.Series) -> bool:
    """Whether the first text of a column is a year-first date (pandas' ISO pass is slow
    on columns of other forms: it tries every value)."""
    present = block.first_valid_index()
    first = None if present is None else block.loc[present]
    return isinstance(first, str) and _is_full_iso(first)


def _is_full_iso(value: str) -> bool:
    return text.ISO_FULL.match(value.strip()) is not None


def _formatted(reader: Reader, block: pd.Series, positions: np.ndarray, fmt: str) -> None:
    """Text read with one strftime format."""
    stripped = block.str.strip()
    missing = (stripped == "").to_numpy(dtype=bool, na_value=True)
    reader.problem(text.MISSING, positions[missing])
    values, where = stripped[~missing], positions[~missing]
    relative = _relative(reader, values, where)
    values, where = values[~relative], where[~relative]
    try:
        parsed = pd.to_datetime(values, format=fmt, errors="coerce")
    except (ValueError, TypeError, OverflowError):   # mixed zones: one by one
        for pos, value in zip(where, values):
            found = _one_formatted(value, fmt)
            if found is None:
                reader.problem("format", pos)
            else:
                reader.accept(int(pos), *found)
        return
    bad = parsed.isna().to_numpy()
    reader.problem("format", where[bad])
    datetime_block(reader, parsed[~bad], where[~bad])


def _one_formatted(value: str, fmt: str) -> tuple[int, str | None] | None:
    try:
        return _object_day(pd.to_datetime(value, format=fmt))
    except (ValueError, TypeError, OverflowError):
        return None


_FIRST_YEAR, _LAST_YEAR = 1, 9999


def _month_tables() -> tuple[np.ndarray, np.ndarray]:
    """Day number of the first day, and the length, of every month of years 1..9999."""
    months = np.arange((_LAST_YEAR - _FIRST_YEAR + 1) * 12 + 1) + (_FIRST_YEAR - 1970) * 12
    firsts = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return firsts[:-1], np.diff(firsts)


_MONTH_FIRST, _MONTH_LENGTH = _month_tables()


def civil_days(year: Any, month: Any, day: Any) -> tuple[np.ndarray, np.ndarray]:
    """Day numbers of calendar dates (years 1..9999), vectorised, and which triples
    are real dates (a table of month starts and lengths, no calendar arithmetic)."""
    year, month, day = (np.asarray(a, dtype=np.int64) for a in (year, month, day))
    index = (year - _FIRST_YEAR) * 12 + month - 1
    valid = (year >= _FIRST_YEAR) & (year <= _LAST_YEAR) & (month >= 1) & (month <= 12) & (day >= 1)
    index = np.where(valid, index, 0)
    valid &= day <= _MONTH_LENGTH[index]
    return _MONTH_FIRST[index] + day - 1, valid


def _yyyymmdd(reader: Reader, numbers_: np.ndarray, positions: np.ndarray) -> None:
    """Whole numbers written YYYYMMDD (eight digits: 10000101 to 99991231)."""
    days, good = civil_days(numbers_ // 10000, numbers_ // 100 % 100, numbers_ % 100)
    good &= numbers_ >= 10000101
    reader.problem("format", positions[~good])
    reader.accept(positions[good], days[good])


def numbers_block(reader: Reader, block: pd.Series, positions: np.ndarray, fmt: str) -> None:
    """Numbers (or numeric text) read with ``%Y%m%d`` or as Excel serial days."""
    if pd.api.types.is_bool_dtype(block.dtype):
        reader.problem("not-a-date", positions)
        return
    try:   # fast when every value is a number
        values = block.astype(np.float64).to_numpy()
    except (ValueError, TypeError):
        values = pd.to_numeric(block, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    failed = np.flatnonzero(~np.isfinite(values))
    if failed.size:
        raw = block.iloc[failed]
        blank = np.array([is_missing(v) or (isinstance(v, str) and not v.strip()) for v in raw],
                         dtype=bool)
        reader.problem(text.MISSING, positions[failed[blank]])
        reader.problem("excel" if fmt == "excel" else "format", positions[failed[~blank]])
        keep = np.ones(len(values), dtype=bool)
        keep[failed] = False
        values, positions = values[keep], positions[keep]
    if fmt != "excel":
        whole = values == np.floor(values)
        reader.problem("format", positions[~whole])
        if fmt == "%Y%m%d":
            _yyyymmdd(reader, values[whole].astype(np.int64), positions[whole])
        else:   # any other format reads the digits of whole numbers as text
            digits = pd.Series([str(int(v)) for v in values[whole]], dtype=object)
            _formatted(reader, digits, positions[whole], fmt)
        return
    serial = np.floor(values)
    in_range = (serial >= 1) & (serial <= MAX_DAY - EXCEL_AFTER_BUG)
    reader.problem("excel", positions[~in_range])
    reader.problem("excel-60", positions[serial == 60])
    early = in_range & (serial < 60)
    late = in_range & (serial > 60)
    reader.accept(positions[early], serial[early].astype(np.int64) + EXCEL_BEFORE_BUG)
    reader.accept(positions[late], serial[late].astype(np.int64) + EXCEL_AFTER_BUG)
