r"""``pairs``: S, the number of (response, trigger day) pairs at a lag in the window.

.. math:: S = \sum_{i=1}^{n} \#\{s : lo \le t_i - s \le hi\} = \sum_i c(t_i),

with :math:`c(d)` the distinct trigger days whose window covers day ``d`` (several
triggers on one day count once). The per-day score is ``c`` itself.

Why: if each response, with probability :math:`\theta`, follows a trigger day
(the pair of trigger day and lag in the window chosen uniformly among the pairs
that land in the period) and otherwise falls on a uniform day, its density is
:math:`(1-\theta)/T + \theta\, c(d)/\Sigma_c` with
:math:`\Sigma_c = \sum_{d'} c(d')` over the period's days, the number of those
pairs. (It is :math:`mL`, ``m`` trigger days and ``L`` lags, only when every
trigger day's whole window lies in the period; near its ends, or for trigger
days before it, fewer pairs land inside.) The derivative of the log-likelihood
at :math:`\theta = 0` is :math:`\sum_i [T c(t_i)/\Sigma_c - 1]`, an increasing
function of S: S is the score statistic (locally most powerful) for that
coupling, while K discards how many triggers lie in each window. K and S agree
when windows rarely hold two triggers.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from ._base import AdditiveStatistic


class Pairs(AdditiveStatistic):
    """S: (response, trigger day) pairs with the lag in the window."""

    name: ClassVar[str] = "pairs"
    symbol: ClassVar[str] = "S"
    description: ClassVar[str] = "(response, trigger day) pairs at a lag in the window"

    def transform(self, counts: np.ndarray) -> np.ndarray:
        return counts
