"""The min-p adjustment keeps its first pass's surrogate values for the second pass
when they are few: the same p-values as drawing them again from the copied stream."""

import numpy as np
import pandas as pd
import pytest

import alliancestats as als
from alliancestats import _minp
from alliancestats.audit import secondary
from alliancestats.audit.secondary import secondary_tests

CASE = als.datasets.load_iran_venezuela()
ARGS = (CASE.meetings, CASE.independent_sanctions)


def _both(monkeypatch, run):
    kept = run()
    monkeypatch.setattr(_minp, "KEEP_ELEMENTS", 0)           # every second pass redraws
    redrawn = run()
    return kept, redrawn


def test_secondary_family_same_with_kept_or_redrawn_surrogates(monkeypatch):
    family = [als.Analysis(null, statistic, null_options=options)
              for null, options in (("poisson", {}), ("shuffle-triggers", {}),
                                    ("stratified", {"strata": "year"}))
              for statistic in ("matches", "pairs", "trigger-rate")
              if not (null == "shuffle-triggers" and statistic == "trigger-rate")]
    calls = []
    original = secondary._surrogates
    monkeypatch.setattr(secondary, "_surrogates", lambda *a: calls.append(1) or original(*a))
    run = lambda: secondary_tests(*ARGS, window=CASE.window, period=CASE.period,  # noqa: E731
                                  analyses=family, n_resamples=199, rng=4).table
    kept = run()
    passes_kept = len(calls)
    monkeypatch.setattr(_minp, "KEEP_ELEMENTS", 0)           # every second pass redraws
    redrawn = run()
    assert (kept.method == "monte-carlo").any()                # a two-pass block is tested
    assert passes_kept == 3 and len(calls) - passes_kept > 3   # one pass each, then more
    pd.testing.assert_frame_equal(kept, redrawn)


def test_window_sweep_same_with_kept_or_redrawn_surrogates(monkeypatch):
    run = lambda: als.window_sweep(*ARGS, period=CASE.period,  # noqa: E731
                                   windows=als.sweep_windows(20), nulls=["poisson", "jitter"],
                                   null_options={"jitter": {"days": 40}},
                                   statistic="trigger-rate", n_resamples=99, rng=2,
                                   progress=False).table
    kept, redrawn = _both(monkeypatch, run)
    assert (kept.method == "monte-carlo").any()             # a two-pass sweep is tested
    pd.testing.assert_frame_equal(kept, redrawn)
    assert np.isfinite(kept.pvalue_adjusted).all()
