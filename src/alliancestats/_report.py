"""Plain-text summaries of results."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .result import CoincidenceResult

WIDTH = 78


def _rows(pairs: list[tuple[str, str]]) -> list[str]:
    width = max(len(k) for k, _ in pairs)
    out = []
    for key, value in pairs:
        lines = textwrap.wrap(value, WIDTH - width - 2) or [""]
        out.append(f"{key:<{width}}  {lines[0]}")
        out.extend(" " * (width + 2) + line for line in lines[1:])
    return out


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
    if res.statistic_name == "matches":
        tested = [("Expected E[K]", f"{res.expected:.3f}  (K / E[K] = {res.ratio:.2f})")]
    else:
        from .statistics import get_statistic

        value = f"{res.statistic:.4f}" if res.statistic_name == "trigger-rate" else f"{res.statistic}"
        tested = [("Statistic", f"{res.statistic_name}: {symbol} = {value}  "
                                f"({get_statistic(res.statistic_name).description})"),
                  (f"Expected E[{symbol}]", f"{res.expected:.4g}  ({symbol} / E[{symbol}] = "
                                             f"{res.ratio:.2f})")]
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
    lines = [title, "=" * len(title), *_rows(pairs)]
    return "\n".join(lines)


def _effects(res: "CoincidenceResult") -> list[tuple[str, str]]:
    """Effect sizes with 95% intervals, under the same null placement."""
    eff = res.effect_sizes()
    interval = lambda ci, f: f"{f(ci.low)} to {f(ci.high)}"  # noqa: E731
    number = lambda x: f"{x:.2f}"  # noqa: E731
    rate = (f"{eff.rate_ratio:.2f}  (95% CI {interval(eff.rate_ratio_ci, number)}; responses "
            "on covered vs uncovered days)" if eff.rate_ratio == eff.rate_ratio else
            "not defined (no response's placement has both covered and uncovered days)")
    return [
        ("Excess K-E0[K]", f"{eff.excess:.2f}  (95% CI {interval(eff.excess_ci, number)}, "
                           "mid-p)"),
        ("Coupling share", f"{eff.coupling:.2f}  (95% CI {interval(eff.coupling_ci, number)}, "
                           f"profile likelihood; p(π = 0) = {eff.coupling_pvalue:.3g})"),
        ("Rate ratio", rate),
    ]


def _h1(statistic: str) -> str:
    return {"matches": "responses are matched",
            "pairs": "responses have triggers in their window",
            "trigger-rate": "triggers are followed by a response"}[statistic]
