r"""One test of the same responses against many trigger lists (or many variants of
the data) at once.

The placebo check tests the real responses against the trigger list shifted by
many amounts, under the primary null; the influence check tests the data without
each event in turn. For the nulls that place independent units of responses
(``uniform``, ``stratified``, ``jitter``, ``episode-jitter``) and an additive
statistic (K, S or Λ) the units do not depend on the triggers, so every variant is
one *row* of per-day scores (and, for a left-out response, one unit copy fewer):
each unit's pmf over its candidates for every row comes from one vectorised pass
(:func:`alliancestats.nulls._placement.unit_pmfs`, as the scan uses it for many
dyads), and each row's upper tail at its observed value from
:func:`alliancestats.audit._fourier_tails.upper_tails` (Fourier inversion of the
tilted distribution, error bounded per row), with the full convolution of
:meth:`UnitPlacementNull.exact_distribution` for any row the bound does not
certify. Row by row this is what the one-list exact test computes (tested to
1e-10). Every other null and statistic is tested list by list with the library's
own inference.
"""

from __future__ import annotations

import numpy as np

from .._convolution import sum_of_unit_rows
from .._inference import infer
from .._pvalues import P_FLOOR
from .._setup import Setup
from ..nulls import NullModel
from ..nulls._placement import UnitPlacementNull, Units, unit_groups, unit_pmfs
from ..statistics import AdditiveStatistic, Statistic
from ._fourier_tails import upper_tails

#: rows of scores handled in one vectorised pass (memory: rows x T int64)
ROW_BLOCK = 256
#: unit pmf entries (rows x units x values) held at once
BLOCK_ELEMENTS = 1 << 22
#: (row, unit) pairs whose tails are computed at once (each holds a few arrays of
#: the score's values: about 50 MB at Λ's usual 25 values)
TAIL_PAIRS = 1 << 15


