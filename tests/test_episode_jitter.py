"""Episodes and the episode-jitter null: partition, shift ranges, exactness, bad input."""

import numpy as np
import pytest

from alliancestats import (AllianceStatsError, DegenerateDataWarning, EventSeries, Period, Window,
                           coincidence_test)
from alliancestats._setup import build_setup
from alliancestats.episodes import episodes
from alliancestats.nulls import make_null

from test_statistics import episode_shifts, partition_by_loop

PERIOD = Period("2020-01-01", "2020-01-08")
WINDOW = Window(0, 2)


def _series(offsets):
    return EventSeries(np.datetime64("2020-01-01") + np.asarray(offsets, dtype="timedelta64[D]"))


@pytest.mark.parametrize("days,gap", [([5], 0), ([3, 3, 3], 0), ([1, 2, 4, 7], 1),
                                      ([1, 2, 4, 7], 2), ([1, 2, 4, 7], 3), ([9, 1, 5, 1], 4),
                                      ([0, 10, 20], 100)])
def test_partition_edge_cases(days, gap):
    ep = episodes(np.array(days), gap)
    expected = partition_by_loop(days, gap)
    assert ep.n_episodes == len(expected)
    for e, members in enumerate(expected):
        assert sorted(ep.members(e).tolist()) == sorted(members)
        assert ep.first_day[e] == min(days[i] for i in members)
        assert ep.last_day[e] == max(days[i] for i in members)
    assert ep.size.sum() == len(days) and (np.diff(ep.first_day) > gap).all()


def test_partition_random_against_loop():
    rng = np.random.default_rng(0)
    for _ in range(50):
        days = rng.integers(0, 60, rng.integers(1, 15)).tolist()
        gap = int(rng.integers(0, 10))
        ep = episodes(np.array(days), gap)
        groups = partition_by_loop(days, gap)
        assert sorted(sorted(ep.members(e).tolist()) for e in range(ep.n_episodes)) == \
            sorted(sorted(g) for g in groups)


def test_partition_bad_gap():
    with pytest.raises(AllianceStatsError, match="`gap` must be >= 0"):
        episodes(np.array([1, 2]), -1)
    with pytest.raises(AllianceStatsError, match="`gap` must be an integer"):
        episodes(np.array([1, 2]), 1.5)


def _units(responses, period=PERIOD, window=WINDOW, **options):
    setup, _ = build_setup(_series(responses), _series([0]), window=window, period=period)
    return make_null("episode-jitter", options).units(setup)


@pytest.mark.parametrize("options", [{"days": 2}, {"days": 3, "centred": False},
                                     {"days": 1, "gap": 0}, {"days": 4, "gap": 5},
                                     {"days": 2, "gap": 1, "centred": False}])
@pytest.mark.parametrize("responses", [[1, 2, 2, 6], [0, 7], [3], [0, 1, 2, 5, 6, 7]])
def test_shift_ranges_are_the_definition(responses, options):
    units = _units(responses, **options)
    groups, shifts = episode_shifts(responses, options, PERIOD.n_days)
    for g, allowed in zip(groups, shifts):
        u = units.unit[g[0]]
        assert (units.unit[g] == u).all()
        first = min(responses[i] for i in g)
        assert list(range(units.low[u] - first, units.high[u] - first + 1)) == allowed
        assert 0 in allowed   # the observation is always a member of the surrogate set


def test_centred_shift_is_clipped_at_both_ends():
    # an episode on days 0-1 can only move right; one on 6-7 only left
    units = _units([0, 1, 6, 7], days=3, gap=1)
    assert units.low.tolist() == [0, 3] and units.high.tolist() == [3, 6]
    assert units.rel.tolist() == [0, 1, 0, 1]


def test_interval_bins_start_on_the_first_day():
    # J = 1: bins of 3 days [0,2], [3,5], [6,7]; an episode of span 1 starting on 6 cannot move
    units = _units([1, 4, 6, 7], days=1, gap=1, centred=False)
    assert units.low.tolist() == [0, 3, 6] and units.high.tolist() == [2, 5, 6]


@pytest.mark.parametrize("centred", [True, False])
@pytest.mark.parametrize("name", ["matches", "pairs"])
def test_exact_on_a_longer_case(centred, name):
    period = Period("2020-01-01", "2020-01-20")
    responses, triggers = [1, 2, 9, 10, 11, 17], [0, 7, 8, 15]
    options = {"days": 3, "gap": 2, "centred": centred}
    res = coincidence_test(_series(responses), _series(triggers), window=WINDOW, period=period,
                           null="episode-jitter", statistic=name, method="exact", **options)
    from test_statistics import statistic as stat_of
    groups, shifts = episode_shifts(responses, options, period.n_days)
    truth = {}
    import itertools
    total = np.prod([len(s) for s in shifts])
    for combo in itertools.product(*shifts):
        placed = list(responses)
        for g, d in zip(groups, combo):
            for i in g:
                placed[i] += d
        value = stat_of(name, placed, triggers)
        truth[value] = truth.get(value, 0) + 1 / total
    got = {k: v for k, v in res.null_distribution.items() if v > 0}
    assert set(got) == set(truth)
    assert all(got[k] == pytest.approx(truth[k], abs=1e-12) for k in truth)


