r"""Convolution of several non-negative arrays by one tilted FFT product.

The last levels of a convolution tree merge a few wide parts, each merge a walk
of tilts of its own (:mod:`alliancestats._tilted`). Tilting commutes with the
whole product, not only with a pair:

.. math:: (a_{1,\theta} * \dots * a_{K,\theta})[k]
          = (a_1 * \dots * a_K)[k]\, e^{\theta k},

so one walk over the :math:`K`-fold product replaces the :math:`K - 1` walks of
the tree: each tilt takes one FFT of each tilted part (cut, as there, to its
entries above ``e**-CROP`` of its largest), their product and one inverse FFT.

**Error bound.** With :math:`t_i` the tilted parts (largest entry 1) and
:math:`T_i` their DFTs of length :math:`N`, an FFT errs by at most
:math:`c\,\varepsilon \log_2 N \lVert T_i \rVert_2` in the 2-norm. That error
times :math:`\prod_{j \ne i} T_j`, summed over the frequencies and divided by
:math:`N`, is bounded by Cauchy–Schwarz keeping :math:`t_i` and one other part
:math:`t_{s(i)}` in the 2-norm and :math:`|T_j| \le \lVert t_j \rVert_1` for the
rest (Parseval: :math:`\lVert T \rVert_2 = \sqrt N \lVert t \rVert_2`), so every
entry of the computed product errs by at most

.. math:: E_\theta = \tfrac{C}{2}\, \varepsilon \log_2 N \sum_i
          \lVert t_i \rVert_2 \lVert t_{s(i)} \rVert_2
          \prod_{j \notin \{i, s(i)\}} \lVert t_j \rVert_1
          + \sum_i \ell_i e^{-\mathrm{CROP}} \prod_{j \notin \{i, s(i)\}} M_j,

:math:`s(i)` the other part with the smallest :math:`\lVert t \rVert_2 / \lVert t
\rVert_1`, :math:`\ell_i` the length of part ``i`` and :math:`M_j` a bound on
the sum of the whole tilted part :math:`j` (the second sum: what the entries cut
from each part could add). For :math:`K = 2` this is the pairwise bound of
:mod:`alliancestats._tilted` (the same constant :math:`C`); the tests measure the
constant again on products of up to 16 parts.

**Stretch.** The product of :math:`K` parts is about :math:`\sqrt K` times as wide
as one of them but :math:`K` times as long, so each tilt's FFT covers only
:data:`SPREAD` standard deviations of the tilted product on either side of its
mean: the cyclic convolution then folds the entries beyond into the stretch, and
a Chernoff bound on their sum (:func:`fft_product`) is added to :math:`E_\theta`.

An entry is accepted where
:math:`E_\theta` is at most ``rel`` of it, the walk moves out from the bulk to
both ends and stops at the end of the support or where a Chernoff bound proves
the rest below ``floor``, exactly as for a pair. Where the walk cannot finish
(it stalls), nothing is guessed: ``None`` is returned and the caller merges
pairwise. Parts that all live on the multiples of some ``g > 1`` are merged on
that lattice (:func:`alliancestats._tilted.common_stride`); entries that no
choice of positive entries reaches (other zeros inside the parts) are exact
zeros from the start (:func:`reachable`).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import fft

from ._tilted import FFT_CONSTANT, FLOOR, MAX_TILTS, REL, STEP, common_stride, spread
from ._tilted_rows import CROP, EPS, LogRows, log_rounding

#: half-width of the stretch of a tilted product one FFT covers, in its standard
#: deviations (see :func:`fft_product`)
SPREAD = 14.0
#: most parts merged in one product (each tilt takes an FFT of every part)
MOST_PARTS = 16


def tilted_product(parts: list[np.ndarray], *, floor: float = FLOOR, rel: float = REL,
                   stride: int | None = None) -> np.ndarray | None:
    """The convolution of all ``parts`` (non-negative, end entries positive), each
    entry above ``floor`` to relative precision about ``rel`` (entries below it may
    come back as 0); None where the walk of tilts cannot certify every entry.
    ``stride``: the parts' :func:`lattice_stride`, where the caller has it already."""
    parts = [np.asarray(p, dtype=float) for p in parts]
    if len(parts) < 2 or not all(len(p) and p[0] > 0 and p[-1] > 0 for p in parts):
        return None
    if stride is None:
        stride = lattice_stride(parts)                              # merged on their lattice
    out = _Walk([p[::stride] for p in parts], floor, rel).run()
    return None if out is None else spread(out, stride)


def lattice_stride(parts: list[np.ndarray]) -> int:
    """The largest ``g`` such that every positive entry of every part lies at a
    multiple of ``g`` (:func:`alliancestats._tilted.common_stride`); a part of one
    entry lies on every lattice."""
    return math.gcd(*(common_stride(p, p) for p in parts if len(p) > 1)) or 1


