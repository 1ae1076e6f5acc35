import json

import numpy as np
import pandas as pd
import pytest

import alliancestats as als
from alliancestats import AllianceStatsError, DegenerateDataWarning, EventSeries, Period, Window
from alliancestats import coincidence_test

PERIOD = Period("2019-01-01", "2019-12-31")
WINDOW = Window.after(days=30, slack=3)
RESPONSES = EventSeries(["2019-02-10", "2019-03-01", "2019-07-04", "2019-11-11"],
                        {"topic": ["a", "b", "a", "c"]}, name="meetings")
TRIGGERS = EventSeries(["2019-01-28", "2019-02-20", "2019-10-30"], name="sanctions")


def _test(**kw):
    args = dict(window=WINDOW, period=PERIOD)
    args.update(kw)
    return coincidence_test(args.pop("responses", RESPONSES), args.pop("triggers", TRIGGERS), **args)


def test_result_fields_and_unpacking():
    res = _test()
    k, p = res
    assert (k, p) == (res.k, res.pvalue) and res.statistic == res.k == 3 and res.n == 4
    assert res.method == "exact" and res.null == "uniform" and res.alternative == "greater"
    assert res.covered_days == int(round(res.coverage * PERIOD.n_days))
    assert res.expected == pytest.approx(4 * res.coverage)
    assert res.ratio == pytest.approx(3 / res.expected)
    assert res.null_distribution.sum() == pytest.approx(1)
    ci = res.confidence_interval(0.9)
    assert 0 <= ci.low < 0.75 < ci.high <= 1
    assert res.n_resamples is None and res.pvalue_se is None and res.null_draws is None
    assert list(res.table.columns[:7]) == ["response_id", "date", "matched", "lag_days",
                                           "trigger_date", "trigger_id", "n_triggers_in_window"]
    assert "topic" in res.table.columns


def test_summary_and_to_dict_are_complete_and_json():
    res = _test(null="poisson", method="monte-carlo", n_resamples=500, rng=3)
    text = res.summary()
    for piece in ("Matched K", "E[K]", "Clopper-Pearson", "Monte Carlo, B = 500", "poisson",
                  "standard error", "2019-01-01 to 2019-12-31"):
        assert piece in text
    payload = json.loads(json.dumps(res.to_dict()))
    assert payload["n_resamples"] == 500 and payload["pvalue_se"] > 0
    assert payload["window"] == {"lo": 0, "hi": 33} and payload["null"] == "poisson"
    assert len(payload["table"]) == 4
    exact = _test().to_dict()
    assert "n_resamples" not in exact and "pvalue_se" not in exact


def test_monte_carlo_is_reproducible_and_uses_plus_one():
    a = _test(null="shuffle-triggers", n_resamples=300, rng=5, keep_draws=True)
    b = _test(null="shuffle-triggers", n_resamples=300, rng=np.random.default_rng(5))
    assert a.pvalue == b.pvalue
    hits = int((a.null_draws >= a.k).sum())
    assert a.pvalue == (1 + hits) / 301
    assert a.pvalue_se == pytest.approx(np.sqrt(a.pvalue * (1 - a.pvalue) / 300))


def test_auto_uses_exact_where_it_exists():
    assert _test(null="poisson").method == "exact"
    assert _test(null="shuffle-triggers", n_resamples=50).method == "monte-carlo"
    with pytest.raises(AllianceStatsError, match="no exact distribution"):
        _test(null="shuffle-triggers", method="exact")


def test_zero_triggers_is_valid_with_p_one():
    with pytest.warns(DegenerateDataWarning):
        res = _test(triggers=EventSeries([]))
    assert res.k == 0 and res.pvalue == 1 and res.expected == 0
    for null in ("poisson", "shuffle-triggers"):
        with pytest.warns(DegenerateDataWarning):
            assert _test(triggers=EventSeries([]), null=null, n_resamples=20).pvalue == 1


def test_fully_covered_period_forces_k_and_gives_p_one():
    daily = EventSeries(pd.date_range("2018-12-01", "2019-12-31"))
    with pytest.warns(DegenerateDataWarning, match="forced"):
        res = _test(triggers=daily)
    assert res.k == res.n == 4 and res.pvalue == 1 and res.coverage == 1


