r"""Calibration and power of every null x statistic, on data the nulls did not generate.

For method developers: :func:`size_table` measures how often each test rejects
on *independent* responses and triggers drawn from the named scenarios of
:mod:`alliancestats.scenarios` (trends, bursts: every rejection is a false
positive), and :func:`power_table` how often it rejects when a share of the
responses follows a given trigger list
(:func:`alliancestats.simulate.coupled_responses`). Neither generator shares
code with the null models.

Each dataset is drawn once and tested under every null variant and statistic
(common random numbers: differences between nulls are not sampling noise of the
data). Streams of random numbers are keyed by the cell, not by the order of
computation: dataset ``i`` of a scenario (or coupling) is the same whichever
nulls, statistics or other scenarios are computed with it, and so is each Monte
Carlo test. A sub-table therefore equals the corresponding rows of the full one.
With ``base`` the seed (``rng`` itself when it is an integer, else one integer
drawn from it), dataset ``i`` of scenario ``SCENARIOS[s]`` is drawn with
``rng=SeedSequence(base, spawn_key=(0, s, i))``, and of coupling ``c`` with
``spawn_key=(1, round(c * 10**6), i)``; a Monte Carlo test on it appends
``(crc32(label), j)`` to the key, ``j`` the statistic's position in ``("matches",
"pairs", "trigger-rate", "likelihood")``.

Definitions (``N`` datasets per cell, level :math:`\alpha`):

.. math::

    r = \frac{\#\{p \le \alpha\}}{N}, \qquad
    \mathrm{SE}(r) = \sqrt{r(1-r)/N}, \qquad
    \text{bound} = \alpha + 3\sqrt{\alpha(1-\alpha)/N}.

A size cell *fails* when :math:`r >` bound: a test that held its level would
exceed the bound with probability about 0.0013 (normal approximation).
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from .._progress import check_progress
from .._validation import check_choice
from ..errors import AllianceStatsError
from ..events import EventSeries
from ..matching import _check_types
from ..period import Period
from ..scenarios import DEFAULT_PERIOD, SCENARIOS, scenario
from ..simulate import check_probability, coupled_responses, delay_distribution
from ..statistics import STATISTICS
from ..window import Window
from ._grid import Grid, NullVariant, as_list
from .figures import plot_power, plot_size

__all__ = ["NullVariant", "NULL_VARIANTS", "COSTLY_EXACT", "WINDOW", "size_table",
           "power_table", "wide", "plot_size", "plot_power"]

#: the window of the case study (matches within 0-33 days after a trigger)
WINDOW = Window(0, 33)


#: the null variants of the calibration tables; J = 68 = 2L for the window [0, 33]
NULL_VARIANTS: tuple[NullVariant, ...] = (
    NullVariant("uniform", "uniform"),
    NullVariant("poisson", "poisson"),
    NullVariant("shuffle-triggers", "shuffle-triggers"),
    NullVariant("stratified (year)", "stratified", {"strata": "year"}),
    NullVariant("jitter J=68", "jitter", {"days": 68}),
    NullVariant("circular", "circular"),
    NullVariant("episode-jitter J=68", "episode-jitter", {"days": 68}),
    NullVariant("episode-jitter interval J=68", "episode-jitter", {"days": 68, "centred": False}),
)

#: (null, statistic) pairs with an exact distribution that the tables nevertheless
#: compute by Monte Carlo: with the scenarios' 100-330 trigger days these three exact
#: tests take two to six times as long as the other 21 tests of a dataset together
COSTLY_EXACT: frozenset[tuple[str, str]] = frozenset(
    {("poisson", "trigger-rate"), ("circular", "trigger-rate"), ("shuffle-triggers", "pairs")})


def size_table(
    *,
    scenarios: Sequence[str] = SCENARIOS,
    nulls: Sequence[NullVariant] = NULL_VARIANTS,
    statistics: Sequence[str] = tuple(STATISTICS),
    n_datasets: int = 1000,
    n: int = 25,
    window: Window = WINDOW,
    period: Period = DEFAULT_PERIOD,
    alpha: float = 0.05,
    n_resamples: int = 199,
    monte_carlo: Iterable[tuple[str, str]] = COSTLY_EXACT,
    rng: Any = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    r"""Rejection rate at ``alpha`` of every scenario x null variant x statistic.

    For each scenario, ``n_datasets`` datasets of ``n`` responses and
    independent triggers are drawn with :func:`alliancestats.scenarios.scenario`
    (default trigger rates: coverage of ``[0, 33]`` about 0.70) and each is
    tested, one-sided (``greater``), under every null variant and statistic.

    Parameters
    ----------
    scenarios : sequence of str
        Names from :data:`alliancestats.scenarios.SCENARIOS`.
    nulls : sequence of NullVariant
        Default :data:`NULL_VARIANTS`.
    statistics : sequence of str
        ``"matches"`` (K), ``"pairs"`` (S), ``"trigger-rate"`` (R), ``"likelihood"`` (Λ).
    n_datasets : int
        ``N``, datasets per scenario (every cell of a scenario uses the same ones).
    n, window, period :
        Responses per dataset, the window tested and the period.
    alpha : float
        Level; a test rejects when :math:`p \le \alpha`.
    n_resamples : int
        ``B`` for the Monte Carlo cells: those without an exact distribution and
        those in ``monte_carlo``.
    monte_carlo : iterable of (null, statistic)
        Exact pairs computed by Monte Carlo anyway (default :data:`COSTLY_EXACT`;
        ``()`` for exact wherever the library is).
    rng : None, int or numpy.random.Generator
        Base seed; the same seed gives the same table.
    progress : bool or None
        A progress bar over each group's datasets: None (default) only when standard
        error is a terminal and tqdm is installed; True always (needs the
        ``progress`` extra); False never.

    Returns
    -------
    pandas.DataFrame
        One row per cell: ``scenario``, ``null`` (the variant's label),
        ``statistic``, ``method`` (``"exact"`` or ``"monte-carlo"``),
        ``n_resamples`` (``B``, missing for exact cells), ``datasets`` (``N``),
        ``rejections``, ``rate`` (rejections / N), ``se``
        (:math:`\sqrt{r(1-r)/N}`), ``bound``
        (:math:`\alpha + 3\sqrt{\alpha(1-\alpha)/N}`) and ``above_bound``.

    Examples
    --------
    >>> t = size_table(scenarios=["homogeneous"], nulls=NULL_VARIANTS[:1],
    ...                statistics=["matches"], n_datasets=40, rng=1)
    >>> t[["scenario", "null", "statistic", "method", "datasets"]].to_records(index=False).tolist()
    [('homogeneous', 'uniform', 'matches', 'exact', 40)]
    >>> bool(t.rate.iloc[0] == t.rejections.iloc[0] / 40)
    True
    """
    names = [check_choice(s, "scenarios", SCENARIOS) for s in as_list(scenarios, "scenarios")]
    grid = Grid.build(nulls=nulls, statistics=statistics, alpha=alpha, n_resamples=n_resamples,
                      monte_carlo=monte_carlo, n_datasets=n_datasets, n=n, window=window,
                      period=period, rng=rng)
    groups = [(name, (0, SCENARIOS.index(name)),
               lambda g, name=name: scenario(name, n=grid.n, period=period, rng=g))
              for name in names]
    table = grid.table("scenario", groups, "rate", check_progress(progress))
    table["bound"] = grid.alpha + 3 * np.sqrt(grid.alpha * (1 - grid.alpha) / grid.n_datasets)
    table["above_bound"] = table.rate > table.bound
    return table


def power_table(
    triggers: EventSeries,
    *,
    couplings: Sequence[float] = (0.0, 0.2, 0.4, 0.6),
    nulls: Sequence[NullVariant] = NULL_VARIANTS,
    statistics: Sequence[str] = tuple(STATISTICS),
    n_datasets: int = 500,
    n: int = 25,
    window: Window = WINDOW,
    period: Period = DEFAULT_PERIOD,
    alpha: float = 0.05,
    n_resamples: int = 199,
    monte_carlo: Iterable[tuple[str, str]] = COSTLY_EXACT,
    rng: Any = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    r"""Power at ``alpha`` of every null variant x statistic against coupled responses.

    Triggers are ``triggers`` as given (e.g. the case study's sanctions). Each of
    ``n`` responses is, with probability :math:`\pi` (``coupling``), placed a
    uniform ``lo..hi`` days (the window's lags) after a trigger drawn uniformly
    among those in the period, else on a uniform day of the period (also when
    the coupled day would fall outside it):
    :func:`alliancestats.simulate.coupled_responses`, the model of
    :func:`alliancestats.power`.

    Parameters
    ----------
    triggers : EventSeries
        The trigger list, fixed in every dataset.
    couplings : sequence of float
        Values of :math:`\pi` in ``[0, 1]``. At ``0`` the responses are uniform
        and independent of the triggers: that column is the size of each test
        against these very triggers (the response-placement nulls hold their
        level there by construction; nulls that redraw the triggers need not).
    nulls, statistics, n, window, period, alpha, n_resamples, monte_carlo, rng, progress :
        As in :func:`size_table`.
    n_datasets : int
        ``N``, datasets per coupling (shared by its cells).

    Returns
    -------
    pandas.DataFrame
        One row per cell: ``coupling``, ``null``, ``statistic``, ``method``,
        ``n_resamples``, ``datasets``, ``rejections``, ``power`` (rejections / N)
        and ``se`` (:math:`\sqrt{r(1-r)/N}`).

    Examples
    --------
    >>> import alliancestats as als
    >>> case = als.datasets.load_iran_venezuela()
    >>> t = power_table(case.independent_sanctions, couplings=[0.6], nulls=NULL_VARIANTS[:1],
    ...                 statistics=["pairs"], n_datasets=20, period=case.period, rng=1)
    >>> t[["coupling", "null", "statistic", "datasets"]].to_records(index=False).tolist()
    [(0.6, 'uniform', 'pairs', 20)]
    """
    _check_types(triggers=triggers)
    values = [check_probability(c, "couplings") for c in as_list(couplings, "couplings")]
    grid = Grid.build(nulls=nulls, statistics=statistics, alpha=alpha, n_resamples=n_resamples,
                      monte_carlo=monte_carlo, n_datasets=n_datasets, n=n, window=window,
                      period=period, rng=rng)
    delay = delay_distribution(window.lo, window.hi)
    groups = [(c, (1, round(c * 10**6)),
               lambda g, c=c: (coupled_responses(triggers, n=grid.n, coupling=c, delay=delay,
                                                 period=period, rng=g), triggers))
              for c in values]
    return grid.table("coupling", groups, "power", check_progress(progress))


def wide(table: pd.DataFrame, statistic: str, *, value: str = "rate",
         columns: str = "scenario") -> pd.DataFrame:
    """One statistic's cells of :func:`size_table` or :func:`power_table` as a grid.

    Parameters
    ----------
    table : pandas.DataFrame
        The long table of :func:`size_table` or :func:`power_table`.
    statistic : {"matches", "pairs", "trigger-rate", "likelihood"}
        The statistic whose cells to show.
    value : str
        The column giving the cells (``"rate"``, ``"power"``, ``"se"``, ...).
    columns : {"scenario", "coupling"}
        The column giving the grid's columns.

    Returns
    -------
    pandas.DataFrame
        Rows the null variants (in the table's order), columns the values of
        ``columns``.

    Examples
    --------
    >>> t = size_table(scenarios=["homogeneous", "step-trend"], nulls=NULL_VARIANTS[:2],
    ...                statistics=["matches"], n_datasets=10, rng=1)
    >>> wide(t, "matches").shape
    (2, 2)
    """
    part = table[table.statistic == statistic]
    if part.empty:
        raise AllianceStatsError(f"`statistic`: no cell of {statistic!r} in the table")
    grid = part.pivot(index="null", columns=columns, values=value)
    return grid.loc[part.null.unique(), part[columns].unique()]
