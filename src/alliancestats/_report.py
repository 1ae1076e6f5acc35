"""The plain-text summary of a coincidence test (written with :mod:`._output`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._output import text_block

if TYPE_CHECKING:
    from .result import CoincidenceResult


def summary_text(res: "CoincidenceResult") -> str:
    ci = res.confidence_interval()
    title = "Coincidence test: do responses fall in a window after triggers?"
    who = []
    if res.responses_name or res.triggers_name:
        who.append(("Series", f"responses = {res.responses_name or 'responses'}; "
                               f"triggers = {res.triggers_name or 'triggers'} ({res.n_triggers})"))
    direction = {"greater": "more often than chance", "less": "less often than chance",
                 "two-sided": "more or less often than chance"}[res.alternative]
    shown = (f"< {res.pvalue:.0e}" + (f" (log10 p = {res.log10_pvalue:.2f})"
                                       if res.log10_pvalue is not None else "")
             if res.pvalue_underflow else f"{res.pvalue:.4g}")
    if res.method == "monte-carlo":
        how = [("p-value", f"{shown}  (Monte Carlo, B = {res.n_resamples})"),
               ("", f"standard error {res.pvalue_se:.4f}; p = (1 + hits)/(1 + B)")]
    else:
        how = [("p-value", f"{shown}  (exact: {res.distribution})")]
    symbol = res.symbol
    ratio = (f"{symbol} / E[{symbol}] = {res.ratio:.2f}" if res.expected > 0 else
             f"{symbol} / E[{symbol}] not defined: E[{symbol}] = 0, no response day can be "
             "matched under this null" + (f", yet {symbol} = {res.statistic:g}"
                                           if res.statistic else ""))
    if res.statistic_name == "matches":
        tested = [("Expected E[K]", f"{res.expected:.3f}  ({ratio})")]
    else:
        from .statistics import get_statistic

        value = f"{res.statistic:.4f}" if res.statistic_name == "trigger-rate" else f"{res.statistic}"
        tested = [("Statistic", f"{res.statistic_name}: {symbol} = {value}  "
                                f"({get_statistic(res.statistic_name).description})"),
                  (f"Expected E[{symbol}]", f"{res.expected:.4g}  ({ratio})")]
    pairs = who + [
        ("Period", f"{res.period.start.date()} to {res.period.end.date()} "
                   f"(T = {res.period.n_days} days, both ends included)"),
        ("Window", f"lag {res.window} after a trigger (L = {res.window.length})"),
        ("Responses n", f"{res.n}" + (f" ({res.n_dropped} outside the period dropped)"
                                      if res.n_dropped else "")),
        ("Matched K", f"{res.k}  (rate {res.rate:.3f}, 95% CI {ci.low:.3f} to {ci.high:.3f}, "
                      "Clopper-Pearson)"),
        ("Coverage C/T", f"{res.coverage:.4f}  (C = {res.covered_days} days on which a "
                         "response would be matched)"),
        ("Null", res.null_description),
        *tested,
        ("H1", f"{_h1(res.statistic_name)} {direction} ({res.alternative})"),
        *how,
        *_effects(res),
        *[("Note" if i == 0 else "", note) for i, note in enumerate(res.notes)],
    ]
    return text_block(title, pairs)


def _effects(res: "CoincidenceResult") -> list[tuple[str, str]]:
    """The effect sizes' own lines (95% intervals, under the same null placement), or
    one line saying why this null has none (it does not place responses independently:
    the intervals would be too narrow, or measured from another baseline than E[K])."""
    unavailable = res.effect_sizes_unavailable
    if unavailable is not None:
        return [("Effect sizes", f"not available under this null: {unavailable}")]
    return res.effect_sizes()._pairs(effects_only=True)


def _h1(statistic: str) -> str:
    return {"matches": "responses are matched",
            "pairs": "responses have triggers in their window",
            "trigger-rate": "triggers are followed by a response"}[statistic]
