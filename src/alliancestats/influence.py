"""Influence: does one response or one trigger carry the result?"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._setup import build_setup
from .coincidence import coincidence_test
from .events import EventSeries
from .period import Period
from .window import Window

__all__ = ["InfluenceResult", "influence"]


@dataclass(frozen=True, eq=False)
class InfluenceResult:
    """Outcome of :func:`influence`.

    Attributes
    ----------
    responses : pandas.DataFrame
        Leave-one-response-out: ``response_id, date, matched, k, n, pvalue`` of the
        test without that response.
    triggers : pandas.DataFrame
        Leave-one-trigger-out: ``trigger_id, date, k, pvalue, sole_match_for`` (the
        responses matched only by this trigger), one row per trigger that matches
        at least one response.
    fragile : pandas.DataFrame
        Matched responses that rest on a single trigger (the table rows).
    k, pvalue : the full-data values.
    """

    responses: pd.DataFrame
    triggers: pd.DataFrame
    fragile: pd.DataFrame
    k: int
    pvalue: float

    def max_pvalue(self) -> float:
        """Largest p-value after dropping any one response or trigger."""
        return float(max(self.responses.pvalue.max(), self.triggers.pvalue.max()
                         if len(self.triggers) else self.pvalue))


def influence(
    responses: EventSeries,
    triggers: EventSeries,
    *,
    window: Window,
    period: Period,
    null: str = "uniform",
    **test_options: Any,
) -> InfluenceResult:
    """Leave-one-out changes in K and p, for responses and for triggers.

    Each row reruns :func:`coincidence_test` with the same null and options on
    the data minus one event. Only triggers that match some response are
    dropped in turn (removing any other trigger can only lower coverage and p).
    Monte Carlo nulls need ``rng=`` for the rows to be comparable.

    Examples
    --------
    >>> import alliancestats as als
    >>> case = als.datasets.load_iran_venezuela()
    >>> inf = influence(case.meetings, case.independent_sanctions, window=case.window,
    ...                 period=case.period)
    >>> len(inf.fragile), round(inf.max_pvalue(), 3)
    (8, 0.19)
    """
    setup, _ = build_setup(responses, triggers, window=window, period=period)
    test = lambda r, t: coincidence_test(r, t, window=window, period=period,  # noqa: E731
                                         null=null, **test_options)
    full = test(setup.responses, triggers)
    table = full.table
    rows = []
    for i in range(setup.n):
        keep = np.ones(setup.n, dtype=bool)
        keep[i] = False
        if keep.any():
            res = test(setup.responses.select(keep), triggers)
            rows.append((table.response_id.iloc[i], table.date.iloc[i], bool(table.matched.iloc[i]),
                         res.k, res.n, res.pvalue))
    by_response = pd.DataFrame(rows, columns=["response_id", "date", "matched", "k", "n", "pvalue"])
    positions = _matching_triggers(setup.response_days, triggers.days, window)
    trigger_rows = []
    ids = triggers.ids
    for j in positions:
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
                           k=full.k, pvalue=full.pvalue)


def _matching_triggers(response_days: np.ndarray, trigger_days: np.ndarray,
                       window: Window) -> list[int]:
    lags = response_days[:, None] - np.asarray(trigger_days)[None, :]
    hit = ((lags >= window.lo) & (lags <= window.hi)).any(axis=0)
    return np.flatnonzero(hit).tolist()
