"""Monte Carlo of K for ``poisson`` and ``shuffle-triggers`` on the union of windows
(alliancestats.nulls._union_draws) against exact distributions, enumeration and
the per-atom sampler it replaces."""

import itertools
from math import comb

import numpy as np
import pytest
from scipy import stats

from alliancestats import EventSeries, Period, Window, coincidence_test
from alliancestats._setup import build_setup
from alliancestats.nulls import make_null
from alliancestats.nulls._union_draws import (bernoulli_cells, hits_from_cells, union_cells,
                                              uniform_subset_cells)
from alliancestats.statistics import STATISTICS

MATCHES = STATISTICS["matches"]


def _series(offsets):
    return EventSeries(np.datetime64("2020-01-01") + np.asarray(offsets, dtype="timedelta64[D]"))


def _setup(responses, triggers, window, days):
    period = Period("2020-01-01", str(np.datetime64("2020-01-01") + days - 1))
    return build_setup(_series(responses), _series(triggers), window=window, period=period)[0]


def _old_sample(null, setup, size, rng):
    """The per-atom sampler: trigger days per atom, then K from the atom counts."""
    atoms = null.atoms(setup)
    return MATCHES.from_atom_counts(setup, atoms, null.draw_atoms(setup, atoms, size, rng))


def _within_4se(draws, pmf, offset=0):
    values = offset + np.arange(len(pmf))
    mean = float(values @ pmf)
    sd = float(np.sqrt(((values - mean) ** 2) @ pmf))
    assert abs(draws.mean() - mean) <= 4 * sd / np.sqrt(len(draws)) + 1e-12
    for k in np.unique(np.quantile(draws, [0.05, 0.25, 0.5, 0.75, 0.95]).astype(int)):
        tail = float(pmf[values >= k].sum())
        se = np.sqrt(tail * (1 - tail) / len(draws))
        assert abs((draws >= k).mean() - tail) <= 4 * se + 1e-12


def test_bernoulli_cells_have_their_probabilities_and_ties_are_resolved():
    p = np.array([0.0, 1 / 256, 0.3, 0.5, 200.5 / 256, 1 - 1e-9, 1.0])
    chosen = bernoulli_cells(np.random.default_rng(0), 40_000, p).T   # resamples as rows
    freq = chosen.mean(axis=0)
    se = np.sqrt(p * (1 - p) / chosen.shape[0])
    assert np.all(np.abs(freq - p) <= 4 * se + 1e-12)
    assert freq[0] == 0 and freq[-1] == 1


def test_uniform_subsets_have_their_size_and_are_uniform():
    rng = np.random.default_rng(1)
    cells, size = 6, 30_000
    counts = rng.integers(0, cells + 1, size)
    chosen = uniform_subset_cells(rng, counts, cells).T                # resamples as rows
    assert np.array_equal(chosen.sum(axis=1), counts)
    for k in (2, 3):              # every k-subset of 6 cells equally often: chi-square
        rows = chosen[counts == k]
        keys = rows @ (1 << np.arange(cells))
        subsets = [sum(1 << c for c in s) for s in itertools.combinations(range(cells), k)]
        observed = np.array([(keys == s).sum() for s in subsets])
        assert stats.chisquare(observed).pvalue > 1e-4
        assert observed.sum() == len(rows) and len(subsets) == comb(cells, k)


@pytest.mark.parametrize("many, round_", [(1, 8), (100, 2), (100, 3)])
def test_uniform_subsets_are_uniform_through_every_way_of_adding_cells(monkeypatch, many, round_):
    """All cells added by proposals (bulk rounds, rounds of a few, one at a time):
    still every k-subset equally often."""
    from alliancestats.nulls import _union_draws
    monkeypatch.setattr(_union_draws, "MANY_MISSING", many)
    monkeypatch.setattr(_union_draws, "ROUND", round_)
    rng = np.random.default_rng(11)
    cells, size = 7, 30_000
    counts = rng.integers(0, cells + 1, size)
    chosen = uniform_subset_cells(rng, counts, cells).T
    assert np.array_equal(chosen.sum(axis=1), counts)
    for k in (2, 3, 4):
        keys = chosen[counts == k] @ (1 << np.arange(cells))
        subsets = [sum(1 << c for c in s) for s in itertools.combinations(range(cells), k)]
        observed = np.array([(keys == s).sum() for s in subsets])
        assert observed.sum() == (counts == k).sum()
        assert stats.chisquare(observed).pvalue > 1e-4


def test_uniform_subsets_of_many_cells_step_to_their_level():
    rng = np.random.default_rng(2)
    counts = np.array([0, 1, 700, 5000, 9999, 10_000])
    chosen = uniform_subset_cells(rng, counts, 10_000)
    assert np.array_equal(chosen.sum(axis=0), counts)


def test_hits_from_cells_equals_direct_any():
    rng = np.random.default_rng(3)
    chosen = rng.random((50, 300)) < 0.02
    first = np.sort(rng.integers(0, 260, 80))
    stop = first + rng.integers(1, 41, 80)
    direct = np.array([[row[f:s].any() for f, s in zip(first, stop)] for row in chosen]).sum(axis=1)
    assert np.array_equal(hits_from_cells(chosen.T, first, stop), direct)


