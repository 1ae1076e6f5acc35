"""Influence: does one response or one trigger carry the result?"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._docstrings import shared
from ._output import json_ready
from ._output import Displayed
from ._setup import Setup, build_setup
from ._strata import CALENDAR, stratum_bounds
from .coincidence import coincidence_test
from .matching import window_counts
from .events import EventSeries
from .period import Period
from .nulls import make_null
from .statistics import AdditiveStatistic, get_statistic
from .window import Window
from ._influence_batch import LeaveOneOut
from .audit._batch import batchable
from .nulls._placement import UnitPlacementNull

#: the keyword arguments of :func:`coincidence_test` that are not options of the null
TEST_ARGUMENTS = ("statistic", "method", "n_resamples", "rng", "alternative", "keep_draws",
                  "progress")

__all__ = ["InfluenceResult", "influence"]


@dataclass(frozen=True, eq=False)
class InfluenceResult(Displayed):
    """Outcome of :func:`influence`.

    Attributes
    ----------
    responses : pandas.DataFrame
        Leave-one-response-out: ``response_id, date, matched, k, n, pvalue`` of the
        test without that response. With a single response, dropping it leaves
        nothing to test: that row has ``k = n = 0`` and ``pvalue = 1`` (no data
        is no evidence).
    triggers : pandas.DataFrame
        Leave-one-trigger-out: ``trigger_id, date, k, pvalue, sole_match_for`` (the
        responses matched only by this trigger), one row per trigger that matches
        at least one response.
    fragile : pandas.DataFrame
        Matched responses that rest on a single trigger (the table rows).
    k, pvalue : the full-data values.
    n_dropped : int
        Responses outside the period dropped with ``drop_outside=True``.
    """

    responses: pd.DataFrame
    triggers: pd.DataFrame
    fragile: pd.DataFrame
    k: int
    pvalue: float
    n_dropped: int = 0

    def max_pvalue(self) -> float:
        """Largest p-value after dropping any one response or trigger.

        Returns
        -------
        float
        """
        return float(max([*self.responses.pvalue, *self.triggers.pvalue]))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (numbers that are not finite become null with a reason).

        Returns
        -------
        dict
        """
        return json_ready({
            "k": self.k, "pvalue": self.pvalue, "max_pvalue_leave_one_out": self.max_pvalue(),
            "n_dropped": self.n_dropped, "responses": self.responses,
            "triggers": self.triggers,
            "single_trigger_matches": self.fragile["response_id"].tolist(),
        })

    _title = "Influence: K and p without each event in turn"
    __repr__ = Displayed._short_repr

    def _pairs(self) -> list[tuple[str, str]]:
        fragile = self.fragile["response_id"].tolist()
        return [("Full data", f"K = {self.k}, p = {self.pvalue:.4g}"),
                ("Largest p", f"{self.max_pvalue():.4g} after dropping any one response or "
                              f"trigger"),
                ("Dropped", f"{len(self.responses)} responses and {len(self.triggers)} "
                            f"matching triggers, one at a time"),
                ("Single-trigger matches", f"{len(fragile)}" + (f": {', '.join(map(str, fragile))}"
                                                                if fragile else ""))]

    def _tables(self) -> list[tuple[str, pd.DataFrame]]:
        return [("Without each response", self.responses),
                ("Without each trigger", self.triggers)]

    def to_frame(self) -> pd.DataFrame:
        """Every leave-one-out test in one table.

        Returns
        -------
        pandas.DataFrame
            One row per dropped event (responses first, then triggers), indexed by
            ``dropped`` (its id): ``kind`` (response or trigger), ``date``, and ``k``
            and ``pvalue`` without it.
        """
        parts = [frame.rename(columns={column: "dropped"})
                 .assign(kind=kind)[["dropped", "kind", "date", "k", "pvalue"]]
                 for frame, column, kind in ((self.responses, "response_id", "response"),
                                             (self.triggers, "trigger_id", "trigger"))]
        return pd.concat(parts).set_index("dropped")


