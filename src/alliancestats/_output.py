"""Output that stays valid: JSON without NaN or Infinity, HTML with every string escaped.

JSON rule (every ``to_dict()`` and every ``--json``): a number that is not finite
is written as ``null``, and the top-level field ``null_reasons`` maps the path of
each such field (``"ratio"``, ``"subsets[2].ratio"``) to why it has no value.
Missing values (``None``, ``NaN`` in a data column, ``NaT``) are ``null`` too;
a non-finite value that came from the data is explained as such.
"""

from __future__ import annotations

import datetime as _dt
import html
import math
import re
from typing import Any, Mapping

import numpy as np
import pandas as pd

#: why a computed field can have no finite value, by field name (or the end of its path,
#: list positions left out: ``comparisons.pvalue`` matches ``rates.comparisons[1].pvalue``)
REASONS = {
    "ratio": "K / E[K] is undefined: E[K] = 0 (no response day can be matched)",
    "rate_ratio_b_over_a": "the earlier segment has no responses (infinite), or neither has "
                           "any (undefined)",
    "median_lag": "no trigger comes on or before the responses",
    "median_lag_all_days": "no trigger comes on or before the period's days",
    "rate_per_year": "p never crosses alpha within the rates tried",
    "comparisons.pvalue": "no test is possible: neither segment holds a response",
}


def _describe(value: float) -> str:
    return "nan" if value != value else ("inf" if value > 0 else "-inf")


class _Walker:
    def __init__(self, reasons: Mapping[str, str]) -> None:
        self.reasons = {**REASONS, **reasons}
        self.nulls: dict[str, str] = {}

    def reason(self, path: str) -> str | None:
        parts = re.sub(r"\[\d+\]", "", path).split(".")
        for start in range(len(parts)):
            found = self.reasons.get(".".join(parts[start:]))
            if found is not None:
                return found
        return None

    def number(self, value: float, path: str) -> float | None:
        if math.isfinite(value):
            return value
        reason = self.reason(path)
        self.nulls[path] = (f"{reason} ({_describe(value)})" if reason
                            else f"not a finite number ({_describe(value)})")
        return None

    def walk(self, value: Any, path: str) -> Any:
        if value is None or value is pd.NaT or value is pd.NA:
            return None
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        if isinstance(value, (int, np.integer)):
            return int(value)
        if isinstance(value, (float, np.floating)):
            return self.number(float(value), path)
        if isinstance(value, str):
            return value
        if isinstance(value, (pd.Timestamp, _dt.datetime)):
            stamp = pd.Timestamp(value)
            return str(stamp.date()) if stamp == stamp.normalize() else stamp.isoformat()
        if isinstance(value, _dt.date):
            return value.isoformat()
        if isinstance(value, np.datetime64):
            return None if np.isnat(value) else self.walk(pd.Timestamp(value), path)
        if isinstance(value, pd.DataFrame):
            records = value.to_dict("records")
            return [self.walk(r, f"{path}[{i}]") for i, r in enumerate(records)]
        if isinstance(value, (pd.Series, pd.Index, np.ndarray, list, tuple, set, frozenset)):
            items = list(value) if not isinstance(value, np.ndarray) else value.tolist()
            return [self.walk(v, f"{path}[{i}]") for i, v in enumerate(items)]
        if isinstance(value, Mapping):
            return {str(k): self.walk(v, f"{path}.{k}" if path else str(k))
                    for k, v in value.items()}
        to_dict = getattr(value, "to_dict", None)
        if callable(to_dict):
            return self.walk(to_dict(), path)
        try:
            if pd.isna(value):
                return None
        except (TypeError, ValueError):
            pass
        return str(value)


def json_ready(payload: Any, reasons: Mapping[str, str] | None = None) -> Any:
    """A copy of ``payload`` that :func:`json.dumps` writes as valid JSON.

    numpy values become Python ones, timestamps ISO dates, DataFrames lists of
    records; NaN and ±inf become None, and when ``payload`` is a dict its
    ``null_reasons`` field says why for each (``reasons`` adds or overrides
    explanations by field name).
    """
    walker = _Walker(reasons or {})
    out = walker.walk(payload, "")
    if walker.nulls and isinstance(out, dict):
        out["null_reasons"] = {**out.get("null_reasons", {}), **walker.nulls}
    return out


def html_text(value: Any) -> str:
    """Any value as HTML-escaped text."""
    return html.escape(str(value))


def html_table(frame: pd.DataFrame, *, index: bool = True) -> str:
    """A DataFrame as an HTML table with every label and value escaped."""
    return frame.to_html(index=index, escape=True, float_format=lambda x: f"{x:.4g}")
