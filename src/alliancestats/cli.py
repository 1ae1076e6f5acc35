"""Command line: ``alliancestats test`` and ``alliancestats example`` (DESIGN §4)."""

from __future__ import annotations

import argparse
import json
import re
import sys
import warnings
from typing import Any, NoReturn, Sequence

from . import cli_scan
from .coincidence import coincidence_test
from .errors import AllianceStatsError
from .events import EventSeries
from .nulls import NULLS
from .period import Period
from .result import tests_payload
from .window import Window

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, no usage dump
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="alliancestats",
                     description="Do responses follow triggers more often than chance allows?")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    test = sub.add_parser("test", help="test RESPONSES.csv against TRIGGERS.csv")
    _add_data_arguments(test)
    test.add_argument("--null", default="uniform", choices=[*NULLS, "all"])
    test.add_argument("--method", default="auto", choices=["auto", "exact", "monte-carlo"],
                      help="with --null all, nulls with no exact form use Monte Carlo")
    test.add_argument("--alternative", default="greater",
                      choices=["greater", "less", "two-sided"])
    test.add_argument("--distinct", action="store_true", help="uniform null: distinct days")
    test.add_argument("--continuous", action="store_true", help="poisson null: continuous time")
    test.add_argument("--strata", default="year",
                      help="stratified null: year, quarter, month, a response column holding "
                           "calendar periods, or break dates as 2017-01-20,2018-05-08")
    test.add_argument("--drop-outside", action="store_true",
                      help="drop responses outside the period instead of failing")
    test.add_argument("--resamples", type=int, default=9999)
    audit = sub.add_parser("audit", help="every robustness check, one report")
    _add_data_arguments(audit)
    audit.add_argument("--subset-columns", default="",
                       help="trigger columns to split by, comma-separated (e.g. target,instrument)")
    audit.add_argument("--composition", default=None, metavar="COLUMN",
                       help="response attribute to compare between matched and unmatched")
    audit.add_argument("--rate-breaks", default="", metavar="DATES",
                       help="dates that cut the period for the rate comparison, comma-separated")
    audit.add_argument("--max-days", type=int, default=90, help="window sweep [0, h], h <= this")
    audit.add_argument("--resamples", type=int, default=999)
    cli_scan.add_parser(sub)
    example = sub.add_parser("example", help="the Iran-Venezuela case study on bundled data")
    example.add_argument("--slack", type=int, default=3, help="days of slack after 30 days")
    example.add_argument("--audit", action="store_true", help="run the full robustness audit")
    example.add_argument("--seed", type=int, default=0, help="seed for the audit's resamples")
    example.add_argument("--json", action="store_true", help="print one JSON object")
    example.add_argument("--plot", metavar="FILE.png", help="also draw the figures to FILE.png "
                         "(needs the plot extra)")
    return parser


def _plots() -> Any:
    from . import plots

    plt = plots._pyplot()
    plt.switch_backend("Agg")
    return plots


def _add_data_arguments(test: argparse.ArgumentParser) -> None:
    test.add_argument("responses", metavar="RESPONSES.csv")
    cli_scan.add_distinct_days_argument(test)
    test.add_argument("triggers", metavar="TRIGGERS.csv")
    test.add_argument("--start", required=True, help="first day of the period (inclusive)")
    test.add_argument("--end", required=True, help="last day of the period (inclusive)")
    test.add_argument("--window", type=int, help="days after a trigger (window [0, W + slack])")
    test.add_argument("--slack", type=int, default=0, help="extra days added to --window")
    test.add_argument("--lo", type=int, help="smallest lag in days (with --hi)")
    test.add_argument("--hi", type=int, help="largest lag in days (with --lo)")
    test.add_argument("--jitter-days", type=int, default=None, metavar="J",
                      help="jitter null: move each response within ±J days "
                           "(default: twice the window length)")
    test.add_argument("--date-column", default="date")
    test.add_argument("--triggers-where", action="append", default=[], metavar="COLUMN=VALUE",
                      help="keep only triggers whose COLUMN equals VALUE (repeatable)")
    test.add_argument("--responses-where", action="append", default=[], metavar="COLUMN=VALUE",
                      help="keep only responses whose COLUMN equals VALUE (repeatable)")
    test.add_argument("--seed", type=int, default=None)
    test.add_argument("--json", action="store_true", help="print one JSON object")
    test.add_argument("--plot", metavar="FILE.png", help="also draw the figures to FILE.png "
                      "(needs the plot extra)")


def _window(args: argparse.Namespace) -> Window:
    if args.window is not None:
        if args.lo is not None or args.hi is not None:
            raise AllianceStatsError("give either --window (with --slack) or --lo and --hi")
        return Window.after(days=args.window, slack=args.slack)
    if args.lo is None or args.hi is None:
        raise AllianceStatsError("give --window DAYS [--slack S], or both --lo and --hi")
    return Window(args.lo, args.hi)


