import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats import rates as sm_rates

from alliancestats import AllianceStatsError, EventSeries, Period, Window, coincidence_test
from alliancestats.breakeven import break_even_rate, rate_curve
from alliancestats.composition import composition_test, rate_comparison
from alliancestats.datasets import load_iran_venezuela
from alliancestats.influence import influence
from alliancestats.subsets import subset_tests

pytestmark = pytest.mark.filterwarnings("ignore::alliancestats.DegenerateDataWarning")


@pytest.fixture(scope="module")
def case():
    return load_iran_venezuela()


# -- break-even -------------------------------------------------------------------------

@pytest.mark.parametrize("k,n", [(16, 25), (21, 25), (3, 10)])
def test_break_even_closed_form_is_where_p_equals_alpha(k, n):
    window = Window.after(days=30, slack=3)
    rate = break_even_rate(k, n, window=window, alpha=0.05)
    p_match = 1 - np.exp(-rate * window.length / 365.25)
    assert stats.binom.sf(k - 1, n, p_match) == pytest.approx(0.05, rel=1e-6)


def test_break_even_figures_for_the_study():
    """The study's headline check: above about 7 sanctions a year 16 of 25 is not
    significant; at 15 it is below what chance gives."""
    window = Window.after(days=30, slack=3)
    assert 6 < break_even_rate(16, 25, window=window) < 7
    assert 25 * (1 - np.exp(-15 * 34 / 365.25)) > 16


def test_break_even_closed_form_against_monte_carlo():
    """At the break-even rate, the poisson null's p for K of n is alpha when windows are
    disjoint: check with the library's Monte Carlo on triggers at that rate."""
    window = Window(0, 9)
    n, k = 12, 6
    rate = break_even_rate(k, n, window=window, alpha=0.05)
    period = Period("2000-01-01", "2009-12-31")
    days = np.arange(n) * 300 + 20                 # disjoint windows
    responses = EventSeries(np.datetime64("2000-01-01") + days.astype("timedelta64[D]"))
    m = int(round(rate * period.n_days / 365.25))
    rng = np.random.default_rng(0)
    trig_days = rng.choice(period.n_days, size=m, replace=False)
    triggers = EventSeries(np.datetime64("2000-01-01") + trig_days.astype("timedelta64[D]"))
    dist = coincidence_test(responses, triggers, window=window, period=period, null="poisson",
                            continuous=True, method="monte-carlo", n_resamples=4000, rng=1,
                            keep_draws=True)
    p_at_k = (dist.null_draws >= k).mean()
    closed = stats.binom.sf(k - 1, n, 1 - np.exp(-(m / period.n_days) * window.length))
    assert abs(p_at_k - closed) <= 4 * np.sqrt(closed * (1 - closed) / 4000)
    assert closed == pytest.approx(0.05, abs=0.01)     # m rounds the rate


def test_rate_curve_methods_and_monotonicity(case):
    res = rate_curve(case.meetings, case.independent_sanctions, window=case.window,
                     period=case.period, n_replicates=60, rng=2)
    assert set(res.break_even) == {"poisson-closed-form", "poisson-exact", "thinning"}
    for method, part in res.curve.groupby("method"):
        p = part.sort_values("rate_per_year").pvalue.to_numpy()
        assert np.all(np.diff(p) >= -0.02), method   # p rises with the trigger rate
    assert res.k == 21 and res.observed_rate == pytest.approx(157 / (2922 / 365.25))
    thin = res.curve[res.curve.method == "thinning"]
    at_one = thin.iloc[(thin.rate_per_year - res.observed_rate).abs().argmin()]
    full = coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                            period=case.period)
    assert at_one.coverage == pytest.approx(full.coverage, abs=0.03)
    for rate in res.break_even.values():
        assert 5 < rate < res.observed_rate    # observed rate is above break-even: not significant


def test_break_even_bad_input(case):
    with pytest.raises(AllianceStatsError, match="`alpha`"):
        break_even_rate(3, 5, window=case.window, alpha=1.5)
    with pytest.raises(AllianceStatsError, match="`k` must be <= `n`"):
        break_even_rate(6, 5, window=case.window)
    with pytest.raises(AllianceStatsError, match="`multipliers`"):
        rate_curve(case.meetings, case.sanctions, window=case.window, period=case.period,
                   multipliers=[0, 1])


# -- influence ---------------------------------------------------------------------------

