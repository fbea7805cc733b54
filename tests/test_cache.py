"""The compiled-ruleset cache: hits skip the parser, and damaged or racing entries never break a run."""

from __future__ import annotations

import json
import os
import stat
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
    return sorted(folder.rglob("*.json"))


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
                       "wrong body": data.replace(b'"Model"', b'"Modal"', 1)}[damage])
    assert cache.read_entry(cache.cache_key(WESTMINSTER.read_bytes())) is None
    program = cache.load_program(str(WESTMINSTER))
    assert program.model.header.title.startswith("Agreement")
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
            results.append(cache.load_program(str(WESTMINSTER)).model.header.title)
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
    assert cache.load_program(str(WESTMINSTER)).model.header.title


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


def test_built_parser_tables_are_never_cached(cache_dir, stale_shipped_tables):
    """Tables built because the shipped ones are stale are not kept anywhere: Lark's cache is a pickle,
    and a pickle planted where it looks would run code."""
    parser = stale_shipped_tables
    text = WESTMINSTER.read_text(encoding="utf-8")
    assert parser.parse_tree(text) == parser.parse_tree(text)
    assert not cache_dir.exists() or not list(cache_dir.rglob("*.lark"))


# ---- what the cache trusts ---------------------------------------------------------

def _filled(cache_dir):
    cache.load_program(str(WESTMINSTER))
    [entry] = _entries(cache_dir)
    return entry, cache.cache_key(WESTMINSTER.read_bytes())


def test_an_entry_is_data_and_never_code(cache_dir):
    entry, key = _filled(cache_dir)
    head, body = entry.read_text(encoding="utf-8").split("\n", 1)
    assert head.startswith(cache.ENTRY_FORMAT + " " + key)
    assert json.loads(body)["model"]["@"] == "Model"  # the checked model as JSON, read and never run


def test_the_folders_are_made_private(cache_dir):
    entry, _ = _filled(cache_dir)
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(entry.parent.stat().st_mode) == 0o700


@pytest.mark.parametrize("where", ["cache folder", "entry folder", "entry"])
def test_what_others_can_write_is_not_used(cache_dir, where):
    entry, key = _filled(cache_dir)
    target = {"cache folder": cache_dir, "entry folder": entry.parent, "entry": entry}[where]
    target.chmod(target.stat().st_mode | stat.S_IWOTH)
    assert cache.read_entry(key) is None


def test_an_entry_owned_by_someone_else_is_not_used(cache_dir):
    if os.geteuid() != 0:
        pytest.skip("giving a file to another user needs root")
    entry, key = _filled(cache_dir)
    os.chown(entry, 12345, 12345)
    assert cache.read_entry(key) is None


def test_an_entry_planted_by_someone_else_cannot_swap_decisions(cache_dir, tmp_path):
    """Another ruleset's model at this ruleset's key, as a second user with write access would plant it:
    refused because the file is not the user's own (and, made writable by others, because of that)."""
    entry, key = _filled(cache_dir)
    other = tmp_path / "generous.ftr"
    other.write_text(WESTMINSTER.read_text(encoding="utf-8").replace("up to 6 hours per month", "up to 60 hours per month"),
                     encoding="utf-8")
    from ftdsl.api import load_ruleset

    cache.write_entry(key, load_ruleset(str(other)).stored)  # now the entry holds the generous agreement
    entry.chmod(0o666)
    scenario = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert cache.read_entry(key) is None
    honest = load_ruleset(str(WESTMINSTER)).program.decide(scenario)
    assert cache.load_program(str(WESTMINSTER)).decide(scenario) == honest


def test_a_link_at_an_entry_is_not_followed(cache_dir, tmp_path):
    entry, key = _filled(cache_dir)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    entry.unlink()
    entry.symlink_to(victim)
    assert cache.read_entry(key) is None
    cache.load_program(str(WESTMINSTER))  # rewrites the entry: the link is replaced, its target untouched
    assert victim.read_text() == "keep me\n"
    assert not entry.is_symlink() and cache.read_entry(key) is not None


def test_a_fifo_at_an_entry_does_not_hang_the_run(cache_dir):
    entry, key = _filled(cache_dir)
    entry.unlink()
    os.mkfifo(entry)
    assert cache.read_entry(key) is None  # returns at once: opened without blocking, refused as not a file
    assert cache.load_program(str(WESTMINSTER)).model.header.title


def test_an_oversized_entry_is_not_read(cache_dir, monkeypatch):
    entry, key = _filled(cache_dir)
    from ftdsl import limits

    monkeypatch.setattr(limits, "LARGEST_ENTRY", entry.stat().st_size - 1)
    assert cache.read_entry(key) is None


def test_the_key_covers_the_grammar(cache_dir):
    from ftdsl.installation import compiled_program_files

    before = cache.cache_key(b"x")
    grammar = next(path for path in compiled_program_files() if path.endswith("ftr.lark"))
    info = os.stat(grammar)
    try:
        os.utime(grammar, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
        assert cache.cache_key(b"x") != before
    finally:
        os.utime(grammar, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert cache.cache_key(b"x") == before
