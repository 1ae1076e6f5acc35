"""Stage 1 of the scan: raw event rows to small arrays of distinct (pair, day) triples.

This is the only part of the scan that touches event rows. Another engine (DuckDB,
Dask) replaces :func:`reduce_events` with a query returning the same
:class:`Reduced` arrays, e.g. ``SELECT DISTINCT least(s, t), greatest(s, t), day``;
stage 2 (:mod:`alliancestats.scanning.stats`) never sees a row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..io.table import EventTable


@dataclass(frozen=True)
class Reduced:
    """Distinct triples, countries as integer ids into ``countries``.

    Attributes
    ----------
    countries : numpy.ndarray of str
        Country codes, sorted; ids index into it.
    pair_a, pair_b, pair_day : numpy.ndarray of int64
        Distinct ``(a, b, day)`` with ``a < b``: a day with at least one event
        between ``a`` and ``b`` (either direction) whose code is in the response
        codes, within ``dyad_days``.
    actor_target, actor_day : numpy.ndarray of int64, or None
        Distinct ``(target, day)``: a day on which the trigger actor had an event
        with a trigger code on ``target`` (never itself), within ``actor_days``.
    """

    countries: np.ndarray
    pair_a: np.ndarray
    pair_b: np.ndarray
    pair_day: np.ndarray
    actor_target: np.ndarray | None
    actor_day: np.ndarray | None


def reduce_events(table: EventTable, *, codes: Any, dyad_days: tuple[int, int],
                  trigger_actor: str | None = None, trigger_codes: Any = None,
                  actor_days: tuple[int, int] | None = None) -> Reduced:
    """Reduce an event table (pandas engine) to the triples the scan's statistics need.

    ``dyad_days`` and ``actor_days`` are inclusive day-number ranges.
    """
    frame = table.frame
    countries = np.asarray(frame["source"].cat.categories, dtype=object)
    src = frame["source"].cat.codes.to_numpy().astype(np.int64)
    tgt = frame["target"].cat.codes.to_numpy().astype(np.int64)
    days = table.days
    n_countries = max(len(countries), 1)

    first, last = dyad_days
    keep = (table.code_mask(codes) & (src >= 0) & (tgt >= 0) & (src != tgt)
            & (days >= first) & (days <= last))
    a, b = np.minimum(src[keep], tgt[keep]), np.maximum(src[keep], tgt[keep])
    span = last - first + 1
    key = np.unique((a * n_countries + b) * span + (days[keep] - first))
    pair, day = np.divmod(key, span)
    pair_a, pair_b = np.divmod(pair, n_countries)

    actor_target = actor_day = None
    if trigger_actor is not None and actor_days is not None:
        actor = int(countries.tolist().index(trigger_actor)) if trigger_actor in countries else -2
        lo, hi = actor_days
        chosen = (table.code_mask(trigger_codes, argument="trigger_codes") & (src == actor)
                  & (tgt >= 0) & (tgt != actor) & (days >= lo) & (days <= hi))
        span_actor = hi - lo + 1
        key = np.unique(tgt[chosen] * span_actor + (days[chosen] - lo))
        actor_target, offset = np.divmod(key, span_actor)
        actor_day = offset + lo
    return Reduced(countries=countries, pair_a=pair_a, pair_b=pair_b, pair_day=day + first,
                   actor_target=actor_target, actor_day=actor_day)
