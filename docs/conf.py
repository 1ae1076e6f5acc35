"""Sphinx configuration for the alliancestats documentation.

Builds offline: MathJax is served from the build's own ``_static`` folder
(``sphinx-mathjax-offline``), and nothing is fetched from the network.
"""

import dataclasses
import inspect

from numpydoc.docscrape import NumpyDocString
from sphinx.util import logging

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
autodoc_default_options = {"member-order": "bysource"}  # members: in the class template
autodoc_typehints = "none"
autosummary_generate = True
templates_path = ["_templates"]

# -- numpydoc validation: the -W build fails on these ---------------------------
# PR01 a parameter is not documented; PR02 a documented parameter does not exist;
# PR07 a parameter has no description; RT01 no Returns section; SS01 no summary;
# GL08 no docstring at all.
numpydoc_validation_checks = {"PR01", "PR02", "PR07", "RT01", "SS01", "GL08"}

# A class may document its constructor's parameters under Attributes (frozen
# dataclasses: the fields are both); numpydoc's PR01 looks under Parameters only, so
# for those classes _check_class_fields below does the check instead.
numpydoc_validation_overrides = {"PR01": [r"(?m)^\s*Attributes\s*\n\s*-{3,}\s*$"]}


def _check_class_fields(app, what, name, obj, options, lines):
    """Warn (an error under -W) when a constructor parameter of a class is documented
    neither under Parameters nor under Attributes."""
    excluder = app.config.numpydoc_validation_excluder
    if what != "class" or (excluder is not None and excluder.search(name)):
        return
    doc = NumpyDocString(inspect.getdoc(obj) or "")
    documented = {part.strip().lstrip("*") for item in doc["Parameters"] + doc["Attributes"]
                  for part in item.name.split(",")}
    try:
        parameters = inspect.signature(obj).parameters
    except (TypeError, ValueError):
        return
    missing = [p for p in parameters
               if p not in documented and p != "self" and not p.startswith("_")]  # private
    if missing:
        logging.getLogger(__name__).warning(
            f"[class fields] {name}: constructor parameters documented neither under "
            f"Parameters nor under Attributes: {missing}")


def setup(app):
    app.connect("autodoc-process-docstring", _check_class_fields)


numpydoc_validation_exclude = {
    r"(^|\.)_",  # private names and dunder methods
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
# no empty "Section Navigation" column beside pages without subpages: wider code
html_sidebars = {"*": [], "generated/*": []}
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
