"""``shuffle-triggers``: trigger days redrawn uniformly, responses fixed."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .._setup import Setup
from ._base import NullModel


class ShuffleTriggersNull(NullModel):
    r"""Triggers moved to independent uniform days; responses as observed.

    Keeps the response dates and the number ``m`` of distinct trigger days that
    can cover the period (those in ``[start - hi, end - lo]``, the *reach*, of
    ``D = T + L - 1`` days). Destroys the trigger dates: each of the ``m`` triggers
    is placed on a uniform reach day, independently (two may share a day).
    Triggers that cannot cover any period day play no part.

    Assumptions: any reach day was as likely as any other to hold a trigger (no
    trend, no clustering), given their number. Unlike ``poisson`` the number of
    triggers is fixed rather than random.

    Notes
    -----
    A response's window holds ``L`` reach days, so it is matched with probability
    :math:`p = 1 - (1 - L/D)^m` and :math:`E[K] = np` exactly. The distribution of
    K has no closed form when windows overlap (it is a multinomial occupancy
    problem), so p-values are Monte Carlo only.
    """

    name: ClassVar[str] = "shuffle-triggers"
    has_exact: ClassVar[bool] = False
    held_fixed = "response dates and the number of trigger days m in reach"
    randomised = "each trigger on an independent uniform day of the reach"

    def trigger_days_in_reach(self, setup: Setup) -> int:
        return int(setup.reach_grid.sum())

    def expected(self, setup: Setup) -> float:
        m, width = self.trigger_days_in_reach(setup), setup.reach_n_days
        return setup.n * float(-np.expm1(m * np.log1p(-setup.window.length / width))) \
            if setup.window.length < width else float(setup.n if m else 0)

    def distribution_label(self, setup: Setup) -> str:
        return (f"m={self.trigger_days_in_reach(setup)} triggers uniform over "
                f"D={setup.reach_n_days} days (Monte Carlo only)")

    draws: ClassVar[str] = "triggers"

    def draw(self, setup: Setup, size: int, rng: np.random.Generator) -> np.ndarray:
        m, width = self.trigger_days_in_reach(setup), setup.reach_n_days
        cells = rng.integers(0, width, size=(size, m)) + width * np.arange(size)[:, None]
        return np.bincount(cells.ravel(), minlength=size * width).reshape(size, width)
