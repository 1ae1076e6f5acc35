"""The calibration tables the docs show are recomputed here and must equal the CSVs.

Size: every scenario x null variant x statistic at 1,000 datasets (one test per
scenario, so pytest-xdist can spread them); a change in the library that moves a
rate fails until ``python examples/calibration_study.py --write`` regenerates the
CSVs, and so the docs. Power: a few cells recomputed at full N. The loop itself is
checked against ``coincidence_test`` called by hand on the documented streams.
Cost: about 40 CPU-seconds per scenario, 4.5 CPU-minutes for the file.
"""

from __future__ import annotations

import doctest
import pathlib
import re
import runpy
import warnings
import zlib

import numpy as np
import pandas as pd
import pytest

import alliancestats as als
from alliancestats.calibration import (NULL_VARIANTS, NullVariant, power_table, size_table,
                                       wide)
from alliancestats.nulls import NULLS
from alliancestats.scenarios import SCENARIOS, scenario
from alliancestats.simulate import coupled_responses, delay_distribution
from alliancestats.statistics import STATISTICS

ROOT = pathlib.Path(__file__).resolve().parents[1]
DATA = ROOT / "docs" / "data"
STUDY = runpy.run_path(str(ROOT / "examples" / "calibration_study.py"))
EPISODE_JITTER = ("episode-jitter J=68", "episode-jitter interval J=68")
ALPHA = 0.05


def read(name: str, **kwargs) -> pd.DataFrame:
    return pd.read_csv(DATA / name, **kwargs)


SIZE_CSV = read("calibration_size.csv", dtype={"n_resamples": "Int64"})
POWER_CSV = read("calibration_power.csv", dtype={"n_resamples": "Int64"})


# -- the CSVs are what the library computes now -----------------------------------

@pytest.mark.parametrize("name", SCENARIOS)
def test_size_table_is_the_csv(name):
    table = STUDY["stored"](size_table(scenarios=[name], **STUDY["SIZE"]))
    expected = SIZE_CSV[SIZE_CSV.scenario == name].reset_index(drop=True)
    pd.testing.assert_frame_equal(table, expected, check_dtype=False)


@pytest.mark.parametrize("coupling,label,statistic", [
    (0.0, "poisson", "pairs"),
    (0.2, "stratified (year)", "matches"),
    (0.4, "episode-jitter J=68", "pairs"),
    (0.6, "circular", "trigger-rate"),          # Monte Carlo although exact (cost)
    (0.6, "stratified (year)", "likelihood"),
])
def test_power_cells_are_the_csv(coupling, label, statistic):
    variant = next(v for v in NULL_VARIANTS if v.label == label)
    table = STUDY["stored"](STUDY["case_study_power"](couplings=[coupling], nulls=[variant],
                                                      statistics=[statistic]))
    expected = POWER_CSV[(POWER_CSV.coupling == coupling) & (POWER_CSV.null == label)
                         & (POWER_CSV.statistic == statistic)].reset_index(drop=True)
    assert len(expected) == 1
    pd.testing.assert_frame_equal(table, expected, check_dtype=False)


def test_displayed_tables_are_rendered_from_the_csvs():
    for statistic in STATISTICS:
        shown = read(f"size_{statistic}.csv", dtype=str, keep_default_na=False)
        rendered = STUDY["size_display"](SIZE_CSV, statistic).astype(str)
        pd.testing.assert_frame_equal(shown, rendered)
        shown = read(f"power_{statistic}.csv", dtype=str, keep_default_na=False)
        rendered = STUDY["power_display"](POWER_CSV, statistic).astype(str)
        pd.testing.assert_frame_equal(shown, rendered)


