"""Helpers for tests that run what the docs show: `$ ftdsl ...` blocks, and ftdsl at a real terminal that answers.

A docs block is a command line (`$ ftdsl ...`, quoted as a shell quotes)
and what it prints. A line "..." stands for lines left out: each run of
lines between them is printed as it is, in the page's order; a block
without "..." is printed whole, line for line.
"""

from __future__ import annotations

import os
import re
import select
import shlex
import subprocess
import time

from conftest import ROOT, ftdsl_command, run_cli


def blocks(page: str) -> list[str]:
    """The ``` blocks of a docs page (no language named) that start with `$ ftdsl`."""
    text = (ROOT / page).read_text(encoding="utf-8")
    return [block for block in re.findall(r"```\n(.*?)```", text, re.S) if block.startswith("$ ftdsl ")]


def command_of(block: str) -> list[str]:
    """The arguments after `ftdsl` of a block's command line."""
    return shlex.split(block.splitlines()[0][len("$ "):])[1:]


def assert_shown(shown: list[str], printed: list[str]) -> None:
    """What a block shows (its lines after the command) is what was printed, "..." standing for lines left out."""
    if "..." not in shown:
        assert printed == shown
        return
    runs = "\n".join(shown).split("\n...")
    position = 0
    for number, run in enumerate(runs):
        lines = [line for line in run.split("\n") if line] if number else run.split("\n")
        if not lines:
            continue
        if number == 0:
            assert printed[:len(lines)] == lines
            position = len(lines)
            continue
        found = next((i for i in range(position, len(printed)) if printed[i:i + len(lines)] == lines), None)
        assert found is not None, f"not printed (after line {position}):\n" + "\n".join(lines) + \
            "\n--- printed:\n" + "\n".join(printed)
        position = found + len(lines)


def run_block(block: str, cwd=ROOT):
    """Run a block's command as a user would (80 columns, no colour); (exit code, the lines it printed: standard
    output, after standard error when it failed)."""
    result = run_cli(*command_of(block), cwd=cwd, env={"COLUMNS": "80", "NO_COLOR": "1"})
    text = result.stdout if result.returncode == 0 else result.stderr + result.stdout
    return result.returncode, text.rstrip("\n").split("\n")


def terminal_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("COLUMNS", "LINES", "NO_COLOR", "PAGER", "FTDSL_PAGER", "LESS")}
    env.update({"TERM": "xterm-256color", "FTDSL_PAGER": ""})
    env.update(extra)
    return env


def at_terminal(args, answers=(), width=80, cwd=ROOT, **env) -> tuple[int, str]:
    """Run `ftdsl ARGS` with standard input, output and error on a pseudo-terminal `width` columns wide, typing
    each of `answers` (a line) when a question (a line ending in ': ') is waiting; (exit code, what appeared on the
    terminal, the answers echoed as a person sees them, line endings as \\n)."""
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, width, 0, 0))
    process = subprocess.Popen([*ftdsl_command(), *map(str, args)], stdin=follower, stdout=follower,
                               stderr=follower, env=terminal_env(**env), cwd=cwd)
    os.close(follower)
    seen = b""
    pending = list(answers)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal is closed once every program on it has ended
                break
            if not chunk:
                break
            seen += chunk
        elif pending and seen.endswith(b": "):
            os.write(leader, pending.pop(0).encode("utf-8") + b"\n")
        elif process.poll() is not None:
            break
    os.close(leader)
    code = process.wait(timeout=60)
    return code, seen.decode("utf-8").replace("\r\n", "\n")


class Result:
    """What a command printed and its exit code, as subprocess.run's result has them."""

    def __init__(self, returncode: int, stdout: str, stderr: str):
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


def in_process(*args, cwd=None, input=None) -> Result:
    """Run `ftdsl ARGS` through ftdsl.cli.main (what the installed script calls) in this process, at 80 columns
    without colour, standard input not a terminal: as run_cli, without starting Python each time."""
    from click.testing import CliRunner

    from ftdsl.cli import main

    before = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        with CliRunner().isolation(input=input, env={"COLUMNS": "80", "NO_COLOR": "1"}) as (stdout, stderr, _):
            try:
                main([str(arg) for arg in args])
                code = 0
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 1
            out = stdout.getvalue().decode("utf-8", "replace")
            err = stderr.getvalue().decode("utf-8", "replace")
    finally:
        os.chdir(before)
    return Result(code, out, err)
