import builtins
import sys

import pytest

import alliancestats as als
from alliancestats import AllianceStatsError
from alliancestats.cli import main

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
from alliancestats import plots  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def case():
    return als.datasets.load_iran_venezuela()


def _check(path):
    data = path.read_bytes()
    assert data[:8] == PNG and len(data) > 5000


def test_each_plot_is_drawn(case, tmp_path):
    sanctions = case.independent_sanctions
    res = als.coincidence_test(case.meetings, sanctions, window=case.window, period=case.period)
    sweep = als.window_sweep(case.meetings, sanctions, period=case.period,
                             windows=als.sweep_windows(60), nulls=["uniform", "circular"],
                             n_resamples=99, rng=0)
    curve = als.rate_curve(case.meetings, sanctions, window=case.window, period=case.period,
                           n_replicates=10, rng=0)
    placebo = als.placebo_test(case.meetings, sanctions, window=case.window, period=case.period,
                               null="stratified", statistic="pairs")
    drawings = {"timeline": lambda: plots.plot_timeline(res, sanctions),
                "placebo": lambda: plots.plot_placebo(placebo),
                "null": lambda: plots.plot_null_distribution(res),
                "sweep": lambda: plots.plot_sweep(sweep),
                "rate": lambda: plots.plot_rate_curve(curve)}
    for name, draw in drawings.items():
        ax = draw()
        assert ax.has_data()
        path = tmp_path / f"{name}.png"
        plots.save_figure(ax, str(path))
        _check(path)


def test_cli_plot(tmp_path, capsys):
    path = tmp_path / "example.png"
    assert main(["example", "--plot", str(path)]) == 0
    _check(path)


def test_cli_audit_plot(tmp_path, capsys):      # its own test: the audit is slow, xdist runs it
    audit_png = tmp_path / "audit.png"           # alongside the others
    assert main(["example", "--audit", "--plot", str(audit_png)]) == 0
    _check(audit_png)


def test_missing_matplotlib_names_the_extra(monkeypatch, case):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    for module in [m for m in sys.modules if m.startswith("matplotlib")]:
        monkeypatch.delitem(sys.modules, module)
    res = als.coincidence_test(case.meetings, case.sanctions, window=case.window, period=case.period)
    with pytest.raises(AllianceStatsError, match=r"pip install 'alliancestats\[plot\]'"):
        plots.plot_null_distribution(res)


@pytest.mark.parametrize("start,end,responses,triggers", [
    ("9999-01-01", "9999-12-31", ["9999-03-01", "9999-12-31"], ["9999-02-20", "9999-12-30"]),
    ("0001-01-01", "0001-12-31", ["0001-01-01", "0001-06-01"], ["0001-01-01", "0001-05-30"]),
])
def test_plots_at_the_ends_of_the_calendar(tmp_path, start, end, responses, triggers):
    trig = als.EventSeries(triggers)
    res = als.coincidence_test(als.EventSeries(responses), trig, window=als.Window(-5, 30),
                               period=als.Period(start, end))
    path = tmp_path / "edge.png"
    plots.save_figure(plots.plot_timeline(res, trig), str(path))
    _check(path)


def test_figure_paths_are_checked(tmp_path):
    with pytest.raises(AllianceStatsError, match="does not exist"):
        plots.check_figure_path(str(tmp_path / "missing" / "x.png"))
    with pytest.raises(AllianceStatsError, match=r"unknown figure format 'nope'.*\.png"):
        plots.check_figure_path(str(tmp_path / "x.nope"))
    with pytest.raises(AllianceStatsError, match="is a folder"):
        plots.check_figure_path(str(tmp_path))
    assert plots.check_figure_path(str(tmp_path / "x.pdf")).endswith("x.pdf")
