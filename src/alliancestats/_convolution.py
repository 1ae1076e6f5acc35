r"""Exact distributions of sums of independent (or sampled-without-replacement) scores.

Every exact null of an additive statistic ends here:

* :func:`sum_of_units`: independent units (responses or episodes), each with an
  integer score pmf; the pmf of the total is their convolution, in a balanced
  tree. Units with identical pmfs are grouped and their pmf raised to its
  multiplicity (repeated squaring). Narrow units are merged many pairs at a time,
  directly; a pair of wide
  parts (more than :data:`DIRECT_PRODUCT` products) by FFT with exponential
  tilting (:mod:`alliancestats._tilted`), which keeps the *relative* precision a
  plain FFT loses in the tails (a plain FFT has an absolute error near
  ``1e-16`` times the largest entry). After every merge the entries below
  :data:`FLOOR` (``1e-290``) at either end are dropped: a sum of ``U`` independent
  units concentrates, so a part stays :math:`O(\sqrt{U})` wide instead of
  :math:`O(U)`, and the tree costs :math:`O(n \log^2 n)` instead of
  :math:`O(n^2)`. The wide merges of one level of the tree (and of the powers of
  many units) run together (:func:`convolve_many`), their FFTs batched. A pair whose
  pmfs live on the multiples of some ``g > 1`` (units counted several times) is
  merged on that lattice, with ``g^2`` times fewer products. Once the tree is down
  to tilted merges, each group of up to
  :data:`~alliancestats._tilted_product.MOST_PARTS` neighbouring parts is instead
  one walk of tilts over its whole product (:mod:`alliancestats._tilted_product`;
  pairwise where that walk cannot finish or more than :data:`FEW_ZEROS` of the
  parts' entries are zeros off their common lattice).

  Precision: every entry above ``1e-270`` of the result has relative error at
  most about ``depth * 1e-11`` (direct merges add non-negative terms only, about
  ``1e-16`` each; a tilted FFT merge accepts an entry only where its error bound is
  below ``1e-11`` of it); an entry below that has absolute error at most
  ``(support) * depth * 1e-290``, the mass the trimming can drop. Tail
  probabilities far beyond ``1e-16`` (to ``1e-270``) therefore keep their
  relative precision.
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

from ._tilted import FLOOR, common_stride, spread, tilted_convolve_many
from ._tilted_product import MOST_PARTS, lattice_stride, tilted_product

#: multiply-adds an exact computation may take (about a second on one core)
EXACT_BUDGET = 2e9
#: bytes an exact computation may hold at once (an estimate above it counts as above
#: :data:`EXACT_BUDGET`, so that ``auto`` switches to Monte Carlo)
MEMORY_BUDGET = 200 * 2**20
#: pmfs this short, or pairs with at most this many products, are convolved directly
DIRECT_SHORT = 64
DIRECT_PRODUCT = 6_000_000
#: pairs with at most this many products are convolved directly without looking for a
#: common lattice (below DIRECT_PRODUCT: never a tilted FFT merge)
LATTICE_PRODUCT = 50_000
#: multiply-adds one FFT merge costs per entry and doubling of its length (about a
#: dozen tilts of three FFTs each, the pairs of a tree level together; measured against
#: the exact nulls of S at n = 10^4 and 10^5, where the widths this estimate assumes
#: are about three times the real ones)
TILT_COST = 20.0
#: pmfs of at most this many values are merged many pairs at a time
MATRIX_WIDTH = 64
#: a narrow unit occurring at most this often is repeated rather than powered
MATRIX_COPIES = 32
#: share of zero entries (on the parts' common lattice) above which a group of parts
#: is merged pairwise, not by one tilted product
FEW_ZEROS = 1 / 64
#: narrow units merged in one array (memory: this many times their width)
NARROW_CHUNK = 8192


def convolve(a: tuple[np.ndarray, int], b: tuple[np.ndarray, int]) -> tuple[np.ndarray, int]:
    """Convolution of two pmfs given as ``(probabilities, first value)``, each entry
    to relative precision (see the module notes); entries below :data:`FLOOR` at
    either end are trimmed."""
    return convolve_many([(a, b)])[0]


def convolve_many(pairs: list[tuple[tuple[np.ndarray, int], tuple[np.ndarray, int]]],
                  ) -> list[tuple[np.ndarray, int]]:
    """:func:`convolve` of each pair; the wide pairs' tilted FFT merges run together
    (:func:`alliancestats._tilted.tilted_convolve_many`)."""
    out: list[tuple[np.ndarray, int]] = [(np.zeros(0), 0)] * len(pairs)
    wide, lattice = [], []
    for i, ((x, _), (y, _)) in enumerate(pairs):
        # on a lattice: convolved there (g^2 fewer products, no zeros between for the
        # walk of tilts); not looked for where the products are too few to repay it
        stride = common_stride(x, y) if len(x) * len(y) > LATTICE_PRODUCT else 1
        x, y = x[::stride], y[::stride]
        lattice.append((x, y, stride))
        if min(len(x), len(y)) <= DIRECT_SHORT or len(x) * len(y) <= DIRECT_PRODUCT:
            out[i] = _trim(spread(np.convolve(x, y), stride), pairs[i][0][1] + pairs[i][1][1])
        else:
            wide.append(i)
    merged = tilted_convolve_many([lattice[i][:2] for i in wide])
    for i, pmf in zip(wide, merged):
        out[i] = _trim(spread(pmf, lattice[i][2]), pairs[i][0][1] + pairs[i][1][1])
    return out


def _trim(pmf: np.ndarray, offset: int) -> tuple[np.ndarray, int]:
    """Drop the entries below :data:`FLOOR` at both ends (exact zeros if nothing is
    above it, which no pmf can be)."""
    if len(pmf) and pmf[0] >= FLOOR and pmf[-1] >= FLOOR:
        return pmf, offset                  # nothing to drop (the usual case when narrow)
    kept = np.flatnonzero(pmf >= FLOOR)
    if kept.size == 0:
        kept = np.flatnonzero(pmf)
    if kept.size == 0:
        return np.array([1.0]), offset  # cannot happen for a pmf; keeps shapes valid
    return pmf[kept[0]: kept[-1] + 1], offset + int(kept[0])


def power(pmf: tuple[np.ndarray, int], times: int) -> tuple[np.ndarray, int]:
    """The ``times``-fold convolution of a pmf with itself (binary powering)."""
    return power_many([pmf], [times])[0]


def power_many(pmfs: list[tuple[np.ndarray, int]], times: list[int]) -> list[tuple[np.ndarray, int]]:
    """:func:`power` of each pmf, the squarings (and products) of all of them a step
    at a time, so that their wide merges run together (:func:`convolve_many`)."""
    bases = [_trim(*p) for p in pmfs]
    results: list[tuple[np.ndarray, int] | None] = [None] * len(pmfs)
    left = [int(t) for t in times]
    while any(left):
        multiply = [i for i, t in enumerate(left) if t & 1 and results[i] is not None]
        for i, t in enumerate(left):
            if t & 1 and results[i] is None:
                results[i] = bases[i]
        for i, product in zip(multiply, convolve_many([(results[i], bases[i]) for i in multiply])):
            results[i] = product
        left = [t >> 1 for t in left]
        square = [i for i, t in enumerate(left) if t]
        for i, squared in zip(square, convolve_many([(bases[i], bases[i]) for i in square])):
            bases[i] = squared
    return [r if r is not None else (np.array([1.0]), 0) for r in results]


def sum_of_units(pmfs: list[tuple[np.ndarray, int]], multiplicity: list[int]) -> tuple[np.ndarray, int]:
    """pmf of a sum of independent units: unit pmf ``pmfs[j]`` occurs ``multiplicity[j]`` times.

    Narrow units (at most :data:`MATRIX_WIDTH` values) that occur at most
    :data:`MATRIX_COPIES` times are repeated and merged many pairs at a time (one
    padded array, a loop over the support); other units are raised to their power
    (binary powering). Then all parts are merged in a balanced tree, neighbours in
    order of support length, one pair at a time by :func:`convolve`.
    """
    narrow = [len(p[0]) <= MATRIX_WIDTH and k <= MATRIX_COPIES for p, k in zip(pmfs, multiplicity)]
    width = max((len(p[0]) for p, s in zip(pmfs, narrow) if s), default=1)
    rows = np.zeros((sum(narrow), width))
    for r, (p, _) in enumerate(p for p, s in zip(pmfs, narrow) if s):
        rows[r, : len(p)] = p
    offsets = np.array([p[1] for p, s in zip(pmfs, narrow) if s], dtype=np.int64)
    copies = np.array([k for k, s in zip(multiplicity, narrow) if s], dtype=np.int64)
    parts = power_many([p for p, s in zip(pmfs, narrow) if not s],
                       [k for k, s in zip(multiplicity, narrow) if not s])
    return sum_of_unit_rows(rows, offsets, copies, parts)


def sum_of_unit_rows(rows: np.ndarray, offsets: np.ndarray, copies: np.ndarray,
                     parts: list[tuple[np.ndarray, int]] | None = None, *,
                     group: bool = True) -> tuple[np.ndarray, int]:
    """:func:`sum_of_units` for units given as rows: unit ``u`` takes the value
    ``offsets[u] + j`` with probability ``rows[u, j]`` and occurs ``copies[u]``
    times; ``parts`` are further pmfs ``(probabilities, first value)`` to add.
    With ``group`` (default) identical rows (same pmf, same offset) are taken as one
    unit occurring their summed number of times (so raised to that power)."""
    parts = list(parts or [])
    copies = np.asarray(copies, dtype=np.int64)
    offsets = np.asarray(offsets, dtype=np.int64)
    if group and len(rows) > 1:
        first, which = distinct_rows(np.column_stack([offsets, rows]))
        rows, offsets = rows[first], offsets[first]
        copies = np.bincount(which, weights=copies, minlength=len(first)).astype(np.int64)
    repeat = (copies <= MATRIX_COPIES) & (rows.shape[1] <= MATRIX_WIDTH)
    parts += power_many([(row, int(o)) for row, o in zip(rows[~repeat], offsets[~repeat])],
                        copies[~repeat].tolist())
    # the repeated narrow units, by pmf length, a chunk at a time (bounded memory; each
    # chunk as wide as its own longest pmf)
    index = np.repeat(np.flatnonzero(repeat), copies[repeat])
    lengths = rows.shape[1] - np.argmax(rows[:, ::-1] > 0, axis=1)
    index = index[np.argsort(lengths[index], kind="stable")]
    for start in range(0, len(index), NARROW_CHUNK):
        chunk = index[start: start + NARROW_CHUNK]
        parts += _merge_narrow(rows[chunk, : int(lengths[chunk].max())], offsets[chunk])
    products = True
    while len(parts) > 1:  # balanced tree: pair neighbours, smallest first
        parts.sort(key=lambda part: len(part[0]))
        if products and len(parts) > 2 and _all_wide(parts):
            parts, products = _products(parts)
            continue
        merged = convolve_many([(parts[i], parts[i + 1]) for i in range(0, len(parts) - 1, 2)])
        parts = merged + (parts[-1:] if len(parts) % 2 else [])
    return parts[0] if parts else (np.array([1.0]), 0)


def _products(parts: list[tuple[np.ndarray, int]]) -> tuple[list[tuple[np.ndarray, int]], bool]:
    """One level of the tree by tilted products: ``parts`` (sorted by length) in groups
    of at most :data:`~alliancestats._tilted_product.MOST_PARTS` neighbours, each
    group one walk of tilts over its whole product
    (:func:`~alliancestats._tilted_product.tilted_product`). A group with more than
    :data:`FEW_ZEROS` of its entries zero on the parts' common lattice (scores on a
    broken lattice: lumpy tilted parts, slow walks), or whose walk cannot finish, is
    merged pairwise instead. Also returns whether products are still worth trying
    (not after a failed walk)."""
    out: list[tuple[np.ndarray, int]] = []
    pairs: list = []                     # the pairwise merges, all in one convolve_many
    worth = True
    for start in range(0, len(parts), MOST_PARTS):
        group = parts[start: start + MOST_PARTS]
        stride = lattice_stride([p for p, _ in group])     # the zeros between lattice points
        arrays = [p[::stride] for p, _ in group]           # do not count
        zeros = sum(int(np.count_nonzero(p == 0)) for p in arrays)
        product = None
        if len(group) > 2 and zeros <= FEW_ZEROS * sum(len(p) for p in arrays):
            product = tilted_product([p for p, _ in group], stride=stride)
            worth = worth and product is not None
        if product is None:
            pairs += [(group[i], group[i + 1]) for i in range(0, len(group) - 1, 2)]
            out += group[-1:] if len(group) % 2 else []
        else:
            out.append(_trim(product, sum(o for _, o in group)))
    return out + convolve_many(pairs), worth


def _all_wide(parts: list[tuple[np.ndarray, int]]) -> bool:
    """Whether the tree of ``parts`` (sorted by length) is down to tilted FFT merges
    (its two widest parts would be merged so): then tilted products of many parts
    (:func:`_products`) replace those pairwise walks."""
    a, b = len(parts[-2][0]), len(parts[-1][0])
    return min(a, b) > DIRECT_SHORT and a * b > DIRECT_PRODUCT


def distinct_rows(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a 2-d array: ``(first, which)``, ``table[first[g]]`` the
    ``g``-th distinct row (its first occurrence) and ``which[i]`` the group of row
    ``i``; rows equal in every entry, compared exactly. A sort of the rows
    (``numpy.lexsort``), much faster than ``numpy.unique(..., axis=0)``."""
    if len(table) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = np.lexsort(table.T[::-1])
    ordered = table[order]
    new = np.concatenate([[True], np.any(ordered[1:] != ordered[:-1], axis=1)])
    group = np.cumsum(new) - 1
    which = np.empty(len(table), np.int64)
    which[order] = group
    return order[new], which          # the sort is stable: the first of each run comes first


