"""The pandas engine on event files: every file read into memory once, by the readers of
:class:`~alliancestats.EventTable` (only the needed columns), then reduced file by file."""

from __future__ import annotations

import pandas as pd

from ...io.readers import read_parquet, read_text
from ..reduce import Keys
from .mapping import Distinct, Plan, as_categories, partition_distinct, partition_reduce
from .source import ReadSpec, Source


def read_file(path: str, spec: ReadSpec, file_format: str) -> pd.DataFrame:
    """One event file's needed columns, as :meth:`EventTable.from_parquet` or
    :meth:`EventTable.from_csv` read them (raw: nothing normalised yet), as categoricals."""
    if file_format == "parquet":
        frame, _ = read_parquet(path, preset=spec.preset, names=spec.names, keep=[])
    else:
        frame, _ = read_text(path, preset=spec.preset, names=spec.names, keep=[], sep=None,
                             options={})
    return as_categories(frame, spec.needed)


class PandasEngine:
    """Stage 1 in this process, on files held in memory between the two passes."""

    name = "pandas"

    def __init__(self, source: Source, spec: ReadSpec) -> None:
        self.spec = spec
        self.frames = [read_file(path, spec, source.file_format) for path in source.files]

    def distinct(self) -> Distinct:
        return Distinct.combine([partition_distinct(frame, self.spec) for frame in self.frames])

    def reduce(self, plan: Plan) -> Keys:
        return Keys.union([partition_reduce(frame, self.spec, plan) for frame in self.frames])
