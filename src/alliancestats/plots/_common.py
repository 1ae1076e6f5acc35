"""Helpers every figure uses: matplotlib on demand, axes, legends, saving."""

from __future__ import annotations

import os
import textwrap
from typing import Any

from ..errors import AllianceStatsError

__all__ = ["check_figure_path", "save_figure", "figure_paths"]


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise AllianceStatsError(
            "plotting needs matplotlib; install the plot extra: pip install 'alliancestats[plot]'"
        ) from None
    return plt


def _axes(ax: Any, size: tuple[float, float]) -> Any:
    if ax is not None:
        return ax
    return _pyplot().subplots(figsize=size, layout="constrained")[1]


def _grid(rows: int, cols: int, size: tuple[float, float]) -> tuple[Any, Any]:
    figure, axes = _pyplot().subplots(rows, cols, figsize=size, squeeze=False,
                                      layout="constrained")
    return figure, axes


def _legend_outside(ax: Any, *, below: bool = False) -> Any:
    """A legend outside the axes: to the right, or below (for wide panels)."""
    if below:
        return ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.18), ncol=3,
                         fontsize="small", frameon=False, borderaxespad=0.0)
    return ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize="small",
                     frameon=False, borderaxespad=0.0)


def _wrap(text: str, width: int = 60) -> str:
    return textwrap.fill(text, width)


def check_figure_path(path: Any, *, argument: str = "path") -> str:
    """Refuse, before any work, a path a figure cannot be saved to: its folder must
    exist and its extension be a format matplotlib writes (``.png``, ``.pdf``, …).

    Parameters
    ----------
    path : str or os.PathLike
        Where the figure is to be saved.
    argument : str
        The argument's name, as error messages give it.

    Returns
    -------
    str
        ``path`` as a ``str``.

    Raises
    ------
    AllianceStatsError
        When matplotlib is missing, ``path`` is not a path, its folder does not
        exist, it is a folder, or its extension is no format matplotlib writes.
    """
    _pyplot()
    from matplotlib.backend_bases import FigureCanvasBase

    if not isinstance(path, (str, os.PathLike)):
        raise AllianceStatsError(f"`{argument}` must be a file path, got {type(path).__name__}")
    path = os.fspath(path)
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        raise AllianceStatsError(f"`{argument}` {path!r}: folder {folder!r} does not exist")
    if os.path.isdir(path):
        raise AllianceStatsError(f"`{argument}` {path!r} is a folder; give a file name")
    formats = FigureCanvasBase.get_supported_filetypes()
    extension = os.path.splitext(path)[1].lstrip(".").lower()
    if extension not in formats:
        raise AllianceStatsError(
            f"`{argument}` {path!r}: unknown figure format {extension!r}; end the name with one "
            f"of {', '.join('.' + f for f in sorted(formats))}")
    return path


def save_figure(ax: Any, path: str) -> None:
    """Save the figure holding ``ax`` to ``path`` and close it.

    Parameters
    ----------
    ax : matplotlib Axes
        Any Axes of the figure.
    path : str or os.PathLike
        The file, checked by :func:`check_figure_path`; its extension sets the
        format.
    """
    path = check_figure_path(path)
    plt = _pyplot()
    figure = ax.figure
    if figure.get_layout_engine() is None:
        figure.tight_layout()
    try:
        figure.savefig(path, dpi=110, bbox_inches="tight")
    except OSError as exc:
        raise AllianceStatsError(f"`path` {path!r}: cannot write ({exc.strerror or exc})") from None
    finally:
        plt.close(figure)


def figure_paths(path: str, nulls: list[str]) -> list[str]:
    """One file per null: ``path`` itself for one null, else ``STEM-NULL.EXT`` each."""
    if len(nulls) == 1:
        return [path]
    stem, extension = os.path.splitext(path)
    return [f"{stem}-{null}{extension}" for null in nulls]
