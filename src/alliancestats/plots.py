"""Figures (needs the ``plot`` extra: ``pip install 'alliancestats[plot]'``).

Each function draws on ``ax`` (a new figure if None) and returns the Axes.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from ._dates import MAX_DAY, MIN_DAY
from .breakeven import BreakEvenResult
from .errors import AllianceStatsError
from .events import EventSeries
from .result import CoincidenceResult
from .sweep import SweepResult

__all__ = ["plot_timeline", "plot_null_distribution", "plot_sweep", "plot_rate_curve",
           "plot_placebo", "save_figure", "check_figure_path"]


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise AllianceStatsError(
            "plotting needs matplotlib; install the plot extra: pip install 'alliancestats[plot]'"
        ) from None
    return plt


def _axes(ax: Any, size: tuple[float, float]) -> Any:
    if ax is not None:
        return ax
    return _pyplot().subplots(figsize=size)[1]


def plot_timeline(result: CoincidenceResult, triggers: EventSeries, *, ax: Any = None) -> Any:
    """Both series on one time axis: each trigger's window shaded, responses marked
    as matched (filled) or not (open)."""
    ax = _axes(ax, (11, 2.8))
    period, window = result.period, result.window
    for day in np.unique(triggers.days):
        ax.axvspan(_edge(day + window.lo), _edge(day + window.hi + 1), ymin=0.0, ymax=0.45,
                   color="tab:red", alpha=0.12, lw=0)
    ax.vlines(triggers.days.astype("datetime64[D]"), 0.05, 0.4, color="tab:red", lw=0.8,
              label=f"triggers ({len(triggers)}) and their windows")
    table = result.table
    dates = table.date.to_numpy()
    matched = table.matched.to_numpy()
    ax.scatter(dates[matched], np.full(matched.sum(), 0.7), color="tab:blue", zorder=3,
               label=f"matched responses ({result.k})")
    ax.scatter(dates[~matched], np.full((~matched).sum(), 0.7), facecolor="white",
               edgecolor="tab:blue", zorder=3, label=f"unmatched ({result.n - result.k})")
    ax.set_xlim(_edge(period.first_day), _edge(period.last_day + 1))
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ax.set_title(f"K = {result.k} of {result.n} within {window}; windows cover "
                 f"{result.coverage:.1%} of days")
    ax.legend(loc="upper left", fontsize="small", ncol=3, frameon=False)
    return ax


def _edge(day: int) -> np.datetime64:
    """The start of a day as a time matplotlib can draw: the grid ends inside
    9999-12-31, so the end of that last day is its final second."""
    day = int(min(max(day, MIN_DAY), MAX_DAY + 1))
    if day > MAX_DAY:
        return np.datetime64(MAX_DAY, "D").astype("datetime64[s]") + np.timedelta64(86399, "s")
    return np.datetime64(day, "D").astype("datetime64[s]")


def plot_null_distribution(result: CoincidenceResult, *, ax: Any = None) -> Any:
    """The null distribution of the tested statistic with its observed value and mean."""
    ax = _axes(ax, (6, 3.5))
    pmf = result.null_distribution
    x, symbol = result.statistic, result.symbol
    gaps = np.diff(pmf.index.to_numpy(dtype=float))
    width = 0.8 * (gaps.min() if symbol == "R" and gaps.size else 1.0)
    ax.bar(pmf.index, pmf.to_numpy(), width=width, color="0.7",
           label=f"null: {result.null} ({result.method})")
    ax.axvline(x, color="tab:blue", lw=2, label=f"observed {symbol} = {x:.4g}")
    ax.axvline(result.expected, color="k", ls="--", lw=1,
               label=f"E[{symbol}] = {result.expected:.3g}")
    ax.set_xlabel({"K": "K, matched responses", "S": "S, (response, trigger day) pairs",
                   "R": "R, share of trigger days followed"}[symbol])
    ax.set_ylabel("probability")
    ax.set_title(f"p = {result.pvalue:.3g} ({result.alternative})")
    ax.legend(fontsize="small", frameon=False)
    return ax


def plot_sweep(sweep: SweepResult, *, ax: Any = None, alpha: float = 0.05) -> Any:
    """p-value against window length per null; adjusted curves dashed."""
    ax = _axes(ax, (7, 4))
    for i, (null, part) in enumerate(sweep.table.groupby("null", sort=False)):
        color = f"C{i}"
        width = part.hi - part.lo
        ax.plot(width, part.pvalue, color=color, label=f"{null}")
        ax.plot(width, part.pvalue_adjusted, color=color, ls="--", lw=1)
    ax.axhline(alpha, color="k", lw=0.8, ls=":")
    ax.set_yscale("log")
    ax.set_xlabel("window width hi - lo (days)")
    ax.set_ylabel("p-value (dashed: min-p adjusted)")
    ax.legend(fontsize="small", frameon=False)
    return ax


def plot_rate_curve(curve: BreakEvenResult, *, ax: Any = None) -> Any:
    """p of the observed K against the trigger rate, with the break-even points."""
    ax = _axes(ax, (7, 4))
    for i, (method, part) in enumerate(curve.curve.groupby("method", sort=False)):
        ax.plot(part.rate_per_year, part.pvalue, color=f"C{i}", label=method)
        rate = curve.break_even.get(method, np.nan)
        if np.isfinite(rate):
            ax.plot([rate], [curve.alpha], "o", color=f"C{i}")
    ax.axhline(curve.alpha, color="k", lw=0.8, ls=":")
    ax.axvline(curve.observed_rate, color="0.4", lw=1, label=f"observed {curve.observed_rate:.1f}/yr")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(max(1e-12, float(curve.curve.pvalue.min()) / 2), 1.5)
    ax.set_xlabel("trigger rate per year")
    ax.set_ylabel(f"p of K = {curve.k} of {curve.n}")
    ax.legend(fontsize="small", frameon=False)
    return ax


def plot_placebo(placebo: Any, *, ax: Any = None, alpha: float = 0.05) -> Any:
    """The placebo's distribution: p-values of the shifted trigger lists (histogram of
    ``log10 p``), the real list's p-value and the level."""
    ax = _axes(ax, (7, 4))
    p = np.log10(np.maximum(placebo.table.pvalue.to_numpy(dtype=float), 1e-300))
    real = np.log10(max(placebo.observed_pvalue, 1e-300))
    bins = np.linspace(min(p.min(initial=0.0), real) - 0.1, 0.0, 30)
    ax.hist(p, bins=bins, color="0.7", label=f"{placebo.n_shifts} shifted lists")
    ax.axvline(real, color="tab:blue", lw=2,
               label=f"real list: p = {placebo.observed_pvalue:.3g}")
    ax.axvline(np.log10(alpha), color="k", lw=0.8, ls=":", label=f"level {alpha:g}")
    ax.set_xlabel(f"log10 p-value ({placebo.statistic} under {placebo.null})")
    ax.set_ylabel("shifted lists")
    ax.set_title(f"placebo p = {placebo.pvalue:.3g} ({placebo.share:.1%} as remarkable)")
    ax.legend(fontsize="small", frameon=False)
    return ax


