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
from .matching import coverage_mask
from .result import CoincidenceResult
from .sweep import SweepResult
from .window import Window

__all__ = ["plot_timeline", "plot_null_distribution", "plot_sweep", "plot_rate_curve",
           "plot_placebo", "plot_placebo_distribution", "save_figure", "check_figure_path"]


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
    return _pyplot().subplots(figsize=size, layout="constrained")[1]


def _names(result: CoincidenceResult, triggers: EventSeries) -> tuple[str, str]:
    """The series as the user named them (EventSeries names), else generic words."""
    return (result.responses_name or "responses",
            triggers.name or result.triggers_name or "triggers")


def _legend_outside(ax: Any, *, below: bool = False) -> Any:
    """A legend outside the axes: to the right, or below (for wide panels)."""
    if below:
        return ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.18), ncol=3,
                         fontsize="small", frameon=False, borderaxespad=0.0)
    return ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize="small",
                     frameon=False, borderaxespad=0.0)


def stacked_levels(days: np.ndarray, gap: float, levels: int = 4) -> np.ndarray:
    """A level 0..levels-1 per day (sorted or not) so that marks closer than ``gap`` days
    sit on different levels: each takes the lowest level whose last mark is far enough."""
    order = np.argsort(days, kind="stable")
    last = np.full(levels, -np.inf)
    out = np.zeros(len(days), dtype=np.int64)
    for i in order:
        free = np.flatnonzero(days[i] - last >= gap)
        level = int(free[0]) if free.size else int(np.argmin(last))
        out[i], last[level] = level, days[i]
    return out


