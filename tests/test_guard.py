"""A guard for the future: random right and wrong arguments to every public callable.

Each call must return a valid result or raise AllianceStatsError: never another
exception, never a changed input, and every ``to_dict()`` must be strict JSON.
The registry (tests/guard_registry.py) must cover every public callable.
Known defects in code owned elsewhere are listed in ``KNOWN`` with a strict xfail
test each; the guard does not trip over them meanwhile.
"""

import json
import os
import warnings

import numpy as np
import pandas as pd

import pytest
from hypothesis import HealthCheck, given, settings

import alliancestats as als
from guard_registry import EXEMPT, public_callables, registry

#: defects in modules this guard's author does not own: (registry name, exception type, text
#: in the message). Each has a strict xfail test below; remove both once it is fixed.
KNOWN: list[tuple[str, type, str]] = [
    ("window_sweep", TypeError, "is not iterable"),                # engine: sweep.py
    ("sweep_windows", ValueError, "truth value"),                  # engine: sweep.py
    ("power", AttributeError, "has no attribute 'lo'"),            # engine: power_analysis.py
    ("power", TypeError, "can't multiply sequence"),               # engine: power_analysis.py
    ("power", TypeError, "unsupported operand"),                   # engine: power_analysis.py
    ("n_required", AttributeError, "has no attribute 'lo'"),       # engine: power_analysis.py
    ("n_required", TypeError, "not supported between"),            # engine: power_analysis.py
    ("n_required", TypeError, "can't multiply sequence"),          # engine: power_analysis.py
    ("n_required", TypeError, "unsupported operand"),              # engine: power_analysis.py
    ("n_required", ValueError, "truth value"),                     # engine: power_analysis.py
    ("EventTable.from_csv", TypeError, "expected str, bytes or os.PathLike"),   # dyads.py
    ("EventTable.from_csv", pd.errors.EmptyDataError, "No columns to parse"),   # dyads.py
    ("EventTable.actor_series", TypeError, "is not iterable"),     # dyads.py
    ("scan", AttributeError, "has no attribute"),                  # dyads.py
]


def _fingerprint(value):
    """What an input looks like, to compare before and after a call (pandas may build
    caches inside a frame without changing it, so frames are compared by content)."""
    if isinstance(value, als.EventSeries):
        return ("EventSeries", value.days.tolist(), _fingerprint(value.frame), value.name,
                value.tz, value.id_column, value.source_rows.tolist())
    if isinstance(value, pd.DataFrame):
        return ("DataFrame", repr(list(value.columns)), repr(list(value.dtypes)),
                repr(list(value.index)), repr(value.to_numpy(dtype=object).tolist()))
    if isinstance(value, np.ndarray):
        return ("ndarray", str(value.dtype), repr(value.tolist()))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_fingerprint(v) for v in value])
    if isinstance(value, dict):
        return ("dict", [(repr(k), _fingerprint(v)) for k, v in value.items()])
    if hasattr(value, "__dataclass_fields__"):
        return (type(value).__name__, [_fingerprint(getattr(value, f))
                                       for f in value.__dataclass_fields__])
    return repr(value)


def _check_result(result):
    if result is None:
        return
    to_dict = getattr(result, "to_dict", None)
    if callable(to_dict) and not hasattr(result, "iloc"):
        json.loads(json.dumps(to_dict(), allow_nan=False))
    for name in ("_repr_html_", "summary", "text", "to_frame"):
        method = getattr(result, name, None)
        if callable(method) and not hasattr(result, "iloc"):
            method()


def _known(name, exc):
    return any(name == n and isinstance(exc, t) and text in str(exc) for n, t, text in KNOWN)


@pytest.fixture(scope="module")
def entries(tmp_path_factory):
    folder = tmp_path_factory.mktemp("guard")
    counter = iter(range(10**9))

    def tmp_csv(text):
        path = folder / f"f{next(counter)}.csv"
        path.write_text(text)
        return str(path)

    return registry(tmp_csv)


def test_every_public_callable_is_registered(entries):
    missing = public_callables() - set(entries) - set(EXEMPT)
    stale = set(entries) - public_callables()
    assert not missing, f"register these in tests/guard_registry.py: {sorted(missing)}"
    assert not stale, f"no longer public, remove from the registry: {sorted(stale)}"


