"""Figures of the calibration tables (needs the ``plot`` extra).

Both functions take a table in the long form :func:`size_table` and
:func:`power_table` return (and ``docs/data/calibration_*.csv`` store), draw one
panel per statistic and return the array of Axes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._validation import check_fraction
from ..errors import AllianceStatsError
from ..plots import _pyplot

__all__ = ["plot_size", "plot_power"]

PANEL_TITLES = {"matches": "K (matches)", "pairs": "S (pairs)",
                "trigger-rate": "R (trigger-rate)", "likelihood": "Λ (likelihood)"}
MARKERS = "osD^v<>ph*"


def _check_table(table: Any, columns: tuple[str, ...],
                 producer: str) -> tuple[pd.DataFrame, list[str], list[str]]:
    """The table, its statistics and its null variants, in the table's order."""
    if not isinstance(table, pd.DataFrame):
        raise AllianceStatsError(f"`table` must be a DataFrame from {producer}, "
                                 f"got {type(table).__name__}")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise AllianceStatsError(f"`table` lacks the column(s) {missing}; give the table "
                                 f"{producer} returns")
    if table.empty:
        raise AllianceStatsError("`table` has no rows")
    return table, list(table.statistic.unique()), list(table.null.unique())


def _panels(statistics: list[str], size: tuple[float, float], sharey: bool) -> tuple[Any, Any]:
    fig, axes = _pyplot().subplots(1, len(statistics), figsize=size, sharey=sharey,
                                   layout="constrained", squeeze=False)
    return fig, axes[0]


def plot_size(table: pd.DataFrame) -> np.ndarray:
    """Rejection rate of every null variant under every scenario, one panel per statistic.

    Each row of a panel is a null variant, each marker a scenario; the grey band
    lies above the bound ``alpha + 3 SE`` that a test holding its level exceeds
    with probability about 0.0013. The rate axis has a square-root scale, which
    spreads the rates near the level.

    Parameters
    ----------
    table : pandas.DataFrame
        The long table of :func:`alliancestats.calibration.size_table`: columns
        ``scenario``, ``null``, ``statistic``, ``rate`` and ``bound``.

    Returns
    -------
    numpy.ndarray
        The Axes, one per statistic in the table's order.
    """
    table, statistics, nulls = _check_table(
        table, ("scenario", "null", "statistic", "rate", "bound"), "size_table")
    scenarios = list(table.scenario.unique())
    fig, axes = _panels(statistics, (11, 0.42 * len(nulls) + 2.2), sharey=True)
    offsets = np.linspace(-0.25, 0.25, len(scenarios))
    top = float(table.rate.max())
    for ax, statistic in zip(axes, statistics):
        part = table[table.statistic == statistic]
        bound = float(part.bound.max())
        ax.axvspan(bound, max(1.0, top), color="0.9", lw=0)
        ax.axvline(bound, color="0.4", lw=0.8, ls=":")
        for j, name in enumerate(scenarios):
            cells = part[part.scenario == name]
            rows = [nulls.index(null) + offsets[j] for null in cells.null]
            ax.plot(cells.rate, rows, MARKERS[j % len(MARKERS)], color=f"C{j}", ms=5,
                    clip_on=False, label=name if ax is axes[0] else None)
        ax.set_xscale("function", functions=(np.sqrt, np.square))
        ax.set_xlim(0, top * 1.05)
        ticks = [t for t in (0, 0.05, 0.2, 0.4, 0.6, 0.8, 1) if t <= top * 1.05]
        ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
        ax.set_title(PANEL_TITLES.get(statistic, statistic))
        ax.set_xlabel("rejection rate (square-root scale)")
        ax.grid(axis="x", color="0.85", lw=0.5)
    axes[0].set_yticks(range(len(nulls)), nulls)
    axes[0].invert_yaxis()
    axes[0].plot([], [], ":", color="0.4", label=f"bound α + 3 SE = {bound:.3f}")
    fig.legend(loc="outside lower center", ncol=4, frameon=False, fontsize="small")
    return axes


def plot_power(table: pd.DataFrame, *, alpha: float = 0.05) -> np.ndarray:
    """Power against the coupling share, one line per null variant, one panel per statistic.

    A null variant whose rejection rate at coupling 0 (its size against these
    triggers) is above ``alpha + 3 SE`` is drawn dashed and marked "too liberal":
    its rejections at higher couplings are not power.

    Parameters
    ----------
    table : pandas.DataFrame
        The long table of :func:`alliancestats.calibration.power_table`: columns
        ``coupling``, ``null``, ``statistic``, ``power`` and ``datasets``.
    alpha : float, optional
        The level the table was computed at (drawn as a dotted line).

    Returns
    -------
    numpy.ndarray
        The Axes, one per statistic in the table's order.
    """
    alpha = check_fraction(alpha, "alpha")
    table, statistics, nulls = _check_table(
        table, ("coupling", "null", "statistic", "power", "datasets"), "power_table")
    fig, axes = _panels(statistics, (11, 4.6), sharey=True)
    for ax, statistic in zip(axes, statistics):
        part = table[table.statistic == statistic]
        for i, null in enumerate(nulls):
            cells = part[part.null == null].sort_values("coupling")
            if cells.empty:
                continue
            size = cells[cells.coupling == 0]
            bound = alpha + 3 * np.sqrt(alpha * (1 - alpha) / cells.datasets.to_numpy()[0])
            liberal = bool((size.power > bound).any())
            ax.plot(cells.coupling, cells.power, "--" if liberal else "-",
                    marker=MARKERS[i % len(MARKERS)], ms=4, color=f"C{i}",
                    label=f"{null} (too liberal)" if liberal else null)
        ax.axhline(alpha, color="0.4", lw=0.8, ls=":")
        ax.set_ylim(0, 1)
        ax.set_title(PANEL_TITLES.get(statistic, statistic))
        ax.set_xlabel("coupling π (share of responses caused)")
        ax.grid(color="0.85", lw=0.5)
    axes[0].set_ylabel("rejection rate")
    handles = {h.get_label(): h for ax in axes for h in ax.get_lines()
               if not h.get_label().startswith("_")}
    fig.legend(handles.values(), handles.keys(), loc="outside lower center", ncol=4,
               frameon=False, fontsize="small")
    return axes
