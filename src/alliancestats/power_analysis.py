"""Power: how likely is a test to detect a given coupling, and how many responses it needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from ._validation import check_integer, check_rng
from .coincidence import coincidence_test
from .errors import AllianceStatsError
from .events import EventSeries
from .matching import coverage
from .period import Period
from .simulate import _check_delay, coupled_responses, delay_distribution
from .window import Window

__all__ = ["PowerResult", "power", "n_required", "matched_probability"]


@dataclass(frozen=True)
class PowerResult:
    """Power of a test at level ``alpha``.

    ``method`` is ``"exact"`` (uniform null: binomial formula) or
    ``"simulation"`` (``n_simulations`` datasets; ``se`` its standard error).
    """

    power: float
    n: int
    coupling: float
    null: str
    alpha: float
    method: str
    se: float = 0.0
    n_simulations: int = 0


def matched_probability(coupling: float, triggers: EventSeries, *, window: Window, period: Period,
                        delay: Any = None) -> tuple[float, float]:
    """Chance a response is matched: under no coupling (``C/T``) and under ``coupling``.

    A coupled response lands on ``s + d`` for a uniform trigger ``s`` in the
    period and a delay ``d`` (default: uniform over the window's lags); if that
    day is outside the period it is placed uniformly, like a background one.
    """
    delays, probs = _check_delay(delay_distribution(window.lo, window.hi) if delay is None else delay)
    mask = coverage(triggers, window=window, period=period).mask
    background = float(mask.mean())
    days = triggers.days[(triggers.days >= period.first_day) & (triggers.days <= period.last_day)]
    if len(days) == 0:
        return background, background
    target = days[:, None] + delays[None, :] - period.first_day
    inside = (target >= 0) & (target < period.n_days)
    hit = np.where(inside, mask[np.clip(target, 0, period.n_days - 1)], background)
    after_trigger = float((hit * probs[None, :]).sum(axis=1).mean())
    return background, coupling * after_trigger + (1 - coupling) * background


def _exact_power(n: np.ndarray, p0: float, p1: float, alpha: float) -> np.ndarray:
    critical = stats.binom.isf(alpha, n, p0) + 1          # smallest k with P0(K >= k) <= alpha
    return stats.binom.sf(critical - 1, n, p1)


def power(coupling: float, n: int, triggers: EventSeries, *, window: Window, period: Period,
          null: str = "uniform", alpha: float = 0.05, delay: Any = None,
          n_simulations: int = 1000, n_resamples: int = 199, rng: Any = None,
          **null_options: Any) -> PowerResult:
    r"""Probability that the one-sided test rejects at ``alpha`` when responses are coupled.

    Responses follow :func:`alliancestats.simulate.coupled_responses`. Under the
    ``uniform`` null the answer is exact: responses are independent and each is
    matched with probability :math:`p_1` (:func:`matched_probability`), so with
    :math:`k_c` the smallest K with :math:`P_0(K \ge k_c) \le \alpha` under
    Binomial(n, C/T), power is :math:`P(\mathrm{Binomial}(n, p_1) \ge k_c)`.
    Other nulls are simulated: ``n_simulations`` datasets, each tested.

    Examples
    --------
    >>> import alliancestats as als
    >>> case = als.datasets.load_iran_venezuela()
    >>> res = power(0.4, 25, case.independent_sanctions, window=case.window, period=case.period)
    >>> res.method, round(res.power, 3)
    ('exact', 0.31)
    """
    n = check_integer(n, "n", minimum=1)
    if not 0 < alpha < 1:
        raise AllianceStatsError(f"`alpha` must be in (0, 1), got {alpha!r}")
    if null == "uniform" and not null_options:
        p0, p1 = matched_probability(coupling, triggers, window=window, period=period, delay=delay)
        value = float(_exact_power(np.array([n]), p0, p1, alpha)[0])
        return PowerResult(value, n, coupling, null, alpha, "exact")
    n_simulations = check_integer(n_simulations, "n_simulations", minimum=1)
    generator = check_rng(rng)
    delay = delay_distribution(window.lo, window.hi) if delay is None else delay
    rejected = 0
    for _ in range(n_simulations):
        responses = coupled_responses(triggers, n=n, coupling=coupling, delay=delay,
                                      period=period, rng=generator)
        res = coincidence_test(responses, triggers, window=window, period=period, null=null,
                               n_resamples=n_resamples, rng=generator, **null_options)
        rejected += res.pvalue <= alpha
    value = rejected / n_simulations
    return PowerResult(value, n, coupling, null, alpha, "simulation",
                       float(np.sqrt(value * (1 - value) / n_simulations)), n_simulations)


def n_required(coupling: float, triggers: EventSeries, *, window: Window, period: Period,
               target_power: float = 0.8, alpha: float = 0.05, delay: Any = None,
               n_max: int = 100_000) -> int:
    """Smallest number of responses for which the uniform-null test reaches ``target_power``.

    Exact (binomial) for the ``uniform`` null. Discreteness makes power saw-toothed
    in n: this is the first n at which it reaches the target. Returns -1 if no
    n up to ``n_max`` does (e.g. no coupling, or triggers covering every day).

    Examples
    --------
    >>> import alliancestats as als
    >>> case = als.datasets.load_iran_venezuela()
    >>> n_required(0.4, case.independent_sanctions, window=case.window, period=case.period)
    85
    """
    if not 0 < target_power < 1:
        raise AllianceStatsError(f"`target_power` must be in (0, 1), got {target_power!r}")
    n_max = check_integer(n_max, "n_max", minimum=1)
    p0, p1 = matched_probability(coupling, triggers, window=window, period=period, delay=delay)
    if p1 <= p0:
        return -1
    ns = np.arange(1, n_max + 1)
    reached = np.flatnonzero(_exact_power(ns, p0, p1, alpha) >= target_power)
    return int(ns[reached[0]]) if reached.size else -1
