"""``poisson``: triggers from a homogeneous day process at the observed rate."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from scipy import stats

from .._convolution import binomial_pmf
from .._distinct import distinct
from .._pvalues import NullDistribution
from .._reach import ReachAtoms, atoms_of_intervals
from .._setup import Setup, in_reach
from .._weighted_binomials import weighted_binomials_cost, weighted_binomials_pmf
from .._window_hits import missed_pmf, missed_pmf_cost, missed_pmf_needs
from ..statistics import STATISTICS, AdditiveStatistic, Statistic
from ._triggers import TriggerNull
from ._union_draws import poisson_hits


class PoissonNull(TriggerNull):
    r"""Triggers as a Bernoulli-day (or Poisson) process at the observed rate.

    Keeps the response dates and the trigger *rate*. Destroys the trigger dates:
    every day of the *reach* — the ``D = T + L - 1`` days ``[start - hi, end - lo]``
    that can hold a trigger covering a period day — holds a trigger independently
    with probability ``q``. The rate is estimated on those same days:
    :math:`q = m/D`, ``m`` the distinct trigger days in the reach (the maximum
    likelihood estimate for Bernoulli days). ``continuous=True`` takes a Poisson
    process instead, of rate :math:`\lambda = N/D` per day with ``N`` the trigger
    *events* in the reach (several on one day counted; the maximum likelihood
    estimate for a Poisson process), so a day holds at least one trigger with
    probability :math:`q = 1 - e^{-\lambda}`. Every statistic depends on the
    redrawn triggers only through which days hold one.

    Assumptions: trigger days are independent and equally likely across the
    reach (no trend, no clustering). Answers "given how *often* the triggers
    occur", not "given *when*".

    Parameters
    ----------
    **options
        ``continuous`` (bool, default False): redraw the triggers as a Poisson
        process of rate :math:`N/D` instead of Bernoulli days of probability
        :math:`m/D`.

    Notes
    -----
    A response's window holds ``L`` reach days, so it is matched with probability

    .. math:: p = 1 - (1 - q)^L, \qquad E[K] = n p.

    If no two responses' windows share a day, the responses are independent and
    :math:`K \sim \mathrm{Binomial}(n, p)`. When windows overlap (responses less
    than ``L`` days apart) they share trigger days and are positively dependent,
    so the binomial understates the spread of K. The exact distribution is then
    computed through the missed windows :math:`M = n - K`
    (:mod:`alliancestats._window_hits`). The reach is cut into *atoms* (runs of
    days lying in the same windows, :mod:`alliancestats._reach`); atom ``j`` of
    :math:`\ell_j` days is empty with probability :math:`e_j = (1-q)^{\ell_j}`.
    Sorted by start, the windows fall into *chains* of overlapping windows;
    different chains share no day, so their pmfs are convolved (direct,
    non-negative convolution; identical chains raised to a power). Within a
    chain, with :math:`F_\ell(z)` the generating polynomial of the windows
    missed so far jointly with atom :math:`\ell` being the last non-empty one,

    .. math:: F_j(z) = (1 - e_j) \sum_{\ell < j} E(\ell, j)\,
              z^{\max(0,\ r(j) - o(\ell))} F_\ell(z), \qquad
              E(\ell, j) = \prod_{\ell < i < j} e_i,

    :math:`r(j)` the windows ended by atom ``j``, :math:`o(\ell)` those started
    by atom :math:`\ell`. The exponent is 0 while a window holding :math:`\ell`
    is open and :math:`r(j) - o(\ell)` after, so the sum is kept as two running
    polynomials (the open states as a sliding range on two stacks, never
    subtracting; open states with the same :math:`o(\ell)` die together and are
    kept as one): :math:`O(A\,w)` for ``A`` atoms (at most about ``2n``, however
    long the window) and ``w`` the counts of non-negligible probability (at most
    ``n + 1``), instead of the :math:`O(n^2 a)` of a state (matched so far, last
    non-empty atom). Every term is a sum of non-negative products, so tail
    probabilities keep their relative precision; it equals the binomial when
    windows are disjoint.

    Monte Carlo of K draws only on the union of the windows: whether each of
    its atoms holds a trigger day, a random byte per atom
    (:mod:`alliancestats.nulls._union_draws`).

    The pairs statistic is a weighted sum of independent Bernoulli days: a reach
    day in the windows of ``w`` responses adds ``w`` when it holds a trigger, so
    with :math:`N_w` such days

    .. math:: S = \sum_w w\, X_w, \qquad X_w \sim \mathrm{Binomial}(N_w, q)
              \text{ independent}, \qquad E[S] = q\,nL,

    computed exactly by convolution (:mod:`alliancestats._weighted_binomials`):
    each :math:`w X_w` lives on the multiples of ``w``, so terms of consecutive
    weights are first added directly over their non-zero values (a smooth pmf),
    and the rest merged in a tree (direct or tilted FFT, non-negative terms, so
    tail probabilities keep their relative precision). For the trigger rate, with ``U`` the
    reach days in some response's window (:math:`|U| = u`), the trigger days in
    ``U`` and outside it are independent, :math:`X \sim \mathrm{Binomial}(u, q)`
    and :math:`Y \sim \mathrm{Binomial}(D - u, q)`, and :math:`R = X / (X + Y)`
    (0 if no trigger day): its distribution is exact over the pairs ``(X, Y)``
    (pairs with probability below the float range left out), and
    :math:`E[R] = (u/D)\,[1 - (1-q)^D]`.
    """

    name: ClassVar[str] = "poisson"
    options: ClassVar[dict[str, Any]] = {"continuous": False}
    exact_statistics: ClassVar[tuple[str, ...]] = ("matches", "pairs", "trigger-rate")
    held_fixed = "response dates and the trigger rate over the reach (m/D)"
    randomised = "each reach day holds a trigger independently with probability q = m/D"

    def check_options(self) -> None:
        super().check_options()
        if self.values["continuous"]:
            self.held_fixed = "response dates and the trigger event rate over the reach (N/D)"
            self.randomised = "triggers a Poisson process of rate N/D per day over the reach"

    def trigger_days_in_period(self, setup: Setup) -> int:
        days = distinct(setup.triggers.days)
        return int(((days >= setup.period.first_day) & (days <= setup.period.last_day)).sum())

    def day_probability(self, setup: Setup) -> float:
        """Probability that a reach day holds at least one trigger."""
        if self.values["continuous"]:
            events = int(in_reach(setup.triggers.days, setup.window, setup.period).sum())
            return float(-np.expm1(-events / setup.reach_n_days))
        return len(setup.trigger_days) / setup.reach_n_days

    def match_probability(self, setup: Setup) -> float:
        """``1 - (1 - q)^L``: a single response's chance of being matched."""
        q = self.day_probability(setup)
        return float(-np.expm1(setup.window.length * np.log1p(-q))) if q < 1 else 1.0

    def expected(self, setup: Setup, statistic: Statistic = STATISTICS["matches"]) -> float:
        q, days = self.day_probability(setup), setup.reach_n_days
        if statistic.name == "matches":
            return setup.n * self.match_probability(setup)
        if statistic.name == "pairs":
            return q * setup.n * setup.window.length
        if isinstance(statistic, AdditiveStatistic):   # every window holds L reach days
            length = setup.window.length
            return statistic.mean_of_window_counts(setup, stats.binom.pmf(np.arange(length + 1),
                                                                          length, q))
        u = float(self.atoms(setup).lengths[self.atoms(setup).union[0]].sum())
        some = float(-np.expm1(days * np.log1p(-q))) if q < 1 else 1.0
        return u / days * some

    def distribution_label(self, setup: Setup, statistic: Statistic) -> str:
        what = "trigger events" if self.values["continuous"] else "trigger days"
        return (f"Bernoulli-day process over the reach of D={setup.reach_n_days} days "
                f"(q={self.day_probability(setup):.4f} from the {what} in reach), "
                f"p=1-(1-q)^L={self.match_probability(setup):.4f} per response")

    # -- exact ------------------------------------------------------------------
    def exact_cost(self, setup: Setup, statistic: Statistic) -> float:
        atoms = self.atoms(setup)
        if statistic.name == "matches":
            return missed_pmf_cost(atoms.lengths, atoms.first[0], atoms.stop[0],
                                   self.day_probability(setup))
        if statistic.name == "pairs":
            return weighted_binomials_cost(*self._weight_groups(atoms), self.day_probability(setup))
        u = int(atoms.lengths[atoms.union[0]].sum())
        return 3.0 * (min(u, 10**6) + 1) * (min(atoms.n_days - u, 10**6) + 1)

    def exact_memory(self, setup: Setup, statistic: Statistic) -> float:
        if statistic.name != "matches":
            return 0.0
        atoms = self.atoms(setup)
        return missed_pmf_needs(atoms.lengths, atoms.first[0], atoms.stop[0],
                                self.day_probability(setup))[1]

    def _weight_groups(self, atoms: ReachAtoms) -> tuple[np.ndarray, np.ndarray]:
        """Reach days per weight ``w >= 1`` (responses whose window holds the day)."""
        weight, lengths = atoms.weights[0], atoms.lengths
        groups = distinct(weight[weight > 0])
        return np.array([lengths[weight == w].sum() for w in groups], dtype=np.int64), groups

    def exact_distribution(self, setup: Setup, statistic: Statistic) -> NullDistribution:
        q, atoms = self.day_probability(setup), self.atoms(setup)
        if statistic.name == "matches":
            return NullDistribution.on_integers(hit_count_pmf(atoms, q))
        if statistic.name == "pairs":
            pmf, offset = weighted_binomials_pmf(*self._weight_groups(atoms), q)
            return NullDistribution.on_integers(pmf, offset)
        u = int(atoms.lengths[atoms.union[0]].sum())
        (px, x0), (py, y0) = binomial_pmf(u, q), binomial_pmf(atoms.n_days - u, q)
        # one row per y: x / (x + y) rises along each row, so the sort meets long runs
        x = x0 + np.arange(len(px))[None, :]
        total = x + y0 + np.arange(len(py))[:, None]
        joint = py[:, None] * px[None, :]
        keep = joint > 0
        values = np.where(total > 0, x / np.maximum(total, 1), 0.0)
        return NullDistribution.from_sample(values[keep], joint[keep], runs=True)

    def draw_atoms(self, setup: Setup, atoms: ReachAtoms, size: int,
                   rng: np.random.Generator) -> np.ndarray:
        return coupled_counts(atoms, np.array([self.day_probability(setup)]), size, rng)[0]

    def union_cells(self, setup: Setup) -> int | None:
        return int(self.atoms(setup).union[0].sum())

    def draw_hits(self, setup: Setup, size: int, rng: np.random.Generator) -> np.ndarray:
        return poisson_hits(rng, size, self.atoms(setup), self.day_probability(setup))

    def point_mass(self, setup: Setup, statistic: Statistic) -> bool:
        q = self.day_probability(setup)
        return q <= 0 or q >= 1


