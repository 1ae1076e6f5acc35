"""Exact placement nulls made faster: units grouped by pmf, unit pmfs of same-day
units from cumulative counts, the direct/FFT choice; each against a plain reference."""

import numpy as np
import pytest

import alliancestats._convolution as conv
from alliancestats._convolution import distinct_rows, sum_of_unit_rows
import alliancestats.nulls._placement as placement
from alliancestats.nulls._placement import Units, unit_pmfs


def test_distinct_rows_agrees_with_numpy_unique():
    rng = np.random.default_rng(0)
    table = rng.integers(0, 3, (500, 4))
    first, which = distinct_rows(table)
    rows, inverse = np.unique(table, axis=0, return_inverse=True)
    assert len(first) == len(rows)
    assert np.array_equal(table[first][which], table)           # every row in its group
    assert len(set(map(tuple, table[first].tolist()))) == len(first)
    for g, i in enumerate(first.tolist()):                      # first occurrence of each
        assert i == int(np.flatnonzero(which == g)[0])
    assert np.array_equal(np.unique(inverse.ravel()).size, len(first))


@pytest.mark.parametrize("seed", range(3))
def test_grouping_units_by_pmf_equals_not_grouping(seed, monkeypatch):
    """Rows repeated (pmfs drawn from a few) and given as separate units: grouped
    (identical pmfs powered) and ungrouped sums carry the same support and agree in
    every entry above 1e-270: to 1e-12 with direct merges only (sums of non-negative
    terms, so only rounding differs), and within the documented tolerance (depth x
    1e-11 each) with the wide merges by tilted FFT."""
    rng = np.random.default_rng(seed)
    few = rng.random((6, 9)) ** 3
    few /= few.sum(axis=1, keepdims=True)
    pick = rng.integers(0, 6, 700)
    rows, offsets = few[pick], rng.integers(0, 2, 6)[pick]
    copies = rng.integers(1, 4, 700)
    for direct, tolerance in ((True, 1e-12), (False, 2 * 12 * 1e-11)):
        if direct:
            monkeypatch.setattr(conv, "DIRECT_PRODUCT", 10**12)
        else:
            monkeypatch.undo()
        grouped, g0 = sum_of_unit_rows(rows, offsets, copies)
        plain, p0 = sum_of_unit_rows(rows, offsets, copies, group=False)
        assert g0 == p0 and len(grouped) == len(plain)
        keep = plain > 1e-270
        assert np.max(np.abs(grouped[keep] - plain[keep]) / plain[keep]) < tolerance
        assert np.max(np.abs(grouped[~keep] - plain[~keep]), initial=0) < 1e-280


def _brute_unit_pmfs(table, units, row):
    out = []
    for u in range(len(units.low)):
        members = units.rel[units.unit == u]
        totals = [int(sum(table[row[u], x + r] for r in members))
                  for x in range(units.low[u], units.high[u] + 1)]
        values, counts = np.unique(totals, return_counts=True)
        out.append({int(v): c / len(totals) for v, c in zip(values, counts)})
    return out


