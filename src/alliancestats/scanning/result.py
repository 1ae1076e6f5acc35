"""The result of a scan over many dyads: a table, the FDR family, a pooled test."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .._convolution import sum_of_units
from .._output import Summary, html_block, json_ready, text_block
from .._validation import check_bool, check_integer
from ..errors import AllianceStatsError
from ..period import Period
from ..window import Window
from .stats import tail_pvalues

__all__ = ["ScanResult", "PooledResult"]


class PooledResult(NamedTuple):
    """Matched responses summed over dyads, against the sum of the dyads' own nulls.

    The null distribution is the convolution of every dyad's exact null pmf (the
    dyads are independent under the null).
    """

    k: int
    n: int
    expected: float
    pvalue: float
    n_dyads: int


TITLE = "Scan: do each dyad's events follow its triggers more often than chance?"


@dataclass(frozen=True, eq=False)
class ScanResult:
    """Outcome of :func:`alliancestats.scan`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per dyad: ``a, b, n, k, covered_days, coverage, expected, pvalue,
        testable, untestable, pvalue_bh``; testable dyads first, by p-value.
        ``untestable`` says why a dyad cannot be tested (``"no coverage"``,
        ``"full coverage"``, ``"K forced"``) and is None otherwise; untestable dyads
        have no ``pvalue_bh`` (NaN): they are outside the false-discovery family.
    null, null_description : str
        The placement null and what it keeps and randomises.
    alternative : str
    window, period :
        What was tested.
    responses, triggers : str
        What the responses and triggers of each dyad were.
    n_below_min_days : int
        Dyads left out for having fewer than ``min_days`` response days.
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
    _pmf_values: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    _pmf_start: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64), repr=False)

    def __len__(self) -> int:
        return len(self.table)

    @property
    def n_testable(self) -> int:
        """Dyads in the false-discovery family."""
        return int(self.table["testable"].sum())

    def pmf(self, row: int) -> np.ndarray:
        """Exact null pmf of K for row ``row`` of :attr:`table` (K = 0..n)."""
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
        pmf = np.concatenate([np.zeros(first), pmf])       # the total's pmf from K = 0
        k = int(self.table["k"].to_numpy()[rows].sum())
        n = int(self.table["n"].to_numpy()[rows].sum())
        p = float(tail_pvalues(pmf[None, :], np.array([k]), self.alternative)[0])
        return PooledResult(k=k, n=n, expected=float(pmf @ np.arange(len(pmf))), pvalue=p,
                            n_dyads=len(rows))

    def to_frame(self) -> pd.DataFrame:
        """The per-dyad table (a copy; ``untestable`` as text, missing for testable dyads)."""
        return self.table.astype({"untestable": "str"})

    def _pairs(self) -> list[tuple[str, str]]:
        untestable = self.table["untestable"].value_counts().to_dict()
        why = ", ".join(f"{v} {k}" for k, v in untestable.items()) or "none"
        return [
            ("Responses", self.responses), ("Triggers", self.triggers),
            ("Period", f"{self.period.start.date()} to {self.period.end.date()} "
                       f"(T = {self.period.n_days} days)"),
            ("Window", f"lag {self.window}"), ("Null", self.null_description),
            ("Dyads", f"{len(self.table)} scanned; {self.n_testable} testable (the "
                      f"Benjamini-Hochberg family); untestable: {why}"
                      + (f"; {self.n_below_min_days} below min_days left out"
                         if self.n_below_min_days else "")),
        ]

    def summary(self, top: int = 10) -> Summary:
        """Plain-text report: what was scanned, the FDR family, the top dyads."""
        top = check_integer(top, "top", minimum=0)
        return text_block(TITLE, self._pairs(), [("", self.table.head(top))])

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: NaN becomes None (``pvalue_bh`` of untestable dyads: not in the family)."""
        return json_ready({"null": self.null, "null_description": self.null_description,
                "null_options": self.null_options,
                "alternative": self.alternative, "window": self.window.to_dict(),
                "period": self.period.to_dict(), "responses": self.responses,
                "triggers": self.triggers, "n_dyads": len(self.table),
                "n_testable": self.n_testable, "n_below_min_days": self.n_below_min_days,
                "fdr_family": "testable dyads only", "dyads": self.table},
                reasons={"pvalue_bh": "untestable dyad: not in the false-discovery family"})

    def _repr_html_(self) -> str:
        return html_block(TITLE, self._pairs(), [("Dyads, most significant first", self.table)])

    def __repr__(self) -> str:
        return (f"ScanResult({len(self.table)} dyads, {self.n_testable} testable, "
                f"null={self.null!r})")
