"""Exact placement nulls at size: the trimmed tree, the tilted FFT merge, the cost estimate."""

import itertools

import numpy as np
import pytest
from scipy import fft, stats

import alliancestats._convolution as conv
from alliancestats import EventSeries, Period, Window, coincidence_test
from alliancestats._convolution import EXACT_BUDGET, sum_of_units
from alliancestats._setup import build_setup
from alliancestats._tilted import FFT_CONSTANT, tilted_convolve
from alliancestats.nulls import make_null
from alliancestats.statistics import STATISTICS

DAY0 = np.datetime64("2000-01-01")


def _series(days):
    return EventSeries(DAY0 + np.asarray(days).astype("timedelta64[D]"))


def _setup(n, m, T, seed=0):
    rng = np.random.default_rng(seed)
    period = Period(str(DAY0), str(DAY0 + T - 1))
    setup, _ = build_setup(_series(rng.integers(0, T, n)), _series(rng.integers(0, T, m)),
                           window=Window.after(days=30, slack=3), period=period)
    return setup


def _plain_tree(parts):
    """The old method: a balanced tree of direct convolutions, nothing trimmed."""
    parts = [np.asarray(p, float) for p in parts]
    while len(parts) > 1:
        parts = ([np.convolve(parts[i], parts[i + 1]) for i in range(0, len(parts) - 1, 2)]
                 + (parts[-1:] if len(parts) % 2 else []))
    return parts[0]


def _trimmed(x, floor=1e-290):
    kept = np.flatnonzero(x >= floor)
    return x[kept[0]: kept[-1] + 1]


@pytest.fixture
def fft_everywhere(monkeypatch):
    """Every merge of more than a handful of values by the tilted FFT."""
    monkeypatch.setattr(conv, "DIRECT_SHORT", 4)
    monkeypatch.setattr(conv, "DIRECT_PRODUCT", 16)
    monkeypatch.setattr(conv, "MATRIX_WIDTH", 2)


def _relative_error(got, ref, above):
    keep = ref > above
    return float(np.max(np.abs(got[keep] - ref[keep]) / ref[keep]))


def test_fft_error_constant_is_generous():
    """The accepted-entry rule rests on an FFT error below FFT_CONSTANT * eps * log2(N)
    * |a| |b|; measured here on the kinds of arrays the tree merges."""
    rng = np.random.default_rng(0)
    worst = 0.0
    for trial in range(30):
        la, lb = rng.integers(50, 6000, 2)
        a = [rng.random(la), np.exp(-0.5 * ((np.arange(la) - la / 2) / (la / 10)) ** 2),
             rng.random(la) ** 8][trial % 3]
        b = [rng.random(lb), np.exp(-np.arange(lb) / 50.0), rng.random(lb)][trial % 3]
        size = fft.next_fast_len(la + lb - 1, real=True)
        got = fft.irfft(fft.rfft(a, size) * fft.rfft(b, size), size)[: la + lb - 1]
        scale = np.finfo(float).eps * np.log2(size) * np.linalg.norm(a) * np.linalg.norm(b)
        worst = max(worst, np.max(np.abs(got - np.convolve(a, b))) / scale)
    assert worst < FFT_CONSTANT / 3


@pytest.mark.parametrize("kind", ["bernoulli", "counts", "holes", "bimodal"])
def test_tilted_convolve_keeps_relative_precision(kind):
    rng = np.random.default_rng(1)

    def part(n):
        if kind == "bernoulli":
            units = [[1 - q, q] for q in rng.random(n)]
        elif kind == "counts":
            units = [np.bincount(rng.poisson(rng.uniform(1, 8), 60)) / 60 for _ in range(n)]
        elif kind == "holes":   # scores 0 or 3 only: every other entry is an exact zero
            units = [[1 - q, 0, 0, q] for q in rng.random(n)]
        else:
            units = [[0.5, 0, 0, 0, 0, 0, 0, 0, 0.5]] * 3 + [[1 - q, q] for q in rng.random(n)]
        return _trimmed(_plain_tree([_trimmed(np.asarray(u, float)) for u in units]))

    a, b = part(1500), part(1700)
    ref = np.convolve(a, b)
    got = tilted_convolve(a, b)
    assert _relative_error(got, ref, 1e-270) < 1e-10
    assert np.max(got[ref == 0], initial=0) < 1e-280   # the reference underflowed there
    assert np.max(ref[got == 0], initial=0) < 1e-280    # only entries below the floor dropped


def test_small_sums_match_scipy_and_brute_force(fft_everywhere):
    rng = np.random.default_rng(2)
    p = rng.random(200)
    pmf, offset = sum_of_units([(np.array([1 - q, q]), 0) for q in p], [1] * len(p))
    ref = stats.poisson_binom.pmf(np.arange(201), p)
    dense = np.zeros(201)
    dense[offset: offset + len(pmf)] = pmf
    assert np.max(np.abs(dense - ref)) < 1e-10
    assert _relative_error(dense, ref, 1e-250) < 1e-9
    # brute force: units of three values, some repeated, every combination enumerated
    units = [(np.array([0.2, 0.5, 0.3]), 1), (np.array([0.6, 0.0, 0.4]), 0),
             (np.array([0.1, 0.9]), 2)]
    copies = [2, 3, 1]
    pmf, offset = sum_of_units(units, copies)
    expanded = [u for u, k in zip(units, copies) for _ in range(k)]
    brute = {}
    for combo in itertools.product(*(range(len(u[0])) for u in expanded)):
        value = sum(u[1] + j for u, j in zip(expanded, combo))
        brute[value] = brute.get(value, 0.0) + np.prod([u[0][j] for u, j in zip(expanded, combo)])
    for value, prob in brute.items():
        got = pmf[value - offset] if 0 <= value - offset < len(pmf) else 0.0
        assert got == pytest.approx(prob, rel=1e-10, abs=1e-300)


