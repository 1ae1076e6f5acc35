"""Published layouts load with their presets and no hand editing (sample files in tests/data)."""

import pathlib
import sys

import pandas as pd
import pytest

from alliancestats import AllianceStatsError, EventTable, PLOVER
from alliancestats.io.presets import GDELT1, GDELT2, ICEWS, POLECAT

DATA = pathlib.Path(__file__).resolve().parent / "data"


def test_icews_dataverse_export():
    table = EventTable.from_csv(DATA / "icews_sample.tab", preset=EventTable.ICEWS)
    f = table.frame
    assert len(table) == 9 and table.code_system.name == "CAMEO"
    assert f.code.astype(str).tolist()[:4] == ["042", "043", "0311", "163"]   # "0311" keeps its zero
    assert f.source.astype(str).tolist()[4:7] == ["PSE", "MKD", "CIV"]
    assert f.target.astype(str).tolist()[4] == "VAT"
    assert pd.isna(f.source[7])        # no source country (unidentified gunmen): missing, kept
    assert len(table.dyad_series("Iran", "Venezuela")) == 1      # one meeting day, two reports
    assert len(table.actor_series("United States", targets=["Iran"])) == 1
    kept = EventTable.from_csv(DATA / "icews_sample.tab", preset=ICEWS, keep=["Event ID", "Source Name"])
    assert kept.frame["Source Name"][8] == 'Rex "The Fox" Smith'   # quotes read as text
    assert kept.frame["Event ID"].tolist()[0] == 26712340


def test_icews_read_with_pandas_defaults_keeps_its_codes_or_refuses():
    raw = pd.read_csv(DATA / "icews_sample.tab", sep="\t")      # "0311" becomes 311, "010" 10
    assert raw["CAMEO Code"].tolist()[2] == 311 and raw["CAMEO Code"].tolist()[8] == 10
    table = EventTable.from_frame(raw.iloc[:8], preset=ICEWS)
    assert table.frame.code.astype(str).tolist()[2] == "0311"
    with pytest.raises(AllianceStatsError, match=r"column 'CAMEO Code'.* 10 \(row 8\): could be "
                                                 r"CAMEO '10' or '010'.*dtype=str"):
        EventTable.from_frame(raw, preset=ICEWS)


@pytest.mark.parametrize("name,preset", [("gdelt1_sample.export.CSV", GDELT1),
                                         ("gdelt2_sample.export.CSV", GDELT2)])
def test_gdelt_headerless_exports(name, preset):
    table = EventTable.from_csv(DATA / name, preset=preset)
    f = table.frame
    assert f.date.dt.strftime("%Y%m%d").tolist()[:3] == ["20150218", "20150218", "20150219"]
    assert f.source.astype(str).tolist()[:4] == ["USA", "CHN", "DEU", "EUR"]   # CAMEO, region kept
    assert f.target.astype(str).tolist()[2] == "ROU"                         # CAMEO ROM
    assert f.code.astype(str).tolist()[2] == "0311"
    assert pd.isna(f.target[4])
    assert len(table.dyad_series("IRN", "VEN")) == 1
    geo = EventTable.from_csv(DATA / name, preset=preset,
                              columns={"source": "Actor1Geo_CountryCode",
                                       "target": "ActionGeo_CountryCode"}, countries="fips")
    assert geo.frame.source.astype(str).tolist()[:3] == ["IRN", "RUS", "DEU"]   # FIPS IR, RS, GM


def test_gdelt1_backfile_without_sourceurl_and_integer_sqldate():
    table = EventTable.from_csv(DATA / "gdelt1_backfile_sample.CSV", preset=GDELT1)
    assert table.frame.date.dt.year.tolist() == [1999, 1999]
    raw = pd.read_csv(DATA / "gdelt1_sample.export.CSV", sep="\t", header=None,
                      names=GDELT1.column_names)          # SQLDATE read as integers
    assert raw.SQLDATE.dtype.kind == "i"
    from_frame = EventTable.from_frame(raw, preset=GDELT1)
    assert from_frame.frame.date.tolist() == EventTable.from_csv(
        DATA / "gdelt1_sample.export.CSV", preset=GDELT1).frame.date.tolist()
    with pytest.raises(AllianceStatsError, match=r"column 'SQLDATE': a number, not a date, in "
                                                 r"rows 0, 2, 4.*pass date_format='%Y%m%d'"):
        EventTable.from_frame(raw, columns=dict(GDELT1.columns), countries="cameo")   # no format


