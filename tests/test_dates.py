"""Dates as the user meant them: one reading per column, refusal rather than a guess."""

import datetime as dt
import numpy as np
import pandas as pd
import pytest

import alliancestats as als
from alliancestats import AllianceStatsError, EventSeries, Period
from alliancestats._date_columns import civil_days
from alliancestats._dates import MAX_DAY, MIN_DAY, to_day_numbers


def _days(values, **options):
    return to_day_numbers(values, argument="dates", **options)[0]


def _day(text):
    return int(np.datetime64(text, "D").astype(np.int64))


# -- day first or month first: decided for the column, or refused -------------------------

def test_ambiguous_slash_dates_are_refused_with_examples_and_both_options():
    with pytest.raises(AllianceStatsError) as err:
        EventSeries(["02/03/2014", "13/03/2014", "07/08/2015"])
    message = str(err.value)
    assert "'02/03/2014' is day-first 2 March 2014 or month-first 3 February 2014" in message
    assert "rows 0, 2" in message and "row 1" in message
    assert "dayfirst=True" in message and "dayfirst=False" in message and "date_format" in message


def test_values_that_fit_only_day_first_do_not_decide_the_column():
    """'13/03/2014' can only be day-first, but the column is not read so unless asked."""
    with pytest.raises(AllianceStatsError, match="fit only one order"):
        EventSeries(["13/03/2014", "25/12/2015"])
    assert EventSeries(["13/03/2014", "25/12/2015"], dayfirst=True).dates[1] == pd.Timestamp("2015-12-25")


def test_one_reading_for_the_whole_column():
    values = ["02/03/2014", "13/03/2014"]
    assert _days(values, dayfirst=True).tolist() == [_day("2014-03-02"), _day("2014-03-13")]
    assert _days(["02/03/2014", "03/13/2014"], dayfirst=False).tolist() == [
        _day("2014-02-03"), _day("2014-03-13")]
    # month first, 13 is not a month: row 1 is refused, not read day-first instead
    with pytest.raises(AllianceStatsError, match=r"not a valid month-first date .*in row 1 "):
        _days(values, dayfirst=False)


def test_dots_dashes_times_and_equal_fields():
    assert _days(["2.3.2014", "02-03-2014", "02/03/2014 16:30", "02/03/2014 11:00 pm"],
                 dayfirst=True).tolist() == [_day("2014-03-02")] * 4
    assert _days(["05/05/2014"]).tolist() == [_day("2014-05-05")]   # both readings agree
    with pytest.raises(AllianceStatsError, match="unparseable"):
        _days(["02/03/2014 25:00"], dayfirst=True)


def test_year_first_text_is_never_ambiguous_and_dayfirst_leaves_it_alone():
    values = ["2014-03-02", "2014/03/02", "2014.03.02", "20140302", "2014-03-02T23:59:59"]
    for dayfirst in (None, True, False):
        assert set(_days(values, dayfirst=dayfirst)) == {_day("2014-03-02")}


def test_month_names_are_read_without_options():
    days = _days(["5 March 2019", "March 5, 2019", "Tue, 05 Mar 2019 10:00", "5-Mar-2019"])
    assert set(days) == {_day("2019-03-05")}


def test_two_digit_years_are_refused_unless_a_format_says_how():
    with pytest.raises(AllianceStatsError, match="two-digit year"):
        _days(["02/03/14"], dayfirst=True)
    assert _days(["02/03/14"], date_format="%d/%m/%y").tolist() == [_day("2014-03-02")]


# -- partial and relative dates ------------------------------------------------------------

@pytest.mark.parametrize("value,kind", [
    ("now", "relative date"), ("today", "relative date"), ("Today", "relative date"),
    ("12:30", "time without a date"), ("10am", "time without a date"),
    ("Jan 5", "without a four-digit year"), ("5 Jan 19", "without a four-digit year"),
    ("2019.5", "a number, not a date"), ("43466", "a number, not a date"),
    ("2019", "a year without a month"), ("2019-03", "a year and month without a day"),
    ("March 2019", "a year and month without a day"),
    ("-2019-01-01", "outside the years 1 to 9999"), ("0000-01-01", "outside the years 1 to 9999"),
    ("10000-01-01", "outside the years 1 to 9999"), ("2019-02-30", "not a calendar date"),
    ("soon", "unparseable"),
])
def test_what_is_refused(value, kind):
    with pytest.raises(AllianceStatsError, match=kind):
        EventSeries(["2019-01-01", value])


