"""Power: how likely is a test to detect a given coupling, and how many responses it needs."""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

import pandas as pd

from ._convolution import power as convolution_power
from ._docstrings import shared
from ._output import Displayed, json_ready, typed_frame
from ._progress import check_progress, track
from ._validation import check_choice, check_integer, check_rng
from .coincidence import coincidence_test
from .errors import AllianceStatsError
from .events import EventSeries
from .matching import _check_types, coverage_counts
from .nulls import NULLS
from .period import Period
from .simulate import _check_delay, coupled_responses, delay_distribution, trigger_days_in_period
from .statistics import AdditiveStatistic, Statistic, get_statistic
from .window import Window

__all__ = ["PowerResult", "power", "n_required", "matched_probability"]

#: statistics whose power under the uniform null is computed exactly
EXACT_POWER = ("matches", "pairs", "likelihood")
#: operations n_required may spend on S by default (about a second)
N_REQUIRED_BUDGET = 2e8


@dataclass(frozen=True)
class PowerResult(Displayed):
    """Power of a test at level ``alpha``.

    Attributes
    ----------
    power : float
        The probability of rejecting.
    n : int
        Responses per dataset.
    coupling : float
        The share of responses caused by a trigger.
    null : str
        The null tested.
    alpha : float
        The level.
    method : {"exact", "simulation"}
        ``"exact"`` (uniform null, K or S: independent responses) or
        ``"simulation"``.
    se : float
        Standard error of a simulated power (0 when exact).
    n_simulations : int
        Simulated datasets (0 when exact).
    statistic : str
        The test statistic.
    """

    power: float
    n: int
    coupling: float
    null: str
    alpha: float
    method: str
    se: float = 0.0
    n_simulations: int = 0
    statistic: str = "matches"

    _title = "Power: how likely is the test to detect this coupling?"

    def _pairs(self) -> list[tuple[str, str]]:
        how = ("exact (independent responses)" if self.method == "exact" else
               f"simulation, {self.n_simulations} datasets, standard error {self.se:.4f}")
        return [("Power", f"{self.power:.4f}  ({how})"),
                ("Design", f"n = {self.n} responses, coupling share {self.coupling:g}, "
                           f"statistic {self.statistic}, null {self.null}, alpha = {self.alpha}")]

    @shared
    def to_dict(self) -> dict[str, Any]:
        """The result as a JSON-ready dict: power, design, method, ``se`` and
        ``n_simulations`` (both 0 for exact power).

        Returns
        -------
        {shared: returns_json}
        """
        return json_ready({"power": self.power, "n": self.n, "coupling": self.coupling,
                           "null": self.null, "alpha": self.alpha, "method": self.method,
                           "se": self.se, "n_simulations": self.n_simulations,
                           "statistic": self.statistic})

    def to_frame(self) -> pd.DataFrame:
        """The result as a one-row DataFrame indexed by ``design`` (null, n, coupling).

        Returns
        -------
        pandas.DataFrame
            One row: the fields of :meth:`to_dict`.
        """
        label = f"{self.null}, n = {self.n}, coupling {self.coupling:g}"
        return typed_frame([self.to_dict()], index=[label], index_name="design")


