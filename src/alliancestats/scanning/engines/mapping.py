"""Stage 1 shared by every engine: distinct raw values become small mapping tables.

An engine never normalises event rows. It collects each needed column's distinct
raw values per partition, with their row counts (:class:`Distinct`); here they are
read exactly as :meth:`EventTable.from_frame` reads a whole column — by the same
functions (:func:`~alliancestats.io.countries.normalise_country_column`, the code
system's column normaliser, :func:`~alliancestats.io.readers.day_numbers`), on the
same set of distinct values, so every check and every mapping is identical — and
become :class:`Plan`: raw value to country id, raw code to "response"/"trigger",
raw date to day number. The engine joins those tables to its rows and keeps the
distinct triples. :func:`partition_distinct` and :func:`partition_reduce` do both
steps on one pandas partition (the pandas and Dask engines).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from ...errors import AllianceStatsError
from ...io.countries import SCHEMES, SCHEME_LABELS, _read, country_code, normalise_country_column, to_alpha3
from ...io.readers import day_numbers
from ..reduce import Keys, reduce_arrays
from .source import ReadSpec

KEYS = ("date", "source", "target", "code")


# -- distinct values ----------------------------------------------------------------------

def as_categories(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """``frame`` with ``columns`` as categoricals (each factorised once): every later step
    works on a partition's few distinct values instead of its rows."""
    plain = [c for c in columns if not isinstance(frame[c].dtype, pd.CategoricalDtype)]
    if not plain:
        return frame
    return frame.assign(**{c: frame[c].astype("category") for c in plain})


def _value_counts(values: pd.Series) -> pd.DataFrame:
    """Distinct values of one categorical column (missing as one more value) with their
    row counts; datetimes keep their type."""
    distinct = pd.Series(values.cat.categories)
    counts = np.bincount(values.cat.codes.to_numpy() + 1, minlength=len(distinct) + 1)
    keep = np.flatnonzero(counts[1:])
    if pd.api.types.is_datetime64_any_dtype(distinct.dtype):
        value = pd.Series(distinct.iloc[keep].array)
        if counts[0]:
            value = pd.concat([value, pd.Series([pd.NaT], dtype=distinct.dtype)], ignore_index=True)
    else:
        value = pd.Series(distinct.iloc[keep].to_numpy(dtype=object).tolist()
                          + ([None] if counts[0] else []), dtype=object)
    rows = np.concatenate([counts[1:][keep], counts[:1] if counts[0] else []]).astype(np.int64)
    return pd.DataFrame({"value": value, "rows": rows})


def partition_distinct(frame: pd.DataFrame, spec: ReadSpec) -> dict[str, pd.DataFrame]:
    """Distinct values and row counts of each needed column of one partition (codes with
    their mode, for PLOVER)."""
    frame = as_categories(frame, spec.needed)
    out = {key: _value_counts(frame[spec.names[key]]) for key in KEYS
           if key in spec.names and not (key == "code" and "mode" in spec.names)}
    if "mode" in spec.names:
        pairs = frame.groupby([spec.names["code"], spec.names["mode"]], dropna=False,
                              observed=True, sort=False).size()
        out["code"] = pd.DataFrame({"value": pairs.index.get_level_values(0).astype(object),
                                    "mode": pairs.index.get_level_values(1).astype(object),
                                    "rows": pairs.to_numpy()})
    out["rows"] = pd.DataFrame({"rows": [len(frame)]})
    return out


@dataclass(frozen=True)
class Distinct:
    """Every partition's distinct values: per key a frame ``partition, value, [mode,] rows``."""

    columns: dict[str, pd.DataFrame]
    rows: int
    n_partitions: int

    @classmethod
    def combine(cls, parts: Sequence[dict[str, pd.DataFrame]]) -> "Distinct":
        keys = [k for k in (parts[0] if parts else {}) if k != "rows"]
        columns = {}
        for key in keys:
            pieces = [p[key].assign(partition=i) for i, p in enumerate(parts)]
            columns[key] = pd.concat(pieces, ignore_index=True)
        rows = int(sum(int(p["rows"]["rows"].sum()) for p in parts))
        return cls(columns=columns, rows=rows, n_partitions=len(parts))


# -- partitions in two country schemes -----------------------------------------------------

