"""Power and n_required for K, S and Λ: exact against simulation, the 'stays above' rule,
and bad arguments."""

import numpy as np
import pytest

from alliancestats import AllianceStatsError, coincidence_test
from alliancestats.datasets import load_iran_venezuela
from alliancestats.power_analysis import n_required, power
from alliancestats.simulate import coupled_responses, delay_distribution


@pytest.fixture(scope="module")
def case():
    return load_iran_venezuela()


@pytest.mark.parametrize("statistic,coupling,n,sims", [("pairs", 0.3, 20, 600),
                                                       ("likelihood", 0.5, 15, 400)])
def test_exact_power_matches_simulation(case, statistic, coupling, n, sims):
    triggers = case.independent_sanctions
    exact = power(coupling, n, triggers, window=case.window, period=case.period,
                  statistic=statistic)
    rng = np.random.default_rng(8)
    hits = 0
    for _ in range(sims):
        responses = coupled_responses(triggers, n=n, coupling=coupling,
                                      delay=delay_distribution(0, 33), period=case.period, rng=rng)
        hits += coincidence_test(responses, triggers, window=case.window, period=case.period,
                                 statistic=statistic).pvalue <= 0.05
    se = np.sqrt(exact.power * (1 - exact.power) / sims)
    assert exact.method == "exact" and exact.statistic == statistic
    assert abs(hits / sims - exact.power) <= 4 * se


@pytest.mark.parametrize("statistic", ["matches", "pairs"])
def test_n_required_stays_above_the_target_from_there_on(case, statistic):
    args = dict(window=case.window, period=case.period, statistic=statistic)
    n_max = 150
    n = n_required(0.4, case.independent_sanctions, n_max=n_max, **args)
    first = n_required(0.4, case.independent_sanctions, n_max=n_max, rule="first", **args)
    values = {m: power(0.4, m, case.independent_sanctions, **args).power
              for m in range(max(first - 1, 1), n_max + 1)}
    assert all(values[m] >= 0.8 for m in range(n, n_max + 1))
    assert values[n - 1] < 0.8 and first <= n
    assert values[first] >= 0.8 and (first == 1 or values[first - 1] < 0.8)
    if statistic == "matches":   # the saw-tooth: power dips below 0.8 after first reaching it
        assert first < n


def test_n_required_is_minus_one_when_never_reached(case):
    args = dict(window=case.window, period=case.period)
    assert n_required(0.0, case.independent_sanctions, **args) == -1
    assert n_required(0.4, case.independent_sanctions, n_max=50, **args) == -1


def test_simulated_power_takes_a_statistic(case):
    res = power(0.8, 15, case.independent_sanctions, window=case.window, period=case.period,
                null="circular", statistic="trigger-rate", n_simulations=20, n_resamples=49, rng=1)
    assert res.method == "simulation" and res.statistic == "trigger-rate"


@pytest.mark.parametrize("kwargs,message", [
    (dict(coupling=1.5), r"`coupling` must be a number in \[0, 1\]"),
    (dict(coupling=-0.1), r"`coupling` must be a number in \[0, 1\]"),
    (dict(coupling="0.4"), r"`coupling` must be a number in \[0, 1\], got '0.4'"),
    (dict(coupling=None), "`coupling` must be a number"),
    (dict(coupling=True), "`coupling` must be a number"),
    (dict(alpha=0), r"`alpha` must be a number in \(0, 1\)"),
    (dict(alpha=1.0), r"`alpha` must be a number in \(0, 1\)"),
    (dict(alpha="0.05"), "`alpha` must be a number"),
    (dict(alpha=None), "`alpha` must be a number"),
    (dict(n=0), "`n` must be >= 1"),
    (dict(n="25"), "`n` must be an integer"),
    (dict(statistic="ratio"), "`statistic` must be one of"),
    (dict(null="bogus"), "`null` must be one of"),
    (dict(n=10**20), "`n` must be at most"),       # found by the guard: a TypeError in scipy
])
def test_power_bad_arguments(case, kwargs, message):
    args = dict(coupling=0.4, n=25)
    args.update(kwargs)
    with pytest.raises(AllianceStatsError, match=message):
        power(args.pop("coupling"), args.pop("n"), case.independent_sanctions, window=case.window,
              period=case.period, **args)


@pytest.mark.parametrize("kwargs,message", [
    (dict(coupling=2), "`coupling` must be a number"),
    (dict(target_power=1), r"`target_power` must be a number in \(0, 1\)"),
    (dict(target_power=None), "`target_power` must be a number"),
    (dict(alpha=-1), "`alpha` must be a number"),
    (dict(n_max=0), "`n_max` must be >= 1"),
    (dict(n_max=10**9, statistic="pairs"), "exact power of S up to that n"),
    (dict(rule="last"), "`rule` must be one of 'stays', 'first'"),
    (dict(statistic="trigger-rate"), "n_required is exact for 'matches', 'pairs'"),
])
def test_n_required_bad_arguments(case, kwargs, message):
    args = dict(coupling=0.4)
    args.update(kwargs)
    with pytest.raises(AllianceStatsError, match=message):
        n_required(args.pop("coupling"), case.independent_sanctions, window=case.window,
                   period=case.period, **args)
