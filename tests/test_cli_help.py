"""The command line's help: summaries that fit, an example and a docs page in every command's help, and
"did you mean" for a misspelt command or option.

Every example a help shows is run here, as written, from a folder that
has the shipped rulesets where the sources have them.
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess

import pytest

from conftest import ROOT, ftdsl_command, run_cli

COMMANDS = sorted(path.stem for path in (ROOT / "ftdsl" / "commands").glob("*.py") if not path.stem.startswith("_"))


def help_of(*args) -> str:
    result = run_cli(*args, "--help", env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_commands_are_the_modules():
    assert {"ask", "check", "explain", "run"} <= set(COMMANDS)


def test_every_summary_is_whole_and_fits_in_80_columns():
    text = help_of()
    listed = text.split("\nCommands:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert [line.split()[0] for line in listed] == COMMANDS
    for line in listed:
        name, summary = line.split(None, 1)
        command = importlib.import_module(f"ftdsl.commands.{name}").command
        assert summary == command.short_help, line  # whole: never cut with "..."
        assert summary.endswith(".") and not summary.endswith("...") and len(line) <= 80, line


@pytest.mark.parametrize("name", COMMANDS)
def test_each_commands_help_has_an_example_and_names_its_docs_page(name):
    text = help_of(name)
    assert re.search(r"\n  Examples?:\n    ftdsl " + name + " ", text), text
    [pages] = re.findall(r"\n  Docs: (.*) \(in the ftdsl sources\)\n", text)
    for page in pages.split(", "):
        assert (ROOT / page).is_file(), page
    assert max(len(line) for line in text.splitlines()) <= 80


def _examples() -> list[tuple[str, str]]:
    found = []
    for name in COMMANDS:
        module = importlib.import_module(f"ftdsl.commands.{name}")
        found.extend((name, example) for example in module.EXAMPLES)
    epilog = importlib.import_module("ftdsl.cli").cli.epilog
    lines = epilog.split("Examples:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    for line in lines:
        if line.startswith("  ftdsl "):
            found.append(("ftdsl", line.strip()))
        else:
            found[-1] = ("ftdsl", found[-1][1] + "\n" + line)
    return found


EXAMPLES = _examples()


@pytest.mark.skipif(shutil.which("sh") is None or len(ftdsl_command()) != 1, reason="needs sh and the ftdsl script")
@pytest.mark.parametrize("name, example", EXAMPLES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(EXAMPLES)])
def test_every_example_in_the_help_runs(tmp_path, name, example):
    (tmp_path / "rulesets").symlink_to(ROOT / "rulesets")
    env = {**os.environ, "PATH": os.path.dirname(ftdsl_command()[0]) + os.pathsep + os.environ["PATH"],
           "NO_COLOR": "1", "FTDSL_PAGER": ""}
    result = subprocess.run(["sh", "-c", example], cwd=tmp_path, capture_output=True, text=True, env=env,
                            stdin=subprocess.DEVNULL, timeout=120)
    assert result.returncode == 0, (example, result.stderr)
    assert "Traceback" not in result.stderr


def test_an_unknown_command_names_the_one_meant():
    def error(*args):
        result = run_cli(*args)
        assert result.returncode == 2
        return result.stderr.splitlines()[-1]

    assert error("chekc", "r.ftr") == "Error: No such command 'chekc'. Did you mean 'check'?"
    assert error("explian") == "Error: No such command 'explian'. Did you mean 'explain'?"
    assert error("ex") == "Error: No such command 'ex'. Did you mean 'explain'?"  # the start of one
    assert error("s") == "Error: No such command 's'."  # too short to be sure of
    assert error("frobnicate") == "Error: No such command 'frobnicate'."
    assert error("rulesets/westminster.ftr", "s.json") == (
        "Error: No such command 'rulesets/westminster.ftr'. A command comes first, then the files: 'ftdsl run "
        "RULESET SCENARIO', 'ftdsl check RULESET' ('ftdsl --help' lists the commands).")


def test_an_unknown_option_names_the_one_meant():
    result = run_cli("run", "--formt", "json", "r.ftr", "s.json")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: No such option '--formt'. (Did you mean one of: '--format', '--input-format', '--output-format'?)")
    result = run_cli("diff", "a.ftr", "b.ftr", "--exitcode")
    assert result.stderr.splitlines()[-1] == "Error: No such option '--exitcode'. Did you mean '--exit-code'?"
    result = run_cli("ask", "r.ftr", "--histroy", "log.csv")
    assert result.stderr.splitlines()[-1] == "Error: No such option '--histroy'. Did you mean '--history'?"
