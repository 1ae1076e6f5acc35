"""The timeline: both series on one time axis, windows shaded, matches filled."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._dates import MAX_DAY, MIN_DAY
from .._docstrings import shared
from ..events import EventSeries
from ..matching import coverage_mask
from ..result import CoincidenceResult
from ._common import _axes, _legend_outside, _wrap

__all__ = ["plot_timeline", "stacked_levels"]


def _names(result: CoincidenceResult, triggers: EventSeries) -> tuple[str, str]:
    """The series as the user named them (EventSeries names), else generic words."""
    return (result.responses_name or "responses",
            triggers.name or result.triggers_name or "triggers")


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


@shared
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
    {shared: ax}

    Returns
    -------
    {shared: returns_axes}
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