def test_csvs_cover_the_full_grid():
    assert set(SIZE_CSV.datasets) == {1000} and set(POWER_CSV.datasets) == {500}
    pairs = sum(s not in NULLS[v.null].refused_statistics   # a refused pair has no cell
                for v in NULL_VARIANTS for s in STATISTICS)
    cells = len(SCENARIOS) * pairs
    assert len(SIZE_CSV) == cells and not SIZE_CSV.duplicated(["scenario", "null", "statistic"]).any()
    assert len(POWER_CSV) == 4 * pairs
    assert set(POWER_CSV.coupling) == {0.0, 0.2, 0.4, 0.6}
    monte_carlo = SIZE_CSV[SIZE_CSV.method == "monte-carlo"]
    assert (monte_carlo.n_resamples >= 199).all()
    assert SIZE_CSV[SIZE_CSV.method == "exact"].n_resamples.isna().all()
    bound = ALPHA + 3 * np.sqrt(ALPHA * (1 - ALPHA) / 1000)
    assert np.allclose(SIZE_CSV.bound, round(bound, 4))
    assert (SIZE_CSV.above_bound == (SIZE_CSV.rejections / 1000 > bound)).all()


# -- what the tables must show ------------------------------------------------------

def test_episode_jitter_holds_its_level_for_k_s_and_lambda_in_every_scenario():
    cells = SIZE_CSV[SIZE_CSV.null.isin(EPISODE_JITTER)
                     & SIZE_CSV.statistic.isin(["matches", "pairs", "likelihood"])]
    assert len(cells) == 2 * 3 * len(SCENARIOS)
    bound = ALPHA + 3 * np.sqrt(ALPHA * (1 - ALPHA) / 1000)
    too_high = cells[cells.rejections / 1000 > bound]
    assert too_high.empty, too_high.to_string()


def test_the_check_has_teeth():
    """The same tables flag nulls whose assumptions the scenario breaks."""
    rate = SIZE_CSV.set_index(["scenario", "null", "statistic"]).rate
    bound = SIZE_CSV.bound.iloc[0]
    assert rate["step-trend", "uniform", "matches"] > bound
    assert rate["clustered-responses", "jitter J=68", "matches"] > bound
    assert rate["step-trend", "circular", "matches"] > bound


# -- the loop is coincidence_test on the documented streams ----------------------------

def stream(base, *key):
    return np.random.default_rng(np.random.SeedSequence(base, spawn_key=key))


@pytest.mark.parametrize("variant,statistic,method,name", [
    (NULL_VARIANTS[6], "pairs", "auto", "clustered-responses"),       # exact convolution
    (NULL_VARIANTS[4], "trigger-rate", "monte-carlo", "homogeneous"),  # Monte Carlo only
    (NULL_VARIANTS[1], "trigger-rate", "monte-carlo", "clustered-responses"),  # exact in the
    (NULL_VARIANTS[2], "likelihood", "monte-carlo", "step-trend"),   # library, MC here; Λ
])                                                                 # under shuffle-triggers: MC
def test_size_cells_are_coincidence_tests(variant, statistic, method, name):
    base, datasets, alphas = 11, 12, (0.1, 0.3, 0.5, 0.7, 0.9)
    j = ("matches", "pairs", "trigger-rate", "likelihood").index(statistic)
    pvalues = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", als.DegenerateDataWarning)
        for i in range(datasets):
            responses, triggers = scenario(name, rng=stream(base, 0, SCENARIOS.index(name), i))
            res = als.coincidence_test(
                responses, triggers, window=als.Window(0, 33),
                period=als.Period("2013-01-01", "2020-12-31"), null=variant.null,
                statistic=statistic, method=method, n_resamples=199,
                rng=stream(base, 0, SCENARIOS.index(name), i, zlib.crc32(variant.label.encode()), j),
                **variant.options)
            pvalues.append(res.pvalue)
    for alpha in alphas:
        table = size_table(scenarios=[name], nulls=[variant], statistics=[statistic],
                           n_datasets=datasets, alpha=alpha, rng=base)
        assert table.method.iloc[0] == ("exact" if method == "auto" else "monte-carlo")
        assert table.rejections.iloc[0] == sum(p <= alpha for p in pvalues)
    assert 0 < sum(p <= 0.5 for p in pvalues) < datasets      # the comparison can fail


