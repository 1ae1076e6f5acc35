"""The Dask engine: each partition is reduced where it lives; only small results travel.

Partitions are a Dask DataFrame's own, one per file for paths (read on the workers by
the same readers as the pandas engine: the files must be visible to every worker,
as on a cluster's shared file system; for object stores, build the Dask DataFrame with
``dask.dataframe.read_parquet("s3://...")`` and pass it), or a pandas DataFrame split
into one partition per core. Two passes, each one task per partition:

1. distinct raw values and row counts of each needed column (a few thousand rows per
   partition) come back to the client, which builds the mapping tables;
2. the mapping tables go to every task (one copy in the graph) and each partition
   returns its distinct triple keys; keys are merged in a tree, 16 at a time, on the
   workers, and only the merged keys come back.

No task ever returns event rows, so the client never holds the table. The computation
runs on Dask's current scheduler: with a ``distributed.Client`` active (a
``LocalCluster``, a ``dask_jobqueue.SLURMCluster``, a cloud cluster) it runs there.
"""

from __future__ import annotations

import os
from typing import Any

from ...errors import AllianceStatsError
from ..reduce import Keys
from .frames import read_file
from .mapping import Distinct, Plan, partition_distinct, partition_reduce
from .source import ReadSpec, Source

#: partitions' keys merged per task in the tree reduction
SPLIT_EVERY = 16


def _import_dask() -> Any:
    try:
        import dask
    except ImportError:
        raise AllianceStatsError("engine='dask' needs dask, which is not installed; install the "
                                 "extra: pip install 'alliancestats[dask]'") from None
    return dask


class DaskEngine:
    """Stage 1 on Dask partitions (see the module's description)."""

    name = "dask"

    def __init__(self, source: Source, spec: ReadSpec) -> None:
        dask = _import_dask()
        self.dask, self.spec = dask, spec
        delayed = dask.delayed
        if source.kind == "files":
            self.parts = [delayed(read_file, pure=True)(path, spec, source.file_format)
                          for path in source.files]
            return
        if source.kind == "frame":
            try:
                import dask.dataframe as dd
            except ImportError:
                raise AllianceStatsError("engine='dask' on a pandas DataFrame needs dask's "
                                         "DataFrame; install the extra: pip install "
                                         "'alliancestats[dask]'") from None
            spec.check_columns(list(source.value.columns), source.label)
            frame = dd.from_pandas(source.value[spec.needed], npartitions=os.cpu_count() or 1)
        else:
            frame = source.value
            spec.check_columns(list(frame.columns), source.label)
            frame = frame[spec.needed]
        self.parts = list(frame.to_delayed(optimize_graph=True))

    def distinct(self) -> Distinct:
        delayed = self.dask.delayed
        tasks = [delayed(partition_distinct, pure=True)(part, self.spec) for part in self.parts]
        return Distinct.combine(list(self.dask.compute(*tasks)))

    def reduce(self, plan: Plan) -> Keys:
        delayed = self.dask.delayed
        shared = delayed(plan, pure=True)
        keys = [delayed(partition_reduce, pure=True)(part, self.spec, shared) for part in self.parts]
        while len(keys) > 1:
            keys = [delayed(Keys.union, pure=True)(keys[i: i + SPLIT_EVERY])
                    for i in range(0, len(keys), SPLIT_EVERY)]
        (result,) = self.dask.compute(keys[0])
        return Keys(*result)
