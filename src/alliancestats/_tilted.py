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
(:math:`C = 2`, six times the largest error measured) is at most
``rel`` times the entry; so every returned entry above ``floor`` has relative error
at most ``rel`` (plus rounding in :math:`\exp`/:math:`\log`, ~:math:`10^{-15}`).
If the walk stalls (an array that is far from log-concave) the remaining stretch is
convolved directly, so the guarantee never depends on the shape. Each tilt's FFT
runs on the tilted arrays cut to their entries above ``e**-CROP`` of the largest
(the mass cut off is added to the error bound). Cost: a few FFTs of about a third
of ``len(a) + len(b)`` per tilt, and about ten tilts for a sum of many independent
units (each covers a few standard deviations of the ~70 that lie above
``1e-290``). :func:`tilted_convolve_many` walks the tilts of many pairs in step (a
level of a convolution tree) and runs each step's FFTs as one two-dimensional FFT;
each pair's result carries the same guarantee as when convolved alone.
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
from scipy import fft

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
#: entries of a tilted array below ``e**-CROP`` times its largest are left out of the FFT
CROP = 45.0
#: entries (pairs x FFT length) whose tilted FFTs run as one array
BATCH_ELEMENTS = 1 << 18
#: tilts tried before the rest of an end is convolved directly
MAX_TILTS = 64


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
    if len(a) > 1 and a[1] > 0 or len(b) > 1 and b[1] > 0:
        return 1                       # the usual case, found without a scan
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
        self.log_a = np.full((len(pairs), self.len_a), -np.inf)
        self.log_b = np.full((len(pairs), self.len_b), -np.inf)
        with np.errstate(divide="ignore"):
            for r, (a, b) in enumerate(pairs):
                self.log_a[r, : len(a)], self.log_b[r, : len(b)] = np.log(a), np.log(b)
        # two lengths wide: a tilt's window of the result never runs past the end
        self.log_out = np.full((len(pairs), 2 * self.length), -np.inf)
        self.error = np.full((len(pairs), 2 * self.length), np.inf)  # relative error bound
        for r, (a, b) in enumerate(pairs):
            self.error[r, len(a) + len(b) - 1:] = 0.0          # padding: exact zeros
            if not (np.all(a > 0) and np.all(b > 0)):
                # entries no pair of positive entries reaches are exact zeros: count the pairs
                n = len(a) + len(b) - 1
                size = fft.next_fast_len(n, real=True)
                reach = fft.irfft(fft.rfft(a > 0, size) * fft.rfft(b > 0, size), size)[:n]
                self.error[r, :n][reach < 0.5] = 0.0

    def run(self) -> list[np.ndarray]:
        walks = [_walk(a, b, self.log_out[r, : len(a) + len(b) - 1],
                       self.error[r, : len(a) + len(b) - 1], self.floor, self.rel)
                 for r, (a, b) in enumerate(self.pairs)]
        pending = {r: next(w) for r, w in enumerate(walks)}
        results: dict[int, np.ndarray] = {}
        while pending:
            rows = np.fromiter(pending, np.int64, len(pending))
            answers = self.accept(rows, np.array([pending[r] for r in rows.tolist()]))
            pending = {}
            for r, answer in zip(rows.tolist(), answers):
                try:
                    pending[r] = walks[r].send(answer)
                except StopIteration as done:
                    results[r] = done.value
        return [results[r] for r in range(len(self.pairs))]

    def accept(self, rows: np.ndarray, theta: np.ndarray) -> list[tuple[int, float]]:
        """For each row (pair) and its tilt: the entries of ``a * b`` that the tilt
        gives to relative precision ``rel`` are stored; returns how many, and the log
        of an upper bound on ``M_a(theta) M_b(theta)`` (for the Chernoff bound)."""
        ta, first_a, top_a, mass_a = _tilted_rows(self.log_a[rows], theta)
        tb, first_b, top_b, mass_b = _tilted_rows(self.log_b[rows], theta)
        n = ta.shape[1] + tb.shape[1] - 1
        size = fft.next_fast_len(n, real=True)
        tilted = fft.irfft(fft.rfft(ta, size, axis=1) * fft.rfft(tb, size, axis=1),
                           size, axis=1)[:, :n]
        bound = (FFT_CONSTANT * np.finfo(float).eps * np.log2(size)
                 * np.sqrt(np.einsum("ij,ij->i", ta, ta) * np.einsum("ij,ij->i", tb, tb))
                 + (self.len_a + self.len_b) * np.exp(-CROP))   # what the cropped entries add
        start = first_a + first_b                  # the window's first index in the result
        r, k = np.nonzero(tilted >= bound[:, None] / self.rel)   # bound > 0: tilted > 0
        where = start[r] + k
        better = self.error[rows[r], where] > self.rel            # not yet known as well
        r, where, value = r[better], where[better], tilted[r[better], k[better]]
        self.log_out[rows[r], where] = np.log(value) + (top_a + top_b)[r] - theta[r] * where
        self.error[rows[r], where] = bound[r] / value
        counts = np.bincount(r, minlength=len(rows))
        log_mgf = top_a + top_b + np.log(mass_a) + np.log(mass_b)
        return list(zip(counts.tolist(), log_mgf.tolist()))


