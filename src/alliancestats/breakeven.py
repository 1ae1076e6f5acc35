"""Break-even trigger rate: how often must triggers come for K of n to be chance?"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats
from scipy.ndimage import minimum_filter1d

from ._docstrings import shared
from ._output import json_ready
from ._output import Displayed
from ._setup import build_setup
from ._validation import check_integer, check_rng
from .errors import AllianceStatsError
from .events import EventSeries
from .nulls.poisson import PoissonNull, window_hit_pmf
from .period import Period
from .window import Window

__all__ = ["BreakEvenResult", "break_even_rate", "rate_curve"]

DAYS_PER_YEAR = 365.25


def _check_level(alpha: Any) -> float:
    if not isinstance(alpha, (int, float)) or isinstance(alpha, bool) or not 0 < alpha < 1:
        raise AllianceStatsError(f"`alpha` must be a number in (0, 1), got {alpha!r}")
    return float(alpha)


def break_even_rate(k: int, n: int, *, window: Window, alpha: float = 0.05) -> float:
    r"""Trigger rate per year above which ``k`` of ``n`` is not significant.

    Closed form under the Poisson baseline with independent responses: with
    triggers a Poisson process of :math:`\lambda` per year, a response is matched
    with probability :math:`p(\lambda) = 1 - e^{-\lambda L / 365.25}` and
    :math:`K \sim \mathrm{Binomial}(n, p)`. The one-sided p-value
    :math:`P(K \ge k)` grows with :math:`\lambda`; it equals :math:`\alpha` at
    :math:`p^* = B^{-1}(\alpha;\, k, n - k + 1)` (the one-sided Clopper–Pearson
    lower bound), so

    .. math:: \lambda^* = -\frac{365.25}{L}\,\ln(1 - p^*).

    Below :math:`\lambda^*` triggers per year, ``k`` of ``n`` is significant at
    level ``alpha``; above it, it is not.

    Parameters
    ----------
    k, n : int
        Matched responses and responses, ``0 <= k <= n``.
    window : Window
        The window; only its length ``L`` matters.
    alpha : float
        The significance level.

    Returns
    -------
    float
        :math:`\lambda^*`, triggers per year.

    Examples
    --------
    >>> round(break_even_rate(16, 25, window=Window.after(days=30, slack=3)), 2)
    6.54
    """
    k = check_integer(k, "k", minimum=0)
    n = check_integer(n, "n", minimum=1)
    if k > n:
        raise AllianceStatsError(f"`k` must be <= `n`, got k={k}, n={n}")
    if not isinstance(window, Window):
        raise AllianceStatsError(f"`window` must be an alliancestats.Window, got {type(window).__name__}")
    alpha = _check_level(alpha)
    if k == 0:
        return 0.0
    p_star = float(stats.beta.ppf(alpha, float(k), float(n - k + 1)))
    return float(-np.log1p(-p_star) * DAYS_PER_YEAR / window.length)


@dataclass(frozen=True, eq=False)
class BreakEvenResult(Displayed):
    """Outcome of :func:`rate_curve`.

    Attributes
    ----------
    curve : pandas.DataFrame
        ``method, rate_per_year, expected, pvalue`` (and ``coverage`` for thinning).
    break_even : dict
        Rate per year at which p crosses ``alpha``, per method (NaN if it never does).
    observed_rate : float
        Distinct trigger days per year in the period.
    k, n : int
        The observed K and the number of responses tested.
    alpha : float
        The level the break-even rates are for.
    n_dropped : int
        Responses outside the period left out (``drop_outside=True``).
    """

    curve: pd.DataFrame
    break_even: dict[str, float]
    observed_rate: float
    k: int
    n: int
    alpha: float
    n_dropped: int = 0

    def to_frame(self) -> pd.DataFrame:
        """The p-versus-rate curve, one row per (method, rate).

        Returns
        -------
        pandas.DataFrame
        """
        return self.curve.copy()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (a break-even rate that is never reached is null, with
        the reason).

        Returns
        -------
        dict
        """
        return json_ready({"k": self.k, "n": self.n, "alpha": self.alpha,
                           "observed_rate_per_year": self.observed_rate,
                           "rate_per_year": dict(self.break_even), "n_dropped": self.n_dropped,
                           "curve": self.curve})

    _title = "Break-even trigger rate: how rare would triggers have to be?"
    __repr__ = Displayed._short_repr

    def _pairs(self) -> list[tuple[str, str]]:
        pairs = [("Observed", f"K = {self.k} of {self.n}; {self.observed_rate:.2f} trigger days "
                              f"per year")]
        for method, rate in self.break_even.items():
            pairs.append((method, f"{rate:.3g} trigger days per year" if np.isfinite(rate) else
                                  "p never crosses alpha within the rates tried"))
        return pairs + [("Level", f"alpha = {self.alpha}")]

    def _tables(self) -> list[tuple[str, pd.DataFrame]]:
        return [("p against the trigger rate", self.curve)]


