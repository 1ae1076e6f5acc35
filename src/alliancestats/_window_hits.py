r"""Exact pmf of the number of windows holding at least one trigger day.

Every day holds a trigger independently with probability ``q``; the windows are
runs of atoms (:mod:`alliancestats._reach`) of one length in days, so a window
that starts later also ends no earlier. The count of *missed* windows ``M``
(windows all of whose days are empty) is computed and ``K = n - M`` returned.

**Chains.** Sorted by start, the windows split into *chains*: maximal runs in
which every window shares a day with the union of the earlier ones. Windows of
different chains share no day, so the chains' counts are independent and the pmf
of ``M`` is the convolution of the chains' pmfs
(:func:`alliancestats._convolution.sum_of_units`, direct and non-negative;
identical chains are grouped and raised to a power).

**Within a chain** the state is the last non-empty atom :math:`\ell`. With
:math:`e_j = (1-q)^{\ell_j}` the probability that atom ``j`` is empty,
:math:`E(\ell, j) = \prod_{\ell < i < j} e_i`, :math:`F_\ell(z)` the generating
polynomial of ``M`` over the windows ending by atom :math:`\ell` jointly with
atom :math:`\ell` being non-empty, :math:`r(j)` the windows ending by atom ``j``
and :math:`o(\ell)` those starting by atom :math:`\ell`:

.. math:: F_j(z) = (1 - e_j) \sum_{\ell < j} E(\ell, j)\,
          z^{\max(0,\ r(j) - o(\ell))} F_\ell(z), \qquad
          \sum_m P(M = m) z^m = \sum_{\ell < A} E(\ell, A)\, z^{r(A) - o(\ell)} F_\ell(z)

(:math:`\ell = -1`: no non-empty atom yet, :math:`F_{-1} = 1`, :math:`o(-1) = 0`).
While some window holding :math:`\ell` is still open (:math:`r(j) < o(\ell)`,
*alive*) the exponent is 0: no window can lie wholly between :math:`\ell` and
``j``. Once every window holding :math:`\ell` has ended (*dead*) the exponent
is :math:`r(j) - o(\ell)`, the same shift for every dead state up to a constant.
So the sum is kept as two pools: the dead pool, one polynomial shifted as
windows end, and the alive ones, a sliding range of :math:`\ell` kept as a
queue of two stacks (suffix sums on the front stack, a running sum on the back)
so that nothing is ever subtracted. Alive states with the same :math:`o(\ell)`
die together, so they are one polynomial (a *group*), and the front stack's
suffix sums are computed for a block of it at a time, the rest held as
block sums (:func:`_descend`): memory is about the open groups' supports,
linear in ``n`` for windows as long as the period (every window starts before
any ends, so the open groups hold one count each). Where windows start while
others end (windows of a quarter to three quarters of the period that can be
missed) it is about (open windows) x (ended windows), quadratic in ``n``: the
joint state itself (which open windows are still unmatched, and how many
windows are missed) has that many non-negligible terms, so no forward
recursion over the atoms holds less; the cost estimate counts it. Chains of a few dozen
atoms go instead through :mod:`alliancestats._short_chains` (the same
recursion, dense, for many chains at once). Each atom costs a few additions of
polynomials of the current support ``w``: :math:`O(A\,w)` for ``A`` atoms, with
``w`` at most the chain's windows plus one and in practice the counts whose
probability is not negligible. Terms below :data:`TINY` at either end of a
polynomial are dropped, once an end term is below :data:`TRIM_BELOW` (each
changes a probability by less than ``1e-280``); every other term is a sum of
non-negative products, so tail probabilities keep their relative precision.
"""

from __future__ import annotations

from collections import defaultdict
from math import exp

import numpy as np
from scipy.linalg.blas import daxpy

from ._convolution import EXACT_BUDGET, MEMORY_BUDGET, sum_of_units, sum_of_units_cost
from ._short_chains import is_short, short_chains_missed_pmfs

#: polynomial terms below this, at either end, are dropped ...
TINY = 1e-280
#: ... once an end term falls below this (so trimming is rare)
TRIM_BELOW = 1e-300
#: the dead pool's ends are looked at every this many atoms (keeping a few more
#: negligible terms meanwhile changes nothing but the work)
TRIM_EVERY = 8

Poly = tuple[np.ndarray, int]   # coefficients and the exponent of the first one

