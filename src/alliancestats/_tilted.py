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
convolved directly, so the guarantee never depends on the shape. Cost: a few FFTs
of length ``len(a) + len(b)`` per tilt, and about ten tilts for a sum of many
independent units (each covers a few standard deviations of the ~70 that lie above
``1e-290``).
"""

from __future__ import annotations

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
CROP = 60.0
#: tilts tried before the rest of an end is convolved directly
MAX_TILTS = 64


def tilted_convolve(a: np.ndarray, b: np.ndarray, *, floor: float = FLOOR,
                    rel: float = REL) -> np.ndarray:
    """``np.convolve(a, b)`` for non-negative ``a``, ``b`` whose end entries are
    positive: entries below ``floor`` may come back as 0; every other entry has
    relative error at most about ``rel``."""
    length = len(a) + len(b) - 1
    with np.errstate(divide="ignore"):
        log_a, log_b = np.log(a), np.log(b)
    index_a, index_b = np.arange(len(a), dtype=float), np.arange(len(b), dtype=float)
    log_out = np.full(length, -np.inf)
    error = np.full(length, np.inf)          # relative error bound of each entry so far
    if not (np.all(a > 0) and np.all(b > 0)):
        # entries no pair of positive entries reaches are exact zeros: count the pairs
        size = fft.next_fast_len(length, real=True)
        pairs = fft.irfft(fft.rfft(a > 0, size) * fft.rfft(b > 0, size), size)[:length]
        error[pairs < 0.5] = 0.0

    def accept(theta: float) -> int:
        """Entries of ``a * b`` that tilt ``theta`` gives to relative precision ``rel``."""
        (ta, first_a, ma, drop_a), (tb, first_b, mb, drop_b) = (
            _tilt(log_a, index_a, theta), _tilt(log_b, index_b, theta))
        size = fft.next_fast_len(len(ta) + len(tb) - 1, real=True)
        tilted = fft.irfft(fft.rfft(ta, size) * fft.rfft(tb, size), size)[: len(ta) + len(tb) - 1]
        bound = (FFT_CONSTANT * np.finfo(float).eps * np.log2(size)
                 * np.sqrt(np.dot(ta, ta) * np.dot(tb, tb)) + drop_a + drop_b)
        start = first_a + first_b
        window = error[start: start + len(tilted)]
        better = (tilted * rel >= bound) & (tilted > 0) & (window > rel)
        where = np.flatnonzero(better)
        log_out[start + where] = (np.log(tilted[where]) + ma + mb
                                  - theta * (start + where).astype(float))
        window[where] = bound / tilted[where]
        return int(where.size)

    def chernoff(theta: float, k: int) -> float:
        """log of a bound on every entry past ``k`` on the side of ``theta``'s sign."""
        return _log_sum_exp(log_a + theta * index_a) + _log_sum_exp(log_b + theta * index_b) \
            - theta * k

    first = accept(0.0)
    log_floor = np.log(floor)
    for side in (1, -1):
        theta, half = 0.0, first // 2
        for _ in range(MAX_TILTS):
            edge = _edge(error <= rel, side)
            if edge is None or edge == (length - 1 if side > 0 else 0):
                break
            if theta * side > 0 and chernoff(theta, edge + side) < log_floor:
                _clear(log_out, error, edge + side, side)
                break
            new = _next_tilt(log_out, error <= rel, edge, side, half)
            if new is None or new * side <= theta * side:
                _direct_end(a, b, log_out, error, edge + side, side)
                break
            theta = new
            half = max(accept(theta) // 2, 1)
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


def _tilt(log_x: np.ndarray, index: np.ndarray, theta: float,
          ) -> tuple[np.ndarray, int, float, float]:
    """``x e^{theta i}`` scaled to a largest entry of 1 and cut to the entries above
    ``e**-CROP``: ``(entries, first index kept, log of the scale, mass cut off)``.
    The mass cut off bounds what it could add to any entry of a convolution with an
    array whose entries are at most 1."""
    x = log_x + theta * index
    top = float(x.max())
    scaled = _exp_flushed(x - top)
    kept = np.flatnonzero(x - top >= -CROP)
    first, last = int(kept[0]), int(kept[-1])
    entries = scaled[first: last + 1]
    return entries, first, top, float(scaled[:first].sum() + scaled[last + 1:].sum())


def _exp_flushed(x: np.ndarray) -> np.ndarray:
    """``exp(x)`` for ``x <= 0``, with every value below ``e**-700`` set to 0: such
    entries change no sum by more than the FFT's own error, and subnormal numbers
    would slow every operation on the array a hundredfold."""
    out = np.exp(x)
    out[x < -700] = 0.0
    return out


def _log_sum_exp(x: np.ndarray) -> float:
    top = float(x.max())
    return top + float(np.log(np.exp(x - top).sum()))


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
