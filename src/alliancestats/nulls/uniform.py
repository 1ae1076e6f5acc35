"""``uniform``: responses placed uniformly over the period, triggers fixed."""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

import numpy as np
from scipy import stats

from .._convolution import sample_sum_cost, sample_sum_pmf
from .._distinct import distinct
from .._pvalues import NullDistribution, log_tail
from .._series_measures import distinct_days as units_distinct_days
from .._setup import Setup
from ..errors import AllianceStatsError, DegenerateDataWarning
from ..statistics import STATISTICS, AdditiveStatistic, Statistic
from ..statistics.trigger_rate import TriggerRate
from ._placement import UnitPlacementNull, Units


class UniformNull(UnitPlacementNull):
    r"""Each response on a uniformly random day of the period; triggers as observed.

    Keeps the trigger dates (hence the coverage count) and the number of responses
    ``n``. Destroys any timing of the responses: every period day is equally likely.

    Assumptions: the responses are exchangeable and could have happened on any day
    of the period with equal chance, whatever the season or year. If both series
    grow busier in the same years this null overstates significance; use
    ``stratified`` or ``jitter`` then.

    Parameters
    ----------
    **options
        ``distinct`` (bool, default False): place the responses on ``n`` distinct
        days, drawn without replacement (see Notes).

    Notes
    -----
    With ``C`` covered days out of ``T``, a uniform day is matched with
    probability :math:`p = C/T`, so for independent responses

    .. math:: K \sim \mathrm{Binomial}(n, C/T), \qquad E[K] = nC/T.

    With ``distinct=True`` the responses fall on ``n`` distinct days drawn without
    replacement (at most one response per day):

    .. math:: K \sim \mathrm{Hypergeometric}(T, C, n), \qquad E[K] = nC/T.

    The pairs statistic S is the sum of the coverage counts :math:`c` of the days
    drawn: the ``n``-fold convolution of the histogram of ``c`` over the period
    (independent days), or, with ``distinct=True``, the sum of a sample of ``n``
    days without replacement, computed exactly by a recursion over the groups of
    days with equal ``c`` (:func:`alliancestats._convolution.sample_sum_pmf`);
    :math:`E[S] = n \bar c`. The trigger rate is simulated; its mean is exact: a
    trigger day whose window covers :math:`w_s` period days is followed by no
    response with probability :math:`(1 - w_s/T)^n`, or
    :math:`\binom{T - w_s}{n} / \binom{T}{n}` with ``distinct=True``.
    """

    name: ClassVar[str] = "uniform"
    options: ClassVar[dict[str, Any]] = {"distinct": False}
    held_fixed = "trigger dates and n"
    randomised = "each response on a uniform period day, independently"

    def check_options(self) -> None:
        super().check_options()
        if self.values["distinct"]:
            self.randomised = "responses on n distinct uniform period days"

    def check_data(self, setup: Setup) -> None:
        if self.values["distinct"]:
            if setup.n > setup.period.n_days:
                raise AllianceStatsError(
                    f"`distinct=True` needs n <= T, got n={setup.n} responses in "
                    f"T={setup.period.n_days} days"
                )
            if len(distinct(setup.response_days)) < setup.n:
                warnings.warn(
                    "`distinct=True` but some responses share a day; the null "
                    "assumes at most one response per day", DegenerateDataWarning, stacklevel=4)

    def make_units(self, setup: Setup) -> Units:
        n, days = setup.n, setup.period.n_days
        return Units(low=np.zeros(n, np.int64), high=np.full(n, days - 1, np.int64),
                     unit=np.arange(n), rel=np.zeros(n, np.int64))

    def _score_groups(self, setup: Setup, statistic: AdditiveStatistic) -> tuple[np.ndarray, np.ndarray]:
        """Period days grouped by score: (days per group, score of the group)."""
        scores, sizes = np.unique(statistic.score(setup), return_counts=True)
        return sizes, scores

    def exact_cost(self, setup: Setup, statistic: Statistic) -> float:
        if statistic.name == "matches":
            return float(setup.n)
        if self.values["distinct"]:
            assert isinstance(statistic, AdditiveStatistic)
            return sample_sum_cost(*self._score_groups(setup, statistic), setup.n)
        return super().exact_cost(setup, statistic)

    def exact_distribution(self, setup: Setup, statistic: Statistic) -> NullDistribution:
        covered, days, n = setup.covered_days, setup.period.n_days, setup.n
        if statistic.name == "matches":
            k = np.arange(n + 1)
            if self.values["distinct"]:
                args: tuple[Any, ...] = (days, covered, n)
                dist: Any = stats.hypergeom
                support = (max(n - (days - covered), 0), min(covered, n))
            else:
                args, dist, support = (n, covered / days), stats.binom, (0, n)
            logpmf = lambda j: dist.logpmf(j, *args)  # noqa: E731
            return NullDistribution(k, checked_pmf(dist, k, args, support),
                                    log_sf=lambda x: log_tail(logpmf, x, n),
                                    log_cdf=lambda x: log_tail(logpmf, 0, x))
        if self.values["distinct"]:
            assert isinstance(statistic, AdditiveStatistic)
            return NullDistribution.on_integers(
                sample_sum_pmf(*self._score_groups(setup, statistic), n))
        return super().exact_distribution(setup, statistic)

    def expected(self, setup: Setup, statistic: Statistic = STATISTICS["matches"]) -> float:
        if isinstance(statistic, AdditiveStatistic):
            # every response's candidates are the whole period: n times the mean score,
            # summed as the general placement formula sums it (the same float)
            total = int(setup.covered_days if statistic.name == "matches"
                        else statistic.score(setup).sum())
            return float(np.add.reduce(np.full(setup.n, total / setup.period.n_days)))
        if isinstance(statistic, TriggerRate) and self.values["distinct"]:
            m = len(setup.trigger_days)
            if m == 0:
                return 0.0
            first, last = statistic.trigger_windows(setup)
            none = stats.hypergeom.pmf(0, setup.period.n_days, last - first + 1, setup.n)
            return float(np.mean(1 - none))
        return super().expected(setup, statistic)

    def distribution_label(self, setup: Setup, statistic: Statistic) -> str:
        covered, days = setup.covered_days, setup.period.n_days
        distinct = self.values["distinct"]
        if statistic.name == "matches":
            return (f"Hypergeometric(T={days}, C={covered}, n={setup.n})" if distinct
                    else f"Binomial(n={setup.n}, p=C/T={covered / days:.4f})")
        if statistic.name == "pairs":
            return ("sum of coverage counts of n days drawn without replacement" if distinct
                    else f"{setup.n}-fold convolution of the coverage-count histogram")
        if isinstance(statistic, AdditiveStatistic):
            return ("sum of day scores of n days drawn without replacement" if distinct
                    else f"{setup.n}-fold convolution of the day-score histogram")
        return "Monte Carlo only"

    def batch_width(self, setup: Setup, statistic: Statistic) -> int:
        width = super().batch_width(setup, statistic)
        distinct = self.values["distinct"] and setup.n ** 2 > setup.period.n_days
        return width + (setup.period.n_days if distinct else 0)

    def draw(self, setup: Setup, size: int, rng: np.random.Generator) -> np.ndarray:
        days, n = setup.period.n_days, setup.n
        if self.values["distinct"]:
            return distinct_days(rng, size, days, n)
        return rng.integers(0, days, size=(size, n))

    def point_mass(self, setup: Setup, statistic: Statistic) -> bool:
        return setup.period.n_days == 1 or (self.values["distinct"] and setup.n == setup.period.n_days)


