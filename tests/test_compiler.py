"""The compiler: generated source parses, touches only its own names and the
fixed readers, keeps hostile text inside string literals, and runs with
empty builtins."""

from __future__ import annotations

import ast

import pytest

import ftdsl
from ftdsl.compiler import compile_source

ALLOWED_NAMES = {"F", "R", "V", "Q", "META", "TABLES", "RULES"}


def generated_names(source: str) -> set[str]:
    tree = ast.parse(source)
    defined = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    arguments = {a.arg for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) for a in node.args.args}
    return used - defined - arguments


def assert_safe(source: str):
    tree = ast.parse(source)
    assert not [n for n in ast.walk(tree) if isinstance(n, (ast.Attribute, ast.Import, ast.ImportFrom, ast.Lambda,
                                                            ast.ClassDef, ast.While, ast.For))]
    calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call)}
    assert calls <= {"F", "R", "V", "Q"}
    assert generated_names(source) <= ALLOWED_NAMES


def test_westminster_compiles_to_safe_source(westminster):
    assert_safe(westminster.source)
    assert "# §6.12" in westminster.source  # clause references as comments, for readers


HOSTILE = [
    "'); __import__('os').system('echo pwned'); ('",
    '"""; import os; """',
    "\\\\'\\\"{0.__class__}%s{__import__}",
    "\u0430dmin \u2028 line\u2029break",  # Cyrillic look-alike and Unicode line separators
    "x" * 5000,
]


@pytest.mark.parametrize("hostile", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_stays_in_string_literals(hostile):
    quoted = hostile.replace('"', "'")
    text = (f'agreement "{quoted}"\n'
            "roles: women's officer\ncategories: duties\nfact roles: list of roles\n"
            f'§"{quoted}" women\'s officer may take up to 2 hours per month for duties\n'
            f'    says "{quoted}"\n'
            f'§"{quoted}" duties are paid # {hostile}\n')
    ruleset = ftdsl.load_ruleset_text(text, "hostile.ftr")
    assert_safe(ruleset.source)
    report = ruleset.decide({"facts": {"roles": ["women's officer"]},
                             "requests": [{"id": "r", "date": "2026-01-05", "category": "duties", "hours": 2}]})
    (decision,) = report["decisions"]
    assert decision["outcome"] == "entitled" and decision["clauses"] == [quoted]
    assert report["agreement"] == quoted


def test_programs_run_with_empty_builtins(westminster):
    conditions = [rule["when"] for rule in westminster.program.rules if rule["when"] is not None]
    assert conditions
    for condition in conditions:
        assert condition.__globals__["__builtins__"] == {}
        assert set(condition.__globals__) <= {"__builtins__", "Q", "META", "TABLES", "RULES"} | {
            c.__name__ for c in conditions}


def test_source_is_deterministic(westminster):
    assert compile_source(westminster.model) == westminster.source
