r"""The reach of the triggers, cut into atoms: what nulls that redraw triggers work on.

The *reach* is the ``D = T + L - 1`` days that can hold a trigger covering some
period day, ``[start - hi, end - lo]``. Response ``i`` (period offset ``u_i``)
looks at the reach offsets ``[u_i, u_i + L - 1]``; for a narrower window
``[lo', hi']`` inside ``[lo, hi]`` (a window sweep) at
``[u_i + hi - hi', u_i + hi - lo']``.

Cutting the reach at every window's first day and at the day after every
window's last day gives *atoms*: runs of days that lie in exactly the same
windows. Every statistic depends on redrawn triggers only through the number of
trigger days in each atom, and there are at most ``2nW + 1`` atoms however long
the window is, so the longest window (about 3.65 million days) costs no more than one of 30.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ._distinct import distinct
from ._setup import Setup, column_sums
from .window import Window


#: reaches of at most this many days get a day -> atom table (8 bytes a day)
DAY_TABLE_DAYS = 1 << 22


@dataclass(frozen=True, eq=False)
class ReachAtoms:
    """Atoms of the reach and the atom range ``[first, stop)`` of every window.

    Attributes
    ----------
    n_days : int
        ``D``, the days of the reach.
    edges : int64 array, shape (A + 1,)
        Atom ``j`` is reach offsets ``edges[j] .. edges[j + 1] - 1``.
    first, stop : int64 arrays, shape (W, n)
        Window ``w`` of response ``i`` holds atoms ``first[w, i] .. stop[w, i] - 1``.
    reach : bool array, shape (W, A)
        The atoms in window ``w``'s own reach (all of them for the widest window).
    """

    n_days: int
    edges: np.ndarray
    first: np.ndarray
    stop: np.ndarray
    reach: np.ndarray

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.edges)

    @property
    def n_atoms(self) -> int:
        return len(self.edges) - 1

    @cached_property
    def weights(self) -> np.ndarray:
        """``weights[w, j]``: how many responses' windows ``w`` hold atom ``j``."""
        out = np.zeros((self.first.shape[0], self.n_atoms + 1), dtype=np.int64)
        for w in range(self.first.shape[0]):
            np.add.at(out[w], self.first[w], 1)
            np.add.at(out[w], self.stop[w], -1)
        return np.cumsum(out, axis=1)[:, :-1]

    @cached_property
    def union(self) -> np.ndarray:
        """``union[w, j]``: atom ``j`` lies in some response's window ``w``."""
        return self.weights > 0

    def day_atoms(self, offsets: np.ndarray) -> np.ndarray:
        """The atom holding each reach offset (looked up in a table of the reach's
        days when there are many offsets and the reach is short enough)."""
        offsets = np.asarray(offsets)
        if offsets.size * 8 >= self.n_days and self.n_days <= DAY_TABLE_DAYS:
            return self._atom_of_day[offsets]
        return np.searchsorted(self.edges, offsets, side="right") - 1

    @cached_property
    def _atom_of_day(self) -> np.ndarray:
        return np.repeat(np.arange(self.n_atoms, dtype=np.int64), self.lengths)

    def counts_of(self, setup: Setup) -> np.ndarray:
        """Observed trigger days per atom."""
        offsets = setup.trigger_days - setup.reach_first_day
        return np.bincount(self.day_atoms(offsets), minlength=self.n_atoms)

    def window_counts(self, counts: np.ndarray, window: int = 0) -> np.ndarray:
        """Trigger days in each response's window ``window``, for rows of atom counts
        ``(B, A)``: shape ``(B, n)``."""
        return column_sums(counts, [(self.first[window], self.stop[window])])[0]


def reach_atoms(setup: Setup, windows: list[Window] | None = None) -> ReachAtoms:
    """Atoms of ``setup``'s reach for its window, or for ``windows`` inside it."""
    n_days = setup.reach_n_days   # at most T + 2 * MAX_LAG + 1: Window bounds every lag
    chosen = windows or [setup.window]
    offsets, top, days = setup.response_offsets, setup.window.hi, setup.period.n_days
    starts = np.stack([offsets + (top - w.hi) for w in chosen])
    ends = np.stack([offsets + (top - w.lo) + 1 for w in chosen])
    reach_bounds = np.array([[top - w.hi, top - w.lo + days] for w in chosen], dtype=np.int64)
    edges = distinct(np.concatenate([[0, n_days], starts.ravel(), ends.ravel(),
                                      reach_bounds.ravel()]))
    left = edges[:-1]
    reach = (left[None, :] >= reach_bounds[:, :1]) & (left[None, :] < reach_bounds[:, 1:])
    return ReachAtoms(n_days=n_days, edges=edges, first=np.searchsorted(edges, starts),
                      stop=np.searchsorted(edges, ends), reach=reach)


def atoms_of_intervals(starts: np.ndarray, ends: np.ndarray) -> ReachAtoms:
    """Atoms of the days ``min(starts) .. max(ends)`` for the windows
    ``[starts[i], ends[i]]`` (inclusive, one row); offsets count from ``min(starts)``."""
    origin = int(np.min(starts))
    starts, stops = np.asarray(starts) - origin, np.asarray(ends) - origin + 1
    n_days = int(np.max(stops))
    edges = distinct(np.concatenate([[0, n_days], starts, stops]))
    return ReachAtoms(n_days=n_days, edges=edges, first=np.searchsorted(edges, starts)[None, :],
                      stop=np.searchsorted(edges, stops)[None, :],
                      reach=np.ones((1, len(edges) - 1), dtype=bool))