def plot_timeline(result: CoincidenceResult, triggers: EventSeries, *, ax: Any = None) -> Any:
    """Both series on one time axis, named as the series are: each trigger as a tick
    with its window shaded, each response as a dot, filled when matched; responses
    closer than a dot's width are stacked on separate rows so none hides another.

    Parameters
    ----------
    result : CoincidenceResult
        The test; its responses' name labels their row.
    triggers : EventSeries
        The triggers tested (their name labels their row).
    ax : matplotlib Axes, optional
        Where to draw (a new figure if None).

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax, (11, 3.2))
    period, window = result.period, result.window
    response_name, trigger_name = _names(result, triggers)
    covered = np.append(coverage_mask(triggers.days, window, period), False)
    edges = np.array([_edge(day) for day in range(period.first_day, period.last_day + 2)])
    ax.fill_between(edges, 0.0, 0.42, where=covered, step="post", color="tab:red", alpha=0.10,
                    lw=0, transform=ax.get_xaxis_transform())
    ax.vlines(triggers.days.astype("datetime64[D]"), 0.05, 0.38, color="tab:red", lw=0.8,
              alpha=0.6, label=f"{trigger_name} ({len(triggers)}), shaded: lags {window}")
    table = result.table
    dates = table.date.to_numpy()
    days = dates.astype("datetime64[D]").astype(np.int64)
    level = stacked_levels(days, gap=period.n_days / 120)
    y = 0.58 + 0.1 * level
    matched = table.matched.to_numpy()
    ax.scatter(dates[matched], y[matched], s=28, color="tab:blue", zorder=3,
               label=f"{response_name}, matched ({result.k})")
    ax.scatter(dates[~matched], y[~matched], s=28, facecolor="white", edgecolor="tab:blue",
               zorder=3, label=f"{response_name}, not matched ({result.n - result.k})")
    ax.set_xlim(_edge(period.first_day), _edge(period.last_day + 1))
    ax.set_ylim(0, 1)
    ax.set_yticks([0.22, 0.68], [_wrap(trigger_name, 22), _wrap(response_name, 22)])
    ax.set_title(f"{response_name} after {trigger_name}: K = {result.k} of {result.n} within "
                 f"{window}; windows cover {result.coverage:.1%} of days")
    _legend_outside(ax, below=True)
    return ax


def _edge(day: int) -> np.datetime64:
    """The start of a day as a time matplotlib can draw: the grid ends inside
    9999-12-31, so the end of that last day is its final second."""
    day = int(min(max(day, MIN_DAY), MAX_DAY + 1))
    if day > MAX_DAY:
        return np.datetime64(MAX_DAY, "D").astype("datetime64[s]") + np.timedelta64(86399, "s")
    return np.datetime64(day, "D").astype("datetime64[s]")


def _tail(values: np.ndarray, probabilities: np.ndarray, observed: float,
          alternative: str) -> tuple[np.ndarray, str]:
    """Which values lie in the tail the p-value sums, and how to say so (two-sided: the
    smaller tail, which the p-value doubles)."""
    upper, lower = values >= observed, values <= observed
    if alternative == "greater":
        return upper, "tail X >= observed"
    if alternative == "less":
        return lower, "tail X <= observed"
    up = probabilities[upper].sum() <= probabilities[lower].sum()
    return (upper if up else lower), "smaller tail (doubled)"


def plot_null_distribution(result: CoincidenceResult, *, ax: Any = None) -> Any:
    """The null distribution of the tested statistic, named by its null, with the tail
    that the p-value sums shaded and the observed value drawn above the mean.

    Parameters
    ----------
    result : CoincidenceResult
        The test (exact or Monte Carlo null distribution).
    ax : matplotlib Axes, optional
        Where to draw (a new figure if None).

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax, (7.5, 3.6))
    pmf = result.null_distribution
    x, symbol = result.statistic, result.symbol
    values, probabilities = pmf.index.to_numpy(dtype=float), pmf.to_numpy(dtype=float)
    gaps = np.diff(values)
    width = 0.8 * (gaps.min() if symbol == "R" and gaps.size else 1.0)
    tail, tail_text = _tail(values, probabilities, x, result.alternative)
    ax.bar(values[~tail], probabilities[~tail], width=width, color="0.75",
           label=f"null: {result.null} ({result.method})")
    ax.bar(values[tail], probabilities[tail], width=width, color="tab:orange",
           label=f"{tail_text}: p = {result.pvalue:.3g}")
    ax.axvline(result.expected, color="k", ls="--", lw=1, zorder=2,
               label=f"E[{symbol}] = {result.expected:.3g}")
    ax.axvline(x, color="tab:blue", lw=2.5, zorder=4, label=f"observed {symbol} = {x:.4g}")
    ax.plot([x], [1.0], marker="v", color="tab:blue", ms=9, zorder=5, clip_on=False,
            transform=ax.get_xaxis_transform())
    shown = np.flatnonzero(probabilities >= 1e-4 * probabilities.max())
    lo, hi = min(values[shown].min(), x), max(values[shown].max(), x)
    ax.set_xlim(lo - width, hi + width)
    ax.set_xlabel({"K": "K, matched responses", "S": "S, (response, trigger day) pairs",
                   "R": "R, share of trigger days followed"}[symbol])
    ax.set_ylabel("probability under the null")
    ax.set_title(f"{symbol} under the {result.null} null: p = {result.pvalue:.3g} "
                 f"({result.alternative})", pad=12)
    _legend_outside(ax)
    return ax


