"""The primitive everything derives from: which triggers fall in each day's window.

For a day ``t`` (a response, or any day of the period) the qualifying triggers are
those on days ``s`` with ``lo <= t - s <= hi``, i.e. ``t - hi <= s <= t - lo``.
With the trigger days sorted, two binary searches give that range for every day
at once; its size is the number of triggers in the window, and the day is
*matched* when it is not empty. The *coverage mask* is the same question asked
of every day of the period.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._dates import to_timestamps
from .errors import AllianceStatsError
from .events import EventSeries
from .period import Period
from .window import Window

__all__ = ["Coverage", "coverage", "match_table", "window_counts", "nearest_triggers",
           "coverage_counts", "covered_day_count"]


def _sorted(trigger_days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(trigger_days, kind="stable")
    return np.asarray(trigger_days, dtype=np.int64)[order], order


def realised_lags(days: np.ndarray, sorted_days: np.ndarray, window: Window) -> tuple[int, int]:
    """``(lo, hi)`` of ``window`` clipped to the lags these days and triggers can have.

    Every lag ``t - s`` lies in ``[min(days) - max(s), max(days) - min(s)]``; clipping
    the window to one day beyond that range on each side changes no match, and keeps
    ``days - hi`` and ``days - lo`` close to the data however long the window is (a
    window of millions of days, or one entirely beyond the data, is handled exactly).
    """
    if len(days) == 0 or len(sorted_days) == 0:
        return 0, 0
    return _clipped_lags(int(np.min(days)), int(np.max(days)), sorted_days, window)


def _clipped_lags(first: int, last: int, sorted_days: np.ndarray, window: Window) -> tuple[int, int]:
    """:func:`realised_lags` for days spanning ``first..last`` (``sorted_days`` not empty)."""
    smallest = first - int(sorted_days[-1]) - 1
    largest = last - int(sorted_days[0]) + 1
    return min(max(window.lo, smallest), largest), min(max(window.hi, smallest), largest)


def _bounds(sorted_days: np.ndarray, days: np.ndarray, window: Window,
            within: Period | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``[left, right)`` of the sorted triggers in each day's window
    (``within``: a period known to hold every one of ``days``)."""
    lo, hi = (realised_lags(days, sorted_days, window) if within is None or len(sorted_days) == 0
              else _clipped_lags(within.first_day, within.last_day, sorted_days, window))
    left = sorted_days.searchsorted(days - hi, side="left")
    right = sorted_days.searchsorted(days - lo, side="right")
    return left, np.maximum(right, left)


def window_counts(days: np.ndarray, trigger_days: np.ndarray, window: Window) -> np.ndarray:
    """Number of triggers whose lag to each of ``days`` lies in ``window``.

    Parameters
    ----------
    days : array of int
        Day numbers (days since 1970-01-01) of the responses or period days.
    trigger_days : array of int
        Day numbers of the triggers, in any order; a day may repeat.
    window : Window
        The lags ``t - s`` that count.

    Returns
    -------
    numpy.ndarray of int64
        One count per entry of ``days``.
    """
    sorted_days = np.sort(np.asarray(trigger_days, dtype=np.int64))
    left, right = _bounds(sorted_days, np.asarray(days, dtype=np.int64), window)
    return right - left


def matched_count(days: np.ndarray, sorted_days: np.ndarray, window: Window, period: Period) -> int:
    """How many of ``days`` (all inside ``period``) have a trigger in their window,
    from trigger days already sorted (int64): K for the responses."""
    left, right = _bounds(sorted_days, days, window, within=period)
    return int(np.count_nonzero(right - left))


