"""``alliancestats scan``: every dyad of an event file against an actor's triggers.

The period, window and null flags are the ones ``alliancestats test`` has (defined once,
in :mod:`alliancestats._cli_input`).
"""

from __future__ import annotations

import argparse
import contextlib
from typing import Any, Iterator

from . import _cli_input as cli_input
from ._cli_input import flags
from .errors import AllianceStatsError
from .io.presets import PRESETS
from .io.table import EventTable
from .scanning import ENGINES, SCAN_NULLS, scan
from .scanning.engines import choose_engine, resolve

_STRATA_HELP = ("stratified null: year (default), quarter, month or break dates as "
                "2017-01-20,2018-05-08")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``scan`` to the command line's subcommands."""
    parser = subparsers.add_parser(
        "scan", help="scan every dyad of an event file against an actor's triggers")
    parser.add_argument("events", metavar="EVENTS", nargs="+",
                        help="event files (CSV, tab-separated or Parquet): files, folders or "
                             "quoted globs ('gdelt/*.parquet')")
    parser.add_argument("--engine", choices=["auto", *ENGINES], default="auto",
                        help="where the rows are reduced: pandas (in memory), duckdb (out of "
                             "core), dask (a cluster); auto: pandas when the files fit in "
                             "memory, else duckdb")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="with --engine dask: the address of a running Dask scheduler "
                             "(tcp://host:8786); default: Dask's own threads in this process")
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
    engine = None if args.engine == "auto" else args.engine
    if args.scheduler is not None and engine != "dask":
        raise AllianceStatsError("--scheduler applies only with --engine dask")
    events = args.events[0] if len(args.events) == 1 else args.events
    reading = dict(preset=preset, countries=args.countries, unknown=args.unknown_countries)
    with flags(min_days="--min-days", trigger_actor="--trigger-actor", codes="--codes",
               trigger_codes="--trigger-codes", countries="--countries", engine="--engine",
               table="EVENTS"):
        source = resolve(events)
        if len(source.files) == 1 and choose_engine(source, engine) == "pandas":
            # one file in memory: read as an EventTable, so errors name their lines
            events, reading = EventTable.read(source.files[0], **reading), {}
        with _client(args.scheduler):
            result = scan(events, window=window, period=period, null=args.null,
                          codes=_codes(args.codes), trigger_actor=args.trigger_actor,
                          trigger_codes=_codes(args.trigger_codes), reverse=args.reverse,
                          alternative=args.alternative, min_days=args.min_days, engine=engine,
                          **reading, **cli_input.null_options(args.null, args, window))
    unknown = result.unknown_countries
    if args.json:
        payload = result.to_dict()
        payload["events"] = {"file": args.events[0] if len(args.events) == 1 else args.events,
                             "rows": result.input_rows,
                             "unknown_countries": payload.pop("unknown_countries")}
        return cli_input.dump(payload)
    note = ""
    if unknown is not None and len(unknown):
        rows = int(unknown["rows"].sum())
        note = f"\n\n{rows} event rows had unknown countries, kept as missing: " + ", ".join(
            f"{r.value!r} ({r.rows})" for r in unknown.itertuples())
    return result.summary(top=args.top) + note


@contextlib.contextmanager
def _client(address: str | None) -> Iterator[None]:
    """A ``distributed.Client`` connected to ``address`` for the duration, if given."""
    if address is None:
        yield
        return
    try:
        from distributed import Client
    except ImportError:
        raise AllianceStatsError("--scheduler needs dask's distributed scheduler; install the "
                                 "extra: pip install 'alliancestats[dask]'") from None
    try:
        client = Client(address, timeout="30s")
    except OSError as exc:
        raise AllianceStatsError(f"--scheduler: cannot reach a Dask scheduler at {address!r} "
                                 f"({exc})") from None
    with client:
        yield
