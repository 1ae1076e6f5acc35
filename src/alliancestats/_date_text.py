"""Reading one date written as text, without guessing.

:func:`classify` sorts a string into what it is — a full date, a day/month/year
triple whose order the caller must settle, a year or a year-month, a relative word
("now"), a time with no date, … — and returns the day where the text alone fixes
it. The column-level rules (one reading for a whole column, partial dates only
when asked) live in :mod:`._dates`.
"""

from __future__ import annotations

import datetime as _dt
import re
import warnings
from typing import NamedTuple

import pandas as pd

#: day number (days since 1970-01-01) of 0001-01-01 and 9999-12-31
MIN_DAY = _dt.date(1, 1, 1).toordinal() - 719163
MAX_DAY = _dt.date(9999, 12, 31).toordinal() - 719163
_EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal()

# what a string can be
OK = "ok"
FAMILY = "family"            # d/m/yyyy or m/d/yyyy: the column decides
PARTIAL_MONTH = "partial-month"
PARTIAL_YEAR = "partial-year"
MISSING = "missing"
RELATIVE = "relative"
TIME_ONLY = "time-only"
NO_YEAR = "no-year"
TWO_DIGIT_YEAR = "two-digit-year"
OUT_OF_RANGE = "out-of-range"
INVALID = "invalid"
NUMBER = "number"
UNPARSEABLE = "unparseable"

RELATIVE_WORDS = frozenset({"now", "today", "tomorrow", "yesterday", "tonight", "noon",
                            "midnight", "ago", "next", "last", "this"})

_TIME = (r"(?:\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?"
         r"|\d{1,2}\s*[AaPp]\.?[Mm]\.?)")
_ZONE = r"(?:Z|[+-]\d{2}(?::?\d{2})?)"
#: year first: 2019-03-05, 2019/03/05, 2019.03.05, 20190305, with an optional time and zone
ISO_FULL = re.compile(
    r"^(?P<y>\d{4})(?:(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})|(?P<m8>\d{2})(?P<d8>\d{2}))"
    r"(?P<rest>(?:[T ].*|" + _ZONE + r")?)$")
_SIGNED_OR_LONG_YEAR = re.compile(r"^(?:[+-]\d{4,}|\d{5,})(?:[-/.]\d{1,2}){0,2}(?:[T ].*)?$")
_YEAR = re.compile(r"^(?P<y>\d{4})$")
_YEAR_MONTH = re.compile(r"^(?P<y>\d{4})[-/](?P<m>\d{1,2})$")
#: day/month or month/day first: 02/03/2014, 2.3.2014, 02-03-2014, with an optional time
_FAMILY = re.compile(r"^(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})"
                     r"(?:(?:[T ]|\s+)" + _TIME + r")?$")
_FAMILY_SHORT_YEAR = re.compile(r"^\d{1,2}([-/.])\d{1,2}\1\d{2}(?:\s.*)?$")
_TIME_ONLY = re.compile(r"^" + _TIME + r"(?:\s*" + _ZONE + r")?$")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_WORDS = re.compile(r"[A-Za-z]+")
_FOUR_DIGITS = re.compile(r"(?<!\d)\d{4}(?!\d)")
_MONTHS = frozenset(
    name for i in range(1, 13)
    for name in (_dt.date(2000, i, 1).strftime("%B").lower(), _dt.date(2000, i, 1).strftime("%b").lower())
) | {"sept"}


class Reading(NamedTuple):
    """What one text value is. ``day`` is set for OK, PARTIAL_* (first day of the
    year or month) and OUT_OF_RANGE is reported without it; FAMILY carries the
    fields ``(a, b, year)`` in ``fields``."""

    kind: str
    day: int | None = None
    zone: str | None = None
    fields: tuple[int, int, int] | None = None


def day_of(year: int, month: int, day: int) -> int | None:
    """Day number of a calendar date, or None if there is no such date."""
    try:
        return _dt.date(year, month, day).toordinal() - _EPOCH_ORDINAL
    except ValueError:
        return None


