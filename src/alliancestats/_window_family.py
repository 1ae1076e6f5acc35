r"""Many windows of lags on one dataset, from one pass over the trigger days.

A family of windows :math:`w_1, \dots, w_W` (a window sweep) asks the same
questions of the same responses and triggers ``W`` times. Two things make it cost
little more than one window:

* **Coverage counts from one cumulative count.** With :math:`N(x)` the number of
  distinct trigger days :math:`\le x` (a cumulative sum over the reach of the
  hull of the windows, computed once), the distinct trigger days in the window
  ``[lo, hi]`` of period day ``d`` number

  .. math:: c_w(d) = N(d - lo) - N(d - hi - 1),

  two slices of one array per window instead of a search per day and window.

* **Day patterns.** For an additive statistic (a sum over responses of a score
  :math:`f(c_w(d))` of the day each response falls on), a period day enters every
  window's statistic only through its *pattern*, the vector
  :math:`(f(c_{w_1}(d)), \dots, f(c_{w_W}(d)))`. Period days are grouped by
  pattern (``P`` patterns; for K and nested windows such as ``[0, h]`` at most
  ``W + 1``, since the pattern of a day is fixed by its lag to the nearest trigger
  day); a surrogate placement of the responses is then reduced to the number
  :math:`a_p` of responses on days of each pattern, and

  .. math:: X_b(w) = \sum_{p=1}^{P} a_p\, f_{p,w},

  all ``W`` values from one look-up per response and a ``P x W`` product, where
  the per-window route gathers ``W`` scores per response.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterator, NamedTuple

import numpy as np

from ._setup import Setup, in_reach
from .window import Window

#: at most this many bits of one score word (uint64, one bit spare)
_WORD_BITS = 63


def window_coverage_counts(hull: Setup, windows: list[Window]) -> Iterator[np.ndarray]:
    """``c_w(d)`` (int64, one per period day) for each window, in order.

    Every window must lie inside ``hull.window``. Equal to
    :func:`alliancestats.matching.coverage_counts` window by window, from one
    cumulative count of the distinct trigger days over the hull's reach.
    """
    first, n_days = hull.period.first_day, hull.period.n_days
    base = hull.reach_first_day
    days = np.asarray(hull.triggers.days, dtype=np.int64)
    grid = np.zeros(hull.reach_n_days, dtype=bool)      # distinct trigger days, no sort needed
    grid[days[in_reach(days, hull.window, hull.period)] - base] = True
    cumulative = np.zeros(hull.reach_n_days + 1, dtype=np.int64)
    np.cumsum(grid, out=cumulative[1:])
    for w in windows:
        if not (hull.window.lo <= w.lo and w.hi <= hull.window.hi):
            raise ValueError(f"window {w} is not inside the hull {hull.window}")
        upper = first - w.lo - base + 1          # N(d - lo) for the first period day
        lower = first - w.hi - base              # N(d - hi - 1)
        yield cumulative[upper:upper + n_days] - cumulative[lower:lower + n_days]


def window_setups(hull: Setup, windows: list[Window]) -> Iterator[Setup]:
    """One setup per window, each with its coverage counts already in place.

    The setups are made one at a time, so a caller that keeps only what it needs
    of each holds one window's arrays at once.
    """
    for w, counts in zip(windows, window_coverage_counts(hull, windows)):
        setup = replace(hull, window=w)
        setup.__dict__["coverage_count"] = counts     # the cached_property's own slot
        yield setup


class DayPatterns(NamedTuple):
    """Period days grouped by their scores in every window.

    ``day_pattern[d]`` is the pattern of period offset ``d``; ``scores[p, w]`` the
    score of pattern ``p`` in window ``w``.
    """

    day_pattern: np.ndarray
    scores: np.ndarray

    def values(self, offsets: np.ndarray) -> np.ndarray:
        """The statistic in every window for rows of placements ``(B, n)``: ``(W, B)``."""
        n_patterns = self.scores.shape[0]
        rows = offsets.shape[0]
        which = self.day_pattern[offsets].astype(np.intp)
        if rows > 1:
            which += (np.arange(rows, dtype=np.intp) * n_patterns)[:, None]
        counts = np.bincount(which.ravel(), minlength=rows * n_patterns).reshape(rows, n_patterns)
        # float64 products of integers below 2**53 are exact
        return np.rint(counts.astype(float) @ self.scores.astype(float)).astype(np.int64).T


class PatternBuilder:
    """Collects the windows' day scores one window at a time into :class:`DayPatterns`.

    Scores are packed into 63-bit words (as many windows as fit); each full word is
    reduced to pattern numbers at once, so memory holds one word and the running
    pattern numbers, not ``W`` score arrays. Gives up (:meth:`result` returns None)
    when a score is negative or the patterns outnumber ``limit``.
    """

    def __init__(self, n_days: int, limit: int) -> None:
        self.limit = limit
        self.ids = np.zeros(n_days, dtype=np.int64)
        self.n_ids = 1
        self.word = np.zeros(n_days, dtype=np.uint64)
        self.used = 0
        self.layout: list[tuple[int, int, int]] = []    # (word index, shift, width) per window
        self.words: list[np.ndarray] = []               # each word's value per pattern
        self.failed = False

    def add(self, score: np.ndarray) -> None:
        if self.failed:
            return
        top = int(score.max()) if score.size else 0
        if score.size and int(score.min()) < 0:
            self.failed = True
            return
        width = max(top.bit_length(), 1)
        if width > _WORD_BITS:
            self.failed = True
            return
        if self.used + width > _WORD_BITS:
            self._close_word()
            if self.failed:
                return
        self.layout.append((len(self.words), self.used, width))
        self.word |= score.astype(np.uint64) << np.uint64(self.used)
        self.used += width

    def _close_word(self) -> None:
        values, inverse = _distinct(self.word, self.limit)
        if values is None:
            self.failed = True
            return
        combined, ids = _distinct(self.ids * len(values) + inverse, self.limit)
        if combined is None:
            self.failed = True
            return
        # the word's value of each new pattern, and the old words' values through the old ids
        self.words = [w[combined // len(values)] for w in self.words]
        self.words.append(values[combined % len(values)])
        self.ids, self.n_ids = ids, len(combined)
        self.word[:] = 0
        self.used = 0

    def result(self) -> DayPatterns | None:
        if self.used and not self.failed:
            self._close_word()
        if self.failed:
            return None
        scores = np.empty((self.n_ids, len(self.layout)), dtype=np.int64)
        for w, (word, shift, width) in enumerate(self.layout):
            scores[:, w] = ((self.words[word] >> np.uint64(shift))
                            & np.uint64((1 << width) - 1)).astype(np.int64)
        # the smallest type: the look-up per response is the hot loop, and a small
        # table stays in cache
        return DayPatterns(self.ids.astype(smallest_integer_type(0, self.n_ids)), scores)


def day_rows(scores: np.ndarray) -> np.ndarray:
    """Window scores ``(W, T)`` as one row per day ``(T, W)``, in the smallest integer
    type that holds them, for when :class:`DayPatterns` cannot serve (nearly every day
    its own pattern): a placement then reads one short contiguous row per response
    (all windows at once) instead of ``W`` scattered values, 5-8 times faster; summed
    in int64 the rows give the same integers."""
    low, high = (int(scores.min()), int(scores.max())) if scores.size else (0, 0)
    return np.ascontiguousarray(scores.T.astype(smallest_integer_type(low, high)))


def smallest_integer_type(low: int, high: int) -> type[np.integer]:
    """The smallest integer type holding ``low .. high`` (unsigned when ``low >= 0``)."""
    types = (np.uint8, np.uint16, np.uint32) if low >= 0 else (np.int8, np.int16, np.int32)
    return next((t for t in types if np.iinfo(t).min <= low and high <= np.iinfo(t).max),
                np.int64)


def _distinct(values: np.ndarray, limit: int) -> tuple[np.ndarray | None, np.ndarray]:
    """Sorted distinct values and each value's index among them; None past ``limit``.

    A sort and a search (the number of distinct values is checked before the
    search, so a large count costs only the sort).
    """
    ordered = np.sort(values)
    keep = np.empty(ordered.size, dtype=bool)
    keep[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    distinct = ordered[keep]
    if distinct.size > limit:
        return None, values
    return distinct, np.searchsorted(distinct, values)
