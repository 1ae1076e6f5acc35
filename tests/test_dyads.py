import numpy as np
import pandas as pd
import pytest

from alliancestats import AllianceStatsError, EventSeries, Period, Window, coincidence_test
from alliancestats.countries import to_alpha3
from alliancestats.datasets import load_synthetic_events
from alliancestats.datasets.synthetic import SYNTHETIC_FILE, make_synthetic_events
from alliancestats.dyads import EventTable, scan

PERIOD = Period("2015-01-01", "2020-12-31")
WINDOW = Window.after(days=30)


@pytest.fixture(scope="module")
def table():
    return load_synthetic_events()


def test_country_normalisation():
    assert [to_alpha3(x) for x in ("Iran", "IRN", "IR", "Iran, Islamic Republic of",
                                   "  venezuela ", "Côte d'Ivoire", "Russian Federation",
                                   "United States")] == \
        ["IRN", "IRN", "IRN", "IRN", "VEN", "CIV", "RUS", "USA"]
    assert to_alpha3("IR", scheme="fips") == "IRN"


def test_shipped_synthetic_table_is_the_generator_output(table):
    from importlib import resources
    shipped = pd.read_csv(resources.files("alliancestats.datasets") / SYNTHETIC_FILE,
                          dtype={"code": str})
    pd.testing.assert_frame_equal(shipped, make_synthetic_events(), check_dtype=False)
    assert (shipped.note == "SYNTHETIC").all()
    assert set(table.frame.source.dropna()) <= {"USA", "IRN", "VEN", "RUS", "CHN", "CUB", "SYR",
                                                "PRK", "TUR", "BRA", "IND", "BOL", "NIC"}


def test_dyad_and_actor_series(table):
    meetings = table.dyad_series("Iran", "VEN", distinct_days=False)
    f = table.frame
    either = (((f.source == "IRN") & (f.target == "VEN")) | ((f.source == "VEN") & (f.target == "IRN")))
    assert len(meetings) == (either & f.code.str.startswith("04")).sum()
    days = table.dyad_series("Iran", "VEN")
    assert len(days) == len(np.unique(meetings.days)) < len(meetings)
    directed = table.dyad_series("IRN", "VEN", directed=True, distinct_days=False)
    assert len(directed) < len(meetings)
    sanctions = table.actor_series("United States", targets=["Iran", "Venezuela"])
    assert set(sanctions.frame.target) == {"IRN", "VEN"} and set(sanctions.frame.code) == {"163"}


def test_scan_agrees_with_per_dyad_tests(table):
    res = scan(table, window=WINDOW, period=PERIOD, trigger_actor="USA").table
    assert res.iloc[0][["a", "b"]].tolist() == ["IRN", "VEN"] and res.iloc[0].pvalue_bh < 0.01
    assert (res.pvalue_bh >= res.pvalue - 1e-15).all()
    for _, row in res.sample(8, random_state=1).iterrows():
        events = table.dyad_series(row.a, row.b)
        inside = (events.days >= PERIOD.first_day) & (events.days <= PERIOD.last_day)
        responses = events.select(inside)
        triggers = table.actor_series("USA", targets=[row.a, row.b])
        single = coincidence_test(responses, triggers, window=WINDOW, period=PERIOD)
        assert (row.n, row.k) == (single.n, single.k)
        assert row.coverage == pytest.approx(single.coverage)
        assert row.pvalue == pytest.approx(single.pvalue)


def test_scan_with_one_trigger_series_and_chosen_dyads(table):
    triggers = table.actor_series("USA", targets=["IRN"])
    res = scan(table, triggers, window=WINDOW, period=PERIOD, dyads=[("Iran", "Venezuela"),
                                                                    ("Cuba", "Russia")]).table
    assert sorted(map(tuple, res[["a", "b"]].values)) == [("CUB", "RUS"), ("IRN", "VEN")]
    assert res.coverage.nunique() == 1


def test_scan_many_dyads_vectorised():
    rng = np.random.default_rng(0)
    codes = [f"C{i:03d}" for i in range(150)]
    n = 200_000
    frame = pd.DataFrame({"date": (np.datetime64("2015-01-01") + rng.integers(0, 2000, n)
                                   .astype("timedelta64[D]")).astype(str),
                          "source": rng.choice(codes[:150], n), "target": rng.choice(codes[:150], n),
                          "code": "042"})
    # names must be countries: map fake codes onto real alpha-3 codes
    real = sorted(pd.read_csv(__import__("importlib").resources.files("alliancestats.datasets")
                              / "iso3166_countries.csv").alpha_3)[:150]
    mapping = dict(zip(codes, real))
    frame["source"] = frame.source.map(mapping)
    frame["target"] = frame.target.map(mapping)
    table = EventTable.from_frame(frame, countries="iso3")
    triggers = EventSeries(np.datetime64("2015-01-01") + rng.integers(0, 2000, 30).astype("timedelta64[D]"))
    res = scan(table, triggers, window=WINDOW, period=PERIOD).table
    assert len(res) > 10_000
    assert res.n.sum() == len(frame[frame.source != frame.target][["date", "source", "target"]]
                              .assign(a=lambda d: np.minimum(d.source, d.target),
                                      b=lambda d: np.maximum(d.source, d.target))
                              [["date", "a", "b"]].drop_duplicates())


def test_event_table_bad_input(tmp_path):
    with pytest.raises(AllianceStatsError, match=r"lacks required column\(s\) 'code'"):
        EventTable.from_frame(pd.DataFrame({"date": [], "source": [], "target": []}))
    with pytest.raises(AllianceStatsError, match=r"'Event Date' \(date\)"):
        EventTable.from_frame(pd.DataFrame({"date": []}), preset=EventTable.ICEWS)
    frame = pd.DataFrame({"date": ["2019-01-01"] * 3, "source": ["Iran", "Atlantis", "Oz"],
                          "target": ["Venezuela"] * 3, "code": ["042"] * 3})
    with pytest.raises(AllianceStatsError, match=r"2 unknown country value\(s\) in 2 row\(s\): "
                                                 r"'Atlantis' \(row 1\); 'Oz' \(row 2\)"):
        EventTable.from_frame(frame)
    table = EventTable.from_frame(frame.iloc[:1])
    with pytest.raises(AllianceStatsError, match="dyad IRN-CUB has no event"):
        table.dyad_series("Iran", "Cuba")
    with pytest.raises(AllianceStatsError, match="unknown country 'Narnia'"):
        table.dyad_series("Iran", "Narnia")
    with pytest.raises(AllianceStatsError, match="either `triggers`"):
        scan(table, window=WINDOW, period=PERIOD)


def test_icews_layout(tmp_path):
    path = tmp_path / "icews.csv"
    pd.DataFrame({"Event Date": ["2019-01-10", "2019-02-01"], "Source Country": ["Iran", "Venezuela"],
                  "Target Country": ["Venezuela", "Iran"], "CAMEO Code": ["042", "043"]}
                 ).to_csv(path, index=False)
    table = EventTable.from_csv(path, columns=dict(EventTable.ICEWS.columns), countries="name")
    assert len(table.dyad_series("IRN", "VEN")) == 2
