"""The audit: a declared primary analysis, checks that can tell, and a verdict with a
known error rate.

* :mod:`.analysis`: :class:`Analysis`, the primary analysis, and how ``diagnose``
  chooses one.
* :mod:`.verdict`: :func:`audit_verdict`, the verdict alone (the primary test and
  its placebo), fast enough for simulation studies.
* :mod:`.placebo`: the trigger list shifted in time, tested under the primary null.
* :mod:`.sensitivity`: the primary test without some responses, and bounds over
  moved dates.
* :mod:`.secondary`: every other null and statistic, adjusted for the family.
* :mod:`.rates`: the verdict's error rates on simulated data.
* :mod:`.report`: :class:`AuditReport`; :func:`audit` (here) runs it all.
"""

from __future__ import annotations

import warnings
from typing import Any, Sequence

import numpy as np

from .._docstrings import shared
from .._progress import check_progress, progress_bar
from .._validation import check_integer, check_rng
from ..coincidence import coincidence_test
from ..composition import composition_test, rate_comparison
from ..count_model import count_model_test
from ..diagnose import diagnose
from ..errors import AllianceStatsError
from ..events import EventSeries
from ..influence import influence
from ..lagtest import lag_test
from ..matching import _check_types
from ..nulls import NULLS
from ..period import Period
from ..subsets import subset_tests
from ..sweep import sweep_windows, window_sweep
from ..window import Window
from .analysis import Analysis
from .placebo import MIN_SHIFT, PlaceboResult, placebo_test
from .report import AuditReport
from .secondary import SecondaryResult, default_family, secondary_tests
from .sensitivity import DateMoveBounds, date_move_bounds, response_subset_tests
from .verdict import AuditVerdict, audit_verdict, resolve_window

__all__ = ["Analysis", "AuditReport", "AuditVerdict", "DateMoveBounds", "PlaceboResult",
           "SecondaryResult", "audit", "audit_verdict", "date_move_bounds", "placebo_test",
           "response_subset_tests", "secondary_tests"]


#: the checks the audit's progress bar counts, in order
AUDIT_STEPS = ("primary test and placebo", "diagnosis", "reverse direction", "leave one out",
               "response subsets", "date moves", "window search", "lag test",
               "trigger subsets", "secondary family", "count model", "composition", "rates")


