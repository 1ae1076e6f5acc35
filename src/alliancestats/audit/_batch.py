r"""One test of the same responses against many trigger lists at once.

The placebo check tests the real responses against the trigger list shifted by
many amounts, under the primary null. For the nulls that place independent units
of responses (``uniform``, ``stratified``, ``jitter``, ``episode-jitter``) and an
additive statistic (K or S) the units do not depend on the triggers, so every
list is one *row* of per-day scores and the exact null distributions of all rows
come from one vectorised pass: each unit's pmf over its candidates for every row
(:func:`alliancestats.nulls._placement.unit_pmfs`, as the scan uses it for many
dyads) and their direct convolution, row by row
(:func:`alliancestats._convolution.sums_of_units`). Row by row this is exactly
what :meth:`UnitPlacementNull.exact_distribution` computes (tested). Every other
null and statistic is tested list by list with the library's own inference.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from .._convolution import sum_of_unit_rows, sums_of_units
from .._inference import infer
from .._pvalues import P_FLOOR
from .._setup import Setup
from ..nulls import NullModel
from ..nulls._placement import UnitPlacementNull, Units, unit_pmfs
from ..statistics import AdditiveStatistic, Statistic

#: rows of scores handled in one vectorised pass (memory: rows x T int64)
ROW_BLOCK = 256


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
    distinct, which = _distinct_units(model.units(setup))
    observed = scores[:, setup.response_offsets].sum(axis=1)
    pvalues, means = np.empty(len(scores)), np.empty(len(scores))
    n_distinct, n_units = len(distinct.low), len(which)
    # rows whose distinct units have the same pmfs have the same null distribution
    # (shifted lists often cover the same number of days): each is convolved once
    known: dict[bytes, tuple[np.ndarray, float]] = {}
    for first in range(0, len(scores), ROW_BLOCK):
        block = scores[first: first + ROW_BLOCK]
        rows = len(block)
        replicated = Units(low=np.tile(distinct.low, rows), high=np.tile(distinct.high, rows),
                           unit=(np.arange(rows)[:, None] * n_distinct
                                 + distinct.unit[None, :]).ravel(),
                           rel=np.tile(distinct.rel, rows))
        pmf, offset = unit_pmfs(block, replicated, row=np.repeat(np.arange(rows), n_distinct))
        keys = [pmf[r * n_distinct: (r + 1) * n_distinct].tobytes()
                + offset[r * n_distinct: (r + 1) * n_distinct].tobytes()
                + np.int64(pmf.shape[1]).tobytes() for r in range(rows)]
        new = list({key: r for r, key in reversed(list(enumerate(keys)))
                    if key not in known}.values())
        if new:
            # every unit of every new row, read from its distinct unit's pmf
            chosen = np.asarray(new)
            pick = (chosen[:, None] * n_distinct + which[None, :]).ravel()
            row = np.repeat(np.arange(len(new)), n_units)
            width = int(block.max(initial=0)) * setup.n + 1
            if pmf.shape[1] == 2 and n_distinct < n_units:
                totals = _two_point_totals(pmf, offset, chosen, which, n_distinct, width)
            elif n_distinct < n_units:
                totals = _grouped_totals(pmf, offset, chosen, which, n_distinct, width)
            else:
                totals = sums_of_units(row, pmf[pick], offset[pick], len(new), width)
            tails = np.cumsum(totals[:, ::-1], axis=1)[:, ::-1]          # P(X >= x), x = 0..
            average = totals @ np.arange(width)
            for i, r in enumerate(new):
                known[keys[r]] = (tails[i], float(average[i]))
        for r, key in enumerate(keys):
            tail, mean = known[key]
            x = int(observed[first + r])
            pvalues[first + r] = min(max(tail[x] if x < len(tail) else 0.0, P_FLOOR), 1.0)
            means[first + r] = mean
    return pvalues, observed.astype(float), means


def _two_point_totals(pmf: np.ndarray, offset: np.ndarray, rows: np.ndarray, which: np.ndarray,
                      n_distinct: int, width: int) -> np.ndarray:
    r"""pmf of each row's total when every unit takes two values (K: a response is
    covered or not), shape ``(len(rows), width)``.

    The :math:`c_u` units that are copies of distinct unit ``u`` (same candidates)
    total :math:`\mathrm{Binomial}(c_u, p_u)` above their offsets, so a row's total is
    the convolution of one binomial per distinct unit: ``uniform`` one binomial,
    ``stratified`` one per stratum, instead of one convolution step per response.
    """
    multiplicity = np.bincount(which, minlength=n_distinct)
    used = np.flatnonzero(multiplicity)
    index = rows[:, None] * n_distinct + used[None, :]            # (rows, used units)
    binomials = [stats.binom.pmf(np.arange(multiplicity[u] + 1)[None, :], multiplicity[u],
                                 pmf[index[:, i], 1][:, None]) for i, u in enumerate(used)]
    shifts = (offset[index] * multiplicity[used][None, :]).sum(axis=1)
    out = np.zeros((len(rows), width))
    for r in range(len(rows)):
        total = binomials[0][r]
        for part in binomials[1:]:
            total = np.convolve(total, part[r])
        top = min(len(total), width - int(shifts[r]))
        out[r, shifts[r]: shifts[r] + top] = total[:top]
    return out


def _grouped_totals(pmf: np.ndarray, offset: np.ndarray, rows: np.ndarray, which: np.ndarray,
                    n_distinct: int, width: int) -> np.ndarray:
    r"""pmf of each row's total when units repeat (``stratified``: one distinct unit per
    stratum), shape ``(len(rows), width)``.

    The :math:`c_u` copies of distinct unit ``u`` are added by
    :func:`alliancestats._convolution.sum_of_unit_rows` (binary powering of the
    unit's pmf, then a balanced tree over the distinct units), exactly as
    :meth:`UnitPlacementNull.exact_distribution` adds them for one list, instead of
    one convolution step per response and row: with Λ's many-valued scores, 2,000
    responses in 100 yearly strata and 1,000 shifted lists, the step-per-response
    convolution took minutes.
    """
    multiplicity = np.bincount(which, minlength=n_distinct)
    used = np.flatnonzero(multiplicity)
    columns = int(np.max(np.flatnonzero(pmf.any(axis=0)), initial=0)) + 1
    out = np.zeros((len(rows), width))
    for r, row in enumerate(rows.tolist()):
        index = row * n_distinct + used
        total, first = sum_of_unit_rows(pmf[index, :columns], offset[index], multiplicity[used])
        top = min(len(total), width - int(first))
        out[r, first: first + top] = total[:top]
    return out


def _distinct_units(units: Units) -> tuple[Units, np.ndarray]:
    """The distinct units (same candidate anchors and member offsets) and, for each unit,
    the position of its distinct twin: ``uniform`` has one, ``stratified`` one per
    stratum, so their pmfs are computed once per row, not once per response."""
    members: dict[int, list[int]] = {}
    for u, r in zip(units.unit.tolist(), units.rel.tolist()):
        members.setdefault(u, []).append(r)
    keys = [(lo, hi, tuple(sorted(members.get(u, []))))
            for u, (lo, hi) in enumerate(zip(units.low.tolist(), units.high.tolist()))]
    index: dict[tuple[int, int, tuple[int, ...]], int] = {}
    which = np.array([index.setdefault(key, len(index)) for key in keys], dtype=np.int64)
    ordered = list(index)
    sizes = [len(key[2]) for key in ordered]
    distinct = Units(low=np.array([k[0] for k in ordered], np.int64),
                     high=np.array([k[1] for k in ordered], np.int64),
                     unit=np.repeat(np.arange(len(ordered)), sizes),
                     rel=np.array([r for k in ordered for r in k[2]], np.int64))
    return distinct, which


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