def test_now_and_today_are_refused_even_among_iso_dates():
    """pandas reads "now" as the current time; the vectorised path must not."""
    today = str(dt.date.today())
    with pytest.raises(AllianceStatsError, match=r"relative date in rows 1, 2"):
        EventSeries([today, "now", "today"])
    assert EventSeries([today]).dates[0] == pd.Timestamp(today)


def test_precision_places_partial_dates_on_the_first_day():
    values = ["2019-03", "March 2019", "2019-03-17"]
    days = _days(values, precision="month")
    assert days.tolist() == [_day("2019-03-01"), _day("2019-03-01"), _day("2019-03-17")]
    with pytest.raises(AllianceStatsError, match="precision='year'"):
        _days(["2019"], precision="month")
    assert _days(["2019", "2019-07"], precision="year").tolist() == [_day("2019-01-01"),
                                                                     _day("2019-07-01")]
    with pytest.raises(AllianceStatsError, match="`precision` must be"):
        _days(["2019"], precision="day")


def test_extreme_years():
    assert _days(["0001-01-01", "9999-12-31"]).tolist() == [MIN_DAY, MAX_DAY]
    with pytest.raises(AllianceStatsError, match="outside the years 1 to 9999"):
        _days([np.datetime64("10000-01-01")])
    with pytest.raises(AllianceStatsError, match="outside the years 1 to 9999"):
        EventSeries(["9999-12-31"]).shifted(1)


# -- formats, numbers, Excel ---------------------------------------------------------------

def test_integer_yyyymmdd_with_a_format():
    assert _days([20190305, 20191231], date_format="%Y%m%d").tolist() == [_day("2019-03-05"),
                                                                            _day("2019-12-31")]
    assert _days(["20190305"], date_format="%Y%m%d").tolist() == [_day("2019-03-05")]
    with pytest.raises(AllianceStatsError, match=r"does not match date_format '%Y%m%d' in rows 0, 1"):
        _days([20190230, "2019035", 20190305], date_format="%Y%m%d")
    with pytest.raises(AllianceStatsError, match="a number, not a date"):
        _days([20190305])   # numbers are not dates unless a format says so


def test_civil_days_against_numpy_over_the_whole_grid():
    days = np.arange(MIN_DAY, MAX_DAY + 1)
    stamps = days.astype("datetime64[D]")
    year = stamps.astype("datetime64[Y]").astype(np.int64) + 1970
    month = stamps.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (stamps - stamps.astype("datetime64[M]")).astype(np.int64) + 1
    computed, valid = civil_days(year, month, day)
    assert valid.all() and np.array_equal(computed, days)
    assert civil_days([2019, 2020, 1900, 2000], [2, 2, 2, 2], [29, 29, 29, 29])[1].tolist() == [
        False, True, False, True]


def test_excel_serial_days_and_the_1900_leap_year_bug():
    """Excel's serial 1 is 1900-01-01; it counts a 29 February 1900 (serial 60) that did not
    exist, so 61 is 1 March 1900 and 43466 is 2019-01-01 (checked against datetime)."""
    serials = [1, 59, 61, 43466, 43466.75, "43466"]
    expected = [dt.date(1900, 1, 1), dt.date(1900, 2, 28), dt.date(1900, 3, 1),
                dt.date(1899, 12, 30) + dt.timedelta(days=43466)] * 1
    expected += [expected[-1], expected[-1]]
    got = [dt.date(1970, 1, 1) + dt.timedelta(days=int(d))
           for d in _days(serials, date_format="excel")]
    assert got == expected and got[3] == dt.date(2019, 1, 1)
    with pytest.raises(AllianceStatsError, match="serial day 60"):
        _days([60], date_format="excel")
    with pytest.raises(AllianceStatsError, match="not an Excel serial day number"):
        _days([0, "x"], date_format="excel")


