"""The command line: warnings shown, flags that do not apply refused, errors that name flags."""

import json

import pytest

import alliancestats as als
from alliancestats.nulls import EXACT, NULLS

MEETINGS = ("meeting_id,date,topic,n\nM1,2019-02-10,a,1\nM2,2019-03-01,b,\nM3,2019-07-04,a,3\n"
            "M4,2019-11-11,c,3\n")
SANCTIONS = "sanction_id,day,target,flag\nS1,2019-01-28,IRN,True\nS2,2019-02-20,VEN,False\nS3,2019-10-30,IRN,True\n"
BASE = ["--start", "2019-01-01", "--end", "2019-12-31", "--window", "30"]


@pytest.fixture
def files(tmp_path):
    paths = tmp_path / "m.csv", tmp_path / "s.csv"
    for path, text in zip(paths, (MEETINGS, SANCTIONS)):
        path.write_text(text)
    return tuple(map(str, paths))


def _test(files, *extra):
    return ["test", *files, *BASE, "--trigger-date-column", "day", *extra]


def _error(run_cli, argv, *pieces):
    code, out, err = run_cli(argv)
    assert code == 2 and out == "" and err.count("\n") == 1 and "Traceback" not in err, (argv, err)
    for piece in pieces:
        assert piece in err, (piece, err)
    return err


def test_warnings_go_to_stderr(files, run_cli, tmp_path):
    empty = tmp_path / "none.csv"
    empty.write_text("sanction_id,day\n")
    code, out, err = run_cli(["test", files[0], str(empty), *BASE, "--trigger-date-column", "day"])
    assert code == 0 and "p-value" in out
    lines = err.splitlines()
    assert lines and all(line.startswith("warning: ") for line in lines)
    assert any("no triggers in none.csv" in line for line in lines)
    code, out, err = run_cli(_test(files, "--triggers-where", "target=XXX"))
    assert code == 0 and "keeps no row" in err and "IRN" in err


@pytest.mark.parametrize("extra,pieces", [
    (["--continuous"], ["--continuous applies only to --null poisson", "uniform"]),
    (["--null", "poisson", "--distinct"], ["--distinct applies only to --null uniform"]),
    (["--strata", "month"], ["--strata applies only to --null stratified"]),
    (["--jitter-days", "5", "--null", "circular"], ["--jitter-days applies only to --null jitter"]),
    (["--resamples", "50"], ["--resamples applies only to Monte Carlo"]),
    (["--seed", "1", "--null", "poisson"], ["--seed applies only to Monte Carlo"]),
    (["--gap", "3", "--null", "jitter"], ["--gap applies only to --null episode-jitter"]),
    (["--statistic", "pairs", "--resamples", "50"], ["--resamples applies only to Monte Carlo",
                                                     "--statistic pairs"]),
])
def test_options_that_do_not_apply_are_refused(files, run_cli, extra, pieces):
    _error(run_cli, _test(files, *extra), *pieces)


def test_options_that_apply_are_accepted(files, run_cli):
    for extra in (["--null", "all", "--continuous", "--resamples", "30", "--seed", "1"],
                  ["--method", "monte-carlo", "--resamples", "30", "--seed", "2"],
                  ["--null", "shuffle-triggers", "--resamples", "30", "--seed", "3"]):
        code, out, err = run_cli(_test(files, "--json", *extra))
        assert code == 0 and json.loads(out)["k"] == 3, (extra, err)


