"""Stage 1 of the scan: raw event rows to small arrays of distinct (pair, day) triples.

This is the only part of the scan that touches event rows: :func:`reduce_events` for
an :class:`EventTable` in memory; the engines (:mod:`alliancestats.scanning.engines`)
reach the same :class:`Keys` from raw files or frames (pandas and Dask partitions by
:func:`reduce_arrays`, DuckDB by ``SELECT DISTINCT least(s, t), greatest(s, t), day``).
Stage 2 (:mod:`alliancestats.scanning.stats`) never sees a row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple, Sequence

import numpy as np

from .._distinct import distinct
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


class Keys(NamedTuple):
    """Distinct triples as sorted integer keys (see :func:`reduce_arrays`)."""

    pairs: np.ndarray
    actor: np.ndarray

    @staticmethod
    def union(parts: Sequence["Keys"]) -> "Keys":
        """The keys of several partitions together (sorted, distinct)."""
        return Keys(distinct(np.concatenate([p.pairs for p in parts] + [np.empty(0, np.int64)])),
                    distinct(np.concatenate([p.actor for p in parts] + [np.empty(0, np.int64)])))


def reduce_arrays(src: np.ndarray, tgt: np.ndarray, days: np.ndarray, response: np.ndarray,
                  trigger: np.ndarray, *, n_countries: int, dyad_days: tuple[int, int],
                  actor: int | None, actor_days: tuple[int, int] | None) -> Keys:
    """Rows (country ids, -1 missing; day numbers; which rows have a response or trigger
    code) to distinct keys: ``(a * n_countries + b) * span + day - first`` for response
    triples with ``a < b`` within ``dyad_days``, ``target * span + day - first`` for the
    actor's trigger days on others within ``actor_days``."""
    n_countries = max(n_countries, 1)
    first, last = dyad_days
    keep = response & (src >= 0) & (tgt >= 0) & (src != tgt) & (days >= first) & (days <= last)
    a, b = np.minimum(src[keep], tgt[keep]), np.maximum(src[keep], tgt[keep])
    pairs = distinct((a * n_countries + b) * (last - first + 1) + (days[keep] - first))
    actor_keys = np.empty(0, np.int64)
    if actor is not None and actor_days is not None:
        lo, hi = actor_days
        chosen = (trigger & (src == actor) & (tgt >= 0) & (tgt != actor) & (days >= lo)
                  & (days <= hi))
        actor_keys = distinct(tgt[chosen] * (hi - lo + 1) + (days[chosen] - lo))
    return Keys(pairs.astype(np.int64), actor_keys.astype(np.int64))


def from_keys(countries: np.ndarray, keys: Keys, *, dyad_days: tuple[int, int],
              actor_days: tuple[int, int] | None, with_actor: bool) -> Reduced:
    """The :class:`Reduced` arrays of sorted distinct keys."""
    n_countries = max(len(countries), 1)
    first, last = dyad_days
    pair, day = np.divmod(keys.pairs, last - first + 1)
    pair_a, pair_b = np.divmod(pair, n_countries)
    actor_target = actor_day = None
    if with_actor and actor_days is not None:
        lo, hi = actor_days
        actor_target, offset = np.divmod(keys.actor, hi - lo + 1)
        actor_day = offset + lo
    return Reduced(countries=countries, pair_a=pair_a, pair_b=pair_b, pair_day=day + first,
                   actor_target=actor_target, actor_day=actor_day)


def reduce_events(table: EventTable, *, codes: Any, dyad_days: tuple[int, int],
                  trigger_actor: str | None = None, trigger_codes: Any = None,
                  actor_days: tuple[int, int] | None = None) -> Reduced:
    """Reduce an event table (in memory) to the triples the scan's statistics need.

    ``dyad_days`` and ``actor_days`` are inclusive day-number ranges.
    """
    frame = table.frame
    countries = np.asarray(frame["source"].cat.categories, dtype=object)
    src = frame["source"].cat.codes.to_numpy().astype(np.int64)
    tgt = frame["target"].cat.codes.to_numpy().astype(np.int64)
    with_actor = trigger_actor is not None and actor_days is not None
    actor = None
    trigger = np.zeros(len(frame), bool)
    if with_actor:
        actor = int(countries.tolist().index(trigger_actor)) if trigger_actor in countries else -2
        trigger = table.code_mask(trigger_codes, argument="trigger_codes")
    keys = reduce_arrays(src, tgt, table.days, table.code_mask(codes), trigger,
                         n_countries=len(countries), dyad_days=dyad_days, actor=actor,
                         actor_days=actor_days)
    return from_keys(countries, keys, dyad_days=dyad_days, actor_days=actor_days,
                     with_actor=with_actor)
