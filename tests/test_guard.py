"""A guard for the future: random right and wrong arguments to every public callable.

Each call must return a valid result or raise AllianceStatsError: never another
exception, never a changed input, and every ``to_dict()`` must be strict JSON.
The registry (tests/guard_registry.py) must cover every public callable.
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
    for name in ("_repr_html_", "summary", "text", "to_frame", "to_series"):
        method = getattr(result, name, None)
        if callable(method) and not hasattr(result, "iloc"):
            method()


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
            _check_result(result)
        after = [_fingerprint(a) for a in args] + [_fingerprint(v) for v in kwargs.values()]
        assert after == before, "an input was changed"

    run()


# -- arguments the guard once found unchecked: each now raises AllianceStatsError -------------

TRIGGERS = als.EventSeries(["2019-01-20", "2019-03-01"])
WINDOW, PERIOD = als.Window(0, 10), als.Period("2019-01-01", "2019-04-30")


def _empty_csv(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    return path


FOUND = [
    ("window_sweep: `windows` is a sequence of Window",
     lambda tmp: als.window_sweep(TRIGGERS, TRIGGERS, period=PERIOD, windows=5.0)),
    ("window_sweep: `nulls` is a sequence of names",
     lambda tmp: als.window_sweep(TRIGGERS, TRIGGERS, period=PERIOD, nulls=None)),
    ("sweep_windows: `symmetric` is True or False",
     lambda tmp: als.sweep_windows(3, symmetric=np.array([1, 2]))),
    ("power: `window` is a Window",
     lambda tmp: als.power(0.4, 10, TRIGGERS, window="30", period=PERIOD)),
    ("power: `window` is a Window (simulated)",
     lambda tmp: als.power(0.4, 10, TRIGGERS, window="30", period=PERIOD, null="circular")),
    ("power: `coupling` is a number in [0, 1]",
     lambda tmp: als.power((), 10, TRIGGERS, window=WINDOW, period=PERIOD)),
    ("n_required: `window` is a Window",
     lambda tmp: als.n_required(0.4, TRIGGERS, window=3.0, period=PERIOD)),
    ("n_required: `target_power` is a number",
     lambda tmp: als.n_required(0.4, TRIGGERS, window=WINDOW, period=PERIOD, target_power=[0.8])),
    ("n_required: `coupling` is a number in [0, 1]",
     lambda tmp: als.n_required(None, TRIGGERS, window=WINDOW, period=PERIOD)),
    ("EventTable.from_csv: `path` is a path", lambda tmp: als.EventTable.from_csv(None)),
    ("EventTable.read: `path` is a path", lambda tmp: als.EventTable.read(3)),
    ("EventTable.from_csv: an empty file", lambda tmp: als.EventTable.from_csv(_empty_csv(tmp))),
    ("EventTable.actor_series: `targets` is a sequence",
     lambda tmp: als.datasets.load_synthetic_events().actor_series("USA", targets=1.0)),
    ("EventTable.actor_series: `targets` is not one string",
     lambda tmp: als.datasets.load_synthetic_events().actor_series("USA", targets="IRN")),
    ("EventTable: a raw frame goes through from_frame",
     lambda tmp: als.EventTable(pd.DataFrame({"date": ["2019-01-01"], "source": ["IRN"],
                                              "target": ["VEN"], "code": ["042"]}))),
    ("scan: `window` is a Window",
     lambda tmp: als.scan(als.datasets.load_synthetic_events(), window="30", period=PERIOD,
                          trigger_actor="USA")),
    ("scan: `period` is a Period",
     lambda tmp: als.scan(als.datasets.load_synthetic_events(), window=WINDOW, period=None,
                          trigger_actor="USA")),
    ("Preset: `columns` maps the four keys",
     lambda tmp: als.io.Preset(name="X", columns={"date": "d"}, sep=",", header=True,
                               date_format="%Y-%m-%d", code_system="cameo", countries="iso3")),
    ("simulate.clustered_series: a cluster size numpy cannot draw",
     lambda tmp: als.simulate.clustered_series(0.0, mean_cluster_size=1e20, spread_days=1,
                                               period=PERIOD)),
    ("CodeSet: `include` is a tuple of codes",
     lambda tmp: als.CodeSet("mine", "CAMEO", "040")),
]


@pytest.mark.parametrize("call", [pytest.param(call, id=what) for what, call in FOUND])
def test_arguments_once_unchecked_are_refused(call, tmp_path):
    with pytest.raises(als.AllianceStatsError):
        call(tmp_path)
