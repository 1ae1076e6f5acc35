"""Normalising raw event rows into an event table's columns (dates, countries, codes)."""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..errors import AllianceStatsError
from .codes import CodeSystem, code_system as _code_system
from .countries import UNKNOWN_RULES, _check_scheme, normalise_country_column, to_alpha3
from .presets import Preset
from .readers import RowLabel, day_numbers


def _schemes(countries: Any, preset: Preset | None) -> dict[str, str | None]:
    if countries is None:
        scheme = preset.countries if preset is not None else None
        return {"source": scheme, "target": scheme}
    if isinstance(countries, str):
        _check_scheme(countries, "countries")
        return {"source": countries, "target": countries}
    if isinstance(countries, Mapping):
        extra = sorted(set(countries) - {"source", "target"})
        if extra:
            raise AllianceStatsError(f"`countries` as a mapping takes 'source' and 'target', got {extra}")
        out = {key: countries.get(key, preset.countries if preset is not None else None)
               for key in ("source", "target")}
        for value in out.values():
            if value is not None:
                _check_scheme(value, "countries")
        return out
    raise AllianceStatsError(f"`countries` must be a scheme name, a mapping of 'source'/'target' to "
                             f"scheme names, or None; got {type(countries).__name__}")


def normalise_events(raw: pd.DataFrame, *, names: dict[str, str], preset: Preset | None,
                     countries: Any, code_system: Any, unknown: str, date_format: str | None,
                     argument: str, row_label: RowLabel
                     ) -> tuple[pd.DataFrame, CodeSystem, pd.DataFrame]:
    """Raw event rows as an event table's normalised columns: ``(frame, code system,
    unknown countries)``; bad values raise naming their column and rows."""
    if not (isinstance(unknown, str) and unknown in UNKNOWN_RULES):
        raise AllianceStatsError(f"`unknown` must be 'raise' or 'missing', got {unknown!r}")
    system = _code_system(code_system if code_system is not None else
                          (preset.code_system if preset is not None else "cameo"))
    schemes = _schemes(countries, preset)
    fmt = date_format if date_format is not None else (preset.date_format if preset else None)
    days = day_numbers(raw[names["date"]], date_format=fmt, argument=argument,
                       column=names["date"], row_label=row_label)
    sides, reports = {}, []
    fixed = preset.fixed if preset is not None else {}
    for key in ("source", "target"):
        if key in fixed:
            code = to_alpha3(fixed[key], schemes[key])
            sides[key] = (np.array([code], dtype=object), np.zeros(len(raw), dtype=np.int64))
            continue
        read = normalise_country_column(raw[names[key]], scheme=schemes[key], unknown=unknown,
                                        argument=argument, column=names[key], row_label=row_label)
        sides[key] = (read.codes, read.positions)
        reports.append(read.unknown.assign(column=names[key]))
    categories = sorted({c for codes, _ in sides.values() for c in codes if c is not None})
    index = {c: i for i, c in enumerate(categories)}
    out = {"date": pd.DatetimeIndex(days.astype("datetime64[D]").astype("datetime64[s]"))}
    for key, (codes, positions) in sides.items():
        lookup = np.array([index[c] if c is not None else -1 for c in codes] + [-1], dtype=np.int64)
        out[key] = pd.Categorical.from_codes(lookup[positions], categories=categories)
    out["code"] = system._normalise_column(
        raw[names["code"]], argument=argument, column=names["code"], row_label=row_label,
        modes=raw[names["mode"]] if "mode" in names else None)
    frame = pd.DataFrame(out)
    used = set(names.values())
    extras = [c for c in raw.columns if c not in used]
    if extras:
        kept = raw[extras].rename(columns={c: f"{c}_raw" for c in extras if c in out})
        frame = pd.concat([frame, kept.reset_index(drop=True)], axis=1)
    unknown_table = (pd.concat(reports, ignore_index=True)[["column", "value", "rows", "reason"]]
                     if reports else pd.DataFrame(columns=["column", "value", "rows", "reason"]))
    return frame, system, unknown_table
