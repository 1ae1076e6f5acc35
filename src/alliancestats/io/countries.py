"""Country names and codes, read in a named scheme, to ISO 3166 alpha-3.

Every country column of an event table is read in one *scheme*:

======================  ==============================================================
``"name"``              country names: ISO 3166 short and official names and the forms
                        used by ICEWS, GDELT, the State Department, the World Bank and the
                        UN, and historical states (``tables/country_names.csv``)
``"iso3"``              ISO 3166-1 alpha-3, former ISO 3166-3 codes (``SUN``, ``YUG``,
                        ``CSK``, ``DDR``, ...) and PLOVER's non-state codes (``IGO``, ...)
``"iso2"``              ISO 3166-1 alpha-2
``"fips"``              FIPS 10-4 (GDELT 1.0 geography columns; ``CH`` is China)
``"cameo"``             CAMEO actor country codes (GDELT ``Actor1CountryCode``): alpha-3
                        plus ``ROM`` and CAMEO's region and bloc codes (``EUR``, ``WST``)
``"cow"``               Correlates of War state abbreviations (``AUS`` is Austria) or
                        numbers (``2`` is the United States)
``"iso-numeric"``       ISO 3166-1 numeric (``840``)
======================  ==============================================================

Everything becomes an ISO 3166-1 alpha-3 code, a former ISO 3166-3 code for a state
that no longer exists (``SUN`` for the USSR; a state that was only renamed, such as
Zaire, gets its current code), ``XKX`` for Kosovo, or an explicit non-state code
(:data:`NON_STATE`: CAMEO regions and blocs such as ``EUR``, organisations such as
``IGO``). Without a scheme, each value is read in every scheme it fits; a value that
two schemes read differently (``CH``: Switzerland in ISO, China in FIPS; ``AUS``:
Australia in ISO, Austria in COW), a number, or a column whose codes come from two
schemes is an error that says which scheme to pass.
"""

from __future__ import annotations

import csv
import functools
import numbers
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import Any, Callable

import numpy as np
import pandas as pd

from ..errors import AllianceStatsError
from ._text import distinct_values, first_rows, read_table, show

__all__ = ["SCHEMES", "NON_STATE", "to_alpha3", "normalise_country_column", "CountryColumn"]

SCHEMES = ("name", "iso3", "iso2", "fips", "cameo", "cow", "iso-numeric")
SCHEME_LABELS = {"name": "country names", "iso3": "ISO 3166 alpha-3", "iso2": "ISO 3166 alpha-2",
                 "fips": "FIPS 10-4", "cameo": "CAMEO", "cow": "Correlates of War",
                 "iso-numeric": "ISO 3166 numeric"}
UNKNOWN_RULES = ("raise", "missing")
_NO_ISO = "__no_iso__"  # a code the scheme knows, for an entity with no ISO 3166 code

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'",
                         "\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-"})


def _key(name: str) -> str:
    """Normalised form of a name: typographic quotes and dashes made plain *before*
    accents are stripped, case, dots, hyphens, 'the' and 'St.' folded."""
    text = name.translate(_QUOTES)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().replace("&", " and ").replace(".", "").replace("-", " ")
    text = " ".join(text.split())
    text = re.sub(r"^the ", "", re.sub(r", the$", "", text))
    return re.sub(r"^st ", "saint ", text)


@dataclass(frozen=True)
class _Tables:
    lookups: dict[str, dict[str, str]]   # scheme -> normalised value -> code or _NO_ISO
    non_state: dict[str, str]            # code -> description
    labels: dict[str, str]               # code -> a name, for messages


