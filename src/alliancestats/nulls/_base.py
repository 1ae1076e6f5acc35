"""What every null model provides."""

from __future__ import annotations

from typing import Any, ClassVar, Iterator

import numpy as np

from .._montecarlo import batch_sizes
from .._pvalues import NullDistribution
from .._setup import Setup
from ..errors import AllianceStatsError
from ..statistics import STATISTICS, Statistic


class NullModel:
    """A baseline: what is held fixed, what is random.

    Subclasses set ``name``, ``options`` (allowed option names with defaults),
    ``exact_statistics`` (the statistics with an exact null distribution) and
    implement ``expected``, ``draw`` (surrogate data) and, for the exact ones,
    ``exact_cost`` and ``exact_distribution``.

    Parameters
    ----------
    **options
        The null's options, by name; each one not given takes its default from the
        class's ``options``, and a name not there is an error.
    """

    name: ClassVar[str]
    options: ClassVar[dict[str, Any]] = {}
    held_fixed: str
    randomised: str
    #: statistics whose null distribution this null computes exactly
    exact_statistics: ClassVar[tuple[str, ...]] = ()
    #: statistics this null refuses to test, each with the reason
    refused_statistics: ClassVar[dict[str, str]] = {}
    #: what ``draw`` returns: "responses" (placements, shape (size, n), as offsets
    #: into the period) or "triggers" (trigger days per reach day, shape (size, D))
    draws: ClassVar[str] = "responses"

    def __init__(self, **options: Any) -> None:
        unknown = sorted(set(options) - set(self.options))
        if unknown:
            allowed = ", ".join(self.options) or "none"
            raise AllianceStatsError(
                f"unknown option {', '.join(map(repr, unknown))} for null {self.name!r}; "
                f"its options are: {allowed}"
            )
        self.values = {**self.options, **options}
        self.check_options()

    #: whether K (``matches``) has an exact null distribution
    has_exact: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.has_exact = "matches" in cls.exact_statistics

    def check_statistic(self, statistic: Any) -> None:
        """Raise when this null cannot give a valid test of ``statistic``."""
        reason = self.refused_statistics.get(statistic.name)
        if reason is not None:
            from . import combinations_text

            raise AllianceStatsError(
                f"null {self.name!r} cannot test statistic {statistic.name!r}: {reason}. "
                f"Combinations: {combinations_text()}")

    def check_options(self) -> None:
        """Validate ``self.values``; override where options need checks."""
        for key, default in self.options.items():
            if isinstance(default, bool) and not isinstance(self.values[key], (bool, np.bool_)):
                raise AllianceStatsError(
                    f"option `{key}` of null {self.name!r} must be True or False, "
                    f"got {self.values[key]!r}"
                )

    def check_data(self, setup: Setup) -> None:
        """Checks that need the data (e.g. every response inside its stratum)."""

    #: why :func:`alliancestats.effect_sizes` is not defined under this null (None: it is)
    effect_sizes_refused: ClassVar[str | None] = (
        "the effect sizes assume a null that places each response independently on "
        "candidate days, and this null does not")

    def effect_sizes_refusal(self, setup: Setup) -> str | None:
        """Why the effect sizes are not defined under this null for these data, or None.

        Every effect size (excess matches, coupling share, rate ratio) models each
        response as placed independently of the others on its own candidate days;
        its intervals rest on K being Poisson-binomial under the null. Nulls that
        move responses together, or redraw the triggers instead, say why not here.
        """
        return self.effect_sizes_refused

    # -- exact ----------------------------------------------------------------
    def exact_cost(self, setup: Setup, statistic: Statistic) -> float:
        """Estimated multiply-adds of the exact distribution (only for ``exact_statistics``);
        a method whose memory could exceed
        :data:`~alliancestats._convolution.MEMORY_BUDGET` counts that as a cost above
        :data:`~alliancestats._convolution.EXACT_BUDGET`, and says so in :meth:`exact_memory`."""
        raise NotImplementedError

    def exact_memory(self, setup: Setup, statistic: Statistic) -> float:
        """Estimated bytes the exact distribution holds at once, where that can grow
        faster than the data (0 where it cannot: linear in ``n + m + T``)."""
        return 0.0

    def exact_distribution(self, setup: Setup, statistic: Statistic) -> NullDistribution:
        raise NotImplementedError

    def exact_pmf(self, setup: Setup) -> np.ndarray | None:
        """The exact null pmf of K over ``0..n``, or None if there is none."""
        if not self.has_exact:
            return None
        return self.exact_distribution(setup, STATISTICS["matches"]).dense(0, setup.n)

    # -- moments and Monte Carlo ------------------------------------------------
    def expected(self, setup: Setup, statistic: Statistic = STATISTICS["matches"]) -> float | None:
        """The statistic's mean under the null; None where it comes from the distribution."""
        raise NotImplementedError

    def draw(self, setup: Setup, size: int, rng: np.random.Generator) -> np.ndarray:
        """One batch of surrogate data under the null."""
        raise NotImplementedError

    def batch_width(self, setup: Setup, statistic: Statistic) -> int:
        """Array elements one resample needs, for batching."""
        return statistic.placement_width(setup)

    def draw_values(self, setup: Setup, statistic: Statistic, size: int,
               rng: np.random.Generator) -> np.ndarray:
        """``size`` draws of the statistic under the null."""
        return statistic.from_placements(setup, self.draw(setup, size, rng))

    def monte_carlo(self, setup: Setup, statistic: Statistic, n_resamples: int,
                    rng: np.random.Generator) -> Iterator[np.ndarray]:
        """Draws of the statistic, one batch at a time (bounded memory)."""
        for size in batch_sizes(n_resamples, self.batch_width(setup, statistic)):
            yield self.draw_values(setup, statistic, size, rng)

    def sample(self, setup: Setup, n_resamples: int, rng: np.random.Generator,
               statistic: Statistic = STATISTICS["matches"]) -> np.ndarray:
        """``n_resamples`` draws of the statistic, as one array."""
        return np.concatenate(list(self.monte_carlo(setup, statistic, n_resamples, rng)))

    def point_mass(self, setup: Setup, statistic: Statistic) -> bool:
        """True when the null leaves nothing random (the statistic is forced)."""
        return False

    # -- labels ---------------------------------------------------------------
    def distribution_label(self, setup: Setup, statistic: Statistic) -> str:
        """A short name of the exact distribution, e.g. ``Binomial(25, 0.70)``."""
        return "no closed form"

    def describe(self) -> str:
        """One line: what is fixed and what is random."""
        return f"{self.label()}: {self.held_fixed} fixed; {self.randomised}"

    def label(self) -> str:
        changed = {k: v for k, v in self.values.items() if v != self.options[k]}
        return self.name + "".join(f", {k}={v}" for k, v in changed.items())
