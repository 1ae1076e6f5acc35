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

a convolution (:mod:`alliancestats._convolution`, direct and exact; for K with
single-response units it is the Poisson-binomial distribution). For the trigger
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

from .._convolution import sum_of_units, sum_of_units_cost
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

    exact_statistics: ClassVar[tuple[str, ...]] = ("matches", "pairs")

    def make_units(self, setup: Setup) -> Units:
        raise NotImplementedError

    def units(self, setup: Setup) -> Units:
        """The units of ``setup`` (computed once per setup)."""
        return self._cached(setup, "units", lambda: self.make_units(setup))

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
        members: dict[int, list[int]] = {}
        for i, (u, r) in enumerate(zip(units.unit.tolist(), units.rel.tolist())):
            members.setdefault(u, []).append(r)
        counts: dict[tuple[int, int, tuple[int, ...]], int] = {}
        for u, (low, high) in enumerate(zip(units.low.tolist(), units.high.tolist())):
            key = (low, high, tuple(sorted(members.get(u, []))))
            counts[key] = counts.get(key, 0) + 1
        return list(counts), list(counts.values())

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
        pmfs = [_unit_pmf(score, low, high, rel) for low, high, rel in keys]
        pmf, offset = sum_of_units(pmfs, multiplicity)
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


def _unit_pmf(score: np.ndarray, low: int, high: int, rel: tuple[int, ...]) -> tuple[np.ndarray, int]:
    """Histogram of a unit's summed score over its candidate anchors, as a pmf."""
    total = np.zeros(high - low + 1, dtype=np.int64)
    for r in rel:
        total += score[low + r: high + r + 1]
    smallest = int(total.min())
    counts = np.bincount(total - smallest)
    return counts / counts.sum(), smallest
