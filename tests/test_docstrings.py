"""Every `>>>` example in ftdsl's docstrings runs and shows what it says."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import ftdsl

MODULES = ["ftdsl"] + sorted(info.name for info in pkgutil.walk_packages(ftdsl.__path__, "ftdsl.")
                 if not info.name.endswith("__main__"))


def test_there_are_examples_to_run():
    found = sum(len(doctest.DocTestFinder().find(importlib.import_module(name))) for name in MODULES)
    assert found >= 5


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed"
