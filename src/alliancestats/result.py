"""The result of a coincidence test: numbers, the per-response table, a summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from .period import Period
from .window import Window

__all__ = ["CoincidenceResult", "ConfidenceInterval"]



class ConfidenceInterval(NamedTuple):
    low: float
    high: float


@dataclass(frozen=True, eq=False)
class CoincidenceResult:
    """Outcome of :func:`alliancestats.coincidence_test`.

    Unpacks as ``k, pvalue = result``. Every attribute always exists; the Monte
    Carlo ones (``n_resamples``, ``pvalue_se``, ``null_draws``) are ``None`` for
    exact results.

    Attributes
    ----------
    k : int
        Matched responses (the statistic K).
    n : int
        Responses tested (inside the period).
    expected : float
        ``E[K]`` under the null.
    pvalue : float
        Probability under the null of a K at least as extreme as observed, in
        the direction of ``alternative``.
    method : {"exact", "monte-carlo"}
    null : str
        Name of the null model; ``null_description`` says what it holds fixed.
    alternative : {"greater", "less", "two-sided"}
    window, period :
        What was tested.
    coverage : float
        ``C / T``, the share of period days a response would be matched on.
    covered_days : int
        ``C``.
    null_distribution : pandas.Series
        P(K = j) for j = 0..n under the null: exact, or the Monte Carlo frequencies.
    table : pandas.DataFrame
        One row per response (see :func:`alliancestats.match_table`).
    n_dropped : int
        Responses outside the period dropped with ``drop_outside=True``.
    """

    k: int
    n: int
    expected: float
    pvalue: float
    method: str
    null: str
    alternative: str
    window: Window
    period: Period
    coverage: float
    covered_days: int
    null_distribution: pd.Series = field(repr=False)
    table: pd.DataFrame = field(repr=False)
    null_options: dict[str, Any] = field(default_factory=dict)
    null_description: str = ""
    distribution: str = ""
    n_dropped: int = 0
    n_resamples: int | None = None
    pvalue_se: float | None = None
    null_draws: np.ndarray | None = field(default=None, repr=False)
    responses_name: str | None = None
    triggers_name: str | None = None
    n_triggers: int = 0

    def __iter__(self) -> Iterator[Any]:
        return iter((self.k, self.pvalue))

    @property
    def statistic(self) -> int:
        """K, under the name :mod:`scipy.stats` results use."""
        return self.k

    @property
    def rate(self) -> float:
        """Observed share of matched responses, ``K / n``."""
        return self.k / self.n

    @property
    def ratio(self) -> float:
        """``K / E[K]``: how many times the chance count was observed (inf if E[K] = 0)."""
        return self.k / self.expected if self.expected > 0 else float("inf") if self.k else float("nan")

    def confidence_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        """Exact (Clopper–Pearson) interval for the matched share ``K / n``.

        This describes the observed rate, not the null: compare it with
        ``expected / n``.
        """
        ci = stats.binomtest(self.k, self.n).proportion_ci(
            confidence_level=confidence_level, method="exact")
        return ConfidenceInterval(float(ci.low), float(ci.high))

    def summary(self) -> str:
        """A plain-text report a referee can read."""
        from ._report import summary_text

        return summary_text(self)

    def to_frame(self) -> pd.DataFrame:
        """The result as a one-row DataFrame (stack several with ``pd.concat``)."""
        ci = self.confidence_interval()
        return pd.DataFrame([{
            "null": self.null, "method": self.method, "alternative": self.alternative,
            "window_lo": self.window.lo, "window_hi": self.window.hi, "n": self.n, "k": self.k,
            "rate": self.rate, "rate_ci_low": ci.low, "rate_ci_high": ci.high,
            "coverage": self.coverage, "expected": self.expected, "ratio": self.ratio,
            "pvalue": self.pvalue, "pvalue_se": self.pvalue_se, "n_resamples": self.n_resamples,
        }])

    def _repr_html_(self) -> str:
        from ._output import html_table, html_text

        head = self.to_frame().T.rename(columns={0: "value"})
        return (f"<p><b>Coincidence test</b>: {html_text(self.null_description)}</p>"
                + html_table(head)
                + f"<p>Per response (first 10 of {self.n}):</p>"
                + html_table(self.table.head(10), index=False))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (Monte Carlo adds ``n_resamples``, ``pvalue_se``).

        A number that is not finite (``ratio`` when E[K] = 0, an infinite value
        in a response attribute) is null, and ``null_reasons`` says why for each.
        """
        from ._output import json_ready

        ci = self.confidence_interval()
        out: dict[str, Any] = {
            "k": self.k,
            "n": self.n,
            "expected": self.expected,
            "pvalue": self.pvalue,
            "method": self.method,
            "null": self.null,
            "null_options": self.null_options,
            "null_description": self.null_description,
            "alternative": self.alternative,
            "window": self.window.to_dict(),
            "period": self.period.to_dict(),
            "coverage": self.coverage,
            "covered_days": self.covered_days,
            "rate": self.rate,
            "rate_ci_95": [ci.low, ci.high],
            "ratio": self.ratio,
            "n_dropped": self.n_dropped,
            "n_triggers": self.n_triggers,
            "table": self.table,
        }
        if self.method == "monte-carlo":
            out["n_resamples"] = self.n_resamples
            out["pvalue_se"] = self.pvalue_se
        return json_ready(out)

    def __repr__(self) -> str:
        se = f" ± {self.pvalue_se:.4f}" if self.pvalue_se is not None else ""
        return (f"CoincidenceResult(k={self.k}, n={self.n}, expected={self.expected:.3f}, "
                f"pvalue={self.pvalue:.4g}{se}, method={self.method!r}, null={self.null!r})")


def tests_payload(results: list[CoincidenceResult]) -> dict[str, Any]:
    """The DESIGN §4 JSON shape for several tests of one K: ``k, n, window, period,
    tests`` (Monte Carlo entries add ``n_resamples`` and ``pvalue_se``)."""
    first = results[0]
    tests = []
    for res in results:
        entry: dict[str, Any] = {"null": res.null, "method": res.method,
                                 "expected": res.expected, "pvalue": res.pvalue}
        if res.method == "monte-carlo":
            entry.update(n_resamples=res.n_resamples, pvalue_se=res.pvalue_se)
        tests.append(entry)
    return {"k": first.k, "n": first.n, "window": first.window.to_dict(),
            "period": first.period.to_dict(), "tests": tests}
