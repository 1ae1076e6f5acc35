"""``circular``: all responses shifted together around the period."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .._distinct import distinct
from .._montecarlo import BATCH_ELEMENTS
from .._pvalues import NullDistribution
from .._tilted import FFT_CONSTANT
from .._setup import Setup
from ..statistics import STATISTICS, AdditiveStatistic, Statistic
from ..statistics.trigger_rate import TriggerRate
from ._base import NullModel

#: above this many multiply-adds the additive statistics use an FFT (exact after rounding:
#: used only when its error bound is below 1/2)
DIRECT_LIMIT = 5e7


class CircularNull(NullModel):
    r"""One common shift of every response, wrapping around the period.

    Keeps the trigger dates and the responses' spacing among themselves (their
    clusters and gaps), up to the wrap at the period's end. Destroys only the
    alignment between the two series. Day ``t`` goes to
    ``start + ((t - start + δ) mod T)`` for a shift δ uniform over ``0..T-1``.

    Assumptions: the relation of the two series is the only thing that ties the
    responses to particular dates; the wrap joins the period's end to its start,
    which is harmless when neither series has a strong trend.

    Parameters
    ----------
    **options
        None: this null takes no options, and any given is an error.

    Notes
    -----
    The null distribution of every statistic is exact over all ``T`` shifts. With
    :math:`u_i = t_i - \text{start}` and :math:`r(d)` the responses on offset ``d``,
    an additive statistic with per-day score :math:`f(c(d))` takes

    .. math:: X(\delta) = \sum_i f(c((u_i + \delta) \bmod T))
              = \sum_d r(d)\, f(c((d + \delta) \bmod T)),

    a circular cross-correlation, computed directly (a sum of shifted slices of
    the score, :math:`O(T \cdot \#\text{response days})`) or, beyond
    :data:`DIRECT_LIMIT` operations, by FFT in :math:`O(T \log T)`: its values are
    integers, and the FFT is used only when its error bound
    :math:`2 \varepsilon \log_2 T \, \lVert r \rVert_2 \lVert f(c) \rVert_2` is below
    1/2, so rounding recovers them exactly (about :math:`10^{-9}` at
    :math:`n = 25{,}000`, :math:`T = 36{,}500`; checked again after rounding, the
    direct sum used otherwise). About 10 ms for K or S at that size. The
    trigger rate counts, for each trigger day ``s`` with window
    :math:`[a_s, b_s]` (period offsets, length :math:`\ell_s`) and each shift, whether
    a response lies in :math:`[a_s - \delta, b_s - \delta] \bmod T`. With
    :math:`H_\ell(y) = \mathbf 1[\text{some response in } [y, y + \ell - 1] \bmod T]`
    and :math:`A_\ell(a)` the trigger days of window length :math:`\ell` starting at
    ``a``, the number of such trigger days is
    :math:`\sum_\ell \sum_a A_\ell(a)\, H_\ell((a - \delta) \bmod T)`, one circular
    cross-correlation per window length (all windows share one length unless the
    period's ends cut them), by FFT under the same error bound and rounding, or
    directly from cumulative sums of ``r`` (:math:`O(T)` per trigger day) for
    lengths with few trigger days. Then

    .. math:: p = \#\{\delta : X(\delta) \ge X_{obs}\} / T,

    δ = 0 is the observation, so :math:`p \ge 1/T`. :math:`E[K] = nC/T` and
    :math:`E[S] = n \bar c`, as under ``uniform``. Monte Carlo draws δ uniformly
    instead.
    """

    name: ClassVar[str] = "circular"
    exact_statistics: ClassVar[tuple[str, ...]] = ("matches", "pairs", "trigger-rate",
                                                    "likelihood")
    held_fixed = "trigger dates and the responses' spacing among themselves"
    randomised = "one common circular shift of all responses, uniform over the T days"
    effect_sizes_refused: ClassVar[str | None] = (
        "it moves all responses together by one common shift, so under it K is not a sum of "
        "independent responses and its variance is not the Poisson-binomial one every "
        "interval rests on; use effect_sizes(..., null='stratified') or null='jitter' with "
        "days=J (independent placement: the intervals are too narrow if responses come in "
        "bursts, which diagnose() measures)")

    def shifted(self, setup: Setup, shifts: np.ndarray) -> np.ndarray:
        """Response placements (period offsets) for each shift, shape (len(shifts), n)."""
        return (setup.response_offsets[None, :] + shifts[:, None]) % setup.period.n_days

    def exact_cost(self, setup: Setup, statistic: Statistic) -> float:
        days = setup.period.n_days
        if isinstance(statistic, TriggerRate):
            return float(days) * (len(setup.trigger_days) + 1)
        direct = float(days) * len(distinct(setup.response_offsets))
        return min(direct, 20.0 * days * np.log2(days + 1))

    def shift_values(self, setup: Setup, statistic: Statistic) -> np.ndarray:
        """The statistic for every shift δ = 0..T-1."""
        days = setup.period.n_days
        responses = np.bincount(setup.response_offsets, minlength=days)
        if isinstance(statistic, TriggerRate):
            return _rate_by_shift(setup, statistic, responses)
        assert isinstance(statistic, AdditiveStatistic)
        score = statistic.score(setup)
        present = np.flatnonzero(responses)
        if float(days) * len(present) > DIRECT_LIMIT:
            out = integer_correlation(responses, score)
            if out is not None:
                return out
        twice = np.concatenate([score, score])
        out = np.zeros(days, dtype=np.int64)
        for d in present:
            out += responses[d] * twice[d: d + days]
        return out

    def exact_distribution(self, setup: Setup, statistic: Statistic) -> NullDistribution:
        values = self.shift_values(setup, statistic)
        return NullDistribution.from_sample(values, np.ones(len(values)))

    def expected(self, setup: Setup, statistic: Statistic = STATISTICS["matches"]) -> float | None:
        if isinstance(statistic, AdditiveStatistic):
            return setup.n * float(statistic.score(setup).mean())
        return None  # the trigger rate's mean comes from its distribution

    def distribution_label(self, setup: Setup, statistic: Statistic) -> str:
        return f"all T = {setup.period.n_days} circular shifts"

    def draw(self, setup: Setup, size: int, rng: np.random.Generator) -> np.ndarray:
        return self.shifted(setup, rng.integers(0, setup.period.n_days, size=size))

    def point_mass(self, setup: Setup, statistic: Statistic) -> bool:
        return setup.period.n_days == 1


def integer_correlation(x: np.ndarray, y: np.ndarray) -> np.ndarray | None:
    r"""The circular cross-correlation :math:`z(\delta) = \sum_d x(d)\, y((d + \delta) \bmod T)`
    of two integer arrays of length ``T``, by FFT, or None when rounding could not
    recover it exactly.

    The FFT's error is at most
    :math:`2 \varepsilon \log_2 T\, \lVert x \rVert_2 \lVert y \rVert_2` (see
    :mod:`alliancestats._tilted`); below 1/2, rounding gives every integer exactly,
    and every value is checked to lie within 1/4 of its integer as well.
    """
    days = len(x)
    bound = (FFT_CONSTANT * np.finfo(float).eps * np.log2(max(days, 2))
             * np.linalg.norm(x.astype(float)) * np.linalg.norm(y.astype(float)))
    if bound >= 0.5:
        return None
    raw = np.fft.irfft(np.conj(np.fft.rfft(x)) * np.fft.rfft(y), n=days)
    out = np.rint(raw).astype(np.int64)
    return out if np.max(np.abs(raw - out)) < 0.25 else None


def _rate_by_shift(setup: Setup, statistic: TriggerRate, responses: np.ndarray) -> np.ndarray:
    """Share of trigger days with a response in their window, for every shift (the
    Notes of :class:`CircularNull`)."""
    days, m = setup.period.n_days, len(setup.trigger_days)
    if m == 0:
        return np.zeros(days)
    first, last = statistic.trigger_windows(setup)
    length = last - first + 1
    cumulative = np.concatenate([[0], np.cumsum(np.concatenate([responses, responses]))])
    hits = np.zeros(days, dtype=np.int64)
    direct = np.zeros(m, dtype=bool)
    start = np.arange(days)
    for ell in distinct(length).tolist():
        chosen = length == ell
        if chosen.sum() <= 20 * np.log2(days + 1):     # O(T) each vs O(T log T) in all
            direct |= chosen
            continue
        any_response = (cumulative[start + ell] - cumulative[start] > 0).astype(np.int64)
        counts = integer_correlation(any_response, np.bincount(first[chosen], minlength=days))
        if counts is None:
            direct |= chosen
        else:
            hits += counts
    delta = start
    chunk = max(1, BATCH_ELEMENTS // days)
    a_all, b_all = first[direct], last[direct]
    for lo in range(0, len(a_all), chunk):
        a, b = a_all[lo: lo + chunk, None], b_all[lo: lo + chunk, None]
        inside = cumulative[b - delta + days + 1] - cumulative[a - delta + days]
        hits += (inside > 0).sum(axis=0)
    return hits / m
