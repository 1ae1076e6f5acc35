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

@pytest.fixture(scope="module")
def small():
    triggers = als.EventSeries(["2019-01-20", "2019-03-01"])
    return triggers, als.Window(0, 10), als.Period("2019-01-01", "2019-04-30")


def _engine(reason):
    return pytest.mark.xfail(strict=True, raises=(TypeError, AttributeError, ValueError),
                             reason=f"engine: {reason}")


def _dyads(reason):
    return pytest.mark.xfail(strict=True, raises=(TypeError, AttributeError, ValueError),
                             reason=f"dyads: {reason}")


@_engine("window_sweep does not check that `windows` is a sequence of Window")
def test_known_window_sweep_windows(small):
    triggers, _, period = small
    with pytest.raises(als.AllianceStatsError):
        als.window_sweep(triggers, triggers, period=period, windows=5.0)


@_engine("window_sweep does not check that `nulls` is a sequence of names")
def test_known_window_sweep_nulls(small):
    triggers, _, period = small
    with pytest.raises(als.AllianceStatsError):
        als.window_sweep(triggers, triggers, period=period, nulls=None)


@_engine("sweep_windows does not check that `symmetric` is True or False")
def test_known_sweep_windows_symmetric():
    with pytest.raises(als.AllianceStatsError):
        als.sweep_windows(3, symmetric=np.array([1, 2]))


@_engine("power does not check that `window` is a Window")
def test_known_power_window(small):
    triggers, _, period = small
    with pytest.raises(als.AllianceStatsError):
        als.power(0.4, 10, triggers, window="30", period=period)


@_engine("power does not check that `coupling` is a number in [0, 1]")
def test_known_power_coupling(small):
    triggers, window, period = small
    with pytest.raises(als.AllianceStatsError):
        als.power((), 10, triggers, window=window, period=period)


@_engine("n_required does not check that `window` is a Window")
def test_known_n_required_window(small):
    triggers, _, period = small
    with pytest.raises(als.AllianceStatsError):
        als.n_required(0.4, triggers, window=3.0, period=period)


@_engine("n_required does not check that `target_power` is a number")
def test_known_n_required_target_power(small):
    triggers, window, period = small
    with pytest.raises(als.AllianceStatsError):
        als.n_required(0.4, triggers, window=window, period=period, target_power=[0.8])


@_engine("n_required does not check that `coupling` is a number in [0, 1]")
def test_known_n_required_coupling(small):
    triggers, window, period = small
    with pytest.raises(als.AllianceStatsError):
        als.n_required(None, triggers, window=window, period=period)


@_dyads("EventTable.from_csv does not check that `path` is a path")
def test_known_event_table_path():
    with pytest.raises(als.AllianceStatsError):
        als.EventTable.from_csv(None)


@pytest.mark.xfail(strict=True, raises=pd.errors.EmptyDataError,
                   reason="dyads: EventTable.from_csv lets pandas' EmptyDataError through")
def test_known_event_table_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(als.AllianceStatsError):
        als.EventTable.from_csv(path)


@_dyads("EventTable.actor_series does not check that `targets` is a sequence")
def test_known_actor_series_targets():
    table = als.datasets.load_synthetic_events()
    with pytest.raises(als.AllianceStatsError):
        table.actor_series("USA", targets=1.0)


@_dyads("scan does not check that `window` is a Window")
def test_known_scan_window(small):
    _, _, period = small
    with pytest.raises(als.AllianceStatsError):
        als.scan(als.datasets.load_synthetic_events(), window="30", period=period,
                 trigger_actor="USA")


@_dyads("scan does not check that `period` is a Period")
def test_known_scan_period(small):
    _, window, _ = small
    with pytest.raises(als.AllianceStatsError):
        als.scan(als.datasets.load_synthetic_events(), window=window, period=None,
                 trigger_actor="USA")
