"""Measurements of one event series for :func:`alliancestats.diagnose`: trend tests
on counts per unit, and clustering statistics against Monte Carlo placements."""

from __future__ import annotations

from typing import Any

import numpy as np
import statsmodels.api as sm
from scipy import stats

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


def rate_tests(counts: np.ndarray, days: np.ndarray, mid_years: np.ndarray) -> dict[str, Any]:
    """Poisson GLM of counts per unit with log-exposure: constant rate vs one rate per
    unit (deviance test) and vs a log-linear trend (LR test)."""
    out = {"homogeneity_deviance": np.nan, "homogeneity_df": len(counts) - 1,
           "homogeneity_pvalue": np.nan, "trend_rate_ratio_per_year": np.nan,
           "trend_pvalue": np.nan}
    if counts.sum() == 0 or len(counts) < 2:
        return out
    family, offset = sm.families.Poisson(), np.log(days)
    constant = sm.GLM(counts, np.ones((len(counts), 1)), family=family, offset=offset).fit()
    out["homogeneity_deviance"] = float(constant.deviance)
    out["homogeneity_pvalue"] = float(stats.chi2.sf(constant.deviance, len(counts) - 1))
    if len(counts) < 3:   # with two units the trend test is the homogeneity test
        return out
    trend = sm.GLM(counts, sm.add_constant(mid_years - mid_years.mean()), family=family,
                   offset=offset).fit()
    used = np.flatnonzero(counts > 0)
    # events only in the first or only in the last unit: the ML slope is infinite
    ratio = (np.inf if used.min() == len(counts) - 1 else 0.0 if used.max() == 0
             else float(np.exp(trend.params[1])))
    out["trend_rate_ratio_per_year"] = ratio
    out["trend_pvalue"] = float(stats.chi2.sf(max(constant.deviance - trend.deviance, 0.0), 1))
    return out


def monte_carlo(observed: float, draws: np.ndarray) -> tuple[float, float, float]:
    """Mean of the draws, one-sided p ``(1 + #{draw >= observed}) / (1 + B)`` and its SE."""
    if not np.isfinite(observed):
        return float(np.nanmean(draws)) if np.isfinite(draws).any() else np.nan, np.nan, np.nan
    p = (1 + int(np.sum(draws >= observed - 1e-12))) / (1 + draws.size)
    return float(np.nanmean(draws)), p, float(np.sqrt(p * (1 - p) / draws.size))


def clustering_rows(series: str, offsets: np.ndarray, groups: DayStrata, length: int,
                     n_days: int, n_resamples: int, rng: np.random.Generator) -> list[dict[str, Any]]:
    n = offsets.size
    n_bins = n_days // length
    observed = {"short-gap share": float(gap_share(offsets, length)) if n > 1 else np.nan,
                "dispersion index": float(dispersion(offsets, length, n_bins)[0])
                if n_bins > 1 else np.nan}
    codes = groups.codes[offsets]
    first, days = groups.first[codes], groups.days[codes]
    draws: dict[tuple[str, str], list[np.ndarray]] = {}
    size = max(1, BATCH_ELEMENTS // max(n, 1))
    for start in range(0, n_resamples, size):
        b = min(size, n_resamples - start)
        placements = {"uniform": rng.integers(0, n_days, size=(b, n)),
                      "within": first + (rng.random((b, n)) * days).astype(np.int64)}
        for null, placed in placements.items():
            draws.setdefault(("short-gap share", null), []).append(
                gap_share(placed, length) if n > 1 else np.full(b, np.nan))
            draws.setdefault(("dispersion index", null), []).append(
                dispersion(placed, length, n_bins) if n_bins > 1 else np.full(b, np.nan))
    rows = []
    for statistic, value in observed.items():
        row: dict[str, Any] = {"series": series, "statistic": statistic, "n": n, "observed": value}
        for null in ("uniform", "within"):
            mean, p, se = monte_carlo(value, np.concatenate(draws[statistic, null]))
            row |= {f"expected_{null}": mean, f"pvalue_{null}": p, f"pvalue_{null}_se": se}
        rows.append(row)
    return rows
