"""Arrays tilted by :math:`e^{\\theta i}` and cut to their non-negligible window, many
rows and tilts at once: what every tilted FFT (:mod:`alliancestats._tilted`,
:mod:`alliancestats._tilted_product`) transforms. Rows are kept as logs, with the
largest log of each block of :data:`BLOCK` entries, so a tilted row's peak and
window are found without reading all of it.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

#: entries of a tilted array below ``e**-CROP`` times its largest are left out of the FFT
CROP = 45.0
#: entries per block when bounding where a tilted array peaks
BLOCK = 16
EPS = float(np.finfo(float).eps)


class LogRows:
    """Logs of non-negative arrays as rows padded with ``-inf`` to a whole number of
    blocks of :data:`BLOCK` entries, with the largest log of each block: enough to
    find a tilted row's peak and window without reading all of it."""

    def __init__(self, arrays: list[np.ndarray]):
        self.n = max(len(x) for x in arrays)
        blocks = -(-self.n // BLOCK)
        # twice as wide: a window of at most a row's length, from inside it, fits
        self.log = np.full((len(arrays), 2 * blocks * BLOCK), -np.inf)
        with np.errstate(divide="ignore"):
            for r, x in enumerate(arrays):
                self.log[r, : len(x)] = np.log(x)
        self.block_max = self.log[:, : blocks * BLOCK].reshape(len(arrays), blocks, BLOCK).max(axis=2)
        self.block_start = np.arange(blocks) * BLOCK

    def tilted(self, rows: np.ndarray, theta: np.ndarray,
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Row ``r`` of ``rows`` times ``e^{theta[r] i}``, scaled to a largest entry
        of 1 and cut to a window holding every entry above ``e**-CROP`` (one width
        for all rows): ``(windows, first index of each, log of each scale, an upper
        bound on each scaled row's sum)``. Entries left out, or below ``e**-700`` and
        flushed to 0, are each below ``e**-CROP``; the bound counts them at that.

        The tilt is taken from each window's first index ``f``: entry ``j`` of a
        window is ``a[f + j] e^{theta j - top}``, so ``a[f + j] e^{theta (f + j)}`` is
        it times ``e^{top + theta f}``. Tilting from index 0 instead would add
        ``theta i`` to every log and take most of it away again in the scale, and the
        rounding of those large terms (about ``eps |theta| i``) would reach the
        relative precision asked of far-out entries.

        A block's largest tilted log is at most its largest log plus ``theta`` times
        its last index (its first, for ``theta < 0``); only the blocks whose bound
        comes within ``CROP`` of an entry's tilted log are read (the span of them)."""
        theta_col = theta[:, None]
        position = self.block_start[None, :] + np.where(theta_col > 0, BLOCK - 1, 0)
        bound = self.block_max[rows] + theta_col * position
        best = np.argmax(bound, axis=1) * BLOCK
        least = np.max(self._read(rows, best, BLOCK, theta) + (theta * best)[:, None],
                       axis=1) - CROP - 1.0      # 1: rounding (only picks the blocks)
        read = bound >= least[:, None]
        lo = np.argmax(read, axis=1)
        hi = read.shape[1] - np.argmax(read[:, ::-1], axis=1)
        span = int((hi - lo).max()) * BLOCK
        x = self._read(rows, lo * BLOCK, span, theta)          # tilted from the span's start
        top = x.max(axis=1)
        kept = x >= (top - CROP)[:, None]
        first = np.argmax(kept, axis=1)
        last = span - 1 - np.argmax(kept[:, ::-1], axis=1)
        width = int((last - first).max()) + 1
        first = np.minimum(first, span - width)     # every window inside the span
        window = sliding_window_view(x, width, axis=1)[np.arange(len(rows)), first]
        scaled = _exp_flushed(window - top[:, None])
        return (scaled, lo * BLOCK + first, top - theta * first,     # tilted from the window's start
                scaled.sum(axis=1) + self.n * np.exp(-CROP))

    def _read(self, rows: np.ndarray, start: np.ndarray, width: int,
              theta: np.ndarray) -> np.ndarray:
        """``log[rows, start + j] + theta * j`` for ``j < width``."""
        x = sliding_window_view(self.log, width, axis=1)[rows, start]
        x += theta[:, None] * np.arange(width)[None, :]
        return x


def log_rounding(log_value: np.ndarray, top: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """Relative error, from rounding, of ``exp(log_value + top - shift)``: each of the
    three logs carries about ``eps`` times its size (``top`` from the logs and tilts
    read, ``shift`` a tilt times an index), and an error ``d`` in a log is a relative
    error of about ``d`` in its exponential; four times that, to be safe."""
    return 4 * EPS * (np.abs(log_value) + np.abs(top) + np.abs(shift))


def _exp_flushed(x: np.ndarray) -> np.ndarray:
    """``exp(x)`` for ``x <= 0``, with every value below ``e**-700`` set to 0: such
    entries change no sum by more than the FFT's own error, and subnormal numbers
    would slow every operation on the array a hundredfold."""
    out = np.exp(x)
    out[x < -700] = 0.0
    return out
