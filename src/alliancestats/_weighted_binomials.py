r"""Exact pmf of :math:`S = \sum_w w X_w`, independent :math:`X_w \sim \mathrm{Binomial}(N_w, q)`.

Each term :math:`w X_w` lives on the multiples of ``w`` (a *lattice*: ``w - 1`` exact
zeros between its values). Merged with anything dense, a lattice gives a dense, smooth
pmf, which the tilted FFT of :func:`alliancestats._convolution.sum_of_units` merges
fast. Merged with another lattice it gives a *rough* pmf — neighbouring values come
from far-apart pairs of counts, so their probabilities are many orders of magnitude
apart — on which no tilt accepts a stretch, and the merge falls back to a direct
convolution of the whole length. So the terms are first paired so that every part
handed to the tree is smooth:

* terms of consecutive weights ``w`` and ``w + 1``: value
  :math:`v = w a + (w + 1) b`, and :math:`v + 1` is reached from :math:`(a - 1,
  b + 1)`, so neighbouring values have comparable probabilities. Such a pair is
  convolved directly over its non-zero entries (:func:`lattice_sum`: about
  :math:`N_w N_{w+1}` products, instead of :math:`w^2 N_w N_{w+1}`);
* ``w = 1`` is dense on its own;
* every other term (a weight with neither neighbour present) is merged with one
  smooth part first (:func:`alliancestats._convolution.convolve_many`: smooth times
  lattice is smooth).

Then the smooth parts go through :func:`~alliancestats._convolution.sum_of_units`. Every
step adds non-negative products (directly, or by the tilted FFT with its relative
error bound), so tail probabilities keep their relative precision.
"""

from __future__ import annotations

import numpy as np

from ._convolution import (
    _merge_cost,
    _width,
    _trim,
    binomial_pmf,
    convolve_many,
    sum_of_units,
    sum_of_units_cost,
)
from ._tilted import FLOOR

Poly = tuple[np.ndarray, int]          # probabilities and the value of the first one

#: products of one chunk of a direct merge of two lattices
CHUNK = 1 << 20
#: multiply-adds one product of a direct lattice merge costs (a scatter-add)
SCATTER_COST = 8.0
#: a pmf with fewer than one non-zero entry in this many is merged term by term
SPARSE_BELOW = 4
#: products up to which a part that is not dense is merged directly
DIRECT_MERGE = 4_000_000
#: multiply-adds one product of ``np.convolve`` costs
DIRECT_COST = 0.5
#: products up to which two parts that are not dense are merged directly
ROUGH_MERGE = 10**9


