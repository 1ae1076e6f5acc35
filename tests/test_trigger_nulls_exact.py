"""Exact ``poisson`` K by chains (alliancestats._window_hits) against the former
O(n^2 a) recursion, brute-force enumeration and Monte Carlo."""

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliancestats import EventSeries, Period, Window, coincidence_test
from alliancestats._reach import ReachAtoms, atoms_of_intervals
from alliancestats._setup import build_setup
from alliancestats._window_hits import missed_pmf, missed_pmf_cost
from alliancestats.nulls import make_null
from alliancestats.nulls.poisson import hit_count_pmf
from alliancestats.statistics import STATISTICS


def reference_hit_count_pmf(atoms: ReachAtoms, q: float) -> np.ndarray:
    """The former recursion (state: windows hit so far, last non-empty atom of the
    current window), O(n^2 a): the reference the chain recursion must equal."""
    order = np.lexsort((atoms.stop[0], atoms.first[0]))
    first, stop = atoms.first[0][order], atoms.stop[0][order]
    n = len(first)
    log_empty = atoms.lengths * np.log1p(-q)
    nonempty = -np.expm1(log_empty)
    dist = np.zeros((n + 1, 1))
    dist[0, 0] = 1.0
    base = done = int(first[0]) if n else 0
    for f, s in zip(first.tolist(), stop.tolist()):
        if s > done:
            new_empty = log_empty[done:s]
            after = np.concatenate([np.cumsum(new_empty[::-1])[::-1][1:], [0.0]])
            last_is = nonempty[done:s] * np.exp(after)
            all_empty = float(np.exp(new_empty.sum()))
            total = dist.sum(axis=1)
            grown = np.empty((n + 1, s - base + 1))
            grown[:, : done - base] = dist[:, :-1] * all_empty
            grown[:, done - base: s - base] = total[:, None] * last_is[None, :]
            grown[:, -1] = dist[:, -1] * all_empty
            dist, done = grown, s
        if f > base:
            drop = min(f, done) - base
            dist = np.concatenate([dist[:, drop:-1],
                                   (dist[:, :drop].sum(axis=1) + dist[:, -1])[:, None]], axis=1)
            base += drop
        counted = np.zeros_like(dist)
        counted[1:, :-1] = dist[:-1, :-1]
        counted[:, -1] = dist[:, -1]
        dist = counted
    return dist.sum(axis=1)


def brute_force_hits(starts, length, n_days, q):
    """pmf of the windows ``[s, s + length)`` holding a trigger, over all 2^D day subsets."""
    starts = np.asarray(starts)
    pmf = np.zeros(len(starts) + 1)
    for bits in itertools.product([0, 1], repeat=n_days):
        days = np.flatnonzero(bits)
        hit = ((days[None, :] >= starts[:, None])
               & (days[None, :] < starts[:, None] + length)).any(axis=1).sum()
        pmf[hit] += q ** len(days) * (1 - q) ** (n_days - len(days))
    return pmf


def _series(offsets):
    return EventSeries(np.datetime64("2020-01-01") + np.asarray(offsets, dtype="timedelta64[D]"))


windows_strategy = st.tuples(
    st.lists(st.integers(0, 40), min_size=1, max_size=25),   # window starts (repeats allowed)
    st.integers(1, 12),                                       # length in days
    st.floats(0.005, 0.995))


@given(windows_strategy)
def test_chain_recursion_equals_the_former_recursion(case):
    starts, length, q = case
    starts = np.asarray(starts)
    atoms = atoms_of_intervals(starts, starts + length - 1)
    np.testing.assert_allclose(hit_count_pmf(atoms, q), reference_hit_count_pmf(atoms, q),
                               rtol=0, atol=1e-10)


@given(st.lists(st.integers(0, 8), min_size=1, max_size=7), st.integers(1, 5),
       st.floats(0.02, 0.98))
def test_chain_recursion_equals_enumeration(starts, length, q):
    starts = np.asarray(starts)
    n_days = int(starts.max()) + length
    atoms = atoms_of_intervals(starts, starts + length - 1)
    np.testing.assert_allclose(hit_count_pmf(atoms, q), brute_force_hits(starts, length, n_days, q),
                               rtol=0, atol=1e-12)


@pytest.mark.parametrize("starts, length", [
    ([0] * 6, 4),                         # identical windows: one chain, all or none
    (list(range(0, 30, 1)), 20),          # heavy overlap: one long chain
    ([0, 1, 2, 50, 51, 52, 100, 101, 102], 5),   # three identical chains
    ([0, 10, 20, 30], 10),                # touching but disjoint windows: independent
    ([0, 5, 9, 30, 250], 200),            # at q = 0.97 never missed (< 1e-280): left out
])
def test_structured_cases_equal_the_former_recursion(starts, length):
    starts = np.asarray(starts)
    atoms = atoms_of_intervals(starts, starts + length - 1)
    for q in (1e-4, 0.03, 0.5, 0.97):
        np.testing.assert_allclose(hit_count_pmf(atoms, q), reference_hit_count_pmf(atoms, q),
                                   rtol=0, atol=1e-10)


