"""Nothing a user wrote is lost (docs/security.md, promise 5).

- an output is never written over standard input: `ftdsl run R - -o FILE
  < FILE` is refused (E010), compared by file identity, through links;
- a run stopped by SIGTERM or SIGHUP mid-write removes its temporary files
  and exits 128 + the signal with one line; a run killed outright
  (SIGKILL) leaves them, and a later write in the same folder removes those
  that are certainly abandoned (old, the user's, regular files or real
  folders, unlocked), and nothing else;
- an output file that exists and is read-only is refused (E011), the file
  left as it was;
- a new output file has the mode of any new file (0666 less the umask),
  and a replaced file keeps its own.
"""

from __future__ import annotations

import fcntl
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, WESTMINSTER, ftdsl_command, run_cli
from ftdsl import files
from ftdsl.errors import FtdslError

pytestmark = pytest.mark.skipif(os.name != "posix", reason="signals, modes, umask and flock as on POSIX")

SCENARIO = ROOT / "rulesets" / "examples" / "westminster" / "duties-over-allowance.json"
HEADER = "rep,id,date,category,hours,notice days,roles,staff group,employed by council,branch members\n"
ONE_ROW = HEADER + "A. Patel,1,2026-04-06,duties,4,5,representative,non-teaching,true,1750\n"
HOUR = 3600
READ_ONLY = "the file is read-only"


def _names(folder) -> list[str]:
    return sorted(p.name for p in Path(folder).iterdir())


def _age(path, seconds) -> None:
    """Make a file or folder look last written `seconds` ago."""
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)


# ---- 1. never over standard input --------------------------------------------------

def _stdin_cases(tmp_path):
    scenario = tmp_path / "scenario.json"
    scenario.write_bytes(SCENARIO.read_bytes())
    log = tmp_path / "year.csv"
    log.write_text(ONE_ROW, encoding="utf-8")
    ruleset = tmp_path / "agreement.ftr"
    ruleset.write_bytes(WESTMINSTER.read_bytes())
    return {
        "run scenario": (scenario, ["run", str(WESTMINSTER), "-", "-o", str(scenario)]),
        "run log": (log, ["run", "--input-format", "csv", str(WESTMINSTER), "-", "-o", str(log)]),
        "run ruleset": (ruleset, ["run", "-", str(SCENARIO), "-o", str(ruleset)]),
        "compile": (ruleset, ["compile", "-", "-o", str(ruleset)]),
    }


@pytest.mark.parametrize("case", ["run scenario", "run log", "run ruleset", "compile"])
def test_the_file_on_standard_input_is_never_the_output(case, tmp_path):
    path, args = _stdin_cases(tmp_path)[case]
    before = {p: p.read_bytes() for p in tmp_path.iterdir()}
    with open(path, "rb") as stdin:
        result = subprocess.run([*ftdsl_command(), *args], stdin=stdin, capture_output=True, timeout=120)
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert f"error E010: '{path}' is one of the input files (it is standard input)" in stderr
    assert {p: p.read_bytes() for p in tmp_path.iterdir()} == before  # the same files, byte for byte; no other


@pytest.mark.parametrize("way", ["symbolic link", "hard link"])
def test_standard_input_is_recognised_through_a_link_to_it(way, tmp_path):
    scenario = tmp_path / "scenario.json"
    scenario.write_bytes(SCENARIO.read_bytes())
    other = tmp_path / "decisions.txt"
    if way == "symbolic link":
        other.symlink_to(scenario)
    else:
        os.link(scenario, other)
    with open(scenario, "rb") as stdin:
        result = subprocess.run([*ftdsl_command(), "run", str(WESTMINSTER), "-", "-o", str(other)], stdin=stdin,
                                capture_output=True, timeout=120)
    assert result.returncode == 2
    assert "E010" in result.stderr.decode()
    assert scenario.read_bytes() == SCENARIO.read_bytes()


