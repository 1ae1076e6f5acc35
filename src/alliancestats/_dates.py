"""Conversion of date-like input to the day grid (DESIGN §1).

A *day number* is the number of calendar days since 1970-01-01. Every date-like
value (ISO strings and other pandas-parsable strings, ``datetime``, ``date``,
``Timestamp``, ``datetime64``) becomes one; a time of day is dropped. Time-zone
aware values are allowed when they all carry the same zone: they are read as
wall-clock dates in that zone and the zone is then dropped.
"""

from __future__ import annotations

import datetime as _dt
import numbers
from typing import Any, Callable

import numpy as np
import pandas as pd

from ._validation import format_rows
from .errors import AllianceStatsError

RowLabel = Callable[[int], str]


def default_row_label(index: pd.Index) -> RowLabel:
    """Rows are named by their index label (``'M03'`` quoted, ``12`` plain)."""

    def label(pos: int) -> str:
        value = index[pos]
        value = value.item() if isinstance(value, np.generic) else value
        return repr(value) if isinstance(value, str) else str(value)

    return label


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _parse_one(value: Any) -> pd.Timestamp | None:
    """Parse one value; None when it is not a date (numbers are not dates)."""
    if isinstance(value, (bool, numbers.Number)) and not isinstance(value, np.datetime64):
        return None
    try:
        ts = pd.Timestamp(value.strip() if isinstance(value, str) else value)
    except (ValueError, TypeError, OverflowError):
        return None
    return None if ts is pd.NaT else ts


def _where(argument: str, column: str | None) -> str:
    return f"`{argument}`" + (f", column {column!r}" if column is not None else "")


def to_day_numbers(
    values: Any,
    *,
    argument: str,
    column: str | None = None,
    row_label: RowLabel | None = None,
) -> tuple[np.ndarray, str | None]:
    """Convert date-like values to int64 day numbers.

    Returns the day numbers and the time zone the values carried (None if naive).
    Raises `AllianceStatsError` listing the rows with missing or unparseable
    dates, or mixed time zones. ``values`` is never modified.
    """
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    label = row_label or default_row_label(series.index)
    where = _where(argument, column)
    dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        tz: str | None = str(dtype.tz)
        naive = series.dt.tz_localize(None)
    elif pd.api.types.is_datetime64_dtype(dtype):
        tz, naive = None, series
    else:
        naive, tz = _parse_objects(series, where, label)
    missing = np.flatnonzero(naive.isna().to_numpy())
    if missing.size:
        raise AllianceStatsError(
            f"{where}: missing date in {_rows(missing, label)}"
        )
    days = naive.to_numpy().astype("datetime64[D]").astype(np.int64)
    return days, tz


def _rows(positions: Any, label: RowLabel) -> str:
    return "row" + ("s " if len(positions) > 1 else " ") + format_rows([label(int(p)) for p in positions])


def _parse_iso(series: pd.Series) -> tuple[pd.Series, str | None] | None:
    """Vectorised path for the common case (ISO strings, one zone, nothing bad)."""
    if pd.api.types.infer_dtype(series, skipna=False) != "string":
        return None
    try:
        parsed = pd.to_datetime(series, errors="coerce", format="ISO8601")
    except (ValueError, TypeError, OverflowError):
        return None
    if parsed.isna().any():
        return None
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        return parsed.dt.tz_localize(None), str(parsed.dtype.tz)
    return parsed, None


def _parse_objects(series: pd.Series, where: str, label: RowLabel) -> tuple[pd.Series, str | None]:
    fast = _parse_iso(series)
    if fast is not None:
        return fast
    raw = series.to_numpy(dtype=object)
    missing: list[int] = []
    bad: list[int] = []
    stamps: list[pd.Timestamp | None] = []
    for pos, value in enumerate(raw):
        if _is_missing(value):
            missing.append(pos)
            stamps.append(None)
            continue
        ts = _parse_one(value)
        if ts is None:
            bad.append(pos)
        stamps.append(ts)
    problems = []
    if missing:
        problems.append(f"missing date in {_rows(missing, label)}")
    if bad:
        examples = ", ".join(repr(raw[p]) for p in bad[:3])
        problems.append(f"unparseable date in {_rows(bad, label)} (e.g. {examples})")
    if problems:
        raise AllianceStatsError(f"{where}: " + "; ".join(problems))
    parsed = [ts for ts in stamps if ts is not None]  # every row parsed by now
    zones = [None if ts.tzinfo is None else str(ts.tzinfo) for ts in parsed]
    distinct = sorted(set(zones), key=lambda z: (z is not None, str(z)))
    if len(distinct) > 1:
        groups = "; ".join(
            f"{'naive' if z is None else z} in "
            + _rows([p for p, zz in enumerate(zones) if zz == z], label)
            for z in distinct
        )
        raise AllianceStatsError(
            f"{where}: dates mix time zones ({groups}); give all dates in one zone"
        )
    tz = distinct[0] if distinct else None
    local = [ts.tz_localize(None) if ts.tzinfo is not None else ts for ts in parsed]
    return pd.Series(pd.DatetimeIndex(local), index=series.index), tz


def day_number(value: Any, *, argument: str) -> tuple[int, str | None]:
    """Convert a single date-like value (e.g. a period bound) to a day number."""
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        value = pd.Timestamp(value)
    if _is_missing(value):
        raise AllianceStatsError(f"`{argument}` is missing; give a date such as '2013-01-01'")
    ts = _parse_one(value)
    if ts is None:
        raise AllianceStatsError(f"`{argument}`: cannot parse {value!r} as a date")
    tz = None if ts.tzinfo is None else str(ts.tzinfo)
    if tz is not None:
        ts = ts.tz_localize(None)
    return int(np.datetime64(ts.to_datetime64(), "D").astype(np.int64)), tz


def to_timestamps(days: np.ndarray) -> pd.DatetimeIndex:
    """Day numbers -> a naive, day-precision DatetimeIndex."""
    return pd.DatetimeIndex(np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[s]"))


def to_timestamp(day: int) -> pd.Timestamp:
    return pd.Timestamp(np.datetime64(int(day), "D"))
