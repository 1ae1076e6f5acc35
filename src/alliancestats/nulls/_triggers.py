"""Nulls that keep the responses and redraw the trigger days over the reach."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .._reach import ReachAtoms
from .._setup import Setup
from ..errors import AllianceStatsError
from ..statistics import Statistic
from ._base import NullModel

#: largest reach (days) for which ``draw`` builds a day-by-day trigger grid
MAX_GRID_DAYS = 10**8


class TriggerNull(NullModel):
    """Base for ``poisson`` and ``shuffle-triggers``.

    Surrogates are counts of trigger days per atom of the reach
    (:mod:`alliancestats._reach`); a day-by-day grid (``draw``) is only built for
    :func:`alliancestats.simulate.simulate_null`.
    """

    draws: ClassVar[str] = "triggers"
    effect_sizes_refused: ClassVar[str | None] = (
        "it keeps the responses and redraws the triggers, so its chance baseline, this null's "
        "E[K], is not the placement of responses the effect sizes are measured from; for "
        "effect sizes under uniform placement (E0[K] = nC/T, which differs from this null's "
        "E[K]) use effect_sizes(..., null='uniform')")

    def atoms(self, setup: Setup) -> ReachAtoms:
        return setup.atoms

    def draw_atoms(self, setup: Setup, atoms: ReachAtoms, size: int,
                   rng: np.random.Generator) -> np.ndarray:
        """Trigger days per atom, shape ``(size, A)``."""
        raise NotImplementedError

    def union_cells(self, setup: Setup) -> int | None:
        """Cells per resample of the union-only sampler of K (:meth:`draw_hits`), or
        None where it does not apply."""
        return None

    def draw_hits(self, setup: Setup, size: int, rng: np.random.Generator) -> np.ndarray:
        """``size`` draws of K drawn on the union of the windows alone
        (:mod:`alliancestats.nulls._union_draws`)."""
        raise NotImplementedError

    def batch_width(self, setup: Setup, statistic: Statistic) -> int:
        cells = self.union_cells(setup) if statistic.name == "matches" else None
        if cells is not None:
            return (4 * cells + 2 * setup.n) // 8 + 1   # bytes, counted as int64 elements
        return 3 * (self.atoms(setup).n_atoms + setup.n)

    def draw_values(self, setup: Setup, statistic: Statistic, size: int,
               rng: np.random.Generator) -> np.ndarray:
        if statistic.name == "matches" and self.union_cells(setup) is not None:
            return self.draw_hits(setup, size, rng)
        atoms = self.atoms(setup)
        return statistic.from_atom_counts(setup, atoms, self.draw_atoms(setup, atoms, size, rng))

    def draw(self, setup: Setup, size: int, rng: np.random.Generator) -> np.ndarray:
        """Trigger grids over the reach days, shape ``(size, D)`` (days within an atom
        are equally likely, so a uniform choice of days inside each atom)."""
        if setup.reach_n_days > MAX_GRID_DAYS:
            raise AllianceStatsError(
                f"`window` {setup.window}: a day-by-day trigger grid over the reach of "
                f"{setup.reach_n_days} days is too large (limit {MAX_GRID_DAYS})")
        atoms = self.atoms(setup)
        counts = self.draw_atoms(setup, atoms, size, rng)
        keys = rng.random((size, atoms.n_days))
        atom_of_day = np.repeat(np.arange(atoms.n_atoms), atoms.lengths)
        order = np.lexsort((keys, np.broadcast_to(atom_of_day, keys.shape)), axis=1)
        rank = np.empty_like(order)
        np.put_along_axis(rank, order, np.arange(atoms.n_days)[None, :].repeat(size, 0), axis=1)
        rank -= atoms.edges[atom_of_day]
        return rank < counts[:, atom_of_day]
