"""Distinct values of an integer array, by sorting.

``np.unique`` in numpy 2.4 goes through a hash table for plain calls; on the day
numbers and keys this library handles it is 10-50 times slower than sorting and
dropping repeats (1.5 s against 0.05 s for a million days, measured on numpy
2.4.6). :func:`distinct` is the sort-based equivalent for the integer and boolean
arrays the library passes; anything else goes to ``np.unique`` unchanged.
"""

from __future__ import annotations

import numpy as np


def distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values of ``values`` (flattened), sorted ascending.

    Equal to ``np.unique(values)``; the input is never modified.

    Examples
    --------
    >>> distinct(np.array([5, 3, 5, 1, 3]))
    array([1, 3, 5])
    """
    array = np.asarray(values)
    if array.dtype.kind not in "iub":
        return np.unique(array)
    out = np.sort(array, axis=None)
    if len(out) > 1:
        out = out[np.concatenate(([True], out[1:] != out[:-1]))]
    return out
