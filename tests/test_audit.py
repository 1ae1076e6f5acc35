"""The audit: the primary analysis, checks under it, the secondary family, the verdict.

Every exact shortcut is compared with the library's own one-test-at-a-time path or
with brute-force enumeration; the secondary family's error rate is measured on
simulated null data.
"""

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest

import alliancestats as als
from alliancestats import AllianceStatsError, EventSeries, Period, Window
from alliancestats.audit import analysis as analysis_module
from alliancestats.audit import verdict as verdict_module
from alliancestats.audit.placebo import placebo_shifts
from alliancestats.audit.secondary import _holm_over_blocks, default_family
from alliancestats.audit.verdict import verdict_level

pytestmark = pytest.mark.filterwarnings("ignore::alliancestats.DegenerateDataWarning")


@pytest.fixture(scope="module")
def case():
    return als.datasets.load_iran_venezuela()


def _days(offsets, start="2019-01-01"):
    return EventSeries(np.datetime64(start) + np.asarray(offsets).astype("timedelta64[D]"))


# -- the primary analysis ----------------------------------------------------------------------

@pytest.mark.parametrize("kwargs,pattern", [
    (dict(null="nope", statistic="pairs"), "`null` must be one of"),
    (dict(null="uniform", statistic="ratio"), "`statistic` must be one of"),
    (dict(null="episode-jitter", statistic="trigger-rate", null_options={"days": 5}),
     "cannot test statistic 'trigger-rate'"),
    (dict(null="episode-jitter", statistic="pairs"), "needs `days=J`"),
    (dict(null="stratified", statistic="pairs", null_options={"days": 3}), "unknown option 'days'"),
    (dict(null="uniform", statistic="pairs", window=(0, 3)), "`window` must be a Window"),
    (dict(null="uniform", statistic="pairs", null_options=[("a", 1)]), "`null_options` must map"),
])
def test_analysis_refuses_what_does_not_exist_or_cannot_go_together(kwargs, pattern):
    with pytest.raises(AllianceStatsError, match=pattern):
        als.Analysis(**kwargs)


def test_audit_window_comes_from_one_place(case):
    primary = als.Analysis("uniform", "matches", Window(0, 10))
    with pytest.raises(AllianceStatsError, match="differ"):
        als.audit_verdict(case.meetings, case.independent_sanctions, window=case.window,
                          period=case.period, primary=primary)
    with pytest.raises(AllianceStatsError, match="give `window`"):
        als.audit_verdict(case.meetings, case.independent_sanctions, period=case.period)
    with pytest.raises(AllianceStatsError, match="`primary` must be"):
        als.audit_verdict(case.meetings, case.independent_sanctions, window=case.window,
                          period=case.period, primary="stratified")
    v = als.audit_verdict(case.meetings, case.independent_sanctions, period=case.period,
                          primary=primary)
    assert v.primary.window == Window(0, 10) and v.chosen_by == "declared"
    direct = als.coincidence_test(case.meetings, case.independent_sanctions,
                                  window=Window(0, 10), period=case.period)
    assert v.result.pvalue == direct.pvalue


def test_primary_is_chosen_before_any_pvalue(case, monkeypatch):
    """diagnose runs, and fixes the primary analysis, before the first coincidence test."""
    calls = []
    real_diagnose, real_test = verdict_module.diagnose, verdict_module.coincidence_test
    monkeypatch.setattr(verdict_module, "diagnose",
                        lambda *a, **k: calls.append("diagnose") or real_diagnose(*a, **k))
    monkeypatch.setattr(verdict_module, "coincidence_test",
                        lambda *a, **k: calls.append(("test", k["null"], k["statistic"]))
                        or real_test(*a, **k))
    v = als.audit_verdict(case.meetings, case.independent_sanctions, window=case.window,
                          period=case.period, rng=0)
    assert calls == ["diagnose", ("test", "stratified", "likelihood")]
    assert v.chosen_by == "diagnose" and "before any p-value" in v.reason
    assert v.primary == analysis_module.primary_from_diagnosis(v.diagnosis, case.window)[0]


def test_primary_follows_the_diagnosis():
    """Bursts of responses make diagnose rank episode-jitter first: the audit follows."""
    period = Period("2013-01-01", "2020-12-31")
    responses, triggers = als.scenarios.scenario("clustered-responses", rng=4)
    v = als.audit_verdict(responses, triggers, window=Window(0, 33), period=period, rng=0)
    assert v.diagnosis.flags["responses_cluster"]
    assert v.primary.null == "episode-jitter" and v.primary.statistic == "likelihood"
    assert dict(v.primary.null_options) == v.diagnosis.options["episode-jitter"]


