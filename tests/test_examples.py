"""The shipped example scenarios decide as their `expect` blocks say.

The expectations were written from the agreements' text, not copied from
the program's output: each example's description names the clause it
rests on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ftdsl
from conftest import RULESETS

EXAMPLES = sorted(RULESETS.glob("examples/*/*.json"))


def _ruleset_for(example: Path) -> Path:
    return RULESETS / f"{example.parent.name}.ftr"


@pytest.fixture(scope="module")
def loaded():
    cache = {}

    def load(path: Path):
        if path not in cache:
            cache[path] = ftdsl.load_ruleset(str(path))
        return cache[path]
    return load


def test_there_are_examples_for_westminster():
    assert len([e for e in EXAMPLES if e.parent.name == "westminster"]) >= 10


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_example_decides_as_expected(example, loaded):
    # Compared as `ftdsl test` compares them (testing.compare, the one home of what an expectation means).
    from ftdsl.testing import compare

    text = example.read_text(encoding="utf-8")
    data = json.loads(text)
    ruleset = loaded(_ruleset_for(example))
    report = ruleset.decide(data, str(example))
    mismatches = compare(data["expect"], report, ruleset.model, str(example), text)
    assert not mismatches, mismatches
    assert data["expect"]  # every example expects something
