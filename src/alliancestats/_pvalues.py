r"""Null distributions of a statistic and the p-values they give.

* ``greater``: :math:`P(X \ge x)`; ``less``: :math:`P(X \le x)`;
* ``two-sided``: twice the smaller tail, capped at 1,
  :math:`\min\{1,\ 2\min[P(X \ge x),\ P(X \le x)]\}` (the *central* rule of
  :func:`scipy.stats.permutation_test`). :func:`scipy.stats.binomtest` instead
  sums the outcomes no more likely than the observed one; that rule is not used
  here because its Monte Carlo estimate jumps whenever two estimated
  probabilities swap order, so exact and Monte Carlo values could not be
  compared within standard errors. One-sided values equal ``binomtest``'s.

Monte Carlo uses the same definitions on the ``B`` draws, with the observation
counted among them: a tail is ``(1 + hits) / (1 + B)``. Its standard error is
:math:`\sqrt{\hat p (1 - \hat p) / B}` (doubled along with a two-sided value).

Exact tails are sums of non-negative terms taken from the small end, so they
keep full relative precision far into the tail. A tail below :data:`P_FLOOR`
(``1e-300``) is never reported as 0: the p-value is reported as that bound and
flagged, with its exact ``log10`` where the distribution has a log-space tail
(binomial, hypergeometric).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, NamedTuple

import numpy as np
from scipy.special import logsumexp

#: smallest p-value reported as a number; below it the p-value is this bound, flagged
P_FLOOR = 1e-300

LogTail = Callable[[float], float]


@dataclass(frozen=True, eq=False)
class NullDistribution:
    """A statistic's null distribution: sorted ``values`` and their probabilities.

    ``log_sf(x)`` and ``log_cdf(x)``, where given, are the natural logs of
    :math:`P(X \\ge x)` and :math:`P(X \\le x)`, exact far below the float range.
    """

    values: np.ndarray
    pmf: np.ndarray
    log_sf: LogTail | None = None
    log_cdf: LogTail | None = None

    @classmethod
    def on_integers(cls, pmf: np.ndarray, offset: int = 0, **log_tails: LogTail | None
                    ) -> "NullDistribution":
        """A distribution on ``offset, offset + 1, ...``."""
        pmf = np.asarray(pmf, dtype=float)
        return cls(offset + np.arange(len(pmf), dtype=np.int64), pmf, **log_tails)

    @classmethod
    def from_sample(cls, values: np.ndarray, weights: np.ndarray, *,
                    runs: bool = False) -> "NullDistribution":
        """Merge equal values (unsorted input) and normalise the weights (one sort;
        ``np.unique(..., return_inverse=True)`` and a ``bincount`` take twice as long).
        ``runs``: the values come in long ascending runs, which a stable sort merges
        faster."""
        values = np.asarray(values).ravel()
        order = np.argsort(values, kind="stable" if runs else None)
        ordered = values[order]
        starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]])) \
            if ordered.size else np.zeros(0, np.int64)
        pmf = np.add.reduceat(np.asarray(weights, float).ravel()[order], starts) \
            if ordered.size else np.zeros(0)
        return cls(ordered[starts], pmf / pmf.sum())

    @property
    def mean(self) -> float:
        return float(np.dot(self.values, self.pmf))

    @property
    def is_point_mass(self) -> bool:
        return bool(self.pmf.max() >= 1 - 1e-12)

    def dense(self, first: int = 0, last: int | None = None) -> np.ndarray:
        """Integer-valued only: probabilities of ``first..last`` (zeros outside the support)."""
        last = int(self.values[-1]) if last is None else last
        out = np.zeros(last - first + 1)
        inside = (self.values >= first) & (self.values <= last)
        out[self.values[inside] - first] = self.pmf[inside]
        return out

    def tails_at(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``P(X >= x)`` and ``P(X <= x)`` for each of ``x`` (any values, in or out of the support)."""
        upper = np.concatenate([np.cumsum(self.pmf[::-1])[::-1], [0.0]])
        lower = np.concatenate([[0.0], np.cumsum(self.pmf)])
        x = np.asarray(x)
        return (upper[np.searchsorted(self.values, x, side="left")],
                lower[np.searchsorted(self.values, x, side="right")])

    def pvalues_at(self, x: np.ndarray, alternative: str) -> np.ndarray:
        """p-value of every value in ``x`` (used by the window sweep's min-p step)."""
        return self.pvalue_lookup(alternative)(np.asarray(x))

    def pvalue_lookup(self, alternative: str) -> Callable[[np.ndarray], np.ndarray]:
        """A function giving the p-value of any array of values, with the tails
        computed once (a table indexed by value for non-negative integers)."""
        def pvalues(upper: np.ndarray, lower: np.ndarray) -> np.ndarray:
            p = {"greater": upper, "less": lower}.get(alternative, 2 * np.minimum(upper, lower))
            return np.clip(p, 0.0, 1.0)

        if self.values.dtype.kind in "iu" and self.values[0] >= 0 and self.values[-1] < 10**7:
            top = int(self.values[-1]) + 1
            table = pvalues(*self.tails_at(np.arange(top + 1)))
            return lambda x: table[np.minimum(x, top)]
        upper = np.concatenate([np.cumsum(self.pmf[::-1])[::-1], [0.0]])
        lower = np.concatenate([[0.0], np.cumsum(self.pmf)])
        return lambda x: pvalues(upper[np.searchsorted(self.values, x, side="left")],
                                 lower[np.searchsorted(self.values, x, side="right")])


