"""`ftdsl fmt`: rewrites in place, --check lists, errors are messages, a failed write changes nothing."""

from __future__ import annotations

import os

import pytest

from conftest import RULESETS, run_cli
from ftdsl import files
from ftdsl.errors import FtdslError

MESSY = "CLAUSE 5.3   duties ARE paid\nroles: a\n"
TIDY = "§5.3 duties are paid\n\nroles: a\n"


def test_rewrites_a_file_and_a_folder(tmp_path):
    (tmp_path / "sub").mkdir()
    one, two = tmp_path / "one.ftr", tmp_path / "sub" / "two.ftr"
    one.write_text(MESSY, encoding="utf-8")
    two.write_text(TIDY, encoding="utf-8")
    result = run_cli("fmt", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert one.read_text(encoding="utf-8") == TIDY and two.read_text(encoding="utf-8") == TIDY
    assert f"reformatted {one}" in result.stdout and str(two) not in result.stdout


def test_check_lists_files_and_changes_nothing(tmp_path):
    path = tmp_path / "r.ftr"
    path.write_text(MESSY, encoding="utf-8")
    result = run_cli("fmt", "--check", "--diff", str(path))
    assert result.returncode == 1
    assert f"would reformat {path}" in result.stdout and "+§5.3 duties are paid" in result.stdout
    assert path.read_text(encoding="utf-8") == MESSY
    path.write_text(TIDY, encoding="utf-8")
    assert run_cli("fmt", "--check", str(path)).returncode == 0


def test_shipped_rulesets_are_formatted():
    result = run_cli("fmt", "--check", str(RULESETS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_errors_are_located_messages_not_tracebacks(tmp_path):
    bad = tmp_path / "bad.ftr"
    bad.write_text("§1 x is\n", encoding="utf-8")
    good = tmp_path / "good.ftr"
    good.write_text(MESSY, encoding="utf-8")
    result = run_cli("fmt", str(bad), str(good), str(tmp_path / "missing.ftr"))
    assert result.returncode == 2
    assert f"{bad}:1:8: error E100" in result.stderr and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr
    assert good.read_text(encoding="utf-8") == TIDY  # the good file is still formatted
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_cli("fmt", str(empty)).returncode == 2


def test_standard_input_to_standard_output():
    result = run_cli("fmt", "-", input=MESSY)
    assert result.returncode == 0 and result.stdout == TIDY


def test_a_failed_write_leaves_the_original(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from ftdsl.commands.fmt import command

    path = tmp_path / "r.ftr"
    path.write_text(MESSY, encoding="utf-8")

    def crash(*args, **kwargs):
        raise OSError(28, "No space left on device")

    # The disk fills up after part of the new text is written.
    real_fdopen = os.fdopen

    class HalfWritten:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()
            return False

        def write(self, text):
            self.handle.write(text[: len(text) // 2])
            self.handle.flush()
            crash()

    monkeypatch.setattr(files.os, "fdopen", lambda *a, **k: HalfWritten(real_fdopen(*a, **k)))
    result = CliRunner().invoke(command, [str(path)])
    assert result.exit_code == 2
    assert "cannot write" in result.output and "left as it was" in result.output
    assert path.read_text(encoding="utf-8") == MESSY
    assert [p.name for p in tmp_path.iterdir()] == ["r.ftr"]  # no temporary file left behind


def test_the_safety_net_refuses_a_printer_that_changes_meaning(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from ftdsl import formatter
    from ftdsl.commands.fmt import command

    path = tmp_path / "r.ftr"
    path.write_text(MESSY, encoding="utf-8")
    monkeypatch.setattr(formatter, "print_ruleset", lambda ast, source=None: "§5.3 duties are unpaid\n\nroles: a\n")
    result = CliRunner().invoke(command, [str(path)])
    assert result.exit_code == 3 and "left as it was" in result.output
    assert path.read_text(encoding="utf-8") == MESSY


def test_format_text_raises_project_errors_only():
    from ftdsl.formatter import format_text

    with pytest.raises(FtdslError):
        format_text("§1 x is\n")
