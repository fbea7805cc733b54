"""The catalogue of bad inputs: every case ends in a clear message, never a traceback.

Each folder under tests/bad/ is one case:

    cmd           the arguments, as a user types them after `ftdsl`
                  (run from inside the case's folder, so messages show
                  short relative paths)
    stdin         optional: what is piped to standard input
    expected.txt  the golden output: `exit N`, then standard error, then
                  standard output (if any) after a `--- stdout` line
    the inputs    ruleset.ftr, scenario.json, ...

Shared inputs live in tests/bad/_base/ (folders starting with '_' are not
cases).

Every case runs in-process through `ftdsl.cli.main` (the function the
installed `ftdsl` script calls) and must exit non-zero with exactly the
golden output and no "Traceback" or "internal error". Every case also runs
through the installed command line, as a user would (about half a minute on
two cores); while working on messages, FTDSL_BAD_INPUTS_CLI=sample runs only
every fifteenth case and those about bytes, folders and standard input that
way.

To accept new output after changing a message: FTDSL_UPDATE_GOLDENS=1
pytest tests/test_bad_inputs.py, then read the diff of the goldens as a
user would.
"""

from __future__ import annotations

import concurrent.futures
import os
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import run_cli

BAD = Path(__file__).resolve().parent / "bad"
CASES = sorted(p.name for p in BAD.iterdir() if p.is_dir() and not p.name.startswith("_")) if BAD.exists() else []
UPDATE = os.environ.get("FTDSL_UPDATE_GOLDENS") == "1"
# Columns fixed so that click's usage messages wrap the same everywhere.
ENV = {"COLUMNS": "80", "NO_COLOR": "1"}


def _arguments(case: str) -> list[str]:
    return shlex.split((BAD / case / "cmd").read_text(encoding="utf-8"))


def _stdin(case: str) -> bytes | None:
    path = BAD / case / "stdin"
    return path.read_bytes() if path.exists() else None


def _render(code: int, stdout: str, stderr: str) -> str:
    text = f"exit {code}\n{stderr}"
    if stdout:
        text += ("" if text.endswith("\n") else "\n") + "--- stdout\n" + stdout
    return text if text.endswith("\n") else text + "\n"


def run_in_process(case: str) -> tuple[int, str]:
    """Run one case through ftdsl.cli.main in this process; (exit code, rendered output)."""
    from ftdsl.cli import main

    runner = CliRunner()
    cwd = os.getcwd()
    os.chdir(BAD / case)
    try:
        with runner.isolation(input=_stdin(case), env=ENV) as (stdout, stderr, _):
            try:
                main(_arguments(case))
                code = 0
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 1
            out = stdout.getvalue().decode("utf-8", "replace")
            err = stderr.getvalue().decode("utf-8", "replace")
    finally:
        os.chdir(cwd)
    return code, _render(code, out, err)


def run_installed(case: str) -> tuple[int, str]:
    """Run one case through the installed `ftdsl` command, as a user would."""
    result = run_cli(*_arguments(case), input=_stdin(case), cwd=BAD / case, env=ENV)
    return result.returncode, _render(result.returncode, result.stdout, result.stderr)


def _check(case: str, code: int, output: str) -> None:
    golden_path = BAD / case / "expected.txt"
    assert "Traceback" not in output, output
    assert "internal error" not in output, output
    assert code not in (0, 3), f"{case}: exit {code}\n{output}"
    if UPDATE:
        golden_path.write_text(output, encoding="utf-8")
        return
    assert golden_path.exists(), f"{case} has no expected.txt: run with FTDSL_UPDATE_GOLDENS=1"
    assert output == golden_path.read_text(encoding="utf-8")


def test_the_catalogue_is_large_enough():
    assert len(CASES) >= 150, len(CASES)


@pytest.mark.parametrize("case", CASES)
def test_bad_input(case):
    code, output = run_in_process(case)
    _check(case, code, output)


def _sample() -> list[str]:
    if os.environ.get("FTDSL_BAD_INPUTS_CLI") != "sample":
        return CASES
    return [case for index, case in enumerate(CASES) if index % 15 == 0 or case in _ALWAYS_THROUGH_THE_CLI]


# Cases where the real process matters most: bytes on disk, folders, standard input.
_ALWAYS_THROUGH_THE_CLI = {"file-binary-png", "file-directory-as-ruleset", "file-latin1-pound", "file-empty-stdin",
                           "file-word-docx", "scenario-stdin-not-json", "cli-unknown-command"}


def test_bad_inputs_through_the_installed_cli():
    """The same cases through the real `ftdsl` script: same output, no traceback."""
    if UPDATE:
        pytest.skip("goldens are being rewritten from the in-process run")
    sample = _sample()
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = dict(zip(sample, pool.map(run_installed, sample)))
    failures = []
    for case, (code, output) in results.items():
        try:
            _check(case, code, output)
        except AssertionError as error:
            failures.append(f"{case}: {error}")
    assert not failures, "\n\n".join(failures)


def test_a_closed_standard_input_is_a_clear_error():
    # A scheduled job started without standard input, told to read '-'.
    import subprocess

    from conftest import WESTMINSTER, ftdsl_command

    result = subprocess.run([*ftdsl_command(), "run", str(WESTMINSTER), "-"], capture_output=True, text=True,
                            timeout=120, preexec_fn=lambda: os.close(0))
    assert result.returncode == 2, result.stderr
    assert "error E003: cannot read standard input: it is closed" in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_an_endless_file_is_refused_not_read_into_memory():
    from conftest import WESTMINSTER

    example = str(WESTMINSTER.parent / "examples" / "westminster" / "duties-over-allowance.json")
    for args, what in ((["check", "/dev/zero"], "ruleset"), (["run", str(WESTMINSTER), "/dev/zero"], "scenario"),
                       (["run", "/dev/zero", example], "ruleset")):  # run's ruleset goes by the cache first
        result = run_cli(*args)
        assert result.returncode == 2, result.stderr
        assert f"error E006: '/dev/zero' is larger than 256 MB, too large to be a {what}" in result.stderr
