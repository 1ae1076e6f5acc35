"""Any dyad from real event data: the event table and the scan.

:class:`~alliancestats.io.table.EventTable` reads ICEWS, GDELT, POLECAT or any
dyadic event table; :func:`~alliancestats.scanning.scan` tests many dyads at once.
"""

from .io.codes import CAMEO
from .io.table import EventTable
from .scanning import scan

__all__ = ["EventTable", "MEETING_CODES", "SANCTION_CODES", "scan"]

#: CAMEO 040 consult, 042 make a visit, 043 host a visit, 044 meet at a third location,
#: 046 engage in negotiation (``CAMEO.MEETINGS``)
MEETING_CODES = CAMEO.MEETINGS
#: CAMEO 163 impose embargo, boycott or sanctions (``CAMEO.SANCTIONS``)
SANCTION_CODES = CAMEO.SANCTIONS
