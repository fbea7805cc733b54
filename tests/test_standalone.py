"""`ftdsl compile`: the standalone module decides every shipped example as `ftdsl run` does, with no ftdsl installed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import RULESETS, WESTMINSTER, run_cli

EXAMPLES = sorted(RULESETS.glob("examples/**/*.json"))
RULESET_FILES = sorted({RULESETS / f"{example.relative_to(RULESETS / 'examples').parts[0]}.ftr" for example in EXAMPLES})

# Runs in a bare interpreter (-I: no user site or PYTHON* variables; -S: no
# site-packages at all), so only the standard library can be imported.
_DECIDE_ALL = """
import json, sys
sys.path.insert(0, sys.argv[1])
import rules
assert not [m for m in sys.modules if m.split(".")[0] in ("ftdsl", "lark", "attrs", "attr", "click")]
out = {}
for path in sys.argv[2:]:
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    try:
        out[path] = json.dumps(rules.decide(data), indent=2, ensure_ascii=False) + "\\n"
    except rules.ScenarioError as error:
        out[path] = {"problems": error.problems}
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    modules = {}
    for ruleset in RULESET_FILES:
        folder = tmp_path_factory.mktemp(ruleset.stem)
        result = run_cli("compile", str(ruleset), "-o", str(folder / "rules.py"))
        assert result.returncode == 0, result.stderr
        modules[ruleset.stem] = folder
    return modules


def test_there_are_examples_to_compare():
    assert len(EXAMPLES) >= 10 and RULESET_FILES


@pytest.mark.parametrize("ruleset", RULESET_FILES, ids=lambda p: p.stem)
def test_standalone_agrees_with_run_on_every_example(ruleset, compiled, tmp_path):
    examples = [e for e in EXAMPLES if e.relative_to(RULESETS / "examples").parts[0] == ruleset.stem]
    result = subprocess.run([sys.executable, "-I", "-S", "-c", _DECIDE_ALL, str(compiled[ruleset.stem]),
                             *map(str, examples)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    standalone = json.loads(result.stdout)
    env = {"FTDSL_CACHE_DIR": str(tmp_path / "cache")}
    for example in examples:
        run = run_cli("run", str(ruleset), str(example), "--format", "json", env=env)
        if run.returncode == 0:
            assert standalone[str(example)] == run.stdout, example.name
        else:  # a scenario ftdsl rejects, the module rejects too, for the same problems
            assert isinstance(standalone[str(example)], dict), example.name
            for problem in standalone[str(example)]["problems"]:
                assert problem["message"] in run.stderr


def test_the_module_reads_like_the_agreement(compiled):
    text = (compiled["westminster"] / "rules.py").read_text(encoding="utf-8")
    assert "#   §6.12 6 hours per month for duties" in text and "#   §4.8" in text
    assert "exec(" not in text and "eval(" not in text  # the agreement is data, read when the module loads
    assert "def decide(scenario: dict) -> dict:" in text
    assert "import lark" not in text and "from ftdsl" not in text and "from ." not in text


def test_the_module_runs_as_a_script(compiled, tmp_path):
    example = next(e for e in EXAMPLES if e.parent.name == "westminster")
    script = subprocess.run([sys.executable, "-I", "-S", str(compiled["westminster"] / "rules.py"), str(example)],
                            capture_output=True, text=True, timeout=60)
    run = run_cli("run", str(WESTMINSTER), str(example), "--format", "json", "--no-cache")
    assert script.returncode == 0 and script.stdout == run.stdout


def test_compile_will_not_write_over_the_ruleset(tmp_path):
    ruleset = tmp_path / "w.ftr"
    ruleset.write_text(WESTMINSTER.read_text(encoding="utf-8"), encoding="utf-8")
    result = run_cli("compile", str(ruleset), "-o", str(ruleset))
    assert result.returncode == 2 and "E010" in result.stderr
    assert ruleset.read_text(encoding="utf-8") == WESTMINSTER.read_text(encoding="utf-8")


def test_compile_reports_ruleset_errors(tmp_path):
    bad = tmp_path / "bad.ftr"
    bad.write_text("categories: duties\n§1 dutis are paid\n", encoding="utf-8")
    result = run_cli("compile", str(bad), "-o", str(tmp_path / "rules.py"))
    assert result.returncode == 2 and "bad.ftr:2" in result.stderr and "Traceback" not in result.stderr
    assert not Path(tmp_path / "rules.py").exists()


@pytest.mark.parametrize("name", ['a""",__import__("os").system("touch PWNED"),"""b.ftr',
                                  "a'''\n__import__('os').system('touch PWNED')\n'''b.ftr",
                                  "C:\\Users\\rep\\x.ftr", "\\N{BULLET}\\x00.ftr"],
                         ids=["triple double quotes", "triple single quotes and newlines", "Windows path", "escapes"])
def test_a_rulesets_file_name_never_becomes_code(tmp_path, name):
    """The ruleset's path goes into the module's comments and a string literal only: whatever the name,
    the module imports, runs nothing, and says which file it came from."""
    folder = tmp_path / "work"
    folder.mkdir()
    ruleset = folder / name.replace("/", "_")
    ruleset.write_text(WESTMINSTER.read_text(encoding="utf-8"), encoding="utf-8")
    result = run_cli("compile", ruleset.name, "-o", "rules.py", cwd=str(folder))
    assert result.returncode == 0, result.stderr
    probe = subprocess.run([sys.executable, "-I", "-S", "-c", "import sys; sys.path.insert(0, '.'); import rules; "
                            "print(rules.RULESET_NAME)"], cwd=folder, capture_output=True, text=True, timeout=60)
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout == ruleset.name + "\n"
    assert not (folder / "PWNED").exists()


def test_the_modules_script_reads_numbers_as_written(compiled, tmp_path):
    """6.0000000000000001 hours asked against §6.12's 6 hours a month is over it, as ftdsl run says; a binary
    float would make it exactly 6 and within."""
    example = json.loads(next(e for e in EXAMPLES if e.name == "duties-over-allowance.json").read_text("utf-8"))
    example["taken"] = []
    example["requests"] = [dict(example["requests"][0], hours="HOURS")]
    scenario = tmp_path / "over.json"
    scenario.write_text(json.dumps(example).replace('"HOURS"', "6.0000000000000001"), encoding="utf-8")
    script = subprocess.run([sys.executable, "-I", "-S", str(compiled["westminster"] / "rules.py"), str(scenario)],
                            capture_output=True, text=True, timeout=60)
    assert script.returncode == 0, script.stderr
    assert json.loads(script.stdout)["decisions"][0]["outcome"] == "discretionary"
    run = run_cli("run", str(WESTMINSTER), str(scenario), "--format", "json", "--no-cache")
    assert script.stdout == run.stdout