def test_power_cells_are_coincidence_tests():
    case = als.datasets.load_iran_venezuela()
    base, datasets, coupling, variant = 5, 15, 0.4, NULL_VARIANTS[3]
    pvalues = []
    for i in range(datasets):
        responses = coupled_responses(case.independent_sanctions, n=25, coupling=coupling,
                                      delay=delay_distribution(0, 33), period=case.period,
                                      rng=stream(base, 1, 400_000, i))
        pvalues.append(als.coincidence_test(responses, case.independent_sanctions,
                                            window=case.window, period=case.period,
                                            null="stratified", strata="year").pvalue)
    for alpha in (0.05, 0.2, 0.5):
        table = power_table(case.independent_sanctions, couplings=[coupling], nulls=[variant],
                            statistics=["matches"], n_datasets=datasets, alpha=alpha,
                            period=case.period, rng=base)
        assert table.rejections.iloc[0] == sum(p <= alpha for p in pvalues)


def test_simulated_power_agrees_with_exact_power():
    """Uniform null, K and S: the power CSV within 4 SE of power()'s exact value."""
    case = als.datasets.load_iran_venezuela()
    cells = POWER_CSV[POWER_CSV.null == "uniform"].set_index(["coupling", "statistic"])
    for coupling in (0.0, 0.2, 0.4, 0.6):
        for statistic in ("matches", "pairs"):
            exact = als.power(coupling, 25, case.independent_sanctions, window=case.window,
                              period=case.period, statistic=statistic)
            assert exact.method == "exact"
            se = np.sqrt(exact.power * (1 - exact.power) / 500)
            assert abs(cells.power[coupling, statistic] - exact.power) <= 4 * se


def test_sub_tables_are_rows_of_the_full_table():
    full = size_table(scenarios=["homogeneous", "step-trend"], nulls=NULL_VARIANTS[:3],
                      statistics=["matches", "pairs"], n_datasets=15, rng=3)
    part = size_table(scenarios=["step-trend"], nulls=[NULL_VARIANTS[2]],
                      statistics=["matches"], n_datasets=15, rng=3)
    row = full[(full.scenario == "step-trend") & (full.null == "shuffle-triggers")
               & (full.statistic == "matches")].reset_index(drop=True)
    pd.testing.assert_frame_equal(part, row)
    again = size_table(scenarios=["step-trend"], nulls=[NULL_VARIANTS[2]], statistics=["matches"],
                       n_datasets=15, rng=np.random.default_rng(9))
    assert again.equals(size_table(scenarios=["step-trend"], nulls=[NULL_VARIANTS[2]],
                                   statistics=["matches"], n_datasets=15,
                                   rng=np.random.default_rng(9)))


def test_definitions_of_rate_and_standard_errors():
    t = size_table(scenarios=["step-trend"], nulls=NULL_VARIANTS[:1], statistics=["matches"],
                   n_datasets=50, rng=4)
    r = t.rejections.iloc[0] / 50
    assert t.rate.iloc[0] == r and np.isclose(t.se.iloc[0], np.sqrt(r * (1 - r) / 50))
    assert np.isclose(t.bound.iloc[0], 0.05 + 3 * np.sqrt(0.05 * 0.95 / 50))
    assert wide(t, "matches").loc["uniform", "step-trend"] == r


@pytest.mark.parametrize("kwargs,message", [
    ({"scenarios": ["flat"]}, "`scenarios`"),
    ({"scenarios": "homogeneous"}, "`scenarios` must be a sequence"),
    ({"nulls": [("uniform", {})]}, "NullVariant"),
    ({"nulls": [NULL_VARIANTS[0], NullVariant("uniform", "poisson")]}, "distinct"),
    ({"statistics": ["k"]}, "`statistic`"),
    ({"n_datasets": 0}, "`n_datasets`"),
    ({"alpha": 1.5}, "`alpha`"),
    ({"n_resamples": 0}, "`n_resamples`"),
    ({"monte_carlo": [("uniform", "k")]}, "`monte_carlo`"),
    ({"window": (0, 33)}, "`window`"),
])
def test_bad_arguments_are_refused(kwargs, message):
    with pytest.raises(als.AllianceStatsError, match=re.escape(message)):
        size_table(n_datasets=kwargs.pop("n_datasets", 1), **kwargs)