def _merge_narrow(rows: np.ndarray, offsets: np.ndarray) -> list[tuple[np.ndarray, int]]:
    """Merge the unit pmfs ``rows`` (first values ``offsets``) pairwise, all pairs of
    a level at once, while they stay narrow; returns the (fewer, wider) parts,
    trimmed. Direct, non-negative sums (held one column per unit, so that each step
    reads and writes contiguous memory)."""
    if len(rows) == 0:
        return []
    columns = np.ascontiguousarray(rows.T)
    width = columns.shape[0]
    left: list[tuple[np.ndarray, int]] = []
    while columns.shape[1] > 1 and width <= MATRIX_WIDTH:
        if columns.shape[1] % 2:           # the odd one waits for the pairwise stage
            left.append(_trim(columns[:, -1].copy(), int(offsets[-1])))
            columns, offsets = columns[:, :-1], offsets[:-1]
        first = np.ascontiguousarray(columns[:, 0::2])
        second = np.ascontiguousarray(columns[:, 1::2])
        out = np.zeros((2 * width - 1, first.shape[1]))
        product = np.empty_like(first)
        for j in range(width):
            np.multiply(first, second[j], out=product)
            out[j: j + width] += product
        columns, offsets, width = out, offsets[0::2] + offsets[1::2], 2 * width - 1
    rows = np.ascontiguousarray(columns.T)
    kept = rows >= FLOOR                    # trimmed as by _trim, all rows at once
    first = np.argmax(kept, axis=1)
    last = rows.shape[1] - 1 - np.argmax(kept[:, ::-1], axis=1)
    return left + [(row[f: e + 1], o + f) for row, o, f, e in
                   zip(rows, offsets.tolist(), first.tolist(), last.tolist())]


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
    r"""Estimated multiply-adds of :func:`sum_of_units` (an FFT merge counted as
    :data:`TILT_COST` per entry and doubling), following the same tree on support
    widths: a part of units with spans :math:`s_i` is at most
    :math:`\min(\sum_i (s_i - 1), 2t) + 1` wide once its entries below :data:`FLOOR`
    are trimmed, :math:`t = \sqrt{\ln(1/\mathrm{FLOOR}) \sum_i (s_i - 1)^2 / 2}`
    (Hoeffding's inequality: the total lies more than :math:`t` from its mean with
    probability below :data:`FLOOR`)."""
    spans = np.asarray(lengths, dtype=float) - 1
    copies = np.asarray(multiplicity, dtype=float)
    if spans.size == 0:
        return 0.0
    repeat = (spans + 1 <= MATRIX_WIDTH) & (copies <= MATRIX_COPIES)
    cost = float(np.sum(copies[repeat] * (spans[repeat] + 1))) * MATRIX_WIDTH
    width, square = [spans[repeat].repeat(copies[repeat].astype(np.int64))], [
        (spans[repeat] ** 2).repeat(copies[repeat].astype(np.int64))]
    w, times = spans[~repeat], copies[~repeat].astype(np.int64)   # binary powering, all
    q = w * w                                                  # units a squaring at a time
    while np.any(times > 1):
        active = times > 1
        step = _width(w[active], q[active])
        cost += float(np.sum(_merge_cost(step, step)))
        w, q, times = np.where(active, 2 * w, w), np.where(active, 2 * q, q), times // 2
    width.append(spans[~repeat] * copies[~repeat])
    square.append(spans[~repeat] ** 2 * copies[~repeat])
    spans, squares = np.concatenate(width), np.concatenate(square)
    while len(spans) > 1:
        order = np.argsort(_width(spans, squares), kind="stable")
        spans, squares = spans[order], squares[order]
        pair = len(spans) // 2 * 2
        left, right = slice(0, pair, 2), slice(1, pair, 2)
        cost += float(np.sum(_merge_cost(_width(spans[left], squares[left]),
                                         _width(spans[right], squares[right]))))
        spans = np.concatenate([spans[left] + spans[right], spans[pair:]])
        squares = np.concatenate([squares[left] + squares[right], squares[pair:]])
    return cost


def _width(span: np.ndarray, square: np.ndarray) -> np.ndarray:
    """Largest trimmed support of a part (see :func:`sum_of_units_cost`)."""
    return np.minimum(span, 2 * np.sqrt(np.log(1 / FLOOR) * square / 2)) + 1


def _merge_cost(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Estimated multiply-adds of :func:`convolve` on supports ``a`` and ``b``."""
    direct = (np.minimum(a, b) <= DIRECT_SHORT) | (a * b <= DIRECT_PRODUCT)
    return np.where(direct, a * b, TILT_COST * (a + b) * np.log2(a + b))


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

    A sample without replacement is a set of independent Bernoulli(:math:`\theta`)
    inclusions conditioned on its size: with ``P`` items in all and
    :math:`X_g \sim \mathrm{Binomial}(N_g, \theta)` independent,

    .. math:: P(S = s) = \frac{P_\theta(\sum_g v_g X_g = s,\ \sum_g X_g = r)}
                              {P_\theta(\sum_g X_g = r)}

    for any :math:`\theta` (the :math:`\theta^r (1-\theta)^{P-r}` factors cancel).
    The numerator is a two-dimensional convolution over the groups with state
    (items drawn, score so far), kept to at most ``r`` items; :math:`\theta = r/P`
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