def test_date_format_strings():
    assert _days(["05.03.2019"], date_format="%d.%m.%Y").tolist() == [_day("2019-03-05")]
    with pytest.raises(AllianceStatsError, match="does not match date_format"):
        _days(["2019-03-05"], date_format="%d.%m.%Y")
    with pytest.raises(AllianceStatsError, match="relative date"):
        _days(["now"], date_format="%d.%m.%Y")
    with pytest.raises(AllianceStatsError, match="gives no day; pass precision='month'"):
        _days(["03/2019"], date_format="%m/%Y")
    assert _days(["03/2019"], date_format="%m/%Y", precision="month").tolist() == [
        _day("2019-03-01")]
    with pytest.raises(AllianceStatsError, match="either date_format or dayfirst"):
        _days(["05.03.2019"], date_format="%d.%m.%Y", dayfirst=True)
    with pytest.raises(AllianceStatsError, match="no year"):
        _days(["05.03"], date_format="%d.%m")


def test_times_dropped_and_zones_kept_as_before():
    s = EventSeries(["2019-03-05T23:30:00+03:30", "2019-03-06T01:00:00+03:30"])
    assert s.tz == "UTC+03:30" and s.dates[0] == pd.Timestamp("2019-03-05")
    with pytest.raises(AllianceStatsError, match=r"mix time zones \(UTC\+03:30 in row 0; UTC in row 1\)"):
        EventSeries(["2019-03-05T10:00+03:30", "2019-03-05T10:00Z"])


def test_options_are_checked():
    for kwargs in ({"dayfirst": "yes"}, {"date_format": 5}, {"date_format": ""}):
        with pytest.raises(AllianceStatsError, match="`dayfirst`|`date_format`"):
            EventSeries(["2019-01-01"], **kwargs)


def test_period_reads_bounds_by_the_same_rules():
    assert Period("02/03/2014", "31/12/2014", dayfirst=True).start == pd.Timestamp("2014-03-02")
    with pytest.raises(AllianceStatsError, match="`start`: day/month/year dates could be"):
        Period("02/03/2014", "2014-12-31")
    with pytest.raises(AllianceStatsError, match="`end`: a year without a month"):
        Period("2013-01-01", "2020")
    with pytest.raises(AllianceStatsError, match="`start` must be one date"):
        Period(["2013-01-01"], "2020-01-01")


# -- the case study, written day first ---------------------------------------------------------

def _day_first_copy(tmp_path, frame, name):
    out = frame.copy()
    out["date"] = out["date"].dt.strftime("%d/%m/%Y")
    path = tmp_path / name
    out.to_csv(path, index=False)
    return path


def test_day_first_copy_of_the_case_study(tmp_path):
    case = als.datasets.load_iran_venezuela()
    meetings = _day_first_copy(tmp_path, case.meetings.frame, "meetings.csv")
    sanctions = _day_first_copy(tmp_path, case.sanctions.frame, "sanctions.csv")
    with pytest.raises(AllianceStatsError, match=r"meetings.csv.*dayfirst=True or dayfirst=False"):
        EventSeries.from_csv(meetings, id_column="meeting_id")
    m = EventSeries.from_csv(meetings, id_column="meeting_id", dayfirst=True)
    s = EventSeries.from_csv(sanctions, id_column="sanction_id", dayfirst=True)
    assert np.array_equal(m.days, case.meetings.days) and np.array_equal(s.days, case.sanctions.days)
    res = als.coincidence_test(m, s.where(proxy_related="no"), window=case.window,
                               period=case.period)
    direct = als.coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                                  period=case.period)
    assert (res.k, res.pvalue) == (direct.k, direct.pvalue)
    assert res.k == 21 and round(res.pvalue, 3) == 0.09


# -- speed is a benchmark, correctness of the fast path is tested here ---------------------------

def test_fast_path_agrees_with_numpy_on_many_iso_strings():
    rng = np.random.default_rng(0)
    days = rng.integers(MIN_DAY, MAX_DAY, 20_000)
    text = pd.Series(np.datetime_as_string(days.astype("datetime64[D]")).astype(object))
    assert np.array_equal(_days(text), days)
    assert np.array_equal(_days(text.astype("str")), days)


def test_csv_dates_column_read_as_text(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("date,x\n20190305,1\n20190306,2\n")
    assert EventSeries.from_csv(path, date_format="%Y%m%d").days.tolist() == [
        _day("2019-03-05"), _day("2019-03-06")]
