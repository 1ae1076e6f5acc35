r"""``matches``: K, the number of responses with a trigger in their window.

.. math:: K = \sum_{i=1}^{n} \mathbf 1\big[\exists\, s : lo \le t_i - s \le hi\big]
          = \sum_i \mathbf 1[c(t_i) > 0],

where :math:`c(d)` counts the distinct trigger days whose window covers day
``d``. The per-day score is the coverage mask. K answers "how many responses
came soon after *some* trigger"; several triggers in one window count once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from ._base import AdditiveStatistic

if TYPE_CHECKING:
    from .._setup import Setup


class Matches(AdditiveStatistic):
    """K: responses with at least one trigger day at a lag in the window."""

    name: ClassVar[str] = "matches"
    symbol: ClassVar[str] = "K"
    description: ClassVar[str] = "responses with at least one trigger in their window"

    def transform(self, counts: np.ndarray) -> np.ndarray:
        return counts > 0

    def observed(self, setup: "Setup") -> int:
        return setup.observed_k         # the score summed over the responses, without it
