"""Event codes by code system: CAMEO zeros, hierarchy, PLOVER, cross-system errors."""

import numpy as np
import pandas as pd
import pytest

from alliancestats import CAMEO, PLOVER, AllianceStatsError, EventTable


def _frame(codes, **extra):
    n = len(codes)
    return pd.DataFrame({"date": pd.date_range("2019-01-01", periods=n).astype(str),
                         "source": ["IRN"] * n, "target": ["VEN"] * n, "code": codes, **extra})


def test_cameo_codes_are_one_code_however_written():
    table = EventTable.from_frame(_frame(["43", 43, 43.0, "043", "0311", 311, "1621"]))
    assert table.frame.code.astype(str).tolist() == ["043", "043", "043", "043", "0311", "0311", "1621"]


def test_float_column_with_missing_values_is_read_not_emptied():
    # a CSV column with one blank becomes float: 42.0, 43.0, NaN
    frame = _frame([42.0, 43.0, np.nan, 40.0, 46.0])
    table = EventTable.from_frame(frame)
    assert table.frame.code.astype(object).where(table.frame.code.notna(), None).tolist() == \
        ["042", "043", None, "040", "046"]
    assert len(table.dyad_series("IRN", "VEN", distinct_days=False)) == 4   # not 0
    assert frame.code.tolist()[:2] == [42.0, 43.0]   # input untouched


def test_numbers_that_could_have_lost_a_zero_are_rejected_with_rows():
    with pytest.raises(AllianceStatsError, match=r"10 \(row 1\): could be CAMEO '10' or '010'"):
        EventTable.from_frame(_frame([43, 10]))
    # text that lost its zeros elsewhere in the column: '16' may be '016'
    with pytest.raises(AllianceStatsError, match=r"'16' \(row 1\): could be CAMEO '16' or '016'.*lost "
                                                 r"their leading zero"):
        EventTable.from_frame(_frame(["43", "16"]))
    table = EventTable.from_frame(_frame(["043", "16"]))   # zeros intact: '16' is the root
    assert table.frame.code.astype(str).tolist() == ["043", "16"]


def test_codes_that_fit_no_code_system():
    with pytest.raises(AllianceStatsError, match=r"'999' \(row 1\): not a CAMEO code"):
        EventTable.from_frame(_frame(["042", "999"]))
    with pytest.raises(AllianceStatsError, match="'CONSULT' is a PLOVER event type; read the table "
                                                 "with code_system='plover'"):
        EventTable.from_frame(_frame(["CONSULT"]))
    with pytest.raises(AllianceStatsError, match="'042' looks like a CAMEO code"):
        EventTable.from_frame(_frame(["042"]), code_system="plover")
    with pytest.raises(AllianceStatsError, match="`code_system` must be one of"):
        EventTable.from_frame(_frame(["042"]), code_system="weis")


def test_query_codes_match_the_code_and_every_code_beneath_it():
    codes = ["160", "161", "1621", "163", "166", "1663", "170", "016", "040", "042", "043"]
    table = EventTable.from_frame(_frame(codes))
    pick = lambda q: [c for c, m in zip(codes, table.code_mask(q)) if m]  # noqa: E731
    assert pick("16") == ["160", "161", "1621", "163", "166", "1663"]
    assert pick(["162", 43]) == ["1621", "043"]          # numbers zero-padded
    assert pick([40, 42]) == ["040", "042"] and pick("04") == ["040", "042", "043"]
    assert pick(CAMEO.SANCTIONS) == ["163"]
    with pytest.raises(AllianceStatsError, match=r"`codes`: 16 could be CAMEO '16' or '016'"):
        table.code_mask([16])
    with pytest.raises(AllianceStatsError, match="`codes`: '999' is not a CAMEO code"):
        table.code_mask(["999"])
    with pytest.raises(AllianceStatsError, match="`codes` is empty"):
        table.code_mask([])


def test_brute_force_hierarchy_against_the_codebook():
    every = sorted(CAMEO.labels)
    table = EventTable.from_frame(_frame(every))
    for root in ("01", "04", "16", "20", "043", "175"):
        expected = [c for c in every if c[: len(root)] == root]
        assert [c for c, m in zip(every, table.code_mask(root)) if m] == expected


def test_plover_codes_modes_and_code_sets():
    frame = _frame(["CONSULT", "consult", "CONSULT", "SANCTION", "ACCUSE"],
                   mode=["visit", "PHONE", None, None, ""])
    table = EventTable.from_frame(frame, columns={"mode": "mode"}, code_system="plover")
    assert table.frame.code.astype(str).tolist() == ["CONSULT:visit", "CONSULT:phone", "CONSULT",
                                                     "SANCTION", "ACCUSE"]
    assert table.code_mask(PLOVER.MEETINGS).tolist() == [True, False, True, False, False]
    assert table.code_mask("CONSULT").tolist() == [True, True, True, False, False]
    assert table.code_mask(PLOVER.SANCTIONS).tolist() == [False, False, False, True, False]
    with pytest.raises(AllianceStatsError, match="CAMEO code set but this table is coded in PLOVER; "
                                                 "use PLOVER.MEETINGS"):
        table.code_mask(CAMEO.MEETINGS)
    with pytest.raises(AllianceStatsError, match="'042' is not a PLOVER code"):
        table.dyad_series("IRN", "VEN", codes=["042"])
    cameo = EventTable.from_frame(_frame(["042"]))
    with pytest.raises(AllianceStatsError, match="PLOVER code set but this table is coded in CAMEO"):
        cameo.code_mask(PLOVER.MEETINGS)
    with pytest.raises(AllianceStatsError, match="'CONSULT' is not a CAMEO code"):
        cameo.code_mask("CONSULT")


def test_label_codes_are_matched_exactly_and_must_exist():
    table = EventTable.from_frame(_frame(["president", "secretary"]), code_system="labels")
    assert table.code_mask("president").tolist() == [True, False]
    with pytest.raises(AllianceStatsError, match="no event has code 'presidnet'"):
        table.code_mask("presidnet")
    with pytest.raises(AllianceStatsError, match="labels codes have no default meetings set; give codes="):
        table.dyad_series("IRN", "VEN")
