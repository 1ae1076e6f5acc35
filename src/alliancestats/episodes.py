"""Episodes: runs of events close together in time, the unit cluster-preserving nulls move.

Sort the event days. An *episode* is a maximal run of events whose consecutive
gaps :math:`t_{(j+1)} - t_{(j)}` are all ``<= gap`` days; events on the same day
always share an episode. With ``gap = 0`` each distinct day is an episode.

Examples
--------
>>> ep = episodes(np.array([10, 3, 4, 30, 12]), gap=2)
>>> ep.label.tolist(), ep.first_day.tolist(), ep.last_day.tolist(), ep.size.tolist()
([1, 0, 0, 2, 1], [3, 10, 30], [4, 12, 30], [2, 2, 1])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ._validation import check_integer

__all__ = ["Episodes", "episodes"]


@dataclass(frozen=True, eq=False)
class Episodes:
    """A partition of events into episodes, numbered in time order.

    Attributes
    ----------
    label : int64 array, shape (n,)
        Episode of each event, in the input order.
    first_day, last_day : int64 arrays, shape (E,)
        First and last day of each episode.
    size : int64 array, shape (E,)
        Events in each episode.
    gap : int
        The largest gap within an episode.
    """

    label: np.ndarray
    first_day: np.ndarray
    last_day: np.ndarray
    size: np.ndarray
    gap: int

    @property
    def n_episodes(self) -> int:
        return len(self.first_day)

    @property
    def span(self) -> np.ndarray:
        """Days from each episode's first event to its last (0 for a single day)."""
        return self.last_day - self.first_day

    def members(self, episode: int) -> np.ndarray:
        """Positions (in the input order) of the events in ``episode``.

        Parameters
        ----------
        episode : int
            The episode's label.

        Returns
        -------
        numpy.ndarray of int
        """
        return np.flatnonzero(self.label == episode)


def episodes(days: Any, gap: Any) -> Episodes:
    """Partition event ``days`` (day numbers) into episodes of gaps ``<= gap`` days.

    Parameters
    ----------
    days : array of int
        Event days, in any order.
    gap : int
        Largest gap in days between consecutive events of one episode (``>= 0``).

    Returns
    -------
    Episodes
    """
    gap = check_integer(gap, "gap", minimum=0)
    days = np.asarray(days, dtype=np.int64)
    order = np.argsort(days, kind="stable")
    ordered = days[order]
    starts = np.concatenate([[True], np.diff(ordered) > gap]) if len(days) else np.zeros(0, bool)
    sorted_label = np.cumsum(starts) - 1
    label = np.empty(len(days), dtype=np.int64)
    label[order] = sorted_label
    first = ordered[starts]
    ends = np.concatenate([np.flatnonzero(starts)[1:] - 1, [len(days) - 1]]).astype(np.int64) \
        if len(days) else np.zeros(0, dtype=np.int64)
    return Episodes(label=label, first_day=first, last_day=ordered[ends],
                    size=np.bincount(sorted_label, minlength=len(first)).astype(np.int64), gap=gap)
