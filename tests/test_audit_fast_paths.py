"""Faster paths the audit takes at size, each equal to its definition: the circular
null's trigger rate for every shift (FFT per window length), the hypergeometric
pmf, shuffle-triggers' atom counts, the day -> atom table and the Poisson-binomial
tails the effect-size intervals invert."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import alliancestats as als
from alliancestats._setup import build_setup
from alliancestats.nulls import circular as circular_module
from alliancestats.nulls import make_null
from alliancestats.statistics import STATISTICS

DAY0 = np.datetime64("2000-01-01")


def _setup(response_days, trigger_days, window, n_days):
    series = lambda days: als.EventSeries(DAY0 + np.sort(np.asarray(days)).astype("timedelta64[D]"))
    period = als.Period(str(DAY0), str(DAY0 + n_days - 1))
    return build_setup(series(response_days), series(trigger_days), window=window, period=period)[0]


def _by_placing(setup):
    """R for every shift from the shifted placements themselves."""
    null, rate = make_null("circular", {}), STATISTICS["trigger-rate"]
    return rate.from_placements(setup, null.shifted(setup, np.arange(setup.period.n_days)))


@pytest.mark.parametrize("window", [als.Window(0, 30), als.Window(-5, 12), als.Window(3, 3)])
def test_fft_rate_equals_placing_with_dense_triggers(window):
    rng = np.random.default_rng(5)
    n_days = 500
    responses = rng.integers(0, n_days, 60)
    triggers = rng.choice(np.arange(-40, n_days + 40), 420, replace=False)  # some cut by the ends
    setup = _setup(responses, triggers, window, n_days)
    shifts = make_null("circular", {}).shift_values(setup, STATISTICS["trigger-rate"])
    np.testing.assert_array_equal(shifts, _by_placing(setup))


def test_fft_path_is_taken_and_direct_path_agrees(monkeypatch):
    rng = np.random.default_rng(6)
    setup = _setup(rng.integers(0, 600, 80), rng.choice(600, 450, replace=False),
                   als.Window(0, 20), 600)
    calls = []
    original = circular_module.integer_correlation
    monkeypatch.setattr(circular_module, "integer_correlation",
                        lambda *a: calls.append(1) or original(*a))
    fft = make_null("circular", {}).shift_values(setup, STATISTICS["trigger-rate"])
    assert calls                                       # the FFT served the common length
    monkeypatch.setattr(circular_module, "integer_correlation", lambda *a: None)
    direct = make_null("circular", {}).shift_values(setup, STATISTICS["trigger-rate"])
    np.testing.assert_array_equal(fft, direct)


@settings(max_examples=40, deadline=None)
@given(st.integers(20, 120), st.data())
def test_rate_by_shift_equals_placing(n_days, data):
    lo = data.draw(st.integers(-10, 10))
    hi = data.draw(st.integers(lo, lo + 15))
    responses = data.draw(st.lists(st.integers(0, n_days - 1), min_size=1, max_size=30))
    triggers = data.draw(st.lists(st.integers(-hi, n_days - 1 - lo), min_size=1, max_size=n_days,
                                  unique=True))
    setup = _setup(responses, triggers, als.Window(lo, hi), n_days)
    shifts = make_null("circular", {}).shift_values(setup, STATISTICS["trigger-rate"])
    np.testing.assert_array_equal(shifts, _by_placing(setup))


# -- Hypergeometric pmf by neighbour ratios -------------------------------------------

def _exact_hypergeometric(days, good, m):
    from fractions import Fraction
    from math import comb
    total = comb(days, m)
    return [float(Fraction(comb(good, x) * comb(days - good, m - x), total)) for x in range(m + 1)]


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 80), st.data())
def test_hypergeometric_pmf_equals_counting(days, data):
    from alliancestats.nulls.shuffle_triggers import hypergeometric_pmf
    good = data.draw(st.integers(0, days))
    m = data.draw(st.integers(0, days))
    exact = np.array(_exact_hypergeometric(days, good, m))
    got = hypergeometric_pmf(days, good, m)
    positive = exact > 0
    np.testing.assert_array_equal(got[~positive], 0.0)
    np.testing.assert_allclose(got[positive], exact[positive], rtol=1e-12, atol=0)


def test_hypergeometric_pmf_deep_tail_at_size():
    from alliancestats.nulls.shuffle_triggers import hypergeometric_pmf
    days, good, m = 100_000, 2_000, 5_000
    got = hypergeometric_pmf(days, good, m)
    for x, exact in [(x, _exact_hypergeometric_at(days, good, m, x)) for x in (0, 40, 100, 160, 400)]:
        assert abs(got[x] - exact) <= 1e-12 * exact, (x, got[x], exact)


def _exact_hypergeometric_at(days, good, m, x):
    from fractions import Fraction
    from math import comb
    return float(Fraction(comb(good, x) * comb(days - good, m - x), comb(days, m)))


# -- shuffle-triggers draws: a uniform m-subset of the reach, counted per atom -------------

def test_shuffle_trigger_atom_counts_follow_the_multivariate_hypergeometric():
    """With m^2 > D (the first-distinct draws) the atom counts have the law of
    numpy's multivariate hypergeometric draws (chi-square over the joint counts)."""
    from scipy import stats
    rng = np.random.default_rng(11)
    setup = _setup([10, 14, 30], [1, 3, 12, 20, 25, 33, 36, 38], als.Window(0, 4), 40)
    null = make_null("shuffle-triggers", {})
    atoms = null.atoms(setup)
    m, days = len(setup.trigger_days), atoms.n_days
    assert m * m > days and 2 * m <= days
    ours = null.draw_atoms(setup, atoms, 20_000, rng)
    assert (ours.sum(axis=1) == m).all()
    theirs = np.random.default_rng(12).multivariate_hypergeometric(atoms.lengths, m, size=20_000)
    keys = lambda rows: [tuple(r) for r in rows.tolist()]
    cells = sorted(set(keys(ours)) | set(keys(theirs)))
    index = {c: i for i, c in enumerate(cells)}
    a = np.bincount([index[c] for c in keys(ours)], minlength=len(cells))
    b = np.bincount([index[c] for c in keys(theirs)], minlength=len(cells))
    big = (a + b) >= 20
    table = np.array([np.append(a[big], a[~big].sum()), np.append(b[big], b[~big].sum())])
    assert stats.chi2_contingency(table).pvalue > 1e-4


