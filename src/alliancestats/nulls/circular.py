"""``circular``: all responses shifted together around the period."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .._setup import Setup
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

    def shifted_k(self, setup: Setup, shifts: np.ndarray) -> np.ndarray:
        offsets = setup.response_days - setup.period.first_day
        out = []
        for start in range(0, len(shifts), max(1, 4_000_000 // max(setup.n, 1))):
            chunk = shifts[start:start + 4_000_000 // max(setup.n, 1)]
            positions = (offsets[None, :] + chunk[:, None]) % setup.period.n_days
            out.append(setup.mask[positions].sum(axis=1))
        return np.concatenate(out)

    def exact_pmf(self, setup: Setup) -> np.ndarray:
        every = self.shifted_k(setup, np.arange(setup.period.n_days))
        return np.bincount(every, minlength=setup.n + 1) / setup.period.n_days

    def expected(self, setup: Setup) -> float:
        return setup.n * float(setup.mask.mean())

    def distribution_label(self, setup: Setup) -> str:
        return f"all T = {setup.period.n_days} circular shifts"

    def sample(self, setup: Setup, n_resamples: int, rng: np.random.Generator) -> np.ndarray:
        return self.shifted_k(setup, rng.integers(0, setup.period.n_days, size=n_resamples))
