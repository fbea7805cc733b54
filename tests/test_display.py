"""Text from rules and data reaches the terminal with its control characters made visible.

A ruleset's title, quotations and facility texts and a scenario's request
ids are text nobody controls. Printed raw, an escape sequence in them
clears the screen, hides text or sets the window title, and a newline in
a request id prints a line that looks like a decision. display.visible()
shows each such character as an escape instead; every text renderer uses
it (docs/security.md).
"""

from __future__ import annotations

import ast
import json
import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from conftest import ROOT, WESTMINSTER, run_cli
from ftdsl.display import CONTROL_CODES, is_control, json_visible, visible, visible_data, visible_lines

ESC = "\x1b"
BIDI = [chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]


# ---- the function -----------------------------------------------------------------

def test_escape_sequences_are_shown_as_escapes():
    assert visible("r1\x1b[2J") == "r1" + "\\" + "x1b[2J"
    assert len(visible(ESC)) == 4
    assert visible("\x1b]0;pwned\x07") == "\\x1b]0;pwned\\x07"
    assert visible("a\x00b\x7fc") == "a\\x00b\\x7fc"


def test_line_endings_and_tabs_are_shown_as_their_short_escapes():
    assert visible("r1\n    ENTITLED") == "r1\\n    ENTITLED"
    assert visible("a\r\nb\tc") == "a\\r\\nb\\tc"


def test_c1_controls_separators_and_bidirectional_controls_are_shown():
    assert visible("\x85") == "\\x85"  # NEL, a C1 line break
    assert visible("\x9b2J") == "\\x9b2J"  # CSI, the one-character escape sequence opener
    assert visible("a\u2028b\u2029c") == "a\\u2028b\\u2029c"
    assert visible("\u202egnp.exe") == "\\u202egnp.exe"
    assert [visible(ch) for ch in BIDI] == ["\\u202a", "\\u202b", "\\u202c", "\\u202d", "\\u202e",
                                            "\\u2066", "\\u2067", "\\u2068", "\\u2069"]
    assert visible("\ud800") == "\\ud800"  # a lone surrogate: a JSON file can hold one, no terminal can show it


def test_ordinary_text_is_unchanged():
    for text in ("§6.12 “up to 6 hours” — café, naïve, 50%", "", "plain", "a\\x1b as typed", "\u00a0\u200b\u061c"):
        assert visible(text) == text


def test_non_text_is_shown_as_its_str():
    assert visible(7) == "7"
    assert visible(None) == "None"


def test_the_characters_shown_are_the_documented_ones():
    every_control = {code for code in range(0x110000) if unicodedata.category(chr(code)) in ("Cc", "Cs", "Zl", "Zp")}
    bidi = {ord(ch) for ch in BIDI}
    assert set(CONTROL_CODES) == every_control | bidi
    assert all(is_control(chr(code)) for code in CONTROL_CODES)
    assert not any(is_control(ch) for ch in " a§\u00a0\u200b\u200e")


@given(st.text())
def test_nothing_shown_is_a_control_character_and_showing_twice_changes_nothing(text):
    shown = visible(text)
    assert not any(is_control(ch) for ch in shown)
    assert visible(shown) == shown
    if not any(is_control(ch) for ch in text):
        assert shown == text


def test_text_laid_out_in_lines_keeps_its_lines_and_tabs():
    assert visible_lines("a\x1b[2J\tb\nc\r\nd\re\n") == "a\\x1b[2J\tb\nc\r\nd\\re\n"


def test_data_for_a_renderer_has_every_string_shown_keys_too():
    data = {"id\n": ["a\x1b", ("b\u202e", 3)], "n": None, "ok": True}
    assert visible_data(data) == {"id\\n": ["a\\x1b", ("b\\u202e", 3)], "n": None, "ok": True}


def test_json_keeps_the_exact_text_with_the_characters_json_leaves_raw_escaped():
    value = {"id": "r1\x1b\n\x7f\x9b\u2028\u202e\ud800§"}
    text = json_visible(json.dumps(value, ensure_ascii=False))
    assert text == '{"id": "r1\\u001b\\n\\u007f\\u009b\\u2028\\u202e\\ud800§"}'
    assert json.loads(text) == value


