"""The result of a scan over many dyads: a table, the FDR family, a pooled test."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .._convolution import sum_of_units
from .._docstrings import shared
from .._output import Summary, html_block, json_ready, text_block
from .._pvalues import exact_tail
from .._validation import check_bool, check_integer
from ..errors import AllianceStatsError
from ..period import Period
from ..window import Window

__all__ = ["ScanResult", "PooledResult"]


class PooledResult(NamedTuple):
    """Matched responses summed over dyads, against the sum of the dyads' own nulls.

    The null distribution is the convolution of every dyad's exact null pmf (the
    dyads are independent under the null). A p-value below ``1e-300`` is reported as
    that bound with ``pvalue_underflow`` True (the convolution has no log-space tail,
    so no exact ``log10``), as in :func:`alliancestats.coincidence_test`.

    Attributes
    ----------
    k : int
        Matched responses, summed over the dyads.
    n : int
        Responses, summed over the dyads.
    expected : float
        The total's mean under the null.
    pvalue : float
        The exact p-value of ``k`` under the convolution, in the direction of the
        scan's ``alternative``.
    n_dyads : int
        Dyads pooled.
    pvalue_underflow : bool
        True when the p-value is below ``1e-300`` and ``pvalue`` holds that bound.
    """

    k: int
    n: int
    expected: float
    pvalue: float
    n_dyads: int
    pvalue_underflow: bool = False


TITLE = "Scan: do each dyad's events follow its triggers more often than chance?"


@dataclass(frozen=True, eq=False)
class ScanResult:
    """Outcome of :func:`alliancestats.scan`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per dyad: ``a, b, n, k, covered_days, coverage, expected, pvalue,
        pvalue_underflow, log10_pvalue, testable, untestable, pvalue_bh``; testable
        dyads first, by p-value. A p-value is never 0: below ``1e-300`` it is reported
        as that bound with ``pvalue_underflow`` True and, under the ``uniform`` null
        (binomial or hypergeometric tails), its exact ``log10_pvalue`` (NaN otherwise),
        as in :func:`alliancestats.coincidence_test`.
        ``untestable`` says why a dyad cannot be tested (``"no coverage"``,
        ``"full coverage"``, ``"K forced"``) and is None otherwise; untestable dyads
        have no ``pvalue_bh`` (NaN): they are outside the false-discovery family.
    null, null_description : str
        The placement null and what it keeps and randomises.
    null_options : dict
        The null's options.
    alternative : {"greater", "less", "two-sided"}
        The direction of every dyad's test.
    window : Window
        The lags that counted as a match.
    period : Period
        The observation period.
    responses, triggers : str
        What the responses and triggers of each dyad were.
    n_below_min_days : int
        Dyads left out for having fewer than ``min_days`` response days.
    engine : str
        The engine that reduced the rows (``"pandas"``, ``"duckdb"``, ``"dask"``).
    input_rows : int or None
        Event rows read.
    unknown_countries : pandas.DataFrame or None
        Country values kept as missing with ``unknown="missing"`` (``column``,
        ``value``, ``rows``, ``reason``), as :attr:`EventTable.unknown_countries`.
    """

    table: pd.DataFrame
    null: str
    null_description: str
    null_options: dict[str, Any]
    alternative: str
    window: Window
    period: Period
    responses: str
    triggers: str
    n_below_min_days: int = 0
    engine: str = "pandas"
    input_rows: int | None = None
    unknown_countries: pd.DataFrame | None = field(default=None, repr=False)
    _pmf_values: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    _pmf_start: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64), repr=False)

    def __len__(self) -> int:
        return len(self.table)

    @property
    def n_testable(self) -> int:
        """Dyads in the false-discovery family."""
        return int(self.table["testable"].sum())

    def pmf(self, row: int) -> np.ndarray:
        """Exact null pmf of K for one row of :attr:`table`.

        Parameters
        ----------
        row : int
            The row's position in :attr:`table` (0 is the first).

        Returns
        -------
        numpy.ndarray
            The probabilities of K = 0..n for that dyad (``n + 1`` values).
        """
        row = check_integer(row, "row", minimum=0)
        if row >= len(self.table):
            raise AllianceStatsError(f"`row` must be below {len(self.table)} (the table's rows), "
                                     f"got {row}")
        start, n = int(self._pmf_start[row]), int(self.table["n"].iloc[row])
        return self._pmf_values[start: start + n + 1]

    def pooled(self, *, testable_only: bool = True) -> PooledResult:
        """One test of all dyads together: total K against the convolution of the
        dyads' null distributions (untestable dyads add a constant and are left out
        unless ``testable_only=False``).

        Parameters
        ----------
        testable_only : bool
            Pool the testable dyads only (default), or every dyad of the table.

        Returns
        -------
        PooledResult
            Total K and n, the total's mean under the null and its exact p-value.

        Examples
        --------
        >>> import alliancestats as als
        >>> table = als.datasets.load_synthetic_events()   # SYNTHETIC data
        >>> res = als.scan(table, window=als.Window.after(days=30),
        ...                period=als.Period("2015-01-01", "2020-12-31"), trigger_actor="USA")
        >>> pooled = res.pooled()
        >>> bool(pooled.k == res.table.k[res.table.testable].sum()), pooled.n_dyads == res.n_testable
        (True, True)
        """
        rows = np.flatnonzero(self.table["testable"].to_numpy()) \
            if check_bool(testable_only, "testable_only") else np.arange(len(self.table))
        pmf, first = sum_of_units([(self.pmf(int(row)), 0) for row in rows], [1] * len(rows))
        k = int(self.table["k"].to_numpy()[rows].sum())
        n = int(self.table["n"].to_numpy()[rows].sum())
        # the total's pmf on K = 0..n (the convolution trims probabilities that are exactly 0)
        pmf = np.concatenate([np.zeros(first), pmf, np.zeros(n + 1 - first - len(pmf))])
        p = exact_tail(pmf, k, self.alternative)
        return PooledResult(k=k, n=n, expected=float(pmf @ np.arange(n + 1)), pvalue=p.value,
                            n_dyads=len(rows), pvalue_underflow=p.underflow)

    def to_frame(self) -> pd.DataFrame:
        """The per-dyad table.

        Returns
        -------
        pandas.DataFrame
            A copy of :attr:`table` with ``untestable`` as text, missing for testable
            dyads.
        """
        return self.table.astype({"untestable": "str"})

    def _pairs(self) -> list[tuple[str, str]]:
        untestable = self.table["untestable"].value_counts().to_dict()
        why = ", ".join(f"{v} {k}" for k, v in untestable.items()) or "none"
        return [
            ("Responses", self.responses), ("Triggers", self.triggers),
            ("Period", f"{self.period.start.date()} to {self.period.end.date()} "
                       f"(T = {self.period.n_days} days)"),
            ("Window", f"lag {self.window}"), ("Null", self.null_description),
            ("Events", (f"{self.input_rows:,} rows" if self.input_rows is not None else "rows")
                       + f", reduced by the {self.engine} engine"),
            ("Dyads", f"{len(self.table)} scanned; {self.n_testable} testable (the "
                      f"Benjamini-Hochberg family); untestable: {why}"
                      + (f"; {self.n_below_min_days} below min_days left out"
                         if self.n_below_min_days else "")),
        ]

    @shared
    def summary(self, top: int = 10) -> Summary:
        """Plain-text report: what was scanned, the FDR family, the top dyads.

        Parameters
        ----------
        top : int
            How many dyads to list (the first rows of :attr:`table`: testable dyads
            first, by p-value).

        Returns
        -------
        {shared: returns_summary}
        """
        top = check_integer(top, "top", minimum=0)
        return text_block(TITLE, self._pairs(), [("", self.table.head(top))])

    @shared
    def to_dict(self) -> dict[str, Any]:
        """The scan as a JSON-ready dict: what was scanned, the counts of dyads, and
        ``dyads``, the table as a list of records (``pvalue_bh`` of an untestable dyad
        is None: it is not in the family).

        Returns
        -------
        {shared: returns_json}
        """
        return json_ready({"null": self.null, "null_description": self.null_description,
                "null_options": self.null_options,
                "alternative": self.alternative, "window": self.window.to_dict(),
                "period": self.period.to_dict(), "responses": self.responses,
                "triggers": self.triggers, "n_dyads": len(self.table),
                "n_testable": self.n_testable, "n_below_min_days": self.n_below_min_days,
                "engine": self.engine, "input_rows": self.input_rows,
                "unknown_countries": (self.unknown_countries.to_dict("records")
                                      if self.unknown_countries is not None else []),
                "fdr_family": "testable dyads only", "dyads": self.table},
                reasons={"pvalue_bh": "untestable dyad: not in the false-discovery family",
                         "log10_pvalue": "p-value not below 1e-300, or no log-space tail "
                                         "under this null"})

    def _repr_html_(self) -> str:
        return html_block(TITLE, self._pairs(), [("Dyads, most significant first", self.table)])

    def __repr__(self) -> str:
        return (f"ScanResult({len(self.table)} dyads, {self.n_testable} testable, "
                f"null={self.null!r})")
