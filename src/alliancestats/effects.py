r"""Effect sizes with confidence intervals: how many matches beyond chance, how
large a share of responses a trigger causes, how much likelier a covered day is.

Everything is computed from three primitive inputs, so that any null that places
responses independently can report them: the responses' offsets ``u_i`` into the
period, the per-day coverage count ``c(d)`` (distinct trigger days whose window
covers period day ``d``, from :func:`alliancestats.matching.coverage_counts`, the
same count the ``pairs`` statistic adds up) and, per response, the candidate
interval ``[a_i, b_i]`` of period offsets on which the null places it uniformly
(the whole period for ``uniform``, the stratum for ``stratified``,
``[t_i - J, t_i + J]`` clipped to the period for ``jitter``, the response's own
range of shifts for ``episode-jitter`` when every episode is one response).
:func:`compute_effect_sizes` takes those arrays; :func:`effect_sizes` builds
them from event series.

The effect sizes are *not defined* under ``circular``, ``poisson`` and
``shuffle-triggers``, nor under ``episode-jitter`` when an episode holds more
than one response: those nulls move responses together or redraw the triggers,
so K under them is not the Poisson-binomial sum every interval rests on (see
:meth:`alliancestats.nulls.NullModel.effect_sizes_refusal`, which says why in
each case). :func:`effect_sizes` raises there; a coincidence result says so in
its summary and writes None, with the reason, in ``to_dict()``.

This module is ``alliancestats.effects``; the function :func:`effect_sizes` is
``alliancestats.effect_sizes``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._effect_math import (coupling_fits, excess_at, excess_intervals, rate_ratio_fits,
                           response_terms)
from ._docstrings import shared
from ._output import html_block, interval_text, json_ready, text_block
from ._setup import Setup, build_setup
from ._validation import check_fraction
from .errors import AllianceStatsError
from .events import EventSeries
from .nulls import make_null
from .nulls._placement import UnitPlacementNull
from .period import Period
from .result import ConfidenceInterval
from .window import Window

__all__ = ["EffectSizes", "effect_sizes", "compute_effect_sizes"]


# -- the result ------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class EffectSizes:
    r"""Effect sizes of the coincidence of responses with triggers, with intervals.

    Attributes
    ----------
    n, k : int
        Responses and matched responses (K).
    expected : float
        :math:`E_0[K] = \sum_i p_i` under the placement null.
    excess : float
        :math:`K - E_0[K]`, an unbiased estimate of :math:`E_\pi[K] - E_0[K]`.
    excess_ci : ConfidenceInterval
        Mid-p interval for :math:`E_\pi[K] - E_0[K]` (see Notes of
        :func:`effect_sizes`).
    excess_if_all_caused : float
        :math:`\sum_i (h_i - p_i)`: the excess if every response were caused.
    coupling : float
        Maximum-likelihood share :math:`\hat\pi` of responses caused by a trigger.
    coupling_ci : ConfidenceInterval
        Profile-likelihood interval for π (χ²₁ cut-off, clipped to [0, 1]).
    coupling_lr, coupling_pvalue : float
        Likelihood-ratio statistic and p-value of π = 0 (half χ²₁ mixture).
    rate_ratio : float
        Rate of responses on covered days over that on uncovered days
        (conditional ML; ``inf`` when no informative response is unmatched,
        NaN when no response's interval has both kinds of day).
    rate_ratio_ci : ConfidenceInterval
        Conditional mid-p interval for the rate ratio.
    informative : int
        Responses whose interval has both covered and uncovered days (only
        they carry information about π and the rate ratio).
    confidence_level : float
    """

    n: int
    k: int
    expected: float
    excess: float
    excess_ci: ConfidenceInterval
    excess_if_all_caused: float
    coupling: float
    coupling_ci: ConfidenceInterval
    coupling_lr: float
    coupling_pvalue: float
    rate_ratio: float
    rate_ratio_ci: ConfidenceInterval
    informative: int
    confidence_level: float

    def _pairs(self, *, effects_only: bool = False) -> list[tuple[str, str]]:
        """The report's ``(label, text)`` lines (``effects_only``: the estimates alone, as
        :meth:`CoincidenceResult.summary` shows them)."""
        level = f"{100 * self.confidence_level:g}%"
        rate = ("not estimable (no response's interval has both covered and uncovered days)"
                if np.isnan(self.rate_ratio) else
                f"{self.rate_ratio:.3f}  ({level} CI {interval_text(*self.rate_ratio_ci)}, "
                "conditional mid-p; responses on covered vs uncovered days)")
        effects = [
            ("Excess K - E0[K]", f"{self.excess:.3f}  ({level} CI "
                                 f"{interval_text(*self.excess_ci)}, mid-p inversion; "
                                 f"{self.excess_if_all_caused:.3f} if every response were caused)"),
            ("Coupling share", f"{self.coupling:.3f}  ({level} CI {interval_text(*self.coupling_ci)}, "
                               "profile likelihood)"),
            ("Test of no coupling", f"LR = {self.coupling_lr:.3f}, p = {self.coupling_pvalue:.4g} "
                                    "(half chi-square(1) mixture)"),
            ("Rate ratio", rate),
        ]
        if effects_only:
            return effects
        return [("Matched K", f"{self.k} of {self.n}; expected under the null {self.expected:.3f}"),
                *effects,
                ("Informative responses", f"{self.informative} (interval with covered and "
                                          "uncovered days)")]

    @shared
    def summary(self) -> str:
        """The effect sizes as a plain-text report, each with its interval.

        Returns
        -------
        {shared: returns_summary}
        """
        return text_block("Effect sizes: how far the matches exceed chance", self._pairs())

    def _repr_html_(self) -> str:
        return html_block("Effect sizes", self._pairs())

    @shared
    def to_dict(self) -> dict[str, Any]:
        """The effect sizes as a JSON-ready dict: every field, intervals as
        ``[low, high]`` lists.

        Returns
        -------
        {shared: returns_json}
        """
        unmatched = ("" if np.isinf(self.rate_ratio) else " or nearly so")
        return json_ready({
            "n": self.n, "k": self.k, "expected": self.expected, "excess": self.excess,
            "excess_ci": list(self.excess_ci), "excess_if_all_caused": self.excess_if_all_caused,
            "coupling": self.coupling, "coupling_ci": list(self.coupling_ci),
            "coupling_lr": self.coupling_lr, "coupling_pvalue": self.coupling_pvalue,
            "rate_ratio": self.rate_ratio, "rate_ratio_ci": list(self.rate_ratio_ci),
            "informative": self.informative, "confidence_level": self.confidence_level,
        }, reasons={
            "rate_ratio": "no response's interval has both covered and uncovered days"
                          if np.isnan(self.rate_ratio) else
                          "every informative response is matched",
            "rate_ratio_ci": f"the upper bound is infinite: every informative response is "
                             f"matched{unmatched}",
        })

    def to_frame(self) -> pd.DataFrame:
        """The three effect sizes as a table.

        Returns
        -------
        pandas.DataFrame
            One row per effect size (excess matches, coupling share, rate ratio):
            ``effect, estimate, ci_low, ci_high``.
        """
        return pd.DataFrame({
            "effect": ["excess matches", "coupling share", "rate ratio"],
            "estimate": [self.excess, self.coupling, self.rate_ratio],
            "ci_low": [self.excess_ci.low, self.coupling_ci.low, self.rate_ratio_ci.low],
            "ci_high": [self.excess_ci.high, self.coupling_ci.high, self.rate_ratio_ci.high],
        })


def _check_primitives(offsets: np.ndarray, counts: np.ndarray, first: np.ndarray,
                      last: np.ndarray) -> None:
    if offsets.ndim != 1 or offsets.size == 0 or first.shape != offsets.shape \
            or last.shape != offsets.shape:
        raise AllianceStatsError("`offsets`, `first` and `last` must be 1-d arrays of one "
                                 "common, non-zero length")
    if counts.ndim != 1 or counts.size == 0 or (counts < 0).any():
        raise AllianceStatsError("`counts` must be a 1-d array of non-negative counts, one "
                                 "per period day")
    bad = np.flatnonzero((first < 0) | (last >= counts.size) | (first > offsets) | (offsets > last))
    if bad.size:
        raise AllianceStatsError(
            f"each response needs 0 <= first <= offset <= last < T = {counts.size}; responses "
            f"{bad[:10].tolist()} break this")


def compute_effect_sizes(offsets: Any, counts: Any, first: Any, last: Any, *,
                         confidence_level: float = 0.95) -> EffectSizes:
    """All effect sizes from primitive arrays (see :func:`effect_sizes` for the model).

    The intervals assume that the null places each response independently and
    uniformly on its candidate interval (K is then Poisson-binomial); the
    arrays cannot show whether that holds, so the caller must know it does.

    Parameters
    ----------
    offsets : array of int, shape (n,)
        Response days as offsets ``0 .. T-1`` into the period.
    counts : array of int, shape (T,)
        ``c(d)``, the number of distinct trigger days whose window covers period day ``d``.
    first, last : array of int, shape (n,)
        Each response's candidate interval of period offsets (inclusive).
    confidence_level : float
        Of every interval, in ``(0, 1)``.

    Returns
    -------
    EffectSizes
        Excess matches, coupling share and rate ratio, each with its interval.
    """
    level = check_fraction(confidence_level, "confidence_level")
    arrays = [np.asarray(a) for a in (offsets, counts, first, last)]
    for name, array in zip(("offsets", "counts", "first", "last"), arrays):
        if not np.issubdtype(array.dtype, np.integer):
            raise AllianceStatsError(f"`{name}` must hold integers, got dtype {array.dtype}")
    _check_primitives(*arrays)
    terms = response_terms(*arrays)
    excess_low, excess_high = excess_intervals(terms, level)
    coupling, coupling_low, coupling_high, lr, pvalue = coupling_fits(terms, level)
    rate, rate_low, rate_high = rate_ratio_fits(terms, level)
    k = int(terms.k[0])
    expected = float(terms.null_probability.sum())
    return EffectSizes(
        n=int(arrays[0].size), k=k, expected=expected, excess=k - expected,
        excess_ci=ConfidenceInterval(float(excess_low[0]), float(excess_high[0])),
        excess_if_all_caused=float(excess_at(terms, np.ones(1))[0]),
        coupling=float(coupling[0]),
        coupling_ci=ConfidenceInterval(float(coupling_low[0]), float(coupling_high[0])),
        coupling_lr=float(lr[0]), coupling_pvalue=float(pvalue[0]),
        rate_ratio=float(rate[0]),
        rate_ratio_ci=ConfidenceInterval(float(rate_low[0]), float(rate_high[0])),
        informative=int(((terms.covered > 0) & (terms.covered < terms.days)).sum()),
        confidence_level=level,
    )


def candidate_intervals(model: UnitPlacementNull, setup: Setup) -> tuple[np.ndarray, np.ndarray]:
    """Each response's interval of period offsets on which the null places it.

    For the nulls that move units (a response or an episode) within candidate
    ranges, response ``i`` of unit ``u`` can lie on ``[a_u + r_i, b_u + r_i]``
    (its unit's anchor range shifted by its offset within the unit). Only
    where every unit is one response (see :func:`effect_sizes_of`) are these
    the independent placements the effect sizes assume.
    """
    units = model.units(setup)
    return units.low[units.unit] + units.rel, units.high[units.unit] + units.rel


@shared
def effect_sizes(responses: EventSeries, triggers: EventSeries, *, window: Window,
                 period: Period, null: str = "uniform", confidence_level: float = 0.95,
                 drop_outside: bool = False, **null_options: Any) -> EffectSizes:
    r"""Excess matches, coupling share and rate ratio, each with a confidence interval.

    Parameters
    ----------
    {shared: responses_triggers window period}
    null : {"uniform", "stratified", "jitter", "episode-jitter"}
        The null whose placement defines chance: each response's *candidate
        interval* ``I_i`` is the whole period for ``"uniform"``, its stratum
        for ``"stratified"``, ``±J`` days (clipped) for ``"jitter"``, its
        range of shifts for ``"episode-jitter"``. Only nulls that place each
        response independently are accepted: ``"episode-jitter"`` only when
        every episode is a single response; ``"circular"`` (one common shift
        of all responses) and ``"poisson"``, ``"shuffle-triggers"`` (which
        redraw the triggers, so that their :math:`E[K]` is not a placement of
        the responses) raise :class:`AllianceStatsError` saying why and what
        to use instead. With ``"uniform", distinct=True`` K is hypergeometric
        under the null, slightly less variable than the binomial the
        intervals use, which makes them slightly conservative.
    confidence_level : float
        Of every interval (default 0.95).
    drop_outside : bool
        Drop responses outside the period instead of raising.
    **null_options
        Options of the null (``strata=``, ``days=``).

    Returns
    -------
    EffectSizes

    Raises
    ------
    AllianceStatsError
        Under a null that does not place responses independently (above).

    Notes
    -----
    Let :math:`c(d)` be the number of distinct trigger days whose window covers day ``d``,
    :math:`C_i` the covered days and :math:`W_i = \sum_{d \in I_i} c(d)` the
    coverage weight of response ``i``'s interval. The null places response
    ``i`` with density :math:`b_i(t) = 1/|I_i|` on :math:`I_i` and matches it
    with probability :math:`p_i = C_i/|I_i|`.

    *Coupled-response model.* With probability π a response is *caused*: it
    lands ``d`` days after a trigger ``s``, the pair ``(s, d)`` uniform over
    triggers and the window's lags, i.e. on day ``t`` with probability
    proportional to :math:`c(t)`; restricted to its interval that is
    :math:`g_i(t) = c(t)/W_i`. Otherwise it is placed as the null places it:

    .. math:: f_i(t) = \pi\, g_i(t) + (1 - \pi)\, b_i(t).

    A caused response lands on a day with :math:`c(t) > 0`, so it is matched
    with probability :math:`h_i = 1` (0 if :math:`W_i = 0`). Edge effects
    enter when caused responses are generated as
    :func:`alliancestats.simulate.coupled_responses` does: a trigger in the
    period and a lag uniform on ``[lo, hi]``, falling back to a uniform day
    when ``s + d`` leaves the period, which happens with probability
    :math:`\varepsilon = (mL)^{-1}\sum_s \#\{d : s + d \notin \text{period}\}`.
    Then :math:`h = 1 - \varepsilon(1 - p)` and
    :math:`P(\text{matched}) = \pi h + (1 - \pi) p = p + \pi(1 - \varepsilon)(1 - p)`:
    the model above with :math:`\pi(1 - \varepsilon)` in place of π (exactly
    so when no trigger before the period covers a period day).

    *Excess matches.* The null places responses independently (which is why
    only such nulls are accepted), so
    :math:`K \sim \mathrm{PoissonBinomial}(q_i)` with
    :math:`q_i = p_i + \pi (h_i - p_i)` and
    :math:`E_\pi[K] - E_0[K] = \pi \sum_i (h_i - p_i)`, estimated without
    bias by :math:`K - E_0[K]`. Negative π extends the family to avoidance
    (a share :math:`|\pi|` of responses kept off covered days,
    :math:`q_i = (1 - |\pi|) p_i` unless the interval is fully covered), so
    that a K below chance gets an interval too. The interval inverts the
    mid-p tail test of K in π: the lower bound solves
    :math:`P_\pi(K > k) + \frac12 P_\pi(K = k) = \alpha/2`, the upper
    :math:`P_\pi(K < k) + \frac12 P_\pi(K = k) = \alpha/2`. Mid-p was chosen
    over the exact rule, which over-covers. K being discrete, neither stays
    within 2 points of the nominal level for every π at n = 25; the methods
    page gives the coverage.

    *Coupling share.* The log-likelihood is
    :math:`\ell(\pi) - \ell(0) = \sum_i \log(1 + \pi (r_i - 1))`,
    :math:`r_i = g_i(t_i)/b_i(t_i) = c(t_i) |I_i| / W_i`, concave in π and
    maximised on [0, 1] by a root of the score. The interval is
    :math:`\{\pi \in [0,1] : 2(\ell(\hat\pi) - \ell(\pi)) \le \chi^2_{1,1-\alpha}\}`.
    The test of π = 0 is on the boundary, so its LR statistic is
    :math:`\tfrac12\delta_0 + \tfrac12\chi^2_1` under the null (Self & Liang,
    1987): :math:`p = \tfrac12 P(\chi^2_1 \ge LR)` (1 when :math:`\hat\pi = 0`).
    The score at 0 is :math:`\sum_i (r_i - 1)`; when every interval is the
    whole period it is :math:`T S / \sum_d c(d) - n`, with
    :math:`S = \sum_i c(t_i)` the number of (response, trigger) pairs at a lag
    in the window: the score test of no coupling is the pairs statistic.

    *Rate ratio.* If responses fall on covered days at ρ times the rate of
    uncovered days, response ``i`` is matched with probability
    :math:`q_i(\rho) = \rho C_i / (\rho C_i + |I_i| - C_i)`. The conditional
    ML estimate solves :math:`\sum_i q_i(\hat\rho) = K`; with the whole
    period as interval it is :math:`(K/C) / ((n - K)/(T - C))` and K given n
    is Binomial(n, θ), θ = ρC/(ρC + T − C). The interval is the conditional
    mid-p interval (the same tail inversion, in ρ).

    References
    ----------
    .. [1] Self, S. G. and Liang, K.-Y. (1987). Asymptotic properties of maximum
       likelihood estimators and likelihood ratio tests under nonstandard
       conditions. *JASA* 82(398), 605–610.

    Examples
    --------
    >>> import alliancestats as als
    >>> case = als.datasets.load_iran_venezuela()
    >>> eff = als.effect_sizes(case.meetings, case.independent_sanctions,
    ...                        window=case.window, period=case.period)
    >>> eff.k, eff.n, round(eff.expected, 2), round(eff.excess, 2)
    (21, 25, 17.49, 3.51)
    >>> [round(x, 2) for x in eff.excess_ci]
    [-1.04, 6.19]
    >>> round(eff.rate_ratio, 2), [round(x, 2) for x in eff.rate_ratio_ci]
    (2.26, [0.83, 7.68])
    >>> eff.coupling, round(eff.coupling_ci.high, 3), eff.coupling_pvalue
    (0.0, 0.518, 1.0)
    """
    model = make_null(null, null_options)
    level = check_fraction(confidence_level, "confidence_level")
    setup, _ = build_setup(responses, triggers, window=window, period=period,
                           drop_outside=drop_outside)
    return effect_sizes_of(model, setup, confidence_level=level)


def effect_sizes_of(model: Any, setup: Setup, *, confidence_level: float = 0.95) -> EffectSizes:
    """The effect sizes of a validated problem under a null model (what
    :meth:`CoincidenceResult.effect_sizes` and :func:`effect_sizes` both call).

    Raises :class:`AllianceStatsError` where the null does not place responses
    independently (``model.effect_sizes_refusal(setup)`` says why)."""
    reason = model.effect_sizes_refusal(setup)
    if reason is not None:
        raise AllianceStatsError(f"`null`: effect sizes are not defined under {model.name!r}: "
                                 f"{reason}")
    assert isinstance(model, UnitPlacementNull)
    first, last = candidate_intervals(model, setup)
    return compute_effect_sizes(setup.response_offsets, setup.coverage_count,
                                np.asarray(first, np.int64), np.asarray(last, np.int64),
                                confidence_level=confidence_level)
