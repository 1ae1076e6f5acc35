"""Sphinx configuration for the alliancestats documentation.

Builds offline: MathJax is served from the build's own ``_static`` folder
(``sphinx-mathjax-offline``), and nothing is fetched from the network.
"""

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
]

# -- API pages ------------------------------------------------------------------
numpydoc_show_class_members = False
numpydoc_xref_param_type = False
autodoc_default_options = {"members": True, "member-order": "bysource"}
autodoc_typehints = "none"
autosummary_generate = True

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
nitpicky = False