def _valid_time(text: str) -> bool:
    """A time of day written in a day/month/year string must be a real time."""
    match = re.search(r"(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?", text)
    if match is None:
        return True
    hour = int(match.group(1))
    minute = int(match.group(2) or 0)
    second = int(match.group(3) or 0)
    twelve = re.search(r"[AaPp]\.?[Mm]", text) is not None
    return (1 <= hour <= 12 if twelve else hour <= 23) and minute <= 59 and second <= 60


def _iso(match: re.Match[str], text: str) -> Reading:
    year = int(match.group("y"))
    month = int(match.group("m") or match.group("m8"))
    day = int(match.group("d") or match.group("d8"))
    number = day_of(year, month, day)
    if number is None or year < 1:
        return Reading(OUT_OF_RANGE if year < 1 else INVALID)
    rest = match.group("rest")
    if not rest.strip():
        return Reading(OK, number)
    try:
        stamp = pd.Timestamp(text)
    except (ValueError, TypeError, OverflowError):
        return Reading(UNPARSEABLE)
    zone = None if stamp.tzinfo is None else str(stamp.tzinfo)
    return Reading(OK, number, zone)


def _worded(text: str) -> Reading:
    """Dates with a month name ("5 March 2019", "Mar 5, 2019"), via dateutil, which
    fills missing fields from a default: two different defaults reveal them."""
    from dateutil import parser

    words = {w.lower() for w in _WORDS.findall(text)}
    if words & RELATIVE_WORDS:
        return Reading(RELATIVE)
    if not words & _MONTHS:
        return Reading(TIME_ONLY if _TIME_ONLY.match(text) else UNPARSEABLE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            first = parser.parse(text, default=_dt.datetime(2000, 1, 1))
            second = parser.parse(text, default=_dt.datetime(2004, 2, 2))
        except (ValueError, OverflowError, TypeError):
            return Reading(UNPARSEABLE)
    if first.year != second.year or not _FOUR_DIGITS.search(text):
        return Reading(NO_YEAR)
    offset = first.utcoffset()
    zone = None if offset is None else str(_dt.timezone(offset))
    if first.month != second.month:
        return Reading(PARTIAL_YEAR, day_of(first.year, 1, 1), zone)
    if first.day != second.day:
        return Reading(PARTIAL_MONTH, day_of(first.year, first.month, 1), zone)
    return Reading(OK, day_of(first.year, first.month, first.day), zone)


def classify(value: str) -> Reading:
    """What the string ``value`` is, and its day where the text alone fixes it."""
    text = value.strip()
    if not text:
        return Reading(MISSING)
    match = ISO_FULL.match(text)
    if match is not None:
        return _iso(match, text)
    if _NUMBER.match(text) and not _YEAR.match(text):
        return Reading(NUMBER)
    if _SIGNED_OR_LONG_YEAR.match(text):
        return Reading(OUT_OF_RANGE)
    match = _FAMILY.match(text)
    if match is not None:
        a, b, year = int(match.group("a")), int(match.group("b")), int(match.group("y"))
        if not _valid_time(text[match.end("y"):]):
            return Reading(UNPARSEABLE)
        return Reading(FAMILY, fields=(a, b, year))
    if _FAMILY_SHORT_YEAR.match(text):
        return Reading(TWO_DIGIT_YEAR)
    match = _YEAR.match(text)
    if match is not None:
        year = int(match.group("y"))
        return Reading(PARTIAL_YEAR, day_of(year, 1, 1)) if year >= 1 else Reading(OUT_OF_RANGE)
    match = _YEAR_MONTH.match(text)
    if match is not None:
        year, month = int(match.group("y")), int(match.group("m"))
        number = day_of(year, month, 1)
        return Reading(PARTIAL_MONTH, number) if number is not None else Reading(INVALID)
    if _TIME_ONLY.match(text):
        return Reading(TIME_ONLY)
    if _WORDS.search(text):
        return _worded(text)
    return Reading(UNPARSEABLE)
