"""Country names and codes normalised to ISO 3166-1 alpha-3."""

from __future__ import annotations

import csv
import functools
import unicodedata
from importlib import resources
from typing import Any, Iterable

import numpy as np
import pandas as pd

from ._validation import format_rows
from .errors import AllianceStatsError

__all__ = ["to_alpha3", "normalise_countries"]

#: names used in event data (ICEWS, POLECAT, news) that ISO does not list
ALIASES = {
    "united states": "USA", "united states of america": "USA", "us": "USA", "u.s.": "USA",
    "america": "USA", "russia": "RUS", "south korea": "KOR", "republic of korea": "KOR",
    "north korea": "PRK", "dprk": "PRK", "iran": "IRN", "syria": "SYR", "venezuela": "VEN",
    "bolivia": "BOL", "vietnam": "VNM", "laos": "LAO", "moldova": "MDA", "tanzania": "TZA",
    "taiwan": "TWN", "czech republic": "CZE", "ivory coast": "CIV", "cote d'ivoire": "CIV",
    "democratic republic of congo": "COD", "democratic republic of the congo": "COD",
    "dr congo": "COD", "congo-kinshasa": "COD", "republic of congo": "COG",
    "congo-brazzaville": "COG", "congo": "COG", "macedonia": "MKD", "burma": "MMR",
    "turkey": "TUR", "palestine": "PSE", "occupied palestinian territory": "PSE",
    "united kingdom": "GBR", "uk": "GBR", "britain": "GBR", "great britain": "GBR",
    "vatican": "VAT", "holy see": "VAT", "brunei": "BRN", "cape verde": "CPV",
    "east timor": "TLS", "swaziland": "SWZ", "micronesia": "FSM", "the gambia": "GMB",
    "the bahamas": "BHS", "kosovo": "XKX",
}


def _key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace("’", "'").split())


@functools.lru_cache(maxsize=1)
def _lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    path = resources.files("alliancestats.datasets").joinpath("iso3166_countries.csv")
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for field in ("alpha_3", "alpha_2", "name", "common_name", "official_name"):
                if row[field]:
                    table[_key(row[field])] = row["alpha_3"]
    table.update(ALIASES)
    table["xkx"] = "XKX"  # Kosovo: user-assigned code used by the EU and many event datasets
    return table


def to_alpha3(name: Any) -> str | None:
    """ISO 3166-1 alpha-3 code of a country name or code, or None if unknown.

    Examples
    --------
    >>> to_alpha3("Iran, Islamic Republic of"), to_alpha3("venezuela"), to_alpha3("US")
    ('IRN', 'VEN', 'USA')
    >>> to_alpha3("Atlantis") is None
    True
    """
    if not isinstance(name, str):
        return None
    return _lookup().get(_key(name))


def normalise_countries(values: Iterable[Any], *, argument: str, column: str) -> np.ndarray:
    """Map every value to alpha-3; raise naming the unknown names and their rows.

    Missing values stay missing (None): events with a non-state actor often have
    no country.
    """
    series = pd.Series(list(values), dtype=object)
    distinct = pd.unique(series.dropna())
    mapping = {v: to_alpha3(v) for v in distinct}
    unknown = [v for v, code in mapping.items() if code is None]
    if unknown:
        rows = np.flatnonzero(series.isin(unknown).to_numpy())
        raise AllianceStatsError(
            f"`{argument}`, column {column!r}: unknown country names "
            f"{format_rows([repr(u) for u in unknown])} (rows {format_rows(rows.tolist())})")
    return series.map(mapping).to_numpy(dtype=object)