@shared
def audit(
    responses: EventSeries,
    triggers: EventSeries,
    *,
    window: Window | None = None,
    period: Period,
    primary: Analysis | None = None,
    alpha: float = 0.05,
    placebo_step: int | None = None,
    placebo_min: int = MIN_SHIFT,
    placebo_max: int | None = None,
    sensitivity_attribute: str | None = None,
    move_days: int | None = None,
    max_days: int = 90,
    subset_columns: Sequence[str] = (),
    composition_attribute: str | None = None,
    rate_breaks: Sequence[Any] = (),
    n_resamples: int = 999,
    rng: Any = None,
    drop_outside: bool = False,
    progress: bool | None = None,
) -> AuditReport:
    """Every robustness check under one declared primary analysis, and a verdict.

    Parameters
    ----------
    {shared: responses_triggers}
    window : Window, optional
        The window; may instead come from ``primary``.
    {shared: period}
    primary : Analysis, optional
        The primary analysis, declared before the audit. Without it,
        :func:`alliancestats.diagnose` chooses one from the dates alone, before any
        p-value is computed, and the report says why (see :func:`audit_verdict`).
    alpha : float
        Level of the verdict.
    placebo_step, placebo_min, placebo_max : int, optional
        The placebo's shifts (see :func:`~alliancestats.audit.placebo.placebo_test`).
    sensitivity_attribute : str, optional
        A response column: the primary test is rerun without each of its levels
        (e.g. ``"confidence"``, to drop the low-confidence rows).
    move_days : int, optional
        Bound the primary p-value over every move of every response by up to this
        many days (reconstructed dates); see :func:`date_move_bounds`.
    max_days : int
        The window search tries ``[0, h]`` for ``h = 0..max_days``.
    subset_columns : sequence of str
        Trigger columns: the primary test on each of their levels.
    composition_attribute : str, optional
        A response column compared between matched and unmatched responses.
    rate_breaks : sequence of dates
        Dates that cut the period for the comparison of response rates.
    n_resamples : int
        Monte Carlo draws (diagnose's clustering measures, Monte Carlo tests, the
        min-p steps).
    {shared: rng}
    drop_outside : bool
        Drop responses outside the period before every check.
    {shared: progress}
        The bar counts the audit's checks (primary test and placebo, diagnosis,
        reverse direction, leave-one-out, response subsets, date moves, window
        search, lag test, trigger subsets, secondary family, count model,
        composition and rates).

    Returns
    -------
    AuditReport
        The verdict, the primary test, every check under it, the secondary family
        and the other analyses that were asked for.

    Notes
    -----
    The verdict rests on the primary analysis and its placebo only
    (:func:`audit_verdict`, run first with the same random stream, so a seed
    gives the same ``verdict_level`` here and there). Every other check runs under
    the primary null and statistic and describes the result: the reverse
    direction (the window mirrored, so the same null moves the same responses),
    leave-one-out (a description of fragility when the primary test rejects; with
    the primary p above α it is no check, since dropping a matched response can
    only raise p), sensitivity to the responses and their dates, the window
    search (min-p adjusted over ``[0, h]``), the window-free lag test and trigger
    subsets. The secondary analyses (every other null and statistic) are
    labelled secondary and adjusted for their number (:func:`secondary_tests`);
    they do not change the verdict.

    Examples
    --------
    >>> import alliancestats as als
    >>> case = als.datasets.load_iran_venezuela()
    >>> report = als.audit(case.meetings, case.independent_sanctions, window=case.window,
    ...                    period=case.period, max_days=40, n_resamples=199, rng=0)
    >>> report.verdict_level, report.primary.label()
    ('not supported', 'Λ (likelihood) under stratified (strata=year)')
    """
    window = resolve_window(window, primary)
    _check_types(responses=responses, triggers=triggers, window=window, period=period)
    n_resamples = check_integer(n_resamples, "n_resamples", minimum=1)
    max_days = check_integer(max_days, "max_days", minimum=0)
    generator = check_rng(rng)
    if composition_attribute is not None and not isinstance(composition_attribute, str):
        raise AllianceStatsError(f"`composition_attribute` must be a column name or None, got "
                                 f"{composition_attribute!r}")
    if sensitivity_attribute is not None and (not isinstance(sensitivity_attribute, str)
                                              or sensitivity_attribute not in responses.columns):
        raise AllianceStatsError(f"`sensitivity_attribute`: the responses have no column "
                                 f"{sensitivity_attribute!r}; their columns are "
                                 f"{responses.columns}")
    if move_days is not None:
        check_integer(move_days, "move_days", minimum=1)
        if move_days >= period.n_days:
            raise AllianceStatsError(f"`move_days` = {move_days}: date moves must be shorter "
                                     f"than the period ({period.n_days} days)")
    show = check_progress(progress)
    with progress_bar(len(AUDIT_STEPS), progress=show, description="audit", unit="check") as bar:
        decision = audit_verdict(responses, triggers, window=window, period=period, primary=primary,
                                 alpha=alpha, placebo_step=placebo_step, placebo_min=placebo_min,
                                 placebo_max=placebo_max, n_resamples=n_resamples, rng=generator,
                                 drop_outside=drop_outside)
        bar.update()
        chosen = decision.primary
        result = decision.result
        kept = result.table_inputs[0]                     # the responses inside the period
        options = chosen.options()
        if chosen.null == "episode-jitter" and options.get("gap") is None:
            options["gap"] = window.length                # the primary's episodes, in every window
        test = dict(null=chosen.null, statistic=chosen.statistic, **options)
        diagnosis = decision.diagnosis if decision.diagnosis is not None else diagnose(
            kept, triggers, window=window, period=period, n_resamples=n_resamples, rng=generator)
        bar.update()
        notes: list[str] = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")          # the primary test already warned, if at all
            reverse = coincidence_test(kept, triggers, window=Window(-window.hi, -window.lo),
                                       period=period, n_resamples=n_resamples, rng=generator, **test)
            bar.update()
            infl = influence(kept, triggers, window=window, period=period, n_resamples=n_resamples,
                             rng=_seed(generator), **test)
            bar.update()
            subsets = (None if sensitivity_attribute is None else response_subset_tests(
                kept, triggers, window=window, period=period, attribute=sensitivity_attribute,
                n_resamples=n_resamples, rng=generator, **test))
            bar.update()
        dates = (None if move_days is None else date_move_bounds(
            kept, triggers, window=window, period=period, move_days=move_days, **test))
        bar.update()
        sweep = window_sweep(kept, triggers, period=period, windows=sweep_windows(max_days),
                             nulls=[chosen.null], null_options={chosen.null: options},
                             statistic=chosen.statistic, n_resamples=n_resamples, rng=generator)
        bar.update()
        lag = None
        if _places_responses(chosen.null):
            lag = lag_test(kept, triggers, period=period, null=chosen.null, n_resamples=n_resamples,
                           rng=generator, **options)
        bar.update()
        trigger_subsets = subset_tests(kept, triggers, window=window, period=period,
                                       by=subset_columns, placebo_shifts=(), n_resamples=n_resamples,
                                       rng=_seed(generator), **test)
        bar.update()
        suited = dict(zip(diagnosis.recommendation.null, diagnosis.recommendation.suited))
        secondary = secondary_tests(kept, triggers, window=window, period=period,
                                    analyses=default_family(window, diagnosis.options, chosen),
                                    suited=suited, n_resamples=n_resamples, rng=generator)
        bar.update()
        count_model = None
        try:
            count_model = count_model_test(kept, triggers, window=window, period=period,
                                           strata=diagnosis.unit, empty_strata="drop")
        except AllianceStatsError as exc:
            notes.append(f"Count model not fitted: {exc}")
        bar.update()
        composition = (None if composition_attribute is None else
                       composition_test(result.table, composition_attribute, rng=generator))
        bar.update()
        no_breaks = rate_breaks is None or (isinstance(rate_breaks, (list, tuple)) and not rate_breaks)
        rates = None if no_breaks else rate_comparison(kept, period=period, breaks=rate_breaks)
        bar.update()
        notes += _notes(decision, secondary, suited)
    return AuditReport(decision=decision, diagnosis=diagnosis, effects=result.effect_sizes(),
                       reverse=reverse, influence=infl, response_subsets=subsets, dates=dates,
                       sweep=sweep, lag=lag, trigger_subsets=trigger_subsets,
                       secondary=secondary, count_model=count_model, composition=composition,
                       rates=rates, notes=notes)


def _seed(generator: np.random.Generator) -> int:
    """A seed for a check that reseeds every test it runs (each row comparable)."""
    return int(generator.integers(2**63))


def _places_responses(null: str) -> bool:
    return NULLS[null].draws == "responses"


def _notes(decision: AuditVerdict, secondary: SecondaryResult, suited: dict[str, bool]) -> list[str]:
    """Where the secondary analyses and the primary one disagree, say so."""
    alpha = decision.alpha
    table = secondary.table
    raw = table[(table.pvalue <= alpha) & table.suited.fillna(True).astype(bool)]
    notes = []
    if len(raw):
        adjusted = raw[raw.pvalue_adjusted <= alpha]
        names = "; ".join(f"{row.analysis}: p = {row.pvalue:.3g}, adjusted "
                          f"{row.pvalue_adjusted:.3g}" for row in raw.itertuples())
        verb = ("and some stay below it after adjustment" if len(adjusted)
                else "none stays below it after adjustment for the family")
        notes.append(f"Secondary analyses with unadjusted p <= {alpha:g} ({names}): {verb}. "
                     f"They do not change the verdict, which rests on the declared primary "
                     f"analysis ({decision.primary.label()}, p = {decision.result.pvalue:.3g}).")
    return notes