@shared
def influence(
    responses: EventSeries,
    triggers: EventSeries,
    *,
    window: Window,
    period: Period,
    null: str = "uniform",
    drop_outside: bool = False,
    **test_options: Any,
) -> InfluenceResult:
    """Leave-one-out changes in K and p, for responses and for triggers.

    Each row reruns :func:`coincidence_test` with the same null and options on
    the data minus one event. Only triggers that match some response are
    dropped in turn (removing any other trigger can only lower coverage and p).
    Monte Carlo nulls need ``rng=`` for the rows to be comparable.

    Parameters
    ----------
    {shared: responses_triggers window period null drop_outside test_options}

    Returns
    -------
    InfluenceResult

    Notes
    -----
    Leave-one-out tests that are the same test are run once. Under ``uniform`` and
    ``stratified`` with an exact test of K, S or Λ (``greater``), all of them come
    from one batched pass: leaving out response ``i`` keeps every day's score and
    drops one copy of its unit and its score :math:`f(c(t_i))`; leaving out trigger
    day ``s`` lowers the coverage count by one on :math:`[s + lo, s + hi]` only (and
    so Λ's mean coverage :math:`\bar c`), which changes each unit's histogram of
    :math:`c` only where the window overlaps it. Each variant's exact p-value is
    the upper tail of its own sum of units (Fourier inversion of the tilted
    distribution, with a per-row error bound; see
    :mod:`alliancestats._influence_batch`), equal to the test run on its own; the
    responses each trigger matches alone are those in its window with
    :math:`c(t) = 1`. Elsewhere, under ``uniform`` the null depends on the responses
    only through ``n``, and responses with the same score share one test; for
    exact tests under ``uniform`` or ``stratified`` with K or S, triggers whose
    windows change the same multiset of (stratum, :math:`f(c(d))`,
    :math:`f(c(d) - 1)`) and drop K and S by the same amounts share one test.
    Every other null and statistic runs each test. Memory is linear in
    :math:`n + m` (no response-by-trigger array).

    Examples
    --------
    >>> import alliancestats as als
    >>> case = als.datasets.load_iran_venezuela()
    >>> inf = influence(case.meetings, case.independent_sanctions, window=case.window,
    ...                 period=case.period)
    >>> len(inf.fragile), round(inf.max_pvalue(), 3)
    (8, 0.19)
    """
    setup, n_dropped = build_setup(responses, triggers, window=window, period=period,
                                   drop_outside=drop_outside)
    test = lambda r, t: coincidence_test(r, t, window=window, period=period,  # noqa: E731
                                         null=null, **{"progress": False, **test_options})
    full = test(setup.responses, triggers)
    table = full.table
    batch = _batched(null, test_options, setup, full.method)
    if batch is not None and setup.n > 1:
        by_key = batch.responses()
        at = batch.at_response
        matched_now = int((at > 0).sum())
        k = [matched_now - int(c > 0) for c in at.tolist()]
        p = [by_key[key] for key in zip(batch.response_unit.tolist(), at.tolist())]
        n = [setup.n - 1] * setup.n
    else:
        groups = _Groups(null, test_options, setup, full.method)
        results: dict[Any, tuple[int, int, float]] = {}
        rows = []
        for i in range(setup.n):
            key = groups.response_key(i)
            if key not in results:
                keep = np.ones(setup.n, dtype=bool)
                keep[i] = False
                if keep.any():
                    res = test(setup.responses.select(keep), triggers)
                    results[key] = (res.k, res.n, res.pvalue)
                else:   # nothing left to test: K = 0 of 0, and P(K >= 0) = 1 under any null
                    results[key] = (0, 0, 1.0)
            rows.append(results[key])
        k, n, p = (list(column) for column in zip(*rows))
    by_response = pd.DataFrame({"response_id": table.response_id, "date": table.date,
                                "matched": table.matched.astype(bool), "k": k, "n": n,
                                "pvalue": p}).reset_index(drop=True)
    matched = table.matched.to_numpy()
    response_ids = table.response_id.to_numpy()
    if batch is not None and batch.statistic.reads_coverage:
        trigger_rows = _batched_triggers(batch, triggers, full, matched, response_ids)
    else:
        trigger_rows = _triggers_one_key_at_a_time(
            test, _Groups(null, test_options, setup, full.method), setup, triggers, matched,
            response_ids)
    by_trigger = pd.DataFrame(trigger_rows, columns=["trigger_id", "date", "k", "pvalue",
                                                     "sole_match_for"])
    fragile = table[table.matched & (table.n_triggers_in_window == 1)].reset_index(drop=True)
    return InfluenceResult(responses=by_response, triggers=by_trigger, fragile=fragile,
                           k=full.k, pvalue=full.pvalue, n_dropped=n_dropped)


