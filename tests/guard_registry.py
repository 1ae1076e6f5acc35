"""The registry behind the property-based guard (tests/test_guard.py).

One entry per public callable: a Hypothesis strategy for its arguments, mostly
right (small data so every call is fast) and, half of the time, with one
argument replaced by a value of a wrong type or range. A public callable with no
entry fails ``test_every_public_callable_is_registered``: register new functions
here (and say in ``EXEMPT`` why a public name needs none).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd
from hypothesis import strategies as st

import alliancestats as als
from alliancestats import EventSeries, Period, Window
from alliancestats.nulls import NULLS

DAY0 = np.datetime64("2019-01-01")
T = 120
PERIOD = Period("2019-01-01", "2019-04-30")

#: public names that take no entry, and why. A result type's constructor is exempt (the
#: function that builds it is guarded); its methods that take arguments have entries, and
#: those that take none run on every result the guard draws (``_check_result``).
EXEMPT = {
    "AllianceStatsError": "an exception class",
    "DegenerateDataWarning": "a warning class",
    "AuditReport": "a result type, built by audit()",
    "AuditVerdict": "a result type, built by audit_verdict()",
    "PlaceboResult": "a result type, built by placebo_test()",
    "SecondaryResult": "a result type, built by secondary_tests()",
    "DateMoveBounds": "a result type, built by date_move_bounds()",
    "CoincidenceResult": "a result type, built by coincidence_test()",
    "ConfidenceInterval": "a result type (a named tuple)",
    "Coverage": "a result type, built by coverage()",
    "EffectSizes": "a result type, built by effect_sizes()",
    "CountModelResult": "a result type, built by count_model_test()",
    "Diagnosis": "a result type, built by diagnose()",
    "ScanResult": "a result type, built by scan()",
    "datasets.CaseStudy": "a result type, built by load_iran_venezuela()",
    "io.CodeSystem": "the base class of CAMEO, PLOVER and LABELS (its methods are guarded "
                     "through them)",
    "nulls": "null classes are reached through coincidence_test(null=...)",
}
#: public subpackages whose callables are guarded besides ``alliancestats.__all__``
SUBPACKAGES = ("io",)

#: wrong values: types and ranges a caller might pass by mistake
WRONG = st.sampled_from([None, "", "x", "2019-13-45", -1, 0, 2.5, float("nan"), float("inf"),
                         True, [], ["a", 1], {}, (), object(), 10**20, -(10**20),
                         np.int64(3), pd.DataFrame({"a": [1]}), np.array([[1, 2]])])
#: parameters that size the work: never given astronomically large values here (the engine's
#: cost checks own that); wrong types and small bad values still are
RESOURCE = {"n_resamples", "n_simulations", "n_replicates", "n_max", "max_days", "n"}
SMALL_WRONG = WRONG.filter(lambda v: not (isinstance(v, int) and abs(v) > 10**6))


@dataclass
class Entry:
    """How to call one public callable: ``build`` draws ``(function, args, kwargs)``."""

    build: st.SearchStrategy[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]]
    examples: int | None = None   # None: the Hypothesis profile's max_examples


def _series(offsets: list[int], attributes: dict[str, list[Any]] | None = None,
            **kwargs: Any) -> EventSeries:
    dates = DAY0 + np.asarray(offsets, dtype=np.int64).astype("timedelta64[D]")
    return EventSeries(dates, attributes, **kwargs)


@st.composite
def series(draw: Any, *, inside: bool = True, min_size: int = 0, max_size: int = 8) -> EventSeries:
    """Small event series; responses lie in PERIOD unless ``inside`` is False."""
    offsets = st.integers(0, T - 1) if inside else st.integers(-40, T + 40)
    days = draw(st.lists(offsets, min_size=min_size, max_size=max_size))
    n = len(days)
    attributes = {
        "target": draw(st.lists(st.sampled_from(["A", "B"]), min_size=n, max_size=n)),
        "topic": draw(st.lists(st.sampled_from(["x", "y", "z"]), min_size=n, max_size=n)),
        "score": draw(st.lists(st.sampled_from([1.0, 2.5, np.nan, np.inf]), min_size=n, max_size=n)),
        "code": [f"E{i}" for i in range(n)],
    }
    return _series(days, attributes, id_column="code", name=draw(st.sampled_from([None, "s"])))


responses = st.one_of(series(min_size=1), series(inside=False, min_size=1))
triggers = series(inside=False)
windows = st.tuples(st.integers(-20, 20), st.integers(0, 40)).map(lambda t: Window(t[0], t[0] + t[1]))
periods = st.one_of(st.just(PERIOD), st.integers(0, 60).map(
    lambda d: Period(str(DAY0 + d), str(DAY0 + T - 1))))
nulls = st.sampled_from(list(NULLS))
placing_nulls = st.sampled_from([n for n, c in NULLS.items() if c.draws == "responses"])
alternatives = st.sampled_from(["greater", "less", "two-sided"])
seeds = st.one_of(st.none(), st.integers(0, 2**32))
resamples = st.integers(1, 40)


def null_options(null: str) -> st.SearchStrategy[dict[str, Any]]:
    return {"uniform": st.fixed_dictionaries({"distinct": st.booleans()}),
            "poisson": st.fixed_dictionaries({"continuous": st.booleans()}),
            "stratified": st.fixed_dictionaries({"strata": st.sampled_from(
                ["year", "quarter", "month", ["2019-02-01"]])}),
            "jitter": st.fixed_dictionaries({"days": st.integers(0, 40)})}.get(null, st.just({}))


@st.composite
def _with_null(draw: Any, choices: st.SearchStrategy[str] = nulls) -> dict[str, Any]:
    null = draw(choices)
    return {"null": null, **draw(null_options(null))}


@st.composite
def call(draw: Any, function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
         method: bool) -> tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]:
    """``function(*args, **kwargs)`` with strategies drawn; half the time one argument
    (positional index or keyword) is replaced by a wrong value. For a ``method`` the
    first argument is the object itself and stays right."""
    drawn_args = [draw(a) if isinstance(a, st.SearchStrategy) else a for a in args]
    drawn_kwargs = {k: draw(v) if isinstance(v, st.SearchStrategy) else v for k, v in kwargs.items()}
    extra = drawn_kwargs.pop("**", {})
    drawn_kwargs.update(extra)
    slots: list[Any] = list(range(int(method), len(drawn_args))) + list(drawn_kwargs)
    if slots and draw(st.booleans()):
        slot = draw(st.sampled_from(slots))
        wrong = draw(SMALL_WRONG if slot in RESOURCE else WRONG)
        if isinstance(slot, int):
            drawn_args[slot] = wrong
        else:
            drawn_kwargs[slot] = wrong
    return function, tuple(drawn_args), drawn_kwargs


def entry(function: Callable[..., Any], *args: Any, examples: int | None = None,
          **kwargs: Any) -> Entry:
    return Entry(call(function, args, kwargs, method=False), examples)


def method(name: str, *args: Any, examples: int | None = None, **kwargs: Any) -> Entry:
    """The method ``name`` of the object drawn from ``args[0]``."""
    function = lambda obj, *a, **k: getattr(obj, name)(*a, **k)  # noqa: E731
    return Entry(call(function, args, kwargs, method=True), examples)


@st.composite
def _frame(draw: Any) -> pd.DataFrame:
    s = draw(series(min_size=1))
    frame = s.frame
    frame["date"] = frame["date"].dt.strftime(draw(st.sampled_from(["%Y-%m-%d", "%d/%m/%Y"])))
    return frame


@st.composite
def _table(draw: Any, unknown: bool = True) -> pd.DataFrame:
    """A dyadic event table in the CAMEO layout (with an unknown country if ``unknown``)."""
    n = draw(st.integers(1, 12))
    countries = st.sampled_from(["IRN", "VEN", "USA", "Cuba", "Russia"] + ["XXX"] * unknown)
    return pd.DataFrame({
        "date": [str(DAY0 + d) for d in draw(st.lists(st.integers(0, T - 1), min_size=n, max_size=n))],
        "source": draw(st.lists(countries, min_size=n, max_size=n)),
        "target": draw(st.lists(countries, min_size=n, max_size=n)),
        "code": draw(st.lists(st.sampled_from(["040", "42", "163", "190"]), min_size=n, max_size=n)),
    })


event_tables = _table(unknown=False).map(als.EventTable.from_frame)
composition_tables = st.builds(
    lambda m, t: pd.DataFrame({"matched": m, "topic": t[:len(m)] + ["x"] * (len(m) - len(t))}),
    st.lists(st.booleans(), min_size=1, max_size=12), st.lists(st.sampled_from(list("abc")), max_size=12))
delays = st.tuples(st.integers(-5, 5), st.integers(0, 10)).map(
    lambda t: als.simulate.delay_distribution(t[0], t[0] + t[1]))
dates = st.one_of(
    st.lists(st.sampled_from(["2019-01-01", "2019-02-15", "2019-04-30", "1 March 2019"]), max_size=4),
    st.lists(st.sampled_from(["2019-01-01", "02/03/2019", "2019", "now", "25/12/2019"]), max_size=4))


def _mostly_none(values: list[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), st.sampled_from(values))


@st.composite
def _built(draw: Any, build: Callable[..., Any], *strategies: Any, **kwargs: Any) -> Any:
    """A result built from drawn right arguments (a draw the builder refuses is discarded)."""
    from hypothesis import assume

    args = [draw(a) for a in strategies]
    try:
        return build(*args, **{k: draw(v) for k, v in kwargs.items()})
    except als.AllianceStatsError:
        assume(False)


statistics = st.sampled_from(["matches", "pairs", "trigger-rate"])
analysis_options = st.sampled_from([{}, {"strata": "year"}, {"strata": "quarter"}, {"days": 5},
                                    {"days": 5, "gap": 3}, {"distinct": True}, {"nope": 1}])
analysis_arguments = dict(window=st.one_of(st.none(), windows), null_options=analysis_options)
analyses = _built(als.Analysis, st.sampled_from(list(NULLS)), statistics, **analysis_arguments)
inside = series(min_size=1)
coincidence_results = st.one_of(
    _built(als.coincidence_test, inside, triggers, window=windows, period=st.just(PERIOD),
           statistic=st.sampled_from(["matches", "pairs"])),
    st.just(als.datasets.load_iran_venezuela()).map(
        lambda c: als.coincidence_test(c.meetings, c.independent_sanctions, window=c.window,
                                       period=c.period)))
scan_results = st.one_of(
    _built(als.scan, event_tables, window=windows, period=st.just(PERIOD),
           trigger_actor=st.just("USA"), null=st.sampled_from(["uniform", "circular"])),
    st.just(None).map(lambda _: als.scan(als.datasets.load_synthetic_events(),
                                         window=Window(0, 30), trigger_actor="USA",
                                         period=Period("2015-01-01", "2020-12-31"))))
code_systems = st.sampled_from([als.CAMEO, als.PLOVER, als.io.LABELS])
query_codes = st.one_of(st.sampled_from(["04", "042", 42, "163", "CONSULT", "SANCTION", "meeting",
                                         "", "9x"]),
                        st.lists(st.sampled_from(["040", "16", "CONSULT:visit", "x"]), max_size=3),
                        st.sampled_from([als.CAMEO.MEETINGS, als.PLOVER.SANCTIONS]))
covariate_frames = st.one_of(st.none(), st.integers(0, 1).map(lambda seed: pd.DataFrame(
    {"x": np.random.default_rng(seed).normal(size=T)})))
preset_kwargs = st.fixed_dictionaries({
    "name": st.sampled_from(["MINE", ""]),
    "columns": st.sampled_from([{"date": "d", "source": "s", "target": "t", "code": "c"},
                                {"date": "d"}, {"date": "d", "source": "s", "target": "t",
                                                "code": "c", "x": "y"}]),
    "sep": st.sampled_from([",", "\t"]), "header": st.booleans(),
    "date_format": st.sampled_from(["%Y-%m-%d", "%Y%m%d"]),
    "code_system": st.sampled_from(["cameo", "plover", "labels", "CAMEO"]),
    "countries": st.sampled_from(["iso3", "name", "nope"]),
    "column_names": st.sampled_from([None, ("d", "s", "t", "c"), ("d",)])})


def _parquet(tmp_csv: Callable[[str], str], text: str) -> str:
    """A Parquet copy of the CSV ``text`` (or the CSV path itself when pyarrow is missing)."""
    path = tmp_csv(text)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame.to_parquet(path.replace(".csv", ".parquet"))
    except Exception:  # noqa: BLE001 - an unreadable CSV makes a path to nothing
        return path.replace(".csv", ".parquet")
    return path.replace(".csv", ".parquet")



def registry(tmp_csv: Callable[[str], str]) -> dict[str, Entry]:
    """Every public callable, keyed by its public name; ``tmp_csv(text)`` writes a file."""
    csv_texts = st.sampled_from([
        "date,x\n2019-01-05,1\n2019-02-01,2\n", "date\n02/03/2019\n", "date\n", "",
        "date,x\n2019-01-05\n", "date,date\n2019-01-01,2019-01-02\n", "id,day\na,2019-01-01\n",
        'date,note\n"2019-01-05","two\nlines"\n\n2019-02-01,x\n'])
    csv_paths = csv_texts.map(tmp_csv)
    table_texts = _table(unknown=True).map(lambda frame: frame.to_csv(index=False))
    tests = dict(window=windows, period=periods, method=st.sampled_from(["auto", "exact", "monte-carlo"]),
                 n_resamples=resamples, rng=seeds, alternative=alternatives,
                 drop_outside=st.booleans())
    reading = dict(date_format=_mostly_none(["%d/%m/%Y", "%Y%m%d", "excel"]),
                   dayfirst=_mostly_none([True, False]), precision=_mostly_none(["month", "year"]))
    return {
        "coincidence_test": entry(als.coincidence_test, responses, triggers, **tests,
                                  **{"**": _with_null()}),
        "coverage": entry(als.coverage, triggers, window=windows, period=periods),
        "match_table": entry(als.match_table, responses, triggers, window=windows),
        "window_sweep": entry(als.window_sweep, responses, triggers, period=periods,
                              windows=st.lists(windows, min_size=1, max_size=4),
                              nulls=st.lists(placing_nulls, min_size=1, max_size=2),
                              n_resamples=resamples, rng=seeds, alternative=alternatives,
                              drop_outside=st.booleans(), examples=20),
        "sweep_windows": entry(als.sweep_windows, st.integers(0, 30), min_days=st.integers(0, 30),
                               symmetric=st.booleans()),
        "lag_test": entry(als.lag_test, responses, triggers, period=periods, n_resamples=resamples,
                          rng=seeds, drop_outside=st.booleans(),
                          **{"**": _with_null(placing_nulls)}),
        "influence": entry(als.influence, responses, triggers, window=windows, period=periods,
                           drop_outside=st.booleans(), examples=20, **{"**": _with_null(
                               st.sampled_from([n for n, c in NULLS.items() if c.has_exact]))}),
        "subset_tests": entry(als.subset_tests, responses, triggers, window=windows, period=periods,
                              by=st.sampled_from([(), ["target"], ["nope"]]),
                              placebo_shifts=st.sampled_from([(), (-30, 30), (5000,)]),
                              drop_outside=st.booleans(), examples=20),
        "break_even_rate": entry(als.break_even_rate, st.integers(0, 10), st.integers(10, 30),
                                 window=windows, alpha=st.floats(0.001, 0.5)),
        "rate_curve": entry(als.rate_curve, responses, triggers, window=windows, period=periods,
                            alpha=st.floats(0.01, 0.2), multipliers=st.sampled_from(
                                [None, [0.5, 1, 2], [1]]), n_replicates=st.integers(1, 5),
                            rng=seeds, drop_outside=st.booleans(), examples=20),
        "composition_test": entry(als.composition_test, composition_tables, "topic",
                                  n_resamples=resamples, rng=seeds),
        "rate_comparison": entry(als.rate_comparison, responses, period=periods,
                                 breaks=st.sampled_from([["2019-02-01"], ["2019-02-01", "2019-03-15"],
                                                         []]), drop_outside=st.booleans()),
        "audit": entry(als.audit, responses, triggers, window=windows, period=periods,
                       primary=st.one_of(st.none(), analyses), alpha=st.floats(0.01, 0.5),
                       placebo_min=st.integers(1, 60),
                       sensitivity_attribute=st.sampled_from([None, "topic", "nope"]),
                       move_days=st.sampled_from([None, 2, 500]),
                       max_days=st.integers(0, 5), subset_columns=st.sampled_from([(), ["target"]]),
                       composition_attribute=st.sampled_from([None, "topic"]),
                       rate_breaks=st.sampled_from([(), ["2019-03-01"]]), n_resamples=resamples,
                       rng=seeds, drop_outside=st.booleans(), examples=10),
        "audit_verdict": entry(als.audit_verdict, responses, triggers, window=windows,
                               period=periods, primary=st.one_of(st.none(), analyses),
                               alpha=st.floats(0.01, 0.5),
                               placebo_step=st.one_of(st.none(), st.integers(1, 60)),
                               placebo_min=st.integers(1, 90),
                               placebo_max=st.one_of(st.none(), st.integers(1, 200)),
                               n_resamples=resamples, rng=seeds, drop_outside=st.booleans(),
                               examples=20),
        "placebo_test": entry(als.placebo_test, responses, triggers, window=windows,
                              period=periods, statistic=statistics,
                              step=st.one_of(st.none(), st.integers(1, 60)),
                              min_shift=st.integers(1, 90),
                              max_shift=st.one_of(st.none(), st.integers(1, 200)),
                              n_resamples=resamples, rng=seeds, drop_outside=st.booleans(),
                              examples=30, **{"**": _with_null()}),
        "response_subset_tests": entry(als.response_subset_tests, responses, triggers,
                                       window=windows, period=periods,
                                       attribute=st.sampled_from(["topic", "score", "nope"]),
                                       statistic=statistics, n_resamples=resamples, rng=seeds,
                                       drop_outside=st.booleans(), examples=20,
                                       **{"**": _with_null()}),
        "date_move_bounds": entry(als.date_move_bounds, responses, triggers, window=windows,
                                  period=periods, move_days=st.integers(-1, 150),
                                  statistic=statistics, drop_outside=st.booleans(),
                                  examples=30, **{"**": _with_null()}),
        "secondary_tests": entry(als.secondary_tests, responses, triggers, window=windows,
                                 period=periods, analyses=st.lists(analyses, min_size=1,
                                                                   max_size=3),
                                 n_resamples=resamples, rng=seeds, drop_outside=st.booleans(),
                                 examples=20),
        "Analysis": entry(als.Analysis, st.sampled_from([*NULLS, "nope"]),
                          st.sampled_from(["matches", "pairs", "trigger-rate", "x"]),
                          **analysis_arguments),
        "Analysis.label": method("label", analyses),
        "Analysis.options": method("options", analyses),
        "Analysis.to_dict": method("to_dict", analyses),
        "Analysis.with_window": method("with_window", analyses, windows),
        "power": entry(als.power, st.floats(0, 1), st.integers(1, 30), triggers, window=windows,
                       period=periods, null=st.sampled_from(["uniform", "circular"]),
                       n_simulations=st.integers(1, 3), n_resamples=resamples, rng=seeds,
                       examples=20),
        "n_required": entry(als.n_required, st.floats(0, 1), triggers, window=windows,
                            period=periods, target_power=st.floats(0.05, 0.95),
                            n_max=st.integers(1, 500)),
        "scan": entry(als.scan, st.one_of(event_tables, _table(unknown=False)), window=windows,
                      period=periods, trigger_actor=st.sampled_from(["USA", "Cuba", None]),
                      engine=st.sampled_from([None, "pandas", "duckdb", "dask"]), examples=20),
        "to_alpha3": entry(als.to_alpha3, st.sampled_from(["Iran", "IRN", "iran", "Atlantis", ""])),
        "EventSeries": entry(EventSeries, dates, **reading),
        "EventSeries.from_frame": entry(EventSeries.from_frame, _frame(), id_column=st.sampled_from(
            [None, "code", "nope"]), **reading),
        "EventSeries.from_csv": entry(EventSeries.from_csv, csv_paths, **reading),
        "EventSeries.where": method("where", series(), **{"**": st.sampled_from([
            {"target": "A"}, {"target": ["A", "C"]}, {"score": 1.0}, {"score": "1"}, {"nope": 1},
            {"topic": lambda v: v == "x"}])}),
        "EventSeries.select": method("select", series(min_size=3, max_size=3),
                                    st.sampled_from([[True, False, True], [1, 0, 1], [True]])),
        "EventSeries.union": method("union", series(), series()),
        "EventSeries.shifted": method("shifted", series(), st.integers(-400, 400)),
        "EventSeries.distinct_days": method("distinct_days", series()),
        "Period": entry(Period, st.sampled_from(["2019-01-01", "2018-06-30", "01/02/2019", "2019"]),
                        st.sampled_from(["2019-12-31", "2020-02-29", "31/12/2019", "2018-01-01"]),
                        dayfirst=_mostly_none([True, False])),
        "Window": entry(Window, st.integers(-50, 50), st.integers(-50, 50)),
        "Window.after": entry(Window.after, st.integers(0, 60), st.integers(0, 5)),
        "Window.before": entry(Window.before, st.integers(0, 60)),
        "Window.around": entry(Window.around, st.integers(0, 60)),
        "Window.to_dict": method("to_dict", windows),
        "Period.to_dict": method("to_dict", periods),
        "Period.contains": method("contains", periods, dates),
        "EventTable": entry(als.EventTable, st.one_of(_table(), event_tables.map(lambda t: t.frame)),
                            code_system=st.sampled_from([als.CAMEO, None, "cameo"])),
        "EventTable.from_frame": entry(als.EventTable.from_frame, _table()),
        "EventTable.from_csv": entry(als.EventTable.from_csv, csv_paths),
        "EventTable.dyad_series": method("dyad_series", event_tables,
                                        st.sampled_from(["IRN", "Iran"]), st.sampled_from(["VEN", "Cuba"])),
        "EventTable.actor_series": method("actor_series", event_tables,
                                         st.sampled_from(["USA", "Russia"]),
                                         targets=st.sampled_from([None, ["IRN"]])),
        "simulate.poisson_series": entry(als.simulate.poisson_series, st.floats(0, 50),
                                         period=periods, rng=seeds),
        "simulate.clustered_series": entry(als.simulate.clustered_series, st.floats(0, 20),
                                           mean_cluster_size=st.floats(0, 5),
                                           spread_days=st.integers(0, 10), period=periods, rng=seeds),
        "simulate.coupled_responses": entry(als.simulate.coupled_responses, triggers,
                                            n=st.integers(1, 10), coupling=st.floats(0, 1),
                                            delay=delays, period=periods, rng=seeds),
        "simulate.delay_distribution": entry(als.simulate.delay_distribution, st.integers(-10, 10),
                                             st.integers(-10, 10)),
        "simulate.simulate_null": entry(lambda *a, **k: als.simulate.simulate_null(*a, **k),
                                        nulls, responses, triggers, window=windows,
                                        period=periods, rng=seeds),
        "effect_sizes": entry(als.effect_sizes, responses, triggers, window=windows,
                              period=periods, confidence_level=st.floats(0.5, 0.99),
                              drop_outside=st.booleans(), examples=30,
                              **{"**": _with_null(placing_nulls)}),
        "count_model_test": entry(als.count_model_test, responses, triggers, window=windows,
                                  period=periods, strata=st.sampled_from(
                                      ["year", "quarter", "month", None, ["2019-03-01"]]),
                                  covariates=covariate_frames, alternative=alternatives,
                                  maxlags=st.one_of(st.none(), st.integers(0, 5)),
                                  confidence_level=st.floats(0.5, 0.99),
                                  empty_strata=st.sampled_from(["raise", "drop"]),
                                  drop_outside=st.booleans(), examples=30),
        "diagnose": entry(als.diagnose, responses, triggers, window=windows, period=periods,
                          unit=st.sampled_from(["year", "quarter", "month"]),
                          alpha=st.floats(0.01, 0.2), n_resamples=resamples, rng=seeds,
                          drop_outside=st.booleans(), examples=30),
        "CoincidenceResult.confidence_interval": method(
            "confidence_interval", coincidence_results, confidence_level=st.floats(0.01, 0.999)),
        "CoincidenceResult.effect_sizes": method(
            "effect_sizes", coincidence_results, confidence_level=st.floats(0.01, 0.999),
            examples=30),
        "ScanResult.pmf": method("pmf", scan_results, st.integers(-3, 80), examples=20),
        "ScanResult.pooled": method("pooled", scan_results, testable_only=st.booleans(),
                                    examples=20),
        "ScanResult.summary": method("summary", scan_results, top=st.integers(-2, 80), examples=20),
        "scenarios.scenario": entry(als.scenarios.scenario,
                                    st.sampled_from(list(als.scenarios.SCENARIOS) + ["nope"]),
                                    n=st.integers(1, 30), period=periods,
                                    n_triggers=st.one_of(st.none(), st.floats(0, 50)), rng=seeds),
        "scenarios.coupled": entry(als.scenarios.coupled,
                                   st.sampled_from(list(als.scenarios.SCENARIOS)),
                                   coupling=st.floats(0, 1), window=windows, n=st.integers(1, 30),
                                   period=periods, n_triggers=st.one_of(st.none(), st.floats(1, 50)),
                                   rng=seeds),
        "CodeSet": entry(als.CodeSet, st.sampled_from(["mine", ""]),
                         st.sampled_from(["CAMEO", "PLOVER", "labels", "cameo"]),
                         st.sampled_from([("040",), ["16", "17"], (), ("CONSULT",), "040"]),
                         exclude=st.sampled_from([(), ("163",)]), description=st.just("d")),
        "EventTable.code_mask": method("code_mask", event_tables, query_codes),
        "EventTable.country": method("country", event_tables,
                                     st.sampled_from(["Iran", "IRN", "ir", "Atlantis", "EUR", 3])),
        "EventTable.default_codes": method("default_codes", event_tables,
                                           st.one_of(st.none(), query_codes),
                                           st.sampled_from(["MEETINGS", "SANCTIONS", "meetings"])),
        "EventTable.from_parquet": entry(als.EventTable.from_parquet,
                                         csv_texts.map(lambda text: _parquet(tmp_csv, text)),
                                         code_system=_mostly_none(["cameo", "labels"]),
                                         unknown=st.sampled_from(["raise", "missing"])),
        "EventTable.read": entry(als.EventTable.read, st.one_of(
            table_texts.map(tmp_csv), table_texts.map(lambda text: _parquet(tmp_csv, text))),
            unknown=st.sampled_from(["raise", "missing"])),
        "io.Preset": entry(lambda **k: als.io.Preset(**k), **{"**": preset_kwargs}),
        "io.code_system": entry(als.io.code_system,
                                st.sampled_from(["cameo", "PLOVER", "labels", "gdelt", als.CAMEO])),
        "io.CodeSystem.query": method("query", code_systems, query_codes),
        "io.CodeSystem.default_codes": method("default_codes", code_systems,
                                              st.one_of(st.none(), query_codes),
                                              st.sampled_from(["MEETINGS", "SANCTIONS", "x"])),
        "io.CodeSystem.match": method("match", code_systems, query_codes, st.sampled_from(
            [pd.Index(["040", "042", "163"]), pd.Index(["CONSULT", "CONSULT:visit"]),
             pd.Index(["president", "secretary"]), pd.Index([])])),
        "datasets.load_us_travels": entry(als.datasets.load_us_travels, examples=1),
        "datasets.load_iran_venezuela": entry(als.datasets.load_iran_venezuela, examples=1),
        "datasets.load_synthetic_events": entry(als.datasets.load_synthetic_events, examples=1),
        "datasets.provenance": entry(als.datasets.provenance, examples=1),
    }


def _methods(name: str, cls: type) -> set[str]:
    """Public methods of a class; of a result type (exempt), only those taking arguments."""
    out = set()
    for attr, member in vars(cls).items():
        if attr.startswith("_") or not (isinstance(member, (classmethod, staticmethod))
                                        or inspect.isfunction(member)):
            continue
        function = member.__func__ if isinstance(member, (classmethod, staticmethod)) else member
        takes = [p for p in inspect.signature(function).parameters.values()
                 if p.name not in ("self", "cls")]
        if name not in EXEMPT or takes:
            out.add(f"{name}.{attr}")
    return out


def public_callables() -> set[str]:
    """Every public name that can be called, as the registry keys it: functions and
    classes in ``alliancestats.__all__`` and in the public modules (``simulate``,
    ``datasets``, ``scenarios``, ``io``; a name already public at the top level is
    keyed there), and the public methods of those classes."""
    names: set[str] = set()
    top = {id(getattr(als, name)) for name in als.__all__}
    modules = [(name, getattr(als, name)) for name in als.__all__
               if inspect.ismodule(getattr(als, name))]
    modules += [(name, getattr(als, name)) for name in SUBPACKAGES]
    for name in als.__all__:
        value = getattr(als, name)
        if inspect.isclass(value):
            names.add(name)
            if not issubclass(value, (BaseException, tuple)):
                names.update(_methods(name, value))
        elif callable(value) and not inspect.ismodule(value):
            names.add(name)
    for name, module in modules:
        if name in EXEMPT:
            names.add(name)
            continue
        for inner in module.__all__:
            value = getattr(module, inner)
            key = f"{name}.{inner}"
            if name in SUBPACKAGES and id(value) in top:
                continue
            if inspect.isclass(value):
                names.add(key)
                names.update(_methods(key, value))
            elif callable(value):
                names.add(key)
    return names
