"""The catalogue of null models, one module each.

Every null says what it holds fixed and what it randomises, gives the mean of
each statistic, a vectorised Monte Carlo sampler, and where one exists the exact
null distribution (:data:`EXACT`).
"""

from __future__ import annotations

from typing import Any

from ..errors import AllianceStatsError
from ..statistics import STATISTICS
from ._base import NullModel
from .circular import CircularNull
from .episode_jitter import EpisodeJitterNull
from .jitter import JitterNull
from .poisson import PoissonNull
from .shuffle_triggers import ShuffleTriggersNull
from .stratified import StratifiedNull
from .uniform import UniformNull

__all__ = ["NULLS", "EXACT", "NullModel", "make_null", "combinations_text", "UniformNull",
           "PoissonNull", "StratifiedNull", "JitterNull", "EpisodeJitterNull", "CircularNull",
           "ShuffleTriggersNull"]

NULLS: dict[str, type[NullModel]] = {
    cls.name: cls for cls in (UniformNull, PoissonNull, StratifiedNull, JitterNull,
                              EpisodeJitterNull, CircularNull, ShuffleTriggersNull)
}

#: (null, statistic) pairs with an exact null distribution; every pair has Monte Carlo
EXACT: frozenset[tuple[str, str]] = frozenset(
    (null, statistic) for null, cls in NULLS.items() for statistic in cls.exact_statistics)


def combinations_text() -> str:
    """Which null x statistic combinations exist and which are exact.

    Returns
    -------
    str
        One entry per null, separated by ``"; "``: each statistic with
        ``(exact)``, ``(Monte Carlo)`` or ``(not available)``.
    """
    def kind(null: str, statistic: str) -> str:
        if statistic in NULLS[null].refused_statistics:
            return "not available"
        return "exact" if (null, statistic) in EXACT else "Monte Carlo"

    return "; ".join(
        f"{null}: " + ", ".join(f"{s} ({kind(null, s)})" for s in STATISTICS)
        for null in NULLS)


def make_null(null: Any, options: dict[str, Any]) -> NullModel:
    """The null model named ``null`` with ``options`` (validated).

    Parameters
    ----------
    null : str
        A key of :data:`NULLS`; anything else is an error.
    options : dict
        The null's options (e.g. ``{"strata": "year"}``); an unknown name or a bad
        value is an error.

    Returns
    -------
    NullModel
        An instance of ``NULLS[null]``.
    """
    if not isinstance(null, str) or null not in NULLS:
        raise AllianceStatsError(
            f"`null` must be one of {', '.join(map(repr, NULLS))}, got {null!r}"
        )
    return NULLS[null](**options)
