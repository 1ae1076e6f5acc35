"""Many windows at once, with the family-wise error controlled.

A user who tries windows of 0, 1, ..., 90 days and reports the best one must pay
for the search. The max-statistic (min-p) method of Westfall and Young does that
with one set of resamples shared by all windows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Iterable, Iterator, Sequence

import numpy as np
import pandas as pd

from ._inference import use_exact
from ._minp import min_p_adjusted
from ._montecarlo import batch_sizes
from ._docstrings import shared
from ._output import Displayed, json_ready
from ._progress import check_progress, track
from ._reach import reach_atoms
from ._setup import Setup, build_setup
from ._window_family import DayPatterns, PatternBuilder, day_rows, window_setups
from ._validation import check_alternative, check_bool, check_integer, check_rng
from .errors import AllianceStatsError
from .events import EventSeries
from .nulls import NULLS, NullModel, make_null
from .nulls.poisson import PoissonNull, coupled_counts
from .period import Period
from .statistics import AdditiveStatistic, Statistic, get_statistic
from .statistics.trigger_rate import TriggerRate
from .window import Window

__all__ = ["SweepResult", "window_sweep", "sweep_windows"]

#: nulls a window sweep accepts
SWEEP_NULLS = tuple(name for name in NULLS if name != "shuffle-triggers")
#: the nulls an audit sweeps (episode-jitter, which needs options, only on request)
SWEEPABLE = ("uniform", "poisson", "stratified", "jitter", "circular")


def sweep_windows(max_days: int = 90, *, min_days: int = 0, symmetric: bool = False) -> list[Window]:
    """``[0, h]`` (or ``[-h, h]`` if ``symmetric``) for ``h = min_days..max_days``.

    Parameters
    ----------
    max_days : int
        The largest ``h`` (``>= 0``).
    min_days : int
        The smallest ``h`` (``>= 0``, at most ``max_days``).
    symmetric : bool
        Lags on both sides of the trigger (``[-h, h]``) instead of after it only.

    Returns
    -------
    list of Window
        One window per ``h``, ``h`` increasing.

    Examples
    --------
    >>> sweep_windows(3)
    [Window(lo=0, hi=0), Window(lo=0, hi=1), Window(lo=0, hi=2), Window(lo=0, hi=3)]
    >>> sweep_windows(2, min_days=1, symmetric=True)
    [Window(lo=-1, hi=1), Window(lo=-2, hi=2)]
    """
    max_days = check_integer(max_days, "max_days", minimum=0)
    min_days = check_integer(min_days, "min_days", minimum=0)
    symmetric = check_bool(symmetric, "symmetric")
    if min_days > max_days:
        raise AllianceStatsError(
            f"sweep range needs `min_days` <= `max_days`, got {min_days} > {max_days}")
    return [Window(-h if symmetric else 0, h) for h in range(min_days, max_days + 1)]


@dataclass(frozen=True, eq=False)
class SweepResult(Displayed):
    r"""Outcome of :func:`window_sweep`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per (null, window): ``null, statistic, lo, hi, k, n,
        observed, coverage, expected, pvalue, pvalue_se, pvalue_adjusted,
        pvalue_adjusted_se, method``. ``pvalue_se`` is the Monte Carlo
        standard error :math:`\sqrt{p(1-p)/B}` where ``method`` is
        ``"monte-carlo"`` and NaN (None in :meth:`to_dict`) where the p-value
        is exact; ``pvalue_adjusted_se`` is that of the Monte Carlo min-p
        estimate :math:`(1 + \#\{b : m_b \le p(w)\})/(1 + B)` (see Notes),
        always Monte Carlo.
    n_resamples : int
        Resamples shared by all windows of a null.
    alternative : str
        The alternative of every test (``"greater"``, ``"less"`` or ``"two-sided"``).
    """

    table: pd.DataFrame
    n_resamples: int
    alternative: str

    def best(self) -> pd.DataFrame:
        """Per null, the window with the smallest unadjusted p and its adjusted p.

        Returns
        -------
        pandas.DataFrame
            One row of :attr:`table` per null (the first such window on a tie), in the
            order of the nulls, with a fresh index.
        """
        rows = self.table.loc[self.table.groupby("null", sort=False)["pvalue"].idxmin()]
        return rows.reset_index(drop=True)

    _title = "Window sweep: p-value of each window, adjusted for the search"
    __repr__ = Displayed._short_repr

    def to_frame(self) -> pd.DataFrame:
        """The full table, one row per (null, window), indexed by ``test`` (null and
        window).

        Returns
        -------
        pandas.DataFrame
            :attr:`table` with the index ``test`` (e.g. ``"uniform, lag 0 to 30"``).
        """
        labels = [f"{null}, lag {lo} to {hi}"
                  for null, lo, hi in zip(self.table["null"], self.table["lo"], self.table["hi"])]
        return self.table.set_axis(pd.Index(labels, name="test"))

    def _pairs(self) -> list[tuple[str, str]]:
        one = self.table[self.table["null"] == self.table["null"].iloc[0]]
        first, last = one.iloc[0], one.iloc[-1]
        pairs = [(f"Best {row.null}", f"lag [{row.lo}, {row.hi}]: K = {row.k} of {row.n}, "
                                      f"p = {row.pvalue:.4g}, adjusted p = "
                                      f"{row.pvalue_adjusted:.4g} ({self.alternative})")
                 for row in self.best().itertuples()]
        return pairs + [("Windows", f"{len(one)} windows per null, lag [{first.lo}, {first.hi}] "
                                    f"to [{last.lo}, {last.hi}] days; B = {self.n_resamples}"),
                        ("Adjustment", "min-p over the windows of each null (Westfall-Young), "
                                       "from the same resamples")]

    def _tables(self) -> list[tuple[str, pd.DataFrame]]:
        columns = ["null", "lo", "hi", "k", "n", "coverage", "expected", "pvalue",
                   "pvalue_adjusted", "method"]
        return [("Every window", self.table[[c for c in columns if c in self.table]])]

    @shared
    def to_dict(self) -> dict[str, Any]:
        """The sweep as a JSON-ready dict: ``n_resamples``, ``alternative``, the best
        window per null (``best``) and the full table (``table``), as lists of records;
        ``pvalue_se`` is None for an exact p-value.

        Returns
        -------
        {shared: returns_json}
        """
        return json_ready({"n_resamples": self.n_resamples, "alternative": self.alternative,
                           "best": self.best(), "table": self.table},
                          {"pvalue_se": "the p-value is exact: it has no Monte Carlo error"})


@shared
def window_sweep(
    responses: EventSeries,
    triggers: EventSeries,
    *,
    period: Period,
    windows: Iterable[Window] | None = None,
    nulls: str | Sequence[str] = ("uniform",),
    null_options: dict[str, dict[str, Any]] | None = None,
    statistic: str = "matches",
    n_resamples: int = 1999,
    rng: Any = None,
    alternative: str = "greater",
    drop_outside: bool = False,
    progress: bool | None = None,
) -> SweepResult:
    r"""Test every window of a family, and correct for having tried them all.

    Parameters
    ----------
    {shared: responses_triggers period}
    windows : iterable of Window, optional
        Default ``[0, h]`` for ``h = 0..90`` (:func:`sweep_windows`).
    nulls : str or sequence of str
        One null, or several: any of ``uniform``, ``poisson``, ``stratified``,
        ``jitter``, ``episode-jitter``, ``circular``. ``shuffle-triggers`` is not
        offered: the number of triggers it keeps depends on the window.
    null_options : dict, optional
        Options per null, e.g. ``{"jitter": {"days": 60}}``: keys are names in
        ``nulls``, values dicts of options. ``episode-jitter`` needs an explicit
        ``gap`` here (its default, the window length, would differ between windows).
    statistic : {"matches", "pairs", "trigger-rate", "likelihood"}
        The statistic tested in every window (see :func:`coincidence_test`).
    n_resamples : int
        ``B`` resamples, shared by all windows of a null.
    {shared: rng}
    alternative : {"greater", "less", "two-sided"}
        The direction of every test, as in :func:`coincidence_test`.
    {shared: drop_outside}
    progress : bool or None
        A progress bar over each null's resamples: None (default) shows one only when
        standard error is a terminal and tqdm is installed; True always (needs the
        ``progress`` extra); False never.

    Returns
    -------
    SweepResult
        One row per (null, window) with its unadjusted and min-p adjusted p-value.

    Notes
    -----
    For each window ``w`` the unadjusted p-value :math:`p(w)` is the exact one
    where the null has it for the statistic (else Monte Carlo). For the
    adjustment, each resample ``b`` gives the statistic :math:`X_b(w)` for every
    window from the *same* surrogate data, and its smallest p-value
    :math:`m_b = \min_w p_b(w)`, with :math:`p_b(w)` computed from the same null
    distribution as :math:`p(w)` (the Monte Carlo frequencies where there is no
    exact one; a second pass over the same random stream then computes
    :math:`m_b`, so memory does not grow with ``B``). The adjusted value

    .. math:: \tilde p(w) = \max\Big\{p(w),\ \frac{1 + \#\{b : m_b \le p(w)\}}{1 + B}\Big\}

    controls the family-wise error rate (single-step min-p, Westfall & Young
    1993). The true adjusted value is never below :math:`p(w)` (the minimum of
    several p-values is no larger than any one of them), so the Monte Carlo
    estimate is clipped at that bound.

    Surrogates: nulls that place responses draw placements once for all windows.
    ``poisson`` estimates its day probability :math:`q_w` on each window's own
    reach, as :func:`coincidence_test` does; the surrogate trigger days of all
    windows come from one uniform per reach day (a day holds a trigger for
    window ``w`` when its uniform is below :math:`q_w`), so each window sees
    exactly its own null and the windows are coupled through the same days.

    Cost: the coverage counts of all windows come from one cumulative count of the
    trigger days, :math:`c_w(d) = N(d - lo_w) - N(d - hi_w - 1)`; for K and S the
    period days are grouped by their scores in every window (for K and windows
    ``[0, h]`` at most ``W + 1`` groups), and each resampled placement is reduced to
    the number of responses in each group, :math:`X_b(w) = \sum_p a_p f_{p,w}`,
    so all windows cost one look-up per response (see
    :mod:`alliancestats._window_family`).

    References
    ----------
    1. Westfall, P. H. and Young, S. S. (1993). *Resampling-Based Multiple
       Testing*. Wiley.

    Examples
    --------
    >>> import alliancestats as als
    >>> case = als.datasets.load_iran_venezuela()
    >>> res = window_sweep(case.meetings, case.independent_sanctions, period=case.period,
    ...                    windows=sweep_windows(45), n_resamples=499, rng=1)
    >>> best = res.best().iloc[0]
    >>> int(best.hi), bool(best.pvalue_adjusted >= best.pvalue)
    (31, True)
    """
    if windows is not None and (isinstance(windows, (str, bytes, Window))
                                or not isinstance(windows, Iterable)):
        raise AllianceStatsError(f"`windows` must be a sequence of Window, got "
                                 f"{type(windows).__name__}")
    window_list = list(sweep_windows() if windows is None else windows)
    if not window_list:
        raise AllianceStatsError("`windows` is empty")
    for i, w in enumerate(window_list):
        if not isinstance(w, Window):
            raise AllianceStatsError(f"`windows` item {i} must be a Window, got {type(w).__name__}")
    names = _check_nulls(nulls)
    options = _check_null_options(null_options, names)
    chosen = get_statistic(statistic)
    n_resamples = check_integer(n_resamples, "n_resamples", minimum=1)
    alternative = check_alternative(alternative)
    generator = check_rng(rng)
    show = check_progress(progress)
    hull = Window(min(w.lo for w in window_list), max(w.hi for w in window_list))
    setup, _ = build_setup(responses, triggers, window=hull, period=period,
                           drop_outside=drop_outside)
    frames = []
    for name in names:
        model = make_null(name, options.get(name, {}))
        model.check_statistic(chosen)
        if name == "episode-jitter" and model.values["gap"] is None:
            raise AllianceStatsError(
                "`null_options`: 'episode-jitter' in a window sweep needs an explicit `gap` "
                "(its default, the window length, differs between windows)")
        model.check_data(setup)
        frames.append(_sweep_one(model, setup, window_list, chosen, n_resamples, generator,
                                 alternative, show))
    return SweepResult(table=pd.concat(frames, ignore_index=True), n_resamples=n_resamples,
                       alternative=alternative)


def _check_nulls(nulls: Any) -> list[str]:
    names = [nulls] if isinstance(nulls, str) else nulls
    if not isinstance(names, (list, tuple)) or not names:
        raise AllianceStatsError(
            f"`nulls` must be a null name or a non-empty list of them, got {nulls!r}")
    for name in names:
        if name == "shuffle-triggers":
            raise AllianceStatsError("`nulls`: 'shuffle-triggers' cannot be swept (its trigger "
                                     "count depends on the window); use poisson")
        if not isinstance(name, str) or name not in NULLS:
            raise AllianceStatsError(f"`nulls`: {name!r} is not a null; choose from "
                                     f"{', '.join(map(repr, SWEEP_NULLS))}")
    if len(set(names)) < len(names):
        raise AllianceStatsError(f"`nulls` lists a null twice: {names!r}")
    return list(names)


def _check_null_options(null_options: Any, names: list[str]) -> dict[str, dict[str, Any]]:
    if null_options is None:
        return {}
    if not isinstance(null_options, dict):
        raise AllianceStatsError(
            "`null_options` must map null names to dicts of options, e.g. "
            f"{{'jitter': {{'days': 60}}}}; got {type(null_options).__name__}")
    for key, value in null_options.items():
        if key not in names:
            raise AllianceStatsError(f"`null_options` has options for {key!r}, which is not in "
                                     f"`nulls` ({', '.join(map(repr, names))})")
        if not isinstance(value, dict):
            raise AllianceStatsError(f"`null_options[{key!r}]` must be a dict of options, "
                                     f"got {value!r}")
    return null_options


def _sweep_one(model: NullModel, hull: Setup, windows: list[Window], statistic: Statistic,
               n_resamples: int, rng: np.random.Generator, alternative: str,
               progress: bool = False) -> pd.DataFrame:
    """One null's rows: each window's setup is made, summarised and let go in turn
    (:func:`alliancestats._window_family.window_setups`); the surrogates come from
    :func:`_surrogates`."""
    places = model.draws == "responses" and isinstance(statistic, AdditiveStatistic)
    builder = PatternBuilder(hull.period.n_days, limit=hull.n) if places else None
    rows = []
    for s in window_setups(hull, windows):
        dist = (model.exact_distribution(s, statistic)
                if use_exact(model, s, statistic, "auto", []) else None)
        rows.append((statistic.observed(s), dist, model.expected(s, statistic), s.observed_k,
                     float(s.mask.mean())))
        if builder is not None:
            assert isinstance(statistic, AdditiveStatistic)
            builder.add(statistic.score(s))
    observed, exact, expected, ks, coverage = (list(column) for column in zip(*rows))
    patterns = builder.result() if builder is not None else None

    def draws(generator: np.random.Generator) -> Iterator[np.ndarray]:
        return track(_surrogates(model, hull, [replace(hull, window=w) for w in windows],
                                 statistic, n_resamples, generator, patterns),
                     total=n_resamples, progress=progress, unit="draw",
                     description=f"sweep {model.name}", size=lambda v: v.shape[-1])

    p_obs, adjusted, dists, p_se, adjusted_se = min_p_adjusted(
        observed, exact, draws, n_resamples, rng, alternative)
    return pd.DataFrame({
        "null": model.name, "statistic": statistic.name,
        "lo": [w.lo for w in windows], "hi": [w.hi for w in windows],
        "k": ks, "n": hull.n, "observed": observed, "coverage": coverage,
        "expected": [e if e is not None else d.mean for e, d in zip(expected, dists)],
        "pvalue": p_obs, "pvalue_se": p_se, "pvalue_adjusted": adjusted,
        "pvalue_adjusted_se": adjusted_se,
        "method": ["exact" if d is not None else "monte-carlo" for d in exact],
    })


def _surrogates(model: NullModel, hull: Setup, setups: list[Setup], statistic: Statistic,
                n_resamples: int, rng: np.random.Generator,
                patterns: DayPatterns | None = None) -> Iterator[np.ndarray]:
    """Per batch, the statistic in every window from shared surrogates: ``(W, batch)``.

    Placements of an additive statistic go through the day patterns when there are
    any (one look-up per response for all windows), else through each window's
    day scores; the batches are the same either way, so are the draws.
    """
    windows = [s.window for s in setups]
    if model.draws == "responses":
        width = len(windows) * statistic.placement_width(hull)
        if patterns is not None:
            for size in batch_sizes(n_resamples, width):
                yield patterns.values(model.draw(hull, size, rng))
            return
        setups = list(window_setups(hull, windows))
        scores = (day_rows(np.stack([statistic.score(s) for s in setups]))
                  if isinstance(statistic, AdditiveStatistic) else None)
        for size in batch_sizes(n_resamples, width):
            offsets = model.draw(hull, size, rng)
            if scores is not None:
                yield scores[offsets].sum(axis=1, dtype=np.int64).T
            else:
                assert isinstance(statistic, TriggerRate)
                ordered = np.sort(offsets, axis=1)
                yield np.stack([statistic.from_sorted(s, ordered) for s in setups])
        return
    assert isinstance(model, PoissonNull)
    atoms = reach_atoms(hull, windows)
    q = np.array([model.day_probability(s) for s in setups])
    levels, which = np.unique(q, return_inverse=True)
    width = 3 * len(levels) * (atoms.n_atoms + hull.n)
    for size in batch_sizes(n_resamples, width):
        counts = coupled_counts(atoms, levels, size, rng)
        yield np.stack([statistic.from_atom_counts(s, atoms, counts[which[w]], w)
                        for w, s in enumerate(setups)])
