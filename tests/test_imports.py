"""The package's modules import one another without cycles (function-local imports included), library code
never imports the command line, and the modules a compiled program runs on use the standard library only."""

from __future__ import annotations

import ast

from conftest import ROOT

PACKAGE = ROOT / "ftdsl"


def _module_name(path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _nodes(tree):
    """Every node of a module but those under `if TYPE_CHECKING:`, which are never run."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _imports() -> dict[str, set[str]]:
    """Each module of the package -> the modules of the package it imports, anywhere in its code."""
    graph = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = _module_name(path)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        found = set()
        for node in _nodes(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                for alias in node.names:
                    child = f"{target}.{alias.name}"
                    found.add(child if (ROOT / (child.replace(".", "/") + ".py")).exists() else target)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith("ftdsl"))
        graph[name] = {m for m in found if m != name and m != "ftdsl"}
    return graph


def _cycle(graph) -> list[str] | None:
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return stack[stack.index(target):] + [target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_no_import_cycles():
    cycle = _cycle(_imports())
    assert cycle is None, " -> ".join(cycle)


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_library_code_never_imports_the_command_line():
    for name, targets in _imports().items():
        if name.startswith(("ftdsl.commands", "ftdsl.cli", "ftdsl.__main__")):
            continue
        assert not {t for t in targets if t.startswith(("ftdsl.commands", "ftdsl.cli"))}, name


def test_what_a_compiled_program_runs_on_is_standard_library_only():
    graph = _imports()
    runs_on = {"ftdsl.runtime"}
    while True:
        more = set().union(*(graph[m] for m in runs_on)) - runs_on
        if not more:
            break
        runs_on |= more
    assert runs_on == {"ftdsl.runtime", "ftdsl.model", "ftdsl.formulas", "ftdsl.records", "ftdsl.conditions", "ftdsl.numbers",
                       "ftdsl.scenario", "ftdsl.names"}
    for name in runs_on | {"ftdsl.modelfile"}:
        tree = ast.parse((ROOT / (name.replace(".", "/") + ".py")).read_text(encoding="utf-8"))
        outside = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        outside |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and not n.level}
        assert not outside & {"lark", "attrs", "attr", "click", "pygments"}, (name, outside)
