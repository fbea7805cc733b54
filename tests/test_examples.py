"""The shipped example scenarios decide as their `expect` blocks say.

The expectations were written from the agreements' text, not copied from
the program's output: each example's description names the clause it
rests on.
"""

from __future__ import annotations

import json
from fractions import Fraction
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
    data = json.loads(example.read_text(encoding="utf-8"))
    expect = data["expect"]
    report = loaded(_ruleset_for(example)).decide(data, str(example))
    decisions = {d["id"]: d for d in report["decisions"]}
    for request_id, expected in expect.items():
        if request_id == "values":
            continue
        got = decisions[request_id]
        for key, value in expected.items():
            assert got[key] == value, (
                f"{example.name} {request_id}: {key} expected {value!r}, got {got[key]!r}\n"
                + "\n".join(got["reasons"]))
    for name, value in expect.get("values", {}).items():
        assert Fraction(report["values"][name]["exact"]) == Fraction(str(value)), name