def _crossing(rates: np.ndarray, pvalues: np.ndarray, alpha: float) -> float:
    above = np.flatnonzero(pvalues >= alpha)
    if above.size == 0:
        return float("nan")
    i = above[0]
    if i == 0:
        return float(rates[0]) if pvalues[0] == alpha else float("nan")
    x0, x1, y0, y1 = np.log(rates[i - 1]), np.log(rates[i]), pvalues[i - 1], pvalues[i]
    return float(np.exp(x0 + (alpha - y0) * (x1 - x0) / (y1 - y0)))


@shared
def rate_curve(
    responses: EventSeries,
    triggers: EventSeries,
    *,
    window: Window,
    period: Period,
    alpha: float = 0.05,
    multipliers: Any = None,
    n_replicates: int = 200,
    rng: Any = None,
    drop_outside: bool = False,
) -> BreakEvenResult:
    r"""p-value of the observed K as a function of the trigger rate, three ways.

    * ``poisson-closed-form``: :func:`break_even_rate`'s binomial (independent
      responses, Poisson triggers).
    * ``poisson-exact``: triggers a Bernoulli-day process at rate ``q`` per day
      (``365.25 q`` per year), with the real response dates and the exact
      recursion of the ``poisson`` null (overlapping windows handled).
    * ``thinning``: the actual trigger days, made rarer or more frequent while
      keeping their pattern. For a multiplier ``f <= 1`` each distinct trigger day
      is kept with probability ``f``; for ``f > 1`` all are kept and each other
      day that can cover the period becomes a trigger day with the probability
      that brings the expected count to ``f m``. For each ``f``, ``n_replicates``
      random versions give the mean coverage ``C/T`` and the ``uniform``-null
      p-value of the *observed* K, :math:`P(\mathrm{Binomial}(n, C/T) \ge K)`.
      The multipliers share their random numbers (one uniform per day and
      replicate: a day is kept at ``f`` when its uniform is below ``f``), so the
      versions are nested across ``f`` and the curve is smooth in ``f``; each
      multiplier's versions alone are distributed as described.

    The observed K and n stay fixed throughout: the question is how often
    triggers must come for that count to be unremarkable.

    Parameters
    ----------
    {shared: responses_triggers window period alpha}
    multipliers : sequence of float, optional
        Factors scaling the observed rate, each positive and finite (default 41
        values from 0.05 to 8, log-spaced).
    n_replicates : int
        Random thinned or thickened versions per multiplier.
    {shared: rng drop_outside}

    Returns
    -------
    BreakEvenResult

    Examples
    --------
    >>> import alliancestats as als
    >>> case = als.datasets.load_iran_venezuela()
    >>> res = rate_curve(case.meetings, case.cited_sanctions, window=case.window,
    ...                  period=case.period, n_replicates=50, rng=0)
    >>> round(res.break_even["poisson-closed-form"], 2), round(res.observed_rate, 2)
    (6.54, 2.5)
    """
    alpha = _check_level(alpha)
    n_replicates = check_integer(n_replicates, "n_replicates", minimum=1)
    generator = check_rng(rng)
    factors = _check_multipliers(multipliers)
    setup, n_dropped = build_setup(responses, triggers, window=window, period=period,
                                   drop_outside=drop_outside)
    k, n, years = setup.observed_k, setup.n, period.n_days / DAYS_PER_YEAR
    observed_rate = PoissonNull().trigger_days_in_period(setup) / years
    base = max(observed_rate, 1 / years)
    rates = np.sort(factors) * base
    rows, known = [], {}
    for rate in rates:
        p_match = -np.expm1(-rate * window.length / DAYS_PER_YEAR)
        rows.append(("poisson-closed-form", rate, np.nan, n * p_match,
                     float(stats.binom.sf(k - 1, n, p_match))))
        q = min(rate / DAYS_PER_YEAR, 1.0)
        pmf = window_hit_pmf(np.sort(setup.response_days), window.length, q)
        known[q] = float(pmf[k:].sum())
        rows.append(("poisson-exact", rate, np.nan, n * (1 - (1 - q) ** window.length),
                     min(known[q], 1.0)))
    ordered = np.sort(factors)
    all_coverages = _thinned_coverages(setup.reach_grid, ordered, n_replicates, window.length,
                                       period.n_days, generator)
    for f, coverages in zip(ordered, all_coverages):
        share = float(coverages.mean())
        pvals = stats.binom.sf(k - 1, n, coverages)
        rows.append(("thinning", f * observed_rate, share, n * share, float(pvals.mean())))
    curve = pd.DataFrame(rows, columns=["method", "rate_per_year", "coverage", "expected", "pvalue"])
    crossing = {method: _crossing(part.rate_per_year.to_numpy(), part.pvalue.to_numpy(), alpha)
                for method, part in curve.groupby("method", sort=False)}
    crossing["poisson-closed-form"] = break_even_rate(k, n, window=window, alpha=alpha)
    crossing["poisson-exact"] = _exact_break_even(setup.response_days, window.length, k,
                                                  alpha, known)
    return BreakEvenResult(curve=curve, break_even=crossing, observed_rate=observed_rate,
                           k=k, n=n, alpha=alpha, n_dropped=n_dropped)


