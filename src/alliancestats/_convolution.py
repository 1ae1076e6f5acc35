r"""Exact distributions of sums of independent (or sampled-without-replacement) scores.

Every exact null of an additive statistic ends here:

* :func:`sum_of_units`: independent units (responses or episodes), each with an
  integer score pmf; the pmf of the total is their convolution. Convolutions are
  *direct* (:func:`numpy.convolve`), in a balanced tree, never by FFT: direct
  convolution of non-negative arrays adds non-negative terms only, so every entry
  keeps its relative precision (about ``depth * 1e-16``) even far in the tail,
  whereas an FFT has an absolute error near ``1e-16`` times the largest entry and
  destroys every tail probability below that.
* :func:`sums_of_units`: the same convolution for many totals at once (one per
  dyad of a scan), vectorised across the totals: unit ``r`` of every total is
  added in one step. Same direct, non-negative arithmetic; each row equals
  :func:`sum_of_units` of its own units.
* :func:`sample_sum_pmf`: the sum of the scores of ``r`` items drawn without
  replacement from a population grouped by score (a forward recursion over the
  groups with hypergeometric steps; all terms non-negative).

Costs are estimated before anything is computed (:func:`sum_of_units_cost`,
:func:`sample_sum_cost`), in multiply-adds; callers compare them with
:data:`EXACT_BUDGET`.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

#: multiply-adds an exact computation may take (about a second on one core)
EXACT_BUDGET = 2e9


def convolve(a: tuple[np.ndarray, int], b: tuple[np.ndarray, int]) -> tuple[np.ndarray, int]:
    """Direct convolution of two pmfs given as ``(probabilities, first value)``;
    exact zeros at either end are trimmed."""
    out = np.convolve(a[0], b[0])
    return _trim(out, a[1] + b[1])


def _trim(pmf: np.ndarray, offset: int) -> tuple[np.ndarray, int]:
    nonzero = np.flatnonzero(pmf)
    if nonzero.size == 0:
        return np.array([1.0]), offset  # cannot happen for a pmf; keeps shapes valid
    return pmf[nonzero[0]: nonzero[-1] + 1], offset + int(nonzero[0])


def power(pmf: tuple[np.ndarray, int], times: int) -> tuple[np.ndarray, int]:
    """The ``times``-fold convolution of a pmf with itself (binary powering)."""
    result: tuple[np.ndarray, int] = (np.array([1.0]), 0)
    base = _trim(*pmf)
    while times:
        if times & 1:
            result = convolve(result, base)
        times >>= 1
        if times:
            base = convolve(base, base)
    return result


def sum_of_units(pmfs: list[tuple[np.ndarray, int]], multiplicity: list[int]) -> tuple[np.ndarray, int]:
    """pmf of a sum of independent units: unit pmf ``pmfs[j]`` occurs ``multiplicity[j]`` times."""
    parts = [power(p, k) for p, k in zip(pmfs, multiplicity)]
    while len(parts) > 1:  # balanced tree: pair neighbours, smallest first
        parts.sort(key=lambda part: len(part[0]))
        merged = [convolve(parts[i], parts[i + 1]) for i in range(0, len(parts) - 1, 2)]
        parts = merged + (parts[-1:] if len(parts) % 2 else [])
    return parts[0] if parts else (np.array([1.0]), 0)


def sums_of_units(unit_total: np.ndarray, unit_pmf: np.ndarray, unit_offset: np.ndarray,
                  n_totals: int, width: int) -> np.ndarray:
    """pmf of each of ``n_totals`` sums of independent units, shape ``(n_totals, width)``
    on the values ``0 .. width - 1``.

    Unit ``u`` belongs to total ``unit_total[u]`` and takes the value
    ``unit_offset[u] + j`` with probability ``unit_pmf[u, j]`` (values >= 0; every
    total must fit below ``width``). The loop runs over a unit's rank within its
    total (all totals at once) and over ``j``; the support after ``r`` units is cut
    to ``r * (S - 1) + 1`` values, so the work is about ``S^2 sum_d n_d^2 / 2``
    for ``n_d`` units of ``S`` values in total ``d``.
    """
    order = np.argsort(unit_total, kind="stable")
    total, pmf = unit_total[order], unit_pmf[order]
    counts = np.bincount(total, minlength=n_totals)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.arange(len(total)) - starts[total]
    by_rank = np.argsort(rank, kind="stable")      # each rank's units, in order, as one slice
    rank_starts = np.concatenate([[0], np.cumsum(np.bincount(rank, minlength=1))])
    out = np.zeros((n_totals, width))
    out[:, 0] = 1.0
    step = pmf.shape[1] - 1
    for r in range(int(counts.max(initial=0))):
        pick = by_rank[rank_starts[r]: rank_starts[r + 1]]
        rows, p = total[pick], pmf[pick]
        hi = min(width, (r + 1) * step + 1)
        current = out[rows, :hi]
        new = current * p[:, :1]
        for j in range(1, step + 1):
            new[:, j:] += current[:, : hi - j] * p[:, j: j + 1]
        out[rows, :hi] = new
    shift = np.bincount(unit_total, weights=unit_offset, minlength=n_totals).astype(np.int64)
    if shift.any():             # place each total's pmf at its units' summed offsets
        columns = np.arange(width)[None, :] - shift[:, None]
        out = np.where(columns >= 0, np.take_along_axis(out, np.maximum(columns, 0), axis=1), 0.0)
    return out


def sum_of_units_cost(lengths: list[int], multiplicity: list[int]) -> float:
    """Upper bound on the multiply-adds of :func:`sum_of_units`: merging parts of
    spans ``s_j`` into a total support ``N`` costs at most ``N (sum s_j - max s_j)``;
    the ``k``-th power of a pmf of span ``s`` about ``(2/3) s^2`` (binary powering)."""
    spans = [(s - 1) * k + 1 for s, k in zip(lengths, multiplicity)]
    total = sum(span - 1 for span in spans) + 1
    powering = sum(2 * span * span / 3 for span, k in zip(spans, multiplicity) if k > 1)
    merging = float(total) * float(sum(spans) - max(spans, default=0))
    return merging + powering


def binomial_pmf(trials: int, p: float, stride: int = 1) -> tuple[np.ndarray, int]:
    """Binomial(trials, p) placed on multiples of ``stride``, as ``(pmf, first value)``;
    counts whose probability is below the float range are left out (found by
    stepping out from the mode until ``logpmf < -745``, so a billion trials cost
    no more than their few hundred relevant counts)."""
    if p <= 0 or trials == 0:
        return np.array([1.0]), 0
    if p >= 1:
        return np.array([1.0]), trials * stride
    if trials <= 100_000:
        low, high = 0, trials
    else:
        mode = min(max(int((trials + 1) * p), 0), trials)
        step0 = max(16, int(8 * np.sqrt(trials * p * (1 - p))))

        def edge(direction: int) -> int:
            step = step0
            while True:
                k = min(max(mode + direction * step, 0), trials)
                if k in (0, trials) or stats.binom.logpmf(k, trials, p) < -745:
                    return k
                step *= 2

        low, high = edge(-1), edge(1)
    k = np.arange(low, high + 1)
    pmf = stats.binom.pmf(k, trials, p)
    if stride > 1:
        spread = np.zeros((len(k) - 1) * stride + 1)
        spread[::stride] = pmf
        pmf = spread
    return _trim(pmf, int(k[0]) * stride)


def sample_sum_cost(group_sizes: np.ndarray, scores: np.ndarray, draws: int) -> float:
    """Multiply-adds of :func:`sample_sum_pmf`."""
    sizes = np.asarray(group_sizes, dtype=np.int64)
    order = np.argsort(sizes, kind="stable")[:-1]  # the largest group comes last, for free
    top = float(_top_sum(sizes, np.asarray(scores, dtype=np.int64), draws)) + 1
    return float(sum(min(int(sizes[g]), draws) + 1 for g in order)) * (draws + 1) * top


def sample_sum_pmf(group_sizes: np.ndarray, scores: np.ndarray, draws: int) -> np.ndarray:
    r"""pmf (on ``0, 1, ...``) of the total score of ``draws`` items drawn without
    replacement from groups of ``group_sizes[g]`` items of score ``scores[g]`` (>= 0).

    A sample without replacement is a set of independent Bernoulli(:math:`	heta`)
    inclusions conditioned on its size: with ``P`` items in all and
    :math:`X_g \sim \mathrm{Binomial}(N_g, 	heta)` independent,

    .. math:: P(S = s) = rac{P_	heta(\sum_g v_g X_g = s,\ \sum_g X_g = r)}
                              {P_	heta(\sum_g X_g = r)}

    for any :math:`	heta` (the :math:`	heta^r (1-	heta)^{P-r}` factors cancel).
    The numerator is a two-dimensional convolution over the groups with state
    (items drawn, score so far), kept to at most ``r`` items; :math:`	heta = r/P`
    keeps every term well inside the float range. The largest group is added
    last, by the one count that completes ``r``. All terms are non-negative.
    """
    sizes = np.asarray(group_sizes, dtype=np.int64)
    scores = np.asarray(scores, dtype=np.int64)
    population = int(sizes.sum())
    if draws == 0 or draws == population:
        out = np.zeros(_top_sum(sizes, scores, draws) + 1)
        out[-1 if draws else 0] = 1.0
        return out
    theta = draws / population
    order = np.argsort(sizes, kind="stable")
    top = _top_sum(sizes, scores, draws)
    state = np.zeros((draws + 1, top + 1))  # state[j, s]: j drawn, score s, times P_theta
    state[0, 0] = 1.0
    for g in order[:-1]:
        size, score = int(sizes[g]), int(scores[g])
        counts = np.arange(min(size, draws) + 1)
        weight = stats.binom.pmf(counts, size, theta)
        new = state * weight[0]
        for x in counts[1:].tolist():
            shift = score * x
            if weight[x] == 0 or shift > top:
                continue
            new[x:, shift:] += weight[x] * state[: draws + 1 - x, : top + 1 - shift]
        state = new
    last = order[-1]
    size, score = int(sizes[last]), int(scores[last])
    out = np.zeros(top + 1)
    for j in range(max(draws - size, 0), draws + 1):   # the last group completes the sample
        x, shift = draws - j, score * (draws - j)
        if shift <= top:
            out[shift:] += stats.binom.pmf(x, size, theta) * state[j, : top + 1 - shift]
    return out / stats.binom.pmf(draws, population, theta)


def _top_sum(sizes: np.ndarray, scores: np.ndarray, draws: int) -> int:
    """Largest total score ``draws`` items can have."""
    order = np.argsort(scores)[::-1]
    total, left = 0, draws
    for g in order:
        take = min(int(sizes[g]), left)
        total += take * int(scores[g])
        left -= take
    return total
