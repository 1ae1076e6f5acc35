"""How values and rows appear in error messages of the readers."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .._validation import format_rows


def show(value: Any) -> str:
    """``repr`` of a value as the user wrote it (numpy scalars as plain numbers)."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def first_rows(positions: np.ndarray, index: int, row_label: Callable[[int], str]) -> str:
    """The first rows holding distinct value ``index`` (``positions`` maps rows to values)."""
    rows = np.flatnonzero(positions == index)
    shown = [row_label(int(r)) for r in rows[:3]]
    return "rows " + format_rows(shown) + (f" and {len(rows) - 3} more" if len(rows) > 3 else "")