def test_influence_matches_manual_leave_one_out():
    period = Period("2020-01-01", "2020-12-31")
    responses = EventSeries(["2020-02-10", "2020-03-01", "2020-07-04", "2020-11-11"],
                            {"mid": list("abcd")}, id_column="mid")
    triggers = EventSeries(["2020-02-01", "2020-02-05", "2020-06-25", "2020-09-01"],
                           {"sid": ["s1", "s2", "s3", "s4"]}, id_column="sid")
    window = Window.after(days=30)
    inf = influence(responses, triggers, window=window, period=period)
    for i, row in inf.responses.iterrows():
        keep = np.ones(4, dtype=bool)
        keep[i] = False
        manual = coincidence_test(responses.select(keep), triggers, window=window, period=period)
        assert (row.k, row.pvalue) == (manual.k, pytest.approx(manual.pvalue))
    assert inf.triggers.trigger_id.tolist() == ["s1", "s2", "s3"]   # s4 matches nothing
    sole = dict(zip(inf.triggers.trigger_id, inf.triggers.sole_match_for))
    assert sole == {"s1": [], "s2": [], "s3": ["c"]}
    assert inf.fragile.response_id.tolist() == ["c"]
    assert inf.max_pvalue() >= inf.pvalue


# -- subsets and placebos ------------------------------------------------------------------

def test_subsets_and_placebos(case):
    placebo = EventSeries(["2015-06-01", "2018-06-01"])
    t = subset_tests(case.meetings, case.independent_sanctions, window=case.window,
                     period=case.period, by=["target"], placebos={"two days": placebo})
    assert t.kind.tolist() == ["all", "subset", "subset", "placebo", "placebo", "placebo"]
    assert t.n_triggers.iloc[1] + t.n_triggers.iloc[2] == t.n_triggers.iloc[0]
    irn = coincidence_test(case.meetings, case.independent_sanctions.where(target="IRN"),
                           window=case.window, period=case.period)
    assert t.pvalue.iloc[1] == pytest.approx(irn.pvalue)
    with pytest.raises(AllianceStatsError, match="leaves no trigger"):
        subset_tests(case.meetings, case.independent_sanctions, window=case.window,
                     period=case.period, placebo_shifts=[5000])
    with pytest.raises(AllianceStatsError, match="no column 'country'"):
        subset_tests(case.meetings, case.sanctions, window=case.window, period=case.period,
                     by=["country"])


# -- composition and rates -------------------------------------------------------------------

def test_composition_2x2_equals_fisher():
    t = pd.DataFrame({"matched": [True] * 7 + [False] * 5, "kind": list("aaaaabb") + list("abbbb")})
    res = composition_test(t, "kind")
    assert res.method == "exact"
    assert res.pvalue == pytest.approx(stats.fisher_exact([[5, 2], [1, 4]]).pvalue)


def test_composition_exact_against_monte_carlo(case):
    table = coincidence_test(case.meetings, case.cited_sanctions, window=case.window,
                             period=case.period).table
    exact = composition_test(table, "topic")
    mc = stats.fisher_exact(exact.table.to_numpy(),
                            method=stats.MonteCarloMethod(n_resamples=4000, rng=3)).pvalue
    assert abs(exact.pvalue - mc) <= 4 * np.sqrt(mc * (1 - mc) / 4000) + 1 / 4001
    assert exact.table.loc[True].to_dict() == {"anti_us": 5, "bilateral_ties": 6, "economic": 5}


def test_composition_bad_input():
    t = pd.DataFrame({"matched": [True, False], "kind": ["a", "a"], "gap": ["a", None]})
    with pytest.raises(AllianceStatsError, match="single level"):
        composition_test(t, "kind")
    with pytest.raises(AllianceStatsError, match="no column 'topic'"):
        composition_test(t, "topic")
    with pytest.raises(AllianceStatsError, match=r"missing in rows \[1\]"):
        composition_test(t, "gap")


def test_rate_comparison_uses_statsmodels(case):
    segments, tests = rate_comparison(case.meetings, period=case.period,
                                      breaks=["2017-01-20", "2018-05-08"])
    assert segments["count"].sum() == 25 and segments.days.sum() == case.period.n_days
    a, b = segments.iloc[0], segments.iloc[2]
    direct = sm_rates.test_poisson_2indep(b["count"], b["days"], a["count"], a["days"], method="exact-cond")
    assert tests.pvalue.iloc[1] == pytest.approx(direct.pvalue)
    with pytest.raises(AllianceStatsError, match="`breaks`"):
        rate_comparison(case.meetings, period=case.period, breaks=["2030-01-01"])
