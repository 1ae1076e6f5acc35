"""``alliancestats scan`` and the one-per-day rule shared by the CLI and the API."""

import json
import pathlib

import pandas as pd

from alliancestats import EventSeries, EventTable, Period, Window, coincidence_test

DATA = pathlib.Path(__file__).resolve().parent / "data"
SCAN = ["scan", str(DATA / "icews_sample.tab"), "--preset", "icews", "--trigger-actor", "USA",
        "--start", "2015-01-01", "--end", "2015-03-31", "--window", "30"]


def test_scan_text_and_json(run_cli):
    code, out, err = run_cli(SCAN)
    assert code == 0 and err == ""
    assert "Benjamini-Hochberg family" in out and "IRN" in out
    code, out, _ = run_cli(SCAN + ["--json", "--null", "jitter", "--jitter-days", "20"])
    payload = json.loads(out)
    assert payload["null"] == "jitter" and payload["null_options"] == {"days": 20}
    assert payload["fdr_family"] == "testable dyads only"
    by_dyad = {(d["a"], d["b"]): d for d in payload["dyads"]}
    assert by_dyad[("IRN", "VEN")]["n"] == 1 and by_dyad[("IRN", "VEN")]["testable"]
    assert by_dyad[("PSE", "VAT")]["untestable"] == "no coverage"
    assert by_dyad[("PSE", "VAT")]["pvalue_bh"] is None
    assert payload["events"]["rows"] == 9


def test_scan_reverse_and_codes(run_cli):
    code, out, _ = run_cli(SCAN + ["--reverse", "--json", "--codes", "04"])
    payload = json.loads(out)
    assert code == 0 and payload["responses"].startswith("USA's events")
    assert [(d["a"], d["b"], d["n"]) for d in payload["dyads"]] == [("IRN", "VEN", 1)]


def test_scan_bad_input_exits_2_with_one_line(tmp_path, run_cli):
    bad = tmp_path / "events.tab"
    bad.write_text((DATA / "icews_sample.tab").read_text(encoding="utf-8").replace("CAMEO Code", "X"),
                   encoding="utf-8")
    for argv, piece in [
        (["scan", str(bad)] + SCAN[2:], "preset ICEWS needs column(s) 'CAMEO Code'"),
        (SCAN + ["--null", "poisson"], "invalid choice"),
        (SCAN + ["--codes", "99x"], "'99x' is not a CAMEO code"),
        (SCAN[:-2], "give --window DAYS"),
        (SCAN[:2] + ["--preset", "gdelt1"] + SCAN[4:], "preset GDELT1 expects 58"),
        (SCAN + ["--jitter-days", "5"], "--jitter-days applies only to --null jitter"),
        (SCAN + ["--min-days", "0"], "--min-days must be >= 1"),
        (SCAN[:-2] + ["--lo", "0", "--hi", "9999999"], "--hi must be within"),
    ]:
        code, out, err = run_cli(argv)
        assert code == 2 and out == "" and err.count("\n") == 1 and piece in err, (argv, err)


def test_distinct_days_is_one_rule_for_cli_and_api(tmp_path, run_cli):
    rows = pd.DataFrame({"date": ["2019-02-10", "2019-02-10", "2019-02-10", "2019-03-01",
                                  "2019-07-04", "2019-07-04", "2019-11-11"],
                         "source": ["IRN", "VEN", "IRN", "IRN", "VEN", "VEN", "IRN"],
                         "target": ["VEN", "IRN", "VEN", "VEN", "IRN", "IRN", "VEN"],
                         "code": ["042"] * 7})
    sanctions = "date\n2019-01-28\n2019-02-20\n2019-10-30\n"
    (tmp_path / "m.csv").write_text(rows.to_csv(index=False))
    (tmp_path / "s.csv").write_text(sanctions)
    argv = ["test", str(tmp_path / "m.csv"), str(tmp_path / "s.csv"), "--start", "2019-01-01",
            "--end", "2019-12-31", "--window", "30", "--json"]
    _, out, _ = run_cli(argv)
    cli = json.loads(out)
    meetings = EventTable.from_frame(rows).dyad_series("IRN", "VEN")      # default: one per day
    api = coincidence_test(meetings, EventSeries.from_csv(tmp_path / "s.csv"),
                           window=Window.after(days=30), period=Period("2019-01-01", "2019-12-31"))
    assert (cli["k"], cli["n"]) == (api.k, api.n) == (3, 4)   # Feb 10, Mar 1, Nov 11 matched
    _, out, _ = run_cli(argv + ["--no-distinct-days"])
    assert (json.loads(out)["k"], json.loads(out)["n"]) == (5, 7)     # every row counted


def test_scan_many_files_with_each_engine(tmp_path, run_cli):
    """EVENTS may be several files or a quoted glob; every engine prints the same dyads."""
    import shutil

    for name in ("a", "b"):
        shutil.copy(DATA / "icews_sample.tab", tmp_path / f"{name}.tab")
    tables = {}
    for engine in ("auto", "pandas", "duckdb", "dask"):
        argv = ["scan", str(tmp_path / "*.tab")] + SCAN[2:] + ["--json", "--engine", engine]
        code, out, err = run_cli(argv)
        assert code == 0, err
        payload = json.loads(out)
        assert payload["events"]["rows"] == 18
        assert payload["engine"] == ("pandas" if engine == "auto" else engine)
        tables[engine] = payload["dyads"]
    assert all(table == tables["pandas"] for table in tables.values())
    code, out, err = run_cli(["scan", str(tmp_path / "a.tab"), str(tmp_path / "b.tab")] + SCAN[2:])
    assert code == 0 and "18 rows, reduced by the pandas engine" in out
    for argv, piece in [
        (["scan", str(tmp_path / "*.csv")] + SCAN[2:], "EVENTS: the glob"),
        (SCAN + ["--scheduler", "tcp://127.0.0.1:1"], "--scheduler applies only with --engine dask"),
        (SCAN + ["--engine", "spark"], "invalid choice"),
    ]:
        code, out, err = run_cli(argv)
        assert code == 2 and out == "" and err.count("\n") == 1 and piece in err, (argv, err)