def plot_sweep(sweep: SweepResult, *, ax: Any = None, alpha: float = 0.05,
               window: Window | None = None) -> Any:
    """p-value against window length per null (adjusted curves dashed), with the level
    ``alpha`` and the analysed ``window`` marked.

    Parameters
    ----------
    sweep : SweepResult
        The sweep.
    ax : matplotlib Axes, optional
        Where to draw (a new figure if None).
    alpha : float
        The level, drawn as a dotted line.
    window : Window, optional
        The window of the main analysis, marked at its width.

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax, (8, 4))
    for i, (null, part) in enumerate(sweep.table.groupby("null", sort=False)):
        width = part.hi - part.lo
        ax.plot(width, part.pvalue, color=f"C{i}", label=f"{null}")
        ax.plot(width, part.pvalue_adjusted, color=f"C{i}", ls="--", lw=1)
    ax.plot([], [], color="0.3", ls="--", lw=1, label="dashed: min-p adjusted")
    ax.axhline(alpha, color="k", lw=0.8, ls=":", label=f"alpha = {alpha:g}")
    if window is not None:
        ax.axvline(window.hi - window.lo, color="0.3", lw=1.5, alpha=0.7,
                   label=f"analysed window {window}")
    ax.set_yscale("log")
    ax.set_ylim(top=1.3)
    ax.set_xlabel("window width hi - lo (days)")
    ax.set_ylabel("p-value")
    ax.set_title(f"Window sweep: p-value by window width (B = {sweep.n_resamples})")
    _legend_outside(ax)
    return ax


def plot_rate_curve(curve: BreakEvenResult, *, ax: Any = None) -> Any:
    """p of the observed K against the trigger rate, with the break-even points, over
    the rates around them and the observed rate (where the curve's shape matters).

    Parameters
    ----------
    curve : BreakEvenResult
        From :func:`alliancestats.rate_curve`.
    ax : matplotlib Axes, optional
        Where to draw (a new figure if None).

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax, (8, 4))
    marks = [curve.observed_rate, *[r for r in curve.break_even.values() if np.isfinite(r)]]
    low, high = min(marks) / 2, max(marks) * 2.5
    inside = curve.curve[(curve.curve.rate_per_year >= low) & (curve.curve.rate_per_year <= high)]
    for i, (method, part) in enumerate(curve.curve.groupby("method", sort=False)):
        rate = curve.break_even.get(method, np.nan)
        crossing = f"break-even {rate:.3g}/yr" if np.isfinite(rate) else "never crosses alpha"
        ax.plot(part.rate_per_year, part.pvalue, color=f"C{i}", label=f"{method}: {crossing}")
        if np.isfinite(rate):
            ax.plot([rate], [curve.alpha], "o", color=f"C{i}")
    ax.axhline(curve.alpha, color="k", lw=0.8, ls=":", label=f"alpha = {curve.alpha:g}")
    ax.axvline(curve.observed_rate, color="0.4", lw=1,
               label=f"observed {curve.observed_rate:.1f}/yr")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(low, high)
    floor = float(inside.pvalue.min()) if len(inside) else curve.alpha
    ax.set_ylim(max(floor, curve.alpha * 1e-2) / 2, 1.5)
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("trigger days per year")
    ax.set_ylabel(f"p of K = {curve.k} of {curve.n}")
    ax.set_title("p against the trigger rate: how rare would triggers have to be?")
    _legend_outside(ax)
    return ax


def plot_placebo_distribution(values: Any, observed: float, *, ax: Any = None,
                              label: str = "placebo", statistic: str = "K",
                              alternative: str = "greater", title: str | None = None) -> Any:
    """Histogram of a statistic over placebo analyses (e.g. shifted or reversed
    triggers) with the observed value and the share of placebos at least as extreme.

    Parameters
    ----------
    values : array_like
        The statistic in each placebo analysis (finite numbers).
    observed : float
        The statistic in the real analysis.
    ax : matplotlib Axes, optional
        Where to draw (a new figure if None).
    label : str
        What the placebos are, for the legend (e.g. ``"shifted triggers"``).
    statistic : str
        The statistic's name for the axis (e.g. ``"K"``).
    alternative : {"greater", "less", "two-sided"}
        Which placebos count as at least as extreme (two-sided: the smaller tail,
        doubled), shaded and counted as ``(1 + hits) / (1 + N)``.
    title : str, optional
        The panel's title (default names the placebos and the share).

    Returns
    -------
    matplotlib Axes
    """
    values = np.asarray(values, dtype=float).ravel()
    if values.size == 0 or not np.isfinite(values).all():
        raise AllianceStatsError("`values` must be a non-empty array of finite numbers")
    if not np.isfinite(observed):
        raise AllianceStatsError(f"`observed` must be a finite number, got {observed!r}")
    ax = _axes(ax, (7.5, 3.6))
    unique, counts = np.unique(values, return_counts=True)
    share = counts / values.size
    tail, tail_text = _tail(unique, share, float(observed), alternative)
    factor = 2 if alternative == "two-sided" else 1
    p = min(1.0, factor * (1 + counts[tail].sum()) / (1 + values.size))
    if unique.size <= 60:
        width = 0.8 * (np.diff(unique).min() if unique.size > 1 else 1.0)
        ax.bar(unique[~tail], share[~tail], width=width, color="0.75",
               label=f"{label} ({values.size})")
        ax.bar(unique[tail], share[tail], width=width, color="tab:orange",
               label=f"{tail_text}: (1 + {counts[tail].sum()}) / (1 + {values.size})")
    else:
        ax.hist(values, bins=40, color="0.75", weights=np.full(values.size, 1 / values.size),
                label=f"{label} ({values.size})")
    ax.axvline(observed, color="tab:blue", lw=2.5, zorder=4,
               label=f"observed {statistic} = {observed:.4g}")
    ax.set_xlabel(statistic)
    ax.set_ylabel(f"share of {label}")
    ax.set_title(title or f"{statistic} over {label}: share at least as extreme {p:.3g}")
    _legend_outside(ax)
    return ax