def test_statistic_flag_is_coincidence_tests_option(files, run_cli):
    responses = als.EventSeries.from_csv(files[0])
    triggers = als.EventSeries.from_csv(files[1], date_column="day")
    args = dict(window=als.Window.after(days=30), period=als.Period("2019-01-01", "2019-12-31"))
    for statistic, extra in (("pairs", []), ("trigger-rate", ["--resamples", "99", "--seed", "5"])):
        code, out, err = run_cli(_test(files, "--json", "--statistic", statistic, *extra))
        assert code == 0, err
        test = json.loads(out)["tests"][0]
        api = als.coincidence_test(responses, triggers, statistic=statistic, n_resamples=99,
                                   rng=5, **args)
        assert (test["statistic"], test["statistic_value"], test["pvalue"]) == \
            (statistic, api.statistic, api.pvalue)
        code, out, _ = run_cli(_test(files, "--statistic", statistic, *extra))
        assert code == 0 and api.summary().splitlines()[0] in out
    # --null all --method exact: the nulls with no exact trigger-rate fall back to Monte Carlo;
    # episode-jitter, which refuses the trigger rate, is left out
    code, out, err = run_cli(_test(files, "--json", "--null", "all", "--method", "exact",
                                   "--statistic", "trigger-rate", "--resamples", "20"))
    assert code == 0, err
    assert {t["null"]: t["method"] for t in json.loads(out)["tests"]} == {
        null: "exact" if (null, "trigger-rate") in EXACT else "monte-carlo" for null in NULLS
        if null != "episode-jitter"}


def test_episode_jitter_takes_jitter_days_and_gap(files, run_cli):
    responses = als.EventSeries.from_csv(files[0])
    triggers = als.EventSeries.from_csv(files[1], date_column="day")
    window, period = als.Window.after(days=30), als.Period("2019-01-01", "2019-12-31")
    for extra, options in (([], dict(days=2 * window.length)),
                           (["--jitter-days", "20", "--gap", "40"], dict(days=20, gap=40))):
        code, out, err = run_cli(_test(files, "--json", "--null", "episode-jitter", *extra))
        api = als.coincidence_test(responses, triggers, window=window, period=period,
                                   null="episode-jitter", **options)
        assert code == 0 and json.loads(out)["tests"][0]["pvalue"] == api.pvalue, err
    code, out, _ = run_cli(_test(files, "--json", "--null", "all", "--jitter-days", "20"))
    by_null = {t["null"]: t for t in json.loads(out)["tests"]}
    assert by_null["episode-jitter"]["pvalue"] == als.coincidence_test(
        responses, triggers, window=window, period=period, null="episode-jitter",
        days=20).pvalue


def test_date_and_id_columns(files, run_cli):
    code, out, _ = run_cli(_test(files, "--json", "--id-column", "meeting_id"))
    assert code == 0 and json.loads(out)["n"] == 4
    _error(run_cli, ["test", *files, *BASE, "--date-column", "date", "--trigger-date-column", "day"],
           "--date-column sets both", "--trigger-date-column")
    _error(run_cli, ["test", *files, *BASE], "s.csv", "no column 'date'", "'day'")
    _error(run_cli, _test(files, "--id-column", "nope"), "--id-column 'nope'")
    with open(files[0], "a") as fh:
        fh.write("M5,2020-02-01,a,1\n")
    _error(run_cli, _test(files, "--id-column", "meeting_id"), "M5", "line 6", "--drop-outside")
    code, out, _ = run_cli(_test(files, "--json", "--drop-outside"))
    assert code == 0 and json.loads(out)["n"] == 4


def test_version(run_cli):
    code, out, _ = run_cli(["--version"])
    assert code == 0 and out.strip() == f"alliancestats {als.__version__}"


def test_library_parameters_become_flags(files, run_cli):
    _error(run_cli, _test(files, "--method", "monte-carlo", "--resamples", "0"),
           "--resamples must be >= 1")
    _error(run_cli, ["test", *files, "--start", "2019", "--end", "2019-12-31", "--window", "3"],
           "--start", "--precision")
    _error(run_cli, ["test", *files, *BASE[:4], "--window", "100000000000000000000"], "--window")
    _error(run_cli, ["test", *files, *BASE[:4], "--lo", "0", "--hi", "3", "--slack", "2"],
           "--slack applies only with --window")


