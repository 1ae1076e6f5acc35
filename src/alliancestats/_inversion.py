r"""Confidence intervals by inverting the Poisson-binomial tail test of K.

A one-parameter family gives each response ``i`` a match probability
:math:`q_i(x)`, non-decreasing in ``x`` on ``[lo, hi]``; K is then
Poisson-binomial with those probabilities, so its tails are monotone in ``x``.
The ``1 - α`` interval is the set of ``x`` whose tail test does not reject at
``α/2`` on either side. With the *mid-p* rule the observed value counts half:

.. math::
    x_L:\ P_{x}(K > k) + \tfrac12 P_{x}(K = k) = \alpha/2, \qquad
    x_U:\ P_{x}(K < k) + \tfrac12 P_{x}(K = k) = \alpha/2;

the exact (Clopper–Pearson type) rule counts it whole. A bound stays at the end
of ``[lo, hi]`` when the equation has no root there. Every function works on a
batch: row ``b`` is one dataset, solved elementwise by
:func:`scipy.optimize.elementwise.find_root`.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from scipy import stats
from scipy.optimize import elementwise

from .audit._fourier_tails import upper_tails

#: distinct probabilities per row above which the tails come from SciPy directly
DISTINCT_LIMIT = 512

#: ``family(x, rows)`` -> match probabilities, shape ``(len(rows), n)``
Family = Callable[[np.ndarray, np.ndarray], np.ndarray]


def tails(k: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``P(K > k)``, ``P(K = k)``, ``P(K < k)`` for K Poisson-binomial in each row of ``q``.

    Responses with equal probabilities form one binomial unit, and each row's
    ``P(K >= k)`` and ``P(K >= k + 1)`` come from the tilted Fourier inversion of
    :func:`alliancestats.audit._fourier_tails.upper_tails` (relative error below
    ``5e-11``, bounded per row); a row it does not certify is computed by
    :data:`scipy.stats.poisson_binom`. Differences of the two tails give the rest
    (absolute error ~``1e-10`` at most, far below what the root search resolves).
    """
    k = np.asarray(k, dtype=np.int64)
    q = np.atleast_2d(np.asarray(q, dtype=float))
    rows, n = q.shape
    ordered = np.sort(q, axis=1)
    new = np.ones(ordered.shape, dtype=bool)
    new[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    group = np.cumsum(new, axis=1) - 1
    width = int(group[:, -1].max(initial=0)) + 1 if n else 1
    value = np.zeros((rows, width))
    cell = np.repeat(np.arange(rows), n) * width + group.ravel()
    value.ravel()[cell] = ordered.ravel()
    count = np.bincount(cell, minlength=rows * width).reshape(rows, width)
    pmf = np.stack([1.0 - value, value], axis=2)
    if width <= DISTINCT_LIMIT:
        tail, _, certified = upper_tails(
            np.concatenate([pmf, pmf]), np.zeros((2 * rows, width), np.int64),
            np.concatenate([count, count]), np.concatenate([k, k + 1]))
    else:               # nearly all distinct: the Fourier sum would not be certified
        tail, certified = np.zeros(2 * rows), np.zeros(2 * rows, dtype=bool)
    at_least, above = tail[:rows], tail[rows:]
    redo = ~(certified[:rows] & certified[rows:])
    if redo.any():
        at_least[redo] = stats.poisson_binom.sf(k[redo] - 1, q[redo])
        above[redo] = stats.poisson_binom.sf(k[redo], q[redo])
    equal = np.clip(at_least - above, 0.0, 1.0)
    return above, equal, np.clip(1.0 - at_least, 0.0, 1.0)


def solve_increasing(f: Callable[..., np.ndarray], lo: np.ndarray, hi: np.ndarray,
                     rows: np.ndarray) -> np.ndarray:
    """Root of ``f(x, rows)`` in ``[lo, hi]`` for each row, ``f`` increasing in ``x``.

    Where ``f(lo) >= 0`` the answer is ``lo``; where ``f(hi) <= 0`` it is ``hi``.
    """
    lo = np.asarray(lo, dtype=float)
    hi = np.asarray(hi, dtype=float)
    out = lo.copy()
    at_lo = f(lo, rows) >= 0
    at_hi = ~at_lo & (f(hi, rows) <= 0)
    out[at_hi] = hi[at_hi]
    inner = ~at_lo & ~at_hi
    if inner.any():
        found = elementwise.find_root(f, (lo[inner], hi[inner]), args=(rows[inner],))
        out[inner] = found.x
    return out


def invert_tail(k: np.ndarray, family: Family, lo: float, hi: float, *,
                confidence_level: float, midp: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper confidence bounds for ``x`` from observed counts ``k`` (one per row)."""
    k = np.asarray(k, dtype=np.int64)
    rows = np.arange(k.size)
    half_alpha = (1.0 - confidence_level) / 2.0
    weight = 0.5 if midp else 1.0

    def upper_tail(x: np.ndarray, r: np.ndarray) -> np.ndarray:  # increasing in x
        above, equal, _ = tails(k[r], family(x, r))
        return above + weight * equal - half_alpha

    def lower_tail(x: np.ndarray, r: np.ndarray) -> np.ndarray:  # decreasing in x
        _, equal, below = tails(k[r], family(x, r))
        return half_alpha - below - weight * equal

    ends = np.full(k.size, lo, dtype=float), np.full(k.size, hi, dtype=float)
    return solve_increasing(upper_tail, *ends, rows), solve_increasing(lower_tail, *ends, rows)
