"""Command line: ``alliancestats test``, ``audit``, ``scan`` and ``example``.

Bad input exits with code 2 and one line on stderr naming the file, row and
field (or the flag); warnings go to stderr, one line each, prefixed
``warning:``. ``--json`` output is strict JSON: numbers that are not finite are
``null`` and ``null_reasons`` says why.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from typing import Any, NoReturn, Sequence

from . import _cli_input as cli_input
from . import cli_scan
from ._cli_input import dump, flags
from .coincidence import coincidence_test
from .errors import AllianceStatsError
from .nulls import EXACT, NULLS
from .result import tests_payload
from .audit.analysis import PRIMARY_STATISTIC
from .statistics import STATISTICS

EXIT_BAD_INPUT = 2
_NULL_CHOICES = [*NULLS, "all"]
_STRATA_HELP = ("stratified null: year (default), quarter, month, a response column holding "
                "calendar periods, or break dates as 2017-01-20,2018-05-08")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, no usage dump
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("alliancestats")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        from . import __version__

        return __version__


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="alliancestats",
                     description="Do responses follow triggers more often than chance allows?")
    parser.add_argument("--version", action="version", version=f"alliancestats {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    test = sub.add_parser("test", help="test RESPONSES.csv against TRIGGERS.csv")
    _add_data_arguments(test)
    cli_input.add_null_arguments(test, _NULL_CHOICES, strata_help=_STRATA_HELP)
    test.add_argument("--statistic", default="matches", choices=list(STATISTICS),
                      help="matches: responses with a trigger in the window (K, default); "
                           "pairs: (trigger day, response) pairs in the window (S); "
                           "trigger-rate: share of trigger days followed by a response (R)")
    test.add_argument("--method", default="auto", choices=["auto", "exact", "monte-carlo"],
                      help="with --null all, nulls with no exact form use Monte Carlo")
    test.add_argument("--resamples", type=int, default=None,
                      help="Monte Carlo draws (default 9999); only for Monte Carlo tests")
    test.add_argument("--progress", action="store_true",
                      help="show a progress bar over the Monte Carlo draws on standard error "
                           "even when it is not a terminal (needs the progress extra; on a "
                           "terminal a bar shows anyway when tqdm is installed)")
    audit = sub.add_parser("audit", help="a declared primary analysis, every check under it, "
                                         "and a verdict")
    _add_data_arguments(audit)
    audit.add_argument("--primary-null", default=None, choices=list(NULLS),
                       help="declare the primary analysis's null (default: chosen by diagnose "
                            "from the dates, before any p-value)")
    audit.add_argument("--primary-statistic", default=None, choices=list(STATISTICS),
                       help="the primary analysis's statistic (with --primary-null; default "
                            f"{PRIMARY_STATISTIC})")
    cli_input.add_option_arguments(audit, NULLS, strata_help="stratified primary null: " +
                                   _STRATA_HELP.split(": ", 1)[1])
    audit.add_argument("--alpha", type=float, default=0.05, help="level of the verdict")
    audit.add_argument("--progress", action="store_true",
                       help="show a progress bar over the audit's checks on standard error "
                            "even when it is not a terminal (needs the progress extra; on a "
                            "terminal a bar shows anyway when tqdm is installed)")
    audit.add_argument("--placebo-step", type=int, default=None, metavar="DAYS",
                       help="placebo shifts are multiples of this (default: window length)")
    audit.add_argument("--placebo-min", type=int, default=60, metavar="DAYS",
                       help="smallest placebo shift (default 60)")
    audit.add_argument("--placebo-max", type=int, default=None, metavar="DAYS",
                       help="largest placebo shift (default: while half the list stays in reach)")
    audit.add_argument("--sensitivity-attribute", default=None, metavar="COLUMN",
                       help="rerun the primary test without each level of this response column")
    audit.add_argument("--move-days", type=int, default=None, metavar="D",
                       help="bound the primary p-value over every move of the response dates by "
                            "up to D days")
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
    example.add_argument("--audit", action="store_true", help="print the full audit")
    example.add_argument("--seed", type=int, default=None,
                         help="seed for the audit's Monte Carlo steps (default 0)")
    example.add_argument("--json", action="store_true", help="print one JSON object")
    example.add_argument("--plot", metavar="FILE.png", help="also draw the figures to FILE.png "
                         "(needs the plot extra)")
    return parser


def _add_data_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("responses", metavar="RESPONSES.csv")
    cli_input.add_distinct_days_argument(command)
    command.add_argument("triggers", metavar="TRIGGERS.csv")
    cli_input.add_period_window_arguments(command)
    command.add_argument("--date-column", default=None,
                         help="date column of both files (default 'date')")
    command.add_argument("--response-date-column", default=None, metavar="COLUMN")
    command.add_argument("--trigger-date-column", default=None, metavar="COLUMN")
    command.add_argument("--id-column", default=None, metavar="COLUMN",
                         help="response column that names each response in the output")
    command.add_argument("--date-format", default=None, metavar="FORMAT",
                         help="strftime format of every date in both files (e.g. %%d/%%m/%%Y, "
                              "%%Y%%m%%d), or 'excel' for Excel serial days")
    order = command.add_mutually_exclusive_group()
    order.add_argument("--dayfirst", action="store_true",
                       help="read dates like 02/03/2014 day first (2 March), in the files and "
                            "in --start/--end")
    order.add_argument("--monthfirst", action="store_true",
                       help="read dates like 02/03/2014 month first (3 February)")
    command.add_argument("--precision", default=None, choices=["month", "year"],
                         help="allow dates without a day (2019-03) or month (2019), placed on "
                              "the first day of the month or year")
    command.add_argument("--triggers-where", action="append", default=[], metavar="COLUMN=VALUE",
                         help="keep only triggers whose COLUMN equals VALUE (repeatable; numbers "
                              "compare as numbers in numeric columns, text exactly)")
    command.add_argument("--responses-where", action="append", default=[], metavar="COLUMN=VALUE",
                         help="keep only responses whose COLUMN equals VALUE (repeatable)")
    command.add_argument("--drop-outside", action="store_true",
                         help="drop responses outside the period instead of failing")
    command.add_argument("--seed", type=int, default=None)
    command.add_argument("--json", action="store_true", help="print one JSON object")
    command.add_argument("--plot", metavar="FILE.png", help="also draw the figures to FILE.png "
                         "(needs the plot extra); with several nulls (--null all), one file "
                         "per null, FILE-NULL.png")


def _plots(path: str | None) -> Any:
    """The plots module, after checking that ``path`` can take a figure (before any work)."""
    if path is None:
        return None
    from . import plots

    with flags():
        plots.check_figure_path(path, argument="plot")
    plots._pyplot().switch_backend("Agg")
    return plots


def _method(null: str, args: argparse.Namespace) -> str:
    """With ``--null all --method exact``, nulls with no exact form for the statistic fall
    back to Monte Carlo."""
    if args.null == "all" and args.method == "exact" and (null, args.statistic) not in EXACT:
        return "monte-carlo"
    return str(args.method)


def _run_test(args: argparse.Namespace) -> str:
    cli_input.check_option_flags(args, args.statistic)
    plots = _plots(args.plot)
    responses, triggers, window, period = cli_input.load(args)
    resamples = args.resamples if args.resamples is not None else 9999
    with flags():
        results = [coincidence_test(responses, triggers, window=window, period=period, null=null,
                                    method=_method(null, args), n_resamples=resamples,
                                    rng=args.seed, alternative=args.alternative,
                                    statistic=args.statistic, drop_outside=args.drop_outside,
                                    progress=True if args.progress else None,
                                    **cli_input.null_options(null, args, window))
                   for null in cli_input.chosen_nulls(args)]
    if plots is not None:
        plots.save_result_figures(results, triggers, args.plot)
    if args.json:
        return dump(tests_payload(results))
    return "\n\n".join(res.summary() for res in results)


def _primary(args: argparse.Namespace, window: Any) -> Any:
    """The primary analysis the flags declare, or None (diagnose chooses)."""
    from .audit import Analysis

    if args.primary_null is None:
        if args.primary_statistic is not None:
            raise AllianceStatsError("--primary-statistic needs --primary-null (without both, "
                                     "diagnose chooses the primary analysis)")
        cli_input.check_options_apply(args, [], "--primary-null",
                                      "none (chosen by diagnose)")
        return None
    cli_input.check_options_apply(args, [args.primary_null], "--primary-null", args.primary_null)
    with flags(null="--primary-null", statistic="--primary-statistic"):
        return Analysis(args.primary_null, args.primary_statistic or PRIMARY_STATISTIC, window,
                        cli_input.null_options(args.primary_null, args, window))


def _run_audit(args: argparse.Namespace) -> str:
    from .audit import audit

    plots = _plots(args.plot)
    responses, triggers, window, period = cli_input.load(args)
    primary = _primary(args, window)
    with flags():
        report = audit(responses, triggers, window=window, period=period, primary=primary,
                       alpha=args.alpha, placebo_step=args.placebo_step,
                       placebo_min=args.placebo_min, placebo_max=args.placebo_max,
                       sensitivity_attribute=args.sensitivity_attribute,
                       move_days=args.move_days, max_days=args.max_days,
                       subset_columns=[c for c in args.subset_columns.split(",") if c],
                       composition_attribute=args.composition,
                       rate_breaks=[d for d in args.rate_breaks.split(",") if d],
                       n_resamples=args.resamples, rng=args.seed,
                       drop_outside=args.drop_outside,
                       progress=True if args.progress else None)
    if plots is not None:
        plots.save_audit_figure(report, triggers, args.plot)
    return dump(report.to_dict()) if args.json else report.text()


def _run_example(args: argparse.Namespace) -> str:
    from .casestudy import case_study_audit, case_study_report, case_study_results, \
        case_study_summary
    from .datasets import load_iran_venezuela

    plots = _plots(args.plot)
    seed = 0 if args.seed is None else args.seed
    if args.audit:
        with flags(slack="--slack", rng="--seed"):
            report = case_study_audit(slack=args.slack, rng=seed)
        if plots is not None:
            plots.save_audit_figure(report, load_iran_venezuela().independent_sanctions, args.plot)
        return dump(report.to_dict()) if args.json else report.text()
    with flags(slack="--slack", rng="--seed"):
        out = case_study_results(slack=args.slack, rng=seed)
    if plots is not None:
        plots.save_result_figure(out["report"].result, out["case"].independent_sanctions,
                                 args.plot)
    return dump(case_study_summary(out)) if args.json else case_study_report(results=out)


def _warn_lines(caught: list[warnings.WarningMessage]) -> list[str]:
    lines: list[str] = []
    for item in caught:
        line = "warning: " + " ".join(str(item.message).split())
        if line not in lines:
            lines.append(line)
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    run = {"test": _run_test, "audit": _run_audit, "example": _run_example,
           "scan": cli_scan.run}[args.command]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            text = run(args)
        except AllianceStatsError as exc:
            message = " ".join(str(exc).split())
            print(f"alliancestats: error: {message}", file=sys.stderr)
            return EXIT_BAD_INPUT
    for line in _warn_lines(caught):
        print(line, file=sys.stderr)
    print(text)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
