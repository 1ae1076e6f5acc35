"""Every bad input raises AllianceStatsError naming the argument (column, row), never a traceback."""

import json

import numpy as np
import pandas as pd
import pytest

import alliancestats as als
from alliancestats import AllianceStatsError, EventSeries, Period, Window

pytestmark = pytest.mark.filterwarnings("ignore::alliancestats.DegenerateDataWarning")


@pytest.fixture(scope="module")
def case():
    return als.datasets.load_iran_venezuela()


@pytest.fixture(scope="module")
def late(case):
    """The case-study meetings plus one after the period."""
    return EventSeries(list(case.meetings.dates) + [pd.Timestamp("2021-06-01")])


# -- EventSeries construction -----------------------------------------------------------------

@pytest.mark.parametrize("dates,pattern", [
    (None, "got NoneType"), (5, "got int"), ("2019-01-01", r"wrap one date in a list"),
    (pd.DataFrame({"date": ["2019-01-01"]}), "from_frame"), ({"2019-01-01"}, "got set"),
    (np.array([["2019-01-01"]]), "one-dimensional"),
])
def test_dates_must_be_a_sequence(dates, pattern):
    with pytest.raises(AllianceStatsError, match=r"`dates` must be .*" + pattern):
        EventSeries(dates)


@pytest.mark.parametrize("attributes,pattern", [
    ({"a": [1], "b": [1, 2]}, r"one value per date \(1\); 'b' has 2"),
    (5, "DataFrame or a mapping"), ({"a": "x"}, r"`attributes`\['a'\] must be a sequence"),
    (pd.DataFrame([[1, 2]], columns=["a", "a"]), "more than one column named 'a'"),
])
def test_attributes_must_line_up(attributes, pattern):
    with pytest.raises(AllianceStatsError, match=pattern):
        EventSeries(["2019-01-01"], attributes)


def test_duplicate_date_columns_in_a_frame():
    frame = pd.DataFrame([["2019-01-01", "2019-01-02"]], columns=["date", "date"])
    with pytest.raises(AllianceStatsError, match="`frame` has more than one column named 'date'"):
        EventSeries.from_frame(frame)


@pytest.mark.parametrize("kwargs,pattern", [({"name": 3}, "`name`"), ({"date_column": ""}, "`date_column`"),
                                            ({"id_column": "nope"}, "`id_column` 'nope'")])
def test_other_constructor_arguments(kwargs, pattern):
    with pytest.raises(AllianceStatsError, match=pattern):
        EventSeries(["2019-01-01"], **kwargs)


def test_where_refuses_comparisons_that_can_never_match():
    s = EventSeries(["2019-01-01", "2019-01-02"], {"n": [1.0, np.nan], "target": ["IRN", "VEN"],
                                                   "flag": [True, False]})
    assert len(s.where(n=1)) == 1 and len(s.where(n=[1, 2])) == 1
    for condition, pattern in (({"n": "1"}, "holds numbers"), ({"target": 3}, "holds text"),
                               ({"flag": "True"}, "True or False"), ({"n": np.nan}, "NaN never"),
                               ({"target": ["IRN", 3]}, "holds text"),
                               ({"n": lambda v: v * 2}, "must return booleans")):
        with pytest.raises(AllianceStatsError, match=pattern):
            s.where(**condition)


# -- CSV files ---------------------------------------------------------------------------------

