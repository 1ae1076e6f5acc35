r"""The chain recursion of :mod:`alliancestats._window_hits` for many short chains at once.

The same recursion, written densely and run for a batch of chains in lock step:
with :math:`F_\ell(z)` the generating polynomial of the windows missed so far
jointly with atom :math:`\ell` being the last non-empty one,

.. math:: F_j(z) = (1 - e_j) \sum_{-1 \le \ell < j} E(\ell, j)\,
          z^{\max(0,\ r(j) - o(\ell))} F_\ell(z)

is evaluated for every :math:`\ell` at once (an array over chains, states and
counts; the dead states also stored shifted by :math:`-o(\ell)`, so that one
shift by :math:`r(j)` serves them all) instead of through running pools. That is :math:`O(A^2 w)` for a chain
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
#: array cells (chains x states x counts) of one batch
BATCH_CELLS = 2**20
#: chains are padded to the least of these atom counts that holds them
BATCH_ATOMS = (2, 4, 6, 8, 12, 16, 24, 32, 48)

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
        size = next((s for s in BATCH_ATOMS if s >= atoms), atoms)
        stop_at = at
        while stop_at < len(order) and len(chains[order[stop_at]][0]) <= size:
            stop_at += 1
        members = order[at:stop_at]
        width = max(len(chains[i][1]) for i in members) + 1
        step = max(1, BATCH_CELLS // ((size + 1) * 3 * width))
        for a in range(0, len(members), step):
            part = members[a: a + step]
            for i, poly in zip(part, _batch([chains[i] for i in part], size, width)):
                out[i] = poly
        at = stop_at
    return out  # type: ignore[return-value]


def _batch(chains: list[Chain], atoms: int, width: int) -> list[Poly]:
    r"""The dense recursion for chains padded to ``atoms`` atoms and ``width - 1`` windows.

    Alive states (:math:`o(\ell) > r(j)`) are summed as they are; dead ones from a
    second copy of every state stored at count ``m - o(l) + width - 1``, whose sum is
    then shifted by ``r(j)``: two batched matrix products per atom.
    """
    count = len(chains)
    log_empty = _padded([chain[0] for chain in chains], atoms, 0.0)
    first = _padded([chain[1] for chain in chains], width - 1, atoms + 1)   # padding: never
    stop = _padded([chain[2] for chain in chains], width - 1, atoms + 1)    # opens or ends
    grid = np.arange(atoms + 1)[None, :, None]
    opened = np.zeros((count, atoms + 1), dtype=np.int64)    # o(l) for l = -1 .. atoms - 1
    opened[:, 1:] = (first[:, None, :] <= grid[:, :-1]).sum(axis=2)
    resolved = (stop[:, None, :] <= grid).sum(axis=2)        # r(j) for j = 0 .. atoms
    full = -np.expm1(log_empty)
    cum = np.concatenate([np.zeros((count, 1)), np.cumsum(log_empty, axis=1)], axis=1)
    states = np.zeros((count, atoms + 1, width))          # F_l for l = -1 .. atoms - 1
    shifted = np.zeros((count, atoms + 1, 2 * width - 1))  # F_l at counts m - o(l) + width - 1
    states[:, 0, 0] = 1.0
    shifted[:, 0, width - 1] = 1.0
    counts = np.arange(width)[None, :]
    rows = np.arange(count)[:, None]
    for j in range(atoms + 1):
        weight = np.exp(cum[:, j, None] - cum[:, : j + 1])                      # E(l, j)
        alive = opened[:, : j + 1] > resolved[:, j, None]
        total = np.matmul(np.where(alive, weight, 0.0)[:, None, :], states[:, : j + 1])[:, 0]
        dead = np.matmul(np.where(alive, 0.0, weight)[:, None, :], shifted[:, : j + 1])[:, 0]
        total += np.take_along_axis(dead, counts - resolved[:, j, None] + width - 1, axis=1)
        if j < atoms:
            states[:, j + 1] = total * full[:, j, None]
            shifted[rows, j + 1, counts - opened[:, j + 1, None] + width - 1] = states[:, j + 1]
    some = total > 0                      # every row sums to one: some term is positive
    low = some.argmax(axis=1).tolist()
    high = (width - some[:, ::-1].argmax(axis=1)).tolist()
    return [(total[c, a:b].copy(), a) for c, (a, b) in enumerate(zip(low, high))]


def _padded(rows: list[np.ndarray], size: int, fill: float) -> np.ndarray:
    """``rows`` as one array of ``size`` columns, short rows padded with ``fill``."""
    lengths = np.array([len(row) for row in rows])
    out = np.full((len(rows), size), fill, dtype=np.result_type(rows[0], type(fill)))
    out[np.arange(size)[None, :] < lengths[:, None]] = np.concatenate(rows)
    return out
