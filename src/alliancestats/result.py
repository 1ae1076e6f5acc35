"""The result of a coincidence test: numbers, the per-response table, a summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterator, NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from ._docstrings import shared
from ._validation import check_fraction
from .period import Period
from .window import Window

__all__ = ["CoincidenceResult", "ConfidenceInterval"]


class ConfidenceInterval(NamedTuple):
    """A confidence interval, unpacking as ``low, high``.

    Attributes
    ----------
    low, high : float
        The interval's lower and upper bounds.
    """

    low: float
    high: float


@dataclass(frozen=True, eq=False)
class CoincidenceResult:
    """Outcome of :func:`alliancestats.coincidence_test`.

    Unpacks as ``statistic, pvalue = result``. Every attribute always exists; the
    Monte Carlo ones (``n_resamples``, ``pvalue_se``) are ``None`` for exact
    results, and ``null_draws`` is ``None`` unless Monte Carlo ran with
    ``keep_draws=True``.

    Attributes
    ----------
    k : int
        Matched responses (K), whatever statistic was tested.
    n : int
        Responses tested (inside the period).
    statistic : int or float
        Observed value of the tested statistic (K for ``matches``).
    statistic_name : {"matches", "pairs", "trigger-rate", "likelihood"}
        The tested statistic (see :mod:`alliancestats.statistics`).
    expected : float
        Its mean under the null (``E[K]`` for ``matches``).
    pvalue : float
        Probability under the null of a statistic at least as extreme as observed,
        in the direction of ``alternative``. Never 0: below ``1e-300`` it is
        reported as that bound and ``pvalue_underflow`` is True.
    pvalue_underflow : bool
        True when the p-value is below ``1e-300`` and ``pvalue`` holds that bound.
    log10_pvalue : float or None
        With ``pvalue_underflow``, the exact ``log10`` of the p-value where the
        null distribution has a log-space tail (binomial, hypergeometric); None
        otherwise.
    method : {"exact", "monte-carlo"}
        How the p-value was computed.
    null : str
        Name of the null model; ``null_description`` says what it holds fixed.
    null_options : dict
        The null's options, every one with its value (defaults included).
    null_description : str
        One line: the null with the options changed from their defaults, what it
        holds fixed and what it randomises.
    distribution : str
        A short name of the exact null distribution (e.g. ``Binomial(25, 0.70)``),
        or ``"no closed form"``.
    alternative : {"greater", "less", "two-sided"}
        The direction of the test.
    window : Window
        The lags that counted as a match.
    period : Period
        The observation period.
    coverage : float
        ``C / T``, the share of period days a response would be matched on.
    covered_days : int
        ``C``.
    null_distribution : pandas.Series
        Null probabilities indexed by the statistic's values (K: ``0..n``; pairs:
        ``0..max``; trigger rate: the values that occur): exact, or the Monte
        Carlo frequencies.
    table : pandas.DataFrame
        One row per response (see :func:`alliancestats.match_table`), built on
        first access.
    n_dropped : int
        Responses outside the period dropped with ``drop_outside=True``.
    n_resamples : int or None
        Monte Carlo draws ``B``; None for an exact result.
    pvalue_se : float or None
        Standard error of a Monte Carlo p-value, ``sqrt(p(1-p)/B)``; None for
        an exact result.
    null_draws : numpy.ndarray or None
        The statistic in every Monte Carlo draw, kept with ``keep_draws=True``;
        else None.
    responses_name, triggers_name : str or None
        The names of the two series (their ``name``), for labels.
    n_triggers : int
        Triggers given (all of them, including those that cover no period day).
    table_inputs, effect_inputs : tuple
        What :attr:`table` and :meth:`effect_sizes` are computed from on first use
        (the responses, triggers and window; the null model and the test's setup).
    distribution_inputs : tuple
        What ``null_distribution``, ``distribution`` and ``null_description`` are
        computed from on first use (the null distribution's values and
        probabilities, and the statistic; with the null model and setup of
        ``effect_inputs``). A p-value alone needs none of them.
    notes : tuple of str
        What the reader should know about how the value was computed (e.g. Monte
        Carlo used because the exact distribution would have cost too much).
    effect_sizes_unavailable : str or None
        Why :meth:`effect_sizes` is not defined under this null, or None when it
        is. Effect sizes are measured from a placement of each response
        independently of the others (``uniform``, ``stratified``, ``jitter``,
        and ``episode-jitter`` when every episode is one response); under
        ``circular`` and multi-response episodes K is not such a sum, and
        ``poisson`` and ``shuffle-triggers`` redraw the triggers, so their
        E[K] is not the baseline the effect sizes measure from. There,
        :meth:`summary` prints "Effect sizes: not available under this null"
        with the reason, and :meth:`to_dict` writes ``effect_sizes: null``
        with the reason in ``null_reasons``.
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
    table_inputs: tuple[Any, ...] = field(repr=False)
    effect_inputs: tuple[Any, ...] = field(repr=False)
    distribution_inputs: tuple[Any, ...] = field(repr=False)
    statistic: float = 0
    statistic_name: str = "matches"
    null_options: dict[str, Any] = field(default_factory=dict)
    n_dropped: int = 0
    n_resamples: int | None = None
    pvalue_se: float | None = None
    null_draws: np.ndarray | None = field(default=None, repr=False)
    responses_name: str | None = None
    triggers_name: str | None = None
    n_triggers: int = 0
    pvalue_underflow: bool = False
    log10_pvalue: float | None = None
    notes: tuple[str, ...] = ()

    @cached_property
    def null_distribution(self) -> pd.Series:
        """Null probabilities indexed by the statistic's values (built on first access)."""
        from ._pvalues import NullDistribution

        values, pmf, _ = self.distribution_inputs
        return distribution_series(NullDistribution(values, pmf), self.statistic_name, self.n,
                                   self.statistic)

    @cached_property
    def distribution(self) -> str:
        """A short name of the exact null distribution (built on first access)."""
        model, setup = self.effect_inputs
        return str(model.distribution_label(setup, self.distribution_inputs[2]))

    @cached_property
    def null_description(self) -> str:
        """The null, what it holds fixed and what it randomises (built on first access)."""
        model, _ = self.effect_inputs
        return str(model.describe())

    @cached_property
    def table(self) -> pd.DataFrame:
        """One row per response: matched or not, lag and trigger (see :func:`match_table`)."""
        from .matching import match_table

        responses, triggers, window = self.table_inputs
        return match_table(responses, triggers, window=window)

    def __iter__(self) -> Iterator[Any]:
        return iter((self.statistic, self.pvalue))

    def effect_sizes(self, confidence_level: float = 0.95) -> Any:
        """How far the matches exceed chance, with intervals (an
        :class:`~alliancestats.EffectSizes`): excess matches ``K - E_0[K]``, the
        coupling share π by maximum likelihood, and the rate ratio of responses
        on covered versus uncovered days, each under this result's null
        placement (see :func:`alliancestats.effect_sizes`).

        Raises :class:`~alliancestats.AllianceStatsError` where they are not
        defined, which ``effect_sizes_unavailable`` says beforehand: under
        ``circular``, ``poisson``, ``shuffle-triggers``, and ``episode-jitter``
        with an episode of more than one response.

        Parameters
        ----------
        confidence_level : float
            The intervals' confidence level, in ``(0, 1)``.

        Returns
        -------
        EffectSizes
            The three effect sizes with their intervals.
        """
        from .effects import effect_sizes_of

        if check_fraction(confidence_level, "confidence_level") == 0.95:
            return self._effect_sizes_95
        model, setup = self.effect_inputs
        return effect_sizes_of(model, setup, confidence_level=confidence_level)

    @cached_property
    def _effect_sizes_95(self) -> Any:
        from .effects import effect_sizes_of

        model, setup = self.effect_inputs
        return effect_sizes_of(model, setup, confidence_level=0.95)

    @property
    def effect_sizes_unavailable(self) -> str | None:
        """Why :meth:`effect_sizes` is not defined under this result's null (None when
        it is): they need a null that places each response independently."""
        model, setup = self.effect_inputs
        return model.effect_sizes_refusal(setup)

    @property
    def rate(self) -> float:
        """Observed share of matched responses, ``K / n``."""
        return self.k / self.n

    @property
    def symbol(self) -> str:
        """The statistic's letter: K (matches), S (pairs) or R (trigger rate)."""
        from .statistics import STATISTICS

        return STATISTICS[self.statistic_name].symbol

    @property
    def ratio(self) -> float:
        """Observed over expected statistic, e.g. ``K / E[K]`` (inf if the mean is 0 and
        the statistic is not; NaN if both are 0)."""
        value = self.statistic
        return value / self.expected if self.expected > 0 else float("inf") if value else float("nan")

    def confidence_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        """Exact (Clopper–Pearson) interval for the matched share ``K / n``.

        This describes the observed rate, not the null: compare it with
        ``expected / n``.

        Parameters
        ----------
        confidence_level : float
            The interval's confidence level, in ``(0, 1)``.

        Returns
        -------
        ConfidenceInterval
            ``low, high``, bounds on the probability that a response is matched.
        """
        ci = stats.binomtest(self.k, self.n).proportion_ci(
            confidence_level=check_fraction(confidence_level, "confidence_level"), method="exact")
        return ConfidenceInterval(float(ci.low), float(ci.high))

    @shared
    def summary(self) -> Any:
        """A plain-text report a referee can read.

        Returns
        -------
        {shared: returns_summary}
        """
        from ._report import summary_text

        return summary_text(self)

    def report(self) -> str:
        """A paragraph to paste into a paper's methods section: data sizes, window, null
        and its assumption, statistic, observed against expected, the p-value (with its
        standard error when Monte Carlo) and, under nulls that place each response
        independently, the effect sizes with their intervals.

        Returns
        -------
        str
            The paragraph.
        """
        from ._report import methods_paragraph

        return methods_paragraph(self)

    def to_frame(self) -> pd.DataFrame:
        """The result as a one-row DataFrame (stack several with ``pd.concat``), indexed by
        ``test`` (null, statistic and window).

        Returns
        -------
        pandas.DataFrame
            One row: null, method, alternative, window bounds, ``n``, ``k``, the
            statistic, the matched rate with its 95% interval, coverage, expected
            value, ratio and p-value; ``pvalue_se`` and ``n_resamples`` are nullable
            (missing for exact results).
        """
        from ._output import typed_frame

        ci = self.confidence_interval()
        label = f"{self.null}, {self.symbol}, lag {self.window.lo} to {self.window.hi}"
        return typed_frame([{
            "null": self.null, "method": self.method, "alternative": self.alternative,
            "window_lo": self.window.lo, "window_hi": self.window.hi, "n": self.n, "k": self.k,
            "statistic_name": self.statistic_name, "statistic": self.statistic,
            "rate": self.rate, "rate_ci_low": ci.low, "rate_ci_high": ci.high,
            "coverage": self.coverage, "expected": self.expected, "ratio": self.ratio,
            "pvalue": self.pvalue, "pvalue_se": self.pvalue_se, "n_resamples": self.n_resamples,
        }], index=[label], index_name="test",
            dtypes={"pvalue_se": "Float64", "n_resamples": "Int64"})

    def _repr_html_(self) -> str:
        from ._output import html_block
        from ._report import key_pairs

        table = self.table
        return html_block("Coincidence test", key_pairs(self),
                          [("Per response (match columns; the response attributes are in "
                            "result.table)", table[list(table.columns[:7])])])

    @shared
    def to_dict(self) -> dict[str, Any]:
        """The result as a JSON-ready dict (Monte Carlo adds ``n_resamples``,
        ``pvalue_se``), with the per-response ``table`` as a list of records.

        ``ratio`` is null when E[K] = 0; ``effect_sizes`` is null where they are not
        defined under this null, and ``null_reasons["effect_sizes"]`` says why.

        Returns
        -------
        {shared: returns_json}
        """
        from ._output import json_ready

        ci = self.confidence_interval()
        unavailable = self.effect_sizes_unavailable
        out: dict[str, Any] = {
            "k": self.k,
            "n": self.n,
            "statistic": self.statistic_name,
            "statistic_value": self.statistic,
            "expected": self.expected,
            "pvalue": self.pvalue,
            "pvalue_underflow": self.pvalue_underflow,
            "log10_pvalue": self.log10_pvalue,
            "notes": list(self.notes),
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
            "effect_sizes": None if unavailable else self.effect_sizes().to_dict(),
            "table": self.table,
        }
        if unavailable:
            out["null_reasons"] = {"effect_sizes": f"not defined under this null: {unavailable}"}
        if self.method == "monte-carlo":
            out["n_resamples"] = self.n_resamples
            out["pvalue_se"] = self.pvalue_se
        return json_ready(out)

    def __repr__(self) -> str:
        se = f" ± {self.pvalue_se:.4f}" if self.pvalue_se is not None else ""
        stat = ("" if self.statistic_name == "matches"
                else f"{self.statistic_name}={self.statistic:.4g}, ")
        p = f"<{self.pvalue:.0e}" if self.pvalue_underflow else f"={self.pvalue:.4g}"
        return (f"CoincidenceResult(k={self.k}, n={self.n}, {stat}expected={self.expected:.3f}, "
                f"pvalue{p}{se}, method={self.method!r}, null={self.null!r})")


def distribution_series(dist: Any, statistic: str, n: int, observed: float) -> pd.Series:
    """The null distribution as a Series indexed by the statistic's values."""
    if statistic == "trigger-rate":
        return pd.Series(dist.pmf, index=pd.Index(dist.values, name="trigger_rate"),
                         name="probability")
    last = n if statistic == "matches" else max(int(dist.values[-1]), int(observed))
    return pd.Series(dist.dense(0, last), index=pd.RangeIndex(last + 1, name=(
        "k" if statistic == "matches" else statistic)), name="probability")


def tests_payload(results: list[CoincidenceResult]) -> dict[str, Any]:
    """The JSON shape for several tests of one K: ``k, n, window, period, tests``
    (Monte Carlo entries add ``n_resamples`` and ``pvalue_se``; entries for another
    statistic than K add ``statistic`` and ``statistic_value``; an underflowing
    p-value adds ``pvalue_underflow`` and ``log10_pvalue``; ``notes`` when any)."""
    first = results[0]
    tests = []
    for res in results:
        entry: dict[str, Any] = {"null": res.null, "method": res.method,
                                 "expected": res.expected, "pvalue": res.pvalue}
        if res.statistic_name != "matches":
            entry.update(statistic=res.statistic_name, statistic_value=res.statistic)
        if res.method == "monte-carlo":
            entry.update(n_resamples=res.n_resamples, pvalue_se=res.pvalue_se)
        if res.pvalue_underflow:
            entry.update(pvalue_underflow=True, log10_pvalue=res.log10_pvalue)
        if res.notes:
            entry.update(notes=list(res.notes))
        tests.append(entry)
    from ._output import json_ready

    return json_ready({"k": first.k, "n": first.n, "window": first.window.to_dict(),
                       "period": first.period.to_dict(), "tests": tests})
