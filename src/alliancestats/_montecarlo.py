"""Monte Carlo in bounded memory: draws arrive in batches and are counted, not kept.

Each batch of surrogate data is reduced to the statistic's values at once; only a
histogram of those values and the counts of draws at least / at most as large as
the observation are kept. Memory is therefore that of one batch (see
:func:`batch_sizes`) whatever ``B`` is, unless the caller asks to keep every draw.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator

import numpy as np

from ._pvalues import NullDistribution

#: largest number of array elements one batch of surrogate data may hold
BATCH_ELEMENTS = 2**21
#: largest number of resamples in one batch (keeps small problems' batches small too)
BATCH_ROWS = 2**15


def batch_sizes(n_resamples: int, width: int) -> Iterator[int]:
    """Split ``n_resamples`` so that a ``(batch, width)`` array stays below
    :data:`BATCH_ELEMENTS` elements (16 MiB of int64) and :data:`BATCH_ROWS` rows."""
    size = max(1, min(BATCH_ROWS, BATCH_ELEMENTS // max(int(width), 1)))
    done = 0
    while done < n_resamples:
        step = min(size, n_resamples - done)
        yield step
        done += step


@dataclass
class Tally:
    """Running counts of Monte Carlo draws of a statistic against its observed value."""

    observed: float
    keep_draws: bool = False
    n: int = 0
    at_least: int = 0
    at_most: int = 0
    _integer_counts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    _other: dict[float, int] = field(default_factory=dict)
    _kept: list[np.ndarray] = field(default_factory=list)

    def add(self, values: np.ndarray) -> None:
        values = np.asarray(values)
        self.n += values.size
        self.at_least += int(np.count_nonzero(values >= self.observed))
        self.at_most += int(np.count_nonzero(values <= self.observed))
        if values.dtype.kind in "iu" and (values.size == 0 or values.min() >= 0):
            counts = np.bincount(values.astype(np.int64))
            if counts.size > self._integer_counts.size:
                counts[: self._integer_counts.size] += self._integer_counts
                self._integer_counts = counts
            else:
                self._integer_counts[: counts.size] += counts
        else:
            unique, counts = np.unique(values, return_counts=True)
            for v, c in zip(unique.tolist(), counts.tolist()):
                self._other[v] = self._other.get(v, 0) + c
        if self.keep_draws:
            self._kept.append(values.copy())

    def consume(self, batches: Iterable[np.ndarray]) -> "Tally":
        for values in batches:
            self.add(values)
        return self

    @property
    def draws(self) -> np.ndarray | None:
        return np.concatenate(self._kept) if self.keep_draws and self._kept else None

    def distribution(self) -> NullDistribution:
        """The Monte Carlo frequencies as a distribution."""
        if self._other:
            values = np.array(sorted(self._other))
            counts = np.array([self._other[v] for v in values.tolist()], dtype=float)
            return NullDistribution(values, counts / self.n)
        nonzero = np.flatnonzero(self._integer_counts)
        return NullDistribution(nonzero.astype(np.int64), self._integer_counts[nonzero] / self.n)

    @property
    def all_equal(self) -> bool:
        return len(self._other) + int(np.count_nonzero(self._integer_counts)) <= 1
