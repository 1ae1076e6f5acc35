"""result.report(): a methods paragraph whose numbers are those of the analysis."""

import numpy as np
import pytest
from scipy import stats

import alliancestats as als
from alliancestats._output import interval_text
from alliancestats.matching import coverage_mask


@pytest.fixture(scope="module")
def case():
    return als.datasets.load_iran_venezuela()


def _p(p):
    return f"p = {p:.3g}" if p >= 0.001 else f"p = {p:.2e}"


def test_report_of_the_exact_case_study(case):
    res = als.coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                               period=case.period)
    text = res.report()
    days = case.period.n_days
    covered = int(coverage_mask(case.independent_sanctions.days, case.window, case.period).sum())
    n = len(case.meetings)
    expected = n * covered / days                       # uniform null: E[K] = n C / T
    pvalue = stats.binom.sf(res.k - 1, n, covered / days)
    effects = res.effect_sizes()
    for piece in [
        f"{case.meetings.name} (n = {n})",
        f"within {case.window.lo} to {case.window.hi} days after {case.independent_sanctions.name}",
        f"({len(case.independent_sanctions)} events)",
        f"{case.period.start.date()} to {case.period.end.date()} (T = {days} days",
        f"(C = {covered})", f"{covered / days:.1%}",
        "Under the uniform null (" + res.null_description.split(": ", 1)[1] + ")",
        f"E[K] = {expected:.2f}", f"K = {res.k} of {n}", f"K / E[K] = {res.k / expected:.2f}",
        _p(pvalue), "one-sided", "exact null distribution",
        f"K - E[K] = {effects.excess:.2f} (95% CI {interval_text(*effects.excess_ci, digits=2)})",
        f"{effects.coupling:.2f} (95% CI {interval_text(*effects.coupling_ci, digits=2)})",
        f"alliancestats {als.__version__}",
    ]:
        assert piece in text, piece
    assert "nan" not in text and "None" not in text and "\n" not in text


def test_report_of_a_monte_carlo_test_gives_the_standard_error(case):
    res = als.coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                               period=case.period, null="jitter", days=10,
                               method="monte-carlo", n_resamples=999, rng=2)
    text = res.report()
    se = np.sqrt(res.pvalue * (1 - res.pvalue) / 999)
    assert "B = 999 resamples" in text and f"standard error {se:.2g}" in text
    assert _p(res.pvalue) in text and "jitter null with days=10 (" in text


def test_report_leaves_out_effect_sizes_where_they_do_not_apply(case):
    res = als.coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                               period=case.period, null="poisson")
    text = res.report()
    assert "Effect sizes are not reported" in text and "CI" not in text
    assert f"E[K] = {res.expected:.2f}" in text