def _csv(tmp_path, text, name="e.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_csv_line_numbers_count_blank_lines_and_quoted_newlines(tmp_path):
    text = 'id,note,date\n\na,"two\nlines",2019-01-01\n\n\nb,x,soon\nc,y,2019-01-03\n'
    with pytest.raises(AllianceStatsError) as err:
        EventSeries.from_csv(_csv(tmp_path, text))
    assert "line 7" in str(err.value) and "'soon'" in str(err.value)
    series = EventSeries.from_csv(_csv(tmp_path, text.replace("soon", "2019-01-02")))
    assert series.source_rows.tolist() == ["line 3", "line 7", "line 8"]


@pytest.mark.parametrize("text,pattern", [
    ("id,date\na,2019-01-01\nb\n", r"line 3: row has 1 field; the header \(line 1\) has 2 fields"),
    ("id,date\na,2019-01-01,extra\nb,2019-01-02,extra\n", "line 2: row has 3 fields"),
    ("id,date,date\na,2019-01-01,2019-01-02\n", "names column 'date' twice"),
    ("", "empty"),
])
def test_csv_structure_errors(tmp_path, text, pattern):
    with pytest.raises(AllianceStatsError, match=pattern):
        EventSeries.from_csv(_csv(tmp_path, text))


def test_csv_directory_and_encoding(tmp_path):
    with pytest.raises(AllianceStatsError, match="is a directory"):
        EventSeries.from_csv(tmp_path)
    path = tmp_path / "latin.csv"
    path.write_bytes("date,place\n2019-01-01,Bogot\xe1\n".encode("latin-1"))
    with pytest.raises(AllianceStatsError, match="encoding="):
        EventSeries.from_csv(path)
    assert EventSeries.from_csv(path, encoding="latin-1").frame.place[0] == "Bogot\xe1"


def test_analysis_errors_name_rows_as_the_series_does(tmp_path):
    """A CSV's rows are lines in every message (never 'row line 4'); a frame's are rows."""
    text = "id,date,era\na,2019-01-01,2019\n\nb,2020-03-01,2019\nc,2019-05-01,2019Q1\n"
    series = EventSeries.from_csv(_csv(tmp_path, text), id_column="id")
    args = dict(window=Window(0, 5), period=Period("2019-01-01", "2019-12-31"))
    with pytest.raises(AllianceStatsError, match=r"b \(line 4, 2020-03-01\)") as err:
        als.coincidence_test(series, series, **args)
    assert "row line" not in str(err.value)
    inside = series.where(id=["a", "c"])
    with pytest.raises(AllianceStatsError, match=r"line 5 \(2019-05-01 in '2019Q1'\)") as err:
        als.coincidence_test(inside, series, null="stratified", strata="era", **args)
    assert "row line" not in str(err.value)
    frame = EventSeries.from_frame(pd.DataFrame({"date": ["2019-01-01", "2020-03-01"]},
                                                index=["M1", "M2"]))
    with pytest.raises(AllianceStatsError, match=r"row 'M2' \(2020-03-01\)"):
        als.coincidence_test(frame, series, **args)


def test_csv_options_that_move_rows_label_data_rows(tmp_path):
    path = _csv(tmp_path, "# comment\ndate\n2019-01-01\nsoon\n")
    with pytest.raises(AllianceStatsError, match="data row 2"):
        EventSeries.from_csv(path, comment="#")


# -- the per-response table keeps every attribute ---------------------------------------------------

def test_attributes_named_like_table_columns_are_renamed_not_dropped():
    responses = EventSeries(["2019-02-01", "2019-03-01"],
                            {"matched": ["yes", "no"], "trigger_id": [7, 8], "lag_days": [1, 2],
                             "response_matched": ["x", "y"]})
    table = als.match_table(responses, EventSeries(["2019-01-25"]), window=Window(0, 10))
    assert table.matched.tolist() == [True, False]
    assert table.response_response_matched.tolist() == ["yes", "no"]
    assert table.response_matched.tolist() == ["x", "y"]
    assert table.response_trigger_id.tolist() == [7, 8]
    assert table.response_lag_days.tolist() == [1, 2]


# -- analyses ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["influence", "subset_tests", "lag_test", "rate_curve", "audit"])
def test_drop_outside_works_everywhere(case, late, name):
    call = {
        "influence": lambda **kw: als.influence(late, case.independent_sanctions, window=case.window,
                                                period=case.period, **kw),
        "subset_tests": lambda **kw: als.subset_tests(late, case.independent_sanctions,
                                                      window=case.window, period=case.period, **kw),
        "lag_test": lambda **kw: als.lag_test(late, case.independent_sanctions, period=case.period,
                                              n_resamples=19, rng=0, **kw),
        "rate_curve": lambda **kw: als.rate_curve(late, case.independent_sanctions,
                                                  window=case.window, period=case.period,
                                                  multipliers=[0.5, 1, 2], n_replicates=3, rng=0,
                                                  **kw),
        "audit": lambda **kw: als.audit(late, case.independent_sanctions, window=case.window,
                                        period=case.period, max_days=5, n_resamples=19, rng=0, **kw),
    }[name]
    with pytest.raises(AllianceStatsError, match="outside the period.*drop_outside=True"):
        call()
    result = call(drop_outside=True)
    expected = als.coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                                    period=case.period)
    if name == "subset_tests":
        assert result.n.iloc[0] == 25 and result.k.iloc[0] == expected.k
    elif name == "audit":
        assert result.result.n_dropped == 1 and "1 responses outside" in result.text()
    else:
        assert result.n_dropped == 1


