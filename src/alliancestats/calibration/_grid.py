"""The loop behind the calibration tables: datasets x null variants x statistics.

Each dataset is drawn once and tested under every cell; every random stream is
keyed by the cell (see :mod:`alliancestats.calibration`), never by the order of
computation.
"""

from __future__ import annotations

import numbers
import warnings
import zlib
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from .._inference import infer
from .._progress import track
from .._setup import build_setup
from .._validation import check_fraction, check_integer, check_rng
from ..errors import AllianceStatsError, DegenerateDataWarning
from ..events import EventSeries
from ..matching import _check_types
from ..nulls import EXACT, NULLS, make_null
from ..period import Period
from ..statistics import STATISTICS, get_statistic
from ..window import Window

#: the columns every table shares, after its own key column
COLUMNS = ["null", "statistic", "method", "n_resamples", "datasets", "rejections"]
#: draws one dataset (responses, triggers) from a Generator
Draw = Callable[[np.random.Generator], "tuple[EventSeries, EventSeries]"]


@dataclass(frozen=True)
class NullVariant:
    """A null model with its options, under a short label for tables.

    Attributes
    ----------
    label : str
        The row name in the tables; distinct within a table (it also keys the
        cell's Monte Carlo stream).
    null : str
        A null of :data:`alliancestats.nulls.NULLS`.
    options : mapping
        Its options, as :func:`alliancestats.coincidence_test` takes them
        (validated here; a read-only copy is kept).

    Examples
    --------
    >>> NullVariant("jitter J=68", "jitter", {"days": 68}).options["days"]
    68
    """

    label: str
    null: str
    options: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.label, str) or not self.label:
            raise AllianceStatsError(f"`label` must be a non-empty string, got {self.label!r}")
        if not isinstance(self.options, Mapping):
            raise AllianceStatsError(
                f"`options` must be a mapping of option names to values, got {self.options!r}")
        make_null(self.null, dict(self.options))          # validates name and options
        object.__setattr__(self, "options", MappingProxyType(dict(self.options)))


@dataclass(frozen=True)
class Cell:
    """One null variant x statistic, how it is computed, and its stream key."""

    variant: NullVariant
    statistic: str
    method: str
    key: tuple[int, int]          # stable stream key of the cell


@dataclass(frozen=True)
class Grid:
    """The validated cells of a table and the settings every cell shares."""

    cells: tuple[Cell, ...]
    alpha: float
    n_resamples: int
    n_datasets: int
    n: int
    window: Window
    period: Period
    base: int                     # the entropy every stream is keyed from

    @classmethod
    def build(cls, *, nulls: Any, statistics: Any, alpha: Any, n_resamples: Any,
              monte_carlo: Any, n_datasets: Any, n: Any, window: Any, period: Any,
              rng: Any) -> "Grid":
        """Validate the arguments shared by the table functions."""
        variants = as_list(nulls, "nulls")
        for v in variants:
            if not isinstance(v, NullVariant):
                raise AllianceStatsError(f"`nulls` must hold NullVariant objects, got {v!r}")
        labels = [v.label for v in variants]
        if len(set(labels)) < len(labels):
            raise AllianceStatsError(f"`nulls`: labels must be distinct, got {labels}")
        chosen = [get_statistic(s).name for s in as_list(statistics, "statistics")]
        forced = set()
        for pair in as_list(monte_carlo, "monte_carlo", empty=True):
            if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and pair[0] in NULLS
                    and pair[1] in STATISTICS):
                raise AllianceStatsError(
                    f"`monte_carlo` must hold (null, statistic) pairs, got {pair!r}")
            forced.add(tuple(pair))
        _check_types(window=window, period=period)
        cells = tuple(
            Cell(v, s, "exact" if (v.null, s) in EXACT and (v.null, s) not in forced
                 else "monte-carlo", (zlib.crc32(v.label.encode()), list(STATISTICS).index(s)))
            for v in variants for s in chosen
            if s not in NULLS[v.null].refused_statistics)   # a refused pair has no cell
        return cls(cells, check_fraction(alpha, "alpha"),
                   check_integer(n_resamples, "n_resamples", minimum=1),
                   check_integer(n_datasets, "n_datasets", minimum=1),
                   check_integer(n, "n", minimum=1), window, period, base_entropy(rng))

    def table(self, column: str, groups: list[tuple[Any, tuple[int, int], Draw]],
              rate: str, progress: bool = False) -> pd.DataFrame:
        """Rows for every (group, cell): ``groups`` holds a value of ``column``, its
        stream key and how to draw one dataset; ``rate`` names the rejection rate;
        ``progress`` shows a bar over each group's datasets."""
        frames = [self.frame(self.count(draw, key, progress, f"{column} {value}"))
                  .assign(**{column: value}) for value, key, draw in groups]
        table = pd.concat(frames, ignore_index=True)
        table[rate] = table.rejections / self.n_datasets
        table["se"] = np.sqrt(table[rate] * (1 - table[rate]) / self.n_datasets)
        return table[[column, *COLUMNS, rate, "se"]]

    def count(self, draw: Draw, key: tuple[int, int], progress: bool = False,
              description: str = "datasets") -> np.ndarray:
        """Rejections per cell over ``n_datasets`` datasets drawn by ``draw``."""
        models = [make_null(c.variant.null, dict(c.variant.options)) for c in self.cells]
        rejections = np.zeros(len(self.cells), dtype=np.int64)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DegenerateDataWarning)  # forced: p = 1, no rejection
            for i in track(range(self.n_datasets), total=self.n_datasets, progress=progress,
                           description=description, unit="dataset"):
                responses, triggers = draw(stream(self.base, *key, i))
                setup, _ = build_setup(responses, triggers, window=self.window,
                                       period=self.period)
                for model in {id(m): m for m in models}.values():
                    model.check_data(setup)
                for j, (cell, model) in enumerate(zip(self.cells, models)):
                    test = infer(model, setup, STATISTICS[cell.statistic], method=cell.method,
                                 n_resamples=self.n_resamples,
                                 rng=stream(self.base, *key, i, *cell.key),
                                 alternative="greater")
                    rejections[j] += test.pvalue.value <= self.alpha
        return rejections

    def frame(self, rejections: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame({
            "null": [c.variant.label for c in self.cells],
            "statistic": [c.statistic for c in self.cells],
            "method": [c.method for c in self.cells],
            "n_resamples": pd.array([self.n_resamples if c.method == "monte-carlo" else None
                                     for c in self.cells], dtype="Int64"),
            "datasets": self.n_datasets,
            "rejections": rejections,
        })


def stream(base: int, *key: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(base, spawn_key=key))


def base_entropy(rng: Any) -> int:
    """One integer from ``rng``: every stream of a table is keyed from it."""
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool) and rng >= 0:
        return int(rng)
    return int(check_rng(rng).integers(2**63))


def as_list(values: Any, name: str, *, empty: bool = False) -> list[Any]:
    """``values`` as a list; a string, a non-iterable or (unless ``empty``) nothing is refused."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise AllianceStatsError(f"`{name}` must be a sequence, got {values!r}")
    out = list(values)
    if not out and not empty:
        raise AllianceStatsError(f"`{name}` must not be empty")
    return out
