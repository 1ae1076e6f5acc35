"""Type I error: on data simulated under each null, each test rejects at most alpha + 3 SE.

Discrete tests may be conservative (reject less than alpha); the rates are printed
with ``pytest -s`` and reported in docs/calibration.rst.
"""

import warnings
import zlib

import numpy as np
import pytest

from alliancestats import DegenerateDataWarning, Period, Window, coincidence_test
from alliancestats.simulate import poisson_series, simulate_null

ALPHA = 0.05
DATASETS = 1000
PERIOD = Period("2019-01-01", "2020-12-31")
WINDOW = Window.after(days=20)
CASES = [("uniform", {}, "auto"), ("uniform", {"distinct": True}, "auto"), ("poisson", {}, "auto"),
         ("stratified", {"strata": "quarter"}, "auto"), ("jitter", {"days": 40}, "auto"),
         ("circular", {}, "auto"), ("shuffle-triggers", {}, "monte-carlo")]


@pytest.mark.parametrize("null,options,method", CASES)
def test_rejection_rate_at_most_alpha_plus_3_se(null, options, method):
    rng = np.random.default_rng(zlib.crc32((null + str(options)).encode()))  # stable seed
    responses = poisson_series(8, period=PERIOD, rng=rng)
    triggers = poisson_series(9, period=PERIOD, rng=rng)
    rejected = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        for _ in range(DATASETS):
            resp, trig = simulate_null(null, responses, triggers, window=WINDOW, period=PERIOD,
                                       rng=rng, **options)
            res = coincidence_test(resp, trig, window=WINDOW, period=PERIOD, null=null,
                                   method=method, n_resamples=99, rng=rng, **options)
            rejected += res.pvalue <= ALPHA
    rate = rejected / DATASETS
    se = np.sqrt(ALPHA * (1 - ALPHA) / DATASETS)
    print(f"{null} {options}: rejection rate {rate:.3f} (alpha {ALPHA}, SE {se:.4f})")
    assert rate <= ALPHA + 3 * se


def test_misspecification_is_detected():
    """The calibration check can fail: the uniform null is far too liberal on trending or
    clustered data, while the null built for each departure holds its level."""
    import runpy
    import pathlib

    study = runpy.run_path(str(pathlib.Path(__file__).resolve().parents[1] / "examples" /
                               "misspecification.py"))
    rng = np.random.default_rng(7)
    nulls = [name for name, _ in study["NULLS"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        trend = dict(zip(nulls, study["rejection_rates"](study["trending"], rng, 150)))
        clustered = dict(zip(nulls, study["rejection_rates"](study["clustered"], rng, 150)))
    bound = ALPHA + 3 * np.sqrt(ALPHA * (1 - ALPHA) / 150)
    assert trend["uniform"] > bound and trend["stratified"] <= bound
    assert clustered["uniform"] > bound and clustered["circular"] <= bound
