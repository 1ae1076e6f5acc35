"""Command-line input: files, filters, and errors that name flags rather than parameters."""

from __future__ import annotations

import argparse
import re
import warnings
from contextlib import contextmanager
from typing import Any, Iterator

import numpy as np
import pandas as pd

from . import cli_scan
from .errors import AllianceStatsError
from .events import EventSeries
from .period import Period
from .window import Window

#: library parameter -> the flag that sets it
FLAGS = {
    "drop_outside": "--drop-outside", "n_resamples": "--resamples", "rng": "--seed",
    "date_format": "--date-format", "dayfirst": "--dayfirst", "precision": "--precision",
    "strata": "--strata", "days": "--jitter-days", "jitter_days": "--jitter-days",
    "alternative": "--alternative", "method": "--method", "start": "--start", "end": "--end",
    "max_days": "--max-days", "id_column": "--id-column", "by": "--subset-columns",
    "subset_columns": "--subset-columns", "attribute": "--composition",
    "composition_attribute": "--composition", "breaks": "--rate-breaks",
    "rate_breaks": "--rate-breaks", "distinct": "--distinct", "continuous": "--continuous",
    "null": "--null", "lo": "--lo", "hi": "--hi", "plot": "--plot",
}
#: null option -> flag (which nulls a flag applies to follows from each null's options)
OPTION_FLAGS = {"distinct": "--distinct", "continuous": "--continuous", "strata": "--strata",
                "days": "--jitter-days"}


def translate(message: str, flags: dict[str, str]) -> str:
    """Rewrite a library message for the command line: ``drop_outside=True`` becomes
    ``--drop-outside``, `` `n_resamples` `` becomes ``--resamples``, and so on."""
    message = re.sub(r"\bdayfirst=True\b", "--dayfirst", message)
    message = re.sub(r"\bdayfirst=False\b", "--monthfirst", message)
    message = re.sub(r"\bdrop_outside=True\b", "--drop-outside", message)

    def valued(match: re.Match[str]) -> str:
        flag = flags.get(match.group(1))
        return f"{flag} {match.group(2)}" if flag else match.group(0)

    message = re.sub(r"\b(\w+)=('[^']*'|\"[^\"]*\")", valued, message)
    message = re.sub(r"`([\w-]+)`", lambda m: flags.get(m.group(1), m.group(0)), message)
    message = re.sub(r"option --([\w-]+) of null", r"--\1 with null", message)
    return re.sub(r"\b(date_format|precision)\b", lambda m: flags[m.group(1)], message)


@contextmanager
def flags(**extra: str) -> Iterator[None]:
    """Errors raised inside name flags (``extra`` overrides the table for this call)."""
    try:
        yield
    except AllianceStatsError as exc:
        raise AllianceStatsError(translate(" ".join(str(exc).split()), {**FLAGS, **extra})) from None


def window(args: argparse.Namespace) -> Window:
    """``--window W [--slack S]`` or ``--lo L --hi H``."""
    if args.window is not None:
        if args.lo is not None or args.hi is not None:
            raise AllianceStatsError("give either --window (with --slack) or --lo and --hi")
        with flags(days="--window", slack="--slack"):
            return Window.after(days=args.window, slack=args.slack)
    if args.slack != 0:
        raise AllianceStatsError("--slack applies only with --window")
    if args.lo is None or args.hi is None:
        raise AllianceStatsError("give --window DAYS [--slack S], or both --lo and --hi")
    with flags():
        return Window(args.lo, args.hi)


def date_columns(args: argparse.Namespace) -> tuple[str, str]:
    """The responses' and the triggers' date columns; ``--date-column`` sets both."""
    chosen = []
    for specific, flag in ((args.response_date_column, "--response-date-column"),
                           (args.trigger_date_column, "--trigger-date-column")):
        if args.date_column is not None and specific is not None and specific != args.date_column:
            raise AllianceStatsError(
                f"--date-column sets both date columns, so it cannot be {args.date_column!r} "
                f"while {flag} is {specific!r}; give {flag} alone, or the same name")
        chosen.append(specific or args.date_column or "date")
    return chosen[0], chosen[1]


def reading(args: argparse.Namespace) -> dict[str, Any]:
    """How the files' dates are read."""
    dayfirst = True if args.dayfirst else False if args.monthfirst else None
    return {"date_format": args.date_format, "dayfirst": dayfirst, "precision": args.precision}


def typed_value(values: pd.Series, text: str, flag: str, column: str) -> Any:
    """A ``--*-where`` value read as the column's type.

    Numeric columns compare as numbers (``3`` matches 3.0, even when one blank cell
    made the column float); true/false columns take ``true`` or ``false``; text
    columns compare as exact, case-sensitive text. A value that cannot be read as
    the column's type is an error, not an empty selection.
    """
    if pd.api.types.is_bool_dtype(values.dtype):
        lowered = text.strip().lower()
        if lowered not in ("true", "false"):
            raise AllianceStatsError(f"{flag}: column {column!r} holds true/false; "
                                     f"{text!r} is neither")
        return lowered == "true"
    if pd.api.types.is_numeric_dtype(values.dtype):
        try:
            number = float(text)
        except ValueError:
            number = float("nan")
        if not np.isfinite(number):
            raise AllianceStatsError(f"{flag}: column {column!r} holds numbers; {text!r} is not "
                                     "a finite number")
        return number
    return text


def filtered(series: EventSeries, conditions: list[str], flag: str) -> EventSeries:
    for condition in conditions:
        column, sep, text = condition.partition("=")
        if not sep or not column:
            raise AllianceStatsError(f"{flag} must look like COLUMN=VALUE, got {condition!r}")
        if column not in series.columns:
            raise AllianceStatsError(f"{flag}: {series.name} has no column {column!r}; "
                                     f"its columns are {series.columns}")
        values = series.frame[column]
        kept = series.where(**{column: typed_value(values, text, flag, column)})
        if len(kept) == 0 and len(series):
            shown = ", ".join(map(str, pd.unique(values.dropna())[:5]))
            warnings.warn(f"{flag} {condition} keeps no row of {series.name} (its values include "
                          f"{shown or 'only blanks'})", stacklevel=2)
        series = kept
    return series


def load(args: argparse.Namespace) -> tuple[EventSeries, EventSeries, Window, Period]:
    """Window, period and both files, filtered, with errors naming flags."""
    span = window(args)
    response_column, trigger_column = date_columns(args)
    options = reading(args)
    with flags():
        period = Period(args.start, args.end, dayfirst=options["dayfirst"])
    with flags():
        responses = EventSeries.from_csv(args.responses, date_column=response_column,
                                         id_column=args.id_column, **options)
    with flags():
        triggers = EventSeries.from_csv(args.triggers, date_column=trigger_column, **options)
    responses = filtered(responses, args.responses_where, "--responses-where")
    responses = cli_scan.apply_distinct_days(responses, args)
    triggers = filtered(triggers, args.triggers_where, "--triggers-where")
    if len(triggers) == 0:
        warnings.warn(f"no triggers in {triggers.name}"
                      + (" after --triggers-where" if args.triggers_where else "")
                      + ": no response can be matched", stacklevel=2)
    return responses, triggers, span, period
