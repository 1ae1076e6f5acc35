"""Country schemes: every scheme reads its own codes, ambiguous input is refused."""

import csv
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from alliancestats import AllianceStatsError, EventTable, to_alpha3
from alliancestats.io.countries import NON_STATE, SCHEMES, normalise_country_column


def _column(values, scheme=None, unknown="raise"):
    return normalise_country_column(pd.Series(values, dtype=object), scheme=scheme, unknown=unknown,
                                    argument="frame", column="country",
                                    row_label=lambda pos: f"line {pos + 2}")


def _table(name):
    with resources.files("alliancestats.io").joinpath("tables", name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_two_letter_codes_by_scheme():
    # FIPS 10-4 (GDELT geography) and ISO alpha-2 disagree on these codes
    assert [to_alpha3(c, "fips") for c in ("CH", "RS", "GM", "AU", "AS", "SF", "UK", "UP")] == \
        ["CHN", "RUS", "DEU", "AUT", "AUS", "ZAF", "GBR", "UKR"]
    assert [to_alpha3(c, "iso2") for c in ("CH", "RS", "GM", "AU", "NA")] == \
        ["CHE", "SRB", "GMB", "AUS", "NAM"]
    with pytest.raises(AllianceStatsError, match=r"'CH' is ambiguous: Switzerland \(CHE\) in ISO 3166 alpha-2, China \(CHN\) in FIPS"):
        to_alpha3("CH")


def test_three_letter_codes_and_numbers_by_scheme():
    assert [to_alpha3(c, "cow") for c in ("AUS", "AUL", "GMY", "GFR", "GDR", "CZE", "ROK", 2, "365", 255.0)] \
        == ["AUT", "AUS", "DEU", "DEU", "DDR", "CSK", "KOR", "USA", "RUS", "DEU"]
    assert to_alpha3("AUS", "iso3") == "AUS" and to_alpha3("CZE", "iso3") == "CZE"
    assert [to_alpha3(c, "cameo") for c in ("ROM", "EUR", "WST", "AFR", "IGO", "USA")] == \
        ["ROU", "EUR", "WST", "AFR", "IGO", "USA"]
    assert [to_alpha3(c, "iso-numeric") for c in (840, "004", 4.0, 810)] == ["USA", "AFG", "AFG", "SUN"]
    assert to_alpha3("BAV", "cow") is None   # Bavaria: a COW state with no ISO 3166 code
    for code in ("AUS", "CZE", "SAF", "MAC"):
        with pytest.raises(AllianceStatsError, match="ambiguous"):
            to_alpha3(code)
    assert to_alpha3("ROM") == "ROU" and to_alpha3("IRN") == "IRN"   # every scheme agrees
    with pytest.raises(AllianceStatsError, match="`scheme` must be one of"):
        to_alpha3("IRN", "iso")


def test_non_state_codes_collide_with_no_state_code():
    iso = set(pd.read_csv(resources.files("alliancestats.datasets") / "iso3166_countries.csv",
                          keep_default_na=False).alpha_3)
    historical = {r["code"] for r in _table("historical_codes.csv")}
    assert NON_STATE and not set(NON_STATE) & (iso | historical | {"XKX"})
    assert {"EUR", "AFR", "WST", "IGO"} <= set(NON_STATE)


def test_every_table_maps_into_known_codes():
    iso = set(pd.read_csv(resources.files("alliancestats.datasets") / "iso3166_countries.csv",
                          keep_default_na=False).alpha_3)
    allowed = iso | {r["alpha_3"] for r in _table("historical_codes.csv")} | {"XKX"} | set(NON_STATE)
    for name, field in [("country_names.csv", "alpha_3"), ("fips10_4.csv", "alpha_3"),
                        ("cow_states.csv", "alpha_3"), ("cameo_countries.csv", "alpha_3")]:
        codes = {r[field] for r in _table(name) if r[field]}
        assert codes <= allowed, (name, codes - allowed)


ALIASES = {
    # ICEWS
    "the former Yugoslav Republic of Macedonia": "MKD", "Palestinian Territory, Occupied": "PSE",
    "Holy See (Vatican City State)": "VAT", "Russian Federation": "RUS",
    "Korea, Democratic People's Republic of": "PRK", "Occupied Palestinian Territory": "PSE",
    # State Department
    "Korea, South": "KOR", "China, People's Republic of": "CHN", "Bosnia-Herzegovina": "BIH",
    "Timor Leste": "TLS", "St. Lucia": "LCA", "Burma (Myanmar)": "MMR", "Kyrgyz Republic": "KGZ",
    # historical states (ISO 3166-3 where they no longer exist)
    "USSR": "SUN", "U.S.S.R.": "SUN", "Soviet Union": "SUN", "Yugoslavia": "YUG",
    "Czechoslovakia": "CSK", "German Democratic Republic": "DDR", "East Germany": "DDR",
    "Serbia and Montenegro": "SCG", "Zaire": "COD", "Ceylon": "LKA",
    # World Bank
    "Iran, Islamic Rep.": "IRN", "Venezuela, RB": "VEN", "Congo, Dem. Rep.": "COD",
    "Congo, Rep.": "COG", "Egypt, Arab Rep.": "EGY", "Korea, Rep.": "KOR", "Yemen, Rep.": "YEM",
    "Gambia, The": "GMB", "Lao PDR": "LAO", "Micronesia, Fed. Sts.": "FSM", "Turkiye": "TUR",
    # UN
    "Bolivia (Plurinational State of)": "BOL", "Iran (Islamic Republic of)": "IRN",
    "United Republic of Tanzania": "TZA", "State of Palestine": "PSE", "Türkiye": "TUR",
    "Netherlands (Kingdom of the)": "NLD", "Democratic People's Republic of Korea": "PRK",
    # typographic apostrophes and accents
    "Côte d’Ivoire": "CIV", "Côte d'Ivoire": "CIV", "Cote d’Ivoire": "CIV", "Curaçao": "CUW",
    "Réunion": "REU", "China, People’s Republic of": "CHN",
}


@pytest.mark.parametrize("name,code", sorted(ALIASES.items()))
def test_alias_forms(name, code):
    assert to_alpha3(name, "name") == code and to_alpha3(name) == code


def test_every_country_string_of_the_travels_data_maps():
    path = resources.files("alliancestats.datasets") / "us_travels.csv"
    countries = pd.read_csv(path, usecols=["country"]).country.unique()
    assert len(countries) == 197
    unmapped = [c for c in countries if to_alpha3(c, "name") is None]
    assert unmapped == []
    # spot checks of forms that need a decision, documented in the data README
    checks = {"Denmark (Greenland)": "DNK", "Yugoslavia (Kosovo)": "YUG",
              "Serbia-Montenegro (Kosovo)": "SCG", "Republic of China": "TWN", "West Bank": "PSE",
              "Palestinian Authority": "PSE", "Germany, Federal Republic of": "DEU",
              "Netherlands Antilles": "ANT", "Southern Rhodesia (Zimbabwe)": "ZWE",
              "Democratic Republic of the Congo (Zaire)": "COD", "Kirghizia": "KGZ",
              "Byelorussia": "BLR", "Western Samoa": "WSM", "Vatican City": "VAT"}
    assert {c: to_alpha3(c, "name") for c in checks} == checks


def test_column_without_scheme_refuses_ambiguous_mixed_and_numeric_values():
    with pytest.raises(AllianceStatsError, match=r"'CH' is Switzerland \(CHE\).*China \(CHN\) in FIPS.*countries="):
        _column(["US", "CH", "IR"])
    with pytest.raises(AllianceStatsError, match=r"'AUS' is .*Austria \(AUT\) in Correlates of War"):
        _column(["USA", "AUS"])
    with pytest.raises(AllianceStatsError, match="mixes codes of two schemes"):
        _column(["GMY", "DEU", "USA"])   # GMY only COW, DEU not COW
    with pytest.raises(AllianceStatsError, match=r"numeric country codes 2 \(line 2\)"):
        _column([2, 365])
    out = _column(["Iran", "VEN", "US", None, "Côte d’Ivoire"])   # names and unambiguous codes
    assert list(out.codes) == ["IRN", "VEN", "USA", "CIV"] and list(out.positions) == [0, 1, 2, -1, 3]


def test_unknown_values_raise_with_rows_or_are_kept_missing_and_counted():
    values = ["Iran", "Atlantis", "Oz", "Atlantis", "Venezuela"]
    with pytest.raises(AllianceStatsError, match=r"2 unknown country value\(s\) in 3 row\(s\): "
                                                 r"'Atlantis' \(lines 3, 5\); 'Oz'"):
        _column(values, scheme="name")
    out = _column(values, scheme="name", unknown="missing")
    assert out.unknown.set_index("value").rows.to_dict() == {"Atlantis": 2, "Oz": 1}
    fips = _column(["PF", "IR"], scheme="fips", unknown="missing")   # Paracel Islands: no ISO code
    assert fips.unknown.reason.iloc[0] == "known to FIPS 10-4 but has no ISO 3166 code"


def test_event_table_countries_argument():
    frame = pd.DataFrame({"date": ["2019-01-01"] * 3, "source": ["CH", "GM", "RS"],
                          "target": ["US", "US", "US"], "code": ["042"] * 3})
    with pytest.raises(AllianceStatsError, match="could be read two ways"):
        EventTable.from_frame(frame)
    fips = EventTable.from_frame(frame, countries="fips")
    iso = EventTable.from_frame(frame, countries="iso2")
    assert fips.frame.source.tolist() == ["CHN", "DEU", "RUS"]
    assert iso.frame.source.tolist() == ["CHE", "GMB", "SRB"]
    mixed = EventTable.from_frame(frame.assign(target=["Iran"] * 3),
                                  countries={"source": "fips", "target": "name"})
    assert mixed.frame.target.tolist() == ["IRN"] * 3
    kept = EventTable.from_frame(frame.assign(target=["Atlantis", "Iran", "Iran"]),
                                 countries={"source": "fips", "target": "name"}, unknown="missing")
    assert kept.frame.target.isna().tolist() == [True, False, False]
    assert kept.unknown_countries.to_dict("records") == [
        {"column": "target", "value": "Atlantis", "rows": 1, "reason": "not in country names"}]
    assert "1 rows with unknown countries" in repr(kept)
    with pytest.raises(AllianceStatsError, match="`countries` must be one of"):
        EventTable.from_frame(frame, countries="fips10")
    with pytest.raises(AllianceStatsError, match="`unknown` must be"):
        EventTable.from_frame(frame, countries="fips", unknown="drop")


def test_schemes_listed():
    assert SCHEMES == ("name", "iso3", "iso2", "fips", "cameo", "cow", "iso-numeric")
    assert np.all([isinstance(s, str) for s in SCHEMES])
