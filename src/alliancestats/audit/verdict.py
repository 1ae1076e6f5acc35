r"""The audit's verdict: the declared primary analysis and its placebo, nothing else.

This module computes only what the verdict needs (:func:`audit_verdict`), so that
its error rates can be measured on many simulated datasets; :func:`alliancestats.audit`
calls it first and adds every other check around it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .._docstrings import shared
from .._output import Displayed, html_block, json_ready, text_block
from .._validation import check_fraction, check_integer, check_rng
from ..coincidence import coincidence_test
from ..diagnose import Diagnosis, diagnose
from ..errors import AllianceStatsError
from ..events import EventSeries
from ..matching import _check_types
from ..period import Period
from ..result import CoincidenceResult
from ..window import Window
from .analysis import Analysis, primary_from_diagnosis
from .placebo import MIN_SHIFT, PlaceboResult, checked_shifts, placebo_test

__all__ = ["AuditVerdict", "audit_verdict", "LEVELS", "verdict_level"]

#: the verdict levels, strongest first
LEVELS = ("supported", "suggestive", "not supported")


def verdict_level(primary_pvalue: float, placebo_pvalue: float, alpha: float) -> str:
    """The rule: ``supported`` when the primary p-value and the placebo p-value are both
    at most ``alpha``; ``suggestive`` when only the primary one is; else ``not supported``.

    Parameters
    ----------
    primary_pvalue : float
        The p-value of the primary test.
    placebo_pvalue : float
        The placebo p-value (see :func:`alliancestats.placebo_test`).
    alpha : float
        The significance level.

    Returns
    -------
    str
        ``"supported"``, ``"suggestive"`` or ``"not supported"``.

    Examples
    --------
    >>> verdict_level(0.01, 0.03, 0.05), verdict_level(0.01, 0.2, 0.05), verdict_level(0.2, 0.01, 0.05)
    ('supported', 'suggestive', 'not supported')
    """
    if primary_pvalue > alpha:
        return "not supported"
    return "supported" if placebo_pvalue <= alpha else "suggestive"


@dataclass(frozen=True, eq=False)
class AuditVerdict:
    """Outcome of :func:`audit_verdict`.

    Attributes
    ----------
    level : {"supported", "suggestive", "not supported"}
        The machine-readable verdict (see :func:`verdict_level` for the rule).
    text : str
        The verdict in words.
    primary : Analysis
        The primary analysis, with its window.
    chosen_by : {"declared", "diagnose"}
        Whether the caller declared it or :func:`alliancestats.diagnose` chose it.
    reason : str
        Why this analysis (for ``diagnose``: the ranking and the statistic's reason).
    result : CoincidenceResult
        The primary test.
    placebo : PlaceboResult
        The primary test against the shifted trigger lists.
    alpha : float
        The significance level both p-values are compared with.
    diagnosis : Diagnosis or None
        The diagnosis the primary analysis came from (None when declared).
    """

    level: str
    text: str
    primary: Analysis
    chosen_by: str
    reason: str
    result: CoincidenceResult
    placebo: PlaceboResult
    alpha: float
    diagnosis: Diagnosis | None

    def _pairs(self) -> list[tuple[str, str]]:
        r = self.result
        return [("Level", self.level), ("Verdict", self.text),
                ("Primary analysis", f"{self.primary.label()}, window {self.primary.window} "
                                     f"({self.chosen_by})"),
                ("Why", self.reason),
                ("Primary test", f"{r.symbol} = {r.statistic:.4g}, E = {r.expected:.4g}, "
                                 f"p = {r.pvalue:.4g} ({r.method})"),
                ("Placebo", f"{self.placebo.share:.1%} of {self.placebo.n_shifts} shifted lists "
                            f"as remarkable; placebo p = {self.placebo.pvalue:.4g}")]

    @shared
    def summary(self) -> str:
        """The verdict as a plain-text report: level, verdict in words, the primary
        analysis and why, the primary test and the placebo.

        Returns
        -------
        {shared: returns_summary}
        """
        return text_block("Audit verdict", self._pairs())

    def _repr_html_(self) -> str:
        return html_block("Audit verdict", self._pairs())

    __repr__ = Displayed._short_repr

    @shared
    def to_dict(self) -> dict[str, Any]:
        """The verdict as a JSON-ready dict: level, text, alpha, the primary analysis,
        the primary test and the placebo's p-value, share and number of shifts.

        Returns
        -------
        {shared: returns_json}
        """
        return json_ready({
            "verdict_level": self.level, "verdict": self.text, "alpha": self.alpha,
            "primary": {**self.primary.to_dict(), "chosen_by": self.chosen_by,
                        "reason": self.reason, "label": self.primary.label()},
            "primary_test": _test_entry(self.result),
            "placebo": {"pvalue": self.placebo.pvalue, "share": self.placebo.share,
                        "n_shifts": self.placebo.n_shifts}})


def _test_entry(result: CoincidenceResult) -> dict[str, Any]:
    entry: dict[str, Any] = {"null": result.null, "statistic": result.statistic_name,
                             "statistic_value": result.statistic, "k": result.k, "n": result.n,
                             "expected": result.expected, "pvalue": result.pvalue,
                             "method": result.method, "window": result.window.to_dict()}
    if result.method == "monte-carlo":
        entry.update(n_resamples=result.n_resamples, pvalue_se=result.pvalue_se)
    return entry


def resolve_window(window: Any, primary: Any) -> Window:
    """The window of the audit: ``window``, or the primary analysis's; both given, they
    must agree."""
    if primary is not None and not isinstance(primary, Analysis):
        raise AllianceStatsError(f"`primary` must be an alliancestats.Analysis or None, got "
                                 f"{type(primary).__name__}")
    declared = None if primary is None else primary.window
    if window is None and declared is None:
        raise AllianceStatsError("give `window` (or a `primary` Analysis with a window)")
    if window is not None and not isinstance(window, Window):
        raise AllianceStatsError(f"`window` must be a Window, got {type(window).__name__}")
    if window is not None and declared is not None and window != declared:
        raise AllianceStatsError(
            f"`window` {window} and the primary analysis's window {declared} differ; give "
            "one of them, or the same window twice")
    return window if window is not None else declared  # type: ignore[return-value]


@shared
def audit_verdict(
    responses: EventSeries,
    triggers: EventSeries,
    *,
    window: Window | None = None,
    period: Period,
    primary: Analysis | None = None,
    alpha: float = 0.05,
    placebo_step: int | None = None,
    placebo_min: int = MIN_SHIFT,
    placebo_max: int | None = None,
    n_resamples: int = 999,
    rng: Any = None,
    drop_outside: bool = False,
) -> AuditVerdict:
    r"""The audit's verdict alone: the primary analysis and its placebo check.

    Computes exactly what :func:`alliancestats.audit` bases its ``verdict_level``
    on, and nothing else: with the same arguments and seed both give the same
    level. Fast enough to run on many simulated datasets (a few tens of
    milliseconds on the case study).

    Parameters
    ----------
    {shared: responses_triggers}
    window : Window, optional
        The window; may instead come from ``primary``.
    {shared: period}
    primary : Analysis, optional
        The declared primary analysis. Without it, :func:`alliancestats.diagnose`
        (dates only, no p-value) chooses: its top-ranked null with its options,
        and Λ (``likelihood``); see
        :func:`~alliancestats.audit.analysis.primary_from_diagnosis`.
    alpha : float
        Level of the primary test and of the placebo check.
    placebo_step, placebo_min, placebo_max : int, optional
        The shifts of the placebo (``step``, ``min_shift``, ``max_shift`` of
        :func:`~alliancestats.audit.placebo.placebo_test`).
    n_resamples : int
        Monte Carlo draws for ``diagnose``'s clustering measures and for any test
        without an exact distribution.
    {shared: rng drop_outside}

    Returns
    -------
    AuditVerdict
        The level, the verdict in words, the primary analysis and why, the primary
        test and its placebo.

    Notes
    -----
    The rule (:func:`verdict_level`), with :math:`p` the primary p-value and
    :math:`p_{pl}` the placebo p-value:

    * **supported**: :math:`p \le \alpha` and :math:`p_{pl} \le \alpha`;
    * **suggestive**: :math:`p \le \alpha` but :math:`p_{pl} > \alpha` (shifted
      trigger lists often look as remarkable: the null may not describe these
      data);
    * **not supported**: :math:`p > \alpha`.

    "Supported" needs the primary test to reject, so under any data on which the
    primary test holds its level, it is reached at most a share α of the time,
    whatever the placebo does. The primary null is chosen from the dates alone,
    never from a p-value, so the choice cannot favour significance. The rates
    measured on simulated data with no coupling and with strong coupling are in
    the documentation (page "The audit and its verdict").

    Examples
    --------
    >>> import alliancestats as als
    >>> case = als.datasets.load_iran_venezuela()
    >>> v = audit_verdict(case.meetings, case.independent_sanctions, window=case.window,
    ...                   period=case.period, rng=0)
    >>> v.level, v.primary.label(), round(v.result.pvalue, 3)
    ('not supported', 'Λ (likelihood) under stratified (strata=year)', 0.275)
    """
    window = resolve_window(window, primary)
    alpha = check_fraction(alpha, "alpha")
    n_resamples = check_integer(n_resamples, "n_resamples", minimum=1)
    generator = check_rng(rng)
    _check_types(responses=responses, triggers=triggers, window=window, period=period)
    checked_shifts(triggers, window, period, step=placebo_step, min_shift=placebo_min,
                   max_shift=placebo_max)                   # a bad range fails before any work
    diagnosis = None
    if primary is None:
        diagnosis = diagnose(responses, triggers, window=window, period=period,
                             n_resamples=n_resamples, rng=generator, drop_outside=drop_outside)
        primary, reason = primary_from_diagnosis(diagnosis, window)
        chosen_by = "diagnose"
    else:
        primary = primary.with_window(window)
        chosen_by, reason = "declared", "declared by the caller before the audit"
    result = coincidence_test(responses, triggers, window=window, period=period,
                              null=primary.null, statistic=primary.statistic,
                              n_resamples=n_resamples, rng=generator, drop_outside=drop_outside,
                              **primary.options())
    placebo = placebo_test(responses, triggers, window=window, period=period,
                           null=primary.null, statistic=primary.statistic, step=placebo_step,
                           min_shift=placebo_min, max_shift=placebo_max, n_resamples=n_resamples,
                           rng=generator, drop_outside=drop_outside, **primary.options())
    level = verdict_level(result.pvalue, placebo.pvalue, alpha)
    return AuditVerdict(level=level, text=verdict_text(level, primary, result, placebo, alpha),
                        primary=primary, chosen_by=chosen_by, reason=reason, result=result,
                        placebo=placebo, alpha=alpha, diagnosis=diagnosis)


def verdict_text(level: str, primary: Analysis, result: CoincidenceResult,
                 placebo: PlaceboResult, alpha: float) -> str:
    """The verdict in words."""
    test = (f"the primary analysis ({primary.label()}, window {primary.window}) gives "
            f"{result.symbol} = {result.statistic:.4g} against {result.expected:.4g} expected, "
            f"p = {result.pvalue:.3g}")
    shifted = (f"{placebo.share:.0%} of {placebo.n_shifts} shifted trigger lists are as "
               f"remarkable (placebo p = {placebo.pvalue:.3g})")
    if level == "supported":
        return (f"Supported: {test} <= {alpha:g}, and only {shifted}. Responses follow "
                "triggers more often than the primary null allows.")
    if level == "suggestive":
        return (f"Suggestive: {test} <= {alpha:g}, but {shifted} > {alpha:g}: lists that "
                "cannot be linked to the responses often look as remarkable, so the null may "
                "not describe these data and the p-value alone is not enough.")
    return (f"Not supported: {test} > {alpha:g}. Under the declared primary analysis the "
            "responses do not follow triggers more often than chance allows.")
