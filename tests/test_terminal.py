"""At the terminal: colour, width and paging as a person sees them, in a real pseudo-terminal.

Each command is run under a pty whose window size is set (TIOCSWINSZ), at
80 and 120 columns, and what it prints is read back. Expected values come
from the text itself: the words of a wrapped line, put back together, are
the words of the line unwrapped; a line of a tree starts with the tree's
own lines; the outcome is coloured as its words say.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import RULESETS, WESTMINSTER, ftdsl_command, run_cli
from ftdsl.colour import paint, strip, style
from ftdsl.wrapping import text_width, wrap

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")

SCENARIO = RULESETS / "examples" / "westminster" / "duties-over-allowance.json"
RECOGNITION = RULESETS / "recognition-and-facilities.ftr"
TITLE = ("Agreement between the City of Westminster and Recognised Trade Unions in respect of Time Off and "
         "Facilities for Union Representatives")
ESCAPE = re.compile("\x1b\\[[0-9;]*m")


def terminal_env(**extra) -> dict:
    """The environment of a person at a terminal: no COLUMNS, LINES, NO_COLOR or pager of the test runner's."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("COLUMNS", "LINES", "NO_COLOR", "PAGER", "FTDSL_PAGER", "LESS")}
    env["TERM"] = "xterm-256color"
    env["FTDSL_PAGER"] = ""  # no pager unless a test gives one (less would wait for a key)
    env.update(extra)
    return {k: v for k, v in env.items() if v is not None}


def in_terminal(*args, width=80, cwd=None, **env) -> tuple[int, str]:
    """Run `ftdsl ARGS` with standard output and error on a pseudo-terminal `width` columns wide:
    (exit code, what appeared on it, line endings as \\n). The same run again is not run again."""
    key = (tuple(map(str, args)), width, str(cwd), tuple(sorted(env.items())))
    if key not in _RUNS or cwd is not None:
        _RUNS[key] = _in_terminal(*args, width=width, cwd=cwd, **env)
    return _RUNS[key]


_RUNS = {}


def _in_terminal(*args, width=80, cwd=None, **env) -> tuple[int, str]:
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, width, 0, 0))
    process = subprocess.Popen([*ftdsl_command(), *map(str, args)], stdin=subprocess.DEVNULL, stdout=follower,
                               stderr=follower, env=terminal_env(**env), cwd=cwd)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal is closed once every program on it has ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    code = process.wait(timeout=60)
    return code, b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def piped(*args, cwd=None, **env):
    return run_cli(*map(str, args), cwd=cwd, env=terminal_env(**env))


def words(text: str) -> list[str]:
    return text.split()


# ---- width --------------------------------------------------------------------------------------

@pytest.mark.parametrize("width", [80, 120])
def test_explain_fits_the_terminal_and_keeps_the_tree(width):
    code, shown = in_terminal("explain", WESTMINSTER, SCENARIO, width=width)
    assert code == 0
    lines = strip(shown).splitlines()
    assert max(text_width(strip(line)) for line in lines) <= width
    # The title, 131 characters, on two lines at either width, broken between two of its words.
    title_lines = lines[:lines.index("")]
    assert len(title_lines) == 2 and words(" ".join(title_lines)) == words(TITLE)
    # Inside the tree no line starts at column 0 with text: each starts with the tree's lines or its indentation.
    legend = lines.index("Marks:")  # after the tree, what its marks mean
    tree = lines[lines.index(next(line for line in lines if line.startswith("Request r1"))) + 1:legend]
    assert all(line == "" or line[0] in "│├└ " for line in tree)
    # §Standard's quotation (the last rule of a section that is not the last) is drawn under "│  " and the
    # rule's own indentation: opened at column 9, and every line it wraps onto at column 10.
    start = next(i for i, line in enumerate(lines) if "“Facilities Time is given solely" in line)
    assert lines[start].startswith("│        “Facilities")
    end = next(i for i in range(start, len(lines)) if lines[i].endswith("”"))
    assert end > start  # 238 characters: wrapped at either width
    for line in lines[start + 1:end + 1]:
        assert line.startswith("│         ") and line[10] != " "
    quoted = " ".join(line.strip("│ ") for line in lines[start:end + 1])
    assert quoted == ("“Facilities Time is given solely for the purpose of representing staff who are directly "
                      "employed by Westminster City Council or who are directly employed by an organisation which "
                      "operates under a delegated budget”")


