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


def test_gdelt_to_parquet_keeps_what_the_preset_reads(tmp_path, capsys, monkeypatch):
    """Parquet converted by the example reads to the same table as the export itself."""
    import shutil

    import pandas as pd

    from alliancestats import EventTable

    data = pathlib.Path(__file__).resolve().parent / "data"
    exports = []
    for name in ("a", "b"):
        exports.append(tmp_path / f"2015021{name}.export.CSV")
        shutil.copy(data / "gdelt2_sample.export.CSV", exports[-1])
    out = tmp_path / "parquet"
    monkeypatch.setattr("sys.argv", ["gdelt_to_parquet.py", str(out), str(tmp_path / "*.CSV"),
                                     "--rows-per-file", "6"])
    runpy.run_path(str(EXAMPLES / "gdelt_to_parquet.py"), run_name="__main__")
    assert "2 export files -> 2 Parquet files, 12 events" in capsys.readouterr().out
    direct = pd.concat([EventTable.from_csv(p, preset=EventTable.GDELT2).frame for p in exports],
                       ignore_index=True)
    parts = sorted(out.glob("*.parquet"))
    converted = pd.concat([EventTable.from_parquet(p, preset=EventTable.GDELT2).frame
                           for p in parts], ignore_index=True)
    pd.testing.assert_frame_equal(direct, converted)
