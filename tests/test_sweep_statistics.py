"""Window sweeps for every statistic: rows equal single tests, min-p adjustment, validation."""

import numpy as np
import pytest

from alliancestats import AllianceStatsError, EventSeries, Period, Window, coincidence_test
from alliancestats._setup import build_setup
from alliancestats.datasets import load_iran_venezuela
from alliancestats.nulls import make_null
from alliancestats.statistics import get_statistic
from alliancestats.sweep import _surrogates, sweep_windows, window_sweep


@pytest.fixture(scope="module")
def case():
    return load_iran_venezuela()


OPTIONS = {"jitter": {"days": 68}, "episode-jitter": {"days": 68, "gap": 20}}


@pytest.mark.parametrize("name", ["pairs", "trigger-rate"])
def test_exact_rows_equal_single_tests(case, name):
    nulls = ["uniform", "poisson", "jitter", "circular"] + (
        ["episode-jitter"] if name != "trigger-rate" else [])   # it refuses the trigger rate
    res = window_sweep(case.meetings, case.independent_sanctions, period=case.period,
                       windows=sweep_windows(40, min_days=25), nulls=nulls, statistic=name,
                       null_options={k: v for k, v in OPTIONS.items() if k in nulls},
                       n_resamples=199, rng=0)
    assert (res.table.statistic == name).all()
    for null in nulls:
        for hi in (25, 33, 40):
            row = res.table[(res.table.null == null) & (res.table.hi == hi)].iloc[0]
            single = coincidence_test(case.meetings, case.independent_sanctions,
                                      window=Window(0, hi), period=case.period, null=null,
                                      statistic=name, n_resamples=999, rng=0,
                                      **OPTIONS.get(null, {}))
            assert row.observed == pytest.approx(single.statistic)
            assert row.expected == pytest.approx(single.expected)
            assert row.method == single.method
            if single.method == "exact":
                assert row.pvalue == pytest.approx(single.pvalue)
            else:   # the sweep's own Monte Carlo: same null, independent draws
                se = np.sqrt(single.pvalue * (1 - single.pvalue) / 199)
                assert abs(row.pvalue - single.pvalue) <= 4 * (se + single.pvalue_se) + 1 / 200
    assert (res.table.pvalue_adjusted >= res.table.pvalue).all()


@pytest.mark.parametrize("null,name", [("uniform", "pairs"), ("poisson", "trigger-rate"),
                                       ("jitter", "trigger-rate")])
def test_single_window_adjustment_is_the_monte_carlo_p(case, null, name):
    res = window_sweep(case.meetings, case.independent_sanctions, period=case.period,
                       windows=[case.window], nulls=null, statistic=name, n_resamples=3000, rng=9,
                       null_options={k: v for k, v in OPTIONS.items() if k == null})
    row = res.table.iloc[0]
    se = np.sqrt(row.pvalue * (1 - row.pvalue) / 3000)
    assert abs(row.pvalue_adjusted - row.pvalue) <= 4 * se + 1 / 3001


def test_poisson_sweep_draws_give_each_window_its_own_null(case):
    windows = [Window(0, 5), Window(0, 33), Window(-10, 60)]
    hull, _ = build_setup(case.meetings, case.independent_sanctions, window=Window(-10, 60),
                          period=case.period)
    setups = [build_setup(case.meetings, case.independent_sanctions, window=w,
                          period=case.period)[0] for w in windows]
    model = make_null("poisson", {})
    for name in ("matches", "pairs", "trigger-rate"):
        stat = get_statistic(name)
        values = np.concatenate(list(_surrogates(model, hull, setups, stat, 6000,
                                                 np.random.default_rng(4))), axis=1)
        for row, setup in zip(values, setups):
            se = row.std() / np.sqrt(row.size)
            assert abs(row.mean() - model.expected(setup, stat)) <= 4 * se + 1e-12, name


