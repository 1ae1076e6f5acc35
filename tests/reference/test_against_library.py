"""The library's null distributions against an independent brute-force reference.

``brute.py`` enumerates every equally likely configuration of each null, written
from the definitions alone. Here the library is called only through its public
API (``coincidence_test``) on many tiny cases, and its exact pmf, p-value and
expectation must agree with the enumeration to 1e-9; where the library has only
Monte Carlo, its p-value and frequencies must lie within 4 standard errors of
the exact ones.
"""

from __future__ import annotations

import datetime
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import alliancestats as als
from alliancestats import AllianceStatsError

import brute

pytestmark = pytest.mark.filterwarnings("ignore::alliancestats.DegenerateDataWarning")

TOL = 1e-9


# ---------------------------------------------------------------------------
# Calling the library
# ---------------------------------------------------------------------------

def _iso(day: int) -> str:
    return brute.to_date(int(day)).isoformat()


def _library_options(options: dict) -> dict:
    """Brute options -> library options (break days become ISO dates)."""
    out = dict(options)
    if isinstance(out.get("strata"), (list, tuple)):
        out["strata"] = [_iso(d) for d in out["strata"]]
    return out


def run_library(case: brute.Case, null: str, stat: str | None, **kwargs):
    """``coincidence_test`` on a case; ``stat=None`` leaves ``statistic=`` out
    (the default, matches), so that the matches tests run on every branch."""
    if stat is not None:
        kwargs["statistic"] = stat
    return als.coincidence_test(
        als.EventSeries([_iso(d) for d in case.responses]),
        als.EventSeries([_iso(d) for d in case.triggers]),
        window=als.Window(case.lo, case.hi),
        period=als.Period(_iso(case.first), _iso(case.last)),
        null=null, **kwargs)


# ---------------------------------------------------------------------------
# Comparing
# ---------------------------------------------------------------------------

def _rounded(pmf) -> dict:
    """{round(value, 9): probability} with equal rounded values merged."""
    out: dict = {}
    for value, prob in pmf:
        key = round(float(value), 9)
        out[key] = out.get(key, 0.0) + float(prob)
    return out


def _undefined_conventions(ref: dict) -> list[dict]:
    """trigger-rate under ``poisson`` is 0/0 when the reach draws no trigger.

    The contract does not say what the library does then; accept either the
    mass put on R = 0 or R conditioned on at least one trigger in reach, and
    nothing else."""
    if None not in ref:
        return [ref]
    undefined = ref[None]
    defined = {v: p for v, p in ref.items() if v is not None}
    at_zero = dict(defined)
    at_zero[0] = at_zero.get(0, 0) + undefined
    if undefined == 1:      # q = 0: no trigger is ever drawn
        return [at_zero]
    conditioned = {v: p / (1 - undefined) for v, p in defined.items()}
    return [at_zero, conditioned]


def _pmf_mismatch(library: dict, ref: dict) -> float:
    keys = set(library) | set(ref)
    return max(abs(library.get(k, 0.0) - ref.get(k, 0.0)) for k in keys)


def _describe(case, null, stat, options) -> str:
    return f"{null} {options} statistic={stat} on {case}"


def check_exact(case: brute.Case, null: str, stat: str | None, options: dict,
                alternatives=("greater",)) -> None:
    """Library exact pmf, p-value(s), E and observed statistic == enumeration."""
    name = stat or "matches"
    observed = brute.statistic(name, case)
    res = run_library(case, null, stat, method="exact", alternative=alternatives[0],
                      **_library_options(options))
    library = _rounded(res.null_distribution.items())
    candidates = _undefined_conventions(brute.null_pmf(case, null, name, **options))
    errors = [_pmf_mismatch(library, _rounded(c.items())) for c in candidates]
    where = _describe(case, null, name, options)
    assert min(errors) < TOL, (f"pmf differs by {min(errors):.3g}: {where}\n"
                               f"library {library}\nreference {_rounded(candidates[0].items())}")
    ref = candidates[int(np.argmin(errors))]
    assert res.statistic == pytest.approx(float(observed), abs=TOL), where
    assert res.expected == pytest.approx(float(brute.mean(ref)), abs=TOL), where
    assert res.pvalue == pytest.approx(float(brute.pvalue(ref, observed, alternatives[0])),
                                       abs=TOL), where
    for alternative in alternatives[1:]:
        other = run_library(case, null, stat, method="exact", alternative=alternative,
                            **_library_options(options))
        assert other.pvalue == pytest.approx(
            float(brute.pvalue(ref, observed, alternative)), abs=TOL), f"{alternative}: {where}"


