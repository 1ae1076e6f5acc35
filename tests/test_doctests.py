"""Run every docstring example of the installed package (none is skipped)."""

import doctest
import importlib
import pkgutil

import pytest

import alliancestats

MODULES = sorted(m.name for m in pkgutil.walk_packages(alliancestats.__path__, "alliancestats.")
                 if not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", ["alliancestats", *MODULES])
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