def test_day_atoms_table_equals_search():
    rng = np.random.default_rng(3)
    setup = _setup(rng.integers(0, 300, 40), rng.integers(0, 300, 50), als.Window(-3, 9), 300)
    atoms = make_null("shuffle-triggers", {}).atoms(setup)
    offsets = rng.integers(0, atoms.n_days, size=(7, 100))      # many: the table
    expected = np.searchsorted(atoms.edges, offsets, side="right") - 1
    np.testing.assert_array_equal(atoms.day_atoms(offsets), expected)
    np.testing.assert_array_equal(atoms.day_atoms(offsets[0, :3]), expected[0, :3])  # few: search


# -- Poisson-binomial tails for the inverted intervals ------------------------------------

@settings(max_examples=40, deadline=None)
@given(st.integers(1, 60), st.integers(1, 6), st.data())
def test_poisson_binomial_tails_equal_scipy(n, distinct, data):
    from scipy import stats

    from alliancestats._inversion import tails
    rows = data.draw(st.integers(1, 4))
    values = np.array(data.draw(st.lists(st.sampled_from([0.0, 1.0, 0.001, 0.3, 0.5, 0.97]) |
                                         st.floats(0, 1), min_size=distinct, max_size=distinct)))
    pick = np.array(data.draw(st.lists(st.integers(0, distinct - 1), min_size=rows * n,
                                       max_size=rows * n))).reshape(rows, n)
    q = values[pick]
    k = np.array(data.draw(st.lists(st.integers(-1, n + 1), min_size=rows, max_size=rows)))
    above, equal, below = tails(k, q)
    np.testing.assert_allclose(above, stats.poisson_binom.sf(k, q), rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(equal, stats.poisson_binom.pmf(k, q), rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(below, stats.poisson_binom.cdf(k - 1, q), rtol=1e-9, atol=1e-14)


def test_poisson_binomial_tails_at_size_grouped_and_distinct():
    from scipy import stats

    from alliancestats._inversion import tails
    rng = np.random.default_rng(8)
    grouped = np.take_along_axis(rng.random((3, 80)) * 0.2, rng.integers(0, 80, (3, 1500)), 1)
    distinct = rng.random((2, 900)) * 0.2                      # past the grouping limit
    for q in (grouped, distinct):
        k = np.rint(q.sum(axis=1) + np.array([-30, 0, 40][: len(q)])).astype(int)
        above, equal, below = tails(k, q)
        np.testing.assert_allclose(above, stats.poisson_binom.sf(k, q), rtol=1e-9, atol=1e-14)
        np.testing.assert_allclose(equal, stats.poisson_binom.pmf(k, q), rtol=1e-8, atol=1e-14)
        np.testing.assert_allclose(below, stats.poisson_binom.cdf(k - 1, q), rtol=1e-9, atol=1e-14)


# -- E[R] under the placement nulls ------------------------------------------------------

def _expected_rate_by_enumeration(null, setup):
    """Every combination of the units' anchors, equally likely within each unit."""
    units = null.units(setup)
    grids = np.meshgrid(*[np.arange(lo, hi + 1) for lo, hi in zip(units.low, units.high)],
                        indexing="ij")
    anchors = np.stack([g.ravel() for g in grids], axis=1)
    offsets = anchors[:, units.unit] + units.rel
    return float(STATISTICS["trigger-rate"].from_placements(setup, offsets).mean())


@pytest.mark.parametrize("name,options,n_days", [
    ("uniform", {}, 14), ("stratified", {"strata": "month"}, 90), ("jitter", {"days": 3}, 60),
    ("episode-jitter", {"days": 2, "gap": 2}, 60)])
def test_expected_rate_equals_enumeration(name, options, n_days):
    responses = [3, 4, n_days - 20, n_days - 5] if n_days > 14 else [2, 3, 9]
    triggers = [1, 2, n_days // 2, n_days - 8, n_days - 2]
    setup = _setup(responses, triggers, als.Window(0, 3), n_days)
    null = make_null(name, options)
    assert np.prod(null.units(setup).width.astype(float)) < 2e6
    assert null.expected(setup, STATISTICS["trigger-rate"]) == pytest.approx(
        _expected_rate_by_enumeration(null, setup), rel=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from([("uniform", {}), ("stratified", {"strata": "year"}), ("jitter", {"days": 20}),
                        ("episode-jitter", {"days": 15, "gap": 6})]), st.data())
def test_expected_rate_equals_the_mean_over_all_units(null_spec, data):
    """Against the (trigger x response) formula it replaced."""
    n_days = 900
    responses = data.draw(st.lists(st.integers(0, n_days - 1), min_size=1, max_size=40))
    triggers = data.draw(st.lists(st.integers(-20, n_days + 5), min_size=1, max_size=40))
    setup = _setup(responses, triggers, als.Window(-2, 12), n_days)
    null = make_null(*null_spec)
    units = null.units(setup)
    first, last = STATISTICS["trigger-rate"].trigger_windows(setup)
    order = np.lexsort((-units.rel, units.unit))
    unit, rel = units.unit[order], units.rel[order]
    low, high = units.low[unit], units.high[unit]
    start = np.maximum(first[:, None] - rel[None, :], low[None, :])
    end = np.minimum(last[:, None] - rel[None, :], high[None, :])
    new_unit = np.concatenate([[True], unit[1:] != unit[:-1]])
    previous = np.where(new_unit[None, :], np.iinfo(np.int64).min // 2,
                        np.concatenate([end[:, :1], end[:, :-1]], axis=1))
    length = np.maximum(end - np.maximum(start, previous + 1) + 1, 0)
    covered = np.add.reduceat(length, np.flatnonzero(new_unit), axis=1)
    share = np.minimum(covered / units.width[unit[np.flatnonzero(new_unit)]][None, :], 1.0)
    with np.errstate(divide="ignore"):
        hit = 1.0 - np.exp(np.log1p(-share).sum(axis=1))
    # no trigger in the period (all drawn outside it): R is 0 by definition, so is E[R]
    reference = float(np.mean(hit)) if len(hit) else 0.0
    assert null.expected(setup, STATISTICS["trigger-rate"]) == pytest.approx(reference, rel=1e-12,
                                                                             abs=1e-15)


# -- a distribution from a weighted sample ------------------------------------------------

@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0.0, 0.25, 1 / 3, 0.5, 2 / 3, 1.0]) | st.floats(0, 1),
                          st.floats(0.01, 10)), min_size=1, max_size=60))
