"""diagnose's placements of distinct days (trigger days): each unit's set is uniform
over the sets of its size, whichever way it is drawn (repeats drawn again, or the
smallest keys when the unit needs more than half its days)."""

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from alliancestats._series_measures import distinct_days


@pytest.mark.parametrize("days, count", [(6, 2), (7, 3), (5, 3), (4, 4)])
def test_every_set_is_equally_likely(days, count):
    b = 30_000
    rows = distinct_days(b, np.array([10]), np.array([days]), np.array([count]),
                         np.random.default_rng(days * 10 + count))
    assert rows.shape == (b, count)
    assert ((rows >= 10) & (rows < 10 + days)).all()
    ordered = np.sort(rows, axis=1)
    assert (np.diff(ordered, axis=1) > 0).all()                 # distinct days
    sets = list(itertools.combinations(range(10, 10 + days), count))
    index = {s: i for i, s in enumerate(sets)}
    observed = np.bincount([index[tuple(r)] for r in ordered.tolist()], minlength=len(sets))
    assert len(sets) == math.comb(days, count)
    if len(sets) > 1:
        assert stats.chisquare(observed).pvalue > 1e-4


def test_units_keep_their_counts_and_days():
    first, days = np.array([0, 50, 60, 100]), np.array([50, 10, 40, 3])
    counts = np.array([7, 0, 25, 2])                            # 25 of 40: the keys
    rng = np.random.default_rng(1)
    rows = distinct_days(500, first, days, counts, rng)
    assert rows.shape == (500, counts.sum())
    unit = np.searchsorted(first, rows, side="right") - 1
    assert (np.sort(unit, axis=1) == np.repeat(np.arange(4), counts)).all()
    assert all(len(set(r)) == len(r) for r in rows.tolist())
    # inclusion probability of each day is count / days (within 4 SE)
    share = np.bincount(rows.ravel(), minlength=103)[:100] / 500
    expected = np.concatenate([np.full(50, 7 / 50), np.zeros(10), np.full(40, 25 / 40)])
    se = np.sqrt(np.maximum(expected * (1 - expected), 1e-12) / 500)
    assert (np.abs(share - expected) <= 4 * se + 1e-12).all()


def test_reproducible_with_a_seed():
    args = (np.array([0]), np.array([20]), np.array([10]))
    a = distinct_days(200, *args, np.random.default_rng(5))
    b = distinct_days(200, *args, np.random.default_rng(5))
    assert (a == b).all() and all(len(set(r)) == 10 for r in a.tolist())


def test_the_joint_sets_of_two_units_are_equally_likely():
    """Repeats drawn again within their unit: every pair of sets (one per unit) equally
    often, and each row lists the first unit's days before the second's."""
    b = 60_000
    first, days, counts = np.array([0, 10]), np.array([6, 7]), np.array([2, 3])
    rows = distinct_days(b, first, days, counts, np.random.default_rng(9))
    assert (rows[:, :2] < 6).all() and (rows[:, 2:] >= 10).all() and (rows[:, 2:] < 17).all()
    assert (np.diff(rows, axis=1)[:, [0, 2, 3]] > 0).all()
    cells = list(itertools.product(itertools.combinations(range(6), 2),
                                   itertools.combinations(range(10, 17), 3)))
    index = {a + c: i for i, (a, c) in enumerate(cells)}
    observed = np.bincount([index[tuple(r)] for r in rows.tolist()], minlength=len(cells))
    assert len(cells) == 15 * 35
    assert stats.chisquare(observed).pvalue > 1e-4
