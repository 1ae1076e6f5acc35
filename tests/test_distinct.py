"""alliancestats._distinct.distinct is np.unique by sorting."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from alliancestats._distinct import distinct


@settings(max_examples=200, deadline=None)
@given(hnp.arrays(st.sampled_from([np.int64, np.int32, np.uint8, np.bool_]),
                  hnp.array_shapes(min_dims=1, max_dims=2, min_side=0, max_side=40)))
def test_distinct_equals_unique_and_leaves_its_input_alone(values):
    before = values.copy()
    out = distinct(values)
    expected = np.unique(values)
    assert out.dtype == expected.dtype
    assert np.array_equal(out, expected)
    assert np.array_equal(values, before)


def test_distinct_of_floats_with_nan_is_unique():
    values = np.array([2.0, np.nan, 1.0, np.nan, 2.0])
    assert np.array_equal(distinct(values), np.unique(values), equal_nan=True)


def test_distinct_of_a_large_sorted_array():
    values = np.repeat(np.arange(0, 3_000_000, 3), 2)
    assert np.array_equal(distinct(values), np.arange(0, 3_000_000, 3))
