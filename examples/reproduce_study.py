"""Reproduce and check Chang (2021): do Iran-Venezuela meetings follow U.S. sanctions?
===================================================================================

Copy this script and change the lists, the window or the analysis to run your own check.
Run:  python examples/reproduce_study.py
"""

import alliancestats as als

case = als.datasets.load_iran_venezuela()
meetings = case.meetings
cited = case.cited_sanctions            # the 20 sanctions the study cites
independent = case.independent_sanctions  # all 164 non-proxy sanctions

# The primary analysis, declared before any p-value: each meeting against the other days
# of its own year (stratified), counting (meeting, sanction day) pairs (S). It is what
# als.diagnose ranks first for these dates; als.audit(...) without primary= chooses it so.
primary = als.Analysis(null="stratified", statistic="pairs", null_options={"strata": "year"})

print(als.datasets.CAVEAT, "\n")
print(f"{'slack':>5} {'list':<12} {'K':>3} {'n':>3} {'C/T':>6} "
      f"{'S':>4} {'E[S]':>6} {'p S':>7} {'E[K]':>6} {'p K':>7}   (both within years)")
for slack in (1, 2, 3):
    window = als.Window.after(days=30, slack=slack)
    for label, sanctions in (("cited", cited), ("independent", independent)):
        s = als.coincidence_test(meetings, sanctions, window=window, period=case.period,
                                 null=primary.null, statistic=primary.statistic,
                                 **primary.options())
        k = als.coincidence_test(meetings, sanctions, window=window, period=case.period,
                                 null=primary.null, **primary.options())
        print(f"{slack:>5} {label:<12} {k.k:>3} {k.n:>3} {k.coverage:>6.3f} "
              f"{s.statistic:>4} {s.expected:>6.2f} {s.pvalue:>7.3g} "
              f"{k.expected:>6.2f} {k.pvalue:>7.3g}")

print("\nThe 'cited' rows reproduce the study's 16 of 25, but that list was found by searching")
print("back from each meeting, so its p-values are meaningless. Read the 'independent' rows.\n")

verdict = als.audit_verdict(meetings, independent, window=case.window, period=case.period,
                            primary=primary)
print(verdict.summary())
print()
result = verdict.result
print(result.table[["response_id", "date", "matched", "lag_days", "trigger_id", "topic"]]
      .to_string(index=False))
