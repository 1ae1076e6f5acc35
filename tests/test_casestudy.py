"""The case study as told: README, ``alliancestats example`` and the numbers behind them."""

import pathlib
import re

import numpy as np
import pytest

import alliancestats as als
from alliancestats.casestudy import case_study_report, case_study_results, per_year

ROOT = pathlib.Path(__file__).resolve().parents[1]
NUMBER = re.compile(r"\d+(?:\.\d+)?")


@pytest.fixture(scope="module")
def results():
    return case_study_results()


@pytest.fixture(scope="module")
def printed(results):
    return case_study_report(results=results)


def _section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("## The case study's answer")
    return readme[start: readme.index("\n## ", start + 5)]


def test_readme_shows_what_the_example_prints(run_cli, printed):
    code, out, _ = run_cli(["example"])
    assert code == 0 and out.rstrip("\n") == printed
    section = _section()
    block = section[section.index("```text\n") + 8: section.index("\n```", section.index("```text"))]
    assert block == printed, "README's example output is stale: paste `alliancestats example`"


def test_every_number_in_the_readme_section_comes_from_the_example(printed):
    section = _section()
    prose = re.sub(r"```text\n.*?\n```", "", section, flags=re.S)
    prose = prose.replace("Chang (2021)", "")           # the study's citation
    shown = set(NUMBER.findall(printed))
    missing = sorted(set(NUMBER.findall(prose)) - shown)
    assert not missing, f"README's case-study prose has numbers the example does not print: {missing}"


def test_per_year_sums_are_the_stratified_expectations(results):
    case, years = results["case"], results["years"]
    k = als.coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                             period=case.period, null="stratified")
    s = als.coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                             period=case.period, null="stratified", statistic="pairs")
    assert years.k.sum() == k.k and years.expected_k.sum() == pytest.approx(k.expected)
    assert years.s.sum() == s.statistic and years.expected_s.sum() == pytest.approx(s.expected)
    assert years.responses.tolist() == [1, 2, 2, 6, 4, 4, 4, 2]
    assert years.triggers.tolist() == [12, 7, 4, 4, 22, 23, 47, 45]


def test_coverage_counts_explain_k_against_s(results):
    """The example's explanation of K vs S, recomputed from the match table by hand."""
    case = results["case"]
    trigger_days = np.unique(case.independent_sanctions.days)     # sanction *days*, as S counts
    at_meetings = ((case.meetings.days[:, None] - trigger_days[None, :] >= 0)
                   & (case.meetings.days[:, None] - trigger_days[None, :] <= 33)).sum(axis=1)
    assert results["counts"]["matched"] == pytest.approx(at_meetings[at_meetings > 0].mean())
    lags = case.period.day_numbers[:, None] - trigger_days[None, :]
    counts = ((lags >= 0) & (lags <= 33)).sum(axis=1)               # brute force, day by day
    assert results["counts"]["covered_day"] == pytest.approx(counts[counts > 0].mean())
    assert results["counts"]["prompted"] == pytest.approx((counts ** 2).sum() / counts.sum())
    assert results["counts"]["matched"] < results["counts"]["covered_day"] < \
        results["counts"]["prompted"]
    assert results["effects_uniform"].coupling == 0.0       # pi-hat = 0 under uniform placement
    years = results["years"]
    busiest = years.loc[years.triggers.idxmax()]
    assert busiest.year == "2019" and busiest.s < busiest.expected_s


def test_per_year_on_a_small_case():
    period = als.Period("2019-01-01", "2020-12-31")
    responses = als.EventSeries(["2019-02-10", "2020-03-01", "2020-07-01"])
    triggers = als.EventSeries(["2019-02-01", "2020-02-20", "2020-02-25", "2021-01-01"])
    t = per_year(responses, triggers, window=als.Window(0, 10), period=period)
    assert t.responses.tolist() == [1, 2] and t.triggers.tolist() == [1, 2]
    assert t.k.tolist() == [1, 1] and t.s.tolist() == [1, 2]
    assert t.coverage.tolist() == pytest.approx([11 / 365, 16 / 366])


def test_fivefold_growth_of_the_sanctions(results):
    """'grew fivefold' in the docs: 27 sanctions in 2013-2016, 137 in 2017-2020."""
    years = results["years"]
    early = years.year.astype(int) < 2017
    assert round(years.triggers[~early].sum() / years.triggers[early].sum()) == 5
    for path in ("README.md", "docs/audit.rst", "docs/tutorial.rst"):
        assert "fivefold" in (ROOT / path).read_text(encoding="utf-8"), path
