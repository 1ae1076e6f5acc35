"""Whole figures saved to a file: one test, several tests, an audit (the CLI's ``--plot``)."""

from __future__ import annotations

from typing import Any

from ..events import EventSeries
from ..result import CoincidenceResult
from ._common import _grid, _wrap, figure_paths, save_figure
from .curves import plot_sweep
from .distributions import plot_null_distribution, plot_placebo
from .series import plot_timeline

__all__ = ["save_result_figure", "save_result_figures", "save_audit_figure"]


def save_result_figure(result: CoincidenceResult, triggers: EventSeries, path: str) -> None:
    """Timeline and null distribution of one test, in one PNG."""
    figure, axes = _grid(2, 1, (11, 7))
    plot_timeline(result, triggers, ax=axes[0, 0])
    plot_null_distribution(result, ax=axes[1, 0])
    save_figure(axes[0, 0], path)


def save_result_figures(results: list[CoincidenceResult], triggers: EventSeries,
                        path: str) -> list[str]:
    """One figure per test (see :func:`figure_paths`); returns the files written."""
    paths = figure_paths(path, [res.null for res in results])
    for res, one in zip(results, paths):
        save_result_figure(res, triggers, one)
    return paths


def save_audit_figure(report: Any, triggers: EventSeries, path: str) -> None:
    """An audit in one PNG: the primary test's timeline and null distribution, the
    placebo's distribution, the window search and the verdict."""
    figure, axes = _grid(3, 2, (14, 11))
    result = report.result
    gs = axes[0, 0].get_gridspec()
    axes[0, 0].remove()
    axes[0, 1].remove()
    top = figure.add_subplot(gs[0, :])
    plot_timeline(result, triggers, ax=top)
    plot_null_distribution(result, ax=axes[1, 0])
    plot_placebo(report.placebo, ax=axes[1, 1], alpha=report.decision.alpha)
    plot_sweep(report.sweep, ax=axes[2, 0], alpha=report.decision.alpha,
               window=result.window)
    axes[2, 1].axis("off")
    axes[2, 1].text(0, 1, _wrap(f"Primary analysis: {report.primary.label()}. "
                                f"Verdict ({report.verdict_level}): {report.verdict}"),
                    va="top", fontsize=9)
    save_figure(top, path)
