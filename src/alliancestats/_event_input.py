"""Checks on what is handed to :class:`~alliancestats.EventSeries` (run before any work)."""

from __future__ import annotations

import numbers
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from .errors import AllianceStatsError


def dates_argument(dates: Any) -> pd.Series:
    """The ``dates`` argument as an object Series, refusing what is not a sequence."""
    if dates is None or isinstance(dates, (str, bytes, pd.DataFrame, Mapping, set, frozenset)) \
            or not isinstance(dates, Iterable):
        hint = {str: "; wrap one date in a list: ['2019-01-01']",
                pd.DataFrame: "; pass one column (frame['date']) or use EventSeries.from_frame"}
        extra = next((h for kind, h in hint.items() if isinstance(dates, kind)), "")
        raise AllianceStatsError(
            f"`dates` must be a sequence of dates (list, array, Series), got "
            f"{type(dates).__name__}{extra}")
    if isinstance(dates, (np.ndarray, pd.Index)) and dates.ndim != 1:
        raise AllianceStatsError(f"`dates` must be one-dimensional, got shape {dates.shape}")
    if isinstance(dates, pd.Series):
        return pd.Series(dates.to_numpy(), dtype=dates.dtype)
    if isinstance(dates, (np.ndarray, pd.Index)):
        return pd.Series(np.asarray(dates))
    return pd.Series(list(dates), dtype=object)


def attributes_frame(attributes: Any, n: int) -> pd.DataFrame:
    if attributes is None:
        return pd.DataFrame(index=pd.RangeIndex(n))
    if isinstance(attributes, pd.DataFrame):
        frame = attributes.reset_index(drop=True).copy()
    elif isinstance(attributes, Mapping):
        lengths = {}
        for key, column in attributes.items():
            if isinstance(column, (str, bytes)) or not hasattr(column, "__len__"):
                raise AllianceStatsError(
                    f"`attributes`[{key!r}] must be a sequence with one value per date, got "
                    f"{type(column).__name__}")
            lengths[key] = len(column)
        wrong = {k: v for k, v in lengths.items() if v != n}
        if wrong:
            shown = ", ".join(f"{k!r} has {v}" for k, v in wrong.items())
            raise AllianceStatsError(
                f"`attributes` columns must have one value per date ({n}); {shown}")
        frame = pd.DataFrame({k: list(v) if not isinstance(v, (pd.Series, np.ndarray)) else
                              np.asarray(v) for k, v in attributes.items()}, index=pd.RangeIndex(n))
    else:
        raise AllianceStatsError(
            f"`attributes` must be a DataFrame or a mapping of column to values, got "
            f"{type(attributes).__name__}")
    require_unique_columns(frame, "attributes")
    if len(frame) != n:
        raise AllianceStatsError(f"`attributes` has {len(frame)} rows but `dates` has {n}")
    return frame


def check_label(value: Any, argument: str) -> None:
    if not isinstance(value, str) or not value:
        raise AllianceStatsError(f"`{argument}` must be a column name (a non-empty string), "
                                 f"got {value!r}")


def require_unique_columns(frame: pd.DataFrame, argument: str) -> None:
    duplicated = frame.columns[frame.columns.duplicated()].unique().tolist()
    if duplicated:
        raise AllianceStatsError(
            f"`{argument}` has more than one column named {', '.join(map(repr, duplicated))}; "
            "give every column its own name")


def check_comparable(values: pd.Series, value: Any, column: str) -> None:
    """Refuse a comparison that can only be False: text with numbers, NaN with anything.

    ``n == "3"`` on a numeric column, or ``target == 3`` on a text column, matches
    nothing and would silently empty the selection.
    """
    if isinstance(value, float) and value != value:
        raise AllianceStatsError(
            f"`where`: NaN never equals anything (column {column!r}); select missing values "
            "with a function, e.g. lambda v: v.isna()")
    dtype = values.dtype
    is_number = isinstance(value, numbers.Number) and not isinstance(value, (bool, np.bool_))
    if pd.api.types.is_bool_dtype(dtype):
        ok, kind = isinstance(value, (bool, np.bool_)), "True or False"
    elif pd.api.types.is_numeric_dtype(dtype):
        ok, kind = is_number, "numbers"
    elif pd.api.types.infer_dtype(values, skipna=True) == "string":
        ok, kind = isinstance(value, str), "text"
    else:
        return
    if not ok:
        raise AllianceStatsError(
            f"`where`: column {column!r} holds {kind}; {value!r} ({type(value).__name__}) can "
            "never equal one of its values")


def require_column(frame: pd.DataFrame, column: str, argument: str) -> None:
    if column not in frame.columns:
        raise AllianceStatsError(
            f"`{argument}` has no column {column!r}; its columns are {list(frame.columns)}"
        )
