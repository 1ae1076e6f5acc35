"""Measurements of one event series for :func:`alliancestats.diagnose`: trend tests
on counts per unit (conditional on the total), and clustering statistics against
Monte Carlo placements."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import optimize

from ._distinct import distinct
from ._strata import DayStrata

BATCH_ELEMENTS = 4_000_000


def gap_share(offsets: np.ndarray, length: int) -> np.ndarray:
    """Per row: the share of gaps between consecutive events shorter than ``length``."""
    gaps = np.diff(np.sort(offsets, axis=-1), axis=-1)
    return (gaps < length).mean(axis=-1) if gaps.shape[-1] else np.full(gaps.shape[:-1], np.nan)


def dispersion(offsets: np.ndarray, length: int, n_bins: int) -> np.ndarray:
    """Per row: variance / mean of the event counts in consecutive ``length``-day bins
    (the first ``n_bins`` full bins; 1 for a Poisson process)."""
    offsets = np.atleast_2d(offsets)
    rows = offsets.shape[0]
    bins = offsets // length
    inside = bins < n_bins
    cells = (np.arange(rows)[:, None] * n_bins + bins)[inside]
    counts = np.bincount(cells, minlength=rows * n_bins).reshape(rows, n_bins)
    mean = counts.mean(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(mean > 0, counts.var(axis=1, ddof=1) / mean, np.nan)


def episode_sizes(offsets: np.ndarray, gap: int) -> np.ndarray:
    """Sizes of the maximal runs of events whose consecutive gaps are ``<= gap`` days."""
    ordered = np.sort(offsets)
    starts = np.concatenate([[True], np.diff(ordered) > gap]) if ordered.size else np.array([], bool)
    return np.diff(np.append(np.flatnonzero(starts), ordered.size))


def rate_tests(counts: np.ndarray, days: np.ndarray, mid_years: np.ndarray, n_resamples: int,
               rng: np.random.Generator, distinct: bool = False) -> dict[str, Any]:
    r"""Is the rate constant across units? Two tests, both exact up to Monte Carlo error.

    Conditional on the total :math:`n`, counts from a constant rate are
    multinomial with cell probabilities :math:`\pi_u = e_u / \sum e` (``e``: the
    unit's days), whatever the rate; with ``distinct`` (the events are distinct
    days, e.g. trigger days) a uniform set of :math:`n` distinct days gives
    multivariate hypergeometric counts instead. ``n_resamples`` such draws give:

    * homogeneity: the deviance of the constant-rate model,
      :math:`G^2 = 2 \sum_u y_u \log(y_u / (n \pi_u))`, large when any unit
      departs (its :math:`\chi^2_{U-1}` approximation is poor on small counts);
    * trend: the score statistic of :math:`\log\mu_u = a + b\,\tau_u + \log e_u`
      at ``b = 0`` given ``n``, :math:`|\sum_u y_u \tau_u - n \sum_u \pi_u \tau_u|`
      (two-sided), the locally most powerful test of a log-linear trend.

    Each p-value is :math:`(1 + \#\{\text{draw} \ge \text{observed}\})/(1 + B)`;
    ``combined_pvalue`` tests both at once on the same draws
    (:func:`min_p_combined`). The rate ratio per year :math:`e^{\hat b}` comes
    from the Poisson GLM.
    """
    out = {"homogeneity_deviance": np.nan, "homogeneity_df": len(counts) - 1,
           "homogeneity_pvalue": np.nan, "homogeneity_pvalue_se": np.nan,
           "trend_rate_ratio_per_year": np.nan, "trend_pvalue": np.nan, "trend_pvalue_se": np.nan,
           "combined_pvalue": np.nan, "combined_pvalue_se": np.nan}
    n = int(counts.sum())
    if n == 0 or len(counts) < 2:
        return out
    share = days / days.sum()
    expected = n * share

    def deviance(y: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return 2 * np.where(y > 0, y * np.log(y / expected), 0.0).sum(axis=-1)

    centre = mid_years - share @ mid_years
    observed_deviance = float(deviance(counts))
    observed_score = abs(float(counts @ centre))
    tests = {"homogeneity": ([], observed_deviance, deviance)}
    if len(counts) >= 3:   # with two units the trend test is the homogeneity test
        tests["trend"] = ([], observed_score, lambda y: np.abs(y @ centre))
    size = max(1, BATCH_ELEMENTS // len(counts))
    for start in range(0, n_resamples, size):
        b = min(size, n_resamples - start)
        draws = (rng.multivariate_hypergeometric(days.astype(np.int64), n, size=b) if distinct
                 else rng.multinomial(n, share, size=b)).astype(float)
        for hits, _, statistic in tests.values():
            hits.append(statistic(draws))
    for name, (values, observed, _) in tests.items():
        _, p, se = monte_carlo(observed, np.concatenate(values), relative=1e-9)
        out[f"{name}_pvalue"], out[f"{name}_pvalue_se"] = p, se
    out["combined_pvalue"], out["combined_pvalue_se"] = min_p_combined(
        [observed for _, observed, _ in tests.values()],
        [np.concatenate(values) for values, _, _ in tests.values()])
    out["homogeneity_deviance"] = observed_deviance
    if "trend" in tests:
        out["trend_rate_ratio_per_year"] = _trend_rate_ratio(counts, share, centre)
    return out


def _trend_rate_ratio(counts: np.ndarray, share: np.ndarray, centre: np.ndarray) -> float:
    r""":math:`e^{\hat b}` of the Poisson GLM :math:`\log\mu_u = a + b\,\tau_u + \log e_u`.

    Profiling out ``a`` leaves the multinomial likelihood given the total, whose
    score :math:`\sum_u y_u \tau_u - n\,E_b[\tau]` is decreasing in ``b``
    (:math:`E_b` under probabilities :math:`\propto e_u e^{b \tau_u}`): its root,
    found by ``scipy.optimize.brentq``, is the GLM's :math:`\hat b`. With events in
    the earliest (latest) units only it is :math:`-\infty` (:math:`+\infty`)."""
    n, total = counts.sum(), counts @ centre
    used = centre[counts > 0]
    if used.min() == centre.max():
        return np.inf
    if used.max() == centre.min():
        return 0.0

    def score(b: float) -> float:
        weights = share * np.exp(b * centre - np.max(b * centre))
        return float(total - n * (weights @ centre) / weights.sum())

    bound = 1.0
    while score(bound) > 0 or score(-bound) < 0:
        bound *= 2
    return float(np.exp(optimize.brentq(score, -bound, bound, xtol=1e-12)))


def min_p_combined(observed: list[float], draws: list[np.ndarray]) -> tuple[float, float]:
    r"""Monte Carlo p-value of the smallest of several one-sided p-values, and its SE.

    ``draws[j]`` holds statistic ``j`` on the same ``B`` null draws (larger is
    more extreme); statistics whose observed value is not finite are left out.
    Among the :math:`B + 1` rows (the observation and the draws) each gets, per
    statistic, its rank p-value :math:`\#\{\text{rows} \ge \text{it}\}/(B+1)`,
    and the smallest over the statistics, :math:`m`. The p-value is
    :math:`(1 + \#\{\text{draws with } m \le m_{\text{obs}}\})/(1 + B)`: the rows
    are exchangeable under the null, so the test is exact up to Monte Carlo
    error, with no Bonferroni loss (the statistics are correlated). NaN when no
    statistic is finite."""
    used = [j for j, value in enumerate(observed) if np.isfinite(value)]
    if not used:
        return np.nan, np.nan
    rows = np.column_stack([np.concatenate([[observed[j]], draws[j]]) for j in used])
    total = rows.shape[0]
    smallest = np.ones(total)
    for column in rows.T:
        ordered = np.sort(column)
        # at least the value, less a tolerance: rounding never decides a tie
        ties = column - 1e-12 - 1e-9 * np.abs(column)
        smallest = np.minimum(smallest, (total - np.searchsorted(ordered, ties)) / total)
    p = (1 + int(np.sum(smallest[1:] <= smallest[0]))) / total
    return p, float(np.sqrt(p * (1 - p) / (total - 1)))


def monte_carlo(observed: float, draws: np.ndarray, relative: float = 0.0
                ) -> tuple[float, float, float]:
    """Mean of the draws, one-sided p ``(1 + #{draw >= observed}) / (1 + B)`` and its SE
    (a draw counts when it is at least ``observed`` less ``1e-12`` plus ``relative``
    times its size: rounding never decides a tie)."""
    if not np.isfinite(observed):
        return float(np.nanmean(draws)) if np.isfinite(draws).any() else np.nan, np.nan, np.nan
    p = (1 + int(np.sum(draws >= observed - 1e-12 - relative * abs(observed)))) / (1 + draws.size)
    return float(np.nanmean(draws)), p, float(np.sqrt(p * (1 - p) / draws.size))


def _placements(b: int, n: int, n_days: int, groups: DayStrata, offsets: np.ndarray,
                distinct: bool, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """``b`` placements of the events uniformly over the period and uniformly within
    each unit (unit counts kept): independent days, or with ``distinct`` a uniform
    set of distinct days (over the period, or per unit)."""
    if not distinct:
        codes = groups.codes[offsets]
        first, days = groups.first[codes], groups.days[codes]
        return {"uniform": rng.integers(0, n_days, size=(b, n)),
                "within": first + (rng.random((b, n)) * days).astype(np.int64)}
    if n == 0:
        empty = np.zeros((b, 0), np.int64)
        return {"uniform": empty, "within": empty}
    counts = groups.count(offsets)
    return {"uniform": distinct_days(b, np.array([0]), np.array([n_days]), np.array([n]), rng),
            "within": distinct_days(b, groups.first, groups.days, counts, rng)}


def distinct_days(b: int, first: np.ndarray, days: np.ndarray, counts: np.ndarray,
                  rng: np.random.Generator) -> np.ndarray:
    r"""``b`` rows, each a uniform set of ``counts[u]`` distinct days of every unit
    ``u`` (days ``first[u] .. first[u] + days[u] - 1``), unit by unit, each unit's
    days in no particular order.

    A unit needing at most half its days draws ``counts[u]`` independent uniform
    days; within each row the repeats are drawn again (each from its unit), until
    none is left. Nothing in this depends on which day is which (the repeats are
    found by sorting, and any copy of a repeated day is as good as another), so
    the law of each unit's final set is unchanged when its days are relabelled:
    uniform over the sets of its size. A unit needing more takes the days of its
    ``counts[u]`` smallest of ``days[u]`` uniform keys. Either way the cost is near
    ``counts[u]`` draws rather than ``days[u]``.
    """
    parts = []
    sparse = (counts > 0) & (2 * counts <= days)
    if sparse.any():
        parts.append(_drawn_again(b, first[sparse], days[sparse], counts[sparse], rng))
    for unit in np.flatnonzero((counts > 0) & ~sparse):
        keys = rng.random((b, int(days[unit])))
        parts.append(first[unit] + np.argpartition(keys, counts[unit] - 1, axis=1)[:, :counts[unit]])
    return np.concatenate(parts, axis=1) if parts else np.zeros((b, 0), np.int64)


def _drawn_again(b: int, first: np.ndarray, days: np.ndarray, counts: np.ndarray,
                    rng: np.random.Generator) -> np.ndarray:
    """``counts[u]`` distinct days per unit by drawing repeats again (see
    :func:`distinct_days`); each row sorted, so unit by unit (units never share a day)."""
    unit = np.repeat(np.arange(counts.size), counts)
    low, width = first[unit], days[unit]
    values = low + (rng.random((b, unit.size)) * width).astype(np.int64)
    values.sort(axis=1)
    rows = np.arange(b)
    while rows.size:
        block = values[rows]
        row, column = np.nonzero(block[:, 1:] == block[:, :-1])
        if row.size == 0:
            break
        column += 1                  # the later copy of each repeat is drawn again
        block[row, column] = low[column] + (rng.random(row.size) * width[column]).astype(np.int64)
        touched = distinct(row)
        rows = rows[touched]
        values[rows] = np.sort(block[touched], axis=1, kind="stable")
    return values


def clustering_rows(series: str, offsets: np.ndarray, groups: DayStrata, length: int,
                    n_days: int, n_resamples: int, rng: np.random.Generator,
                    distinct: bool = False) -> list[dict[str, Any]]:
    """Short-gap share and dispersion index of ``offsets`` against Monte Carlo placements
    (``distinct``: the offsets are distinct days, and so are the placements')."""
    n = offsets.size
    n_bins = n_days // length
    observed = {"short-gap share": float(gap_share(offsets, length)) if n > 1 else np.nan,
                "dispersion index": float(dispersion(offsets, length, n_bins)[0])
                if n_bins > 1 else np.nan}
    draws: dict[tuple[str, str], list[np.ndarray]] = {}
    size = max(1, BATCH_ELEMENTS // max(n, 1))
    for start in range(0, n_resamples, size):
        b = min(size, n_resamples - start)
        for null, placed in _placements(b, n, n_days, groups, offsets, distinct, rng).items():
            draws.setdefault(("short-gap share", null), []).append(
                gap_share(placed, length) if n > 1 else np.full(b, np.nan))
            draws.setdefault(("dispersion index", null), []).append(
                dispersion(placed, length, n_bins) if n_bins > 1 else np.full(b, np.nan))
    combined = min_p_combined(list(observed.values()),
                              [np.concatenate(draws[statistic, "within"]) for statistic in observed])
    rows = []
    for statistic, value in observed.items():
        row: dict[str, Any] = {"series": series, "statistic": statistic, "n": n, "observed": value}
        for null in ("uniform", "within"):
            mean, p, se = monte_carlo(value, np.concatenate(draws[statistic, null]))
            row |= {f"expected_{null}": mean, f"pvalue_{null}": p, f"pvalue_{null}_se": se}
        row |= {"combined_pvalue_within": combined[0], "combined_pvalue_within_se": combined[1]}
        rows.append(row)
    return rows
