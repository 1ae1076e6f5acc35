r"""How often the audit's verdict says what, on data simulated with and without coupling.

:func:`verdict_rates` runs :func:`~alliancestats.audit.verdict.audit_verdict`,
with its defaults (the primary analysis chosen by ``diagnose``), on ``N``
datasets of each group:

* the six scenarios of :mod:`alliancestats.scenarios` (independent responses and
  triggers: trends, bursts; no coupling), where every "supported" is a false
  positive;
* ``case sanctions, coupling 0.8``: the case study's independent sanctions as
  triggers, 25 responses of which each follows a uniformly chosen sanction day by
  a uniform 0-33 days with probability 0.8
  (:func:`alliancestats.simulate.coupled_responses`), else on a uniform day;
* ``homogeneous, coupling 0.8``: :func:`alliancestats.scenarios.coupled` on the
  homogeneous scenario (triggers at a constant rate covering about 70% of days, as
  the case study's do), 20 of the 25 responses placed after triggers.

Streams are keyed by the group and the dataset (``SeedSequence(base,
spawn_key=(2, g, i))``, ``g`` the group's position in :data:`GROUPS`), never by the
order of computation, so one group's rows equal the same rows of a full table.
"""

from __future__ import annotations

import warnings
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from .._validation import check_fraction, check_integer
from ..calibration._grid import as_list, base_entropy, stream
from ..datasets import load_iran_venezuela
from ..errors import AllianceStatsError, DegenerateDataWarning
from ..events import EventSeries
from ..scenarios import DEFAULT_PERIOD, SCENARIOS, coupled, scenario
from ..simulate import coupled_responses, delay_distribution
from ..window import Window
from .verdict import audit_verdict

__all__ = ["GROUPS", "COUPLING", "verdict_levels", "verdict_rates", "rates_from_levels"]

#: the coupling of the coupled groups
COUPLING = 0.8
#: the groups of :func:`verdict_rates`, in table order
GROUPS = (*SCENARIOS, f"case sanctions, coupling {COUPLING}",
          f"homogeneous, coupling {COUPLING}")
WINDOW = Window(0, 33)
N_RESPONSES = 25


def _draw(group: str) -> Callable[[np.random.Generator], tuple[EventSeries, EventSeries]]:
    if group in SCENARIOS:
        return lambda g: scenario(group, n=N_RESPONSES, rng=g)
    if group.startswith("case sanctions"):
        sanctions = load_iran_venezuela().independent_sanctions
        delay = delay_distribution(WINDOW.lo, WINDOW.hi)
        return lambda g: (coupled_responses(sanctions, n=N_RESPONSES, coupling=COUPLING,
                                            delay=delay, period=DEFAULT_PERIOD, rng=g), sanctions)
    return lambda g: coupled("homogeneous", coupling=COUPLING, window=WINDOW, n=N_RESPONSES,
                             rng=g)


def verdict_levels(
    *,
    groups: Sequence[str] = GROUPS,
    n_datasets: int = 200,
    datasets: Sequence[int] | None = None,
    alpha: float = 0.05,
    n_resamples: int = 999,
    rng: Any = None,
) -> pd.DataFrame:
    """The verdict on each simulated dataset: one row per group and dataset.

    Parameters
    ----------
    groups : sequence of str
        Names from :data:`GROUPS`.
    n_datasets : int
        ``N``: datasets ``0..N-1`` of each group.
    datasets : sequence of int, optional
        Only these datasets of each group (each one's stream depends on its
        group and index only, so its row is the same as in the full run).
    alpha, n_resamples :
        As in :func:`~alliancestats.audit.verdict.audit_verdict`.
    rng : None, int or numpy.random.Generator
        Base seed (see the module's note on streams).

    Returns
    -------
    pandas.DataFrame
        Columns ``data`` (the group), ``dataset`` (its index), ``level`` and
        ``primary_null`` (the null ``diagnose`` chose).

    Examples
    --------
    >>> t = verdict_levels(groups=["homogeneous"], datasets=[0, 5], rng=1)
    >>> t.dataset.tolist(), set(t.level) <= {"supported", "suggestive", "not supported"}
    ([0, 5], True)
    """
    names = as_list(groups, "groups")
    for name in names:
        if name not in GROUPS:
            raise AllianceStatsError(f"`groups`: {name!r} is not a group; choose from "
                                     f"{', '.join(map(repr, GROUPS))}")
    n_datasets = check_integer(n_datasets, "n_datasets", minimum=1)
    indices = (range(n_datasets) if datasets is None else
               [check_integer(i, "datasets", minimum=0) for i in as_list(datasets, "datasets")])
    alpha = check_fraction(alpha, "alpha")
    n_resamples = check_integer(n_resamples, "n_resamples", minimum=1)
    base = base_entropy(rng)
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        for name in names:
            draw, key = _draw(name), GROUPS.index(name)
            for i in indices:
                generator = stream(base, 2, key, i)
                responses, triggers = draw(generator)
                verdict = audit_verdict(responses, triggers, window=WINDOW,
                                        period=DEFAULT_PERIOD, alpha=alpha,
                                        n_resamples=n_resamples, rng=generator)
                rows.append({"data": name, "dataset": i, "level": verdict.level,
                             "primary_null": verdict.primary.null})
    return pd.DataFrame(rows, columns=["data", "dataset", "level", "primary_null"])


