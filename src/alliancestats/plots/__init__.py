"""Figures (needs the ``plot`` extra: ``pip install 'alliancestats[plot]'``).

Each function draws on ``ax`` (a new figure if None) and returns the Axes.
"""

# _pyplot, figure_paths, stacked_levels and the save_*_figure(s) functions are used as
# alliancestats.plots.NAME by the CLI, calibration figures and tests
from ._common import _pyplot, check_figure_path, figure_paths, save_figure  # noqa: F401
from .audit import save_audit_figure, save_result_figure, save_result_figures  # noqa: F401
from .curves import plot_rate_curve, plot_sweep
from .distributions import plot_null_distribution, plot_placebo, plot_placebo_distribution
from .series import plot_timeline, stacked_levels  # noqa: F401

__all__ = ["plot_timeline", "plot_null_distribution", "plot_sweep", "plot_rate_curve",
           "plot_placebo", "plot_placebo_distribution", "save_figure", "check_figure_path"]

