"""rate_curve at size: nested thinning from one uniform per day and replicate, and the
exact poisson curve (alliancestats.breakeven)."""

import numpy as np
import pytest

from alliancestats._setup import grid_hits
from alliancestats.breakeven import CHUNK_CELLS, _thinned_coverages


def _reference_coverages(grid, factors, replicates, length, n_days, seed):
    """The same uniforms replayed, each factor's version built day by day and
    counted by grid_hits."""
    u = np.random.default_rng(seed).random((replicates, grid.size))
    m, free = grid.sum(), grid.size - grid.sum()
    out = []
    for f in factors:
        if f <= 1:
            draws = grid[None, :] & (u < f)
        else:
            draws = grid[None, :] | (u < min((f - 1) * m / free, 1.0))
        out.append(grid_hits(draws, [np.arange(n_days)], [length])[0].mean(axis=1))
    return np.array(out)


@pytest.mark.parametrize("length", [1, 2, 6, 13])
def test_nested_thinning_equals_grid_hits_on_the_same_uniforms(length):
    rng = np.random.default_rng(length)
    n_days = 60
    grid = rng.random(n_days + length - 1) < 0.1
    factors = np.array([0.05, 0.3, 0.999, 1.0, 1.5, 2.5, 40.0])
    fast = _thinned_coverages(grid, factors, 30, length, n_days, np.random.default_rng(3))
    np.testing.assert_array_equal(fast, _reference_coverages(grid, factors, 30, length,
                                                             n_days, 3))


def test_nested_thinning_in_chunks_continues_the_stream(monkeypatch):
    import alliancestats.breakeven as breakeven

    rng = np.random.default_rng(1)
    length, n_days = 5, 40
    grid = rng.random(n_days + length - 1) < 0.2
    factors = np.array([0.2, 0.7, 3.0])
    whole = _thinned_coverages(grid, factors, 25, length, n_days, np.random.default_rng(4))
    monkeypatch.setattr(breakeven, "CHUNK_CELLS", 3 * grid.size)    # chunks of 3 replicates
    chunked = breakeven._thinned_coverages(grid, factors, 25, length, n_days,
                                           np.random.default_rng(4))
    np.testing.assert_array_equal(whole, chunked)
    assert CHUNK_CELLS >= 2**20


def test_nested_thinning_edge_grids():
    length, n_days = 3, 10
    full = np.ones(n_days + length - 1, dtype=bool)        # no free day: f > 1 adds nothing
    cov = _thinned_coverages(full, np.array([0.5, 1.0, 2.0]), 8, length, n_days,
                             np.random.default_rng(0))
    assert np.all(cov[1:] == 1.0)
    empty = np.zeros(n_days + length - 1, dtype=bool)      # no trigger day: never covered
    cov = _thinned_coverages(empty, np.array([0.5, 1.0, 2.0]), 8, length, n_days,
                             np.random.default_rng(0))
    assert np.all(cov == 0.0)


def test_each_factor_alone_matches_independent_thinning_in_distribution():
    # marginal check: the mean coverage at one factor agrees with independent draws
    rng = np.random.default_rng(11)
    length, n_days = 7, 400
    grid = rng.random(n_days + length - 1) < 0.05
    factors = np.array([0.4, 2.0])
    nested = _thinned_coverages(grid, factors, 400, length, n_days, np.random.default_rng(5))
    for i, f in enumerate(factors):
        own = _thinned_coverages(grid, factors[i: i + 1], 400, length, n_days,
                                 np.random.default_rng(99))[0]
        se = np.sqrt(nested[i].var() / 400 + own.var() / 400)
        assert abs(nested[i].mean() - own.mean()) < 4 * se
        # and against the exact expectation of independent day thinning
        p = f if f <= 1 else min((f - 1) * grid.sum() / (grid.size - grid.sum()), 1.0)
        cum = np.concatenate([[0], np.cumsum(grid)])
        trig = cum[length: length + n_days] - cum[:n_days]
        if f <= 1:
            expected = np.mean(1 - (1 - p) ** trig)
        else:
            expected = np.mean(np.where(trig > 0, 1.0, 1 - (1 - p) ** (length - trig)))
        assert abs(nested[i].mean() - expected) < 4 * nested[i].std() / np.sqrt(400) + 1e-12


@pytest.mark.parametrize("known_qs", [[], [0.004, 0.006, 0.01, 0.02], [1e-4, 2e-4], [0.3, 0.5]])
def test_exact_break_even_from_a_bracket_equals_the_full_search(known_qs):
    from alliancestats.breakeven import DAYS_PER_YEAR, _exact_break_even
    from alliancestats.nulls.poisson import window_hit_pmf

    rng = np.random.default_rng(2)
    days = np.sort(rng.integers(0, 3000, 60))
    length, k, alpha = 20, 25, 0.05
    known = {q: float(window_hit_pmf(days, length, q)[k:].sum()) for q in known_qs}
    rate = _exact_break_even(days, length, k, alpha, known)
    full = _exact_break_even(days, length, k, alpha, {})
    assert rate == pytest.approx(full, rel=1e-8)
    q = rate / DAYS_PER_YEAR
    assert window_hit_pmf(days, length, q)[k:].sum() == pytest.approx(alpha, rel=1e-6)
    assert _exact_break_even(days, length, 0, alpha, known) == 0.0
