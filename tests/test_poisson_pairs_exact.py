"""Exact S (pairs) under ``poisson``: a sum of multiples of binomials (lattices),
paired by consecutive weights and merged directly over their non-zero terms before
the tilted tree (alliancestats._weighted_binomials); against direct convolution of
independently computed binomials, deep tails included, and against Monte Carlo."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import alliancestats._convolution as conv
from alliancestats import EventSeries, Period, Window
from alliancestats._setup import build_setup
from alliancestats._weighted_binomials import (
    _direct,
    lattice_sum,
    weighted_binomials_pmf,
)
from alliancestats.nulls import make_null
from alliancestats.statistics import STATISTICS

PAIRS = STATISTICS["pairs"]
DAY0 = np.datetime64("2020-01-01")


def _setup(n, m, days, window, seed):
    rng = np.random.default_rng(seed)
    period = Period(str(DAY0), str(DAY0 + days - 1))
    series = [EventSeries(DAY0 + rng.integers(lo, days, k).astype("timedelta64[D]"))
              for lo, k in ((0, n), (-window.hi, m))]
    return build_setup(*series, window=window, period=period)[0]


def _lattice(trials, q, stride):
    """``stride * Binomial(trials, q)`` as a dense array from 0 (scipy's pmf)."""
    out = np.zeros(trials * stride + 1)
    out[::stride] = stats.binom.pmf(np.arange(trials + 1), trials, q)
    return out


def _assert_relative(got, ref, reach=None, above=1e-280, rel=1e-10):
    """``got`` equals ``ref`` to ``rel`` wherever ``ref`` is above ``above``, is at most
    tiny elsewhere, and is 0 where no pair of non-zero terms reaches (``reach`` 0)."""
    keep = ref > above
    assert np.all(np.abs(got[keep] - ref[keep]) <= rel * ref[keep])
    assert np.all(got[~keep] <= 1e-270)
    if reach is not None:
        assert np.all(got[reach == 0] == 0)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 40), st.integers(1, 40), st.integers(0, 60), st.integers(0, 60),
       st.integers(-250, 0))
def test_direct_merges_equal_numpy(s1, s2, k1, k2, low):
    """Two lattices (spacings ``s1``, ``s2``, terms spanning 10**low .. 1): the sum of
    multiples (:func:`lattice_sum`) and the direct merge of the spread-out arrays
    (:func:`_direct`, term by term when sparse) equal ``np.convolve``."""
    rng = np.random.default_rng(s1 * 1000 + s2 * 10 + k1)
    pa, pb = 10.0 ** rng.uniform(low, 0, k1 + 1), 10.0 ** rng.uniform(low, 0, k2 + 1)
    a, b = np.zeros(s1 * k1 + 1), np.zeros(s2 * k2 + 1)
    a[::s1], b[::s2] = pa, pb
    ref = np.convolve(a, b)
    summed, first = lattice_sum((pa, 3), s1, (pb, 5), s2)     # counts from 3 and from 5
    merged, zero = _direct((a, 0), (b, 0))
    assert first == 3 * s1 + 5 * s2
    spread = np.zeros(len(ref))
    spread[zero: zero + len(merged)] = merged
    keep = ref > 0
    assert len(summed) == len(ref) and np.array_equal(keep, summed > 0)
    assert np.max(np.abs(summed[keep] - ref[keep]) / ref[keep]) < 1e-13
    _assert_relative(spread, ref, reach=ref, rel=1e-13)    # its ends below 1e-290 trimmed


def _tree_of_lattices(days, weights, q):
    ref = np.array([1.0])
    for n, w in zip(days, weights):
        ref = np.convolve(ref, _lattice(int(n), q, int(w)))
    return ref


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 30), st.integers(0, 40)), min_size=1, max_size=7,
                unique_by=lambda t: t[0]), st.floats(0.01, 0.95))
def test_weighted_binomials_equal_a_direct_tree(terms, q):
    """Any weights (consecutive or not, weight 1 or not) and day counts: every value
    above 1e-280 to 1e-10 relative, exact zeros exact."""
    weights, days = np.array([w for w, _ in terms]), np.array([n for _, n in terms])
    ref = _tree_of_lattices(days, weights, q)
    pmf, offset = weighted_binomials_pmf(days, weights, q)
    got = np.zeros(len(ref))
    got[offset: offset + len(pmf)] = pmf
    _assert_relative(got, ref, reach=_tree_of_lattices(days, weights, 0.5))


@pytest.fixture
def fft_everywhere(monkeypatch):
    """Every merge past a handful of values by the tilted FFT."""
    monkeypatch.setattr(conv, "DIRECT_SHORT", 4)
    monkeypatch.setattr(conv, "DIRECT_PRODUCT", 16)
    monkeypatch.setattr(conv, "MATRIX_WIDTH", 2)


@pytest.mark.parametrize("length", [8, 40, 90])
def test_exact_pairs_equal_a_direct_tree_of_binomials(fft_everywhere, length):
    """S = sum over weights w of w * Binomial(N_w, q): the exact null against a plain
    direct convolution of scipy's binomial pmfs (nothing trimmed)."""
    setup = _setup(150, 60, 700, Window(0, length - 1), seed=length)
    null = make_null("poisson", {})
    q = null.day_probability(setup)
    atoms = setup.atoms
    weight = atoms.weights[0]
    weights = np.unique(weight[weight > 0])
    ref = _tree_of_lattices([atoms.lengths[weight == w].sum() for w in weights], weights, q)
    dist = null.exact_distribution(setup, PAIRS)
    got = dist.dense(0, len(ref) - 1)
    _assert_relative(got, ref)
    assert ref[(ref > 1e-280) & (ref < 1e-200)].size > 0      # deep tails were compared


def test_exact_pairs_agree_with_monte_carlo_on_a_larger_case():
    setup = _setup(2500, 1500, 3000, Window(0, 89), seed=3)
    null = make_null("poisson", {})
    dist = null.exact_distribution(setup, PAIRS)
    draws = null.sample(setup, 4000, np.random.default_rng(8), PAIRS)
    values, pmf = dist.values, dist.pmf
    mean = float(values @ pmf)
    sd = float(np.sqrt(((values - mean) ** 2) @ pmf))
    assert abs(draws.mean() - mean) <= 4 * sd / np.sqrt(len(draws))
    for k in np.quantile(draws, [0.05, 0.25, 0.5, 0.75, 0.95]).astype(int).tolist():
        tail = float(pmf[values >= k].sum())
        assert abs((draws >= k).mean() - tail) <= 4 * np.sqrt(tail * (1 - tail) / len(draws))
