"""How every result is written: strict JSON, escaped HTML and aligned plain text.

JSON rule (every ``to_dict()`` and every ``--json``): a number that is not finite
is written as ``null``, and the top-level field ``null_reasons`` maps the path of
each such field (``"ratio"``, ``"subsets[2].ratio"``) to why it has no value.
Missing values (``None``, ``NaN`` in a data column, ``NaT``) are ``null`` too;
a non-finite value that came from the data is explained as such.

HTML rule (every ``_repr_html_``): every string, label and value is escaped; the
key numbers come first as ``key  value`` rows, then each table, cut to
:data:`HTML_ROWS` rows and :data:`HTML_COLUMNS` columns with a count of what is left
out, folded under a ``<details>`` line (see :func:`html_block`).

Text rule (every ``summary()``): a title, an underline, ``key  value`` lines
aligned and wrapped at :data:`WIDTH` characters, then any tables; ``summary()``
returns a :class:`Summary` (a ``str`` that a notebook shows as preformatted text).

Frame rule (every ``to_frame()``): a column that can hold a missing value has a
nullable dtype (``Int64``, ``Float64``, ``boolean``), never ``object``; the index
names what each row is (see :func:`typed_frame`).
"""

from __future__ import annotations

import datetime as _dt
import html
import math
import re
import textwrap
from typing import Any, Mapping, Sequence

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
#: width of plain-text reports
WIDTH = 78


def _describe(value: float) -> str:
    return "nan" if value != value else ("inf" if value > 0 else "-inf")


class _Walker:
    def __init__(self, reasons: Mapping[str, str]) -> None:
        self.reasons = {**REASONS, **reasons}
        self.nulls: dict[str, str] = {}

    def reason(self, path: str) -> str | None:
        """The reason for the longest matching end of ``path`` (``pvalue`` explains
        ``tests[1].pvalue``), else for its longest matching start (``trends`` explains
        every field of the ``trends`` table)."""
        parts = re.sub(r"\[\d+\]", "", path).split(".")
        keys = [".".join(parts[start:]) for start in range(len(parts))]
        keys += [".".join(parts[:stop]) for stop in range(len(parts) - 1, 0, -1)]
        for key in keys:
            found = self.reasons.get(key)
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


# -- HTML ------------------------------------------------------------------------------------

def _number(x: float) -> str:
    return f"{x:.4g}"


def html_text(value: Any) -> str:
    """Any value as HTML-escaped text."""
    return html.escape(str(value))


def html_table(frame: pd.DataFrame, *, index: bool = True) -> str:
    """A DataFrame as an HTML table with every label and value escaped."""
    return frame.to_html(index=index, escape=True, float_format=_number)


#: rows and columns of a table shown in a notebook (the rest is counted, not shown)
HTML_ROWS = 10
HTML_COLUMNS = 10
#: rows of a table printed in a plain-text summary
TEXT_ROWS = 20


def html_preformatted(text: str) -> str:
    """Long text as escaped, monospaced, preformatted HTML (alignment kept)."""
    return (f"<pre style='font-family:monospace;white-space:pre-wrap;line-height:1.3'>"
            f"{html_text(text)}</pre>")


def html_cut_table(caption: str, frame: pd.DataFrame, *, index: bool = False,
                   rows: int = HTML_ROWS, columns: int = HTML_COLUMNS) -> str:
    """``frame`` folded under a ``<details>`` line that says its size; at most ``rows``
    rows and ``columns`` columns are shown, and what is cut is counted."""
    n_rows, n_columns = frame.shape
    shown = frame.iloc[:rows, :columns]
    size = (f"first {rows} of {n_rows} rows" if n_rows > rows
            else f"{n_rows} row{'s' * (n_rows != 1)}")
    if n_columns > columns:
        size += f"; first {columns} of {n_columns} columns"
    return (f"<details><summary>{html_text(caption)} ({html_text(size)})</summary>"
            f"{html_table(shown, index=index)}</details>")


def html_block(title: str, pairs: Sequence[tuple[str, str]],
               tables: Sequence[tuple[str, pd.DataFrame]] = ()) -> str:
    """A titled ``key  value`` table, then each table folded and cut (see
    :func:`html_cut_table`); everything escaped. The HTML twin of :func:`text_block`."""
    rows = "".join(f"<tr><th style='text-align:left;vertical-align:top'>{html_text(k)}</th>"
                   f"<td style='text-align:left'>{html_text(v)}</td></tr>" for k, v in pairs)
    parts = [f"<div class='alliancestats-result'><p><b>{html_text(title)}</b></p>",
             f"<table>{rows}</table>"]
    parts += [html_cut_table(caption, frame) for caption, frame in tables]
    return "".join(parts) + "</div>"


