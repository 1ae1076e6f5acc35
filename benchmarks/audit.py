"""How long the audit takes on the case study: run `python benchmarks/audit.py`.

Prints wall-clock and CPU seconds (best of a few repeats; shared machines are noisy,
and CPU seconds are the steadier figure) for the full audit behind
``alliancestats example --audit`` and for the verdict alone (what the verdict-rate
study repeats 1,600 times). Target: the full audit in seconds.
"""

from __future__ import annotations

import time
import warnings

import alliancestats as als
from alliancestats.casestudy import _audit

TARGET_SECONDS = 10.0


def timed(fn, repeat=3):
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu


def main():
    warnings.simplefilter("ignore", als.DegenerateDataWarning)
    case = als.datasets.load_iran_venezuela()
    rows = [
        ("full audit (example --audit)", timed(lambda: _audit(3, 0))),
        ("verdict alone (audit_verdict)", timed(lambda: als.audit_verdict(
            case.meetings, case.independent_sanctions, window=case.window,
            period=case.period, rng=0), repeat=5)),
    ]
    print(f"{'case study':32s} {'wall s':>8s} {'CPU s':>8s} {'target s':>9s} {'ratio':>6s}")
    for name, (wall, cpu) in rows:
        print(f"{name:32s} {wall:8.2f} {cpu:8.2f} {TARGET_SECONDS:9.0f} "
              f"{cpu / TARGET_SECONDS:6.2f}")


if __name__ == "__main__":
    main()