def checked_pmf(dist: Any, k: np.ndarray, args: tuple[Any, ...],
                support: tuple[int, int]) -> np.ndarray:
    """``dist.pmf(k, *args)`` for arguments already known valid (sorted integers ``k``, the
    distribution's own ``support``): the same values, from the distribution's
    ``_pmf`` with the same clip to ``[0, 1]`` and zeros outside the support, without
    the general argument handling that costs most of a small test's time."""
    clip = lambda values: np.minimum(np.maximum(values, 0), 1)  # noqa: E731  (np.clip's values)
    if support[0] <= k[0] and k[-1] <= support[1]:
        return clip(dist._pmf(k, *args))
    inside = (k >= support[0]) & (k <= support[1])
    out = np.zeros(k.shape)
    out[inside] = clip(dist._pmf(k[inside], *args))
    return out


def distinct_days(rng: np.random.Generator, size: int, days: int, n: int) -> np.ndarray:
    """``size`` rows of ``n`` distinct uniform offsets in ``0..days-1``.

    Few draws (``n * n <= days``): rows of independent draws, a row with a repeat
    drawn again (rarely needed). More: independent draws with each repeat drawn
    again while ``2 n <= days``, else the ``n`` smallest of ``days`` uniform keys
    (:func:`alliancestats._series_measures.distinct_days`). Every row is a uniform
    ``n``-subset either way.
    """
    if n * n <= days:  # duplicates are rare: redraw the rows that have one
        out = rng.integers(0, days, size=(size, n))
        while True:
            ordered = np.sort(out, axis=1)
            bad = np.flatnonzero((np.diff(ordered, axis=1) == 0).any(axis=1))
            if bad.size == 0:
                return out
            out[bad] = rng.integers(0, days, size=(bad.size, n))
    if n >= days:
        return np.argsort(rng.random((size, days)), axis=1)
    return units_distinct_days(size, np.zeros(1, np.int64), np.array([days]), np.array([n]), rng)