def plot_placebo(placebo: Any, *, ax: Any = None, alpha: float = 0.05) -> Any:
    """The audit's placebo: how remarkable each shifted trigger list is, and the real one.

    Each shifted list's p-value under the primary analysis, as ``-log10 p`` (larger is
    more remarkable), drawn by :func:`plot_placebo_distribution`, with the real list's
    value and the level ``alpha``.

    Parameters
    ----------
    placebo : PlaceboResult
        The placebo check (``AuditReport.placebo`` or :func:`alliancestats.placebo_test`).
    ax : matplotlib Axes, optional
        Where to draw (a new figure if None).
    alpha : float
        The level, drawn as a dotted line at ``-log10 alpha``.

    Returns
    -------
    matplotlib Axes
    """
    scores = -np.log10(np.maximum(placebo.table.pvalue.to_numpy(dtype=float), 1e-300))
    real = -np.log10(max(placebo.observed_pvalue, 1e-300))
    ax = plot_placebo_distribution(
        scores, real, ax=ax, label="shifted trigger lists",
        statistic=f"-log10 p ({placebo.statistic} under {placebo.null})",
        title=f"placebo p = {placebo.pvalue:.3g} ({placebo.share:.1%} as remarkable)")
    ax.axvline(-np.log10(alpha), color="k", lw=0.8, ls=":", label=f"level {alpha:g}")
    _legend_outside(ax)
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
    if figure.get_layout_engine() is None:
        figure.tight_layout()
    try:
        figure.savefig(path, dpi=110, bbox_inches="tight")
    except OSError as exc:
        raise AllianceStatsError(f"`path` {path!r}: cannot write ({exc.strerror or exc})") from None
    finally:
        plt.close(figure)


def _grid(rows: int, cols: int, size: tuple[float, float]) -> tuple[Any, Any]:
    figure, axes = _pyplot().subplots(rows, cols, figsize=size, squeeze=False,
                                      layout="constrained")
    return figure, axes


def save_result_figure(result: CoincidenceResult, triggers: EventSeries, path: str) -> None:
    """Timeline and null distribution of one test, in one PNG."""
    figure, axes = _grid(2, 1, (11, 7))
    plot_timeline(result, triggers, ax=axes[0, 0])
    plot_null_distribution(result, ax=axes[1, 0])
    save_figure(axes[0, 0], path)


def figure_paths(path: str, nulls: list[str]) -> list[str]:
    """One file per null: ``path`` itself for one null, else ``STEM-NULL.EXT`` each."""
    if len(nulls) == 1:
        return [path]
    stem, extension = os.path.splitext(path)
    return [f"{stem}-{null}{extension}" for null in nulls]


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


def _wrap(text: str, width: int = 60) -> str:
    import textwrap

    return textwrap.fill(text, width)