#: a lazily applied scale factor is folded into its pool once it falls below this
RESCALE = 1e-250
#: the interpreter's cost of one atom's step, in multiply-adds (about 15 microseconds)
STEP_OVERHEAD = 3e4
#: distinct windows overlapping one window beyond which the cost estimate takes its bound
MAX_COVARIANCE_LAG = 256
#: floats of suffix sums the front stack computes at once (see :func:`_descend`)
LEAF_CELLS = 2**16
#: polynomials at least this long are added by numpy rather than BLAS (see :func:`_axpy`)
BLAS_BELOW = 8192


def _axpy(x: np.ndarray, y: np.ndarray, factor: float) -> None:
    """``y += factor * x`` in place, by BLAS ``daxpy`` (one pass, no temporary; a few
    times faster than numpy's two on the short arrays here). ``y`` must be a
    contiguous float slice, as every pool here is: otherwise ``daxpy`` would update a
    copy, so that is refused. Arrays of :data:`BLAS_BELOW` terms or more go through
    numpy (BLAS may start threads for those, which on a busy machine costs more)."""
    if len(y) >= BLAS_BELOW:
        y += x * factor
    elif daxpy(x, y, a=factor) is not y:
        raise RuntimeError("_axpy needs a contiguous float64 y")


def _kept(x: np.ndarray, limit: float) -> tuple[int, int] | None:
    """The range of ``x`` from its first to its last term above ``limit`` (None if no
    term is). Usually a few dozen terms go, so the ends are looked at first."""
    bottom, top = x[:128] > limit, x[-128:] > limit
    if bottom.any() and top.any():
        return int(bottom.argmax()), len(x) - int(top[::-1].argmax())
    keep = np.flatnonzero(x > limit)
    return (int(keep[0]), int(keep[-1]) + 1) if len(keep) else None


def _trimmed(x: np.ndarray, offset: int) -> Poly | None:
    """``x`` without its terms below :data:`TINY` at either end (None if nothing is left)."""
    if len(x) and x[0] > TRIM_BELOW and x[-1] > TRIM_BELOW:
        return x, offset
    kept = _kept(x, TINY)
    return None if kept is None else (x[kept[0]: kept[1]], offset + kept[0])


