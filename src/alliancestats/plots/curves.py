"""Curves: p-value against window width (the sweep) and against the trigger rate."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._docstrings import shared
from ..breakeven import BreakEvenResult
from ..sweep import SweepResult
from ..window import Window
from ._common import _axes, _legend_outside

__all__ = ["plot_sweep", "plot_rate_curve"]


@shared
def plot_sweep(sweep: SweepResult, *, ax: Any = None, alpha: float = 0.05,
               window: Window | None = None) -> Any:
    """p-value against window length per null (adjusted curves dashed), with the level
    ``alpha`` and the analysed ``window`` marked.

    Parameters
    ----------
    sweep : SweepResult
        The sweep.
    {shared: ax}
    alpha : float
        The level, drawn as a dotted line.
    window : Window, optional
        The window of the main analysis, marked at its width.

    Returns
    -------
    {shared: returns_axes}
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


@shared
def plot_rate_curve(curve: BreakEvenResult, *, ax: Any = None) -> Any:
    """p of the observed K against the trigger rate, with the break-even points, over
    the rates around them and the observed rate (where the curve's shape matters).

    Parameters
    ----------
    curve : BreakEvenResult
        From :func:`alliancestats.rate_curve`.
    {shared: ax}

    Returns
    -------
    {shared: returns_axes}
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
