"""alliancestats: do responses follow triggers more often than chance allows?

For two dated event series, responses (e.g. Iran–Venezuela meetings) and
triggers (e.g. U.S. sanctions), count the responses that fall within a window
after a trigger and compare that count with what chance gives under explicit
null models.

Examples
--------
>>> import alliancestats as als
>>> case = als.datasets.load_iran_venezuela()
>>> independent = case.sanctions.where(proxy_related="no")
>>> res = als.coincidence_test(case.meetings, independent, window=case.window,
...                            period=case.period, null="uniform")
>>> res.k, res.n, round(res.expected, 2), round(res.pvalue, 3)
(21, 25, 17.49, 0.09)
"""

from importlib import metadata as _metadata

from . import datasets, nulls, scenarios, simulate
from .audit import (Analysis, AuditReport, AuditVerdict, DateMoveBounds, PlaceboResult,
                    SecondaryResult, audit, audit_verdict, date_move_bounds, placebo_test,
                    response_subset_tests, secondary_tests)
from .breakeven import break_even_rate, rate_curve
from .coincidence import coincidence_test
from .count_model import CountModelResult, count_model_test
from .diagnose import Diagnosis, diagnose
from .effects import EffectSizes, effect_sizes
from .countries import to_alpha3
from .dyads import MEETING_CODES, SANCTION_CODES, EventTable, scan
from .io import CAMEO, PLOVER, CodeSet
from .scanning import ScanResult
from .composition import composition_test, rate_comparison
from .errors import AllianceStatsError, DegenerateDataWarning
from .events import EventSeries
from .influence import influence
from .lagtest import lag_test
from .matching import Coverage, coverage, match_table
from .period import Period
from .power_analysis import n_required, power
from .result import CoincidenceResult, ConfidenceInterval
from .subsets import subset_tests
from .sweep import sweep_windows, window_sweep
from .window import Window

try:  # one version source: the installed package's metadata (pyproject.toml)
    __version__ = _metadata.version("alliancestats")
except _metadata.PackageNotFoundError:  # pragma: no cover - running from an unbuilt tree
    __version__ = "0+unknown"

__all__ = [
    "AllianceStatsError",
    "Analysis",
    "AuditReport",
    "AuditVerdict",
    "DateMoveBounds",
    "PlaceboResult",
    "SecondaryResult",
    "audit",
    "audit_verdict",
    "date_move_bounds",
    "placebo_test",
    "response_subset_tests",
    "secondary_tests",
    "break_even_rate",
    "composition_test",
    "count_model_test",
    "diagnose",
    "effect_sizes",
    "influence",
    "lag_test",
    "rate_comparison",
    "rate_curve",
    "subset_tests",
    "sweep_windows",
    "window_sweep",
    "CoincidenceResult",
    "CountModelResult",
    "Diagnosis",
    "EffectSizes",
    "ConfidenceInterval",
    "Coverage",
    "DegenerateDataWarning",
    "EventSeries",
    "EventTable",
    "MEETING_CODES",
    "SANCTION_CODES",
    "scan",
    "ScanResult",
    "CAMEO",
    "PLOVER",
    "CodeSet",
    "to_alpha3",
    "Period",
    "Window",
    "coincidence_test",
    "coverage",
    "datasets",
    "match_table",
    "n_required",
    "nulls",
    "power",
    "scenarios",
    "simulate",
]
