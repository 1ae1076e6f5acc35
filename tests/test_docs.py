"""The examples in the documentation pages run as doctests (none skipped)."""

import doctest
import pathlib

import pytest

DOCS = pathlib.Path(__file__).resolve().parents[1] / "docs"
PAGES = ["getting_started.rst", "tutorial.rst", "your_own_dyad.rst", "presets.rst", "travels.rst",
         "scaling.rst", "methods.rst",
         "reporting.rst"]


@pytest.mark.parametrize("page", PAGES)
def test_page_examples(page):
    result = doctest.testfile(str(DOCS / page), module_relative=False,
                              optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_readme_layout_names_every_module_and_subpackage():
    root = DOCS.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout"):]
    package = root / "src" / "alliancestats"
    names = [p.stem for p in package.glob("*.py") if p.stem not in ("__init__", "__main__")]
    names += [f"{p.name}/" for p in package.iterdir()
              if p.is_dir() and (p / "__init__.py").exists()]
    missing = [name for name in names if f"`{name}`" not in layout]
    assert not missing, f"README's Layout does not name {missing}"


def test_methods_power_figures_are_the_calibration_tables():
    """The power of S against K that the methods page quotes (25 responses, a 40%
    coupling to the case study's sanctions) is read from the calibration tables."""
    import pandas as pd

    text = " ".join((DOCS / "methods.rst").read_text().split())
    power = {statistic: pd.read_csv(DOCS / "data" / f"power_{statistic}.csv",
                                    index_col="null", dtype=str)["π = 0.4"]
             for statistic in ("matches", "pairs")}
    for null, label in (("uniform", "uniform"), ("stratified (year)", "stratified")):
        quoted = f"{power['pairs'][null]} against {power['matches'][null]} under ``{label}``"
        assert quoted in text, quoted
