"""Do U.S. presidential visits follow a Secretary of State's visit to the same country?
====================================================================================

Real data: the Office of the Historian's lists of foreign trips of the President and
the Secretary of State (shipped with alliancestats; public domain). For each country,
the responses are the days a presidential visit began (1977-2024) and the triggers the
days a separate Secretary visit began (Secretary legs that overlap a presidential visit
to the same country are the same trip and are not triggers); a response is matched when
a trigger came 1 to 90 days before it. The scan tests every country at once under four
baselines, and the pooled test all countries together.

Run: ``python examples/travels_study.py``
"""

from alliancestats.datasets import provenance
from alliancestats.travel_study import travel_study

study = travel_study()
print(study.report())

print("\nCountries with the smallest p-values when each visit is compared with other days of "
      "its own year (stratified):")
strat = study.scans["stratified"].table
print(strat.head(8)[["a", "b", "n", "k", "expected", "pvalue", "pvalue_bh"]]
      .to_string(index=False, float_format=lambda x: f"{x:.3g}"))
print(f"\n{(~strat.testable).sum()} countries cannot be tested under this baseline (K forced: no "
      "separate Secretary visit in the years of their presidential visits); they are outside the "
      "false-discovery family.")
print("\nSource: " + provenance("us_travels").splitlines()[9])
