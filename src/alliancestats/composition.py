"""Composition (do matched and unmatched responses differ?) and rate comparisons."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.rates import test_poisson_2indep

from ._dates import to_day_numbers, to_timestamp
from ._distinct import distinct
from ._docstrings import shared
from ._ffh import ffh_pvalue_2xc
from ._output import Displayed, json_ready
from ._setup import _responses_in_period as responses_in_period
from ._validation import check_bool, check_choice, check_integer, check_rng, format_rows
from .errors import AllianceStatsError
from .events import EventSeries
from .period import Period

__all__ = ["CompositionResult", "composition_test", "rate_comparison"]

#: the ratio tests of :func:`statsmodels.stats.rates.test_poisson_2indep`
RATE_METHODS = ("exact-cond", "cond-midp", "score", "wald", "wald-log", "score-log", "sqrt",
                "etest", "etest-score", "etest-wald")


@dataclass(frozen=True, eq=False)
class CompositionResult(Displayed):
    """Outcome of :func:`composition_test`.

    Attributes
    ----------
    table : pandas.DataFrame
        Counts: rows ``matched`` True/False, one column per attribute level.
    attribute : str
        The attribute compared.
    pvalue : float
        Fisher–Freeman–Halton exact p-value (or Monte Carlo, see ``method``).
    method : {"exact", "monte-carlo"}
    pvalue_se : float or None
    """

    table: pd.DataFrame
    attribute: str
    pvalue: float
    method: str
    pvalue_se: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary: counts per level for matched and unmatched responses.

        Returns
        -------
        dict
        """
        counts = {str(level): {"matched": int(self.table.loc[True, level]),
                               "unmatched": int(self.table.loc[False, level])}
                  for level in self.table.columns}
        return json_ready({"attribute": self.attribute, "pvalue": self.pvalue,
                           "method": self.method, "pvalue_se": self.pvalue_se, "counts": counts})

    _title = "Composition: do matched and unmatched responses differ?"
    __repr__ = Displayed._short_repr

    def _pairs(self) -> list[tuple[str, str]]:
        se = f" ± {self.pvalue_se:.4f}" if self.pvalue_se is not None else ""
        how = ("Fisher-Freeman-Halton exact" if self.method == "exact"
               else "Fisher-Freeman-Halton, Monte Carlo")
        counts = self.table.sum(axis=1)
        return [("p-value", f"{self.pvalue:.4g}{se}  ({how})"),
                ("Attribute", f"{self.attribute} ({self.table.shape[1]} levels)"),
                ("Responses", f"{int(counts.get(True, 0))} matched, "
                              f"{int(counts.get(False, 0))} unmatched")]

    def _tables(self) -> list[tuple[str, pd.DataFrame]]:
        return [("Counts per level", self.to_frame().reset_index())]

    def to_frame(self) -> pd.DataFrame:
        """The counts per level of the attribute.

        Returns
        -------
        pandas.DataFrame
            One row per level, indexed by the attribute's name: ``matched`` and
            ``unmatched``, the responses with that level in each group.
        """
        frame = self.table.T.rename(columns={True: "matched", False: "unmatched"})
        frame.columns.name = None
        return frame.rename_axis(self.attribute)[["matched", "unmatched"]]


@shared
def composition_test(table: pd.DataFrame, attribute: str, *, n_resamples: int = 9999,
                     rng: Any = None) -> CompositionResult:
    r"""Do matched and unmatched responses differ in a categorical attribute?

    ``table`` is a per-response table (``result.table`` of
    :func:`coincidence_test`) with a boolean ``matched`` column and the
    attribute. :math:`H_0`: the attribute is independent of being matched, given
    both margins (Fisher–Freeman–Halton). The exact p-value sums the
    multivariate-hypergeometric probabilities of all ``2 x c`` tables with the
    observed margins that are no more likely than the observed one, by a network
    algorithm over the columns (see Notes). When that would need more than
    a million partial tables at one column (in practice
    beyond a hundred or so responses spread over many levels), a Monte Carlo
    estimate (:class:`scipy.stats.MonteCarloMethod`, ``n_resamples`` draws of
    :func:`scipy.stats.random_table`) is used instead, and ``method`` says so.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per response with a boolean ``matched`` column and the attribute.
    attribute : str
        The column to compare, read as categories.
    n_resamples : int
        Monte Carlo draws when the exact sum is too large.
    {shared: rng}

    Returns
    -------
    CompositionResult

    Notes
    -----
    With column totals :math:`c_j`, :math:`k` matched responses and :math:`N` in
    all, a table is its matched row :math:`x` and

    .. math:: P(x) = \prod_j \binom{c_j}{x_j} \Big/ \binom{N}{k},
              \qquad p = \sum_x P(x)\,[P(x) \le P(x_\text{obs})(1 + 10^{-7})].

    The tables are paths through the columns; the paths that reach (column
    :math:`j`, :math:`s` matched so far) with the same partial product are merged,
    and a node is settled at once when even its most likely completion is below the
    threshold (all :math:`\binom{R_j}{k - s}` completions count, Vandermonde,
    :math:`R_j = \sum_{l \ge j} c_l`) or even its least likely one is above it
    (none counts): Mehta and Patel's network algorithm. The cost grows with the
    number of distinct partial products, not with the number of tables (a
    ``2 x 20`` table of 20 responses, :math:`2^{20}` tables, takes milliseconds).

    Examples
    --------
    >>> t = pd.DataFrame({"matched": [True] * 6 + [False] * 4,
    ...                   "topic": list("aaaabb") + list("bbba")})
    >>> round(composition_test(t, "topic").pvalue, 4)
    0.5238
    """
    if not isinstance(table, pd.DataFrame) or "matched" not in table.columns:
        raise AllianceStatsError("`table` must be a per-response DataFrame with a 'matched' column")
    if table.columns.duplicated().any():
        raise AllianceStatsError("`table` has more than one column with the same name")
    if not isinstance(attribute, str) or attribute not in table.columns:
        raise AllianceStatsError(f"`attribute`: no column {attribute!r}; columns are "
                                 f"{list(table.columns)}")
    matched = _matched_column(table["matched"])
    values = table[attribute]
    missing = np.flatnonzero(values.isna().to_numpy())
    if missing.size:
        raise AllianceStatsError(f"`attribute` column {attribute!r} is missing in rows "
                                 f"{missing.tolist()}")
    counts = pd.crosstab(matched, values).reindex([True, False], fill_value=0)
    if counts.shape[1] < 2:
        raise AllianceStatsError(f"`attribute` column {attribute!r} has a single level "
                                 f"({counts.columns[0]!r}); nothing to compare")
    observed = counts.to_numpy()
    n_resamples = check_integer(n_resamples, "n_resamples", minimum=1)
    exact = ffh_pvalue_2xc(observed)
    if exact is not None:
        return CompositionResult(counts, attribute, exact, "exact")
    method = stats.MonteCarloMethod(n_resamples=n_resamples, rng=check_rng(rng))
    p = float(stats.fisher_exact(observed, method=method).pvalue)
    return CompositionResult(counts, attribute, p, "monte-carlo",
                             float(np.sqrt(p * (1 - p) / n_resamples)))