def test_explain_at_80_breaks_the_long_rule_between_words():
    # "├─ ✗ §6.12 6 hours per month for duties: exceeded: 4 h taken + 3 h asked = 7 h > 6 h per month for
    # duties (March 2026)" is 116 columns: at 80 it takes two lines, the second under the rule's text.
    code, shown = in_terminal("explain", WESTMINSTER, SCENARIO, width=80)
    shown = strip(shown)
    lines = shown.splitlines()
    first = next(i for i, line in enumerate(lines) if "§6.12 6 hours per month for duties: exceeded" in line)
    assert lines[first].startswith("│  ├─ ✗ §6.12")
    assert lines[first + 1].startswith("│  │    ") and lines[first + 1][8] != " "
    joined = lines[first][len("│  ├─ "):] + " " + lines[first + 1][len("│  │    "):]
    assert words(joined) == words("✗ §6.12 6 hours per month for duties: exceeded: 4 h taken + 3 h asked = 7 h > "
                                  "6 h per month for duties (March 2026)")
    # A number keeps its unit: no line ends with "7" and starts the next with "h".
    assert not re.search(r" \d+\n│  │    h ", shown)


@pytest.mark.parametrize("width", [80, 120])
def test_run_wraps_reasons_under_the_reason(width):
    code, shown = in_terminal("run", WESTMINSTER, SCENARIO, width=width)
    assert code == 0
    lines = strip(shown).splitlines()
    assert max(text_width(strip(line)) for line in lines) <= width
    reason = ("- over the allowance: 4 h taken + 3 h asked = 7 h > 6 h per month for duties (March 2026) "
              "(§6.12)")  # 101 columns with its indentation of 4
    first = next(i for i, line in enumerate(lines) if line.startswith("    - over the allowance"))
    if width == 120:
        assert lines[first] == "    " + reason
    else:
        assert lines[first + 1].startswith("      ") and lines[first + 1][6] != " "
        assert words(lines[first] + " " + lines[first + 1]) == words(reason)


def test_columns_sets_the_width_and_piped_output_is_80_wide():
    code, at_100 = in_terminal("explain", WESTMINSTER, SCENARIO, width=120, COLUMNS="100")
    assert max(text_width(strip(line)) for line in at_100.splitlines()) <= 100
    assert any(text_width(line) > 80 for line in at_100.splitlines())
    result = piped("explain", WESTMINSTER, SCENARIO)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80 and any(len(line) > 70 for line in lines)


def _quotation_rulesets(folder):
    quote = ("Recognised representatives are entitled to up to six hours each month for their duties, which "
             "management will not unreasonably refuse where the service allows")
    body = textwrap.dedent("""\
        roles: representative
        categories: duties
        fact roles: list of roles

        §6.12 representative may take up to {hours} hours per month for duties
            says "{quote}"
        """)
    (folder / "old.ftr").write_text(body.format(hours=6, quote=quote), encoding="utf-8")
    (folder / "new.ftr").write_text(body.format(hours=4, quote=quote), encoding="utf-8")
    return quote


@pytest.mark.parametrize("width", [80, 120])
def test_diff_wraps_quotations_under_the_quotation(tmp_path, width):
    quote = _quotation_rulesets(tmp_path)
    code, shown = in_terminal("diff", "old.ftr", "new.ftr", width=width, cwd=tmp_path)
    assert code == 0
    lines = strip(shown).splitlines()
    assert max(text_width(strip(line)) for line in lines) <= width
    for label in ("old", "new"):
        start = next(i for i, line in enumerate(lines) if line.startswith(f'    {label} says "'))
        end = next(i for i in range(start, len(lines)) if lines[i].endswith('"'))
        assert end > start  # 163 characters of quotation: wrapped at either width
        for line in lines[start + 1:end + 1]:  # under the quotation, never at column 0
            assert line.startswith(" " * 10) and line[10] != " "
        assert words(" ".join(lines[start:end + 1])) == words(f'{label} says "{quote}"')
    # Who the change favours: 6 hours a month down to 4 is less for representatives.
    assert "    less generous to representatives" in lines


