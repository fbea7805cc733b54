"""Determinism and no loss: the same input gives the same bytes; no file is lost.

- `ftdsl run` (text and JSON), `ftdsl check` on a ruleset with many errors
  and `ftdsl compile` give byte-identical output across runs and across
  PYTHONHASHSEED values (each in a fresh process);
- every file ftdsl writes goes through ftdsl.files.write_atomic (a scan of
  the package; the one streaming writer for long logs is listed with its
  reason), and never over an input file unless asked (`fmt` rewrites the
  file it is given: that is what it is asked to do);
- a write that fails part-way (a full disk, an interrupt, a failed rename)
  leaves the old file exactly as it was and no temporary file behind.
"""

from __future__ import annotations

import concurrent.futures
import errno
import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, WESTMINSTER, run_cli
from ftdsl import files
from ftdsl.errors import FtdslError

SCENARIO = ROOT / "tests" / "bad" / "_base" / "scenario.json"
MANY_ERRORS = """roles: representative, representative
categories: duties
fact roles: list of roles
§1 representitive may take up to 6 hors per mnth for dutys
§2 steward may take up to 10 hours per week for meetings
    when staf group is teachng
§3 duties are paid
§3 duties are paid
"""
SEEDS = ("0", "1", "4242")


def _runs(tmp_path):
    bad = tmp_path / "bad.ftr"
    bad.write_text(MANY_ERRORS, encoding="utf-8")
    return {
        "run text": ("run", str(WESTMINSTER), str(SCENARIO)),
        "run json": ("run", str(WESTMINSTER), str(SCENARIO), "--format", "json"),
        "check errors": ("check", str(bad)),
        "compile": ("compile", str(WESTMINSTER)),
    }


def test_output_is_byte_identical_across_runs_and_hash_seeds(tmp_path):
    jobs = [(name, args, seed) for name, args in _runs(tmp_path).items() for seed in SEEDS]
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = list(pool.map(lambda job: run_cli(*job[1], env={"PYTHONHASHSEED": job[2]}), jobs))
    outputs = {}
    for (name, _, seed), result in zip(jobs, results):
        assert "Traceback" not in result.stderr, result.stderr
        outputs.setdefault(name, set()).add((result.returncode, result.stdout, result.stderr))
    for name, seen in outputs.items():
        assert len(seen) == 1, f"{name} differs between PYTHONHASHSEED values"
    assert "E201" in next(iter(outputs["check errors"]))[1]  # check's findings are its output


def test_decisions_are_identical_within_a_process(westminster):
    import json

    scenario = json.loads(SCENARIO.read_text(encoding="utf-8"))
    first = json.dumps(westminster.decide(scenario))
    assert all(json.dumps(westminster.decide(scenario)) == first for _ in range(5))


# ---- every write goes through write_atomic -----------------------------------

# Writers that do not call files.write_atomic, and why that is safe.
STREAMING_WRITERS = {
    # `ftdsl run LOG -o FILE` streams decisions to a temporary file in the
    # target's folder and renames it over the target at the end, with the
    # same checks as write_atomic (which needs the whole text in memory).
    "ftdsl/commands/run.py",
    # Sorted runs of a long log, in a temporary folder that is removed.
    "ftdsl/external_sort.py",
    # `ftdsl explain - --input-format csv --request ID` keeps standard input's log, read twice, in a temporary
    # folder that is removed.
    "ftdsl/commands/explain.py",
    # A workbook read as a log is written as CSV into the run's temporary folder, which is removed.
    "ftdsl/workbook.py",
}
WRITE_CALL = re.compile(r"""open\([^)]*["'](?:w|a|x|wb|ab|xb|w\+|r\+)["']|\.write_text\(|\.write_bytes\(|os\.replace\(|"""
                        r"""os\.rename\(|shutil\.(?:copy|move)""")


