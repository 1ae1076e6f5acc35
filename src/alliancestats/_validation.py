"""Argument checks shared by the public functions (one place, run first)."""

from __future__ import annotations

import numbers
from typing import Any, Callable, Sequence

import numpy as np

from .errors import AllianceStatsError

ALTERNATIVES = ("greater", "less", "two-sided")


def check_integer(value: Any, name: str, *, minimum: int | None = None) -> int:
    """Return ``value`` as an ``int`` or raise naming ``name``.

    Booleans and floats (even integral ones) are rejected: a window bound of
    ``30.5`` or ``True`` is a mistake, not a number of days.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise AllianceStatsError(
            f"`{name}` must be an integer number of days, got {value!r} "
            f"({type(value).__name__})"
        )
    value = int(value)
    if minimum is not None and value < minimum:
        raise AllianceStatsError(f"`{name}` must be >= {minimum}, got {value}")
    return value


def check_bool(value: Any, name: str) -> bool:
    """``True`` or ``False`` (numpy's too); anything else, even 0 or 1, is an error."""
    if not isinstance(value, (bool, np.bool_)):
        raise AllianceStatsError(f"`{name}` must be True or False, got {value!r}")
    return bool(value)


def check_alternative(alternative: Any) -> str:
    if not (isinstance(alternative, str) and alternative in ALTERNATIVES):
        raise AllianceStatsError(
            f"`alternative` must be one of {', '.join(map(repr, ALTERNATIVES))}, "
            f"got {alternative!r}"
        )
    return str(alternative)


def check_rng(rng: Any) -> np.random.Generator:
    """Normalise ``rng`` (None, an integer seed, a SeedSequence or a Generator)."""
    return rng_maker(rng)()


def rng_maker(rng: Any) -> Callable[[], np.random.Generator]:
    """Check ``rng`` as :func:`check_rng` does, now; build the generator only when
    called (a test that turns out exact never pays for seeding one)."""
    if rng is None or isinstance(rng, (np.random.Generator, np.random.SeedSequence)):
        return lambda: np.random.default_rng(rng)
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise AllianceStatsError(f"`rng` seed must be non-negative, got {rng}")
        seed = int(rng)
        return lambda: np.random.default_rng(seed)
    raise AllianceStatsError(
        "`rng` must be None, a non-negative integer seed or a numpy.random.Generator, "
        f"got {type(rng).__name__}"
    )


def check_choice(value: Any, name: str, choices: Sequence[str]) -> str:
    if not (isinstance(value, str) and value in choices):
        raise AllianceStatsError(
            f"`{name}` must be one of {', '.join(map(repr, choices))}, got {value!r}"
        )
    return str(value)


def format_rows(rows: Sequence[Any], *, limit: int = 10) -> str:
    """``[3, 7, 12]`` -> ``"3, 7, 12"``, shortened with a count past ``limit``."""
    shown = ", ".join(str(r) for r in list(rows)[:limit])
    more = len(rows) - limit
    return shown + (f" and {more} more" if more > 0 else "")


#: row labels that already say what they count (a file's lines; data rows after skipped lines)
SELF_NAMED = ("line", "data row", "file", "partition")


def name_rows(labels: Sequence[Any], *, total: int | None = None, limit: int = 10) -> str:
    """Rows by their labels, as a message shows them: ``row 3``, ``rows 3, 7``, ``line 4``,
    ``lines 4, 9 and 2 more``.

    Labels are an event series' own (:attr:`EventSeries.source_rows`): ``'line 4'`` for
    a CSV file keeps its word, anything else (an index label, a position) gets ``row``.
    ``total`` is how many rows there are when only the first labels are given.
    """
    labels = [str(x) for x in list(labels)[:limit]]
    total = len(labels) if total is None else total
    more = f" and {total - len(labels)} more" if total > len(labels) else ""
    plural = "s " if total > 1 else " "
    for word in SELF_NAMED:
        if labels and all(x.startswith(word + " ") for x in labels):
            return word + plural + ", ".join(x[len(word) + 1:] for x in labels) + more
    return "row" + plural + ", ".join(labels) + more


def check_fraction(value: Any, name: str) -> float:
    """A number strictly between 0 and 1 (a confidence level, a significance level)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) \
            or not 0 < float(value) < 1:
        raise AllianceStatsError(f"`{name}` must be a number strictly between 0 and 1, got {value!r}")
    return float(value)