def log_tail(logpmf: Callable[[np.ndarray], np.ndarray], first: float, last: float) -> float:
    """``log sum_{k=first}^{last} exp(logpmf(k))`` over integers, in log space throughout."""
    first, last = int(np.ceil(first)), int(np.floor(last))
    if first > last:
        return float("-inf")
    return float(logsumexp(logpmf(np.arange(first, last + 1))))


class PValue(NamedTuple):
    """A p-value; ``underflow`` says it is below :data:`P_FLOOR` and reported as that bound."""

    value: float
    underflow: bool = False
    log10: float | None = None


def exact_pvalue(dist: NullDistribution | np.ndarray, x: float, alternative: str) -> float:
    """p-value of ``x`` under an exact distribution (an array is a pmf on 0, 1, ...),
    never below :data:`P_FLOOR`."""
    return exact_tail(dist, x, alternative).value


def exact_tail(dist: NullDistribution | np.ndarray, x: float, alternative: str) -> PValue:
    """p-value of ``x`` with its underflow flag and, where known, exact ``log10``."""
    if not isinstance(dist, NullDistribution):
        dist = NullDistribution.on_integers(dist)
    # the tails exactly as tails_at sums them (running sums from each end), for one x
    pmf = dist.pmf
    first = int(dist.values.searchsorted(x, side="left"))
    upper = float(pmf[:first - 1 if first else None:-1].cumsum()[-1]) if first < len(pmf) else 0.0
    if alternative == "greater":
        tail, log_tail, factor = upper, dist.log_sf, 1
    else:
        last = int(dist.values.searchsorted(x, side="right"))
        lower = float(pmf[:last].cumsum()[-1]) if last else 0.0
        tail, log_tail, factor = ((lower, dist.log_cdf, 1) if alternative == "less" else
                                  (min(upper, lower), dist.log_sf if upper <= lower
                                   else dist.log_cdf, 2))
    p = min(max(factor * tail, 0.0), 1.0)
    if p >= P_FLOOR:
        return PValue(p)
    log10 = None
    if log_tail is not None:
        log10 = float((log_tail(x) + np.log(factor)) / np.log(10))
        log10 = log10 if np.isfinite(log10) else None
    return PValue(P_FLOOR, True, log10)


def monte_carlo_pvalue(at_least: int, at_most: int, n_resamples: int,
                       alternative: str) -> tuple[float, float]:
    """``(1 + hits) / (1 + B)`` from the counts of draws ``>=`` and ``<=`` the
    observation, and its standard error."""
    upper = (1 + at_least) / (1 + n_resamples)
    lower = (1 + at_most) / (1 + n_resamples)
    tail = {"greater": upper, "less": lower}.get(alternative, min(upper, lower))
    factor = 2 if alternative == "two-sided" else 1
    se = factor * np.sqrt(tail * (1 - tail) / n_resamples)
    return float(min(factor * tail, 1.0)), float(se)
