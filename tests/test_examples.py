import pathlib
import runpy

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


def test_reproduce_study_runs(capsys):
    runpy.run_path(str(EXAMPLES / "reproduce_study.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "    3 cited         16  25" in out
    assert "    3 independent   21  25" in out
    for slack in (1, 2):
        assert f"    {slack} cited" in out


def test_power_study_runs(capsys):
    runpy.run_path(str(EXAMPLES / "power_study.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "meetings for 80% power 92" in out and "meetings for 80% power 377" in out
    # S (pairs): 152 at 20% since coupled responses follow distinct trigger days (150 when
    # they followed trigger events, which double-counted days with several sanctions)
    assert "meetings for 80% power 41" in out and "meetings for 80% power 152" in out


def test_scan_example_runs(capsys):
    runpy.run_path(str(EXAMPLES / "scan_dyads.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "SYNTHETIC" in out and "Top dyad IRN-VEN" in out


def test_travels_example_runs(capsys):
    runpy.run_path(str(EXAMPLES / "travels_study.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "uniform" in out and "139   603" in out and "K forced" in out
