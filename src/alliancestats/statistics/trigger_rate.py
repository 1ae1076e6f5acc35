r"""``trigger-rate``: R, the share of trigger days followed by a response within the window.

Event coincidence analysis calls this the *trigger coincidence rate* (Donges et
al. 2016; the CoinCalc package). Here it is defined over the distinct trigger
days :math:`s_1, \dots, s_m` *in reach* (those whose window
:math:`[s + lo, s + hi]` meets the period, so that a response could follow them):

.. math:: R = \frac{1}{m}\,\#\{j : \exists\, i,\ lo \le t_i - s_j \le hi\},
          \qquad R = 0 \text{ if } m = 0.

K asks how many *responses* follow a trigger; R asks how many *triggers* are
followed by a response. A burst of responses after one trigger raises K but
counts once in R; many triggers with one response each raise R. R is not a sum
over responses, so each null computes it on its own path: response placements
give, per resample, the number of placed responses in each trigger's window
(cumulative counts over the period); redrawn triggers give the trigger days that
fall in the union of the responses' windows.

References
----------
1. Donges, J. F., Schleussner, C.-F., Siegmund, J. F. and Donner, R. V. (2016).
   Event coincidence analysis for quantifying statistical interrelationships
   between event time series. *European Physical Journal Special Topics* 225,
   471-487.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from ..matching import realised_lags, window_counts
from ..window import Window
from ._base import Statistic

if TYPE_CHECKING:
    from .._reach import ReachAtoms
    from .._setup import Setup


class TriggerRate(Statistic):
    """R: share of trigger days in reach followed by a response within the window."""

    name: ClassVar[str] = "trigger-rate"
    symbol: ClassVar[str] = "R"
    description: ClassVar[str] = "share of trigger days followed by a response in the window"
    integer: ClassVar[bool] = False

    def hits(self, setup: "Setup") -> np.ndarray:
        """For each trigger day in reach: is some response at a lag in the window?"""
        w = setup.window
        return window_counts(setup.trigger_days, setup.response_days, Window(-w.hi, -w.lo)) > 0

    def observed(self, setup: "Setup") -> float:
        m = len(setup.trigger_days)
        return float(self.hits(setup).sum() / m) if m else 0.0

    def trigger_windows(self, setup: "Setup") -> tuple[np.ndarray, np.ndarray]:
        """First and last period offset each trigger day's window covers."""
        period, s = setup.period, setup.trigger_days
        lo, hi = realised_lags(np.array([period.first_day, period.last_day]), s, setup.window)
        first = np.clip(s + lo - period.first_day, 0, period.n_days - 1)
        last = np.clip(s + hi - period.first_day, 0, period.n_days - 1)
        return first, last

    def from_placements(self, setup: "Setup", offsets: np.ndarray) -> np.ndarray:
        return self.from_sorted(setup, np.sort(offsets, axis=1))

    def from_sorted(self, setup: "Setup", ordered: np.ndarray) -> np.ndarray:
        """Values from rows of placements sorted within each row.

        Response ``u`` (period offset) is followed-by for the trigger days in
        ``[u - hi, u - lo]``; with the placements sorted these intervals (all of
        length ``L``) are in order, and the trigger days in their union are
        counted interval by interval, each from the end of the previous one on.
        """
        m = len(setup.trigger_days)
        if m == 0:
            return np.zeros(ordered.shape[0])
        period = setup.period
        lo, hi = realised_lags(np.array([period.first_day, period.last_day]),
                               setup.trigger_days, setup.window)
        triggers = setup.trigger_days - (period.first_day - hi)  # offsets: response u sees u..u+L-1
        stop = ordered + (hi - lo + 1)
        start = np.maximum(ordered, np.concatenate([ordered[:, :1], stop[:, :-1]], axis=1))
        reach = period.n_days + (hi - lo + 1)        # every start and stop is below this
        if reach <= 8 * ordered.size:                 # many look-ups: a table of counts
            # before[x]: trigger offsets below x
            before = np.cumsum(np.bincount(np.clip(triggers, -1, reach - 1) + 1,
                                           minlength=reach + 1))
            hits = before[stop] - before[start]
        else:
            hits = np.searchsorted(triggers, stop) - np.searchsorted(triggers, start)
        return hits.sum(axis=1) / m

    def placement_width(self, setup: "Setup") -> int:
        return 6 * setup.n

    def from_atom_counts(self, setup: "Setup", atoms: "ReachAtoms", counts: np.ndarray,
                         window: int = 0) -> np.ndarray:
        hits = counts[:, atoms.union[window]].sum(axis=1)
        total = counts[:, atoms.reach[window]].sum(axis=1)
        return np.where(total > 0, hits / np.maximum(total, 1), 0.0)