def _batched(null: str, options: dict[str, Any], setup: Setup, method: str
             ) -> LeaveOneOut | None:
    """The batched leave-one-out tests, where they are exactly the tests run one by one:
    the ``uniform`` or ``stratified`` null with one response a unit, an additive
    statistic, exact tests with the ``greater`` alternative, and an exact cost far
    below the budget (so that no left-out event's test would switch to Monte Carlo)."""
    if (method != "exact" or options.get("alternative", "greater") != "greater"
            or options.get("method", "auto") == "monte-carlo"):
        return None
    model = make_null(null, {k: v for k, v in options.items() if k not in TEST_ARGUMENTS})
    statistic = get_statistic(options.get("statistic", "matches"))
    if (model.name not in ("uniform", "stratified") or not isinstance(model, UnitPlacementNull)
            or not isinstance(statistic, AdditiveStatistic) or not batchable(model, statistic)
            or not np.all(model.units(setup).sizes == 1)):
        return None
    batch = LeaveOneOut(model, setup, statistic)
    positions = (_matching_triggers(setup.response_days, setup.triggers.days, setup.window)
                 if statistic.reads_coverage else [])
    return batch if batch.affordable(model, positions, _shared_days(setup.triggers)) else None


def _shared_days(triggers: EventSeries) -> set[int]:
    """The days with more than one trigger."""
    days, counts = np.unique(np.asarray(triggers.days, np.int64), return_counts=True)
    return set(days[counts > 1].tolist())


def _batched_triggers(batch: LeaveOneOut, triggers: EventSeries, full: Any,
                      matched: np.ndarray, response_ids: np.ndarray) -> list[tuple]:
    """Leave-one-trigger-out rows from one batched pass (a trigger sharing its day with
    another leaves the data, and so the test, unchanged)."""
    setup = batch.setup
    shared = _shared_days(triggers)
    positions = _matching_triggers(setup.response_days, triggers.days, setup.window)
    rows, where, out = [], [], []
    for j in positions:
        day = int(triggers.days[j])
        if day in shared:
            out.append([j, full.k, full.pvalue, np.zeros(0, np.int64)])
            continue
        row, sole, k = batch.trigger(day)
        where.append(len(out))
        rows.append(row)
        out.append([j, k, None, sole])
    for i, p in zip(where, batch.triggers(rows).tolist()):
        out[i][2] = p
    ids, dates = triggers.ids, triggers.dates
    return [(ids[j], dates[j], k, p, response_ids[sole].tolist()) for j, k, p, sole in out]


def _triggers_one_key_at_a_time(test: Any, groups: "_Groups", setup: Setup,
                                triggers: EventSeries, matched: np.ndarray,
                                response_ids: np.ndarray) -> list[tuple]:
    """Leave-one-trigger-out rows, one test per distinct key (see :class:`_Groups`)."""
    trigger_rows = []
    ids, dates = triggers.ids, triggers.dates
    by_key: dict[Any, tuple[int, float]] = {}
    for j in _matching_triggers(setup.response_days, triggers.days, setup.window):
        key, sole = groups.trigger_key(int(triggers.days[j]))
        if key is None or key not in by_key:
            keep = np.ones(len(triggers), dtype=bool)
            keep[j] = False
            res = test(setup.responses, triggers.select(keep))
            if key is None:      # the reduced test's own per-response table
                sole = matched & ~res.table.matched.to_numpy()
            else:
                by_key[key] = (res.k, res.pvalue)
            k, p = res.k, res.pvalue
        else:
            k, p = by_key[key]
        trigger_rows.append((ids[j], dates[j], k, p, response_ids[sole].tolist()))
    return trigger_rows


