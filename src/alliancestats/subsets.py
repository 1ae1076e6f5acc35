"""The same test over trigger subsets and placebo trigger series, in one table."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from ._docstrings import shared
from ._setup import build_setup, in_reach
from ._validation import check_integer
from .coincidence import coincidence_test
from .errors import AllianceStatsError
from .events import EventSeries
from .period import Period
from .window import Window

__all__ = ["subset_tests", "can_cover"]


def can_cover(trigger_days: np.ndarray, window: Window, period: Period) -> bool:
    """Whether any trigger lies where it can cover a day of the period.

    Parameters
    ----------
    trigger_days : array of int
        Day numbers (days since 1970-01-01) of the triggers.
    window : Window
        The lags that count.
    period : Period
        The observation period.

    Returns
    -------
    bool
    """
    return bool(in_reach(trigger_days, window, period).any())


@shared
def subset_tests(
    responses: EventSeries,
    triggers: EventSeries,
    *,
    window: Window,
    period: Period,
    by: Iterable[str] = (),
    placebo_shifts: Iterable[int] = (-365, 365),
    placebos: Mapping[str, EventSeries] | None = None,
    null: str = "uniform",
    drop_outside: bool = False,
    **test_options: Any,
) -> pd.DataFrame:
    """Test the responses against trigger subsets and placebo trigger series.

    Rows: ``all`` (every trigger); one per level of each attribute in ``by``
    (e.g. ``target="IRN"``); one per shift in ``placebo_shifts`` (the real list
    moved by that many days: a placebo that keeps the list's clustering but
    breaks any real timing); one per user-supplied series in ``placebos``.

    A placebo should not look like the real thing: if shifted lists give a K as
    remarkable as the real one, the real one is not evidence of a link.

    Parameters
    ----------
    {shared: responses_triggers window period}
    by : iterable of str
        Trigger attributes; one row per level of each.
    placebo_shifts : iterable of int
        Days to shift the real trigger list by, one placebo row each (shifts that
        would leave no trigger able to cover the period are refused).
    placebos : mapping of str to EventSeries, optional
        Further placebo trigger series, by label.
    {shared: null}
    drop_outside : bool
        Drop responses outside the period before any test (``n`` counts those
        tested).
    {shared: test_options}

    Returns
    -------
    pandas.DataFrame
        ``kind, label, n_triggers, k, n, coverage, expected, ratio, pvalue``.

    Examples
    --------
    >>> import alliancestats as als
    >>> case = als.datasets.load_iran_venezuela()
    >>> t = subset_tests(case.meetings, case.independent_sanctions, window=case.window,
    ...                  period=case.period, by=["target"])
    >>> t[["kind", "label", "k"]].values.tolist()
    [['all', 'all', 21], ['subset', 'target=IRN', 17], ['subset', 'target=VEN', 14], ['placebo', 'shifted -365d', 20], ['placebo', 'shifted +365d', 14]]
    """
    setup, _ = build_setup(responses, triggers, window=window, period=period,
                           drop_outside=drop_outside)
    responses = setup.responses
    if by is None or isinstance(by, (str, bytes)) or not isinstance(by, Iterable):
        raise AllianceStatsError(f"`by` must be a sequence of column names, got {by!r}")
    if placebo_shifts is None or not isinstance(placebo_shifts, Iterable):
        raise AllianceStatsError(f"`placebo_shifts` must be a sequence of day counts, got "
                                 f"{placebo_shifts!r}")
    if placebos is not None and not isinstance(placebos, Mapping):
        raise AllianceStatsError(f"`placebos` must map labels to EventSeries, got "
                                 f"{type(placebos).__name__}")
    series: list[tuple[str, str, EventSeries]] = [("all", "all", triggers)]
    for column in by:
        if not isinstance(column, str) or column not in triggers.columns:
            raise AllianceStatsError(f"`by`: triggers have no column {column!r}; "
                                     f"columns are {triggers.columns}")
        levels = pd.unique(triggers.frame[column].dropna())
        for level in sorted(levels, key=str):
            series.append(("subset", f"{column}={level}", triggers.where(**{column: level})))
    for shift in placebo_shifts:
        shift = check_integer(shift, "placebo_shifts")
        moved = triggers.shifted(shift)
        if not can_cover(moved.days, window, period):
            raise AllianceStatsError(
                f"`placebo_shifts`: a shift of {shift:+d} days leaves no trigger that can cover "
                f"the period {period!r}")
        series.append(("placebo", f"shifted {shift:+d}d", moved))
    for label, placebo in (placebos or {}).items():
        if not isinstance(placebo, EventSeries):
            raise AllianceStatsError(f"`placebos`[{label!r}] must be an EventSeries")
        series.append(("placebo", str(label), placebo))
    rows = []
    for kind, label, trig in series:
        res = coincidence_test(responses, trig, window=window, period=period, null=null,
                               **test_options)
        rows.append((kind, label, len(trig), res.k, res.n, res.coverage, res.expected,
                     res.ratio, res.pvalue))
    return pd.DataFrame(rows, columns=["kind", "label", "n_triggers", "k", "n", "coverage",
                                       "expected", "ratio", "pvalue"])
