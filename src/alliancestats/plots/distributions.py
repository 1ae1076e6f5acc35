"""Distributions: a test's null distribution and a statistic over placebo analyses."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._docstrings import shared
from ..errors import AllianceStatsError
from ..result import CoincidenceResult
from ._common import _axes, _legend_outside

__all__ = ["plot_null_distribution", "plot_placebo_distribution", "plot_placebo"]


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


@shared
def plot_null_distribution(result: CoincidenceResult, *, ax: Any = None) -> Any:
    """The null distribution of the tested statistic, named by its null, with the tail
    that the p-value sums shaded and the observed value drawn above the mean.

    Parameters
    ----------
    result : CoincidenceResult
        The test (exact or Monte Carlo null distribution).
    {shared: ax}

    Returns
    -------
    {shared: returns_axes}
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
                   "R": "R, share of trigger days followed",
                   "Λ": "Λ, log likelihood ratio (tenths of a nat)"}[symbol])
    ax.set_ylabel("probability under the null")
    ax.set_title(f"{symbol} under the {result.null} null: p = {result.pvalue:.3g} "
                 f"({result.alternative})", pad=12)
    _legend_outside(ax)
    return ax


@shared
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
    {shared: ax}
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
    {shared: returns_axes}
    """
    ax = _draw_placebo_distribution(values, observed, ax=ax, label=label, statistic=statistic,
                                    alternative=alternative, title=title)
    _legend_outside(ax)
    return ax


def _draw_placebo_distribution(values: Any, observed: float, *, ax: Any, label: str,
                               statistic: str, alternative: str, title: str | None) -> Any:
    """:func:`plot_placebo_distribution` without the legend (callers add lines first)."""
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
    else:                                  # many distinct values: a histogram, tail shaded
        upper = np.isin(values, unique[tail])          # the tail _tail chose, per placebo
        bins = np.histogram_bin_edges(np.append(values, observed), bins=40)
        weights = np.full(values.size, 1 / values.size)
        ax.hist([values[~upper], values[upper]], bins=bins, stacked=True,
                weights=[weights[~upper], weights[upper]], color=["0.75", "tab:orange"],
                label=[f"{label} ({values.size})",
                       f"{tail_text}: (1 + {counts[tail].sum()}) / (1 + {values.size})"])
    ax.axvline(observed, color="tab:blue", lw=2.5, zorder=4,
               label=f"observed {statistic} = {observed:.4g}")
    ax.set_xlabel(statistic)
    ax.set_ylabel(f"share of {label}")
    ax.set_title(title or f"{statistic} over {label}: share at least as extreme {p:.3g}")
    return ax


@shared
def plot_placebo(placebo: Any, *, ax: Any = None, alpha: float = 0.05) -> Any:
    """The audit's placebo: how remarkable each shifted trigger list is, and the real one.

    Each shifted list's p-value under the primary analysis, as ``-log10 p`` (larger is
    more remarkable), drawn by :func:`plot_placebo_distribution`, with the real list's
    value and the level ``alpha``.

    Parameters
    ----------
    placebo : PlaceboResult
        The placebo check (``AuditReport.placebo`` or :func:`alliancestats.placebo_test`).
    {shared: ax}
    alpha : float
        The level, drawn as a dotted line at ``-log10 alpha``.

    Returns
    -------
    {shared: returns_axes}
    """
    scores = -np.log10(np.maximum(placebo.table.pvalue.to_numpy(dtype=float), 1e-300))
    real = -np.log10(max(placebo.observed_pvalue, 1e-300))
    ax = _draw_placebo_distribution(
        scores, real, ax=ax, label="shifted lists", statistic="-log10 p", alternative="greater",
        title=f"placebo p = {placebo.pvalue:.3g} ({placebo.share:.1%} as remarkable)")
    ax.set_xlabel(f"-log10 p of each shifted trigger list ({placebo.statistic} under "
                  f"{placebo.null})")
    ax.axvline(-np.log10(alpha), color="k", lw=0.8, ls=":", label=f"level {alpha:g}")
    _legend_outside(ax)
    return ax
