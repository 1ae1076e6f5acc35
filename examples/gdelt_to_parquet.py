"""Convert GDELT event export files to partitioned Parquet for ``scan``
=====================================================================


GDELT 2.0 publishes one tab-separated, headerless file every 15 minutes
(``20150218230000.export.CSV``, 61 columns); GDELT 1.0 one a day (58 columns, 57 before
2013-04-01). This script reads them with the preset's column names, keeps the columns
the scan needs (date, both actors' country codes, event code: all as text, nothing
normalised, exactly as published) and writes them in files of about
``--rows-per-file`` events, so a scan reads 4 columns of Parquet instead of 61 of
text. Run::

    python examples/gdelt_to_parquet.py gdelt2-parquet 'gdelt2/*.export.CSV' --preset gdelt2

and scan the result with the same preset, on any engine::

    alliancestats scan 'gdelt2-parquet/*.parquet' --preset gdelt2 --engine duckdb ...

Needs pyarrow (``pip install "alliancestats[parquet]"``).
"""

from __future__ import annotations

import argparse
import glob
import os

import pyarrow as pa
import pyarrow.csv as pc
import pyarrow.parquet as pq

from alliancestats.io.presets import PRESETS


def read_export(path: str, preset, keep: list[str]) -> pa.Table:  # type: ignore[no-untyped-def]
    """One export file's ``keep`` columns, as text (GDELT 1.0's older files have one
    column fewer: names are fitted to the first line's field count)."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        fields = len(handle.readline().rstrip("\r\n").split(preset.sep))
    names = list(preset.column_names)[:fields]
    return pc.read_csv(
        path, read_options=pc.ReadOptions(column_names=names),
        parse_options=pc.ParseOptions(delimiter=preset.sep, quote_char=False),
        convert_options=pc.ConvertOptions(include_columns=keep,
                                          column_types={c: pa.string() for c in keep},
                                          strings_can_be_null=True, null_values=[""]))


def convert(files: list[str], out_dir: str, preset, rows_per_file: int = 5_000_000,  # type: ignore[no-untyped-def]
            extra: tuple[str, ...] = ()) -> list[str]:
    """Write the files' needed columns as ``out_dir/part-00000.parquet``, ...; returns the
    paths. Files are read one at a time; at most ``rows_per_file`` rows are held."""
    keep = list(dict.fromkeys(list(preset.columns.values()) + list(extra)))
    os.makedirs(out_dir, exist_ok=True)
    written, pending, rows = [], [], 0

    def flush() -> None:
        nonlocal pending, rows
        if pending:
            path = os.path.join(out_dir, f"part-{len(written):05d}.parquet")
            pq.write_table(pa.concat_tables(pending), path, row_group_size=1_000_000)
            written.append(path)
        pending, rows = [], 0

    for path in files:
        table = read_export(path, preset, keep)
        pending.append(table)
        rows += table.num_rows
        if rows >= rows_per_file:
            flush()
    flush()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("files", nargs="+", help="export files or quoted globs")
    parser.add_argument("--preset", choices=["gdelt1", "gdelt2"], default="gdelt2")
    parser.add_argument("--rows-per-file", type=int, default=5_000_000)
    args = parser.parse_args()
    files = sorted(f for pattern in args.files for f in (glob.glob(pattern) or [pattern]))
    written = convert(files, args.out_dir, PRESETS[args.preset], args.rows_per_file)
    rows = sum(pq.ParquetFile(p).metadata.num_rows for p in written)
    print(f"{len(files)} export files -> {len(written)} Parquet files, {rows:,} events in "
          f"{args.out_dir}")


if __name__ == "__main__":
    main()