# ---- colour -------------------------------------------------------------------------------------

def test_outcomes_are_coloured_on_a_terminal_and_not_when_piped():
    code, shown = in_terminal("run", WESTMINSTER, SCENARIO)
    # The request is DISCRETIONARY: its words in bold yellow, and nothing else changed.
    assert "\x1b[1;33mDISCRETIONARY (for management to agree)\x1b[0m, paid" in shown
    result = piped("run", WESTMINSTER, SCENARIO)
    assert "\x1b" not in result.stdout
    assert strip(shown) == result.stdout

    code, shown = in_terminal("explain", WESTMINSTER, SCENARIO)
    assert "\x1b[1;33mDISCRETIONARY (for management to agree)\x1b[0m" in shown
    assert "\x1b[1;32mENTITLED\x1b[0m if 1 h fewer were asked (2 h)" in shown  # the change that would make it so
    assert "\x1b[31m✗\x1b[0m §6.12" in shown and "\x1b[32m✓\x1b[0m §4.2" in shown
    # A rule that leaves the person out is dim, a note that changes nothing is yellow, an assumption cyan.
    assert "\x1b[2m·\x1b[0m §6.3" in shown and "\x1b[1;33m!\x1b[0m §5.2" in shown
    assert "\x1b[36m?\x1b[0m assumed 'representing directly employed staff' is yes" in shown
    assert strip(shown) == piped("explain", WESTMINSTER, SCENARIO).stdout


def test_no_color_and_the_option():
    assert "\x1b" not in in_terminal("run", WESTMINSTER, SCENARIO, NO_COLOR="1")[1]
    assert "\x1b" not in in_terminal("run", WESTMINSTER, SCENARIO, "--color", "never")[1]
    assert "\x1b" not in in_terminal("run", WESTMINSTER, SCENARIO, "--colour", "never")[1]
    # Asked for outright, colour is given even when piped, and even with NO_COLOR (no-color.org: an option wins).
    always = piped("run", WESTMINSTER, SCENARIO, "--color", "always", NO_COLOR="1").stdout
    assert "\x1b[1;33mDISCRETIONARY" in always
    assert strip(always) == piped("run", WESTMINSTER, SCENARIO).stdout
    assert "\x1b" not in in_terminal("run", WESTMINSTER, SCENARIO, TERM="dumb")[1]


def test_diff_directions_are_coloured(tmp_path):
    _quotation_rulesets(tmp_path)
    code, shown = in_terminal("diff", "old.ftr", "new.ftr", cwd=tmp_path)
    assert "\x1b[31mless generous to representatives\x1b[0m" in shown  # what representatives lose, in red
    code, shown = in_terminal("diff", "new.ftr", "old.ftr", cwd=tmp_path)
    assert "\x1b[32mmore generous to representatives\x1b[0m" in shown  # and the other way, what they gain
    assert strip(shown) == piped("diff", "new.ftr", "old.ftr", cwd=tmp_path).stdout


def test_errors_and_warnings_are_coloured(tmp_path):
    (tmp_path / "bad.ftr").write_text("roles: representative\ncategories: duties\nfact roles: list of roles\n"
                                      "§1 steward may take up to 6 hours per month for duties\n", encoding="utf-8")
    code, shown = in_terminal("check", "bad.ftr", cwd=tmp_path)
    assert code == 1
    assert re.search(r"bad\.ftr:4:\d+: \x1b\[1;31merror E\d+\x1b\[0m: ", shown)
    assert re.search("bad\\.ftr: \x1b\\[1;31m1 error\x1b\\[0m", shown)
    result = piped("check", "bad.ftr", cwd=tmp_path)
    assert "\x1b" not in result.stdout + result.stderr
    assert strip(shown) == result.stdout and result.stderr == ""
    # Every command's errors: a scenario that cannot be read, a usage error, on a terminal only.
    code, shown = in_terminal("run", WESTMINSTER, "missing.json", cwd=tmp_path)
    assert code == 2 and "\x1b[1;31merror E001\x1b[0m" in shown
    code, shown = in_terminal("explain", WESTMINSTER, cwd=tmp_path)
    assert code == 2 and "\x1b[1;31mError\x1b[0m: Missing argument" in shown
    assert "\x1b" not in in_terminal("explain", WESTMINSTER, "--color", "never", cwd=tmp_path)[1]


