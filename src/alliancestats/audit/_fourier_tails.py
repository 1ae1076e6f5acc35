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
the caller computes it by full convolution.
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
    for i, g in enumerate(work.tolist()):
        size = next_fast_len(int(y_hi[i]) - int(y_lo[i]) + 1)    # a wider window is as exact
        s, error = _inverted_sum(tilted[i], o[i], k[i], int(xw[i]), float(theta[i]),
                                 int(y_lo[i]), size, lags[i])
        error += s * exponent_error[i]
        tail[g] = np.exp(exponent[i]) * s
        certified[g] = s > 0 and error <= TOLERANCE * s
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


def _inverted_sum(tilted: np.ndarray, offset: np.ndarray, copies: np.ndarray, x: int,
                  theta: float, y_lo: int, N: int, lags: np.ndarray) -> tuple[float, float]:
    r"""``S`` of one row and a bound on its absolute error (window ``y_lo .. y_lo + N - 1``)."""
    used = copies > 0
    q, o, n = tilted[used], offset[used], copies[used]
    W = q.shape[1]
    k = np.arange(N // 2 + 1)
    turn = 2 * np.pi / N
    # -log|Φ(ω_k)| >= Σ_Δ b_Δ (1 - cos ω_k Δ), by one real FFT of the lags (a lag past N
    # folds onto Δ mod N: the same cosine)
    folded = np.bincount(np.arange(1, W) % N, weights=lags[1:], minlength=N)
    bound = np.maximum(lags[1:].sum() - np.fft.rfft(folded).real, 0.0)
    weight = np.where((k == 0) | (2 * k == N), 1.0, 2.0)
    top = N + y_lo - x                                      # window values y >= x
    decay = np.exp(-theta)
    # G_k = (1 - r^top) / (1 - r), r = e^{-θ - iω_k}, written without cancellation
    angle = turn * k
    one_minus_r = (-np.expm1(-theta) + 2 * decay * np.sin(angle / 2) ** 2) + 1j * decay * np.sin(angle)
    power_angle = turn * ((k * top) % N)
    r_top = np.exp(-theta * top) * np.exp(-1j * power_angle)
    with np.errstate(divide="ignore", invalid="ignore"):
        geometric = np.where(np.abs(one_minus_r) > 0, (1 - r_top) / one_minus_r, top)
    if theta > 0:
        geometric[0] = -np.expm1(-theta * top) / -np.expm1(-theta)
    kept = bound <= SKIP
    skipped = float((weight * np.exp(-bound) * np.abs(geometric))[~kept].sum()) / N
    kk = k[kept]
    atoms = np.flatnonzero(q.any(axis=0))                  # values with mass in some unit
    angles = turn * (np.outer(atoms, kk) % N)                                # (A, K)
    real, imag = q[:, atoms] @ np.cos(angles), q[:, atoms] @ np.sin(angles)  # φ_u / e^{iω o_u}
    squared = real * real + imag * imag
    terms_per_unit = (q > 0).sum(axis=1) + 2                # rounding of each φ_u: ε each
    with np.errstate(divide="ignore", invalid="ignore"):
        log_size = 0.5 * np.log(squared)
        turns = np.arctan2(imag, real)
        # the offsets' phases add up: Σ_u n_u o_u, less x, as an exact integer
        shift = (int(n @ o) - x) % N
        log_total = n @ log_size
        angle_total = n @ turns + turn * ((kk * shift) % N)
        size = np.exp(log_total)
        terms_real = size * (np.cos(angle_total) * geometric[kept].real
                             - np.sin(angle_total) * geometric[kept].imag)
        sensitivity = n @ np.where(squared > 0, terms_per_unit[:, None] / np.sqrt(squared)
                                   + np.abs(log_size) + np.abs(turns), 0.0)
    terms_real = np.where(np.isfinite(terms_real), terms_real, 0.0)
    s = float((weight[kept] * terms_real).sum()) / N
    magnitude = np.where(np.isfinite(size), weight[kept] * size * np.abs(geometric[kept]), 0.0)
    summing = 2 * np.log2(len(kk) + 1) + 20 + np.abs(angle_total)
    rounding = 2 * EPS * float((magnitude * (np.nan_to_num(sensitivity, posinf=0.0)
                                             + summing)).sum()) / N
    return s, 2 * ALIAS + skipped + rounding
