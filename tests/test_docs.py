"""Every .ftr example in docs/language.md parses: the docs cannot drift from the grammar."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT
from ftdsl.builder import parse

LANGUAGE = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
BLOCKS = [b for b in re.findall(r"```\n(.*?)```", LANGUAGE, re.S)]


def test_the_language_page_has_examples():
    assert len(BLOCKS) >= 15


@pytest.mark.parametrize("block", BLOCKS, ids=range(len(BLOCKS)))
def test_language_examples_parse(block):
    lines = block.splitlines()
    if all(line.startswith("when ") for line in lines if line.strip()):
        # Conditions are shown alone; try each under a rule.
        for line in lines:
            parse(f"§1 duties are paid\n    {line}\n")
        return
    parse(block)