def test_a_files_own_escape_sequences_are_shown_not_obeyed(tmp_path):
    ruleset = (tmp_path / "r.ftr")
    ruleset.write_text(WESTMINSTER.read_text(encoding="utf-8").replace(
        "All union representatives must be employees", "All union \x1b[2J\x1b[31mrepresentatives must be employees"),
        encoding="utf-8")
    code, shown = in_terminal("explain", ruleset, SCENARIO, width=120)
    assert code == 0
    assert "All union \\x1b[2J\\x1b[31mrepresentatives" in shown
    assert "\x1b[2J" not in shown
    # The only escapes sent are colours of ftdsl's own styles.
    assert set(ESCAPE.findall(shown)) <= {"\x1b[0m", "\x1b[1m", "\x1b[1;31m", "\x1b[1;32m", "\x1b[1;33m",
                                          "\x1b[31m", "\x1b[32m", "\x1b[2m", "\x1b[36m"}
    assert "\x1b" not in ESCAPE.sub("", shown)


# ---- paging -------------------------------------------------------------------------------------

@pytest.fixture
def recording_pager(tmp_path):
    """A pager that records what it was given, and whether its own output is the terminal."""
    script = tmp_path / "pager.sh"
    record = tmp_path / "paged.txt"
    script.write_text(f'#!/bin/sh\n[ -t 1 ] && echo terminal > "{record}.tty"\ncat > "{record}"\n', encoding="utf-8")
    script.chmod(0o755)
    return str(script), record


def test_long_output_goes_through_the_pager_on_a_terminal(tmp_path, recording_pager):
    script, record = recording_pager
    _quotation_rulesets(tmp_path)
    code, shown = in_terminal("diff", "old.ftr", "new.ftr", cwd=tmp_path, FTDSL_PAGER=script)
    assert code == 0
    paged = record.read_text(encoding="utf-8")
    assert paged.startswith("ftdsl diff old.ftr → new.ftr\n")
    assert "\x1b[31mless generous to representatives\x1b[0m" in paged  # coloured for the terminal it shows on
    assert (tmp_path / "paged.txt.tty").exists()
    assert "ftdsl diff" not in shown  # all of it went to the pager
    # PAGER when FTDSL_PAGER is not set; FTDSL_PAGER first; --no-pager, empty and cat for none.
    record.unlink()
    in_terminal("test", RULESETS / "westminster.ftr", PAGER=script, FTDSL_PAGER=None)
    assert record.read_text(encoding="utf-8").startswith(f"{RULESETS / 'westminster.ftr'}\n")
    record.unlink()
    in_terminal("test", RULESETS / "westminster.ftr", PAGER="/bin/false", FTDSL_PAGER=script)
    assert record.exists()
    record.unlink()
    for options, pager in ((("--no-pager",), script), ((), "cat"), ((), "")):
        code, shown = in_terminal("test", *options, RULESETS / "westminster.ftr", FTDSL_PAGER=pager, PAGER=script)
        assert not record.exists() and "coverage:" in shown


def test_check_and_show_allowances_are_paged(tmp_path, recording_pager):
    script, record = recording_pager
    (tmp_path / "bad.ftr").write_text("roles: representative\nnonsense here\n", encoding="utf-8")
    code, shown = in_terminal("check", tmp_path, FTDSL_PAGER=script)
    assert code == 1
    paged = record.read_text(encoding="utf-8")
    # The findings and the count, in the order they would have been printed, both in the pager.
    assert re.search(r"bad\.ftr:2:1: .*error E1\d\d.*\n(.|\n)*bad\.ftr: .*1 error", paged)
    record.unlink()
    code, shown = in_terminal("show", "--allowances", WESTMINSTER, FTDSL_PAGER=script)
    assert code == 0 and record.read_text(encoding="utf-8").startswith("Agreement between the City")


