r"""``diagnose``: measure what the nulls assume, and choose one, before any p-value.

Every null model of the coincidence test assumes something about the two series:
that responses could have fallen on any day (``uniform``), that they come one at
a time rather than in bursts (``uniform``, ``stratified``, ``jitter``), that the
trigger rate is constant (``poisson``, ``shuffle-triggers``), that neither series
trends (``circular``). :func:`diagnose` measures each of these from
the dates alone and ranks the nulls that can test the chosen statistic, so that the
primary analysis can be declared before any coincidence-test p-value is seen. It
never computes one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ._dates import to_timestamp
from ._distinct import distinct as distinct_values
from ._docstrings import shared
from ._output import Displayed, html_block, json_ready, text_block
from ._recommend import recommend
from ._series_measures import clustering_rows, episode_sizes, rate_tests
from ._setup import build_setup
from ._strata import day_strata
from ._validation import check_choice, check_fraction, check_integer, check_rng
from .events import EventSeries
from .period import Period
from .statistics import get_statistic
from .window import Window

__all__ = ["Diagnosis", "diagnose"]

UNITS = ("year", "quarter", "month")
UNIT_DAYS = {"year": 365, "quarter": 91, "month": 30}


# -- the result ----------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Diagnosis:
    """Outcome of :func:`diagnose`: measurements, the ranked nulls and their options.

    Attributes
    ----------
    per_unit : pandas.DataFrame
        Per calendar unit: ``unit, start, end, days, responses, triggers,
        trigger_days, coverage`` (``triggers`` counts events,
        ``trigger_days`` distinct days with one; ``coverage`` is the share of
        the unit's days covered by the window).
    trends : pandas.DataFrame
        Per series (responses as events, triggers as distinct days): counts in
        each half of the period, first and last unit's counts, the
        homogeneity (deviance) and log-linear trend tests with their Monte
        Carlo p-values (conditional on the total) and standard errors.
    clustering : pandas.DataFrame
        Per series (responses as events, triggers as distinct days) and
        statistic (share of gaps shorter than the window length ``L``;
        dispersion index of counts in ``L``-day bins): observed value, mean and
        one-sided Monte Carlo p-value under placement uniform over the period
        and uniform within each unit (which removes the trend).
    coverage : pandas.DataFrame
        One row: ``C``, ``T``, ``C/T``, range over units, ``E[K]`` under
        uniform and within-unit placement, and the uniform p-value that even
        ``K = n`` would give.
    recommendation : pandas.DataFrame
        The nulls ranked: ``rank, null, suited, violations, failed, reasons``.
        A null that refuses ``statistic`` is never suited and ranks last.
    options : dict
        Suggested options per null (``strata``, jitter ``days``, episode ``gap``)
        and, under ``"why"``, the reasoning.
    flags : dict
        The yes/no findings the ranking rests on.
    evidence : dict
        Each finding of ``flags``, and the coverage, in words with its numbers.
    unit : {"year", "quarter", "month"}
        The calendar unit of ``per_unit`` and the trend tests.
    alpha : float
        Level at which a trend or clustering counts as found.
    n_resamples : int
        Monte Carlo draws of the trend and clustering measures.
    window : Window
        The window whose coverage was measured.
    period : Period
        The observation period.
    statistic : str
        The statistic the ranking is for (``"matches"``, ``"pairs"``,
        ``"trigger-rate"`` or ``"likelihood"``).
    """

    per_unit: pd.DataFrame
    trends: pd.DataFrame
    clustering: pd.DataFrame
    coverage: pd.DataFrame
    recommendation: pd.DataFrame
    options: dict[str, Any]
    flags: dict[str, bool]
    evidence: dict[str, str]
    unit: str
    alpha: float
    n_resamples: int
    window: Window
    period: Period
    statistic: str = "matches"

    @property
    def primary(self) -> str:
        """The top-ranked null: the one to declare as the primary analysis, with the
        options in ``options`` (never a null that refuses ``statistic``)."""
        return str(self.recommendation["null"].iloc[0])

    def _pairs(self) -> list[tuple[str, str]]:
        pairs = [("Period", f"{self.period.start.date()} to {self.period.end.date()}; window "
                            f"{self.window} (L = {self.window.length}); statistic "
                            f"{self.statistic}")]
        pairs.append(("Rule", f"a finding is YES when the Monte Carlo p-value of the smaller of "
                              f"its two p-values (min-p, on the same draws) is below alpha = "
                              f"{self.alpha:g}: at most alpha without trend or clustering"))
        for key in ("responses_trend", "triggers_trend", "responses_cluster", "triggers_cluster"):
            label = key.replace("_", " ").capitalize()
            pairs.append((label, ("YES: " if self.flags[key] else "no: ") + self.evidence[key]))
        pairs.append(("Coverage", self.evidence["coverage"]))
        for row in self.recommendation.itertuples():
            mark = "suited" if row.suited else f"NOT suited ({row.failed})"
            pairs.append((f"{row.rank}. {row.null}", f"{mark}: {row.reasons}"))
        for null, values in self.options.items():
            if null != "why":
                pairs.append((f"Options {null}", ", ".join(f"{k}={v!r}" for k, v in values.items())))
        pairs.extend((f"Why {k}", v) for k, v in self.options["why"].items())
        return pairs

    @shared
    def summary(self) -> str:
        """A plain-text report: findings, ranked nulls with reasons, options.

        Returns
        -------
        {shared: returns_summary}
        """
        return text_block("Diagnosis: which null suits these data?", self._pairs())

    def _repr_html_(self) -> str:
        return html_block("Diagnosis: which null suits these data?", self._pairs(),
                          [(f"Per {self.unit}", self.per_unit), ("Trends", self.trends),
                           ("Clustering", self.clustering), ("Recommendation", self.recommendation)])

    __repr__ = Displayed._short_repr

    @shared
    def to_dict(self) -> dict[str, Any]:
        """The diagnosis as a JSON-ready dict: every field and the primary null, tables
        as lists of records (a p-value of a test that could not be run, e.g. on a
        series with fewer than two events, is None).

        Returns
        -------
        {shared: returns_json}
        """
        not_run = "the test could not be run (e.g. a series with fewer than two events)"
        return json_ready({
            "unit": self.unit, "alpha": self.alpha, "n_resamples": self.n_resamples,
            "statistic": self.statistic,
            "window": self.window.to_dict(), "period": self.period.to_dict(),
            "per_unit": self.per_unit, "trends": self.trends, "clustering": self.clustering,
            "coverage": self.coverage.iloc[0].to_dict(), "recommendation": self.recommendation,
            "primary": self.primary, "options": {k: dict(v) for k, v in self.options.items()},
            "flags": dict(self.flags), "evidence": dict(self.evidence),
        }, reasons={"trends": not_run, "clustering": not_run, "coverage": not_run})


# -- the function -------------------------------------------------------------------------

def _p(value: float) -> str:
    return "n/a" if not np.isfinite(value) else "p < 0.001" if value < 0.001 else f"p = {value:.3f}"


@shared
def diagnose(responses: EventSeries, triggers: EventSeries, *, window: Window, period: Period,
             statistic: str = "matches", unit: str = "year", alpha: float = 0.05,
             n_resamples: int = 9999, rng: Any = None, drop_outside: bool = False) -> Diagnosis:
    r"""Measure trend, clustering and coverage, and rank the null models for these data.

    Uses the dates only (and the coverage mask); computes no coincidence-test
    p-value, so it can fix the primary analysis before one is seen.

    Parameters
    ----------
    responses, triggers : EventSeries
        Triggers outside the period count toward coverage but not toward the
        trend and clustering measures.
    {shared: window period}
    statistic : {"matches", "pairs", "trigger-rate", "likelihood"}
        The statistic the primary analysis will test: a null that refuses it
        (``episode-jitter`` refuses ``"trigger-rate"``) is never recommended.
    unit : {"year", "quarter", "month"}
        The calendar unit for counts and trend tests (cut as the
        ``stratified`` null cuts the period).
    alpha : float
        Level at which a trend or clustering counts as found: each finding
        combines two p-values by their Monte Carlo minimum (see Notes), so that
        its chance on a series without trend or clustering is ``alpha`` (up to
        Monte Carlo error and ties).
    n_resamples : int
        Monte Carlo draws for the trend tests and the clustering measures.
    {shared: rng}
    drop_outside : bool
        Drop responses outside the period instead of raising.

    Returns
    -------
    Diagnosis
        The measurements, the nulls ranked for these data and their suggested
        options.

    Notes
    -----
    *Which events.* Responses are measured as events (two responses on one day
    are a burst, which the nulls that move responses one at a time break up);
    triggers as distinct trigger days, as every null and statistic counts them
    (several sanctions on one day are one trigger day).

    *Trend.* Counts :math:`y_u` per unit with exposure :math:`e_u` (days of
    the unit in the period). Given their total :math:`n`, counts from a
    constant rate are multinomial with probabilities :math:`e_u / \sum e`
    (trigger days, distinct by construction: multivariate hypergeometric, the
    counts of a uniform set of :math:`n` distinct days); ``n_resamples``
    such draws give two Monte Carlo p-values, exact up
    to Monte Carlo error however small the counts: homogeneity (the deviance
    :math:`G^2` of the constant-rate model, large when any unit departs) and
    log-linear trend (the conditional score statistic
    :math:`|\sum_u y_u (\tau_u - \bar\tau)|`, :math:`\tau_u` the unit's
    midpoint in years and :math:`\bar\tau` its exposure-weighted mean,
    two-sided); :math:`e^{\hat b}` from the Poisson GLM
    :math:`\log\mu_u = a + b\,\tau_u + \log e_u` is the rate ratio per year.
    A series "trends" when the *combined* p-value is below ``alpha``: the
    smaller of the two p-values is itself referred to its Monte Carlo
    distribution over the same draws (each draw's two rank p-values among
    the :math:`B + 1` rows, their minimum, and the share of draws whose
    minimum is at most the observed one), so on a series with a constant
    rate the flag is raised with probability ``alpha`` up to Monte Carlo
    error and ties, with no Bonferroni loss. Clustered series also fail homogeneity
    (overdispersion). The trend test needs three units or more (with two, the
    homogeneity test alone decides, at ``alpha``); with events in the first or
    the last unit only, the rate ratio per year is 0 or infinite.

    *Circular.* A circular shift is exchangeable only for a response series
    without trend, and a trend shared by both series (busy years in common)
    makes ``circular`` reject too often; a few dozen responses rarely show
    a significant trend of their own, so a detected trend in *either* series
    rules ``circular`` out.

    *Clustering.* The share of gaps between consecutive events shorter than
    ``L`` (two events whose windows overlap) and the dispersion index
    (variance/mean) of counts in consecutive ``L``-day bins, against ``B``
    placements of the same number of events uniformly over the period, and
    uniformly within each unit with the unit counts kept (which removes the
    trend's share of short gaps); trigger days are placed on distinct days
    (a uniform set per unit: independent uniform days, repeats drawn again
    until none is left).
    One-sided Monte Carlo p-values
    :math:`(1 + \#\{\text{draw} \ge \text{observed}\})/(1 + B)`. A series
    "clusters" when the combined (min-p, as for the trend) p-value of its two
    within-unit statistics is below ``alpha``: probability ``alpha`` on a
    series placed at random within its units.

    *Coverage.* :math:`C/T`; :math:`(C/T)^n` is the uniform null's p-value if
    every response were matched. K is *nearly forced* when that exceeds
    ``alpha`` (no K could be significant) or when one value of K has
    probability at least 1/2 under Binomial(n, C/T) (e.g. no coverage at all);
    no placement test is then informative.

    *Ranking.* A null is suited when none of its assumptions fails:
    ``uniform`` (no response trend, no response clustering), ``stratified``
    and ``jitter`` (no response clustering), ``circular`` (no trend in either series),
    ``poisson`` and ``shuffle-triggers`` (no trigger trend or clustering),
    ``episode-jitter`` (none that can be measured here), and it can test
    ``statistic``. Suited nulls come first; among them, those that keep more
    of the responses' own structure rank higher, since a small sample can
    miss a trend or clustering; clustering puts the nulls that move clusters
    whole first. Unsuited nulls follow by number of failed assumptions, and
    nulls that refuse the statistic come last.

    Suggested options: ``stratified`` by ``unit``; jitter half-width
    ``J = 3L`` (responses leave the reach of nearby triggers, ``J > L``, but
    stay well inside the unit over which trends are measured), capped at half
    a unit; episode gap ``L`` (responses closer than ``L`` can share a trigger).

    Examples
    --------
    >>> import alliancestats as als
    >>> case = als.datasets.load_iran_venezuela()
    >>> d = als.diagnose(case.meetings, case.independent_sanctions, window=case.window,
    ...                  period=case.period, n_resamples=999, rng=1)
    >>> d.per_unit["responses"].tolist()
    [1, 2, 2, 6, 4, 4, 4, 2]
    >>> d.trends.loc["triggers", ["first_half", "second_half"]].tolist()   # trigger days
    [26, 131]
    >>> d.flags["responses_trend"], d.flags["triggers_trend"]
    (False, True)
    >>> round(float(d.coverage["share"].iloc[0]), 2), d.primary
    (0.7, 'stratified')
    """
    chosen = get_statistic(statistic).name
    unit = check_choice(unit, "unit", UNITS)
    n_resamples = check_integer(n_resamples, "n_resamples", minimum=1)
    alpha = check_fraction(alpha, "alpha")
    generator = check_rng(rng)
    setup, _ = build_setup(responses, triggers, window=window, period=period,
                           drop_outside=drop_outside)
    groups = day_strata(unit, period, argument="unit")
    n_days, length = period.n_days, window.length
    response_offsets = setup.response_days - period.first_day
    trigger_days = np.asarray(triggers.days, dtype=np.int64)
    trigger_offsets = trigger_days[(trigger_days >= period.first_day)
                                   & (trigger_days <= period.last_day)] - period.first_day
    trigger_day_offsets = distinct_values(trigger_offsets)   # what the nulls and statistics count
    mask = setup.mask
    unit_coverage = np.bincount(groups.codes, weights=mask, minlength=len(groups.labels)) / groups.days
    per_unit = pd.DataFrame({
        "unit": groups.labels,
        "start": [to_timestamp(period.first_day + int(f)) for f in groups.first],
        "end": [to_timestamp(period.first_day + int(f)) for f in groups.last],
        "days": groups.days, "responses": groups.count(response_offsets),
        "triggers": groups.count(trigger_offsets),
        "trigger_days": groups.count(trigger_day_offsets), "coverage": unit_coverage})

    half = n_days // 2
    mid_years = (groups.first + groups.last) / 2 / 365.25
    trend_rows = {}
    for name, column, offsets, distinct in (
            ("responses", "responses", response_offsets, False),
            ("triggers", "trigger_days", trigger_day_offsets, True)):
        counts = per_unit[column].to_numpy()
        trend_rows[name] = {"n": int(offsets.size), "first_half": int((offsets < half).sum()),
                            "second_half": int((offsets >= half).sum()),
                            "first_unit": int(counts[0]), "last_unit": int(counts[-1]),
                            **rate_tests(counts.astype(float), groups.days.astype(float), mid_years,
                                         n_resamples, generator, distinct)}
    trends = pd.DataFrame.from_dict(trend_rows, orient="index")

    clustering = pd.DataFrame(
        clustering_rows("responses", response_offsets, groups, length, n_days, n_resamples, generator)
        + clustering_rows("triggers", trigger_day_offsets, groups, length, n_days, n_resamples,
                          generator, distinct=True))

    share = float(mask.mean())
    n = setup.n
    coverage = pd.DataFrame([{
        "covered_days": int(mask.sum()), "days": n_days, "share": share,
        "unit_share_min": float(unit_coverage.min()), "unit_share_max": float(unit_coverage.max()),
        "expected_k_uniform": n * share,
        "expected_k_within_unit": float(unit_coverage[groups.codes[response_offsets]].sum()),
        "pvalue_if_all_matched": share ** n,
        "largest_k_probability": float(stats.binom.pmf(np.arange(n + 1), n, share).max())}])

    flags, evidence = _findings(trends, clustering, coverage, per_unit, unit, alpha, length,
                                period)
    sizes = episode_sizes(response_offsets, length)
    jitter_days = int(min(3 * length, max(length + 1, UNIT_DAYS[unit] // 2)))
    options = {
        "stratified": {"strata": unit}, "jitter": {"days": jitter_days},
        "episode-jitter": {"days": jitter_days, "gap": length},
        "why": {
            "jitter days": (f"J = {jitter_days} days: more than the window length L = {length}, "
                            "so a response can leave the reach of the triggers near it, and well "
                            f"below a {unit}, the scale on which trends were measured"),
            "episode gap": (f"gap = L = {length} days: responses closer than the window length can "
                            f"share a trigger; it makes {sizes.size} episodes of the {n} responses "
                            f"(largest {int(sizes.max()) if sizes.size else 0})"),
        },
    }
    spread = (f"coverage per {unit} ranges {unit_coverage.min():.2f} to "
              f"{unit_coverage.max():.2f}")
    notes = {"episode-jitter": (f"moves each episode of responses (gap {length} days: "
                                f"{sizes.size} episodes, largest {int(sizes.max()) if sizes.size else 0}) "
                                "rigidly, keeping clusters and coarse timing; it needs enough "
                                "episodes to have power"),
             "stratified": f"keeps the responses' counts per {unit} ({spread})",
             "jitter": f"keeps each response's timing to within ±{jitter_days} days ({spread})"}
    return Diagnosis(per_unit=per_unit, trends=trends, clustering=clustering, coverage=coverage,
                     recommendation=recommend(flags, evidence, notes, chosen), options=options,
                     flags=flags, evidence=evidence, unit=unit, alpha=float(alpha),
                     n_resamples=n_resamples, window=window, period=period, statistic=chosen)


def _findings(trends: pd.DataFrame, clustering: pd.DataFrame, coverage: pd.DataFrame,
              per_unit: pd.DataFrame, unit: str, alpha: float, length: int,
              period: Period) -> tuple[dict[str, bool], dict[str, str]]:
    """The yes/no findings and short sentences stating their evidence."""
    half_start = to_timestamp(period.first_day + period.n_days // 2).date()
    flags: dict[str, bool] = {}
    evidence: dict[str, str] = {}
    for name, column, what in (("responses", "responses", "responses"),
                               ("triggers", "trigger_days", "trigger days")):
        row = trends.loc[name]
        flags[f"{name}_trend"] = bool(row["combined_pvalue"] < alpha)
        counts = ", ".join(str(c) for c in per_unit[column])
        evidence[f"{name}_trend"] = (
            f"{what} per {unit} {counts}; {int(row['first_half'])} before {half_start} vs "
            f"{int(row['second_half'])} from then on; homogeneity {_p(row['homogeneity_pvalue'])}, "
            f"log-linear trend {_p(row['trend_pvalue'])} (rate ratio per year "
            f"{row['trend_rate_ratio_per_year']:.2f}); combined {_p(row['combined_pvalue'])}")
        mine = clustering[clustering.series == name].set_index("statistic")
        gaps, disp = mine.loc["short-gap share"], mine.loc["dispersion index"]
        flags[f"{name}_cluster"] = bool(gaps["combined_pvalue_within"] < alpha)
        evidence[f"{name}_cluster"] = (
            f"{what}: {gaps['observed']:.0%} of gaps < L = {length} days vs "
            f"{gaps['expected_within']:.0%} expected within {unit}s, {_p(gaps['pvalue_within'])}; "
            f"dispersion index {disp['observed']:.2f} vs {disp['expected_within']:.2f}, "
            f"{_p(disp['pvalue_within'])}; combined {_p(gaps['combined_pvalue_within'])}")
    flags["both_trend"] = flags["responses_trend"] and flags["triggers_trend"]
    evidence["both_trend"] = (f"responses {'trend' if flags['responses_trend'] else 'show no trend'}, "
                              f"triggers {'trend' if flags['triggers_trend'] else 'show no trend'}")
    cov = coverage.iloc[0]
    flags["forced"] = bool(cov["pvalue_if_all_matched"] > alpha or cov["largest_k_probability"] >= 0.5)
    evidence["coverage"] = (
        f"C/T = {cov['share']:.2f} ({int(cov['covered_days'])} of {int(cov['days'])} days; per "
        f"{unit} {cov['unit_share_min']:.2f} to {cov['unit_share_max']:.2f}); E[K] = "
        f"{cov['expected_k_uniform']:.2f} placing responses uniformly, "
        f"{cov['expected_k_within_unit']:.2f} within their {unit}s; even K = n would give a "
        f"uniform p of {cov['pvalue_if_all_matched']:.3g}")
    evidence["forced"] = (f"coverage C/T = {cov['share']:.2f}: K is nearly forced (even K = n would "
                          f"give p = {cov['pvalue_if_all_matched']:.3g}; the likeliest K has "
                          f"probability {cov['largest_k_probability']:.2f}), so no placement test "
                          "carries much information")
    return flags, evidence