def lattice_sum(a: Poly, stride_a: int, b: Poly, stride_b: int) -> Poly:
    """pmf of ``stride_a * A + stride_b * B`` for independent ``A``, ``B`` given as
    ``(pmf, first value)`` on consecutive integers: every product of two non-zero
    terms added directly (non-negative)."""
    (pa, a0), (pb, b0) = a, b
    if len(pa) > len(pb):
        (pa, a0, stride_a), (pb, b0, stride_b) = (pb, b0, stride_b), (pa, a0, stride_a)
    out = np.zeros(stride_a * (len(pa) - 1) + stride_b * (len(pb) - 1) + 1)
    at_b = stride_b * np.arange(len(pb))
    rows = max(1, CHUNK // len(pb))
    for k in range(0, len(pa), rows):
        i = np.arange(k, min(k + rows, len(pa)))
        out += np.bincount((stride_a * i[:, None] + at_b[None, :]).ravel(),
                           (pa[i][:, None] * pb[None, :]).ravel(), minlength=len(out))
    return out, stride_a * a0 + stride_b * b0


def _plan(weights: list[int]) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Indices of the pairs of consecutive weights, the dense singles (weight 1) and the
    lone lattices, for weights sorted ascending."""
    pairs, dense, alone = [], [], []
    i = 0
    while i < len(weights):
        if weights[i] == 1:
            dense.append(i)
            i += 1
        elif i + 1 < len(weights) and weights[i + 1] == weights[i] + 1:
            pairs.append((i, i + 1))
            i += 2
        else:
            alone.append(i)
            i += 1
    return pairs, dense, alone


def _direct(a: Poly, b: Poly) -> Poly:
    """``a * b`` directly (non-negative products), trimmed below ``FLOOR`` at both ends;
    over the non-zero entries of the sparser one alone when that has few."""
    (pa, a0), (pb, b0) = a, b
    if np.count_nonzero(pa) > np.count_nonzero(pb):
        (pa, a0), (pb, b0) = (pb, b0), (pa, a0)
    where = np.flatnonzero(pa)
    if len(where) * SPARSE_BELOW >= len(pa):
        return _trim(np.convolve(pa, pb), a0 + b0)
    out = np.zeros(len(pa) + len(pb) - 1)
    for i in where.tolist():               # few terms: one shifted copy of pb each
        out[i: i + len(pb)] += pa[i] * pb
    return _trim(out, a0 + b0)


class _Pmfs:
    """The parts as pmfs ``(probabilities, first value)``: what :func:`_merge` does."""

    @staticmethod
    def shape(part: Poly) -> tuple[int, int, int, bool]:
        """Length, non-zero entries, widest gap between them, and whether dense."""
        where = np.flatnonzero(part[0])
        gap = int(np.diff(where).max()) if len(where) > 1 else 1
        return len(part[0]), len(where), gap, len(where) == len(part[0])

    @staticmethod
    def direct(a: Poly, b: Poly) -> Poly:
        return _direct(a, b)

    @staticmethod
    def tilted(a: Poly, b: Poly) -> Poly:
        return convolve_many([(a, b)])[0]


class _Shapes:
    """The parts as their shapes alone, for the cost estimate: ``(length, non-zero
    entries, widest gap, log P(all days empty), log P(all full), dense)``. A part merged
    with a dense one is dense; one merged from two that are not is taken as dense once
    its non-zero entries could fill it and its least and largest values are both below
    ``FLOOR`` (trimmed), which is where the direct merges stop."""

    def __init__(self, q: float):
        with np.errstate(divide="ignore"):       # q = 0 or 1: a log of 0 is -inf, as meant
            self.log_empty, self.log_full = np.log1p(-q), np.log(q)

    @staticmethod
    def shape(part: tuple) -> tuple[int, int, int, bool]:
        return part[0], part[1], part[2], part[5]

    @staticmethod
    def _merged(a: tuple, b: tuple) -> tuple:
        length = a[0] + b[0] - 1
        nonzero, empty, full = min(length, a[1] * b[1]), a[3] + b[3], a[4] + b[4]
        dense = a[5] or b[5] or (nonzero >= length and max(empty, full) < np.log(FLOOR))
        return length, nonzero, min(a[2], b[2]), empty, full, dense

    def direct(self, a: tuple, b: tuple) -> tuple:
        return self._merged(a, b)

    def tilted(self, a: tuple, b: tuple) -> tuple:
        return self._merged(a, b)


def _merge(parts: list, ops) -> tuple[list, list, float]:
    """Every part that is not dense merged into others until all are dense: the dense
    parts, those left over, and the multiply-adds spent directly. Each goes into the
    shortest dense part longer than its widest gap (every value between the ends is
    then reached, so the result is dense too; directly if that is at most
    :data:`DIRECT_MERGE` products, else by the tilted FFT, dense times lattice being
    smooth); with no such part, directly with the next shortest part that is not
    dense, while that takes at most :data:`ROUGH_MERGE` products (past that the rest
    are left over, for the tree as they are)."""
    items = [(ops.shape(p), p) for p in parts]           # (length, nonzero, gap, dense)
    dense = [item for item in items if item[0][3]]
    rough = sorted((item for item in items if not item[0][3]), key=lambda item: item[0][0])
    spent = 0.0
    while rough:
        (length, nonzero, gap, _), part = rough.pop(0)
        fits = [k for k, item in enumerate(dense) if item[0][0] > gap]
        if fits:
            k = min(fits, key=lambda k: dense[k][0][0])
            (size, *_), partner = dense.pop(k)
            if nonzero * size <= DIRECT_MERGE:
                merged = ops.direct(partner, part)
                spent += nonzero * size
            else:
                merged = ops.tilted(partner, part)
                spent += float(_merge_cost(np.float64(size), np.float64(length)))
        elif rough and length * rough[0][0][0] <= ROUGH_MERGE:
            (size, *_), partner = rough.pop(0)
            merged = ops.direct(partner, part)
            spent += DIRECT_COST * length * size
        else:
            return [p for _, p in dense], [part] + [p for _, p in rough], spent
        item = (ops.shape(merged), merged)
        if item[0][3]:
            dense.append(item)
        else:
            rough = sorted(rough + [item], key=lambda item: item[0][0])
    return [p for _, p in dense], [], spent


def weighted_binomials_pmf(days: np.ndarray, weights: np.ndarray, q: float) -> Poly:
    """pmf of :math:`\\sum_w w X_w`, :math:`X_w \\sim \\mathrm{Binomial}(N_w, q)`
    independent, as ``(pmf, first value)``; ``days[k]`` is :math:`N_w` of weight
    ``weights[k]`` (distinct positive weights)."""
    order = np.argsort(weights)
    days, weights = np.asarray(days)[order].tolist(), np.asarray(weights)[order].tolist()
    counts = [binomial_pmf(int(n), q) for n in days]
    pairs, dense, alone = _plan(weights)
    parts = [_trim(*lattice_sum(counts[i], weights[i], counts[j], weights[j])) for i, j in pairs]
    parts += [counts[i] for i in dense]
    parts += [binomial_pmf(int(days[i]), q, int(weights[i])) for i in alone]
    dense, rough, _ = _merge(parts, _Pmfs)
    return sum_of_units(dense + rough, [1] * (len(dense) + len(rough)))


def weighted_binomials_cost(days: np.ndarray, weights: np.ndarray, q: float) -> float:
    """Estimated multiply-adds of :func:`weighted_binomials_pmf`: the direct pair merges
    (:data:`SCATTER_COST` per product of their non-zero terms, each binomial taken at
    its width once trimmed below ``FLOOR``), the direct merges of
    :func:`_merge` (on the parts' shapes) and
    :func:`~alliancestats._convolution.sum_of_units_cost` of the parts' lengths."""
    order = np.argsort(weights)
    days, weights = np.asarray(days)[order].tolist(), np.asarray(weights)[order].tolist()
    pairs, dense, alone = _plan(weights)
    shapes = _Shapes(q)
    # a binomial's counts below FLOOR are left out: about its trimmed width of terms
    terms = _width(np.asarray(days, float), np.asarray(days, float)).tolist()
    cost = sum(SCATTER_COST * terms[i] * terms[j] for i, j in pairs)
    parts = [(weights[i] * days[i] + weights[j] * days[j] + 1,
              terms[i] * terms[j], weights[i], days[i] + days[j]) for i, j in pairs]
    parts += [(days[i] + 1, days[i] + 1, 1, days[i]) for i in dense]
    parts += [(weights[i] * days[i] + 1, days[i] + 1, weights[i], days[i]) for i in alone]
    parts = [(length, nonzero, gap, n * shapes.log_empty, n * shapes.log_full,
              gap == 1 or (nonzero >= length and n * max(shapes.log_empty, shapes.log_full)
                           < np.log(FLOOR)))
             for length, nonzero, gap, n in parts]
    dense, rough, spent = _merge(parts, shapes)
    # a part left over that is not dense is taken as merged directly at full width
    width = sum(p[0] for p in dense + rough)
    spent += DIRECT_COST * width * sum(p[0] for p in rough)
    return float(cost) + spent + sum_of_units_cost([p[0] for p in dense + rough],
                                                   [1] * (len(dense) + len(rough)))
