r"""Secondary analyses: every other null and statistic, with p-values adjusted for trying them.

A reader who sees one primary p-value and a table of others will pick the
smallest; the adjusted p-values say what that choice costs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Sequence

import numpy as np
import pandas as pd

from .._inference import use_exact
from .._minp import min_p_adjusted
from .._montecarlo import batch_sizes
from .._docstrings import shared
from .._output import Displayed, Summary, html_block, json_ready, text_table
from .._pvalues import NullDistribution
from .._setup import Setup, build_setup
from .._validation import check_integer, check_rng
from ..errors import AllianceStatsError
from ..events import EventSeries
from ..nulls import NULLS, NullModel, make_null
from ..period import Period
from ..statistics import STATISTICS, Statistic, get_statistic
from ..window import Window
from .analysis import Analysis

__all__ = ["SecondaryResult", "secondary_tests", "default_family"]


@dataclass(frozen=True, eq=False)
class SecondaryResult:
    """Outcome of :func:`secondary_tests`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per analysis: ``analysis`` (its label), ``null``, ``statistic``,
        ``value``, ``expected``, ``pvalue`` (unadjusted), ``method``,
        ``pvalue_within`` (min-p adjusted over the statistics of its null),
        ``pvalue_adjusted`` (for the whole family) and ``suited`` (whether
        :func:`alliancestats.diagnose` found the null's assumptions met; None when
        no diagnosis was given).
    n_resamples : int
        Shared surrogates per null for the min-p step.
    n_nulls : int
        Nulls (with their options) in the family: the Holm step's size.
    """

    table: pd.DataFrame
    n_resamples: int
    n_nulls: int

    def to_frame(self) -> pd.DataFrame:
        """The family as a table.

        Returns
        -------
        pandas.DataFrame
            A copy of :attr:`table`: one row per analysis.
        """
        return self.table.copy()

    @shared
    def summary(self) -> Summary:
        """The family as plain text: a title naming the adjustment, then each analysis
        with its value, expected value, p-value, adjusted p-value and ``suited``.

        Returns
        -------
        {shared: returns_summary}
        """
        title = (f"Secondary analyses ({len(self.table)}; p adjusted for all of them: min-p "
                 f"within each null, Holm across {self.n_nulls} nulls)")
        columns = ["analysis", "value", "expected", "pvalue", "pvalue_adjusted", "suited"]
        return Summary("\n".join([title, "=" * len(title), text_table(self.table[columns])]))

    def _pairs(self) -> list[tuple[str, str]]:
        smallest = self.table.sort_values("pvalue_adjusted").iloc[0]
        return [("Analyses", f"{len(self.table)} (labelled secondary)"),
                ("Adjustment", f"min-p within each null (B = {self.n_resamples}), Holm across "
                               f"{self.n_nulls} nulls"),
                ("Smallest adjusted p", f"{smallest.pvalue_adjusted:.3g} "
                                        f"({smallest.analysis})")]

    def _repr_html_(self) -> str:
        return html_block("Secondary analyses", self._pairs(), [("Analyses", self.table)])

    __repr__ = Displayed._short_repr

    @shared
    def to_dict(self) -> dict[str, Any]:
        """The family as a JSON-ready dict: ``n_resamples``, ``n_nulls``, the
        ``adjustment`` in words and ``analyses`` (the table as a list of records).

        Returns
        -------
        {shared: returns_json}
        """
        return json_ready({"n_resamples": self.n_resamples, "n_nulls": self.n_nulls,
                           "adjustment": "min-p (Westfall-Young) within each null, Holm "
                                         "across nulls",
                           "analyses": self.table})


def default_family(window: Window, options: dict[str, dict[str, Any]],
                   exclude: Analysis | None = None) -> list[Analysis]:
    """Every null with ``options`` (e.g. :attr:`Diagnosis.options`) x every statistic it
    accepts, except ``exclude`` (the primary analysis).

    Parameters
    ----------
    window : Window
        The window of every analysis; it also sets the defaults of the jitter nulls
        (``days`` = twice its length; episode-jitter's ``gap`` = its length).
    options : dict
        Null name to that null's options; only ``days`` (jitter) and ``days`` and
        ``gap`` (episode-jitter) are read for the jitter nulls.
    exclude : Analysis, optional
        An analysis to leave out (same null, statistic and options, whatever the
        window).

    Returns
    -------
    list of Analysis
        In the order of :data:`alliancestats.nulls.NULLS`, then of the statistics;
        a statistic a null refuses is left out.
    """
    family = []
    for null, cls in NULLS.items():
        values = dict(options.get(null, {}))
        if null == "jitter":
            values = {"days": values.get("days", 2 * window.length)}
        if null == "episode-jitter":
            values = {"days": values.get("days", 2 * window.length),
                      "gap": values.get("gap", window.length)}
        for statistic in STATISTICS:
            if statistic in cls.refused_statistics:
                continue
            candidate = Analysis(null, statistic, window, values)
            if exclude is None or not same_analysis(candidate, exclude):
                family.append(candidate)
    return family


def same_analysis(a: Analysis, b: Analysis) -> bool:
    """Same null, statistic and options (windows are the audit's)."""
    return (a.null, a.statistic, make_null(a.null, a.options()).values) == \
        (b.null, b.statistic, make_null(b.null, b.options()).values)


def secondary_tests(
    responses: EventSeries,
    triggers: EventSeries,
    *,
    window: Window,
    period: Period,
    analyses: Sequence[Analysis],
    suited: dict[str, bool] | None = None,
    n_resamples: int = 999,
    rng: Any = None,
    drop_outside: bool = False,
) -> SecondaryResult:
    r"""Test every analysis of a family and adjust its p-values for the family.

    Parameters
    ----------
    responses, triggers, window, period :
        As in :func:`alliancestats.coincidence_test`.
    analyses : sequence of Analysis
        The family (e.g. :func:`default_family`); their window must be ``window``
        or None.
    suited : dict, optional
        Whether each null suits the data (``diagnose``'s recommendation), shown
        in the table.
    n_resamples : int
        ``B``, surrogates per null shared by its statistics.
    rng, drop_outside :
        As in :func:`alliancestats.coincidence_test`.

    Returns
    -------
    SecondaryResult

    Notes
    -----
    The analyses are grouped by null (with its options). *Within* a null the
    statistics share surrogates: each surrogate dataset gives K, S and R at once,
    so the single-step min-p adjustment of Westfall & Young (1993) applies
    (:func:`alliancestats._minp.min_p_adjusted`; unadjusted p-values exact where
    the null has the distribution, else Monte Carlo): with :math:`m_b` the
    smallest p-value of surrogate ``b``,
    :math:`\tilde p_{js} = \max\{p_{js}, (1 + \#\{b: m_b \le p_{js}\})/(1 + B)\}`.
    It uses the dependence between the statistics (K and S are strongly
    correlated), so it costs less than Bonferroni.

    *Across* nulls there are no shared surrogates (each null randomises
    something else), so Holm's step-down is applied to the nulls' smallest
    adjusted values :math:`q_j = \min_s \tilde p_{js}`: with the ``J`` nulls
    ordered by :math:`q_j`, the null of rank ``r`` gets the factor
    :math:`J - r + 1`, and

    .. math:: \hat p_{js} = \min\{1, \max[h_{r-1},\ (J - r + 1)\,\tilde p_{js}]\},

    :math:`h_{r-1}` the largest such value of the nulls ranked before. Any
    adjusted value at most α requires :math:`J\,q_{(1)} \le \alpha`, and each
    :math:`q_j` is a valid p-value for its null (the min-p property), so with no
    coupling and every null's assumptions met the chance of any adjusted value at
    most α is at most :math:`\sum_j P(q_j \le \alpha/J) \le \alpha` (tested on
    simulated data). A null whose assumptions fail (``suited`` False) gives
    p-values that mean little, adjusted or not.

    References
    ----------
    1. Westfall, P. H. and Young, S. S. (1993). *Resampling-Based Multiple
       Testing*. Wiley.
    2. Holm, S. (1979). A simple sequentially rejective multiple test procedure.
       *Scandinavian Journal of Statistics* 6(2), 65-70.

    Examples
    --------
    >>> import alliancestats as als
    >>> case = als.datasets.load_iran_venezuela()
    >>> family = [als.Analysis("stratified", s, null_options={"strata": "year"})
    ...           for s in ("matches", "pairs")]
    >>> res = secondary_tests(case.meetings, case.independent_sanctions, window=case.window,
    ...                       period=case.period, analyses=family, rng=0)
    >>> res.table[["statistic", "pvalue"]].round(4).values.tolist()
    [['matches', 0.0384], ['pairs', 0.5581]]
    >>> bool((res.table.pvalue_adjusted >= res.table.pvalue).all())
    True
    """
    n_resamples = check_integer(n_resamples, "n_resamples", minimum=1)
    generator = check_rng(rng)
    setup, _ = build_setup(responses, triggers, window=window, period=period,
                           drop_outside=drop_outside)      # validates `window` first
    blocks = _blocks(analyses, setup.window)
    streams = generator.spawn(len(blocks))
    rows = []
    for (null, options, statistics), stream in zip(blocks, streams):
        model = make_null(null, dict(options))
        model.check_data(setup)
        chosen = [get_statistic(s) for s in statistics]
        notes: list[str] = []
        exact: list[NullDistribution | None] = [
            model.exact_distribution(setup, s) if use_exact(model, setup, s, "auto", notes)
            else None for s in chosen]
        observed = [s.observed(setup) for s in chosen]
        p, within, dists, _, _ = min_p_adjusted(
            observed, exact, lambda g: _surrogates(model, setup, chosen, n_resamples, g),
            n_resamples, stream, "greater")
        for s, x, d, ex, pv, pw in zip(chosen, observed, dists, exact, p, within):
            mean = model.expected(setup, s)
            rows.append({"analysis": Analysis(null, s.name, window, dict(options)).label(),
                         "null": null,
                         "statistic": s.name, "value": float(x),
                         "expected": float(d.mean if mean is None else mean),
                         "pvalue": float(pv), "method": "exact" if ex is not None else
                         "monte-carlo", "pvalue_within": float(pw),
                         "suited": None if suited is None else suited.get(null)})
    table = pd.DataFrame(rows)
    table["pvalue_adjusted"] = _holm_over_blocks(table, [len(b[2]) for b in blocks])
    table = table[["analysis", "null", "statistic", "value", "expected", "pvalue", "method",
                   "pvalue_within", "pvalue_adjusted", "suited"]]
    return SecondaryResult(table=table, n_resamples=n_resamples, n_nulls=len(blocks))


def _blocks(analyses: Any, window: Window) -> list[tuple[str, tuple[tuple[str, Any], ...],
                                                         list[str]]]:
    """The analyses grouped by null and options, in order of first appearance."""
    if isinstance(analyses, (str, bytes, Analysis)) or not isinstance(analyses, Sequence) \
            or not analyses:
        raise AllianceStatsError(f"`analyses` must be a non-empty sequence of Analysis, got "
                                 f"{analyses!r}")
    blocks: dict[tuple[str, str], tuple[str, tuple[tuple[str, Any], ...], list[str]]] = {}
    for i, a in enumerate(analyses):
        if not isinstance(a, Analysis):
            raise AllianceStatsError(f"`analyses` item {i} must be an Analysis, got "
                                     f"{type(a).__name__}")
        if a.window is not None and a.window != window:
            raise AllianceStatsError(f"`analyses` item {i} ({a.label()}) has window {a.window}; "
                                     f"every analysis of the family uses `window` {window}")
        values = make_null(a.null, a.options()).values
        key = (a.null, repr(sorted(values.items(), key=lambda kv: kv[0])))
        block = blocks.setdefault(key, (a.null, tuple(a.null_options.items()), []))
        if a.statistic in block[2]:
            raise AllianceStatsError(f"`analyses` lists {a.label()} twice")
        block[2].append(a.statistic)
    return list(blocks.values())


def _surrogates(model: NullModel, setup: Setup, statistics: list[Statistic], n_resamples: int,
                rng: np.random.Generator) -> Iterator[list[np.ndarray]]:
    """Per batch, every statistic from the same surrogate data."""
    width = max(model.batch_width(setup, s) for s in statistics)
    for size in batch_sizes(n_resamples, width):
        if model.draws == "responses":
            offsets = model.draw(setup, size, rng)
            yield [s.from_placements(setup, offsets) for s in statistics]
        else:
            atoms = model.atoms(setup)  # type: ignore[attr-defined]
            counts = model.draw_atoms(setup, atoms, size, rng)  # type: ignore[attr-defined]
            yield [s.from_atom_counts(setup, atoms, counts) for s in statistics]


def _holm_over_blocks(table: pd.DataFrame, sizes: list[int]) -> np.ndarray:
    """Holm's step-down over the blocks' smallest values, applied to every member."""
    within = table.pvalue_within.to_numpy()
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    smallest = np.array([within[a: a + k].min() for a, k in zip(starts, sizes)])
    adjusted = np.empty_like(within)
    running, n_blocks = 0.0, len(sizes)
    for rank, block in enumerate(np.argsort(smallest, kind="stable")):
        factor = n_blocks - rank
        a, k = starts[block], sizes[block]
        adjusted[a: a + k] = np.minimum(1.0, np.maximum(running, factor * within[a: a + k]))
        running = max(running, min(1.0, factor * smallest[block]))
    return adjusted
