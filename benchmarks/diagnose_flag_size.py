"""Size of the findings of ``diagnose`` on independent data:
`python benchmarks/diagnose_flag_size.py [TREND_DATASETS] [CLUSTER_DATASETS] [B]`.

Each dataset is drawn from a scenario of ``alliancestats.scenarios`` (default
``homogeneous``: constant rates, no clusters), and each flag is computed as
``diagnose`` computes it (the min-p combination of two Monte Carlo p-values, below
alpha = 0.05). Target: every rate within about 2 SE of alpha, never far above it.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from alliancestats import scenarios
from alliancestats._series_measures import clustering_rows, rate_tests
from alliancestats._strata import day_strata


def main(n_trend: int = 1000, n_cluster: int = 300, b: int = 999, name: str = "homogeneous"):
    period, length, alpha = scenarios.DEFAULT_PERIOD, 34, 0.05
    groups = day_strata("year", period, argument="unit")
    mid = (groups.first + groups.last) / 2 / 365.25
    rng = np.random.default_rng(0)
    hits = {f"{s}_{k}": [] for s in ("responses", "triggers") for k in ("trend", "cluster")}
    start = time.perf_counter()
    for seed in range(max(n_trend, n_cluster)):
        responses, triggers = scenarios.scenario(name, rng=seed)
        for series, events, distinct in (("responses", responses, False),
                                         ("triggers", triggers, True)):
            days = np.asarray(events.days, np.int64)
            offsets = days[(days >= period.first_day) & (days <= period.last_day)] - period.first_day
            if distinct:
                offsets = np.unique(offsets)
            if seed < n_trend:
                out = rate_tests(groups.count(offsets).astype(float), groups.days.astype(float),
                                 mid, b, rng, distinct=distinct)
                hits[f"{series}_trend"].append(out["combined_pvalue"] < alpha)
            if seed < n_cluster:
                rows = clustering_rows(series, offsets, groups, length, period.n_days, b, rng,
                                       distinct=distinct)
                hits[f"{series}_cluster"].append(rows[0]["combined_pvalue_within"] < alpha)
    print(f"scenario {name}, B = {b}, alpha = {alpha}, {time.perf_counter() - start:.0f} s")
    for key, values in hits.items():
        rate, se = np.mean(values), np.sqrt(alpha * (1 - alpha) / len(values))
        print(f"  {key:18s} flagged {rate:.3f} of {len(values)} datasets (SE {se:.3f})")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:4]), *sys.argv[4:5])