def check_partition_schemes(distinct: Distinct, spec: ReadSpec, *, argument: str,
                            label: Callable[[int], str]) -> None:
    """Refuse partitions whose country values are written in different schemes.

    For each partition, the schemes that read the most of its distinct values are its
    schemes; partitions (with any readable value) that share none of them are an
    error, whatever ``countries=`` says: with a scheme named, a partition in another
    scheme would otherwise become unknown values (or, with ``unknown="missing"``, a
    whole partition silently left out).
    """
    if distinct.n_partitions < 2:
        return
    for key in ("source", "target"):
        if key not in spec.names:
            continue
        entries = distinct.columns[key]
        text = entries["value"].map(lambda v: v if isinstance(v, str) and v.strip() else None)
        values, positions = np.unique(text.dropna().to_numpy(dtype=str), return_inverse=True)
        if len(values) == 0:
            continue
        known = np.array([[_read(v, s) is not None for s in SCHEMES] for v in values])
        part = entries["partition"].to_numpy()[text.notna().to_numpy()]
        counts = np.zeros((distinct.n_partitions, len(SCHEMES)), np.int64)
        np.add.at(counts, part, known[positions].astype(np.int64))
        best = (counts == counts.max(axis=1, keepdims=True)) & (counts > 0)
        readable = np.flatnonzero(best.any(axis=1))
        common = np.logical_and.reduce(best[readable], axis=0)
        if common.any():
            continue
        first = readable[0]
        other = next(p for p in readable if not (best[first] & best[p]).any())

        def describe(p: int) -> str:
            schemes = [SCHEME_LABELS[s] for s, b in zip(SCHEMES, best[p]) if b]
            example = text[(entries["partition"] == p) & text.notna()].iloc[0]
            return f"{label(int(p))} reads as {' or '.join(schemes)} (e.g. {example!r})"
        raise AllianceStatsError(
            f"`{argument}`, column {spec.names[key]!r}: partitions mix country schemes: "
            f"{describe(first)}, {describe(other)}; convert them to one scheme, or scan them "
            "separately")


# -- the mapping tables ---------------------------------------------------------------------

@dataclass(frozen=True)
class Plan:
    """What an engine joins to its rows, and what it keeps.

    ``source``/``target``: ``raw, id`` (known values only) or, for a preset's fixed
    column, one id. ``codes``: ``raw[, mode], combined, response, trigger`` (only codes
    that are one or the other; ``combined`` is the code as the table reads it, with its
    mode). ``dates``: ``raw, day`` within the days any triple can use.
    """

    countries: np.ndarray
    source: pd.DataFrame | int
    target: pd.DataFrame | int
    codes: pd.DataFrame
    dates: pd.DataFrame
    dyad_days: tuple[int, int]
    actor: int | None
    actor_days: tuple[int, int] | None
    unknown_countries: pd.DataFrame
    rows: int

    def country(self, name: Any, argument: str = "country") -> str:
        return country_code(name, self.countries, argument)