def test_bad_variants_and_couplings_are_refused():
    with pytest.raises(als.AllianceStatsError, match="days"):
        NullVariant("jitter", "jitter")
    with pytest.raises(als.AllianceStatsError, match="`label`"):
        NullVariant("", "uniform")
    with pytest.raises(als.AllianceStatsError, match="`options`"):
        NullVariant("jitter", "jitter", [("days", 3)])
    with pytest.raises(als.AllianceStatsError, match="unknown option"):
        NullVariant("uniform", "uniform", {"days": 3})
    case = als.datasets.load_iran_venezuela()
    with pytest.raises(als.AllianceStatsError, match="`couplings`"):
        power_table(case.independent_sanctions, couplings=[1.2], n_datasets=1)
    with pytest.raises(als.AllianceStatsError, match="`triggers`"):
        power_table([1, 2], n_datasets=1)
    options = {"days": 68}
    variant = NullVariant("jitter", "jitter", options)
    options["days"] = 1
    assert variant.options["days"] == 68


# -- the docs page and the README quote the CSVs -------------------------------------

def quoted_values() -> set[str]:
    """Every figure the CSVs hold, as the page prints it (three decimals)."""
    numbers = pd.concat([SIZE_CSV.rate, SIZE_CSV.bound, POWER_CSV.power])
    return {f"{x:.3f}" for x in numbers}


def prose(text: str) -> str:
    """The text without doctest lines and their output."""
    kept, in_example = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith((">>>", "...")):
            in_example = True
            continue
        if in_example and stripped:
            continue
        in_example = False
        kept.append(line)
    return "\n".join(kept)


def test_calibration_page_shows_the_csvs_and_its_examples_run():
    page = (ROOT / "docs" / "calibration.rst").read_text(encoding="utf-8")
    for kind in ("size", "power"):
        for statistic in ("matches", "pairs", "trigger-rate"):
            assert f":file: data/{kind}_{statistic}.csv" in page
    result = doctest.testfile(str(ROOT / "docs" / "calibration.rst"), module_relative=False,
                              optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
    figures = set(re.findall(r"\b0\.\d{3}\b", prose(page)))
    assert figures and figures <= quoted_values(), figures - quoted_values()


def test_readme_quotes_the_csvs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Calibration, power, speed")[1].split("\n## ")[0]
    figures = set(re.findall(r"\b0\.\d{3}\b", section))
    assert figures and figures <= quoted_values(), figures - quoted_values()
    rate = SIZE_CSV.set_index(["scenario", "null", "statistic"]).rate
    worst = max(rate[s, v, st] for s in SCENARIOS for v in EPISODE_JITTER
                for st in ("matches", "pairs"))
    assert f"(largest rate {worst:.3f})" in section
    power = POWER_CSV.set_index(["coupling", "null", "statistic"]).power
    text = " ".join(section.split())
    for phrase, value in [
        ("`uniform` reaches {:.3f} under a step trend", rate["step-trend", "uniform", "matches"]),
        ("K rejects {:.3f} of the time", power[0.4, "uniform", "matches"]),
        ("under `episode-jitter` S rejects {:.3f}", power[0.4, EPISODE_JITTER[0], "pairs"]),
        ("`uniform` and S {:.3f}", power[0.4, "uniform", "pairs"]),
    ]:
        assert phrase.format(value) in text
    page = (ROOT / "docs" / "calibration.rst").read_text(encoding="utf-8")
    examples = doctest.DocTestParser().get_examples(page)     # run by the page test above
    needed = [ex.want.strip() for ex in examples if "n_required" in ex.source]
    (k20, k40), (s20, s40) = [re.fullmatch(r"\[(\d+), (\d+)\]", want).groups() for want in needed]
    assert (f"80% needs {k40} meetings with K and {s40} with S ({k20} and {s20} for a 20% "
            "coupling)") in " ".join(section.split())