def chain_missed_pmf(log_empty: np.ndarray, first: np.ndarray, stop: np.ndarray) -> Poly:
    r"""pmf of the windows missed in one chain, as ``(pmf, first value)``.

    ``log_empty[j]``: log probability that atom ``j`` is empty; window ``i`` holds
    atoms ``first[i] .. stop[i] - 1``; windows sorted by ``first``, with ``stop``
    non-decreasing.

    Pools are held as ``scale * buffer[lo:hi]`` so that multiplying one by a
    probability costs one float multiplication (the scale is folded in once it
    falls below :data:`RESCALE`). Dead states sit at exponent ``m - o(l) + n``,
    so the shift as windows end costs nothing. Open states with the same
    :math:`o(\ell)` die together, so they are kept as one polynomial (a *group*,
    ``[o, last atom, polynomial weighted to that atom, first exponent]``); the
    front stack's suffix sums are kept for a *leaf* of it at a time, the rest of
    the front as block sums (:func:`_descend`).
    """
    n_atoms, n = len(log_empty), len(first)
    empty, full = np.exp(log_empty).tolist(), (-np.expm1(log_empty)).tolist()
    cum = np.concatenate([[0.0], np.cumsum(log_empty)]).tolist()  # E(l, j) = exp(cum[j] - cum[l + 1])
    resolved = np.searchsorted(stop, np.arange(n_atoms + 1), side="right").tolist()
    opened = np.searchsorted(first, np.arange(n_atoms), side="right").tolist()
    dead, back = np.zeros(2 * n + 2), np.zeros(n + 1)
    dead[n], dlo, dhi, dscale = 1.0, n, n + 1, 1.0        # l = -1: dead from the start
    blo = bhi = 0
    bscale = 1.0
    back_items: list[list] = []
    front: list = []
    pending: list[tuple[int, int, Poly | None]] = []
    suffix: list = []
    rest: Poly | None = None
    ref = head = leaf_a = leaf_b = 0
    new: Poly | None = None
    for j in range(n_atoms + 1):
        r = resolved[j]
        if j > 0:
            dscale *= empty[j - 1]
            bscale *= empty[j - 1]
            if dscale < RESCALE:
                dead[dlo:dhi] *= dscale
                dscale = 1.0
            if bscale < RESCALE:
                back[blo:bhi] *= bscale
                bscale = 1.0
            if new is not None:
                x, lo = new
                _axpy(x, back[lo: lo + len(x)], 1.0 / bscale)
                blo, bhi = (lo, lo + len(x)) if bhi == blo else (min(blo, lo), max(bhi, lo + len(x)))
                o = opened[j - 1]
                if back_items and back_items[-1][0] == o:     # same group: one polynomial
                    _, last, y, ylo = back_items.pop()
                    if lo <= ylo and ylo + len(y) <= lo + len(x):   # x is this step's own
                        _axpy(y, x[ylo - lo: ylo - lo + len(y)], exp(cum[j] - cum[last + 1]))
                    else:
                        x, lo = _add((y * exp(cum[j] - cum[last + 1]), ylo), new)
                back_items.append([o, j - 1, x, lo])
        while True:                                       # alive states that die now
            if head == leaf_b:
                if not pending:
                    if not back_items:
                        break
                    front, back_items, head = back_items, [], 0   # the back stack becomes the front
                    ref = front[-1][1] + 1
                    pending.append((0, len(front), None))
                    back[blo:bhi] = 0.0
                    blo = bhi = 0
                    bscale = 1.0
                leaf_a, leaf_b, rest, suffix = _descend(front, pending, cum, ref)
            o, ell, x, lo = front[head]
            if o > r:
                break
            at = lo - o + n
            _axpy(x, dead[at: at + len(x)], exp(cum[j] - cum[ell + 1]) / dscale)
            dlo, dhi = min(dlo, at), max(dhi, at + len(x))
            front[head] = suffix[head - leaf_a] = None
            head += 1
        # the total: dead pool (shifted by r), back pool, front suffix and the rest of the front
        lo, hi = dlo - n + r, dhi - n + r
        if bhi > blo:
            lo, hi = min(lo, blo), max(hi, bhi)
        alive = head < leaf_b
        if alive:
            x, xlo = suffix[head - leaf_a]
            lo, hi = min(lo, xlo), max(hi, xlo + len(x))
            if rest is not None:
                lo, hi = min(lo, rest[1]), max(hi, rest[1] + len(rest[0]))
        grow = full[j] if j < n_atoms else 1.0            # F_j = (1 - e_j) * total
        if lo == dlo - n + r and hi == dhi - n + r:      # the dead pool spans the total
            total = dead[dlo:dhi] * (dscale * grow)
        else:
            total = np.zeros(hi - lo)
            np.multiply(dead[dlo:dhi], dscale * grow, out=total[dlo - n + r - lo: dhi - n + r - lo])
        if bhi > blo:
            _axpy(back[blo:bhi], total[blo - lo: bhi - lo], bscale * grow)
        if alive:
            factor = exp(cum[j] - cum[ref]) * grow
            _axpy(x, total[xlo - lo: xlo - lo + len(x)], factor)
            if rest is not None:
                _axpy(rest[0], total[rest[1] - lo: rest[1] - lo + len(rest[0])], factor)
        if j % TRIM_EVERY == 0 and not (dead[dlo] * dscale > TRIM_BELOW
                                        and dead[dhi - 1] * dscale > TRIM_BELOW):
            dlo, dhi = _trim_pool(dead, dlo, dhi, TINY / dscale)    # drop negligible ends
        if j < n_atoms:
            new = _trimmed(total, lo)
    return _trimmed(total, lo) or (np.array([1.0]), 0)


def _trim_pool(pool: np.ndarray, lo: int, hi: int, limit: float) -> tuple[int, int]:
    """``pool[lo:hi]`` without its ends at or below ``limit`` (zeroed); unchanged if
    nothing is above it."""
    kept = _kept(pool[lo:hi], limit)
    if kept is None:
        return lo, hi
    pool[lo: lo + kept[0]] = 0.0
    pool[lo + kept[1]: hi] = 0.0
    return lo + kept[0], lo + kept[1]


def _add(a: Poly, b: Poly) -> Poly:
    """The sum of two polynomials (non-negative terms: nothing cancels)."""
    (x, xlo), (y, ylo) = a, b
    lo = min(xlo, ylo)
    out = np.zeros(max(xlo + len(x), ylo + len(y)) - lo)
    out[xlo - lo: xlo - lo + len(x)] += x
    out[ylo - lo: ylo - lo + len(y)] += y
    return out, lo


