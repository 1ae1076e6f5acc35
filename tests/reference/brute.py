"""Exact null distributions by brute-force enumeration: an independent reference.

Everything here is written from the mathematical definitions alone, without
looking at (or importing) the library's null models. Each function enumerates
*every* equally likely configuration of what the null makes random (all
placements of all responses, all shifts, all trigger subsets or trigger
placements of the reach) and tallies the statistic. It is meant for tiny cases
only (a period of up to ~12 days, up to 4 responses, a reach of up to ~14 days)
and trades all speed for being obviously correct.

Days are integers: days since 1970-01-01, so that calendar strata (year,
quarter, month) can be read off with :mod:`datetime`. A case is the period
``first..last`` (``T = last - first + 1``), the window ``[lo, hi]`` of lags
``t - s`` (``L = hi - lo + 1``), the response days and the trigger days (several
triggers may share a day; every statistic counts trigger *days*).

A pmf is a dict ``{value: probability}``; probabilities are
:class:`fractions.Fraction` except for ``poisson`` with ``continuous=True``
(an irrational ``q``), where they are floats.

Statistics
----------
``matches``
    K = number of responses with at least one trigger at a lag in the window.
``pairs``
    S = sum over responses of the number of distinct trigger *days* at a lag in
    the window (two triggers on one day count once, as in every statistic).
``trigger-rate``
    R = (distinct trigger days in reach with a response at a lag in the window)
    / (distinct trigger days in reach); "in reach" means
    ``first - hi <= s <= last - lo``. It is undefined (0/0) when no trigger day
    lies in reach; the enumeration then records the value ``None`` so that a
    caller sees that mass and decides what to do with it, rather than this
    module silently choosing a convention.
"""

from __future__ import annotations

import datetime
import itertools
import math
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

EPOCH = datetime.date(1970, 1, 1)

STATISTICS = ("matches", "pairs", "trigger-rate")


@dataclass(frozen=True)
class Case:
    """One tiny test case; all values are integer day numbers."""

    first: int
    last: int
    lo: int
    hi: int
    responses: tuple[int, ...]
    triggers: tuple[int, ...]

    @property
    def period_days(self) -> list[int]:
        return list(range(self.first, self.last + 1))

    @property
    def n_days(self) -> int:
        return self.last - self.first + 1

    @property
    def reach_days(self) -> list[int]:
        """Trigger days whose window ``[s + lo, s + hi]`` meets the period."""
        return list(range(self.first - self.hi, self.last - self.lo + 1))


def to_date(day: int) -> datetime.date:
    return EPOCH + datetime.timedelta(days=day)


def to_day(date: datetime.date) -> int:
    return (date - EPOCH).days


# ---------------------------------------------------------------------------
# Statistics, straight from the definitions
# ---------------------------------------------------------------------------

def is_match(t: int, s: int, lo: int, hi: int) -> bool:
    return lo <= t - s <= hi


def matches(case: Case, responses, triggers):
    return sum(1 for t in responses if any(is_match(t, s, case.lo, case.hi) for s in triggers))


def pairs(case: Case, responses, triggers):
    days = set(triggers)
    return sum(1 for t in responses for s in days if is_match(t, s, case.lo, case.hi))


def trigger_rate(case: Case, responses, triggers):
    reach = set(case.reach_days)
    days_in_reach = {s for s in triggers if s in reach}
    if not days_in_reach:
        return None
    hit = {s for s in days_in_reach if any(is_match(t, s, case.lo, case.hi) for t in responses)}
    return Fraction(len(hit), len(days_in_reach))


def statistic(name: str, case: Case, responses=None, triggers=None):
    """The statistic ``name`` of ``case`` (or of other response / trigger days)."""
    responses = case.responses if responses is None else responses
    triggers = case.triggers if triggers is None else triggers
    function = {"matches": matches, "pairs": pairs, "trigger-rate": trigger_rate}[name]
    return function(case, responses, triggers)


