import numpy as np
import pytest

from alliancestats import AllianceStatsError, EventSeries, Period, Window, coincidence_test
from alliancestats.datasets import load_iran_venezuela
from alliancestats.lagtest import days_since_trigger, lag_test
from alliancestats.sweep import SWEEPABLE, sweep_windows, window_sweep


@pytest.fixture(scope="module")
def case():
    return load_iran_venezuela()


@pytest.fixture(scope="module")
def sweep(case):
    return window_sweep(case.meetings, case.independent_sanctions, period=case.period,
                        windows=sweep_windows(60), nulls=SWEEPABLE,
                        null_options={"jitter": {"days": 68}}, n_resamples=999, rng=3)


def test_sweep_rows_match_single_tests(case, sweep):
    assert set(sweep.table.null) == set(SWEEPABLE) and len(sweep.table) == 61 * len(SWEEPABLE)
    for null in ("uniform", "poisson", "circular"):
        row = sweep.table[(sweep.table.null == null) & (sweep.table.hi == 33)].iloc[0]
        single = coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                                  period=case.period, null=null)
        assert (row.k, row.pvalue) == (single.k, pytest.approx(single.pvalue))
        assert row.expected == pytest.approx(single.expected)


def test_adjusted_never_below_unadjusted(sweep):
    assert (sweep.table.pvalue_adjusted >= sweep.table.pvalue).all()
    best = sweep.best()
    assert (best.pvalue_adjusted > best.pvalue).all()  # searching 61 windows costs something


@pytest.mark.parametrize("null", ["uniform", "poisson"])
def test_single_window_adjustment_is_the_monte_carlo_p(case, null):
    res = window_sweep(case.meetings, case.independent_sanctions, period=case.period,
                       windows=[case.window], nulls=[null], n_resamples=3000, rng=9)
    row = res.table.iloc[0]
    se = np.sqrt(row.pvalue * (1 - row.pvalue) / 3000)
    assert abs(row.pvalue_adjusted - row.pvalue) <= 4 * se + 1 / 3001


def test_familywise_error_is_controlled_on_null_data():
    """Responses uniform, independent of triggers: the smallest adjusted p over 21
    windows rejects at most alpha + 3 SE of the time; the smallest unadjusted p more."""
    rng = np.random.default_rng(2024)
    period = Period("2020-01-01", "2020-12-30")
    datasets, adjusted, naive = 300, 0, 0
    for _ in range(datasets):
        responses = EventSeries(np.datetime64("2020-01-01") + rng.integers(0, 365, 15))
        triggers = EventSeries(np.datetime64("2020-01-01") + rng.integers(-20, 365, 12))
        res = window_sweep(responses, triggers, period=period, windows=sweep_windows(20),
                           n_resamples=199, rng=rng)
        adjusted += res.table.pvalue_adjusted.min() <= 0.05
        naive += res.table.pvalue.min() <= 0.05
    se = np.sqrt(0.05 * 0.95 / datasets)
    assert adjusted / datasets <= 0.05 + 3 * se
    assert naive > adjusted


def test_sweep_bad_input(case):
    with pytest.raises(AllianceStatsError, match="`min_days` <= `max_days`"):
        sweep_windows(5, min_days=10)
    with pytest.raises(AllianceStatsError, match="cannot be swept"):
        window_sweep(case.meetings, case.sanctions, period=case.period, nulls=["shuffle-triggers"])
    with pytest.raises(AllianceStatsError, match="`windows` is empty"):
        window_sweep(case.meetings, case.sanctions, period=case.period, windows=[])
    with pytest.raises(AllianceStatsError, match="item 1 must be a Window"):
        window_sweep(case.meetings, case.sanctions, period=case.period, windows=[Window(0, 1), (0, 2)])


def test_days_since_trigger_brute_force():
    rng = np.random.default_rng(1)
    days, trig = rng.integers(0, 100, 40), rng.integers(-10, 100, 8)
    got = days_since_trigger(days, trig)
    for d, g in zip(days, got):
        before = d - trig[trig <= d]
        assert g == (before.min() if before.size else np.inf)
    assert np.isinf(days_since_trigger(days, np.array([], dtype=np.int64))).all()
    assert np.isinf(days_since_trigger(days, np.array([500, 600]))).all()  # all triggers later


def test_lag_test_is_calibrated_and_reproducible(case):
    a = lag_test(case.meetings, case.independent_sanctions, period=case.period, n_resamples=500, rng=4)
    b = lag_test(case.meetings, case.independent_sanctions, period=case.period, n_resamples=500, rng=4)
    assert a.pvalue == b.pvalue and 0 < a.pvalue <= 1
    rng = np.random.default_rng(5)
    period = Period("2020-01-01", "2020-12-30")
    triggers = EventSeries(np.datetime64("2020-01-01") + rng.integers(0, 365, 20))
    rejections = 0
    for _ in range(200):
        responses = EventSeries(np.datetime64("2020-01-01") + rng.integers(0, 365, 12))
        rejections += lag_test(responses, triggers, period=period, n_resamples=199, rng=rng).pvalue <= 0.05
    assert rejections / 200 <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / 200)
    coupled = EventSeries(triggers.dates[:12] + np.timedelta64(2, "D"))
    assert lag_test(coupled, triggers, period=period, n_resamples=199, rng=1).pvalue < 0.05
    with pytest.raises(AllianceStatsError, match="moves triggers"):
        lag_test(case.meetings, case.sanctions, period=case.period, null="poisson")


def test_symmetric_sweep_rows_match_single_tests(case):
    windows = sweep_windows(20, min_days=5, symmetric=True)
    res = window_sweep(case.meetings, case.independent_sanctions, period=case.period,
                       windows=windows, nulls=["uniform", "poisson"], n_resamples=199, rng=0)
    for null in ("uniform", "poisson"):
        for h in (5, 12, 20):
            row = res.table[(res.table.null == null) & (res.table.hi == h)].iloc[0]
            assert row.lo == -h
            single = coincidence_test(case.meetings, case.independent_sanctions,
                                      window=Window.around(days=h), period=case.period, null=null)
            assert (row.k, row.pvalue) == (single.k, pytest.approx(single.pvalue))


def test_trigger_grid_counts_for_windows_inside_the_hull():
    from alliancestats._setup import build_setup, k_from_trigger_grid
    period = Period("2020-01-01", "2020-03-31")
    rng = np.random.default_rng(8)
    responses = EventSeries(np.datetime64("2020-01-01") + rng.integers(0, 91, 10))
    hull, _ = build_setup(responses, EventSeries([]), window=Window(-15, 20), period=period)
    grid = rng.random((5, hull.reach_n_days)) < 0.05
    windows = [Window(-15, 20), Window(0, 7), Window(-15, -3), Window(2, 20)]
    got = k_from_trigger_grid(hull, grid, windows)
    for b in range(5):
        trigger_days = hull.reach_first_day + np.flatnonzero(grid[b])
        for w, k in zip(windows, got[:, b]):
            lags = hull.response_days[:, None] - trigger_days[None, :]
            assert k == ((lags >= w.lo) & (lags <= w.hi)).any(axis=1).sum()
