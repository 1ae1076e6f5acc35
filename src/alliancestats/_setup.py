"""The validated problem a null model works on, and the shared ways to count on it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from ._dates import to_timestamp
from ._distinct import distinct
from ._montecarlo import batch_sizes
from ._validation import check_bool, format_rows, name_rows
from .errors import AllianceStatsError
from .events import EventSeries
from .matching import _check_types, coverage_counts, covered_sorted, matched_count
from .period import Period
from .window import Window

if TYPE_CHECKING:
    from ._reach import ReachAtoms

_INT64 = np.iinfo(np.int64)


@dataclass(frozen=True, eq=False)
class Setup:
    """Responses (all inside the period), triggers, window and period."""

    responses: EventSeries
    triggers: EventSeries
    window: Window
    period: Period

    @property
    def n(self) -> int:
        return len(self.responses)

    @cached_property
    def response_days(self) -> np.ndarray:
        return np.asarray(self.responses.days, dtype=np.int64)

    @cached_property
    def response_offsets(self) -> np.ndarray:
        """Responses as offsets ``0..T-1`` into the period."""
        return self.response_days - self.period.first_day

    @cached_property
    def coverage_count(self) -> np.ndarray:
        """``c(d)``: distinct trigger days whose window covers each period day."""
        return coverage_counts(self.triggers.days, self.window, self.period)

    @cached_property
    def mask(self) -> np.ndarray:
        """Coverage mask over the period days, ``c(d) > 0`` (the workhorse of most nulls)."""
        return self.coverage_count > 0

    @cached_property
    def sorted_trigger_days(self) -> np.ndarray:
        """Every trigger day (repeats kept), sorted."""
        days = np.array(self.triggers.days, dtype=np.int64)
        days.sort()
        return days

    @cached_property
    def covered_days(self) -> int:
        """``C``, the covered period days, ``mask.sum()``: read from the mask where it is
        already there (computed, or given, as the scan gives each dyad's), else counted
        from the trigger days without it."""
        if "mask" in self.__dict__:
            return int(self.mask.sum())
        return covered_sorted(self.sorted_trigger_days, self.window, self.period)

    @cached_property
    def observed_k(self) -> int:
        """K: responses with a trigger in their window, ``mask[response_offsets].sum()``:
        read from the mask where it is already there, else counted from the responses'
        windows without it."""
        if "mask" in self.__dict__:
            return int(self.mask[self.response_offsets].sum())
        return matched_count(self.response_days, self.sorted_trigger_days, self.window,
                             self.period)

    @cached_property
    def trigger_days(self) -> np.ndarray:
        """The distinct trigger days in reach (sorted): those that can cover a period day."""
        days = distinct(self.triggers.days)
        return days[in_reach(days, self.window, self.period)]

    @cached_property
    def atoms(self) -> "ReachAtoms":
        """The reach cut into atoms for this window (see :mod:`alliancestats._reach`)."""
        from ._reach import reach_atoms

        return reach_atoms(self)

    @property
    def reach_first_day(self) -> int:
        """First day a trigger can be on and still cover a period day."""
        return self.period.first_day - self.window.hi

    @property
    def reach_n_days(self) -> int:
        """Days that can hold a trigger covering some period day: ``T + L - 1``."""
        return self.period.n_days + self.window.length - 1

    @cached_property
    def reach_grid(self) -> np.ndarray:
        """The real trigger days as a boolean grid over the reach days."""
        grid = np.zeros(self.reach_n_days, dtype=bool)
        grid[self.trigger_days - self.reach_first_day] = True
        return grid

    def batches(self, n_resamples: int, width: int) -> list[int]:
        """Split ``n_resamples`` into batch sizes so a (batch, width) array stays small."""
        return list(batch_sizes(n_resamples, width))


def in_reach(trigger_days: np.ndarray, window: Window, period: Period) -> np.ndarray:
    """Which trigger days can cover some period day: ``[start - hi, end - lo]``."""
    days = np.asarray(trigger_days)
    first = max(period.first_day - window.hi, int(_INT64.min))
    last = min(period.last_day - window.lo, int(_INT64.max))
    return (days >= first) & (days <= last)


def column_sums(grid: np.ndarray, ranges: list[tuple[np.ndarray, np.ndarray]]) -> list[np.ndarray]:
    """For each ``(first, stop)`` pair of index arrays: ``sums[b, i]``, the sum of row
    ``b`` of ``grid`` over columns ``first[i] .. stop[i] - 1`` (one cumulative sum)."""
    cumulative = np.zeros((grid.shape[0], grid.shape[1] + 1), dtype=np.int64)
    np.cumsum(grid, axis=1, out=cumulative[:, 1:])
    return [cumulative[:, stop] - cumulative[:, first] for first, stop in ranges]


def grid_hits(grid: np.ndarray, first: list[np.ndarray], length: list[int]) -> list[np.ndarray]:
    """For each ``(first, length)``: ``hits[b, i]``, whether row ``b`` of the trigger
    grid has a trigger in columns ``first[i] .. first[i] + length - 1``."""
    return [sums > 0 for sums in column_sums(grid, [(f, f + n) for f, n in zip(first, length)])]


def k_from_trigger_grid(setup: Setup, grid: np.ndarray,
                        windows: list[Window] | None = None) -> np.ndarray:
    """K for each row of a day-by-day trigger grid over the reach, for the real responses.

    ``grid[b, j]`` counts triggers on day ``reach_first_day + j`` in resample ``b``;
    ``windows`` (inside ``setup.window``) default to ``[setup.window]``. The grid is
    summed over the atoms of the reach (:mod:`alliancestats._reach`) and counted as
    the trigger nulls count. Returns shape ``(B,)``, or ``(len(windows), B)``.
    """
    from ._reach import reach_atoms
    from .statistics import get_statistic

    chosen = windows or [setup.window]
    atoms = reach_atoms(setup, chosen)
    counts = np.add.reduceat(np.asarray(grid, dtype=np.int64), atoms.edges[:-1], axis=1)
    matches = get_statistic("matches")
    ks = [matches.from_atom_counts(setup, atoms, counts, w) for w in range(len(chosen))]
    return ks[0] if windows is None else np.stack(ks)


def build_setup(responses: EventSeries, triggers: EventSeries, *, window: Window, period: Period,
                drop_outside: object = False) -> tuple[Setup, int]:
    """Validate the inputs every test shares; return the setup and the number dropped."""
    _check_types(responses=responses, triggers=triggers, window=window, period=period)
    check_bool(drop_outside, "drop_outside")
    _check_zones(responses, triggers, period)
    kept, n_dropped = _responses_in_period(responses, period, bool(drop_outside))
    return Setup(responses=kept, triggers=triggers, window=window, period=period), n_dropped


def _check_zones(responses: EventSeries, triggers: EventSeries, period: Period) -> None:
    if responses.tz != triggers.tz:
        raise AllianceStatsError(
            f"`responses` dates are in time zone {responses.tz or 'none (naive)'} but "
            f"`triggers` dates in {triggers.tz or 'none (naive)'}; give both in one zone")
    if period.tz is not None and period.tz != responses.tz:
        raise AllianceStatsError(
            f"`period` is in time zone {period.tz} but the events in "
            f"{responses.tz or 'none (naive)'}")


def _responses_in_period(responses: EventSeries, period: Period, drop: bool) -> tuple[EventSeries, int]:
    if len(responses) == 0:
        raise AllianceStatsError("`responses` is empty; a test needs at least one response")
    days = responses.days
    if days.min() >= period.first_day and days.max() <= period.last_day:
        return responses, 0
    outside = np.flatnonzero((days < period.first_day) | (days > period.last_day))
    if not drop:
        rows = responses.source_rows
        ids = [f"{responses.ids[i]} ({name_rows([rows[i]])}, {to_timestamp(days[i]).date()})"
               if responses.id_column else f"{name_rows([rows[i]])} ({to_timestamp(days[i]).date()})"
               for i in outside]
        where = f"`responses` ({responses.name})" if responses.name else "`responses`"
        raise AllianceStatsError(
            f"{where}, column {responses.date_column!r}: {outside.size} response(s) outside "
            f"the period {period!r}: {format_rows(ids)}; pass drop_outside=True to drop them")
    keep = np.ones(len(responses), dtype=bool)
    keep[outside] = False
    inside = responses.select(keep)
    if len(inside) == 0:
        raise AllianceStatsError("`responses`: every response lies outside the period")
    return inside, int(outside.size)

