"""``alliancestats scan``: every dyad of an event file against an actor's triggers.

Also the one-per-day rule of the command line (``--distinct-days``, on by default),
shared with :meth:`alliancestats.EventTable.dyad_series`.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from .events import EventSeries
from .io.presets import PRESETS
from .io.table import EventTable
from .period import Period
from .scanning import SCAN_NULLS, scan
from .window import Window

DISTINCT_DAYS_HELP = ("count one response per day, as EventTable.dyad_series does (default: on; "
                      "--no-distinct-days counts every row)")


def add_distinct_days_argument(parser: argparse.ArgumentParser) -> None:
    """``--distinct-days/--no-distinct-days`` (default on) for commands that read responses."""
    parser.add_argument("--distinct-days", action=argparse.BooleanOptionalAction, default=True,
                        help=DISTINCT_DAYS_HELP)


def apply_distinct_days(responses: EventSeries, args: argparse.Namespace) -> EventSeries:
    """Responses counted as the command line's ``--distinct-days`` says."""
    return responses.distinct_days() if getattr(args, "distinct_days", True) else responses


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``scan`` to the command line's subcommands."""
    parser = subparsers.add_parser(
        "scan", help="scan every dyad of an event file against an actor's triggers")
    parser.add_argument("events", metavar="EVENTS", help="event file (CSV, tab-separated or Parquet)")
    parser.add_argument("--preset", choices=sorted(PRESETS), default=None,
                        help="published layout of EVENTS (icews, gdelt1, gdelt2, polecat, us_travels)")
    parser.add_argument("--countries", default=None, metavar="SCHEME",
                        help="country scheme: name, iso3, iso2, fips, cameo, cow, iso-numeric "
                             "(default: the preset's)")
    parser.add_argument("--unknown-countries", choices=["raise", "missing"], default="raise")
    parser.add_argument("--trigger-actor", required=True, help="the actor whose events are triggers")
    parser.add_argument("--codes", default=None,
                        help="response codes, comma-separated (default: the code system's meetings)")
    parser.add_argument("--trigger-codes", default=None,
                        help="trigger codes, comma-separated (default: the code system's sanctions)")
    parser.add_argument("--start", required=True, help="first day of the period (inclusive)")
    parser.add_argument("--end", required=True, help="last day of the period (inclusive)")
    parser.add_argument("--window", type=int, help="days after a trigger (window [0, W + slack])")
    parser.add_argument("--slack", type=int, default=0, help="extra days added to --window")
    parser.add_argument("--lo", type=int, help="smallest lag in days (with --hi)")
    parser.add_argument("--hi", type=int, help="largest lag in days (with --lo)")
    parser.add_argument("--null", choices=list(SCAN_NULLS), default="uniform")
    parser.add_argument("--jitter-days", type=int, default=None, metavar="J",
                        help="jitter null: move each response within ±J days "
                             "(default: twice the window length)")
    parser.add_argument("--strata", default="year",
                        help="stratified null: year, quarter, month or break dates as "
                             "2017-01-20,2018-05-08")
    parser.add_argument("--alternative", default="greater", choices=["greater", "less", "two-sided"])
    parser.add_argument("--reverse", action="store_true",
                        help="reverse question: do the actor's events follow each dyad's events?")
    parser.add_argument("--min-days", type=int, default=1, help="leave out dyads with fewer days")
    parser.add_argument("--top", type=int, default=20, help="dyads shown in the text report")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def _codes(text: str | None) -> list[str] | None:
    return None if text is None else [c.strip() for c in text.split(",") if c.strip()]


def _null_options(args: argparse.Namespace, window: Window) -> dict[str, Any]:
    if args.null == "jitter":
        return {"days": args.jitter_days if args.jitter_days is not None else 2 * window.length}
    if args.null == "stratified":
        strata: Any = args.strata
        return {"strata": strata.split(",") if strata[:1].isdigit() else strata}
    return {}


def run(args: argparse.Namespace) -> str:
    """Run ``alliancestats scan``; the text report or, with ``--json``, one JSON object."""
    from .cli import _window

    window = _window(args)
    period = Period(args.start, args.end)
    preset = PRESETS[args.preset] if args.preset is not None else None
    table = EventTable.read(args.events, preset=preset, countries=args.countries,
                            unknown=args.unknown_countries)
    result = scan(table, window=window, period=period, null=args.null, codes=_codes(args.codes),
                  trigger_actor=args.trigger_actor, trigger_codes=_codes(args.trigger_codes),
                  reverse=args.reverse, alternative=args.alternative, min_days=args.min_days,
                  **_null_options(args, window))
    if args.json:
        payload = result.to_dict()
        payload["events"] = {"file": args.events, "rows": len(table),
                             "unknown_countries": table.unknown_countries.to_dict("records")}
        return json.dumps(payload, indent=2)
    note = ""
    if len(table.unknown_countries):
        rows = int(table.unknown_countries["rows"].sum())
        note = f"\n\n{rows} event rows had unknown countries, kept as missing: " + ", ".join(
            f"{r.value!r} ({r.rows})" for r in table.unknown_countries.itertuples())
    return result.summary(top=args.top) + note
