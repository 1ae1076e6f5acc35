"""``episode-jitter``: bursts of responses moved as rigid blocks by a small shift."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from .._setup import Setup
from .._validation import check_integer, name_rows
from ..episodes import episodes
from ..errors import AllianceStatsError
from ..statistics import Statistic
from ._placement import UnitPlacementNull, Units


class EpisodeJitterNull(UnitPlacementNull):
    r"""Each episode of responses shifted as one block by a small random shift.

    Responses are sorted by day and cut into *episodes*
    (:func:`alliancestats.episodes.episodes`): maximal runs whose consecutive gaps
    are at most ``gap`` days (default the window length ``L``). Each episode
    ``e``, with first and last day :math:`a_e, b_e`, moves rigidly and
    independently of the others; triggers stay where they are.

    * ``centred=True`` (default): the shift :math:`\delta` is uniform on the
      integers of :math:`[-J, J] \cap [\text{start} - a_e,\ \text{end} - b_e]`
      (the whole episode stays in the period).
    * ``centred=False`` (*interval jitter*, Platkiewicz, Stark & Amarasingham
      2017): the period is cut into fixed bins of :math:`2J + 1` days starting on
      its first day, and the episode's first day is placed uniformly on the days
      ``x`` of its own bin with :math:`x \ge \text{start}` and
      :math:`x + (b_e - a_e) \le \text{end}`.

    Keeps the trigger dates, the number and size of episodes, the spacing of the
    responses within each episode (a two-day summit stays two days; a burst of
    meetings stays a burst) and each episode's coarse timing (to within ``J``
    days, or its bin). Destroys the fine timing of episodes relative to triggers.
    Unlike ``jitter``, a burst of ``k`` responses after one trigger cannot be
    split up by the null, so it does not count as ``k`` independent coincidences.

    Parameters
    ----------
    **options
        ``days=J`` (int ``>= 0``, required): the largest shift, or the bins'
        half-width; ``gap=g`` (int ``>= 0``; default ``L = hi - lo + 1``): the
        largest gap within an episode; ``centred`` (bool, default True): the shift
        rule, as above.

    Notes
    -----
    An episode's contribution to an additive statistic is
    :math:`Z_e(\delta) = \sum_{i \in e} f(c(t_i + \delta))`; its pmf is the
    histogram of :math:`Z_e` over the allowed shifts, and the exact pmf of K or S
    is the convolution over episodes (see :mod:`alliancestats.nulls._placement`).

    The trigger rate is refused. It depends on how far apart the responses lie (two
    responses within ``L`` days of each other share the triggers they can follow),
    and the episodes are cut so that observed episodes lie more than ``gap`` days
    apart, while surrogate episodes, shifted independently, often come closer: their
    windows then overlap, they follow fewer triggers, and the surrogate rates are
    biased low. Simulated on independent series (trend, clustering), the test of R
    rejected up to 0.21 of true nulls at level 0.05; ``jitter`` and ``stratified``
    hold their level for R.

    Validity. The observed data are one member of the set of surrogates (shift 0
    is always allowed), and the episodes are those of the observed data, taken
    as given: a surrogate in which two episodes come within ``gap`` days of
    each other is not re-partitioned. That is what keeps interval jitter from
    being exact in general. Data in which two responses lie within ``gap``
    days are always cut into one episode, so the observed data can never show
    two episodes that close; the surrogates can. Under :math:`H_0` the data
    are uniform over the placements with the same bins and episode shapes
    *that the data could show*, while the surrogates are uniform over a larger
    set, and the p-value is computed on the wrong set. Smallest counterexample
    found: a period of ``T = 5`` days, ``J = 2`` (one bin), ``gap = 1``, one
    trigger on day 4, window ``[0, 0]``, three responses independent and
    uniform over the period: over the 125 equally likely datasets,
    :math:`P(p \le 0.40) = 0.44` (tested).

    What can be proved: interval jitter is *exact conditionally* on the bins
    and the episode shapes, :math:`P(p \le \alpha) \le \alpha`, whenever no
    two episodes can come within ``gap`` days of each other in any surrogate,
    i.e. for every two episodes the days they can reach,
    :math:`[\text{first allowed anchor}, \text{last allowed anchor} + \text{span}]`,
    lie more than ``gap`` days apart (:meth:`conditionally_exact` checks
    this). Then every surrogate is cut into the same episodes, in the same
    bins, as the data: the surrogate set is exactly the set of data with
    those bins and shapes, and under any :math:`H_0` that makes its members
    equally likely, independently of the triggers (responses independent and
    uniform over the period, or a Poisson process whose rate is constant
    within each bin), the observation is uniform on it. The condition holds,
    for example, when each bin holds at most one episode, every episode is
    one day (same-day responses only) and ``gap = 0``; more generally when
    each bin holds at most one episode and the first day of each such bin
    comes more than ``gap + span`` days after the last day of the previous
    such bin (``span``: last minus first day of that bin's episode). Otherwise the test is approximately valid: in the
    calibration grid (``docs/data/calibration_size.csv``) interval jitter
    with ``J = 68`` rejected between 0.014 and 0.054 of 1,000 null datasets
    at level 0.05, for K and S in each of the six scenarios, all within the
    bound :math:`\alpha + 3\,\mathrm{SE}`. Centred jitter lacks even the
    conditional symmetry: an episode shifted by :math:`\delta` would,
    recentred, have a different set of allowed shifts (:math:`[-J, J]`
    around the new position), so the observation is not uniformly placed
    among its surrogates even under :math:`H_0`; the test is approximately
    valid when episodes' timing is smooth on the scale of ``J``, as for
    ``jitter`` (its calibration rates are in the same file).

    References
    ----------
    1. Platkiewicz, J., Stark, E. and Amarasingham, A. (2017). Spike-centered
       jitter can mistake temporal structure. *Neural Computation* 29(3),
       783-803.
    2. Amarasingham, A., Harrison, M. T., Hatsopoulos, N. G. and Geman, S.
       (2012). Conditional modeling and the jitter method of spike resampling.
       *Journal of Neurophysiology* 107(2), 517-531.
    """

    name: ClassVar[str] = "episode-jitter"
    options: ClassVar[dict[str, Any]] = {"days": None, "gap": None, "centred": True}
    refused_statistics: ClassVar[dict[str, str]] = {
        "trigger-rate": "surrogate episodes come closer together than observed ones and follow "
                        "fewer triggers, which biases the test (use null 'jitter' or "
                        "'stratified' for the trigger rate)"}
    held_fixed = ("trigger dates, the episodes (responses <= g days apart) with their inner "
                  "spacing, and each episode's timing to within J days")
    randomised = "each episode shifted as a block by a uniform shift in [-J, J] within the period"

    def check_options(self) -> None:
        super().check_options()
        if self.values["days"] is None:
            raise AllianceStatsError(
                "null 'episode-jitter' needs `days=J`, the largest shift in days (an integer >= 0)")
        self.values["days"] = check_integer(self.values["days"], "days", minimum=0)
        if self.values["gap"] is not None:
            self.values["gap"] = check_integer(self.values["gap"], "gap", minimum=0)
        j = self.values["days"]
        if not self.values["centred"]:
            self.randomised = (f"each episode's first day uniform within its own bin of "
                               f"{2 * j + 1} days (interval jitter)")
        else:
            self.randomised = self.randomised.replace("J", str(j))
        self.held_fixed = self.held_fixed.replace("J", str(j))

    def gap(self, setup: Setup) -> int:
        gap = self.values["gap"]
        return setup.window.length if gap is None else gap

    def make_units(self, setup: Setup) -> Units:
        return self.units_in_groups(setup, np.zeros(setup.n, np.int64))

    def units_in_groups(self, setup: Setup, group: np.ndarray) -> Units:
        """Episodes within each group of responses (the dyads of a scan): the groups'
        days are set ``T + gap + 1`` apart, so no episode reaches across two."""
        gap, n_days = self.gap(setup), setup.period.n_days
        stride = n_days + gap + 1
        group = np.asarray(group, dtype=np.int64)
        ep = episodes(group * stride + setup.response_offsets, gap)
        episode_group = np.zeros(ep.n_episodes, np.int64)
        episode_group[ep.label] = group
        first, span, j = ep.first_day - episode_group * stride, ep.span, self.values["days"]
        last_anchor = n_days - 1 - span
        if self.values["centred"]:
            low, high = np.maximum(first - j, 0), np.minimum(first + j, last_anchor)
        else:
            bin_start = (first // (2 * j + 1)) * (2 * j + 1)
            low, high = bin_start, np.minimum(bin_start + 2 * j, last_anchor)
        rel = setup.response_offsets - first[ep.label]
        return Units(low=low.astype(np.int64), high=high.astype(np.int64), unit=ep.label, rel=rel)

    def conditionally_exact(self, setup: Setup) -> bool:
        """Whether the test is exact conditionally on the bins and episode shapes (see
        Notes): interval jitter (``centred=False``) whose episodes can never come
        within ``gap`` days of each other, whatever their allowed anchors. Always
        False for centred jitter."""
        if self.values["centred"]:
            return False
        units = self.units(setup)
        span = np.zeros(len(units.low), np.int64)
        np.maximum.at(span, units.unit, units.rel)
        order = np.argsort(units.low, kind="stable")
        start, end = units.low[order], (units.high + span)[order]
        earlier_end = np.maximum.accumulate(end)[:-1]
        return bool(np.all(start[1:] - earlier_end > self.gap(setup)))

    def effect_sizes_refusal(self, setup: Setup) -> str | None:
        """None when every episode is a single response (the episodes are then placed
        independently, one response each, as the effect sizes assume); else why not."""
        sizes = self.units(setup).sizes
        if np.all(sizes == 1):
            return None
        return (f"{int((sizes > 1).sum())} of its {sizes.size} episodes hold more than one "
                f"response (up to {int(sizes.max())}) and move as one block, so under it K "
                "is not a sum of independent responses and its variance exceeds the "
                "Poisson-binomial one every interval rests on (the intervals would be too "
                f"narrow); use effect_sizes(..., null='jitter', days={self.values['days']}) "
                "(independent placement: too narrow as well if responses come in bursts, "
                "which diagnose() measures), or a smaller `gap` if it leaves every episode "
                "a single response")

    def check_data(self, setup: Setup) -> None:
        """An episode as long as the period can never move: that is bad input (the
        ``gap`` joins every response into one block). Episodes that merely have one
        allowed position (pinned by the period's ends or, for interval jitter, by
        their bin) make the null distribution a point mass, which the test reports
        with a :class:`~alliancestats.DegenerateDataWarning` like any forced result."""
        ep = episodes(setup.response_offsets, self.gap(setup))
        spanning = np.flatnonzero(ep.span + 1 >= setup.period.n_days)   # ``span``: one array
        if spanning.size and self.values["days"] > 0:
            rows = setup.responses.source_rows
            raise AllianceStatsError(
                f"null 'episode-jitter': the episode of "
                f"{name_rows([rows[i] for i in ep.members(int(spanning[0]))])} spans the whole "
                f"period with `gap`={self.gap(setup)}, so it can never move; use a smaller "
                "`gap` (fewer, shorter episodes) or another null")

    def distribution_label(self, setup: Setup, statistic: Statistic) -> str:
        units = self.units(setup)
        kind = "centred" if self.values["centred"] else "interval"
        how = ("exact convolution over" if statistic.name in self.exact_statistics
               else "Monte Carlo over")
        validity = ("" if self.values["centred"] else
                    "; conditionally exact: no two episodes can come within gap days"
                    if self.conditionally_exact(setup) else
                    "; approximate: surrogate episodes can come within gap days of each other")
        return (f"{how} {len(units.low)} episodes ({kind} jitter, J={self.values['days']}, "
                f"gap={self.gap(setup)}; shifts per episode {units.width.min()}-{units.width.max()}"
                f"{validity})")
