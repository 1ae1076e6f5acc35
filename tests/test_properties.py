"""Invariants of K, coverage and p that must hold for any input."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliancestats import EventSeries, Period, Window, coincidence_test, coverage

pytestmark = pytest.mark.filterwarnings("ignore::alliancestats.DegenerateDataWarning")

DAY0 = np.datetime64("2015-01-01")
T = 120
PERIOD = Period("2015-01-01", str(DAY0 + T - 1))

responses_st = st.lists(st.integers(0, T - 1), min_size=1, max_size=12)
triggers_st = st.lists(st.integers(-40, T + 10), max_size=12)
window_st = st.tuples(st.integers(-20, 20), st.integers(0, 40)).map(lambda t: Window(t[0], t[0] + t[1]))


def _series(offsets):
    return EventSeries(DAY0 + np.asarray(offsets, dtype="timedelta64[D]"))


def _res(r, t, w, period=PERIOD, **kw):
    return coincidence_test(_series(r), _series(t), window=w, period=period, **kw)


@given(responses_st, triggers_st, window_st, st.integers(-3000, 3000))
def test_shifting_every_date_changes_nothing(r, t, w, shift):
    a = _res(r, t, w)
    period = Period(PERIOD.start + np.timedelta64(shift, "D"), PERIOD.end + np.timedelta64(shift, "D"))
    b = coincidence_test(_series(r).shifted(shift), _series(t).shifted(shift), window=w, period=period)
    assert (a.k, a.covered_days) == (b.k, b.covered_days)
    assert a.pvalue == b.pvalue


@given(responses_st, triggers_st, window_st, st.integers(-40, T + 10))
def test_adding_a_trigger_never_lowers_k_or_coverage(r, t, w, extra):
    a, b = _res(r, t, w), _res(r, t + [extra], w)
    assert b.k >= a.k and b.covered_days >= a.covered_days


@given(responses_st, triggers_st, window_st, st.integers(0, 5), st.integers(0, 5))
def test_widening_the_window_never_lowers_k(r, t, w, left, right):
    wide = Window(w.lo - left, w.hi + right)
    assert _res(r, t, wide).k >= _res(r, t, w).k


@given(responses_st, triggers_st, window_st,
       st.sampled_from(["uniform", "poisson", "shuffle-triggers"]),
       st.sampled_from(["greater", "less", "two-sided"]))
def test_pvalue_in_unit_interval_and_k_at_most_n(r, t, w, null, alternative):
    res = _res(r, t, w, null=null, alternative=alternative, n_resamples=50, rng=0)
    assert 0 < res.pvalue <= 1
    assert 0 <= res.k <= res.n == len(r)
    assert 0 <= res.expected <= res.n + 1e-9


@given(triggers_st, window_st)
def test_coverage_equals_matching_every_day(t, w):
    cov = coverage(_series(t), window=w, period=PERIOD)
    every_day = _series(range(T))
    res = coincidence_test(every_day, _series(t), window=w, period=PERIOD)
    assert cov.covered_days == res.k
