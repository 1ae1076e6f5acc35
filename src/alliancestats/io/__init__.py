"""Reading real event data: layouts (presets), country schemes and event code systems.

Everything inside alliancestats sees day numbers, ISO 3166 alpha-3 codes (or an
explicit non-state code) and event codes of one code system; this subpackage is
where files in published layouts become that.
"""

from .codes import CAMEO, LABELS, PLOVER, CodeSet, CodeSystem, code_system
from .countries import NON_STATE, SCHEMES, to_alpha3
from .presets import GDELT1, GDELT2, ICEWS, POLECAT, PRESETS, US_TRAVELS, Preset
from .table import EventTable

__all__ = ["CAMEO", "PLOVER", "LABELS", "CodeSet", "CodeSystem", "code_system", "NON_STATE",
           "SCHEMES", "to_alpha3", "Preset", "ICEWS", "GDELT1", "GDELT2", "POLECAT", "US_TRAVELS",
           "PRESETS", "EventTable"]
