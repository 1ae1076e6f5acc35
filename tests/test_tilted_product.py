"""One tilted FFT product of several parts: its error constant, its precision against
direct convolution (brute force on tiny parts), its refusal to guess, and the tree
that uses it."""

import itertools

import numpy as np
import pytest

import alliancestats._convolution as conv
from alliancestats import _tilted_product
from alliancestats._convolution import sum_of_units
from alliancestats._tilted import tilted_convolve
from alliancestats._tilted_product import (error_bound, fft_product, fft_rounding, reachable,
                                            tilted_product)


def _direct(parts):
    out = np.array([1.0])
    for p in parts:
        out = np.convolve(out, p)
    return out


def _trimmed(x, floor=1e-300):
    kept = np.flatnonzero(x >= floor)
    return x[kept[0]: kept[-1] + 1]


def _part(rng, kind, units):
    """A sum of ``units`` small independent scores, as the tree's parts are."""
    out = np.array([1.0])
    for _ in range(units):
        if kind == "counts":
            u = np.bincount(rng.poisson(rng.uniform(1, 6), 40), minlength=12)[:12] / 40.0
        elif kind == "bernoulli":
            q = rng.random()
            u = np.array([1 - q, q])
        elif kind in ("lattice", "holes"):  # scores 0 or 3 (and for holes a rare 0 or 1:
            q = rng.uniform(0.2, 0.8)       # all values, but zeros near the ends)
            u = (np.array([0.5, 0.5]) if kind == "holes" and rng.random() < 0.05
                 else np.array([1 - q, 0.0, 0.0, q]))
        else:                           # skewed: long right tail
            u = np.exp(-np.arange(rng.integers(5, 30)) / rng.uniform(0.5, 4))
        out = _trimmed(np.convolve(out, _trimmed(u / u.sum())))
    return out


def _relative_error(got, ref, above=1e-270):
    keep = ref > above
    return float(np.max(np.abs(got[keep] - ref[keep]) / ref[keep]))


def test_product_error_constant_is_generous():
    """The accepted-entry rule rests on the product's FFT error staying below the
    bound of the module notes (crop term aside); measured on 2 to 16 parts of the
    kinds the tree merges, the worst error is under a third of it."""
    rng = np.random.default_rng(0)
    worst = 0.0
    for trial in range(40):
        k = int(rng.integers(2, 17))
        width = int(rng.integers(20, 600))
        kinds = [rng.random(width), np.exp(-0.5 * ((np.arange(width) - width / 2) / (width / 8)) ** 2),
                 rng.random(width) ** 8, np.exp(-np.arange(width) / 40.0)]
        windows = np.array([kinds[(trial + j) % 4] / kinds[(trial + j) % 4].max() for j in range(k)])
        got, size, _, _ = fft_product(windows, whole=True)
        exact = _direct(list(windows))
        assert size >= len(exact) == len(got)
        bound, _ = fft_rounding(windows, size)             # nothing cropped here
        worst = max(worst, float(np.max(np.abs(got - exact))) / bound)
    assert 0 < worst < 1 / 3
    # the crop term: each part's length times e**-CROP times the other masses but s(i)'s
    windows = np.ones((3, 4)) / 1.0
    total = error_bound(windows, np.array([2.0, 3.0, 5.0]), np.array([10.0, 20.0, 30.0]), 8)
    rounding, other = fft_rounding(windows, 8)
    assert other.tolist() == [1, 0, 0]                 # equal ratios: the first other part
    assert total - rounding == pytest.approx(np.exp(-45.0) * (10 * 5 + 20 * 5 + 30 * 3))


@pytest.mark.parametrize("kind", ["counts", "bernoulli", "lattice", "holes", "skewed"])
@pytest.mark.parametrize("k", [3, 5, 8])
def test_product_keeps_relative_precision(kind, k):
    rng = np.random.default_rng(k)
    parts = [_part(rng, kind, int(rng.integers(150, 400))) for _ in range(k)]
    got = tilted_product(parts)
    assert got is not None                        # these walks finish
    ref = _direct(parts)
    assert len(got) == len(ref)
    assert _relative_error(got, ref) < 1e-10
    assert np.max(got[ref == 0], initial=0) < 1e-280      # the reference underflowed there
    assert np.max(ref[got == 0], initial=0) < 1e-280      # only entries below the floor dropped
    assert np.all(got[~reachable(parts)] == 0.0)          # exact zeros stay exact


