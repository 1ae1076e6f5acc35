"""``poisson``: triggers from a homogeneous day process at the observed rate."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from .._setup import Setup
from ._base import NullModel


class PoissonNull(NullModel):
    r"""Triggers as a Bernoulli-day (or Poisson) process at the observed rate.

    Keeps the response dates and the trigger *rate*. Destroys the trigger dates:
    each day (inside the period or before it) holds a trigger independently with
    probability :math:`q = m/T`, where ``m`` is the number of distinct trigger days
    in the period. ``continuous=True`` takes a Poisson process of rate
    :math:`\lambda = m/T` per day instead, so a day holds at least one trigger with
    probability :math:`1 - e^{-\lambda}`.

    Assumptions: trigger days are independent and equally likely across the
    whole period (no trend, no clustering). Answers "given how *often* the
    triggers occur", not "given *when*".

    Notes
    -----
    A response's window holds ``L`` days, so it is matched with probability

    .. math:: p = 1 - (1 - q)^L \quad (\text{continuous: } 1 - e^{-\lambda L}),
              \qquad E[K] = n p.

    If no two responses' windows share a day, the responses are independent and
    :math:`K \sim \mathrm{Binomial}(n, p)` (DESIGN §2). When windows overlap
    (responses less than ``L`` days apart) they share trigger days and are
    positively dependent, so the binomial understates the spread of K. The exact
    distribution is then computed by a forward recursion over the responses in
    time order whose state is (matched so far, days since the last trigger at the
    end of the current window, capped at ``L``); it costs :math:`O(n^2 L)` and
    equals the binomial when windows are disjoint.
    """

    name: ClassVar[str] = "poisson"
    options: ClassVar[dict[str, Any]] = {"continuous": False}
    held_fixed = "response dates and the trigger rate m/T"
    randomised = "each day holds a trigger independently with probability q = m/T"

    def check_options(self) -> None:
        super().check_options()
        if self.values["continuous"]:
            self.randomised = "triggers a Poisson process of rate m/T per day"

    def trigger_days_in_period(self, setup: Setup) -> int:
        days = np.unique(setup.triggers.days)
        return int(((days >= setup.period.first_day) & (days <= setup.period.last_day)).sum())

    def day_probability(self, setup: Setup) -> float:
        """Probability that a given day holds at least one trigger."""
        rate = self.trigger_days_in_period(setup) / setup.period.n_days
        return float(-np.expm1(-rate)) if self.values["continuous"] else rate

    def match_probability(self, setup: Setup) -> float:
        """``1 - (1 - q)^L``: a single response's chance of being matched."""
        q = self.day_probability(setup)
        return float(-np.expm1(setup.window.length * np.log1p(-q))) if q < 1 else 1.0

    def expected(self, setup: Setup) -> float:
        return setup.n * self.match_probability(setup)

    def distribution_label(self, setup: Setup) -> str:
        m = self.trigger_days_in_period(setup)
        return (f"Bernoulli-day process, m={m} trigger days in T={setup.period.n_days}, "
                f"p=1-(1-q)^L={self.match_probability(setup):.4f} per response")

    def exact_pmf(self, setup: Setup) -> np.ndarray:
        return window_hit_pmf(np.sort(setup.response_days), setup.window.length,
                              self.day_probability(setup))

    draws: ClassVar[str] = "triggers"

    def draw(self, setup: Setup, size: int, rng: np.random.Generator) -> np.ndarray:
        return rng.random((size, setup.reach_n_days)) < self.day_probability(setup)


def window_hit_pmf(window_ends: np.ndarray, length: int, q: float) -> np.ndarray:
    """Exact pmf of the number of windows holding at least one Bernoulli(q) day.

    Window ``i`` is the ``length`` days ending on ``window_ends[i]`` (sorted).
    State: ``dist[k, g]`` = P(k windows hit so far, last trigger ``g`` days before
    the current window end), with ``g = length`` meaning "none within the window".
    """
    n = len(window_ends)
    dist = np.zeros((n + 1, length + 1))
    dist[0, length] = 1.0
    previous_end = None
    keep = 1.0 - q
    for end in window_ends:
        step = length if previous_end is None else int(end - previous_end)
        previous_end = end
        if step > 0:
            total = dist.sum(axis=1)
            new = np.zeros_like(dist)
            fresh = min(step, length)
            j = np.arange(fresh)
            # last trigger among the `step` new days is j days before the end
            new[:, :fresh] = total[:, None] * (q * keep ** j)[None, :]
            if step >= length:
                new[:, length] += total * keep ** length
            else:  # no trigger in the new days: the old gap grows by `step`
                new[:, step:length] += dist[:, : length - step] * keep ** step
                new[:, length] += dist[:, length - step:].sum(axis=1) * keep ** step
            dist = new
        counted = np.zeros_like(dist)  # windows with a trigger add one to k
        counted[1:, :length] = dist[:-1, :length]
        counted[:, length] = dist[:, length]
        dist = counted
    return dist.sum(axis=1)
