"""The statistics a coincidence test can use, one module each.

* ``matches`` (:class:`Matches`): K, the responses with at least one trigger in
  their window (the default).
* ``pairs`` (:class:`Pairs`): S, the (response, trigger day) pairs at a lag in the
  window.
* ``likelihood`` (:class:`Likelihood`): Λ, the log likelihood ratio of a
  coupling share of 0.5 against none (tenths of a nat, an integer).
* ``trigger-rate`` (:class:`TriggerRate`): R, the share of trigger days followed
  by at least one response within the window.

K, S and Λ are *additive*: each is a sum over responses of a score of the day the
response falls on, computed from the coverage count ``c(d)`` (distinct trigger
days whose window covers day ``d``). R is not additive over responses and has
its own, smaller code path in each null.
"""

from __future__ import annotations

from typing import Any

from ..errors import AllianceStatsError
from ._base import AdditiveStatistic, Statistic
from .likelihood import Likelihood
from .matches import Matches
from .pairs import Pairs
from .trigger_rate import TriggerRate

__all__ = ["STATISTICS", "Statistic", "AdditiveStatistic", "Matches", "Pairs", "Likelihood",
           "TriggerRate", "get_statistic"]

STATISTICS: dict[str, Statistic] = {s.name: s for s in (Matches(), Pairs(), TriggerRate(),
                                                        Likelihood())}


def get_statistic(name: Any) -> Statistic:
    """The statistic called ``name``; an error listing the choices otherwise.

    Parameters
    ----------
    name : str or Statistic
        ``"matches"``, ``"pairs"``, ``"trigger-rate"`` or ``"likelihood"`` (a Statistic is returned
        as it is).

    Returns
    -------
    Statistic
    """
    if isinstance(name, Statistic):
        return name
    if not isinstance(name, str) or name not in STATISTICS:
        raise AllianceStatsError(
            f"`statistic` must be one of {', '.join(map(repr, STATISTICS))}, got {name!r}")
    return STATISTICS[name]
