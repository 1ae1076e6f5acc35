"""Exact convolutions of pmfs on a lattice (every value a multiple of some g > 1, as
when same-day bursts are counted with their size): merged on the lattice, directly
and by tilted FFT, each against a plain reference, brute force and Monte Carlo."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_placement_exact import _plain_tree, _trimmed  # the untrimmed direct reference

import alliancestats._convolution as conv
from alliancestats import EventSeries, Period, Window, _tilted, coincidence_test
from alliancestats._convolution import sum_of_units
from alliancestats._tilted import common_stride, spread, tilted_convolve_many

DAY0 = np.datetime64("2000-01-01")


def _on_lattice(pmf, g):
    out = np.zeros((len(pmf) - 1) * g + 1)
    out[::g] = pmf
    return out


def _assert_close(got, ref, rel=1e-10):
    """Same support; every entry above 1e-270 within ``rel``; below it, absolute
    error below 1e-280 (the floor's allowance)."""
    assert len(got) == len(ref)
    keep = ref > 1e-270
    assert np.max(np.abs(got[keep] - ref[keep]) / ref[keep]) < rel
    assert np.max(np.abs(got[~keep] - ref[~keep]), initial=0) < 1e-280


def test_common_stride_and_spread():
    rng = np.random.default_rng(0)
    for g, h in ((1, 1), (2, 2), (2, 4), (3, 6), (2, 3), (5, 5)):
        a = _on_lattice(rng.random(int(rng.integers(2, 9))) + 0.1, g)
        b = _on_lattice(rng.random(int(rng.integers(2, 9))) + 0.1, h)
        assert common_stride(a, b) == np.gcd(g, h)
        assert common_stride(b, a) == np.gcd(g, h)
        stride = common_stride(a, b)
        assert np.array_equal(spread(a[::stride], stride), a)
    one = np.array([1.0])
    assert common_stride(one, one) == 1 and common_stride(one, _on_lattice(one + [0, 1], 3)) == 3
    # a zero at index 1 but not a lattice: stride 1
    assert common_stride(np.array([0.5, 0.0, 0.2, 0.3]), np.array([0.4, 0.0, 0.6])) == 1


def _strided_part(rng, n, g):
    """A sum of ``n`` units of scores 0 .. 3g in steps of g, trimmed (wide, on the
    lattice of multiples of g, deep tails)."""
    units = [_on_lattice(u / u.sum(), g) for u in rng.random((n, 4)) ** 2 + 0.01]
    return _trimmed(_plain_tree(units))


def test_strided_pairs_are_walked_on_their_lattice_not_convolved_whole(monkeypatch):
    """Pairs on the lattices of 2 and 3 (and one on 2 with one on 4): every entry
    above 1e-270 within 1e-10 of the direct convolution, the off-lattice zeros exact;
    and the walk of tilts ran on the lattice (no whole direct convolution, which is
    what it fell back to when the zeros between lattice points stopped it)."""
    rng = np.random.default_rng(1)
    pairs = [(_strided_part(rng, 700, 2), _strided_part(rng, 800, 2)),
             (_strided_part(rng, 600, 3), _strided_part(rng, 500, 3)),
             (_strided_part(rng, 700, 2), _strided_part(rng, 400, 4))]
    calls = []
    convolve = np.convolve
    monkeypatch.setattr(_tilted.np, "convolve", lambda a, b: calls.append(len(a) * len(b))
                        or convolve(a, b))
    merged = tilted_convolve_many(pairs)
    monkeypatch.undo()
    for (a, b), got in zip(pairs, merged):
        _assert_close(got, np.convolve(a, b))
        off = np.arange(len(got)) % common_stride(a, b) != 0
        assert off.any() and np.all(got[off] == 0)          # off the lattice: exact zeros
    whole = [len(a[::common_stride(a, b)]) * len(b[::common_stride(a, b)]) for a, b in pairs]
    assert not set(calls) & set(whole)                    # never the whole pair directly
    assert sum(calls) < 0.05 * sum(whole)                  # the ends finished directly: small


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), stride=st.sampled_from([1, 2, 3]),
       mixed=st.booleans(), wide=st.booleans())
