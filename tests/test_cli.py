import json
import subprocess
import sys

import pytest


MEETINGS = "meeting_id,date,topic\nM1,2019-02-10,a\nM2,2019-03-01,b\nM3,2019-07-04,a\nM4,2019-11-11,c\n"
SANCTIONS = "sanction_id,date\nS1,2019-01-28\nS2,2019-02-20\nS3,2019-10-30\n"


@pytest.fixture
def files(tmp_path):
    m, s = tmp_path / "m.csv", tmp_path / "s.csv"
    m.write_text(MEETINGS)
    s.write_text(SANCTIONS)
    return str(m), str(s)



BASE = ["--start", "2019-01-01", "--end", "2019-12-31"]


def test_json_follows_design(files, run_cli):
    code, out, err = run_cli(["test", *files, *BASE, "--window", "30", "--slack", "3", "--json"])
    assert code == 0 and err == ""
    payload = json.loads(out)
    assert set(payload) == {"k", "n", "window", "period", "tests"}
    assert payload["window"] == {"lo": 0, "hi": 33}
    assert payload["period"] == {"start": "2019-01-01", "end": "2019-12-31"}
    assert payload["k"] == 3 and payload["n"] == 4
    assert [set(t) for t in payload["tests"]] == [{"null", "method", "expected", "pvalue"}]


def test_null_all_with_lo_hi_and_seed(files, run_cli):
    argv = ["test", *files, *BASE, "--lo", "0", "--hi", "33", "--null", "all", "--json",
            "--seed", "4", "--resamples", "200"]
    code, out, _ = run_cli(argv)
    tests = json.loads(out)["tests"]
    assert code == 0 and [t["null"] for t in tests] == ["uniform", "poisson", "stratified", "jitter",
                                                        "episode-jitter", "circular",
                                                        "shuffle-triggers"]
    assert tests[-1]["method"] == "monte-carlo" and tests[-1]["n_resamples"] == 200
    assert tests[-1]["pvalue_se"] > 0
    assert all(t["method"] == "exact" for t in tests[:-1])
    _, again, _ = run_cli(argv)
    assert again == out  # --seed makes it reproducible


def test_text_output(files, run_cli):
    code, out, _ = run_cli(["test", *files, *BASE, "--window", "30", "--null", "poisson"])
    assert code == 0 and "Matched K" in out and "poisson" in out


@pytest.mark.parametrize("content,expected", [
    ("meeting_id,date\nM1,2019-02-10\nM2,soon\n", ["m.csv", "line 3", "'date'"]),
    ("meeting_id,day\nM1,2019-02-10\n", ["m.csv", "no column 'date'", "'day'"]),
    ("meeting_id,date\nM1,2018-02-10\n", ["outside the period", "m.csv", "line 2", "2018-02-10"]),
])
def test_bad_input_exit_2_one_line(files, run_cli, content, expected):
    with open(files[0], "w") as fh:
        fh.write(content)
    code, out, err = run_cli(["test", *files, *BASE, "--window", "30"])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    for piece in expected:
        assert piece in err


def test_bad_arguments_exit_2_one_line(files, run_cli):
    for argv in (["test", *files, *BASE], ["test", *files, *BASE, "--window", "30", "--lo", "1"],
                 ["test", *files, "--start", "2020-01-01", "--end", "2019-01-01", "--window", "3"],
                 ["test", *files, *BASE, "--lo", "5", "--hi", "1"],
                 ["test", *files, *BASE, "--window", "3", "--null", "nope"],
                 ["test", "missing.csv", files[1], *BASE, "--window", "3"]):
        code, out, err = run_cli(argv)
        assert code == 2 and err.count("\n") == 1 and out == "", argv


def test_example_text_and_json(run_cli):
    code, out, _ = run_cli(["example"])
    assert code == 0
    words = " ".join(out.split())                      # the report wraps its paragraphs
    for piece in ("16 of 25", "64%", "searching back", "K = 21 of 25", "primary analysis",
                  "Λ (likelihood) under stratified", "Verdict: not supported", "reconstructions"):
        assert piece in words
    code, out, _ = run_cli(["example", "--json"])
    payload = json.loads(out)
    assert payload["study_count"]["k"] == 16 and payload["k"] == 21
    assert payload["verdict_level"] == "not supported"
    assert payload["primary"]["null"] == "stratified" and payload["primary"]["statistic"] == "likelihood"
    assert len(payload["secondary"]) == 26


def test_module_entry_point():
    done = subprocess.run([sys.executable, "-m", "alliancestats", "example", "--json"],
                          capture_output=True, text=True, check=True)
    assert json.loads(done.stdout)["n"] == 25


def test_filters_strata_and_jitter_options(files, run_cli):
    with open(files[1], "w") as fh:
        fh.write("sanction_id,date,target\nS1,2019-01-28,IRN\nS2,2019-02-20,VEN\nS3,2019-10-30,IRN\n")
    argv = ["test", *files, *BASE, "--window", "30", "--json"]
    _, out_all, _ = run_cli(argv)
    _, out_irn, _ = run_cli(argv + ["--triggers-where", "target=IRN"])
    assert json.loads(out_all)["k"] == 3 and json.loads(out_irn)["k"] == 2
    code, out, _ = run_cli(argv + ["--null", "stratified", "--strata", "2019-06-01"])
    assert code == 0 and json.loads(out)["tests"][0]["null"] == "stratified"
    _, j5, _ = run_cli(argv + ["--null", "jitter", "--jitter-days", "5"])
    _, j90, _ = run_cli(argv + ["--null", "jitter", "--jitter-days", "90"])
    assert json.loads(j5)["tests"][0]["expected"] != json.loads(j90)["tests"][0]["expected"]
    code, _, err = run_cli(argv + ["--triggers-where", "country=IRN"])
    assert code == 2 and "no column 'country'" in err
    code, _, err = run_cli(argv + ["--null", "jitter", "--jitter-days", "-3"])
    assert code == 2 and "--jitter-days must be >= 0" in err
