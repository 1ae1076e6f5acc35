"""Every engine (pandas on files, DuckDB, Dask) returns the in-memory scan's table, on the
same small generated tables; the Dask path never brings event rows to the client; bad
input raises a clear error on every engine."""

import os
import sys

import numpy as np
import pandas as pd
import pytest

import alliancestats as als
from alliancestats import AllianceStatsError, EventTable, Period, Window, scan
from alliancestats.datasets import load_synthetic_events
from alliancestats.scanning import engines, stats as scan_stats

pytest.importorskip("duckdb")
pytest.importorskip("dask.dataframe")
pytest.importorskip("distributed")

import dask  # noqa: E402
import dask.dataframe as dd  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword")   # inside dask, on pandas 3

PERIOD = Period("2015-01-01", "2020-12-31")
WINDOW = Window.after(days=30)
GDELT = EventTable.GDELT2
COLUMNS = list(GDELT.columns.values())      # SQLDATE, Actor1CountryCode, Actor2CountryCode, EventCode
ALL_NULLS = [("uniform", {}), ("stratified", {}), ("jitter", {"days": 45}),
             ("episode-jitter", {"days": 45}), ("circular", {})]


def gdelt_like(rows, seed):
    """A skewed GDELT-2.0-like table (raw, as in Parquet exports): a few busy countries, many
    quiet ones, blank actors, CAMEO regions, codes as text, SQLDATE as integers."""
    rng = np.random.default_rng(seed)
    countries = np.array(["USA", "CHN", "RUS", "IRN", "VEN", "CUB", "SYR", "TUR", "BRA", "IND",
                          "ROM", "EUR", "AFR", "FJI", "NIC", None], dtype=object)
    weights = 1 / np.arange(1, len(countries) + 1)
    weights[-1] = 3                                            # blank actors are common
    codes = np.array(["040", "042", "043", "044", "046", "163", "010", "051", "190", "1056"])
    code_weights = np.array([4, 3, 2, 1, 1, 1.5, 10, 5, 2, 1])
    days = np.datetime64("2014-10-01") + rng.integers(0, 6 * 365 + 120, rows)
    ymd = pd.DatetimeIndex(days).strftime("%Y%m%d").astype(int)
    frame = pd.DataFrame({
        "SQLDATE": ymd.to_numpy(np.int64),
        "Actor1CountryCode": countries[rng.choice(len(countries), rows, p=weights / weights.sum())],
        "Actor2CountryCode": countries[rng.choice(len(countries), rows, p=weights / weights.sum())],
        "EventCode": codes[rng.choice(len(codes), rows, p=code_weights / code_weights.sum())],
        "NumMentions": rng.integers(1, 20, rows)})
    return frame.sort_values("SQLDATE", kind="stable").reset_index(drop=True)


def write_parts(frame, folder, n, fmt="parquet"):
    """``frame`` split into ``n`` files; returns the folder."""
    os.makedirs(folder, exist_ok=True)
    for i, part in enumerate(np.array_split(np.arange(len(frame)), n)):
        piece = frame.iloc[part]
        if fmt == "parquet":
            piece.to_parquet(os.path.join(folder, f"part-{i}.parquet"), index=False)
        else:
            piece.to_csv(os.path.join(folder, f"part-{i}.csv"), index=False)
    return str(folder)


@pytest.fixture(scope="module")
def gdelt():
    raw = gdelt_like(6000, seed=1)
    return raw, EventTable.from_frame(raw, preset=GDELT)


@pytest.fixture(scope="module")
def gdelt_files(gdelt, tmp_path_factory):
    return write_parts(gdelt[0], tmp_path_factory.mktemp("gdelt"), 4)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """The shipped synthetic table, raw (country names), in three CSV files."""
    from importlib import resources

    path = resources.files("alliancestats.datasets").joinpath("synthetic_cameo_events.csv")
    raw = pd.read_csv(path, dtype=str)
    folder = write_parts(raw, tmp_path_factory.mktemp("synthetic"), 3, fmt="csv")
    return raw, load_synthetic_events(), folder


