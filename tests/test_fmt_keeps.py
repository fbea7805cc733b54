"""`ftdsl fmt` loses nothing: every character of every comment, the file's
line endings and byte-order mark, edits saved while it runs, hard links,
and read-only files (docs/formatting.md, "What fmt guarantees")."""

from __future__ import annotations

import os
import stat

import pytest
from click.testing import CliRunner

from conftest import run_cli
from ftdsl import files
from ftdsl.commands.fmt import command
from ftdsl.errors import FtdslError

# Characters str.splitlines ends a line at, and the grammar does not.
NOT_NEWLINES = ["\u2028", "\u2029", "\u0085", "\u000b", "\u000c", "\u001c", "\u001d", "\u001e"]


@pytest.mark.parametrize("odd", NOT_NEWLINES, ids=[f"U+{ord(c):04X}" for c in NOT_NEWLINES])
def test_every_character_of_a_comment_is_kept(tmp_path, odd):
    path = tmp_path / "r.ftr"
    path.write_text(f"roles: a  # first{odd}second\n# own{odd}line\nCLAUSE 5.3 a   is paid\n", encoding="utf-8")
    result = run_cli("fmt", str(path))
    assert result.returncode == 0, result.stderr
    # The blank line goes between the names and the rules; both comments are whole.
    assert path.read_text(encoding="utf-8") == (f"roles: a  # first{odd}second\n\n# own{odd}line\n"
                                                "§5.3 a is paid\n")


def test_two_comments_with_separators_keep_their_places():
    from ftdsl.formatter import format_text

    # Each separator used to start a line of its own, so every comment after
    # it was placed by a line number one too large: '# c2' moved below the
    # line it was written above.
    text = "roles: a\n# c1 \u2028 x\n# c2 \u2029 y\ncategories: duties\n"
    assert format_text(text) == text
    text = "roles: a  # one\u000cx\ncategories: duties  # two\u2028y\n§5.3 duties are paid  # three\n"
    assert format_text(text) == ("roles: a  # one\u000cx\ncategories: duties  # two\u2028y\n\n"
                                 "§5.3 duties are paid  # three\n")


def test_a_separator_in_a_quotation_is_not_a_line_break(tmp_path):
    path = tmp_path / "r.ftr"
    # A '#' after the separator is inside the quotation: not a comment (this
    # stopped fmt with an internal error); the comment after it is one.
    path.write_text('roles: a\ncategories: duties\n§5.3 duties are paid\n    says "x\u2028y # z"  # kept\n',
                    encoding="utf-8")
    result = run_cli("fmt", str(path))
    assert result.returncode == 0, result.stderr
    assert path.read_text(encoding="utf-8") == ('roles: a\ncategories: duties\n\n§5.3 duties are paid\n'
                                                '    says "x\u2028y # z"  # kept\n')


@pytest.mark.parametrize("ending", ["\r\n", "\r"], ids=["CRLF", "CR"])
def test_line_endings_are_kept(tmp_path, ending):
    path = tmp_path / "r.ftr"
    path.write_bytes(ending.join(["CLAUSE 5.3   duties ARE paid  # c", "roles: a", ""]).encode("utf-8"))
    result = run_cli("fmt", str(path))
    assert result.returncode == 0, result.stderr
    assert path.read_bytes() == ending.join(["§5.3 duties are paid  # c", "", "roles: a", ""]).encode("utf-8")
    # And a file already formatted, in either ending, is left as it is.
    assert run_cli("fmt", "--check", str(path)).returncode == 0


def test_the_byte_order_mark_is_kept(tmp_path):
    path = tmp_path / "r.ftr"
    path.write_bytes(b"\xef\xbb\xbfCLAUSE 5.3   duties ARE paid\r\nroles: a\r\n")
    assert run_cli("fmt", str(path)).returncode == 0
    assert path.read_bytes() == b"\xef\xbb\xbf\xc2\xa75.3 duties are paid\r\n\r\nroles: a\r\n"
    assert run_cli("fmt", "-", input=b"\xef\xbb\xbfroles: a\r\n").stdout == "\ufeffroles: a\r\n"


def test_edits_saved_while_fmt_runs_are_not_written_over(tmp_path, monkeypatch):
    from ftdsl import formatter

    path = tmp_path / "r.ftr"
    path.write_text("CLAUSE 5.3   duties ARE paid\nroles: a\n", encoding="utf-8")
    edited = "§5.3 duties are paid\n\nroles: a, b\n"
    real_format = formatter.format_text

    def format_while_someone_saves(text, file="<ruleset>"):
        result = real_format(text, file)
        path.write_text(edited, encoding="utf-8")  # an editor saves while fmt formats
        return result

    monkeypatch.setattr(formatter, "format_text", format_while_someone_saves)
    result = CliRunner().invoke(command, [str(path)])
    assert result.exit_code == 2
    assert f"error E012: '{path}' was changed" in result.output and "run ftdsl fmt again" in result.output
    assert path.read_text(encoding="utf-8") == edited
    assert [p.name for p in tmp_path.iterdir()] == ["r.ftr"]  # no temporary file left


