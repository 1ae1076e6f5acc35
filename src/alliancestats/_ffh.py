r"""Exact Fisher–Freeman–Halton p-value of a ``2 x c`` table by a network algorithm.

With column totals :math:`c_j`, first-row total :math:`k` and :math:`N` in all, a
table is its first row :math:`x` (:math:`\sum_j x_j = k`, :math:`0 \le x_j \le c_j`)
and has probability

.. math:: P(x) = \prod_j \binom{c_j}{x_j} \Big/ \binom{N}{k}.

The p-value is :math:`\sum_x P(x)\,[P(x) \le P(x_\text{obs})(1 + 10^{-7})]`.
Tables are paths through columns ``0 .. c-1``; a node is (column ``j``, first-row
count ``s`` so far) and carries the distinct *past* products
:math:`\log \prod_{l<j} \binom{c_l}{x_l}` of the paths that reach it (Mehta & Patel's
network algorithm). For the remaining columns, with ``r = k - s`` still to place,
the largest and smallest :math:`\log \prod_{l \ge j} \binom{c_l}{x_l}` (a dynamic
programme over the columns, backwards) and their total
:math:`\binom{R_j}{r}`, :math:`R_j = \sum_{l \ge j} c_l` (Vandermonde), decide a
node's paths at once: if even the largest completion is at most the threshold,
every completion counts and adds :math:`\binom{R_j}{r}` times the past product; if
even the smallest exceeds it, none does; otherwise the node is expanded by column
``j``. Past values within :math:`10^{-9}` (in logs) share a node entry, their
weights summed exactly. Everything is in logs, so no product overflows.

Cost: at most (number of columns) x (first-row total) nodes, each with its distinct
past values; a ``2 x 20`` table with a few hundred responses takes milliseconds.
When expanding a column would make more than :data:`MAX_STATES` (node, past)
entries the computation stops and returns None (the caller then uses Monte Carlo):
the work is at most about ``c * MAX_STATES`` entries, about a second.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln

#: (node, past value) entries one column may expand to before the exact sum gives up
MAX_STATES = 1_000_000
#: past values closer than this (in logs) share an entry
MERGE = 1e-9
#: a table counts as no more likely than the observed one up to this relative margin
MARGIN = 1e-7


def _log_binom(n: np.ndarray | int, k: np.ndarray | int) -> np.ndarray:
    return gammaln(np.asarray(n) + 1.0) - gammaln(np.asarray(k) + 1.0) \
        - gammaln(np.asarray(n) - np.asarray(k) + 1.0)


def ffh_pvalue_2xc(observed: np.ndarray) -> float | None:
    """Exact Fisher–Freeman–Halton p-value of a ``2 x c`` table of counts, or None
    when more than :data:`MAX_STATES` partial tables would be needed."""
    observed = np.asarray(observed, dtype=np.int64)
    columns = observed.sum(axis=0)
    k, total = int(observed[0].sum()), int(columns.sum())
    n_cols = len(columns)
    threshold = float(np.sum(_log_binom(columns, observed[0]))) + np.log1p(MARGIN)
    log_norm = float(_log_binom(total, k))
    # backwards: best and worst completions of columns j.. placing r in row one
    remaining = np.concatenate([np.cumsum(columns[::-1])[::-1], [0]])
    best = np.full((n_cols + 1, k + 1), -np.inf)
    worst = np.full((n_cols + 1, k + 1), np.inf)
    best[n_cols, 0] = worst[n_cols, 0] = 0.0
    for j in range(n_cols - 1, -1, -1):
        for x in range(min(int(columns[j]), k) + 1):
            step = float(_log_binom(int(columns[j]), x))
            best[j, x:] = np.maximum(best[j, x:], step + best[j + 1, : k + 1 - x])
            worst[j, x:] = np.minimum(worst[j, x:], step + worst[j + 1, : k + 1 - x])
    pvalue = 0.0
    # entries: first-row count so far, past log product, weight (sum of exp(past_i - past))
    count = np.zeros(1, dtype=np.int64)
    past = np.zeros(1)
    weight = np.ones(1)
    for j in range(n_cols):
        rest = k - count
        high, low = past + best[j, rest], past + worst[j, rest]
        done = high <= threshold
        if done.any():
            all_paths = _log_binom(int(remaining[j]), rest[done])
            pvalue += float(np.sum(weight[done] * np.exp(past[done] + all_paths - log_norm)))
        open_ = ~done & (low <= threshold) & np.isfinite(high)
        count, past, weight = count[open_], past[open_], weight[open_]
        if count.size == 0:
            break
        x = np.arange(min(int(columns[j]), k) + 1)
        if count.size * x.size > MAX_STATES:
            return None
        steps = _log_binom(int(columns[j]), x)
        new_count = (count[:, None] + x[None, :]).ravel()
        new_past = (past[:, None] + steps[None, :]).ravel()
        new_weight = np.repeat(weight, len(x))
        feasible = (new_count <= k) & (k - new_count <= remaining[j + 1])
        count, past, weight = _merge(new_count[feasible], new_past[feasible],
                                     new_weight[feasible])
    return float(min(pvalue, 1.0))


def _merge(count: np.ndarray, past: np.ndarray, weight: np.ndarray,
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Entries with the same count and past values within :data:`MERGE` become one,
    the representative the first of its group, the weights rescaled to it exactly."""
    if count.size == 0:
        return count, past, weight
    key = np.floor(past / MERGE)
    order = np.lexsort((key, count))
    count, past, weight, key = count[order], past[order], weight[order], key[order]
    start = np.concatenate([[True], (count[1:] != count[:-1]) | (key[1:] != key[:-1])])
    group = np.cumsum(start) - 1
    representative = past[start]
    merged = np.bincount(group, weights=weight * np.exp(past - representative[group]))
    return count[start], representative, merged
