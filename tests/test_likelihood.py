"""Λ (``likelihood``): its definition, every null against brute-force enumeration,
exact against Monte Carlo on the case study, and the places that take a statistic
(its exact power against simulation is in test_power.py)."""

import math

import numpy as np
import pytest

import test_statistics as base
from alliancestats import (Analysis, AllianceStatsError, Window, coincidence_test,
                           placebo_test, window_sweep)
from alliancestats import audit
from alliancestats.datasets import load_iran_venezuela
from alliancestats.nulls import EXACT, NULLS
from alliancestats.statistics import STATISTICS
from alliancestats.statistics.likelihood import COUPLING_ALTERNATIVE, RESOLUTION

OBSERVED_TRIGGERS = base.TRIGGERS


def coverage(day, triggers, window=base.WINDOW):
    """Distinct trigger days at a lag in the window of ``day``."""
    return sum(window.lo <= day - s <= window.hi for s in set(triggers))


def likelihood(responses, triggers):
    """Λ from its definition: round(100 log(1 + rho c(t)/c̄)) summed over responses, with
    c̄ the mean coverage of the period's days under the *observed* triggers."""
    mean = sum(coverage(d, OBSERVED_TRIGGERS) for d in range(base.T)) / base.T
    rho = COUPLING_ALTERNATIVE / (1 - COUPLING_ALTERNATIVE)
    return sum(round(RESOLUTION * math.log(1 + rho * coverage(t, triggers) / mean))
               for t in responses)


@pytest.fixture
def defined(monkeypatch):
    """The enumeration of test_statistics, scoring Λ from its definition."""
    plain = base.statistic
    monkeypatch.setattr(base, "statistic", lambda name, responses, triggers, window=base.WINDOW:
                        likelihood(responses, triggers) if name == "likelihood"
                        else plain(name, responses, triggers, window))


def test_registered_everywhere_a_statistic_is_named():
    assert STATISTICS["likelihood"].symbol == "Λ"
    assert Analysis("stratified", "likelihood").label() == "Λ (likelihood) under stratified"
    # exact exactly where S is exact under the placement and circular nulls
    for null in ("uniform", "stratified", "jitter", "episode-jitter", "circular"):
        assert (null, "likelihood") in EXACT
    for null in ("poisson", "shuffle-triggers"):
        assert (null, "likelihood") not in EXACT


@pytest.mark.parametrize("null,options", base.CASES)
def test_every_null_against_enumeration(defined, null, options):
    """Exact pmf (to 1e-12) or Monte Carlo p-value (4 SE) against every placement or
    trigger draw, and the mean against the enumerated mean, under every null."""
    truth = base.brute_force(null, "likelihood", options)
    values, pmf = base._pmf_arrays(truth)
    observed = likelihood(base.RESPONSES, OBSERVED_TRIGGERS)
    if (null, "likelihood") in EXACT:
        res = base._run(null, "likelihood", options, method="exact")
        got = base._as_dict(res.null_distribution)
        assert set(got) == set(truth)
        for value, p in truth.items():
            assert got[value] == pytest.approx(p, abs=1e-12)
        assert res.pvalue == pytest.approx(base._exact_p(values, pmf, observed, "greater"),
                                           abs=1e-12)
    else:
        b = 4000
        res = base._run(null, "likelihood", options, n_resamples=b, rng=3)
        assert res.method == "monte-carlo"
        truth_p = base._exact_p(values, pmf, observed, "greater")
        assert abs(res.pvalue - truth_p) <= 4 * res.pvalue_se + 1 / (b + 1)
    assert res.statistic == observed
    assert res.expected == pytest.approx(float((values * pmf).sum()), abs=1e-9)


EXACT_ON_CASE = [("uniform", {}), ("stratified", {}), ("jitter", {"days": 68}),
                 ("episode-jitter", {"days": 68}), ("circular", {})]


@pytest.mark.parametrize("null,options", EXACT_ON_CASE)
def test_exact_agrees_with_monte_carlo_on_the_case_study(null, options):
    case = load_iran_venezuela()
    common = dict(window=case.window, period=case.period, null=null, statistic="likelihood",
                  **options)
    exact = coincidence_test(case.meetings, case.independent_sanctions, **common)
    assert exact.method == "exact"                    # auto picks exact on the case study
    b = 2000
    mc = coincidence_test(case.meetings, case.independent_sanctions, method="monte-carlo",
                          n_resamples=b, rng=17, keep_draws=True, **common)
    assert abs(mc.pvalue - exact.pvalue) <= 4 * mc.pvalue_se + 1 / (b + 1)
    draws = mc.null_draws
    assert abs(draws.mean() - exact.expected) <= 4 * draws.std() / np.sqrt(b)


