"""How many meetings would the Iran-Venezuela study have needed to detect a coupling?
==================================================================================

Exact power under the uniform null for the matches and pairs statistics, and
simulated power under three robust nulls (about 40 seconds).

Run: ``python examples/power_study.py``
"""

import alliancestats as als
from alliancestats.power_analysis import matched_probability, n_required, power

case = als.datasets.load_iran_venezuela()
sanctions = case.independent_sanctions
common = dict(window=case.window, period=case.period)

print("uniform null (exact):")
for coupling in (0.2, 0.4):
    p0, p1 = matched_probability(coupling, sanctions, **common)
    res = power(coupling, 25, sanctions, **common)
    print(f"  coupling {coupling:.0%}: P(matched) {p0:.3f} -> {p1:.3f}; power with 25 meetings "
          f"{res.power:.3f}; meetings for 80% power {n_required(coupling, sanctions, **common)}, "
          f"for 90% {n_required(coupling, sanctions, target_power=0.9, **common)}")

print("pairs statistic, uniform null (exact):")
for coupling in (0.2, 0.4):
    res = power(coupling, 25, sanctions, statistic="pairs", **common)
    print(f"  coupling {coupling:.0%}: power with 25 meetings {res.power:.3f}; meetings for 80% "
          f"power {n_required(coupling, sanctions, statistic='pairs', **common)}")

print("other nulls (simulated, 400 datasets):")
for null, options in (("stratified", {}), ("jitter", {"days": 68}), ("circular", {})):
    for coupling in (0.2, 0.4):
        res = power(coupling, 25, sanctions, null=null, n_simulations=400, rng=1, **common,
                    **options)
        print(f"  {null:<10} coupling {coupling:.0%}: power {res.power:.3f} (SE {res.se:.3f})")