def _options(null: str, args: argparse.Namespace, window: Window) -> dict[str, Any]:
    strata: Any = args.strata
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}(,\d{4}-\d{2}-\d{2})*", strata):
        strata = strata.split(",")
    jitter = args.jitter_days if args.jitter_days is not None else 2 * window.length
    options = {"uniform": {"distinct": args.distinct},
               "poisson": {"continuous": args.continuous},
               "stratified": {"strata": strata},
               "jitter": {"days": jitter}}
    return options.get(null, {})


def _method(null: str, args: argparse.Namespace) -> str:
    """With ``--null all --method exact``, nulls with no exact form fall back to Monte Carlo."""
    if args.null == "all" and args.method == "exact" and not NULLS[null].has_exact:
        return "monte-carlo"
    return str(args.method)


def _filtered(series: EventSeries, conditions: list[str], flag: str) -> EventSeries:
    for condition in conditions:
        column, sep, value = condition.partition("=")
        if not sep or not column:
            raise AllianceStatsError(f"{flag} must look like COLUMN=VALUE, got {condition!r}")
        if column not in series.columns:
            raise AllianceStatsError(f"{flag}: {series.name} has no column {column!r}; "
                                     f"its columns are {series.columns}")
        values = series.frame[column]
        series = series.select((values.astype(str) == value).to_numpy())
    return series


def _load(args: argparse.Namespace) -> tuple[EventSeries, EventSeries, Window, Period]:
    window = _window(args)
    period = Period(args.start, args.end)
    responses = cli_scan.apply_distinct_days(_filtered(EventSeries.from_csv(
        args.responses, date_column=args.date_column), args.responses_where, "--responses-where"), args)
    triggers = _filtered(EventSeries.from_csv(args.triggers, date_column=args.date_column),
                         args.triggers_where, "--triggers-where")
    return responses, triggers, window, period


def _run_audit(args: argparse.Namespace) -> str:
    from .audit import audit

    responses, triggers, window, period = _load(args)
    report = audit(responses, triggers, window=window, period=period,
                   jitter_days=args.jitter_days, max_days=args.max_days,
                   subset_columns=[c for c in args.subset_columns.split(",") if c],
                   composition_attribute=args.composition,
                   rate_breaks=[d for d in args.rate_breaks.split(",") if d],
                   n_resamples=args.resamples, rng=args.seed)
    if args.plot:
        _plots().save_audit_figure(report, triggers, args.plot)
    return json.dumps(report.to_dict(), indent=2) if args.json else report.text()


def _run_test(args: argparse.Namespace) -> str:
    responses, triggers, window, period = _load(args)
    nulls = list(NULLS) if args.null == "all" else [args.null]
    results = [coincidence_test(responses, triggers, window=window, period=period, null=null,
                                method=_method(null, args),
                                n_resamples=args.resamples, rng=args.seed,
                                alternative=args.alternative, drop_outside=args.drop_outside,
                                **_options(null, args, window))
               for null in nulls]
    if args.plot:
        _plots().save_result_figure(results[0], triggers, args.plot)
    if args.json:
        return json.dumps(tests_payload(results), indent=2)
    return "\n\n".join(res.summary() for res in results)


def _run_example(args: argparse.Namespace) -> str:
    from .casestudy import case_study_report, case_study_results
    from .datasets import CAVEAT, load_iran_venezuela

    if args.audit:
        from .casestudy import case_study_audit

        report = case_study_audit(slack=args.slack, rng=args.seed)
        if args.plot:
            triggers = load_iran_venezuela().independent_sanctions
            _plots().save_audit_figure(report, triggers, args.plot)
        return json.dumps(report.to_dict(), indent=2) if args.json else report.text()
    out = case_study_results(slack=args.slack)
    if args.plot:
        _plots().save_result_figure(out["independent"]["uniform"],
                                    out["case"].independent_sanctions, args.plot)
    if not args.json:
        return case_study_report(slack=args.slack, results=out)
    payload = tests_payload(list(out["independent"].values()))
    study = out["study"]
    payload["triggers"] = "independent list: sanctions with proxy_related=no"
    payload["study_count"] = {"k": study.k, "n": study.n, "triggers": "cited_in_paper=yes",
                              "coverage": study.coverage,
                              "note": "selected on the outcome; not a baseline"}
    payload["coverage"] = out["independent"]["uniform"].coverage
    payload["caveat"] = CAVEAT
    return json.dumps(payload, indent=2)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            run = {"test": _run_test, "audit": _run_audit, "example": _run_example,
                   "scan": cli_scan.run}[args.command]
            text = run(args)
    except AllianceStatsError as exc:
        message = " ".join(str(exc).split())
        print(f"alliancestats: error: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(text)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