def test_every_file_write_goes_through_write_atomic():
    offenders = []
    for path in sorted((ROOT / "ftdsl").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative == "ftdsl/files.py" or relative in STREAMING_WRITERS:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if WRITE_CALL.search(line) and not line.lstrip().startswith("#"):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert not offenders, "write through ftdsl.files.write_atomic:\n" + "\n".join(offenders)


def test_outputs_never_replace_inputs(tmp_path):
    ruleset = tmp_path / "agreement.ftr"
    scenario = tmp_path / "scenario.json"
    shutil.copy(WESTMINSTER, ruleset)
    shutil.copy(SCENARIO, scenario)
    before = {p: p.read_bytes() for p in (ruleset, scenario)}
    for args in (("compile", str(ruleset), "-o", str(ruleset)),
                 ("run", str(ruleset), str(scenario), "-o", str(scenario)),
                 ("run", str(ruleset), str(scenario), "-o", str(ruleset))):
        result = run_cli(*args)
        assert result.returncode != 0 and "E010" in result.stderr, (args, result.stderr)
    assert {p: p.read_bytes() for p in before} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["agreement.ftr", "scenario.json"]


def test_write_atomic_refuses_an_input_given_another_way(tmp_path):
    target = tmp_path / "a.ftr"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.ftr"
    link.symlink_to(target)
    with pytest.raises(FtdslError) as raised:
        files.write_atomic(str(link), "new", protect=(str(target),))
    assert raised.value.diagnostics[0].code == "E010"
    assert target.read_text(encoding="utf-8") == "old"


def test_fmt_through_a_symbolic_link_rewrites_the_file_and_keeps_the_link(tmp_path):
    real = tmp_path / "agreements" / "westminster.ftr"
    real.parent.mkdir()
    text = WESTMINSTER.read_text(encoding="utf-8")
    real.write_text(text.replace("§6.12 representative may", "§6.12   representative   may"), encoding="utf-8")
    link = tmp_path / "current.ftr"
    link.symlink_to(real)
    result = run_cli("fmt", str(link))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert real.read_text(encoding="utf-8") == text


# ---- a failure mid-write leaves the old file intact --------------------------

def test_a_folder_that_takes_no_new_file_is_a_clear_error(tmp_path, monkeypatch):
    # A read-only folder, or one like /proc: the temporary file cannot even be made.
    target = tmp_path / "rules.py"
    target.write_text("old", encoding="utf-8")
    monkeypatch.setattr(files.tempfile, "mkstemp", _failing(OSError(errno.EROFS, "Read-only file system")))
    with pytest.raises(FtdslError) as raised:
        files.write_atomic(str(target), "new")
    assert raised.value.diagnostics[0].code == "E011"
    assert "Read-only file system" in raised.value.render()
    assert target.read_text(encoding="utf-8") == "old"


def _failing(exception):
    def fail(*args, **kwargs):
        raise exception
    return fail


@pytest.mark.parametrize("where, exception", [
    ("fsync", OSError(errno.ENOSPC, "No space left on device")),
    ("fsync", KeyboardInterrupt()),
    ("replace", OSError(errno.EACCES, "Permission denied")),
    ("write", OSError(errno.EIO, "Input/output error")),
])
def test_a_failed_write_leaves_the_old_file(tmp_path, monkeypatch, where, exception):
    target = tmp_path / "agreement.ftr"
    old = WESTMINSTER.read_bytes()
    target.write_bytes(old)
    if where == "write":
        real_fdopen = os.fdopen

        def fdopen(*args, **kwargs):
            handle = real_fdopen(*args, **kwargs)

            class Failing:
                def __enter__(self):
                    return self

                def __exit__(self, *exc):
                    handle.close()
                    return False

                def write(self, text):
                    handle.write(text[: len(text) // 2])  # half the text reaches the disk, then the failure
                    raise exception

                def __getattr__(self, name):
                    return getattr(handle, name)

            return Failing()

        monkeypatch.setattr(files.os, "fdopen", fdopen)
    else:
        monkeypatch.setattr(files.os, where, _failing(exception))
    expected = FtdslError if isinstance(exception, OSError) else type(exception)
    with pytest.raises(expected) as raised:
        files.write_atomic(str(target), "§1 duties are paid\n" * 1000)
    if isinstance(exception, OSError):
        assert raised.value.diagnostics[0].code == "E011"
        assert "left as it was" in raised.value.render()
    assert target.read_bytes() == old
    assert [p.name for p in Path(tmp_path).iterdir()] == ["agreement.ftr"]  # no temporary file left
