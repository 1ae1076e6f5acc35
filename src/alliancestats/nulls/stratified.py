"""``stratified``: each response uniform within its stratum of the period."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd

from .._dates import to_timestamp
from .._strata import CALENDAR, break_days, stratum_bounds
from .._setup import Setup
from .._validation import format_rows, name_rows
from ..errors import AllianceStatsError
from ._placement import UnitPlacementNull, Units

class StratifiedNull(UnitPlacementNull):
    r"""Each response on a uniform day of its own stratum; triggers as observed.

    Keeps the trigger dates and the number of responses in each stratum, hence
    any trend in the responses across strata (e.g. more meetings in 2018–2020).
    Destroys the timing of responses within their stratum.

    ``strata`` is one of

    * ``"year"`` (default), ``"quarter"`` or ``"month"``: calendar units;
    * a sequence of break dates: each starts a new stratum (the period is cut
      into ``[start, b_1 - 1], [b_1, b_2 - 1], ..., [b_k, end]``);
    * the name of a response attribute whose values are calendar periods that
      pandas can parse (``"2018"``, ``"2018Q3"``, ``"2018-05"``): each response's
      stratum is that period, and it must contain the response's own date.

    Every stratum is intersected with the analysis period; a stratum with no
    period days is an error.

    Parameters
    ----------
    **options
        ``strata`` (default ``"year"``): the strata, as above.

    Notes
    -----
    With :math:`S_i` the period days of response ``i``'s stratum,
    :math:`p_i = C(S_i)/|S_i|` and K is Poisson-binomial; S is the convolution of
    the histograms of ``c`` over each stratum (see
    :mod:`alliancestats.nulls._placement`). Responses of one stratum are identical
    units, so with :math:`n_s` responses in stratum :math:`s`

    .. math:: K \sim \mathop{\ast}_s \mathrm{Binomial}(n_s, p_s), \qquad
              P_S = \mathop{\ast}_s P_{Z_s}^{\ast n_s},

    each power by repeated squaring, then one convolution across strata; every
    part trimmed to its entries above :math:`10^{-290}` is :math:`O(\sqrt{n_s})`
    wide, so the exact null of K at :math:`n = 10^5` over a century of yearly
    strata takes a fraction of a second. If coverage is higher in the strata where responses
    are frequent, :math:`E[K]` rises accordingly: that is the point.
    """

    name: ClassVar[str] = "stratified"
    options: ClassVar[dict[str, Any]] = {"strata": "year"}
    held_fixed = "trigger dates and the number of responses per stratum"
    randomised = "each response on a uniform day of its stratum"

    def check_options(self) -> None:
        strata = self.values["strata"]
        if isinstance(strata, str) or strata is None:
            if strata is None:
                raise AllianceStatsError("`strata` must be 'year', 'quarter', 'month', a column "
                                         "name or a sequence of break dates, got None")
            return
        self.values["strata"] = [str(to_timestamp(b).date()) for b in break_days(strata)]

    def label(self) -> str:
        strata = self.values["strata"]
        return f"stratified, strata={strata if isinstance(strata, str) else 'breaks ' + ', '.join(strata)}"

    def make_units(self, setup: Setup) -> Units:
        low, high = self.intervals(setup)
        return Units(low=low, high=high, unit=np.arange(setup.n), rel=np.zeros(setup.n, np.int64))

    def check_data(self, setup: Setup) -> None:
        self.intervals(setup)

    def intervals(self, setup: Setup) -> tuple[np.ndarray, np.ndarray]:
        """First and last period offset of each response's stratum (see
        :func:`alliancestats._strata.stratum_bounds`; a response column of calendar
        periods is this null's own)."""
        strata, period = self.values["strata"], setup.period
        days = setup.response_days
        if isinstance(strata, list) or strata in CALENDAR:
            lo, hi = stratum_bounds(days, strata, period)
            return lo - period.first_day, hi - period.first_day
        lo, hi = self._column(setup, strata)
        lo, hi = np.maximum(lo, period.first_day), np.minimum(hi, period.last_day)
        rows = setup.responses.source_rows
        empty = np.flatnonzero(lo > hi)
        if empty.size:
            raise AllianceStatsError(
                f"`strata`: the stratum of the responses in "
                f"{name_rows([rows[i] for i in empty], total=empty.size)} has no days in the "
                f"period {period!r}")
        outside = np.flatnonzero((days < lo) | (days > hi))
        if outside.size:
            values = setup.responses.frame[strata].tolist()
            where = [f"{name_rows([rows[i]])} ({to_timestamp(days[i]).date()} in {values[i]!r})"
                     for i in outside]
            raise AllianceStatsError(
                f"`strata`: column {strata!r} must give each response's own calendar "
                f"period, but {outside.size} response(s) lie outside it: {format_rows(where)}")
        return lo - period.first_day, hi - period.first_day

    def _column(self, setup: Setup, strata: str) -> tuple[np.ndarray, np.ndarray]:
        """First and last day of the calendar period each response's ``strata`` column
        names."""
        if strata not in setup.responses.columns:
            raise AllianceStatsError(
                f"`strata` must be 'year', 'quarter', 'month', a response column or break "
                f"dates; {strata!r} is none of these (columns: {setup.responses.columns})")
        values = setup.responses.frame[strata].tolist()
        try:
            periods = [pd.Period(str(v)) for v in values]
        except (ValueError, TypeError):
            raise AllianceStatsError(
                f"`strata`: column {strata!r} must hold calendar periods such as '2018', "
                f"'2018Q3' or '2018-05'; got values like {values[:3]}") from None
        day = lambda ts: int(np.datetime64(ts.date(), "D").astype(np.int64))  # noqa: E731
        low = np.array([day(p.start_time) for p in periods], dtype=np.int64)
        high = np.array([day(p.end_time) for p in periods], dtype=np.int64)
        return low, high
