"""Data shipped with alliancestats.

* The Iran–Venezuela case study: both tables are reconstructions compiled from
  public sources, because the study's own appendix was not available: the meetings
  from the study's bibliography, the sanctions from public timelines.
  ``provenance()`` returns the full account of how each list was built.
* The foreign trips of the U.S. President and Secretary of State, 1866–2025, from
  the Office of the Historian (public domain): ``load_us_travels()``;
  ``provenance("us_travels")`` gives the source.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from importlib import resources

from ..events import EventSeries
from ..period import Period
from ..window import Window

__all__ = ["CaseStudy", "load_iran_venezuela", "load_synthetic_events", "load_us_travels",
           "provenance", "CAVEAT"]

MEETINGS_FILE = "iran_venezuela_meetings.csv"
TRAVELS_FILE = "us_travels.csv"
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

    @cached_property
    def cited_sanctions(self) -> EventSeries:
        """The 20 sanctions the study cites: found by searching back from each
        meeting, hence selected on the outcome. Reproduces the study's count; is
        not a valid baseline."""
        return self.sanctions.where(cited_in_paper="yes")

    @cached_property
    def independent_sanctions(self) -> EventSeries:
        """Every non-proxy sanction (164 actions), compiled without looking at the
        meetings, as the study's own scope rule says: the fair baseline."""
        return self.sanctions.where(proxy_related="no")


def _path(name: str):  # type: ignore[no-untyped-def]
    return resources.files(__name__).joinpath(name)


def load_iran_venezuela() -> CaseStudy:
    """Load the Iran–Venezuela meetings and U.S. sanctions, 2013–2020.

    Returns
    -------
    CaseStudy
        The meetings, the sanctions, the study's period and its window.

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


def provenance(dataset: str = "iran_venezuela") -> str:
    """The provenance of a shipped dataset: sources, how it was built, known gaps.

    Parameters
    ----------
    dataset : {"iran_venezuela", "us_travels"}
        Which dataset.

    Returns
    -------
    str
        The dataset's README (Markdown).
    """
    files = {"iran_venezuela": "README.md", "us_travels": "us_travels_README.md"}
    if dataset not in files:
        from ..errors import AllianceStatsError

        raise AllianceStatsError(f"`dataset` must be one of {', '.join(map(repr, files))}, "
                                 f"got {dataset!r}")
    return _path(files[dataset]).read_text(encoding="utf-8")


def load_us_travels():  # type: ignore[no-untyped-def]
    """Foreign trips of the U.S. President and Secretary of State, 1866–2025.

    One row per trip leg to one country, from the Office of the Historian, U.S.
    Department of State (public domain; ``provenance("us_travels")``), read with
    the ``EventTable.US_TRAVELS`` preset: the day is ``start_date``, the source the
    United States, the target the country visited, the code the ``role``
    (``"president"`` or ``"secretary"``). Every other column is kept.

    Returns
    -------
    EventTable

    Examples
    --------
    >>> trips = load_us_travels()
    >>> len(trips), trips.frame.code.value_counts().to_dict()
    (4271, {'secretary': 3439, 'president': 832})
    >>> len(trips.unknown_countries)    # every country string maps to a code
    0
    """
    from ..io.table import EventTable

    with resources.as_file(_path(TRAVELS_FILE)) as path:
        return EventTable.from_csv(path, preset=EventTable.US_TRAVELS, keep="all")


def load_synthetic_events():  # type: ignore[no-untyped-def]
    """The SYNTHETIC CAMEO-layout event table as an :class:`~alliancestats.dyads.EventTable`.

    Generated by :func:`alliancestats.datasets.synthetic.make_synthetic_events`;
    nothing in it happened.

    Returns
    -------
    EventTable

    Examples
    --------
    >>> table = load_synthetic_events()
    >>> len(table), sorted(table.frame.code.unique())[:3]
    (2286, ['010', '040', '042'])
    """
    from ..dyads import EventTable
    from .synthetic import SYNTHETIC_FILE

    with resources.as_file(_path(SYNTHETIC_FILE)) as path:
        return EventTable.from_csv(path)