def _same(reference, result):
    pd.testing.assert_frame_equal(reference.table, result.table, check_exact=False, rtol=1e-12,
                                  atol=1e-15)
    assert all(np.allclose(reference.pmf(i), result.pmf(i), rtol=1e-12, atol=1e-15)
               for i in range(len(reference)))


@pytest.mark.parametrize("null,options", ALL_NULLS)
def test_every_engine_returns_the_in_memory_table_under_every_null(gdelt, gdelt_files, null, options):
    raw, table = gdelt
    reference = scan(table, window=WINDOW, period=PERIOD, trigger_actor="USA", null=null, **options)
    assert reference.n_testable >= 5
    inputs = [("pandas", gdelt_files), ("duckdb", gdelt_files), ("duckdb", raw),
              ("dask", gdelt_files)]
    for engine, data in inputs:
        result = scan(data, window=WINDOW, period=PERIOD, trigger_actor="USA", null=null,
                      engine=engine, preset=GDELT, **options)
        assert result.engine == engine and result.input_rows == len(raw)
        _same(reference, result)


def test_engines_on_text_files_country_names_and_every_option(synthetic):
    raw, table, folder = synthetic
    glob = os.path.join(folder, "*.csv")
    triggers = table.actor_series("USA", targets=["IRN"])
    calls = [dict(trigger_actor="USA"), dict(trigger_actor="United States", reverse=True),
             dict(trigger_actor="USA", alternative="two-sided", codes="04", min_days=3),
             dict(trigger_actor="USA", null="uniform", distinct=True,
                  dyads=[("Iran", "Venezuela"), ("CUB", "RUS"), ("Cuba", "Fiji")]),
             dict(triggers=triggers, null="stratified", strata=["2017-01-20", "2019-06-01"])]
    for call in calls:
        reference = scan(table, window=WINDOW, period=PERIOD, **call)
        for engine, data in (("pandas", glob), ("duckdb", glob), ("dask", raw), ("duckdb", raw)):
            result = scan(data, window=WINDOW, period=PERIOD, engine=engine, **call)
            _same(reference, result)
            assert result.n_below_min_days == reference.n_below_min_days


