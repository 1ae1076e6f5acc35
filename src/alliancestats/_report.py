"""The plain-text summary of a coincidence test (written with :mod:`._output`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._output import text_block

if TYPE_CHECKING:
    from .result import CoincidenceResult


#: what each alternative asks, in words
DIRECTION = {"greater": "more often than chance", "less": "less often than chance",
             "two-sided": "more or less often than chance"}


def summary_text(res: "CoincidenceResult") -> str:
    ci = res.confidence_interval()
    title = "Coincidence test: do responses fall in a window after triggers?"
    who = []
    if res.responses_name or res.triggers_name:
        who.append(("Series", f"responses = {res.responses_name or 'responses'}; "
                               f"triggers = {res.triggers_name or 'triggers'} ({res.n_triggers})"))
    direction = DIRECTION[res.alternative]
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
            "trigger-rate": "triggers are followed by a response",
            "likelihood": "responses fall on days covered by many triggers"}[statistic]


def _pvalue_text(res: "CoincidenceResult") -> str:
    if res.pvalue_underflow:
        return f"p < {res.pvalue:.0e}"
    return f"p = {res.pvalue:.3g}" if res.pvalue >= 0.001 else f"p = {res.pvalue:.2e}"


def key_pairs(res: "CoincidenceResult") -> list[tuple[str, str]]:
    """The few numbers a reader looks for first (what a notebook shows at the top)."""
    symbol = res.symbol
    p = _pvalue_text(res) + (f" ± {res.pvalue_se:.4f} (Monte Carlo SE, B = {res.n_resamples})"
                             if res.method == "monte-carlo" else f" (exact: {res.distribution})")
    ratio = f" ({symbol} / E[{symbol}] = {res.ratio:.2f})" if res.expected > 0 else ""
    observed = (f"{symbol} = {res.statistic:.4g}, " if res.statistic_name != "matches" else "")
    return [
        ("Result", f"{observed}K = {res.k} of {res.n} responses matched; E[{symbol}] = "
                   f"{res.expected:.3f}{ratio}"),
        ("p-value", f"{p}; {res.alternative}"),
        ("Series", f"{res.responses_name or 'responses'} after "
                   f"{res.triggers_name or 'triggers'} ({res.n_triggers})"),
        ("Window", f"lag {res.window}; covers {res.coverage:.1%} of the period's days"),
        ("Period", f"{res.period.start.date()} to {res.period.end.date()} "
                   f"(T = {res.period.n_days} days)"),
        ("Null", res.null_description),
        *[("Note", note) for note in res.notes],
    ]


def methods_paragraph(res: "CoincidenceResult") -> str:
    """A paragraph for a paper's methods section, every number from ``res``."""
    from . import __version__
    from ._output import interval_text

    symbol = res.symbol
    responses = res.responses_name or "responses"
    triggers = res.triggers_name or "triggers"
    head, _, assumption = res.null_description.partition(": ")
    options = head[len(res.null):].lstrip(", ")
    name = res.null + (f" null with {options}" if options else " null")
    statistic = {"matches": "K, the number of responses with at least one trigger at a lag in "
                            "the window",
                 "pairs": "S, the number of (response, trigger day) pairs at a lag in the window",
                 "trigger-rate": "R, the share of trigger days followed by a response in the "
                                 "window",
                 "likelihood": "Λ, the log likelihood ratio of a coupling share of 0.5 "
                               "against none, in tenths of a nat"}[res.statistic_name]
    sided = {"greater": f"one-sided: {symbol} larger than under the null",
             "less": f"one-sided: {symbol} smaller than under the null",
             "two-sided": "two-sided"}[res.alternative]
    mean = f"{res.expected:.4g}" if res.statistic_name == "trigger-rate" else f"{res.expected:.2f}"
    if res.method == "monte-carlo":
        how = (f"Monte Carlo with B = {res.n_resamples} resamples, p = (1 + hits) / (1 + B), "
               f"standard error {res.pvalue_se:.2g}")
    else:
        how = f"exact null distribution, {res.distribution}"
    observed = (f"K = {res.k} of {res.n}" if res.statistic_name == "matches"
                else f"{symbol} = {res.statistic:.4g} (K = {res.k} of {res.n})")
    ratio = f", {symbol} / E[{symbol}] = {res.ratio:.2f}" if res.expected > 0 else ""
    dropped = f"; {res.n_dropped} responses outside the period were left out" \
        if res.n_dropped else ""
    text = [
        f"We tested whether {responses} (n = {res.n}{dropped}) fell within {res.window.lo} to "
        f"{res.window.hi} days after {triggers} ({res.n_triggers} events) "
        f"{DIRECTION[res.alternative]}, over {res.period.start.date()} to {res.period.end.date()} "
        f"(T = {res.period.n_days} days, both ends included).",
        f"The test statistic was {statistic}; the windows after the triggers covered "
        f"{res.coverage:.1%} of the period's days (C = {res.covered_days}).",
        f"Under the {name} ({assumption}), the expected value was E[{symbol}] = "
        f"{mean}; we observed {observed}{ratio}, {_pvalue_text(res)} ({sided}; "
        f"{how}).",
    ]
    refusal = res.effect_sizes_unavailable
    if refusal is None:
        eff = res.effect_sizes()
        level = f"{100 * eff.confidence_level:g}%"
        text.append(f"The excess of matches over chance was K - E[K] = {eff.excess:.2f} "
                    f"({level} CI {interval_text(*eff.excess_ci, digits=2)}) and the estimated "
                    f"share of responses coupled to a trigger {eff.coupling:.2f} ({level} CI "
                    f"{interval_text(*eff.coupling_ci, digits=2)}).")
    else:
        text.append(f"Effect sizes are not reported: they assume a null that places each "
                    f"response independently, which the {name} does not here ({refusal}).")
    text.append(f"Computed with alliancestats {__version__}.")
    return " ".join(text)