def _descend(front: list, pending: list, cum: list, ref: int):
    r"""The next leaf of the front stack: ``(first item, stop, rest, suffix sums)``.

    ``pending`` holds ``(a, b, rest)``: items ``a .. b - 1`` not yet reached, with
    ``rest`` the sum of the items from ``b`` on (None if none), every item weighted
    to atom ``ref``. The top range is halved, the later half left pending and its
    sum added to ``rest``, until the range's suffix sums take at most
    :data:`LEAF_CELLS` floats; those are then computed. Each item joins at most
    :math:`\log_2` of the front's size block sums, and the pending rests are as
    many polynomials, so memory stays near the items' own size even when a wide
    polynomial (a long chain's later states) sits behind many narrow ones.
    """
    def weighted(k: int) -> Poly:
        _, ell, x, lo = front[k]
        return x * exp(cum[ref] - cum[ell + 1]), lo

    a, b, rest = pending.pop()
    while True:
        lo = min(item[3] for item in front[a:b])
        hi = max(item[3] + len(item[2]) for item in front[a:b])
        if b - a == 1 or (b - a) * (hi - lo) <= LEAF_CELLS:
            break
        mid = (a + b) // 2
        pending.append((mid, b, rest))
        for k in range(mid, b):
            rest = weighted(k) if rest is None else _add(rest, weighted(k))
        b = mid
    suffix: list = [None] * (b - a)
    running = np.zeros(hi - lo)
    for k in range(b - 1, a - 1, -1):
        _, ell, x, xlo = front[k]
        _axpy(x, running[xlo - lo: xlo - lo + len(x)], exp(cum[ref] - cum[ell + 1]))
        suffix[k - a] = (running.copy(), lo)
    return a, b, rest, suffix