def coupled_counts(atoms: ReachAtoms, probabilities: np.ndarray, size: int,
                   rng: np.random.Generator) -> np.ndarray:
    """Trigger days per atom for several day probabilities at once, shape ``(Q, size, A)``.

    Bernoulli days coupled through one uniform per day: a day holds a trigger at
    probability ``q`` when its uniform is below ``q``. Row ``k`` has the right
    distribution for ``probabilities[k]`` (sorted ascending) on its own, and the
    rows are nested, each obtained from the previous by binomial thickening of the
    days still empty.
    """
    out = np.empty((len(probabilities), size, atoms.n_atoms), dtype=np.int64)
    counts = np.zeros((size, atoms.n_atoms), dtype=np.int64)
    previous = 0.0
    for k, q in enumerate(probabilities.tolist()):
        if q > previous and previous < 1:
            counts = counts + rng.binomial(atoms.lengths[None, :] - counts,
                                           min((q - previous) / (1 - previous), 1.0))
        out[k] = counts
        previous = max(previous, q)
    return out


def hit_count_pmf(atoms: ReachAtoms, q: float) -> np.ndarray:
    """Exact pmf (on ``0..n``) of the number of windows (row 0 of ``atoms``, all of
    one length) holding a trigger day, when every day holds one independently with
    probability ``q``: ``n`` minus the missed windows of
    :func:`alliancestats._window_hits.missed_pmf`."""
    n = atoms.first.shape[1]
    out = np.zeros(n + 1)
    if q <= 0 or q >= 1 or n == 0:
        out[n if q >= 1 else 0] = 1.0
        return out
    pmf, offset = missed_pmf(atoms.lengths, atoms.first[0], atoms.stop[0], q)
    out[n - offset - len(pmf) + 1: n - offset + 1] = pmf[::-1]
    return out


def window_hit_pmf(window_ends: np.ndarray, length: int, q: float) -> np.ndarray:
    """Exact pmf of the number of windows holding at least one Bernoulli(q) day.

    Window ``i`` is the ``length`` days ending on ``window_ends[i]``.
    """
    ends = np.asarray(window_ends, dtype=np.int64)
    if len(ends) == 0:
        return np.array([1.0])
    return hit_count_pmf(atoms_of_intervals(ends - length + 1, ends), q)