def test_distribution_from_sample_merges_equal_values(pairs):
    from alliancestats._pvalues import NullDistribution
    values, weights = (np.array(column) for column in zip(*pairs))
    dist = NullDistribution.from_sample(values, weights)
    unique, inverse = np.unique(values, return_inverse=True)
    expected = np.bincount(inverse, weights=weights)
    np.testing.assert_array_equal(dist.values, unique)
    np.testing.assert_allclose(dist.pmf, expected / expected.sum(), rtol=1e-12)


# -- Λ's day scores through a table of the distinct counts --------------------------------

@settings(max_examples=40, deadline=None)
@given(st.integers(0, 400), st.integers(1, 3000), st.integers(0, 9), st.data())
def test_likelihood_scores_by_table_equal_the_formula(top, size, coverage_top, data):
    from alliancestats.statistics.likelihood import Likelihood
    seed = data.draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    counts = rng.integers(0, top + 1, size)
    coverage = rng.integers(0, coverage_top + 1, 500)
    mean = coverage.mean()
    expected = np.rint(10 * np.log1p(counts / (mean if mean > 0 else 1.0))).astype(np.int64)
    np.testing.assert_array_equal(Likelihood().scores(counts, coverage), expected)


# -- the window search's surrogates: one row of window scores per day ----------------------

