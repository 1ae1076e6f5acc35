"""Reproduce and check Chang (2021): do Iran-Venezuela meetings follow U.S. sanctions?
===================================================================================

Copy this script and change the lists, the window or the null to run your own check.
Run:  python examples/reproduce_study.py
"""

import alliancestats as als

case = als.datasets.load_iran_venezuela()
meetings = case.meetings
cited = case.cited_sanctions            # the 20 sanctions the study cites
independent = case.independent_sanctions  # all 164 non-proxy sanctions

print(als.datasets.CAVEAT, "\n")
print(f"{'slack':>5} {'list':<12} {'K':>3} {'n':>3} {'C/T':>6} "
      f"{'E[K] unif':>9} {'p unif':>7} {'E[K] pois':>9} {'p pois':>7}")
for slack in (1, 2, 3):
    window = als.Window.after(days=30, slack=slack)
    for label, sanctions in (("cited", cited), ("independent", independent)):
        uniform = als.coincidence_test(meetings, sanctions, window=window, period=case.period,
                                       null="uniform")
        poisson = als.coincidence_test(meetings, sanctions, window=window, period=case.period,
                                       null="poisson")
        print(f"{slack:>5} {label:<12} {uniform.k:>3} {uniform.n:>3} {uniform.coverage:>6.3f} "
              f"{uniform.expected:>9.2f} {uniform.pvalue:>7.3g} "
              f"{poisson.expected:>9.2f} {poisson.pvalue:>7.3g}")

print("\nThe 'cited' rows reproduce the study's 16 of 25, but that list was found by searching")
print("back from each meeting, so its p-values are meaningless. Read the 'independent' rows.\n")

result = als.coincidence_test(meetings, independent, window=case.window, period=case.period)
print(result.summary())
print()
print(result.table[["response_id", "date", "matched", "lag_days", "trigger_id", "topic"]]
      .to_string(index=False))
