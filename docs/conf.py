"""Sphinx configuration for the alliancestats documentation.

Builds offline: MathJax is served from the build's own ``_static`` folder
(``sphinx-mathjax-offline``), and nothing is fetched from the network.
"""

import re

import alliancestats

project = "alliancestats"
author = "The alliancestats developers"
copyright = "2026, The alliancestats developers"
release = alliancestats.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # MathJax 3 copied into _static: formulas render offline
    "sphinx.ext.viewcode",
    "sphinx_copybutton",
    "numpydoc",
    "matplotlib.sphinxext.plot_directive",
    "sphinx_gallery.gen_gallery",
]

# -- API pages ------------------------------------------------------------------
numpydoc_show_class_members = False
numpydoc_xref_param_type = False
autodoc_default_options = {"members": True, "member-order": "bysource"}
autodoc_typehints = "none"
autosummary_generate = True
templates_path = ["_templates"]

# -- numpydoc validation: the -W build fails on these ---------------------------
# PR01 a parameter is not documented; PR02 a documented parameter does not exist;
# PR07 a parameter has no description; SS01 no summary; GL08 no docstring at all.
numpydoc_validation_checks = {"PR01", "PR02", "PR07", "SS01", "GL08"}

# TEMPORARY: modules other branches are rewriting at the time of writing; their
# docstrings are validated again once those branches are merged and fixed (remove
# each entry then).
TEMPORARILY_UNVALIDATED = (
    "alliancestats.audit",
    "alliancestats.nulls",
    "alliancestats.diagnose",
    "alliancestats.effect_sizes",
    "alliancestats._recommend",
    "alliancestats.result",
    "alliancestats.plots",
    "alliancestats.scanning",
    "alliancestats.sweep",
    "alliancestats.count_model",
)


# TEMPORARY: public objects whose docstrings still lack a Parameters section;
# remove each name as its docstring is completed.
NOT_YET_DOCUMENTED = (
    "alliancestats.CodeSet",
    "alliancestats.Coverage",
    "alliancestats.EventSeries.from_csv",
    "alliancestats.EventSeries.from_frame",
    "alliancestats.EventSeries.select",
    "alliancestats.EventSeries.shifted",
    "alliancestats.EventSeries.union",
    "alliancestats.EventSeries.where",
    "alliancestats.EventTable",
    "alliancestats.EventTable.actor_series",
    "alliancestats.EventTable.code_mask",
    "alliancestats.EventTable.country",
    "alliancestats.EventTable.default_codes",
    "alliancestats.EventTable.from_csv",
    "alliancestats.EventTable.from_frame",
    "alliancestats.EventTable.from_parquet",
    "alliancestats.EventTable.read",
    "alliancestats.Period.contains",
    "alliancestats.Window.after",
    "alliancestats.Window.around",
    "alliancestats.Window.before",
    "alliancestats.break_even_rate",
    "alliancestats.breakeven.BreakEvenResult",
    "alliancestats.calibration.NullVariant",
    "alliancestats.calibration.wide",
    "alliancestats.casestudy.case_study_audit",
    "alliancestats.casestudy.case_study_report",
    "alliancestats.casestudy.case_study_results",
    "alliancestats.composition.CompositionResult",
    "alliancestats.composition_test",
    "alliancestats.coverage",
    "alliancestats.datasets.CaseStudy",
    "alliancestats.datasets.provenance",
    "alliancestats.episodes.Episodes",
    "alliancestats.episodes.Episodes.members",
    "alliancestats.influence",
    "alliancestats.influence.InfluenceResult",
    "alliancestats.io.CodeSystem.match",
    "alliancestats.io.CodeSystem.query",
    "alliancestats.io.Preset",
    "alliancestats.io.code_system",
    "alliancestats.lag_test",
    "alliancestats.lagtest.LagTestResult",
    "alliancestats.lagtest.days_since_trigger",
    "alliancestats.match_table",
    "alliancestats.matching.coverage_counts",
    "alliancestats.matching.nearest_triggers",
    "alliancestats.matching.window_counts",
    "alliancestats.n_required",
    "alliancestats.power",
    "alliancestats.power_analysis.PowerResult",
    "alliancestats.power_analysis.matched_probability",
    "alliancestats.rate_comparison",
    "alliancestats.rate_curve",
    "alliancestats.simulate.clustered_series",
    "alliancestats.simulate.coupled_responses",
    "alliancestats.simulate.delay_distribution",
    "alliancestats.simulate.poisson_series",
    "alliancestats.simulate.simulate_null",
    "alliancestats.statistics.AdditiveStatistic.from_atom_counts",
    "alliancestats.statistics.AdditiveStatistic.from_placements",
    "alliancestats.statistics.AdditiveStatistic.score",
    "alliancestats.statistics.AdditiveStatistic.transform",
    "alliancestats.statistics.Matches.transform",
    "alliancestats.statistics.Pairs.transform",
    "alliancestats.statistics.Statistic.from_atom_counts",
    "alliancestats.statistics.Statistic.from_placements",
    "alliancestats.statistics.Statistic.placement_width",
    "alliancestats.statistics.TriggerRate.from_atom_counts",
    "alliancestats.statistics.TriggerRate.from_placements",
    "alliancestats.statistics.TriggerRate.from_sorted",
    "alliancestats.statistics.TriggerRate.hits",
    "alliancestats.statistics.TriggerRate.placement_width",
    "alliancestats.statistics.TriggerRate.trigger_windows",
    "alliancestats.statistics.get_statistic",
    "alliancestats.subset_tests",
    "alliancestats.subsets.can_cover",
    "alliancestats.travel_study.TravelStudy",
    "alliancestats.travel_study.travel_study",
    "alliancestats.travel_study.visits_table",
)


def _unvalidated_patterns():
    """Regexes for the objects of TEMPORARILY_UNVALIDATED, under every public name."""
    modules = "|".join(re.escape(m) for m in TEMPORARILY_UNVALIDATED)
    patterns = [rf"^({modules})(\.|$)"]
    for name in alliancestats.__all__:
        home = getattr(getattr(alliancestats, name), "__module__", None) or ""
        if re.match(rf"^({modules})(\.|$)", home):
            patterns.append(rf"^alliancestats\.{name}(\.|$)")
    return patterns + [rf"^{re.escape(name)}$" for name in NOT_YET_DOCUMENTED]


numpydoc_validation_exclude = {
    r"(^|\.)_",  # private names and dunder methods
    *_unvalidated_patterns(),
}

# -- figures drawn at build time from the library's own plotting code -------------
plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 110)]
plot_rcparams = {"figure.autolayout": True}

# -- copy buttons: copy the code, not the prompts or the output -----------------
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = False

# -- theme ----------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"alliancestats {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
    "secondary_sidebar_items": ["page-toc"],
}
html_static_path = ["_static"]
html_css_files = ["alliancestats.css"]
exclude_patterns = ["_build"]

# -- examples gallery ------------------------------------------------------------
# Only the examples listed in EXECUTED run at build time (their output shows in the
# gallery); the others (power_study: ~40 s, calibration_study: minutes) are shown
# with their code only. Keep the build well under four minutes.
EXECUTED = ("reproduce_study", "scan_dyads", "travels_study")
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"[\\/](" + "|".join(EXECUTED) + r")\.py$",
    "ignore_pattern": r"__init__\.py",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "abort_on_example_error": True,
    "show_memory": False,
    "min_reported_time": 1,
}
nitpicky = False
