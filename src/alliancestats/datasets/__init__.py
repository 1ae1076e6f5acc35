"""Data shipped with alliancestats: the Iran–Venezuela case study (DESIGN §5).

Both tables are reconstructions compiled from public sources, because the
study's own appendix was not available: the meetings from the study's
bibliography, the sanctions from public timelines. ``provenance()`` returns the
full account of how each list was built and what is uncertain.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from ..events import EventSeries
from ..period import Period
from ..window import Window

__all__ = ["CaseStudy", "load_iran_venezuela", "provenance", "CAVEAT"]

MEETINGS_FILE = "iran_venezuela_meetings.csv"
SANCTIONS_FILE = "us_sanctions_iran_venezuela.csv"

CAVEAT = (
    "Both lists are reconstructions: the study's appendix was not available, so the "
    "25 meetings were rebuilt from the study's bibliography and the sanctions compiled "
    "from public timelines (the sanctions list is a lower bound on how often sanctions "
    "came). The numbers here test the reconstruction, not the authors' own lists."
)


@dataclass(frozen=True, eq=False)
class CaseStudy:
    """The Iran–Venezuela data with the study's period and window.

    Attributes
    ----------
    meetings : EventSeries
        25 high-level meetings (responses), id ``meeting_id``; attributes include
        ``topic`` and ``confidence``.
    sanctions : EventSeries
        196 U.S. sanction actions on Iran (``target="IRN"``) or Venezuela
        (``"VEN"``), id ``sanction_id``; attributes include ``instrument``,
        ``proxy_related`` and ``cited_in_paper``.
    period : Period
        2013-01-01 to 2020-12-31.
    window : Window
        The study's rule: one month (30 days) plus 3 days of slack, same day
        included: ``[0, 33]``.
    """

    meetings: EventSeries
    sanctions: EventSeries
    period: Period
    window: Window

    @property
    def cited_sanctions(self) -> EventSeries:
        """The 20 sanctions the study cites: found by searching back from each
        meeting, hence selected on the outcome. Reproduces the study's count; is
        not a valid baseline."""
        return self.sanctions.where(cited_in_paper="yes")

    @property
    def independent_sanctions(self) -> EventSeries:
        """Every non-proxy sanction (164 actions), compiled without looking at the
        meetings, as the study's own scope rule says: the fair baseline."""
        return self.sanctions.where(proxy_related="no")


def _path(name: str):  # type: ignore[no-untyped-def]
    return resources.files(__name__).joinpath(name)


def load_iran_venezuela() -> CaseStudy:
    """Load the Iran–Venezuela meetings and U.S. sanctions, 2013–2020.

    Examples
    --------
    >>> case = load_iran_venezuela()
    >>> len(case.meetings), len(case.sanctions), len(case.cited_sanctions)
    (25, 196, 20)
    >>> case.window, case.period.n_days
    (Window(lo=0, hi=33), 2922)
    """
    with resources.as_file(_path(MEETINGS_FILE)) as meetings_path:
        meetings = EventSeries.from_csv(meetings_path, id_column="meeting_id", name="meetings")
    with resources.as_file(_path(SANCTIONS_FILE)) as sanctions_path:
        sanctions = EventSeries.from_csv(sanctions_path, id_column="sanction_id",
                                         name="U.S. sanctions")
    return CaseStudy(meetings=meetings, sanctions=sanctions,
                     period=Period("2013-01-01", "2020-12-31"),
                     window=Window.after(days=30, slack=3))


def provenance() -> str:
    """The data README: sources, how each list was built, known gaps."""
    return _path("README.md").read_text(encoding="utf-8")
