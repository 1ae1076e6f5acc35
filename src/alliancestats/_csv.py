"""Reading an event CSV with true line numbers for error messages.

pandas skips blank lines, joins quoted newlines, pads short rows with missing values
and renames duplicate columns (``date``, ``date.1``), so its row positions are not
the file's lines and some faults never surface. The file is therefore first scanned
with :mod:`csv`, whose ``line_num`` gives the physical line on which every record
starts; that scan also catches rows with too few or too many fields and duplicate
column names. pandas then reads the same file for the column types.
"""

from __future__ import annotations

import csv
import os
from typing import Any, Callable

import pandas as pd

from ._validation import format_rows
from .errors import AllianceStatsError

#: read_csv options the scan understands; with any other, rows are labelled
#: "data row N" (counting from 1 below the header) instead of by line
SCANNED_OPTIONS = frozenset({"sep", "delimiter", "encoding", "quotechar", "dtype", "usecols",
                             "na_values", "keep_default_na", "na_filter", "true_values",
                             "false_values", "thousands", "decimal"})


def _open_error(path: str, exc: OSError) -> AllianceStatsError:
    if isinstance(exc, FileNotFoundError):
        return AllianceStatsError(f"{path}: file not found")
    if isinstance(exc, IsADirectoryError) or os.path.isdir(path):
        return AllianceStatsError(f"{path}: is a directory, not a CSV file")
    if isinstance(exc, PermissionError):
        return AllianceStatsError(f"{path}: permission denied")
    return AllianceStatsError(f"{path}: cannot read ({exc.strerror or exc})")


def _scan(path: str, options: dict[str, Any]) -> tuple[list[str], list[int]]:
    """Header names and the line on which each data record starts."""
    delimiter = options.get("sep", options.get("delimiter", ","))
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise ValueError("not a one-character delimiter")
    encoding = options.get("encoding") or "utf-8"
    quotechar = options.get("quotechar", '"')
    header: list[str] | None = None
    header_line = 0
    starts: list[int] = []
    short_or_long: list[tuple[int, int]] = []
    try:
        with open(path, newline="", encoding=encoding) as handle:
            reader = csv.reader(handle, delimiter=delimiter, quotechar=quotechar)
            before = 0
            for record in reader:
                start, before = before + 1, reader.line_num
                if not record or (len(record) == 1 and not record[0].strip()):
                    continue   # blank line, skipped as pandas does
                if header is None:
                    header, header_line = record, start
                    continue
                starts.append(start)
                if len(record) != len(header):
                    short_or_long.append((start, len(record)))
    except OSError as exc:
        raise _open_error(path, exc) from None
    except UnicodeDecodeError:
        raise AllianceStatsError(
            f"{path}: not readable as {encoding} text; pass encoding= (e.g. encoding='latin-1')"
        ) from None
    except csv.Error as exc:
        raise AllianceStatsError(f"{path}, line {before + 1}: {exc}") from None
    if header is None:
        raise AllianceStatsError(f"{path}: the file is empty (no header line)")
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if name.strip() and name in seen:
            raise AllianceStatsError(
                f"{path}, line {header_line}: the header names column {name!r} twice (fields "
                f"{seen[name] + 1} and {i + 1}); give every column its own name")
        seen[name] = i
    if short_or_long:
        shown = "; ".join(f"line {line}: row has {n} field{'s' if n != 1 else ''}"
                          for line, n in short_or_long[:5])
        more = f" (and {len(short_or_long) - 5} more rows)" if len(short_or_long) > 5 else ""
        raise AllianceStatsError(
            f"{path}: {shown}{more}; the header (line {header_line}) has {len(header)} fields")
    return header, starts


def read_event_csv(path: str, date_column: str,
                   options: dict[str, Any]) -> tuple[pd.DataFrame, Callable[[int], str]]:
    """The CSV as a DataFrame (date column as text) and a row-label function."""
    if os.path.isdir(path):
        raise AllianceStatsError(f"{path}: is a directory, not a CSV file")
    starts: list[int] | None = None
    if set(options) <= SCANNED_OPTIONS:
        try:
            _, starts = _scan(path, options)
        except ValueError as exc:
            if isinstance(exc, AllianceStatsError):
                raise
            starts = None
    dtype = options.get("dtype")
    dtypes = {date_column: object}
    if isinstance(dtype, dict):
        dtypes = {**dtype, **dtypes}
    elif dtype is not None:
        raise AllianceStatsError("`dtype` must be a mapping of column to type for from_csv")
    try:
        frame = pd.read_csv(path, **{**options, "dtype": dtypes})
    except OSError as exc:
        raise _open_error(path, exc) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError,
            TypeError) as exc:
        raise AllianceStatsError(f"{path}: cannot read as CSV ({' '.join(str(exc).split())})"
                                 ) from None
    duplicated = frame.columns[frame.columns.duplicated()].tolist()
    if duplicated:
        raise AllianceStatsError(f"{path}: columns {format_rows(duplicated)} appear twice")
    if starts is not None and len(starts) == len(frame):
        lines = starts
        return frame, lambda pos: f"line {lines[pos]}"
    return frame, lambda pos: f"data row {pos + 1}"
