"""The brute-force reference itself, against closed forms that follow from the
definitions (so that a mistake in ``brute.py`` cannot hide behind agreement
with the library)."""

from __future__ import annotations

import datetime
from fractions import Fraction
from math import comb

import numpy as np
import pytest
from scipy import stats

import brute

FIRST = brute.to_day(datetime.date(2019, 12, 28))     # 4 days of 2019, then 2020


def small_cases():
    rng = np.random.default_rng(2024)
    out = []
    for _ in range(15):
        T = int(rng.integers(3, 9))
        lo = int(rng.integers(-2, 3))
        hi = lo + int(rng.integers(0, 3))
        n = int(rng.integers(1, 4))
        responses = tuple(int(x) for x in sorted(FIRST + rng.integers(0, T, size=n)))
        triggers = tuple(int(x) for x in FIRST + rng.integers(-hi - 2, T - lo + 2, size=3))
        out.append(brute.Case(FIRST, FIRST + T - 1, lo, hi, responses, triggers))
    return out


CASES = small_cases()


def covered(case, days):
    """Days among ``days`` on which a response would be matched."""
    return [d for d in days if any(case.lo <= d - s <= case.hi for s in case.triggers)]


def assert_pmf(pmf, expected_pmf):
    for k in set(pmf) | set(expected_pmf):
        assert float(pmf.get(k, 0)) == pytest.approx(float(expected_pmf.get(k, 0)), abs=1e-12)


@pytest.mark.parametrize("case", CASES)
def test_uniform_is_binomial_and_hypergeometric(case):
    T, n = case.n_days, len(case.responses)
    C = len(covered(case, case.period_days))
    assert_pmf(brute.null_pmf(case, "uniform"),
               {k: stats.binom.pmf(k, n, C / T) for k in range(n + 1)})
    if n <= T:
        assert_pmf(brute.null_pmf(case, "uniform", distinct=True),
                   {k: stats.hypergeom.pmf(k, T, C, n) for k in range(n + 1)})


@pytest.mark.parametrize("case", CASES)
def test_stratified_and_jitter_are_poisson_binomial(case):
    n = len(case.responses)
    year = [[d for d in case.period_days if brute.to_date(d).year == brute.to_date(t).year]
            for t in case.responses]
    near = [[d for d in range(t - 2, t + 3) if case.first <= d <= case.last]
            for t in case.responses]
    for pmf, intervals in [(brute.null_pmf(case, "stratified", strata="year"), year),
                           (brute.null_pmf(case, "jitter", days=2), near)]:
        p = [len(covered(case, days)) / len(days) for days in intervals]
        assert_pmf(pmf, {k: stats.poisson_binom.pmf(k, p) for k in range(n + 1)})


@pytest.mark.parametrize("case", CASES)
def test_circular_and_uniform_have_the_same_mean(case):
    C = len(covered(case, case.period_days))
    expected = Fraction(len(case.responses) * C, case.n_days)
    assert brute.mean(brute.null_pmf(case, "circular")) == expected
    assert brute.mean(brute.null_pmf(case, "uniform")) == expected
    # the observed shift (delta = 0) is one of the T equally likely ones
    observed = brute.statistic("matches", case)
    assert brute.pvalue(brute.null_pmf(case, "circular"), observed) >= Fraction(1, case.n_days)


@pytest.mark.parametrize("case", CASES)
def test_poisson_one_response(case):
    one = brute.Case(case.first, case.last, case.lo, case.hi, case.responses[:1], case.triggers)
    q = brute.poisson_q(one)
    matched = 1 - (1 - q) ** (case.hi - case.lo + 1)   # the L window days all lie in reach
    assert_pmf(brute.null_pmf(one, "poisson"), {0: 1 - matched, 1: matched})
    # pairs: the number of triggers among L independent days is Binomial(L, q)
    L = case.hi - case.lo + 1
    assert_pmf(brute.null_pmf(one, "poisson", "pairs"),
               {k: comb(L, k) * q**k * (1 - q) ** (L - k) for k in range(L + 1)})


