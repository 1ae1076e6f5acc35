from alliancestats import coincidence_test, match_table
from alliancestats.datasets import CAVEAT, load_iran_venezuela, provenance


def test_case_study_data_and_study_count():
    case = load_iran_venezuela()
    assert len(case.meetings) == 25 and len(case.sanctions) == 196
    assert len(case.cited_sanctions) == 20 and len(case.independent_sanctions) == 164
    table = match_table(case.meetings, case.cited_sanctions, window=case.window)
    assert table.matched.sum() == 16  # the study's 16 of 25
    # the study's topic split among the 16: 6 bilateral ties, 5 economic, 5 anti-US
    assert table[table.matched].topic.value_counts().to_dict() == {
        "bilateral_ties": 6, "economic": 5, "anti_us": 5}


def test_independent_list_result():
    case = load_iran_venezuela()
    res = coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                           period=case.period)
    assert (res.k, res.covered_days) == (21, 2044)
    assert 0.05 < res.pvalue < 0.1


def test_provenance_and_caveat():
    assert "reconstructions" in provenance() and "reconstruction" in CAVEAT
