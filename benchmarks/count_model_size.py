"""Size of ``count_model_test``'s three p-values on independent data:
`python benchmarks/count_model_size.py [DATASETS] [SCENARIO ...]`.

Each dataset is drawn from a scenario of ``alliancestats.scenarios`` (default
``clustered-responses`` and ``homogeneous``), window ``[0, 33]``, yearly strata
(empty ones dropped), one-sided at alpha = 0.05. On ``homogeneous`` every p-value
should reject about alpha; on ``clustered-responses`` they show how far each strays
when responses come in bursts (the count model assumes they do not).
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np

import alliancestats as als
from alliancestats import scenarios


def main(n_datasets: int = 400, names: tuple[str, ...] = ("clustered-responses", "homogeneous")):
    window, period, alpha = als.Window(0, 33), scenarios.DEFAULT_PERIOD, 0.05
    for name in names:
        start, rows, refused = time.perf_counter(), [], 0
        for seed in range(n_datasets):
            responses, triggers = scenarios.scenario(name, rng=seed)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    res = als.count_model_test(responses, triggers, window=window, period=period,
                                               empty_strata="drop")
            except als.AllianceStatsError:   # e.g. every informative response covered
                refused += 1
                continue
            rows.append((res.pvalue_exact, res.pvalue_score, res.pvalue_wald))
        rates = (np.array(rows) <= alpha).mean(axis=0)
        se = np.sqrt(alpha * (1 - alpha) / len(rows))
        print(f"{name}: {len(rows)} datasets ({refused} refused), "
              f"{time.perf_counter() - start:.0f} s; rejection at {alpha} (SE {se:.3f}): "
              f"exact {rates[0]:.3f}, score {rates[1]:.3f}, Wald-HAC {rates[2]:.3f}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]), *((tuple(sys.argv[2:]),) if sys.argv[2:] else ()))