@pytest.mark.parametrize("same_day", [True, False])
def test_unit_pmfs_against_brute_force(same_day, monkeypatch):
    """Units of one day (responses, same-day bursts counted with their size: the
    cumulative-count path) and units of several days (the gathering path), integer
    scores that may be negative, one or several score rows."""
    rng = np.random.default_rng(1 + same_day)
    calls = []
    one_member = placement._one_member_pmfs
    monkeypatch.setattr(placement, "_one_member_pmfs",
                        lambda *a: calls.append(a[4]) or one_member(*a))
    for trial in range(120):
        T, G = int(rng.integers(8, 60)), int(rng.integers(1, 3))
        table = rng.integers(-2 if trial % 3 == 0 else 0, int(rng.integers(2, 6)), (G, T))
        n_units = int(rng.integers(1, 12))
        unit = np.repeat(np.arange(n_units), rng.integers(1, 4, n_units))
        rng.shuffle(unit)
        rel = np.zeros(len(unit), np.int64) if same_day else rng.integers(0, 3, len(unit))
        span = np.zeros(n_units, np.int64)
        np.maximum.at(span, unit, rel)
        low = rng.integers(0, T // 2, n_units)
        high = np.maximum(np.minimum(low + rng.integers(0, T // 2, n_units), T - 1 - span), low)
        row = rng.integers(0, G, n_units)
        units = Units(low=low, high=high, unit=unit, rel=rel)
        pmf, offset = unit_pmfs(table if G > 1 else table[0], units,
                                row=row if G > 1 else None)
        for u, ref in enumerate(_brute_unit_pmfs(table, units, row)):
            got = {int(offset[u] + j): p for j, p in enumerate(pmf[u]) if p > 0}
            assert got.keys() == ref.keys()
            assert all(got[v] == pytest.approx(ref[v], rel=1e-14) for v in ref)
    if same_day:       # the cumulative-count path ran, bursts (weight > 1) included
        assert calls and max(int(w.max()) for w in calls) > 1


def test_batched_tilted_merges_keep_relative_precision():
    """Pairs of different lengths and shapes (one with zeros inside, one heavy-tailed)
    convolved together, in batches small enough to split them: every entry above
    1e-270 within 1e-10 of the direct convolution, exact zeros kept, and each result
    as precise as the pair convolved alone."""
    from alliancestats import _tilted

    rng = np.random.default_rng(4)
    pairs = []
    for length in (300, 900, 1700, 2600):
        x = np.arange(length) - length / 2
        a = np.exp(-x ** 2 / (2 * (length / 14) ** 2) + rng.normal(0, 0.3, length))
        b = np.exp(-np.abs(x) / (length / 30))
        pairs.append((a / a.sum(), b / b.sum()))
    spread = np.zeros(801)
    spread[::2] = np.exp(-((np.arange(401) - 200) / 25.0) ** 2)
    pairs.append((spread / spread.sum(), pairs[1][0]))
    for batch in (1 << 18, 4000):
        original = _tilted.BATCH_ELEMENTS
        _tilted.BATCH_ELEMENTS = batch
        try:
            merged = _tilted.tilted_convolve_many(pairs)
        finally:
            _tilted.BATCH_ELEMENTS = original
        for (a, b), got in zip(pairs, merged):
            ref = np.convolve(a, b)
            alone = _tilted.tilted_convolve(a, b)
            for result in (got, alone):
                keep = ref > 1e-270
                assert len(result) == len(ref)
                assert np.max(np.abs(result[keep] - ref[keep]) / ref[keep]) < 1e-10
                assert np.max(result[ref == 0], initial=0) == 0
                assert np.max(np.abs(result[~keep] - ref[~keep]), initial=0) < 1e-280


def test_power_many_equals_power_one_at_a_time():
    rng = np.random.default_rng(5)
    pmfs = [(p / p.sum(), int(o)) for p, o in
            zip(rng.random((4, 7)) ** 2, rng.integers(0, 3, 4))]
    times = [1, 5, 300, 1000]
    for (pmf, first), (one, one_first), t in zip(conv.power_many(pmfs, times),
                                                 [conv.power(p, t) for p, t in zip(pmfs, times)],
                                                 times):
        assert first == one_first and len(pmf) == len(one)
        keep = one > 1e-270
        assert np.max(np.abs(pmf[keep] - one[keep]) / one[keep]) < 1e-10


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_unit_groups_put_units_together_exactly_when_they_are_equal(seed):
    """Same anchors and the same member offsets (in any order): same group; the
    grouped units are those units, and the counts are the group sizes."""
    rng = np.random.default_rng(seed)
    n_units = 300
    low = rng.integers(0, 4, n_units)
    high = low + rng.integers(0, 3, n_units)
    sizes = rng.integers(1, 4, n_units)
    unit = np.repeat(np.arange(n_units), sizes)
    rel = rng.integers(0, 3, len(unit))
    shuffle = rng.permutation(len(unit))              # members listed in any order
    units = Units(low=low, high=high, unit=unit[shuffle], rel=rel[shuffle])
    grouped, which = placement.unit_groups(units)
    key = [(int(low[u]), int(high[u]), tuple(sorted(rel[unit == u].tolist())))
           for u in range(n_units)]
    grouped_key = [(int(grouped.low[g]), int(grouped.high[g]),
                    tuple(sorted(grouped.rel[grouped.unit == g].tolist())))
                   for g in range(len(grouped.low))]
    assert len(set(grouped_key)) == len(grouped_key) == len(set(key))
    assert [grouped_key[which[u]] for u in range(n_units)] == key
    _, counts = placement.distinct_units(units)
    assert np.array_equal(counts, np.bincount(which, minlength=len(grouped.low)))
    assert counts.sum() == n_units