def test_the_module_uses_the_standard_library_only():
    """The runtime and the standalone modules may use it: it imports nothing outside the standard library,
    and from ftdsl at most numbers.py."""
    tree = ast.parse((ROOT / "ftdsl" / "display.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0 or node.module in (None, "numbers") and node.level == 1, ast.dump(node)
            names = [node.module] if node.level == 0 else []
        else:
            continue
        for name in names:
            assert name.split(".")[0] in sys.stdlib_module_names or name == "__future__", name


# ---- the renderers ----------------------------------------------------------------

def test_the_text_report_shows_every_text_with_its_controls_visible():
    from ftdsl.report import to_text

    report = {
        "agreement": "Agreement\x1b[2J",
        "values": {"release\x1b[8m": {"value": 2, "exact": "2", "unit": "FTE", "clauses": ["4.8\x07"]},
                   "teacher time": {"value": None, "needs": "school\nmembers", "clauses": ["6.13"]}},
        "facilities": [{"clause": "7.2", "facilities": "an office\x1b]0;pwned\x07"}],
        "facilities not decided": [{"clause": "7.9", "facilities": "rooms", "needs": "site\u202e"}],
        "decisions": [{"id": "r1\n    ENTITLED, paid (§6.12)", "date": "2026-03-20", "category": "duties\x1b",
                       "hours": 3, "outcome": "discretionary", "paid": True, "clauses": ["6.12", "6.13"],
                       "reasons": ["over the allowance\r\x1b[1A"]}],
    }
    assert to_text(report, "rules\x1b.ftr", "s\n.json") == "\n".join([
        "Agreement\\x1b[2J",
        "ruleset rules\\x1b.ftr, scenario s\\n.json",
        "",
        "Values",
        "  release\\x1b[8m: 2 FTE (§4.8\\x07)",
        "  teacher time: not computed (needs 'school\\nmembers') (§6.13)",
        "",
        "Facilities",
        "  §7.2: an office\\x1b]0;pwned\\x07",
        "",
        "Facilities not decided",
        "  §7.9: rooms (needs 'site\\u202e')",
        "",
        "Decisions",
        "  r1\\n    ENTITLED, paid (§6.12)  2026-03-20  duties\\x1b  3 h",
        "    DISCRETIONARY (for management to agree), paid (§6.12, §6.13)",
        "    - over the allowance\\r\\x1b[1A",
    ]) + "\n"


def test_a_diagnostic_shows_the_message_hint_and_file_name_with_controls_visible():
    from ftdsl.errors import Diagnostic, Span, render_diagnostic

    diagnostic = Diagnostic("E301", "unknown category 'dut\x1b[2Jies'\nrequests[1]: fine", Span("log\n.csv", 4, 1),
                            hint="did you mean 'duties\u202e'?")
    assert render_diagnostic(diagnostic) == ("log\\n.csv:4:1: error E301: unknown category 'dut\\x1b[2Jies'\\n"
                                             "requests[1]: fine\n  hint: did you mean 'duties\\u202e'?")


def test_a_quoted_source_line_shows_each_control_as_one_question_mark_under_its_column():
    from ftdsl.errors import Diagnostic, Span, render_diagnostic

    source = "x\n§1 \u202eab\x1b[2J cd\n"
    diagnostic = Diagnostic("E101", "bad", Span("r.ftr", 2, 11, 2, 13))
    assert render_diagnostic(diagnostic, source) == "\n".join([
        "r.ftr:2:11: error E101: bad",
        "    2 | §1 ?ab?[2J cd",
        "      |           ^^",
    ])


# ---- through the installed command ------------------------------------------------

HOSTILE_RULESET = (
    'agreement "Hostile\x1b[2J agreement\x1b]0;pwned\x07"\n'
    "roles: representative\n"
    "categories: duties\n"
    "fact roles: list of roles\n"
    "\n"
    "§6.12 representative may take up to 6 hours per month for duties\n"
    '    says "Up to 6 hours\x1b[8m hidden\x1b[0m \u202eright-to-left"\n'
    "§6.16 duties are paid\n"
)
FORGED_ID = "r1\x1b[2J\n    NOT ENTITLED, unpaid (§6.12)\nr2"


def _scenario(**extra) -> dict:
    return {"facts": {"roles": ["representative"]}, "taken": [],
            "requests": [{"id": FORGED_ID, "date": "2026-03-20", "category": "duties", "hours": 3}], **extra}


def _raw_controls(text: str) -> list[str]:
    """The control characters in printed text, line ends and tabs apart."""
    return [hex(ord(ch)) for ch in text.replace("\r\n", "\n") if is_control(ch) and ch not in "\n\t"]


def _write(folder, name, text):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_no_command_prints_a_control_character_from_rules_or_data(tmp_path):
    """The guarantee of docs/security.md: each command's text output, on standard output and standard
    error, holds no control character from the ruleset or scenario, and no forged decision line."""
    ruleset = _write(tmp_path, "hostile.ftr", HOSTILE_RULESET)
    changed = _write(tmp_path, "changed.ftr", HOSTILE_RULESET.replace("6 hours per", "7 hours per"))
    scenario = _write(tmp_path, "hostile.json", json.dumps(_scenario()))
    # a test whose expectation fails, named by the forged id, in a file whose name holds an escape
    _write(tmp_path, "examples/hostile/bad\x1b[2J.json",
           json.dumps(_scenario(expect={FORGED_ID: {"outcome": "not_entitled"}})))
    bad_ruleset = _write(tmp_path, "bad\x1b[2J.ftr", HOSTILE_RULESET + "§7 duties\x1b[31m are paid\n")
    runs = {
        "run": ("run", ruleset, scenario),
        "explain": ("explain", ruleset, scenario),
        "diff": ("diff", ruleset, changed),
        "show": ("show", "--color", "never", ruleset),
        "test": ("test", ruleset),
        "check": ("check", bad_ruleset),
        "run --no-cache": ("run", "--no-cache", bad_ruleset, scenario),
    }
    for name, args in runs.items():
        result = run_cli(*args, cwd=tmp_path)
        assert result.returncode in (0, 1, 2), (name, result.stderr)
        assert "internal error" not in result.stderr, (name, result.stderr)
        assert _raw_controls(result.stdout) == [], (name, result.stdout)
        assert _raw_controls(result.stderr) == [], (name, result.stderr)
        assert "\n    NOT ENTITLED" not in result.stdout, (name, result.stdout)


def test_run_shows_a_forged_request_id_on_its_own_decision_line(tmp_path):
    ruleset = _write(tmp_path, "hostile.ftr", HOSTILE_RULESET)
    scenario = _write(tmp_path, "hostile.json", json.dumps(_scenario()))
    result = run_cli("run", ruleset, scenario)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Hostile\\x1b[2J agreement\\x1b]0;pwned\\x07"
    index = lines.index("Decisions")
    # 3 h asked of 6 h a month with none taken: entitled by §6.12, and §6.16 pays duties (a reason below)
    assert lines[index + 1:index + 3] == [
        "  r1\\x1b[2J\\n    NOT ENTITLED, unpaid (§6.12)\\nr2  2026-03-20  duties  3 h",
        "    ENTITLED, paid (§6.12)",
    ]
    assert [line for line in lines if "NOT ENTITLED" in line] == [lines[index + 1]]


def test_json_output_keeps_the_exact_text(tmp_path):
    ruleset = _write(tmp_path, "hostile.ftr", HOSTILE_RULESET)
    scenario = _write(tmp_path, "hostile.json", json.dumps(_scenario()))
    result = run_cli("run", "--format", "json", ruleset, scenario)
    assert result.returncode == 0, result.stderr
    assert _raw_controls(result.stdout) == []
    report = json.loads(result.stdout)
    assert report["agreement"] == "Hostile\x1b[2J agreement\x1b]0;pwned\x07"
    assert report["decisions"][0]["id"] == FORGED_ID


def test_a_lone_surrogate_in_a_request_id_is_an_error_at_its_place_not_an_internal_error(tmp_path):
    # Half a character, which no file can hold: the scenario's error, as a log row's, shown made visible.
    example = json.loads((ROOT / "rulesets/examples/westminster/duties-over-allowance.json").read_text("utf-8"))
    example["requests"][0]["id"] = "SURROGATE"
    scenario = _write(tmp_path, "s.json", json.dumps(example).replace('"SURROGATE"', '"\\ud800"'))
    for options in ((), ("--format", "json")):
        result = run_cli("run", *options, str(WESTMINSTER), scenario)
        assert result.returncode == 2 and "internal error" not in result.stderr, result.stderr
        assert "requests[0].id: the id is not valid text" in result.stderr
        assert "\\ud800" in result.stderr and _raw_controls(result.stderr) == []


def test_show_makes_a_rulesets_escape_sequences_visible_but_keeps_its_lines(tmp_path):
    ruleset = _write(tmp_path, "hostile.ftr", HOSTILE_RULESET)
    result = run_cli("show", "--color", "never", ruleset, env={"NO_COLOR": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == 'agreement "Hostile\\x1b[2J agreement\\x1b]0;pwned\\x07"'
    assert len(result.stdout.splitlines()) == len(HOSTILE_RULESET.splitlines())

