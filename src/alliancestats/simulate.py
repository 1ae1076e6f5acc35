"""Simulated event series on the day grid, for calibration and power.

Every function takes ``rng=`` (a seed or a Generator) and returns an
:class:`EventSeries`; the same seed gives the same series. Rates must be finite,
and a request whose expected number of events exceeds ``MAX_EVENTS`` is refused
before any memory is taken.
"""

from __future__ import annotations

import numbers
from typing import Any, Sequence

import numpy as np

from ._dates import to_day_numbers, to_timestamps
from ._distinct import distinct
from ._docstrings import shared
from ._setup import build_setup
from ._validation import check_integer, check_rng
from .errors import AllianceStatsError
from .events import EventSeries
from .nulls import make_null
from .period import Period
from .window import MAX_LAG, Window

__all__ = ["poisson_series", "clustered_series", "coupled_responses", "delay_distribution",
           "simulate_null"]

DAYS_PER_YEAR = 365.25


def check_probability(value: Any, name: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) \
            or not 0 <= float(value) <= 1:
        raise AllianceStatsError(f"`{name}` must be a number in [0, 1], got {value!r}")
    return float(value)


def _check_period(period: Any) -> None:
    if not isinstance(period, Period):
        raise AllianceStatsError(f"`period` must be an alliancestats.Period, got "
                                 f"{type(period).__name__}")


def _series(days: np.ndarray, name: str) -> EventSeries:
    return EventSeries(to_timestamps(np.sort(days)), name=name)


#: most events one simulated series may hold (expected count, checked before drawing)
MAX_EVENTS = 10_000_000


def _check_rate(rate: Any, name: str) -> float:
    if isinstance(rate, (bool, np.bool_)) or not isinstance(rate, numbers.Real) \
            or not 0 <= float(rate) < np.inf:
        raise AllianceStatsError(f"`{name}` must be a finite non-negative number, got {rate!r}")
    return float(rate)


def _check_size(expected: float, what: str) -> None:
    if expected > MAX_EVENTS:
        raise AllianceStatsError(
            f"{what} would draw about {expected:.3g} events, more than the {MAX_EVENTS:,} one "
            "series may hold; lower the rate or shorten the period")


@shared
def poisson_series(rate_per_year: float | Sequence[float], *, period: Period,
                   breaks: Sequence[Any] = (), rng: Any = None) -> EventSeries:
    """Events of a (piecewise-constant) Poisson process, counted per day.

    Each day gets a Poisson number of events with mean ``rate / 365.25``. With
    ``breaks`` the period is cut into ``len(breaks) + 1`` segments and
    ``rate_per_year`` gives one rate per segment.

    Parameters
    ----------
    rate_per_year : float or sequence of float
        Events per year, one rate per segment.
    period : Period
        The days to simulate.
    breaks : sequence of date-like
        Where new segments start.
    {shared: rng}

    Returns
    -------
    EventSeries

    Examples
    --------
    >>> s = poisson_series([5, 20], period=Period("2013-01-01", "2020-12-31"),
    ...                    breaks=["2017-01-01"], rng=1)
    >>> len(s.where(date=lambda d: d < "2017-01-01")) < len(s.where(date=lambda d: d >= "2017-01-01"))
    True
    """
    generator = check_rng(rng)
    _check_period(period)
    given = list(rate_per_year) if np.iterable(rate_per_year) and not isinstance(
        rate_per_year, (str, bytes)) else [rate_per_year]
    rates = np.array([_check_rate(r, "rate_per_year") for r in given], dtype=float)
    if breaks is None or isinstance(breaks, (str, bytes)) or not np.iterable(breaks):
        raise AllianceStatsError(f"`breaks` must be a sequence of dates, got {breaks!r}")
    breaks = list(breaks)
    cuts = np.sort(to_day_numbers(breaks, argument="breaks")[0]) if breaks else np.array([], int)
    if len(rates) != len(cuts) + 1:
        raise AllianceStatsError(f"`rate_per_year` needs one rate per segment: {len(cuts) + 1} "
                                 f"segments, {len(rates)} rates")
    days = period.day_numbers
    segment = np.searchsorted(cuts, days, side="right")
    _check_size(float(rates[segment].sum() / DAYS_PER_YEAR), "`rate_per_year`")
    counts = generator.poisson(rates[segment] / DAYS_PER_YEAR)
    return _series(np.repeat(days, counts), "poisson")


