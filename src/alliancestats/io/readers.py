"""Reading event files (CSV, tab-separated, Parquet) and their dates, fast at real size.

Only the columns an event table needs are converted; each distinct date is parsed
once (event data repeat a few thousand days over millions of rows).
"""

from __future__ import annotations

import csv
import os
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from .._dates import to_day_numbers
from ..errors import AllianceStatsError
from ._text import distinct_values
from .presets import Preset

RowLabel = Callable[[int], str]
PARQUET_SUFFIXES = (".parquet", ".pq")
ARROW_BLOCK_BYTES = 64 << 20   # large blocks: fewer dictionary chunks to unify


def line_label(header: bool) -> RowLabel:
    """Rows of a text file named by line number (the header, if any, is line 1)."""
    offset = 2 if header else 1
    return lambda pos: f"line {pos + offset}"


def row_label(pos: int) -> str:
    """Rows of a Parquet file, by position (messages say ``row 3``)."""
    return str(pos)


def day_numbers(values: pd.Series, *, date_format: str | None, argument: str, column: str,
                row_label: RowLabel) -> np.ndarray:
    """Day numbers of a date column, read by :func:`alliancestats._dates.to_day_numbers`
    (the one date reader; ``date_format``, e.g. ``"%Y%m%d"`` for GDELT's integer SQLDATE,
    goes to it) once per distinct value: event data repeat a few thousand days over
    millions of rows. Errors name the first row holding each bad value."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        days, _ = to_day_numbers(values, argument=argument, column=column, row_label=row_label)
        return days
    positions, distinct = distinct_values(values, missing_as_value=True)
    first = np.full(len(distinct), -1, dtype=np.int64)
    first[positions[::-1]] = np.arange(len(positions))[::-1]   # first row of each value
    unique = pd.Series(distinct, dtype=object)
    days, _ = to_day_numbers(unique, argument=argument, column=column,
                             row_label=lambda i: row_label(int(first[i])), date_format=date_format)
    return days[positions]


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


def _present_columns(path: str, preset: Preset | None, sep: str, header: bool,
                     encoding: str | None) -> list[str]:
    """The file's column names: its header line, or the preset's names for its field count."""
    if not header:
        return _header_names(path, preset, sep, encoding) if preset is not None else []
    try:
        with open(path, encoding=encoding or "utf-8") as handle:
            first = handle.readline().rstrip("\r\n")
    except FileNotFoundError:
        raise AllianceStatsError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise AllianceStatsError(_encoding_message(path, encoding, exc)) from None
    return [name.strip('"') for name in first.split(sep)]


def _encoding_message(path: str, encoding: str | None, exc: Any) -> str:
    where = f" ({exc.reason} at byte {exc.start})" if isinstance(exc, UnicodeDecodeError) else ""
    return (f"{path}: not {encoding or 'UTF-8'} text{where}; pass encoding='latin-1' if the file "
            "is Latin-1")


def _arrow_csv() -> Any:
    try:
        import pyarrow as pa
        import pyarrow.csv as pc
    except ImportError:
        return None
    return pa, pc


def _read_arrow(path: str, *, sep: str, names: list[str] | None, columns: list[str], quoted: bool,
                encoding: str | None) -> pd.DataFrame:
    """Read ``columns`` with Arrow's multi-threaded CSV reader, each as a categorical."""
    pa, pc = _arrow_csv()
    text = pa.dictionary(pa.int32(), pa.string())
    try:
        table = pc.read_csv(
            path,
            read_options=pc.ReadOptions(column_names=names, encoding=encoding or "utf8",
                                        block_size=ARROW_BLOCK_BYTES),
            parse_options=pc.ParseOptions(delimiter=sep, quote_char='"' if quoted else False),
            convert_options=pc.ConvertOptions(include_columns=columns,
                                              column_types={c: text for c in columns},
                                              null_values=[""], strings_can_be_null=True))
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) or "utf8" in str(exc).lower():
            raise AllianceStatsError(_encoding_message(path, encoding, exc)) from None
        raise AllianceStatsError(f"{path}: cannot read as delimited text ({exc})") from None
    return table.to_pandas()


def read_text(path: str, *, preset: Preset | None, names: dict[str, str], keep: Any,
              sep: str | None, options: dict[str, Any], engine: str = "auto",
              ) -> tuple[pd.DataFrame, RowLabel]:
    """Read a CSV or tab-separated file: the needed columns as text, others as pandas reads them.

    ``engine="auto"`` uses Arrow's CSV reader (the ``parquet`` extra) when only the
    needed columns are read and no pandas options are given, else pandas.
    """
    if engine not in ("auto", "pandas", "pyarrow"):
        raise AllianceStatsError(f"`engine` must be 'auto', 'pandas' or 'pyarrow', got {engine!r}")
    sep = sep if sep is not None else (preset.sep if preset is not None else ",")
    header = preset.header if preset is not None else True
    quoted = preset is None or preset.quoted
    encoding = options.get("encoding")
    needed = list(names.values())
    if keep == "all" or (keep is None and preset is None):
        usecols = None
    else:
        usecols = list(dict.fromkeys(needed + ([] if keep is None else list(keep))))
    present = _present_columns(path, preset, sep, header, encoding)
    if present:
        check_columns(present, needed, preset=preset, argument=path)
        absent = [c for c in usecols or [] if c not in present]
        if absent:
            raise AllianceStatsError(f"{path}: `keep` names column(s) {absent} that the file lacks")
    arrow = (engine == "pyarrow" or (engine == "auto" and usecols == needed
                                     and set(options) <= {"encoding"}))
    if arrow and _arrow_csv() is None:
        if engine == "pyarrow":
            raise AllianceStatsError("engine='pyarrow' needs pyarrow; install the extra: "
                                     "pip install 'alliancestats[parquet]'")
        arrow = False
    if arrow:
        frame = _read_arrow(path, sep=sep, names=None if header else present, columns=usecols or present,
                            quoted=quoted, encoding=encoding)
        return frame, line_label(header)
    kwargs: dict[str, Any] = {"sep": sep, "dtype": {c: str for c in needed},
                              "keep_default_na": False, "na_values": {c: [""] for c in needed}}
    if not quoted:
        kwargs["quoting"] = csv.QUOTE_NONE
    if not header:
        kwargs.update(header=None, names=present)
    if usecols is not None:
        kwargs["usecols"] = usecols
    kwargs.update(options)
    try:
        frame = pd.read_csv(path, **kwargs)
    except FileNotFoundError:
        raise AllianceStatsError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise AllianceStatsError(_encoding_message(path, encoding, exc)) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise AllianceStatsError(f"{path}: cannot read as delimited text ({exc})") from None
    check_columns(list(frame.columns), needed, preset=preset, argument=path)
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