def rows_per_block(n_units: int) -> int:
    """How many rows of ``n_units`` units :func:`histogram_tails` takes at once."""
    return max(1, min(ROW_BLOCK, TAIL_PAIRS // max(1, n_units)))


def batchable(model: NullModel, statistic: Statistic) -> bool:
    """Whether :func:`batch_pvalues` computes this null and statistic in one pass."""
    return (isinstance(model, UnitPlacementNull) and isinstance(statistic, AdditiveStatistic)
            and statistic.name in model.exact_statistics
            and not model.values.get("distinct", False))


def batch_pvalues(model: NullModel, setup: Setup, statistic: AdditiveStatistic,
                  scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact one-sided (``greater``) p-values, observed values and means of the
    statistic for each row of per-day ``scores`` (shape ``(G, T)``), the responses
    and the units of ``setup`` being the same for every row."""
    assert isinstance(model, UnitPlacementNull)
    distinct, which = unit_groups(model.units(setup))
    observed = scores[:, setup.response_offsets].sum(axis=1)
    copies = np.bincount(which, minlength=len(distinct.low))
    pvalues, means = exact_upper_tails(scores, distinct, copies[None, :], observed)
    return pvalues, observed.astype(float), means


def histogram_tails(statistic: AdditiveStatistic, histograms: np.ndarray, width: np.ndarray,
                    copies: np.ndarray, coverage_sum: np.ndarray, n_days: int,
                    at_responses: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r""":func:`batch_pvalues` for units of one response each, read from histograms of the
    coverage count instead of rows of per-day scores.

    Row ``g`` has coverage counts :math:`c_g(d)`: ``histograms[g, u, v]`` of unit
    ``u``'s ``width[u]`` candidate days have :math:`c_g = v`, their sum over the
    period's ``n_days`` days is ``coverage_sum[g]`` (so :math:`\bar c_g`, which Λ
    reads, is ``coverage_sum[g] / n_days`` exactly as the mean of the counts), and
    ``at_responses[g, v]`` responses lie on days with :math:`c_g = v`. Unit ``u``
    occurs ``copies[g, u]`` times (or ``copies[u]`` in every row). The unit pmfs are
    the histograms carried through the score, as :func:`unit_pmfs` counts them.
    """
    rows, n_units, values = histograms.shape
    # the score of every count for every row: the statistic reads the mean coverage
    # from its "coverage" argument, here one day per row holding that mean
    mean = (np.asarray(coverage_sum, dtype=float) / n_days)[:, None]
    table = statistic.scores(np.broadcast_to(np.arange(values), (rows, values)), mean)
    observed = (np.asarray(at_responses) * table).sum(axis=1)
    span = int(table.max(initial=0)) + 1
    index = ((np.arange(rows)[:, None, None] * n_units + np.arange(n_units)[None, :, None])
             * span + table[:, None, :])
    counts = np.bincount(index.ravel(), weights=np.asarray(histograms, float).ravel(),
                         minlength=rows * n_units * span).reshape(rows, n_units, span)
    pmf = counts / np.asarray(width, float)[None, :, None]
    copies = np.broadcast_to(np.asarray(copies, dtype=np.int64), (rows, n_units))
    tail, means, certified = upper_tails(pmf, np.zeros((rows, n_units), np.int64), copies,
                                         observed)
    for r in np.flatnonzero(~certified).tolist():
        tail[r] = _convolved_tail(pmf[r], np.zeros(n_units, np.int64), copies[r], observed[r])
    return np.clip(tail, P_FLOOR, 1.0), observed.astype(float), means


def count_histograms(counts: np.ndarray, top: int) -> np.ndarray:
    """``out[v, i]``: how many of ``counts[:i]`` equal ``v``, for ``v = 0..top`` (the
    histogram of any run of days is a difference of two columns)."""
    out = np.zeros((top + 1, len(counts) + 1), np.int64)
    for v in range(top + 1):
        np.cumsum(counts == v, out=out[v, 1:])
    return out


def exact_upper_tails(scores: np.ndarray, units: Units, copies: np.ndarray,
                      observed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Exact ``P(X_g >= observed[g])`` (floored at ``P_FLOOR``) and ``E[X_g]`` for each
    row ``g`` of per-day ``scores`` (shape ``(G, T)``), :math:`X_g` the sum over the
    ``units`` (placed independently on their candidates, scored by row ``g``), unit
    ``u`` taken ``copies[g, u]`` times (``copies`` may have one row for all).

    The tails come from :func:`~alliancestats.audit._fourier_tails.upper_tails` (the
    tilted distribution inverted at the observed value only); a row whose error bound
    it cannot certify is convolved in full by
    :func:`alliancestats._convolution.sum_of_unit_rows`, as
    :meth:`UnitPlacementNull.exact_distribution` adds the units of one list.
    """
    copies = np.broadcast_to(np.asarray(copies, dtype=np.int64), (len(scores), len(units.low)))
    observed = np.asarray(observed, dtype=np.int64)
    pvalues, means = np.empty(len(scores)), np.empty(len(scores))
    n_units = len(units.low)
    top = int(scores.max(initial=0)) * int(units.sizes.max(initial=1)) + 1
    rows_at_once = max(1, min(ROW_BLOCK, BLOCK_ELEMENTS // max(1, n_units * top)))
    for first in range(0, len(scores), rows_at_once):
        block = scores[first: first + rows_at_once]
        rows = len(block)
        replicated = Units(low=np.tile(units.low, rows), high=np.tile(units.high, rows),
                           unit=(np.arange(rows)[:, None] * n_units + units.unit[None, :]).ravel(),
                           rel=np.tile(units.rel, rows))
        pmf, offset = unit_pmfs(block, replicated, row=np.repeat(np.arange(rows), n_units))
        pmf = pmf.reshape(rows, n_units, -1)
        offset = offset.reshape(rows, n_units)
        here = slice(first, first + rows)
        tail, means[here], certified = upper_tails(pmf, offset, copies[here], observed[here])
        for r in np.flatnonzero(~certified).tolist():
            tail[r] = _convolved_tail(pmf[r], offset[r], copies[first + r], observed[first + r])
        pvalues[here] = np.clip(tail, P_FLOOR, 1.0)
    return pvalues, means


def _convolved_tail(pmf: np.ndarray, offset: np.ndarray, copies: np.ndarray, x: int) -> float:
    """``P(X >= x)`` of one row by the full convolution (the exact engine of one list),
    summed from the small end."""
    used = copies > 0
    columns = int(np.max(np.flatnonzero(pmf[used].any(axis=0)), initial=0)) + 1
    total, start = sum_of_unit_rows(pmf[used, :columns], offset[used], copies[used])
    return float(total[max(x - start, 0):][::-1].sum()) if x - start < len(total) else 0.0


def one_by_one(model: NullModel, setups: list[Setup], statistic: Statistic, *,
               n_resamples: int, seeds: np.random.SeedSequence
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """The same as :func:`batch_pvalues`, one trigger list (``setups[g]``) at a time,
    exact where the null has it and affordable, else Monte Carlo with the ``g``-th
    child of ``seeds``; also says how (``"exact"``, ``"monte-carlo"`` or both)."""
    children = seeds.spawn(len(setups))
    p, observed, mean = (np.empty(len(setups)) for _ in range(3))
    methods = set()
    for g, (setup, seed) in enumerate(zip(setups, children)):
        test = infer(model, setup, statistic, method="auto", n_resamples=n_resamples,
                     rng=np.random.default_rng(seed), alternative="greater")
        p[g], observed[g], mean[g] = test.pvalue.value, test.observed, test.expected
        methods.add(test.method)
    return p, observed, mean, " and ".join(sorted(methods))
