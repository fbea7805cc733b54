"""Standalone modules: a checked model in, one self-contained Python module out.

The module is the standard-library-only modules every compiled ruleset
runs on (numbers, records, model, conditions, modelfile, scenario, runtime), then
the ruleset's checked model as data (modelfile's JSON in a string literal,
read when the module is imported: nothing of the agreement is code), with
an index of its rules by clause as comments, then `decide`:

    import rules
    report = rules.decide({"facts": {...}, "requests": [...]})

`decide(scenario)` returns the dict that `ftdsl run --format json` prints
(json.dumps(report, indent=2, ensure_ascii=False) gives the same text) and
raises `rules.ScenarioError` (with `.problems`) for a scenario it cannot
decide. `python rules.py scenario.json` prints that JSON.
"""

from __future__ import annotations

import ast
import hashlib
import os

from typing import TYPE_CHECKING

from . import __version__

if TYPE_CHECKING:
    from .model import Model

_FOOTER = '''

# ---- the entry point -----------------------------------------------------------

PROGRAM = Program(loads(STORED_MODEL), RULESET_NAME)


def decide(scenario: dict) -> dict:
    """Decide every request of a scenario dict; the report `ftdsl run --format json` prints.

    Raises ScenarioError (its `.problems` say where and what) when the
    scenario cannot be decided.
    """
    return PROGRAM.decide(scenario)


if __name__ == "__main__":
    import json
    import sys

    if len(sys.argv) != 2:
        sys.exit("usage: python " + sys.argv[0] + " SCENARIO.json")
    with open(sys.argv[1], encoding="utf-8-sig") as handle:
        try:  # numbers as written and each key once, as ftdsl run reads a scenario
            data = json.load(handle, parse_float=json_decimal, parse_int=json_int, object_pairs_hook=refuse_repeated_keys)
        except ValueError as error:
            sys.exit("error: " + sys.argv[1] + " is not a scenario ftdsl reads: " + str(error))
    try:
        sys.stdout.write(json.dumps(decide(data), indent=2, ensure_ascii=False) + "\\n")
    except ScenarioError as error:
        sys.exit("\\n".join("error: " + (p["path"] + ": " if p["path"] else "") + p["message"] for p in error.problems))
'''


# The modules inlined, in an order where each comes after what it uses.
INLINED = ("numbers", "names", "records", "formulas", "model", "conditions", "modelfile", "scenario", "runtime")


def _module_body(path: str) -> str:
    """A module's source without its docstring, its imports from inside ftdsl, or its type-checking imports."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    tree = ast.parse(text)
    lines = text.splitlines()
    drop = set()
    first = tree.body[0] if tree.body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        drop.update(range(first.lineno - 1, first.end_lineno))
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level:
            if node.module not in INLINED:
                # A new dependency of the runtime would make the module
                # incomplete; fail loudly rather than write a broken file.
                raise AssertionError(f"the runtime imports .{node.module}, which standalone.py does not inline")
            drop.update(range(node.lineno - 1, node.end_lineno))
        elif isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            drop.update(range(node.lineno - 1, node.end_lineno))
    return "\n".join(line for index, line in enumerate(lines) if index not in drop).strip("\n") + "\n"


def _top_level_names(source: str) -> set[str]:
    names = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _comment_safe(text: str) -> str:
    # Clause references and rule wording go into comments; a line break
    # there would end the comment and start code.
    return "".join(ch if ch.isprintable() else "?" for ch in str(text))


def standalone_source(model: Model, ruleset_name: str, ruleset_text: str = "") -> str:
    """The text of a standalone module deciding by a checked model."""
    here = os.path.dirname(os.path.abspath(__file__))
    bodies = [(name, _module_body(os.path.join(here, name + ".py"))) for name in INLINED]
    defined = [_top_level_names(body) for _, body in bodies]
    for index, names in enumerate(defined):
        clashes = names & set().union(*defined[:index])
        if clashes - {"annotations"}:
            raise AssertionError(f"the inlined modules define the same names: {sorted(clashes)}")
    digest = hashlib.sha256(ruleset_text.encode("utf-8")).hexdigest()[:16] if ruleset_text else "?"
    # repr() of a str is a string literal whatever the name holds (quotes,
    # backslashes, line breaks): the name never becomes code.
    shown_name = _comment_safe(ruleset_name)
    header = (
        f"# The agreement in {shown_name}, compiled by ftdsl {__version__}: decide(scenario) -> report.\n"
        "# Standard library only. Generated: edit the .ftr file and compile again\n"
        "# (ftdsl compile RULESET -o FILE) rather than editing this file.\n"
        f"# Ruleset text SHA-256 (first 16 digits): {digest}.\n"
        '"""A facility-time agreement compiled by ftdsl: decide(scenario) -> report (see decide)."""\n\n'
        "from __future__ import annotations\n"
    )
    parts = [header]
    for name, body in bodies:
        parts.append(f"\n# ---- ftdsl/{name}.py {'-' * max(3, 66 - len(name))}\n")
        parts.append(body.replace("from __future__ import annotations\n", ""))
    index = ([f"#   §{_comment_safe(table.clause)} {_comment_safe(table.written)}, by {_comment_safe(table.by)}"
              for table in model.tables] +
             [f"#   §{_comment_safe(rule.clause)} {_comment_safe(rule.label)}" for rule in model.rules])
    parts += [
        "\n# ---- the agreement -------------------------------------------------------------\n",
        "# Its tables and rules, by clause:\n", "\n".join(index), "\n",
        f"RULESET_NAME = {ruleset_name!r}\n",
        f"STORED_MODEL = {stored_model(model)!r}\n",
        _FOOTER,
    ]
    return "".join(parts)


def stored_model(model: Model) -> str:
    from .modelfile import dumps

    return dumps(model)
