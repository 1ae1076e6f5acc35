"""Small helpers the result objects share: JSON-safe numbers, text and HTML tables."""

from __future__ import annotations

import html
import math
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ._report import _rows


def json_number(value: Any) -> float | int | None:
    """A plain number, or None for NaN and infinities (JSON has neither)."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    value = float(value)
    return value if math.isfinite(value) else None


def json_frame(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` as JSON-safe dicts (numbers via :func:`json_number`)."""
    out = []
    for record in frame.to_dict("records"):
        row = {}
        for key, value in record.items():
            if isinstance(value, (float, int, np.number, np.bool_, bool)):
                row[str(key)] = json_number(value)
            elif isinstance(value, pd.Timestamp):
                row[str(key)] = str(value.date())
            elif value is None or (not isinstance(value, str) and pd.isna(value)):
                row[str(key)] = None
            else:
                row[str(key)] = str(value)
        out.append(row)
    return out


def text_block(title: str, pairs: Sequence[tuple[str, str]]) -> str:
    """A titled block of aligned ``key  value`` lines, wrapped at 78 characters."""
    return "\n".join([title, "=" * len(title), *_rows(list(pairs))])


def html_block(title: str, pairs: Sequence[tuple[str, str]],
               frames: Sequence[tuple[str, pd.DataFrame]] = ()) -> str:
    """The same content as HTML; every string is escaped."""
    rows = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
                   f"<td style='text-align:left'>{html.escape(v)}</td></tr>" for k, v in pairs)
    parts = [f"<p><b>{html.escape(title)}</b></p>", f"<table>{rows}</table>"]
    for caption, frame in frames:
        parts.append(f"<p>{html.escape(caption)}</p>")
        parts.append(frame.to_html(index=False, escape=True,
                                   float_format=lambda x: f"{x:.4g}"))
    return "".join(parts)


def interval_text(low: float, high: float, digits: int = 3) -> str:
    def one(x: float) -> str:
        return "inf" if x == math.inf else f"{x:.{digits}f}"
    return f"{one(low)} to {one(high)}"