@shared
def clustered_series(parent_rate_per_year: float, *, mean_cluster_size: float, spread_days: int,
                     period: Period, rng: Any = None) -> EventSeries:
    """A Neyman–Scott cluster process: clusters of events around random centres.

    Centres form a Poisson process (``parent_rate_per_year``); each has a
    Poisson(``mean_cluster_size``) number of events placed uniformly within
    ``± spread_days`` of it. Events outside the period are dropped. The mean
    rate is ``parent_rate_per_year * mean_cluster_size`` per year (less near
    the period's ends).

    Parameters
    ----------
    parent_rate_per_year : float
        Cluster centres per year.
    mean_cluster_size : float
        Mean events per cluster.
    spread_days : int
        Largest distance of an event from its centre.
    period : Period
        The days to simulate.
    {shared: rng}

    Returns
    -------
    EventSeries
    """
    generator = check_rng(rng)
    _check_period(period)
    parent_rate = _check_rate(parent_rate_per_year, "parent_rate_per_year")
    size = _check_rate(mean_cluster_size, "mean_cluster_size")
    spread = check_integer(spread_days, "spread_days", minimum=0)
    if spread > MAX_LAG:
        raise AllianceStatsError(f"`spread_days` must be at most {MAX_LAG}, got {spread}")
    first, n_days = period.first_day - spread, period.n_days + 2 * spread
    parents = parent_rate * n_days / DAYS_PER_YEAR
    _check_size(parents, "`parent_rate_per_year`")
    _check_size(size, "`mean_cluster_size`")          # one cluster, even with no parents
    _check_size(parents * size, "`parent_rate_per_year` x `mean_cluster_size`")
    n_parents = generator.poisson(parent_rate_per_year * n_days / DAYS_PER_YEAR)
    centres = first + generator.integers(0, n_days, n_parents)
    sizes = generator.poisson(mean_cluster_size, n_parents)
    days = np.repeat(centres, sizes) + generator.integers(-spread, spread + 1, sizes.sum())
    days = days[(days >= period.first_day) & (days <= period.last_day)]
    return _series(days, "clustered")


def delay_distribution(lo: int, hi: int) -> np.ndarray:
    """Uniform integer delays ``lo..hi`` as ``(delays, probabilities)`` rows.

    Parameters
    ----------
    lo, hi : int
        The shortest and longest delay in days, ``lo <= hi``.

    Returns
    -------
    numpy.ndarray, shape (2, hi - lo + 1)
        The delays and their probabilities.
    """
    lo = check_integer(lo, "lo")
    hi = check_integer(hi, "hi")
    if lo > hi:
        raise AllianceStatsError(f"delay needs `lo` <= `hi`, got {lo} > {hi}")
    if max(abs(lo), abs(hi)) > MAX_LAG:
        raise AllianceStatsError(f"delays must be within ±{MAX_LAG} days, got {lo}..{hi}")
    delays = np.arange(lo, hi + 1)
    return np.vstack([delays, np.full(delays.size, 1 / delays.size)])


