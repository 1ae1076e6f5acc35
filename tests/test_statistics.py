"""Every null x statistic against brute-force enumeration written from the definitions.

Exact combinations must reproduce the enumerated distribution; Monte Carlo ones
must agree with it within 4 standard errors; every ``expected`` is the
enumerated mean.
"""

import itertools
import math
import warnings

import numpy as np
import pytest

from alliancestats import (AllianceStatsError, DegenerateDataWarning, EventSeries, Period, Window,
                           coincidence_test)
from alliancestats._pvalues import exact_pvalue
from alliancestats.datasets import load_iran_venezuela
from alliancestats.nulls import NULLS, EXACT

T = 8
PERIOD = Period("2020-01-01", "2020-01-08")
WINDOW = Window(0, 2)                    # L = 3; reach = days -2 .. 7 (10 days)
RESPONSES = [1, 2, 2, 6]                 # a same-day pair and overlapping windows
TRIGGERS = [-1, 0, 0, 4]                 # a trigger before the period and two on one day
REACH = list(range(-WINDOW.hi, T - WINDOW.lo))
STATISTICS = ["matches", "pairs", "trigger-rate"]


def _series(offsets):
    return EventSeries(np.datetime64("2020-01-01") + np.asarray(offsets, dtype="timedelta64[D]"))


def statistic(name, responses, triggers, window=WINDOW):
    """The three statistics, straight from their definitions (distinct trigger days)."""
    days = set(triggers)
    lag_ok = lambda r, s: window.lo <= r - s <= window.hi  # noqa: E731
    if name == "matches":
        return sum(any(lag_ok(r, s) for s in days) for r in responses)
    if name == "pairs":
        return sum(sum(lag_ok(r, s) for s in days) for r in responses)
    in_reach = [s for s in days if s + window.hi >= 0 and s + window.lo <= T - 1]
    if not in_reach:
        return 0.0
    return sum(any(lag_ok(r, s) for r in responses) for s in in_reach) / len(in_reach)


def _add(dist, value, p):
    dist[value] = dist.get(value, 0.0) + p


def enumerate_placements(name, candidates):
    """Null distribution when response i lies on a uniform member of ``candidates[i]``
    (lists of full placements are given as one candidate list of tuples)."""
    dist = {}
    total = math.prod(len(c) for c in candidates)
    for placement in itertools.product(*candidates):
        _add(dist, statistic(name, placement, TRIGGERS), 1 / total)
    return dist


def brute_force(null, name, options):
    n = len(RESPONSES)
    if null == "uniform" and options.get("distinct"):
        perms = list(itertools.permutations(range(T), n))
        dist = {}
        for placement in perms:
            _add(dist, statistic(name, placement, TRIGGERS), 1 / len(perms))
        return dist
    if null == "uniform":
        return enumerate_placements(name, [range(T)] * n)
    if null == "jitter":
        j = options["days"]
        return enumerate_placements(name, [range(max(t - j, 0), min(t + j, T - 1) + 1)
                                           for t in RESPONSES])
    if null == "stratified":   # breaks on 2020-01-04 and 2020-01-07: strata [0,2], [3,5], [6,7]
        strata = [(0, 2), (3, 5), (6, 7)]
        return enumerate_placements(name, [range(a, b + 1) for a, b in strata for t in RESPONSES
                                           if a <= t <= b])
    if null == "circular":
        dist = {}
        for d in range(T):
            _add(dist, statistic(name, [(t + d) % T for t in RESPONSES], TRIGGERS), 1 / T)
        return dist
    if null == "episode-jitter":
        return enumerate_episodes(name, RESPONSES, options, T)
    if null == "poisson":
        if options.get("continuous"):
            events = len([s for s in TRIGGERS if s in REACH])
            q = -math.expm1(-events / len(REACH))
        else:
            q = len({s for s in TRIGGERS if s in REACH}) / len(REACH)
        dist = {}
        for bits in itertools.product([0, 1], repeat=len(REACH)):
            chosen = [d for d, b in zip(REACH, bits) if b]
            _add(dist, statistic(name, RESPONSES, chosen),
                 q ** len(chosen) * (1 - q) ** (len(REACH) - len(chosen)))
        return dist
    if null == "shuffle-triggers":
        m = len({s for s in TRIGGERS if s in REACH})
        subsets = list(itertools.combinations(REACH, m))
        dist = {}
        for chosen in subsets:
            _add(dist, statistic(name, RESPONSES, chosen), 1 / len(subsets))
        return dist
    raise AssertionError(null)


