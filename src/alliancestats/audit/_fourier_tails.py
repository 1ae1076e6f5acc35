r"""Upper tails of sums of independent integer scores, many sums at once, by Fourier
inversion of the exponentially tilted distribution.

Row ``g`` is a sum :math:`X = \sum_u \sum_{k=1}^{n_u} Z_{uk}` of independent copies of
unit scores :math:`Z_u` with pmfs :math:`p_u` (the placebo's shifted lists, the
influence's left-out events: same units, other scores or multiplicities). Only
:math:`P(X \ge x)` at one ``x`` per row is wanted, not the whole pmf, so:

1. **Tilt.** With :math:`K(\theta) = \sum_u n_u \log E e^{\theta Z_u}` and
   :math:`\tilde f(y) = P(X = y) e^{\theta y - K(\theta)}` (a pmf: the sum of the
   tilted units :math:`\tilde p_u(z) \propto p_u(z) e^{\theta z}`),

   .. math:: P(X \ge x) = e^{K(\theta) - \theta x}\, S, \qquad
             S = \sum_{y \ge x} \tilde f(y)\, e^{-\theta (y - x)},

   for any :math:`\theta \ge 0`; :math:`\theta` is taken near the saddle point
   :math:`K'(\theta) = x` (0 when :math:`x` is below the mean), where :math:`\tilde f`
   is centred on ``x`` and ``S`` is of the order of its largest entries, so absolute
   precision on :math:`\tilde f` is relative precision on the tail.
2. **Invert.** On a window ``Y`` of ``N`` integers holding :math:`\tilde f` up to a
   mass below :math:`2 \cdot 10^{-25}` (Bernstein's inequality with the tilted
   variance and the widest unit), ``S`` is a finite sum over the frequencies
   :math:`\omega_k = 2\pi k/N` of :math:`\tilde\Phi(\omega_k) = \prod_u
   \tilde\phi_u(\omega_k)^{n_u}` times a geometric sum in closed form.
3. **Skip.** Since :math:`\log|\phi| \le (|\phi|^2 - 1)/2` and
   :math:`|\phi_u(\omega)|^2 = 1 - 2 \sum_{\Delta \ge 1} a_u(\Delta)(1 - \cos \omega\Delta)`
   (:math:`a_u` the autocorrelation of :math:`\tilde p_u`), a cheap bound on
   :math:`|\tilde\Phi(\omega)|` finds the frequencies that cannot matter (below
   :math:`e^{-69}`): for sums of many units, most of them.

Every error is bounded per row: the mass outside ``Y``, the skipped frequencies
(through the bound) and rounding (:math:`\epsilon` times the size of every log and
term). A row whose bound exceeds :data:`TOLERANCE` of its ``S`` is not certified, and
the caller computes it by full convolution; so is a row that needs more than
:data:`FOURIER_PRODUCTS` (unit, frequency) pairs (a small sum whose tilted pmf is
spiky, lattice-like: nearly every frequency matters, and the direct convolution
is cheaper).
"""

from __future__ import annotations

import numpy as np
from scipy.fft import next_fast_len

EPS = float(np.finfo(float).eps)
#: mass of the tilted distribution allowed outside the inversion window, each side
ALIAS = 1e-25
#: frequencies whose bound on ``|Φ|`` is below ``exp(-SKIP)`` are skipped (and counted)
SKIP = 69.0
#: relative error a certified tail may have
TOLERANCE = 5e-11
#: largest tilt (the tail at the top of the support needs no more)
MAX_TILT = 60.0
#: rows inverted together, and (row, unit, frequency) products held at once
ROWS = 256
PRODUCTS = 1 << 21
#: (unit, frequency) pairs above which a row is left to the full convolution
FOURIER_PRODUCTS = 20_000