def _check_delay(delay: Any) -> tuple[np.ndarray, np.ndarray]:
    rule = "`delay` must be (delays, probabilities) rows of numbers, e.g. delay_distribution(0, 33)"
    try:
        table = np.asarray(delay, dtype=float)
    except (TypeError, ValueError):
        raise AllianceStatsError(rule) from None
    if table.ndim != 2 or table.shape[0] != 2 or table.shape[1] == 0 \
            or not np.all(np.isfinite(table)):
        raise AllianceStatsError(rule)
    delays, probs = table[0], table[1]
    if np.any(delays != np.floor(delays)) or np.any(np.abs(delays) > MAX_LAG):
        raise AllianceStatsError(f"`delay` delays must be whole days within ±{MAX_LAG}")
    if np.any(probs < 0) or not np.isclose(probs.sum(), 1):
        raise AllianceStatsError("`delay` probabilities must be >= 0 and sum to 1")
    return delays.astype(np.int64), probs / probs.sum()


def trigger_days_in_period(triggers: EventSeries, period: Period) -> np.ndarray:
    """The distinct days in ``period`` with a trigger: what a coupled response follows.

    Every statistic, null and the coupling-share likelihood count trigger *days*
    (:func:`alliancestats.matching.coverage_counts`), so two sanctions on one day
    are one trigger here too."""
    days = triggers.days
    return distinct(days[(days >= period.first_day) & (days <= period.last_day)])


@shared
def coupled_responses(triggers: EventSeries, *, n: int, coupling: float, delay: Any,
                      period: Period, rng: Any = None) -> EventSeries:
    """Responses that follow triggers with probability ``coupling``.

    Each of ``n`` responses is, with probability ``coupling``, placed ``d`` days
    after a trigger day chosen uniformly among the *distinct* trigger days in the
    period (two triggers on one day are one trigger day, as every statistic and
    null counts them), with ``d`` drawn from ``delay``; otherwise (or if that day
    falls outside the period) on a uniform day of the period (background).

    Parameters
    ----------
    triggers : EventSeries
        The triggers responses may follow.
    n : int
        Number of responses.
    {shared: coupling}
    delay : array
        ``(delays, probabilities)`` rows, e.g. from :func:`delay_distribution`.
    period : Period
        The days responses fall on.
    {shared: rng}

    Returns
    -------
    EventSeries
    """
    generator = check_rng(rng)
    _check_period(period)
    if not isinstance(triggers, EventSeries):
        raise AllianceStatsError(f"`triggers` must be an alliancestats.EventSeries, got "
                                 f"{type(triggers).__name__}")
    n = check_integer(n, "n", minimum=1)
    _check_size(n, "`n`")
    coupling = check_probability(coupling, "coupling")
    delays, probs = _check_delay(delay)
    inside = trigger_days_in_period(triggers, period)
    days = period.first_day + generator.integers(0, period.n_days, n)
    if len(inside) and coupling > 0:
        coupled = generator.random(n) < coupling
        target = generator.choice(inside, n) + generator.choice(delays, n, p=probs)
        ok = coupled & (target >= period.first_day) & (target <= period.last_day)
        days = np.where(ok, target, days)
    return _series(days, "coupled responses")


@shared
def simulate_null(null: str, responses: EventSeries, triggers: EventSeries, *, window: Window,
                  period: Period, rng: Any = None, **null_options: Any) -> tuple[EventSeries, EventSeries]:
    """One dataset drawn under ``null``: surrogate responses or surrogate triggers.

    Nulls that place responses return new responses and the real triggers; nulls
    that redraw triggers return the real responses and new triggers (within the
    days that can cover the period).

    Parameters
    ----------
    {shared: null responses_triggers window period rng null_options}

    Returns
    -------
    responses, triggers : EventSeries
        One of them surrogate, the other real.
    """
    model = make_null(null, null_options)
    setup, _ = build_setup(responses, triggers, window=window, period=period)
    draw = model.draw(setup, 1, check_rng(rng))[0]
    if model.draws == "responses":
        return _series(period.first_day + draw, "surrogate responses"), triggers
    days = setup.reach_first_day + np.repeat(np.arange(draw.size), draw.astype(np.int64))
    return responses, _series(days, "surrogate triggers")