def test_product_equals_brute_force_on_tiny_parts():
    rng = np.random.default_rng(1)
    parts = [rng.random(int(rng.integers(2, 5))) + 0.05 for _ in range(4)]
    parts[1][1] = 0.0                                       # a hole inside one part
    got = tilted_product(parts)
    brute = np.zeros(sum(len(p) for p in parts) - 3)
    for combo in itertools.product(*(range(len(p)) for p in parts)):
        brute[sum(combo)] += np.prod([p[j] for p, j in zip(parts, combo)])
    assert got is not None
    np.testing.assert_allclose(got, brute, rtol=1e-12, atol=0)


def test_reachable_is_the_sumset_of_the_supports():
    rng = np.random.default_rng(2)
    for _ in range(20):
        parts = [(rng.random(int(rng.integers(1, 12))) < 0.5).astype(float) for _ in range(3)]
        for p in parts:
            p[0] = p[-1] = 1.0
        sums = {sum(c) for c in itertools.product(*(np.flatnonzero(p).tolist() for p in parts))}
        expected = np.zeros(sum(len(p) for p in parts) - 2, dtype=bool)
        expected[list(sums)] = True
        assert np.array_equal(reachable(parts), expected)


def test_a_walk_that_cannot_finish_returns_none(monkeypatch):
    """Nothing is guessed: where the walk stalls (here: allowed one tilt only) the
    product is None, and the tree then merges pairwise to the same result."""
    rng = np.random.default_rng(3)
    parts = [_part(rng, "counts", 300) for _ in range(4)]
    monkeypatch.setattr(_tilted_product, "MAX_TILTS", 1)
    assert tilted_product(parts) is None
    monkeypatch.setattr(conv, "DIRECT_PRODUCT", 10_000)
    calls = []
    product = conv.tilted_product
    monkeypatch.setattr(conv, "tilted_product",
                        lambda parts, **kw: calls.append(1) or product(parts, **kw))
    pmf, offset = sum_of_units([(p, 0) for p in parts], [1] * 4)
    assert calls                                            # tried, refused, then pairwise
    ref = _direct(parts)
    dense = np.zeros(len(ref))
    dense[offset: offset + len(pmf)] = pmf
    assert _relative_error(dense, ref) < 1e-10


def test_tree_uses_the_product_and_agrees_with_pairwise(monkeypatch):
    """The tree's last levels by one product, against the same tree merged pairwise
    and against direct convolution."""
    rng = np.random.default_rng(4)
    units = [(_part(rng, "counts", 1), 0) for _ in range(600)]
    monkeypatch.setattr(conv, "DIRECT_PRODUCT", 20_000)
    calls = []
    product = conv.tilted_product
    monkeypatch.setattr(conv, "tilted_product",
                        lambda parts, **kw: calls.append(len(parts)) or product(parts, **kw))
    with_product = sum_of_units(units, [1] * len(units))
    assert calls and all(2 < c <= _tilted_product.MOST_PARTS for c in calls)
    assert (_tilted_product.MOST_PARTS, _tilted_product.SPREAD, conv.FEW_ZEROS) == (
        16, 14.0, 1 / 64)                                                   # the methods page
    monkeypatch.setattr(conv, "_all_wide", lambda parts: False)
    pairwise = sum_of_units(units, [1] * len(units))
    ref = _direct([u for u, _ in units])
    for pmf, offset in (with_product, pairwise):
        dense = np.zeros(len(ref))
        dense[offset: offset + len(pmf)] = pmf
        assert _relative_error(dense, ref, 1e-250) < 1e-9


def test_stretch_fft_error_within_its_bound():
    """Tilted products of many parts are computed on a stretch around their mean: the
    FFT is shorter than the product, and the entries folded in from beyond stay
    within the Chernoff bound added to the error bound."""
    rng = np.random.default_rng(5)
    used = 0
    for trial in range(12):
        k, width = int(rng.integers(8, 17)), int(rng.integers(100, 800))
        centre = rng.uniform(0.3, 0.7) * width
        x = np.arange(width)
        windows = np.array([np.exp(-0.5 * ((x - centre - rng.normal(0, 5)) / (width / 19)) ** 2
                                   + rng.normal(0, 0.3, width)) for _ in range(k)])
        windows /= windows.max(axis=1, keepdims=True)
        got, size, c0, alias = fft_product(windows)
        exact = _direct(list(windows))
        if size < len(exact):
            used += 1
            assert alias > 0
        stretch = exact[c0: c0 + len(got)]
        bound, _ = fft_rounding(windows, size)
        assert np.max(np.abs(got - stretch)) <= bound / 3 + alias
        assert stretch.argmax() + c0 == exact.argmax()        # the stretch holds the peak
    assert used >= 10


