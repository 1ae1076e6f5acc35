"""Scan every dyad of a CAMEO-coded event table for meetings after U.S. sanctions
==============================================================================

Uses the SYNTHETIC sample table shipped with alliancestats (nothing in it happened;
two dyads are planted to follow sanctions). For real data, read an export with its
preset::

    table = als.EventTable.from_csv("events.2015.tab", preset=als.EventTable.ICEWS)

Run: ``python examples/scan_dyads.py``
"""

import alliancestats as als

table = als.datasets.load_synthetic_events()
period = als.Period("2015-01-01", "2020-12-31")
window = als.Window.after(days=30)

# meetings (CAMEO 040-046, either direction, one per day) against U.S. sanctions (163) on
# either member; each meeting compared with other days of its own year
results = als.scan(table, window=window, period=period, trigger_actor="USA", null="stratified")
print("SYNTHETIC data.")
print(results.summary(top=10))

# %%
# The top dyad: the full test on it
top = results.table.iloc[0]
print(f"\nTop dyad {top.a}-{top.b}: the full test on it")
meetings = table.dyad_series(top.a, top.b)   # one event per day, as the scan counts
sanctions = table.actor_series("USA", targets=[top.a, top.b])
result = als.coincidence_test(meetings, sanctions, window=window, period=period,
                              null="stratified")
print(result.summary())

# %%
# Its meetings and the sanctions before them (needs the plot extra: matplotlib)
import matplotlib.pyplot as plt  # noqa: E402
from alliancestats.plots import plot_timeline  # noqa: E402

plot_timeline(result, sanctions)
plt.show()
