"""Standalone modules: a compiled ruleset's source in, one self-contained Python module out.

The module is numbers.py and runtime.py (the standard-library-only
runtime every compiled ruleset runs on), then the ruleset's generated
source with its clause references as comments, then `decide`:

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

from . import __version__

_FOOTER = '''

# ---- the entry point -----------------------------------------------------------

PROGRAM = Program({"META": META, "TABLES": TABLES, "RULES": RULES}, RULESET_NAME)


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
        data = json.load(handle)
    try:
        sys.stdout.write(json.dumps(decide(data), indent=2, ensure_ascii=False) + "\\n")
    except ScenarioError as error:
        sys.exit("\\n".join("error: " + (p["path"] + ": " if p["path"] else "") + p["message"] for p in error.problems))
'''


def _module_body(path: str) -> str:
    """A module's source without its docstring or its imports from inside ftdsl."""
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
            if node.module != "numbers":
                # A new dependency of the runtime would make the module
                # incomplete; fail loudly rather than write a broken file.
                raise AssertionError(f"the runtime imports .{node.module}, which standalone.py does not inline")
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


def standalone_source(ruleset_source: str, ruleset_name: str, ruleset_text: str = "") -> str:
    """The text of a standalone module for a ruleset's compiled source (compiler.compile_source)."""
    here = os.path.dirname(os.path.abspath(__file__))
    numbers = _module_body(os.path.join(here, "numbers.py"))
    runtime = _module_body(os.path.join(here, "runtime.py"))
    clashes = _top_level_names(ruleset_source) & (_top_level_names(runtime) | _top_level_names(numbers) | {"Q"})
    if clashes:
        raise AssertionError(f"generated names clash with the runtime's: {sorted(clashes)}")
    digest = hashlib.sha256(ruleset_text.encode("utf-8")).hexdigest()[:16] if ruleset_text else "?"
    safe_name = "".join(ch if ch.isprintable() else "?" for ch in ruleset_name)
    header = (
        f'"""The agreement in {safe_name}, compiled by ftdsl {__version__}: decide(scenario) -> report.\n\n'
        "Standard library only. Generated: edit the .ftr file and compile again\n"
        f"(ftdsl compile {safe_name} -o FILE) rather than editing this file.\n"
        f"Ruleset text SHA-256 (first 16 digits): {digest}.\n"
        '"""\n'
    )
    parts = [
        header,
        "# ---- exact numbers (ftdsl/numbers.py) -----------------------------------------\n",
        numbers,
        "\n# ---- the runtime (ftdsl/runtime.py) ---------------------------------------------\n",
        runtime,
        "\n# ---- the agreement -------------------------------------------------------------\n",
        "Q = Fraction  # the constructor the generated code writes exact quantities with\n",
        f"RULESET_NAME = {safe_name!r}\n\n",
        ruleset_source,
        _FOOTER,
    ]
    return "".join(parts)