def _chain_starts(first: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """Index of the first window of every chain (windows sorted by start)."""
    breaks = np.flatnonzero(first[1:] >= np.maximum.accumulate(stop)[:-1]) + 1
    return np.concatenate([[0], breaks]).astype(np.int64)


def missed_pmf(lengths: np.ndarray, first: np.ndarray, stop: np.ndarray, q: float) -> Poly:
    """pmf of the windows with no trigger day, as ``(pmf, first value)``.

    ``lengths``: days per atom; window ``i`` holds atoms ``first[i] .. stop[i] - 1``
    (windows of one length in days, any order); ``0 < q < 1``. A window whose
    chance of being missed is below :data:`TINY` is counted as hit (each such
    window changes a probability by less than :data:`TINY`): windows longer than
    the reach needs then cost nothing.
    """
    order = np.lexsort((stop, first))
    first, stop = np.asarray(first)[order], np.asarray(stop)[order]
    if np.any(np.diff(stop) < 0):
        raise ValueError("windows must be of one length: a later start with an earlier end")
    log_empty = np.asarray(lengths, dtype=float) * np.log1p(-q)
    cum = np.concatenate([[0.0], np.cumsum(log_empty)])
    can_miss = cum[stop] - cum[first] >= np.log(TINY)
    if not np.all(can_miss):      # never missed up to TINY each: left out (always hit)
        first, stop = first[can_miss], stop[can_miss]
        if len(first) == 0:
            return np.array([1.0]), 0
    starts = _chain_starts(first, stop)
    ends = np.append(starts[1:], len(first))
    groups: dict[tuple[bytes, ...], list] = defaultdict(lambda: [None, 0])
    for a, b in zip(starts.tolist(), ends.tolist()):
        base, top = int(first[a]), int(stop[b - 1])
        f, s = first[a:b] - base, stop[a:b] - base
        key = (f.tobytes(), s.tobytes(), log_empty[base:top].tobytes())
        group = groups[key]
        if group[0] is None:
            group[0] = (log_empty[base:top], f, s)
        group[1] += 1
    chains = [chain for chain, _ in groups.values()]
    short = [i for i, chain in enumerate(chains) if is_short(chain)]
    pmfs = [None if is_short(chain) else chain_missed_pmf(*chain) for chain in chains]
    for i, poly in zip(short, short_chains_missed_pmfs([chains[i] for i in short])):
        pmfs[i] = poly
    return sum_of_units(pmfs, [times for _, times in groups.values()])


def missed_pmf_cost(lengths: np.ndarray, first: np.ndarray, stop: np.ndarray,
                    q: float) -> float:
    """Estimated multiply-adds of :func:`missed_pmf` (:func:`missed_pmf_needs`), raised
    above :data:`~alliancestats._convolution.EXACT_BUDGET` where the memory it would
    hold exceeds :data:`~alliancestats._convolution.MEMORY_BUDGET`."""
    work, memory = missed_pmf_needs(lengths, first, stop, q)
    return max(work, memory * (EXACT_BUDGET / MEMORY_BUDGET))


def missed_pmf_needs(lengths: np.ndarray, first: np.ndarray, stop: np.ndarray,
                     q: float) -> tuple[float, float]:
    r"""Estimated multiply-adds of :func:`missed_pmf`, and the bytes it holds at once.

    Each atom of a chain costs a fixed :data:`STEP_OVERHEAD` and about four
    passes over the polynomials, whose support is at most the chain's windows
    ended by that atom plus one and in practice the counts of non-negligible
    probability: about :math:`40\sigma` (:math:`\sigma` the standard deviation
    of the missed windows, from the exact covariances of overlapping windows)
    plus 40 times the most windows sharing a day (one long empty run misses them
    together), counting only windows whose chance of being missed is not
    negligible. The chains' pmfs are then merged as
    :func:`~alliancestats._convolution.sum_of_units_cost` prices it. The
    recursion also holds one polynomial per group of open states (states with
    the same windows started), each at most the windows of its chain ended
    before the group's last atom: the bytes returned.
    """
    if len(first) == 0 or q <= 0 or q >= 1:
        return 1.0, 0.0
    order = np.lexsort((stop, first))
    first, stop = np.asarray(first)[order], np.asarray(stop)[order]
    cum = np.concatenate([[0.0], np.cumsum(np.asarray(lengths, dtype=float) * np.log1p(-q))])
    key, times = np.unique(first * (int(stop.max()) + 1) + stop, return_counts=True)
    first_u, stop_u = np.divmod(key, int(stop.max()) + 1)
    missed = np.exp(cum[stop_u] - cum[first_u])
    relevant = missed >= TINY                      # windows that can be missed at all
    first_u, stop_u, times, missed = (first_u[relevant], stop_u[relevant], times[relevant],
                                      missed[relevant])
    variance = float((times * times * missed * (1 - missed)).sum())
    step = np.zeros(int(stop.max()) + 1, dtype=np.int64)
    np.add.at(step, first_u, times)
    np.add.at(step, stop_u, -times)
    crowd = int(np.cumsum(step).max(initial=0))    # most such windows sharing an atom
    for d in range(1, len(first_u)):
        pairs = np.flatnonzero(first_u[d:] < stop_u[:-d])
        if len(pairs) == 0:
            break
        if d > MAX_COVARIANCE_LAG:      # too crowded to estimate: take the upper bound
            variance = np.inf
            break
        both = np.exp(cum[stop_u[pairs + d]] - cum[first_u[pairs]])
        variance += 2.0 * float((times[pairs] * times[pairs + d]
                                 * (both - missed[pairs] * missed[pairs + d])).sum())
    width = 40.0 * np.sqrt(max(variance, 0.0)) + 40.0 * crowd + 64.0  # inf: no bound
    if len(first_u) == 0:
        return 1.0, 0.0
    starts = _chain_starts(first_u, stop_u)           # chains of the windows that can be missed
    chain = np.cumsum(np.isin(np.arange(len(first_u)), starts)) - 1
    before = np.concatenate([[0], np.cumsum(times)])  # windows up to each unique one
    windows = np.add.reduceat(times, starts).astype(float)
    spans = np.minimum(windows + 1, width)
    # atom j of a chain: the counts so far are at most the chain's windows ended by j
    bases, tops = first_u[starts], np.maximum.reduceat(stop_u, starts)
    grid = np.arange(int(tops.max()))
    of = np.searchsorted(bases, grid, side="right") - 1
    inside = grid < tops[of]
    ended = before[np.searchsorted(stop_u, grid[inside], side="right")] - before[starts][of[inside]]
    support = np.minimum(spans[of[inside]], ended + 1.0)
    merging = sum_of_units_cost((spans + 0.0).tolist(), [1] * len(spans))  # the chains' pmfs
    work = float((4.0 * support + STEP_OVERHEAD).sum()) + merging
    # memory: the open states, one polynomial per distinct window start (states with
    # the same windows started die together), alive from that start to the end of its
    # window; each counts at most the windows of its chain ended before the next start
    following = np.append(first_u[1:], stop_u[-1])
    ended = before[np.searchsorted(stop_u, following - 1, side="right")] - before[starts][chain]
    group = np.minimum(np.maximum(ended, 0) + 1.0, spans[chain])
    step = np.zeros(int(stop_u.max()) + 2)
    np.add.at(step, first_u, group)
    np.add.at(step, stop_u + 1, -group)
    pools = 8.0 * spans * (2.0 * np.log2(windows + 1.0) + 8.0) + 16.0 * LEAF_CELLS
    memory = 16.0 * float(np.cumsum(step).max()) + float(pools.max())
    return work, memory
