"""The parser tables shipped beside grammar/ftr.lark: they are what the grammar
gives, they are used, and ftdsl's parser (loaded from them, or built when they
are stale, with its split scanners) reads every input exactly as plain Lark
built from the grammar does."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import lark
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftdsl import parser
from ftdsl.errors import FtdslError
from conftest import ROOT, RULESETS, WESTMINSTER, run_cli

GRAMMAR = ROOT / "grammar" / "ftr.lark"
TABLES = ROOT / "grammar" / parser.TABLES_FILE


def _why_stale() -> str | None:
    """Why ftdsl would not use the shipped tables here, told to the developer; None when it would."""
    grammar = GRAMMAR.read_text(encoding="utf-8")
    name = TABLES.relative_to(ROOT).as_posix()
    regenerate = f"run `{parser.REGENERATE_COMMAND}` and commit {name}"
    if not TABLES.exists():
        return f"{name} is missing: {regenerate}"
    shipped = TABLES.read_text(encoding="utf-8")
    try:
        recorded = json.loads(shipped)
    except ValueError:
        return f"{name} is not JSON: {regenerate}"
    expected = parser.tables_key(grammar)
    if recorded.get("lark") != expected["lark"]:
        return (f"{name} was built with Lark {recorded.get('lark')} and this is Lark {expected['lark']}, so ftdsl "
                f"builds the grammar instead (correct, but every cold run is slower): {regenerate} if the project "
                f"moves to this Lark, or install Lark {recorded.get('lark')}")
    if any(recorded.get(key) != value for key, value in expected.items()):
        return f"{name} was built from another {GRAMMAR.relative_to(ROOT).as_posix()} (or other options): {regenerate}"
    # Byte for byte what the generator writes now (states are numbered the
    # same on every build), so a hand-edited file fails too.
    if shipped != parser.build_tables(grammar):
        return f"{name} is not what `{parser.REGENERATE_COMMAND}` writes: {regenerate}"
    return None


def _skip_on_another_lark():
    """Skip a test of the shipped tables where another Lark is installed.

    The tables are keyed by the Lark version they were built with; on any
    other Lark ftdsl builds the grammar instead, which is correct and only
    slower (the tests against plain Lark still run, on the built parser).
    """
    recorded = json.loads(TABLES.read_text(encoding="utf-8")).get("lark") if TABLES.exists() else None
    if recorded and recorded != lark.__version__:
        pytest.skip(f"the shipped tables are for Lark {recorded}; this is Lark {lark.__version__}")


@pytest.fixture(scope="module")
def shipped_parser():
    """ftdsl's parser loaded from the shipped tables."""
    _skip_on_another_lark()
    loaded = parser._shipped_parser(GRAMMAR.read_text(encoding="utf-8"))
    if loaded is None:
        pytest.fail(_why_stale() or "the shipped tables do not load")
    return loaded


def test_the_shipped_tables_are_built_from_the_grammar():
    _skip_on_another_lark()
    problem = _why_stale()
    if problem:
        pytest.fail(problem)


def test_the_regenerate_command_checks_the_tables():
    _skip_on_another_lark()
    result = subprocess.run([sys.executable, "-m", "ftdsl.parser", "--check"], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0 and "up to date" in result.stdout, (result, _why_stale())


def test_a_run_uses_the_shipped_tables(tmp_path):
    _skip_on_another_lark()
    # Built tables would be kept in the cache folder as parser-*.lark.
    example = RULESETS / "examples" / "westminster" / "activities.json"
    result = run_cli("run", "--no-cache", str(WESTMINSTER), str(example), env={"FTDSL_CACHE_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    if list(tmp_path.glob("parser-*")):
        pytest.fail(f"the parser was built instead of loaded from the shipped tables: {_why_stale()}")


def test_stale_or_damaged_tables_are_not_used(shipped_parser):
    grammar = GRAMMAR.read_text(encoding="utf-8")
    text = TABLES.read_text(encoding="utf-8")
    assert parser._load_tables(text, grammar + "// edited\n") is None
    other_lark = json.dumps({**json.loads(text), "lark": "0.0.1"})
    assert parser._load_tables(other_lark, grammar) is None
    assert parser._load_tables(text[: len(text) // 2], grammar) is None
    assert parser._load_tables("[]", grammar) is None


def test_an_edited_grammar_is_built_instead_of_the_shipped_tables(monkeypatch, tmp_path):
    edited = GRAMMAR.read_text(encoding="utf-8") + "// an edit\n"
    monkeypatch.setenv("FTDSL_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(parser, "_grammar_text", lambda: edited)
    parser._parser.cache_clear()
    try:
        assert parser._shipped_parser(edited) is None  # the shipped tables are for the grammar as shipped
        assert parser.parse_tree(WESTMINSTER.read_text(encoding="utf-8")).data == "start"
        assert not list(tmp_path.iterdir()), "built tables are never cached (Lark's cache is a pickle)"
    finally:
        parser._parser.cache_clear()


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
def plain_lark():
    """Lark as it comes, built from the grammar, with its own lexer."""
    return lark.Lark(GRAMMAR.read_text(encoding="utf-8"), **parser._TABLE_OPTIONS, postlex=parser._BlockIndenter(),
                     propagate_positions=True)


@pytest.mark.parametrize("source", ["shipped tables", "built from the grammar"])
def test_ftdsl_parser_reads_every_input_as_plain_lark_does(plain_lark, source, request, monkeypatch):
    if source == "shipped tables":
        ours = request.getfixturevalue("shipped_parser")
    else:
        ours = parser._build_parser(GRAMMAR.read_text(encoding="utf-8"))
    texts = _inputs()
    assert len(texts) > 300
    for text in texts:
        monkeypatch.setattr(parser, "_parser", lambda: ours)
        outcome = _outcome(text)
        monkeypatch.setattr(parser, "_parser", lambda: plain_lark)
        assert outcome == _outcome(text), text


def _keywords() -> list[str]:
    grammar = GRAMMAR.read_text(encoding="utf-8")
    return sorted(set(re.findall(r'"([^"\s]+)"i?', grammar)))


# Pieces of ruleset text, run together in any order and with or without
# spaces, so that keywords, names, clause numbers, dates and punctuation meet
# in every parser state, including as prefixes of one another.
PIECES = _keywords() + [
    "branch", "secretary", "élan", "women's", "half-term", "iv", "6", "6.12", "12a", "1,000", "0.5", "2026-04-01",
    "April", "aprils", '"quoted"', "\u201cquoted\u201d", "\u00a7", "#note", "-", "\u2013", "\u2264", "=",
]
SEPARATORS = [" ", " ", " ", "", "\n", "\n    ", "\n\t", "\u00a0", "\r\n"]
soups = st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS)), max_size=25).map(
    lambda pairs: "".join(piece + separator for piece, separator in pairs))


@settings(max_examples=300)
@given(text=soups)
def test_the_split_scanners_lex_any_text_as_plain_lark_does(plain_lark, shipped_parser, text):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parser, "_parser", lambda: shipped_parser)
        outcome = _outcome(text)
        patch.setattr(parser, "_parser", lambda: plain_lark)
        assert outcome == _outcome(text)