@pytest.mark.parametrize("low,high", [(0, 30), (0, 255), (-3, 300), (0, 40_000), (0, 2**40)])
def test_day_rows_give_the_same_sums(low, high):
    from alliancestats.sweep import day_rows
    rng = np.random.default_rng(high)
    scores = rng.integers(low, high + 1, size=(7, 500))
    offsets = rng.integers(0, 500, size=(4, 60))
    rows = day_rows(scores)
    assert rows.shape == (500, 7) and rows.flags.c_contiguous
    np.testing.assert_array_equal(rows[offsets].sum(axis=1, dtype=np.int64).T,
                                  scores[:, offsets].sum(axis=2))


def test_sweep_surrogates_without_day_patterns_equal_the_per_window_sums():
    """Days with more score patterns than responses skip the pattern table."""
    from alliancestats._setup import build_setup
    from alliancestats._window_family import window_setups
    from alliancestats.sweep import _surrogates
    rng = np.random.default_rng(4)
    setup = _setup(rng.integers(0, 400, 30), rng.integers(0, 400, 150), als.Window(0, 12), 400)
    windows = als.sweep_windows(12)
    null, statistic = make_null("uniform", {}), STATISTICS["likelihood"]
    hull, _ = build_setup(setup.responses, setup.triggers, window=als.Window(0, 12),
                          period=setup.period)
    setups = list(window_setups(hull, windows))
    got = np.concatenate(list(_surrogates(null, hull, setups, statistic, 50,
                                          np.random.default_rng(1), None)), axis=1)
    offsets = null.draw(hull, 50, np.random.default_rng(1))
    expected = np.stack([statistic.score(s)[offsets].sum(axis=1) for s in setups])
    np.testing.assert_array_equal(got, expected)


# -- the exact cost estimate, its powering priced for all units at once ----------------------

def _cost_unit_by_unit(lengths, multiplicity):
    """The estimate as it was written before: the powering priced unit by unit."""
    from alliancestats import _convolution as conv
    spans = np.asarray(lengths, dtype=float) - 1
    copies = np.asarray(multiplicity, dtype=float)
    repeat = (spans + 1 <= conv.MATRIX_WIDTH) & (copies <= conv.MATRIX_COPIES)
    cost = float(np.sum(copies[repeat] * (spans[repeat] + 1))) * conv.MATRIX_WIDTH
    width = [spans[repeat].repeat(copies[repeat].astype(np.int64))]
    square = [(spans[repeat] ** 2).repeat(copies[repeat].astype(np.int64))]
    for span, k in zip(spans[~repeat], copies[~repeat]):
        w, q, times = span, span * span, int(k)
        while times > 1:
            cost += conv._merge_cost(conv._width(w, q), conv._width(w, q))
            w, q, times = 2 * w, 2 * q, times // 2
        width.append(np.array([span * k]))
        square.append(np.array([span * span * k]))
    spans, squares = np.concatenate(width), np.concatenate(square)
    while len(spans) > 1:
        order = np.argsort(conv._width(spans, squares), kind="stable")
        spans, squares = spans[order], squares[order]
        pair = len(spans) // 2 * 2
        left, right = slice(0, pair, 2), slice(1, pair, 2)
        cost += float(np.sum(conv._merge_cost(conv._width(spans[left], squares[left]),
                                              conv._width(spans[right], squares[right]))))
        spans = np.concatenate([spans[left] + spans[right], spans[pair:]])
        squares = np.concatenate([squares[left] + squares[right], squares[pair:]])
    return float(cost)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 400), st.integers(1, 5000)), min_size=1, max_size=60))
def test_cost_estimate_equals_pricing_unit_by_unit(units):
    from alliancestats import _convolution as conv
    lengths, multiplicity = (list(c) for c in zip(*units))
    assert conv.sum_of_units_cost(lengths, multiplicity) == pytest.approx(
        _cost_unit_by_unit(lengths, multiplicity), rel=1e-12)
