"""Reading event files (CSV, tab-separated, Parquet) and their dates, fast at real size.

Only the columns an event table needs are converted; each distinct date is parsed
once (event data repeat a few thousand days over millions of rows).
"""

from __future__ import annotations

import csv
import inspect
import os
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from .._dates import to_day_numbers
from ..errors import AllianceStatsError
from .presets import Preset

RowLabel = Callable[[int], str]
PARQUET_SUFFIXES = (".parquet", ".pq")


def line_label(header: bool) -> RowLabel:
    """Rows of a text file named by line number (the header, if any, is line 1)."""
    offset = 2 if header else 1
    return lambda pos: f"line {pos + offset}"


def row_label(pos: int) -> str:
    return f"row {pos}"


def _date_format_supported() -> bool:
    return "date_format" in inspect.signature(to_day_numbers).parameters


def day_numbers(values: pd.Series, *, date_format: str | None, argument: str, column: str,
                row_label: RowLabel) -> np.ndarray:
    """Day numbers of a date column: each distinct value is parsed once.

    The one place event-table dates are parsed; ``date_format`` (e.g. ``"%Y%m%d"``
    for GDELT's integer SQLDATE) goes to :func:`alliancestats._dates.to_day_numbers`.
    """
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        days, _ = to_day_numbers(values, argument=argument, column=column, row_label=row_label)
        return days
    positions, distinct = pd.factorize(values, use_na_sentinel=False)
    first = np.full(len(distinct), -1, dtype=np.int64)
    first[positions[::-1]] = np.arange(len(positions))[::-1]   # first row of each value
    label = lambda i: row_label(int(first[i]))  # noqa: E731
    unique = pd.Series(np.asarray(distinct, dtype=object), dtype=object)
    if date_format is not None and not _date_format_supported():
        unique = _with_format(unique, date_format, argument, column, label)
    options = {"date_format": date_format} if date_format is not None and _date_format_supported() else {}
    days, _ = to_day_numbers(unique, argument=argument, column=column, row_label=label, **options)
    return days[positions]


def _with_format(unique: pd.Series, date_format: str, argument: str, column: str,
                 label: RowLabel) -> pd.Series:
    """Parse with an explicit format (until ``to_day_numbers`` takes ``date_format``)."""
    text = unique.map(lambda v: v if isinstance(v, str) else
                      (str(int(v)) if isinstance(v, (int, np.integer, float)) and not pd.isna(v)
                       and float(v).is_integer() else v))
    parsed = pd.to_datetime(text.where(text.map(lambda v: isinstance(v, str) and v.strip() != "")),
                            format=date_format, errors="coerce")
    bad = np.flatnonzero(parsed.isna().to_numpy() & text.map(
        lambda v: isinstance(v, str) and v.strip() != "").to_numpy())
    if bad.size:
        shown = ", ".join(f"{unique[i]!r} ({label(int(i))})" for i in bad[:5])
        raise AllianceStatsError(f"`{argument}`, column {column!r}: {bad.size} date(s) do not match "
                                 f"the format {date_format!r}: {shown}")
    return parsed


def check_columns(present: Sequence[str], needed: Sequence[str], *, preset: Preset | None,
                  argument: str) -> None:
    missing = [c for c in needed if c not in present]
    if missing:
        what = f"preset {preset.name}" if preset is not None else "`columns`"
        raise AllianceStatsError(f"`{argument}`: {what} needs column(s) {', '.join(map(repr, missing))} "
                                 f"that the file lacks; its columns are {list(present)[:25]}")


def _header_names(path: str, preset: Preset, sep: str, encoding: str | None) -> list[str]:
    """Column names of a headerless preset file, fitted to the field count of line 1."""
    names = list(preset.column_names or ())
    with open(path, encoding=encoding or "utf-8", errors="replace") as handle:
        first = handle.readline().rstrip("\r\n")
    count = len(first.split(sep)) if first else len(names)
    if count != len(names) and not (count < len(names) and count >= len(names) - 1):
        raise AllianceStatsError(f"{path}: preset {preset.name} expects {len(names)} "
                                 f"{'tab' if sep == chr(9) else repr(sep)}-separated columns "
                                 f"without a header, line 1 has {count}")
    return names[:count]


def read_text(path: str, *, preset: Preset | None, names: dict[str, str], keep: Any,
              sep: str | None, options: dict[str, Any]) -> tuple[pd.DataFrame, RowLabel]:
    """Read a CSV or tab-separated file: the needed columns as text, others as pandas reads them."""
    sep = sep if sep is not None else (preset.sep if preset is not None else ",")
    header = preset.header if preset is not None else True
    encoding = options.get("encoding")
    kwargs: dict[str, Any] = {"sep": sep}
    if preset is not None and not preset.quoted:
        kwargs["quoting"] = csv.QUOTE_NONE
    if not header:
        kwargs["header"] = None
        kwargs["names"] = _header_names(path, preset, sep, encoding) if preset is not None else None
    needed = [c for c in names.values()]
    text_columns = {c: str for c in needed}
    if keep is None and preset is None:
        usecols = None
    elif keep == "all":
        usecols = None
    else:
        extra = [] if keep is None else list(keep)
        usecols = list(dict.fromkeys(needed + extra))
    kwargs.update(dtype=text_columns, keep_default_na=False, na_values={c: [""] for c in needed},
                  low_memory=False)
    if usecols is not None:
        kwargs["usecols"] = lambda c: c in usecols
    kwargs.update(options)
    try:
        frame = pd.read_csv(path, **kwargs)
    except FileNotFoundError:
        raise AllianceStatsError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise AllianceStatsError(f"{path}: not {encoding or 'UTF-8'} text ({exc.reason} at byte "
                                 f"{exc.start}); pass encoding='latin-1' if the file is Latin-1") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise AllianceStatsError(f"{path}: cannot read as delimited text ({exc})") from None
    check_columns(list(frame.columns), needed, preset=preset, argument=path)
    if usecols is not None:
        absent = [c for c in usecols if c not in frame.columns]
        if absent:
            raise AllianceStatsError(f"{path}: `keep` names column(s) {absent} that the file lacks")
    return frame, line_label(header)


def read_parquet(path: str, *, preset: Preset | None, names: dict[str, str],
                 keep: Any) -> tuple[pd.DataFrame, RowLabel]:
    """Read a Parquet file (needs pyarrow: ``pip install 'alliancestats[parquet]'``)."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise AllianceStatsError("reading Parquet needs pyarrow, which is not installed; "
                                 "install the extra: pip install 'alliancestats[parquet]'") from None
    if not os.path.exists(path):
        raise AllianceStatsError(f"{path}: file not found")
    present = pq.read_schema(path).names
    needed = list(names.values())
    check_columns(present, needed, preset=preset, argument=path)
    if keep == "all" or (keep is None and preset is None):
        columns = None
    else:
        columns = list(dict.fromkeys(needed + ([] if keep is None else list(keep))))
        absent = [c for c in columns if c not in present]
        if absent:
            raise AllianceStatsError(f"{path}: `keep` names column(s) {absent} that the file lacks")
    return pd.read_parquet(path, columns=columns), row_label
