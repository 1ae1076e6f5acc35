"""How often the audit's verdict says "supported", with and without coupling
=============================================================================

The audit's verdict (alliancestats.audit_verdict, with its defaults: the primary
analysis chosen by diagnose from the dates alone) on 200 simulated datasets per group:
the six scenarios of independent responses and triggers (alliancestats.scenarios; every
"supported" is a false positive) and two groups with 80% of 25 responses following a
trigger by 0-33 days (the case study's independent sanctions; the homogeneous scenario).

Run: ``python examples/verdict_rates.py [--write] [--datasets N]``

``--write`` stores the verdict on every dataset in docs/data/verdict_levels.csv and
their table in docs/data/verdict_rates.csv, which docs/audit.rst shows;
tests/test_verdict_rates.py recomputes a sample of the datasets and the table from
the stored verdicts. It needs the full number of datasets. About 2.5 CPU-minutes.
"""

from __future__ import annotations

import argparse
import pathlib
import time

import pandas as pd

from alliancestats.audit.rates import rates_from_levels, verdict_levels

DATA = pathlib.Path(__file__).resolve().parents[1] / "docs" / "data"
SETTINGS = dict(n_datasets=200, rng=2028)
DIGITS = 4


def stored(table: pd.DataFrame) -> pd.DataFrame:
    """The table as its CSV holds it (rates rounded to DIGITS decimals)."""
    return table.round(DIGITS)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="store the CSVs in docs/data/")
    parser.add_argument("--datasets", type=int, help="datasets per group (smoke runs)")
    args = parser.parse_args(argv)
    if args.write and args.datasets is not None:
        parser.error("--write stores the full table: drop --datasets")
    fewer = {} if args.datasets is None else {"n_datasets": args.datasets}
    start = time.process_time()
    levels = verdict_levels(**{**SETTINGS, **fewer})
    table = rates_from_levels(levels)
    pd.set_option("display.width", 200)
    print(f"Verdict levels per group; {time.process_time() - start:.0f} CPU-s")
    print(table.to_string(index=False))
    if args.write:
        DATA.mkdir(exist_ok=True)
        levels.to_csv(DATA / "verdict_levels.csv", index=False)
        stored(table).to_csv(DATA / "verdict_rates.csv", index=False)
        print(f"\nwritten to {DATA / 'verdict_levels.csv'} and {DATA / 'verdict_rates.csv'}")


if __name__ == "__main__":
    main()
