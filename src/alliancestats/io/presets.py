"""Layouts of published event data files, so ``EventTable.from_csv(path, preset=...)`` works.

Each preset says which columns hold the date, the two countries and the event code,
how the file is separated and whether it has a header, the date format, the event
code system and the country scheme. ``docs/presets.rst`` describes each source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from ..errors import AllianceStatsError
from .codes import CODE_SYSTEMS
from .countries import _check_scheme

#: what a preset's ``columns`` must name (``mode`` only for PLOVER's event modes)
KEYS = ("date", "source", "target", "code")

__all__ = ["Preset", "ICEWS", "GDELT1", "GDELT2", "POLECAT", "US_TRAVELS", "PRESETS"]

_GDELT_ACTOR = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
                "Religion2Code", "Type1Code", "Type2Code", "Type3Code")


def _gdelt_geo(prefix: str, adm2: bool) -> tuple[str, ...]:
    parts = ["Type", "FullName", "CountryCode", "ADM1Code"] + (["ADM2Code"] if adm2 else [])
    return tuple(f"{prefix}_{p}" for p in parts + ["Lat", "Long", "FeatureID"])


def _gdelt_columns(adm2: bool) -> tuple[str, ...]:
    return (("GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate")
            + tuple(f"Actor1{p}" for p in _GDELT_ACTOR) + tuple(f"Actor2{p}" for p in _GDELT_ACTOR)
            + ("IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
               "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone")
            + _gdelt_geo("Actor1Geo", adm2) + _gdelt_geo("Actor2Geo", adm2)
            + _gdelt_geo("ActionGeo", adm2) + ("DATEADDED", "SOURCEURL"))


def _text_mapping(value: Any, name: str) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) and v for k, v in value.items()):
        raise AllianceStatsError(f"`{name}` must map names to non-empty text, got {value!r}")
    return dict(value)


@dataclass(frozen=True)
class Preset:
    """The layout of one published event data format.

    Attributes
    ----------
    name : str
        Short name (``"ICEWS"``), used in error messages.
    columns : mapping
        ``date``, ``source``, ``target``, ``code`` (and ``mode`` for PLOVER) to the
        file's column names.
    sep : str
        Field separator.
    header : bool
        Whether the first line holds the column names.
    column_names : tuple of str or None
        For files without a header, every column in order (a file may lack trailing
        ones: GDELT 1.0 files before 2013-04-01 have no ``SOURCEURL``).
    date_format : str
        ``strftime`` format of the date column.
    code_system : {"cameo", "plover", "labels"}
    countries : str
        Country scheme of both country columns (see :mod:`alliancestats.io.countries`).
    quoted : bool
        Whether fields may be quoted; tab-separated exports are read with no quoting.
    fixed : mapping
        Columns the file does not have, with one value for every row.
    source : str
        Where the format is published.
    """

    name: str
    columns: Mapping[str, str]
    sep: str
    header: bool
    date_format: str
    code_system: str
    countries: str
    column_names: tuple[str, ...] | None = None
    quoted: bool = False
    fixed: Mapping[str, str] = field(default_factory=dict)
    source: str = ""

    def __post_init__(self) -> None:
        for name in ("name", "sep", "date_format", "source"):
            value = getattr(self, name)
            if not isinstance(value, str) or (name != "source" and not value):
                raise AllianceStatsError(f"`{name}` must be {'' if name == 'source' else 'non-empty '}"
                                         f"text, got {value!r}")
        for name in ("header", "quoted"):
            if not isinstance(getattr(self, name), bool):
                raise AllianceStatsError(f"`{name}` must be True or False, got "
                                         f"{getattr(self, name)!r}")
        if not (isinstance(self.code_system, str) and self.code_system in CODE_SYSTEMS):
            raise AllianceStatsError(f"`code_system` must be one of "
                                     f"{', '.join(map(repr, CODE_SYSTEMS))}, got {self.code_system!r}")
        _check_scheme(self.countries, "countries")
        fixed = _text_mapping(self.fixed, "fixed")
        columns = _text_mapping(self.columns, "columns")
        unknown = sorted(set(columns) - set(KEYS) - {"mode"})
        missing = [k for k in KEYS if k not in columns and k not in fixed]
        if unknown or missing:
            raise AllianceStatsError(f"`columns` must map {', '.join(KEYS)} (and 'mode' for PLOVER) "
                                     f"to column names; unknown {unknown}, missing {missing}")
        if self.column_names is not None:
            if not (isinstance(self.column_names, tuple)
                    and all(isinstance(c, str) for c in self.column_names)):
                raise AllianceStatsError("`column_names` must be a tuple of column names or None")
            absent = [c for c in columns.values() if c not in self.column_names]
            if absent:
                raise AllianceStatsError(f"`columns` names {absent} that `column_names` lacks")
        elif not self.header:
            raise AllianceStatsError("a file without a header (header=False) needs `column_names`")
        object.__setattr__(self, "columns", MappingProxyType(columns))
        object.__setattr__(self, "fixed", MappingProxyType(fixed))

    def __repr__(self) -> str:
        return f"Preset({self.name!r})"


ICEWS = Preset(
    name="ICEWS",
    columns={"date": "Event Date", "source": "Source Country", "target": "Target Country",
             "code": "CAMEO Code"},
    sep="\t", header=True, date_format="%Y-%m-%d", code_system="cameo", countries="name",
    source="ICEWS Coded Event Data, Harvard Dataverse doi:10.7910/DVN/28075: tab-separated "
           "files with a header of 20 columns (Event ID, Event Date, Source Name, Source "
           "Sectors, Source Country, Event Text, CAMEO Code, Intensity, Target Name, Target "
           "Sectors, Target Country, Story ID, Sentence Number, Publisher, City, District, "
           "Province, Country, Latitude, Longitude)")

def _gdelt(name: str, adm2: bool, source: str) -> Preset:
    return Preset(name=name, columns={"date": "SQLDATE", "source": "Actor1CountryCode",
                                      "target": "Actor2CountryCode", "code": "EventCode"},
                  sep="\t", header=False, column_names=_gdelt_columns(adm2=adm2),
                  date_format="%Y%m%d", code_system="cameo", countries="cameo", source=source)


GDELT1 = _gdelt("GDELT1", False,
                "GDELT 1.0 event export (daily YYYYMMDD.export.CSV files): tab-separated, no "
                "header, 58 columns (57 in the files before 2013-04-01, which lack SOURCEURL)")
GDELT2 = _gdelt("GDELT2", True,
                "GDELT 2.0 event export (15-minute YYYYMMDDHHMMSS.export.CSV files): "
                "tab-separated, no header, 61 columns (adds the three Geo ADM2Code columns)")

POLECAT = Preset(
    name="POLECAT",
    columns={"date": "Event Date", "source": "Actor Country", "target": "Recipient Country",
             "code": "Event Type", "mode": "Event Mode"},
    sep="\t", header=True, date_format="%Y-%m-%d", code_system="plover", countries="iso3",
    source="POLECAT weekly files (ngecEvents...txt), Harvard Dataverse: tab-separated with a "
           "header of 40 columns; PLOVER event types and modes, ISO 3166 alpha-3 countries")

US_TRAVELS = Preset(
    name="US_TRAVELS",
    columns={"date": "start_date", "source": "source", "target": "country", "code": "role"},
    sep=",", header=True, date_format="%Y-%m-%d", code_system="labels", countries="name",
    quoted=True, fixed={"source": "United States"},
    source="Office of the Historian, U.S. Department of State: foreign trips of the President "
           "and the Secretary of State (shipped with alliancestats; one row per trip leg)")

PRESETS = {p.name.lower(): p for p in (ICEWS, GDELT1, GDELT2, POLECAT, US_TRAVELS)}
