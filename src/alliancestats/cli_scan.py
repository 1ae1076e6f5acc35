"""``alliancestats scan``: every dyad of an event file against an actor's triggers.

The period, window and null flags are the ones ``alliancestats test`` has (defined once,
in :mod:`alliancestats._cli_input`).
"""

from __future__ import annotations

import argparse
from typing import Any

from . import _cli_input as cli_input
from ._cli_input import flags
from .io.presets import PRESETS
from .io.table import EventTable
from .scanning import SCAN_NULLS, scan

_STRATA_HELP = ("stratified null: year (default), quarter, month or break dates as "
                "2017-01-20,2018-05-08")


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
    cli_input.add_period_window_arguments(parser)
    cli_input.add_null_arguments(parser, SCAN_NULLS, strata_help=_STRATA_HELP)
    parser.add_argument("--reverse", action="store_true",
                        help="reverse question: do the actor's events follow each dyad's events?")
    parser.add_argument("--min-days", type=int, default=1, help="leave out dyads with fewer days")
    parser.add_argument("--top", type=int, default=20, help="dyads shown in the text report")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def _codes(text: str | None) -> list[str] | None:
    return None if text is None else [c.strip() for c in text.split(",") if c.strip()]


def run(args: argparse.Namespace) -> str:
    """Run ``alliancestats scan``; the text report or, with ``--json``, one JSON object."""
    cli_input.check_option_flags(args)
    window = cli_input.window(args)
    period = cli_input.period(args)
    preset = PRESETS[args.preset] if args.preset is not None else None
    with flags(min_days="--min-days", trigger_actor="--trigger-actor", codes="--codes",
               trigger_codes="--trigger-codes", countries="--countries"):
        table = EventTable.read(args.events, preset=preset, countries=args.countries,
                                unknown=args.unknown_countries)
        result = scan(table, window=window, period=period, null=args.null,
                      codes=_codes(args.codes), trigger_actor=args.trigger_actor,
                      trigger_codes=_codes(args.trigger_codes), reverse=args.reverse,
                      alternative=args.alternative, min_days=args.min_days,
                      **cli_input.null_options(args.null, args, window))
    if args.json:
        payload = result.to_dict()
        payload["events"] = {"file": args.events, "rows": len(table),
                             "unknown_countries": table.unknown_countries.to_dict("records")}
        return cli_input.dump(payload)
    note = ""
    if len(table.unknown_countries):
        rows = int(table.unknown_countries["rows"].sum())
        note = f"\n\n{rows} event rows had unknown countries, kept as missing: " + ", ".join(
            f"{r.value!r} ({r.rows})" for r in table.unknown_countries.itertuples())
    return result.summary(top=args.top) + note
