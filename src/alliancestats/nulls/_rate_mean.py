r"""The mean of the trigger rate R under the nulls that place independent units.

Trigger day ``j`` (window: period offsets ``a_j .. b_j``) is followed by a response
unless every unit misses the window. Unit ``u`` (anchors ``low_u .. high_u``, equally
likely; members ``rel_i`` days after the anchor) puts a member in it for the anchors
in :math:`\bigcup_i [a_j - r_i, b_j - r_i] \cap [\mathrm{low}_u, \mathrm{high}_u]`, a
share :math:`s_{ju}` of its candidates, so with units independent

.. math:: E[R] = \frac1m \sum_j \Big(1 - \prod_u (1 - s_{ju})\Big).

Equal units (same candidates, same member offsets) are taken once with their
multiplicity, and only (trigger, unit) pairs whose ranges can meet are visited:
units sorted by their first reachable offset, those within the widest unit's reach
of the window (one pair per trigger when every unit spans the period; a few when
units are years or jitter ranges).
"""

from __future__ import annotations

import numpy as np

from ._placement import Units, distinct_units

#: (trigger, unit member) rows computed at once
PAIR_ROWS = 1 << 21


def expected_rate(first: np.ndarray, last: np.ndarray, units: Units) -> float:
    """:math:`E[R]` for trigger windows ``first[j] .. last[j]`` (period offsets) and
    independently placed ``units`` (see the module notes)."""
    m = len(first)
    if m == 0:
        return 0.0
    grouped, copies = distinct_units(units)
    order = np.lexsort((-grouped.rel, grouped.unit))   # by unit, members' starts ascending
    member_unit, rel = grouped.unit[order], grouped.rel[order]
    n_groups = len(grouped.low)
    sizes = np.bincount(member_unit, minlength=n_groups)
    member_start = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    # each unit's offsets descend from its first member to its last
    rel_max, rel_min = rel[member_start], rel[member_start + sizes - 1]
    reach_lo, reach_hi = grouped.low + rel_min, grouped.high + rel_max
    by_reach = np.argsort(reach_lo, kind="stable")
    sorted_lo = reach_lo[by_reach]
    span = int((reach_hi - reach_lo).max())
    # candidate units of trigger j: reach starting in [first_j - span, last_j]
    begin = np.searchsorted(sorted_lo, first - span, side="left")
    end = np.searchsorted(sorted_lo, last, side="right")
    log_miss = np.zeros(m)
    per_trigger = (end - begin).astype(np.int64)
    rows_before = np.cumsum(np.maximum(per_trigger * int(sizes.max()), 1))
    start = 0
    while start < m:
        done = int(rows_before[start - 1]) if start else 0
        stop = min(max(start + 1, int(np.searchsorted(rows_before, done + PAIR_ROWS))), m)
        log_miss[start:stop] = _log_miss(first[start:stop], last[start:stop], begin[start:stop],
                                         per_trigger[start:stop], by_reach, grouped, copies,
                                         sizes, member_start, rel)
        start = stop
    return float(np.mean(-np.expm1(log_miss)))


def _log_miss(first: np.ndarray, last: np.ndarray, begin: np.ndarray, count: np.ndarray,
              by_reach: np.ndarray, grouped: Units, copies: np.ndarray, sizes: np.ndarray,
              member_start: np.ndarray, rel: np.ndarray) -> np.ndarray:
    """:math:`\\sum_u \\log(1 - s_{ju})` for a block of triggers."""
    trigger = np.repeat(np.arange(len(first)), count)
    position = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    unit = by_reach[np.repeat(begin, count) + position]             # one row per pair
    pair = np.repeat(np.arange(len(unit)), sizes[unit])              # one row per member
    member = (np.repeat(member_start[unit], sizes[unit])
              + np.arange(len(pair)) - np.repeat(np.cumsum(sizes[unit]) - sizes[unit], sizes[unit]))
    low, high = grouped.low[unit[pair]], grouped.high[unit[pair]]
    start = np.maximum(first[trigger[pair]] - rel[member], low)
    end = np.minimum(last[trigger[pair]] - rel[member], high)
    new_pair = np.ones(len(pair), dtype=bool)
    new_pair[1:] = pair[1:] != pair[:-1]
    previous = np.where(new_pair, np.iinfo(np.int64).min // 2, np.concatenate([end[:1], end[:-1]]))
    length = np.maximum(end - np.maximum(start, previous + 1) + 1, 0)
    covered = np.bincount(pair, weights=length, minlength=len(unit))
    share = np.minimum(covered / (grouped.high[unit] - grouped.low[unit] + 1), 1.0)
    with np.errstate(divide="ignore"):
        terms = copies[unit] * np.log1p(-share)
    terms = np.where(share > 0, terms, 0.0)
    return np.bincount(trigger, weights=terms, minlength=len(first))