def test_draws_move_episodes_rigidly_within_their_shifts():
    import alliancestats as als
    case = als.datasets.load_iran_venezuela()
    setup, _ = build_setup(case.meetings, case.independent_sanctions, window=case.window,
                           period=case.period)
    ep = episodes(setup.response_offsets, 10)
    assert ep.n_episodes < setup.n   # some episodes hold several meetings
    for centred in (True, False):
        model = make_null("episode-jitter", {"days": 30, "gap": 10, "centred": centred})
        units = model.units(setup)
        draws = model.draw(setup, 500, np.random.default_rng(1))
        for e in range(ep.n_episodes):
            members = ep.members(e)
            shift = draws[:, members] - setup.response_offsets[members]
            assert (shift == shift[:, :1]).all()            # one shift per episode: spacing kept
            anchor = ep.first_day[e] + shift[:, 0]
            assert anchor.min() >= units.low[e] and anchor.max() <= units.high[e]
        if not centred:   # interval jitter: the anchor stays in its own bin of 61 days
            bins = (ep.first_day // 61)[None, :]
            anchors = draws[:, [ep.members(e)[0] for e in range(ep.n_episodes)]] - \
                (setup.response_offsets[[ep.members(e)[0] for e in range(ep.n_episodes)]]
                 - ep.first_day)[None, :]
            assert (anchors // 61 == bins).all()
    a = coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                         period=case.period, null="episode-jitter", days=30, gap=10)
    b = coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                         period=case.period, null="episode-jitter", days=30, gap=10, centred=False)
    assert a.pvalue != b.pvalue and "interval" in b.null_description


@pytest.mark.parametrize("options,message", [
    ({}, "needs `days=J`"),
    ({"days": -1}, "`days` must be >= 0"),
    ({"days": 2.5}, "`days` must be an integer"),
    ({"days": 3, "gap": -1}, "`gap` must be >= 0"),
    ({"days": 3, "gap": "week"}, "`gap` must be an integer"),
    ({"days": 3, "centred": "yes"}, "`centred` of null 'episode-jitter' must be True or False"),
    ({"days": 3, "width": 2}, "unknown option 'width'"),
])
def test_bad_options(options, message):
    with pytest.raises(AllianceStatsError, match=message):
        coincidence_test(_series([1, 5]), _series([0]), window=WINDOW, period=PERIOD,
                         null="episode-jitter", **options)


def test_an_episode_spanning_the_whole_period_is_refused():
    with pytest.raises(AllianceStatsError, match=r"rows 0, 1, 2 spans the whole period.*`gap`=7"):
        coincidence_test(_series([0, 4, 7]), _series([0]), window=WINDOW, period=PERIOD,
                         null="episode-jitter", days=3, gap=7)


def test_pinned_episodes_warn_that_the_statistic_is_forced():
    """Interval jitter with bins of 3 days: the one episode (days 3 and 5) can only
    stay where it is (its bin is days 3-5 and the period ends on day 5): a point
    mass, not an error, although the episode does not span the period."""
    with pytest.warns(DegenerateDataWarning, match="forced"):
        res = coincidence_test(_series([3, 5]), _series([3]), window=WINDOW,
                               period=Period("2020-01-01", "2020-01-06"),
                               null="episode-jitter", days=1, gap=2, centred=False)
    assert (res.k, res.pvalue) == (2, 1)


def test_no_shift_at_all_warns_that_the_statistic_is_forced():
    with pytest.warns(DegenerateDataWarning, match="forced"):
        res = coincidence_test(_series([1, 5]), _series([0]), window=WINDOW, period=PERIOD,
                               null="episode-jitter", days=0)
    assert res.pvalue == 1


# -- interval jitter: exact only when episodes cannot come within `gap` of each other ----------

def _size_by_enumeration(n_days, n, triggers, options, window=Window(0, 0)):
    """Every dataset of ``n`` responses i.i.d. uniform over ``n_days`` days (all equally
    likely): its p-value, its conditioning class (the episodes' anchor ranges and shapes)
    and whether the null calls it conditionally exact."""
    import itertools
    import warnings
    period = Period("2020-01-01", str(np.datetime64("2020-01-01") + n_days - 1))
    rows = []
    for days in itertools.product(range(n_days), repeat=n):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DegenerateDataWarning)   # classes with one placement
            res = coincidence_test(_series(days), _series(triggers), window=window,
                                   period=period, null="episode-jitter", **options)
        model, setup = res.effect_inputs
        units = model.units(setup)
        key = tuple(sorted((int(lo), int(hi), tuple(sorted(units.rel[units.unit == u].tolist())))
                           for u, (lo, hi) in enumerate(zip(units.low, units.high))))
        rows.append((days, res.pvalue, key, model.conditionally_exact(setup)))
    return rows