def rates_from_levels(levels: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    r"""The table of :func:`verdict_rates` from the rows of :func:`verdict_levels`.

    Parameters
    ----------
    levels : pandas.DataFrame
        Rows of :func:`verdict_levels` (groups in any order; the table follows
        :data:`GROUPS`).
    alpha : float
        The level the verdicts were reached at (for ``bound``).

    Returns
    -------
    pandas.DataFrame
        As :func:`verdict_rates`.
    """
    alpha = check_fraction(alpha, "alpha")
    rows = []
    for name in [g for g in GROUPS if g in set(levels.data)]:
        part = levels[levels.data == name]
        n = len(part)
        counts = part.level.value_counts()
        nulls = part.primary_null.value_counts()
        rate = int(counts.get("supported", 0)) / n
        rows.append({
            "data": name, "coupling": 0.0 if name in SCENARIOS else COUPLING,
            "datasets": n, "supported": int(counts.get("supported", 0)),
            "suggestive": int(counts.get("suggestive", 0)),
            "not_supported": int(counts.get("not supported", 0)),
            "rate": rate, "se": float(np.sqrt(rate * (1 - rate) / n)),
            "bound": alpha + 3 * float(np.sqrt(alpha * (1 - alpha) / n)),
            "primary_stratified": int(nulls.get("stratified", 0)),
            "primary_episode_jitter": int(nulls.get("episode-jitter", 0))})
    return pd.DataFrame(rows)


def verdict_rates(
    *,
    groups: Sequence[str] = GROUPS,
    n_datasets: int = 200,
    alpha: float = 0.05,
    n_resamples: int = 999,
    rng: Any = None,
) -> pd.DataFrame:
    r"""Rates of each verdict level over simulated datasets, per group.

    Parameters
    ----------
    groups : sequence of str
        Names from :data:`GROUPS`.
    n_datasets : int
        ``N`` datasets per group.
    alpha, n_resamples :
        As in :func:`~alliancestats.audit.verdict.audit_verdict`.
    rng : None, int or numpy.random.Generator
        Base seed (see the module's note on streams).

    Returns
    -------
    pandas.DataFrame
        One row per group: ``data``, ``coupling`` (0 for the scenarios),
        ``datasets``, the counts ``supported``, ``suggestive``, ``not_supported``,
        ``rate`` (the share "supported"), ``se`` (:math:`\sqrt{r(1-r)/N}`),
        ``bound`` (:math:`\alpha + 3\sqrt{\alpha(1-\alpha)/N}`, the most a
        procedure holding its level would reach), ``primary_stratified`` and
        ``primary_episode_jitter`` (how often ``diagnose`` chose each null).

    Examples
    --------
    >>> t = verdict_rates(groups=["homogeneous"], n_datasets=3, rng=1)
    >>> t[["data", "coupling", "datasets"]].values.tolist()
    [['homogeneous', 0.0, 3]]
    >>> int(t[["supported", "suggestive", "not_supported"]].sum(axis=1).iloc[0])
    3
    """
    levels = verdict_levels(groups=groups, n_datasets=n_datasets, alpha=alpha,
                            n_resamples=n_resamples, rng=rng)
    return rates_from_levels(levels, alpha=alpha)
