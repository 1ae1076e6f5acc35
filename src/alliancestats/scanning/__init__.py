r"""``scan``: test every dyad of an event table against its triggers, as a valid screen.

The scan runs in two stages. Stage 1 (:mod:`~alliancestats.scanning.reduce`) turns
event rows into distinct (a, b, day) triples and the trigger actor's (target, day)
triples; stage 2 (:mod:`~alliancestats.scanning.stats`) computes, for all dyads at
once, coverage, K and the exact null distribution of K, and which dyads can be
tested at all. Only testable dyads enter the Benjamini–Hochberg family.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from .._distinct import distinct
from .._docstrings import shared
from .._progress import check_progress
from .._validation import check_alternative, check_integer
from ..errors import AllianceStatsError
from ..events import EventSeries
from ..io.presets import Preset
from ..io.table import EventTable
from ..nulls import make_null
from ..period import Period
from ..window import Window
from .engines import ENGINES, ReadSpec, choose_engine, resolve, stage_one
from .reduce import Reduced, reduce_events
from .result import PooledResult, ScanResult
from .stats import SCAN_NULLS, dyad_statistics

__all__ = ["scan", "ScanResult", "PooledResult", "SCAN_NULLS", "ENGINES"]


def _describe_codes(codes: Any) -> str:
    return repr(codes) if not isinstance(codes, (list, tuple)) else ", ".join(map(str, codes))


def _union_days(reduced: Reduced, dyad_a: np.ndarray, dyad_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each dyad, the distinct actor days on either member: ``(dyad index, day)`` sorted."""
    target, day = reduced.actor_target, reduced.actor_day
    assert target is not None and day is not None   # only called with a trigger actor
    n_countries = len(reduced.countries)
    counts = np.bincount(target, minlength=n_countries)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])   # actor triples are sorted by target
    pieces_dyad, pieces_index = [], []
    for member in (dyad_a, dyad_b):
        lengths = counts[member]
        dyad = np.repeat(np.arange(len(member)), lengths)
        index = np.repeat(starts[member] - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        pieces_dyad.append(dyad)
        pieces_index.append(index)
    dyad = np.concatenate(pieces_dyad)
    days = day[np.concatenate(pieces_index)]
    span = int(days.max(initial=0) - days.min(initial=0)) + 1
    base = int(days.min(initial=0))
    key = distinct(dyad * span + (days - base))
    return key // span, key % span + base


@shared
def scan(table: Any, triggers: EventSeries | None = None, *, window: Window,
         period: Period, null: str = "uniform", codes: Any = None,
         trigger_actor: str | None = None, trigger_codes: Any = None,
         dyads: Sequence[tuple[str, str]] | None = None, reverse: bool = False,
         alternative: str = "greater", min_days: int = 1, engine: str | None = None,
         preset: Preset | None = None, columns: Mapping[str, str] | None = None,
         countries: Any = None, code_system: Any = None, unknown: str = "raise",
         date_format: str | None = None, progress: bool | None = None,
         **null_options: Any) -> ScanResult:
    r"""Test every dyad's events against triggers, with false-discovery control.

    Parameters
    ----------
    table : EventTable, pandas.DataFrame, path, glob, folder, list of paths, or dask DataFrame
        The events: an :class:`EventTable`; or raw event rows, read with ``preset``,
        ``columns``, ``countries``, ``code_system``, ``unknown`` and ``date_format``
        exactly as :meth:`EventTable.from_frame` reads them: a DataFrame, Parquet or
        text files (``"gdelt/*.parquet"``, a folder, a list), or a Dask DataFrame.
    triggers : EventSeries, optional
        One trigger series for every dyad. Or give ``trigger_actor``.
    {shared: window}
    period : Period
        The observation period: responses outside it are left out; triggers
        outside it still count where their window reaches a period day.
    null : {"uniform", "stratified", "jitter", "episode-jitter", "circular"}
        The placement null, as in :func:`alliancestats.coincidence_test` (with its
        options, e.g. ``days=J`` for ``jitter`` and ``episode-jitter`` (with ``gap``
        and ``centred``), ``strata="year"`` or break dates for ``stratified``,
        ``distinct=True`` for ``uniform``).
    codes : codes or CodeSet, optional
        The responses: each dyad's events (either direction) with these codes.
        Default: the code system's ``MEETINGS``.
    trigger_actor : str, optional
        Each dyad's triggers are this actor's events with ``trigger_codes``
        (default: the code system's ``SANCTIONS``) on either member. The actor's
        events on itself never count.
    trigger_codes : codes or CodeSet, optional
        The codes of the actor's events that are triggers (with ``trigger_actor``;
        default: the code system's ``SANCTIONS``).
    dyads : sequence of (str, str), optional
        Only these pairs (default: every pair with a response in the period).
    reverse : bool
        Ask the reverse question: do the actor's events on a dyad's members follow
        the dyad's events? (Responses and triggers swap roles; needs
        ``trigger_actor``.)
    alternative : {"greater", "less", "two-sided"}
        ``"greater"`` (default) asks whether each dyad's responses are matched more
        often than chance.
    min_days : int
        Leave out dyads with fewer response days; they (and requested ``dyads`` with no
        response day) are counted in ``n_below_min_days``.
    engine : {None, "pandas", "duckdb", "dask"}
        Where the rows are reduced (see Notes). Default: pandas for an EventTable or a
        pandas DataFrame, Dask for a Dask DataFrame, and for files pandas when they fit
        in memory, else DuckDB.
    preset, columns, countries, code_system, unknown, date_format
        How raw rows are read, as in :meth:`EventTable.from_frame` (an EventTable is
        already read and takes none of them).
    progress : bool or None
        A progress bar over the batches of dyads: None (default) shows one only when
        standard error is a terminal and tqdm is installed; True always (needs the
        ``progress`` extra); False never.
    **null_options
        Options of the null (see ``null``).

    Returns
    -------
    ScanResult
        Per dyad ``n`` (distinct response days in the period), ``k``, coverage,
        ``E[K]``, the exact p-value, whether it can be tested, and the
        Benjamini–Hochberg adjusted p-value among the testable dyads.

    Notes
    -----
    **Engines.** The scan runs in two stages: stage 1 reduces event rows to the distinct
    (a, b, day) response triples and the actor's (target, day) trigger days in the
    period; stage 2 computes every statistic from those small arrays. Only stage 1
    depends on the engine: ``"pandas"`` in memory; ``"duckdb"`` out of core on one
    machine (``pip install "alliancestats[duckdb]"``); ``"dask"`` on the partitions of a
    Dask DataFrame or one task per file, on the active ``distributed.Client`` if any
    (``pip install "alliancestats[dask]"``). Each reads countries, codes and dates by
    mapping their distinct values exactly as :meth:`EventTable.from_frame` does, so
    every engine returns the same table, and every null works on every engine. Files
    "fit in memory" when their rows (exact for Parquet, estimated from the first MiB
    for text) times 64 bytes are at most half of the memory available
    (:func:`alliancestats.scanning.engines.fits_in_memory`). Files or partitions whose
    country columns are written in different schemes (one in names, another in codes)
    are refused.

    **One per day.** Event data report one meeting many times, so each dyad's
    responses are the distinct days with at least one qualifying event, as
    :meth:`EventTable.dyad_series` (``distinct_days=True``, its default) and
    ``alliancestats test`` (``--distinct-days``, the default) count them.

    **Which dyads are tested.** A dyad cannot be tested when its null distribution
    of K is a single point: no period day is covered (``"no coverage"``, K = 0
    whatever happens), every day is (``"full coverage"``), or K is otherwise forced
    (e.g. every response's stratum fully covered or not at all). Such dyads are
    reported with the reason in ``untestable`` and left out of the
    Benjamini–Hochberg family (:func:`statsmodels.stats.multitest.multipletests`,
    ``fdr_bh``): including them would add p-values of 1 that carry no information
    and inflate every adjusted p-value.

    **Nulls.** Under ``uniform`` :math:`K_d \sim \mathrm{Binomial}(n_d, C_d/T)`;
    ``stratified`` and ``jitter`` keep each response within its stratum or ±J days,
    which keeps news bursts and trends of the dyad's own reporting (a burst of
    meetings after a sanction burst no longer looks like a string of successes
    when the comparison is the same weeks); ``episode-jitter`` moves each episode
    of a dyad's responses (runs no more than ``gap`` days apart) as a block, so a
    burst of reports after one trigger counts as one coincidence, not many;
    ``circular`` shifts all of a dyad's responses together. Each p-value equals
    the one :func:`~alliancestats.coincidence_test` gives for that dyad alone
    (a dyad whose single episode spans the whole period, which
    :func:`~alliancestats.coincidence_test` refuses, is reported as ``"K forced"``).

    Examples
    --------
    >>> import alliancestats as als
    >>> table = als.datasets.load_synthetic_events()   # SYNTHETIC data
    >>> res = scan(table, window=Window.after(days=30), period=Period("2015-01-01", "2020-12-31"),
    ...            trigger_actor="USA")
    >>> top = res.table.iloc[0]
    >>> top.a, top.b, bool(top.pvalue_bh < 0.01)
    ('IRN', 'VEN', True)
    """
    source = resolve(table)
    chosen = choose_engine(source, engine)
    if (triggers is None) == (trigger_actor is None):
        raise AllianceStatsError("give either `triggers` (one series for all dyads) or "
                                 "`trigger_actor` (its events on either member of each dyad)")
    if not isinstance(window, Window) or not isinstance(period, Period):
        raise AllianceStatsError("`window` must be an alliancestats.Window and `period` an "
                                 "alliancestats.Period")
    if triggers is not None and not isinstance(triggers, EventSeries):
        raise AllianceStatsError(f"`triggers` must be an EventSeries, got {type(triggers).__name__}")
    if reverse and trigger_actor is None:
        raise AllianceStatsError("`reverse=True` needs `trigger_actor`: the actor's events become "
                                 "the responses and each dyad's events its triggers")
    alternative = check_alternative(alternative)
    min_days = check_integer(min_days, "min_days", minimum=1)
    show = check_progress(progress)
    model = make_null(null, null_options)
    if model.name not in SCAN_NULLS:
        raise AllianceStatsError(f"`null`: the scan offers the placement nulls "
                                 f"{', '.join(map(repr, SCAN_NULLS))}, got {null!r}")
    reading = dict(preset=preset, columns=columns, countries=countries, code_system=code_system,
                   unknown=unknown, date_format=date_format)
    if source.kind == "table":
        given = [k for k, v in reading.items() if v is not None and not (k == "unknown" and v == "raise")]
        if given:
            raise AllianceStatsError(f"`{given[0]}` applies to raw event rows; this EventTable is "
                                     "already read (give it when building the table)")
    elif source.kind == "frame" and chosen == "pandas":
        source = resolve(EventTable.from_frame(source.value, **reading, argument="table"))
    reach = (period.first_day - window.hi, period.last_day - window.lo)
    whole = (period.first_day, period.last_day)
    dyad_days, actor_days = (reach, whole) if reverse else (whole, reach)
    if source.kind == "table":
        events: EventTable = source.value
        codes = events.default_codes(codes, "MEETINGS")
        actor = events.country(trigger_actor, "trigger_actor") if trigger_actor is not None else None
        if actor is not None:
            trigger_codes = events.default_codes(trigger_codes, "SANCTIONS")
        reduced = reduce_events(events, codes=codes, dyad_days=dyad_days, trigger_actor=actor,
                                trigger_codes=trigger_codes, actor_days=actor_days)
        country, rows, unknown_countries = events.country, len(events), events.unknown_countries
    else:
        spec = ReadSpec.build(**reading)
        codes = spec.code_system.default_codes(codes, "MEETINGS")
        spec.code_system.query(codes, argument="codes")
        if trigger_actor is not None:
            trigger_codes = spec.code_system.default_codes(trigger_codes, "SANCTIONS")
            spec.code_system.query(trigger_codes, argument="trigger_codes")
        first = stage_one(source, spec, engine=chosen, codes=codes,
                          trigger_codes=trigger_codes if trigger_actor is not None else None,
                          trigger_actor=trigger_actor, dyad_days=dyad_days,
                          actor_days=actor_days if trigger_actor is not None else None)
        reduced, plan = first.reduced, first.plan
        actor = plan.country(trigger_actor, "trigger_actor") if trigger_actor is not None else None
        country, rows, unknown_countries = plan.country, plan.rows, plan.unknown_countries
    return _statistics(reduced, country, triggers=triggers, actor=actor, model=model,
                       window=window, period=period, codes=codes, trigger_codes=trigger_codes,
                       dyads=dyads, reverse=reverse, alternative=alternative,
                       min_days=min_days, engine=chosen, input_rows=rows,
                       unknown_countries=unknown_countries, progress=show)


def _pairs(reduced: Reduced, country: Callable[[Any, str], str],
           dyads: Sequence[tuple[str, str]] | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """The dyads to scan (ids ``a < b``), their triples ``(a, b, dyad of triple, day)`` and
    how many requested ``dyads`` have no triple at all."""
    countries = list(reduced.countries)
    n_countries = max(len(countries), 1)
    pair, day = reduced.pair_a * n_countries + reduced.pair_b, reduced.pair_day
    absent = 0
    if dyads is not None:
        wanted = []
        for x, y in dyads:
            cx, cy = sorted((country(x, "dyads"), country(y, "dyads")))
            wanted.append(countries.index(cx) * n_countries + countries.index(cy)
                          if cx in countries and cy in countries else (cx, cy))
        keep = np.isin(pair, [w for w in wanted if not isinstance(w, tuple)])
        pair, day = pair[keep], day[keep]
        absent = len(set(wanted)) - len(distinct(pair))
    unique, dyad_of = np.unique(pair, return_inverse=True)
    return unique // n_countries, unique % n_countries, dyad_of, day, absent


def _statistics(reduced: Reduced, country: Callable[[Any, str], str], *,
                triggers: EventSeries | None, actor: str | None, model: Any, window: Window,
                period: Period, codes: Any, trigger_codes: Any, dyads: Any, reverse: bool,
                alternative: str, min_days: int, progress: bool = False,
                **about: Any) -> ScanResult:
    dyad_a, dyad_b, dyad_of, dyad_day, absent = _pairs(reduced, country, dyads)
    if len(dyad_a) == 0:
        raise AllianceStatsError("`scan`: no dyad has events with these codes in the period")
    dyad_group = np.arange(len(dyad_a))
    if reverse:   # responses: the actor's days on either member; triggers: the dyad's own days
        response_dyad, response_day = _union_days(reduced, dyad_a, dyad_b)
        trigger_group, trigger_day = dyad_of, dyad_day
    elif triggers is not None:
        response_dyad, response_day = dyad_of, dyad_day
        trigger_group = np.zeros(len(triggers), np.int64)
        trigger_day = np.asarray(triggers.days, dtype=np.int64)
        dyad_group = np.zeros(len(dyad_a), np.int64)
    else:   # each dyad covered by the actor's days on either member: groups are countries
        assert reduced.actor_target is not None and reduced.actor_day is not None
        response_dyad, response_day = dyad_of, dyad_day
        trigger_group, trigger_day = reduced.actor_target, reduced.actor_day
        dyad_group = np.column_stack([dyad_a, dyad_b])
    order = np.argsort(response_dyad, kind="stable")
    response_dyad, response_day = response_dyad[order], response_day[order]
    n = np.bincount(response_dyad, minlength=len(dyad_a))
    small = n < min_days
    if small.all():
        raise AllianceStatsError(f"`scan`: no dyad has at least {min_days} response day(s) in the "
                                 "period")
    kept = np.flatnonzero(~small)
    renumber = np.full(len(dyad_a), -1)
    renumber[kept] = np.arange(len(kept))
    take = renumber[response_dyad] >= 0
    result = dyad_statistics(model, dyad_group=dyad_group[kept],
                             response_dyad=renumber[response_dyad[take]],
                             response_offset=response_day[take] - period.first_day,
                             trigger_group=trigger_group, trigger_days=trigger_day,
                             window=window, period=period, alternative=alternative,
                             progress=progress)
    return _assemble(result, reduced, dyad_a[kept], dyad_b[kept], model=model, window=window,
                     period=period, alternative=alternative, codes=codes, actor=actor,
                     trigger_codes=trigger_codes, triggers=triggers, reverse=reverse,
                     n_small=int(small.sum()) + absent, about=about)


def _assemble(result: Any, reduced: Reduced, dyad_a: np.ndarray, dyad_b: np.ndarray, *,
              model: Any, window: Window, period: Period, alternative: str, codes: Any,
              actor: str | None, trigger_codes: Any, triggers: EventSeries | None, reverse: bool,
              n_small: int, about: dict[str, Any]) -> ScanResult:
    T = period.n_days
    reason = np.where(result.covered_days == 0, "no coverage",
                      np.where(result.covered_days == T, "full coverage",
                               np.where(result.forced, "K forced", "")))
    testable = reason == ""
    if not testable.any():
        counts = pd.Series(reason).value_counts()
        raise AllianceStatsError(
            f"`scan`: no dyad can be tested: {len(reason)} dyad(s), untestable "
            f"({', '.join(f'{v} {k}' for k, v in counts.items())}); with no coverage K is 0 and "
            "with full coverage K is n whatever happens. Check the trigger codes, the window and "
            "the period")
    frame = pd.DataFrame({
        "a": reduced.countries[dyad_a].astype(str), "b": reduced.countries[dyad_b].astype(str),
        "n": result.n, "k": result.k, "covered_days": result.covered_days,
        "coverage": result.covered_days / T, "expected": result.expected,
        "pvalue": result.pvalue, "pvalue_underflow": result.pvalue_underflow,
        "log10_pvalue": result.log10_pvalue, "testable": testable,
        "untestable": pd.Series(reason, dtype=object).where(~testable, None)})
    adjusted = np.full(len(frame), np.nan)
    if testable.any():
        adjusted[testable] = multipletests(result.pvalue[testable], method="fdr_bh")[1]
    frame["pvalue_bh"] = adjusted
    order = np.lexsort((frame.b.to_numpy(), frame.a.to_numpy(),
                        np.nan_to_num(result.log10_pvalue, nan=0.0),   # ties at the p-value floor
                        frame.pvalue.to_numpy(), ~testable))
    frame = frame.iloc[order].reset_index(drop=True)
    pmf_start = result.pmf_start[order]
    responses = f"events with codes {_describe_codes(codes)} between the two, one per day"
    if triggers is not None:
        trigger_text = f"one series for every dyad ({triggers.name or 'triggers'}, {len(triggers)} events)"
    else:
        trigger_text = (f"{actor}'s events with codes {_describe_codes(trigger_codes)} on either "
                        f"member (never on {actor} itself)")
    if reverse:
        responses, trigger_text = (f"{actor}'s events with codes {_describe_codes(trigger_codes)} "
                                   "on either member, one per day", responses)
    return ScanResult(table=frame, null=model.name, null_description=model.describe(),
                      null_options=dict(model.values), alternative=alternative, window=window,
                      period=period, responses=responses, triggers=trigger_text,
                      n_below_min_days=n_small, **about, _pmf_values=result.pmf_values,
                      _pmf_start=pmf_start)