def test_responses_outside_period_error_or_drop():
    outside = EventSeries(["2018-12-31", "2019-05-01", "2020-01-01"], {"mid": ["x", "y", "z"]},
                          id_column="mid")
    with pytest.raises(AllianceStatsError, match=r"2 response\(s\) outside.*x \(row 0, 2018-12-31\)"):
        _test(responses=outside)
    res = _test(responses=outside, drop_outside=True)
    assert res.n == 1 and res.n_dropped == 2 and "2 outside the period dropped" in res.summary()
    assert len(outside) == 3  # input untouched


@pytest.mark.parametrize("kwargs,message", [
    (dict(responses=EventSeries([])), "`responses` is empty"),
    (dict(n_resamples=0), "`n_resamples` must be >= 1"),
    (dict(n_resamples=2.5), "`n_resamples` must be an integer"),
    (dict(null="bogus"), "`null` must be one of"),
    (dict(null="uniform", continuous=True), "unknown option 'continuous' for null 'uniform'"),
    (dict(null="poisson", distinct=True), "unknown option 'distinct' for null 'poisson'"),
    (dict(distinct="yes"), "must be True or False"),
    (dict(method="bootstrap"), "`method` must be one of"),
    (dict(alternative="larger"), "`alternative` must be one of"),
    (dict(rng="seed"), "`rng` must be"),
    (dict(window=(0, 33)), "`window` must be an alliancestats.Window"),
    (dict(period=("2019-01-01", "2019-12-31")), "`period` must be an alliancestats.Period"),
    (dict(triggers=["2019-01-01"]), "`triggers` must be an alliancestats.EventSeries"),
    (dict(drop_outside="no"), "`drop_outside` must be True or False"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(AllianceStatsError, match=message.replace("(", r"\(")):
        _test(**kwargs)


def test_time_zones_must_agree():
    aware = EventSeries([pd.Timestamp("2019-02-20", tz="UTC")])
    with pytest.raises(AllianceStatsError, match="`triggers` dates in UTC"):
        _test(triggers=aware)
    with pytest.raises(AllianceStatsError, match="`period` is in time zone"):
        _test(period=Period(pd.Timestamp("2019-01-01", tz="UTC"), pd.Timestamp("2019-12-31", tz="UTC")))


def test_errors_are_value_errors():
    assert issubclass(AllianceStatsError, ValueError)


def test_public_names():
    for name in ("EventSeries", "Period", "Window", "coincidence_test", "AllianceStatsError",
                 "datasets"):
        assert hasattr(als, name)


def test_inputs_are_never_mutated():
    frame = pd.DataFrame({"date": ["2019-02-10", "2019-03-01 12:00", "2019-07-04"],
                          "topic": ["a", "b", "a"]})
    trig_frame = pd.DataFrame({"date": ["2019-01-28", "2019-02-20"], "target": ["IRN", "VEN"]})
    before, trig_before = frame.copy(), trig_frame.copy()
    responses = EventSeries.from_frame(frame)
    triggers = EventSeries.from_frame(trig_frame)
    days, trig_days = responses.days.copy(), triggers.days.copy()
    als.coincidence_test(responses, triggers, window=WINDOW, period=PERIOD, null="jitter", days=60)
    report = als.audit(responses, triggers, window=WINDOW, period=PERIOD,
                       subset_columns=["target"], composition_attribute="topic",
                       n_resamples=20, rng=0)
    # the placebo shifts the trigger list by 60 days or more within the one-year period;
    # the trigger subsets are subsets only (the placebo is its own check)
    assert report.placebo.n_shifts > 0 and (report.placebo.table["shift"].abs() >= 60).all()
    assert (report.trigger_subsets.kind != "placebo").all()
    pd.testing.assert_frame_equal(frame, before)
    pd.testing.assert_frame_equal(trig_frame, trig_before)
    assert (responses.days == days).all() and (triggers.days == trig_days).all()
