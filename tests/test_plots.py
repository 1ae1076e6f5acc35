import builtins
import sys

import numpy as np
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


# -- structure: what a reader needs is on each figure -------------------------------------

def _outside(ax):
    """The legend exists and does not overlap the data area."""
    ax.figure.canvas.draw()
    legend = ax.get_legend()
    assert legend is not None
    return not legend.get_window_extent().overlaps(ax.get_window_extent())


def _labels(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


@pytest.fixture(scope="module")
def exact(case):
    return als.coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                                period=case.period)


def test_timeline_names_the_series_and_stacks_close_events(case, exact):
    ax = plots.plot_timeline(exact, case.independent_sanctions)
    names = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    assert names == [case.independent_sanctions.name, case.meetings.name]
    labels = _labels(ax)
    assert labels[0].startswith(case.independent_sanctions.name)
    assert labels[1] == f"{case.meetings.name}, matched ({exact.k})"
    assert case.meetings.name in ax.get_title() and _outside(ax)
    heights = np.concatenate([c.get_offsets()[:, 1] for c in ax.collections[-2:]])
    assert len(set(heights.round(3))) > 1          # the case study has close meetings
    plots._pyplot().close(ax.figure)


def test_close_events_get_separate_levels():
    days = np.array([10, 11, 40, 12, 100])
    levels = plots.stacked_levels(days, gap=5)
    assert levels.tolist() == [0, 1, 0, 2, 0]


def test_null_distribution_shades_the_tail_and_keeps_the_observed_visible(case, exact):
    mc = als.coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                              period=case.period, null="jitter", days=10, method="monte-carlo",
                              n_resamples=500, rng=0)
    for res in (exact, mc):
        ax = plots.plot_null_distribution(res)
        assert f"{res.null} null" in ax.get_title() and _outside(ax)
        labels = _labels(ax)
        assert any(label.startswith(f"null: {res.null}") for label in labels)
        assert f"tail X >= observed: p = {res.pvalue:.3g}" in labels
        tail_bars = ax.containers[1]
        values = res.null_distribution.index.to_numpy()
        expected_tail = values[(values >= res.k) & (res.null_distribution.to_numpy() > 0)]
        centres = sorted(round(b.get_x() + b.get_width() / 2) for b in tail_bars
                         if b.get_height() > 0)
        assert centres == sorted(expected_tail.tolist())
        observed = [line for line in ax.get_lines() if line.get_label().startswith("observed")]
        mean = [line for line in ax.get_lines() if line.get_label().startswith("E[")]
        assert observed[0].get_zorder() > mean[0].get_zorder()
        assert observed[0].get_xdata()[0] == res.k
        plots._pyplot().close(ax.figure)


def test_sweep_marks_the_analysed_window(case):
    sweep = als.window_sweep(case.meetings, case.independent_sanctions, period=case.period,
                             windows=als.sweep_windows(40), nulls=["uniform", "circular"],
                             n_resamples=49, rng=0)
    ax = plots.plot_sweep(sweep, window=case.window)
    labels = _labels(ax)
    assert f"analysed window {case.window}" in labels and "circular" in labels
    assert ax.get_title() and _outside(ax)
    plots._pyplot().close(ax.figure)


def test_rate_curve_shows_the_range_around_the_break_even_points(case):
    curve = als.rate_curve(case.meetings, case.independent_sanctions, window=case.window,
                           period=case.period, n_replicates=10, rng=0)
    ax = plots.plot_rate_curve(curve)
    low, high = ax.get_xlim()
    marks = [curve.observed_rate, *[r for r in curve.break_even.values() if np.isfinite(r)]]
    assert low < min(marks) and max(marks) < high and high / low < 20
    assert ax.get_ylim()[0] >= curve.alpha * 1e-2 / 2 > 1e-12
    assert ax.get_title() and _outside(ax)
    plots._pyplot().close(ax.figure)


def test_placebo_distribution(tmp_path):
    values = np.array([3, 4, 4, 5, 5, 5, 6, 7, 8, 9])
    ax = plots.plot_placebo_distribution(values, 7, label="shifted triggers")
    labels = _labels(ax)
    assert "tail X >= observed: (1 + 3) / (1 + 10)" in labels and "observed K = 7" in labels
    assert "shifted triggers" in ax.get_title() and f"{4 / 11:.3g}" in ax.get_title()
    assert _outside(ax)
    path = tmp_path / "placebo.png"
    plots.save_figure(ax, str(path))
    _check(path)
    with pytest.raises(AllianceStatsError, match="`values`"):
        plots.plot_placebo_distribution([1.0, np.nan], 1)
    with pytest.raises(AllianceStatsError, match="`observed`"):
        plots.plot_placebo_distribution([1.0], np.inf)


def test_cli_null_all_writes_one_figure_per_null(tmp_path, capsys):
    from pathlib import Path

    folder = Path(als.datasets.__file__).parent
    path = tmp_path / "fig.png"
    assert main(["test", str(folder / "iran_venezuela_meetings.csv"),
                 str(folder / "us_sanctions_iran_venezuela.csv"), "--start", "2013-01-01",
                 "--end", "2020-12-31", "--lo", "0", "--hi", "33", "--null", "all",
                 "--resamples", "99", "--seed", "0", "--jitter-days", "10",
                 "--triggers-where", "proxy_related=no", "--plot", str(path)]) == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert not path.exists() and len(written) > 1
    assert all(name.startswith("fig-") and name.endswith(".png") for name in written)
    assert "fig-uniform.png" in written and "fig-circular.png" in written
    for name in written:
        _check(tmp_path / name)
