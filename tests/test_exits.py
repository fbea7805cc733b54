"""Exit codes when the run is interrupted or its output cannot be written (README, cli.py).

Ctrl-C is 130 with "ftdsl: interrupted" (not click's "Aborted!" and 1).
Standard output closed (`>&-`) or full (`> /dev/full`) is exit 2 with one
line on standard error saying so, never exit 0 with nothing written nor
an internal error. A pipe whose reader has gone (`| head -c0`) is a quiet
exit 141, as git does.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT, WESTMINSTER, ftdsl_command, run_cli

SCENARIO = ROOT / "rulesets" / "examples" / "westminster" / "duties-over-allowance.json"
FULL = "ftdsl: error: cannot write to standard output: No space left on device; the output is missing or incomplete\n"
CLOSED = "ftdsl: error: cannot write to standard output: it is closed; the output is missing or incomplete\n"

posix_only = pytest.mark.skipif(os.name != "posix", reason="closed descriptors, /dev/full and signals as on POSIX")


def _run(args, stdout, stdin=subprocess.DEVNULL, **kwargs) -> subprocess.CompletedProcess:
    """Run the installed ftdsl with standard output as given (a file object, a descriptor, or None to close it)."""
    if stdout is None:
        # The child starts with descriptor 1 closed, as `ftdsl ... >&-` in a shell.
        kwargs["preexec_fn"] = lambda: os.close(1)
        stdout = subprocess.DEVNULL
    return subprocess.run([*ftdsl_command(), *args], stdin=stdin, stdout=stdout, stderr=subprocess.PIPE,
                          timeout=120, **kwargs)


def _log(tmp_path) -> str:
    path = tmp_path / "log.csv"
    path.write_text("rep,id,date,category,hours,notice days,roles,staff group,employed by council,branch members\n"
                    "A. Patel,1,2026-04-06,duties,4,5,representative,non-teaching,true,1750\n", encoding="utf-8")
    return str(path)


# ---- standard output closed or full ------------------------------------------------

@posix_only
def test_a_closed_standard_output_is_exit_2_saying_so():
    result = _run(["run", str(WESTMINSTER), str(SCENARIO)], stdout=None)
    assert (result.returncode, result.stderr.decode()) == (2, CLOSED)


@posix_only
@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("command", ["run-text", "run-json", "run-log", "check", "compile", "schema", "explain"])
def test_a_full_disk_under_standard_output_is_exit_2_saying_so(command, tmp_path):
    args = {"run-text": ["run", str(WESTMINSTER), str(SCENARIO)],
            "run-json": ["run", "--format", "json", str(WESTMINSTER), str(SCENARIO)],
            "run-log": ["run", str(WESTMINSTER), _log(tmp_path)],
            "check": ["check", str(WESTMINSTER)],
            "compile": ["compile", str(WESTMINSTER)],
            "schema": ["schema", str(WESTMINSTER)],
            "explain": ["explain", str(WESTMINSTER), str(SCENARIO)]}[command]
    with open("/dev/full", "wb") as full:
        result = _run(args, stdout=full)
    assert (result.returncode, result.stderr.decode()) == (2, FULL)


@posix_only
def test_an_error_found_is_still_reported_when_the_output_is_lost(tmp_path):
    """check reports a missing ruleset on standard error, then cannot write its summary to standard output."""
    with open("/dev/full", "wb") as full:
        result = _run(["check", str(tmp_path / "missing.ftr")], stdout=full)
    assert result.returncode == 2
    assert result.stderr.decode().endswith(FULL)
    assert "missing.ftr" in result.stderr.decode()


# ---- a pipe whose reader has gone --------------------------------------------------

@posix_only
@pytest.mark.parametrize("command", ["run-text", "run-log"])
def test_a_pipe_closed_by_its_reader_is_a_quiet_exit_141(command, tmp_path):
    args = {"run-text": ["run", str(WESTMINSTER), str(SCENARIO)],
            "run-log": ["run", str(WESTMINSTER), _log(tmp_path)]}[command]
    reader, writer = os.pipe()
    os.close(reader)  # as `| head -c0` once head has gone: every write is EPIPE, none can succeed first
    try:
        result = _run(args, stdout=writer)
    finally:
        os.close(writer)
    assert (result.returncode, result.stderr.decode()) == (141, "")


# ---- interrupted -------------------------------------------------------------------

def _waiting_to_read(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/wchan", encoding="ascii") as handle:
            waiting_in = handle.read()
    except OSError:
        return False
    return "pipe_read" in waiting_in or "pipe_wait" in waiting_in


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to know when ftdsl waits for input")
def test_ctrl_c_while_a_command_runs_is_exit_130():
    process = subprocess.Popen([*ftdsl_command(), "run", str(WESTMINSTER), "-"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not _waiting_to_read(process.pid):  # the ruleset is loaded; the scenario is being read
            assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130
    assert stderr.decode().strip() == "ftdsl: interrupted"


INTERRUPT_INSIDE = """
import sys
import ftdsl.{module} as target
from ftdsl.cli import main

def interrupt(*args, **kwargs):
    raise KeyboardInterrupt
target.{name} = interrupt
main(sys.argv[1:])
"""


@pytest.mark.parametrize("module, name, args", [
    ("scenario_file", "read_scenario_and_text", ["run", str(WESTMINSTER), str(SCENARIO)]),  # inside run's broad except
    ("batch", "Batch", ["run", str(WESTMINSTER), "log.csv"]),
    ("api", "load_ruleset", ["check", str(WESTMINSTER)]),
])
def test_an_interrupt_anywhere_in_a_command_is_exit_130(module, name, args, tmp_path):
    _log(tmp_path)
    code = INTERRUPT_INSIDE.format(module=module, name=name)
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=tmp_path,
                            timeout=120)
    assert result.returncode == 130, result.stderr
    assert result.stderr.strip() == "ftdsl: interrupted"
    assert "Aborted" not in result.stderr


# ---- what did not change ------------------------------------------------------------

def test_help_version_usage_errors_and_decisions_keep_their_exit_codes():
    assert run_cli("--help").returncode == 0
    version = run_cli("--version")
    assert (version.returncode, version.stdout.startswith("ftdsl, version ")) == (0, True)
    usage = run_cli("run", str(WESTMINSTER))
    assert usage.returncode == 2
    assert "Missing argument 'SCENARIO|LOG'" in usage.stderr
    decided = run_cli("run", "--format", "json", str(WESTMINSTER), str(SCENARIO))
    assert decided.returncode == 0
    assert json.loads(decided.stdout)["decisions"][0]["outcome"] == "discretionary"


@posix_only
@pytest.mark.parametrize("closed", ["closed", "full"])
def test_a_standard_error_that_cannot_be_written_loses_only_the_messages(closed, tmp_path):
    """compile -o says what it wrote on standard error; the module is written and the exit code is 0 all the same."""
    output = tmp_path / "rules.py"
    args = [*ftdsl_command(), "compile", "-o", str(output), str(WESTMINSTER)]
    if closed == "closed":
        result = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, timeout=120,
                                preexec_fn=lambda: os.close(2))
    else:
        with open("/dev/full", "wb") as full:
            result = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=full, timeout=120)
    assert (result.returncode, result.stdout) == (0, b"")
    assert "def decide(scenario" in output.read_text(encoding="utf-8")