def check_monte_carlo(case: brute.Case, null: str, stat: str | None, options: dict, *,
                      n_resamples: int = 4000, seed: int = 0) -> None:
    """Library Monte Carlo p-value and frequencies within 4 SE of the exact values."""
    name = stat or "matches"
    observed = brute.statistic(name, case)
    res = run_library(case, null, stat, method="monte-carlo", n_resamples=n_resamples,
                      rng=seed, **_library_options(options))
    assert res.method == "monte-carlo"
    library = _rounded(res.null_distribution.items())
    candidates = _undefined_conventions(brute.null_pmf(case, null, name, **options))
    B = n_resamples

    def worst_z(ref: dict) -> float:
        ref = _rounded(ref.items())
        return max(abs(library.get(k, 0.0) - ref.get(k, 0.0))
                   / (math.sqrt(ref.get(k, 0.0) * (1 - ref.get(k, 0.0)) / B) + 1 / B)
                   for k in set(ref) | set(library))

    zs = [worst_z(c) for c in candidates]
    ref = candidates[int(np.argmin(zs))]
    where = _describe(case, null, name, options)
    p_exact = float(brute.pvalue(ref, observed))
    se = math.sqrt(p_exact * (1 - p_exact) / B)
    assert abs(res.pvalue - p_exact) <= 4 * se + 1 / (B + 1), (
        f"Monte Carlo p {res.pvalue:.4f} vs exact {p_exact:.4f} (SE {se:.4f}): {where}")
    assert min(zs) <= 4, (f"frequencies off by {min(zs):.1f} SE: {where}\n"
                          f"library {library}\nreference {_rounded(ref.items())}")
    assert res.statistic == pytest.approx(float(observed), abs=TOL), where


def check(case, null, stat, options, **kwargs) -> None:
    """Exact comparison where the library has an exact method, else Monte Carlo."""
    try:
        check_exact(case, null, stat, options, **kwargs)
    except AllianceStatsError as exc:
        if "exact" not in str(exc):
            raise
        check_monte_carlo(case, null, stat, options)


# ---------------------------------------------------------------------------
# Seeded tiny cases
# ---------------------------------------------------------------------------

# Period starts just before year, quarter and month ends (and a leap day), so
# that calendar strata split the tiny periods.
BASES = [brute.to_day(datetime.date(*ymd)) for ymd in
         [(2019, 12, 27), (2020, 3, 26), (2020, 2, 24), (2021, 6, 25), (2022, 9, 27)]]


def make_case(rng: np.random.Generator, *, max_days=10, max_n=3, max_triggers=4,
              min_in_reach=0, clustered=False) -> brute.Case:
    """A random tiny case: triggers partly outside the reach, duplicates possible.

    ``min_in_reach``: at least that many trigger days in reach, and then also one
    in the period (so that trigger-rate is defined on the data and poisson's
    ``q = m/T`` is positive).
    """
    T = int(rng.integers(3, max_days + 1))
    first = int(rng.choice(BASES)) + int(rng.integers(0, 5))
    last = first + T - 1
    lo = int(rng.integers(-3, 4))
    hi = lo + int(rng.integers(0, 4))
    n = int(rng.integers(1, max_n + 1))
    if clustered:   # a few responses a day or two apart, to form episodes
        start = int(rng.integers(first, last + 1))
        responses = np.clip(start + np.cumsum(rng.integers(0, 3, size=n)), first, last)
    else:
        responses = rng.integers(first, last + 1, size=n)
    m = int(rng.integers(min_in_reach, max_triggers + 1))
    triggers = list(rng.integers(first - hi - 2, last - lo + 3, size=m))
    while sum(first - hi <= s <= last - lo for s in triggers) < min_in_reach:
        triggers.append(int(rng.integers(first - hi, last - lo + 1)))
    if min_in_reach and not any(first <= s <= last for s in triggers):
        triggers.append(int(rng.integers(first, last + 1)))   # poisson's q = m/T > 0
    if triggers and rng.random() < 0.3:
        triggers.append(triggers[0])    # two triggers on one day (counted once)
    return brute.Case(first, last, lo, hi, tuple(int(t) for t in sorted(responses)),
                      tuple(int(s) for s in triggers))


def cases(seed: int, count: int, **kwargs) -> list[brute.Case]:
    rng = np.random.default_rng(seed)
    return [make_case(rng, **kwargs) for _ in range(count)]