def test_far_tail_against_the_old_direct_tree(monkeypatch):
    """2,000 units of 16 values, every merge past 10,000 products by the tilted FFT:
    every probability down to 1e-200 agrees with the untrimmed direct tree to 1e-9."""
    monkeypatch.setattr(conv, "DIRECT_PRODUCT", 10_000)
    rng = np.random.default_rng(3)
    units = [np.bincount(rng.poisson(rng.uniform(2, 6), 40), minlength=16)[:16] / 40
             for _ in range(2000)]
    units = [u / u.sum() for u in units]
    ref = _plain_tree(units)
    pmf, offset = sum_of_units([(u, 0) for u in units], [1] * len(units))
    dense = np.zeros(len(ref))
    dense[offset: offset + len(pmf)] = pmf
    assert _relative_error(dense, ref, 1e-200) < 1e-9
    upper_ref = np.cumsum(ref[::-1])[::-1]
    upper = np.cumsum(dense[::-1])[::-1]
    far = np.flatnonzero(upper_ref > 1e-200)[-1]      # a tail probability near 1e-200
    assert upper_ref[far] < 1e-190
    assert upper[far] == pytest.approx(upper_ref[far], rel=1e-9)


@pytest.mark.parametrize("null,options", [("stratified", {}), ("jitter", {"days": 40})])
def test_stratified_and_jitter_k_are_poisson_binomial(null, options):
    setup = _setup(300, 60, 2000, seed=4)
    model = make_null(null, dict(options))
    dist = model.exact_distribution(setup, STATISTICS["matches"])
    units = model.units(setup)
    covered = np.concatenate([[0], np.cumsum(setup.mask)])
    p = (covered[units.high + 1] - covered[units.low]) / units.width
    ref = stats.poisson_binom.pmf(np.arange(setup.n + 1), p)
    assert np.max(np.abs(dist.dense(0, setup.n) - ref)) < 1e-10


def test_exact_matches_monte_carlo_at_size():
    """jitter, pairs, n = 4,000 over 20 years: exact (wide merges by FFT) against
    Monte Carlo on the same null, within 4 standard errors."""
    rng = np.random.default_rng(5)
    T = 7300
    period = Period(str(DAY0), str(DAY0 + T - 1))
    responses = _series(rng.integers(0, T, 4000))
    triggers = _series(rng.integers(0, T, 1500))
    kw = dict(window=Window.after(days=30), period=period, null="jitter", days=60,
              statistic="pairs", alternative="two-sided")
    exact = coincidence_test(responses, triggers, method="exact", **kw)
    mc = coincidence_test(responses, triggers, method="monte-carlo", n_resamples=4000, rng=6, **kw)
    se = np.sqrt(exact.pvalue * (1 - exact.pvalue) / 4000)
    assert abs(mc.pvalue - exact.pvalue) < 4 * se + 1 / 4000


def test_auto_picks_exact_for_k_at_n_100000():
    setup = _setup(100_000, 5000, 36_500, seed=7)
    for null, options in (("stratified", {}), ("jitter", {"days": 68}),
                          ("episode-jitter", {"days": 68, "gap": 0})):
        model = make_null(null, dict(options))
        assert model.exact_cost(setup, STATISTICS["matches"]) < EXACT_BUDGET


@pytest.mark.parametrize("statistic", ["matches", "pairs"])
def test_circular_fft_equals_direct_sum(monkeypatch, statistic):
    import alliancestats.nulls.circular as circular

    setup = _setup(3000, 800, 4000, seed=8)
    model = make_null("circular", {})
    calls = []
    irfft = np.fft.irfft
    monkeypatch.setattr(np.fft, "irfft", lambda *a, **k: calls.append(1) or irfft(*a, **k))
    monkeypatch.setattr(circular, "DIRECT_LIMIT", 0.0)        # FFT
    by_fft = model.shift_values(setup, STATISTICS[statistic])
    assert calls                                              # the FFT path ran
    monkeypatch.setattr(circular, "DIRECT_LIMIT", float("inf"))  # direct
    direct = model.shift_values(setup, STATISTICS[statistic])
    assert np.array_equal(by_fft, direct) and by_fft.dtype == direct.dtype
    assert direct.max() > direct.min()


def test_unit_grouping_equals_a_dictionary_of_sorted_members():
    from alliancestats.nulls._placement import UnitPlacementNull, Units

    class Given(UnitPlacementNull):
        def __init__(self, units):
            self.given = units

        def units(self, setup):
            return self.given

    rng = np.random.default_rng(9)
    for _ in range(100):
        n_units = int(rng.integers(1, 30))
        sizes = rng.integers(1, 4, n_units)
        unit = np.repeat(np.arange(n_units), sizes)
        rng.shuffle(unit)
        units = Units(low=rng.integers(0, 3, n_units), high=rng.integers(3, 5, n_units),
                      unit=unit, rel=rng.integers(0, 3, len(unit)))
        members = {}
        for u, r in zip(unit.tolist(), units.rel.tolist()):
            members.setdefault(u, []).append(r)
        expected = {}
        for u, (low, high) in enumerate(zip(units.low.tolist(), units.high.tolist())):
            key = (low, high, tuple(sorted(members[u])))
            expected[key] = expected.get(key, 0) + 1
        distinct, counts = Given(units)._make_groups(None)
        got = {}
        for u, (low, high) in enumerate(zip(distinct.low.tolist(), distinct.high.tolist())):
            key = (low, high, tuple(distinct.rel[distinct.unit == u].tolist()))
            assert key not in got
            got[key] = int(counts[u])
        assert got == expected
