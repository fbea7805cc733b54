"""Fuzzing: whatever text or JSON arrives, ftdsl ends in a result or its own error.

Three properties, each run by hypothesis:

(a) rulesets generated from the AST, printed and parsed back, are equal
    (needs the printer and the shared AST strategy in tests/strategies.py);
(b) mutations of the shipped rulesets (tokens and lines deleted, duplicated
    or swapped, random characters inserted) raise only FtdslError, never
    another exception, and each finishes within a time bound;
(c) random JSON in every field of a scenario gives a decision or an
    FtdslError with a message, never another exception.

Examples per property (see conftest.py for the profiles):

    property                      profile 'ci'   profile 'long'
    (a) print/parse round trip    100            5000
    (b) ruleset mutations         300            20000
    (c) random scenario JSON      300            5000

The CI figures keep this file to well under a minute on two cores. For a
deliberate run: `FTDSL_HYPOTHESIS=long pytest tests/test_fuzz.py` (or
`pytest --hypothesis-profile=long tests/test_fuzz.py`). The last long run
and what it found are recorded in docs/security.md.
"""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ftdsl
from ftdsl.builder import parse
from ftdsl.errors import FtdslError
from ftdsl.printer import print_ruleset
from strategies import rulesets  # tests/ is on the path under pytest

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted(p for p in (ROOT / "rulesets").rglob("*.ftr"))


def examples(ci: int, long: int) -> int:
    """How many examples a property runs: `ci` by default, `long` under the long profile."""
    return long if settings.get_current_profile_name() == "long" else ci


# Generous: a mutated Westminster parses, checks and compiles in well under
# a tenth of a second; a hang or a quadratic blow-up would take far longer.
TIME_BOUND_SECONDS = 5.0


def _load(text: str):
    return ftdsl.load_ruleset_text(text, "mutant.ftr")


def _only_ftdsl_errors(text: str) -> None:
    started = time.perf_counter()
    try:
        ruleset = _load(text)
    except FtdslError as error:
        rendered = error.render()
        assert rendered.strip(), "an FtdslError must say what is wrong"
        assert "Traceback" not in rendered
    else:
        assert ruleset.program is not None
    elapsed = time.perf_counter() - started
    assert elapsed < TIME_BOUND_SECONDS, f"took {elapsed:.1f} s"


# ---- (a) print and parse back ------------------------------------------------

@settings(max_examples=examples(100, 5000), suppress_health_check=list(HealthCheck))
@given(rulesets())
def test_printed_rulesets_parse_back_equal(ast):
    text = print_ruleset(ast)
    assert parse(text) == ast, text


# ---- (b) mutations of the shipped rulesets --------------------------------------

def _shipped_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in SHIPPED]


_TEXTS = _shipped_texts()

# Characters worth inserting: the grammar's punctuation, Word's typography,
# line breaks and indentation, and a few that are trouble anywhere.
_NASTY = list("§:,()\"'#-–—+=<>≤≥≠\t\n\r ") + ["\u00a0", "\u201c", "\u201d", "\u2019", "\ufeff", "\u200b",
                                                "\x00", "\x1b", "\u2028", "\\", "{", "}", "%s", "0", "9", "10" * 60]


@st.composite
def mutants(draw) -> str:
    text = draw(st.sampled_from(_TEXTS))
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        how = draw(st.sampled_from(["delete line", "duplicate line", "swap lines", "delete token", "duplicate token",
                                    "swap tokens", "insert", "truncate"]))
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        if how == "delete line":
            del lines[i]
        elif how == "duplicate line":
            lines.insert(i, lines[i])
        elif how == "swap lines":
            lines[i], lines[j] = lines[j], lines[i]
        elif how == "truncate":
            lines = lines[: i + 1]
            lines[-1] = lines[-1][: draw(st.integers(0, len(lines[-1])))]
        else:
            tokens = lines[i].split(" ")
            k = draw(st.integers(0, len(tokens) - 1))
            if how == "delete token":
                del tokens[k]
            elif how == "duplicate token":
                tokens.insert(k, tokens[k])
            elif how == "swap tokens":
                m = draw(st.integers(0, len(tokens) - 1))
                tokens[k], tokens[m] = tokens[m], tokens[k]
            else:
                word = tokens[k]
                at = draw(st.integers(0, len(word)))
                extra = draw(st.one_of(st.sampled_from(_NASTY), st.text(min_size=1, max_size=3)))
                tokens[k] = word[:at] + extra + word[at:]
            lines[i] = " ".join(tokens)
    return "\n".join(lines)


@settings(max_examples=examples(300, 20000))
@given(mutants())
def test_mutated_rulesets_raise_only_ftdsl_errors(text):
    _only_ftdsl_errors(text)


_PIECES = list("§ab1.:,()\"#-– \n\t") + ["when ", "not ", "and ", "or ", "is ", "may take up to ", "per ", "hours ",
                                        "categories: ", "fact ", ": count", "\n    "]


@settings(max_examples=examples(100, 5000))
@given(st.lists(st.sampled_from(_PIECES), max_size=60).map("".join))
def test_random_text_raises_only_ftdsl_errors(text):
    _only_ftdsl_errors(text)


# ---- (c) random JSON in every scenario field --------------------------------------

BASE_SCENARIO = {
    "facts": {"roles": ["representative"], "staff group": "non-teaching", "employed by council": True,
              "branch members": 700, "school members": 20},
    "taken": [{"date": "2026-03-02", "category": "duties", "hours": 2}],
    "requests": [{"id": "r1", "date": "2026-03-20", "category": "duties", "hours": 3, "notice days": 10,
                  "purpose": "a grievance hearing", "location": "City Hall"}],
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
    | st.sampled_from(["2026-02-30", "2026-03-20", "duties", "yes", "representative", "", "1e999", "-1"])
    | st.sampled_from([10 ** 100, -(10 ** 100), 1e308, -0.0, 2 ** 63]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=10,
)


def _paths(value, prefix=()):
    """Every place in the base scenario a value can be replaced, or a key added."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, prefix + (index,))


SCENARIO_PATHS = list(_paths(BASE_SCENARIO))


def _replace(data, path, value):
    if not path:
        return value
    data = copy.deepcopy(data)
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return data


@pytest.fixture(scope="module")
def westminster_ruleset():
    return ftdsl.load_ruleset(str(ROOT / "rulesets" / "westminster.ftr"))


def _decide_or_error(ruleset, scenario):
    try:
        report = ruleset.decide(scenario, "scenario.json")
    except FtdslError as error:
        rendered = error.render()
        assert "error E3" in rendered, rendered
        return None
    json.dumps(report)  # a decision can always be printed
    return report


def test_the_base_scenario_is_decided(westminster_ruleset):
    assert _decide_or_error(westminster_ruleset, BASE_SCENARIO) is not None


@settings(max_examples=examples(300, 5000), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(SCENARIO_PATHS), value=json_values, add=st.booleans(), key=st.text(max_size=10))
def test_random_json_in_scenario_fields(westminster_ruleset, path, value, add, key):
    scenario = _replace(BASE_SCENARIO, path, value)
    if add:  # an extra field next to the replaced one
        parent = _replace(BASE_SCENARIO, (), BASE_SCENARIO)
        target = parent
        for step in path[:-1]:
            target = target[step]
        if isinstance(target, dict):
            target[key] = value
            scenario = parent
    _decide_or_error(westminster_ruleset, scenario)
