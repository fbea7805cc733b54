"""The compiled-ruleset cache: hits skip the parser, and damaged or racing entries never break a run."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest

from ftdsl import cache
from conftest import RULESETS, WESTMINSTER, run_cli

EXAMPLE = sorted((RULESETS / "examples" / "westminster").glob("*.json"))[0]


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("FTDSL_CACHE_DIR", str(folder))
    return folder


def _entries(folder):
    return sorted(folder.rglob("*.py"))


def test_cache_dir_follows_xdg_and_the_override(monkeypatch, tmp_path):
    monkeypatch.delenv("FTDSL_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == str(tmp_path / "ftdsl")
    monkeypatch.setenv("FTDSL_CACHE_DIR", str(tmp_path / "x"))
    assert cache.cache_dir() == str(tmp_path / "x")


def test_a_second_load_comes_from_the_cache(cache_dir):
    first = cache.load_program(str(WESTMINSTER))
    assert len(_entries(cache_dir)) == 1
    data = WESTMINSTER.read_bytes()
    assert cache.read_entry(cache.cache_key(data)) is not None
    second = cache.load_program(str(WESTMINSTER))
    scenario = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert first.decide(scenario) == second.decide(scenario)


def test_the_key_changes_with_the_text(cache_dir):
    assert cache.cache_key(b"a") != cache.cache_key(b"b")


def test_no_cache_neither_reads_nor_writes(cache_dir):
    cache.load_program(str(WESTMINSTER), use_cache=False)
    assert not cache_dir.exists() or not _entries(cache_dir)


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "wrong body"])
def test_a_damaged_entry_is_ignored_and_replaced(cache_dir, damage):
    cache.load_program(str(WESTMINSTER))
    [entry] = _entries(cache_dir)
    data = entry.read_bytes()
    entry.write_bytes({"truncate": data[: len(data) // 2], "garbage": b"\x00\xff" * 50, "empty": b"",
                       "wrong body": data.replace(b"META", b"XETA", 1)}[damage])
    assert cache.read_entry(cache.cache_key(WESTMINSTER.read_bytes())) is None
    program = cache.load_program(str(WESTMINSTER))
    assert program.meta["title"].startswith("Agreement")
    assert entry.read_bytes() == data  # rewritten whole


def test_concurrent_runs_share_the_cache(cache_dir, tmp_path):
    # Two processes, started together with an empty cache, both compile and
    # write the same entry; both must succeed and leave one intact entry.
    command = [sys.executable, "-m", "ftdsl", "run", str(WESTMINSTER), str(EXAMPLE), "--format", "json"]
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    assert outputs[0][0] == outputs[1][0]
    [entry] = _entries(cache_dir)
    assert cache.read_entry(entry.stem) is not None
    assert not [p for p in entry.parent.iterdir() if p.name.startswith(".ftdsl-")]


def test_threads_racing_in_one_process(cache_dir):
    results, errors = [], []

    def load():
        try:
            results.append(cache.load_program(str(WESTMINSTER)).meta["title"])
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(set(results)) == 1


def test_an_unwritable_cache_is_skipped(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("FTDSL_CACHE_DIR", str(blocker / "cache"))
    assert cache.load_program(str(WESTMINSTER)).meta["title"]


def test_ruleset_errors_are_the_same_with_the_cache(cache_dir, tmp_path):
    bad = tmp_path / "bad.ftr"
    bad.write_text("categories: duties\n§1 dutis are paid\n", encoding="utf-8")
    with_cache = run_cli("run", str(bad), str(EXAMPLE), env={"FTDSL_CACHE_DIR": str(cache_dir)})
    without = run_cli("run", str(bad), str(EXAMPLE), "--no-cache")
    assert with_cache.returncode == without.returncode == 2
    assert with_cache.stderr == without.stderr and "bad.ftr:2" in with_cache.stderr
    assert not cache_dir.exists() or not _entries(cache_dir)


_PROBE = """
import sys
sys.argv = ["ftdsl", "run", {ruleset!r}, {scenario!r}, "--format", "json"]
from ftdsl.cli import main
try:
    main()
except SystemExit as stop:
    code = stop.code
loaded = sorted(m for m in sys.modules if m == "lark" or m.startswith("lark."))
sys.stderr.write("LARK:" + ",".join(loaded) + "\\n")
"""


def test_a_cache_hit_does_not_import_lark(cache_dir):
    probe = _PROBE.format(ruleset=str(WESTMINSTER), scenario=str(EXAMPLE))
    cold = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    warm = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert "LARK:lark" in cold.stderr  # the first run compiled the ruleset
    assert "LARK:\n" in warm.stderr, warm.stderr
    assert cold.stdout == warm.stdout and json.loads(warm.stdout)["decisions"]


def test_single_scenario_output_is_unchanged_by_the_cache(cache_dir):
    runs = [run_cli("run", str(WESTMINSTER), str(EXAMPLE), env={"FTDSL_CACHE_DIR": str(cache_dir)}) for _ in range(2)]
    plain = run_cli("run", str(WESTMINSTER), str(EXAMPLE), "--no-cache")
    assert runs[0].stdout == runs[1].stdout == plain.stdout and plain.returncode == 0


@pytest.fixture
def stale_shipped_tables(monkeypatch):
    """As if the shipped parser tables did not match the grammar (an edited checkout)."""
    from ftdsl import parser

    monkeypatch.setattr(parser, "_shipped_parser", lambda grammar: None)
    parser._parser.cache_clear()
    yield parser
    parser._parser.cache_clear()  # back to the shipped tables for later tests


def test_a_damaged_parser_cache_is_rebuilt(cache_dir, stale_shipped_tables):
    """Tables built because the shipped ones are stale are cached; a damaged file is ignored and rewritten."""
    parser = stale_shipped_tables
    text = WESTMINSTER.read_text(encoding="utf-8")
    first = parser.parse_tree(text)
    (table_file,) = cache_dir.glob("parser-*.lark")
    table_file.write_bytes(b"\x80\x04 not a pickle")
    parser._parser.cache_clear()
    assert parser.parse_tree(text) == first
    assert table_file.read_bytes() != b"\x80\x04 not a pickle"
