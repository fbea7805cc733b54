"""The parser tables shipped beside grammar/ftr.lark: they are what the grammar
gives, they are used, and a parser loaded from them reads every input exactly
as a parser built from the grammar does."""

from __future__ import annotations

import json
import subprocess
import sys

import lark
import pytest

from ftdsl import parser
from ftdsl.errors import FtdslError
from conftest import ROOT, RULESETS, WESTMINSTER, run_cli

GRAMMAR = ROOT / "grammar" / "ftr.lark"
TABLES = ROOT / "grammar" / parser.TABLES_FILE


def test_the_shipped_tables_are_built_from_the_grammar():
    grammar = GRAMMAR.read_text(encoding="utf-8")
    stale = (f"{TABLES.relative_to(ROOT)} does not match {GRAMMAR.relative_to(ROOT)} (or this Lark, "
             f"{lark.__version__}): run `{parser.REGENERATE_COMMAND}` and commit the file")
    if not TABLES.exists():
        pytest.fail(stale)
    shipped = TABLES.read_text(encoding="utf-8")
    key = {name: value for name, value in json.loads(shipped).items() if name in parser.tables_key(grammar)}
    assert key == parser.tables_key(grammar), stale
    # Byte for byte what the generator writes now (states are numbered the
    # same on every build), so a hand-edited file fails too.
    if shipped != parser.build_tables(grammar):
        pytest.fail(stale)


def test_the_regenerate_command_checks_the_tables():
    result = subprocess.run([sys.executable, "-m", "ftdsl.parser", "--check"], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0 and "up to date" in result.stdout, result


def test_a_run_uses_the_shipped_tables(tmp_path):
    # Built tables would be kept in the cache folder as parser-*.lark.
    example = RULESETS / "examples" / "westminster" / "activities.json"
    result = run_cli("run", "--no-cache", str(WESTMINSTER), str(example), env={"FTDSL_CACHE_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert not list(tmp_path.glob("parser-*")), "the parser was built instead of loaded from the shipped tables"


def test_stale_or_damaged_tables_are_not_used():
    grammar = GRAMMAR.read_text(encoding="utf-8")
    text = TABLES.read_text(encoding="utf-8")
    assert parser._load_tables(text, grammar) is not None
    assert parser._load_tables(text, grammar + "// edited\n") is None
    other_lark = json.dumps({**json.loads(text), "lark": "0.0.1"})
    assert parser._load_tables(other_lark, grammar) is None
    assert parser._load_tables(text[: len(text) // 2], grammar) is None
    assert parser._load_tables("[]", grammar) is None


# ---- the loaded parser behaves as the built one ----------------------------

def _inputs() -> list[str]:
    """Every ruleset in the repository, and each cut short at every tenth line
    and in the middle of a line, so that syntax errors are compared too."""
    files = [path for path in sorted(RULESETS.glob("*.ftr")) + sorted((ROOT / "tests").rglob("*.ftr"))
             if path.is_file()]
    texts = []
    for path in files:
        text = path.read_bytes().decode("utf-8", "replace")
        texts.append(text)
        lines = text.splitlines(keepends=True)
        for end in range(1, len(lines), 10):
            texts.append("".join(lines[:end]) + lines[end][: len(lines[end]) // 2])
    return texts


def _dump(tree) -> list:
    """A parse tree as a flat list in document order, with every position Lark
    recorded (without recursion: some inputs nest a few hundred levels)."""
    entries, pending = [], [(tree, 0)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, lark.Token):
            entries.append((depth, node.type, str(node), node.line, node.column, node.end_line, node.end_column,
                            node.start_pos, node.end_pos))
            continue
        meta = node.meta
        entries.append((depth, node.data, None if meta.empty else (meta.line, meta.column, meta.end_line,
                                                                   meta.end_column, meta.start_pos, meta.end_pos)))
        pending.extend((child, depth + 1) for child in reversed(node.children))
    return entries


def _outcome(text: str):
    try:
        return _dump(parser.parse_tree(text, "t.ftr"))
    except FtdslError as error:
        return error.render()


@pytest.fixture(scope="module")
def built_parser():
    return parser._build_parser(GRAMMAR.read_text(encoding="utf-8"))


def test_loaded_and_built_parsers_read_every_input_alike(built_parser, monkeypatch):
    shipped = parser._shipped_parser(GRAMMAR.read_text(encoding="utf-8"))
    assert shipped is not None
    texts = _inputs()
    assert len(texts) > 300
    for text in texts:
        monkeypatch.setattr(parser, "_parser", lambda: shipped)
        loaded = _outcome(text)
        monkeypatch.setattr(parser, "_parser", lambda: built_parser)
        assert loaded == _outcome(text), text
