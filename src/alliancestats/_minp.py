r"""Single-step min-p adjustment (Westfall & Young) of several tests from shared surrogates.

The window sweep adjusts over windows, the audit's secondary analyses over
statistics: in both, one surrogate dataset gives the value of every test, so the
smallest p-value of each surrogate can be compared with each observed p-value.
"""

from __future__ import annotations

import copy
from typing import Callable, Iterable, NamedTuple, Sequence

import numpy as np

from ._montecarlo import Tally
from ._pvalues import NullDistribution, exact_pvalue, monte_carlo_pvalue

#: surrogate values kept from the first pass for the second (else drawn again): 64 MiB
KEEP_ELEMENTS = 1 << 23

#: surrogate values of every test, one ``(tests, batch)`` array per batch, from a Generator
Surrogates = Callable[[np.random.Generator], Iterable[np.ndarray]]


class MinPAdjusted(NamedTuple):
    """What :func:`min_p_adjusted` returns: per test, the unadjusted p-value and its
    Monte Carlo standard error (NaN where exact), the adjusted p-value and the standard
    error of its Monte Carlo part, and the null distribution used."""

    pvalue: np.ndarray
    adjusted: np.ndarray
    distributions: list[NullDistribution]
    pvalue_se: np.ndarray
    adjusted_se: np.ndarray


def min_p_adjusted(observed: Sequence[float], exact: Sequence[NullDistribution | None],
                   surrogates: Surrogates, n_resamples: int, rng: np.random.Generator,
                   alternative: str) -> MinPAdjusted:
    r"""Unadjusted and min-p adjusted p-values of ``W`` tests, and their null distributions.

    ``exact[w]`` is test ``w``'s exact null distribution, or None: its p-value and
    distribution then come from the Monte Carlo frequencies of a first pass over
    ``surrogates(rng)``, and a second pass over the *same* stream (a copy of
    ``rng`` taken before the first) computes the minima, so memory does not grow
    with ``B``. With :math:`m_b = \min_w p_b(w)`, each :math:`p_b(w)` read from the
    distribution that gives :math:`p(w)` (the first pass's values are kept for
    the second while they number at most :data:`KEEP_ELEMENTS`, else the second
    pass draws them again from the copy: the same values either way),

    .. math:: \tilde p(w) = \max\Big\{p(w),\ \frac{1 + \#\{b : m_b \le p(w)\}}{1 + B}\Big\}.

    The true adjusted value is never below :math:`p(w)`, so the estimate is
    clipped there. ``surrogates`` must yield ``n_resamples`` columns in all. Standard
    errors are :math:`\sqrt{\hat p(1-\hat p)/B}` of each Monte Carlo estimate.
    """
    two_passes = any(d is None for d in exact)
    replay = copy.deepcopy(rng) if two_passes else rng
    tallies = [Tally(x) for x in observed]
    kept: list[Sequence[np.ndarray]] | None = None
    if two_passes:
        kept, size = [], 0
        for values in surrogates(rng):
            for tally, row in zip(tallies, values):
                tally.add(row)
            size += sum(np.size(row) for row in values)
            if kept is not None and size <= KEEP_ELEMENTS:
                kept.append(values)
            else:
                kept = None
    dists = [d if d is not None else t.distribution() for d, t in zip(exact, tallies)]
    p_obs, p_se = np.empty(len(observed)), np.full(len(observed), np.nan)
    for w, (d, x) in enumerate(zip(exact, observed)):
        if d is not None:
            p_obs[w] = exact_pvalue(d, x, alternative)
        else:
            p_obs[w], p_se[w] = monte_carlo_pvalue(tallies[w].at_least, tallies[w].at_most,
                                                   n_resamples, alternative)
    lookups = [dist.pvalue_lookup(alternative) for dist in dists]
    smallest = np.concatenate([
        np.min([lookup(row) for lookup, row in zip(lookups, values)], axis=0)
        for values in (kept if kept is not None else surrogates(replay))])
    hits = (smallest[None, :] <= p_obs[:, None] * (1 + 1e-12)).sum(axis=1)
    min_p = (1 + hits) / (1 + n_resamples)
    return MinPAdjusted(p_obs, np.maximum(p_obs, min_p), dists, p_se,
                        np.sqrt(min_p * (1 - min_p) / n_resamples))
