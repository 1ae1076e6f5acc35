"""What every null model provides."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from .._setup import Setup, k_from_placements, k_from_trigger_grid
from ..errors import AllianceStatsError


class NullModel:
    """A baseline for K: what is held fixed, what is random.

    Subclasses set ``name``, ``options`` (allowed option names with defaults)
    and implement ``expected``, ``sample`` and, where a closed form exists,
    ``exact_pmf``.
    """

    name: ClassVar[str]
    options: ClassVar[dict[str, Any]] = {}
    held_fixed: str
    has_exact: ClassVar[bool] = True
    randomised: str

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

    def check_options(self) -> None:
        """Validate ``self.values``; override where options need checks."""
        for key, default in self.options.items():
            if isinstance(default, bool) and not isinstance(self.values[key], (bool, np.bool_)):
                raise AllianceStatsError(
                    f"option `{key}` of null {self.name!r} must be True or False, "
                    f"got {self.values[key]!r}"
                )

    # -- to implement -------------------------------------------------------
    def exact_pmf(self, setup: Setup) -> np.ndarray | None:
        """The exact null pmf of K over 0..n, or None if there is no closed form."""
        return None

    def expected(self, setup: Setup) -> float:
        raise NotImplementedError

    #: what ``draw`` returns: "responses" (placements, shape (size, n), as offsets
    #: into the period) or "triggers" (counts per reach day, shape (size, T + L - 1))
    draws: ClassVar[str] = "responses"

    def draw(self, setup: Setup, size: int, rng: np.random.Generator) -> np.ndarray:
        """One batch of surrogate data under the null."""
        raise NotImplementedError

    def sample(self, setup: Setup, n_resamples: int, rng: np.random.Generator) -> np.ndarray:
        """``n_resamples`` draws of K under the null (vectorised, in batches)."""
        width = setup.n if self.draws == "responses" else setup.reach_n_days
        out = []
        for size in setup.batches(n_resamples, width):
            batch = self.draw(setup, size, rng)
            out.append(k_from_placements(setup.mask, batch) if self.draws == "responses"
                       else k_from_trigger_grid(setup, batch))
        return np.concatenate(out)

    def distribution_label(self, setup: Setup) -> str:
        """A short name of the exact distribution, e.g. ``Binomial(25, 0.70)``."""
        return "no closed form"

    def describe(self) -> str:
        """One line: what is fixed and what is random."""
        return f"{self.label()}: {self.held_fixed} fixed; {self.randomised}"

    def label(self) -> str:
        changed = {k: v for k, v in self.values.items() if v != self.options[k]}
        return self.name + "".join(f", {k}={v}" for k, v in changed.items())