def _matched_column(column: pd.Series) -> pd.Series:
    """The ``matched`` column as booleans; anything but True/False is refused (the text
    "False" is a non-empty string, so ``astype(bool)`` would call it matched)."""
    if pd.api.types.is_bool_dtype(column.dtype) and not column.isna().any():
        return column.astype(bool)
    bad = [i for i, v in enumerate(column.to_numpy(dtype=object))
           if not isinstance(v, (bool, np.bool_))]
    if bad:
        examples = ", ".join(repr(column.iloc[i]) for i in bad[:3])
        raise AllianceStatsError(
            f"`table` column 'matched' must hold True or False, got {examples} in rows "
            f"{format_rows(bad)}; convert text first, e.g. table['matched'] == 'True'")
    return column.astype(bool)


def rate_comparison(responses: EventSeries, *, period: Period, breaks: Sequence[Any],
                    method: str = "exact-cond",
                    drop_outside: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Do response rates differ between periods?

    The period is cut at ``breaks`` (each starts a new segment). Returns the
    segments (``start, end, days, count, rate_per_year``) and the comparisons of
    every pair of segments by
    :func:`statsmodels.stats.rates.test_poisson_2indep` (two-sided; default the
    exact conditional test), with the rate ratio (infinite when the earlier
    segment has no response; ratio and p-value NaN when neither has one: there is
    nothing to compare).

    Parameters
    ----------
    responses : EventSeries
        The events whose rates are compared.
    period : Period
        The observation period; every response must lie in it.
    breaks : sequence of date-like
        Where new segments start, inside the period.
    method : str
        The ``method`` of :func:`statsmodels.stats.rates.test_poisson_2indep`.
    drop_outside : bool
        Leave responses outside the period out of every count instead of raising.

    Returns
    -------
    segments, comparisons : pandas.DataFrame
        The segments and one row per pair of segments.

    Examples
    --------
    >>> import alliancestats as als
    >>> case = als.datasets.load_iran_venezuela()
    >>> segments, tests = rate_comparison(case.meetings, period=case.period,
    ...                                   breaks=["2017-01-20", "2018-05-08"])
    >>> segments["count"].tolist()
    [11, 5, 9]
    """
    if not isinstance(responses, EventSeries):
        raise AllianceStatsError("`responses` must be an alliancestats.EventSeries")
    if not isinstance(period, Period):
        raise AllianceStatsError("`period` must be an alliancestats.Period")
    method = check_choice(method, "method", RATE_METHODS)
    check_bool(drop_outside, "drop_outside")
    responses, _ = responses_in_period(responses, period, bool(drop_outside))
    if breaks is None or isinstance(breaks, (str, bytes)) or not isinstance(breaks, Iterable):
        raise AllianceStatsError(f"`breaks` must be a sequence of dates, got {breaks!r}")
    cuts, _ = to_day_numbers(pd.Series(list(breaks), dtype=object), argument="breaks")
    cuts = distinct(cuts)
    bad = cuts[(cuts <= period.first_day) | (cuts > period.last_day)]
    if bad.size:
        raise AllianceStatsError(f"`breaks` must lie after the period's first day and within it; "
                                 f"{to_timestamp(int(bad[0])).date()} does not")
    edges = np.concatenate([[period.first_day], cuts, [period.last_day + 1]])
    days = responses.days
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        count = int(((days >= lo) & (days < hi)).sum())
        rows.append((to_timestamp(lo), to_timestamp(hi - 1), int(hi - lo), count,
                     count / (hi - lo) * 365.25))
    segments = pd.DataFrame(rows, columns=["start", "end", "days", "count", "rate_per_year"])
    tests = []
    for (i, a), (j, b) in itertools.combinations(segments.iterrows(), 2):
        if a["count"] + b["count"] == 0:   # no response in either: nothing to compare
            tests.append((i, j, np.nan, np.nan))
            continue
        res = test_poisson_2indep(b["count"], b["days"], a["count"], a["days"], method=method)
        ratio = (b["count"] / b["days"]) / (a["count"] / a["days"]) if a["count"] else np.inf
        tests.append((i, j, float(ratio), float(res.pvalue)))
    comparisons = pd.DataFrame(tests, columns=["segment_a", "segment_b", "rate_ratio_b_over_a",
                                               "pvalue"])
    return segments, comparisons
