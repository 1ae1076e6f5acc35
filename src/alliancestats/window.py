"""Windows of lags: when does a response count as following a trigger."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._dates import MAX_DAY, MIN_DAY
from ._validation import check_integer
from .errors import AllianceStatsError

__all__ = ["Window"]

#: no lag can exceed the span of the day grid (0001-01-01 to 9999-12-31)
MAX_LAG = MAX_DAY - MIN_DAY


@dataclass(frozen=True)
class Window:
    """The lags ``[lo, hi]`` in days, both inclusive.

    A response on day ``t`` is *matched* when some trigger on day ``s`` has
    ``lo <= t - s <= hi``. Positive lags mean the response comes after the
    trigger; lag 0 is the same day.

    Parameters
    ----------
    lo, hi : int
        Smallest and largest lag, ``lo <= hi``.

    Examples
    --------
    >>> Window.after(days=30, slack=3)
    Window(lo=0, hi=33)
    >>> Window.after(days=30, slack=3).length
    34
    >>> Window.before(days=7), Window.around(days=2)
    (Window(lo=-7, hi=0), Window(lo=-2, hi=2))
    """

    lo: int
    hi: int

    def __post_init__(self) -> None:
        lo = check_integer(self.lo, "lo")
        hi = check_integer(self.hi, "hi")
        for name, value in (("lo", lo), ("hi", hi)):
            if abs(value) > MAX_LAG:
                raise AllianceStatsError(
                    f"`{name}` must be within ±{MAX_LAG} days (the span of the years 1 to 9999), "
                    f"got {value}")
        if lo > hi:
            raise AllianceStatsError(f"window needs `lo` <= `hi`, got lo={lo}, hi={hi}")
        object.__setattr__(self, "lo", lo)
        object.__setattr__(self, "hi", hi)

    @classmethod
    def after(cls, days: Any, slack: Any = 0) -> "Window":
        """``[0, days + slack]``: same day up to ``days + slack`` days after.

        Parameters
        ----------
        days : int
            The window's nominal length, e.g. 30 for "within a month".
        slack : int, optional
            Extra days allowed (default 0), e.g. 3 for "plus 1-3 days".

        Returns
        -------
        Window
        """
        days = check_integer(days, "days", minimum=0)
        slack = check_integer(slack, "slack", minimum=0)
        if days + slack > MAX_LAG:
            raise AllianceStatsError(
                f"`days` + `slack` must be at most {MAX_LAG} days, got {days + slack}")
        return cls(0, days + slack)

    @classmethod
    def before(cls, days: Any) -> "Window":
        """``[-days, 0]``: the response precedes the trigger by up to ``days``.

        Parameters
        ----------
        days : int
            The longest lead, non-negative.

        Returns
        -------
        Window
        """
        days = check_integer(days, "days", minimum=0)
        return cls(-days, 0)

    @classmethod
    def around(cls, days: Any) -> "Window":
        """``[-days, days]``: within ``days`` of a trigger on either side.

        Parameters
        ----------
        days : int
            The largest distance, non-negative.

        Returns
        -------
        Window
        """
        days = check_integer(days, "days", minimum=0)
        return cls(-days, days)

    @property
    def length(self) -> int:
        """``L = hi - lo + 1``, the number of lags in the window."""
        return self.hi - self.lo + 1

    def to_dict(self) -> dict[str, int]:
        return {"lo": self.lo, "hi": self.hi}

    def __str__(self) -> str:
        return f"[{self.lo}, {self.hi}] days"
