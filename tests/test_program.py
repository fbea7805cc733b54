"""The program: a checked model run as data. Nothing of a ruleset is compiled or executed, hostile text stays
text, and the model stored as data (modelfile.py) reads back equal and decides the same."""

from __future__ import annotations

import json

import pytest

import ftdsl
from ftdsl import modelfile
from ftdsl.runtime import Program

HOSTILE = [
    "'); __import__('os').system('echo pwned'); ('",
    '"""; import os; """',
    "\\\\'\\\"{0.__class__}%s{__import__}",
    "\u0430dmin \u2028 line\u2029break",  # Cyrillic look-alike and Unicode line separators
    "x" * 5000,
]


@pytest.mark.parametrize("hostile", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_stays_text(hostile):
    quoted = hostile.replace('"', "'")
    text = (f'agreement "{quoted}"\n'
            "roles: women's officer\ncategories: duties\nfact roles: list of roles\n"
            f'§"{quoted}" women\'s officer may take up to 2 hours per month for duties\n'
            f'    says "{quoted}"\n'
            f'§"{quoted}" duties are paid # {hostile}\n')
    ruleset = ftdsl.load_ruleset_text(text, "hostile.ftr")
    scenario = {"facts": {"roles": ["women's officer"]},
                "requests": [{"id": "r", "date": "2026-01-05", "category": "duties", "hours": 2}]}
    report = ruleset.decide(scenario)
    (decision,) = report["decisions"]
    assert decision["outcome"] == "entitled" and decision["clauses"] == [quoted]
    assert report["agreement"] == quoted
    stored = modelfile.loads(ruleset.stored)
    assert stored == ruleset.model and stored.header.title == quoted
    assert Program(stored).decide(scenario) == report


def test_every_shipped_ruleset_reads_back_from_its_stored_model(westminster):
    stored = modelfile.loads(westminster.stored)
    assert stored == westminster.model
    # Equality ignores wording; the stored model keeps it too (quotations, the names as written).
    assert [r.quotes for r in stored.rules] == [r.quotes for r in westminster.model.rules]
    assert [r.label for r in stored.rules] == [r.label for r in westminster.model.rules]


def test_the_stored_model_is_deterministic(westminster):
    again = ftdsl.load_ruleset_text(westminster.text, westminster.path)
    assert again.stored == westminster.stored


@pytest.mark.parametrize("tampered", [
    '{"format": "ftdsl-model 1", "model": {"@": "os.system", "command": "id"}}',
    '{"format": "ftdsl-model 1", "model": {"@": "Period", "kind": "month"}}',
    '{"format": "ftdsl-model 1", "model": {"@": "Model", "__class__": 1}}',
    '{"format": "ftdsl-model 1", "model": {"/": [1, 0]}}',
    '{"format": "ftdsl-model 0", "model": null}',
    '[1, 2, 3]',
])
def test_reading_accepts_only_the_models_own_records(tampered):
    with pytest.raises(ValueError):
        modelfile.loads(tampered)


def test_a_stored_record_with_a_missing_field_is_refused(westminster):
    document = json.loads(westminster.stored)
    del document["model"]["grants"][0]["category"]
    with pytest.raises(ValueError):
        modelfile.loads(json.dumps(document))


def test_conditions_are_closures_over_records(westminster):
    """A condition's test is a function built from its records: no code object made from text."""
    program = westminster.program
    tests = [program.tests[id(rule)] for rule in program.rules if rule.condition is not None]
    assert tests
    for test in tests:
        assert test.__code__.co_filename.endswith("conditions.py")
