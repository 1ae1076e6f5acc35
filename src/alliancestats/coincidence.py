"""``coincidence_test``: do responses follow triggers more often than chance allows?"""

from __future__ import annotations

from typing import Any

from ._inference import infer
from ._progress import check_progress
from ._setup import build_setup
from ._validation import check_alternative, check_bool, check_choice, check_integer, rng_maker
from .events import EventSeries
from .nulls import make_null
from .period import Period
from .result import CoincidenceResult
from .statistics import get_statistic
from .window import Window

__all__ = ["coincidence_test"]

METHODS = ("auto", "exact", "monte-carlo")
DEFAULT_RESAMPLES = 9999


def coincidence_test(
    responses: EventSeries,
    triggers: EventSeries,
    *,
    window: Window,
    period: Period,
    null: str = "uniform",
    statistic: str = "matches",
    method: str = "auto",
    n_resamples: int = DEFAULT_RESAMPLES,
    rng: Any = None,
    alternative: str = "greater",
    drop_outside: bool = False,
    keep_draws: bool = False,
    progress: bool | None = None,
    **null_options: Any,
) -> CoincidenceResult:
    r"""Test whether responses fall in the window after triggers more often than chance.

    The default statistic is K, the number of responses with at least one trigger
    at a lag in ``window``. Its null distribution comes from ``null``.

    Parameters
    ----------
    responses, triggers : EventSeries
        The events that might respond (e.g. meetings) and those that might
        trigger them (e.g. sanctions). Every response must lie in ``period``;
        triggers may lie outside it and still cover days inside.
    window : Window
        The lags that count as a match, e.g. ``Window.after(days=30, slack=3)``.
    period : Period
        The observation period ``[start, end]``.
    null : str
        The baseline: ``"uniform"``, ``"poisson"``, ``"stratified"``, ``"jitter"``,
        ``"episode-jitter"``, ``"circular"`` or ``"shuffle-triggers"``; see
        :mod:`alliancestats.nulls` for what each holds fixed.
    statistic : {"matches", "pairs", "trigger-rate", "likelihood"}
        ``"matches"`` (K, default): responses with a trigger in their window;
        ``"pairs"`` (S): (response, trigger day) pairs at a lag in the window;
        ``"trigger-rate"`` (R): share of trigger days followed by a response.
        See :mod:`alliancestats.statistics`.
    method : {"auto", "exact", "monte-carlo"}
        ``"auto"`` uses the exact distribution where the null has one for the
        statistic and it costs less than about ``2e9`` operations (about a second),
        else Monte Carlo, and says so in ``notes``. ``"exact"`` raises instead.
    n_resamples : int
        Monte Carlo draws ``B``. Draws are counted batch by batch, so memory does
        not grow with ``B`` (about 50 MB at most).
    rng : None, int or numpy.random.Generator
        Source of randomness for Monte Carlo; a seed makes results reproducible.
    alternative : {"greater", "less", "two-sided"}
        ``"greater"`` (default) asks whether responses are matched *more* often
        than chance.
    drop_outside : bool
        Drop responses outside the period instead of raising; the result's
        ``n_dropped`` says how many.
    keep_draws : bool
        Keep every Monte Carlo draw in ``null_draws`` (memory grows with ``B``).
    progress : bool or None
        A progress bar over the Monte Carlo draws: None (default) shows one only when
        standard error is a terminal and tqdm is installed; True always (needs the
        ``progress`` extra); False never.
    **null_options
        Options of the null: ``distinct`` (uniform), ``continuous`` (poisson),
        ``strata`` (stratified), ``days`` (jitter, episode-jitter), ``gap`` and
        ``centred`` (episode-jitter).

    Returns
    -------
    CoincidenceResult

    Notes
    -----
    :math:`H_0`: responses and triggers relate as the null describes (no
    tendency of responses to follow triggers). :math:`H_1` (``greater``):
    the statistic is larger than under :math:`H_0`. Exact p-values sum the null
    pmf (never reported as 0: see ``pvalue_underflow``); Monte Carlo p-values are
    :math:`(1 + \#\{X^* \ge X\})/(1 + B)` with standard error
    :math:`\sqrt{\hat p(1-\hat p)/B}`.

    Which null x statistic combinations are exact: every placement null gives K
    and S exactly (binomial, hypergeometric, Poisson-binomial or a convolution);
    ``circular`` and ``poisson`` give all three statistics exactly;
    ``shuffle-triggers`` gives S and R exactly and K by Monte Carlo; R under the
    placement nulls is Monte Carlo (its mean is exact).

    Examples
    --------
    >>> meetings = EventSeries(["2019-01-10", "2019-02-23", "2019-10-25", "2020-11-04"])
    >>> sanctions = EventSeries(["2019-01-28", "2019-02-15", "2019-09-25"])
    >>> res = coincidence_test(meetings, sanctions, window=Window.after(days=30, slack=3),
    ...                        period=Period("2019-01-01", "2020-12-31"))
    >>> res.k, res.n, round(res.expected, 3), round(res.pvalue, 4), res.method
    (2, 4, 0.471, 0.0706, 'exact')
    >>> pairs = coincidence_test(meetings, sanctions, window=Window.after(days=30, slack=3),
    ...                          period=Period("2019-01-01", "2020-12-31"), statistic="pairs")
    >>> pairs.statistic, pairs.statistic_name, pairs.method
    (3, 'pairs', 'exact')
    >>> res_mc = coincidence_test(meetings, sanctions, window=Window.after(days=30, slack=3),
    ...                           period=Period("2019-01-01", "2020-12-31"),
    ...                           method="monte-carlo", n_resamples=2000, rng=1)
    >>> abs(res_mc.pvalue - res.pvalue) < 4 * res_mc.pvalue_se
    True
    """
    model = make_null(null, null_options)
    chosen = get_statistic(statistic)
    method = check_choice(method, "method", METHODS)
    n_resamples = check_integer(n_resamples, "n_resamples", minimum=1)
    alternative = check_alternative(alternative)
    check_bool(keep_draws, "keep_draws")
    show = check_progress(progress)
    generator = rng_maker(rng)          # checked now, built only if Monte Carlo runs
    setup, n_dropped = build_setup(responses, triggers, window=window, period=period,
                                   drop_outside=drop_outside)
    model.check_data(setup)
    test = infer(model, setup, chosen, method=method, n_resamples=n_resamples, rng=generator,
                 alternative=alternative, keep_draws=bool(keep_draws), progress=show)
    covered = setup.covered_days
    # what only some callers read (the pmf as a Series, the per-response table, effect
    # sizes, descriptions) is kept as its inputs and built on first access
    dist = test.distribution     # kept without its log tails (functions: not picklable)
    return CoincidenceResult(
        k=setup.observed_k, n=setup.n, statistic=test.observed, statistic_name=chosen.name,
        expected=float(test.expected), pvalue=test.pvalue.value, method=test.method,
        null=model.name, alternative=alternative, window=window, period=period,
        coverage=covered / period.n_days, covered_days=covered,
        table_inputs=(setup.responses, triggers, window), effect_inputs=(model, setup),
        distribution_inputs=(dist.values, dist.pmf, chosen),
        null_options=dict(model.values), n_dropped=n_dropped,
        n_resamples=n_resamples if test.method == "monte-carlo" else None, pvalue_se=test.se,
        null_draws=test.draws, responses_name=responses.name, triggers_name=triggers.name,
        n_triggers=len(triggers), pvalue_underflow=test.pvalue.underflow,
        log10_pvalue=test.pvalue.log10, notes=tuple(test.notes),
    )