#: largest multiplier of the observed trigger rate (beyond it every day is a trigger day)
MAX_MULTIPLIER = 1e6


def _check_multipliers(multipliers: Any) -> np.ndarray:
    rule = (f"`multipliers` must be a non-empty sequence of numbers in (0, {MAX_MULTIPLIER:g}]")
    if multipliers is None:
        return np.geomspace(0.05, 8, 41)
    if isinstance(multipliers, (str, bytes)) or not np.iterable(multipliers):
        raise AllianceStatsError(f"{rule}, got {multipliers!r}")
    values = list(multipliers)
    bad = [v for v in values if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real)]
    if bad or not values:
        raise AllianceStatsError(f"{rule}, got {bad[0] if bad else values!r}")
    factors = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(factors)) or np.any(factors <= 0) or np.any(factors > MAX_MULTIPLIER):
        raise AllianceStatsError(f"{rule}, got {values!r}")
    return factors


def _exact_break_even(days: np.ndarray, length: int, k: int, alpha: float,
                      known: dict[float, float]) -> float:
    """Trigger rate per year at which the exact ``poisson`` p-value of ``k`` is ``alpha``.

    ``known`` maps day probabilities already computed to their tail ``P(K >= k)``; the
    p-value rises with ``q``, so the root is searched between the closest of them on
    either side of ``alpha`` (or the ends ``1e-9``, ``1 - 1e-9``)."""
    ordered = np.sort(days)
    tail = lambda q: window_hit_pmf(ordered, length, q)[k:].sum() - alpha  # noqa: E731
    low, high = 1e-9, 1 - 1e-9
    below = [q for q, p in known.items() if low < q < high and p < alpha]
    above = [q for q, p in known.items() if low < q < high and p >= alpha]
    if k == 0 or (not below and tail(low) >= 0):
        return 0.0
    if not above and tail(high) < 0:
        return float("nan")
    low, high = max(below, default=low), min(above, default=high)
    return float(optimize.brentq(tail, low, high, xtol=1e-12) * DAYS_PER_YEAR)


#: uniforms drawn at once by the thinning replicates (chunks of replicates stay below it)
CHUNK_CELLS = 2**22


def _thinned_coverages(grid: np.ndarray, factors: np.ndarray, replicates: int, length: int,
                       n_days: int, rng: np.random.Generator) -> np.ndarray:
    """Coverage share of ``replicates`` thinned/thickened versions of a trigger grid for
    every factor (sorted ascending), shape ``(len(factors), replicates)``.

    One uniform ``u`` per grid day and replicate serves every factor: at ``f <= 1`` a
    trigger day is kept iff ``u < f``; at ``f > 1`` every trigger day is kept and
    another day becomes one iff ``u < x(f)``, the probability bringing the expected
    count to ``f m``. Each factor's version has exactly the distribution of an
    independent draw; across factors the versions are nested (common random numbers).
    A period day ``d`` sees grid days ``d .. d + length - 1``; it is covered at ``f <= 1``
    iff the least ``u`` over its trigger days is below ``f``, and at ``f > 1`` iff it
    sees a trigger day or the least ``u`` over its other days is below ``x(f)``: two
    sliding minima per replicate, compared with every threshold.
    """
    m = int(grid.sum())
    free = grid.size - m
    extra = [min((f - 1) * m / free, 1.0) if free else 0.0 for f in factors.tolist()]
    out = np.empty((len(factors), replicates))
    rows = max(1, CHUNK_CELLS // grid.size)
    start = length // 2                 # the filter's output at i covers i - length // 2 ...
    for a in range(0, replicates, rows):
        b = min(a + rows, replicates)
        u = rng.random((b - a, grid.size))
        kept = minimum_filter1d(np.where(grid, u, np.inf), length, axis=1, mode="constant",
                                cval=np.inf)[:, start: start + n_days]
        added = minimum_filter1d(np.where(grid, -1.0, u), length, axis=1, mode="constant",
                                 cval=np.inf)[:, start: start + n_days]
        for i, f in enumerate(factors.tolist()):
            covered = kept < f if f <= 1 else added < extra[i]
            out[i, a:b] = np.count_nonzero(covered, axis=1) / n_days
    return out