def test_influence_one_response_and_no_matrix(case):
    one = case.meetings.select(np.arange(len(case.meetings)) == 0)
    inf = als.influence(one, case.independent_sanctions, window=case.window, period=case.period)
    assert inf.responses[["k", "n", "pvalue"]].values.tolist() == [[0, 0, 1.0]]
    assert inf.max_pvalue() == 1.0


def test_influence_matching_triggers_equal_brute_force():
    from alliancestats.influence import _matching_triggers

    rng = np.random.default_rng(5)
    for _ in range(50):
        r, t = rng.integers(0, 200, rng.integers(1, 20)), rng.integers(-50, 250, rng.integers(0, 20))
        lo = int(rng.integers(-20, 20))
        w = Window(lo, lo + int(rng.integers(0, 30)))
        lags = r[:, None] - t[None, :]
        brute = np.flatnonzero(((lags >= w.lo) & (lags <= w.hi)).any(axis=0)).tolist()
        assert _matching_triggers(r, t, w) == brute


@pytest.mark.parametrize("multipliers", [["a"], [np.inf], [np.nan], [0], [], "2", [True], [1e9]])
def test_rate_curve_multipliers(case, multipliers):
    with pytest.raises(AllianceStatsError, match="`multipliers`"):
        als.rate_curve(case.meetings, case.independent_sanctions, window=case.window,
                       period=case.period, multipliers=multipliers, n_replicates=2)


def test_composition_matched_must_be_boolean():
    table = pd.DataFrame({"matched": ["True", "False", "False", "True"], "topic": list("abab")})
    with pytest.raises(AllianceStatsError, match=r"'matched' must hold True or False, got 'True'"):
        als.composition_test(table, "topic")
    table["matched"] = table["matched"] == "True"
    # [[1, 1], [1, 1]] is the most likely table with its margins: p = 1/6 + 4/6 + 1/6 = 1
    assert als.composition_test(table, "topic").pvalue == pytest.approx(1.0, abs=1e-12)


def test_rate_comparison_refuses_responses_outside(case, late):
    with pytest.raises(AllianceStatsError, match="outside the period"):
        als.rate_comparison(late, period=case.period, breaks=["2017-01-20"])
    segments, _ = als.rate_comparison(late, period=case.period, breaks=["2017-01-20"],
                                      drop_outside=True)
    assert segments["count"].sum() == 25
    with pytest.raises(AllianceStatsError, match="`method`"):
        als.rate_comparison(case.meetings, period=case.period, breaks=["2017-01-20"], method="x")
    with pytest.raises(AllianceStatsError, match="`breaks`"):
        als.rate_comparison(case.meetings, period=case.period, breaks="2017-01-20")


@pytest.mark.parametrize("call,pattern", [
    (lambda p: als.simulate.poisson_series(np.inf, period=p), "finite"),
    (lambda p: als.simulate.poisson_series(1e15, period=p), "would draw about"),
    (lambda p: als.simulate.poisson_series([1, np.nan], period=p, breaks=["2015-01-01"]), "finite"),
    (lambda p: als.simulate.clustered_series(1e12, mean_cluster_size=2, spread_days=3, period=p),
     "would draw about"),
    (lambda p: als.simulate.clustered_series(100, mean_cluster_size=1e9, spread_days=3, period=p),
     "mean_cluster_size"),
    (lambda p: als.simulate.coupled_responses(EventSeries(["2014-01-01"]), n=10**12, coupling=0.5,
                                              delay=als.simulate.delay_distribution(0, 3), period=p),
     "would draw about"),
    (lambda p: als.simulate.coupled_responses(EventSeries(["2014-01-01"]), n=3, coupling="x",
                                              delay=als.simulate.delay_distribution(0, 3), period=p),
     "`coupling`"),
    (lambda p: als.simulate.delay_distribution(0, 10**9), "delays must be within"),
])
def test_simulate_refuses_infinite_or_huge_requests(call, pattern):
    with pytest.raises(AllianceStatsError, match=pattern):
        call(Period("2013-01-01", "2020-12-31"))


