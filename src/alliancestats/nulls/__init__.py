"""The catalogue of null models (DESIGN §2), one module each.

Every null says what it holds fixed and what it randomises, gives ``E[K]``, a
vectorised Monte Carlo sampler, and where one exists the exact pmf of K.
"""

from __future__ import annotations

from typing import Any

from ..errors import AllianceStatsError
from ._base import NullModel
from .circular import CircularNull
from .jitter import JitterNull
from .poisson import PoissonNull
from .shuffle_triggers import ShuffleTriggersNull
from .stratified import StratifiedNull
from .uniform import UniformNull

__all__ = ["NULLS", "NullModel", "make_null", "UniformNull", "PoissonNull", "StratifiedNull",
           "JitterNull", "CircularNull", "ShuffleTriggersNull"]

NULLS: dict[str, type[NullModel]] = {
    cls.name: cls for cls in (UniformNull, PoissonNull, StratifiedNull, JitterNull, CircularNull,
                              ShuffleTriggersNull)
}


def make_null(null: Any, options: dict[str, Any]) -> NullModel:
    """The null model named ``null`` with ``options`` (validated)."""
    if not isinstance(null, str) or null not in NULLS:
        raise AllianceStatsError(
            f"`null` must be one of {', '.join(map(repr, NULLS))}, got {null!r}"
        )
    return NULLS[null](**options)