def test_sums_of_units_on_lattices_equal_the_plain_tree(seed, stride, mixed, wide):
    """Units of a few values on the lattice of ``stride`` (some of them, if ``mixed``,
    on the lattice of 1 or of twice the stride), repeated so that some are powered:
    the exact sum equals the untrimmed direct tree in every entry above 1e-270, with
    the narrow merges off and every merge past a few products by tilted FFT (``wide``)
    or every merge direct."""
    rng = np.random.default_rng(seed)
    n_kinds = int(rng.integers(1, 6))
    units, copies = [], []
    for k in range(n_kinds):
        g = stride * (int(rng.choice([1, 2])) if mixed and k % 2 else 1)
        if mixed and k == 0:
            g = 1
        values = int(rng.integers(2, 6))
        pmf = rng.random(values) ** 3 + 1e-3
        units.append((_on_lattice(pmf / pmf.sum(), g), int(rng.integers(0, 4))))
        copies.append(int(rng.integers(1, 40)))
    ref = _trimmed(_plain_tree([u for (u, _), k in zip(units, copies) for _ in range(k)]))
    ref_offset = sum(o * k for (_, o), k in zip(units, copies))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(conv, "MATRIX_WIDTH", 1)
        if wide:
            patch.setattr(conv, "DIRECT_SHORT", 4)
            patch.setattr(conv, "DIRECT_PRODUCT", 64)
        else:
            patch.setattr(conv, "DIRECT_PRODUCT", 10**12)
        pmf, offset = sum_of_units(units, copies)
    first = np.flatnonzero(_plain_tree([u for (u, _), k in zip(units, copies)
                                        for _ in range(k)]) >= 1e-290)[0]
    assert offset == ref_offset + first
    _assert_close(pmf, ref, rel=1e-10)


def test_brute_force_on_a_lattice():
    """Units on the lattices of 2 and 4, all merges by tilted FFT past 4 products:
    every total's probability against enumeration of every combination."""
    units = [(np.array([0.2, 0, 0.5, 0, 0.3]), 1), (np.array([0.6, 0, 0, 0, 0.4]), 0),
             (np.array([0.1, 0, 0.9]), 2)]
    copies = [3, 2, 2]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(conv, "MATRIX_WIDTH", 1)
        patch.setattr(conv, "DIRECT_SHORT", 1)
        patch.setattr(conv, "DIRECT_PRODUCT", 4)
        pmf, offset = sum_of_units(units, copies)
    expanded = [u for u, k in zip(units, copies) for _ in range(k)]
    brute: dict[int, float] = {}
    for combo in itertools.product(*(np.flatnonzero(u[0]) for u in expanded)):
        value = sum(u[1] + int(j) for u, j in zip(expanded, combo))
        brute[value] = brute.get(value, 0.0) + float(np.prod([u[0][j] for u, j in
                                                               zip(expanded, combo)]))
    got = {offset + j: p for j, p in enumerate(pmf) if p > 0}
    assert got.keys() == brute.keys()
    assert all(got[v] == pytest.approx(brute[v], rel=1e-10) for v in brute)


def test_episode_jitter_with_bursts_matches_monte_carlo():
    """episode-jitter with same-day bursts (episodes counted with their size: unit
    pmfs on lattices), the pairs statistic, n = 3,000 over 20 years: exact (wide
    merges by FFT on the lattice) against Monte Carlo on the same null within 4
    standard errors."""
    rng = np.random.default_rng(7)
    T = 7300
    days = rng.integers(0, T, 1500)
    days = np.concatenate([days, days[:900], days[:300]])        # bursts of 2 and 3
    period = Period(str(DAY0), str(DAY0 + T - 1))
    responses = EventSeries(DAY0 + days.astype("timedelta64[D]"))
    triggers = EventSeries(DAY0 + rng.integers(0, T, 1200).astype("timedelta64[D]"))
    kw = {"window": Window.after(days=30), "period": period, "null": "episode-jitter",
          "days": 60, "gap": 0, "statistic": "pairs", "alternative": "two-sided"}
    exact = coincidence_test(responses, triggers, method="exact", **kw)
    mc = coincidence_test(responses, triggers, method="monte-carlo", n_resamples=3000, rng=8,
                          **kw)
    se = np.sqrt(exact.pvalue * (1 - exact.pvalue) / 3000)
    assert abs(mc.pvalue - exact.pvalue) < 4 * se + 1 / 3000
