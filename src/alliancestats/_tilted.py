r"""Convolution of two non-negative arrays by FFT, with relative precision in the tails.

An FFT convolution has an absolute error near :math:`10^{-16}` times the largest
entry, so on its own it loses every tail probability below that. *Exponential
tilting* moves the accurate zone: with :math:`a_\theta[i] = a[i] e^{\theta i}` and
:math:`b_\theta[j] = b[j] e^{\theta j}`,

.. math:: (a_\theta * b_\theta)[k] = \sum_{i + j = k} a[i] b[j] e^{\theta k}
          = (a * b)[k]\, e^{\theta k},

so one FFT of the tilted arrays gives :math:`(a * b)[k]` with *relative* precision
wherever :math:`(a_\theta * b_\theta)[k]` is close to its largest entry, and a tilt
:math:`\theta` moves that zone to where the slope of :math:`\log(a * b)` is
:math:`-\theta`. :func:`tilted_convolve` starts at :math:`\theta = 0` (the bulk)
and walks tilts out to both ends until

* the end of the support is reached, or
* a Chernoff bound proves every remaining entry below ``floor``:
  :math:`(a * b)[k] \le M_a(\theta) M_b(\theta) e^{-\theta k}` for every
  :math:`\theta`, with :math:`M_x(\theta) = \sum_i x[i] e^{\theta i}` summed
  exactly (non-negative terms).

An entry is accepted from a tilt only where the FFT's error bound
:math:`E_\theta = C \varepsilon \log_2(N) \lVert a_\theta \rVert_2 \lVert b_\theta \rVert_2`
(:math:`C = 2`, six times the largest error measured), relative to the entry, plus
the rounding of the logs it is rebuilt from (:func:`alliancestats._tilted_rows.log_rounding`)
is at most ``rel``; so every returned entry above ``floor`` has relative error at
most ``rel``. Each array is tilted from its window's first index, not from 0, so
those logs stay small: :math:`\theta i` for an index :math:`i` far out would carry
a rounding of about :math:`\varepsilon \theta i`, which for a steep tail at
:math:`i \approx 10^4` exceeds :math:`10^{-11}`.
If the walk stalls (an array that is far from log-concave) the remaining stretch is
convolved directly, so the guarantee never depends on the shape. Each tilt's FFT
runs on the tilted arrays cut to their entries above ``e**-CROP`` of the largest
(the mass cut off is added to the error bound); the window is found from each
block's largest entry (:data:`BLOCK` entries a block) without reading the whole
array. Cost: a few FFTs of about a third of ``len(a) + len(b)`` per tilt, and about
ten tilts for a sum of many independent units (each covers a few standard
deviations of the ~70 that lie above ``1e-290``). :func:`tilted_convolve_many` walks
the tilts of many pairs, both ends at once, in step (a level of a convolution
tree): each round runs the FFTs of every walking end of every pair as one
two-dimensional FFT, and the bookkeeping between rounds is array arithmetic across
them; each pair's result carries the same guarantee as when convolved alone. Pairs
on a lattice (every positive entry at a multiple of some ``g > 1``) are convolved on
it (:func:`common_stride`).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import fft

from ._tilted_rows import CROP, LogRows, log_rounding

#: entries whose bound is below this are zero (and trimmed)
FLOOR = 1e-290
#: largest relative error accepted from one tilt
REL = 1e-11
#: the constant of the FFT error bound: the largest error measured over random,
#: Gaussian and heavy-tailed inputs of 50 to 20,000 entries was 0.33 times the bound
#: with constant 1 (tests/test_placement_exact.py measures it again)
FFT_CONSTANT = 2.0
#: how far past the accepted stretch the next tilt aims, in half-widths of a stretch
STEP = 0.8
#: entries (pairs x FFT length) whose tilted FFTs run as one array
BATCH_ELEMENTS = 1 << 18
#: tilts tried before the rest of an end is convolved directly
MAX_TILTS = 64
#: tilts each end tries per round (the first as far out as the walk aims, the others
#: further, each ``SPACING`` half-widths of a stretch beyond the one before)
AHEAD = 3
#: batches of at most this many pairs walk :data:`AHEAD` tilts per end and round
FEW_PAIRS = 4
SPACING = 1.6


def tilted_convolve(a: np.ndarray, b: np.ndarray, *, floor: float = FLOOR,
                    rel: float = REL) -> np.ndarray:
    """``np.convolve(a, b)`` for non-negative ``a``, ``b`` whose end entries are
    positive: entries below ``floor`` may come back as 0; every other entry has
    relative error at most about ``rel``."""
    return tilted_convolve_many([(a, b)], floor=floor, rel=rel)[0]


def tilted_convolve_many(pairs: list[tuple[np.ndarray, np.ndarray]], *, floor: float = FLOOR,
                         rel: float = REL) -> list[np.ndarray]:
    """:func:`tilted_convolve` of each pair ``(a, b)``: the pairs walk their tilts in
    step, and each step's FFTs of all pairs (of similar lengths, at most
    :data:`BATCH_ELEMENTS` entries at once) run as one two-dimensional FFT, so a level
    of a convolution tree pays numpy's per-call costs once rather than once per pair.
    Each result keeps the guarantee of :func:`tilted_convolve` (the error bound is
    each pair's own)."""
    stride = [common_stride(a, b) for a, b in pairs]
    pairs = [(a[::g], b[::g]) if g > 1 else (a, b) for (a, b), g in zip(pairs, stride)]
    out: list[np.ndarray] = [np.zeros(0)] * len(pairs)
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
    batch: list[int] = []
    for i in order + [-1]:
        if batch and (i < 0 or len(batch) * fft.next_fast_len(
                len(pairs[i][0]) + len(pairs[i][1]) - 1, real=True) > BATCH_ELEMENTS):
            for j, result in zip(batch, _Batch([pairs[j] for j in batch], floor, rel).run()):
                out[j] = result
            batch = []
        batch.append(i)
    return [spread(pmf, g) for pmf, g in zip(out, stride)]


def common_stride(a: np.ndarray, b: np.ndarray) -> int:
    """The largest ``g`` such that every positive entry of ``a`` and of ``b`` (both
    starting with a positive entry) lies at a multiple of ``g``: ``a * b`` lives on
    that lattice too, and is best convolved there (``a[::g] * b[::g]``, spread back
    with :func:`spread`). Such pmfs come from units counted several times (same-day
    bursts); the entries between are exact zeros, across which a walk of tilts
    could not step."""
    stride = 0          # divides every positive entry's index: the first few settle most
    for x in (a, b):
        for i, value in enumerate(x[1:9].tolist(), 1):
            if value > 0:
                stride = math.gcd(stride, i)
                if stride == 1:
                    return 1
    return max(1, int(np.gcd.reduce(np.concatenate([np.flatnonzero(a), np.flatnonzero(b)]))))


def spread(pmf: np.ndarray, stride: int) -> np.ndarray:
    """``pmf`` placed on the multiples of ``stride`` (zeros between)."""
    if stride == 1:
        return pmf
    out = np.zeros((len(pmf) - 1) * stride + 1)
    out[::stride] = pmf
    return out


class _Batch:
    """Pairs convolved together: their logs padded to common lengths (``-inf``:
    zeros), and for each entry of each result its log and relative error bound."""

    def __init__(self, pairs: list[tuple[np.ndarray, np.ndarray]], floor: float, rel: float):
        self.pairs, self.floor, self.rel = pairs, floor, rel
        self.len_a = max(len(a) for a, _ in pairs)
        self.len_b = max(len(b) for _, b in pairs)
        self.length = self.len_a + self.len_b - 1
        self.size = fft.next_fast_len(self.length, real=True)
        self.log_a = LogRows([a for a, _ in pairs])
        self.log_b = LogRows([b for _, b in pairs])
        # one column past the longest result: every row ends in padding (exact zeros)
        self.log_out = np.full((len(pairs), self.length + 1), -np.inf)
        self.error = np.full((len(pairs), self.length + 1), np.inf)  # relative error bound
        holes = []
        for r, (a, b) in enumerate(pairs):
            self.error[r, len(a) + len(b) - 1:] = 0.0          # padding: exact zeros
            if not (np.all(a > 0) and np.all(b > 0)):
                holes.append(r)
        if holes:
            # entries no pair of positive entries reaches are exact zeros: count the pairs
            # (integers, for all such pairs in one FFT; its error is far below 1/2)
            size = fft.next_fast_len(self.length, real=True)
            reach = fft.irfft(fft.rfft(self.log_a.log[holes, : self.len_a] > -np.inf, size, axis=1)
                              * fft.rfft(self.log_b.log[holes, : self.len_b] > -np.inf, size,
                                         axis=1), size, axis=1)[:, : self.length]
            error = self.error[holes]
            error[:, : self.length][reach < 0.5] = 0.0
            self.error[holes] = error

    def run(self) -> list[np.ndarray]:
        """Walk every pair's tilts, both ends at once, all pairs in step: each round
        is one :meth:`accept` of every (pair, end) still walking; the bookkeeping
        between rounds (edges, the Chernoff stop, the next tilts) is array arithmetic
        over those rows, and only an end finished directly costs a call of its own."""
        n_pairs = len(self.pairs)
        length = np.array([len(a) + len(b) - 1 for a, b in self.pairs])
        pair = np.arange(n_pairs)
        self.last = length - 1
        accepted, _ = self.accept(pair, np.zeros(n_pairs))
        # the accepted stretch around the bulk: the run of good entries through the peak
        peak = np.argmax(np.where(self.error <= self.rel, self.log_out, -np.inf), axis=1)
        self.low, self.high = peak.copy(), peak.copy()
        whole = accepted == 0                      # nothing accepted: cannot happen; direct
        for side in (1, -1):
            self._extend(pair, np.full(n_pairs, side), self.reach)
        rows = np.concatenate([pair[~whole], pair[~whole]])
        side = np.repeat([1, -1], int((~whole).sum()))
        # a few pairs: several tilts per end and round (fewer rounds, each paying numpy's
        # per-call costs); many pairs: one (the rounds are dear in arithmetic, not calls)
        self.ahead = AHEAD if n_pairs <= FEW_PAIRS else 1
        theta = np.zeros((len(rows), self.ahead))      # each row's tilts of the last round
        log_mgf = np.full((len(rows), self.ahead), np.inf)
        half = np.concatenate([accepted[~whole], accepted[~whole]]) // 2
        log_floor = np.log(self.floor)
        for _ in range(MAX_TILTS):
            edge = np.where(side > 0, self.high[rows], self.low[rows])
            end = np.where(side > 0, length[rows] - 1, 0)
            walking = edge != end
            # Chernoff, from any of the last tilts that leans outwards
            chernoff = walking & np.any((theta * side[:, None] > 0) & (
                log_mgf - theta * (edge + side)[:, None] < log_floor), axis=1)
            for r in np.flatnonzero(chernoff).tolist():       # all below the floor: zero
                _clear(self.log_out[rows[r], : length[rows[r]]],
                       self.error[rows[r], : length[rows[r]]], int(edge[r] + side[r]), int(side[r]))
            walking &= ~chernoff
            new = self._next_tilts(rows, side, edge, half, length)
            stalled = walking & ~(new[:, 0] * side > theta[:, 0] * side)   # nan included
            self._direct_ends(rows[stalled], side[stalled], edge[stalled])
            go = walking & ~stalled
            rows, side, theta, edge = rows[go], side[go], new[go], edge[go]
            if not len(rows):
                break
            row, slot = np.nonzero(np.isfinite(theta))
            accepted, log_mgf = np.zeros(theta.shape, np.int64), np.full(theta.shape, np.inf)
            accepted[row, slot], log_mgf[row, slot] = self.accept(rows[row], theta[row, slot])
            half = np.maximum(accepted[:, 0] // 2, 1)
            self._extend(rows, side, self.ahead * self.reach)
            moved = np.where(side > 0, self.high[rows], self.low[rows]) != edge
            self._direct_ends(rows[~moved], side[~moved], edge[~moved])   # no progress
            rows, side, theta, half, log_mgf = (
                rows[moved], side[moved], theta[moved], half[moved], log_mgf[moved])
        else:
            self._direct_ends(rows, side, np.where(side > 0, self.high[rows], self.low[rows]))
        out = []
        for r, (a, b) in enumerate(self.pairs):
            good = self.error[r, : length[r]] <= self.rel
            if whole[r] or not good.all():
                out.append(np.convolve(a, b))              # never guess
            else:
                out.append(np.exp(self.log_out[r, : length[r]]))
        return out

    def _extend(self, rows: np.ndarray, side: np.ndarray, reach: int | None = None) -> None:
        """Move each row's edge on its side over the good entries next to it, within
        the row's result: looking ``reach`` entries out (all of them if None, or where
        the good stretch runs on past them)."""
        edge = np.where(side > 0, self.high[rows], self.low[rows])
        if reach is None:
            good = self.error[rows] <= self.rel
            columns = np.arange(good.shape[1])[None, :]
            bad = ~good | (columns > self.last[rows][:, None])
            up = side[:, None] > 0
            bad &= np.where(up, columns > edge[:, None], columns < edge[:, None])
            first = np.argmax(bad, axis=1)
            last = bad.shape[1] - 1 - np.argmax(bad[:, ::-1], axis=1)
            up = side > 0
            self.high[rows[up]] = first[up] - 1        # the end always has a bad column past it
            self.low[rows[~up]] = np.where(bad[~up].any(axis=1), last[~up] + 1, 0)
            return
        ncols = self.error.shape[1]
        columns = edge[:, None] + side[:, None] * np.arange(1, reach + 1)[None, :]
        inside = (columns >= 0) & (columns <= self.last[rows][:, None])
        good = inside & (self.error.reshape(-1)[rows[:, None] * ncols
                                                 + np.clip(columns, 0, ncols - 1)] <= self.rel)
        run = np.where(good.all(axis=1), reach, np.argmin(good, axis=1))
        moved = edge + side * run
        up = side > 0
        self.high[rows[up]], self.low[rows[~up]] = moved[up], moved[~up]
        further = run == reach
        if further.any():                              # the good stretch runs on: all of it
            self._extend(rows[further], side[further])

    def _next_tilts(self, rows: np.ndarray, side: np.ndarray, edge: np.ndarray,
                    half: np.ndarray, length: np.ndarray) -> np.ndarray:
        """For each row, the tilt whose peak lies ``half`` entries past ``edge``
        (``half``: half the width of the last tilt's accepted stretch), extrapolating
        the slope and curvature of ``log(a * b)`` just inside the accepted stretch;
        nan where that cannot be done (then the end is finished directly). Also, in
        further columns, ``self.ahead - 1`` tilts beyond it, each ``SPACING`` half-widths
        further out (nan where they would repeat a tilt), so that an end can advance
        several stretches in one round."""
        h = np.maximum(1, half // 2)
        x0, x1, x2 = edge - 2 * h * side, edge - h * side, edge
        inside = (half >= 2) & (x0 >= 0) & (x0 < length[rows])
        x0c, x1c = np.where(inside, x0, edge), np.where(inside, x1, edge)
        values = self.log_out[rows[:, None], np.column_stack([x0c, x1c, x2])]
        good = self.error[rows[:, None], np.column_stack([x0c, x1c])] <= self.rel
        ok = inside & good.all(axis=1) & np.isfinite(values).all(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            slope = (values[:, 2] - values[:, 1]) / (x2 - x1)    # d log c / dk at the edge
            previous = (values[:, 1] - values[:, 0]) / (x1 - x0)
            curvature = np.minimum((slope - previous) / (x2 - x1), 0.0)
            ahead = STEP * half + h / 2
            ahead = ahead[:, None] + SPACING * half[:, None] * np.arange(self.ahead)[None, :]
            target = slope[:, None] + (curvature * side)[:, None] * ahead   # the slope further out
        new = np.where((ok[:, None] & np.isfinite(target)), -target, np.nan)
        new[:, 1:][~(new[:, 1:] * side[:, None] > new[:, :1] * side[:, None])] = np.nan
        return new

    def _direct_ends(self, rows: np.ndarray, side: np.ndarray, edge: np.ndarray) -> None:
        """Finish each row's end past its edge by direct convolution."""
        for r, s, e in zip(rows.tolist(), side.tolist(), edge.tolist()):
            a, b = self.pairs[r]
            n = len(a) + len(b) - 1
            _direct_end(a, b, self.log_out[r, :n], self.error[r, :n], e + s, s)

    def accept(self, rows: np.ndarray, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each row (pair) and its tilt: the entries of ``a * b`` that the tilt
        gives to relative precision ``rel`` are stored; returns how many, and the log
        of an upper bound on ``M_a(theta) M_b(theta)`` (for the Chernoff bound)."""
        ta, first_a, top_a, mass_a = self.log_a.tilted(rows, theta)
        tb, first_b, top_b, mass_b = self.log_b.tilted(rows, theta)
        n = ta.shape[1] + tb.shape[1] - 1
        size = fft.next_fast_len(n, real=True)
        tilted = fft.irfft(fft.rfft(ta, size, axis=1) * fft.rfft(tb, size, axis=1),
                           size, axis=1)
        bound = (FFT_CONSTANT * np.finfo(float).eps * np.log2(size)
                 * np.sqrt(np.einsum("ij,ij->i", ta, ta) * np.einsum("ij,ij->i", tb, tb))
                 + (self.len_a + self.len_b) * np.exp(-CROP))   # what the cropped entries add
        start = first_a + first_b                  # the window's first index in the result
        r, k = np.nonzero(tilted[:, :n] >= bound[:, None] / self.rel)  # bound > 0: tilted > 0
        where = start[r] + k
        inside = where <= self.last[rows[r]]    # always (zeros past the end are never above
        r, k, where = r[inside], k[inside], where[inside]   # the bound): kept in their row
        ncols = self.error.shape[1]
        flat = rows[r] * ncols + where
        better = self.error.reshape(-1)[flat] > self.rel           # not yet known as well
        r, where, flat = r[better], where[better], flat[better]
        k = k[better]
        value = tilted.reshape(-1)[r * size + k]
        # the windows are tilted from their first indices (LogRows.tilted): entry k of
        # the product is c[start + k] e^{theta k - top_a - top_b}
        log_value, top, shift = np.log(value), (top_a + top_b)[r], theta[r] * k
        error = bound[r] / value + log_rounding(log_value, top, shift)
        ok = error <= self.rel
        r, flat = r[ok], flat[ok]
        self.log_out.reshape(-1)[flat] = (log_value + top - shift)[ok]
        self.error.reshape(-1)[flat] = error[ok]
        counts = np.bincount(r, minlength=len(rows))
        self.reach = n + 1
        return counts, top_a + top_b + np.log(mass_a) + np.log(mass_b) + theta * start


def _clear(log_out: np.ndarray, error: np.ndarray, start: int, side: int) -> None:
    """Entries from ``start`` to the end on ``side``: proven below the floor, so zero."""
    stretch = slice(start, None) if side > 0 else slice(0, start + 1)
    log_out[stretch], error[stretch] = -np.inf, 0.0


def _direct_end(a: np.ndarray, b: np.ndarray, log_out: np.ndarray, error: np.ndarray,
                start: int, side: int) -> None:
    """Entries ``start ..`` (side 1) or ``.. start`` (side -1) of ``a * b``, directly."""
    if side > 0:
        i0, j0 = max(0, start - len(b) + 1), max(0, start - len(a) + 1)
        tail = np.convolve(a[i0:], b[j0:])[start - i0 - j0:]
        stretch = slice(start, start + len(tail))
    else:
        tail = np.convolve(a[: start + 1], b[: start + 1])[: start + 1]
        stretch = slice(0, start + 1)
    with np.errstate(divide="ignore"):
        log_out[stretch] = np.log(tail)
    error[stretch] = 0.0