def _breaks(case: brute.Case) -> list[int]:
    """One or two break days inside the period (deterministic per case)."""
    inside = case.period_days[1:]
    return sorted({inside[len(inside) // 3], inside[(2 * len(inside)) // 3]})


# (null, options) of the placement and trigger nulls with exact distributions.
# Options given as a callable are derived from the case.
EXACT_NULLS = [
    ("uniform", {}),
    ("uniform", {"distinct": True}),
    ("stratified", {"strata": "year"}),
    ("stratified", {"strata": "quarter"}),
    ("stratified", {"strata": "month"}),
    ("stratified", lambda case: {"strata": _breaks(case)}),
    ("jitter", {"days": 1}),
    ("jitter", {"days": 3}),
    ("circular", {}),
    ("poisson", {}),
    ("poisson", {"continuous": True}),
]
EPISODE_NULLS = [
    ("episode-jitter", {"days": 2}),
    ("episode-jitter", {"days": 3, "gap": 1}),
    ("episode-jitter", {"days": 2, "centred": False}),
    ("episode-jitter", {"days": 1, "gap": 4, "centred": False}),
]


def _options(spec, case) -> dict:
    return spec(case) if callable(spec) else dict(spec)


def _label(null, spec) -> str:
    if callable(spec):
        return f"{null}-breaks"
    return "-".join([null] + [f"{k}={v}" for k, v in spec.items()])


@pytest.mark.parametrize("stat", brute.STATISTICS)
@pytest.mark.parametrize("null,spec", EXACT_NULLS + EPISODE_NULLS,
                         ids=[_label(n, s) for n, s in EXACT_NULLS + EPISODE_NULLS])
def test_exact_pmf_matches_enumeration(null, spec, stat):
    if (null, stat) == ("episode-jitter", "trigger-rate"):   # refused by the library (biased)
        with pytest.raises(AllianceStatsError, match="cannot test statistic"):
            run_library(cases(1, 1)[0], null, stat, **_options(spec, cases(1, 1)[0]))
        return
    seed = sum(map(ord, _label(null, spec) + stat))   # stable across runs and Pythons
    clustered = null == "episode-jitter"
    min_in_reach = 1 if stat == "trigger-rate" else 0
    for i, case in enumerate(cases(seed, 12, clustered=clustered, min_in_reach=min_in_reach)):
        options = _options(spec, case)
        if options.get("distinct") and len(case.responses) > case.n_days:
            continue
        # the other alternatives on a few cases (documented: central two-sided)
        alternatives = ("greater", "less", "two-sided") if i < 3 else ("greater",)
        check(case, null, None if stat == "matches" else stat, options,
              alternatives=alternatives)


@pytest.mark.parametrize("stat", brute.STATISTICS)
def test_largest_cases(stat):
    """The upper end of the sizes: T = 12 with 4 responses, a reach of 14 days."""
    first = BASES[0]
    case = brute.Case(first, first + 11, -1, 2, (first, first + 4, first + 5, first + 11),
                      (first - 2, first + 3, first + 3, first + 7, first + 13))
    api_stat = None if stat == "matches" else stat
    for null, options in [("uniform", {}), ("uniform", {"distinct": True}),
                          ("stratified", {"strata": "year"}), ("jitter", {"days": 4}),
                          ("circular", {}), ("poisson", {})]:
        check(case, null, api_stat, options)


def test_statistic_matches_is_the_default():   # the statistic keyword exists
    case = cases(7, 1)[0]
    default = run_library(case, "uniform", None, method="exact")
    named = run_library(case, "uniform", "matches", method="exact")
    assert named.pvalue == default.pvalue
    assert named.null_distribution.equals(default.null_distribution)


# ---------------------------------------------------------------------------
# Monte Carlo samplers of the library against exact enumeration
# ---------------------------------------------------------------------------

MONTE_CARLO_NULLS = [n for n in EXACT_NULLS if not callable(n[1])][::2] + EPISODE_NULLS[:1]


@pytest.mark.parametrize("null,spec", MONTE_CARLO_NULLS,
                         ids=[_label(n, s) for n, s in MONTE_CARLO_NULLS])
def test_library_monte_carlo_agrees_with_enumeration(null, spec):
    """The library's sampler for an exact null, checked against the enumeration
    (not against the library's own exact formula)."""
    case = cases(99, 1, max_days=9, max_n=3, min_in_reach=2)[0]
    options = _options(spec, case)
    check_monte_carlo(case, null, None, options, n_resamples=3000, seed=5)


# shuffle-triggers redraws the m trigger days in reach as m *distinct* days.
SHUFFLE_CASES = [
    # period of 8 days, window [0, 2]: 4 trigger days in a reach of 10
    brute.Case(BASES[0], BASES[0] + 7, 0, 2,
               (BASES[0] + 2, BASES[0] + 3, BASES[0] + 7),
               (BASES[0] - 1, BASES[0] + 4, BASES[0] + 5, BASES[0] + 6, BASES[0] + 1)),
    # period of 6 days, window [-1, 1]: 5 of the 8 reach days hold triggers
    brute.Case(BASES[1], BASES[1] + 5, -1, 1, (BASES[1], BASES[1] + 3),
               (BASES[1] - 1, BASES[1], BASES[1] + 2, BASES[1] + 4, BASES[1] + 6)),
]


@pytest.mark.parametrize("stat", brute.STATISTICS)
@pytest.mark.parametrize("index", range(len(SHUFFLE_CASES)))
def test_shuffle_triggers_monte_carlo_within_4_se(index, stat):
    check(SHUFFLE_CASES[index], "shuffle-triggers", None if stat == "matches" else stat, {})


def test_shuffle_triggers_expected_matches():
    """E[K] = sum_i (1 - C(D - L_i, m) / C(D, m)) for m distinct trigger days."""
    for case in SHUFFLE_CASES:
        res = run_library(case, "shuffle-triggers", None, method="monte-carlo",
                          n_resamples=200, rng=0)
        ref = brute.null_pmf(case, "shuffle-triggers", "matches")
        assert res.expected == pytest.approx(float(brute.mean(ref)), abs=1e-6)


def test_shuffle_triggers_on_random_cases():
    """Where one trigger day is drawn, with or without replacement coincide, so
    this checks the rest of the library's shuffle-triggers (reach, K) now."""
    for case in cases(31, 6, max_triggers=1, min_in_reach=1):
        reach = set(case.reach_days)
        if len({s for s in case.triggers if s in reach}) == 1:
            check_monte_carlo(case, "shuffle-triggers", None, {}, n_resamples=2000)


# ---------------------------------------------------------------------------
# Hypothesis-generated cases
# ---------------------------------------------------------------------------

@st.composite
def tiny_cases(draw, min_in_reach=0):
    T = draw(st.integers(2, 8))
    first = draw(st.sampled_from(BASES)) + draw(st.integers(0, 6))
    last = first + T - 1
    lo = draw(st.integers(-4, 4))
    hi = lo + draw(st.integers(0, 3))
    responses = draw(st.lists(st.integers(first, last), min_size=1, max_size=3))
    triggers = draw(st.lists(st.integers(first - hi - 3, last - lo + 3), max_size=4))
    in_reach = [s for s in triggers if first - hi <= s <= last - lo]
    if len(in_reach) < min_in_reach:
        triggers.append(draw(st.integers(first - hi, last - lo)))
    if min_in_reach and not any(first <= s <= last for s in triggers):
        triggers.append(draw(st.integers(first, last)))   # poisson's q = m/T > 0
    return brute.Case(first, last, lo, hi, tuple(sorted(responses)), tuple(triggers))


HYPOTHESIS_NULLS = st.sampled_from([
    ("uniform", {}), ("uniform", {"distinct": True}), ("stratified", {"strata": "month"}),
    ("stratified", {"strata": "year"}), ("jitter", {"days": 2}), ("circular", {}),
    ("poisson", {}),
])


@given(case=tiny_cases(), null=HYPOTHESIS_NULLS)
def test_hypothesis_matches(case, null):
    name, options = null
    if options.get("distinct") and len(case.responses) > case.n_days:
        return
    check_exact(case, name, None, options)


@pytest.mark.parametrize("stat", ["pairs", "trigger-rate"])
@given(case=tiny_cases(min_in_reach=1), null=HYPOTHESIS_NULLS)
def test_hypothesis_other_statistics(stat, case, null):
    name, options = null
    if options.get("distinct") and len(case.responses) > case.n_days:
        return
    check(case, name, stat, options)


@given(case=tiny_cases(), days=st.integers(0, 3), gap=st.none() | st.integers(0, 4),
       centred=st.booleans())
def test_hypothesis_episode_jitter(case, days, gap, centred):
    options = {"days": days, "centred": centred}
    if gap is not None:
        options["gap"] = gap
    length = case.hi - case.lo + 1
    spans = [e[-1] - e[0] + 1 for e in brute.episodes(case.responses, length if gap is None else gap)]
    if days > 0 and max(spans) >= case.n_days:   # an episode that can never move: refused
        with pytest.raises(AllianceStatsError, match="spans the whole period"):
            run_library(case, "episode-jitter", None, **options)
        return
    check(case, "episode-jitter", None, options)