NAMES = sorted(registry(lambda text: "unused.csv"))
DETERMINISTIC = bool(os.environ.get("CI"))


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", NAMES)
def test_guard(entries, name):
    entry = entries[name]

    limit = settings.default.max_examples
    @settings(max_examples=limit if entry.examples is None else min(entry.examples, limit),
              deadline=None,
              derandomize=DETERMINISTIC, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.filter_too_much])
    @given(entry.build)
    def run(drawn):
        function, args, kwargs = drawn
        before = [_fingerprint(a) for a in args] + [_fingerprint(v) for v in kwargs.values()]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", FutureWarning)
            try:
                result = function(*args, **kwargs)
            except als.AllianceStatsError:
                result = None
            except Exception as exc:  # noqa: BLE001 - the guard's whole point
                if _known(name, exc):
                    return
                raise
            _check_result(result)
        after = [_fingerprint(a) for a in args] + [_fingerprint(v) for v in kwargs.values()]
        assert after == before, "an input was changed"

    run()


# -- the known defects, one strict xfail each ------------------------------------------------

TRIGGERS = als.EventSeries(["2019-01-20", "2019-03-01"])
WINDOW, PERIOD = als.Window(0, 10), als.Period("2019-01-01", "2019-04-30")


def _empty_csv():
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as handle:
        return handle.name


DEFECTS = [   # (owner, what is not checked, the call that should raise AllianceStatsError)
    ("engine", "window_sweep: `windows` is a sequence of Window",
     lambda: als.window_sweep(TRIGGERS, TRIGGERS, period=PERIOD, windows=5.0)),
    ("engine", "window_sweep: `nulls` is a sequence of names",
     lambda: als.window_sweep(TRIGGERS, TRIGGERS, period=PERIOD, nulls=None)),
    ("engine", "sweep_windows: `symmetric` is True or False",
     lambda: als.sweep_windows(3, symmetric=np.array([1, 2]))),
    ("engine", "power: `window` is a Window",
     lambda: als.power(0.4, 10, TRIGGERS, window="30", period=PERIOD)),
    ("engine", "power: `coupling` is a number in [0, 1]",
     lambda: als.power((), 10, TRIGGERS, window=WINDOW, period=PERIOD)),
    ("engine", "n_required: `window` is a Window",
     lambda: als.n_required(0.4, TRIGGERS, window=3.0, period=PERIOD)),
    ("engine", "n_required: `target_power` is a number",
     lambda: als.n_required(0.4, TRIGGERS, window=WINDOW, period=PERIOD, target_power=[0.8])),
    ("engine", "n_required: `coupling` is a number in [0, 1]",
     lambda: als.n_required(None, TRIGGERS, window=WINDOW, period=PERIOD)),
    ("dyads", "EventTable.from_csv: `path` is a path", lambda: als.EventTable.from_csv(None)),
    ("dyads", "EventTable.from_csv: an empty file (pandas' EmptyDataError gets through)",
     lambda: als.EventTable.from_csv(_empty_csv())),
    ("dyads", "EventTable.actor_series: `targets` is a sequence",
     lambda: als.datasets.load_synthetic_events().actor_series("USA", targets=1.0)),
    ("dyads", "scan: `window` is a Window",
     lambda: als.scan(als.datasets.load_synthetic_events(), window="30", period=PERIOD,
                      trigger_actor="USA")),
    ("dyads", "scan: `period` is a Period",
     lambda: als.scan(als.datasets.load_synthetic_events(), window=WINDOW, period=None,
                      trigger_actor="USA")),
]


@pytest.mark.parametrize("call", [
    pytest.param(call, id=what.split(":")[0] + "-" + str(i), marks=pytest.mark.xfail(
        strict=True, raises=(TypeError, AttributeError, ValueError),
        reason=f"{owner}: {what} is not checked"))
    for i, (owner, what, call) in enumerate(DEFECTS)])
def test_known_defect(call):
    with pytest.raises(als.AllianceStatsError):
        call()
