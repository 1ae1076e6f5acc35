"""Checking a table of daily covariates against the period's days."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._dates import to_day_numbers, to_timestamps
from ._validation import format_rows
from .errors import AllianceStatsError
from .period import Period


def _dates(days: np.ndarray) -> list[str]:
    return [str(d.date()) for d in to_timestamps(days)]


def daily_covariates(covariates: Any, period: Period) -> tuple[np.ndarray, list[str]]:
    """The covariates as a ``(T, p)`` float matrix in period-day order, and their names.

    ``covariates`` must be a DataFrame with one row per period day (index: the
    dates) and numeric, finite columns. Anything else raises, naming what is
    wrong; the caller's frame is not modified.
    """
    if covariates is None:
        return np.zeros((period.n_days, 0)), []
    if not isinstance(covariates, pd.DataFrame):
        raise AllianceStatsError(
            "`covariates` must be a pandas DataFrame indexed by the period's days, got "
            f"{type(covariates).__name__}")
    if covariates.shape[1] == 0:
        raise AllianceStatsError("`covariates` has no columns; pass None for no covariates")
    days, tz = to_day_numbers(pd.Series(covariates.index, dtype=object), argument="covariates",
                              column="index")
    if tz != period.tz:
        raise AllianceStatsError(f"`covariates` index is in time zone {tz or 'none (naive)'} but "
                                 f"the period in {period.tz or 'none (naive)'}")
    unique, counts = np.unique(days, return_counts=True)
    if (counts > 1).any():
        raise AllianceStatsError(f"`covariates` has more than one row for the days "
                                 f"{format_rows(_dates(unique[counts > 1]))}; one row per day")
    wanted = period.day_numbers
    missing = np.setdiff1d(wanted, days)
    extra = np.setdiff1d(days, wanted)
    if missing.size or extra.size:
        parts = []
        if missing.size:
            parts.append(f"no row for {missing.size} period day(s): {format_rows(_dates(missing))}")
        if extra.size:
            parts.append(f"{extra.size} row(s) outside the period {period!r}: "
                         f"{format_rows(_dates(extra))}")
        raise AllianceStatsError("`covariates` must have exactly one row per period day; it has "
                                 + "; and ".join(parts))
    names = [str(c) for c in covariates.columns]
    if len(set(names)) < len(names):
        raise AllianceStatsError(f"`covariates` column names must be distinct, got {names}")
    order = np.argsort(days)
    columns = []
    for name, column in zip(names, covariates.columns):
        values = covariates[column]
        if not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)):
            raise AllianceStatsError(f"`covariates`, column {name!r}: must be numeric, got dtype "
                                     f"{values.dtype}")
        array = values.to_numpy(dtype=float, na_value=np.nan)[order]
        bad = np.flatnonzero(~np.isfinite(array))
        if bad.size:
            raise AllianceStatsError(f"`covariates`, column {name!r}: missing or infinite values on "
                                     f"{format_rows(_dates(wanted[bad]))}")
        columns.append(array)
    return np.column_stack(columns), names