class Summary(str):
    """A plain-text report: a ``str`` (so ``str(s)``, ``in`` and ``print`` work as on
    any text) that shows as that text at a prompt and as monospaced, preformatted
    text in a notebook, like statsmodels' ``Summary``."""

    __slots__ = ()

    def as_text(self) -> str:
        """The report as a plain ``str``."""
        return str.__str__(self)

    def __repr__(self) -> str:
        return self.as_text()

    def _repr_html_(self) -> str:
        return html_preformatted(self.as_text())


class Displayed:
    """``summary()`` and ``_repr_html_`` of a result from one description of it: a
    class attribute ``_title``, ``_pairs()`` (the key numbers first) and ``_tables()``
    (captioned frames: printed whole in the text, folded and cut in a notebook)."""

    _title = ""

    def _pairs(self) -> list[tuple[str, str]]:
        raise NotImplementedError

    def _tables(self) -> list[tuple[str, pd.DataFrame]]:
        return []

    def summary(self) -> "Summary":
        """A plain-text report (a ``str``; a notebook shows it as preformatted text);
        tables past :data:`TEXT_ROWS` rows are cut, with a count (``to_frame()`` has all)."""
        tables = [(caption + (f" (first {TEXT_ROWS} of {len(frame)} rows)"
                              if len(frame) > TEXT_ROWS else ""), frame.head(TEXT_ROWS))
                  for caption, frame in self._tables()]
        return text_block(self._title, self._pairs(), tables)

    def _repr_html_(self) -> str:
        return html_block(self._title, self._pairs(), self._tables())

    def _short_repr(self) -> str:
        """One line: the class and its first two key numbers (no tables); a dataclass
        uses it with ``__repr__ = Displayed._short_repr``."""
        pairs = "; ".join(f"{k}: {v}" for k, v in self._pairs()[:2])
        return f"{type(self).__name__}({pairs})"


# -- frames ------------------------------------------------------------------------------------

#: the nullable dtype for each kind of value a column may hold next to a missing one
_NULLABLE = {"i": "Int64", "u": "Int64", "f": "Float64", "b": "boolean"}


def typed_frame(rows: Sequence[Mapping[str, Any]], *, index: Sequence[Any],
                index_name: str, dtypes: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Rows as a DataFrame whose columns with missing values (None) take the nullable
    dtype of their other values, ``dtypes`` fixing any column (e.g. ``"Float64"`` for one
    that is None in every row), indexed by ``index`` (what each row is)."""
    columns: dict[str, list[Any]] = {}
    for row in rows:
        for key in row:
            columns.setdefault(key, [])
    for key, values in columns.items():
        values.extend(row.get(key) for row in rows)
    out = {}
    for key, values in columns.items():
        wanted = (dtypes or {}).get(key)
        present = [v for v in values if v is not None]
        if wanted is None and len(present) < len(values) and present:
            wanted = _NULLABLE.get(np.asarray(present).dtype.kind)
        out[key] = pd.array(values, dtype=wanted) if wanted is not None else values
    return pd.DataFrame(out, index=pd.Index(list(index), name=index_name))


# -- plain text ----------------------------------------------------------------------------------

def text_rows(pairs: Sequence[tuple[str, str]]) -> list[str]:
    """``key  value`` lines, keys aligned, values wrapped at :data:`WIDTH`."""
    width = max((len(k) for k, _ in pairs), default=0)
    out = []
    for key, value in pairs:
        lines = textwrap.wrap(value, WIDTH - width - 2) or [""]
        out.append(f"{key:<{width}}  {lines[0]}")
        out.extend(" " * (width + 2) + line for line in lines[1:])
    return out


def text_table(frame: pd.DataFrame, *, index: bool = False) -> str:
    """A DataFrame as aligned plain text, numbers to four significant digits."""
    return frame.to_string(index=index, float_format=_number)


def text_block(title: str, pairs: Sequence[tuple[str, str]],
               tables: Sequence[tuple[str, pd.DataFrame]] = ()) -> "Summary":
    """A titled block of ``key  value`` lines, then captioned tables, as a :class:`Summary`."""
    lines = [title, "=" * len(title), *text_rows(pairs)]
    for caption, frame in tables:
        lines += ["", caption, text_table(frame)] if caption else ["", text_table(frame)]
    return Summary("\n".join(lines))


def paragraph(text: str, indent: str = "   ") -> str:
    """``text`` wrapped at :data:`WIDTH`, every line indented."""
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def interval_text(low: float, high: float, digits: int = 3) -> str:
    """``low to high``; an infinite bound is written ``inf``."""
    def one(x: float) -> str:
        return "inf" if x == math.inf else "-inf" if x == -math.inf else f"{x:.{digits}f}"
    return f"{one(low)} to {one(high)}"
