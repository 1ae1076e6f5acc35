"""``shuffle-triggers``: the trigger days redrawn uniformly, responses fixed."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from scipy import stats

from .._convolution import sample_sum_cost, sample_sum_pmf
from .._distinct import distinct
from .._pvalues import NullDistribution, log_tail
from .._reach import ReachAtoms
from .._setup import Setup
from ..errors import AllianceStatsError
from ..statistics import STATISTICS, AdditiveStatistic, Statistic
from ._triggers import TriggerNull
from ._union_draws import shuffle_hits
from .uniform import distinct_days

#: numpy's hypergeometric samplers need populations below this
HYPERGEOMETRIC_LIMIT = 10**9


class ShuffleTriggersNull(TriggerNull):
    r"""The ``m`` trigger days moved to ``m`` distinct uniform days; responses as observed.

    Keeps the response dates and the number ``m`` of distinct trigger days that
    can cover the period (those in ``[start - hi, end - lo]``, the *reach*, of
    ``D = T + L - 1`` days). Destroys the trigger dates: the ``m`` days are a
    uniform random ``m``-subset of the reach (drawn without replacement, so the
    surrogates keep ``m`` distinct days, as the data have). Triggers that cannot
    cover any period day play no part.

    Assumptions: any reach day was as likely as any other to hold a trigger (no
    trend, no clustering), given their number. Unlike ``poisson`` the number of
    trigger days is fixed rather than random.

    Parameters
    ----------
    **options
        None: this null takes no options, and any given is an error.

    Notes
    -----
    A response's window holds ``L`` reach days, so it is missed with probability
    :math:`\binom{D-L}{m} / \binom{D}{m}` and

    .. math:: E[K] = n\Big[1 - \prod_{k=0}^{m-1} \frac{D - L - k}{D - k}\Big].

    The distribution of K (an occupancy problem with overlapping windows) is
    simulated, on the union of the windows alone: the trigger days falling there
    are :math:`\mathrm{Hypergeometric}(D, u, m)` in number and a uniform subset of
    its ``u`` days (:mod:`alliancestats.nulls._union_draws`). The pairs statistic is the total weight of the ``m`` chosen days,
    a day's weight being the number of responses whose window holds it: the sum
    of a sample without replacement, exact by a recursion over the groups of
    days of equal weight (:func:`alliancestats._convolution.sample_sum_pmf`),
    :math:`E[S] = mnL/D`. For the trigger rate, with ``u`` reach days inside some
    response's window, the chosen days inside are
    :math:`X \sim \mathrm{Hypergeometric}(D, u, m)` and :math:`R = X/m` exactly,
    :math:`E[R] = u/D`.
    """

    name: ClassVar[str] = "shuffle-triggers"
    exact_statistics: ClassVar[tuple[str, ...]] = ("pairs", "trigger-rate")
    held_fixed = "response dates and the number of trigger days m in reach"
    randomised = "the m trigger days on m distinct uniform days of the reach"

    def trigger_days_in_reach(self, setup: Setup) -> int:
        return len(setup.trigger_days)

    def expected(self, setup: Setup, statistic: Statistic = STATISTICS["matches"]) -> float:
        m, days, length = len(setup.trigger_days), setup.reach_n_days, setup.window.length
        if statistic.name == "matches":
            if m > days - length:
                return float(setup.n)
            k = np.arange(m)
            return setup.n * float(-np.expm1(np.log1p(-length / (days - k)).sum()))
        if statistic.name == "pairs":
            return m * setup.n * length / days
        if isinstance(statistic, AdditiveStatistic):   # window days drawn: Hypergeometric
            return statistic.mean_of_window_counts(
                setup, hypergeometric_pmf(days, length, m))
        atoms = self.atoms(setup)
        return float(atoms.lengths[atoms.union[0]].sum()) / days if m else 0.0

    def distribution_label(self, setup: Setup, statistic: Statistic) -> str:
        how = {"matches": "Monte Carlo only", "pairs": "sum of m day weights drawn without "
               "replacement", "trigger-rate": "Hypergeometric(D, u, m) / m"}.get(statistic.name, "Monte Carlo only")
        return (f"m={len(setup.trigger_days)} distinct trigger days uniform over "
                f"D={setup.reach_n_days} days ({how})")

    def _weight_groups(self, atoms: ReachAtoms) -> tuple[np.ndarray, np.ndarray]:
        weight, lengths = atoms.weights[0], atoms.lengths
        groups = distinct(weight)
        return np.array([lengths[weight == w].sum() for w in groups], dtype=np.int64), groups

    def exact_cost(self, setup: Setup, statistic: Statistic) -> float:
        m = len(setup.trigger_days)
        if statistic.name == "pairs":
            return sample_sum_cost(*self._weight_groups(self.atoms(setup)), m)
        return 10.0 * (m + 1)

    def exact_distribution(self, setup: Setup, statistic: Statistic) -> NullDistribution:
        atoms, m, days = self.atoms(setup), len(setup.trigger_days), setup.reach_n_days
        if statistic.name == "pairs":
            return NullDistribution.on_integers(sample_sum_pmf(*self._weight_groups(atoms), m))
        if m == 0:
            return NullDistribution(np.array([0.0]), np.array([1.0]))
        u = int(atoms.lengths[atoms.union[0]].sum())
        x = np.arange(m + 1)
        pmf = hypergeometric_pmf(days, u, m)
        keep = pmf > 0
        logpmf = lambda j: stats.hypergeom.logpmf(j, days, u, m)  # noqa: E731
        return NullDistribution(x[keep] / m, pmf[keep],
                                log_sf=lambda r: log_tail(logpmf, r * m - 1e-9, m),
                                log_cdf=lambda r: log_tail(logpmf, 0, r * m + 1e-9))

    def draw_atoms(self, setup: Setup, atoms: ReachAtoms, size: int,
                   rng: np.random.Generator) -> np.ndarray:
        m, days = len(setup.trigger_days), atoms.n_days
        if m == 0:
            return np.zeros((size, atoms.n_atoms), dtype=np.int64)
        if 2 * m > days:        # most reach days hold a trigger: draw the atoms' counts
            if days >= HYPERGEOMETRIC_LIMIT:
                raise AllianceStatsError(f"shuffle-triggers cannot draw m={m} distinct days "
                                         f"from a reach of {days} days")
            return rng.multivariate_hypergeometric(atoms.lengths, m, size=size, method="marginals")
        chosen = distinct_days(rng, size, days, m)
        atom = atoms.day_atoms(chosen) + atoms.n_atoms * np.arange(size)[:, None]
        return np.bincount(atom.ravel(), minlength=size * atoms.n_atoms).reshape(size, atoms.n_atoms)

    def union_cells(self, setup: Setup) -> int | None:
        atoms = self.atoms(setup)
        days = int(atoms.lengths[atoms.union[0]].sum())
        if days > 8 * atoms.n_atoms + 4096 or atoms.n_days >= HYPERGEOMETRIC_LIMIT:
            return None       # windows far longer than their number: draw on atoms instead
        return days

    def draw_hits(self, setup: Setup, size: int, rng: np.random.Generator) -> np.ndarray:
        return shuffle_hits(rng, size, self.atoms(setup), len(setup.trigger_days))

    def point_mass(self, setup: Setup, statistic: Statistic) -> bool:
        m = len(setup.trigger_days)
        return m == 0 or m == setup.reach_n_days


def hypergeometric_pmf(days: int, good: int, m: int) -> np.ndarray:
    r"""Hypergeometric pmf on ``0..m``: of ``m`` distinct days drawn from ``days``,
    how many fall among ``good`` given days.

    The ratios of neighbours,

    .. math:: \frac{P(x + 1)}{P(x)} = \frac{(g - x)(m - x)}{(x + 1)(D - g - m + x + 1)},

    are multiplied out from the mode (taken as 1) in both directions and the
    result divided by its sum: each step adds a few units of rounding (relative
    error about ``1e-13`` after a thousand steps). SciPy's
    :func:`~scipy.stats.hypergeom.pmf` costs ~0.1 ms a value at ``D`` in the tens of
    thousands and was measured ``1.2e-10`` off at the mode for ``D = 10^6``.
    Values below the float range are 0.
    """
    low, high = max(0, m - (days - good)), min(m, good)
    out = np.zeros(m + 1)
    if low == high:
        out[low] = 1.0
        return out
    mode = min(max(int((m + 1) * (good + 1) / (days + 2)), low), high)
    x = np.arange(low, high, dtype=float)            # ratios P(x + 1) / P(x), x = low..high-1
    ratio = (good - x) * (m - x) / ((x + 1) * (days - good - m + x + 1))
    out[mode + 1: high + 1] = np.cumprod(ratio[mode - low:])
    out[low: mode][::-1] = np.cumprod(1.0 / ratio[: mode - low][::-1])
    out[mode] = 1.0
    return out / out.sum()