def test_dask_dataframe_on_a_local_cluster(gdelt, gdelt_files):
    """A real distributed.Client (in-process LocalCluster: no ports) runs the Dask engine."""
    from distributed import Client, LocalCluster

    raw, table = gdelt
    reference = scan(table, window=WINDOW, period=PERIOD, trigger_actor="USA", null="jitter",
                     days=45)
    frame = dd.read_parquet(os.path.join(gdelt_files, "*.parquet"))
    from distributed import get_task_stream

    with LocalCluster(processes=False, n_workers=2, threads_per_worker=1,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        with get_task_stream(client) as stream:
            result = scan(frame, window=WINDOW, period=PERIOD, trigger_actor="USA",
                          null="jitter", days=45, preset=GDELT)
    workers = {task["worker"] for task in stream.data}
    assert len(stream.data) >= 2 * frame.npartitions and len(workers) == 2   # ran on the cluster
    assert result.engine == "dask"
    _same(reference, result)


def test_the_dask_path_never_returns_event_rows_to_the_client(gdelt, monkeypatch):
    """Every object the scheduler hands back to the client is small: no partition, no
    frame with event rows. The scheduler is instrumented: a scan that computed the
    table (or one partition of it) would fail here."""
    raw, table = gdelt
    frame = dd.from_pandas(raw, npartitions=6)
    partition_rows = len(raw) // 6
    returned, calls = [], []

    def checking_get(dsk, keys, **kwargs):
        results = dask.get(dsk, keys, **kwargs)
        calls.append(keys)

        def walk(value):
            if isinstance(value, (list, tuple)):
                for item in value:
                    walk(item)
            elif isinstance(value, dict):
                for item in value.values():
                    walk(item)
            else:
                returned.append(value)
        walk(results)
        return results

    monkeypatch.setattr(dd.DataFrame, "compute", lambda *a, **k: pytest.fail("computed the frame"))
    with dask.config.set(scheduler=checking_get):
        result = scan(frame, window=WINDOW, period=PERIOD, trigger_actor="USA", preset=GDELT)
    _same(scan(table, window=WINDOW, period=PERIOD, trigger_actor="USA"), result)
    assert len(calls) == 2                       # the distinct values, then the keys
    cells = 0
    for value in returned:
        if isinstance(value, pd.DataFrame):      # distinct values with their counts, never rows
            assert set(value.columns) <= {"value", "mode", "rows"}
            assert "value" not in value or value["value"].is_unique
            cells += value.size
        elif isinstance(value, np.ndarray):
            assert value.ndim == 1 and value.dtype == np.int64   # keys of distinct triples
            cells += value.size
        else:
            assert not hasattr(value, "__len__") or len(value) < partition_rows / 10
    assert cells < raw.size / 2       # everything returned is a fraction of the table's cells
    keys = [v for v in returned if isinstance(v, np.ndarray)]
    assert sum(len(k) for k in keys) == len(np.unique(np.concatenate(keys)))   # merged once
    rows = [v for v in returned if isinstance(v, pd.DataFrame) and "rows" in v.columns
            and len(v.columns) == 1]
    assert sum(int(v["rows"].sum()) for v in rows) == len(raw)   # each row counted, once


def test_polecat_modes_and_a_fixed_column_on_every_engine(tmp_path):
    rng = np.random.default_rng(4)
    n = 3000
    types = np.array(["CONSULT", "CONSULT", "SANCTION", "ACCUSE", "CONSULT"])
    modes = np.array(["visit", "phone", None, None, "third-party"], dtype=object)
    pick = rng.integers(0, len(types), n)
    countries = np.array(["USA", "IRN", "VEN", "RUS", "CHN", "CUB"])
    raw = pd.DataFrame({
        "Event Date": (np.datetime64("2015-01-01") + rng.integers(0, 2000, n)).astype(str),
        "Actor Country": countries[rng.choice(6, n, p=[.3, .2, .15, .15, .1, .1])],
        "Recipient Country": countries[rng.integers(0, 6, n)],
        "Event Type": types[pick], "Event Mode": modes[pick]})
    table = EventTable.from_frame(raw, preset=EventTable.POLECAT)
    reference = scan(table, window=WINDOW, period=PERIOD, trigger_actor="USA")
    folder = write_parts(raw, tmp_path / "polecat", 2)
    for engine, data in (("pandas", folder), ("duckdb", folder), ("dask", raw)):
        _same(reference, scan(data, window=WINDOW, period=PERIOD, trigger_actor="USA",
                              engine=engine, preset=EventTable.POLECAT))
    travels = als.datasets.load_us_travels()          # US_TRAVELS: its source column is fixed
    raw_travels = pd.read_csv(os.path.join(os.path.dirname(als.datasets.__file__), "us_travels.csv"),
                              dtype=str)
    period = Period("1977-01-01", "2024-12-31")
    options = dict(window=Window(1, 90), period=period, codes=["president"],
                   triggers=travels.actor_series("USA", codes=["secretary"]), min_days=1)
    reference = scan(EventTable.from_frame(raw_travels, preset=EventTable.US_TRAVELS), **options)
    for engine in ("duckdb", "dask"):
        _same(reference, scan(raw_travels, engine=engine, preset=EventTable.US_TRAVELS, **options))


def test_unknown_countries_are_counted_alike(gdelt_files, gdelt):
    raw = gdelt[0].copy()
    raw.loc[::7, "Actor2CountryCode"] = "XXQ"
    table = EventTable.from_frame(raw, preset=GDELT, unknown="missing")
    reference = scan(table, window=WINDOW, period=PERIOD, trigger_actor="USA")
    for engine in ("duckdb", "dask"):
        result = scan(raw, window=WINDOW, period=PERIOD, trigger_actor="USA", engine=engine,
                      preset=GDELT, unknown="missing")
        _same(reference, result)
        pd.testing.assert_frame_equal(result.unknown_countries.reset_index(drop=True),
                                      table.unknown_countries.reset_index(drop=True),
                                      check_dtype=False)
        with pytest.raises(AllianceStatsError, match=r"column 'Actor2CountryCode': 1 unknown "
                                                     r"country value\(s\) in 858 row\(s\): 'XXQ'"):
            scan(raw, window=WINDOW, period=PERIOD, trigger_actor="USA", engine=engine,
                 preset=GDELT)


def test_circular_direct_sums_equal_the_fft(monkeypatch):
    table = load_synthetic_events()
    fft = scan(table, window=WINDOW, period=PERIOD, trigger_actor="USA", null="circular")
    monkeypatch.setattr(scan_stats, "CIRCULAR_DIRECT", 10**9)      # every dyad summed directly
    direct = scan(table, window=WINDOW, period=PERIOD, trigger_actor="USA", null="circular")
    monkeypatch.setattr(scan_stats, "CIRCULAR_DIRECT", 0)          # every dyad by FFT
    assert (scan(table, window=WINDOW, period=PERIOD, trigger_actor="USA", null="circular")
            .table.n > 0).all()
    pd.testing.assert_frame_equal(fft.table, direct.table)


# -- choosing the engine --------------------------------------------------------------------

def test_files_go_to_duckdb_when_they_do_not_fit_in_memory(gdelt_files, monkeypatch):
    assert engines.estimate_rows(engines.resolve(gdelt_files).files, "parquet") == 6000
    memory = 2 * 1000 * engines.PANDAS_BYTES_PER_ROW
    assert engines.fits_in_memory(1000, memory=memory) and not engines.fits_in_memory(1001, memory=memory)
    here = os.path.dirname(os.path.abspath(__file__))
    for text in (open(os.path.join(here, "..", "README.md"), encoding="utf-8").read(),
                 open(os.path.join(here, "..", "docs", "scaling.rst"), encoding="utf-8").read(),
                 scan.__doc__):
        assert f"{engines.PANDAS_BYTES_PER_ROW} bytes" in " ".join(text.split())   # one rule, told
    small = scan(gdelt_files, window=WINDOW, period=PERIOD, trigger_actor="USA", preset=GDELT)
    monkeypatch.setattr(engines, "available_memory", lambda: 6000 * engines.PANDAS_BYTES_PER_ROW)
    large = scan(gdelt_files, window=WINDOW, period=PERIOD, trigger_actor="USA", preset=GDELT)
    assert (small.engine, large.engine) == ("pandas", "duckdb")
    monkeypatch.setitem(sys.modules, "duckdb", None)               # DuckDB not installed
    with pytest.raises(AllianceStatsError, match=r"holds about 6,000 events.*pip install "
                                                 r"'alliancestats\[duckdb\]'"):
        scan(gdelt_files, window=WINDOW, period=PERIOD, trigger_actor="USA", preset=GDELT)


def test_text_row_estimate(synthetic):
    files = engines.resolve(synthetic[2]).files
    estimate = engines.estimate_rows(files, "text")
    assert abs(estimate - len(synthetic[0])) < 0.05 * len(synthetic[0])


# -- bad input ------------------------------------------------------------------------------

def test_missing_engine_names_the_extra(gdelt, monkeypatch):
    raw = gdelt[0]
    for module, extra in (("duckdb", "duckdb"), ("dask", "dask")):
        monkeypatch.setitem(sys.modules, module, None)
        with pytest.raises(AllianceStatsError, match=rf"engine='{module}' needs {module}, which "
                                                     rf"is not installed.*alliancestats\[{extra}\]"):
            scan(raw, window=WINDOW, period=PERIOD, trigger_actor="USA", engine=module,
                 preset=GDELT)
        monkeypatch.delitem(sys.modules, module)


def test_bad_inputs_to_the_engines(gdelt, gdelt_files, tmp_path):
    raw, table = gdelt
    frame = dd.from_pandas(raw.drop(columns="EventCode"), npartitions=2)
    with pytest.raises(AllianceStatsError, match=r"`table` preset GDELT2 needs column\(s\) "
                                                 r"'EventCode' \(code\); its columns are "
                                                 r"\['SQLDATE', 'Actor1CountryCode', "
                                                 r"'Actor2CountryCode', 'NumMentions'\]"):
        scan(frame, window=WINDOW, period=PERIOD, trigger_actor="USA", preset=GDELT)
    with pytest.raises(AllianceStatsError, match=r"the glob '.*nothing-\*\.parquet' matches no file"):
        scan(str(tmp_path / "nothing-*.parquet"), window=WINDOW, period=PERIOD,
             trigger_actor="USA", preset=GDELT)
    with pytest.raises(AllianceStatsError, match=r"file not found"):
        scan(str(tmp_path / "absent.parquet"), window=WINDOW, period=PERIOD, trigger_actor="USA")
    with pytest.raises(AllianceStatsError, match="an EventTable is already read into memory"):
        scan(table, window=WINDOW, period=PERIOD, trigger_actor="USA", engine="duckdb")
    with pytest.raises(AllianceStatsError, match="`preset` applies to raw event rows"):
        scan(table, window=WINDOW, period=PERIOD, trigger_actor="USA", preset=GDELT)
    with pytest.raises(AllianceStatsError, match="a Dask DataFrame is scanned with engine='dask'"):
        scan(dd.from_pandas(raw, npartitions=2), window=WINDOW, period=PERIOD,
             trigger_actor="USA", engine="duckdb", preset=GDELT)
    with pytest.raises(AllianceStatsError, match=r"`engine` must be one of 'pandas', 'duckdb', "
                                                 r"'dask' or None"):
        scan(raw, window=WINDOW, period=PERIOD, trigger_actor="USA", engine="spark")
    with pytest.raises(AllianceStatsError, match=r"`table` must be an EventTable, a pandas or "
                                                 r"Dask DataFrame, or a path"):
        scan(42, window=WINDOW, period=PERIOD, trigger_actor="USA")
    mixed = tmp_path / "mixed"
    write_parts(raw, mixed, 2)
    raw.head(10).to_csv(mixed / "extra.csv", index=False)
    with pytest.raises(AllianceStatsError, match="mixes Parquet and text files"):
        scan(str(mixed), window=WINDOW, period=PERIOD, trigger_actor="USA", preset=GDELT)
    bad_codes = raw.copy()
    bad_codes.loc[5, "EventCode"] = "4x"
    for engine in ("duckdb", "dask"):
        with pytest.raises(AllianceStatsError, match=r"column 'EventCode': 1 value\(s\) are not "
                                                     r"CAMEO codes as written: '4x' \(partition 0"):
            scan(bad_codes, window=WINDOW, period=PERIOD, trigger_actor="USA", engine=engine,
                 preset=GDELT)


def test_partitions_in_different_country_schemes_are_refused(synthetic, tmp_path):
    raw = synthetic[0]
    coded = raw.copy()
    for column in ("source", "target"):
        coded[column] = coded[column].map(lambda name: als.to_alpha3(name))
    folder = tmp_path / "schemes"
    folder.mkdir()
    raw.to_parquet(folder / "a-names.parquet", index=False)
    coded.to_parquet(folder / "b-codes.parquet", index=False)
    both = pd.concat([raw, coded], ignore_index=True)
    message = (r"column 'source': partitions mix country schemes: file a-names.parquet reads as "
               r"country names \(e.g. '[A-Za-z ]+'\), file b-codes.parquet reads as ISO 3166 "
               r"alpha-3 or CAMEO or Correlates of War \(e.g. '[A-Z]{3}'\); convert them")
    for engine in ("pandas", "duckdb", "dask"):
        for options in ({}, {"countries": "iso3", "unknown": "missing"}):
            with pytest.raises(AllianceStatsError, match=message):
                scan(str(folder), window=WINDOW, period=PERIOD, trigger_actor="USA",
                     engine=engine, **options)
    with pytest.raises(AllianceStatsError, match="partitions mix country schemes"):
        scan(dd.from_pandas(both, npartitions=2, sort=False), window=WINDOW, period=PERIOD,
             trigger_actor="USA")
    # one scheme throughout (names in both files) is fine
    raw.to_parquet(folder / "b-codes.parquet", index=False)
    assert scan(str(folder), window=WINDOW, period=PERIOD, trigger_actor="USA",
                engine="duckdb").n_testable > 0
