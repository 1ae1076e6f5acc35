"""The walk of tilts run as array arithmetic (both ends of every pair of a batch in
step, several tilts per end and round for a few pairs, windows found from block
maxima): against the direct convolution, the pair alone, and Monte Carlo."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_placement_exact import _plain_tree, _trimmed

import alliancestats._convolution as conv
from alliancestats import EventSeries, Period, Window, _tilted, _tilted_rows, coincidence_test

DAY0 = np.datetime64("2000-01-01")


@pytest.mark.parametrize("seed", range(4))
def test_block_windows_hold_every_entry_within_crop(seed):
    """A tilted row's scale is its largest tilted log, its window holds every entry
    within CROP of it, and the mass bound covers every entry, the left-out ones too:
    rows with holes (-inf), several peaks and rough shapes, tilts of both signs."""
    rng = np.random.default_rng(seed)
    rows = []
    for r in range(7):
        n = int(rng.integers(5, 900))
        x = -0.5 * ((np.arange(n) - rng.uniform(0, n)) / rng.uniform(3, n)) ** 2 * 40
        x += rng.normal(0, [0.0, 0.5, 5.0][r % 3], n)
        if r % 2:
            x[rng.random(n) < 0.3] = -np.inf
            x[[0, -1]] = rng.normal(-5, 1, 2)
        if r == 4:
            x = np.maximum(x, x[::-1] - 3)           # two peaks
        rows.append(np.exp(np.maximum(x, -700)) * (x > -np.inf))
    logs = _tilted_rows.LogRows(rows)
    pick = rng.integers(0, len(rows), 40)
    theta = rng.normal(0, 0.3, 40) * rng.choice([0.01, 1.0, 5.0], 40)
    window, first, top, mass = logs.tilted(pick, theta)
    for j, (r, t) in enumerate(zip(pick, theta)):
        with np.errstate(divide="ignore"):      # tilted from the window's first index
            x = np.log(rows[r]) + t * (np.arange(len(rows[r])) - first[j])
        assert top[j] == pytest.approx(x.max(), abs=1e-9)
        inside = np.zeros(len(x), bool)
        inside[first[j]: first[j] + window.shape[1]] = True
        assert np.all(x[~inside] < top[j] - _tilted_rows.CROP)      # left out: below e**-CROP
        assert mass[j] >= np.exp(x - top[j]).sum() * (1 - 1e-12)
        kept = np.exp(x[inside[: len(x)]] - top[j])
        got = window[j, : len(kept)]
        assert np.allclose(got[kept > np.exp(-700)], kept[kept > np.exp(-700)], rtol=1e-12)


def _part(rng, kind, n):
    if kind == "bernoulli":
        units = [[1 - q, q] for q in rng.random(n)]
    elif kind == "counts":
        units = [np.bincount(rng.poisson(rng.uniform(1, 6), 40), minlength=12)[:12] / 40
                 for _ in range(n // 4)]
    elif kind == "holes":
        units = [[1 - q, 0, 0, q] for q in rng.random(n // 2)] + [[0.5, 0.5]] * 3
    elif kind == "bimodal":
        units = [[0.5] + [0] * 30 + [0.5]] * 3 + [[1 - q, q] for q in rng.random(n)]
    else:                                   # heavy tail on one side
        x = np.arange(n)
        return np.exp(-x / (n / 25)) / np.exp(-x / (n / 25)).sum()
    units = [np.asarray(u, float) / np.sum(u) for u in units]
    return _trimmed(_plain_tree([_trimmed(u) for u in units]))


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_pairs=st.integers(1, 7),
       kinds=st.lists(st.sampled_from(["bernoulli", "counts", "holes", "bimodal", "heavy"]),
                      min_size=2, max_size=2))
def test_batched_walk_equals_direct_convolution(seed, n_pairs, kinds):
    """Batches of one to seven pairs (so both the several-tilts-per-round walk of a few
    pairs and the one-tilt walk of many), of mixed shapes: every entry above 1e-270
    within 1e-10 of the direct convolution, the rest within the floor's allowance;
    each pair as precise as when convolved alone."""
    rng = np.random.default_rng(seed)
    pairs = [(_part(rng, kinds[0], int(rng.integers(150, 900))),
              _part(rng, kinds[1], int(rng.integers(150, 900)))) for _ in range(n_pairs)]
    merged = _tilted.tilted_convolve_many(pairs)
    for (a, b), got in zip(pairs, merged):
        ref = np.convolve(a, b)
        assert len(got) == len(ref)
        keep = ref > 1e-270
        assert np.max(np.abs(got[keep] - ref[keep]) / ref[keep]) < 1e-10
        assert np.max(np.abs(got[~keep] - ref[~keep]), initial=0) < 1e-280
    alone = _tilted.tilted_convolve(*pairs[0])
    keep = merged[0] > 1e-270
    assert np.max(np.abs(alone[keep] - merged[0][keep]) / merged[0][keep]) < 2e-11


def test_far_tail_p_value_keeps_its_relative_precision(monkeypatch):
    """A sum of 3,000 units of 9 values, every merge past 2,000 products by the tilted
    walk: upper tail probabilities down to 1e-200 within 1e-10 (relative) of the
    untrimmed direct tree."""
    monkeypatch.setattr(conv, "DIRECT_PRODUCT", 2000)
    rng = np.random.default_rng(9)
    units = [u / u.sum() for u in rng.random((3000, 9)) ** 4]
    ref = _plain_tree(units)
    pmf, offset = conv.sum_of_units([(u, 0) for u in units], [1] * len(units))
    dense = np.zeros(len(ref))
    dense[offset: offset + len(pmf)] = pmf
    upper_ref, upper = np.cumsum(ref[::-1])[::-1], np.cumsum(dense[::-1])[::-1]
    tail = np.flatnonzero((upper_ref > 1e-200) & (upper_ref < 1e-3))
    assert upper_ref[tail].min() < 1e-190
    assert np.max(np.abs(upper[tail] - upper_ref[tail]) / upper_ref[tail]) < 1e-10


def test_walked_exact_null_matches_monte_carlo(monkeypatch):
    """jitter, pairs, n = 3,000 over 20 years, every merge past 20,000 products by
    the tilted walk: the exact p-value agrees with the default exact one to 1e-10
    and with Monte Carlo on the same null within 4 standard errors."""
    rng = np.random.default_rng(11)
    T = 7300
    period = Period(str(DAY0), str(DAY0 + T - 1))
    responses = EventSeries(DAY0 + rng.integers(0, T, 3000).astype("timedelta64[D]"))
    triggers = EventSeries(DAY0 + rng.integers(0, T, 1200).astype("timedelta64[D]"))
    kw = {"window": Window.after(days=30), "period": period, "null": "jitter", "days": 60,
          "statistic": "pairs", "alternative": "greater"}
    default = coincidence_test(responses, triggers, method="exact", **kw)
    monkeypatch.setattr(conv, "DIRECT_PRODUCT", 20_000)
    walked = coincidence_test(responses, triggers, method="exact", **kw)
    assert walked.pvalue == pytest.approx(default.pvalue, rel=1e-10)
    mc = coincidence_test(responses, triggers, method="monte-carlo", n_resamples=3000, rng=12,
                          **kw)
    se = np.sqrt(walked.pvalue * (1 - walked.pvalue) / 3000)
    assert abs(mc.pvalue - walked.pvalue) < 4 * se + 1 / 3000