def test_disjoint_windows_are_binomial():
    from scipy import stats

    starts = np.arange(0, 400, 8)
    atoms = atoms_of_intervals(starts, starts + 7)
    q = 0.05
    p = 1 - (1 - q) ** 8
    np.testing.assert_allclose(hit_count_pmf(atoms, q), stats.binom.pmf(np.arange(51), 50, p),
                               rtol=1e-9, atol=1e-300)


def test_tail_probabilities_keep_relative_precision():
    # 100 disjoint windows of 3 days: K = 0 only when all 300 days are empty
    starts = np.arange(0, 300, 3)
    atoms = atoms_of_intervals(starts, starts + 2)
    q = 0.5
    pmf = hit_count_pmf(atoms, q)
    assert pmf[0] == pytest.approx(0.5 ** 300, rel=1e-9)


@given(st.lists(st.integers(0, 20), min_size=1, max_size=12), st.integers(0, 6),
       st.integers(0, 4), st.booleans(), st.lists(st.integers(-10, 24), max_size=8))
def test_setups_with_period_edges_equal_the_former_recursion(responses, lo, width, edge, triggers):
    responses = list(responses) + ([0, 20] if edge else [])   # responses on both period edges
    window = Window(lo, lo + width)
    setup, _ = build_setup(_series(responses), _series(triggers + [3]), window=window,
                           period=Period("2020-01-01", "2020-01-21"))
    for continuous in (False, True):
        null = make_null("poisson", {"continuous": continuous})
        q = null.day_probability(setup)
        if 0 < q < 1:
            np.testing.assert_allclose(
                null.exact_distribution(setup, STATISTICS["matches"]).dense(0, setup.n),
                reference_hit_count_pmf(setup.atoms, q), rtol=0, atol=1e-10)


def test_windows_that_cannot_be_missed_are_counted_as_hit():
    starts = np.array([0, 3, 40, 41])
    lengths, first, stop = np.array([1] * 300), starts, starts + 250
    pmf, offset = missed_pmf(lengths, first, stop, 0.95)      # missed: (0.05)^250 < 1e-280
    assert offset == 0 and pmf.tolist() == [1.0]
    pmf, offset = missed_pmf(lengths, first, stop, 0.001)   # the same windows, missable
    assert offset == 0 and len(pmf) == 5 and pmf[4] > 0.5


def test_refuses_windows_of_different_lengths():
    with pytest.raises(ValueError, match="one length"):
        missed_pmf(np.array([1, 1, 1]), np.array([0, 1]), np.array([3, 2]), 0.5)


def test_large_case_agrees_with_monte_carlo():
    rng = np.random.default_rng(7)
    days = 3000
    responses = _series(np.sort(rng.integers(0, days, 2000)))
    triggers = _series(rng.integers(-30, days, 150))
    period = Period("2020-01-01", str(np.datetime64("2020-01-01") + days - 1))
    window = Window.after(days=30, slack=3)
    setup, _ = build_setup(responses, triggers, window=window, period=period)
    null = make_null("poisson", {})
    assert null.exact_cost(setup, STATISTICS["matches"]) < 2e9
    pmf = null.exact_distribution(setup, STATISTICS["matches"]).dense(0, setup.n)
    draws = null.sample(setup, 4000, np.random.default_rng(3))
    values = np.arange(setup.n + 1)
    mean = float(values @ pmf)
    sd = float(np.sqrt(((values - mean) ** 2) @ pmf))
    assert abs(draws.mean() - mean) < 4 * sd / np.sqrt(len(draws))
    for k in np.quantile(draws, [0.1, 0.5, 0.9]).astype(int):
        tail = pmf[k:].sum()
        se = np.sqrt(tail * (1 - tail) / len(draws))
        assert abs((draws >= k).mean() - tail) < 4 * se + 1e-12


def test_auto_picks_exact_at_size_and_cost_grows_with_atoms_not_n_squared():
    rng = np.random.default_rng(1)
    days = 36500
    responses = _series(rng.integers(0, days, 25000))
    triggers = _series(rng.integers(-40, days, 15000))
    period = Period("2020-01-01", str(np.datetime64("2020-01-01") + days - 1))
    setup, _ = build_setup(responses, triggers, window=Window.after(days=30, slack=3),
                           period=period)
    atoms = setup.atoms
    q = make_null("poisson", {}).day_probability(setup)
    assert missed_pmf_cost(atoms.lengths, atoms.first[0], atoms.stop[0], q) < 2e9


def test_longest_window_is_exact_and_small():
    responses = _series(np.arange(0, 2900, 7))
    triggers = _series(np.arange(0, 2900, 13))
    period = Period("2020-01-01", str(np.datetime64("2020-01-01") + 2899))
    window = Window(0, 3_652_058)
    setup, _ = build_setup(responses, triggers, window=window, period=period)
    null = make_null("poisson", {})
    assert null.exact_cost(setup, STATISTICS["matches"]) < 2e9
    pmf = null.exact_distribution(setup, STATISTICS["matches"]).dense(0, setup.n)
    assert pmf.sum() == pytest.approx(1.0)
    assert float(np.arange(setup.n + 1) @ pmf) == pytest.approx(
        null.expected(setup, STATISTICS["matches"]), rel=1e-9)
