r"""Nulls that place independent *units* of responses on equally likely candidate days.

A unit is one response (``uniform``, ``stratified``, ``jitter``) or one episode
(``episode-jitter``). Unit ``u`` has an anchor placed uniformly on the period
offsets :math:`x \in [a_u, b_u]`, independently of the other units; its member
``i`` then lies at :math:`x + r_i` (``r_i = 0`` for a single response; an
episode's members keep their spacing). Triggers stay where they are.

For an additive statistic with per-day score :math:`f(c(d))`, unit ``u``
contributes :math:`Z_u(x) = \sum_{i \in u} f(c(x + r_i))`; its pmf is the
histogram of :math:`Z_u` over the :math:`b_u - a_u + 1` candidates, and

.. math:: P(\text{total} = z) = (P_{Z_1} * P_{Z_2} * \cdots * P_{Z_U})(z),

a convolution (:mod:`alliancestats._convolution`: a balanced tree, narrow merges
direct, wide ones by FFT with exponential tilting, every probability above
:math:`10^{-270}` to relative precision; for K with single-response units it is the
Poisson-binomial distribution). Identical units (same candidates, same member
offsets: every response of a stratum, responses on the same day) are grouped, and
so are units whose pmfs merely coincide (the same histogram of scores over their
candidates: under ``jitter`` a response's pmf of K depends only on how many of its
:math:`2J + 1` days are covered, so at most :math:`2J + 2` pmfs away from the
period's ends, however many days); each pmf is raised to its multiplicity. Cost: the unit histograms,
:math:`O(\sum_u |u| (b_u - a_u + 1))`, then the tree, near-linear in the total
support because every part is trimmed to its entries above :math:`10^{-290}`,
:math:`O(\sqrt{U})` wide; memory linear in :math:`n + T`. The unit pmfs come
from :func:`unit_pmfs`, which the scan also uses for many dyads at once. For the trigger
rate, trigger day ``s`` with window :math:`W_s` (period offsets) is followed by
no response with probability :math:`\prod_u (1 - h_u(s))`, :math:`h_u(s)` the
share of unit ``u``'s candidates that put a member in :math:`W_s`; so
:math:`E[R] = \frac1m \sum_s [1 - \prod_u (1 - h_u(s))]` exactly, while the
distribution of R is simulated.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any, Callable, ClassVar

import numpy as np

from .._convolution import (MATRIX_WIDTH, distinct_rows, power_many, sum_of_unit_rows,
                            sum_of_units_cost)
from .._distinct import distinct
from .._pvalues import NullDistribution
from .._setup import Setup
from ..statistics import STATISTICS, AdditiveStatistic, Statistic
from ..statistics.trigger_rate import TriggerRate
from ._base import NullModel


@dataclass(frozen=True, eq=False)
class Units:
    """Candidate anchors ``low[u] .. high[u]`` of each unit; response ``i`` belongs to
    unit ``unit[i]`` and lies ``rel[i]`` days after its anchor."""

    low: np.ndarray
    high: np.ndarray
    unit: np.ndarray
    rel: np.ndarray

    @property
    def width(self) -> np.ndarray:
        return self.high - self.low + 1

    @property
    def sizes(self) -> np.ndarray:
        return np.bincount(self.unit, minlength=len(self.low))


class UnitPlacementNull(NullModel):
    """Base for the nulls that move independent units within candidate ranges."""

    exact_statistics: ClassVar[tuple[str, ...]] = ("matches", "pairs", "likelihood")
    effect_sizes_refused: ClassVar[str | None] = None

    def make_units(self, setup: Setup) -> Units:
        raise NotImplementedError

    def units(self, setup: Setup) -> Units:
        """The units of ``setup`` (computed once per setup)."""
        return self._cached(setup, "units", lambda: self.make_units(setup))

    def units_in_groups(self, setup: Setup, group: np.ndarray) -> Units:
        """The units when the responses of ``setup`` belong to independent groups
        (``group[i]``, e.g. the dyads of a scan): a unit never joins responses of two
        groups. Units of one response need nothing more; episodes override this."""
        return self.make_units(setup)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without the per-setup cache (weak references do not pickle; the
        cache is rebuilt on use)."""
        return {k: v for k, v in self.__dict__.items() if k != "_per_setup"}

    def _cached(self, setup: Setup, key: str, compute: Callable[[], Any]) -> Any:
        store = self.__dict__.setdefault("_per_setup", weakref.WeakKeyDictionary())
        entry = store.setdefault(setup, {})
        if key not in entry:
            entry[key] = compute()
        return entry[key]

    # -- exact ------------------------------------------------------------------
    def _groups(self, setup: Setup) -> tuple[Units, np.ndarray]:
        """Distinct units (anchor range and member offsets) and how often each occurs."""
        return self._cached(setup, "groups", lambda: self._make_groups(setup))

    def _make_groups(self, setup: Setup) -> tuple[Units, np.ndarray]:
        return distinct_units(self.units(setup))

    def exact_cost(self, setup: Setup, statistic: Statistic) -> float:
        distinct, multiplicity = self._groups(setup)
        top = int(statistic.score(setup).max()) if setup.period.n_days else 0  # type: ignore[attr-defined]
        sizes = distinct.sizes
        histograms = float(np.sum(distinct.width * sizes))
        return sum_of_units_cost(sizes * top + 1, multiplicity) + histograms

    def exact_distribution(self, setup: Setup, statistic: Statistic) -> NullDistribution:
        assert isinstance(statistic, AdditiveStatistic)
        score = statistic.score(setup)
        distinct, copies = self._groups(setup)
        rows: list[np.ndarray] = []
        offsets: list[np.ndarray] = []
        narrow_copies: list[np.ndarray] = []
        wide: dict[tuple[int, bytes], int] = {}
        starts = np.concatenate([[0], np.cumsum(distinct.sizes)])
        block = max(1, UNIT_BLOCK_ELEMENTS // int(distinct.width.max(initial=1)))
        for first in range(0, len(distinct.low), block):    # bounded memory for wide scores
            last = min(first + block, len(distinct.low))
            members = slice(starts[first], starts[last])
            units = Units(low=distinct.low[first: last], high=distinct.high[first: last],
                          unit=distinct.unit[members] - first, rel=distinct.rel[members])
            matrix, offset = unit_pmfs(score, units)
            repeat = copies[first: last]
            length = matrix.shape[1] - np.argmax(matrix[:, ::-1] > 0, axis=1)
            narrow = length <= MATRIX_WIDTH
            rows.append(matrix[narrow, :MATRIX_WIDTH])
            offsets.append(offset[narrow])
            narrow_copies.append(repeat[narrow])
            for row, size, o, k in zip(matrix[~narrow], length[~narrow], offset[~narrow],
                                       repeat[~narrow]):   # identical pmfs added up
                key = (int(o), row[:size].tobytes())
                wide[key] = wide.get(key, 0) + int(k)
        matrix = np.zeros((sum(len(r) for r in rows), max(r.shape[1] for r in rows)))
        row_starts = np.cumsum([0] + [len(r) for r in rows])
        for r, start in zip(rows, row_starts.tolist()):
            matrix[start: start + len(r), : r.shape[1]] = r
        used = int(np.max(np.flatnonzero(matrix.any(axis=0)), initial=0)) + 1
        parts = power_many([(np.frombuffer(row), o) for o, row in wide], list(wide.values()))
        pmf, offset = sum_of_unit_rows(matrix[:, :used], np.concatenate(offsets),
                                       np.concatenate(narrow_copies), parts)
        return NullDistribution.on_integers(pmf, offset)

    # -- moments ----------------------------------------------------------------
    def expected(self, setup: Setup, statistic: Statistic = STATISTICS["matches"]) -> float:
        units = self.units(setup)
        if isinstance(statistic, TriggerRate):
            return self._expected_rate(setup, statistic, units)
        assert isinstance(statistic, AdditiveStatistic)
        cumulative = np.concatenate([[0], np.cumsum(statistic.score(setup))])
        low, high = units.low[units.unit] + units.rel, units.high[units.unit] + units.rel
        return float(((cumulative[high + 1] - cumulative[low]) / (high - low + 1)).sum())

    def _expected_rate(self, setup: Setup, statistic: TriggerRate, units: Units) -> float:
        from ._rate_mean import expected_rate     # (it imports this module)
        return expected_rate(*statistic.trigger_windows(setup), units)

    # -- Monte Carlo ----------------------------------------------------------------
    def draw(self, setup: Setup, size: int, rng: np.random.Generator) -> np.ndarray:
        units = self.units(setup)
        anchors = units.low + (rng.random((size, len(units.low))) * units.width).astype(np.int64)
        return anchors[:, units.unit] + units.rel

    def point_mass(self, setup: Setup, statistic: Statistic) -> bool:
        return bool(np.all(self.units(setup).width == 1))

    def distribution_label(self, setup: Setup, statistic: Statistic) -> str:
        units = self.units(setup)
        if statistic.name == "matches" and np.all(units.sizes == 1):
            covered = np.concatenate([[0], np.cumsum(setup.mask)])
            low, high = units.low[units.unit], units.high[units.unit]
            p = (covered[high + 1] - covered[low]) / (high - low + 1)
            return (f"Poisson-binomial of {setup.n} p_i (mean {p.mean():.4f}, "
                    f"range {p.min():.3f}-{p.max():.3f})")
        if statistic.name in self.exact_statistics:
            return (f"convolution over {len(units.low)} independent units "
                    f"(candidates per unit {units.width.min()}-{units.width.max()})")
        return "Monte Carlo only"


#: units x candidates whose pmfs are computed in one array (bounds the memory)
UNIT_BLOCK_ELEMENTS = 1 << 18
#: members x candidates gathered at once when summing unit scores
GATHER_ELEMENTS = 1 << 22
#: score rows x score values x days of cumulative counts the one-member path may hold
CUMULATIVE_ELEMENTS = 1 << 22


def unit_pmfs(score: np.ndarray, units: Units, row: np.ndarray | None = None,
              ) -> tuple[np.ndarray, np.ndarray]:
    r"""pmf of each unit's total score over its equally likely candidate anchors.

    ``score`` is a per-day score over the period offsets, shape ``(T,)``, or one
    row per group, shape ``(G, T)``, with unit ``u`` reading row ``row[u]`` (the
    scan: one coverage mask per dyad). Unit ``u`` totals
    :math:`Z_u(x) = \sum_{i \in u} \mathrm{score}(x + r_i)` for anchors
    ``x = low[u] .. high[u]``; its pmf is the histogram of :math:`Z_u`.

    Returns ``(pmf, offset)``: ``pmf[u, j]`` is the probability that unit ``u``
    totals ``offset[u] + j`` (rows padded with zeros to the widest range). Units
    of one response with a 0/1 score (K) are read from cumulative sums; units on
    one day (a response, or a same-day burst of ``k`` counted ``k`` times) from
    cumulative counts of each score value, when there are fewer values than
    candidates; others from every candidate, ``GATHER_ELEMENTS`` (member,
    candidate) pairs at a time.
    """
    table = np.atleast_2d(np.asarray(score, dtype=np.int64))
    n_units = len(units.low)
    row = np.zeros(n_units, np.int64) if row is None else np.asarray(row, np.int64)
    width = units.width
    binary = table.size == 0 or (table.min() >= 0 and table.max() <= 1)
    if binary and np.all(units.sizes == 1):
        member = np.empty(n_units, np.int64)
        member[units.unit] = np.arange(len(units.unit))
        cumulative = np.zeros((table.shape[0], table.shape[1] + 1), np.int64)
        np.cumsum(table, axis=1, out=cumulative[:, 1:])
        first = units.low + units.rel[member]
        covered = cumulative[row, first + width] - cumulative[row, first]
        p = covered / width
        return np.column_stack([1 - p, p]), np.zeros(n_units, np.int64)
    # members of one unit at the same offset: one member counted ``weight`` times
    order = np.lexsort((units.rel, units.unit))
    unit, rel = units.unit[order], units.rel[order]
    new = np.concatenate([[True], (unit[1:] != unit[:-1]) | (rel[1:] != rel[:-1])])
    starts = np.flatnonzero(new)
    weight = np.diff(np.append(starts, len(unit)))
    unit, rel = unit[starts], rel[starts]
    low_value, high_value = (int(table.min()), int(table.max())) if table.size else (0, 0)
    values = high_value - low_value + 1
    if (np.array_equal(unit, np.arange(n_units)) and values < int(width.max(initial=1))
            and table.shape[0] * values * (table.shape[1] + 1) <= CUMULATIVE_ELEMENTS):
        return _one_member_pmfs(table, units, row, rel, weight, low_value, values)
    return _gathered_pmfs(table, units, row, unit, rel, weight)


def _one_member_pmfs(table: np.ndarray, units: Units, row: np.ndarray, rel: np.ndarray,
                     weight: np.ndarray, low_value: int, values: int,
                     ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`unit_pmfs` when unit ``u`` is one day ``rel[u]`` counted ``weight[u]``
    times (same-day bursts): the histogram of the score over its candidate days, read
    from cumulative counts of each score value (``values`` of them from
    ``low_value``), so each unit costs ``values`` steps, not one per candidate."""
    width = units.width
    cumulative = np.zeros((table.shape[0], values, table.shape[1] + 1), np.int32)
    for v in range(values):
        np.cumsum(table == low_value + v, axis=1, out=cumulative[:, v, 1:])
    first = units.low + rel
    counts = cumulative[row, :, first + width] - cumulative[row, :, first]   # (units, values)
    present = counts > 0
    lowest = np.argmax(present, axis=1)
    highest = values - 1 - np.argmax(present[:, ::-1], axis=1)
    span = int(np.max(weight * (highest - lowest), initial=0)) + 1
    column = weight[:, None] * (np.arange(values)[None, :] - lowest[:, None])
    out = np.zeros((len(width), span))
    u, v = np.nonzero(present)
    out[u, column[u, v]] = counts[u, v] / width[u]
    return out, weight * (low_value + lowest)


def _gathered_pmfs(table: np.ndarray, units: Units, row: np.ndarray, unit: np.ndarray,
                   rel: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`unit_pmfs` in general: every candidate of every member (``unit``,
    ``rel``, counted ``weight`` times; sorted by unit), ``GATHER_ELEMENTS``
    (member, candidate) pairs at a time."""
    n_units, width = len(units.low), units.width
    most = int(width.max(initial=1))
    steps = np.arange(most)
    # every member reads the ``most`` days from its first candidate on (a view of the
    # score padded with zeros); days past a unit's own candidates are ignored below
    padded = np.zeros((table.shape[0], table.shape[1] + most), np.int64)
    padded[:, : table.shape[1]] = table
    windows = np.lib.stride_tricks.sliding_window_view(padded, most, axis=1)
    first = units.low[unit] + rel
    totals = np.zeros((n_units, most), np.int64)
    block = max(1, GATHER_ELEMENTS // most)
    for start in range(0, len(unit), block):
        part = slice(start, start + block)
        runs = np.flatnonzero(np.concatenate([[True], unit[part][1:] != unit[part][:-1]]))
        gathered = windows[row[unit[part]], first[part]]
        if np.any(weight[part] != 1):
            gathered = gathered * weight[part, None]
        totals[unit[part][runs]] += np.add.reduceat(gathered, runs, axis=0)
    valid = steps[None, :] < width[:, None]
    offset = np.where(valid, totals, np.iinfo(np.int64).max).min(axis=1)
    shifted = totals - offset[:, None]
    span = int(np.where(valid, shifted, 0).max(initial=0)) + 1
    counts = np.bincount((np.arange(n_units)[:, None] * span + shifted)[valid],
                         minlength=n_units * span).reshape(n_units, span)
    return counts / width[:, None], offset


def unit_groups(units: Units) -> tuple[Units, np.ndarray]:
    """The distinct units of ``units`` (same candidate anchors, same member offsets)
    and, for each unit, the position of its distinct twin: units of each size
    compared as rows ``(low, high, sorted offsets)``, all at once."""
    sizes = units.sizes
    order = np.lexsort((units.rel, units.unit))
    rel = units.rel[order]                     # by unit, each unit's offsets ascending
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    keep: list[np.ndarray] = []
    which = np.empty(len(sizes), np.int64)
    for size in distinct(sizes).tolist():
        these = np.flatnonzero(sizes == size)
        table = np.column_stack([units.low[these], units.high[these],
                                 rel[starts[these, None] + np.arange(size)]])
        first, group = distinct_rows(table)
        which[these] = group + sum(len(k) for k in keep)
        keep.append(these[first])
    kept = np.concatenate(keep) if keep else np.zeros(0, np.int64)
    kept_sizes = sizes[kept]
    members = (np.repeat(starts[kept] - np.concatenate([[0], np.cumsum(kept_sizes)[:-1]]),
                         kept_sizes) + np.arange(int(kept_sizes.sum())))
    grouped = Units(low=units.low[kept], high=units.high[kept],
                    unit=np.repeat(np.arange(len(kept)), kept_sizes), rel=rel[members])
    return grouped, which


def distinct_units(units: Units) -> tuple[Units, np.ndarray]:
    """The distinct units of ``units`` (:func:`unit_groups`) and how often each occurs."""
    grouped, which = unit_groups(units)
    return grouped, np.bincount(which, minlength=len(grouped.low))
