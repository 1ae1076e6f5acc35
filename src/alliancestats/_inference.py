"""One test of one statistic under one null: exact where affordable, else Monte Carlo."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ._convolution import EXACT_BUDGET, MEMORY_BUDGET
from ._montecarlo import Tally
from ._progress import track
from ._pvalues import NullDistribution, PValue, exact_tail, monte_carlo_pvalue
from ._setup import Setup
from .errors import AllianceStatsError, DegenerateDataWarning
from .nulls import EXACT, NullModel, combinations_text
from .statistics import Statistic


@dataclass
class Inference:
    """What a test computed: the null distribution, the p-value and how."""

    observed: float
    distribution: NullDistribution
    pvalue: PValue
    method: str
    expected: float
    se: float | None = None
    draws: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)


def use_exact(model: NullModel, setup: Setup, statistic: Statistic, method: str,
              notes: list[str]) -> bool:
    """Whether to compute the exact distribution; raises when ``method="exact"`` cannot."""
    if method == "monte-carlo":
        return False
    if (model.name, statistic.name) not in EXACT:
        if method == "exact":
            raise AllianceStatsError(
                f"null {model.name!r} has no exact distribution for statistic "
                f"{statistic.name!r}; use method='monte-carlo' or 'auto'. Combinations: "
                f"{combinations_text()}")
        return False
    cost = model.exact_cost(setup, statistic)
    if cost > EXACT_BUDGET:
        memory = model.exact_memory(setup, statistic)
        need = (f"hold about {memory / 2**20:,.0f} MiB at once (limit "
                f"{MEMORY_BUDGET / 2**20:.0f} MiB)" if memory > MEMORY_BUDGET else
                f"take about {cost:.2g} operations (limit {EXACT_BUDGET:.0e})")
        message = (f"the exact distribution of {statistic.name!r} under {model.name!r} would "
                   f"{need}")
        if method == "exact":
            raise AllianceStatsError(f"{message}; use method='monte-carlo' or 'auto'")
        notes.append(f"{message}: Monte Carlo used instead")
        return False
    return True


def infer(model: NullModel, setup: Setup, statistic: Statistic, *, method: str,
          n_resamples: int, rng: np.random.Generator | Callable[[], np.random.Generator],
          alternative: str, keep_draws: bool = False, stacklevel: int = 3,
          progress: bool = False) -> Inference:
    """Run the test; warn only when the null distribution is known to be a point mass.

    ``rng`` is a generator, or a function returning one (called only if Monte Carlo
    runs; see :func:`alliancestats._validation.rng_maker`)."""
    model.check_statistic(statistic)
    notes: list[str] = []
    observed = statistic.observed(setup)
    expected = model.expected(setup, statistic)
    if use_exact(model, setup, statistic, method, notes):
        dist = model.exact_distribution(setup, statistic)
        result = Inference(observed, dist, exact_tail(dist, observed, alternative), "exact",
                           dist.mean if expected is None else expected, notes=notes)
        forced = dist.is_point_mass
    else:
        generator = rng if isinstance(rng, np.random.Generator) else rng()
        tally = Tally(observed, keep_draws).consume(track(
            model.monte_carlo(setup, statistic, n_resamples, generator), total=n_resamples,
            progress=progress, description=f"{model.name} Monte Carlo", unit="draw",
            size=np.size))
        p, se = monte_carlo_pvalue(tally.at_least, tally.at_most, n_resamples, alternative)
        dist = tally.distribution()
        if expected is None:
            expected = dist.mean
            notes.append(f"E[{statistic.symbol}] estimated from the {n_resamples} Monte Carlo draws")
        result = Inference(observed, dist, PValue(p), "monte-carlo", expected, se, tally.draws,
                           notes)
        forced = model.point_mass(setup, statistic)
        if not forced and tally.all_equal:
            notes.append(f"all {n_resamples} Monte Carlo draws of {statistic.symbol} equal "
                         f"{dist.values[0]:.4g}: the null distribution may be concentrated on "
                         f"one value, or B too small to show its spread")
    if forced:
        warnings.warn(f"{statistic.symbol} is forced under the {model.name!r} null (coverage "
                      f"{setup.mask.mean():.3f}); the test carries no information",
                      DegenerateDataWarning, stacklevel=stacklevel)
    return result
