"""Command-line input shared by every subcommand: the flags for the period, the window and
the null's options, files and filters, the one-per-day rule, and errors that name flags
rather than parameters."""

from __future__ import annotations

import argparse
import json
import re
import warnings
from contextlib import contextmanager
from typing import Any, Iterable, Iterator

import numpy as np
import pandas as pd

from ._output import json_ready
from .errors import AllianceStatsError
from .events import EventSeries
from .nulls import EXACT, NULLS
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
    "null": "--null", "lo": "--lo", "hi": "--hi", "plot": "--plot", "gap": "--gap",
    "statistic": "--statistic", "sensitivity_attribute": "--sensitivity-attribute",
    "move_days": "--move-days",
    "placebo_step": "--placebo-step", "step": "--placebo-step", "placebo_min": "--placebo-min",
    "min_shift": "--placebo-min", "placebo_max": "--placebo-max", "max_shift": "--placebo-max",
    "alpha": "--alpha",
}
#: null option -> flag (which nulls a flag applies to follows from each null's options)
OPTION_FLAGS = {"distinct": "--distinct", "continuous": "--continuous", "strata": "--strata",
                "days": "--jitter-days", "gap": "--gap"}
#: null option -> the attribute argparse stores its flag in
_DEST = {"distinct": "distinct", "continuous": "continuous", "strata": "strata",
         "days": "jitter_days", "gap": "gap"}
_OPTION_HELP: dict[str, dict[str, Any]] = {
    "distinct": dict(action="store_true", default=None, help="uniform null: distinct days"),
    "continuous": dict(action="store_true", default=None, help="poisson null: continuous time"),
    "jitter_days": dict(type=int, default=None, metavar="J",
                        help="jitter and episode-jitter nulls: move each response (or episode) "
                             "by up to ±J days (default: twice the window length)"),
    "gap": dict(type=int, default=None, metavar="G",
                help="episode-jitter null: responses at most G days apart form one episode, "
                     "moved as a block (default: the window length)"),
}
DISTINCT_DAYS_HELP = ("count one response per day, as EventTable.dyad_series does (default: on; "
                      "--no-distinct-days counts every row)")


# -- arguments shared by the subcommands -------------------------------------------------------

def add_period_window_arguments(command: argparse.ArgumentParser) -> None:
    """``--start``/``--end`` and ``--window [--slack]`` or ``--lo``/``--hi``."""
    command.add_argument("--start", required=True, help="first day of the period (inclusive)")
    command.add_argument("--end", required=True, help="last day of the period (inclusive)")
    command.add_argument("--window", type=int, help="days after a trigger (window [0, W + slack])")
    command.add_argument("--slack", type=int, default=0, help="extra days added to --window")
    command.add_argument("--lo", type=int, help="smallest lag in days (with --hi)")
    command.add_argument("--hi", type=int, help="largest lag in days (with --lo)")


def add_null_arguments(command: argparse.ArgumentParser, choices: Iterable[str], *,
                       strata_help: str) -> None:
    """``--null`` among ``choices`` (``"all"``: every null), the flags of those nulls'
    options (see :data:`OPTION_FLAGS`) and ``--alternative``."""
    choices = list(choices)
    command.add_argument("--null", default="uniform", choices=choices)
    add_option_arguments(command, [name for name in choices if name in NULLS],
                         strata_help=strata_help)
    command.add_argument("--alternative", default="greater",
                         choices=["greater", "less", "two-sided"])


def add_option_arguments(command: argparse.ArgumentParser, nulls: Iterable[str], *,
                         strata_help: str) -> None:
    """The flags of the options of ``nulls`` (see :data:`OPTION_FLAGS`)."""
    offered = {option for name in nulls for option in NULLS[name].options}
    for option, flag in OPTION_FLAGS.items():
        if option not in offered:
            continue
        if option == "strata":
            command.add_argument(flag, default=None, help=strata_help)
        else:
            command.add_argument(flag, dest=_DEST[option], **_OPTION_HELP[_DEST[option]])


def add_distinct_days_argument(command: argparse.ArgumentParser) -> None:
    """``--distinct-days/--no-distinct-days`` (default on) for commands that read responses:
    the one-per-day rule :meth:`alliancestats.EventTable.dyad_series` and the scan use."""
    command.add_argument("--distinct-days", action=argparse.BooleanOptionalAction, default=True,
                         help=DISTINCT_DAYS_HELP)