def test_window_beyond_the_calendar(case):
    with pytest.raises(AllianceStatsError, match="`hi` must be within"):
        Window(0, 10**20)
    with pytest.raises(AllianceStatsError, match="at most"):
        Window.after(days=3_652_058, slack=1)


# -- output -------------------------------------------------------------------------------------

def _strict(payload):
    return json.loads(json.dumps(payload, allow_nan=False))


def test_json_has_no_nan_for_a_subset_with_no_coverage_and_infinite_attributes(case):
    far = EventSeries(["2030-01-01"], {"target": ["XXX"]})
    triggers = case.independent_sanctions.union(far)
    responses = EventSeries(case.meetings.dates, {"score": [np.inf] + [1.0] * 24})
    report = als.audit(responses, triggers, window=case.window, period=case.period,
                       subset_columns=["target"], max_days=3, n_resamples=19, rng=0)
    payload = _strict(report.to_dict())
    subsets = payload["checks"]["trigger_subsets"]
    xxx = [row for row in subsets if row["label"] == "target=XXX"][0]
    assert xxx["ratio"] is None and xxx["expected"] == 0
    index = subsets.index(xxx)
    assert "E[K] = 0" in payload["null_reasons"][f"checks.trigger_subsets[{index}].ratio"]
    res = als.coincidence_test(responses, far, window=case.window, period=case.period)
    data = _strict(res.to_dict())
    assert data["ratio"] is None and "ratio" in data["null_reasons"]
    assert data["table"][0]["score"] is None and "inf" in data["null_reasons"]["table[0].score"]


def test_html_is_escaped_everywhere(case):
    evil = "<script>alert(1)</script>"
    years = [str(day.year) for day in case.meetings.dates]     # each response's own stratum
    responses = EventSeries(case.meetings.dates, {evil: years, "t": [evil, "a"] * 12 + ["a"]})
    triggers = EventSeries(case.independent_sanctions.dates,
                           {"target": [evil] * len(case.independent_sanctions)})
    res = als.coincidence_test(responses, triggers, window=case.window, period=case.period,
                               null="stratified", strata=evil)
    report = als.audit(responses, triggers, window=case.window, period=case.period,
                       subset_columns=["target"], composition_attribute="t", max_days=3,
                       sensitivity_attribute="t", n_resamples=19, rng=0)
    pages = [res, report, report.influence, report.composition, report.sweep, report.placebo,
             report.secondary, report.decision, report.effects]
    for page in pages:
        text = page._repr_html_()
        assert "<script>" not in text, type(page).__name__
    assert "&lt;script&gt;" in res._repr_html_() and "&lt;script&gt;" in report._repr_html_()
    covariates = pd.DataFrame({evil: np.linspace(0, 1, case.period.n_days)},
                              index=case.period.dates)
    model = als.count_model_test(responses, triggers, window=case.window, period=case.period,
                                 covariates=covariates)
    named = EventSeries(triggers.dates, name=evil)
    table = als.datasets.load_synthetic_events()
    scanned = als.scan(table, named, window=case.window, period=Period("2015-01-01", "2020-12-31"))
    pages = [model, scanned, res.effect_sizes(),
             als.diagnose(responses, named, window=case.window, period=case.period,
                          n_resamples=19, rng=0)]
    for page in pages:
        text = page._repr_html_()
        assert "<script>" not in text, type(page).__name__
    assert "&lt;script&gt;" in model._repr_html_() and "&lt;script&gt;" in scanned._repr_html_()


def test_summary_says_why_the_ratio_is_undefined(case):
    far = EventSeries(["2030-01-01"])
    res = als.coincidence_test(case.meetings, far, window=case.window, period=case.period)
    assert res.expected == 0 and "nan" not in res.summary()
    assert "K / E[K] not defined: E[K] = 0" in " ".join(res.summary().split())
    pairs = als.coincidence_test(case.meetings, far, window=case.window, period=case.period,
                                 statistic="pairs")
    assert "S / E[S] not defined: E[S] = 0" in " ".join(pairs.summary().split())