def check_figure_path(path: Any, *, argument: str = "path") -> str:
    """Refuse, before any work, a path a figure cannot be saved to: its folder must
    exist and its extension be a format matplotlib writes (``.png``, ``.pdf``, …)."""
    _pyplot()
    from matplotlib.backend_bases import FigureCanvasBase

    if not isinstance(path, (str, os.PathLike)):
        raise AllianceStatsError(f"`{argument}` must be a file path, got {type(path).__name__}")
    path = os.fspath(path)
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        raise AllianceStatsError(f"`{argument}` {path!r}: folder {folder!r} does not exist")
    if os.path.isdir(path):
        raise AllianceStatsError(f"`{argument}` {path!r} is a folder; give a file name")
    formats = FigureCanvasBase.get_supported_filetypes()
    extension = os.path.splitext(path)[1].lstrip(".").lower()
    if extension not in formats:
        raise AllianceStatsError(
            f"`{argument}` {path!r}: unknown figure format {extension!r}; end the name with one "
            f"of {', '.join('.' + f for f in sorted(formats))}")
    return path


def save_figure(ax: Any, path: str) -> None:
    """Save the figure holding ``ax`` to ``path`` and close it."""
    path = check_figure_path(path)
    plt = _pyplot()
    figure = ax.figure
    figure.tight_layout()
    try:
        figure.savefig(path, dpi=120)
    except OSError as exc:
        raise AllianceStatsError(f"`path` {path!r}: cannot write ({exc.strerror or exc})") from None
    finally:
        plt.close(figure)


def _grid(rows: int, cols: int, size: tuple[float, float]) -> tuple[Any, Any]:
    figure, axes = _pyplot().subplots(rows, cols, figsize=size, squeeze=False)
    return figure, axes


def save_result_figure(result: CoincidenceResult, triggers: EventSeries, path: str) -> None:
    """Timeline and null distribution of one test, in one PNG."""
    figure, axes = _grid(2, 1, (11, 6.5))
    plot_timeline(result, triggers, ax=axes[0, 0])
    plot_null_distribution(result, ax=axes[1, 0])
    save_figure(axes[0, 0], path)


def save_audit_figure(report: Any, triggers: EventSeries, path: str) -> None:
    """An audit in one PNG: the primary test's timeline and null distribution, the
    placebo's distribution, the window search and the verdict."""
    figure, axes = _grid(3, 2, (12, 10))
    result = report.result
    gs = axes[0, 0].get_gridspec()
    axes[0, 0].remove()
    axes[0, 1].remove()
    top = figure.add_subplot(gs[0, :])
    plot_timeline(result, triggers, ax=top)
    plot_null_distribution(result, ax=axes[1, 0])
    plot_placebo(report.placebo, ax=axes[1, 1], alpha=report.decision.alpha)
    plot_sweep(report.sweep, ax=axes[2, 0], alpha=report.decision.alpha)
    axes[2, 1].axis("off")
    axes[2, 1].text(0, 1, _wrap(f"Primary analysis: {report.primary.label()}. "
                                f"Verdict ({report.verdict_level}): {report.verdict}"),
                    va="top", fontsize=9)
    save_figure(top, path)


def _wrap(text: str) -> str:
    import textwrap

    return textwrap.fill(text, 60)
