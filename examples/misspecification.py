"""Mis-specification study: which nulls hold their level when the data break their assumptions?

Both series are simulated independently (no coupling), so every rejection is a false
positive. Two departures from the `uniform` null's assumptions:

* trend: both series become much busier in the second half of the period;
* clustering: both series come in bursts (Neyman-Scott clusters).

Run:  python examples/misspecification.py [datasets]
The figures are reported in docs/calibration.rst.
"""

import sys
import warnings

import numpy as np

import alliancestats as als
from alliancestats.simulate import clustered_series, poisson_series

PERIOD = als.Period("2013-01-01", "2020-12-31")
WINDOW = als.Window.after(days=30, slack=3)
NULLS = [("uniform", {}), ("stratified", {}), ("jitter", {"days": 90}), ("circular", {})]
ALPHA = 0.05


def trending(rng):
    responses = poisson_series([1, 5], period=PERIOD, breaks=["2017-01-01"], rng=rng)
    triggers = poisson_series([2, 30], period=PERIOD, breaks=["2017-01-01"], rng=rng)
    return responses, triggers


def clustered(rng):
    responses = clustered_series(0.8, mean_cluster_size=4, spread_days=10, period=PERIOD, rng=rng)
    triggers = clustered_series(1.5, mean_cluster_size=5, spread_days=20, period=PERIOD, rng=rng)
    return responses, triggers


def rejection_rates(make, rng, datasets):
    rejected = np.zeros(len(NULLS))
    used = 0
    while used < datasets:
        responses, triggers = make(rng)
        if len(responses) == 0:
            continue
        used += 1
        for j, (null, options) in enumerate(NULLS):
            res = als.coincidence_test(responses, triggers, window=WINDOW, period=PERIOD,
                                       null=null, **options)
            rejected[j] += res.pvalue <= ALPHA
    return rejected / datasets


def main(datasets=1000):
    rng = np.random.default_rng(20261122)
    se = np.sqrt(ALPHA * (1 - ALPHA) / datasets)
    print(f"False-positive rate at alpha = {ALPHA} over {datasets} independent datasets "
          f"(alpha + 3 SE = {ALPHA + 3 * se:.3f})")
    print(f"{'data':<12}" + "".join(f"{null:>12}" for null, _ in NULLS))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", als.DegenerateDataWarning)
        for label, make in (("trend", trending), ("clustered", clustered)):
            rates = rejection_rates(make, rng, datasets)
            print(f"{label:<12}" + "".join(f"{r:>12.3f}" for r in rates))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
