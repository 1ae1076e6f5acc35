import datetime as dt

import numpy as np
import pandas as pd
import pytest

from alliancestats import AllianceStatsError, EventSeries


def test_any_date_like_goes_to_the_day_grid():
    s = EventSeries(["2019-01-28", dt.datetime(2019, 1, 28, 23, 59), pd.Timestamp("2019-01-29 00:01"),
                     np.datetime64("2019-01-30T12:00"), dt.date(2019, 1, 31)])
    assert [d.day for d in s.dates] == [28, 28, 29, 30, 31]
    assert np.all(np.diff(s.days) >= 0)
    assert isinstance(s.dates, pd.DatetimeIndex)


def test_same_zone_aware_dates_are_read_in_that_zone():
    s = EventSeries(pd.to_datetime(["2019-01-28 23:30"]).tz_localize("America/Caracas"))
    assert s.tz == "America/Caracas" and s.dates[0] == pd.Timestamp("2019-01-28")
    s2 = EventSeries(["2019-01-28T23:30:00+03:30", "2019-02-01T01:00:00+03:30"])
    assert s2.tz is not None and s2.dates[0].day == 28


def test_mixed_naive_and_aware_dates_name_the_rows():
    with pytest.raises(AllianceStatsError, match=r"mix time zones.*naive in row 0.*UTC in row 1"):
        EventSeries(["2019-01-01", pd.Timestamp("2019-01-02", tz="UTC")])


def test_different_zones_are_an_error():
    with pytest.raises(AllianceStatsError, match="mix time zones"):
        EventSeries([pd.Timestamp("2019-01-01", tz="UTC"),
                     pd.Timestamp("2019-01-02", tz="Asia/Tehran")])


def test_missing_and_unparseable_dates_list_rows():
    frame = pd.DataFrame({"date": ["2019-01-01", None, "not a date", "", 20190101]},
                         index=[10, 11, 12, 13, 14])
    with pytest.raises(AllianceStatsError) as err:
        EventSeries.from_frame(frame)
    message = str(err.value)
    assert "`frame`, column 'date'" in message
    assert "missing date in rows 11, 13" in message
    assert "unparseable date in row 12 (e.g. 'not a date')" in message
    assert "a number, not a date, in row 14 (e.g. 20190101)" in message
    assert "date_format='%Y%m%d'" in message


def test_from_csv_errors_name_file_column_and_line(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("id,date\na,2019-01-01\nb,\nc,2019-13-45\n")
    with pytest.raises(AllianceStatsError) as err:
        EventSeries.from_csv(path)
    assert str(path) in str(err.value) and "column 'date'" in str(err.value)
    assert "line 3" in str(err.value) and "line 4" in str(err.value)


def test_from_csv_without_date_column_lists_columns(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("id,day\na,2019-01-01\n")
    with pytest.raises(AllianceStatsError, match=r"no column 'date'.*\['id', 'day'\]"):
        EventSeries.from_csv(path)
    assert len(EventSeries.from_csv(path, date_column="day")) == 1


def test_from_csv_missing_file(tmp_path):
    with pytest.raises(AllianceStatsError, match="file not found"):
        EventSeries.from_csv(tmp_path / "nope.csv")


def test_from_frame_does_not_mutate_input():
    frame = pd.DataFrame({"date": ["2019-01-01 10:00", "2019-01-02"], "topic": ["a", "b"]})
    before = frame.copy()
    s = EventSeries.from_frame(frame, id_column="topic")
    pd.testing.assert_frame_equal(frame, before)
    assert list(s.ids) == ["a", "b"]
    copy = s.frame
    copy.loc[0, "topic"] = "zzz"
    assert s.frame.loc[0, "topic"] == "a"
    with pytest.raises(ValueError):
        s.days[0] = 0


def test_where_filters_by_attribute():
    s = EventSeries(["2019-01-01", "2019-01-02", "2019-01-03"],
                    {"target": ["IRN", "VEN", "IRN"], "n": [1, 4, 7]})
    assert list(s.where(target="IRN").dates.day) == [1, 3]
    assert list(s.where(target=["VEN", "XXX"]).dates.day) == [2]
    assert list(s.where(target="IRN", n=lambda n: n > 2).dates.day) == [3]
    assert len(s.where(target="none")) == 0
    with pytest.raises(AllianceStatsError, match="no column 'country'"):
        s.where(country="IRN")


def test_union_and_shift():
    a = EventSeries(["2019-01-01"], {"target": ["IRN"]}, name="a")
    b = EventSeries(["2019-01-01", "2019-02-01"], {"kind": ["x", "y"]}, name="b")
    u = a | b
    assert len(u) == 3 and set(u.columns) == {"date", "target", "kind"}
    assert u.name == "a | b"
    assert list(u.shifted(-1).dates.day) == [31, 31, 31]
    with pytest.raises(AllianceStatsError, match="time zone"):
        a.union(EventSeries([pd.Timestamp("2019-01-01", tz="UTC")]))


def test_attributes_length_mismatch():
    with pytest.raises(AllianceStatsError, match=r"one value per date \(1\); .x. has 2"):
        EventSeries(["2019-01-01"], {"x": [1, 2]})


def test_distinct_days_keeps_first_event_per_day():
    s = EventSeries(["2019-01-02", "2019-01-01", "2019-01-02 10:00"], {"x": [1, 2, 3]})
    d = s.distinct_days()
    assert sorted(d.frame.x) == [1, 2] and len(s) == 3