def partition_by_loop(days, gap):
    """Episodes by a plain loop over the sorted days: lists of input positions."""
    order = sorted(range(len(days)), key=lambda i: (days[i], i))
    groups = [[order[0]]]
    for a, b in zip(order, order[1:]):
        if days[b] - days[a] <= gap:
            groups[-1].append(b)
        else:
            groups.append([b])
    return groups


def episode_shifts(responses, options, n_days):
    """Episodes (lists of response positions) and each one's allowed shifts, by definition."""
    j = options["days"]
    groups = partition_by_loop(responses, options.get("gap", WINDOW.length))
    shifts = []
    for g in groups:
        first, last = min(responses[i] for i in g), max(responses[i] for i in g)
        if options.get("centred", True):
            allowed = [d for d in range(-j, j + 1) if first + d >= 0 and last + d <= n_days - 1]
        else:
            width = 2 * j + 1
            start = first // width * width
            allowed = [x - first for x in range(start, start + width)
                       if x >= 0 and x + (last - first) <= n_days - 1]
        shifts.append(allowed)
    return groups, shifts


def enumerate_episodes(name, responses, options, n_days):
    groups, shifts = episode_shifts(responses, options, n_days)
    total = math.prod(len(s) for s in shifts)
    dist = {}
    for combo in itertools.product(*shifts):
        placed = list(responses)
        for g, d in zip(groups, combo):
            for i in g:
                placed[i] = responses[i] + d
        _add(dist, statistic(name, placed, TRIGGERS), 1 / total)
    return dist


CASES = [("uniform", {}), ("uniform", {"distinct": True}), ("stratified",
         {"strata": ["2020-01-04", "2020-01-07"]}), ("jitter", {"days": 2}),
         ("episode-jitter", {"days": 2}), ("episode-jitter", {"days": 2, "centred": False}),
         ("episode-jitter", {"days": 1, "gap": 0}), ("circular", {}), ("poisson", {}),
         ("poisson", {"continuous": True}), ("shuffle-triggers", {})]


def _run(null, name, options, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)   # distinct with a shared day
        return coincidence_test(_series(RESPONSES), _series(TRIGGERS), window=WINDOW,
                                period=PERIOD, null=null, statistic=name, **options, **kw)


def _as_dict(series):
    return {k: v for k, v in series.items() if v > 0}


def _pmf_arrays(dist):
    values = np.array(sorted(dist))
    return values, np.array([dist[v] for v in values])


@pytest.mark.parametrize("null,options", CASES)
@pytest.mark.parametrize("name", STATISTICS)
def test_every_null_and_statistic_against_enumeration(null, options, name):
    if name in NULLS[null].refused_statistics:
        with pytest.raises(AllianceStatsError, match="cannot test statistic"):
            _run(null, name, options)
        return
    truth = brute_force(null, name, options)
    values, pmf = _pmf_arrays(truth)
    observed = statistic(name, RESPONSES, TRIGGERS)
    mean = float((values * pmf).sum())
    if (null, name) in EXACT:
        res = _run(null, name, options, method="exact")
        got = _as_dict(res.null_distribution)
        assert set(got) == set(truth), (got, truth)
        for value, p in truth.items():
            assert got[value] == pytest.approx(p, abs=1e-12)
        for alternative in ("greater", "less", "two-sided"):
            res_alt = _run(null, name, options, method="exact", alternative=alternative)
            assert res_alt.pvalue == pytest.approx(
                _exact_p(values, pmf, observed, alternative), abs=1e-12)
    else:
        with pytest.raises(AllianceStatsError, match="no exact distribution"):
            _run(null, name, options, method="exact")
        b = 4000
        res = _run(null, name, options, n_resamples=b, rng=3)
        assert res.method == "monte-carlo"
        truth_p = _exact_p(values, pmf, observed, "greater")
        assert abs(res.pvalue - truth_p) <= 4 * res.pvalue_se + 1 / (b + 1)
    assert res.statistic == pytest.approx(observed)
    assert res.expected == pytest.approx(mean, abs=1e-12)


def _exact_p(values, pmf, observed, alternative):
    upper = pmf[values >= observed - 1e-12].sum()
    lower = pmf[values <= observed + 1e-12].sum()
    return {"greater": upper, "less": lower}.get(alternative, min(1.0, 2 * min(upper, lower)))