def _tilted_rows(log_x: np.ndarray, theta: np.ndarray,
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each row ``x e^{theta i}`` scaled to a largest entry of 1 and cut to a window
    holding every entry above ``e**-CROP`` (one width for all rows): ``(windows,
    first index of each, log of each scale, an upper bound on each scaled row's
    sum)``. Entries left out, or below ``e**-700`` and flushed to 0, are each below
    ``e**-CROP``; the bound counts them at that."""
    n = log_x.shape[1]
    x = log_x + theta[:, None] * np.arange(n, dtype=float)[None, :]
    top = x.max(axis=1)
    kept = x >= (top - CROP)[:, None]
    first = np.argmax(kept, axis=1)
    last = n - 1 - np.argmax(kept[:, ::-1], axis=1)
    width = int((last - first).max()) + 1
    columns = first[:, None] + np.arange(width)[None, :]
    window = np.take_along_axis(x, np.minimum(columns, n - 1), axis=1) - top[:, None]
    window[columns >= n] = -np.inf             # past the row's end: zeros
    scaled = _exp_flushed(window)
    return scaled, first, top, scaled.sum(axis=1) + n * np.exp(-CROP)


def _walk(a: np.ndarray, b: np.ndarray, log_out: np.ndarray, error: np.ndarray,
          floor: float, rel: float) -> Generator[float, tuple[int, float], np.ndarray]:
    """The walk of tilts of one pair, as a generator: it yields the next tilt, is sent
    back ``(entries accepted, log M_a M_b)`` once the tilt's FFT has filled
    ``log_out`` and ``error`` (views of its batch's rows), and returns ``a * b``."""
    length = len(log_out)
    first, _ = yield 0.0
    log_floor = np.log(floor)
    for side in (1, -1):
        theta, half, log_mgf = 0.0, first // 2, 0.0
        for _ in range(MAX_TILTS):
            edge = _edge(error <= rel, side)
            if edge is None or edge == (length - 1 if side > 0 else 0):
                break
            if theta * side > 0 and log_mgf - theta * (edge + side) < log_floor:
                _clear(log_out, error, edge + side, side)      # Chernoff: all below the floor
                break
            new = _next_tilt(log_out, error <= rel, edge, side, half)
            if new is None or new * side <= theta * side:
                _direct_end(a, b, log_out, error, edge + side, side)
                break
            theta = new
            accepted, log_mgf = yield theta
            half = max(accepted // 2, 1)
            if _edge(error <= rel, side) == edge:          # no progress: finish directly
                _direct_end(a, b, log_out, error, edge + side, side)
                break
        else:
            edge = _edge(error <= rel, side)
            if edge is not None:
                _direct_end(a, b, log_out, error, edge + side, side)
    good = error <= rel
    if not good.all():
        first, last = np.flatnonzero(good)[[0, -1]] if good.any() else (0, -1)
        if not good[first: last + 1].all():
            return np.convolve(a, b)                       # a gap between tilts: never guess
    return np.where(good, np.exp(log_out), 0.0)


def _exp_flushed(x: np.ndarray) -> np.ndarray:
    """``exp(x)`` for ``x <= 0``, with every value below ``e**-700`` set to 0: such
    entries change no sum by more than the FFT's own error, and subnormal numbers
    would slow every operation on the array a hundredfold."""
    out = np.exp(x)
    out[x < -700] = 0.0
    return out


def _edge(good: np.ndarray, side: int) -> int | None:
    """The last (side 1) or first (side -1) entry of the accepted stretch around the
    bulk; None when nothing is accepted."""
    where = np.flatnonzero(good)
    if where.size == 0:
        return None
    return int(where[-1] if side > 0 else where[0])


def _next_tilt(log_out: np.ndarray, good: np.ndarray, edge: int, side: int,
               half: int) -> float | None:
    """The tilt whose peak lies ``half`` entries past ``edge`` (``half``: half the
    width of the last tilt's accepted stretch), extrapolating the slope and curvature
    of ``log(a * b)`` just inside the accepted stretch."""
    h = max(1, half // 2)
    x0, x1, x2 = edge - 2 * h * side, edge - h * side, edge
    if half < 2 or not 0 <= x0 < len(good) or not (good[x0] and good[x1]):
        return None
    values = log_out[[x0, x1, x2]]
    if not np.all(np.isfinite(values)):
        return None
    slope = (values[2] - values[1]) / (x2 - x1)              # d log c / dk at the edge
    previous = (values[1] - values[0]) / (x1 - x0)
    curvature = min((slope - previous) / (x2 - x1), 0.0)
    target = slope + curvature * side * (STEP * half + h / 2)  # the slope further out
    return float(-target) if np.isfinite(target) else None


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
