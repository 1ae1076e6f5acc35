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
offsets: every response of a stratum, responses on the same day) are grouped and
their pmf raised to its multiplicity. Cost: the unit histograms,
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

from .._convolution import MATRIX_WIDTH, power, sum_of_unit_rows, sum_of_units_cost
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
    def _groups(self, setup: Setup) -> tuple[list[tuple[int, int, tuple[int, ...]]], list[int]]:
        """Distinct units (anchor range and member offsets) and how often each occurs."""
        return self._cached(setup, "groups", lambda: self._make_groups(setup))

    def _make_groups(self, setup: Setup) -> tuple[list[tuple[int, int, tuple[int, ...]]], list[int]]:
        units = self.units(setup)
        sizes = units.sizes
        widest = int(sizes.max(initial=1))
        if len(units.low) * widest <= 4 * len(units.unit) + 1024:
            # each unit as one row (low, high, size, sorted member offsets padded),
            # grouped at once
            order = np.lexsort((units.rel, units.unit))
            unit, rel = units.unit[order], units.rel[order]
            starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
            table = np.full((len(units.low), widest), -1, np.int64)
            table[unit, np.arange(len(unit)) - starts[unit]] = rel
            rows, counts = np.unique(np.column_stack([units.low, units.high, sizes, table]),
                                     axis=0, return_counts=True)
            keys = [(row[0], row[1], tuple(row[3: 3 + row[2]])) for row in rows.tolist()]
            return keys, counts.tolist()
        members: dict[int, list[int]] = {}
        for i, (u, r) in enumerate(zip(units.unit.tolist(), units.rel.tolist())):
            members.setdefault(u, []).append(r)
        counts_of: dict[tuple[int, int, tuple[int, ...]], int] = {}
        for u, (low, high) in enumerate(zip(units.low.tolist(), units.high.tolist())):
            key = (low, high, tuple(sorted(members.get(u, []))))
            counts_of[key] = counts_of.get(key, 0) + 1
        return list(counts_of), list(counts_of.values())

    def exact_cost(self, setup: Setup, statistic: Statistic) -> float:
        keys, multiplicity = self._groups(setup)
        top = int(statistic.score(setup).max()) if setup.period.n_days else 0  # type: ignore[attr-defined]
        lengths = [len(rel) * top + 1 for _, _, rel in keys]
        histograms = sum((high - low + 1) * len(rel) for low, high, rel in keys)
        return sum_of_units_cost(lengths, multiplicity) + histograms

    def exact_distribution(self, setup: Setup, statistic: Statistic) -> NullDistribution:
        assert isinstance(statistic, AdditiveStatistic)
        score = statistic.score(setup)
        keys, multiplicity = self._groups(setup)
        copies = np.asarray(multiplicity, np.int64)
        rows: list[np.ndarray] = []
        offsets: list[np.ndarray] = []
        narrow_copies: list[np.ndarray] = []
        wide: list[tuple[np.ndarray, int]] = []
        for first in range(0, len(keys), UNIT_BLOCK):   # bounded memory for wide scores
            block = keys[first: first + UNIT_BLOCK]
            sizes = [len(rel) for _, _, rel in block]
            units = Units(low=np.array([k[0] for k in block], np.int64),
                          high=np.array([k[1] for k in block], np.int64),
                          unit=np.repeat(np.arange(len(block)), sizes),
                          rel=np.array([r for k in block for r in k[2]], np.int64))
            matrix, offset = unit_pmfs(score, units)
            repeat = copies[first: first + UNIT_BLOCK]
            length = matrix.shape[1] - np.argmax(matrix[:, ::-1] > 0, axis=1)
            narrow = length <= MATRIX_WIDTH
            rows.append(np.pad(matrix[narrow, :MATRIX_WIDTH],
                               ((0, 0), (0, max(0, MATRIX_WIDTH - matrix.shape[1])))))
            offsets.append(offset[narrow])
            narrow_copies.append(repeat[narrow])
            wide += [power((row[:size], int(o)), int(k)) for row, size, o, k in
                     zip(matrix[~narrow], length[~narrow], offset[~narrow], repeat[~narrow])]
        matrix = np.vstack(rows)
        used = int(np.max(np.flatnonzero(matrix.any(axis=0)), initial=0)) + 1
        pmf, offset = sum_of_unit_rows(matrix[:, :used], np.concatenate(offsets),
                                       np.concatenate(narrow_copies), wide)
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
        m = len(setup.trigger_days)
        if m == 0:
            return 0.0
        first, last = statistic.trigger_windows(setup)
        order = np.lexsort((-units.rel, units.unit))       # by unit, members' starts ascending
        unit, rel = units.unit[order], units.rel[order]
        low, high = units.low[unit], units.high[unit]
        start = np.maximum(first[:, None] - rel[None, :], low[None, :])   # (m, n)
        end = np.minimum(last[:, None] - rel[None, :], high[None, :])
        new_unit = np.concatenate([[True], unit[1:] != unit[:-1]])
        previous = np.where(new_unit[None, :], np.iinfo(np.int64).min // 2,
                            np.concatenate([end[:, :1], end[:, :-1]], axis=1))
        length = np.maximum(end - np.maximum(start, previous + 1) + 1, 0)
        boundaries = np.flatnonzero(new_unit)
        covered = np.add.reduceat(length, boundaries, axis=1)             # (m, U present)
        share = covered / units.width[unit[boundaries]][None, :]
        with np.errstate(divide="ignore"):
            miss = np.exp(np.log1p(-np.minimum(share, 1.0)).sum(axis=1))
        return float(np.mean(1.0 - miss))

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


#: distinct units whose pmfs are computed in one array (memory: units x score range)
UNIT_BLOCK = 256
#: members x candidates gathered at once when summing unit scores
GATHER_ELEMENTS = 1 << 22


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
    of one response with a 0/1 score (K) are read from cumulative sums; others
    from every candidate, ``GATHER_ELEMENTS`` (member, candidate) pairs at a time.
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
    most = int(width.max(initial=1))
    steps = np.arange(most)
    # every member reads the ``most`` days from its first candidate on (a view of the
    # score padded with zeros); days past a unit's own candidates are ignored below
    padded = np.zeros((table.shape[0], table.shape[1] + most), np.int64)
    padded[:, : table.shape[1]] = table
    windows = np.lib.stride_tricks.sliding_window_view(padded, most, axis=1)
    order = np.argsort(units.unit, kind="stable")
    unit, first = units.unit[order], units.low[units.unit[order]] + units.rel[order]
    totals = np.zeros((n_units, most), np.int64)
    block = max(1, GATHER_ELEMENTS // most)
    for start in range(0, len(unit), block):
        part = slice(start, start + block)
        runs = np.flatnonzero(np.concatenate([[True], unit[part][1:] != unit[part][:-1]]))
        values = windows[row[unit[part]], first[part]]
        totals[unit[part][runs]] += np.add.reduceat(values, runs, axis=0)
    valid = steps[None, :] < width[:, None]
    offset = np.where(valid, totals, np.iinfo(np.int64).max).min(axis=1)
    shifted = totals - offset[:, None]
    span = int(np.where(valid, shifted, 0).max(initial=0)) + 1
    counts = np.bincount((np.arange(n_units)[:, None] * span + shifted)[valid],
                         minlength=n_units * span).reshape(n_units, span)
    return counts / width[:, None], offset
