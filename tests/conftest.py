"""Shared test setup: hypothesis profiles, paths, and running the installed CLI.

Hypothesis profiles: 'ci' (the default, sized to keep the whole suite
within a few minutes on two cores) and 'long' (for a deliberate fuzzing
run). Choose with `pytest --hypothesis-profile=long` or FTDSL_HYPOTHESIS=long.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
RULESETS = ROOT / "rulesets"
WESTMINSTER = RULESETS / "westminster.ftr"

settings.register_profile("ci", max_examples=100, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("long", max_examples=5000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("FTDSL_HYPOTHESIS", "ci"))


def ftdsl_command() -> list[str]:
    """How to run the installed command line: the `ftdsl` script if on PATH, else `python -m ftdsl`."""
    script = shutil.which("ftdsl")
    return [script] if script else [sys.executable, "-m", "ftdsl"]


def run_cli(*args: str, input: str | bytes | None = None, cwd: str | os.PathLike | None = None,
            env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `ftdsl ARGS...` as a user would, capturing text output."""
    if isinstance(input, str):
        input = input.encode("utf-8")
    result = subprocess.run([*ftdsl_command(), *args], input=input, capture_output=True, cwd=cwd,
                            env={**os.environ, **(env or {})}, timeout=120)
    result.stdout = result.stdout.decode("utf-8", "replace")
    result.stderr = result.stderr.decode("utf-8", "replace")
    return result


@pytest.fixture(scope="session")
def westminster():
    """The shipped Westminster ruleset, loaded once."""
    import ftdsl

    return ftdsl.load_ruleset(str(WESTMINSTER))
