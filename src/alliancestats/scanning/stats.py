r"""Stage 2 of the scan: exact null distributions of K for many dyads at once.

Input: for every dyad its response days (offsets into the period) and a *coverage
group* whose trigger days give its coverage mask (one group per dyad, or one group
shared by all). Nothing here reads event rows, so any engine's stage 1 can feed it.

Dyads are processed in chunks (a few thousand rows of ``T`` days); within a chunk
every step is vectorised across dyads: the coverage masks come from the library's
one matching primitive (:func:`alliancestats.matching.window_counts`, with each
group's days offset so that groups never meet), and the null distributions loop
only over response ranks, shifts or strata, never over a dyad's responses.

Each placement null is one function returning the exact pmf of K per dyad:

* ``uniform``: :math:`K_d \sim \mathrm{Binomial}(n_d, C_d/T)` (``distinct=True``:
  hypergeometric), as :class:`~alliancestats.nulls.UniformNull`;
* ``stratified``, ``jitter``, ``episode-jitter``: each unit (a response, or an
  episode of a dyad's responses moved as a block) uniform on its candidate
  anchors, which come from the null classes themselves
  (:meth:`~alliancestats.nulls._placement.UnitPlacementNull.units_in_groups`: a
  dyad's episodes never join another dyad's responses); each unit's pmf of matches
  over its anchors (:func:`~alliancestats.nulls._placement.unit_pmfs`, as the
  engine computes it) and their convolution per dyad
  (:func:`alliancestats._convolution.sums_of_units`); for single responses this is
  the Poisson-binomial distribution;
* ``circular``: :math:`K_d(\delta)` for all ``T`` shifts at once by FFT
  cross-correlation of the response indicator with the coverage mask.

A new placement null is one more function registered in :data:`SCAN_NULLS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy import stats

from .._convolution import sums_of_units
from .._distinct import distinct
from .._progress import track
from .._pvalues import P_FLOOR, NullDistribution, exact_tail
from .._setup import Setup, in_reach
from ..events import EventSeries
from ..matching import window_counts
from ..nulls import NullModel
from ..nulls._placement import UnitPlacementNull, unit_pmfs
from ..period import Period
from ..statistics import STATISTICS
from ..window import Window

#: a pmf whose largest mass reaches this is a forced K (as coincidence_test warns)
FORCED = 1 - 1e-12
#: largest (dyads x days) array one batch of dyads may hold
BATCH_ELEMENTS = 4_000_000
#: circular null: dyads with at most this many responses sum rolled masks instead of an FFT
CIRCULAR_DIRECT = 24
#: largest (trigger groups x days) array of coverage masks computed once for all batches
BASE_ELEMENTS = 32_000_000


@dataclass(frozen=True)
class Chunk:
    """Dyads of one batch with their coverage masks (``mask[group[d]]`` is dyad d's)."""

    mask: np.ndarray          # (groups in chunk, T) bool
    covered: np.ndarray       # (groups in chunk,) covered days of each mask
    group: np.ndarray         # (dyads,) row of mask for each dyad
    n: np.ndarray             # (dyads,) responses
    response_dyad: np.ndarray  # (R,) dyad (0..dyads-1) of each response, sorted
    response_offset: np.ndarray  # (R,) offsets 0..T-1
    width: int                # max n + 1
    window: Window
    period: Period


@dataclass(frozen=True)
class DyadStatistics:
    """Per-dyad outcome of stage 2 (arrays aligned with the input dyads)."""

    n: np.ndarray
    k: np.ndarray
    covered_days: np.ndarray
    expected: np.ndarray
    pvalue: np.ndarray       # never below P_FLOOR
    pvalue_underflow: np.ndarray  # the tail is below P_FLOOR: pvalue is that bound
    log10_pvalue: np.ndarray  # exact log10 of an underflowed p-value where known, else NaN
    forced: np.ndarray
    pmf_values: np.ndarray    # every dyad's pmf over 0..n_d, concatenated
    pmf_start: np.ndarray     # dyad d's pmf is pmf_values[pmf_start[d]: pmf_start[d] + n_d + 1]

    def pmf(self, dyad: int) -> np.ndarray:
        start = self.pmf_start[dyad]
        return self.pmf_values[start: start + self.n[dyad] + 1]


def coverage_masks(trigger_group: np.ndarray, trigger_days: np.ndarray, groups: np.ndarray,
                   window: Window, period: Period) -> np.ndarray:
    """Coverage masks ``(len(groups), T)`` of several trigger groups in one call.

    Each group's trigger and query days are offset by ``group * S`` with
    ``S = T + L`` so that no window reaches another group; the count is then the
    matching primitive :func:`~alliancestats.matching.window_counts` itself.
    """
    T, stride = period.n_days, period.n_days + window.length
    local = np.full(int(max(groups.max(initial=0), trigger_group.max(initial=0))) + 1, -1, np.int64)
    local[groups] = np.arange(len(groups))
    reach = in_reach(trigger_days, window, period)
    keep = reach & (local[trigger_group] >= 0)
    shift = window.hi - period.first_day
    trigger_keys = local[trigger_group[keep]] * stride + trigger_days[keep] + shift
    query = (np.arange(len(groups))[:, None] * stride + np.arange(T)[None, :] + window.hi).ravel()
    return (window_counts(query, trigger_keys, window) > 0).reshape(len(groups), T)


def _uniform(model: NullModel, chunk: Chunk) -> np.ndarray:
    covered = chunk.covered[chunk.group]
    k = np.arange(chunk.width)[None, :]
    n, T = chunk.n[:, None], chunk.period.n_days
    if model.values.get("distinct"):
        return stats.hypergeom.pmf(k, T, covered[:, None], n)
    return stats.binom.pmf(k, n, covered[:, None] / T)


def _placement_setup(chunk: Chunk) -> Setup:
    days = chunk.period.first_day + chunk.response_offset
    responses = EventSeries(days.astype("datetime64[D]"))
    return Setup(responses=responses, triggers=EventSeries([]), window=chunk.window,
                 period=chunk.period)


def _placement(model: NullModel, chunk: Chunk) -> np.ndarray:
    assert isinstance(model, UnitPlacementNull)
    units = model.units_in_groups(_placement_setup(chunk), chunk.response_dyad)
    unit_dyad = np.zeros(len(units.low), np.int64)
    unit_dyad[units.unit] = chunk.response_dyad
    pmf, offset = unit_pmfs(chunk.mask, units, row=chunk.group[unit_dyad])
    return sums_of_units(unit_dyad, pmf, offset, len(chunk.n), chunk.width)


def _circular(model: NullModel, chunk: Chunk) -> np.ndarray:
    T, dyads = chunk.period.n_days, len(chunk.n)
    mask = chunk.mask[chunk.group]
    k = np.zeros((dyads, T), np.int64)
    # K(delta) = sum_t r[t] * mask[(t + delta) mod T]: a circular cross-correlation, summed
    # directly (one rolled mask per response) for dyads with few responses, by FFT for the rest
    direct = chunk.n <= CIRCULAR_DIRECT
    if direct.any():
        doubled = np.concatenate([mask, mask], axis=1).ravel()
        rank = np.arange(len(chunk.response_dyad)) - np.searchsorted(chunk.response_dyad,
                                                                     chunk.response_dyad)
        take = direct[chunk.response_dyad]
        shifts = np.arange(T)
        for j in range(int(chunk.n[direct].max(initial=0))):
            these = take & (rank == j)
            rows = chunk.response_dyad[these]
            start = rows * 2 * T + chunk.response_offset[these]
            k[rows] += doubled[start[:, None] + shifts[None, :]]
    if not direct.all():
        rows = np.flatnonzero(~direct)
        indicator = np.zeros((len(rows), T))
        local = np.full(dyads, -1)
        local[rows] = np.arange(len(rows))
        fft = local[chunk.response_dyad] >= 0
        indicator[local[chunk.response_dyad[fft]], chunk.response_offset[fft]] = 1.0
        spectrum = np.conj(np.fft.rfft(indicator, axis=1)) * np.fft.rfft(mask[rows].astype(float), axis=1)
        k[rows] = np.rint(np.fft.irfft(spectrum, n=T, axis=1)).astype(np.int64)
    counts = np.bincount((np.arange(dyads)[:, None] * chunk.width + k).ravel(),
                         minlength=dyads * chunk.width)
    return counts.reshape(dyads, chunk.width) / T


#: placement nulls the scan computes exactly, by name
SCAN_NULLS: dict[str, Callable[[NullModel, Chunk], np.ndarray]] = {
    "uniform": _uniform, "stratified": _placement, "jitter": _placement,
    "episode-jitter": _placement, "circular": _circular}


def tail_pvalues(pmf: np.ndarray, k: np.ndarray, alternative: str) -> np.ndarray:
    """Row-wise p-values of observed ``k`` under ``pmf``: the rule of ``coincidence_test``
    (``greater`` P(K >= k), ``less`` P(K <= k), ``two-sided`` twice the smaller, capped)."""
    rows = np.arange(len(k))
    upper = np.cumsum(pmf[:, ::-1], axis=1)[:, ::-1][rows, k]
    lower = np.cumsum(pmf, axis=1)[rows, k]
    p = {"greater": upper, "less": lower}.get(alternative, 2 * np.minimum(upper, lower))
    return np.clip(p, 0.0, 1.0)


def floored_pvalues(pmf: np.ndarray, k: np.ndarray, alternative: str,
                    distribution: Callable[[int], NullDistribution] | None = None
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """p-values as :func:`tail_pvalues`, never 0: a row whose tail is below
    :data:`~alliancestats._pvalues.P_FLOOR` goes through
    :func:`~alliancestats._pvalues.exact_tail`, as in ``coincidence_test``: reported as
    that bound and flagged, with its exact ``log10`` where ``distribution(row)`` (else
    the row's pmf) has a log-space tail.

    Returns
    -------
    pvalue, underflow, log10 : numpy.ndarray
        ``log10`` is NaN where the p-value did not underflow or has no log-space tail.
    """
    p = tail_pvalues(pmf, k, alternative)
    underflow, log10 = np.zeros(len(k), bool), np.full(len(k), np.nan)
    for row in np.flatnonzero(p < P_FLOOR):
        dist = distribution(int(row)) if distribution is not None else pmf[row]
        tail = exact_tail(dist, int(k[row]), alternative)
        p[row], underflow[row] = tail.value, tail.underflow
        log10[row] = np.nan if tail.log10 is None else tail.log10
    return p, underflow, log10


def _null_distribution(model: NullModel, chunk: Chunk) -> Callable[[int], NullDistribution] | None:
    """Dyad ``d`` of the chunk as the model's own exact distribution of K (for its
    log-space tails); only the uniform null has them, and it reads nothing of a setup
    but ``n``, the coverage mask and the period."""
    if model.name != "uniform":
        return None

    def distribution(dyad: int) -> NullDistribution:
        offsets = chunk.response_offset[chunk.response_dyad == dyad]
        setup = Setup(responses=EventSeries((chunk.period.first_day + offsets).astype("datetime64[D]")),
                      triggers=EventSeries([]), window=chunk.window, period=chunk.period)
        setup.__dict__["mask"] = chunk.mask[chunk.group[dyad]]   # the dyad's coverage, as given
        return model.exact_distribution(setup, STATISTICS["matches"])
    return distribution


def _member_masks(trigger_group: np.ndarray, trigger_days: np.ndarray, dyad_group: np.ndarray,
                  window: Window, period: Period) -> Callable[[np.ndarray], np.ndarray]:
    """``masks(dyads)``: the coverage masks ``(len(dyads), T)`` of the given dyads, each the
    OR of its members' group masks (a day is covered when a trigger of either member
    covers it: the mask of a union of trigger sets). When every group's mask fits in
    :data:`BASE_ELEMENTS` they are computed once (e.g. one group per country), else per
    batch."""
    groups = distinct(dyad_group)
    T = period.n_days
    if len(groups) * T <= BASE_ELEMENTS:
        base = coverage_masks(trigger_group, trigger_days, groups, window, period)
        row = np.searchsorted(groups, dyad_group)
        return lambda dyads: np.logical_or.reduce(base[row[dyads]], axis=1)

    def per_batch(dyads: np.ndarray) -> np.ndarray:
        needed, local = np.unique(dyad_group[dyads], return_inverse=True)
        mask = coverage_masks(trigger_group, trigger_days, needed, window, period)
        return np.logical_or.reduce(mask[local.reshape(len(dyads), -1)], axis=1)
    return per_batch


def dyad_statistics(model: NullModel, *, dyad_group: np.ndarray, response_dyad: np.ndarray,
                    response_offset: np.ndarray, trigger_group: np.ndarray,
                    trigger_days: np.ndarray, window: Window, period: Period,
                    alternative: str, progress: bool = False) -> DyadStatistics:
    """K, coverage, E[K], exact p-value and whether K is forced, for every dyad.

    ``response_dyad`` must be sorted; ``dyad_group[d]`` names the trigger group
    (``trigger_group``/``trigger_days``) that covers dyad ``d``, or, as a row of a
    two-dimensional ``dyad_group``, the groups whose triggers together cover it
    (e.g. the two members of a dyad, each a group of the actor's days on it).
    """
    T = period.n_days
    members = dyad_group.reshape(len(dyad_group), -1)
    n_dyads = len(members)
    n = np.bincount(response_dyad, minlength=n_dyads)
    masks = _member_masks(trigger_group, trigger_days, members, window, period)
    size = max(1, BATCH_ELEMENTS // (T + 1))
    out_k, out_c = np.zeros(n_dyads, np.int64), np.zeros(n_dyads, np.int64)
    out_e, out_p = np.zeros(n_dyads), np.zeros(n_dyads)
    underflow, log10 = np.zeros(n_dyads, bool), np.full(n_dyads, np.nan)
    forced = np.zeros(n_dyads, bool)
    values: list[np.ndarray] = []
    starts = np.searchsorted(response_dyad, np.arange(n_dyads + 1))
    compute = SCAN_NULLS[model.name]
    order = np.argsort(n, kind="stable")    # batches of dyads with similar n: tight pmf widths
    for lo in track(range(0, n_dyads, size), total=n_dyads, progress=progress,
                    description=f"scan, {model.name} null", unit="dyad",
                    size=lambda lo: min(size, n_dyads - lo)):
        dyads = order[lo: lo + size]
        mask = masks(dyads)
        covered = np.count_nonzero(mask, axis=1)
        lengths = n[dyads]
        local = np.repeat(np.arange(len(dyads)), lengths)
        index = np.repeat(starts[dyads] - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        chunk = Chunk(mask=mask, covered=covered, group=np.arange(len(dyads)), n=n[dyads],
                      response_dyad=local, response_offset=response_offset[index],
                      width=int(n[dyads].max(initial=0)) + 1, window=window, period=period)
        k = np.bincount(local, weights=mask[local, chunk.response_offset],
                        minlength=len(dyads)).astype(np.int64)
        pmf = compute(model, chunk)
        out_k[dyads], out_c[dyads] = k, covered
        out_e[dyads] = pmf @ np.arange(chunk.width)
        out_p[dyads], underflow[dyads], log10[dyads] = floored_pvalues(
            pmf, k, alternative, _null_distribution(model, chunk))
        forced[dyads] = pmf.max(axis=1) >= FORCED
        values.append(pmf[np.arange(chunk.width)[None, :] <= lengths[:, None]])
    pmf_start = np.zeros(n_dyads, np.int64)
    pmf_start[order] = np.concatenate([[0], np.cumsum(n[order] + 1)[:-1]]).astype(np.int64)
    return DyadStatistics(n=n, k=out_k, covered_days=out_c, expected=out_e, pvalue=out_p,
                          pvalue_underflow=underflow, log10_pvalue=log10, forced=forced, pmf_values=np.concatenate(values) if values else np.empty(0),
                          pmf_start=pmf_start)
