"""The audit report: the verdict first, then every check under the primary analysis."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .._docstrings import shared
from .._output import Summary, html_block, json_ready
from ..composition import CompositionResult
from ..count_model import CountModelResult
from ..diagnose import Diagnosis
from ..effects import EffectSizes
from ..influence import InfluenceResult
from ..lagtest import LagTestResult
from ..result import CoincidenceResult
from ..sweep import SweepResult
from .analysis import Analysis
from .placebo import PlaceboResult
from .secondary import SecondaryResult
from .sensitivity import DateMoveBounds
from .verdict import AuditVerdict, _test_entry

__all__ = ["AuditReport"]


@dataclass(frozen=True, eq=False)
class AuditReport:
    """Every check of :func:`alliancestats.audit`, under one declared primary analysis.

    Attributes
    ----------
    decision : AuditVerdict
        The verdict and what it rests on: the primary analysis, its test and its
        placebo (what :func:`alliancestats.audit_verdict` computes).
    diagnosis : Diagnosis
        Trend, clustering and coverage of the data, and the ranked nulls.
    effects : EffectSizes
        Effect sizes with intervals under the primary null.
    reverse : CoincidenceResult
        The primary test in the other direction (triggers after responses).
    influence : InfluenceResult
        Leave-one-response-out and leave-one-trigger-out under the primary analysis.
    response_subsets : pandas.DataFrame or None
        The primary test without each level of ``sensitivity_attribute`` (None when
        not asked for).
    dates : DateMoveBounds or None
        The primary p-value over every move of the dates by up to ``move_days``
        (None when not asked for).
    sweep : SweepResult
        The window search under the primary null and statistic, min-p adjusted.
    lag : LagTestResult or None
        The window-free lag test under the primary null (None when the primary
        null redraws the triggers: the lag test moves responses).
    trigger_subsets : pandas.DataFrame
        The primary test on each level of the trigger columns asked for.
    secondary : SecondaryResult
        Every other null and statistic, adjusted for the family.
    count_model : CountModelResult or None
        The Poisson regression of daily counts on coverage, strata as diagnosed
        (None, with a note, when the data cannot fit it).
    composition : CompositionResult or None
    rates : tuple of two DataFrames or None
        Response rates per segment and their comparisons.
    notes : list of str
        Context for the verdict: fragility, disagreements, what was skipped.
    """

    decision: AuditVerdict
    diagnosis: Diagnosis
    effects: EffectSizes
    reverse: CoincidenceResult
    influence: InfluenceResult
    response_subsets: pd.DataFrame | None
    dates: DateMoveBounds | None
    sweep: SweepResult
    lag: LagTestResult | None
    trigger_subsets: pd.DataFrame
    secondary: SecondaryResult
    count_model: CountModelResult | None
    composition: CompositionResult | None
    rates: tuple[pd.DataFrame, pd.DataFrame] | None
    notes: list[str] = field(default_factory=list)

    # -- the verdict ---------------------------------------------------------------
    @property
    def verdict_level(self) -> str:
        """``"supported"``, ``"suggestive"`` or ``"not supported"``."""
        return self.decision.level

    @property
    def verdict(self) -> str:
        """The verdict in words."""
        return self.decision.text

    @property
    def primary(self) -> Analysis:
        """The primary analysis."""
        return self.decision.primary

    @property
    def result(self) -> CoincidenceResult:
        """The primary test."""
        return self.decision.result

    @property
    def placebo(self) -> PlaceboResult:
        """The placebo check under the primary analysis."""
        return self.decision.placebo

    # -- output ----------------------------------------------------------------------
    def checks(self) -> pd.DataFrame:
        """The checks under the primary analysis as a table.

        Returns
        -------
        pandas.DataFrame
            One row per check (primary test, placebo, reverse direction, leave one
            out, window search, then the lag test, response subsets and moved dates
            when they were run): ``check``, ``result`` (in words), ``pvalue`` and
            ``below_alpha``.
        """
        r, alpha = self.result, self.decision.alpha
        rows = [("primary test", f"{r.symbol} = {r.statistic:.4g}, E = {r.expected:.4g}",
                 r.pvalue),
                ("placebo (shifted trigger lists)", f"{self.placebo.share:.1%} of "
                 f"{self.placebo.n_shifts} as remarkable", self.placebo.pvalue),
                ("reverse direction", f"{self.reverse.symbol} = {self.reverse.statistic:.4g}, "
                 f"E = {self.reverse.expected:.4g}", self.reverse.pvalue)]
        worst = self._worst_drop()
        rows.append(("leave one out (largest p)", f"dropping {worst[0]}", worst[1]))
        best = self.sweep.best().iloc[0]
        rows.append(("window search (adjusted)", f"best [{int(best.lo)}, {int(best.hi)}]",
                     float(best.pvalue_adjusted)))
        if self.lag is not None:
            rows.append(("window-free lag test", f"rank statistic {self.lag.statistic:.3f}",
                         self.lag.pvalue))
        if self.response_subsets is not None:
            for row in self.response_subsets.iloc[1:].itertuples():
                rows.append((row.subset, f"n = {row.n}, {r.symbol} = {row.statistic:.4g}",
                             row.pvalue))
        if self.dates is not None:
            d = self.dates
            rows.append((f"dates moved by up to ±{d.days} days",
                         f"p from {d.pvalue_low:.3g} ({'range' if d.exact else 'bound'})",
                         d.pvalue_high))
        table = pd.DataFrame(rows, columns=["check", "result", "pvalue"])
        table["below_alpha"] = table.pvalue <= alpha
        return table

    def _worst_drop(self) -> tuple[str, float]:
        """The event whose removal raises the primary p-value most, and that p-value."""
        inf = self.influence
        frames = [inf.responses.assign(event=lambda t: "response " + t.response_id.astype(str)),
                  inf.triggers.assign(event=lambda t: "trigger " + t.trigger_id.astype(str))]
        both = pd.concat([f[["event", "pvalue"]] for f in frames], ignore_index=True)
        top = both.loc[both.pvalue.idxmax()]
        return str(top.event), float(top.pvalue)

    def to_frame(self) -> pd.DataFrame:
        """The checks under the primary analysis, as :meth:`checks` gives them.

        Returns
        -------
        pandas.DataFrame
            One row per check: ``check``, ``result``, ``pvalue``, ``below_alpha``.
        """
        return self.checks()

    @shared
    def to_dict(self) -> dict[str, Any]:
        """The report as a JSON-ready dict: the verdict, the primary analysis, every
        check under it, the secondary family with adjusted p-values, the count model,
        composition, rates, the diagnosis and the notes.

        Returns
        -------
        {shared: returns_json}
        """
        r = self.result
        worst = self._worst_drop()
        best = self.sweep.best().iloc[0]
        return json_ready({
            "verdict_level": self.verdict_level, "verdict": self.verdict,
            "alpha": self.decision.alpha, "k": r.k, "n": r.n, "window": r.window.to_dict(),
            "period": r.period.to_dict(), "coverage": r.coverage, "n_dropped": r.n_dropped,
            "primary": {**self.primary.to_dict(), "label": self.primary.label(),
                        "chosen_by": self.decision.chosen_by, "reason": self.decision.reason},
            "primary_test": _test_entry(r),
            "effect_sizes": self.effects.to_dict(),
            "checks": {
                "placebo": self.placebo.to_dict(),
                "reverse": _test_entry(self.reverse),
                "leave_one_out": {
                    "applies": bool(r.pvalue <= self.decision.alpha),
                    "largest_pvalue": worst[1], "dropping": worst[0],
                    "single_trigger_matches": self.influence.fragile["response_id"].tolist(),
                    "responses": self.influence.responses, "triggers": self.influence.triggers},
                "response_subsets": self.response_subsets,
                "dates": None if self.dates is None else self.dates.to_dict(),
                "window_search": {"n_resamples": self.sweep.n_resamples,
                                  "best": {"lo": best.lo, "hi": best.hi, "pvalue": best.pvalue,
                                           "pvalue_adjusted": best.pvalue_adjusted},
                                  "table": self.sweep.table},
                "lag_test": None if self.lag is None else self.lag.to_dict(),
                "trigger_subsets": self.trigger_subsets,
            },
            "secondary": self.secondary.to_dict(),
            "count_model": None if self.count_model is None else self.count_model.to_dict(),
            "composition": None if self.composition is None else {
                "attribute": self.composition.attribute, "pvalue": self.composition.pvalue,
                "method": self.composition.method},
            "rates": None if self.rates is None else {
                "segments": self.rates[0], "comparisons": self.rates[1]},
            "diagnosis": {"primary": self.diagnosis.primary, "flags": self.diagnosis.flags},
            "notes": self.notes,
        })

    def _pairs(self) -> list[tuple[str, str]]:
        r = self.result
        return [("Verdict", f"{self.verdict_level}: {self.verdict}"),
                ("Primary analysis", f"{self.primary.label()}, window {self.primary.window} "
                                     f"(chosen by {self.decision.chosen_by})"),
                ("Primary test", f"{r.symbol} = {r.statistic} against {r.expected:.4g} "
                                 f"expected; p = {r.pvalue:.4g} ({r.method})"),
                ("Placebo", f"p = {self.placebo.pvalue:.3g} over {self.placebo.n_shifts} "
                            "shifted trigger lists"),
                ("Reverse direction", f"p = {self.reverse.pvalue:.3g}"),
                *(("Note", note) for note in self.notes)]

    def _repr_html_(self) -> str:
        secondary = self.secondary.table[["analysis", "pvalue", "pvalue_adjusted", "suited"]]
        return html_block("Robustness audit", self._pairs(),
                          [("Checks under the primary analysis", self.checks()),
                           ("Secondary analyses (p adjusted for the family)", secondary)])

    def __repr__(self) -> str:
        return (f"AuditReport(verdict_level={self.verdict_level!r}; primary: "
                f"{self.primary.label()}; p = {self.result.pvalue:.4g})")

    def text(self) -> str:
        """The report in plain text.

        Returns
        -------
        str
            The verdict, the primary analysis, each check, the secondary family and
            the notes.
        """
        from ._text import report_text

        return report_text(self)

    @shared
    def summary(self) -> Summary:
        """The report in plain text, as :meth:`text` gives it (a notebook shows it
        monospaced).

        Returns
        -------
        {shared: returns_summary}
        """
        return Summary(self.text())