# -- the placebo ---------------------------------------------------------------------------------

@pytest.mark.parametrize("null,options,statistic", [
    ("stratified", {}, "pairs"), ("stratified", {"strata": "quarter"}, "matches"),
    ("jitter", {"days": 40}, "pairs"), ("uniform", {}, "matches"),
    ("episode-jitter", {"days": 40}, "pairs"), ("circular", {}, "matches"),
])
def test_placebo_lists_equal_coincidence_tests_on_shifted_triggers(case, null, options, statistic):
    res = als.placebo_test(case.meetings, case.independent_sanctions, window=case.window,
                           period=case.period, null=null, statistic=statistic, step=200,
                           **options)
    for row in res.table.itertuples():
        direct = als.coincidence_test(case.meetings, case.independent_sanctions.shifted(row.shift),
                                      window=case.window, period=case.period, null=null,
                                      statistic=statistic, **options)
        assert row.pvalue == pytest.approx(direct.pvalue, rel=1e-9, abs=1e-300)
        assert row.statistic == direct.statistic
        assert row.expected == pytest.approx(direct.expected, rel=1e-9)
    real = als.coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                                period=case.period, null=null, statistic=statistic, **options)
    assert res.observed_pvalue == pytest.approx(real.pvalue, rel=1e-9)
    hits = int((res.table.pvalue <= real.pvalue * (1 + 1e-9)).sum())
    assert res.pvalue == (1 + hits) / (1 + res.n_shifts) and res.share == hits / res.n_shifts


def test_placebo_monte_carlo_path_for_the_trigger_rate(case):
    res = als.placebo_test(case.meetings, case.independent_sanctions, window=case.window,
                           period=case.period, null="stratified", statistic="trigger-rate",
                           step=400, n_resamples=199, rng=3)
    again = als.placebo_test(case.meetings, case.independent_sanctions, window=case.window,
                             period=case.period, null="stratified", statistic="trigger-rate",
                             step=400, n_resamples=199, rng=3)
    assert res.method == "monte-carlo" and res.table.equals(again.table)
    assert ((res.table.pvalue >= 1 / 200) & (res.table.pvalue <= 1)).all()


def test_placebo_shifts_keep_half_the_list_in_reach_brute_force():
    rng = np.random.default_rng(2)
    period = Period("2019-01-01", "2019-12-31")
    for _ in range(30):
        days = np.sort(period.first_day + rng.integers(-60, 400, rng.integers(1, 12)))
        window = Window(int(rng.integers(-5, 5)), int(rng.integers(5, 40)))
        step, low = int(rng.integers(5, 80)), int(rng.integers(1, 100))
        got = placebo_shifts(days, window, period, step=step, min_shift=low).tolist()
        distinct = np.unique(days)
        reach = lambda d: ((d >= period.first_day - window.hi)  # noqa: E731
                           & (d <= period.last_day - window.lo)).sum()
        expected = [s for s in range(-3000, 3001) if s and s % step == 0 and abs(s) >= low
                    and reach(distinct) and 2 * reach(distinct + s) >= reach(distinct)]
        assert got == expected


@pytest.mark.parametrize("kwargs,pattern", [
    (dict(min_shift=400), "no shift of the trigger list"),
    (dict(min_shift=100, max_shift=60), "`min_shift` <= `max_shift`"),
    (dict(step=5000), "no shift of the trigger list"),
    (dict(step=10**20), "no shift of the trigger list"),   # k * step would overflow int64
    (dict(step=0), "`step` must be >= 1"),
])
def test_placebo_ranges_with_no_shift_in_reach_are_errors(kwargs, pattern):
    period = Period("2019-01-01", "2019-12-31")
    triggers = _days([10, 100, 200, 300])
    responses = _days([20, 120, 250])
    with pytest.raises(AllianceStatsError, match=pattern):
        als.placebo_test(responses, triggers, window=Window(0, 30), period=period, **kwargs)


# -- sensitivity -------------------------------------------------------------------------------

def test_response_subsets_are_coincidence_tests(case):
    meetings = EventSeries(case.meetings.dates,
                           {"confidence": [None] + list(case.meetings.frame.confidence[1:])})
    t = als.response_subset_tests(meetings, case.independent_sanctions, window=case.window,
                                  period=case.period, attribute="confidence", null="stratified",
                                  statistic="pairs")
    assert t.subset.tolist() == ["all", "without confidence=(missing)", "without confidence=high",
                                 "without confidence=low", "without confidence=medium"]
    values = meetings.frame.confidence.fillna("(missing)")
    for row in t.iloc[1:].itertuples():
        keep = (values != row.subset.split("=")[1]).to_numpy()
        direct = als.coincidence_test(meetings.select(keep), case.independent_sanctions,
                                      window=case.window, period=case.period, null="stratified",
                                      statistic="pairs")
        assert (row.n, row.pvalue) == (direct.n, direct.pvalue)
    with pytest.raises(AllianceStatsError, match="no column 'quality'"):
        als.response_subset_tests(meetings, case.independent_sanctions, window=case.window,
                                  period=case.period, attribute="quality")


