"""Second case study: do presidential visits follow the Secretary of State's?

Question: does the U.S. President visit a country within 90 days after a separate
visit there by the Secretary of State more often than chance allows, per country
and pooled over countries? Data: the Office of the Historian's lists of foreign
trips (``alliancestats.datasets.load_us_travels``), 1977–2024.

The Secretary often travels *with* the President. A Secretary's trip leg that
overlaps a presidential visit to the same country (same country, overlapping
dates) is the same trip, not a visit before it; such legs are coded
``"secretary with president"`` and are not triggers. Responses are the distinct
days on which a presidential visit to a country began; triggers, for that
country, the days on which a separate Secretary visit began; the window is 1 to
90 days after (lag 0 would be the same day, i.e. travelling together).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._docstrings import fill
from .datasets import load_us_travels
from .io.table import EventTable
from .period import Period
from .scanning import PooledResult, ScanResult, scan
from .window import Window

__all__ = ["PERIOD", "WINDOW", "NULLS", "visits_table", "TravelStudy", "travel_study"]

PERIOD = Period("1977-01-01", "2024-12-31")
WINDOW = Window(1, 90)
#: the placement nulls reported, with their options: calendar year strata, ±1 year
NULLS: dict[str, dict[str, Any]] = {"uniform": {}, "stratified": {"strata": "year"},
                                    "jitter": {"days": 365}, "circular": {}}
PRESIDENT, SECRETARY, WITH_PRESIDENT = "president", "secretary", "secretary with president"


TRIPS = """\
trips : EventTable, optional
    The travels as :func:`alliancestats.datasets.load_us_travels` reads them
    (the default).
"""


@fill(trips=TRIPS)
def visits_table(trips: EventTable | None = None) -> EventTable:
    """The travels with each Secretary leg that overlaps a presidential visit to the
    same country recoded ``"secretary with president"``.

    Parameters
    ----------
    {trips}

    Returns
    -------
    EventTable

    Examples
    --------
    >>> visits = visits_table()
    >>> visits.frame.code.value_counts().to_dict()
    {'secretary': 2973, 'president': 832, 'secretary with president': 466}
    """
    trips = load_us_travels() if trips is None else trips
    frame = trips.frame
    start = frame["date"].to_numpy()
    end = pd.to_datetime(frame["end_date"]).to_numpy()
    is_president = (frame["code"] == PRESIDENT).to_numpy()
    legs = pd.DataFrame({"row": np.arange(len(frame)), "country": frame["target"].astype(str),
                         "start": start, "end": end})
    pairs = legs[~is_president].merge(legs[is_president], on="country", suffixes=("", "_p"))
    overlap = pairs[(pairs.start <= pairs.end_p) & (pairs.end >= pairs.start_p)]["row"].unique()
    code = frame["code"].astype(str).to_numpy().copy()
    code[overlap] = WITH_PRESIDENT
    out = frame.drop(columns=["code"]).assign(code=code)
    out = out.astype({"source": str, "target": str})
    return EventTable.from_frame(out, countries="iso3", code_system="labels")


@dataclass(frozen=True)
class TravelStudy:
    """The scans across countries under each null and their pooled tests.

    Attributes
    ----------
    scans : dict of str to ScanResult
        One per null of :data:`NULLS`; dyads are (country, USA).
    pooled : dict of str to PooledResult
        Total K over the testable countries against the convolution of their nulls.
    reverse : ScanResult
        The reverse question under ``stratified``: do separate Secretary visits
        follow presidential visits within 1 to 90 days?
    """

    scans: dict[str, ScanResult]
    pooled: dict[str, PooledResult]
    reverse: ScanResult

    def report(self) -> str:
        lines = ["Do presidential visits follow a separate Secretary of State visit to the same",
                 f"country within {WINDOW.lo}-{WINDOW.hi} days? Period {PERIOD.start.date()} to "
                 f"{PERIOD.end.date()}; U.S. Office of the Historian travel lists.", "",
                 f"{'null':<11} {'countries':>9} {'K':>5} {'n':>5} {'E[K]':>8} {'pooled p':>9}  "
                 "countries with BH p < 0.05"]
        for null, pooled in self.pooled.items():
            res = self.scans[null]
            hits = res.table[res.table.pvalue_bh < 0.05]
            names = ", ".join(hits.a.where(hits.a != "USA", hits.b)) or "none"
            lines.append(f"{null:<11} {pooled.n_dyads:>9} {pooled.k:>5} {pooled.n:>5} "
                         f"{pooled.expected:>8.1f} {pooled.pvalue:>9.4f}  {names}")
        back = self.reverse.pooled()
        lines += ["", f"Reverse (stratified): separate Secretary visits 1-90 days after a presidential "
                      f"visit: K = {back.k} of {back.n}, E[K] = {back.expected:.1f}, pooled p = "
                      f"{back.pvalue:.4f}."]
        return "\n".join(lines)


@fill(trips=TRIPS)
def travel_study(trips: EventTable | None = None) -> TravelStudy:
    """Run the case study: a scan across countries under every null of :data:`NULLS`.

    Parameters
    ----------
    {trips}

    Returns
    -------
    TravelStudy

    Examples
    --------
    >>> study = travel_study()
    >>> {null: round(p.pvalue, 4) for null, p in study.pooled.items()}
    {'uniform': 0.0003, 'stratified': 0.0606, 'jitter': 0.088, 'circular': 0.0007}
    """
    table = visits_table(trips)
    common: dict[str, Any] = dict(window=WINDOW, period=PERIOD, trigger_actor="USA", codes=[PRESIDENT],
                  trigger_codes=[SECRETARY])
    scans = {null: scan(table, null=null, **common, **options) for null, options in NULLS.items()}
    reverse = scan(table, null="stratified", reverse=True, **common, **NULLS["stratified"])
    return TravelStudy(scans=scans, pooled={null: res.pooled() for null, res in scans.items()},
                       reverse=reverse)