def test_familywise_error_is_controlled_for_the_trigger_rate():
    """Monte Carlo-only statistic (two passes over one random stream): on null data the
    smallest adjusted p rejects at most alpha + 3 SE of the time."""
    rng = np.random.default_rng(11)
    period = Period("2020-01-01", "2020-06-29")
    datasets, rejected = 150, 0
    for _ in range(datasets):
        responses = EventSeries(np.datetime64("2020-01-01") + rng.integers(0, 181, 8))
        triggers = EventSeries(np.datetime64("2020-01-01") + rng.integers(-10, 181, 10))
        res = window_sweep(responses, triggers, period=period, windows=sweep_windows(10),
                           statistic="trigger-rate", n_resamples=99, rng=rng)
        rejected += res.table.pvalue_adjusted.min() <= 0.05
    assert rejected / datasets <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / datasets)


def test_sweep_is_reproducible_with_a_seed(case):
    args = dict(period=case.period, windows=sweep_windows(20), statistic="trigger-rate",
                n_resamples=99, rng=5)
    a = window_sweep(case.meetings, case.independent_sanctions, **args)
    b = window_sweep(case.meetings, case.independent_sanctions, **args)
    assert a.table.equals(b.table)


@pytest.mark.parametrize("kwargs,message", [
    (dict(nulls=[]), "`nulls` must be a null name or a non-empty list"),
    (dict(nulls=None), "`nulls` must be a null name or a non-empty list"),
    (dict(nulls=["uniform", "uniform"]), "lists a null twice"),
    (dict(nulls=["bogus"]), "'bogus' is not a null"),
    (dict(nulls="shuffle-triggers"), "cannot be swept"),
    (dict(null_options=[("jitter", {"days": 3})]), "`null_options` must map null names"),
    (dict(null_options={"jitter": {"days": 3}}), "options for 'jitter', which is not in `nulls`"),
    (dict(nulls=["jitter"], null_options={"jitter": 3}), r"`null_options\['jitter'\]` must be a dict"),
    (dict(nulls=["episode-jitter"], null_options={"episode-jitter": {"days": 3}}),
     "needs an explicit `gap`"),
    (dict(statistic="ratio"), "`statistic` must be one of"),
])
def test_sweep_bad_input(case, kwargs, message):
    with pytest.raises(AllianceStatsError, match=message):
        window_sweep(case.meetings, case.sanctions, period=case.period, windows=[Window(0, 5)],
                     n_resamples=9, **kwargs)


def test_a_string_is_one_null(case):
    res = window_sweep(case.meetings, case.independent_sanctions, period=case.period,
                       windows=[Window(0, 5)], nulls="circular", n_resamples=9, rng=0)
    assert res.table.null.tolist() == ["circular"]


def test_monte_carlo_rows_carry_their_standard_errors(case):
    """Monte Carlo p-values come with sqrt(p(1-p)/B); exact ones with NaN (None in JSON,
    with the reason); the adjusted p-value's min-p part always has its SE."""
    import json

    res = window_sweep(case.meetings, case.independent_sanctions, period=case.period,
                       windows=sweep_windows(35, min_days=30), nulls=["circular", "jitter"],
                       null_options={"jitter": {"days": 68}}, statistic="trigger-rate",
                       n_resamples=299, rng=2)
    table = res.table
    mc, exact = table[table.method == "monte-carlo"], table[table.method == "exact"]
    assert len(mc) and len(exact)
    assert np.allclose(mc.pvalue_se, np.sqrt(mc.pvalue * (1 - mc.pvalue) / 299))
    assert exact.pvalue_se.isna().all()
    assert np.all(table.pvalue_adjusted_se > 0) and np.all(table.pvalue_adjusted_se < 0.03)
    out = json.loads(json.dumps(res.to_dict(), allow_nan=False))
    methods = [row["method"] for row in out["table"]]
    assert all((row["pvalue_se"] is None) == (m == "exact") for row, m in zip(out["table"], methods))
    assert "exact" in json.dumps(out["null_reasons"])
