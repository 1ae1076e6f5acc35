"""The scan: each dyad's p-value equals the single test's, the FDR family holds testable
dyads only, the actor never triggers itself, and the pooled test is exact."""

import itertools

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from alliancestats import (AllianceStatsError, EventTable, Period, Window, coincidence_test,
                           coverage)
from alliancestats.datasets import load_synthetic_events
from alliancestats.scanning import scan, stats as scan_stats

PERIOD = Period("2015-01-01", "2020-12-31")
WINDOW = Window.after(days=30)
NULLS = [("uniform", {}), ("uniform", {"distinct": True}), ("stratified", {}),
         ("stratified", {"strata": ["2017-01-20", "2019-06-01"]}), ("jitter", {"days": 45}),
         ("episode-jitter", {"days": 45}), ("episode-jitter", {"days": 30, "gap": 60}),
         ("episode-jitter", {"days": 20, "centred": False}), ("circular", {})]


@pytest.fixture(scope="module")
def table():
    return load_synthetic_events()


def _single(table, a, b, null, options, alternative="greater", reverse=False):
    meetings = table.dyad_series(a, b)                      # one per day, as the scan counts
    meetings = meetings.select((meetings.days >= PERIOD.first_day) & (meetings.days <= PERIOD.last_day))
    sanctions = table.actor_series("USA", targets=[a, b])
    if reverse:
        sanctions = sanctions.distinct_days()
        inside = (sanctions.days >= PERIOD.first_day) & (sanctions.days <= PERIOD.last_day)
        meetings, sanctions = sanctions.select(inside), table.dyad_series(a, b)
    return coincidence_test(meetings, sanctions, window=WINDOW, period=PERIOD, null=null,
                            alternative=alternative, **options)


