"""What a statistic provides to the nulls."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

if TYPE_CHECKING:
    from .._reach import ReachAtoms
    from .._setup import Setup


class Statistic:
    """A test statistic: its observed value and its value on surrogate data.

    Surrogate data come in two kinds: response placements (offsets into the
    period, one row per resample) from nulls that move responses, and counts of
    trigger days per atom of the reach (:class:`alliancestats._reach.ReachAtoms`)
    from nulls that redraw triggers.
    """

    name: ClassVar[str]
    symbol: ClassVar[str]
    description: ClassVar[str]
    additive: ClassVar[bool] = False
    #: whether every value is an integer (counts) rather than a share
    integer: ClassVar[bool] = True

    def observed(self, setup: "Setup") -> float:
        raise NotImplementedError

    def from_placements(self, setup: "Setup", offsets: np.ndarray) -> np.ndarray:
        """Values for rows of response placements, shape ``(B, n)``."""
        raise NotImplementedError

    def from_atom_counts(self, setup: "Setup", atoms: "ReachAtoms", counts: np.ndarray,
                         window: int = 0) -> np.ndarray:
        """Values for rows of trigger-day counts per atom, shape ``(B, A)``, for
        window ``window`` of ``atoms``."""
        raise NotImplementedError

    def placement_width(self, setup: "Setup") -> int:
        """Array elements one resample of placements needs (for batching)."""
        return setup.n

    def __repr__(self) -> str:
        return f"<statistic {self.name!r}: {self.description}>"


class AdditiveStatistic(Statistic):
    r"""A sum over responses of a score of the day each response falls on.

    The score of period day ``d`` is :math:`f(c(d))`, where ``c(d)`` is the
    coverage count (distinct trigger days whose window covers ``d``); with
    triggers redrawn, response ``i`` contributes ``f`` of the number of trigger
    days in its own window. Every null that places responses then needs only the
    distribution of the score over each unit's candidate days, and the exact
    distribution of the total is a convolution.
    """

    additive: ClassVar[bool] = True
    #: whether ``f`` depends on the data's coverage counts beyond ``c(d)`` itself (Λ's on
    #: their mean), so that removing a trigger changes the score of every day
    reads_coverage: ClassVar[bool] = False

    def transform(self, counts: np.ndarray) -> np.ndarray:
        """``f``: the score of a day (or response) with ``counts`` trigger days in its window."""
        raise NotImplementedError

    def scores(self, counts: np.ndarray, coverage: np.ndarray) -> np.ndarray:
        """``f(counts)`` as int64, for data whose coverage counts over the period's days
        are ``coverage`` (the last axis; a statistic whose ``f`` depends on the data,
        as Λ's on the mean coverage, reads it there)."""
        return self.transform(counts).astype(np.int64)

    def score(self, setup: "Setup") -> np.ndarray:
        """``f(c(d))`` for every period day (int64)."""
        return self.scores(setup.coverage_count, setup.coverage_count)

    def mean_of_window_counts(self, setup: "Setup", pmf: np.ndarray) -> float:
        """The statistic's mean when each response's window holds ``k`` trigger days
        with probability ``pmf[k]`` (a null that redraws triggers): ``n sum_k pmf[k] f(k)``."""
        values = self.scores(np.arange(len(pmf)), setup.coverage_count)
        return setup.n * float(np.dot(pmf, values))

    def observed(self, setup: "Setup") -> int:
        return int(self.score(setup)[setup.response_offsets].sum())

    def from_placements(self, setup: "Setup", offsets: np.ndarray) -> np.ndarray:
        return self.score(setup)[offsets].sum(axis=1)

    def from_atom_counts(self, setup: "Setup", atoms: "ReachAtoms", counts: np.ndarray,
                         window: int = 0) -> np.ndarray:
        return self.scores(atoms.window_counts(counts, window), setup.coverage_count).sum(axis=1)