def upper_tails(pmf: np.ndarray, offset: np.ndarray, copies: np.ndarray, observed: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``P(X >= x)``, the mean of ``X`` and whether the tail is certified, per row.

    Parameters
    ----------
    pmf : numpy.ndarray
        Shape ``(G, U, W)``: unit ``u`` of row ``g`` scores ``offset[g, u] + j`` with
        probability ``pmf[g, u, j]``.
    offset, copies : numpy.ndarray
        Shape ``(G, U)``, integers: first values and multiplicities ``n_u`` (>= 0).
    observed : numpy.ndarray
        Shape ``(G,)``, integers: the ``x`` of each row.

    Returns
    -------
    tail, mean : numpy.ndarray
        ``P(X >= x)`` (uncertified rows hold an estimate) and ``E[X]``.
    certified : numpy.ndarray
        Bool: the tail's relative error is below :data:`TOLERANCE`.
    """
    pmf = np.asarray(pmf, dtype=float)
    offset = np.asarray(offset, dtype=np.int64)
    n = np.asarray(copies, dtype=np.int64)
    x = np.asarray(observed, dtype=np.int64)
    G, U, W = pmf.shape
    j = np.arange(W)
    live = (pmf > 0) & (n > 0)[..., None]
    has = live.any(axis=2)
    first = np.where(has, np.argmax(live, axis=2), 0)
    last = np.where(has, W - 1 - np.argmax(live[..., ::-1], axis=2), 0)
    lo = (n * (offset + first)).sum(axis=1)
    hi = (n * (offset + last)).sum(axis=1)
    mean = (n * (offset + pmf @ j)).sum(axis=1).astype(float)
    tail = np.where(x <= lo, 1.0, 0.0)
    certified = (x <= lo) | (x > hi)
    work = np.flatnonzero(~certified)
    if work.size == 0:
        return tail, mean, certified
    p, o, k, xw = pmf[work], offset[work], n[work], x[work]
    below = (j[None, None, :] - last[work][..., None]).astype(float)   # <= 0 on the support
    below = np.where(p > 0, below, -np.inf)
    theta = _saddle(p, below, k, (xw - (k * (o + last[work])).sum(axis=1)).astype(float))
    with np.errstate(divide="ignore", invalid="ignore"):
        weights = np.where(p > 0, p * np.exp(theta[:, None, None] * below), 0.0)
    z = weights.sum(axis=2)
    tilted = weights / np.where(z > 0, z, 1.0)[..., None]
    log_z = np.log(np.where(k > 0, z, 1.0))
    spread = hi[work] - xw                                     # >= 0, exact
    exponent = (k * log_z).sum(axis=1) + theta * spread          # K(θ) - θx
    exponent_error = 4 * EPS * ((k * np.abs(log_z)).sum(axis=1) + theta * spread + 1)
    centre = tilted @ j
    t_mean = (k * (o + centre)).sum(axis=1)
    t_var = (k * (tilted @ (j * j) - centre ** 2)).sum(axis=1)
    widest = np.where(k > 0, last[work] - first[work], 0).max(axis=1)
    level = np.log(1 / ALIAS)
    a = 2 * level * widest / 3
    reach = (a + np.sqrt(a * a + 8 * level * np.maximum(t_var, 0))) / 2 + 1
    y_lo = np.maximum(lo[work], np.minimum(xw, np.floor(t_mean - reach).astype(np.int64)))
    y_hi = np.minimum(hi[work], np.ceil(t_mean + reach).astype(np.int64))
    y_hi = np.maximum(y_hi, xw)
    lags = np.zeros((len(work), W))                          # Σ_u n_u a_u(Δ), Δ = 0..W-1
    for d in range(1, W):
        lags[:, d] = (k * (tilted[:, :, :-d] * tilted[:, :, d:]).sum(axis=2)).sum(axis=1)
    by_width = np.argsort(y_hi - y_lo, kind="stable")       # blocks of similar windows
    for first in range(0, len(work), ROWS):
        part = by_width[first: first + ROWS]
        size = next_fast_len(int((y_hi[part] - y_lo[part]).max()) + 1)   # wider is as exact
        s, error = _inverted_sums(tilted[part], o[part], k[part], xw[part], theta[part],
                                  y_lo[part], size, lags[part])
        error += s * exponent_error[part]
        rows = work[part]
        tail[rows] = np.exp(exponent[part]) * s
        certified[rows] = (s > 0) & (error <= TOLERANCE * s)
    return np.minimum(tail, 1.0), mean, certified


def _saddle(p: np.ndarray, below: np.ndarray, k: np.ndarray, target: np.ndarray) -> np.ndarray:
    r"""A tilt :math:`\theta \ge 0` with :math:`K'(\theta)` near the target (values
    measured from each unit's top, so ``target`` <= 0): safeguarded Newton steps,
    to about half a tilted standard deviation (any :math:`\theta` is exact; this
    one keeps the inversion well conditioned)."""
    theta = np.zeros(len(p))
    lower, upper = np.zeros(len(p)), np.full(len(p), MAX_TILT)
    active = np.ones(len(p), dtype=bool)
    for _ in range(100):
        rows = np.flatnonzero(active)
        if rows.size == 0:
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            w = np.where(p[rows] > 0, p[rows] * np.exp(theta[rows, None, None] * below[rows]), 0.0)
            z = w.sum(axis=2, keepdims=True)
            q = w / np.where(z > 0, z, 1.0)
            b = np.where(np.isfinite(below[rows]), below[rows], 0.0)
            m1 = (q * b).sum(axis=2)
            m2 = (q * b * b).sum(axis=2) - m1 ** 2
        mean = (k[rows] * m1).sum(axis=1)
        var = (k[rows] * m2).sum(axis=1)
        gap = target[rows] - mean
        done = (np.abs(gap) <= 0.5 * np.sqrt(var) + 0.5) | ((theta[rows] == 0) & (gap <= 0))
        done |= (theta[rows] >= MAX_TILT) & (gap >= 0)
        done |= upper[rows] - lower[rows] < 1e-9
        lower[rows] = np.where(gap > 0, theta[rows], lower[rows])
        upper[rows] = np.where(gap < 0, theta[rows], upper[rows])
        step = theta[rows] + gap / np.maximum(var, 1e-300)
        inside = (step > lower[rows]) & (step < upper[rows]) & (var > 0)
        new = np.where(inside, step, (lower[rows] + upper[rows]) / 2)
        theta[rows] = np.where(done, theta[rows], new)
        active[rows] = ~done
    return theta


def _inverted_sums(tilted: np.ndarray, offset: np.ndarray, copies: np.ndarray, x: np.ndarray,
                   theta: np.ndarray, y_lo: np.ndarray, N: int, lags: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    r"""``S`` of each row and a bound on its absolute error (row ``r``'s window
    ``y_lo[r] .. y_lo[r] + N - 1``); the frequencies kept are those some row needs."""
    R, U, W = tilted.shape
    k = np.arange(N // 2 + 1)
    turn = 2 * np.pi / N
    # -log|Φ(ω_k)| >= Σ_Δ b_Δ (1 - cos ω_k Δ): the W - 1 lags times a table of cosines
    cosines_of_lags = np.cos(turn * (np.outer(np.arange(1, W), k) % N))
    bound = np.maximum(lags[:, 1:].sum(axis=1)[:, None] - lags[:, 1:] @ cosines_of_lags, 0.0)
    weight = np.where((k == 0) | (2 * k == N), 1.0, 2.0)
    top = (N + y_lo - x)[:, None]                            # window values y >= x
    # a row needing many frequencies (a small, lattice-like sum) is left to the full
    # convolution, cheaper there: its S is not computed (not certified)
    cheap = (bound <= SKIP).sum(axis=1) * (copies > 0).sum(axis=1) <= FOURIER_PRODUCTS
    kept = (bound[cheap] <= SKIP).any(axis=0) | (k == 0)
    # |G_k| <= top (a sum of top terms of modulus <= 1) and, in a row that is cheap,
    # |Φ| < e^-SKIP at every skipped frequency: a bound on the skipped terms, summed
    # term by term below only for the rows where it is not already negligible
    skipped = 2.0 * np.count_nonzero(~kept) * np.exp(-SKIP) * top[:, 0] / N
    kk = k[kept]
    t = theta[:, None]
    decay = np.exp(-t)
    # G_k = (1 - r^top) / (1 - r), r = e^{-θ - iω_k}, written without cancellation, at
    # the kept frequencies only
    angle = turn * kk[None, :]
    one_minus_r = (-np.expm1(-t) + 2 * decay * np.sin(angle / 2) ** 2) + 1j * decay * np.sin(angle)
    r_top = np.exp(-t * top) * np.exp(-1j * turn * ((kk[None, :] * top) % N))
    with np.errstate(divide="ignore", invalid="ignore"):
        G = np.where(np.abs(one_minus_r) > 0, (1 - r_top) / one_minus_r, top)
        G[:, 0] = np.where(theta > 0, np.expm1(-theta * top[:, 0]) / np.expm1(-theta), G[:, 0])
    atoms = np.flatnonzero((tilted > 0).any(axis=(0, 1)))   # values with mass in some unit
    angles = turn * (np.outer(atoms, kk) % N)                                # (A, K)
    cosines, sines = np.cos(angles), np.sin(angles)
    n = copies.astype(float)
    terms_per_unit = (tilted > 0).sum(axis=2) + 2           # rounding of each φ_u: ε each
    # the offsets' phases add up: Σ_u n_u o_u, less x, as an exact integer
    shift = ((copies * offset).sum(axis=1) - x) % N
    s, rounding = np.empty(R), np.empty(R)
    step = max(1, PRODUCTS // max(1, U * len(kk)))
    for a in range(0, R, step):
        b = slice(a, a + step)
        q = tilted[b][:, :, atoms]
        real, imag = q @ cosines, q @ sines                 # φ_u / e^{iω o_u}: (rows, U, K)
        # |φ_u| >= 1e-150 where φ_u = 0 exactly: Φ is then below 1e-150, not 0 (counted)
        squared = np.maximum(real * real + imag * imag, 1e-300)
        log_total = np.einsum("ru,ruk->rk", n[b], np.log(squared)) / 2
        angle_total = (np.einsum("ru,ruk->rk", n[b], np.arctan2(imag, real))
                       + turn * ((kk[None, :] * shift[b, None]) % N))
        size = np.exp(log_total)
        terms = size * (np.cos(angle_total) * G[b].real - np.sin(angle_total) * G[b].imag)
        # Σ_u n_u (terms_u / |φ_u| + |log |φ_u|| + |arg φ_u|), the logs all <= 0
        sensitivity = (np.einsum("ru,ruk->rk", n[b] * terms_per_unit[b], squared ** -0.5)
                       - log_total + np.pi * n[b].sum(axis=1)[:, None])
        s[b] = (weight[kept] * terms).sum(axis=1) / N
        magnitude = weight[kept] * size * np.abs(G[b])
        summing = 2 * np.log2(len(kk) + 1) + 20 + np.abs(angle_total)
        rounding[b] = 2 * EPS * (magnitude * (sensitivity + summing)).sum(axis=1) / N + 1e-140
    close = np.flatnonzero(cheap & (skipped > 1e-3 * TOLERANCE * np.abs(s)))
    skipped[close] = ((weight[~kept] * np.exp(-bound[close][:, ~kept])).sum(axis=1)
                      * top[close, 0] / N)
    return np.where(cheap, s, 0.0), np.where(cheap, 2 * ALIAS + skipped + rounding, np.inf)