@functools.lru_cache(maxsize=1)
def _tables() -> _Tables:
    iso = resources.files("alliancestats.datasets").joinpath("iso3166_countries.csv")
    with iso.open(encoding="utf-8") as handle:
        iso_rows = list(csv.DictReader(handle))
    historical = read_table("historical_codes.csv")
    cameo = read_table("cameo_countries.csv")
    non_state = {r["code"]: f"{r['name']} ({r['kind']})" for r in cameo if not r["alpha_3"]}
    organisations = {c for c, d in non_state.items() if d.endswith("(organisation)")}
    iso3 = {r["alpha_3"]: r["alpha_3"] for r in iso_rows} | {"XKX": "XKX"}
    iso3 |= {r["code"]: r["alpha_3"] for r in historical} | {c: c for c in organisations}
    names: dict[str, str] = {}
    for r in iso_rows:
        for field in ("name", "common_name", "official_name"):
            if r[field]:
                names[_key(r[field])] = r["alpha_3"]
    names |= {_key(r["name"]): r["alpha_3"] for r in historical if r["kind"] == "dissolved"}
    names |= {_key(r["name"]): r["alpha_3"] for r in read_table("country_names.csv")}
    numeric = {str(int(r["numeric"])): r["alpha_3"] for r in iso_rows if r["numeric"]}
    numeric |= {str(int(r["numeric"])): r["alpha_3"] for r in historical if r["numeric"]}
    cow_rows = read_table("cow_states.csv")
    cow = {r["cow_abbr"]: r["alpha_3"] or _NO_ISO for r in cow_rows}
    cow |= {str(int(r["cow_number"])): r["alpha_3"] or _NO_ISO for r in cow_rows}
    lookups = {
        "name": names,
        "iso3": iso3,
        "iso2": {r["alpha_2"]: r["alpha_3"] for r in iso_rows} | {"XK": "XKX"},
        "fips": {r["fips"]: r["alpha_3"] or _NO_ISO for r in read_table("fips10_4.csv")},
        "cameo": iso3 | {r["code"]: r["alpha_3"] or r["code"] for r in cameo},
        "cow": cow,
        "iso-numeric": numeric,
    }
    labels = {r["alpha_3"]: r["common_name"] or r["name"] for r in iso_rows}
    labels |= {r["alpha_3"]: r["name"] for r in historical if r["kind"] == "dissolved"}
    labels |= non_state | {"XKX": "Kosovo"}
    return _Tables(lookups=lookups, non_state=non_state, labels=labels)


def non_state_codes() -> dict[str, str]:
    """Non-state codes kept as such (CAMEO regions and blocs, organisations): code -> meaning."""
    return dict(_tables().non_state)


NON_STATE = non_state_codes()