def nearest_triggers(
    days: np.ndarray, trigger_days: np.ndarray, window: Window
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each day: triggers in the window, lag to the nearest, and its position.

    The nearest qualifying trigger is the one with the smallest ``|t - s|``;
    a tie between ``+d`` and ``-d`` goes to the trigger before the response
    (positive lag), and among triggers on the same day to the first listed.

    Parameters
    ----------
    days : array of int
        Day numbers (days since 1970-01-01) of the responses.
    trigger_days : array of int
        Day numbers of the triggers, in input order.
    window : Window
        The lags ``t - s`` that count.

    Returns
    -------
    count : int64 array
        Triggers in the window (0: not matched).
    lag : int64 array
        ``t - s`` for the nearest qualifying trigger; meaningless where count is 0.
    position : int64 array
        Position of that trigger in ``trigger_days`` (input order), -1 if none.
    """
    days = np.asarray(days, dtype=np.int64)
    sorted_days, order = _sorted(trigger_days)
    left, right = _bounds(sorted_days, days, window)
    count = right - left
    split = np.searchsorted(sorted_days, days, side="right")  # first trigger after t
    before = np.minimum(split, right) - 1  # last qualifying trigger on or before t
    after = np.maximum(split, left)  # first qualifying trigger after t
    has_before = before >= left
    has_after = after < right
    safe = lambda i: np.clip(i, 0, max(len(sorted_days) - 1, 0))  # noqa: E731
    big = np.iinfo(np.int64).max
    if len(sorted_days):
        lag_before = np.where(has_before, days - sorted_days[safe(before)], big)
        lag_after = np.where(has_after, sorted_days[safe(after)] - days, big)
    else:
        lag_before = lag_after = np.full(days.shape, big)
    use_before = has_before & (lag_before <= lag_after)
    pick = np.where(use_before, before, after)
    if len(sorted_days):
        # first listed trigger among those on the chosen day
        pick = np.searchsorted(sorted_days, sorted_days[safe(pick)], side="left")
    lag = np.where(use_before, lag_before, -lag_after)
    matched = count > 0
    position = np.where(matched, order[safe(pick)] if len(order) else -1, -1)
    lag = np.where(matched, lag, 0)
    return count, lag, position


@dataclass(frozen=True, eq=False)
class Coverage:
    """Which days of the period a response would be matched on.

    Attributes
    ----------
    mask : numpy.ndarray of bool, shape (T,)
        ``mask[i]`` is True when period day ``i`` has a trigger in its window.
    period, window :
        What the mask was computed for.
    """

    mask: np.ndarray
    period: Period
    window: Window

    @property
    def covered_days(self) -> int:
        """``C``, the number of covered days."""
        return int(self.mask.sum())

    @property
    def share(self) -> float:
        """``p_cov = C / T``."""
        return self.covered_days / self.period.n_days

    def to_series(self) -> pd.Series:
        """The mask as a boolean Series indexed by the period's dates.

        Returns
        -------
        pandas.Series
        """
        return pd.Series(self.mask, index=self.period.dates, name="covered")

    def __repr__(self) -> str:
        return (f"Coverage(C={self.covered_days} of T={self.period.n_days} days, "
                f"share={self.share:.4f}, window={self.window})")


def coverage_counts(trigger_days: np.ndarray, window: Window, period: Period) -> np.ndarray:
    """``c(d)``: for each period day ``d``, the distinct trigger days in its window.

    Several triggers on one day count once: the statistics built on ``c`` (see
    :mod:`alliancestats.statistics`) and the nulls that redraw triggers work with
    trigger *days*. ``c(d) > 0`` is the coverage mask.

    Parameters
    ----------
    trigger_days : array of int
        Day numbers (days since 1970-01-01) of the triggers; a day may repeat.
    window : Window
        The lags that count.
    period : Period
        The days ``d`` to count for.

    Returns
    -------
    numpy.ndarray of int64
        ``c(d)`` for each day of the period, in order.
    """
    days = np.sort(np.asarray(trigger_days, dtype=np.int64))
    n_days = period.n_days
    if days.size == 0:
        return np.zeros(n_days, dtype=np.int64)
    days = days[np.concatenate(([True], days[1:] != days[:-1]))]     # distinct days
    # trigger day s covers the period offsets [s + lo, s + hi] - first day: +1 where
    # that range starts, -1 after it ends (both clipped to the period), then a running sum
    lo, hi = _clipped_lags(period.first_day, period.last_day, days, window)
    start = np.minimum(np.maximum(days + (lo - period.first_day), 0), n_days)
    stop = np.minimum(np.maximum(days + (hi + 1 - period.first_day), 0), n_days)
    steps = np.bincount(start, minlength=n_days + 1) - np.bincount(stop, minlength=n_days + 1)
    return np.cumsum(steps[:n_days])


def covered_day_count(trigger_days: np.ndarray, window: Window, period: Period) -> int:
    """``C``: the period days with a trigger in their window, ``(c > 0).sum()``.

    Counted from the sorted trigger days alone, without a per-day array: trigger day
    ``s`` covers the offsets ``[s + lo, s + hi]`` (clipped to the period); all these
    ranges have one length, so in order of ``s`` their ends never decrease, and each
    adds the days past the previous end.

    Parameters
    ----------
    trigger_days : array of int
        Day numbers (days since 1970-01-01) of the triggers, in any order; a day may
        repeat.
    window : Window
        The lags that count.
    period : Period
        The days to count.

    Returns
    -------
    int
        ``C``, equal to ``(coverage_counts(trigger_days, window, period) > 0).sum()``.
    """
    return covered_sorted(np.sort(np.asarray(trigger_days, dtype=np.int64)), window, period)


def covered_sorted(sorted_days: np.ndarray, window: Window, period: Period) -> int:
    """:func:`covered_day_count` of trigger days already sorted (int64)."""
    if sorted_days.size == 0:
        return 0
    lo, hi = _clipped_lags(period.first_day, period.last_day, sorted_days, window)
    # the range of each trigger day, cut to the period: a start past its end is empty
    start = np.maximum(sorted_days + (lo - period.first_day), 0)
    end = np.minimum(sorted_days + (hi - period.first_day), period.n_days - 1)
    start[1:] = np.maximum(start[1:], end[:-1] + 1)      # the days past the previous end
    return int(np.maximum(end - start + 1, 0).sum())


def coverage_mask(trigger_days: np.ndarray, window: Window, period: Period) -> np.ndarray:
    """Boolean mask over the period days: would a response there be matched?"""
    return coverage_counts(trigger_days, window, period) > 0


def coverage(triggers: EventSeries, *, window: Window, period: Period) -> Coverage:
    """The coverage mask of ``triggers`` over ``period`` for ``window``.

    Triggers outside the period still cover the days of the period that lie
    within their window (a sanction on 2012-12-20 covers early January 2013).

    Parameters
    ----------
    triggers : EventSeries
        The triggers.
    window : Window
        The lags that count as a match.
    period : Period
        The observation period.

    Returns
    -------
    Coverage
        The mask, with the number and share of covered days.

    Examples
    --------
    >>> cov = coverage(EventSeries(["2012-12-30", "2013-01-20"]),
    ...                window=Window.after(days=2), period=Period("2013-01-01", "2013-01-31"))
    >>> cov.covered_days, round(cov.share, 4)
    (4, 0.129)
    """
    _check_types(triggers=triggers, window=window, period=period)
    mask = coverage_mask(triggers.days, window, period)
    mask.setflags(write=False)
    return Coverage(mask=mask, period=period, window=window)


def match_table(responses: EventSeries, triggers: EventSeries, *, window: Window) -> pd.DataFrame:
    """One row per response: is it matched, and by which trigger.

    Columns: ``response_id``, ``date``, ``matched``, ``lag_days`` (to the nearest
    qualifying trigger, ``<NA>`` if none), ``trigger_date``, ``trigger_id`` and
    ``n_triggers_in_window`` (every qualifying trigger, same-day ones included).
    Response attributes follow (the date and id columns are already there as
    ``date`` and ``response_id``). An attribute whose name is one of the columns
    above (say ``matched``) is kept as ``response_matched``: ``response_`` is put in
    front, repeatedly if that name is taken too. Rows keep the responses' order.

    Parameters
    ----------
    responses, triggers : EventSeries
        The responses (one row each) and the triggers that may match them.
    window : Window
        The lags ``t - s`` that count as a match.

    Returns
    -------
    pandas.DataFrame
        One row per response, the columns above.

    Examples
    --------
    >>> t = match_table(EventSeries(["2019-02-23", "2019-06-01"]),
    ...                 EventSeries(["2019-01-28", "2019-02-15"]), window=Window.after(days=30))
    >>> t[["matched", "lag_days", "n_triggers_in_window"]].to_dict("list")
    {'matched': [True, False], 'lag_days': [8, None], 'n_triggers_in_window': [2, 0]}
    """
    _check_types(responses=responses, triggers=triggers, window=window)
    count, lag, position = nearest_triggers(responses.days, triggers.days, window)
    matched = count > 0
    safe = np.clip(position, 0, None)
    trigger_days = triggers.days[safe] if len(triggers) else np.zeros(len(responses), np.int64)
    trigger_dates = np.where(matched, trigger_days.astype("datetime64[D]"), np.datetime64("NaT"))
    trigger_ids = np.full(len(responses), None, dtype=object)
    if len(triggers):
        trigger_ids[matched] = np.asarray(triggers.ids, dtype=object)[safe[matched]]
    table = pd.DataFrame({
        "response_id": responses.ids,
        "date": to_timestamps(responses.days),
        "matched": matched,
        "lag_days": pd.arrays.IntegerArray(lag.astype(np.int64), ~matched),
        "trigger_date": pd.DatetimeIndex(trigger_dates.astype("datetime64[s]")),
        "trigger_id": trigger_ids,
        "n_triggers_in_window": count,
    })
    attributes = responses.frame.drop(columns=[responses.date_column])
    if responses.id_column is not None:
        attributes = attributes.drop(columns=[responses.id_column])
    return pd.concat([table, _renamed(attributes, table.columns).reset_index(drop=True)], axis=1)


def _renamed(attributes: pd.DataFrame, taken: pd.Index) -> pd.DataFrame:
    """Attributes named like a table column get ``response_`` in front (repeated
    until the name is free), so none is lost or overwritten."""
    used = set(taken) | set(attributes.columns)
    names = {}
    for column in attributes.columns:
        if column in taken:
            name = f"response_{column}"
            while name in used:
                name = f"response_{name}"
            names[column] = name
            used.add(name)
    return attributes.rename(columns=names)


def _check_types(**arguments: object) -> None:
    expected = {"responses": EventSeries, "triggers": EventSeries, "window": Window, "period": Period}
    for name, value in arguments.items():
        kind = expected[name]
        if not isinstance(value, kind):
            raise AllianceStatsError(
                f"`{name}` must be an alliancestats.{kind.__name__}, got {type(value).__name__}"
            )
