import datetime as dt

import numpy as np
import pandas as pd
import pytest

from alliancestats import AllianceStatsError, Period, Window


def test_window_constructors():
    assert Window.after(days=30, slack=3) == Window(0, 33)
    assert Window.after(days=30).length == 31
    assert Window.before(days=5) == Window(-5, 0)
    assert Window.around(days=2) == Window(-2, 2)
    assert Window(np.int64(1), np.int32(4)).length == 4


@pytest.mark.parametrize("lo,hi", [(3.5, 4), (0, 30.0), (True, 3), ("0", 3)])
def test_window_rejects_non_integer_bounds(lo, hi):
    with pytest.raises(AllianceStatsError, match="integer"):
        Window(lo, hi)


def test_window_rejects_lo_above_hi():
    with pytest.raises(AllianceStatsError, match="lo.*<=.*hi"):
        Window(5, 4)


@pytest.mark.parametrize("call", [lambda: Window.after(days=-1), lambda: Window.after(days=3, slack=-1),
                                  lambda: Window.before(days=-2), lambda: Window.around(days=-2)])
def test_window_constructors_reject_negative_days(call):
    with pytest.raises(AllianceStatsError, match=">= 0"):
        call()


def test_period_inclusive_and_any_date_like():
    p = Period(dt.date(2013, 1, 1), pd.Timestamp("2013-01-31 18:00"))
    assert p.n_days == 31
    assert p == Period("2013-01-01", np.datetime64("2013-01-31"))
    assert p.contains(["2013-01-01", "2013-01-31", "2013-02-01"]).tolist() == [True, True, False]
    assert p.to_dict() == {"start": "2013-01-01", "end": "2013-01-31"}


def test_period_start_after_end():
    with pytest.raises(AllianceStatsError, match="`start` .* is after `end`"):
        Period("2020-12-31", "2013-01-01")


def test_period_single_day_and_bad_bounds():
    assert Period("2013-01-01", "2013-01-01").n_days == 1
    with pytest.raises(AllianceStatsError, match="`end`: unparseable date"):
        Period("2013-01-01", "someday")
    with pytest.raises(AllianceStatsError, match="`start` is missing"):
        Period(None, "2013-01-01")
    with pytest.raises(AllianceStatsError, match="share a time zone"):
        Period(pd.Timestamp("2013-01-01", tz="UTC"), "2013-02-01")
