"""The audit's batched placebo and influence: the tilted Fourier tails against
enumeration, the full convolution and Monte Carlo; the batches against one test per
shifted list and per left-out event."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import alliancestats as als
from alliancestats.audit import _fourier_tails
from alliancestats.audit._batch import _convolved_tail
from alliancestats.audit._fourier_tails import upper_tails
from test_many_windows import DAY0, assert_influence_equals_reference, series


def enumerated_tail(pmf, offset, copies, x):
    """P(X >= x) by listing every outcome of every copy of every unit."""
    draws = [u for u in range(len(pmf)) for _ in range(copies[u])]
    total = 0.0
    for outcome in itertools.product(*[np.flatnonzero(pmf[u]) for u in draws]):
        if sum(offset[u] + j for u, j in zip(draws, outcome)) >= x:
            total += np.prod([pmf[u][j] for u, j in zip(draws, outcome)])
    return total


def random_units(rng, units, width, top_copies):
    pmf = rng.random((units, width)) * (rng.random((units, width)) < 0.6)
    pmf[np.arange(units), rng.integers(0, width, units)] += 0.05
    pmf /= pmf.sum(axis=1, keepdims=True)
    return pmf, rng.integers(0, 4, units), rng.integers(0, top_copies + 1, units)


@pytest.mark.parametrize("seed", range(4))
def test_tails_equal_enumeration_on_tiny_sums(seed):
    rng = np.random.default_rng(seed)
    pmf, offset, copies = random_units(rng, 3, 3, 2)
    xs = np.arange(-1, int((copies * (offset + 2)).sum()) + 2)
    rows = len(xs)
    tail, mean, certified = upper_tails(np.repeat(pmf[None], rows, 0),
                                        np.repeat(offset[None], rows, 0),
                                        np.repeat(copies[None], rows, 0), xs)
    assert certified.all()
    expected = [enumerated_tail(pmf, offset, copies, x) for x in xs]
    np.testing.assert_allclose(tail, expected, rtol=1e-10, atol=1e-300)
    np.testing.assert_allclose(mean, (copies * (offset + pmf @ np.arange(3))).sum(), rtol=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_tails_equal_the_full_convolution_far_into_the_tail(seed):
    """Many copies (the tilt matters: tails below 1e-50) and rows with their own
    multiplicities, against the library's exact convolution summed from the small end."""
    rng = np.random.default_rng(seed)
    pmf, offset, _ = random_units(rng, 4, 6, 0)
    copies = rng.integers(0, 60, (5, 4))
    rows = []
    for r in range(5):
        last = pmf.shape[1] - 1 - np.argmax(pmf[:, ::-1] > 0, axis=1)
        top = int((copies[r] * (offset + last)).sum())
        xs = [*np.linspace(-2, top + 1, 9).astype(int), top - 3, top]   # top: every unit at its top
        rows += [(r, x) for x in xs]
    which, xs = (np.array(c) for c in zip(*rows))
    tail, _, certified = upper_tails(np.repeat(pmf[None], len(xs), 0),
                                     np.repeat(offset[None], len(xs), 0), copies[which], xs)
    reference = np.array([_convolved_tail(pmf, offset, copies[r], int(x))
                          for r, x in zip(which, xs)])
    assert certified.all()
    assert reference[reference > 0].min() < 1e-50           # the far tail is exercised
    np.testing.assert_allclose(tail, reference, rtol=1e-10, atol=1e-300)


def test_tails_agree_with_monte_carlo():
    rng = np.random.default_rng(7)
    pmf, offset, copies = random_units(rng, 3, 5, 30)
    draws = 200_000
    totals = np.zeros(draws, np.int64)
    for u in range(3):
        picks = rng.choice(5, size=(draws, copies[u]), p=pmf[u])
        totals += picks.sum(axis=1) + copies[u] * offset[u]
    xs = np.quantile(totals, [0.1, 0.5, 0.9, 0.99]).astype(int)
    tail, _, _ = upper_tails(np.repeat(pmf[None], 4, 0), np.repeat(offset[None], 4, 0),
                             np.repeat(copies[None], 4, 0), xs)
    simulated = np.array([(totals >= x).mean() for x in xs])
    se = np.sqrt(tail * (1 - tail) / draws)
    assert np.all(np.abs(simulated - tail) <= 4 * se)


def placebo_reference(responses, triggers, res, **test):
    out = []
    for row in res.table.itertuples():
        direct = als.coincidence_test(responses, triggers.shifted(row.shift), progress=False,
                                      **test)
        out.append((direct.pvalue, direct.statistic, direct.expected))
    return np.array(out)


@pytest.mark.parametrize("uncertified", [False, True])
def test_placebo_likelihood_with_repeated_strata_equals_one_test_per_list(monkeypatch,
                                                                           uncertified):
    """Λ under stratified, several responses a stratum; with every tail left uncertified
    the rows take the full convolution instead, with the same answers."""
    if uncertified:
        monkeypatch.setattr(_fourier_tails, "TOLERANCE", -1.0)
    rng = np.random.default_rng(3)
    T = 400
    responses, triggers = series(rng.integers(0, T, 40)), series(rng.integers(-20, T, 30))
    test = dict(window=als.Window(0, 9), period=als.Period(str(DAY0), str(DAY0 + T - 1)),
                null="stratified", statistic="likelihood", strata="quarter")
    res = als.placebo_test(responses, triggers, step=25, **test)
    reference = placebo_reference(responses, triggers, res, **test)
    np.testing.assert_allclose(res.table.pvalue, reference[:, 0], rtol=1e-10, atol=1e-300)
    np.testing.assert_array_equal(res.table.statistic, reference[:, 1])
    np.testing.assert_allclose(res.table.expected, reference[:, 2], rtol=1e-10)


@pytest.mark.parametrize("null, statistic, options", [
    ("stratified", "likelihood", {"strata": "quarter"}),
    ("stratified", "matches", {"strata": "month"}),
    ("uniform", "likelihood", {}),
])
def test_influence_with_repeated_strata_equals_one_test_per_left_out_event(null, statistic,
                                                                           options):
    rng = np.random.default_rng(11)
    T = 300
    responses = series(rng.integers(0, T, 30))
    triggers = series(np.concatenate([rng.integers(-10, T, 14), [150, 150]]))   # a shared day
    period = als.Period(str(DAY0), str(DAY0 + T - 1))
    assert_influence_equals_reference(responses, triggers, als.Window(0, 12), period, null,
                                      statistic, options)


def test_influence_batch_is_used_for_likelihood(monkeypatch):
    """The batched path runs (no per-trigger test) for Λ under stratified."""
    import importlib

    module = importlib.import_module("alliancestats.influence")
    calls = []
    original = module.coincidence_test
    monkeypatch.setattr(module, "coincidence_test",
                        lambda *a, **k: calls.append(1) or original(*a, **k))
    rng = np.random.default_rng(2)
    T = 200
    als.influence(series(rng.integers(0, T, 20)), series(rng.integers(0, T, 12)),
                  window=als.Window(0, 9), period=als.Period(str(DAY0), str(DAY0 + T - 1)),
                  null="stratified", statistic="likelihood", strata="quarter")
    assert len(calls) == 1                                    # the full test only
