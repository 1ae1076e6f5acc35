"""``uniform``: responses placed uniformly over the period, triggers fixed."""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

import numpy as np
from scipy import stats

from .._setup import Setup
from ..errors import AllianceStatsError, DegenerateDataWarning
from ._base import NullModel


class UniformNull(NullModel):
    r"""Each response on a uniformly random day of the period; triggers as observed.

    Keeps the trigger dates (hence the coverage mask) and the number of responses
    ``n``. Destroys any timing of the responses: every period day is equally likely.

    Assumptions: the responses are exchangeable and could have happened on any day
    of the period with equal chance, whatever the season or year. If both series
    grow busier in the same years this null overstates significance; use
    ``stratified`` or ``jitter`` then.

    Notes
    -----
    With ``C`` covered days out of ``T`` (DESIGN §1), a uniform day is matched with
    probability :math:`p = C/T`, so for independent responses

    .. math:: K \sim \mathrm{Binomial}(n, C/T), \qquad E[K] = nC/T.

    With ``distinct=True`` the responses fall on ``n`` distinct days drawn without
    replacement (at most one response per day):

    .. math:: K \sim \mathrm{Hypergeometric}(T, C, n), \qquad E[K] = nC/T.
    """

    name: ClassVar[str] = "uniform"
    options: ClassVar[dict[str, Any]] = {"distinct": False}
    held_fixed = "trigger dates and n"
    randomised = "each response on a uniform period day, independently"

    def check_options(self) -> None:
        super().check_options()
        if self.values["distinct"]:
            self.randomised = "responses on n distinct uniform period days"

    def _validate(self, setup: Setup) -> None:
        if self.values["distinct"]:
            if setup.n > setup.period.n_days:
                raise AllianceStatsError(
                    f"`distinct=True` needs n <= T, got n={setup.n} responses in "
                    f"T={setup.period.n_days} days"
                )
            if len(np.unique(setup.response_days)) < setup.n:
                warnings.warn(
                    "`distinct=True` but some responses share a day; the null "
                    "assumes at most one response per day", DegenerateDataWarning, stacklevel=4)

    def exact_pmf(self, setup: Setup) -> np.ndarray:
        self._validate(setup)
        k = np.arange(setup.n + 1)
        covered, days = int(setup.mask.sum()), setup.period.n_days
        if self.values["distinct"]:
            return stats.hypergeom.pmf(k, days, covered, setup.n)
        return stats.binom.pmf(k, setup.n, covered / days)

    def expected(self, setup: Setup) -> float:
        return setup.n * float(setup.mask.mean())

    def distribution_label(self, setup: Setup) -> str:
        covered, days = int(setup.mask.sum()), setup.period.n_days
        if self.values["distinct"]:
            return f"Hypergeometric(T={days}, C={covered}, n={setup.n})"
        return f"Binomial(n={setup.n}, p=C/T={covered / days:.4f})"

    def draw(self, setup: Setup, size: int, rng: np.random.Generator) -> np.ndarray:
        days, n = setup.period.n_days, setup.n
        if self.values["distinct"]:
            return distinct_days(rng, size, days, n)
        return rng.integers(0, days, size=(size, n))

    def sample(self, setup: Setup, n_resamples: int, rng: np.random.Generator) -> np.ndarray:
        self._validate(setup)
        return super().sample(setup, n_resamples, rng)


def distinct_days(rng: np.random.Generator, size: int, days: int, n: int) -> np.ndarray:
    """``size`` rows of ``n`` distinct uniform offsets in ``0..days-1``."""
    if n * n <= days:  # duplicates are rare: redraw the rows that have one
        out = rng.integers(0, days, size=(size, n))
        while True:
            ordered = np.sort(out, axis=1)
            bad = np.flatnonzero((np.diff(ordered, axis=1) == 0).any(axis=1))
            if bad.size == 0:
                return out
            out[bad] = rng.integers(0, days, size=(bad.size, n))
    keys = rng.random((size, days))
    return np.argpartition(keys, n - 1, axis=1)[:, :n] if n < days else np.argsort(keys, axis=1)
