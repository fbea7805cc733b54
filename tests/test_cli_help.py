"""The command line's help: summaries that fit, an example and a docs page in every command's help,
"did you mean" for a misspelt command or option, and shell completion as docs/command-line.md sets it up.

Every example a help shows is run here, as written, from a folder that
has the shipped rulesets where the sources have them; so is every example
of docs/command-line.md.
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess

import pytest

from conftest import ROOT, ftdsl_command, run_cli
from doc_examples import assert_shown, blocks, run_block

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


# ---- docs/command-line.md ---------------------------------------------------------------------

PAGE = blocks("docs/command-line.md")


def test_the_command_line_page_has_its_examples():
    assert len(PAGE) >= 4


@pytest.mark.parametrize("block", PAGE, ids=range(len(PAGE)))
def test_the_command_line_page_shows_what_ftdsl_prints(block):
    command, *shown = block.rstrip("\n").split("\n")
    code, printed = run_block(block)
    assert code in (0, 2)
    assert_shown(shown, printed)


def test_the_command_line_page_lists_every_command_with_its_docs_page():
    text = (ROOT / "docs" / "command-line.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| `([a-z]+)` \| (.*) \|$", text, re.M))
    assert sorted(table) == COMMANDS
    for name, pages in table.items():
        listed = re.findall(r"\]\(([a-z-]+\.md)\)", pages)
        [shown] = re.findall(r"\n  Docs: (.*) \(in the ftdsl sources\)\n", help_of(name))
        assert [f"docs/{page}" for page in listed] == shown.split(", "), name


# ---- shell completion -------------------------------------------------------------------------

def _completion_lines() -> dict[str, str]:
    """The page's completion set-up, by shell: the command each shell is given."""
    text = (ROOT / "docs" / "command-line.md").read_text(encoding="utf-8").split("## Shell completion", 1)[1]
    found = {}
    for shell, block in re.findall(r"\n(bash|zsh|fish)[^\n]*:\n\n```sh\n(.*?)```", text, re.S):
        found[shell] = block.strip()
    return found


def test_the_page_sets_up_completion_for_bash_zsh_and_fish():
    lines = _completion_lines()
    assert sorted(lines) == ["bash", "fish", "zsh"]
    for shell, line in lines.items():
        assert f"_FTDSL_COMPLETE={shell}_source ftdsl" in line, line
        result = subprocess.run([*ftdsl_command()], env={**os.environ, "_FTDSL_COMPLETE": f"{shell}_source"},
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0 and result.stderr == ""
        # The script asks ftdsl itself for the words, each time.
        assert f"_FTDSL_COMPLETE={shell}_complete" in result.stdout


def _complete(shell: str, words: str, current: str | None = None) -> list[str]:
    env = {**os.environ, "_FTDSL_COMPLETE": f"{shell}_complete", "COMP_WORDS": words,
           "COMP_CWORD": current if shell == "fish" else str(len(words.split()) - (0 if words.endswith(" ") else 1))}
    result = subprocess.run([*ftdsl_command()], env=env, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    if shell == "zsh":  # type, value, help: three lines a word
        lines = result.stdout.splitlines()
        return [lines[i + 1] for i in range(0, len(lines), 3)]
    return [line.split(",", 1)[1].split("\t")[0] for line in result.stdout.splitlines()]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_of_commands_options_and_choices(shell):
    assert _complete(shell, "ftdsl ex", "ex") == ["explain"]
    assert "--format" in _complete(shell, "ftdsl run --for", "--for")
    assert _complete(shell, "ftdsl explain --format ", "") == ["text", "json"]
    assert _complete(shell, "ftdsl ask rulesets/westminster.ftr --category d", "d") == ["duties"]
    assert _complete(shell, "ftdsl ask rulesets/westminster.ftr --stated ", "") == ["location", "purpose"]


def test_a_name_of_several_words_is_quoted_for_bash_only():
    assert _complete("bash", "ftdsl ask rulesets/westminster.ftr --category j") == ["'joint committee meetings'"]
    assert _complete("zsh", "ftdsl ask rulesets/westminster.ftr --category j") == ["joint committee meetings"]
    assert _complete("fish", "ftdsl ask rulesets/westminster.ftr --category j", "j") == ["joint committee meetings"]


@pytest.mark.skipif(shutil.which("bash") is None or len(ftdsl_command()) != 1, reason="needs bash and the ftdsl script")
def test_bash_completes_in_bash(tmp_path):
    # The page's bash line, in a real bash, asked to complete as it does at a Tab.
    script = tmp_path / "complete.sh"
    script.write_text(
        _completion_lines()["bash"] + "\n"
        "COMP_WORDS=(ftdsl ask rulesets/westminster.ftr --category \"'joint\"); COMP_CWORD=4; COMPREPLY=()\n"
        "_ftdsl_completion ftdsl; printf '%s\\n' \"${COMPREPLY[@]}\"\n"
        "COMP_WORDS=(ftdsl che); COMP_CWORD=1; COMPREPLY=()\n"
        "_ftdsl_completion ftdsl; printf '%s\\n' \"${COMPREPLY[@]}\"\n", encoding="utf-8")
    env = {**os.environ, "PATH": os.path.dirname(ftdsl_command()[0]) + os.pathsep + os.environ["PATH"]}
    result = subprocess.run(["bash", str(script)], cwd=ROOT, capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["'joint committee meetings'", "check"]
