"""The calibration figures of docs/calibration.rst: what each panel holds."""

import pathlib

import numpy as np
import pandas as pd
import pytest

from alliancestats import AllianceStatsError

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
from alliancestats.calibration import plot_power, plot_size  # noqa: E402

DATA = pathlib.Path(__file__).resolve().parents[1] / "docs" / "data"


@pytest.fixture(scope="module")
def size():
    return pd.read_csv(DATA / "calibration_size.csv")


@pytest.fixture(scope="module")
def power():
    return pd.read_csv(DATA / "calibration_power.csv")


def test_size_figure_has_one_marker_per_cell(size):
    axes = plot_size(size)
    try:
        assert [ax.get_title() for ax in axes] == ["K (matches)", "S (pairs)", "R (trigger-rate)",
                                                   "Λ (likelihood)"]
        assert [t.get_text() for t in axes[0].get_yticklabels()] == list(size.null.unique())
        for ax, statistic in zip(axes, size.statistic.unique()):
            points = sorted(x for line in ax.get_lines() if line.get_marker() not in ("None", "")
                            for x in line.get_xdata())
            assert points == sorted(size[size.statistic == statistic].rate)
        labels = [t.get_text() for t in axes[0].figure.legends[0].get_texts()]
        assert set(size.scenario.unique()) <= set(labels)
    finally:
        matplotlib.pyplot.close(axes[0].figure)


def test_power_figure_dashes_the_nulls_too_liberal_at_zero_coupling(power):
    axes = plot_power(power)
    try:
        bound = 0.05 + 3 * np.sqrt(0.05 * 0.95 / 500)
        for ax, statistic in zip(axes, power.statistic.unique()):
            part = power[power.statistic == statistic]
            liberal = set(part[(part.coupling == 0) & (part.power > bound)].null)
            curves = {line.get_label().removesuffix(" (too liberal)"): line
                      for line in ax.get_lines() if not line.get_label().startswith("_")}
            assert set(curves) == set(part.null)
            assert {null for null, line in curves.items() if line.get_linestyle() == "--"} \
                == liberal
            for null, line in curves.items():
                assert list(line.get_ydata()) == list(part[part.null == null]
                                                      .sort_values("coupling").power)
        # the real sanctions come in bursts: some null fails its level with S
        assert any(line.get_linestyle() == "--" for line in axes[1].get_lines())
    finally:
        matplotlib.pyplot.close(axes[0].figure)


@pytest.mark.parametrize("bad, message", [
    ([1, 2], "DataFrame"),
    (pd.DataFrame({"null": ["uniform"]}), "lacks the column"),
])
def test_bad_tables_are_refused(bad, message):
    with pytest.raises(AllianceStatsError, match=message):
        plot_size(bad)
    with pytest.raises(AllianceStatsError, match=message):
        plot_power(bad)


def test_bad_alpha_is_refused(power):
    with pytest.raises(AllianceStatsError, match="alpha"):
        plot_power(power, alpha=1.5)
