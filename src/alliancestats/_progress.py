"""Progress bars for long computations (tqdm, an optional dependency).

``progress=None`` (the default everywhere) shows a bar only when standard error is a
terminal and tqdm is installed, so scripts, pipes, CI logs and test runs print
nothing; ``True`` always shows one (and needs tqdm); ``False`` never does.
"""

from __future__ import annotations

import sys
from typing import Any, Iterable, Iterator, TypeVar

from .errors import AllianceStatsError

__all__ = ["check_progress", "progress_bar", "track"]

T = TypeVar("T")

#: what to install for progress bars
INSTALL = "pip install 'alliancestats[progress]'"


def check_progress(progress: Any, name: str = "progress") -> bool:
    """Whether to show a bar: ``None`` (auto), ``True`` or ``False``, else an error.

    Raises
    ------
    AllianceStatsError
        For any other value, or for ``True`` when tqdm is not installed (naming the
        extra that installs it).
    """
    if progress is not None and not isinstance(progress, bool):
        raise AllianceStatsError(f"`{name}` must be None (a bar on a terminal), True or False, "
                                 f"got {progress!r}")
    if progress is False:
        return False
    available = _tqdm() is not None
    if progress is True and not available:
        raise AllianceStatsError(f"`{name}=True` needs tqdm; install the progress extra: {INSTALL}")
    if progress is None:
        stream = sys.stderr
        return available and stream is not None and bool(getattr(stream, "isatty", bool)())
    return True


def _tqdm() -> Any:
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm


class _Silent:
    """A bar that shows nothing."""

    def update(self, n: int = 1) -> None:
        pass

    def __enter__(self) -> "_Silent":
        return self

    def __exit__(self, *exc: Any) -> None:
        pass


def progress_bar(total: int, *, progress: bool, description: str, unit: str = "it") -> Any:
    """A context manager with ``update(n)``: a tqdm bar when ``progress`` (already
    checked with :func:`check_progress`) is True, else one that shows nothing."""
    if not progress:
        return _Silent()
    return _tqdm()(total=total, desc=description, unit=unit, leave=False, file=sys.stderr)


def track(items: Iterable[T], *, total: int, progress: bool, description: str,
          unit: str = "it", size: Any = None) -> Iterator[T]:
    """Yield ``items`` while advancing a bar by ``size(item)`` (default 1) for each."""
    with progress_bar(total, progress=progress, description=description, unit=unit) as bar:
        for item in items:
            yield item
            bar.update(1 if size is None else int(size(item)))
