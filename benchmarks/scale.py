"""Scanning event tables of any size, per engine: ``python benchmarks/scale.py``.

For each size (default 10^6, 10^7 and 10^8 SYNTHETIC events, written once by
``benchmarks/synthetic_events.py`` as partitioned Parquet in ``--dir``, in the GDELT
2.0 column layout) and each way of scanning them, a fresh process loads the events
and scans every dyad (meetings after U.S. sanctions, 2000-2019, ``null="uniform"``):

* ``EventTable``: ``pd.read_parquet`` + ``EventTable.from_frame`` + ``scan(table)``,
  the in-memory reference;
* ``pandas``, ``duckdb``: ``scan("DIR", engine=...)``;
* ``dask``: the same on a ``distributed.LocalCluster`` of 2 worker processes, 1 thread
  each (the cluster's start-up, with importing alliancestats on each worker, is timed
  apart: a one-time cost of a cluster, a few seconds).

Peak memory is the largest resident set of the whole process tree (the scanning
process and its Dask workers), sampled every 50 ms. Ratios are to the in-memory
reference where it ran. Each engine's table is checked against the reference (or,
without one, against DuckDB's). Then, on DuckDB's triples, stage 2 alone per null.

Targets on the project's 2-core, 24 GB machine: 10^7 events loaded and scanned in
memory in under 15 s; 10^8 from Parquet out of core in under 3 minutes with peak
memory under 4 GB. A way of scanning that would not fit in memory
(:func:`alliancestats.scanning.engines.fits_in_memory`) is skipped unless ``--force``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PERIOD = ("2000-01-01", "2019-12-31")
WAYS = ("EventTable", "pandas", "duckdb", "dask")
NULLS = (("uniform", {}), ("stratified", {}), ("jitter", {"days": 60}),
         ("episode-jitter", {"days": 60}), ("circular", {}))


def _setup():  # type: ignore[no-untyped-def]
    import alliancestats as als

    return als, als.Window.after(days=30), als.Period(*PERIOD)


def child(way: str, folder: str, table_out: str) -> None:
    """Load and scan in this process; print one JSON line of timings."""
    als, window, period = _setup()
    out: dict[str, float | int | str] = {"way": way}
    start = time.perf_counter()
    if way == "EventTable":
        import pandas as pd

        raw = pd.read_parquet(folder)
        table = als.EventTable.from_frame(raw, preset=als.EventTable.GDELT2)
        del raw
        out["load"] = time.perf_counter() - start
        result = als.scan(table, window=window, period=period, trigger_actor="USA")
    elif way == "dask":
        from distributed import Client, LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            client.run(lambda: __import__("alliancestats"))   # each worker's one-time import
            out["cluster"] = time.perf_counter() - start
            start = time.perf_counter()
            result = als.scan(folder, window=window, period=period, trigger_actor="USA",
                              engine="dask", preset=als.EventTable.GDELT2)
    else:
        result = als.scan(folder, window=window, period=period, trigger_actor="USA", engine=way,
                          preset=als.EventTable.GDELT2)
    out["total"] = time.perf_counter() - start
    out.update(dyads=len(result), testable=result.n_testable, rows=result.input_rows or 0)
    result.table.to_parquet(table_out)
    print(json.dumps(out), flush=True)


def stage_two(folder: str) -> dict:
    """DuckDB's stage 1 once, then stage 2 alone under each null; the figures, for
    :func:`write_tables`."""
    als, window, period = _setup()
    from alliancestats.nulls import make_null
    from alliancestats.scanning import _statistics
    from alliancestats.scanning.engines import ReadSpec, resolve, stage_one

    spec = ReadSpec.build(preset=als.EventTable.GDELT2, columns=None, countries=None,
                          code_system=None, unknown="raise", date_format=None)
    reach = (period.first_day - window.hi, period.last_day - window.lo)
    start = time.perf_counter()
    first = stage_one(resolve(folder), spec, engine="duckdb", codes=als.CAMEO.MEETINGS,
                      trigger_codes=als.CAMEO.SANCTIONS, trigger_actor="USA",
                      dyad_days=(period.first_day, period.last_day), actor_days=reach)
    trigger_days = len(first.reduced.actor_day if first.reduced.actor_day is not None else [])
    figures: dict = {"stage_one": time.perf_counter() - start,
                     "triples": len(first.reduced.pair_day), "trigger_days": trigger_days,
                     "nulls": []}
    print(f"  stage 1 (DuckDB): {figures['stage_one']:6.1f} s, {figures['triples']:,} response "
          f"triples, {trigger_days:,} trigger days")
    for null, options in NULLS:
        start = time.perf_counter()
        result = _statistics(first.reduced, first.plan.country, triggers=None, actor="USA",
                             model=make_null(null, options), window=window, period=period,
                             codes=als.CAMEO.MEETINGS, trigger_codes=als.CAMEO.SANCTIONS,
                             dyads=None, reverse=False, alternative="greater", min_days=1)
        seconds = time.perf_counter() - start
        figures["nulls"].append((null, options, seconds, result.n_testable))
        figures["dyads"] = len(result)
        print(f"  stage 2, null={null!r:<17} {seconds:6.1f} s  "
              f"({len(result)} dyads, {result.n_testable} testable)", flush=True)
    return figures


def _list_table(caption: str, header: list[str], rows: list[list[str]]) -> str:
    lines = [f".. list-table:: {caption}", "   :header-rows: 1", ""]
    for row in [header] + rows:
        lines += [f"   * - {row[0]}"] + [f"     - {cell}" for cell in row[1:]]
    return "\n".join(lines) + "\n"


def _power_of_ten(size: int) -> str:
    exponent = len(str(size)) - 1
    return f"10\\ :sup:`{exponent}`" if size == 10**exponent else f"{size:,}"


def write_tables(folder: str, rows_out: list, stage: dict | None) -> None:
    """The measured figures as the two reStructuredText tables the scaling page includes
    (``scale_benchmark.rst``; ``scale_stage_two.rst`` when stage 2 ran)."""
    ratio = lambda r: f"{r:.2f}" if r is not None else "—"  # noqa: E731
    table = _list_table(
        "Load + scan, every dyad, ``null=\"uniform\"``; ratios to ``EventTable`` (in memory) "
        "where it ran",
        ["events", "way", "load + scan (s)", "peak memory (GB)", "time vs in memory",
         "memory vs in memory"],
        [[_power_of_ten(size), f"``{way}``", f"{seconds:.1f}", f"{peak / 1e9:.2f}",
          ratio(time_ratio), ratio(peak_ratio)]
         for size, way, seconds, peak, time_ratio, peak_ratio in rows_out])
    with open(os.path.join(folder, "scale_benchmark.rst"), "w") as handle:
        handle.write(table)
    if stage is None:
        return
    label = lambda null, options: f"``{null}``" + "".join(  # noqa: E731
        f" (``{k}={v}``)" for k, v in options.items())
    table = _list_table(
        f"Stage 2 alone on {stage['triples']:,} response triples and {stage['trigger_days']:,} "
        f"trigger days ({stage['dyads']:,} dyads); DuckDB's stage 1 took "
        f"{stage['stage_one']:.1f} s",
        ["null", "stage 2 (s)", "testable dyads"],
        [[label(null, options), f"{seconds:.1f}", f"{testable:,}"]
         for null, options, seconds, testable in stage["nulls"]])
    with open(os.path.join(folder, "scale_stage_two.rst"), "w") as handle:
        handle.write(table)


def run_child(way: str, folder: str, table_out: str) -> dict | None:
    """Run ``child`` in a fresh process, sampling the whole process tree's memory."""
    import psutil

    process = subprocess.Popen([sys.executable, __file__, "--child", way, folder, table_out],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        parent = psutil.Process(process.pid)
        while not done.is_set():
            try:
                tree = [parent] + parent.children(recursive=True)
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.05)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    stdout, stderr = process.communicate()
    done.set()
    thread.join()
    if process.returncode != 0:
        print(f"  {way}: failed\n{stderr[-2000:]}")
        return None
    out = json.loads(stdout.strip().splitlines()[-1])
    out["peak"] = peak
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--sizes", default="1e6,1e7,1e8",
                        help="comma-separated numbers of events (default 1e6,1e7,1e8)")
    parser.add_argument("--ways", default=",".join(WAYS), help=f"among {', '.join(WAYS)}")
    parser.add_argument("--dir", default="/tmp/alliancestats-scale")
    parser.add_argument("--force", action="store_true", help="run in-memory ways that may not fit")
    parser.add_argument("--stage-two", action="store_true", help="also time stage 2 per null")
    parser.add_argument("--keep", action="store_true", help="keep the generated tables")
    parser.add_argument("--write", metavar="FOLDER", help="also write the figures as the "
                        "reStructuredText tables the docs include (e.g. docs/data)")
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    sys.path.insert(0, HERE)
    import pandas as pd
    from synthetic_events import write_events

    from alliancestats.scanning.engines import PANDAS_BYTES_PER_ROW, available_memory, fits_in_memory

    print(f"machine: {os.cpu_count()} cores, {available_memory() / 1e9:.1f} GB available, load "
          f"average {os.getloadavg()[0]:.1f}")
    rows_out = []
    stage = None
    for size in (int(float(s)) for s in args.sizes.split(",")):
        folder = os.path.join(args.dir, f"events_{size}")
        if not os.path.isdir(folder):
            start = time.perf_counter()
            write_events(folder, size, rows_per_file=min(size, 2_000_000))
            print(f"wrote {size:,} SYNTHETIC events to {folder} in {time.perf_counter() - start:.0f} s")
        megabytes = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder)) / 1e6
        print(f"\n{size:,} events ({megabytes:,.0f} MB of Parquet):", flush=True)
        reference = None
        results = {}
        for way in args.ways.split(","):
            in_memory = way in ("EventTable", "pandas")
            if in_memory and not args.force and not fits_in_memory(size):
                print(f"  {way:<10} skipped: needs about {size * PANDAS_BYTES_PER_ROW / 1e9:.0f} GB "
                      "(--force runs it)")
                continue
            table_out = os.path.join(args.dir, f"table_{way}_{size}.parquet")
            out = run_child(way, folder, table_out)
            if out is None:
                continue
            table = pd.read_parquet(table_out)
            os.remove(table_out)
            results[way] = out
            if reference is None:
                reference = (way, table)
            same = table.equals(reference[1]) or bool(
                pd.testing.assert_frame_equal(table, reference[1], check_exact=False, rtol=1e-12)
                is None)
            extra = f", cluster start {out['cluster']:.1f} s" if "cluster" in out else ""
            extra += f", load {out['load']:.1f} s" if "load" in out else ""
            print(f"  {way:<10} {out['total']:7.1f} s  peak {out['peak'] / 1e9:5.2f} GB  "
                  f"{out['dyads']} dyads, {out['testable']} testable; same table as "
                  f"{reference[0]}: {same}{extra}", flush=True)
        base = results.get("EventTable")
        for way, out in results.items():
            rows_out.append((size, way, out["total"], out["peak"],
                             out["total"] / base["total"] if base else None,
                             out["peak"] / base["peak"] if base else None))
        if args.stage_two:
            stage = stage_two(folder)
        if not args.keep:
            import shutil

            shutil.rmtree(folder)
    print("\n| events | engine | load + scan (s) | peak memory (GB) | time vs in memory | "
          "memory vs in memory |")
    print("|---|---|---|---|---|---|")
    for size, way, seconds, peak, time_ratio, peak_ratio in rows_out:
        ratio = lambda r: f"{r:.2f}" if r is not None else "—"  # noqa: E731
        print(f"| {size:.0e} | {way} | {seconds:.1f} | {peak / 1e9:.2f} | {ratio(time_ratio)} | "
              f"{ratio(peak_ratio)} |")
    if args.write:
        write_tables(args.write, rows_out, stage)
        print(f"\nwrote the tables to {args.write}")


if __name__ == "__main__":
    main()