def reachable(parts: list[np.ndarray]) -> np.ndarray:
    """Which entries of the product some choice of positive entries, one per part,
    reaches (the others are exact zeros): the sumset of the supports, a pair of
    indicator arrays at a time by FFT (counts of at most the shorter length, so the
    FFT's error is far below the 1/2 that separates 0 from 1)."""
    reach = parts[0] > 0
    for part in parts[1:]:
        size = fft.next_fast_len(len(reach) + len(part) - 1, real=True)
        counts = fft.irfft(fft.rfft(reach.astype(float), size) * fft.rfft((part > 0).astype(float),
                                                                          size), size)
        reach = counts[: len(reach) + len(part) - 1] > 0.5
    return reach


def fft_product(windows: np.ndarray, *, whole: bool = False,
                ) -> tuple[np.ndarray, int, int, float]:
    """The convolution ``g`` of the rows of ``windows`` (non-negative) by one FFT of
    each row and one inverse: ``(g[c0 : c0 + len], FFT length, c0, alias)``.

    The FFT covers the stretch of :data:`SPREAD` standard deviations of ``g`` (its
    rows taken as distributions) on either side of its mean, not the whole of it:
    the cyclic convolution then adds to every entry of the stretch the entries of
    ``g`` outside it, and ``alias`` bounds their sum (Chernoff: for
    :math:`\\eta > 0`, :math:`\\sum_{k \\ge x} g[k] \\le e^{-\\eta x}
    \\prod_i \\sum_j t_i[j] e^{\\eta j}`, and the same below with
    :math:`-\\eta`, at a few :math:`\\eta` near the Gaussian optimum). Where that
    bound is not far below the rounding bound, or ``whole``, the FFT covers all of
    ``g`` (``c0 = 0``, ``alias = 0``)."""
    k, w = windows.shape
    n = k * (w - 1) + 1
    j = np.arange(w, dtype=float)
    l1 = windows.sum(axis=1)
    mean = windows @ j / l1
    variance = max(float(np.sum(windows @ (j * j) / l1 - mean * mean)), 1.0)
    centre = float(mean.sum())
    size = fft.next_fast_len(max(w, int(2 * SPREAD * np.sqrt(variance)) + 1), real=True)
    if not whole and size < 0.6 * n:           # else little to save: the whole of g
        c0 = int(min(max(round(centre) - size // 2, 0), n - size))
        alias = _outside(windows, c0, c0 + size - 1, centre, variance)
        if alias <= 1e-3 * fft_rounding(windows, size)[0]:
            return np.roll(_cyclic(windows, size), -(c0 % size)), size, c0, alias
    full = fft.next_fast_len(n, real=True)
    return _cyclic(windows, full)[:n], full, 0, 0.0


def _cyclic(windows: np.ndarray, size: int) -> np.ndarray:
    """The cyclic convolution of length ``size`` of the rows of ``windows``."""
    spectrum = fft.rfft(windows, size, axis=1)
    product = spectrum[0]
    for row in spectrum[1:]:
        product = product * row
    return fft.irfft(product, size)


def _outside(windows: np.ndarray, low: int, high: int, centre: float,
             variance: float) -> float:
    """A bound on the sum of the entries of the convolution of the rows of
    ``windows`` below ``low`` and above ``high`` (see :func:`fft_product`)."""
    k, w = windows.shape
    reference = (w - 1) / 2
    x = np.arange(w) - reference
    n = k * (w - 1) + 1
    total = 0.0
    for side, edge in ((1, high + 1), (-1, low - 1)):
        if not 0 <= edge < n:
            continue
        distance = abs(edge - centre)
        best = np.inf
        for factor in (0.5, 1.0, 2.0):
            eta = side * min(factor * distance / variance, 600.0 / w)   # exps stay finite
            log_mgf = k * eta * reference + float(np.log(windows @ np.exp(eta * x)).sum())
            best = min(best, log_mgf - eta * edge)
        total += math.exp(best) if best < 700 else math.inf    # inf: no useful bound
    return total


def error_bound(windows: np.ndarray, mass: np.ndarray, lengths: np.ndarray,
                size: int) -> float:
    """:math:`E_\\theta` of the module notes for tilted ``windows`` (one row per part,
    largest entry 1), ``mass`` bounds on the whole tilted parts' sums, the parts'
    ``lengths`` and an FFT of length ``size``."""
    rounding, other = fft_rounding(windows, size)
    return rounding + float(np.prod(mass)) * float(
        np.sum(lengths * np.exp(-CROP) / (mass * mass[other])))


def fft_rounding(windows: np.ndarray, size: int) -> tuple[float, np.ndarray]:
    """The rounding part of :func:`error_bound`, and :math:`s(i)` for each part."""
    l1 = windows.sum(axis=1)
    ratio = np.sqrt(np.einsum("ij,ij->i", windows, windows)) / l1
    best = np.argsort(ratio, kind="stable")[:2]
    other = np.where(np.arange(len(ratio)) == best[0], best[1], best[0])
    return (FFT_CONSTANT / 2 * EPS * np.log2(size) * float(np.prod(l1))
            * float(np.sum(ratio * ratio[other]))), other


class _Walk:
    """One product's walk of tilts: the log of every entry and its relative error bound."""

    def __init__(self, parts: list[np.ndarray], floor: float, rel: float):
        self.parts, self.floor, self.rel = parts, floor, rel
        self.lengths = np.array([len(p) for p in parts], dtype=float)
        self.length = sum(len(p) for p in parts) - len(parts) + 1
        self.logs = LogRows(parts)
        self.rows = np.arange(len(parts))
        self.log_out = np.full(self.length, -np.inf)
        self.error = np.full(self.length, np.inf)
        if not all(np.all(p > 0) for p in parts):
            self.error[~reachable(parts)] = 0.0            # exact zeros
        self.low = self.high = 0

    def accept(self, theta: float) -> tuple[int, float]:
        """Store the entries tilt ``theta`` gives to relative precision ``rel``;
        returns how many, and the log of a bound on :math:`\\prod_i M_i(\\theta)`."""
        windows, first, top, mass = self.logs.tilted(self.rows, np.full(len(self.rows), theta))
        tilted, size, c0, alias = fft_product(windows)
        bound = error_bound(windows, mass, self.lengths, size) + alias
        start = int(first.sum()) + c0
        k = np.flatnonzero(tilted >= bound / self.rel)
        where = start + k
        keep = (where < self.length) & (self.error[np.minimum(where, self.length - 1)] > self.rel)
        k, where = k[keep], where[keep]
        value = tilted[k]
        # each part tilted from its window's first index (LogRows.tilted): entry k of
        # the stretch is the product's entry start + k times e^{theta (k + c0) - sum(top)}
        log_value, shift = np.log(value), theta * (k + c0)
        error = bound / value + log_rounding(log_value, float(top.sum()), shift)
        ok = error <= self.rel
        where = where[ok]
        self.log_out[where] = (log_value + float(top.sum()) - shift)[ok]
        self.error[where] = error[ok]
        return len(where), float(top.sum() + np.log(mass).sum() + theta * first.sum())

    def run(self) -> np.ndarray | None:
        accepted, _ = self.accept(0.0)
        good = self.error <= self.rel
        if accepted == 0 or not good.any():
            return None
        self.low = self.high = int(np.argmax(np.where(good, self.log_out, -np.inf)))
        for side in (1, -1):
            self._extend(side)
        for side in (1, -1):
            if not self._walk(side, max(accepted // 2, 1)):
                return None
        if not np.all(self.error <= self.rel):
            return None
        return np.exp(self.log_out)

    def _extend(self, side: int) -> None:
        """Move the edge on ``side`` over the good entries next to it."""
        good = self.error <= self.rel
        if side > 0:
            bad = np.flatnonzero(~good[self.high + 1:])
            self.high += int(bad[0]) if len(bad) else self.length - 1 - self.high
        else:
            bad = np.flatnonzero(~good[: self.low][::-1])
            self.low -= int(bad[0]) if len(bad) else self.low

    def _walk(self, side: int, half: int) -> bool:
        """Tilts out to the end on ``side``; False where the walk stalls."""
        theta, log_mgf = 0.0, np.inf
        log_floor = np.log(self.floor)
        for _ in range(MAX_TILTS):
            edge = self.high if side > 0 else self.low
            if edge == (self.length - 1 if side > 0 else 0):
                return True
            if theta * side > 0 and log_mgf - theta * (edge + side) < log_floor:
                stretch = slice(edge + 1, None) if side > 0 else slice(0, edge)
                self.log_out[stretch], self.error[stretch] = -np.inf, 0.0   # all below floor
                return True
            new = self._next_tilt(side, edge, half)
            if not new * side > theta * side:                 # nan included: stalled
                return False
            theta = new
            accepted, log_mgf = self.accept(theta)
            half = max(accepted // 2, 1)
            self._extend(side)
            if (self.high if side > 0 else self.low) == edge:   # no progress
                return False
        return False

    def _next_tilt(self, side: int, edge: int, half: int) -> float:
        """The tilt whose peak lies about ``half`` entries past ``edge``, from the slope
        and curvature of the log of the product just inside the accepted stretch
        (as :meth:`alliancestats._tilted._Batch._next_tilts` for one row and one tilt)."""
        h = max(1, half // 2)
        x0, x1, x2 = edge - 2 * h * side, edge - h * side, edge
        if half < 2 or not 0 <= x0 < self.length:
            return float("nan")
        v0, v1, v2 = self.log_out[[x0, x1, x2]]
        if not (self.error[x0] <= self.rel and self.error[x1] <= self.rel
                and np.isfinite([v0, v1, v2]).all()):
            return float("nan")
        slope = (v2 - v1) / (x2 - x1)
        curvature = min((slope - (v1 - v0) / (x1 - x0)) / (x2 - x1), 0.0)
        return float(-(slope + curvature * side * (STEP * half + h / 2)))