def apply_distinct_days(responses: EventSeries, args: argparse.Namespace) -> EventSeries:
    """Responses counted as the command line's ``--distinct-days`` says."""
    return responses.distinct_days() if getattr(args, "distinct_days", True) else responses


def chosen_nulls(args: argparse.Namespace) -> list[str]:
    """The nulls to run: ``--null all`` means every null that can test the chosen
    statistic (``episode-jitter`` refuses the trigger rate)."""
    if args.null != "all":
        return [args.null]
    statistic = getattr(args, "statistic", "matches")
    return [name for name, cls in NULLS.items() if statistic not in cls.refused_statistics]


def check_option_flags(args: argparse.Namespace, statistic: str = "matches") -> None:
    """Every null option given must apply to a null chosen; ``--resamples`` and ``--seed``
    only to Monte Carlo tests."""
    chosen = chosen_nulls(args)
    check_options_apply(args, chosen, "--null", args.null)
    method = getattr(args, "method", "auto")
    monte_carlo = method == "monte-carlo" or any((n, statistic) not in EXACT for n in chosen)
    for attribute, flag in (("resamples", "--resamples"), ("seed", "--seed")):
        if getattr(args, attribute, None) is not None and not monte_carlo:
            inexact = ", ".join(n for n in NULLS if (n, statistic) not in EXACT)
            raise AllianceStatsError(
                f"{flag} applies only to Monte Carlo tests (--method monte-carlo, or a null with "
                f"no exact form for --statistic {statistic}: {inexact}); --null {args.null} with "
                f"--method {method} is exact")


def check_options_apply(args: argparse.Namespace, chosen: Iterable[str], flag: str,
                        given: Any) -> None:
    """Every null-option flag given must be an option of a null in ``chosen`` (``flag``
    names the flag that chose them, ``given`` its value)."""
    chosen = list(chosen)
    for option, option_flag in OPTION_FLAGS.items():
        if getattr(args, _DEST[option], None) is None:
            continue
        applies = [name for name, cls in NULLS.items() if option in cls.options]
        if not set(applies) & set(chosen):
            extra = " (or all)" if flag == "--null" else ""
            raise AllianceStatsError(
                f"{option_flag} applies only to {flag} {' or '.join(applies)}{extra}; "
                f"this run uses {flag} {given}")


def null_options(null: str, args: argparse.Namespace, window: Window) -> dict[str, Any]:
    """The options of ``null`` from the flags (see :data:`OPTION_FLAGS`), defaults filled in:
    ``--strata`` year; ``--jitter-days`` twice the window length; ``--gap`` the null's own
    default (the window length)."""
    strata: Any = getattr(args, "strata", None)
    strata = "year" if strata is None else strata
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}(,\d{4}-\d{2}-\d{2})*", strata):
        strata = strata.split(",")
    jitter = getattr(args, "jitter_days", None)
    values = {"distinct": bool(getattr(args, "distinct", None)),
              "continuous": bool(getattr(args, "continuous", None)), "strata": strata,
              "days": 2 * window.length if jitter is None else jitter,
              "gap": getattr(args, "gap", None)}
    return {option: values[option] for option in NULLS[null].options if option in values}


def dump(payload: Any) -> str:
    """Strict JSON (numbers that are not finite become null; see :func:`json_ready`)."""
    return json.dumps(json_ready(payload), indent=2, allow_nan=False)


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


def period(args: argparse.Namespace, dayfirst: bool | None = None) -> Period:
    """``--start`` and ``--end``."""
    with flags():
        return Period(args.start, args.end, dayfirst=dayfirst)


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
    lags = window(args)
    response_column, trigger_column = date_columns(args)
    options = reading(args)
    days = period(args, options["dayfirst"])
    with flags():
        responses = EventSeries.from_csv(args.responses, date_column=response_column,
                                         id_column=args.id_column, **options)
    with flags():
        triggers = EventSeries.from_csv(args.triggers, date_column=trigger_column, **options)
    responses = filtered(responses, args.responses_where, "--responses-where")
    responses = apply_distinct_days(responses, args)
    triggers = filtered(triggers, args.triggers_where, "--triggers-where")
    if len(triggers) == 0:
        warnings.warn(f"no triggers in {triggers.name}"
                      + (" after --triggers-where" if args.triggers_where else "")
                      + ": no response can be matched", stacklevel=2)
    return responses, triggers, lags, days
