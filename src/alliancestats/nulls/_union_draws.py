r"""Monte Carlo of K for the nulls that redraw trigger days, on the union of windows only.

K depends on the redrawn triggers only through which *cells* (atoms, or days) of
the union of the response windows hold a trigger day: days outside every window
play no part, and inside a window only whether it holds one. So each resample
is a boolean column over the union's cells, drawn in batches, and
K = the windows whose cell range holds a ``True`` (a sparse table of ORs over
runs of ``2^k`` cells, :func:`hits_from_cells`: two look-ups per window).

Uniforms are drawn a byte at a time (eight from each raw 64-bit output of the
generator): a cell that holds a trigger with
probability ``p`` is decided by one random byte ``c`` (``c < floor(256 p)``:
yes, ``c > floor(256 p)``: no) and only on a tie (``c = floor(256 p)``, one cell
in 256) by a second uniform ``V`` (yes when ``V < 256 p - floor(256 p)``): the
decision is ``(c + V)/256 < p``, an exact Bernoulli(``p``) draw.

* ``poisson``: the cells are the union's atoms, atom ``j`` of :math:`\ell_j` days
  non-empty independently with probability :math:`1-(1-q)^{\ell_j}`.
* ``shuffle-triggers``: ``m`` distinct days uniform over the ``D`` reach days;
  the number falling on the ``u`` union days is
  :math:`X \sim \mathrm{Hypergeometric}(D, u, m)` (drawn by inverting its
  distribution function), and given ``X`` they are a
  uniform ``X``-subset of the union days: the ``X`` days of smallest key under
  i.i.d. uniform keys. Keys are a random byte refined on ties: the days whose
  byte is below the level ``k`` where the running count passes ``X`` are taken,
  and the rest of the ``X`` among the days whose byte equals ``k``, uniformly.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import stats

from .._reach import ReachAtoms


def _bytes(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Uniform random bytes: raw 64-bit outputs of the generator, eight bytes each."""
    count = shape[0] * shape[1]
    raw = rng.bit_generator.random_raw((count + 7) // 8)
    return raw.view(np.uint8)[:count].reshape(shape)


def _row_counts(mask: np.ndarray) -> np.ndarray:
    """``True`` entries per row of a boolean (B, C) array."""
    dtype = np.uint16 if mask.shape[1] < 2**16 else np.int64
    return np.add.reduce(mask.view(np.uint8), axis=1, dtype=dtype).astype(np.int64)


def _nonzero(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of every ``True`` of a 2-d array, in row-major order."""
    flat = np.flatnonzero(mask)
    return flat // mask.shape[1], flat % mask.shape[1]


def union_cells(atoms: ReachAtoms, days: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The union's cells and every window's cell range ``[first, stop)``.

    Returns the cell lengths in days (all 1 when ``days``), ``first`` and ``stop``.
    """
    union = atoms.union[0]
    lengths = atoms.lengths[union]
    index = np.cumsum(union) - union            # union atoms before each atom
    first, stop = index[atoms.first[0]], np.append(index, union.sum())[atoms.stop[0]]
    if days:
        edges = np.concatenate([[0], np.cumsum(lengths)])
        return np.ones(int(edges[-1]), dtype=np.int64), edges[first], edges[stop]
    return lengths, first, stop


def hits_from_cells(chosen: np.ndarray, first: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """K per row of ``chosen`` (B, C): the windows ``[first, stop)`` holding a ``True``.

    A sparse table: level ``k`` holds, for every cell, whether any of the
    ``2^k`` cells from it on is chosen (each level the OR of two shifted copies
    of the previous one), and a window of ``s`` cells, ``2^k <= s < 2^(k+1)``,
    holds a chosen cell exactly when its first ``2^k`` or its last ``2^k`` cells do.
    """
    span = stop - first
    power = np.floor(np.log2(np.maximum(span, 1))).astype(np.int64)
    total = np.zeros(chosen.shape[0], dtype=np.int64)
    level = chosen
    for k in range(int(power.max(initial=0)) + 1):
        if k:                                     # only the current level is kept
            half = 1 << (k - 1)
            level = level[:, :-half] | level[:, half:]
        pick = np.flatnonzero(power == k)
        if len(pick):
            total += _row_counts(np.take(level, first[pick], axis=1)
                                 | np.take(level, stop[pick] - (1 << k), axis=1))
    return total


def bernoulli_cells(rng: np.random.Generator, size: int, probabilities: np.ndarray) -> np.ndarray:
    """Independent Bernoulli(``probabilities[j]``) cells, shape ``(size, C)``, a byte each."""
    scaled = 256.0 * np.asarray(probabilities, dtype=float)
    level = np.minimum(np.floor(scaled), 255)
    fraction = scaled - level                     # in [0, 1], 1 only for probability 1
    level = level.astype(np.uint8)
    coarse = _bytes(rng, (size, len(scaled)))
    chosen = coarse < level
    rows, cells = _nonzero(coarse == level)
    chosen[rows, cells] = rng.random(len(cells)) < fraction[cells]
    return chosen


def uniform_subset_cells(rng: np.random.Generator, counts: np.ndarray, n_cells: int) -> np.ndarray:
    """Row ``b``: a uniform ``counts[b]``-subset of ``n_cells`` cells, shape ``(B, n_cells)``."""
    size = len(counts)
    coarse = _bytes(rng, (size, n_cells))
    level = np.minimum(counts * 256 // max(n_cells, 1), 255).astype(np.int64)
    below = _row_counts(coarse < level.astype(np.uint8)[:, None])
    at = _row_counts(coarse == level.astype(np.uint8)[:, None])
    while True:              # move each row's level until below <= count <= below + at
        up, down = counts > below + at, counts < below
        moving = np.flatnonzero(up | down)
        if len(moving) == 0:
            break
        step = np.where(up[moving], 1, -1)
        new_level = level[moving] + step
        new_at = _row_counts(coarse[moving] == new_level.astype(np.uint8)[:, None])
        below[moving] = np.where(step > 0, below[moving] + at[moving], below[moving] - new_at)
        at[moving], level[moving] = new_at, new_level
    level8 = level.astype(np.uint8)[:, None]
    chosen = coarse < level8
    rows, cells = _nonzero(coarse == level8)
    if len(cells):           # the rest of each row's count among its ties, uniformly
        order = np.lexsort((rng.random(len(cells)), rows))
        rows, cells = rows[order], cells[order]
        rank = np.arange(len(cells)) - np.searchsorted(rows, np.arange(size))[rows]
        take = rank < (counts - below)[rows]
        chosen[rows[take], cells[take]] = True
    return chosen


def poisson_hits(rng: np.random.Generator, size: int, atoms: ReachAtoms, q: float) -> np.ndarray:
    """``size`` draws of K under Bernoulli(``q``) days."""
    lengths, first, stop = union_cells(atoms, days=False)
    probabilities = -np.expm1(lengths * np.log1p(-q)) if q < 1 else np.ones(len(lengths))
    return hits_from_cells(bernoulli_cells(rng, size, probabilities), first, stop)


def shuffle_hits(rng: np.random.Generator, size: int, atoms: ReachAtoms, m: int) -> np.ndarray:
    """``size`` draws of K for ``m`` distinct uniform trigger days over the reach."""
    lengths, first, stop = union_cells(atoms, days=True)
    union = len(lengths)
    low, cdf = _hypergeometric_cdf(atoms.n_days, union, m)
    inside = low + np.minimum(np.searchsorted(cdf, rng.random(size), side="right"), len(cdf) - 1)
    return hits_from_cells(uniform_subset_cells(rng, inside, union), first, stop)


@lru_cache(maxsize=8)
def _hypergeometric_cdf(population: int, good: int, draws: int) -> tuple[int, np.ndarray]:
    """Smallest value and distribution function of Hypergeometric(population, good, draws)."""
    low, high = max(0, draws - (population - good)), min(draws, good)
    return low, stats.hypergeom.cdf(np.arange(low, high + 1), population, good, draws)