def test_score_is_zero_off_the_windows_and_grows_with_the_coverage():
    case = load_iran_venezuela()
    res = coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                           period=case.period, statistic="likelihood")
    from alliancestats._setup import Setup

    setup = Setup(case.meetings, case.independent_sanctions, case.window, case.period)
    c, score = setup.coverage_count, STATISTICS["likelihood"].score(setup)
    assert score.dtype == np.int64 and np.all(score[c == 0] == 0) and np.all(score[c > 0] > 0)
    order = np.argsort(c, kind="stable")
    assert np.all(np.diff(score[order]) >= 0)
    assert res.statistic == int(score[setup.response_offsets].sum())


def test_sweep_placebo_and_audit_take_it():
    case = load_iran_venezuela()
    data = (case.meetings, case.independent_sanctions)
    sweep = window_sweep(*data, windows=[Window(0, 20), case.window], period=case.period,
                         nulls="stratified", statistic="likelihood")
    alone = coincidence_test(*data, window=case.window, period=case.period, null="stratified",
                             statistic="likelihood")
    assert sweep.table.pvalue.iloc[-1] == pytest.approx(alone.pvalue, rel=1e-9)
    # the placebo's one-pass exact path equals the test of each shifted list
    placebo = placebo_test(*data, window=case.window, period=case.period, null="stratified",
                           statistic="likelihood", max_shift=200, step=50)
    row = placebo.table.iloc[0]
    shifted = coincidence_test(case.meetings, case.independent_sanctions.shifted(int(row["shift"])),
                               window=case.window, period=case.period, null="stratified",
                               statistic="likelihood")
    assert row.statistic == shifted.statistic
    assert row.pvalue == pytest.approx(shifted.pvalue, rel=1e-9)
    report = audit(*data, window=case.window, period=case.period,
                   primary=Analysis("stratified", "likelihood"), n_resamples=99, rng=1)
    assert report.primary.statistic == "likelihood"


def test_refused_exactly_where_pairs_is_refused():
    for null, cls in NULLS.items():
        assert ("likelihood" in cls.refused_statistics) == ("pairs" in cls.refused_statistics)
    with pytest.raises(AllianceStatsError, match="statistic"):
        coincidence_test(base._series([1]), base._series([0]), window=base.WINDOW,
                         period=base.PERIOD, statistic="likelihoods")


def test_quoted_calibration_figures_are_the_tables():
    """Λ's size and power as the methods page, the calibration page and the README quote
    them, read from the calibration CSVs."""
    import pathlib

    import pandas as pd

    root = pathlib.Path(__file__).resolve().parents[1]
    size = pd.read_csv(root / "docs" / "data" / "calibration_size.csv")
    power = pd.read_csv(root / "docs" / "data" / "calibration_power.csv").set_index(
        ["null", "statistic", "coupling"]).power
    text = {name: " ".join((root / path).read_text(encoding="utf-8").split())
            for name, path in (("methods", "docs/methods.rst"), ("calibration",
                               "docs/calibration.rst"), ("readme", "README.md"))}
    at = lambda null, statistic, pi: f"{power[null, statistic, pi]:.3f}"  # noqa: E731
    assert (f"{at('stratified (year)', 'likelihood', 0.6)} against "
            f"{at('stratified (year)', 'pairs', 0.6)} for S under ``stratified``") in text["methods"]
    for null, label in (("stratified (year)", "stratified"), ("jitter J=68", "jitter"),
                        ("episode-jitter J=68", "episode-jitter")):
        quoted = f"{at(null, 'likelihood', 0.6)} against {at(null, 'pairs', 0.6)} under ``{label}``"
        assert quoted in text["calibration"], quoted
    episode = size[size.null.str.startswith("episode-jitter") & (size.statistic == "likelihood")]
    assert f"at most {episode.rate.max():.3f}" in text["calibration"]
    assert f"at most {episode.rate.max():.3f} under `episode-jitter`" in text["readme"]
    assert (f"S {at('uniform', 'pairs', 0.4)} (Λ {at('uniform', 'likelihood', 0.4)})"
            in text["readme"])
    assert (f"S rejects {at('episode-jitter J=68', 'pairs', 0.4)} and Λ "
            f"{at('episode-jitter J=68', 'likelihood', 0.4)}" in text["readme"])


def test_choice_of_the_alternative_share_is_not_fragile():
    """The docstring's figures: exact uniform power at couplings 0.3, 0.5, 0.8 (25
    responses, the case study's sanctions) for pi_1 from 0.3 to 0.7, and for S."""
    from alliancestats import power
    from alliancestats.statistics import Likelihood

    case = load_iran_venezuela()

    def powers(statistic):
        return [round(power(c, 25, case.independent_sanctions, window=case.window,
                            period=case.period, statistic=statistic).power, 3)
                for c in (0.3, 0.5, 0.8)]

    shares = {}
    for share in (0.3, 0.5, 0.7):
        chosen = type("Share", (Likelihood,), {"alternative_share": share})()
        shares[share] = powers(chosen)
    assert shares[0.5] == powers("likelihood") == [0.451, 0.805, 0.994]
    assert powers("pairs") == [0.418, 0.765, 0.986]
    spread = np.ptp(np.array(list(shares.values())), axis=0)
    assert spread.max() <= 0.016 + 1e-9