@pytest.mark.parametrize("case", CASES)
def test_shuffle_triggers_one_response(case):
    one = brute.Case(case.first, case.last, case.lo, case.hi, case.responses[:1], case.triggers)
    D, L = len(one.reach_days), case.hi - case.lo + 1
    m = len(brute.trigger_days_in_reach(one))
    unmatched = Fraction(comb(D - L, m), comb(D, m))
    assert_pmf(brute.null_pmf(one, "shuffle-triggers"), {0: unmatched, 1: 1 - unmatched})
    unmatched_iid = Fraction(D - L, D) ** m
    assert_pmf(brute.null_pmf(one, "shuffle-triggers", with_replacement=True),
               {0: unmatched_iid, 1: 1 - unmatched_iid})


@pytest.mark.parametrize("case", CASES)
def test_pairs_mean_and_trigger_rate_range(case):
    # E[S] under uniform = n * mean over period days of the trigger days covering it
    per_day = [sum(1 for s in set(case.triggers) if case.lo <= d - s <= case.hi)
               for d in case.period_days]
    assert brute.mean(brute.null_pmf(case, "uniform", "pairs")) == Fraction(
        len(case.responses) * sum(per_day), case.n_days)
    for value in brute.null_pmf(case, "uniform", "trigger-rate"):
        assert value is None or 0 <= value <= 1


def test_trigger_rate_by_hand():
    # period 10..19, window [0, 2]: reach 8..19. Triggers 5 (out of reach), 8, 12, 12, 17.
    case = brute.Case(10, 19, 0, 2, (10, 13), (5, 8, 12, 12, 17))
    assert brute.statistic("trigger-rate", case) == Fraction(2, 3)   # 8 -> 10, 12 -> 13
    assert brute.statistic("pairs", case) == 2                        # 8->10, 12->13 (one day)
    assert brute.statistic("matches", case) == 2
    assert brute.statistic("trigger-rate", case, triggers=(5, 30)) is None


@pytest.mark.parametrize("case", CASES)
def test_every_pmf_sums_to_one(case):
    for null, options in [("uniform", {}), ("stratified", {"strata": "month"}),
                          ("jitter", {"days": 1}), ("episode-jitter", {"days": 2}),
                          ("episode-jitter", {"days": 2, "centred": False}),
                          ("circular", {}), ("poisson", {}), ("shuffle-triggers", {})]:
        for stat in brute.STATISTICS:
            assert sum(brute.null_pmf(case, null, stat, **options).values()) == 1


def test_episodes():
    assert brute.episodes([9, 1, 2, 5, 5, 12], gap=2) == [[1, 2], [5, 5], [9], [12]]
    assert brute.episodes([9, 1, 2, 5, 5, 12], gap=3) == [[1, 2, 5, 5], [9, 12]]


@pytest.mark.parametrize("case", CASES)
def test_episode_jitter_of_single_responses_is_jitter(case):
    """With gap < 0 every response is its own episode. Centred: then the shift
    range [-J, J] clipped to the period is exactly jitter's interval."""
    if len(set(case.responses)) < len(case.responses):
        return
    assert brute.null_pmf(case, "episode-jitter", days=2, gap=-1) == brute.null_pmf(
        case, "jitter", days=2)


def test_episode_bins_by_hand():
    # period 100..111, J = 2: bins of 5 days 100-104, 105-109, 110-114.
    case = brute.Case(100, 111, 0, 1, (106, 107, 111), ())
    first_run, last_run = brute.episodes(case.responses, 2)
    assert first_run == [106, 107] and last_run == [111]
    # [106, 107] starts anywhere in 105..109: shifts -1..3
    assert brute.episode_shifts(case, first_run, 2, centred=False) == [-1, 0, 1, 2, 3]
    # [111] lies in the bin 110..114, cut at the period's end 111
    assert brute.episode_shifts(case, last_run, 2, centred=False) == [-1, 0]
    # centred: [-2, 2] cut so that the block stays in the period
    assert brute.episode_shifts(case, first_run, 2, centred=True) == [-2, -1, 0, 1, 2]
    assert brute.episode_shifts(case, last_run, 2, centred=True) == [-2, -1, 0]


def test_strata_keys():
    assert brute.stratum_key(brute.to_day(datetime.date(2020, 3, 31)), "quarter") == (2020, 0)
    assert brute.stratum_key(brute.to_day(datetime.date(2020, 4, 1)), "quarter") == (2020, 1)
    breaks = [brute.to_day(datetime.date(2020, 1, 5))]
    assert brute.stratum_key(breaks[0] - 1, breaks) != brute.stratum_key(breaks[0], breaks)
