"""Named scenarios of independent event series, for calibration and power studies.

Each scenario draws a response series with exactly ``n`` events and a trigger
series, *independently of each other*, from a stated generating process: flat,
trending or stepped intensities, with or without bursts. A null model is
calibrated on a scenario when it rejects at about its level there; the
scenarios with a shared trend or with bursts are the ones that break the simple
nulls. :func:`coupled` adds a known share of responses placed after triggers,
for power studies.

The generators are written with plain numpy from the descriptions below and
share no code with the null models they are meant to check.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._validation import check_choice, check_integer, check_rng
from .errors import AllianceStatsError
from .events import EventSeries
from .period import Period
from .simulate import _check_period as check_period
from .simulate import _check_rate, _check_size, check_probability
from .window import Window

__all__ = ["SCENARIOS", "TRIGGERS_PER_YEAR", "coupled", "scenario"]

SCENARIOS = ("homogeneous", "smooth-trend", "step-trend", "clustered-responses",
             "clustered-triggers", "trend-both-clustered")

# Expected trigger events per 365.25 days when ``n_triggers`` is not given:
# chosen so that the mean coverage of the window [0, 33] (the share of period
# days with a trigger 0-33 days before) is about 0.70 over 2013-2020, as with the
# 164 sanctions of the case study. Trends and bursts concentrate the triggers,
# so those scenarios need more of them for the same coverage.
TRIGGERS_PER_YEAR = {
    "homogeneous": 13.0,
    "smooth-trend": 14.5,
    "step-trend": 20.0,
    "clustered-responses": 13.0,
    "clustered-triggers": 37.5,
    "trend-both-clustered": 41.5,
}

_TREND = {"homogeneous": "flat", "smooth-trend": "smooth", "step-trend": "step",
          "clustered-responses": "flat", "clustered-triggers": "flat",
          "trend-both-clustered": "smooth"}
_CLUSTERED_RESPONSES = {"clustered-responses", "trend-both-clustered"}
_CLUSTERED_TRIGGERS = {"clustered-triggers", "trend-both-clustered"}

RATIO = 5.0            # intensity at the end (smooth) or after the step, relative to the start
MEAN_EXTRA = 2.0       # cluster size is 1 + Poisson(MEAN_EXTRA): 3 events on average
RESPONSE_SPREAD = 6    # members of a response cluster lie 0..6 days after its centre (a week)
TRIGGER_SPREAD = 3     # members of a trigger burst lie 0..3 days after its centre

DEFAULT_PERIOD = Period("2013-01-01", "2020-12-31")


def scenario(
    name: str,
    *,
    n: int = 25,
    period: Period = DEFAULT_PERIOD,
    n_triggers: float | None = None,
    rng: Any = None,
) -> tuple[EventSeries, EventSeries]:
    r"""Draw independent responses and triggers from a named scenario.

    Parameters
    ----------
    name : str
        The generating process, one of ``SCENARIOS``: ``"homogeneous"``,
        ``"smooth-trend"``, ``"step-trend"``, ``"clustered-responses"``,
        ``"clustered-triggers"``, ``"trend-both-clustered"`` (see Notes).
    n : int
        Number of responses; the response series has exactly ``n`` events.
    period : Period
        Where both series live; default 2013-01-01 to 2020-12-31.
    n_triggers : float, optional
        Expected number of trigger events over the period. Default:
        ``TRIGGERS_PER_YEAR[name] * T / 365.25``, which gives a mean coverage of
        the window ``[0, 33]`` of about 0.70 (see Notes).
    rng : None, int or numpy.random.Generator
        Source of randomness; a seed makes the draw reproducible.

    Returns
    -------
    responses, triggers : EventSeries
        Sorted by date. Neither depends on the other.

    Notes
    -----
    Days are the ``T`` period days ``d_0 < ... < d_{T-1}``; ``x = j / (T - 1)`` is
    the position of day ``d_j`` in the period. A scenario sets one intensity
    shape :math:`w(x)` shared by both series:

    - flat (``homogeneous``, ``clustered-responses``, ``clustered-triggers``):
      :math:`w = 1`;
    - smooth (``smooth-trend``, ``trend-both-clustered``): :math:`w(x) = 1 + 4x`,
      rising linearly from 1 on the first day to 5 on the last;
    - step (``step-trend``): :math:`w = 1` before day ``d_{T // 2}`` and 5 from it
      on (for the default period the step is on 2017-01-01).

    *Unclustered* responses are ``n`` days drawn independently with probability
    :math:`w(x_j) / \sum_k w(x_k)`; unclustered triggers are
    :math:`M \sim \mathrm{Poisson}(\mu)` days drawn the same way
    (:math:`\mu` = ``n_triggers``). Together: an inhomogeneous Poisson process
    of shape :math:`w`, conditioned on ``n`` responses.

    *Clustered* series (``clustered-responses``, ``clustered-triggers``, and both
    in ``trend-both-clustered``) come in bursts: burst centres ``c`` are drawn
    with probability proportional to :math:`w` among the days on which the whole
    burst fits in the period; a burst has :math:`1 + \mathrm{Poisson}(2)`
    events (3 on average), each on ``c + U``, ``U`` uniform on ``0..6`` for
    responses (a visit bringing several meetings in a week) and ``0..3`` for
    triggers (a sanctions package: designations within days). Responses: bursts
    are drawn until at least ``n`` events exist and the first ``n`` are kept (the
    last burst may be cut short). Triggers:
    :math:`\mathrm{Poisson}(\mu / 3)` bursts, so :math:`\mu` events on average.

    Triggers are drawn inside the period. The default rates (``TRIGGERS_PER_YEAR``)
    give a mean coverage of the window ``[0, 33]`` of 0.70 (within 0.01; 400
    draws each, 2013-2020) with, on average, 104 trigger events (homogeneous,
    clustered-responses), 116 (smooth-trend), 160 (step-trend), 300
    (clustered-triggers) and 332 (trend-both-clustered): trends and bursts
    concentrate the triggers, so more are needed for the same coverage. The
    case study's 164 sanctions (157 distinct days) cover 0.70.

    Examples
    --------
    >>> responses, triggers = scenario("step-trend", rng=1)
    >>> len(responses)
    25
    >>> later = responses.dates >= "2017-01-01"
    >>> int(later.sum()) > int((~later).sum())
    True
    """
    name = check_choice(name, "name", SCENARIOS)
    n = _check_count(n, "n")
    period = _check_period(period)
    mean_triggers = _mean_triggers(name, n_triggers, period)
    rng = check_rng(rng)
    triggers = _trigger_days(name, mean_triggers, period, rng)
    responses = _response_days(name, n, period, rng)
    return (_series(responses, f"responses ({name})"),
            _series(triggers, f"triggers ({name})"))


def coupled(
    name: str,
    *,
    coupling: float,
    window: Window = Window(0, 33),
    n: int = 25,
    period: Period = DEFAULT_PERIOD,
    n_triggers: float | None = None,
    rng: Any = None,
) -> tuple[EventSeries, EventSeries]:
    """Draw a scenario in which a share of the responses follows triggers.

    Triggers are drawn as in :func:`scenario`. Of the ``n`` responses,
    ``n_c = floor(coupling * n + 1/2)`` are *coupled*: each is placed on
    ``s + d`` for a trigger event ``s`` and a lag ``d`` in ``window``, the pair
    ``(s, d)`` uniform over all pairs with ``s + d`` in the period (a uniformly
    chosen trigger and a uniform lag, conditioned on landing in the period). The
    other ``n - n_c`` responses come from the scenario's own response process.

    Parameters
    ----------
    name : str
        A scenario of :func:`scenario`.
    coupling : float
        Share of coupled responses, in ``[0, 1]``. ``0`` gives the scenario
        itself (same draws for the same seed).
    window : Window
        Lags of the coupled responses; default ``[0, 33]``.
    n, period, n_triggers, rng :
        As in :func:`scenario`.

    Returns
    -------
    responses, triggers : EventSeries
        Sorted by date; ``responses`` has a boolean column ``coupled``.

    Raises
    ------
    AllianceStatsError
        If responses are to be coupled but no trigger can place one in the period.

    Examples
    --------
    >>> responses, triggers = coupled("homogeneous", coupling=0.4, rng=7)
    >>> int(responses.frame["coupled"].sum())
    10
    """
    name = check_choice(name, "name", SCENARIOS)
    n = _check_count(n, "n")
    period = _check_period(period)
    if not isinstance(window, Window):
        raise AllianceStatsError(f"`window` must be a Window, got {type(window).__name__}")
    coupling = check_probability(coupling, "coupling")
    mean_triggers = _mean_triggers(name, n_triggers, period)
    rng = check_rng(rng)
    n_coupled = int(np.floor(coupling * n + 0.5))
    triggers = _trigger_days(name, mean_triggers, period, rng)
    free = _response_days(name, n - n_coupled, period, rng)
    placed = _after_triggers(triggers, n_coupled, window, period, rng)
    days = np.concatenate([free, placed])
    is_coupled = np.concatenate([np.zeros(len(free), bool), np.ones(len(placed), bool)])
    order = np.argsort(days, kind="stable")
    responses = EventSeries(pd.to_datetime(days[order], unit="D"),
                            {"coupled": is_coupled[order]},
                            name=f"responses ({name}, coupling {coupling:g})")
    return responses, _series(triggers, f"triggers ({name})")


# -- validation ----------------------------------------------------------------

def _check_count(value: Any, name: str) -> int:
    count = check_integer(value, name, minimum=1)
    _check_size(count, f"`{name}` = {count}")
    return count


def _check_period(period: Any) -> Period:
    check_period(period)
    return period


def _mean_triggers(name: str, n_triggers: Any, period: Period) -> float:
    if n_triggers is None:
        return TRIGGERS_PER_YEAR[name] * period.n_days / 365.25
    mean = _check_rate(n_triggers, "n_triggers")
    _check_size(mean, f"`n_triggers` = {n_triggers!r}")
    return mean


# -- generating processes --------------------------------------------------------

def _shape(trend: str, period: Period) -> np.ndarray:
    """Intensity shape w over the period days (flat, smooth 1 -> 5, step x5 at mid)."""
    T = period.n_days
    if trend == "smooth":
        return 1.0 + (RATIO - 1.0) * np.arange(T) / max(T - 1, 1)
    weights = np.ones(T)
    if trend == "step":
        weights[T // 2:] = RATIO
    return weights


def _draw_days(weights: np.ndarray, size: int, first_day: int,
               rng: np.random.Generator) -> np.ndarray:
    return first_day + rng.choice(len(weights), size=size, p=weights / weights.sum())


def _bursts(n_bursts: int, spread: int, trend: str, period: Period,
            rng: np.random.Generator) -> np.ndarray:
    """Events of ``n_bursts`` bursts, in burst order (members sorted in a burst)."""
    spread = min(spread, period.n_days - 1)
    weights = _shape(trend, period)[:period.n_days - spread]   # whole burst in the period
    centres = _draw_days(weights, n_bursts, period.first_day, rng)
    sizes = 1 + rng.poisson(MEAN_EXTRA, size=n_bursts)
    offsets = rng.integers(0, spread + 1, size=int(sizes.sum()))
    members = np.repeat(centres, sizes) + offsets
    burst = np.repeat(np.arange(n_bursts), sizes)
    return members[np.lexsort((members, burst))]


def _response_days(name: str, n: int, period: Period, rng: np.random.Generator) -> np.ndarray:
    trend = _TREND[name]
    if name not in _CLUSTERED_RESPONSES:
        return np.sort(_draw_days(_shape(trend, period), n, period.first_day, rng))
    days = np.empty(0, dtype=np.int64)
    while len(days) < n:   # bursts of 3 on average: n // 3 + 1 bursts usually suffice
        days = np.concatenate([days, _bursts(n // 3 + 1, RESPONSE_SPREAD, trend, period, rng)])
    return np.sort(days[:n])


def _trigger_days(name: str, mean: float, period: Period, rng: np.random.Generator) -> np.ndarray:
    trend = _TREND[name]
    if name in _CLUSTERED_TRIGGERS:
        n_bursts = int(rng.poisson(mean / (1 + MEAN_EXTRA)))
        return np.sort(_bursts(n_bursts, TRIGGER_SPREAD, trend, period, rng))
    return np.sort(_draw_days(_shape(trend, period), int(rng.poisson(mean)),
                              period.first_day, rng))


def _after_triggers(triggers: np.ndarray, size: int, window: Window, period: Period,
                    rng: np.random.Generator) -> np.ndarray:
    """``size`` days ``s + d``, (trigger event, lag) uniform over pairs landing in the period."""
    if size == 0:
        return np.empty(0, dtype=np.int64)
    candidates = (triggers[:, None] + np.arange(window.lo, window.hi + 1)[None, :]).ravel()
    candidates = candidates[(candidates >= period.first_day) & (candidates <= period.last_day)]
    if len(candidates) == 0:
        raise AllianceStatsError(
            f"`coupling`: {size} responses are to follow triggers, but no trigger "
            f"({len(triggers)} drawn) has a lag in {window} landing in {period}; "
            "raise `n_triggers` or use coupling=0")
    return rng.choice(candidates, size=size)


def _series(days: np.ndarray, name: str) -> EventSeries:
    return EventSeries(pd.to_datetime(np.asarray(days, dtype=np.int64), unit="D"), name=name)
