"""Progress bars: silent by default off a terminal, shown when asked, tqdm optional."""

import sys
from pathlib import Path

import pytest

import alliancestats as als
from alliancestats import AllianceStatsError, calibration
from alliancestats._progress import check_progress
from alliancestats.audit import AUDIT_STEPS
from alliancestats.cli import main


@pytest.fixture(scope="module")
def case():
    return als.datasets.load_iran_venezuela()


def _runs(case, progress):
    kw = dict(window=case.window, period=case.period)
    m, t = case.meetings, case.independent_sanctions
    als.coincidence_test(m, t, **kw, null="jitter", days=10, method="monte-carlo",
                         n_resamples=300, rng=0, progress=progress)
    als.window_sweep(m, t, period=case.period, windows=als.sweep_windows(5),
                     nulls=["uniform", "jitter"], null_options={"jitter": {"days": 5}},
                     n_resamples=40, rng=0, progress=progress)
    als.power(0.3, 10, t, **kw, statistic="trigger-rate", n_simulations=3, n_resamples=19,
              rng=0, progress=progress)
    calibration.size_table(scenarios=["homogeneous"], nulls=calibration.NULL_VARIANTS[:1],
                           statistics=["matches"], n_datasets=3, rng=0, progress=progress)
    als.scan(als.datasets.load_synthetic_events(), window=als.Window.after(days=30),
             period=als.Period("2015-01-01", "2020-12-31"), trigger_actor="USA",
             progress=progress)
    als.audit(m, t, **kw, max_days=5, n_resamples=19, rng=0, progress=progress)


def test_nothing_is_printed_by_default(case, capfd):
    assert not sys.stderr.isatty()                  # as under pytest, CI and pipes
    _runs(case, None)
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_progress_true_shows_bars(case, capfd):
    pytest.importorskip("tqdm")
    _runs(case, True)
    out, err = capfd.readouterr()
    assert out == ""
    for label in ("jitter Monte Carlo", "sweep uniform", "sweep jitter", "power simulations",
                  "scenario homogeneous", "scan, uniform null", "audit"):
        assert label in err, label
    assert f"/{len(AUDIT_STEPS)} [" in err                       # the bar counts the checks
    _runs(case, False)
    assert capfd.readouterr() == ("", "")


def test_results_do_not_depend_on_progress(case):
    pytest.importorskip("tqdm")
    kw = dict(window=case.window, period=case.period, null="jitter", days=10,
              method="monte-carlo", n_resamples=200, rng=3)
    a = als.coincidence_test(case.meetings, case.independent_sanctions, **kw, progress=True)
    b = als.coincidence_test(case.meetings, case.independent_sanctions, **kw, progress=False)
    assert a.pvalue == b.pvalue and a.null_distribution.equals(b.null_distribution)


def test_missing_tqdm_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with pytest.raises(AllianceStatsError, match=r"pip install 'alliancestats\[progress\]'"):
        check_progress(True)
    assert check_progress(None) is False and check_progress(False) is False


@pytest.mark.parametrize("bad", [1, "yes", 0.5])
def test_progress_must_be_none_or_bool(bad, case):
    with pytest.raises(AllianceStatsError, match="`progress` must be None"):
        als.coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                             period=case.period, progress=bad)


def test_cli_progress(capfd):
    pytest.importorskip("tqdm")
    folder = Path(als.datasets.__file__).parent
    responses = folder / "iran_venezuela_meetings.csv"
    triggers = folder / "us_sanctions_iran_venezuela.csv"
    args = ["test", str(responses), str(triggers), "--start", "2013-01-01", "--end",
            "2020-12-31", "--lo", "0", "--hi", "33", "--null", "circular", "--method",
            "monte-carlo", "--resamples", "200", "--seed", "1", "--triggers-where",
            "proxy_related=no"]
    assert main(args) == 0
    quiet = capfd.readouterr()
    assert quiet.err == ""
    assert main(args + ["--progress"]) == 0
    loud = capfd.readouterr()
    assert "circular Monte Carlo" in loud.err and loud.out == quiet.out
