"""What the scan was given: an EventTable, a DataFrame, files (a path, a glob, a folder or a
list of them) or a Dask DataFrame, and how to read its raw columns."""

from __future__ import annotations

import glob as globbing
import os
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import pandas as pd

from ...errors import AllianceStatsError
from ...io.codes import CodeSystem, code_system as _code_system
from ...io.countries import UNKNOWN_RULES
from ...io.presets import Preset
from ...io.readers import PARQUET_SUFFIXES
from ...io.normalise import _schemes
from ...io.table import EventTable, _names

#: file names the scan reads as delimited text (anything not Parquet is read as text)
TEXT_HINT = ".csv, .tab, .tsv, .txt or GDELT's .export.CSV"
_GLOB_CHARS = set("*?[")


def is_dask_frame(value: Any) -> bool:
    """A Dask DataFrame (recognised without importing dask)."""
    return type(value).__module__.split(".")[0] == "dask" and hasattr(value, "to_delayed") \
        and hasattr(value, "columns")


@dataclass(frozen=True)
class ReadSpec:
    """How raw event rows become the scan's columns (as :meth:`EventTable.from_frame` reads).

    ``names`` maps ``date``, ``source``, ``target``, ``code`` (and ``mode``) to column
    names; a preset's ``fixed`` columns (one value for every row) are not among them.
    """

    names: dict[str, str]
    preset: Preset | None
    schemes: dict[str, str | None]
    code_system: CodeSystem
    unknown: str
    date_format: str | None
    fixed: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, *, preset: Any, columns: Any, countries: Any, code_system: Any, unknown: Any,
              date_format: Any) -> "ReadSpec":
        if preset is not None and not isinstance(preset, Preset):
            raise AllianceStatsError(f"`preset` must be a Preset (e.g. EventTable.GDELT2) or None, "
                                     f"got {preset!r}")
        if not (isinstance(unknown, str) and unknown in UNKNOWN_RULES):
            raise AllianceStatsError(f"`unknown` must be 'raise' or 'missing', got {unknown!r}")
        if date_format is not None and not isinstance(date_format, str):
            raise AllianceStatsError(f"`date_format` must be a strftime format or None, got "
                                     f"{date_format!r}")
        system = _code_system(code_system if code_system is not None else
                              (preset.code_system if preset is not None else "cameo"))
        return cls(names=_names(preset, columns, "table"), preset=preset,
                   schemes=_schemes(countries, preset), code_system=system, unknown=unknown,
                   date_format=date_format if date_format is not None else
                   (preset.date_format if preset is not None else None),
                   fixed=dict(preset.fixed) if preset is not None else {})

    @property
    def needed(self) -> list[str]:
        """The raw columns to read."""
        return list(dict.fromkeys(self.names.values()))

    def check_columns(self, present: Sequence[str], argument: str) -> None:
        """Refuse input lacking a needed column, naming the columns it has."""
        missing = [f"{column!r} ({key})" for key, column in self.names.items()
                   if column not in present]
        if missing:
            what = (f"preset {self.preset.name} needs" if self.preset is not None
                    else "lacks required")
            raise AllianceStatsError(f"`{argument}` {what} column(s) {', '.join(missing)}; its "
                                     f"columns are {list(present)}")


@dataclass(frozen=True)
class Source:
    """The scan's input: ``kind`` is ``"table"``, ``"frame"``, ``"files"`` or ``"dask"``."""

    kind: str
    value: Any                      # the EventTable, DataFrame or Dask DataFrame
    files: tuple[str, ...] = ()
    file_format: str = ""          # "parquet" or "text"
    label: str = "table"           # how messages name the input

    def partition_label(self, index: int) -> str:
        """How messages name partition ``index``: its file, or its number."""
        if self.kind == "files":
            return f"file {os.path.basename(self.files[index])}"
        return f"partition {index}"


def expand_paths(paths: Any) -> tuple[tuple[str, ...], str]:
    """Files named by a path, a glob, a folder (its Parquet or text files, recursively) or a
    list of those, sorted, with a label for messages. Raises for a name that matches no file."""
    items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    if not items or not all(isinstance(p, (str, os.PathLike)) for p in items):
        raise AllianceStatsError("`table` as files must be a path, a glob or a folder, or a "
                                 "non-empty list of them")
    files: list[str] = []
    for item in map(os.fspath, items):
        if _GLOB_CHARS & set(item):
            found = sorted(p for p in globbing.glob(item, recursive=True) if os.path.isfile(p))
            if not found:
                raise AllianceStatsError(f"`table`: the glob {item!r} matches no file")
        elif os.path.isdir(item):
            found = sorted(os.path.join(root, name) for root, _, names in os.walk(item)
                           for name in names if not name.startswith((".", "_")))
            if not found:
                raise AllianceStatsError(f"`table`: the folder {item!r} holds no file")
        elif os.path.isfile(item):
            found = [item]
        else:
            raise AllianceStatsError(f"`table`: {item!r}: file not found")
        files += found
    label = os.fspath(items[0]) if len(items) == 1 else f"{len(files)} files"
    return tuple(dict.fromkeys(files)), label


def resolve(table: Any) -> Source:
    """The kind of input ``table`` is; files are expanded and must share one format."""
    if isinstance(table, EventTable):
        return Source("table", table)
    if isinstance(table, pd.DataFrame):
        return Source("frame", table)
    if is_dask_frame(table):
        return Source("dask", table, label="table")
    if isinstance(table, (str, os.PathLike)) or (
            isinstance(table, (list, tuple)) and table
            and all(isinstance(p, (str, os.PathLike)) for p in table)):
        files, label = expand_paths(table)
        parquet = [f.lower().endswith(PARQUET_SUFFIXES) for f in files]
        if any(parquet) and not all(parquet):
            example = files[parquet.index(False)]
            raise AllianceStatsError(f"`table`: {label!r} mixes Parquet and text files (e.g. "
                                     f"{example!r}); scan one format at a time")
        return Source("files", None, files=files, file_format="parquet" if all(parquet) else "text",
                      label=label)
    raise AllianceStatsError(f"`table` must be an EventTable, a pandas or Dask DataFrame, or a path, "
                             f"glob or folder of Parquet or text ({TEXT_HINT}) event files; got "
                             f"{type(table).__name__}")
