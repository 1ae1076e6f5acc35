"""Exact ``poisson`` K: every path of alliancestats._window_hits against each other and
against the former O(n^2 a) recursion: short chains in dense batches
(alliancestats._short_chains), the pooled recursion with open states grouped, and its
front stack split into block sums (forced here by tiny leaves)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import alliancestats._short_chains as short_chains
import alliancestats._window_hits as window_hits
from alliancestats._reach import atoms_of_intervals
from alliancestats.nulls.poisson import hit_count_pmf
from test_trigger_nulls_exact import reference_hit_count_pmf


def _paths(atoms, q):
    """hit_count_pmf by the dense batch, the pooled recursion, and the pooled one with
    leaves of one item (every front split into block sums)."""
    out = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(short_chains, "MAX_ATOMS", 10**9)
        patch.setattr(short_chains, "MAX_WINDOWS", 10**9)
        patch.setattr(short_chains, "BATCH_CELLS", 64)          # several batches
        out["dense"] = hit_count_pmf(atoms, q)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(short_chains, "MAX_ATOMS", 0)
        out["pooled"] = hit_count_pmf(atoms, q)
        patch.setattr(window_hits, "LEAF_CELLS", 1)
        out["split"] = hit_count_pmf(atoms, q)
    return out


windows_strategy = st.tuples(
    st.lists(st.integers(0, 60), min_size=1, max_size=30),   # window starts (repeats allowed)
    st.integers(1, 40),                                       # length in days
    st.floats(0.005, 0.995))


@settings(max_examples=60, deadline=None)
@given(windows_strategy)
def test_every_path_equals_the_former_recursion(case):
    starts, length, q = case
    starts = np.asarray(starts)
    atoms = atoms_of_intervals(starts, starts + length - 1)
    reference = reference_hit_count_pmf(atoms, q)
    paths = _paths(atoms, q)
    for name, pmf in paths.items():
        np.testing.assert_allclose(pmf, reference, rtol=0, atol=1e-10, err_msg=name)
    np.testing.assert_allclose(paths["split"], paths["pooled"], rtol=1e-12, atol=1e-300)


def _relative_agreement(a, b, rtol, floor=1e-280):
    both = (a > floor) | (b > floor)
    np.testing.assert_allclose(a[both], b[both], rtol=rtol, atol=0)


@pytest.mark.parametrize("q", [0.5, 0.05])
def test_long_missable_windows_keep_tails_near_1e_minus_200(q):
    # 184 windows of 300 days starting every 2 days: one chain in which every atom stays
    # inside an open window; at q = 0.5, missing all of them takes 666 empty days
    starts = np.arange(0, 368, 2)
    atoms = atoms_of_intervals(starts, starts + 299)
    paths = _paths(atoms, q)
    reference = reference_hit_count_pmf(atoms, q)
    if q == 0.5:
        assert paths["pooled"][0] == pytest.approx(0.5 ** 666, rel=1e-10)         # the tail is really that small
    _relative_agreement(paths["split"], paths["pooled"], 1e-12)
    for name, pmf in paths.items():
        _relative_agreement(pmf, reference, 1e-10)


def test_long_window_front_splits_hold_few_polynomials():
    # the open states of one long chain are grouped by windows started: with windows as
    # long as the period, the later states form one group, so the front holds few wide
    # polynomials however many atoms there are
    starts = np.sort(np.random.default_rng(4).integers(0, 400, 120))
    atoms = atoms_of_intervals(starts, starts + 399)
    calls = []
    original = window_hits._descend

    def spy(front, pending, cum, ref):
        result = original(front, pending, cum, ref)
        calls.append(sum(len(item[2]) for item in front if item is not None))
        return result

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(short_chains, "MAX_ATOMS", 0)
        patch.setattr(window_hits, "_descend", spy)
        pmf = hit_count_pmf(atoms, 0.002)
    assert calls and max(calls) <= 3 * len(starts)           # not atoms x windows
    np.testing.assert_allclose(pmf, reference_hit_count_pmf(atoms, 0.002), rtol=0, atol=1e-10)


def test_short_chain_batches_with_repeated_windows():
    # identical windows (one atom, many windows), chains of differing sizes in one call
    starts = np.array([0] * 7 + [100, 101, 103] + list(range(200, 260, 3)))
    atoms = atoms_of_intervals(starts, starts + 9)
    for q in (1e-4, 0.2, 0.9):
        paths = _paths(atoms, q)
        reference = reference_hit_count_pmf(atoms, q)
        for name, pmf in paths.items():
            np.testing.assert_allclose(pmf, reference, rtol=0, atol=1e-10, err_msg=name)


def test_axpy_updates_in_place_and_refuses_a_strided_target():
    y = np.zeros(8)
    window_hits._axpy(np.ones(3), y[2:5], 2.0)
    assert y.tolist() == [0, 0, 2, 2, 2, 0, 0, 0]
    with pytest.raises(RuntimeError, match="contiguous"):
        window_hits._axpy(np.ones(4), y[::2], 1.0)      # daxpy would update a copy
