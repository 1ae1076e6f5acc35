r"""The arithmetic behind :func:`alliancestats.effect_sizes`, on batches of datasets.

Every function takes per-response arrays of shape ``(B, n)``, one row per
dataset, so that one call serves a single analysis (B = 1) and a coverage
simulation alike. The model and the formulas are in the Notes of
:func:`alliancestats.effect_sizes`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from ._inversion import invert_tail, solve_increasing


@dataclass(frozen=True, eq=False)
class ResponseTerms:
    """Per-response quantities, each of shape ``(B, n)`` (``B`` datasets)."""

    matched: np.ndarray        #: x_i, the response's day is covered
    null_probability: np.ndarray   #: p_i = C_i / |I_i|
    caused_match: np.ndarray   #: h_i, chance a caused response is matched (1, or 0 if C_i = 0)
    avoided_match: np.ndarray  #: chance a response kept off covered days is matched (0, or 1 if C_i = |I_i|)
    ratio: np.ndarray          #: r_i = g_i(u_i) / b_i(u_i)
    covered: np.ndarray        #: C_i, covered days in the interval
    days: np.ndarray           #: |I_i|

    @property
    def k(self) -> np.ndarray:
        return self.matched.sum(axis=-1)


def response_terms(offsets: Any, counts: Any, first: Any, last: Any) -> ResponseTerms:
    """The per-response terms for offsets of shape ``(B, n)`` (or ``(n,)``, read as B = 1)."""
    offsets, first, last = (np.atleast_2d(np.asarray(a, dtype=np.int64)) for a in (offsets, first, last))
    counts = np.asarray(counts, dtype=np.int64)
    covered_before = np.concatenate([[0], np.cumsum(counts > 0)])
    weight_before = np.concatenate([[0], np.cumsum(counts)])
    days = last - first + 1
    covered = covered_before[last + 1] - covered_before[first]
    weight = weight_before[last + 1] - weight_before[first]
    at = counts[offsets]
    ratio = np.where(weight > 0, at * days / np.maximum(weight, 1), 1.0)
    return ResponseTerms(matched=at > 0, null_probability=covered / days,
                         caused_match=(covered > 0).astype(float),
                         avoided_match=(covered == days).astype(float),
                         ratio=ratio, covered=covered, days=days)


# -- excess matches --------------------------------------------------------------------

def _excess_family(terms: ResponseTerms):  # type: ignore[no-untyped-def]
    p = terms.null_probability
    up, down = terms.caused_match - p, terms.avoided_match - p

    def family(x: np.ndarray, rows: np.ndarray) -> np.ndarray:
        x = x[:, None]
        return p[rows] + np.where(x >= 0, x * up[rows], -x * down[rows])

    return family


def excess_at(terms: ResponseTerms, share: np.ndarray) -> np.ndarray:
    """``E[K] - E_0[K]`` when a signed share ``share`` (one per row) of responses is
    caused (``share > 0``) or kept off covered days (``share < 0``)."""
    p = terms.null_probability
    up = (terms.caused_match - p).sum(axis=-1)
    down = (terms.avoided_match - p).sum(axis=-1)
    share = np.asarray(share, dtype=float)
    return np.where(share >= 0, share * up, -share * down)


def excess_intervals(terms: ResponseTerms, confidence_level: float,
                     midp: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Bounds for ``E[K] - E_0[K]`` per row (mid-p inversion in the signed share)."""
    low, high = invert_tail(terms.k, _excess_family(terms), -1.0, 1.0,
                            confidence_level=confidence_level, midp=midp)
    return excess_at(terms, low), excess_at(terms, high)


# -- coupling share by maximum likelihood ------------------------------------------------

def _log_likelihood(ratio: np.ndarray, share: np.ndarray) -> np.ndarray:
    """``l(π) - l(0) = Σ log(1 + π (r_i - 1))`` per row."""
    with np.errstate(divide="ignore"):
        return np.log1p(share[:, None] * (ratio - 1.0)).sum(axis=-1)


def coupling_fits(terms: ResponseTerms, confidence_level: float
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per row: ML coupling share, profile-likelihood bounds, LR statistic, p-value."""
    ratio = terms.ratio
    rows = np.arange(ratio.shape[0])
    zeros, ones = np.zeros(rows.size), np.ones(rows.size)

    def minus_score(share: np.ndarray, r: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return -((ratio[r] - 1.0) / (1.0 + share[:, None] * (ratio[r] - 1.0))).sum(axis=-1)

    estimate = solve_increasing(minus_score, zeros, ones, rows)
    at_max = _log_likelihood(ratio, estimate)
    cut = stats.chi2.ppf(confidence_level, 1)

    def rise(share: np.ndarray, r: np.ndarray) -> np.ndarray:  # 2(l(π̂) - l(π)) - cut
        return 2.0 * (at_max[r] - _log_likelihood(ratio[r], share)) - cut

    low = solve_increasing(lambda s, r: -rise(s, r), zeros, estimate, rows)
    high = solve_increasing(rise, estimate, ones, rows)
    statistic = np.maximum(2.0 * at_max, 0.0)   # l(0) = 0
    pvalue = np.where(statistic > 0, 0.5 * stats.chi2.sf(statistic, 1), 1.0)
    return estimate, low, high, statistic, pvalue


# -- rate ratio covered / uncovered days --------------------------------------------------

def _rate_family(terms: ResponseTerms):  # type: ignore[no-untyped-def]
    covered, uncovered = terms.covered, terms.days - terms.covered

    def family(w: np.ndarray, rows: np.ndarray) -> np.ndarray:
        w = w[:, None]
        c, u = covered[rows], uncovered[rows]
        denominator = w * c + (1.0 - w) * u
        with np.errstate(invalid="ignore", divide="ignore"):
            q = w * c / denominator
        return np.where(denominator > 0, q, np.where(u == 0, 1.0, 0.0))

    return family


def _odds(w: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.where(w >= 1.0, np.inf, w / (1.0 - w))


def rate_ratio_fits(terms: ResponseTerms, confidence_level: float, midp: bool = True
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: conditional ML rate ratio and its mid-p bounds (NaN without information)."""
    family = _rate_family(terms)
    k = terms.k
    rows = np.arange(k.size)
    zeros, ones = np.zeros(rows.size), np.ones(rows.size)
    w_hat = solve_increasing(lambda w, r: family(w, r).sum(axis=-1) - k[r], zeros, ones, rows)
    w_low, w_high = invert_tail(k, family, 0.0, 1.0, confidence_level=confidence_level, midp=midp)
    informative = ((terms.covered > 0) & (terms.covered < terms.days)).any(axis=-1)
    out = [np.where(informative, _odds(w), np.nan) for w in (w_hat, w_low, w_high)]
    return out[0], out[1], out[2]