def test_never_paged_when_piped(tmp_path, recording_pager):
    script, record = recording_pager
    result = piped("test", RULESETS / "westminster.ftr", FTDSL_PAGER=script)
    assert result.returncode == 0 and "coverage:" in result.stdout
    assert not record.exists()


def test_a_missing_pager_prints_and_a_pager_quit_early_is_no_error(tmp_path):
    code, shown = in_terminal("test", RULESETS / "westminster.ftr", FTDSL_PAGER="/no/such/pager --flag")
    assert code == 0 and "coverage:" in shown
    # A pager that reads nothing and ends at once, as a person pressing q: no error, no traceback, exit as usual.
    quitter = tmp_path / "quit.sh"
    quitter.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    quitter.chmod(0o755)
    code, shown = in_terminal("diff", WESTMINSTER, RECOGNITION, FTDSL_PAGER=str(quitter))
    assert code == 0 and shown == ""


# ---- colour adds escapes and nothing else ---------------------------------------------------------

# Text as renderers mark it: after display.visible(), which leaves no control character in it.
_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
_STYLED = st.lists(st.tuples(_TEXT, st.sampled_from([None, "error", "entitled", "gain", "heading"])), max_size=8)


@given(_STYLED, st.integers(min_value=1, max_value=120), st.text(" │├─", max_size=8))
def test_colour_stripped_is_the_text_without_colour(parts, width, prefix):
    text = "".join(part if name is None else style(part, name) for part, name in parts)
    lines = "\n".join(wrap(text, width, prefix, prefix + "  "))
    assert strip(paint(lines, True)) == paint(lines, False)
    # Wrapping changes only where lines break: each line after its prefix, put together, is the text.
    plain = paint(lines, False).split("\n")
    assert plain[0].startswith(prefix) and all(line.startswith(prefix + "  ") for line in plain[1:])
    rejoined = " ".join([plain[0][len(prefix):]] + [line[len(prefix) + 2:] for line in plain[1:]])
    assert rejoined.split() == paint(text, False).split()


_REASON = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@given(st.lists(_REASON, max_size=4), _REASON, st.sampled_from(["entitled", "discretionary", "not_entitled"]),
       st.integers(min_value=20, max_value=140))
def test_a_report_coloured_and_stripped_is_the_report_plain(reasons, request_id, outcome, width):
    from ftdsl.report import to_text

    report = {"agreement": "An agreement " + request_id, "decisions": [
        {"id": request_id, "date": "2026-03-20", "category": "duties", "hours": 3, "outcome": outcome,
         "paid": True, "clauses": ["6.12"], "reasons": reasons}]}
    coloured = to_text(report, "r.ftr", request_id, width=width, colour=True)
    assert strip(coloured) == to_text(report, "r.ftr", request_id, width=width)
    assert "\x1b" not in ESCAPE.sub("", coloured)  # the report's own text brings no escape of its own


@given(_REASON, st.sampled_from(["error", "warning"]))
def test_a_diagnostic_coloured_and_stripped_is_the_diagnostic_plain(message, severity):
    from ftdsl.errors import Diagnostic, Span, render_diagnostic

    diagnostic = Diagnostic("E201", message, Span("r.ftr", 1, 3, 1, 6), hint=message, severity=severity)
    source = "§1 " + message + "\n"
    coloured = render_diagnostic(diagnostic, source, colour=True)
    assert strip(coloured) == render_diagnostic(diagnostic, source)
    assert "\x1b" not in ESCAPE.sub("", coloured)


def test_explain_json_and_run_json_are_never_coloured():
    code, shown = in_terminal("run", WESTMINSTER, SCENARIO, "--format", "json", "--color", "always")
    assert "\x1b" not in shown and json.loads(shown)["decisions"][0]["outcome"] == "discretionary"


# ---- the documentation ----------------------------------------------------------------------------

def _code_blocks(page: str, fence: str = "") -> list[str]:
    from conftest import ROOT

    return re.findall(f"```{fence}\n(.*?)```", (ROOT / page).read_text(encoding="utf-8"), re.S)


