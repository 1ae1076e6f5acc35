r"""Every leave-one-out test of :func:`alliancestats.influence` at once, for the nulls
that place single responses (``uniform``, ``stratified``) and an exact additive
statistic.

Leaving out response ``i`` keeps every day's coverage count :math:`c(d)` (and so
every score, Λ's too: the mean coverage :math:`\bar c` reads the triggers only) and
drops one copy of ``i``'s unit and its score from the observed value: responses with
the same unit and :math:`c(t_i)` give the same test. Leaving out a trigger on day
``s`` that no other trigger shares lowers :math:`c` by one on the period days of its
window :math:`[s + lo, s + hi]` and nothing else, so :math:`\sum_d c(d)` drops by
the number of those days (Λ's :math:`\bar c`, hence every day's score, changes with
it), each unit's histogram of :math:`c` changes only where it overlaps the window,
and so do the responses' counts. Each variant is one row of
:func:`alliancestats.audit._batch.histogram_tails`: unit histograms of the counts,
their sum and the responses' counts, with the unit multiplicities. A trigger that
shares its day leaves the data unchanged: its test is the full one.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._convolution import EXACT_BUDGET
from ._distinct import distinct
from ._setup import Setup
from .audit._batch import histogram_tails, rows_per_block
from .nulls._placement import UnitPlacementNull, unit_groups
from .statistics import AdditiveStatistic

class LeaveOneOut:
    """The full data's unit histograms, and the rows that leave out one event."""

    def __init__(self, model: UnitPlacementNull, setup: Setup, statistic: AdditiveStatistic):
        self.setup, self.statistic = setup, statistic
        units, which = unit_groups(model.units(setup))
        self.units = units
        self.copies = np.bincount(which, minlength=len(units.low))
        self.response_unit = which[model.units(setup).unit]        # one response a unit
        self.coverage = setup.coverage_count
        self.top = int(self.coverage.max(initial=0))
        self.first, self.last = units.low + units.rel, units.high + units.rel
        self.histograms = np.stack([self._counts(a, b) for a, b in
                                    zip(self.first.tolist(), self.last.tolist())])
        self.at_response = self.coverage[setup.response_offsets]
        self.at_responses = np.bincount(self.at_response, minlength=self.top + 2)
        self._rows: dict[int, tuple[Any, np.ndarray, int]] = {}

    def affordable(self, model: UnitPlacementNull, positions: list[int], shared: set[int]
                   ) -> bool:
        """Whether every leave-one-out test is within the exact budget (as one test would
        find, so none of them would switch to Monte Carlo): the cost depends on the
        unit multiplicities and on the top score, so one reduced data set per unit
        left out, and one per (top count, coverage sum) of the left-out triggers, is
        priced."""
        setup = self.setup
        responses, triggers = setup.responses, setup.triggers
        variants = []
        # units with as many copies and candidates cost the same without one of them
        present = distinct(self.response_unit)
        _, first = np.unique(np.column_stack([self.copies[present], self.units.width[present]]),
                             axis=0, return_index=True)
        for unit in present[first].tolist():
            keep = np.ones(setup.n, dtype=bool)
            keep[int(np.flatnonzero(self.response_unit == unit)[0])] = False
            variants.append(Setup(responses.select(keep), triggers, setup.window,
                                  setup.period))
        seen = set()
        for j in positions:
            day = int(triggers.days[j])
            if day in shared:
                continue
            histograms, total, _ = self.trigger(day)[0]
            key = (int(np.flatnonzero(histograms.sum(axis=0))[-1]), total)
            if key not in seen:
                seen.add(key)
                keep = np.ones(len(triggers), dtype=bool)
                keep[j] = False
                variants.append(Setup(responses, triggers.select(keep), setup.window,
                                      setup.period))
        return all(model.exact_cost(v, self.statistic) <= EXACT_BUDGET for v in variants)

    def _counts(self, first: int, last: int) -> np.ndarray:
        """How many of the period offsets ``first .. last`` have each coverage count."""
        return np.bincount(self.coverage[first: last + 1], minlength=self.top + 2)

    def responses(self) -> dict[tuple[int, int], float]:
        """The p-value without one response, by its key: its unit and its count."""
        keys = np.column_stack([self.response_unit, self.at_response])
        distinct = np.unique(keys, axis=0)
        rows = len(distinct)
        copies = np.repeat(self.copies[None, :], rows, axis=0)
        copies[np.arange(rows), distinct[:, 0]] -= 1
        at = np.repeat(self.at_responses[None, :], rows, axis=0)
        at[np.arange(rows), distinct[:, 1]] -= 1
        histograms = np.broadcast_to(self.histograms, (rows, *self.histograms.shape))
        total = np.full(rows, int(self.coverage.sum()))
        p = self._tails(histograms, copies, total, at)
        return dict(zip(map(tuple, distinct.tolist()), p.tolist()))

    def trigger(self, day: int) -> tuple[Any, np.ndarray, int]:
        """The row of leaving out a trigger on ``day`` (not shared with another):
        histograms, coverage sum and responses' counts; its sole matches; its K."""
        if day not in self._rows:
            self._rows[day] = self._trigger(day)
        return self._rows[day]

    def _trigger(self, day: int) -> tuple[Any, np.ndarray, int]:
        setup, period, window = self.setup, self.setup.period, self.setup.window
        a = max(day + window.lo - period.first_day, 0)
        b = min(day + window.hi - period.first_day, period.n_days - 1)
        histograms = self.histograms.copy()
        for u in np.flatnonzero((self.first <= b) & (self.last >= a)).tolist():
            removed = self._counts(max(a, int(self.first[u])), min(b, int(self.last[u])))
            histograms[u] -= removed
            histograms[u, :-1] += removed[1:]                          # c - 1 on the window
        offsets = setup.response_offsets
        inside = np.flatnonzero((offsets >= a) & (offsets <= b))
        counts = self.at_response[inside]
        at = (self.at_responses - np.bincount(counts, minlength=self.top + 2)
              + np.bincount(counts - 1, minlength=self.top + 2)[: self.top + 2]
              if counts.size else self.at_responses.copy())
        sole = inside[counts == 1]
        k = int((self.at_response > 0).sum()) - len(sole)
        row = (histograms, int(self.coverage.sum()) - max(b - a + 1, 0), at)
        return row, sole, k

    def triggers(self, rows: list[Any]) -> np.ndarray:
        """p-values of trigger rows from :meth:`trigger` (equal rows, e.g. windows that
        lower the same counts in the same unit, are computed once)."""
        index: dict[bytes, int] = {}
        key = np.array([index.setdefault(h.tobytes() + np.int64(total).tobytes() + at.tobytes(),
                                         len(index)) for h, total, at in rows], dtype=np.int64)
        distinct = np.unique(key, return_index=True)[1].tolist()   # key k's first row
        out = np.empty(len(distinct))
        step = rows_per_block(len(self.units.low))
        for start in range(0, len(distinct), step):
            part = [rows[r] for r in distinct[start: start + step]]
            out[start: start + len(part)] = self._tails(
                np.stack([r[0] for r in part]), self.copies[None, :],
                np.array([r[1] for r in part]), np.stack([r[2] for r in part]))
        return out[key]

    def _tails(self, histograms: np.ndarray, copies: np.ndarray, total: np.ndarray,
               at: np.ndarray) -> np.ndarray:
        out = np.empty(len(histograms))
        step = rows_per_block(len(self.units.low))
        for first in range(0, len(histograms), step):
            part = slice(first, first + step)
            rows = len(histograms[part])
            out[part] = histogram_tails(
                self.statistic, histograms[part], self.units.width,
                np.broadcast_to(copies, (len(histograms), copies.shape[1]))[part],
                total[part], self.setup.period.n_days, at[part])[0][:rows]
        return out