def test_pairs_counts_trigger_days_not_events():
    one = coincidence_test(_series([3]), _series([2, 2, 2]), window=WINDOW, period=PERIOD,
                           statistic="pairs")
    assert one.statistic == 1 and one.table.n_triggers_in_window.iloc[0] == 3


MODERATE = [("uniform", {}), ("uniform", {"distinct": True}), ("stratified", {}),
            ("jitter", {"days": 68}), ("episode-jitter", {"days": 68}),
            ("episode-jitter", {"days": 40, "centred": False, "gap": 20}), ("circular", {}),
            ("poisson", {}), ("poisson", {"continuous": True}), ("shuffle-triggers", {})]


@pytest.mark.parametrize("null,options,name", [(null, options, name) for null, options in MODERATE
                                                for name in STATISTICS if (null, name) in EXACT])
def test_exact_agrees_with_monte_carlo_on_the_case_study(null, options, name):
    case = load_iran_venezuela()
    common = dict(window=case.window, period=case.period, null=null, statistic=name, **options)
    exact = coincidence_test(case.meetings, case.independent_sanctions, method="exact", **common)
    b = 2000
    mc = coincidence_test(case.meetings, case.independent_sanctions, method="monte-carlo",
                          n_resamples=b, rng=17, keep_draws=True, **common)
    assert abs(mc.pvalue - exact.pvalue) <= 4 * mc.pvalue_se + 1 / (b + 1)
    draws = mc.null_draws
    assert abs(draws.mean() - exact.expected) <= 4 * draws.std() / np.sqrt(b) + 1e-12
    # the exact distribution's own mean is the closed-form expectation
    dist = exact.null_distribution
    assert float((dist.index.to_numpy() * dist.to_numpy()).sum()) == pytest.approx(exact.expected)


def test_exact_pvalue_helper_matches_sum_of_pmf():
    pmf = np.array([0.5, 0.25, 0.25])
    assert exact_pvalue(pmf, 1, "greater") == 0.5 and exact_pvalue(pmf, 1, "less") == 0.75


@pytest.mark.parametrize("null,options", [("stratified", {}), ("jitter", {"days": 68})])
def test_k_by_convolution_equals_scipy_poisson_binomial(null, options):
    from scipy import stats
    from alliancestats._setup import build_setup
    from alliancestats.nulls import make_null
    case = load_iran_venezuela()
    res = coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                           period=case.period, null=null, **options)
    setup, _ = build_setup(case.meetings, case.independent_sanctions, window=case.window,
                           period=case.period)
    units = make_null(null, options).units(setup)
    covered = np.concatenate([[0], np.cumsum(setup.mask)])
    p = (covered[units.high + 1] - covered[units.low]) / (units.high - units.low + 1)
    np.testing.assert_allclose(res.null_distribution.to_numpy(),
                               stats.poisson_binom.pmf(np.arange(res.n + 1), p), atol=1e-13)


def test_null_distribution_plot_marks_the_tested_statistic():
    import matplotlib
    matplotlib.use("Agg")
    from alliancestats.plots import plot_null_distribution
    case = load_iran_venezuela()
    res = coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                           period=case.period, statistic="pairs")
    ax = plot_null_distribution(res)
    observed = [line for line in ax.get_lines() if line.get_label().startswith("observed")][0]
    days = np.unique(case.independent_sanctions.days)
    pairs = sum(int(((t - days >= 0) & (t - days <= 33)).sum()) for t in case.meetings.days)
    assert observed.get_xdata()[0] == res.statistic == pairs and pairs > res.k
    assert ax.get_xlabel().startswith("S")


def test_coupled_density_normaliser_is_the_sum_of_the_coverage_count():
    """The pairs docstring's coupled density c(d) / sum c: the (trigger day, lag) pairs
    landing in the period, counted by brute force, number sum_d c(d) -- not m L, which
    counts the pairs that fall outside the period too (the case study's triggers include
    days whose window runs past its end)."""
    from alliancestats.matching import coverage_counts

    case = load_iran_venezuela()
    period, window = case.period, case.window
    trigger_days = np.unique(np.asarray(case.independent_sanctions.days, np.int64))
    c = coverage_counts(trigger_days, window, period)
    landing = sum(period.first_day <= s + lag <= period.last_day
                  for s in trigger_days for lag in range(window.lo, window.hi + 1))
    assert c.sum() == landing
    assert landing < trigger_days.size * window.length
