r"""The chain recursion of :mod:`alliancestats._window_hits` for many short chains at once.

The same recursion, written densely and run for a batch of chains in lock step:
with :math:`F_\ell(z)` the generating polynomial of the windows missed so far
jointly with atom :math:`\ell` being the last non-empty one,

.. math:: F_j(z) = (1 - e_j) \sum_{-1 \le \ell < j} E(\ell, j)\,
          z^{\max(0,\ r(j) - o(\ell))} F_\ell(z)

is evaluated for every :math:`\ell` at once (an array over chains, states and
counts) instead of through running pools. That is :math:`O(A^2 w)` for a chain
of ``A`` atoms and ``w`` windows instead of :math:`O(A\,w)`, but one step of
numpy work per atom for the whole batch instead of one interpreter loop per
chain: far faster for chains of a few dozen atoms, the common case of short
windows. Chains are padded to the batch's size with atoms of no days (always
empty: :math:`e = 1`, so they add nothing) and windows that never open. Every
term is a sum of non-negative products, as in the pooled recursion.
"""

from __future__ import annotations

import numpy as np

#: chains up to this many atoms (and windows) go through the dense batch
MAX_ATOMS = 48
MAX_WINDOWS = 96
#: array cells (chains x states x counts) of one batch step
BATCH_CELLS = 2**21

Chain = tuple[np.ndarray, np.ndarray, np.ndarray]   # log_empty, first, stop
Poly = tuple[np.ndarray, int]


def is_short(chain: Chain) -> bool:
    """Whether :func:`short_chains_missed_pmfs` takes this chain."""
    log_empty, first, _ = chain
    return len(log_empty) <= MAX_ATOMS and len(first) <= MAX_WINDOWS


def short_chains_missed_pmfs(chains: list[Chain]) -> list[Poly]:
    """pmf of the windows missed in each chain, as ``(pmf, first value)``; the chains'
    arguments as for :func:`alliancestats._window_hits.chain_missed_pmf`."""
    out: list[Poly | None] = [None] * len(chains)
    order = sorted(range(len(chains)), key=lambda i: (len(chains[i][0]), len(chains[i][1])))
    at = 0
    while at < len(order):                 # batches of chains of similar size
        atoms = len(chains[order[at]][0])
        size = 2 ** int(np.ceil(np.log2(max(atoms, 1))))
        stop_at = at
        while stop_at < len(order) and len(chains[order[stop_at]][0]) <= size:
            stop_at += 1
        members = order[at:stop_at]
        width = max(len(chains[i][1]) for i in members) + 1
        step = max(1, BATCH_CELLS // ((size + 1) * width))
        for a in range(0, len(members), step):
            part = members[a: a + step]
            for i, poly in zip(part, _batch([chains[i] for i in part], size, width)):
                out[i] = poly
        at = stop_at
    return out  # type: ignore[return-value]


def _batch(chains: list[Chain], atoms: int, width: int) -> list[Poly]:
    """The dense recursion for chains padded to ``atoms`` atoms and ``width - 1`` windows."""
    count = len(chains)
    log_empty = np.zeros((count, atoms))
    opened = np.zeros((count, atoms + 1), dtype=np.int64)    # o(l) for l = -1 .. atoms - 1
    resolved = np.zeros((count, atoms + 1), dtype=np.int64)  # r(j) for j = 0 .. atoms
    grid = np.arange(atoms + 1)
    for c, (le, first, stop) in enumerate(chains):
        log_empty[c, :len(le)] = le
        opened[c, 1:] = np.searchsorted(first, grid[:-1], side="right")
        resolved[c] = np.searchsorted(stop, grid, side="right")
    full = -np.expm1(log_empty)
    cum = np.concatenate([np.zeros((count, 1)), np.cumsum(log_empty, axis=1)], axis=1)
    states = np.zeros((count, atoms + 1, width))   # F_l for l = -1 .. atoms - 1
    states[:, 0, 0] = 1.0
    counts = np.arange(width)
    rows = np.arange(count)[:, None, None]
    for j in range(atoms + 1):
        shift = np.maximum(resolved[:, j, None] - opened[:, : j + 1], 0)       # (C, j + 1)
        weight = np.exp(cum[:, j, None] - cum[:, : j + 1])                      # E(l, j)
        source = counts[None, None, :] - shift[:, :, None]                      # (C, j + 1, w)
        gathered = states[rows, np.arange(j + 1)[None, :, None], np.maximum(source, 0)]
        gathered[source < 0] = 0.0
        total = np.einsum("cl,clm->cm", weight, gathered)
        if j < atoms:
            states[:, j + 1] = total * full[:, j, None]
    polys = []
    for c in range(count):
        keep = np.flatnonzero(total[c] > 0)
        polys.append((total[c, keep[0]: keep[-1] + 1].copy(), int(keep[0])) if len(keep)
                     else (np.array([1.0]), 0))
    return polys
