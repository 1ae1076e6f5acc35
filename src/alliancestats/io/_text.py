"""How values and rows appear in error messages of the readers."""

from __future__ import annotations

import csv
from importlib import resources
from typing import Any, Callable

import numpy as np
import pandas as pd

from .._validation import name_rows


def show(value: Any) -> str:
    """``repr`` of a value as the user wrote it (numpy scalars as plain numbers)."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def first_rows(positions: np.ndarray, index: int, row_label: Callable[[int], str]) -> str:
    """The first rows holding distinct value ``index`` (``positions`` maps rows to values)."""
    rows = np.flatnonzero(positions == index)
    return name_rows([row_label(int(r)) for r in rows[:3]], total=len(rows), limit=3)


def distinct_values(values: pd.Series, *, missing_as_value: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """``(positions, distinct)``: each row's index into its distinct values, computed once.

    A categorical column (as the Arrow reader returns) gives them for free. Missing
    values get position -1, or with ``missing_as_value`` a distinct value of their own.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        positions = values.cat.codes.to_numpy()
        distinct = np.asarray(values.cat.categories, dtype=object)
    else:
        positions, distinct = pd.factorize(values, use_na_sentinel=True)
        distinct = np.asarray(distinct, dtype=object)
    if missing_as_value and (positions < 0).any():
        distinct = np.concatenate([distinct, np.array([None], dtype=object)])
        positions = np.where(positions < 0, len(distinct) - 1, positions).astype(np.int64)
    return positions, distinct


def read_table(name: str) -> list[dict[str, str]]:
    """Rows of one of the shipped lookup tables (``alliancestats/io/tables``)."""
    path = resources.files("alliancestats.io").joinpath("tables", name)
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