class _Groups:
    r"""Which leave-one-out tests are the same test, so each is run once.

    Under ``uniform`` the null distribution depends on the responses only through
    their number, and under ``stratified`` (exact) only through their number per
    stratum; for an additive statistic (K, S) the observed value without response
    ``i`` is the full value minus response ``i``'s score :math:`f(c(t_i))`. So
    leaving out response ``i`` gives the same test as leaving out any response with
    the same stratum and score: the key is ``(stratum, score)`` (Monte Carlo too
    under ``uniform``, whose draws depend only on the number of responses).

    Leaving out trigger day ``s`` (when no other trigger shares its day) lowers the
    coverage count :math:`c(d)` by one on the period days of its window
    :math:`[s + lo, s + hi]`, and leaves every other day alone. The null then
    changes only through the days whose score changes, :math:`f(c(d)) \ne
    f(c(d) - 1)`, by stratum; the key is the multiset of
    :math:`(\text{stratum}(d), f(c(d)), f(c(d) - 1))` over those days, with the
    drops in K and in the statistic over the responses in the window. Its sole
    matches are the responses in the window with :math:`c(t) = 1`. (Exact tests
    only: Monte Carlo draws read the scores day by day.) A trigger that
    shares its day with another changes nothing but keeps its own test, keyed as
    such. Every other null or statistic (the key None) runs every test, and so does every
    leave-one-trigger-out test of a statistic whose score reads the whole coverage (Λ: the
    mean coverage changes with the trigger, so every day's score does).
    """

    def __init__(self, null: str, options: dict[str, Any], setup: Setup, method: str) -> None:
        model = make_null(null, {k: v for k, v in options.items() if k not in TEST_ARGUMENTS})
        statistic = get_statistic(options.get("statistic", "matches"))
        self.setup = setup
        self.statistic = statistic if isinstance(statistic, AdditiveStatistic) else None
        uniform = model.name == "uniform"
        stratified = model.name == "stratified" and method == "exact"
        self.on = self.statistic is not None and (uniform or stratified)
        # Monte Carlo reads the scores day by day, not their histogram: triggers only exact;
        # a score that reads the whole coverage (Λ's mean) changes on every day: run each
        self.triggers_on = (self.on and method == "exact" and self.statistic is not None
                            and not self.statistic.reads_coverage)
        if not self.on:
            return
        assert self.statistic is not None
        period = setup.period
        self.coverage = setup.coverage_count
        self.score = self.statistic.score(setup)
        self.lowered = self.statistic.scores(np.maximum(self.coverage - 1, 0), self.coverage)
        self.top = int(self.score.max(initial=0))
        strata = model.values.get("strata")
        self.response_stratum = (model.intervals(setup)[0] if stratified
                                 else np.zeros(setup.n, np.int64))
        self.day_stratum: np.ndarray | None = np.zeros(period.n_days, np.int64)
        if stratified:
            calendar = isinstance(strata, list) or strata in CALENDAR
            self.day_stratum = (stratum_bounds(period.day_numbers, strata, period)[0]
                                - period.first_day if calendar else None)  # a column: none
        days, counts = np.unique(np.asarray(setup.triggers.days, np.int64), return_counts=True)
        self.shared_days = set(days[counts > 1].tolist())
        self.order = np.argsort(setup.response_offsets, kind="stable")
        self.sorted_offsets = setup.response_offsets[self.order]

    def response_key(self, i: int) -> Any:
        if not self.on:
            return ("response", i)
        return (int(self.response_stratum[i]), int(self.score[self.setup.response_offsets[i]]))

    def trigger_key(self, day: int) -> tuple[Any, np.ndarray]:
        """The key of leaving out a trigger on ``day`` (None: run it) and its sole matches."""
        setup = self.setup
        none = np.zeros(setup.n, dtype=bool)
        if not self.triggers_on or self.day_stratum is None:
            return None, none
        if day in self.shared_days:
            return ("shared day",), none
        w, period = setup.window, setup.period
        first = max(day + w.lo - period.first_day, 0)
        stop = min(day + w.hi - period.first_day + 1, period.n_days)
        if first >= stop:
            return ("no period day",), none
        before, after = self.score[first:stop], self.lowered[first:stop]
        changed = before != after
        # (stratum, f(c), f(c - 1)) of each changed day, as one sortable code
        width = self.top + 1
        codes = np.sort((self.day_stratum[first:stop][changed] * width + before[changed])
                        * width + after[changed])
        a, b = np.searchsorted(self.sorted_offsets, [first, stop])
        inside = self.order[a:b]                   # responses on the window's period days
        offsets = setup.response_offsets[inside]
        drop = int((self.score[offsets] - self.lowered[offsets]).sum())
        sole_here = inside[self.coverage[offsets] == 1]
        sole = none.copy()
        sole[sole_here] = True
        key = (codes.tobytes(), len(sole_here), drop)
        return key, sole


def _matching_triggers(response_days: np.ndarray, trigger_days: np.ndarray,
                       window: Window) -> list[int]:
    """Positions of the triggers that match at least one response.

    Trigger ``s`` matches response ``t`` when ``lo <= t - s <= hi``, i.e. when a
    response lies at a lag in ``[-hi, -lo]`` from the trigger: the matching
    primitive with the roles swapped, O((n + m) log n), no n x m matrix.
    """
    mirrored = Window(-window.hi, -window.lo)
    return np.flatnonzero(window_counts(np.asarray(trigger_days), response_days, mirrored) > 0).tolist()
