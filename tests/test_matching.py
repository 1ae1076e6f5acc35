"""One test per semantic rule of the day grid, period, lag, window, K and coverage, and the
primitive against brute force."""

import numpy as np
import pandas as pd
import pytest

from alliancestats import EventSeries, Period, Window, coverage, match_table
from alliancestats.matching import nearest_triggers


def _one(response, trigger, window):
    return match_table(EventSeries([response]), EventSeries([trigger]), window=window).iloc[0]


def test_window_bounds_are_inclusive():
    w = Window(2, 5)
    assert _one("2019-01-03", "2019-01-01", w).matched          # lag 2 = lo
    assert _one("2019-01-06", "2019-01-01", w).matched          # lag 5 = hi
    assert not _one("2019-01-02", "2019-01-01", w).matched      # lag 1
    assert not _one("2019-01-07", "2019-01-01", w).matched      # lag 6


def test_same_day_is_lag_zero_and_matched_by_after():
    row = _one("2019-01-01 18:00", "2019-01-01 06:00", Window.after(days=30))
    assert row.matched and row.lag_days == 0
    assert not _one("2019-01-01", "2019-01-02", Window.after(days=30)).matched  # lag -1


def test_triggers_before_the_period_cover_days_inside_it():
    cov = coverage(EventSeries(["2012-12-20"]), window=Window.after(days=30, slack=3),
                   period=Period("2013-01-01", "2013-12-31"))
    # 2012-12-20 + 33 days = 2013-01-22: Jan 1..22 covered
    assert cov.covered_days == 22
    assert cov.to_series()["2013-01-22"] and not cov.to_series()["2013-01-23"]


def test_duplicate_days_on_either_side():
    responses = EventSeries(["2019-01-10", "2019-01-10"], {"mid": ["a", "b"]}, id_column="mid")
    triggers = EventSeries(["2019-01-05", "2019-01-05", "2019-01-08"], {"sid": ["s1", "s2", "s3"]},
                           id_column="sid")
    t = match_table(responses, triggers, window=Window.after(days=30))
    assert t.matched.tolist() == [True, True]
    assert t.n_triggers_in_window.tolist() == [3, 3]
    assert t.lag_days.tolist() == [2, 2] and t.trigger_id.tolist() == ["s3", "s3"]
    t2 = match_table(responses, triggers.where(sid=["s1", "s2"]), window=Window.after(days=30))
    assert t2.trigger_id.tolist() == ["s1", "s1"]  # first listed among same-day triggers
    cov = coverage(triggers, window=Window.after(days=30), period=Period("2019-01-01", "2019-12-31"))
    cov_once = coverage(EventSeries(["2019-01-05", "2019-01-08"]), window=Window.after(days=30),
                        period=Period("2019-01-01", "2019-12-31"))
    assert cov.covered_days == cov_once.covered_days == 34


def test_nearest_trigger_and_tie_rule():
    w = Window.around(days=5)
    row = _one("2019-01-10", "2019-01-13", w)
    assert row.matched and row.lag_days == -3
    t = match_table(EventSeries(["2019-01-10"]),
                    EventSeries(["2019-01-13", "2019-01-07", "2019-01-14"]), window=w)
    assert t.lag_days.iloc[0] == 3 and t.trigger_id.iloc[0] == 1  # tie +3/-3 goes to before
    assert t.n_triggers_in_window.iloc[0] == 3


def test_unmatched_rows_and_attributes():
    t = match_table(EventSeries(["2019-06-01"], {"topic": ["x"]}), EventSeries(["2019-01-01"]),
                    window=Window.after(days=30))
    assert not t.matched.iloc[0] and pd.isna(t.lag_days.iloc[0])
    assert pd.isna(t.trigger_date.iloc[0]) and t.trigger_id.iloc[0] is None
    assert t.topic.iloc[0] == "x"


def test_no_triggers():
    t = match_table(EventSeries(["2019-06-01"]), EventSeries([]), window=Window.after(days=30))
    assert not t.matched.any()
    cov = coverage(EventSeries([]), window=Window(0, 3), period=Period("2019-01-01", "2019-01-10"))
    assert cov.covered_days == 0 and cov.share == 0


@pytest.mark.parametrize("seed", range(5))
def test_primitive_against_pairwise_brute_force(seed):
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 60, size=30)
    triggers = rng.integers(-10, 70, size=int(rng.integers(0, 12)))
    lo = int(rng.integers(-10, 10))
    window = Window(lo, lo + int(rng.integers(0, 15)))
    count, lag, position = nearest_triggers(days, triggers, window)
    for i, t in enumerate(days):
        lags = t - triggers
        ok = (lags >= window.lo) & (lags <= window.hi)
        assert count[i] == ok.sum()
        if ok.any():
            best = min(abs(lags[ok]))
            expected = best if best in lags[ok] else -best
            assert lag[i] == expected
            assert position[i] == np.flatnonzero(ok & (lags == expected))[0]
        else:
            assert position[i] == -1