def test_polecat_plover_export():
    table = EventTable.from_csv(DATA / "polecat_sample.txt", preset=EventTable.POLECAT)
    assert table.code_system is PLOVER
    assert table.frame.code.astype(str).tolist() == ["CONSULT:visit", "CONSULT:phone", "SANCTION",
                                                     "CONSULT:third-party", "ACCUSE"]
    assert table.frame.source.astype(str).tolist()[4] == "IGO"
    assert len(table.dyad_series("Iran", "Venezuela")) == 1          # PLOVER.MEETINGS by default
    with pytest.raises(AllianceStatsError, match="USA-CHN has no event"):
        table.dyad_series("USA", "China")                           # a phone call is not a meeting
    with pytest.raises(AllianceStatsError, match="'040' is not a PLOVER code"):
        table.dyad_series("Iran", "Venezuela", codes=["040"])


def test_preset_columns_missing_or_file_in_another_layout(tmp_path):
    bad = tmp_path / "icews.tab"
    text = (DATA / "icews_sample.tab").read_text(encoding="utf-8").replace("CAMEO Code", "Code")
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(AllianceStatsError, match=r"preset ICEWS needs column\(s\) 'CAMEO Code'"):
        EventTable.from_csv(bad, preset=ICEWS)
    with pytest.raises(AllianceStatsError, match="preset GDELT1 expects 58 tab-separated columns "
                                                 "without a header, line 1 has 20"):
        EventTable.from_csv(DATA / "icews_sample.tab", preset=GDELT1)
    with pytest.raises(AllianceStatsError, match=r"preset POLECAT needs column\(s\) 'Event Date'"):
        EventTable.from_frame(pd.DataFrame({"x": [1]}), preset=POLECAT)
    with pytest.raises(AllianceStatsError, match="file not found"):
        EventTable.from_csv(tmp_path / "none.tab", preset=ICEWS)
    latin = tmp_path / "latin.tab"
    lines = text.replace("Code", "CAMEO Code", 1).splitlines()[:5]
    lines[1] = lines[1].replace("\tVenezuela\t", "\tCôte d'Ivoire\t")
    latin.write_bytes(("\n".join(lines) + "\n").encode("latin-1"))   # Latin-1 "ô" is not UTF-8
    with pytest.raises(AllianceStatsError, match="pass encoding='latin-1'"):
        EventTable.from_csv(latin, preset=ICEWS)
    assert len(EventTable.from_csv(latin, preset=ICEWS, encoding="latin-1")) == 4


def test_dates_that_do_not_match_the_format_name_their_rows(tmp_path):
    path = tmp_path / "g.CSV"
    lines = (DATA / "gdelt1_sample.export.CSV").read_text().splitlines()
    lines[3] = lines[3].replace("20150219", "2015-02-19", 1)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(AllianceStatsError, match=r"column 'SQLDATE': a value that does not match "
                                                 r"date_format '%Y%m%d' in line 4 "
                                                 r"\(e.g. '2015-02-19'\)"):
        EventTable.from_csv(path, preset=GDELT1)


def test_parquet_reads_like_csv(tmp_path):
    pytest.importorskip("pyarrow")
    csv_table = EventTable.from_csv(DATA / "icews_sample.tab", preset=ICEWS)
    raw = pd.read_csv(DATA / "icews_sample.tab", sep="\t", dtype=str, keep_default_na=False)
    raw.to_parquet(tmp_path / "icews.parquet")
    parquet = EventTable.read(tmp_path / "icews.parquet", preset=ICEWS)
    pd.testing.assert_frame_equal(parquet.frame, csv_table.frame)


def test_parquet_without_pyarrow_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(AllianceStatsError, match=r"pip install 'alliancestats\[parquet\]'"):
        EventTable.from_parquet(tmp_path / "x.parquet", preset=ICEWS)


@pytest.mark.parametrize("name,preset", [
    ("icews_sample.tab", ICEWS), ("gdelt1_sample.export.CSV", GDELT1),
    ("gdelt2_sample.export.CSV", GDELT2), ("gdelt1_backfile_sample.CSV", GDELT1),
    ("polecat_sample.txt", POLECAT)])
def test_arrow_and_pandas_readers_give_the_same_table(name, preset):
    pytest.importorskip("pyarrow")
    arrow = EventTable.from_csv(DATA / name, preset=preset, engine="pyarrow")
    pandas = EventTable.from_csv(DATA / name, preset=preset, engine="pandas")
    pd.testing.assert_frame_equal(arrow.frame, pandas.frame)


def test_a_preset_passed_as_columns_says_how_to_pass_it():
    with pytest.raises(AllianceStatsError, match="pass it as preset=EventTable.ICEWS"):
        EventTable.from_csv(DATA / "icews_sample.tab", columns=EventTable.ICEWS)