def test_shuffle_hits_on_atoms_equal_hits_on_days(monkeypatch):
    """K counted over each atom's OR equals K counted day by day, draw by draw."""
    from alliancestats.nulls import _union_draws
    rng = np.random.default_rng(12)
    setup = _setup(np.sort(rng.integers(0, 900, 40)), rng.integers(-30, 900, 150),
                   Window.after(days=30), 900)
    atoms = make_null("shuffle-triggers", {}).atoms(setup)
    m = len(setup.trigger_days)
    on_atoms = _union_draws.shuffle_hits(np.random.default_rng(13), 500, atoms, m)
    monkeypatch.setattr(_union_draws, "FEW_ATOMS", 0)
    on_days = _union_draws.shuffle_hits(np.random.default_rng(13), 500, atoms, m)
    assert np.array_equal(on_atoms, on_days)
    assert on_atoms.min() < on_atoms.max()


@pytest.mark.parametrize("continuous", [False, True])
def test_poisson_monte_carlo_matches_exact(continuous):
    rng = np.random.default_rng(4)
    setup = _setup(np.sort(rng.integers(0, 400, 120)), rng.integers(-10, 400, 40),
                   Window.after(days=20), 400)
    null = make_null("poisson", {"continuous": continuous})
    pmf = null.exact_distribution(setup, MATCHES).dense(0, setup.n)
    _within_4se(null.sample(setup, 20_000, np.random.default_rng(5)), pmf)


def test_poisson_monte_carlo_matches_exact_on_a_large_case():
    rng = np.random.default_rng(6)
    setup = _setup(rng.integers(0, 3000, 2500), rng.integers(-40, 3000, 300),
                   Window.after(days=30, slack=3), 3000)
    null = make_null("poisson", {})
    pmf = null.exact_distribution(setup, MATCHES).dense(0, setup.n)
    _within_4se(null.sample(setup, 5_000, np.random.default_rng(7)), pmf)


def test_shuffle_triggers_monte_carlo_matches_enumeration():
    responses, window, days = [0, 1, 1, 4, 8], Window(1, 3), 9     # reach of 11 days
    setup = _setup(responses, [0, 3, 5], window, days)
    reach, m = setup.reach_n_days, len(setup.trigger_days)
    offsets = setup.response_offsets
    pmf = np.zeros(setup.n + 1)
    subsets = list(itertools.combinations(range(reach), m))
    for chosen in subsets:       # reach offset d covers period offsets d - L + 1 .. d
        d = np.array(chosen)
        k = ((offsets[:, None] <= d[None, :])
             & (offsets[:, None] >= d[None, :] - window.length + 1)).any(axis=1).sum()
        pmf[k] += 1 / len(subsets)
    null = make_null("shuffle-triggers", {})
    _within_4se(null.sample(setup, 40_000, np.random.default_rng(8)), pmf)


@pytest.mark.parametrize("name", ["poisson", "shuffle-triggers"])
@pytest.mark.parametrize("n, triggers", [(25, 500), (1500, 300)])
def test_new_sampler_agrees_with_the_per_atom_sampler(name, n, triggers):
    rng = np.random.default_rng(9)
    setup = _setup(rng.integers(0, 2922, n), rng.integers(-40, 2922, triggers),
                   Window.after(days=30, slack=3), 2922)
    null = make_null(name, {})
    size = 2000
    new = null.sample(setup, size, np.random.default_rng(10))
    old = _old_sample(null, setup, size, np.random.default_rng(11))
    pooled = np.sqrt(new.var() / size + old.var() / size)
    assert abs(new.mean() - old.mean()) <= 4 * pooled + 1e-12
    for k in np.unique(np.quantile(old, [0.1, 0.5, 0.9]).astype(int)):
        a, b = (new >= k).mean(), (old >= k).mean()
        p = (a + b) / 2
        assert abs(a - b) <= 4 * np.sqrt(2 * p * (1 - p) / size) + 1e-12
    assert abs(new.mean() - null.expected(setup, MATCHES)) <= 4 * np.sqrt(new.var() / size) + 1e-9


@pytest.mark.parametrize("name", ["poisson", "shuffle-triggers"])
def test_reproducible_and_every_statistic_still_drawn(name):
    rng = np.random.default_rng(12)
    responses, triggers = _series(rng.integers(0, 700, 60)), _series(rng.integers(0, 700, 30))
    kwargs = dict(window=Window.after(days=14), period=Period("2020-01-01", "2021-11-30"),
                  null=name, method="monte-carlo", n_resamples=499)
    for statistic in ("matches", "pairs", "trigger-rate"):
        a = coincidence_test(responses, triggers, statistic=statistic, rng=5, **kwargs)
        b = coincidence_test(responses, triggers, statistic=statistic, rng=5, **kwargs)
        assert a.pvalue == b.pvalue
        assert 1 / 500 <= a.pvalue <= 1


def test_shuffle_triggers_with_a_very_long_window_draws_on_atoms():
    setup = _setup(np.arange(0, 2900, 7), np.arange(0, 2900, 13), Window(0, 3_652_058), 2900)
    null = make_null("shuffle-triggers", {})
    assert null.union_cells(setup) is None
    draws = null.sample(setup, 200, np.random.default_rng(13))
    assert abs(draws.mean() - null.expected(setup, MATCHES)) <= 4 * draws.std() / np.sqrt(200) + 1e-9


def test_union_cells_cover_every_window():
    rng = np.random.default_rng(14)
    setup = _setup(rng.integers(0, 300, 40), rng.integers(0, 300, 20), Window(2, 9), 300)
    atoms = setup.atoms
    lengths, first, stop = union_cells(atoms, days=True)
    assert np.all(stop - first == setup.window.length)
    lengths, first, stop = union_cells(atoms, days=False)
    assert lengths.sum() == atoms.lengths[atoms.union[0]].sum()
