"""The second case study: its numbers, as the README and docs state them."""

import pathlib

import pytest

from alliancestats.datasets import load_us_travels, provenance
from alliancestats.travel_study import travel_study

README = (pathlib.Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def study():
    return travel_study()


def test_pooled_results_match_the_readme(study):
    labels = {"uniform": ("`uniform`", 4), "stratified": ("`stratified` (by year)", 3),
              "jitter": ("`jitter` (±365 days)", 3), "circular": ("`circular`", 4)}
    for null, (label, digits) in labels.items():
        p = study.pooled[null]
        row = f"| {label} | {p.n_dyads} | {p.k} of {p.n} | {p.expected:.1f} | {p.pvalue:.{digits}f} |"
        assert row in README, row
    assert all((res.table.pvalue_bh.dropna() > 0.05).all() for res in study.scans.values())
    assert (~study.scans["stratified"].table.testable).sum() == 35
    assert "35 by year" in README and "No single country survives" in README


def test_report_and_provenance(study):
    text = study.report()
    assert "stratified" in text and "Reverse" in text
    assert "public domain" in provenance("us_travels")
    assert "Office of the Historian" in provenance("us_travels")
    assert len(load_us_travels().unknown_countries) == 0