@pytest.mark.parametrize("null,options", NULLS)
def test_each_dyad_equals_its_single_test(table, null, options):
    res = scan(table, window=WINDOW, period=PERIOD, trigger_actor="USA", null=null, **options)
    rows = res.table[res.table.testable].sample(6, random_state=3)
    for row in rows.itertuples():
        single = _single(table, row.a, row.b, null, options)
        assert (row.n, row.k) == (single.n, single.k)
        assert row.coverage == pytest.approx(single.coverage)
        assert row.expected == pytest.approx(single.expected, rel=1e-9)
        assert row.pvalue == pytest.approx(single.pvalue, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("alternative", ["less", "two-sided"])
def test_alternatives_and_reverse_direction(table, alternative):
    res = scan(table, window=WINDOW, period=PERIOD, trigger_actor="USA", null="jitter", days=60,
               alternative=alternative)
    back = scan(table, window=WINDOW, period=PERIOD, trigger_actor="USA", reverse=True,
                alternative=alternative)
    for scanned, reverse, null, options in ((res, False, "jitter", {"days": 60}),
                                            (back, True, "uniform", {})):
        for row in scanned.table.head(4).itertuples():
            single = _single(table, row.a, row.b, null, options, alternative, reverse=reverse)
            assert (row.n, row.k, row.pvalue) == (single.n, single.k, pytest.approx(single.pvalue))
    assert "USA's events with codes" in back.responses


def test_one_trigger_series_for_all_dyads_and_chosen_dyads(table):
    triggers = table.actor_series("USA", targets=["IRN"])
    res = scan(table, triggers, window=WINDOW, period=PERIOD,
               dyads=[("Iran", "Venezuela"), ("Cuba", "Russia"), ("Cuba", "Fiji")])
    assert sorted(map(tuple, res.table[["a", "b"]].values)) == [("CUB", "RUS"), ("IRN", "VEN")]
    assert res.n_below_min_days == 1          # Cuba-Fiji: no meeting at all, counted
    assert res.table.coverage.nunique() == 1
    meetings = table.dyad_series("CUB", "RUS")
    single = coincidence_test(meetings.select(meetings.days <= PERIOD.last_day), triggers,
                              window=WINDOW, period=PERIOD)
    row = res.table.set_index("a").loc["CUB"]
    assert (row.k, row.pvalue) == (single.k, pytest.approx(single.pvalue))


def _events(rows):
    return pd.DataFrame(rows, columns=["date", "source", "target", "code"])


def test_untestable_dyads_are_reported_and_left_out_of_the_fdr_family():
    rows = [("2019-01-05", "USA", "IRN", "163"), ("2019-03-01", "USA", "CUB", "163")]
    rows += [(f"2019-01-{d:02d}", "IRN", "VEN", "042") for d in (10, 20)]          # covered days
    rows += [("2019-06-01", "IRN", "VEN", "042")]                                 # uncovered
    rows += [(f"2019-0{m}-15", "BRA", "NIC", "042") for m in (2, 5, 8)]           # no trigger at all
    rows += [(f"2019-03-{d:02d}", "CUB", "RUS", "043") for d in (3, 9)]
    rows += [("2019-07-01", "CUB", "RUS", "043")]
    period = Period("2019-01-01", "2019-12-31")
    table = EventTable.from_frame(_events(rows))
    res = scan(table, window=WINDOW, period=period, trigger_actor="USA")
    by_dyad = res.table.set_index(["a", "b"])
    assert by_dyad.loc[("BRA", "NIC"), "untestable"] == "no coverage"
    assert not by_dyad.loc[("BRA", "NIC"), "testable"] and np.isnan(by_dyad.loc[("BRA", "NIC"), "pvalue_bh"])
    testable = res.table[res.table.testable]
    assert len(testable) == 2 and res.n_testable == 2
    assert testable.pvalue_bh.tolist() == pytest.approx(
        multipletests(testable.pvalue, method="fdr_bh")[1].tolist())
    # stratified by month: IRN-VEN's June meeting sits in a month with no covered day, but
    # its January meetings in a partly covered month keep K random
    strat = scan(table, window=WINDOW, period=period, trigger_actor="USA", null="stratified",
                 strata="month").table.set_index(["a", "b"])
    assert strat.loc[("IRN", "VEN"), "untestable"] is None
    full = Period("2019-01-05", "2019-02-04")     # every day within 30 days after the sanction
    extra = rows + [("2019-01-25", "USA", "RUS", "163"), ("2019-01-08", "CUB", "RUS", "043"),
                    ("2019-01-30", "CUB", "RUS", "043")]
    res_full = scan(EventTable.from_frame(_events(extra)), window=WINDOW, period=full,
                    trigger_actor="USA").table.set_index(["a", "b"])
    assert res_full.loc[("IRN", "VEN"), "untestable"] == "full coverage"
    assert res_full.loc[("CUB", "RUS"), "testable"]
    with pytest.raises(AllianceStatsError, match=r"no dyad can be tested: 1 dyad\(s\), untestable "
                                                 r"\(1 full coverage\)"):
        scan(table, window=WINDOW, period=full, trigger_actor="USA", dyads=[("IRN", "VEN")])


def test_no_testable_dyad_is_an_error():
    rows = [("2019-01-05", "USA", "IRN", "163"), ("2019-06-01", "BRA", "NIC", "042")]
    table = EventTable.from_frame(_events(rows))
    with pytest.raises(AllianceStatsError, match=r"no dyad can be tested: 1 dyad\(s\), untestable "
                                                 r"\(1 no coverage\)"):
        scan(table, window=WINDOW, period=Period("2019-01-01", "2019-12-31"), trigger_actor="USA")


def test_the_actor_never_triggers_itself():
    base = [("2019-02-01", "USA", "IRN", "163")] + [
        (f"2019-{m:02d}-10", "USA", "IRN", "042") for m in (2, 4, 6, 9)]
    selfish = base + [(f"2019-{m:02d}-01", "USA", "USA", "163") for m in (4, 6, 9)]
    period = Period("2019-01-01", "2019-12-31")
    plain = scan(EventTable.from_frame(_events(base)), window=WINDOW, period=period, trigger_actor="USA")
    with_self = scan(EventTable.from_frame(_events(selfish)), window=WINDOW, period=period,
                     trigger_actor="USA")
    cols = ["n", "k", "covered_days", "pvalue"]
    pd.testing.assert_frame_equal(plain.table[cols], with_self.table[cols])
    assert plain.table.k.tolist() == [1]


def test_small_batches_give_the_same_table(table, monkeypatch):
    full = scan(table, window=WINDOW, period=PERIOD, trigger_actor="USA", null="circular")
    monkeypatch.setattr(scan_stats, "BATCH_ELEMENTS", 3 * (PERIOD.n_days + 1))   # 3 dyads a batch
    small = scan(table, window=WINDOW, period=PERIOD, trigger_actor="USA", null="circular")
    pd.testing.assert_frame_equal(full.table, small.table)
    assert all(np.array_equal(full.pmf(i), small.pmf(i)) for i in range(len(full)))


def test_episode_jitter_keeps_each_dyads_episodes_apart(table, monkeypatch):
    """Every testable dyad (not a sample) equals coincidence_test; some of them have episodes
    of several responses; a one-dyad batch gives the same table, so no episode ever joins
    two dyads' responses."""
    from alliancestats.episodes import episodes

    options = dict(days=40, gap=45)
    res = scan(table, window=WINDOW, period=PERIOD, trigger_actor="USA", null="episode-jitter",
               **options)
    largest = 0
    for row in res.table[res.table.testable].itertuples():
        single = _single(table, row.a, row.b, "episode-jitter", options)
        assert (row.n, row.k) == (single.n, single.k)
        assert row.pvalue == pytest.approx(single.pvalue, rel=1e-9, abs=1e-12)
        meetings = table.dyad_series(row.a, row.b)
        largest = max(largest, int(episodes(meetings.days, 45).size.max()))
    assert largest >= 3
    monkeypatch.setattr(scan_stats, "BATCH_ELEMENTS", PERIOD.n_days + 1)      # one dyad a batch
    alone = scan(table, window=WINDOW, period=PERIOD, trigger_actor="USA", null="episode-jitter",
                 **options)
    pd.testing.assert_frame_equal(res.table, alone.table)


def test_sums_of_units_against_enumeration_and_the_single_sum():
    from alliancestats._convolution import sum_of_units, sums_of_units

    rng = np.random.default_rng(5)
    total = rng.integers(0, 4, size=11)
    pmfs = rng.dirichlet(np.ones(3), size=11)          # each unit adds offset + 0, 1 or 2
    offset = rng.integers(0, 3, size=11)
    out = sums_of_units(total, pmfs, offset, 4, 4 * 11 + 1)
    for dyad in range(4):
        mine = np.flatnonzero(total == dyad)
        brute = np.zeros(4 * 11 + 1)
        for values in itertools.product(range(3), repeat=len(mine)):
            brute[sum(values) + offset[mine].sum()] += np.prod(
                [pmfs[u, v] for u, v in zip(mine, values)])
        assert out[dyad] == pytest.approx(brute, abs=1e-12)
        single, first = sum_of_units([(pmfs[u], int(offset[u])) for u in mine], [1] * len(mine))
        np.testing.assert_allclose(out[dyad][first: first + len(single)], single, atol=1e-15)


def test_pooled_test_against_enumeration_and_monte_carlo():
    # two dyads over a 10-day period; responses placed uniformly: enumerate every placement
    table_rows = [("2019-01-03", "IRN", "VEN", "042"), ("2019-01-08", "IRN", "VEN", "042"),
                  ("2019-01-04", "CUB", "RUS", "042")]
    rows = [("2019-01-02", "USA", "IRN", "163"), ("2019-01-06", "USA", "CUB", "163")] + table_rows
    table = EventTable.from_frame(_events(rows))
    period, window = Period("2019-01-01", "2019-01-10"), Window(0, 2)
    res = scan(table, window=window, period=period, trigger_actor="USA")
    pooled = res.pooled()
    masks = {}
    for row in res.table.itertuples():
        sanctions = table.actor_series("USA", targets=[row.a, row.b])
        masks[(row.a, row.b)] = coverage(sanctions, window=window, period=period).mask
    dyads = list(masks)
    ns = [int(res.table.set_index(["a", "b"]).loc[d, "n"]) for d in dyads]
    hits = total = 0
    for placement in itertools.product(range(10), repeat=sum(ns)):
        k = sum(masks[dyads[0]][placement[i]] for i in range(ns[0])) + \
            sum(masks[dyads[1]][placement[ns[0] + i]] for i in range(ns[1]))
        hits += k >= pooled.k
        total += 1
    assert pooled.pvalue == pytest.approx(hits / total)
    assert pooled.k == int(res.table.k.sum()) and pooled.n == 3
    # Monte Carlo on the stratified null of the synthetic table, within 4 standard errors
    synthetic = load_synthetic_events()
    strat = scan(synthetic, window=WINDOW, period=PERIOD, trigger_actor="USA", null="stratified")
    exact = strat.pooled()
    draws = np.zeros(4000)
    for seed, row in enumerate(strat.table[strat.table.testable].itertuples()):
        meetings = synthetic.dyad_series(row.a, row.b)
        meetings = meetings.select((meetings.days >= PERIOD.first_day) & (meetings.days <= PERIOD.last_day))
        single = coincidence_test(meetings, synthetic.actor_series("USA", targets=[row.a, row.b]),
                                  window=WINDOW, period=PERIOD, null="stratified",
                                  method="monte-carlo", n_resamples=4000, rng=seed,
                                  keep_draws=True)
        draws += single.null_draws                    # the engine's own sampler, per dyad
    p_mc = (1 + (draws >= exact.k).sum()) / 4001
    se = np.sqrt(p_mc * (1 - p_mc) / 4000)
    assert abs(p_mc - exact.pvalue) < 4 * se


def test_bad_input(table):
    with pytest.raises(AllianceStatsError, match="either `triggers`"):
        scan(table, window=WINDOW, period=PERIOD)
    with pytest.raises(AllianceStatsError, match="placement nulls 'uniform', 'stratified', 'jitter', "
                                                 "'episode-jitter', 'circular', got 'poisson'"):
        scan(table, window=WINDOW, period=PERIOD, trigger_actor="USA", null="poisson")
    with pytest.raises(AllianceStatsError, match="`reverse=True` needs `trigger_actor`"):
        scan(table, table.actor_series("USA"), window=WINDOW, period=PERIOD, reverse=True)
    with pytest.raises(AllianceStatsError, match="null 'jitter' needs `days=J`"):
        scan(table, window=WINDOW, period=PERIOD, trigger_actor="USA", null="jitter")
    with pytest.raises(AllianceStatsError, match="`trigger_actor`: unknown country 'Narnia'"):
        scan(table, window=WINDOW, period=PERIOD, trigger_actor="Narnia")
    with pytest.raises(AllianceStatsError, match="no dyad has events"):
        scan(table, window=WINDOW, period=Period("1990-01-01", "1990-12-31"), trigger_actor="USA")


def test_result_to_dict_is_json_safe(table):
    import json
    res = scan(table, window=WINDOW, period=PERIOD, trigger_actor="USA")
    payload = json.loads(json.dumps(res.to_dict(), allow_nan=False))
    assert payload["fdr_family"] == "testable dyads only" and payload["n_dyads"] == len(res)
    assert "<b>Scan:" in res._repr_html_() and "66 testable" in repr(res).replace("66 dyads, ", "")


def _one_extreme_dyad(matched=400, days=3000):
    """IRN-VEN meets the day after each of ``matched`` U.S. sanctions on them (window 0, so
    the coverage is exactly matched / days and P(K = n) = coverage ** n under uniform)."""
    first = np.datetime64("2015-01-01")
    sanctions = np.sort(np.random.default_rng(0).choice(days, matched, replace=False))
    dates = [str(first + np.timedelta64(int(d), "D")) for d in sanctions]
    frame = pd.DataFrame({"date": dates * 2, "source": ["United States"] * matched + ["Iran"] * matched,
                          "target": ["Iran"] * matched + ["Venezuela"] * matched,
                          "code": ["163"] * matched + ["040"] * matched})
    period = Period(str(first), str(first + np.timedelta64(days - 1, "D")))
    return EventTable.from_frame(frame), period


@pytest.mark.parametrize("null, options", [("uniform", {}), ("uniform", {"distinct": True}),
                                           ("jitter", {"days": 10})])
def test_extreme_dyads_get_the_floored_p_value_and_flag_of_the_single_test(null, options):
    table, period = _one_extreme_dyad()
    window = Window(0, 0)
    res = scan(table, window=window, period=period, trigger_actor="USA", null=null, **options)
    row = res.table.iloc[0]
    assert (row.n, row.k) == (400, 400)
    assert row.pvalue == 1e-300 and row.pvalue_underflow      # never 0
    single = coincidence_test(table.dyad_series("Iran", "Venezuela"),
                              table.actor_series("USA", targets=["Iran", "Venezuela"]),
                              window=window, period=period, null=null, **options)
    assert (single.pvalue, single.pvalue_underflow) == (row.pvalue, True)
    if null == "uniform" and not options:                     # binomial: log10 P(K = n) exactly
        assert row.log10_pvalue == pytest.approx(400 * np.log10(400 / 3000), rel=1e-12)
    if null == "uniform":
        assert row.log10_pvalue == pytest.approx(single.log10_pvalue, rel=1e-12)
    else:                                                     # a convolution: no log-space tail
        assert np.isnan(row.log10_pvalue) and single.log10_pvalue is None
    assert res.to_dict()["dyads"][0]["log10_pvalue"] == (None if null == "jitter" else row.log10_pvalue)
    # the pooled pmf is trimmed where its probabilities underflow; K = n still has a p-value
    pooled = res.pooled()
    assert (pooled.k, pooled.n, pooled.pvalue, pooled.pvalue_underflow) == (400, 400, 1e-300, True)
    assert pooled.expected == pytest.approx(row.expected)