def build_plan(distinct: Distinct, spec: ReadSpec, *, argument: str, label: Callable[[int], str],
               codes: Any, trigger_codes: Any, dyad_days: tuple[int, int],
               trigger_actor: str | None, actor_days: tuple[int, int] | None) -> Plan:
    """Read every distinct value as :meth:`EventTable.from_frame` reads a column; raises as
    it does (naming the column, the values and the partitions that hold them)."""
    check_partition_schemes(distinct, spec, argument=argument, label=label)
    read: dict[str, Any] = {}
    reports = []
    for key in ("source", "target"):
        if key in spec.fixed:
            read[key] = to_alpha3(spec.fixed[key], spec.schemes[key])
            continue
        entries = distinct.columns[key]
        parts = entries["partition"].to_numpy()
        column = normalise_country_column(
            entries["value"], scheme=spec.schemes[key], unknown=spec.unknown, argument=argument,
            column=spec.names[key], row_label=lambda i, parts=parts: label(int(parts[i])),
            weights=entries["rows"].to_numpy())
        code = np.append(column.codes, None)[column.positions]
        read[key] = (entries["value"], code)
        reports.append(column.unknown.assign(column=spec.names[key]))
    found = {c for key in ("source", "target") for c in
             ([read[key]] if isinstance(read[key], str) else read[key][1]) if c is not None}
    countries = np.array(sorted(found), dtype=object)
    index = {c: i for i, c in enumerate(countries)}

    def country_map(key: str) -> pd.DataFrame | int:
        if isinstance(read[key], str):
            return index[read[key]]
        values, code = read[key]
        known = np.array([c is not None for c in code], dtype=bool)
        return pd.DataFrame({"raw": values[known].to_numpy(dtype=object),
                             "id": np.array([index[c] for c in code[known]], dtype=np.int64)}
                            ).drop_duplicates("raw", ignore_index=True)

    actor = None
    if trigger_actor is not None:
        actor = int(index.get(country_code(trigger_actor, countries, "trigger_actor"), -2))
    code_entries = distinct.columns["code"]
    parts = code_entries["partition"].to_numpy()
    system = spec.code_system
    modes = code_entries["mode"] if "mode" in code_entries else None
    categorical = system._normalise_column(
        code_entries["value"], argument=argument, column=spec.names["code"],
        row_label=lambda i: label(int(parts[i])), modes=modes)
    categories = categorical.categories
    flags = {}
    for kind, query, name in (("response", codes, "codes"), ("trigger", trigger_codes, "trigger_codes")):
        match = (system.match(query, categories, argument=name) if query is not None
                 else np.zeros(len(categories), bool))
        flags[kind] = np.append(match, False)[categorical.codes]
    combined = system._with_modes(code_entries["value"], modes) if modes is not None \
        else code_entries["value"]
    code_map = pd.DataFrame({"raw": code_entries["value"].to_numpy(dtype=object),
                             "mode": modes.to_numpy(dtype=object) if modes is not None else None,
                             "combined": combined.to_numpy(dtype=object), **flags})
    code_map = code_map[code_map.response | code_map.trigger].drop_duplicates(
        ["raw", "mode"], ignore_index=True)
    date_entries = distinct.columns["date"]
    date_parts = date_entries["partition"].to_numpy()
    days = day_numbers(date_entries["value"], date_format=spec.date_format, argument=argument,
                       column=spec.names["date"], row_label=lambda i: label(int(date_parts[i])))
    lo = min(dyad_days[0], actor_days[0] if actor_days else dyad_days[0])
    hi = max(dyad_days[1], actor_days[1] if actor_days else dyad_days[1])
    inside = (days >= lo) & (days <= hi)
    date_map = pd.DataFrame({"raw": date_entries["value"][inside].reset_index(drop=True),
                             "day": days[inside]}).drop_duplicates("raw", ignore_index=True)
    unknown = (pd.concat(reports, ignore_index=True)[["column", "value", "rows", "reason"]]
               if reports else pd.DataFrame(columns=["column", "value", "rows", "reason"]))
    unknown = unknown.groupby(["column", "value", "reason"], sort=False, as_index=False)["rows"] \
        .sum()[["column", "value", "rows", "reason"]] if len(unknown) else unknown
    return Plan(countries=countries, source=country_map("source"), target=country_map("target"),
                codes=code_map, dates=date_map, dyad_days=dyad_days, actor=actor,
                actor_days=actor_days, unknown_countries=unknown, rows=distinct.rows)


# -- one pandas partition to keys -------------------------------------------------------------

def _lookup(values: pd.Series, raw: pd.Series | np.ndarray) -> np.ndarray:
    """Each value's row in the mapping table ``raw`` (-1: not there)."""
    index = pd.Index(np.asarray(raw, dtype=object) if not isinstance(raw, pd.Series) else raw)
    if not isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype("category")
    where = np.append(index.get_indexer(values.cat.categories), -1)
    return where[values.cat.codes.to_numpy()]


def partition_reduce(frame: pd.DataFrame, spec: ReadSpec, plan: Plan) -> Keys:
    """One partition's distinct response and trigger keys (see :func:`reduce_arrays`)."""
    frame = as_categories(frame, spec.needed)
    codes = frame[spec.names["code"]]
    if "mode" in spec.names:
        codes = spec.code_system._with_modes(codes, frame[spec.names["mode"]])
    where = _lookup(codes, plan.codes["combined"])
    rows = np.flatnonzero(where >= 0)
    where = where[rows]
    sub = frame.iloc[rows]
    day_row = _lookup(sub[spec.names["date"]], plan.dates["raw"])
    dated = day_row >= 0
    day = np.where(dated, plan.dates["day"].to_numpy()[day_row], 0)

    def ids(key: str) -> np.ndarray:
        side = plan.source if key == "source" else plan.target
        if isinstance(side, int):
            return np.full(len(sub), side, np.int64)
        at = _lookup(sub[spec.names[key]], side["raw"])
        return np.where(at >= 0, side["id"].to_numpy()[at], -1)

    return reduce_arrays(ids("source"), ids("target"), day,
                         plan.codes["response"].to_numpy()[where] & dated,
                         plan.codes["trigger"].to_numpy()[where] & dated,
                         n_countries=len(plan.countries), dyad_days=plan.dyad_days,
                         actor=plan.actor, actor_days=plan.actor_days)
