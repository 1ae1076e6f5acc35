"""Influence: does one response or one trigger carry the result?"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._docstrings import shared
from ._output import json_ready
from ._output import Displayed
from ._setup import build_setup
from .coincidence import coincidence_test
from .matching import window_counts
from .events import EventSeries
from .period import Period
from .window import Window

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
    rows = []
    for i in range(setup.n):
        keep = np.ones(setup.n, dtype=bool)
        keep[i] = False
        if keep.any():
            res = test(setup.responses.select(keep), triggers)
            k, n, p = res.k, res.n, res.pvalue
        else:   # nothing left to test: K = 0 of 0, and P(K >= 0) = 1 under any null
            k, n, p = 0, 0, 1.0
        rows.append((table.response_id.iloc[i], table.date.iloc[i], bool(table.matched.iloc[i]),
                     k, n, p))
    by_response = pd.DataFrame(rows, columns=["response_id", "date", "matched", "k", "n", "pvalue"])
    trigger_rows = []
    ids = triggers.ids
    for j in _matching_triggers(setup.response_days, triggers.days, window):
        keep = np.ones(len(triggers), dtype=bool)
        keep[j] = False
        reduced = triggers.select(keep)
        res = test(setup.responses, reduced)
        still = res.table.matched.to_numpy()  # the reduced test's own per-response table
        sole = table.response_id[table.matched.to_numpy() & ~still].tolist()
        trigger_rows.append((ids[j], triggers.dates[j], res.k, res.pvalue, sole))
    by_trigger = pd.DataFrame(trigger_rows, columns=["trigger_id", "date", "k", "pvalue",
                                                     "sole_match_for"])
    fragile = table[table.matched & (table.n_triggers_in_window == 1)].reset_index(drop=True)
    return InfluenceResult(responses=by_response, triggers=by_trigger, fragile=fragile,
                           k=full.k, pvalue=full.pvalue, n_dropped=n_dropped)


def _matching_triggers(response_days: np.ndarray, trigger_days: np.ndarray,
                       window: Window) -> list[int]:
    """Positions of the triggers that match at least one response.

    Trigger ``s`` matches response ``t`` when ``lo <= t - s <= hi``, i.e. when a
    response lies at a lag in ``[-hi, -lo]`` from the trigger: the matching
    primitive with the roles swapped, O((n + m) log n), no n x m matrix.
    """
    mirrored = Window(-window.hi, -window.lo)
    return np.flatnonzero(window_counts(np.asarray(trigger_days), response_days, mirrored) > 0).tolist()