# ---------------------------------------------------------------------------
# Placement nulls: triggers fixed, responses re-placed. Every configuration
# listed is equally likely, so the pmf is count / number of configurations.
# ---------------------------------------------------------------------------

def _pmf_of_equally_likely(values) -> dict:
    counts = Counter(values)
    total = sum(counts.values())
    return {value: Fraction(count, total) for value, count in counts.items()}


def _placements_pmf(case: Case, stat: str, placements) -> dict:
    return _pmf_of_equally_likely(statistic(stat, case, responses=placement)
                                  for placement in placements)


def uniform_placements(case: Case, distinct: bool = False):
    """All placements of the n responses on period days.

    Independent uniform days: every ordered n-tuple of period days.
    ``distinct=True``: every set of n distinct period days.
    """
    n = len(case.responses)
    if distinct:
        return itertools.combinations(case.period_days, n)
    return itertools.product(case.period_days, repeat=n)


def stratum_key(day: int, strata):
    """The stratum a day belongs to: calendar year, quarter, month, or the
    number of break days on or before it (a break day starts a new stratum)."""
    date = to_date(day)
    if strata == "year":
        return date.year
    if strata == "quarter":
        return (date.year, (date.month - 1) // 3)
    if strata == "month":
        return (date.year, date.month)
    return sum(1 for b in strata if b <= day)


def stratified_placements(case: Case, strata="year"):
    """Each response on any period day of its own stratum."""
    options = []
    for t in case.responses:
        own = stratum_key(t, strata)
        options.append([d for d in case.period_days if stratum_key(d, strata) == own])
    return itertools.product(*options)


def jitter_placements(case: Case, days: int):
    """Each response on any day of ``[t - J, t + J]`` that lies in the period."""
    options = [[d for d in range(t - days, t + days + 1) if case.first <= d <= case.last]
               for t in case.responses]
    return itertools.product(*options)


def episodes(responses, gap: int) -> list[list[int]]:
    """Sorted responses split into maximal runs with consecutive gaps <= ``gap``."""
    ordered = sorted(responses)
    runs = [[ordered[0]]] if ordered else []
    for previous, current in zip(ordered, ordered[1:]):
        if current - previous <= gap:
            runs[-1].append(current)
        else:
            runs.append([current])
    return runs


def episode_shifts(case: Case, episode: list[int], days: int, centred: bool) -> list[int]:
    """The equally likely shifts of one episode (moved as a rigid block)."""
    a, b = episode[0], episode[-1]
    if centred:
        return [d for d in range(-days, days + 1) if case.first - a <= d <= case.last - b]
    width = 2 * days + 1
    bin_start = case.first + ((a - case.first) // width) * width
    starts = [x for x in range(bin_start, bin_start + width)
              if x >= case.first and x + (b - a) <= case.last]
    return [x - a for x in starts]


def episode_jitter_placements(case: Case, days: int, gap: int | None = None,
                              centred: bool = True):
    gap = case.hi - case.lo + 1 if gap is None else gap
    runs = episodes(case.responses, gap)
    options = [episode_shifts(case, run, days, centred) for run in runs]
    for shifts in itertools.product(*options):
        yield [t + shift for run, shift in zip(runs, shifts) for t in run]


def circular_placements(case: Case):
    """All T common shifts, wrapping at the period's end."""
    T = case.n_days
    for delta in range(T):
        yield [case.first + ((t - case.first + delta) % T) for t in case.responses]


# ---------------------------------------------------------------------------
# Trigger nulls: responses fixed, triggers re-drawn in the reach.
# ---------------------------------------------------------------------------

def poisson_q(case: Case, continuous: bool = False):
    """The library's documented estimate, on the reach of D = T + L - 1 days where
    triggers are redrawn: q = m / D, m the distinct trigger days in the reach
    (``continuous=True``: q = 1 - exp(-N/D), N the trigger events in the reach)."""
    reach = set(case.reach_days)
    if continuous:
        events = sum(1 for s in case.triggers if s in reach)
        return 1.0 - math.exp(-events / len(reach))
    return Fraction(len({s for s in case.triggers if s in reach}), len(reach))


def poisson_pmf(case: Case, stat: str, q) -> dict:
    """Each reach day holds one trigger with probability ``q``, independently.

    Weighted sum over all 2^D subsets of the reach: a subset with k days has
    probability q^k (1-q)^(D-k).
    """
    reach = case.reach_days
    D = len(reach)
    tally = Counter()
    for occupied in itertools.product((False, True), repeat=D):
        triggers = [day for day, here in zip(reach, occupied) if here]
        tally[(statistic(stat, case, triggers=triggers), len(triggers))] += 1
    pmf: dict = {}
    for (value, k), count in tally.items():
        pmf[value] = pmf.get(value, 0) + count * q**k * (1 - q) ** (D - k)
    return pmf


def trigger_days_in_reach(case: Case) -> Counter:
    """Distinct trigger days in reach, each with its number of trigger events."""
    reach = set(case.reach_days)
    return Counter(s for s in case.triggers if s in reach)


def shuffle_triggers_pmf(case: Case, stat: str, with_replacement: bool = False) -> dict:
    """The m distinct trigger days in reach re-placed on uniform reach days.

    Default (the contract): m *distinct* days, all ordered m-tuples of distinct
    reach days equally likely; a day keeps its number of trigger events (this
    only matters for ``pairs`` when the data have duplicates).
    ``with_replacement=True``: the m days i.i.d. uniform over the reach (two may
    coincide) -- not the contract, kept to diagnose a sampler that does this.
    """
    multiplicity = list(trigger_days_in_reach(case).values())
    reach = case.reach_days
    if with_replacement:
        draws = itertools.product(reach, repeat=len(multiplicity))
    else:
        draws = itertools.permutations(reach, len(multiplicity))
    values = []
    for days in draws:
        triggers = [day for day, times in zip(days, multiplicity) for _ in range(times)]
        values.append(statistic(stat, case, triggers=triggers))
    return _pmf_of_equally_likely(values)


# ---------------------------------------------------------------------------
# One entry point and p-values
# ---------------------------------------------------------------------------

PLACEMENT_NULLS = {
    "uniform": uniform_placements,
    "stratified": stratified_placements,
    "jitter": jitter_placements,
    "episode-jitter": episode_jitter_placements,
    "circular": circular_placements,
}
NULLS = (*PLACEMENT_NULLS, "poisson", "shuffle-triggers")


def null_pmf(case: Case, null: str, stat: str = "matches", **options) -> dict:
    """Exact pmf of statistic ``stat`` under ``null`` with ``options`` (the
    library's option names: ``distinct``, ``strata``, ``days``, ``gap``,
    ``centred``, ``continuous``; ``with_replacement`` for shuffle-triggers)."""
    if null in PLACEMENT_NULLS:
        return _placements_pmf(case, stat, PLACEMENT_NULLS[null](case, **options))
    if null == "poisson":
        return poisson_pmf(case, stat, poisson_q(case, **options))
    if null == "shuffle-triggers":
        return shuffle_triggers_pmf(case, stat, **options)
    raise ValueError(f"unknown null {null!r}")


def pvalue(pmf: dict, observed, alternative: str = "greater"):
    """P(T >= t) ("greater"), P(T <= t) ("less"), or min(1, 2 min of the two).

    Mass on ``None`` (an undefined statistic) is in neither tail.
    """
    upper = sum((p for v, p in pmf.items() if v is not None and v >= observed), 0)
    lower = sum((p for v, p in pmf.items() if v is not None and v <= observed), 0)
    if alternative == "greater":
        return upper
    if alternative == "less":
        return lower
    return min(1, 2 * min(upper, lower))


def mean(pmf: dict):
    """E[T] over the defined values (mass on ``None`` is left out)."""
    return sum((v * p for v, p in pmf.items() if v is not None), 0)
