"""Nulls that move each response uniformly within its own interval of period days."""

from __future__ import annotations

import numpy as np
from scipy import stats

from .._setup import Setup
from ._base import NullModel


class IntervalNull(NullModel):
    r"""Base for ``stratified`` and ``jitter``: response ``i`` is placed on a uniform
    day of its interval ``[a_i, b_i]`` of period days, independently of the others;
    triggers stay where they are.

    Response ``i`` is then matched with probability
    :math:`p_i = \#\{d \in [a_i, b_i] : \text{covered}(d)\} / (b_i - a_i + 1)`,
    so K is a sum of independent Bernoulli(:math:`p_i`):

    .. math:: K \sim \mathrm{PoissonBinomial}(p_1, \dots, p_n), \qquad E[K] = \sum_i p_i,

    computed with :data:`scipy.stats.poisson_binom`.
    """

    def intervals(self, setup: Setup) -> tuple[np.ndarray, np.ndarray]:
        """First and last period offset (0..T-1) of each response's interval."""
        raise NotImplementedError

    def probabilities(self, setup: Setup) -> np.ndarray:
        first, last = self.intervals(setup)
        covered = np.concatenate([[0], np.cumsum(setup.mask)])
        return (covered[last + 1] - covered[first]) / (last - first + 1)

    def exact_pmf(self, setup: Setup) -> np.ndarray:
        return stats.poisson_binom.pmf(np.arange(setup.n + 1), self.probabilities(setup))

    def expected(self, setup: Setup) -> float:
        return float(self.probabilities(setup).sum())

    def distribution_label(self, setup: Setup) -> str:
        p = self.probabilities(setup)
        return f"Poisson-binomial of {setup.n} p_i (mean {p.mean():.4f}, range {p.min():.3f}-{p.max():.3f})"

    def draw(self, setup: Setup, size: int, rng: np.random.Generator) -> np.ndarray:
        first, last = self.intervals(setup)
        return first + (rng.random((size, setup.n)) * (last - first + 1)).astype(np.int64)
