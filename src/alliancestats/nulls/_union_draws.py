r"""Monte Carlo of K for the nulls that redraw trigger days, on the union of windows only.

K depends on the redrawn triggers only through which *cells* (atoms, or days) of
the union of the response windows hold a trigger day: days outside every window
play no part, and inside a window only whether it holds one. So each resample
is a boolean column over the union's cells (cells down the first axis,
resamples along the second), drawn in batches, and K = the windows whose cell
range holds a ``True`` (a sparse table of ORs over runs of ``2^k`` cells,
:func:`hits_from_cells`: two look-ups per window).

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
  distribution function), and given ``X`` they are a uniform ``X``-subset of the
  union days (:func:`uniform_subset_cells`: the days whose random byte is below
  a level set a little low, then uniform proposals among the days not yet
  chosen until ``X`` are).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import stats

from .._distinct import distinct
from .._reach import ReachAtoms

FEW_ATOMS = 512
"""Union atoms up to which K is counted on atoms (one OR over each atom's days) rather
than on days."""
MANY_MISSING = 48
"""Missing cells above which :func:`uniform_subset_cells` proposes them all at once."""
ROUND = 8
"""Proposals a column makes at once in :func:`uniform_subset_cells` while at least
this many cells are missing."""


def _bytes(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Uniform random bytes: raw 64-bit outputs of the generator, eight bytes each."""
    count = shape[0] * shape[1]
    raw = rng.bit_generator.random_raw((count + 7) // 8)
    return raw.view(np.uint8)[:count].reshape(shape)


def _column_counts(mask: np.ndarray) -> np.ndarray:
    """``True`` entries per column of a boolean (C, B) array."""
    dtype = np.uint16 if mask.shape[0] < 2**16 else np.int64
    return np.add.reduce(mask.view(np.uint8), axis=0, dtype=dtype).astype(np.int64)


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
    """K per column of ``chosen`` (C, B): the windows ``[first, stop)`` holding a ``True``.

    Cells run down the first axis, resamples along the second (each operation
    below works on whole contiguous rows of resamples). A sparse table: level
    ``k`` holds, for every cell, whether any of the ``2^k`` cells from it on is
    chosen (each level the OR of two shifted copies of the previous one), and a
    window of ``s`` cells, ``2^k <= s < 2^(k+1)``, holds a chosen cell exactly
    when its first ``2^k`` or its last ``2^k`` cells do.
    """
    span = stop - first
    power = np.floor(np.log2(np.maximum(span, 1))).astype(np.int64)
    total = np.zeros(chosen.shape[1], dtype=np.int64)
    level = chosen
    for k in range(int(power.max(initial=0)) + 1):
        if k:                                     # only the current level is kept
            half = 1 << (k - 1)
            level = level[:-half] | level[half:]
        pick = np.flatnonzero(power == k)
        if len(pick):
            total += _column_counts(np.take(level, first[pick], axis=0)
                                    | np.take(level, stop[pick] - (1 << k), axis=0))
    return total


def bernoulli_cells(rng: np.random.Generator, size: int, probabilities: np.ndarray) -> np.ndarray:
    """Independent Bernoulli(``probabilities[j]``) cells, shape ``(C, size)``, a byte each."""
    scaled = 256.0 * np.asarray(probabilities, dtype=float)
    level = np.minimum(np.floor(scaled), 255)
    fraction = scaled - level                     # in [0, 1], 1 only for probability 1
    level = level.astype(np.uint8)
    coarse = _bytes(rng, (len(scaled), size))
    chosen = coarse < level[:, None]
    ties = np.flatnonzero(coarse == level[:, None])
    cells = ties // size
    chosen.reshape(-1)[ties] = rng.random(len(ties)) < fraction[cells]
    return chosen


def uniform_subset_cells(rng: np.random.Generator, counts: np.ndarray, n_cells: int) -> np.ndarray:
    """Column ``b``: a uniform ``counts[b]``-subset of ``n_cells`` cells, shape ``(n_cells, B)``.

    Exact, in three steps, each keeping "a uniform subset given its size":

    1. the cells whose random byte is below a level ``L_b`` (a function of
       ``counts[b]`` alone, set about two standard deviations low): i.i.d. bytes,
       so given their number ``Y_b`` a uniform ``Y_b``-subset;
    2. columns with ``Y_b > counts[b]`` (rare) keep a uniform ``counts[b]``-subset
       of their cells (random keys, the smallest kept);
    3. columns with ``Y_b < counts[b]`` add cells by proposals, each a uniform
       draw over all cells, kept only if not yet chosen: as many proposals at once
       as cells are missing while more than :data:`MANY_MISSING` are, then
       :data:`ROUND` at a time, then one at a time (the distinct new cells of a
       round are, given their number, a uniform subset of the unchosen ones, since
       the proposals treat every cell alike; a round never adds more than are
       missing).

    Columns asking for more than half the cells choose their complement instead,
    so a proposal in step 3 is accepted with probability at least one half.
    """
    counts = np.asarray(counts, dtype=np.int64)
    size = len(counts)
    complement = 2 * counts > n_cells
    wanted = np.where(complement, n_cells - counts, counts)
    spread = np.sqrt(wanted * (1.0 - wanted / max(n_cells, 1)))
    low = np.maximum(wanted - 2.0 * spread, 0.0)
    level = np.minimum(np.floor(low * 256.0 / max(n_cells, 1)), 255).astype(np.uint8)
    chosen = _bytes(rng, (n_cells, size)) < level
    have = _column_counts(chosen)
    over = np.flatnonzero(have > wanted)
    if len(over):                        # step 2: keep a uniform subset of the chosen cells
        cells, columns = np.nonzero(chosen[:, over])
        order = np.lexsort((rng.random(len(cells)), columns))
        cells, columns = cells[order], columns[order]
        rank = np.arange(len(cells)) - np.searchsorted(columns, np.arange(len(over)))[columns]
        drop = rank >= wanted[over][columns]
        chosen[cells[drop], over[columns[drop]]] = False
        have[over] = wanted[over]
    flat = chosen.reshape(-1)            # a view: cell c, column b at c * size + b
    active = np.flatnonzero(have < wanted)
    missing = (wanted - have)[active]
    while len(active):                   # step 3: add uniform unchosen cells
        many = missing > MANY_MISSING
        if many.any():                   # as many proposals as missing cells at once
            columns = np.repeat(active[many], missing[many])
            proposed = rng.integers(0, n_cells, len(columns)) * size + columns
            proposed = distinct(proposed[~flat[proposed]])
            flat[proposed] = True
            missing[many] -= np.bincount(np.searchsorted(active, proposed % size),
                                         minlength=len(active))[many]
        some = np.flatnonzero(~many & (missing >= ROUND))
        if len(some):                    # ROUND proposals each, duplicates kept once
            proposed = (rng.integers(0, n_cells, (len(some), ROUND)) * size
                        + active[some][:, None])
            new = ~flat[proposed]
            for j in range(1, ROUND):
                for i in range(j):
                    new[:, j] &= proposed[:, j] != proposed[:, i]
            flat[proposed[new]] = True
            missing[some] -= new.sum(axis=1)
        few = np.flatnonzero(~many & (missing < ROUND) & (missing > 0))
        proposed = rng.integers(0, n_cells, len(few)) * size + active[few]
        new = ~flat[proposed]            # one proposal each
        flat[proposed[new]] = True
        missing[few] -= new
        keep = missing > 0
        active, missing = active[keep], missing[keep]
    chosen[:, complement] = ~chosen[:, complement]
    return chosen


def poisson_hits(rng: np.random.Generator, size: int, atoms: ReachAtoms, q: float) -> np.ndarray:
    """``size`` draws of K under Bernoulli(``q``) days."""
    lengths, first, stop = union_cells(atoms, days=False)
    probabilities = -np.expm1(lengths * np.log1p(-q)) if q < 1 else np.ones(len(lengths))
    return hits_from_cells(bernoulli_cells(rng, size, probabilities), first, stop)


def shuffle_hits(rng: np.random.Generator, size: int, atoms: ReachAtoms, m: int) -> np.ndarray:
    """``size`` draws of K for ``m`` distinct uniform trigger days over the reach."""
    lengths, first, stop = union_cells(atoms, days=False)
    edges = np.concatenate([[0], np.cumsum(lengths)])
    union = int(edges[-1])
    low, cdf = _hypergeometric_cdf(atoms.n_days, union, m)
    inside = low + np.minimum(np.searchsorted(cdf, rng.random(size), side="right"), len(cdf) - 1)
    chosen = uniform_subset_cells(rng, inside, union)
    if len(lengths) > FEW_ATOMS or union < 4 * len(lengths):
        return hits_from_cells(chosen, edges[first], edges[stop])
    nonempty = np.empty((len(lengths), size), dtype=bool)   # few long atoms: OR each one's days
    for j in range(len(lengths)):
        np.logical_or.reduce(chosen[edges[j]:edges[j + 1]], axis=0, out=nonempty[j])
    return hits_from_cells(nonempty, first, stop)


@lru_cache(maxsize=8)
def _hypergeometric_cdf(population: int, good: int, draws: int) -> tuple[int, np.ndarray]:
    """Smallest value and distribution function of Hypergeometric(population, good, draws)."""
    low, high = max(0, draws - (population - good)), min(draws, good)
    return low, stats.hypergeom.cdf(np.arange(low, high + 1), population, good, draws)
