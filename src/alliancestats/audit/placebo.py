r"""Placebos that can tell: the real trigger list shifted by many amounts, tested
under the primary null, and the share of shifted lists as remarkable as the real one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._distinct import distinct as distinct_values
from .._docstrings import shared
from .._output import Displayed, html_block, json_ready, text_block
from .._setup import Setup, build_setup, in_reach
from .._validation import check_integer, check_rng
from ..errors import AllianceStatsError
from ..events import EventSeries
from ..matching import window_counts
from ..nulls import make_null
from ..nulls._placement import unit_groups
from ..period import Period
from ..statistics import AdditiveStatistic, get_statistic
from ..window import Window
from ._batch import (batch_pvalues, batchable, count_histograms,
                     histogram_tails, one_by_one, rows_per_block)

__all__ = ["PlaceboResult", "placebo_test", "placebo_shifts"]

#: smallest shift of the default range, in days
MIN_SHIFT = 60
#: entries of the per-count cumulative table (counts x widened days) the histograms use
HISTOGRAM_LIMIT = 1 << 24


@dataclass(frozen=True, eq=False)
class PlaceboResult:
    """Outcome of :func:`placebo_test`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per shifted list: ``shift`` (days), ``trigger_days`` (distinct
        trigger days in reach), ``statistic``, ``expected`` and ``pvalue`` under
        the null, ``as_remarkable`` (``pvalue`` at most the real list's).
    observed_pvalue : float
        The real list's p-value, computed the same way.
    pvalue : float
        :math:`(1 + A)/(1 + G)`: ``A`` shifted lists at least as remarkable among
        ``G``; the real list counts as one of them.
    share : float
        ``A / G``, the share of shifted lists at least as remarkable.
    null, statistic : str
        The null (with its options) and the statistic tested.
    step, min_shift, max_shift : int
        The shifts tried: every multiple of ``step`` with ``min_shift <= |shift|
        <= max_shift`` that keeps at least half the list in reach.
    method : str
        ``"exact"``, ``"monte-carlo"`` or, if the exact cost differs between lists,
        ``"exact and monte-carlo"``.
    """

    table: pd.DataFrame
    observed_pvalue: float
    pvalue: float
    share: float
    null: str
    statistic: str
    step: int
    min_shift: int
    max_shift: int
    method: str

    @property
    def n_shifts(self) -> int:
        """``G``, the shifted lists tested."""
        return len(self.table)

    def _pairs(self) -> list[tuple[str, str]]:
        shifts = self.table["shift"]
        return [
            ("Test", f"{self.statistic} under {self.null} ({self.method}), the real responses "
                     "against the trigger list shifted"),
            ("Shifts", f"{self.n_shifts} lists: every {self.step} days, {self.min_shift} to "
                       f"{self.max_shift} days either way, keeping at least half the list in "
                       f"reach (from {int(shifts.min()):+d} to {int(shifts.max()):+d})"),
            ("Real list", f"p = {self.observed_pvalue:.4g}"),
            ("As remarkable", f"{int(self.table.as_remarkable.sum())} of {self.n_shifts} "
                              f"shifted lists ({self.share:.1%})"),
            ("Placebo p-value", f"{self.pvalue:.4g}  ((1 + A) / (1 + G))"),
        ]

    @shared
    def summary(self) -> str:
        """The placebo as a plain-text report: the test, the shifts, the real list's p,
        how many shifted lists are as remarkable and the placebo p-value.

        Returns
        -------
        {shared: returns_summary}
        """
        return text_block("Placebo: the trigger list shifted in time", self._pairs())

    def _repr_html_(self) -> str:
        return html_block("Placebo: the trigger list shifted in time", self._pairs(),
                          [("Shifted lists", self.table)])

    __repr__ = Displayed._short_repr

    def to_frame(self) -> pd.DataFrame:
        """The shifted lists as a table.

        Returns
        -------
        pandas.DataFrame
            A copy of :attr:`table`: one row per shifted list.
        """
        return self.table.copy()

    @shared
    def to_dict(self) -> dict[str, Any]:
        """The placebo as a JSON-ready dict: the placebo p-value, the share and every
        shifted list (``shifts``, a list of records).

        Returns
        -------
        {shared: returns_json}
        """
        return json_ready({
            "null": self.null, "statistic": self.statistic, "method": self.method,
            "step": self.step, "min_shift": self.min_shift, "max_shift": self.max_shift,
            "n_shifts": self.n_shifts, "observed_pvalue": self.observed_pvalue,
            "pvalue": self.pvalue, "share": self.share, "shifts": self.table})


def placebo_shifts(trigger_days: np.ndarray, window: Window, period: Period, *, step: int,
                   min_shift: int = MIN_SHIFT, max_shift: int | None = None) -> np.ndarray:
    """The shifts a placebo tries: multiples of ``step`` with ``min_shift <= |shift|``
    (and ``<= max_shift`` if given) whose shifted list keeps at least half as many
    distinct trigger days in reach (able to cover a period day) as the real list.

    Parameters
    ----------
    trigger_days : numpy.ndarray
        The real list's trigger days (day numbers; repeats count once).
    window : Window
        The lags that count.
    period : Period
        The observation period.
    step : int
        Shifts are multiples of ``step`` days.
    min_shift : int
        The smallest shift tried, in days, either way.
    max_shift : int, optional
        The largest shift tried, in days, either way (default: as far as any
        shifted trigger day could still reach the period).

    Returns
    -------
    numpy.ndarray
        The shifts in days (int64, negative before positive, ascending); empty when
        no real trigger day is in reach.

    Examples
    --------
    >>> import alliancestats as als
    >>> days = als.EventSeries(["2019-03-01", "2019-06-01"]).days
    >>> placebo_shifts(days, als.Window(0, 9), als.Period("2019-01-01", "2019-12-31"),
    ...                step=60).tolist()
    [-120, -60, 60, 120, 180, 240, 300]
    """
    distinct = distinct_values(np.asarray(trigger_days, dtype=np.int64))
    first, last = period.first_day - window.hi, period.last_day - window.lo
    real = int(in_reach(distinct, window, period).sum())
    if real == 0 or len(distinct) == 0:
        return np.empty(0, np.int64)
    far = int(distinct.max() - distinct.min()) + (last - first) + 1   # beyond: nothing in reach
    limit = far if max_shift is None else min(max_shift, far)
    if step > limit:                   # not one shift in range (and k * step could overflow)
        return np.empty(0, np.int64)
    k = np.arange(1, limit // step + 1)
    shifts = np.concatenate([-k[::-1], k]) * step
    shifts = shifts[np.abs(shifts) >= min_shift]
    kept = (np.searchsorted(distinct, last - shifts, side="right")
            - np.searchsorted(distinct, first - shifts, side="left"))
    return shifts[2 * kept >= real]


def checked_shifts(triggers: EventSeries, window: Window, period: Period, *, step: Any,
                   min_shift: Any, max_shift: Any) -> tuple[np.ndarray, int, int]:
    """The placebo's shifts, its step and smallest shift, with the arguments checked: a
    range that leaves no shift in reach is an error saying how to widen it."""
    step = window.length if step is None else check_integer(step, "step", minimum=1)
    min_shift = check_integer(min_shift, "min_shift", minimum=1)
    if max_shift is not None:
        max_shift = check_integer(max_shift, "max_shift", minimum=1)
        if max_shift < min_shift:
            raise AllianceStatsError(f"placebo range needs `min_shift` <= `max_shift`, got "
                                     f"{min_shift} > {max_shift}")
    shifts = placebo_shifts(triggers.days, window, period, step=step, min_shift=min_shift,
                            max_shift=max_shift)
    if shifts.size == 0:
        bound = "" if max_shift is None else f" and at most {max_shift}"
        raise AllianceStatsError(
            f"placebo: no shift of the trigger list by a multiple of `step`={step} days, at "
            f"least `min_shift`={min_shift}{bound}, keeps half of its trigger days in reach of "
            f"the period {period!r}; lower `step` or `min_shift`, or raise `max_shift`")
    return shifts, step, min_shift


def placebo_test(
    responses: EventSeries,
    triggers: EventSeries,
    *,
    window: Window,
    period: Period,
    null: str = "uniform",
    statistic: str = "matches",
    step: int | None = None,
    min_shift: int = MIN_SHIFT,
    max_shift: int | None = None,
    n_resamples: int = 999,
    rng: Any = None,
    drop_outside: bool = False,
    **null_options: Any,
) -> PlaceboResult:
    r"""Test the responses against the trigger list shifted in time, and rank the real list.

    A shifted list keeps everything about the triggers (their number, bursts,
    spacing, trend within the list) except their timing relative to the
    responses. If many shifted lists look as "significant" as the real one, the
    real p-value measures something other than a link (a null that does not fit
    these data), whatever its size.

    Parameters
    ----------
    responses, triggers, window, period :
        As in :func:`alliancestats.coincidence_test`.
    null, statistic, **null_options :
        The test (the audit passes its primary analysis).
    step : int, optional
        Shifts are multiples of ``step`` days; default the window length ``L``,
        so that consecutive lists differ by a whole window.
    min_shift : int
        Smallest ``|shift|`` (default 60 days: shorter shifts keep much of the
        real timing, since the window spans ``L`` days).
    max_shift : int, optional
        Largest ``|shift|``; default: as far as the rule below allows.
    n_resamples, rng :
        Monte Carlo settings, used only where the null has no exact distribution
        (each list gets its own stream spawned from ``rng``).
    drop_outside : bool
        Drop responses outside the period first.

    Returns
    -------
    PlaceboResult

    Notes
    -----
    A shift ``δ`` moves every trigger by ``δ`` days (no wrap-around). It is tried
    when the shifted list keeps at least half as many distinct trigger days *in
    reach* (days from which a trigger can cover a period day) as the real list:
    otherwise most of the list has left the period and the placebo tests a
    different, much shorter list. Each list is tested with the same null,
    statistic and one-sided alternative; "at least as remarkable" means
    :math:`p_\delta \le p_{\text{real}}`. The placebo p-value
    :math:`(1 + A)/(1 + G)` counts the real list among the ``G + 1`` lists, as a
    Monte Carlo p-value counts the observation. It is a calibration check, not an
    exact test: shifted lists are not exchangeable with the real one (the list
    moves against the responses' own trends), which is why the verdict uses it
    only next to the primary p-value.

    For the nulls that place units of responses and K, S or Λ the exact p-values
    of all lists come from one vectorised pass (see
    :mod:`alliancestats.audit._batch`): each unit's histogram of the coverage
    count for every shift from one cumulative count, and each list's upper tail by
    Fourier inversion of its tilted distribution at its observed value, with a
    per-list error bound (a list the bound does not certify is convolved in full);
    otherwise each list is tested in turn.

    Examples
    --------
    >>> import alliancestats as als
    >>> case = als.datasets.load_iran_venezuela()
    >>> res = placebo_test(case.meetings, case.independent_sanctions, window=case.window,
    ...                    period=case.period, null="stratified")
    >>> res.n_shifts, round(res.observed_pvalue, 4), round(res.pvalue, 3)
    (84, 0.0384, 0.024)
    """
    model = make_null(null, null_options)
    chosen = get_statistic(statistic)
    model.check_statistic(chosen)
    setup, _ = build_setup(responses, triggers, window=window, period=period,
                           drop_outside=drop_outside)
    n_resamples = check_integer(n_resamples, "n_resamples", minimum=1)
    generator = check_rng(rng)
    model.check_data(setup)
    shifts, step, min_shift = checked_shifts(triggers, window, period, step=step,
                                              min_shift=min_shift, max_shift=max_shift)
    all_shifts = np.concatenate([[0], shifts])
    distinct = distinct_values(triggers.days)
    kept = np.array([int(in_reach(distinct + s, window, period).sum()) for s in all_shifts])
    if batchable(model, chosen):
        assert isinstance(chosen, AdditiveStatistic)
        wide = int(np.abs(all_shifts).max()) * 2 + period.n_days
        # a count of distinct trigger days is at most the window length
        if (np.all(model.units(setup).sizes == 1)          # one response a unit, few counts
                and (window.length + 1) * wide <= HISTOGRAM_LIMIT):
            p, observed, mean = _single_unit_tails(model, setup, chosen, distinct, all_shifts)
        else:
            counts = _shifted_counts(distinct, window, period, all_shifts)
            p, observed, mean = batch_pvalues(model, setup, chosen, chosen.scores(counts, counts))
        method = "exact"
    else:
        setups = [Setup(setup.responses, triggers.shifted(int(s)) if s else triggers, window,
                        period) for s in all_shifts]
        seeds = np.random.SeedSequence(int(generator.integers(2**63)))
        p, observed, mean, method = one_by_one(model, setups, chosen, n_resamples=n_resamples,
                                               seeds=seeds)
    remarkable = p[1:] <= p[0] * (1 + 1e-9)
    table = pd.DataFrame({"shift": shifts, "trigger_days": kept[1:], "statistic": observed[1:],
                          "expected": mean[1:], "pvalue": p[1:], "as_remarkable": remarkable})
    hits = int(remarkable.sum())
    return PlaceboResult(table=table, observed_pvalue=float(p[0]),
                         pvalue=(1 + hits) / (1 + len(shifts)), share=hits / len(shifts),
                         null=model.label(), statistic=chosen.name, step=step,
                         min_shift=min_shift,
                         max_shift=int(np.abs(shifts).max()) if max_shift is None else max_shift,
                         method=method)


def _shifted_counts(distinct: np.ndarray, window: Window, period: Period,
                    shifts: np.ndarray) -> np.ndarray:
    """``c_δ(d)`` for every shift (rows) and period day (columns): the list moved by δ
    covers day ``d`` as the real list covers ``d - δ``, so one count over the period
    widened by the largest shift serves every row."""
    wide = int(np.abs(shifts).max(initial=0))
    days = np.arange(period.first_day - wide, period.last_day + wide + 1)
    counts = window_counts(days, distinct, window)
    index = (np.arange(period.n_days)[None, :] + wide - shifts[:, None])
    return counts[index]


def _single_unit_tails(model: Any, setup: Setup, statistic: AdditiveStatistic,
                       distinct: np.ndarray, shifts: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """p-values, observed values and means for every shift when each unit is one
    response: the histogram of ``c_δ`` over each distinct unit's candidates comes from
    one cumulative count per value over the period widened by the largest shift (the
    list moved by δ covers day ``d`` as the real list covers ``d - δ``), never a
    shifts x days array."""
    window, period = setup.window, setup.period
    units, which = unit_groups(model.units(setup))
    wide = int(np.abs(shifts).max(initial=0))
    counts = window_counts(np.arange(period.first_day - wide, period.last_day + wide + 1),
                           distinct, window)
    top = int(counts.max(initial=0))
    histograms = count_histograms(counts, top)                   # (top + 1, days + 1)
    first, last = units.low + units.rel, units.high + units.rel  # one member a unit
    running = np.concatenate([[0], np.cumsum(counts)])
    copies = np.bincount(which, minlength=len(units.low))
    out = [np.empty(len(shifts)) for _ in range(3)]
    rows = rows_per_block(len(units.low))                       # bounded memory
    for block in range(0, len(shifts), rows):
        here = slice(block, block + rows)
        start = wide - shifts[here]                             # where each row's day 0 is
        per_row = (histograms[:, start[:, None] + last[None, :] + 1]
                   - histograms[:, start[:, None] + first[None, :]]).transpose(1, 2, 0)
        coverage_sum = running[start + period.n_days] - running[start]
        at = counts[start[:, None] + setup.response_offsets[None, :]]
        at = np.bincount(((top + 1) * np.arange(len(start))[:, None] + at).ravel(),
                         minlength=len(start) * (top + 1)).reshape(len(start), top + 1)
        for target, value in zip(out, histogram_tails(statistic, per_row, units.width, copies,
                                                      coverage_sum, period.n_days, at)):
            target[here] = value
    return out[0], out[1], out[2]
