"""The examples in the documentation pages run as doctests (none skipped)."""

import doctest
import pathlib

import pytest

DOCS = pathlib.Path(__file__).resolve().parents[1] / "docs"
PAGES = ["getting_started.rst", "tutorial.rst", "your_own_dyad.rst", "presets.rst", "travels.rst"]


@pytest.mark.parametrize("page", PAGES)
def test_page_examples(page):
    result = doctest.testfile(str(DOCS / page), module_relative=False,
                              optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
