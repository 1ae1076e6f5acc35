"""Any dyad from standard dyadic event data (CAMEO-coded, as ICEWS or POLECAT exports).

An event table has one row per event: a date, a source country, a target
country and a CAMEO event code. From it, :func:`dyad_series` builds the
responses for a pair of countries (e.g. their meetings, either direction) and
:func:`actor_series` the triggers (e.g. one actor's sanctions on anyone or on
given targets). :func:`scan` tests many dyads against one trigger series at once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

from ._dates import to_day_numbers, to_timestamps
from .matching import coverage, coverage_mask
from .countries import normalise_countries, to_alpha3
from .errors import AllianceStatsError
from .events import EventSeries
from .period import Period
from .window import Window

__all__ = ["EventTable", "MEETING_CODES", "SANCTION_CODES", "scan"]

#: CAMEO 040 consult, 042 make a visit, 043 host a visit, 044 meet at a third location,
#: 046 engage in negotiation
MEETING_CODES = ("040", "042", "043", "044", "046")
#: CAMEO 163 impose embargo, boycott or sanctions
SANCTION_CODES = ("163",)
ICEWS_COLUMNS = {"date": "Event Date", "source": "Source Country", "target": "Target Country",
                 "code": "CAMEO Code"}
REQUIRED = ("date", "source", "target", "code")


def _codes(codes: Iterable[Any]) -> set[str]:
    return {str(c).strip() for c in codes}


@dataclass(frozen=True, eq=False)
class EventTable:
    """A dyadic event table with countries as ISO alpha-3 and codes as strings.

    Attributes
    ----------
    frame : pandas.DataFrame
        Columns ``date`` (day precision), ``source``, ``target`` (alpha-3 or None),
        ``code`` (CAMEO code as text, leading zeros kept) and any others.
    """

    frame: pd.DataFrame

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, *, columns: dict[str, str] | None = None,
                   argument: str = "frame") -> "EventTable":
        """Read a DataFrame; ``columns`` maps ``date, source, target, code`` to its names.

        Example: ``columns=EventTable.ICEWS`` for an ICEWS export.
        """
        if not isinstance(frame, pd.DataFrame):
            raise AllianceStatsError(f"`{argument}` must be a DataFrame, got {type(frame).__name__}")
        names = {key: key for key in REQUIRED} | (columns or {})
        missing = [f"{names[key]!r} ({key})" for key in REQUIRED if names[key] not in frame.columns]
        if missing:
            raise AllianceStatsError(f"`{argument}` lacks required column(s) {', '.join(missing)}; "
                                     f"its columns are {list(frame.columns)}")
        out = frame.rename(columns={v: k for k, v in names.items()}).copy()
        days, _ = to_day_numbers(out["date"].reset_index(drop=True), argument=argument,
                                 column=names["date"])
        out["date"] = to_timestamps(days)
        for key in ("source", "target"):
            out[key] = normalise_countries(out[key], argument=argument, column=names[key])
        out["code"] = out["code"].map(_code_text)
        return cls(out.reset_index(drop=True))

    ICEWS = ICEWS_COLUMNS

    @classmethod
    def from_csv(cls, path: str | os.PathLike[str], *, columns: dict[str, str] | None = None,
                 **read_csv_options: Any) -> "EventTable":
        """Read a CSV event table (codes read as text, so ``"042"`` keeps its zero)."""
        path = os.fspath(path)
        code_column = (columns or {}).get("code", "code")
        try:
            frame = pd.read_csv(path, dtype={code_column: str}, **read_csv_options)
        except FileNotFoundError:
            raise AllianceStatsError(f"{path}: file not found") from None
        return cls.from_frame(frame, columns=columns, argument=path)

    def __len__(self) -> int:
        return len(self.frame)

    def dyad_series(self, a: str, b: str, *, codes: Iterable[Any] = MEETING_CODES,
                    directed: bool = False, distinct_days: bool = True) -> EventSeries:
        """Events between countries ``a`` and ``b`` with a code in ``codes``.

        Either direction unless ``directed`` (then ``a`` is the source). With
        ``distinct_days`` (default) one event per day is kept, as :func:`scan`
        counts. Raises if the dyad has no such event.
        """
        ca, cb = self._country(a, "a"), self._country(b, "b")
        f = self.frame
        forward = (f.source == ca) & (f.target == cb)
        mask = forward if directed else forward | ((f.source == cb) & (f.target == ca))
        mask &= f.code.isin(_codes(codes))
        if not mask.any():
            raise AllianceStatsError(f"dyad {ca}-{cb} has no event with codes {sorted(_codes(codes))}")
        series = EventSeries.from_frame(f[mask], name=f"{ca}-{cb} events")
        return series.distinct_days() if distinct_days else series

    def actor_series(self, source: str, *, targets: Sequence[str] | None = None,
                     codes: Iterable[Any] = SANCTION_CODES) -> EventSeries:
        """Events by ``source`` (on any target, or on ``targets``) with a code in ``codes``."""
        cs = self._country(source, "source")
        f = self.frame
        mask = (f.source == cs) & f.code.isin(_codes(codes))
        if targets is not None:
            mask &= f.target.isin([self._country(t, "targets") for t in targets])
        return EventSeries.from_frame(f[mask], name=f"{cs} events")

    @staticmethod
    def _country(name: str, argument: str) -> str:
        code = to_alpha3(name)
        if code is None:
            raise AllianceStatsError(f"`{argument}`: unknown country {name!r}")
        return code


def _code_text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    return text.zfill(3) if text.isdigit() and len(text) < 3 else text


def scan(table: EventTable, triggers: EventSeries | None = None, *, window: Window,
         period: Period, codes: Iterable[Any] = MEETING_CODES,
         trigger_actor: str | None = None, trigger_codes: Iterable[Any] = SANCTION_CODES,
         dyads: Sequence[tuple[str, str]] | None = None, min_days: int = 1) -> pd.DataFrame:
    r"""Test many dyads' events against triggers at once, with FDR control.

    Triggers are either one series for every dyad (``triggers``) or, with
    ``trigger_actor``, each dyad's own: that actor's events with a code in
    ``trigger_codes`` that target either member of the dyad (e.g. U.S.
    sanctions on Iran or Venezuela).

    For each unordered pair of countries (or each pair in ``dyads``), the
    responses are the distinct days in the period with an event between them
    whose code is in ``codes`` (event data repeat one meeting in many reports, so
    days, not reports, are counted). Each dyad gets the exact ``uniform``-null
    test: with its coverage ``C/T``, :math:`p = P(\mathrm{Binomial}(n, C/T) \ge K)`.
    Coverage masks are computed once per target country; a dyad's mask is the
    union of its members' (its size from one matrix product), and K for all
    dyads is one gather and one ``bincount``. Benjamini–Hochberg adjusted
    p-values (:func:`statsmodels.stats.multitest.multipletests`) control the
    false discovery rate across dyads.

    Returns
    -------
    pandas.DataFrame
        ``a, b, n, k, coverage, expected, pvalue, pvalue_bh`` sorted by p-value;
        dyads with fewer than ``min_days`` response days are left out.

    Examples
    --------
    >>> import alliancestats as als
    >>> table = als.datasets.load_synthetic_events()   # SYNTHETIC data
    >>> res = scan(table, window=Window.after(days=30), period=Period("2015-01-01", "2020-12-31"),
    ...            trigger_actor="USA")
    >>> top = res.iloc[0]
    >>> top.a, top.b, bool(top.pvalue_bh < 0.01)
    ('IRN', 'VEN', True)
    """
    if not isinstance(table, EventTable):
        raise AllianceStatsError(f"`table` must be an EventTable, got {type(table).__name__}")
    if (triggers is None) == (trigger_actor is None):
        raise AllianceStatsError("give either `triggers` (one series for all dyads) or "
                                 "`trigger_actor` (its events on either member of each dyad)")
    f = table.frame
    keep = (f.code.isin(_codes(codes)) & f.source.notna() & f.target.notna()).to_numpy()
    days = f.date.to_numpy()[keep].astype("datetime64[D]").astype(np.int64)
    inside = (days >= period.first_day) & (days <= period.last_day)
    src, tgt = f.source.to_numpy()[keep][inside], f.target.to_numpy()[keep][inside]
    pairs = pd.DataFrame({"a": np.where(src < tgt, src, tgt).astype(str),
                          "b": np.where(src < tgt, tgt, src).astype(str), "day": days[inside]})
    pairs = pairs[pairs.a != pairs.b].drop_duplicates()
    if dyads is not None:
        wanted = {tuple(sorted((EventTable._country(x, "dyads"), EventTable._country(y, "dyads"))))
                  for x, y in dyads}
        pairs = pairs[[(a, b) in wanted for a, b in zip(pairs.a, pairs.b)]]
    if pairs.empty:
        raise AllianceStatsError("`scan`: no dyad has events with these codes in the period")
    countries = np.unique(np.concatenate([pairs.a.to_numpy(), pairs.b.to_numpy()]))
    masks = _country_masks(table, triggers, trigger_actor, trigger_codes, countries, window, period)
    ia, ib = np.searchsorted(countries, pairs.a), np.searchsorted(countries, pairs.b)
    offsets = pairs.day.to_numpy() - period.first_day
    hit = masks[ia, offsets] | masks[ib, offsets]
    dyad, uniques = pd.factorize(pd.MultiIndex.from_arrays([pairs.a, pairs.b]))
    n = np.bincount(dyad, minlength=len(uniques))
    k = np.bincount(dyad, weights=hit, minlength=len(uniques)).astype(int)
    ua = np.searchsorted(countries, [u[0] for u in uniques])
    ub = np.searchsorted(countries, [u[1] for u in uniques])
    sizes = masks.sum(axis=1).astype(float)
    overlap = masks.astype(np.float32) @ masks.T.astype(np.float32)
    share = (sizes[ua] + sizes[ub] - overlap[ua, ub]) / period.n_days
    result = pd.DataFrame({"a": countries[ua], "b": countries[ub], "n": n, "k": k,
                           "coverage": share})
    result = result[result.n >= max(min_days, 1)].reset_index(drop=True)
    if result.empty:
        raise AllianceStatsError(f"`scan`: no dyad has at least {min_days} response days")
    result["expected"] = result.n * result.coverage
    result["pvalue"] = stats.binom.sf(result.k - 1, result.n, result.coverage)
    result["pvalue_bh"] = multipletests(result.pvalue, method="fdr_bh")[1]
    return result.sort_values(["pvalue", "a", "b"], ignore_index=True)


def _country_masks(table: EventTable, triggers: EventSeries | None, actor: str | None,
                   trigger_codes: Iterable[Any], countries: np.ndarray, window: Window,
                   period: Period) -> np.ndarray:
    """Coverage mask per country (rows), the same row for all when triggers are common."""
    if triggers is not None:
        mask = coverage(triggers, window=window, period=period).mask
        return np.broadcast_to(mask, (len(countries), period.n_days))
    source = EventTable._country(str(actor), "trigger_actor")
    f = table.frame
    chosen = f[(f.source == source) & f.code.isin(_codes(trigger_codes))]
    masks = np.zeros((len(countries), period.n_days), dtype=bool)
    for i, country in enumerate(countries):
        days = chosen.date[chosen.target == country].to_numpy()
        masks[i] = coverage_mask(days.astype("datetime64[D]").astype(np.int64), window, period)
    return masks
