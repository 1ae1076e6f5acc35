"""Engines for stage 1 of the scan: the same triples from data of any size.

=========  ===========================================================================
engine     what it does
=========  ===========================================================================
pandas     in this process, in memory: an :class:`~alliancestats.EventTable` as is, a
           DataFrame through :meth:`~alliancestats.EventTable.from_frame`, files read
           whole (needed columns only) and reduced file by file
duckdb     out of core on one machine: two SQL passes over Parquet or text files (or a
           DataFrame), on every core, spilling to disk when needed (extra ``duckdb``)
dask       distributed: each partition reduced where it lives, on whatever
           ``distributed.Client`` is active (extra ``dask``)
=========  ===========================================================================

Every engine only reduces rows to distinct triples (:mod:`.mapping` makes sure it reads
countries, codes and dates exactly as :class:`~alliancestats.EventTable` does); the
statistics (stage 2) are shared. With ``engine=None``, files go to pandas when they
fit in memory (:func:`fits_in_memory`) and to DuckDB otherwise.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...errors import AllianceStatsError
from ..reduce import Reduced, from_keys
from .mapping import Plan, build_plan
from .source import ReadSpec, Source, resolve

__all__ = ["ENGINES", "choose_engine", "fits_in_memory", "available_memory", "estimate_rows",
           "stage_one", "resolve", "ReadSpec", "Source", "Plan"]

ENGINES = ("pandas", "duckdb", "dask")
#: bytes per event row the pandas engine may need on files (reading, mapping, reducing):
#: about twice the largest peak measured (30 bytes a row above the interpreter's own
#: memory, for 10 million rows of text columns, CSV or plain Parquet; 12 with Parquet
#: dictionaries at 100 million rows)
PANDAS_BYTES_PER_ROW = 64
#: bytes of a text file per event row when no line has been read yet (GDELT's is ~ 600)
_SAMPLE_BYTES = 1 << 20


def available_memory() -> int:
    """Bytes of memory available to new allocations.

    Returns
    -------
    int
        ``MemAvailable`` of ``/proc/meminfo`` (Linux), else the physical memory
        (``os.sysconf``), else 4 GiB.
    """
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return 4 << 30


def estimate_rows(files: tuple[str, ...], file_format: str) -> int:
    """Event rows in the files: exact for Parquet (from the footers), and for text the
    total size over the mean line length of the first MiB of the first file.

    Parameters
    ----------
    files : tuple of str
        The files' paths.
    file_format : str
        ``"parquet"``, or a text format (every other value).

    Returns
    -------
    int
        The rows, exact or estimated (0 for an empty text file).
    """
    if file_format == "parquet":
        try:
            import pyarrow.parquet as pq
        except ImportError:
            raise AllianceStatsError("reading Parquet needs pyarrow, which is not installed; "
                                     "install the extra: pip install 'alliancestats[parquet]'") from None
        return int(sum(pq.ParquetFile(path).metadata.num_rows for path in files))
    total = sum(os.path.getsize(path) for path in files)
    with open(files[0], "rb") as handle:
        sample = handle.read(_SAMPLE_BYTES)
    lines = max(sample.count(b"\n"), 1)
    return int(total / (len(sample) / lines)) if sample else 0


def fits_in_memory(rows: int, memory: int | None = None) -> bool:
    """Whether the pandas engine can hold ``rows`` events: ``rows`` times
    :data:`PANDAS_BYTES_PER_ROW` within half of ``memory`` (default
    :func:`available_memory`), leaving the other half for everything else.

    Parameters
    ----------
    rows : int
        Event rows to read.
    memory : int, optional
        Bytes available (default :func:`available_memory`).

    Returns
    -------
    bool
        True when the rows fit.
    """
    memory = available_memory() if memory is None else memory
    return rows * PANDAS_BYTES_PER_ROW <= memory // 2


def choose_engine(source: Source, engine: Any) -> str:
    """The engine to use: ``engine`` checked against the input, or the default for it."""
    if engine is not None and not (isinstance(engine, str) and engine in ENGINES):
        raise AllianceStatsError(f"`engine` must be one of {', '.join(map(repr, ENGINES))} or None "
                                 f"(choose by input), got {engine!r}")
    if source.kind == "table":
        if engine not in (None, "pandas"):
            raise AllianceStatsError(
                f"`engine={engine!r}`: an EventTable is already read into memory, and only the "
                "pandas engine scans it; give the event files (a path, glob or folder) or the raw "
                f"DataFrame to scan with engine={engine!r}")
        return "pandas"
    if source.kind == "dask":
        if engine not in (None, "dask"):
            raise AllianceStatsError(f"`engine={engine!r}`: a Dask DataFrame is scanned with "
                                     "engine='dask' (or left as None)")
        return "dask"
    if engine is not None:
        return engine
    if source.kind == "frame":
        return "pandas"
    rows = estimate_rows(source.files, source.file_format)
    if fits_in_memory(rows):
        return "pandas"
    try:
        import duckdb  # noqa: F401
    except ImportError:
        raise AllianceStatsError(
            f"`table`: {source.label!r} holds about {rows:,} events, more than the pandas engine "
            f"can hold in memory (about {rows * PANDAS_BYTES_PER_ROW / 1e9:.1f} GB needed, "
            f"{available_memory() / 1e9:.1f} GB available); install DuckDB to scan it out of "
            "core: pip install 'alliancestats[duckdb]' (or pass engine='pandas' to try "
            "anyway, or engine='dask')") from None
    return "duckdb"


@dataclass(frozen=True)
class StageOne:
    """Stage 1's outcome from an engine: the triples and how the rows were read."""

    reduced: Reduced
    plan: Plan
    engine: str


def stage_one(source: Source, spec: ReadSpec, *, engine: str, codes: Any, trigger_codes: Any,
              trigger_actor: str | None, dyad_days: tuple[int, int],
              actor_days: tuple[int, int] | None) -> StageOne:
    """Reduce raw input (files, a DataFrame, a Dask DataFrame) with ``engine``."""
    if engine == "duckdb":
        from .duckdb_engine import DuckDBEngine as Engine
    elif engine == "dask":
        from .dask_engine import DaskEngine as Engine  # type: ignore[assignment]
    else:
        from .frames import PandasEngine as Engine  # type: ignore[assignment]
    runner = Engine(source, spec)
    distinct = runner.distinct()
    plan = build_plan(distinct, spec, argument=source.label, label=source.partition_label,
                      codes=codes, trigger_codes=trigger_codes, dyad_days=dyad_days,
                      trigger_actor=trigger_actor, actor_days=actor_days)
    keys = runner.reduce(plan)
    reduced = from_keys(np.asarray(plan.countries, dtype=object), keys, dyad_days=dyad_days,
                        actor_days=actor_days, with_actor=plan.actor is not None)
    return StageOne(reduced=reduced, plan=plan, engine=engine)
