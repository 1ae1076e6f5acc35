"""Exceptions and warnings raised by alliancestats."""

from __future__ import annotations

__all__ = ["AllianceStatsError", "DegenerateDataWarning"]


class AllianceStatsError(ValueError):
    """Invalid input to an alliancestats function.

    The message names the argument, and where it applies the column and the rows
    at fault, and states the rule that was broken.
    """


class DegenerateDataWarning(RuntimeWarning):
    """The test is defined but carries no information (e.g. K is forced)."""