def test_the_explain_example_is_what_ftdsl_prints_at_80_columns():
    from conftest import ROOT

    page = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    [block] = re.findall(r"```\n(\$ ftdsl explain .*?)```", page, re.S)
    command, *shown = block.splitlines()
    result = run_cli(*command.split()[2:], cwd=ROOT, env={"COLUMNS": "", "NO_COLOR": "1"})
    assert result.returncode == 0
    printed = result.stdout.splitlines()
    # Each run of lines between the page's "..." is printed as it is, in the page's order.
    position = 0
    runs = "\n".join(shown).split("\n...\n")
    for run in runs:
        lines = run.splitlines()
        found = next(i for i in range(position, len(printed)) if printed[i:i + len(lines)] == lines)
        position = found + len(lines)


def test_the_readme_terminal_example_runs(tmp_path):
    from conftest import ROOT

    [command] = [b.strip() for b in _code_blocks("README.md", "sh") if "--no-pager" in b]
    result = run_cli(*command.split()[1:], cwd=ROOT, env={"COLUMNS": ""})
    assert result.returncode == 0 and result.stdout.startswith("ftdsl diff rulesets/westminster.ftr → ")
    assert "\x1b" not in result.stdout
    # At 80 columns: only a line that is one word (a name with no spaces) may be wider.
    assert all(len(line) <= 80 or " " not in line.strip() or len(line.strip().split(" ")[-1]) > 40
               for line in result.stdout.splitlines())


def test_the_testing_page_example_runs():
    from conftest import ROOT

    [line] = [line for block in _code_blocks("docs/testing.md") for line in block.splitlines()
              if "--no-pager" in line]
    command = line.split("#")[0].split()
    result = run_cli(*command[1:], cwd=ROOT)
    assert result.returncode == 0 and "\x1b" not in result.stdout and "coverage:" in result.stdout


# ---- ftdsl test at the terminal -------------------------------------------------------------------------


@pytest.mark.parametrize("width", [80, 120])
def test_test_lists_each_test_coloured_and_wrapped_to_the_terminal(width):
    from conftest import ROOT

    # From the checkout, as a user there types the paths: the heading names both rulesets.
    args = ("test", "-v", "--no-coverage", "rulesets/westminster.ftr", "--against", "rulesets/variations/westminster-2026.ftr")
    code, shown = in_terminal(*args, width=width, cwd=ROOT)
    assert code == 0
    plain = strip(shown).splitlines()
    assert max(text_width(line) for line in plain) <= width
    heading = "rulesets/variations/westminster-2026.ftr, deciding the examples of rulesets/westminster.ftr"
    if width == 120:
        assert plain[0] == heading
    else:  # too long for 80: broken between words, the rest under it
        assert words(" ".join(plain[:2])) == words(heading) and plain[1][0] != " "
    tests = [line for line in plain if line.startswith("  ok ")]
    assert len(tests) == 23 and plain[-1] == "23 passed"
    assert shown.count("\x1b[32mok\x1b[0m") == 23
    assert strip(shown) == piped(*args, cwd=ROOT, COLUMNS=str(width)).stdout  # colour adds nothing else


@pytest.mark.parametrize("width", [80, 120])
def test_quiet_at_the_terminal_shows_the_failure_alone(tmp_path, width):
    folder = tmp_path / "examples" / "westminster"
    folder.mkdir(parents=True)
    (tmp_path / "westminster.ftr").write_text(WESTMINSTER.read_text(encoding="utf-8"), encoding="utf-8")
    passing = json.loads(SCENARIO.read_text(encoding="utf-8"))
    (folder / "passes.json").write_text(json.dumps(passing), encoding="utf-8")
    failing = dict(passing, expect={"r1": {"outcome": "entitled"}})  # 4 h taken + 3 h > 6 h: not all of it
    (folder / "fails.json").write_text(json.dumps(failing), encoding="utf-8")
    code, shown = in_terminal("test", "-q", "westminster.ftr", width=width, cwd=tmp_path)
    assert code == 1
    lines = strip(shown).splitlines()
    assert lines[:3] == ["westminster.ftr", "  FAIL  examples/westminster/fails.json",
                         '        request r1: outcome: expected "entitled", got "discretionary"']
    assert lines[-1] == "1 passed, 1 failed"
    assert max(text_width(line) for line in lines) <= width
    assert "\x1b[1;31mFAIL\x1b[0m" in shown and " ok " not in strip(shown)