def test_interval_jitter_departs_from_exact_when_episodes_can_come_within_gap():
    """The counterexample the docs quote: T = 5, J = 2 (one bin), gap = 1, a trigger on
    day 4, window [0, 0], three i.i.d. uniform responses. Each p-value is recomputed here
    from the definition (every allowed anchor of every episode), and over the 125
    equally likely datasets P(p <= 0.40) exceeds 0.40."""
    import itertools
    from test_statistics import episode_shifts
    options = {"days": 2, "gap": 1, "centred": False}
    rows = _size_by_enumeration(5, 3, [4], options)
    for days, p, _, _ in rows:
        groups, shifts = episode_shifts(list(days), options, 5)
        k = sum(d == 4 for d in days)
        placements = [sum(days[i] + d == 4 for g, d in zip(groups, combo) for i in g)
                      for combo in itertools.product(*shifts)]
        assert p == pytest.approx(np.mean(np.array(placements) >= k), abs=1e-12)
    pvalues = np.array([p for _, p, _, _ in rows])
    size = np.mean(pvalues <= 0.40 + 1e-12)
    assert size > 0.40
    import pathlib
    notes = " ".join(make_null("episode-jitter", {"days": 1}).__doc__.split())
    assert rf":math:`P(p \le 0.40) = {size:.2f}`" in notes
    page = (pathlib.Path(__file__).resolve().parents[1] / "docs" / "methods.rst").read_text()
    assert f"P(p ≤ 0.40) = {size:.2f}" in " ".join(page.split())


@pytest.mark.parametrize("n_days, n, triggers, gap", [(9, 3, [1, 5, 6], 0), (9, 2, [2, 3], 1),
                                                      (8, 3, [0, 4, 7], 0)])
def test_interval_jitter_is_exact_in_every_class_where_episodes_stay_apart(n_days, n, triggers,
                                                                           gap):
    """Within each conditioning class (same anchor ranges and shapes) the datasets are
    equally likely under H0; where the null calls the class conditionally exact, the
    p-value has P(p <= a | class) <= a for every a. The check has teeth: classes the null
    does not call exact are where departures show."""
    rows = _size_by_enumeration(n_days, n, triggers, {"days": 1, "gap": gap, "centred": False})
    classes = {}
    for _, p, key, exact in rows:
        classes.setdefault(key, ([], exact))[0].append(p)
    checked = 0
    for pvalues, exact in classes.values():
        if exact:
            pvalues = np.array(pvalues)
            for a in np.unique(pvalues):
                assert np.mean(pvalues <= a + 1e-12) <= a + 1e-12
            checked += 1
    assert checked >= 3
    worst = max(np.mean(np.array(pv) <= a + 1e-12) - a
                for pv, exact in classes.values() if not exact for a in np.unique(pv))
    assert worst > 0.05


def test_conditionally_exact_is_the_reach_of_the_episodes():
    period = Period("2020-01-01", "2020-01-09")     # bins of 3 days: 0-2, 3-5, 6-8
    def exact(days, gap, centred=False):
        setup, _ = build_setup(_series(days), _series([0]), window=WINDOW, period=period)
        return make_null("episode-jitter", {"days": 1, "gap": gap,
                                            "centred": centred}).conditionally_exact(setup)
    assert exact([1, 4, 7], 0)                   # one single-day episode per bin, gap 0
    assert not exact([1, 4, 7], 1)               # neighbouring bins reach within 1 day
    assert exact([1, 7], 3) and not exact([1, 7], 4)   # reaches 0-2 and 6-8: 4 days apart
    assert not exact([0, 2], 1)                  # two episodes in one bin
    assert exact([0, 0, 7], 0)                   # same-day responses: one episode
    assert not exact([3, 4, 8], 1)               # episode 3-4 reaches day 6; 8's bin starts on 6
    assert not exact([1, 4, 7], 0, centred=True)


def test_interval_jitter_calibration_is_quoted_from_the_csv():
    import pathlib
    import pandas as pd
    root = pathlib.Path(__file__).resolve().parents[1]
    table = pd.read_csv(root / "docs" / "data" / "calibration_size.csv")
    rows = table[(table.null == "episode-jitter interval J=68")
                 & table.statistic.isin(["matches", "pairs"])]     # the phrase is about K and S
    assert set(rows.statistic) == {"matches", "pairs"} and rows.scenario.nunique() == 6
    assert not rows.above_bound.any()
    phrase = (f"between {rows.rate.min():.3f} and {rows.rate.max():.3f} of 1,000 null datasets "
              "at level 0.05")
    notes = " ".join(make_null("episode-jitter", {"days": 1}).__doc__.split())
    page = " ".join((root / "docs" / "methods.rst").read_text().split())
    assert phrase in notes and phrase in page and (rows.datasets == 1000).all()