def test_another_file_on_standard_input_is_no_reason_to_refuse(tmp_path):
    out = tmp_path / "decisions.json"
    out.write_text("old", encoding="utf-8")
    with open(SCENARIO, "rb") as stdin:
        result = subprocess.run([*ftdsl_command(), "run", "--format", "json", str(WESTMINSTER), "-", "-o", str(out)],
                                stdin=stdin, capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert '"outcome": "discretionary"' in out.read_text(encoding="utf-8")  # r1 asks 3 h over a 6 h allowance with 4 taken


# ---- 2. stopped by a signal -------------------------------------------------------

@pytest.fixture(scope="module")
def long_log(tmp_path_factory) -> Path:
    """A log long enough (150,000 rows, in date order per representative) that deciding it takes seconds."""
    path = tmp_path_factory.mktemp("log") / "year.csv"
    rows = [HEADER]
    for i in range(150_000):
        rows.append(f"Rep {i % 500},{i},2026-{1 + i * 12 // 150_000:02d}-{1 + (i // 500) % 28:02d},duties,1,5,"
                    "representative,non-teaching,true,1750\n")
    path.write_text("".join(rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def unsorted_log(long_log) -> Path:
    """The long log with one December row first: dates go backwards, so it is sorted first (batch's fallback)."""
    path = long_log.parent / "unsorted.csv"
    path.write_text(HEADER + "Rep 0,x,2026-12-28,duties,1,5,representative,non-teaching,true,1750\n"
                    + long_log.read_text(encoding="utf-8")[len(HEADER):], encoding="utf-8")
    return path


def _start(args, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([*ftdsl_command(), *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kwargs)


def _wait_for(process, found, what) -> None:
    deadline = time.monotonic() + 60
    while not found():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"ftdsl ended (or took too long) before {what}: {process.communicate()[1]!r}")
        time.sleep(0.01)


def _temporaries(folder) -> list[Path]:
    return sorted(Path(folder).glob(".ftdsl-*.tmp"))


def _writing(folder):
    """True once a temporary file in `folder` holds decisions (the header and at least one row)."""
    def found():
        return any(p.stat().st_size > len("line,rep,id,date,category,hours,outcome,paid,clauses,error\n")
                   for p in _temporaries(folder) if p.exists())
    return found


@pytest.mark.parametrize("name, code", [("SIGTERM", 143), ("SIGHUP", 129)])
def test_a_signal_mid_write_removes_the_temporary_file_and_keeps_the_old_output(name, code, long_log, tmp_path):
    out = tmp_path / "decisions.csv"
    out.write_text("last year's decisions\n", encoding="utf-8")
    process = _start(["run", str(WESTMINSTER), str(long_log), "-o", str(out)])
    try:
        _wait_for(process, _writing(tmp_path), "it wrote decisions")
        process.send_signal(getattr(signal, name))
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert (process.returncode, stderr.decode()) == (code, f"ftdsl: terminated ({name})\n")
    assert _names(tmp_path) == ["decisions.csv"]  # no .ftdsl-*.tmp beside it
    assert out.read_text(encoding="utf-8") == "last year's decisions\n"


def test_sighup_ignored_as_by_nohup_stays_ignored(long_log, tmp_path):
    out = tmp_path / "decisions.csv"
    process = _start(["run", str(WESTMINSTER), str(long_log), "-o", str(out)],
                     preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))
    try:
        _wait_for(process, _writing(tmp_path), "it wrote decisions")
        process.send_signal(signal.SIGHUP)
        _, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1 + 150_000  # the header and one line per row
    assert _names(tmp_path) == ["decisions.csv"]


@pytest.mark.parametrize("log, folder", [("long", "ftdsl-run-"), ("unsorted", "ftdsl-sort-")])
def test_a_signal_removes_the_temporary_folders_of_a_log_run(log, folder, long_log, unsorted_log, tmp_path):
    """Decisions for standard output wait in ftdsl-run-*; a log whose dates go back is sorted in ftdsl-sort-*."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    path = long_log if log == "long" else unsorted_log
    process = _start(["run", str(WESTMINSTER), str(path)], env={**os.environ, "TMPDIR": str(temporary)})
    try:
        if folder == "ftdsl-run-":
            _wait_for(process, lambda: any(p.stat().st_size > 0 for p in temporary.glob("ftdsl-run-*/decisions")),
                      "it wrote decisions")
        else:
            _wait_for(process, lambda: any(temporary.glob("ftdsl-sort-*/*")), "it sorted")
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert (process.returncode, stderr.decode(), stdout) == (143, "ftdsl: terminated (SIGTERM)\n", b"")
    assert _names(temporary) == []


# A real signal at a chosen moment of a write: the process sends SIGTERM to itself from inside the step.
SIGNAL_INSIDE = """
import os, signal, sys
import ftdsl.files

real = getattr(os, {name!r})

def {name}(*args, **kwargs):
    if {condition}:
        os.kill(os.getpid(), signal.SIGTERM)
    return real(*args, **kwargs)

setattr(os, {name!r}, {name})
from ftdsl.cli import main
main(sys.argv[1:])
"""


@pytest.mark.parametrize("command", ["compile", "run"])
@pytest.mark.parametrize("name, condition", [
    ("fsync", "True"),  # the text is written, not yet on disk
    ("chmod", "str(args[0]).endswith('.tmp')"),  # on disk, about to take the old file's place
])
def test_a_signal_inside_an_atomic_write_removes_its_temporary_file(command, name, condition, tmp_path):
    out = tmp_path / "out.txt"
    out.write_text("old", encoding="utf-8")
    args = {"compile": ["compile", str(WESTMINSTER), "-o", str(out)],
            "run": ["run", str(WESTMINSTER), str(SCENARIO), "-o", str(out)]}[command]
    code = SIGNAL_INSIDE.format(name=name, condition=condition)
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "FTDSL_CACHE_DIR": str(tmp_path / "cache")})
    assert (result.returncode, result.stderr) == (143, "ftdsl: terminated (SIGTERM)\n")
    assert out.read_text(encoding="utf-8") == "old"
    assert [name for name in _names(tmp_path) if name != "cache"] == ["out.txt"]


def test_a_signal_while_a_cache_entry_is_written_leaves_no_temporary_file(tmp_path):
    cache = tmp_path / "cache"
    code = SIGNAL_INSIDE.format(name="fdopen", condition="'w' in (args[1:2] or [kwargs.get('mode', 'r')])[0]")
    result = subprocess.run([sys.executable, "-c", code, "run", str(WESTMINSTER), str(SCENARIO)], capture_output=True,
                            text=True, timeout=120, env={**os.environ, "FTDSL_CACHE_DIR": str(cache)})
    assert (result.returncode, result.stderr, result.stdout) == (143, "ftdsl: terminated (SIGTERM)\n", "")
    left = [p.name for p in cache.rglob("*") if p.is_file()]
    assert not [name for name in left if name.startswith(".ftdsl-")], left


def test_a_run_killed_outright_leaves_its_file_and_a_later_run_removes_it_once_abandoned(long_log, tmp_path):
    out = tmp_path / "decisions.csv"
    process = _start(["run", str(WESTMINSTER), str(long_log), "-o", str(out)])
    try:
        _wait_for(process, _writing(tmp_path), "it wrote decisions")
        process.send_signal(signal.SIGKILL)  # cannot be caught: the temporary file stays
        process.communicate(timeout=60)
    finally:
        process.kill()
    [left] = _temporaries(tmp_path)
    fresh = tmp_path / ".ftdsl-fresh000.tmp"  # as a run writing now would have it
    fresh.write_text("being written", encoding="utf-8")
    assert run_cli("run", str(WESTMINSTER), str(SCENARIO), "-o", str(tmp_path / "a.txt")).returncode == 0
    assert left.exists() and fresh.exists()  # minutes old: it may be a run still writing
    _age(left, 2 * HOUR)
    assert run_cli("run", str(WESTMINSTER), str(SCENARIO), "-o", str(tmp_path / "b.txt")).returncode == 0
    assert _names(tmp_path) == [".ftdsl-fresh000.tmp", "a.txt", "b.txt"]


def test_only_certainly_abandoned_temporary_files_are_removed(tmp_path):
    def make(name, text="x", age=2 * HOUR):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        _age(path, age)
        return path

    abandoned = make(".ftdsl-abandon1.tmp")
    make(".ftdsl-recent01.tmp", age=10 * 60)  # ten minutes: a slow run may still be writing it
    make("notes.tmp")
    make(".ftdsl-notes.txt")
    make("ftdsl-plain.tmp")
    target = make("precious.csv", "kept")
    link = tmp_path / ".ftdsl-alink001.tmp"
    link.symlink_to(target)
    _age(link, 2 * HOUR)
    (tmp_path / ".ftdsl-folder01.tmp").mkdir()
    _age(tmp_path / ".ftdsl-folder01.tmp", 2 * HOUR)
    locked = make(".ftdsl-locked01.tmp")
    holder = open(locked, "rb")  # a run still writing holds the lock (files._lock), however old the file looks
    fcntl.flock(holder.fileno(), fcntl.LOCK_EX)
    try:
        removed = files.remove_abandoned(str(tmp_path))
    finally:
        holder.close()
    assert removed == [str(abandoned)]
    assert _names(tmp_path) == [".ftdsl-alink001.tmp", ".ftdsl-folder01.tmp", ".ftdsl-locked01.tmp", ".ftdsl-notes.txt",
                                ".ftdsl-recent01.tmp", "ftdsl-plain.tmp", "notes.tmp", "precious.csv"]
    assert target.read_text(encoding="utf-8") == "kept"


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_another_users_temporary_file_is_left(tmp_path):
    other = tmp_path / ".ftdsl-another1.tmp"
    other.write_text("theirs", encoding="utf-8")
    os.chown(other, 65534, 65534)
    _age(other, 2 * HOUR)
    assert files.remove_abandoned(str(tmp_path)) == []
    assert other.exists()


def test_only_certainly_abandoned_temporary_folders_are_removed(tmp_path):
    def folder(name, age=2 * HOUR, inside_age=2 * HOUR):
        path = tmp_path / name
        path.mkdir()
        (path / "date0").write_bytes(b"sorted rows")
        _age(path / "date0", inside_age)
        _age(path, age)
        return path

    abandoned = folder("ftdsl-sort-abandon1")
    folder("ftdsl-sort-recent01", age=10 * 60, inside_age=10 * 60)
    folder("ftdsl-sort-busy0001", inside_age=10 * 60)  # a file written ten minutes ago: a run is using it
    folder("ftdsl-run-other001")  # another prefix
    real = folder("somewhere")
    link = tmp_path / "ftdsl-sort-alink001"
    link.symlink_to(real)
    _age(link, 2 * HOUR)
    (tmp_path / "ftdsl-sort-afile001").write_text("x", encoding="utf-8")
    _age(tmp_path / "ftdsl-sort-afile001", 2 * HOUR)
    held = folder("ftdsl-sort-held0001")
    with files.hold(str(held)):
        removed = files.remove_abandoned_folders("ftdsl-sort-", str(tmp_path))
    assert removed == [str(abandoned)]
    assert _names(tmp_path) == ["ftdsl-run-other001", "ftdsl-sort-afile001", "ftdsl-sort-alink001",
                                "ftdsl-sort-busy0001", "ftdsl-sort-held0001", "ftdsl-sort-recent01", "somewhere"]
    assert _names(real) == ["date0"]


def test_the_system_temporary_folder_is_where_folders_are_looked_for(tmp_path, monkeypatch):
    monkeypatch.setattr(files.tempfile, "tempdir", str(tmp_path))
    (tmp_path / "ftdsl-sort-abandon1").mkdir()
    _age(tmp_path / "ftdsl-sort-abandon1", 2 * HOUR)
    assert files.remove_abandoned_folders("ftdsl-sort-") == [str(tmp_path / "ftdsl-sort-abandon1")]


def test_a_log_run_removes_the_folders_of_killed_log_runs(tmp_path):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    killed = temporary / "ftdsl-run-killed01"
    killed.mkdir()
    (killed / "stdin").write_text(ONE_ROW, encoding="utf-8")
    _age(killed / "stdin", 2 * HOUR)
    _age(killed, 2 * HOUR)
    log = tmp_path / "year.csv"
    log.write_text(ONE_ROW, encoding="utf-8")
    result = run_cli("run", str(WESTMINSTER), str(log), env={"TMPDIR": str(temporary)})
    assert result.returncode == 0, result.stderr
    assert _names(temporary) == []


# ---- 3. a read-only output is refused -----------------------------------------------

@pytest.mark.parametrize("command", ["compile", "run scenario", "run log"])
def test_a_read_only_output_is_refused_and_left_as_it_was(command, tmp_path):
    out = tmp_path / {"compile": "rules.py", "run scenario": "decisions.txt", "run log": "decisions.csv"}[command]
    log = tmp_path / "year.csv"
    log.write_text(ONE_ROW, encoding="utf-8")
    args = {"compile": ["compile", str(WESTMINSTER), "-o", str(out)],
            "run scenario": ["run", str(WESTMINSTER), str(SCENARIO), "-o", str(out)],
            "run log": ["run", str(WESTMINSTER), str(log), "-o", str(out)]}[command]
    out.write_text("signed off", encoding="utf-8")
    out.chmod(0o444)
    result = run_cli(*args)
    assert result.returncode == 2
    assert result.stderr == (f"error E011: cannot write '{out}': {READ_ONLY}\n"
                             "  hint: make it writable first (chmod u+w) if it should be changed; it was left as it was\n")
    assert out.read_text(encoding="utf-8") == "signed off"
    assert stat.S_IMODE(out.stat().st_mode) == 0o444
    assert _names(tmp_path) == sorted([out.name, "year.csv"])


def test_a_read_only_output_is_refused_through_a_symbolic_link(tmp_path):
    real = tmp_path / "signed.txt"
    real.write_text("signed off", encoding="utf-8")
    real.chmod(0o444)
    link = tmp_path / "latest.txt"
    link.symlink_to(real)
    with pytest.raises(FtdslError) as raised:
        files.write_atomic(str(link), "new")
    assert raised.value.diagnostics[0].code == "E011"
    assert real.read_text(encoding="utf-8") == "signed off" and link.is_symlink()


def test_a_file_made_read_only_during_the_run_is_not_replaced(tmp_path):
    out = tmp_path / "decisions.csv"
    out.write_text("old", encoding="utf-8")
    target = files.output_target(str(out))
    descriptor, temporary = files.temporary_beside(target, str(out))
    with os.fdopen(descriptor, "w") as handle:
        handle.write("new")
    out.chmod(0o444)  # while the log was being decided
    with pytest.raises(FtdslError) as raised:
        files.replace(temporary, target, str(out))
    assert raised.value.diagnostics[0].code == "E011" and READ_ONLY in raised.value.render()
    assert out.read_text(encoding="utf-8") == "old"
    assert _names(tmp_path) == ["decisions.csv"]


# ---- 4. modes ---------------------------------------------------------------------

def _with_umask(mask):
    return lambda: os.umask(mask)


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
@pytest.mark.parametrize("command", ["compile", "run scenario", "run log"])
def test_a_new_output_has_the_mode_of_any_new_file(command, mask, mode, tmp_path):
    log = tmp_path / "year.csv"
    log.write_text(ONE_ROW, encoding="utf-8")
    out = tmp_path / "out.csv"
    args = {"compile": ["compile", str(WESTMINSTER), "-o", str(out)],
            "run scenario": ["run", str(WESTMINSTER), str(SCENARIO), "-o", str(out)],
            "run log": ["run", str(WESTMINSTER), str(log), "-o", str(out)]}[command]
    result = subprocess.run([*ftdsl_command(), *args], stdin=subprocess.DEVNULL, capture_output=True, timeout=120,
                            preexec_fn=_with_umask(mask))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == mode  # 0666 less the umask, as `touch` or `>` would make it


@pytest.mark.parametrize("mode", [0o660, 0o600, 0o604])
def test_a_replaced_output_keeps_its_mode(mode, tmp_path):
    out = tmp_path / "decisions.txt"
    out.write_text("old", encoding="utf-8")
    out.chmod(mode)
    result = subprocess.run([*ftdsl_command(), "run", str(WESTMINSTER), str(SCENARIO), "-o", str(out)],
                            stdin=subprocess.DEVNULL, capture_output=True, timeout=120, preexec_fn=_with_umask(0o022))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == mode
    assert "r1  2026-03-20  duties  3 h\n" in out.read_text(encoding="utf-8")  # the request decided, as in the README


def test_new_file_mode_reads_the_umask_without_changing_it():
    previous = os.umask(0o027)
    try:
        assert files.new_file_mode() == 0o640
        assert os.umask(0o027) == 0o027
    finally:
        os.umask(previous)
