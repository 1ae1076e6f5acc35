"""The audit report as plain text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._output import interval_text, paragraph, text_table

if TYPE_CHECKING:
    from .report import AuditReport


def fmt_p(p: float) -> str:
    """A p-value for text: four decimals, or two significant digits below 1e-4."""
    return f"{p:.2g}" if p < 1e-4 else f"{p:.4f}"


def _lines(frame: object) -> list[str]:
    return ["   " + line for line in text_table(frame).splitlines()]  # type: ignore[arg-type]


def report_text(report: "AuditReport") -> str:
    """Verdict, primary analysis, the checks under it, the secondary family, the rest."""
    d, r = report.decision, report.result
    primary, symbol = report.primary, report.result.symbol
    out = [f"Robustness audit: K = {r.k} of {r.n} responses within {r.window} of a trigger; "
           f"coverage {r.coverage:.1%} of {r.period.n_days} days"
           + (f" ({r.n_dropped} responses outside the period dropped)" if r.n_dropped else ""),
           "", f"Verdict: {d.level.upper()}", paragraph(d.text), "",
           "Primary analysis" + (" (chosen by diagnose before any p-value)"
                                 if d.chosen_by == "diagnose" else " (declared)"),
           f"   {primary.label()}, window {primary.window}",
           paragraph(f"Why: {d.reason}."),
           f"   {symbol} = {r.statistic:.4g}, E[{symbol}] = {r.expected:.4g}, p = "
           f"{fmt_p(r.pvalue)} ({r.method}); K = {r.k} of {r.n}"]
    e = report.effects
    out += [paragraph(
        f"Effect sizes under this null (95% intervals): excess matches K - E0[K] = "
        f"{e.excess:.2f} ({interval_text(*e.excess_ci, 2)}); coupling share pi = "
        f"{e.coupling:.2f} ({interval_text(*e.coupling_ci, 2)}); rate ratio covered / uncovered "
        f"days = {e.rate_ratio:.2f} ({interval_text(*e.rate_ratio_ci, 2)}).")]
    pl = report.placebo
    out += ["", "Checks under the primary analysis",
            paragraph(f"1. Placebo: the trigger list shifted by every {pl.step} days, "
                      f"{pl.min_shift} to {pl.max_shift} days either way ({pl.n_shifts} lists "
                      f"keeping half the list in reach): {int(pl.table.as_remarkable.sum())} "
                      f"({pl.share:.1%}) as remarkable as the real list; placebo p = "
                      f"{fmt_p(pl.pvalue)}."),
            paragraph(f"2. Reverse direction (triggers {-report.reverse.window.hi} to "
                      f"{-report.reverse.window.lo} days after a response, same null): "
                      f"{symbol} = {report.reverse.statistic:.4g}, E = "
                      f"{report.reverse.expected:.4g}, p = {fmt_p(report.reverse.pvalue)}; "
                      f"forward p = {fmt_p(r.pvalue)}.")]
    out.append(paragraph("3. " + _leave_one_out(report)))
    out.append("4. Sensitivity")
    if report.response_subsets is not None:
        for row in report.response_subsets.iloc[1:].itertuples():
            out.append(f"   {row.subset}: n = {row.n}, {symbol} = {row.statistic:.4g} "
                       f"(E = {row.expected:.4g}), p = {fmt_p(row.pvalue)}")
    if report.dates is not None:
        b = report.dates
        out.append(paragraph(
            f"dates moved by up to ±{b.days} days: {symbol} from {b.statistic_low:.4g} to "
            f"{b.statistic_high:.4g}; p from {fmt_p(b.pvalue_low)} to {fmt_p(b.pvalue_high)} "
            + ("(the exact range over all moves)" if b.exact
               else "(an outer bound over all moves)")))
    if report.response_subsets is None and report.dates is None:
        out.append("   none asked for (sensitivity_attribute, move_days)")
    best = report.sweep.best().iloc[0]
    table = report.sweep.table
    out.append(paragraph(
        f"5. Window search: [0, h], h = {int(table.hi.min())}..{int(table.hi.max())}, "
        f"{symbol} under {primary.null}, min-p adjusted (B = {report.sweep.n_resamples}): best "
        f"[{int(best.lo)}, {int(best.hi)}], p = {fmt_p(best.pvalue)}, adjusted p = "
        f"{fmt_p(best.pvalue_adjusted)}."))
    if report.lag is not None:
        lag = report.lag
        out.append(paragraph(
            f"6. Window-free lag test ({lag.null}): rank statistic {lag.statistic:.3f} (0.5 = "
            f"chance), p = {fmt_p(lag.pvalue)}; median lag {lag.median_lag:.0f} days vs "
            f"{lag.median_lag_all_days:.0f} for all days."))
    else:
        out.append(paragraph(f"6. Window-free lag test: not run ({primary.null} redraws the "
                             "triggers; the lag test moves responses)."))
    out.append(f"7. Trigger subsets ({symbol} under {primary.null})")
    for row in report.trigger_subsets.itertuples():
        out.append(f"   {row.label:<30} m = {row.n_triggers:4d}  K = {row.k:3d}  "
                   f"{symbol}/E[{symbol}] = {row.ratio:5.2f}  p = {fmt_p(row.pvalue)}")
    sec = report.secondary
    out += ["", paragraph(
        f"Secondary analyses (labelled secondary: they do not change the verdict; p adjusted "
        f"for all {len(sec.table)} of them, min-p within each null, Holm across {sec.n_nulls} "
        f"nulls; 'suited' from diagnose)", ""),
        *_lines(sec.table[["analysis", "value", "expected", "pvalue", "pvalue_adjusted",
                           "suited"]])]
    out += ["", "Other views of the same data"]
    if report.count_model is not None:
        c = report.count_model
        out.append(paragraph(
            f"Count model (Poisson regression of daily responses on coverage, "
            f"{len(c.strata)} strata): rate ratio {c.rate_ratio:.2f} "
            f"({interval_text(*c.rate_ratio_ci, 2)}), p = {fmt_p(c.pvalue)} ({c.pvalue_method})."))
    if report.composition is not None:
        comp = report.composition
        out.append(f"   matched vs unmatched by {comp.attribute}: p = {fmt_p(comp.pvalue)} "
                   f"({comp.method})")
        out += _lines(comp.table)
    if report.rates is not None:
        segments, comparisons = report.rates
        for _, s in segments.iterrows():
            out.append(f"   {s.start.date()}..{s.end.date()}: {s['count']} responses, "
                       f"{s.rate_per_year:.2f} per year")
        for _, c in comparisons.iterrows():
            out.append(f"   segment {int(c.segment_b)} vs {int(c.segment_a)}: rate ratio "
                       f"{c.rate_ratio_b_over_a:.2f}, p = {fmt_p(c.pvalue)}")
    if report.notes:
        out += ["", "Notes", *(paragraph(note) for note in report.notes)]
    return "\n".join(out)


def _leave_one_out(report: "AuditReport") -> str:
    inf, r, alpha = report.influence, report.result, report.decision.alpha
    event, worst = report._worst_drop()
    single = inf.fragile["response_id"].astype(str).tolist()
    rests = (f"{len(single)} matched responses rest on a single trigger"
             + (f" ({', '.join(single)})" if single else ""))
    if r.pvalue > alpha:
        return (f"Leave one out: not a check here. The primary p-value is above {alpha:g} "
                f"already, and dropping a response that follows a trigger can only raise it "
                f"(largest p after dropping one event: {fmt_p(worst)}, {event}). {rests}.")
    if worst > alpha:
        return (f"Leave one out: the result rests on a single event: dropping {event} raises "
                f"p to {fmt_p(worst)} > {alpha:g}. {rests}.")
    return (f"Leave one out: no single response or trigger carries the result (largest p "
            f"after dropping one: {fmt_p(worst)}, {event}). {rests}.")