def test_stretch_falls_back_to_the_whole_product_without_a_useful_bound():
    """Two far-apart bumps per part: the Chernoff bound on the mass beyond a stretch
    is useless, so the FFT covers the whole product."""
    x = np.arange(400)
    bumps = np.exp(-0.5 * ((x - 20) / 4.0) ** 2) + np.exp(-0.5 * ((x - 380) / 4.0) ** 2)
    windows = np.tile(bumps / bumps.max(), (12, 1))
    got, size, c0, alias = fft_product(windows)
    assert (c0, alias) == (0, 0.0) and len(got) == 12 * 399 + 1 and size >= len(got)
    exact = _direct(list(windows))
    assert np.max(np.abs(got - exact)) <= fft_rounding(windows, size)[0]


def test_far_out_tilts_keep_relative_precision():
    """A steep tail far from index 0 (an independent reviewer's case): tilts near 40
    at indices near 2e4. Tilting from index 0 put about eps * theta * index of
    rounding into every log (relative errors near 2e-10 in the last entries); tilted
    from each window's first index, and with the logs' rounding counted, the pair and
    the product keep 1e-11."""
    M, D = 20_000, 1_000
    p = np.concatenate([np.exp(-700 * (1 - np.arange(M) / M)),
                        np.exp(-690 * (np.arange(D) / (D - 1)) ** 100)])
    tail = p[-300:]                   # the last entries of a sum come from the last ones
    product = tilted_product([p] * 4)
    pair = tilted_convolve(p, p)
    for got, k in ((product, 4), (pair, 2)):
        ref = _direct([tail] * k)[-300:]
        keep = ref > 1e-270
        assert got is not None and keep.sum() > 100
        assert np.max(np.abs(got[-300:][keep] - ref[keep]) / ref[keep]) < 1e-11


def test_a_point_mass_does_not_hide_the_lattice():
    """A part of one entry lies on every lattice: the product of it with two parts on
    the lattice of 2 is still merged there (not refused for the zeros between)."""
    rng = np.random.default_rng(6)
    a, b = _part(rng, "lattice", 300), _part(rng, "lattice", 400)
    got = tilted_product([np.array([1.0]), a, b])
    ref = np.convolve(a, b)
    assert got is not None and _relative_error(got, ref) < 1e-10
    assert np.all(got[ref == 0] == 0.0)


@pytest.mark.parametrize("broken", [False, True])
def test_tree_groups_by_zeros_off_the_lattice(monkeypatch, broken):
    """Parts on the lattice of 3 (zeros only between its points) still go to products;
    the same parts each shifted by 0 or 2 (values 0 and 2 mod 3 only: a broken
    lattice, zeros off it) are merged pairwise. Either way the result is the direct
    convolution's."""
    rng = np.random.default_rng(7)
    parts = []
    for _ in range(6):
        units = int(rng.integers(120, 200))
        part = np.array([1.0])
        for q in rng.uniform(0.2, 0.8, units):
            part = _trimmed(np.convolve(part, [1 - q, 0.0, 0.0, q]))
        parts.append(np.convolve(part, [0.5, 0.0, 0.5]) if broken else part)
    products = not broken
    monkeypatch.setattr(conv, "DIRECT_PRODUCT", 5_000)
    calls = []
    product = conv.tilted_product
    monkeypatch.setattr(conv, "tilted_product",
                        lambda parts, **kw: calls.append(len(parts)) or product(parts, **kw))
    pmf, offset = sum_of_units([(p, 0) for p in parts], [1] * len(parts))
    assert (6 in calls) == products      # the first level (later sums fill the lattice)
    ref = _direct(parts)
    dense = np.zeros(len(ref))
    dense[offset: offset + len(pmf)] = pmf
    assert _relative_error(dense, ref) < 1e-10