def _check_probability(value: Any, name: str, *, closed: bool) -> float:
    """A number in [0, 1] (``closed``) or (0, 1), else an error naming ``name``."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
    if ok:
        value = float(value)
        ok = (0 <= value <= 1) if closed else (0 < value < 1)
    if not ok:
        interval = "[0, 1]" if closed else "(0, 1)"
        raise AllianceStatsError(f"`{name}` must be a number in {interval}, got {value!r}")
    return float(value)


def _score_pmfs(coupling: float, triggers: EventSeries, window: Window, period: Period,
                delay: Any, statistic: AdditiveStatistic) -> tuple[np.ndarray, np.ndarray]:
    """pmf of one response's score under no coupling and under ``coupling``.

    A coupled response lands on ``s + d`` for a uniform trigger day ``s`` in the
    period (distinct days, as :func:`~alliancestats.simulate.coupled_responses`
    draws them) and a delay ``d`` (default: uniform over the window's lags); if that
    day is outside the period it is placed uniformly, like a background one.
    """
    _check_types(triggers=triggers, window=window, period=period)
    delays, probs = _check_delay(delay_distribution(window.lo, window.hi) if delay is None else delay)
    coverage = coverage_counts(triggers.days, window, period)
    score = statistic.scores(coverage, coverage)
    background = np.bincount(score, minlength=int(score.max()) + 1) / period.n_days
    days = trigger_days_in_period(triggers, period)
    if len(days) == 0:
        return background, background
    target = (days[:, None] + delays[None, :] - period.first_day).ravel()
    weight = (np.full((len(days), 1), 1 / len(days)) * probs[None, :]).ravel()
    inside = (target >= 0) & (target < period.n_days)
    after = np.bincount(score[target[inside]], weights=weight[inside], minlength=len(background))
    after = after + weight[~inside].sum() * background
    return background, coupling * after + (1 - coupling) * background


@shared
def matched_probability(coupling: float, triggers: EventSeries, *, window: Window, period: Period,
                        delay: Any = None) -> tuple[float, float]:
    """Chance a response is matched: under no coupling (``C/T``) and under ``coupling``.

    A coupled response lands on ``s + d`` for a uniform trigger day ``s`` in the
    period and a delay ``d`` (default: uniform over the window's lags); if that
    day is outside the period it is placed uniformly, like a background one.

    Parameters
    ----------
    {shared: coupling}
    triggers : EventSeries
        The triggers.
    {shared: window period delay}

    Returns
    -------
    p0, p1 : float
        The probability under no coupling and under ``coupling``.
    """
    coupling = _check_probability(coupling, "coupling", closed=True)
    background, coupled = _score_pmfs(coupling, triggers, window, period, delay,
                                      get_statistic("matches"))  # type: ignore[arg-type]
    at = lambda pmf: float(pmf[1]) if len(pmf) > 1 else 0.0  # noqa: E731
    return at(background), at(coupled)


def _binomial_power(n: np.ndarray, p0: float, p1: float, alpha: float) -> np.ndarray:
    critical = stats.binom.isf(alpha, n, p0) + 1          # smallest k with P0(K >= k) <= alpha
    return stats.binom.sf(critical - 1, n, p1)


def _sum_power(null: tuple[np.ndarray, int], alt: tuple[np.ndarray, int], alpha: float) -> float:
    """Power of the one-sided test on a sum, from the pmfs of the sum under H0 and H1."""
    p0, o0 = null
    upper = np.cumsum(p0[::-1])[::-1]                      # P0(S >= o0 + j)
    ok = np.flatnonzero(upper <= alpha * (1 + 1e-12))
    critical = o0 + (int(ok[0]) if ok.size else len(p0))
    p1, o1 = alt
    return float(p1[max(critical - o1, 0):].sum())


#: the largest number of responses power is computed for (2**53: counts exact as floats)
MAX_RESPONSES = 2**53


@shared
def power(coupling: float, n: int, triggers: EventSeries, *, window: Window, period: Period,
          null: str = "uniform", statistic: str = "matches", alpha: float = 0.05,
          delay: Any = None, n_simulations: int = 1000, n_resamples: int = 199, rng: Any = None,
          progress: bool | None = None, **null_options: Any) -> PowerResult:
    r"""Probability that the one-sided test rejects at ``alpha`` when responses are coupled.

    Responses follow :func:`alliancestats.simulate.coupled_responses`. Under the
    ``uniform`` null (no options) the answer is exact for K and S: responses are
    independent, each with the same score distribution under :math:`H_0` (the
    histogram of the per-day score over the period) and under coupling (its
    mixture with the score of a day a delay after a random trigger). For K, with
    :math:`k_c` the smallest K with :math:`P_0(K \ge k_c) \le \alpha` under
    Binomial(n, C/T), power is :math:`P(\mathrm{Binomial}(n, p_1) \ge k_c)`; for S
    the two ``n``-fold convolutions replace the binomials. Other nulls, and the
    trigger rate, are simulated: ``n_simulations`` datasets, each tested, with
    ``progress`` a bar over them.

    Parameters
    ----------
    {shared: coupling}
    n : int
        Responses per dataset.
    triggers : EventSeries
        The triggers, kept as they are.
    {shared: window period null statistic alpha delay}
    n_simulations : int
        Simulated datasets (simulated power only).
    n_resamples : int
        Monte Carlo draws per simulated test, where the test is Monte Carlo.
    {shared: rng progress null_options}

    Returns
    -------
    PowerResult
        The power, exact or simulated (then with its standard error), and the design.

    Examples
    --------
    >>> import alliancestats as als
    >>> case = als.datasets.load_iran_venezuela()
    >>> res = power(0.4, 25, case.independent_sanctions, window=case.window, period=case.period)
    >>> res.method, round(res.power, 3)
    ('exact', 0.31)
    """
    coupling, alpha, chosen, n = _check_power_args(coupling, alpha, statistic, null, n, triggers,
                                                   window, period)
    if null == "uniform" and not null_options and chosen.name in EXACT_POWER:
        value = _exact_power([n], coupling, triggers, window, period, delay, chosen, alpha)[0]
        return PowerResult(value, n, coupling, null, alpha, "exact", statistic=chosen.name)
    n_simulations = check_integer(n_simulations, "n_simulations", minimum=1)
    show = check_progress(progress)
    generator = check_rng(rng)
    delay = delay_distribution(window.lo, window.hi) if delay is None else delay
    rejected = 0
    for _ in track(range(n_simulations), total=n_simulations, progress=show,
                   description="power simulations", unit="dataset"):
        responses = coupled_responses(triggers, n=n, coupling=coupling, delay=delay,
                                      period=period, rng=generator)
        res = coincidence_test(responses, triggers, window=window, period=period, null=null,
                               statistic=chosen.name, n_resamples=n_resamples, rng=generator,
                               progress=False, **null_options)
        rejected += res.pvalue <= alpha
    value = rejected / n_simulations
    return PowerResult(value, n, coupling, null, alpha, "simulation",
                       float(np.sqrt(value * (1 - value) / n_simulations)), n_simulations,
                       statistic=chosen.name)


def _check_power_args(coupling: Any, alpha: Any, statistic: Any, null: Any, n: Any,
                      triggers: Any, window: Any, period: Any) -> tuple[float, float, Statistic, int]:
    _check_types(triggers=triggers, window=window, period=period)
    coupling = _check_probability(coupling, "coupling", closed=True)
    alpha = _check_probability(alpha, "alpha", closed=False)
    chosen = get_statistic(statistic)
    check_choice(null, "null", tuple(NULLS))
    if chosen.name in NULLS[null].refused_statistics:
        raise AllianceStatsError(f"null {null!r} cannot test statistic {chosen.name!r}: "
                                 f"{NULLS[null].refused_statistics[chosen.name]}")
    n = check_integer(n, "n", minimum=1)
    if n > MAX_RESPONSES:       # beyond 2**53 counts are no longer exact as floats
        raise AllianceStatsError(f"`n` must be at most {MAX_RESPONSES:,} responses, got {n:,}")
    return coupling, alpha, chosen, n


def _exact_power(ns: list[int], coupling: float, triggers: EventSeries, window: Window,
                 period: Period, delay: Any, statistic: Statistic, alpha: float) -> list[float]:
    """Exact power for each of the increasing sample sizes ``ns`` (uniform null)."""
    assert isinstance(statistic, AdditiveStatistic)
    background, coupled = _score_pmfs(coupling, triggers, window, period, delay, statistic)
    if statistic.name == "matches":
        p0 = float(background[1]) if len(background) > 1 else 0.0
        p1 = float(coupled[1]) if len(coupled) > 1 else 0.0
        return _binomial_power(np.asarray(ns), p0, p1, alpha).tolist()
    one0, one1 = (background, 0), (coupled, 0)
    if len(ns) == 1:
        return [_sum_power(convolution_power(one0, ns[0]), convolution_power(one1, ns[0]), alpha)]
    out, s0, s1, done = [], np.array([1.0]), np.array([1.0]), 0
    for n in ns:                               # incremental: S_n = S_(n-1) * one response
        for _ in range(n - done):
            s0, s1 = np.convolve(s0, background), np.convolve(s1, coupled)
        done = n
        out.append(_sum_power((s0, 0), (s1, 0), alpha))
    return out


@shared
def n_required(coupling: float, triggers: EventSeries, *, window: Window, period: Period,
               target_power: float = 0.8, alpha: float = 0.05, delay: Any = None,
               statistic: str = "matches", n_max: int | None = None,
               rule: str = "stays") -> int:
    r"""Smallest number of responses for which the uniform-null test reaches ``target_power``.

    Exact for the ``uniform`` null with K (binomial) or S (convolutions).
    Discreteness makes power saw-toothed in n: it can reach the target at some n
    and dip below it again at n + 1. With ``rule="stays"`` (default) the answer is
    the smallest n from which power stays at or above the target for every n up
    to ``n_max`` (every n is checked); ``rule="first"`` gives the first n at which
    it reaches the target. Returns -1 if no n up to ``n_max`` qualifies (e.g. no
    coupling, or triggers covering every day).

    ``n_max`` defaults to 100,000 for K; for S (exact cost about
    :math:`2 c\, n_{max}^2` operations, ``c`` the largest coverage count) to the
    largest n within about a second of computation, at most 100,000; a larger
    ``n_max`` is allowed up to about ten seconds.

    Parameters
    ----------
    {shared: coupling}
    triggers : EventSeries
        The triggers, kept as they are.
    {shared: window period}
    target_power : float
        The power to reach.
    {shared: alpha delay}
    statistic : {"matches", "pairs"}
        The test statistic.
    n_max : int, optional
        The largest n tried (defaults above).
    rule : {"stays", "first"}
        See above.

    Returns
    -------
    int
        The number of responses, or -1.

    Examples
    --------
    >>> import alliancestats as als
    >>> case = als.datasets.load_iran_venezuela()
    >>> n_required(0.4, case.independent_sanctions, window=case.window, period=case.period)
    92
    >>> n_required(0.4, case.independent_sanctions, window=case.window, period=case.period,
    ...            rule="first")
    85
    """
    coupling, alpha, chosen, _ = _check_power_args(coupling, alpha, statistic, "uniform", 1,
                                                   triggers, window, period)
    target_power = _check_probability(target_power, "target_power", closed=False)
    rule = check_choice(rule, "rule", ("stays", "first"))
    if chosen.name not in EXACT_POWER:
        raise AllianceStatsError(
            f"`statistic`: n_required is exact for {', '.join(map(repr, EXACT_POWER))}; use "
            f"power(..., statistic={chosen.name!r}) at chosen n instead")
    assert isinstance(chosen, AdditiveStatistic)
    coverage = coverage_counts(triggers.days, window, period)
    top = max(int(chosen.scores(coverage, coverage).max()), 1)
    affordable = lambda budget: int(np.sqrt(budget / (2 * top)))  # noqa: E731
    if n_max is None:
        n_max = 100_000 if chosen.name == "matches" else min(100_000, affordable(N_REQUIRED_BUDGET))
    n_max = check_integer(n_max, "n_max", minimum=1)
    if chosen.name != "matches" and n_max > affordable(10 * N_REQUIRED_BUDGET):
        raise AllianceStatsError(
            f"`n_max` = {n_max}: exact power of S up to that n would take about "
            f"{2 * top * n_max ** 2:.2g} operations; use n_max <= "
            f"{affordable(10 * N_REQUIRED_BUDGET)}")
    background, coupled = _score_pmfs(coupling, triggers, window, period, delay, chosen)
    if coupled.dot(np.arange(len(coupled))) <= background.dot(np.arange(len(background))):
        return -1
    ns = list(range(1, n_max + 1))
    reached = np.asarray(_exact_power(ns, coupling, triggers, window, period, delay, chosen,
                                      alpha)) >= target_power
    if rule == "first":
        hit = np.flatnonzero(reached)
        return int(hit[0]) + 1 if hit.size else -1
    if not reached[-1]:
        return -1
    below = np.flatnonzero(~reached)
    return int(below[-1]) + 2 if below.size else 1
