"""Reproduce and check Chang (2021): do Iran-Venezuela meetings follow U.S. sanctions?
===================================================================================

Copy this script and change the lists, the window or the analysis to run your own check.
Run: ``python examples/reproduce_study.py``
"""

# %%
# The data: 25 meetings, the 20 sanctions the study cites and the 164 non-proxy
# sanctions compiled without looking at the meetings (both lists are reconstructions).

import textwrap

import alliancestats as als

case = als.datasets.load_iran_venezuela()
meetings = case.meetings
cited = case.cited_sanctions            # the 20 sanctions the study cites
independent = case.independent_sanctions  # all 164 non-proxy sanctions

# The primary analysis, declared before any p-value: each meeting against the other days
# of its own year (stratified), scoring each meeting by the log of the sanction days in its
# window (Λ, the likelihood ratio of a strong link). It is what als.diagnose ranks first for
# these dates; als.audit(...) without primary= chooses it so.
primary = als.Analysis(null="stratified", statistic="likelihood", null_options={"strata": "year"})

print(textwrap.fill(als.datasets.CAVEAT, 88), "\n")

# %%
# The count for slack of 1, 2 and 3 days, with the primary statistic Λ and with K, both
# against the other days of each meeting's year.

print(f"{'slack':>5} {'list':<12} {'K':>3} {'n':>3} {'C/T':>6} "
      f"{'Λ':>4} {'E[Λ]':>6} {'p Λ':>7} {'E[K]':>6} {'p K':>7}   (both within years)")
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

# %%
# The verdict: the primary analysis and the placebo of shifted sanction lists.

verdict = als.audit_verdict(meetings, independent, window=case.window, period=case.period,
                            primary=primary)
print(verdict.summary())

# %%
# Each meeting, with the sanction that matched it (if any).

result = verdict.result
print(result.table[["response_id", "date", "matched", "lag_days", "trigger_id", "topic"]]
      .to_string(index=False))