def test_a_change_just_before_the_rename_is_caught(tmp_path):
    path = tmp_path / "r.ftr"
    path.write_bytes(b"roles: a\n")
    path.write_bytes(b"roles: a, b\n")  # what is on disk now is not what was read
    with pytest.raises(FtdslError) as raised:
        files.rewrite(str(path), "roles: b\n", b"roles: a\n")
    assert raised.value.diagnostics[0].code == "E012"
    assert path.read_bytes() == b"roles: a, b\n"


def test_hard_links_are_written_through(tmp_path):
    path = tmp_path / "r.ftr"
    other = tmp_path / "copy.ftr"
    path.write_text("CLAUSE 5.3   duties ARE paid\n", encoding="utf-8")
    os.link(path, other)
    inode = path.stat().st_ino
    result = run_cli("fmt", str(path))
    assert result.returncode == 0, result.stderr
    assert path.stat().st_ino == inode and path.stat().st_nlink == 2
    assert other.read_text(encoding="utf-8") == "§5.3 duties are paid\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.ftr", "r.ftr"]


def test_a_hard_linked_file_changed_meanwhile_is_not_written(tmp_path):
    path = tmp_path / "r.ftr"
    path.write_bytes(b"roles: a, b\n")
    os.link(path, tmp_path / "copy.ftr")
    with pytest.raises(FtdslError) as raised:
        files.rewrite(str(path), "roles: b\n", b"roles: a\n")
    assert raised.value.diagnostics[0].code == "E012"
    assert path.read_bytes() == b"roles: a, b\n"


def test_a_failed_write_through_puts_the_old_text_back(tmp_path, monkeypatch):
    path = tmp_path / "r.ftr"
    old = b"CLAUSE 5.3   duties ARE paid\n"
    path.write_bytes(old)
    os.link(path, tmp_path / "copy.ftr")
    real_fsync = os.fsync
    calls = []

    def fsync(descriptor):
        calls.append(descriptor)
        if len(calls) == 1:  # the new text's: the disk is full
            raise OSError(28, "No space left on device")
        real_fsync(descriptor)

    monkeypatch.setattr(files.os, "fsync", fsync)
    with pytest.raises(FtdslError) as raised:
        files.rewrite(str(path), "§5.3 duties are paid\n" * 100, old)
    assert raised.value.diagnostics[0].code == "E011" and "left as it was" in raised.value.render()
    assert path.read_bytes() == old and (tmp_path / "copy.ftr").read_bytes() == old


def test_a_read_only_file_is_refused(tmp_path):
    path = tmp_path / "r.ftr"
    path.write_text("CLAUSE 5.3   duties ARE paid\n", encoding="utf-8")
    path.chmod(0o444)
    result = run_cli("fmt", str(path))
    assert result.returncode == 2
    assert f"error E011: cannot write '{path}': the file is read-only" in result.stderr
    assert path.read_text(encoding="utf-8") == "CLAUSE 5.3   duties ARE paid\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    # --check reads it and says what would change, as for any file.
    assert run_cli("fmt", "--check", str(path)).returncode == 1


def test_the_diff_splits_lines_at_newlines_only(tmp_path):
    path = tmp_path / "r.ftr"
    path.write_text("CLAUSE 5.3   duties ARE paid  # a\u2028b\n", encoding="utf-8")
    result = run_cli("fmt", "--check", "--diff", str(path))
    assert result.returncode == 1
    assert "-CLAUSE 5.3   duties ARE paid  # a\u2028b\n+§5.3 duties are paid  # a\u2028b\n" in result.stdout


def test_fmt_diff_shows_the_change_and_writes_nothing(tmp_path):
    from conftest import run_cli

    path = tmp_path / "my.ftr"
    # Declarations and rules run together; the canonical layout puts a blank line between the groups.
    written = "roles: a\ncategories: d\nfact roles: list of roles\n§1 a may take up to 1 hours per week for d\n§2 d are paid\n"
    path.write_text(written, encoding="utf-8")
    result = run_cli("fmt", "--diff", str(path))
    assert result.returncode == 0
    assert "+++ " in result.stdout and f"would reformat {path}" in result.stdout
    assert path.read_text(encoding="utf-8") == written
