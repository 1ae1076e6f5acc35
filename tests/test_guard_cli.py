"""The guard for the command line: random arguments to every subcommand.

Each run exits 0 or 2 (argparse, too, exits 2); bad input gives one line on stderr
and no traceback; ``--json`` output is strict JSON; warnings are ``warning:`` lines.
"""

import json
import os
import pathlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


FILES = {
    "meetings.csv": "id,date,topic,n\nM1,2019-02-10,a,1\nM2,2019-03-01,b,\nM3,2019-07-04,a,3\n",
    "sanctions.csv": "id,date,target\nS1,2019-01-28,IRN\nS2,2019-02-20,VEN\nS3,2019-10-30,IRN\n",
    "dayfirst.csv": "id,date\nD1,10/02/2019\nD2,01/03/2019\n",
    "empty.csv": "id,date\n",
    "short.csv": "id,date\nX1\n",
    "blank.csv": "",
}
VALUES = {
    "--start": ["2019-01-01", "01/01/2019", "2019", "now"],
    "--end": ["2019-12-31", "31/12/2019", "2018-01-01"],
    "--window": ["30", "0", "-1", "100000000000000000000", "x"],
    "--slack": ["3", "-2"], "--lo": ["-5", "0"], "--hi": ["10", "-10"],
    "--null": ["uniform", "poisson", "stratified", "jitter", "episode-jitter", "circular",
               "shuffle-triggers", "all", "nope"],
    "--statistic": ["matches", "pairs", "trigger-rate", "ratio"], "--gap": ["3", "-1"],
    "--codes": ["04", "042,043", "99x"], "--trigger-codes": ["163", "x"],
    "--countries": ["name", "iso3", "nope"], "--unknown-countries": ["raise", "missing"],
    "--min-days": ["1", "2", "0"], "--top": ["3", "-1"],
    "--method": ["auto", "exact", "monte-carlo"], "--alternative": ["greater", "two-sided"],
    "--resamples": ["20", "0"], "--seed": ["1", "-1"], "--jitter-days": ["5", "-3"],
    "--strata": ["year", "topic", "2019-06-01", "nope"],
    "--date-column": ["date", "day"], "--response-date-column": ["date", "day"],
    "--trigger-date-column": ["date"], "--id-column": ["id", "nope"],
    "--date-format": ["%d/%m/%Y", "excel", "%Y"], "--precision": ["month", "year", "week"],
    "--triggers-where": ["target=IRN", "target=3", "nope=1", "target"],
    "--responses-where": ["n=3", "n=x", "topic=a"],
    "--subset-columns": ["target", "nope"], "--composition": ["topic", "nope"],
    "--rate-breaks": ["2019-06-01", "2030-01-01", "x"], "--max-days": ["3", "-1"],
    "--plot": ["{dir}/missing/x.png", "{dir}/x.nope"],
    "--primary-null": ["stratified", "jitter", "episode-jitter", "circular", "poisson", "nope"],
    "--primary-statistic": ["pairs", "matches", "trigger-rate", "x"],
    "--alpha": ["0.05", "1.5", "x"], "--placebo-step": ["30", "0", "5000"],
    "--placebo-min": ["60", "-1"], "--placebo-max": ["90", "10"],
    "--sensitivity-attribute": ["topic", "nope"], "--move-days": ["2", "0", "100000"],
}
SWITCHES = ["--distinct", "--continuous", "--drop-outside", "--json", "--dayfirst", "--monthfirst"]
SCAN_SWITCHES = ["--distinct", "--json", "--reverse"]
EVENTS = pathlib.Path(__file__).resolve().parent / "data" / "icews_sample.tab"
COMMON = ["--start", "--end", "--window", "--slack", "--lo", "--hi", "--jitter-days",
          "--date-column", "--response-date-column", "--trigger-date-column", "--id-column",
          "--date-format", "--precision", "--triggers-where", "--responses-where", "--seed",
          "--plot"]
ONLY = {"test": ["--null", "--method", "--alternative", "--resamples", "--strata", "--statistic",
                 "--gap"],
        "audit": ["--subset-columns", "--composition", "--rate-breaks", "--max-days", "--resamples",
                  "--primary-null", "--primary-statistic", "--strata", "--gap", "--alpha",
                  "--placebo-step", "--placebo-min", "--placebo-max", "--sensitivity-attribute",
                  "--move-days"]}
SCAN = ["--null", "--alternative", "--strata", "--jitter-days", "--gap", "--codes",
        "--trigger-codes", "--countries", "--unknown-countries", "--min-days", "--top", "--start",
        "--window", "--lo"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli_guard")
    for name, text in FILES.items():
        (path / name).write_text(text)
    (path / "folder.csv").mkdir()
    return path


@st.composite
def argv(draw, folder):
    command = draw(st.sampled_from(["test", "test", "test", "audit", "example", "scan"]))
    if command == "scan":
        args = ["scan", str(EVENTS), "--preset", "icews", "--trigger-actor", "USA",
                "--start", "2015-01-01", "--end", "2015-03-31", "--window", "30"]
        for flag in draw(st.lists(st.sampled_from(SCAN), max_size=3, unique=True)):
            args += [flag, draw(st.sampled_from(VALUES[flag]))]
        return args + draw(st.lists(st.sampled_from(SCAN_SWITCHES), max_size=2, unique=True))
    if command == "example":
        args = ["example"] + draw(st.lists(st.sampled_from(["--json", "--audit", "--seed=2",
                                                           "--slack=-1"]), max_size=2, unique=True))
        return args if "--audit" not in args else [a for a in args if a != "--audit"]
    files = st.sampled_from([*FILES, "folder.csv", "missing.csv"])
    good = draw(st.booleans())
    responses = "meetings.csv" if good else draw(files)
    triggers = "sanctions.csv" if good else draw(files)
    args = [command, str(folder / responses), str(folder / triggers),
            "--start", "2019-01-01", "--end", "2019-12-31", "--window", "30"]
    flags = draw(st.lists(st.sampled_from(COMMON + ONLY[command]), max_size=3, unique=True))
    for flag in flags:
        args += [flag, draw(st.sampled_from(VALUES[flag])).format(dir=folder)]
    args += draw(st.lists(st.sampled_from(SWITCHES), max_size=2, unique=True))
    if command == "audit":
        args += ["--max-days", "2", "--resamples", "9"]
    return args


@pytest.mark.filterwarnings("ignore")
def test_command_line_guard(folder, run_cli):
    @settings(max_examples=min(40, settings.default.max_examples), deadline=None, database=None,
              derandomize=bool(os.environ.get("CI")),
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(argv(folder))
    def run(args):
        code, out, err = run_cli(args)
        assert code in (0, 2), (args, code, err)
        assert "Traceback" not in err
        if code == 2:
            assert out == "" and err.count("\n") == 1, (args, err)
            return
        assert all(line.startswith("warning: ") for line in err.splitlines()), (args, err)
        if "--json" in args:
            json.loads(out, parse_constant=lambda c: pytest.fail(f"bare {c} in --json output"))

    run()
