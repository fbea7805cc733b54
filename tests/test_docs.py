"""Every .ftr example in docs/language.md parses: the docs cannot drift from the grammar."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT
from ftdsl.builder import parse

LANGUAGE = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
BLOCKS = [b for b in re.findall(r"```\n(.*?)```", LANGUAGE, re.S)]


def test_the_language_page_has_examples():
    assert len(BLOCKS) >= 15


@pytest.mark.parametrize("block", BLOCKS, ids=range(len(BLOCKS)))
def test_language_examples_parse(block):
    lines = block.splitlines()
    if all(line.startswith("when ") for line in lines if line.strip()):
        # Conditions are shown alone; try each under a rule.
        for line in lines:
            parse(f"§1 duties are paid\n    {line}\n")
        return
    parse(block)


def _blocks_after(page: str, heading: str) -> list[str]:
    """The code blocks of a docs page under one heading."""
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    section = text.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```\n(.*?)```", section, re.S)


def test_the_log_page_shows_what_ftdsl_prints(tmp_path):
    # docs/logs.md: its example log, run as the page shows, prints what the page says.
    from conftest import WESTMINSTER, run_cli

    [log] = _blocks_after("logs.md", "## The columns")
    (tmp_path / "log.csv").write_text(log, encoding="utf-8")
    [shown] = _blocks_after("logs.md", "## The output")
    command, *expected = shown.splitlines()
    assert command == "$ ftdsl run rulesets/westminster.ftr log.csv"
    result = run_cli("run", str(WESTMINSTER), "log.csv", cwd=tmp_path)
    assert result.returncode == 1  # one row has an error
    assert (result.stdout + result.stderr).splitlines() == expected
    [summary] = _blocks_after("logs.md", "## Totals: `--summary`")
    command, *expected = summary.splitlines()
    result = run_cli("run", str(WESTMINSTER), "log.csv", "-o", "decisions.csv", "--summary", cwd=tmp_path)
    assert result.stdout.splitlines() == expected
