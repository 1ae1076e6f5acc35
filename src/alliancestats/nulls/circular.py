"""``circular``: all responses shifted together around the period."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .._setup import Setup, k_from_placements
from ._base import NullModel


class CircularNull(NullModel):
    r"""One common shift of every response, wrapping around the period.

    Keeps the trigger dates and the responses' spacing among themselves (their
    clusters and gaps), up to the wrap at the period's end. Destroys only the
    alignment between the two series. Day ``t`` goes to
    ``start + ((t - start + δ) mod T)`` for a shift δ uniform over ``0..T-1``.

    Assumptions: the relation of the two series is the only thing that ties the
    responses to particular dates; the wrap joins the period's end to its start,
    which is harmless when neither series has a strong trend.

    Notes
    -----
    The null distribution is exact over all ``T`` shifts:

    .. math:: K(\delta) = \sum_i \mathrm{mask}[(u_i + \delta) \bmod T], \quad
              p = \#\{\delta : K(\delta) \ge K_{obs}\} / T,

    with :math:`u_i = t_i - \text{start}`. δ = 0 is the observation, so
    :math:`p \ge 1/T`. :math:`E[K] = nC/T`, as under ``uniform``. Monte Carlo
    draws δ uniformly instead.
    """

    name: ClassVar[str] = "circular"
    held_fixed = "trigger dates and the responses' spacing among themselves"
    randomised = "one common circular shift of all responses, uniform over the T days"

    def shifted(self, setup: Setup, shifts: np.ndarray) -> np.ndarray:
        """Response placements (period offsets) for each shift, shape (len(shifts), n)."""
        offsets = setup.response_days - setup.period.first_day
        return (offsets[None, :] + shifts[:, None]) % setup.period.n_days

    def exact_pmf(self, setup: Setup) -> np.ndarray:
        every = np.concatenate([
            k_from_placements(setup.mask, self.shifted(setup, np.arange(lo, lo + size)))
            for lo, size in _starts(setup.batches(setup.period.n_days, setup.n))])
        return np.bincount(every, minlength=setup.n + 1) / setup.period.n_days

    def expected(self, setup: Setup) -> float:
        return setup.n * float(setup.mask.mean())

    def distribution_label(self, setup: Setup) -> str:
        return f"all T = {setup.period.n_days} circular shifts"

    def draw(self, setup: Setup, size: int, rng: np.random.Generator) -> np.ndarray:
        return self.shifted(setup, rng.integers(0, setup.period.n_days, size=size))


def _starts(sizes: list[int]) -> list[tuple[int, int]]:
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(int)
    return list(zip(starts.tolist(), sizes))
