"""composition_test: the network algorithm against enumeration, Monte Carlo past its size."""

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from alliancestats import composition_test
from alliancestats._ffh import ffh_pvalue_2xc


def _enumerated(observed):
    """The Fisher–Freeman–Halton p-value by listing every table with these margins."""
    columns = observed.sum(axis=0)
    k = int(observed[0].sum())
    dist = stats.multivariate_hypergeom(m=columns, n=k)
    p_obs = dist.pmf(observed[0])
    total = 0.0
    for top in itertools.product(*(range(c + 1) for c in columns)):
        if sum(top) == k:
            p = dist.pmf(top)
            if p <= p_obs * (1 + 1e-7):
                total += p
    return min(total, 1.0)


def _frame(observed, levels=None):
    levels = levels or [f"level{j}" for j in range(observed.shape[1])]
    matched, values = [], []
    for row, flag in ((0, True), (1, False)):
        for j, count in enumerate(observed[row]):
            matched += [flag] * int(count)
            values += [levels[j]] * int(count)
    return pd.DataFrame({"matched": matched, "kind": values})


def test_network_equals_enumeration_on_small_tables():
    rng = np.random.default_rng(0)
    for _ in range(150):
        c = int(rng.integers(2, 6))
        columns = rng.integers(1, 6, c)
        top = np.array([rng.integers(0, v + 1) for v in columns])
        observed = np.vstack([top, columns - top])
        assert ffh_pvalue_2xc(observed) == pytest.approx(_enumerated(observed), abs=1e-10)


def test_one_response_per_level_is_exact_and_equals_enumeration():
    observed = np.vstack([[1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0],
                          [0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 0, 1]])
    res = composition_test(_frame(observed), "kind")
    assert res.method == "exact" and res.pvalue_se is None
    assert res.pvalue == pytest.approx(_enumerated(observed), abs=1e-10)


def test_2x20_exact_against_monte_carlo():
    rng = np.random.default_rng(1)
    columns = rng.integers(1, 5, 20)
    top = np.array([rng.integers(0, v + 1) for v in columns])
    observed = np.vstack([top, columns - top])
    res = composition_test(_frame(observed), "kind")
    assert res.method == "exact"
    mc = stats.fisher_exact(observed, method=stats.MonteCarloMethod(n_resamples=4000, rng=2)).pvalue
    assert abs(res.pvalue - mc) <= 4 * np.sqrt(mc * (1 - mc) / 4000) + 1 / 4001


def test_large_table_falls_back_to_monte_carlo_and_says_so():
    rng = np.random.default_rng(3)
    observed = rng.integers(5, 40, (2, 20))
    frame = _frame(observed)
    res = composition_test(frame, "kind", n_resamples=999, rng=4)
    assert res.method == "monte-carlo" and res.pvalue_se is not None
    assert res.pvalue == composition_test(frame, "kind", n_resamples=999, rng=4).pvalue
    assert "Monte Carlo" in res.summary() and res.to_dict()["method"] == "monte-carlo"