def test_where_values_compare_as_the_columns_type(files, run_cli):
    def k(*conditions):
        argv = _test(files, "--json")
        for c in conditions:
            argv += ["--responses-where" if c.split("=")[0] in ("n", "topic") else
                     "--triggers-where", c]
        code, out, err = run_cli(argv)
        assert code == 0, err
        return json.loads(out)["n"], json.loads(out)["k"]

    assert k("n=3") == (2, 1)          # the blank cell makes n a float column: 3 matches 3.0
    assert k("n=3.0") == (2, 1)
    assert k("topic=a") == (2, 1)
    assert k("flag=true")[1] == 2      # true/false column
    _error(run_cli, _test(files, "--responses-where", "n=three"), "--responses-where",
           "column 'n' holds numbers")
    _error(run_cli, _test(files, "--triggers-where", "flag=yes"), "holds true/false")
    _error(run_cli, _test(files, "--responses-where", "topic"), "COLUMN=VALUE")


def test_day_first_files(files, run_cli, tmp_path):
    m = tmp_path / "dm.csv"
    m.write_text("meeting_id,date\nM1,10/02/2019\nM2,01/03/2019\nM3,04/07/2019\nM4,11/11/2019\n")
    iso = run_cli(_test(files, "--json"))[1]
    _error(run_cli, ["test", str(m), files[1], *BASE, "--trigger-date-column", "day"],
           "dm.csv", "--dayfirst", "--monthfirst", "lines 2, 3, 4")
    code, out, _ = run_cli(["test", str(m), files[1], *BASE, "--trigger-date-column", "day",
                         "--dayfirst", "--json"])
    assert code == 0 and json.loads(out) == json.loads(iso)
    code, out, _ = run_cli(["test", str(m), files[1], "--start", "01/01/2019", "--end", "31/12/2019",
                         "--window", "30", "--trigger-date-column", "day", "--dayfirst", "--json"])
    assert code == 0 and json.loads(out)["period"] == {"start": "2019-01-01", "end": "2019-12-31"}
    _error(run_cli, ["test", str(m), files[1], *BASE, "--dayfirst", "--monthfirst"],
           "not allowed with")


@pytest.mark.parametrize("content,pieces", [
    ("meeting_id,date\nM1,2019-02-10\nM2\n", ["m.csv", "line 3: row has 1 field", "header"]),
    ("meeting_id,date\n\nM1,2019-02-10\n\nM2,soon\n", ["m.csv", "line 5", "'soon'"]),
    ("meeting_id,date,date\nM1,2019-02-10,2019-02-11\n", ["m.csv", "'date' twice"]),
])
def test_file_errors_name_file_line_and_field(files, run_cli, content, pieces):
    with open(files[0], "w") as fh:
        fh.write(content)
    _error(run_cli, _test(files), *pieces)


def test_a_directory_as_a_file(files, run_cli, tmp_path):
    _error(run_cli, ["test", str(tmp_path), files[1], *BASE], "is a directory")


def test_plot_path_checked_before_any_work(files, run_cli, tmp_path):
    pytest.importorskip("matplotlib")
    _error(run_cli, _test(files, "--plot", str(tmp_path / "missing" / "x.png")),
           "--plot", "does not exist")
    _error(run_cli, _test(files, "--plot", str(tmp_path / "x.nope")), "--plot",
           "unknown figure format 'nope'")


def test_json_stays_valid_when_a_subset_cannot_be_matched(files, run_cli, tmp_path):
    s = tmp_path / "far.csv"
    s.write_text(SANCTIONS + "S4,2030-01-01,XXX,True\n")
    code, out, err = run_cli(["audit", files[0], str(s), *BASE, "--trigger-date-column", "day",
                           "--subset-columns", "target", "--max-days", "3", "--resamples", "19",
                           "--seed", "0", "--json"])
    assert code == 0, err
    payload = json.loads(out, parse_constant=lambda c: pytest.fail(f"bare {c} in JSON"))
    assert any("E[K] = 0" in why for why in payload["null_reasons"].values())
