r"""``likelihood``: Λ, the log likelihood ratio of a fixed coupling share against none
(the math is in :class:`Likelihood`)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from ._base import AdditiveStatistic

#: the alternative coupling share :math:`\pi_1`
COUPLING_ALTERNATIVE = 0.5
#: lattice steps per nat: Λ is in tenths of a natural-log unit
RESOLUTION = 10
#: arrays of more counts than this are scored through a table of their distinct values
TABLE_FROM = 64


class Likelihood(AdditiveStatistic):
    r"""Λ: log likelihood ratio of coupling share 0.5 against none, in tenths of a nat.

    Notes
    -----
    The coupled-response model (see :func:`alliancestats.effect_sizes`) places a
    response, with probability :math:`\pi`, after a trigger day (a pair of trigger
    day and lag in the window, chosen uniformly among the pairs that land in the
    period) and otherwise on a uniform day; its density on period day ``d`` is

    .. math:: g_\pi(d) = \frac{1-\pi}{T} + \pi\,\frac{c(d)}{\Sigma_c}
              = \frac1T\Big[1 - \pi + \pi\,\frac{c(d)}{\bar c}\Big],

    with :math:`c(d)` the distinct trigger days whose window covers day ``d``,
    :math:`\Sigma_c` its sum and :math:`\bar c = \Sigma_c / T` its mean over the
    ``T`` period days. The log likelihood ratio of coupling share :math:`\pi_1`
    against :math:`\pi = 0` for responses on days :math:`t_1, \dots, t_n` is

    .. math:: \log \mathrm{LR} = \sum_{i=1}^{n} \log\Big(1 - \pi_1 + \pi_1\,
              \frac{c(t_i)}{\bar c}\Big)
              = n \log(1 - \pi_1) + \sum_{i=1}^{n} \log\big(1 + \rho\, c(t_i)/\bar c\big),
              \qquad \rho = \frac{\pi_1}{1 - \pi_1}.

    ``n`` is the same in every null draw, so the test needs only the sum. The
    statistic is that sum on an integer lattice of :data:`RESOLUTION` = 10 steps
    per nat (tenths of a natural-log unit):

    .. math:: \Lambda = \sum_{i=1}^{n} \ell(t_i), \qquad
              \ell(d) = \operatorname{round}\big(10 \log(1 + \rho\, c(d)/\bar c)\big),

    an integer :math:`\ge 0` with :math:`\ell(d) = 0` on uncovered days. Λ is
    reported in these units (Λ = 156 is 15.6 nats above
    :math:`n \log(1 - \pi_1)`); the rounding (at most 0.05 nat per response) makes
    Λ a statistic of its own, whose null distribution every exact engine computes
    exactly, as for K and S: it is a sum over responses of an integer score of
    the day, so the placement nulls convolve it and the circular null shifts it.
    The trigger-redrawing nulls (``poisson``, ``shuffle-triggers``) score each
    response by the trigger days in its own window, with :math:`\bar c` held at its
    value on the observed triggers (a constant of the statistic, not recomputed
    per draw); they simulate Λ.

    :math:`\pi_1` is fixed at :data:`COUPLING_ALTERNATIVE` = 0.5 (so
    :math:`\rho = 1` and :math:`\ell(d) = \operatorname{round}(10 \log(1 + c(d)/\bar c))`),
    chosen before any case-study p-value: strong coupling is what a test of this
    design must not miss, and the most powerful test against a share in the
    middle of the range keeps its power across shares. The choice is not fragile:
    with the case study's sanctions, 25 responses and the uniform null, the exact
    power against couplings 0.3, 0.5 and 0.8 changes by at most 0.016 for
    :math:`\pi_1` anywhere from 0.3 to 0.7 (0.451, 0.805, 0.994 at 0.5; S:
    0.418, 0.765, 0.986).

    When Λ beats S and K: S (:mod:`~alliancestats.statistics.pairs`) is the score
    test, the limit of Λ as :math:`\pi_1 \to 0`, linear in :math:`c`: most powerful
    against weak coupling, but a response on a day with many triggers in its window
    counts many times, so a few such days dominate S and its null variance. Λ grows
    like :math:`\log c`: under strong coupling it weighs every coupled response
    more evenly, and on triggers as uneven as the case study's sanctions (heavy
    bursts) it has the higher power. K (:mod:`~alliancestats.statistics.matches`)
    uses only :math:`\mathbf 1[c > 0]` (the likelihood ratio test when every
    covered day has the same :math:`c`); it loses most when windows cover most
    days. Λ assumes, like S, that each trigger day can cause a response at a lag
    in the window, every lag equally; that is the alternative it is aimed at, not
    an assumption of the test, whose level comes from the null alone. When no two
    windows overlap, :math:`c` is 0 or 1 and K, S and Λ are the same test.
    """

    name: ClassVar[str] = "likelihood"
    symbol: ClassVar[str] = "Λ"
    description: ClassVar[str] = ("log likelihood ratio of coupling share 0.5 against none "
                                  "(tenths of a nat)")

    #: :math:`\pi_1`, the coupling share of the alternative
    alternative_share: ClassVar[float] = COUPLING_ALTERNATIVE
    reads_coverage: ClassVar[bool] = True

    def scores(self, counts: np.ndarray, coverage: np.ndarray) -> np.ndarray:
        r""":math:`\ell`: ``round(10 log(1 + rho counts / c̄))``, c̄ the mean of ``coverage``
        over its last axis (the period's days), int64; 0 everywhere if c̄ = 0."""
        coverage = np.asarray(coverage, dtype=float)
        mean = coverage.mean(axis=-1, keepdims=True) if coverage.shape[-1] else np.zeros(1)
        rho = self.alternative_share / (1 - self.alternative_share)
        counts = np.asarray(counts)
        table = None
        if mean.size == 1 and counts.dtype.kind in "iu" and counts.size > TABLE_FROM:
            top = int(counts.max())
            if int(counts.min()) >= 0 and top < counts.size:   # one value per count, looked up
                table, counts = counts, np.arange(top + 1)
        ratio = counts.astype(float) / np.where(mean > 0, mean, 1.0)
        values = np.rint(RESOLUTION * np.log1p(rho * ratio)).astype(np.int64)
        return values if table is None else values.reshape(-1)[table]

    def transform(self, counts: np.ndarray) -> np.ndarray:
        raise TypeError("Λ's score depends on the period's mean coverage: use "
                        "scores(counts, coverage)")