def _as_number_text(value: Any) -> str | None:
    """``840``, ``840.0`` and ``"840"`` -> ``"840"``; None for anything else."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        return str(int(number)) if number.is_integer() else None
    if isinstance(value, str) and value.strip().isdigit():
        return str(int(value.strip()))
    return None


def _read(value: Any, scheme: str) -> str | None:
    """The reading of one value in one scheme (a code, _NO_ISO, or None)."""
    lookup = _tables().lookups[scheme]
    if scheme in ("cow", "iso-numeric"):
        number = _as_number_text(value)
        if number is not None:
            return lookup.get(number)
        return lookup.get(value.strip().upper()) if isinstance(value, str) else None
    if not isinstance(value, str):
        return None
    if scheme == "name":
        return lookup.get(_key(value))
    return lookup.get(value.strip().upper())


def _shape(value: Any) -> str:
    """'number', 'code2', 'code3' or 'name' (what schemes a value could belong to)."""
    if _as_number_text(value) is not None:
        return "number"
    text = value.strip() if isinstance(value, str) else ""
    if re.fullmatch(r"[A-Za-z]{2}", text):
        return "code2"
    if re.fullmatch(r"[A-Za-z]{3}", text):
        return "code3"
    return "name"


SHAPE_SCHEMES = {"code2": ("iso2", "fips"), "code3": ("iso3", "cameo", "cow")}


@dataclass(frozen=True)
class _Reading:
    code: str | None          # the code, or None (unknown)
    schemes: tuple[str, ...]  # the code schemes that know the value
    readings: dict[str, str]  # scheme -> code, when schemes disagree
    reason: str | None = None


def _read_any(value: Any) -> _Reading:
    """Read a value in every scheme it fits (no scheme given)."""
    shape = _shape(value)
    if shape == "number":
        return _Reading(None, (), {}, reason="a number: COW number or ISO numeric? pass "
                                             "countries='cow' or 'iso-numeric'")
    readings: dict[str, str] = {}
    name_code = _read(value, "name")
    if name_code is not None:
        readings["name"] = name_code
    for scheme in SHAPE_SCHEMES.get(shape, ()):
        code = _read(value, scheme)
        if code is not None:
            readings[scheme] = code
    schemes = tuple(s for s in readings if s != "name")
    distinct = set(readings.values())
    if len(distinct) > 1:
        return _Reading(None, schemes, readings)
    code = distinct.pop() if distinct else None
    if code == _NO_ISO:
        return _Reading(None, schemes, {}, reason=f"known to {SCHEME_LABELS[schemes[0]]} but has "
                                                    "no ISO 3166 code")
    return _Reading(code, schemes, {})


def _describe(code: str) -> str:
    label = _tables().labels.get(code)
    return f"{label} ({code})" if label else code


def to_alpha3(name: Any, scheme: str | None = None) -> str | None:
    """ISO 3166 alpha-3 (or explicit non-state) code of one country name or code.

    Parameters
    ----------
    name : str or int
        A country name or code.
    scheme : {None, "name", "iso3", "iso2", "fips", "cameo", "cow", "iso-numeric"}
        How to read it. With None every scheme is tried and a value that two
        schemes read differently raises :class:`~alliancestats.AllianceStatsError`.

    Returns
    -------
    str or None
        The code, or None when the value is unknown in the scheme.

    Examples
    --------
    >>> to_alpha3("Iran, Islamic Republic of"), to_alpha3("venezuela"), to_alpha3("US")
    ('IRN', 'VEN', 'USA')
    >>> to_alpha3("CH", scheme="fips"), to_alpha3("CH", scheme="iso2")
    ('CHN', 'CHE')
    >>> to_alpha3("AUS", scheme="cow"), to_alpha3("Côte d’Ivoire"), to_alpha3("U.S.S.R.")
    ('AUT', 'CIV', 'SUN')
    >>> to_alpha3("Atlantis") is None
    True
    """
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return None
    if scheme is None:
        reading = _read_any(name)
        if reading.readings:
            raise AllianceStatsError(f"country {name!r} is ambiguous: {_readings_text(reading)}; "
                                     "pass scheme=")
        return reading.code
    _check_scheme(scheme, "scheme")
    code = _read(name, scheme)
    return None if code == _NO_ISO else code


def country_code(name: Any, categories: Any, argument: str = "country") -> str:
    """A table's code for a country name or code (``"Iran"``, ``"IRN"``, ``"EUR"``): the
    value itself when it is one of the table's ``categories``, else read by
    :func:`to_alpha3` in every scheme; raises for an unknown country."""
    if isinstance(name, str) and name.strip().upper() in categories:
        return name.strip().upper()
    code = to_alpha3(name)
    if code is None:
        raise AllianceStatsError(f"`{argument}`: unknown country {name!r}")
    return code


def _check_scheme(scheme: Any, argument: str) -> str:
    if not (isinstance(scheme, str) and scheme in SCHEMES):
        raise AllianceStatsError(f"`{argument}` must be one of {', '.join(map(repr, SCHEMES))}, "
                                 f"got {scheme!r}")
    return str(scheme)


def _readings_text(reading: _Reading) -> str:
    return ", ".join(f"{_describe(code)} in {SCHEME_LABELS[s]}" if code != _NO_ISO else
                     f"a code with no ISO 3166 equivalent in {SCHEME_LABELS[s]}"
                     for s, code in reading.readings.items())


@dataclass(frozen=True)
class CountryColumn:
    """One country column read to codes.

    Attributes
    ----------
    codes : numpy.ndarray of object
        One code per distinct value of the column (``None`` where unknown).
    positions : numpy.ndarray of int
        For each row, the index of its distinct value (-1: missing in the input).
    unknown : pandas.DataFrame
        Distinct values kept as missing (``unknown="missing"``): ``value``, ``rows``
        (how many rows), ``reason``.
    """

    codes: np.ndarray
    positions: np.ndarray
    unknown: pd.DataFrame


def normalise_country_column(values: pd.Series, *, scheme: str | None, unknown: str = "raise",
                             argument: str, column: str, row_label: Callable[[int], str],
                             weights: np.ndarray | None = None) -> CountryColumn:
    """Read a country column; each distinct value is looked up once.

    Raises naming the column, the values and their rows for unknown values
    (``unknown="raise"``), values two schemes read differently, numbers without a
    scheme, and codes from two schemes in one column. ``weights``: how many rows each
    entry of ``values`` stands for (an engine passes distinct values with their row
    counts); default one each.
    """
    if scheme is not None:
        _check_scheme(scheme, "countries")
    positions, distinct = distinct_values(values)
    if any(isinstance(v, str) and v.strip() == "" for v in distinct):   # blank: no country
        blank_index = [i for i, v in enumerate(distinct) if isinstance(v, str) and v.strip() == ""]
        remap = np.arange(len(distinct))
        keep = np.setdiff1d(remap, blank_index)
        remap[:] = -1
        remap[keep] = np.arange(len(keep))
        positions = np.where(positions >= 0, remap[np.maximum(positions, 0)], -1)
        distinct = distinct[keep]
    if scheme is None:
        readings = [_read_any(v) for v in distinct]
        _refuse_ambiguous(distinct, readings, positions, argument, column, row_label)
        codes = np.array([r.code for r in readings], dtype=object)
        reasons = [r.reason for r in readings]
    else:
        raw = [_read(v, scheme) for v in distinct]
        codes = np.array([None if c in (None, _NO_ISO) else c for c in raw], dtype=object)
        reasons = [f"known to {SCHEME_LABELS[scheme]} but has no ISO 3166 code" if c == _NO_ISO
                   else None for c in raw]
    bad = [i for i, code in enumerate(codes) if code is None]
    present = positions >= 0
    counts = (np.bincount(positions[present], minlength=len(distinct),
                          weights=None if weights is None else np.asarray(weights)[present])
              .astype(np.int64) if bad else np.zeros(len(distinct), np.int64))
    table = pd.DataFrame({"value": [distinct[i] for i in bad], "rows": [int(counts[i]) for i in bad],
                          "reason": [reasons[i] or f"not in {SCHEME_LABELS.get(scheme or '', 'any country scheme')}"
                                     for i in bad]})
    if bad and unknown == "raise":
        where = _where(argument, column)
        shown = "; ".join(f"{show(distinct[i])} ({first_rows(positions, i, row_label)})"
                          + (f": {reasons[i]}" if reasons[i] else "") for i in bad[:10])
        more = f" and {len(bad) - 10} more" if len(bad) > 10 else ""
        hint = (f"; it was read as {SCHEME_LABELS[scheme]} (countries={scheme!r})" if scheme else "")
        raise AllianceStatsError(
            f"{where}: {len(bad)} unknown country value(s) in {int(counts[bad].sum())} row(s): "
            f"{shown}{more}{hint}; pass unknown='missing' to keep them as missing and count them")
    return CountryColumn(codes=codes, positions=positions, unknown=table)


def _where(argument: str, column: str) -> str:
    return f"`{argument}`, column {column!r}"


def _refuse_ambiguous(distinct: np.ndarray, readings: list[_Reading], positions: np.ndarray,
                      argument: str, column: str, row_label: Callable[[int], str]) -> None:
    """Without a scheme: refuse numbers, values read two ways, and codes of two schemes."""
    where = _where(argument, column)
    numbers_ = [i for i, v in enumerate(distinct) if _shape(v) == "number"]
    if numbers_:
        shown = ", ".join(f"{show(distinct[i])} ({first_rows(positions, i, row_label)})" for i in numbers_[:5])
        raise AllianceStatsError(
            f"{where}: numeric country codes {shown} could be Correlates of War numbers or ISO "
            "3166 numeric codes; pass countries='cow' or countries='iso-numeric'")
    ambiguous = [i for i, r in enumerate(readings) if r.readings]
    if ambiguous:
        shown = "; ".join(f"{show(distinct[i])} is {_readings_text(readings[i])}" for i in ambiguous[:6])
        choices = sorted({s for i in ambiguous for s in readings[i].readings if s != "name"})
        raise AllianceStatsError(
            f"{where}: country codes that could be read two ways: {shown}; name the scheme with "
            f"countries= (one of {', '.join(map(repr, choices))})")
    for shape, schemes in SHAPE_SCHEMES.items():
        coded = [i for i, v in enumerate(distinct) if _shape(v) == shape and readings[i].schemes]
        common: set[str] = set(schemes)
        for i in coded:
            common &= set(readings[i].schemes)
        if coded and not common:
            only: dict[str, Any] = {}
            for i in coded:
                if len(readings[i].schemes) == 1:
                    only.setdefault(readings[i].schemes[0], distinct[i])
            shown = ", ".join(f"{show(v)} only in {SCHEME_LABELS[s]}" for s, v in only.items())
            raise AllianceStatsError(
                f"{where}: the column mixes codes of two schemes ({shown}); no one scheme reads "
                "them all. Name the scheme with countries= and fix the other values")
