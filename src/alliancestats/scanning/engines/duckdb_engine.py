"""The DuckDB engine: out of core on one machine, in two SQL passes over the files.

1. ``SELECT file, column, count(*) ... GROUP BY ALL`` for each needed column gives
   the distinct raw values per file, which :mod:`.mapping` reads as the pandas
   readers would;
2. the mapping tables are registered and joined to the rows, and
   ``SELECT DISTINCT`` keeps the triple keys (the same integers as
   :func:`~alliancestats.scanning.reduce.reduce_arrays`).

DuckDB streams Parquet and text files, runs on every core and spills to disk when a
hash table outgrows its memory limit, so the event table is never in memory.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pandas as pd

from ..._distinct import distinct
from ...errors import AllianceStatsError
from ...io.readers import _header_names
from ..reduce import Keys
from .mapping import Distinct, Plan
from .source import ReadSpec, Source


def _import_duckdb() -> Any:
    try:
        import duckdb
    except ImportError:
        raise AllianceStatsError("engine='duckdb' needs duckdb, which is not installed; install "
                                 "the extra: pip install 'alliancestats[duckdb]'") from None
    return duckdb


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class DuckDBEngine:
    """Stage 1 in DuckDB (see the module's description)."""

    name = "duckdb"

    def __init__(self, source: Source, spec: ReadSpec) -> None:
        duckdb = _import_duckdb()
        self.duckdb, self.spec, self.source = duckdb, spec, source
        self.con = duckdb.connect(config={"threads": os.cpu_count() or 1,
                                          "preserve_insertion_order": False})
        self.con.execute("SET enable_progress_bar = false")
        if source.kind == "frame":
            spec.check_columns(list(source.value.columns), source.label)
            self.con.register("events", source.value[spec.needed])
            self.relation, self.partition = "events", "0"
            return
        self.index = {path: i for i, path in enumerate(source.files)}
        files = "[" + ", ".join(_text(path) for path in source.files) + "]"
        if source.file_format == "parquet":
            self.relation = f"read_parquet({files}, filename = true)"
        else:
            self.relation = self._read_csv(files)
        self.partition = "filename"
        present = [row[0] for row in self._run(f"DESCRIBE SELECT * FROM {self.relation}")]
        spec.check_columns([c for c in present if c != "filename"], source.label)

    def _read_csv(self, files: str) -> str:
        """``read_csv`` with the preset's layout, every column as text (as the readers do)."""
        preset = self.spec.preset
        sep = preset.sep if preset is not None else ","
        header = preset.header if preset is not None else True
        quoted = preset is None or preset.quoted
        options = [f"delim = {_text(sep)}", f"header = {str(header).lower()}", "all_varchar = true",
                   f"quote = {_text(chr(34) if quoted else '')}", "filename = true",
                   "auto_detect = false" if not header else "auto_detect = true"]
        if not header:
            assert preset is not None and preset.column_names is not None
            _header_names(self.source.files[0], preset, sep, None)   # refuses a wrong layout
            columns = ", ".join(f"{_text(n)}: 'VARCHAR'" for n in preset.column_names)
            options += [f"columns = {{{columns}}}", "null_padding = true"]
        return f"read_csv({files}, {', '.join(options)})"

    def _run(self, sql: str) -> Any:
        try:
            return self.con.execute(sql).fetchall()
        except self.duckdb.Error as exc:
            raise AllianceStatsError(f"`{self.source.label}`: DuckDB cannot read the events "
                                     f"({str(exc).splitlines()[0]})") from None

    def _frame(self, sql: str) -> pd.DataFrame:
        try:
            return self.con.execute(sql).df()
        except self.duckdb.Error as exc:
            raise AllianceStatsError(f"`{self.source.label}`: DuckDB cannot read the events "
                                     f"({str(exc).splitlines()[0]})") from None

    def _partitions(self, column: pd.Series) -> np.ndarray:
        if self.partition == "0":
            return np.zeros(len(column), np.int64)
        return np.array([self.index[name] for name in column], dtype=np.int64)

    def _groups(self, keys: list[str]) -> dict[str, pd.DataFrame]:
        """Distinct values and row counts of each key's column, per partition: one query
        per column (columnar Parquet reads only that column; types are kept), or for text
        (every column text) one scan with grouping sets."""
        names = self.spec.names
        columns = {key: [names[key]] + ([names["mode"]] if key == "code" and "mode" in names
                                        else []) for key in keys}
        if self.source.kind == "files" and self.source.file_format == "text":
            sets = ", ".join(f"({self.partition}, {', '.join(map(_quote, cols))})"
                             for cols in columns.values())
            used = list(dict.fromkeys(c for cols in columns.values() for c in cols))
            flags = ", ".join(f"grouping({_quote(columns[key][0])}) AS g{i}"
                              for i, key in enumerate(keys))
            both = self._frame(f"SELECT {self.partition} AS partition, "
                               f"{', '.join(map(_quote, used))}, {flags}, count(*) AS rows "
                               f"FROM {self.relation} GROUP BY GROUPING SETS ({sets})")
            out = {}
            for i, key in enumerate(keys):
                rows = both[both[f"g{i}"] == 0]
                part = {"partition": rows["partition"], "value": rows[columns[key][0]]}
                if len(columns[key]) > 1:
                    part["mode"] = rows[columns[key][1]]
                out[key] = pd.DataFrame({**part, "rows": rows["rows"]}).reset_index(drop=True)
            return out
        out = {}
        for key, cols in columns.items():
            extra = f", {_quote(cols[1])} AS mode" if len(cols) > 1 else ""
            out[key] = self._frame(f"SELECT {self.partition} AS partition, {_quote(cols[0])} AS "
                                   f"value{extra}, count(*) AS rows FROM {self.relation} GROUP BY ALL")
        return out

    def distinct(self) -> Distinct:
        names, columns = self.spec.names, {}
        keys = [key for key in ("date", "source", "target", "code") if key in names]
        for key, frame in self._groups(keys).items():
            frame["partition"] = self._partitions(frame["partition"])
            for column in ("value", "mode"):
                if column in frame and not pd.api.types.is_datetime64_any_dtype(frame[column]):
                    frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
            columns[key] = frame
        n_partitions = len(self.source.files) if self.source.kind == "files" else 1
        return Distinct(columns=columns, rows=int(columns["date"]["rows"].sum()),
                        n_partitions=n_partitions)

    def reduce(self, plan: Plan) -> Keys:
        names = self.spec.names
        joins = []
        self.con.register("code_map", plan.codes[["raw", "mode", "response", "trigger"]])
        code_join = f"r.{_quote(names['code'])} = c.raw"
        if "mode" in names:
            code_join += f" AND r.{_quote(names['mode'])} IS NOT DISTINCT FROM c.mode"
        joins.append(f"JOIN code_map c ON {code_join}")
        self.con.register("date_map", plan.dates)
        joins.append(f"JOIN date_map d ON r.{_quote(names['date'])} = d.raw")
        ids = {}
        for key, alias in (("source", "s"), ("target", "t")):
            side = plan.source if key == "source" else plan.target
            if isinstance(side, int):
                ids[key] = str(side)
                continue
            self.con.register(f"{key}_map", side)
            joins.append(f"JOIN {key}_map {alias} ON r.{_quote(names[key])} = {alias}.raw")
            ids[key] = f"{alias}.id"
        n = max(len(plan.countries), 1)
        first, last = plan.dyad_days
        selects = [f"SELECT DISTINCT 0 AS kind, (least(s, t) * {n} + greatest(s, t)) * "
                   f"{last - first + 1} + (day - {first}) AS key FROM e WHERE response AND "
                   f"s <> t AND day BETWEEN {first} AND {last}"]
        if plan.actor is not None and plan.actor_days is not None:
            lo, hi = plan.actor_days
            selects.append(f"SELECT DISTINCT 1 AS kind, t * {hi - lo + 1} + (day - {lo}) AS key "
                           f"FROM e WHERE trigger AND s = {plan.actor} AND t <> {plan.actor} AND "
                           f"day BETWEEN {lo} AND {hi}")
        sql = (f"WITH e AS (SELECT CAST({ids['source']} AS BIGINT) AS s, "
               f"CAST({ids['target']} AS BIGINT) AS t, c.response, c.trigger, "
               f"CAST(d.day AS BIGINT) AS day FROM {self.relation} r {' '.join(joins)}) "
               + " UNION ALL ".join(selects))
        try:
            result = self.con.execute(sql).fetchnumpy()
        except self.duckdb.Error as exc:
            raise AllianceStatsError(f"`{self.source.label}`: DuckDB cannot read the events "
                                     f"({str(exc).splitlines()[0]})") from None
        kind = np.asarray(result["kind"])
        packed = np.asarray(result["key"], dtype=np.int64)
        return Keys(distinct(packed[kind == 0]), distinct(packed[kind == 1]))