@pytest.mark.parametrize("null,options,offsets,period,statistic", [
    ("uniform", {}, [20, 45, 80], ("2019-01-01", "2019-06-30"), "matches"),
    ("uniform", {}, [20, 45, 80], ("2019-01-01", "2019-06-30"), "pairs"),
    ("stratified", {"strata": "quarter"}, [20, 70, 150], ("2019-01-01", "2019-06-30"), "pairs"),
    ("jitter", {"days": 15}, [20, 45, 80], ("2019-01-01", "2019-06-30"), "pairs"),
    ("stratified", {"strata": "month"}, [1, 58, 100], ("2019-01-01", "2019-06-30"), "matches"),
])
def test_date_move_bounds_against_every_move(null, options, offsets, period, statistic):
    """Brute force over all (2d+1)^n moves: every p lies in the bounds; where the bounds
    claim to be the exact range, the extreme moves reach them."""
    period = Period(*period)
    triggers = _days([5, 9, 30, 33, 60, 70, 71, 130, 150, 160])
    responses = _days(offsets)
    d = 2
    bounds = als.date_move_bounds(responses, triggers, window=Window(0, 12), period=period,
                                  move_days=d, null=null, statistic=statistic, **options)
    pvalues = []
    for moves in itertools.product(range(-d, d + 1), repeat=len(offsets)):
        moved = [o + m for o, m in zip(offsets, moves)]
        if min(moved) < 0 or max(moved) >= period.n_days:
            continue
        pvalues.append(als.coincidence_test(_days(moved), triggers, window=Window(0, 12),
                                            period=period, null=null, statistic=statistic,
                                            **options).pvalue)
    assert bounds.pvalue_low <= min(pvalues) * (1 + 1e-9)
    assert bounds.pvalue_high >= max(pvalues) * (1 - 1e-9)
    assert bounds.pvalue in pvalues or bounds.pvalue == pytest.approx(pvalues[len(pvalues) // 2])
    if bounds.exact:
        assert bounds.pvalue_low == pytest.approx(min(pvalues), rel=1e-9)
        assert bounds.pvalue_high == pytest.approx(max(pvalues), rel=1e-9)
    expected_exact = null == "uniform" or (null == "stratified" and options["strata"] == "quarter")
    assert bounds.exact == expected_exact


def test_date_move_bounds_bad_input(case):
    common = dict(window=case.window, period=case.period)
    with pytest.raises(AllianceStatsError, match="shorter than the period"):
        als.date_move_bounds(case.meetings, case.independent_sanctions, move_days=2922, **common)
    with pytest.raises(AllianceStatsError, match="`move_days` must be >= 1"):
        als.date_move_bounds(case.meetings, case.independent_sanctions, move_days=0, **common)
    with pytest.raises(AllianceStatsError, match="null 'circular' is not supported"):
        als.date_move_bounds(case.meetings, case.independent_sanctions, move_days=2,
                             null="circular", **common)
    with pytest.raises(AllianceStatsError, match="'trigger-rate' is not supported"):
        als.date_move_bounds(case.meetings, case.independent_sanctions, move_days=2,
                             statistic="trigger-rate", **common)


# -- the secondary family -----------------------------------------------------------------------

def test_secondary_raw_pvalues_are_coincidence_tests(case):
    family = default_family(case.window, {"stratified": {"strata": "year"}},
                            exclude=als.Analysis("stratified", "pairs",
                                                 null_options={"strata": "year"}))
    family = [a for a in family if a.null in ("uniform", "stratified", "circular")]
    res = als.secondary_tests(case.meetings, case.independent_sanctions, window=case.window,
                              period=case.period, analyses=family, n_resamples=299, rng=1)
    assert len(res.table) == 11 and res.n_nulls == 3       # uniform 4, stratified 3, circular 4
    for a, row in zip(family, res.table.itertuples()):
        direct = als.coincidence_test(case.meetings, case.independent_sanctions,
                                      window=case.window, period=case.period, null=a.null,
                                      statistic=a.statistic, n_resamples=299, rng=1,
                                      **a.options())
        if direct.method == "exact":
            assert row.pvalue == pytest.approx(direct.pvalue, rel=1e-9)
        else:
            assert abs(row.pvalue - direct.pvalue) <= 4 * direct.pvalue_se + 2 / 300
    assert (res.table.pvalue_within >= res.table.pvalue).all()
    assert (res.table.pvalue_adjusted >= res.table.pvalue_within).all()


def test_holm_over_blocks_is_holm_on_block_minima():
    rng = np.random.default_rng(0)
    for _ in range(200):
        sizes = list(rng.integers(1, 4, rng.integers(1, 6)))
        within = rng.random(sum(sizes)) ** 2
        adjusted = _holm_over_blocks(pd.DataFrame({"pvalue_within": within}), sizes)
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        minima = np.array([within[a: a + k].min() for a, k in zip(starts, sizes)])
        order = np.argsort(minima, kind="stable")          # Holm (1979), by the textbook
        steps = np.minimum(1, minima[order] * (len(minima) - np.arange(len(minima))))
        holm = np.empty_like(minima)
        holm[order] = np.maximum.accumulate(steps)
        for b, (a, k) in enumerate(zip(starts, sizes)):
            block = adjusted[a: a + k]
            assert block.min() == pytest.approx(holm[b])   # the block's smallest: plain Holm
            assert np.all(block >= within[a: a + k] - 1e-15) and np.all(block <= 1)


def test_secondary_family_controls_the_familywise_error_on_null_data():
    """Independent homogeneous series, where every null's assumptions hold: the chance
    that any of the 21 adjusted p-values is <= 0.05 stays within 0.05 + 3 SE
    (N = 300 datasets, SE = sqrt(0.05 * 0.95 / 300) = 0.0126)."""
    period = Period("2019-01-01", "2020-12-31")
    window = Window(0, 20)
    family = default_family(window, {"stratified": {"strata": "quarter"},
                                     "jitter": {"days": 45},
                                     "episode-jitter": {"days": 45, "gap": 21}})
    n_datasets, alpha = 300, 0.05
    any_rejected = any_raw = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(n_datasets):
            g = np.random.default_rng(np.random.SeedSequence(77, spawn_key=(i,)))
            responses = _days(np.sort(g.integers(0, period.n_days, 12)))
            triggers = _days(np.sort(g.choice(period.n_days, g.poisson(15), replace=False)))
            res = als.secondary_tests(responses, triggers, window=window, period=period,
                                      analyses=family, n_resamples=99, rng=g)
            any_rejected += bool((res.table.pvalue_adjusted <= alpha).any())
            any_raw += bool((res.table.pvalue <= alpha).any())
    se = np.sqrt(alpha * (1 - alpha) / n_datasets)
    assert any_rejected / n_datasets <= alpha + 3 * se
    assert any_raw / n_datasets > alpha + 2 * se      # unadjusted, the family errs too often


# -- the verdict ----------------------------------------------------------------------------------

def test_verdict_rule():
    assert [verdict_level(p, q, 0.05) for p, q in
            [(0.05, 0.05), (0.05, 0.051), (0.051, 0.0), (0.001, 0.2)]] == \
        ["supported", "suggestive", "not supported", "suggestive"]


def test_supported_on_strongly_coupled_data():
    rng = np.random.default_rng(3)
    period = Period("2010-01-01", "2019-12-31")
    trig = np.sort(rng.choice(period.n_days, 40, replace=False))
    triggers = _days(trig, "2010-01-01")
    responses = _days(trig[rng.choice(40, 30, replace=False)] + rng.integers(1, 10, 30),
                      "2010-01-01")
    report = als.audit(responses, triggers, window=Window.after(days=10), period=period,
                       max_days=20, n_resamples=199, rng=1)
    assert report.verdict_level == "supported" and report.verdict.startswith("Supported")
    assert report.placebo.share == 0 and "no single response or trigger" in report.text()


def test_audit_and_audit_verdict_agree(case):
    kwargs = dict(window=case.window, period=case.period, rng=5)
    for primary in (None, als.Analysis("stratified", "matches", null_options={"strata": "year"})):
        v = als.audit_verdict(case.meetings, case.independent_sanctions, primary=primary, **kwargs)
        report = als.audit(case.meetings, case.independent_sanctions, primary=primary,
                           max_days=35, n_resamples=199, **kwargs)
        assert (report.verdict_level, report.verdict) == (v.level, v.text)
        assert report.result.pvalue == v.result.pvalue
        assert report.placebo.pvalue == v.placebo.pvalue
    assert v.level == "supported"          # K under stratified: p = 0.038, placebo 0.024
