"""The semantic diff: two rulesets in, their changes (and the decisions that differ) out."""

from __future__ import annotations

import json
import re
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ftdsl
from conftest import RULESETS, WESTMINSTER, run_cli
from ftdsl.diff import (ADDED, CHANGED, DECISION, LESS, MORE, NEUTRAL, REMOVED, behaviour, diff, generate_scenarios,
                        per_year)
from ftdsl.model import Period

RECOGNITION = RULESETS / "recognition-and-facilities.ftr"
SHIPPED = sorted(RULESETS.glob("*.ftr"))


def load_text(text: str, name: str = "<test>"):
    return ftdsl.load_ruleset_text(text, name)


@pytest.fixture(scope="module")
def recognition():
    return ftdsl.load_ruleset(str(RECOGNITION))


@pytest.fixture(scope="module")
def westminster_text():
    return WESTMINSTER.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def eight_hours(westminster_text):
    varied = westminster_text.replace("up to 6 hours per month for duties", "up to 8 hours per month for duties")
    assert varied != westminster_text
    return load_text(varied, "westminster-8h.ftr")


# ---- identity --------------------------------------------------------------------

@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_a_ruleset_against_itself_is_empty(path):
    ruleset = ftdsl.load_ruleset(str(path))
    assert diff(ruleset.model, ruleset.model) == []
    assert behaviour(ruleset.program, ruleset.program,
                     [(g.name, g.old, g.new) for g in generate_scenarios(ruleset.model, ruleset.model)])[0] == []


def _blocks(text: str) -> tuple[list[str], list[str]]:
    """Header lines and rule blocks (a rule with its indented lines and the comments above it)."""
    header, blocks, pending = [], [], []
    for line in text.splitlines():
        if line.startswith((" ", "\t")) and blocks:
            blocks[-1].append(line)
        elif not line.strip() or line.startswith("#"):
            pending.append(line)
        elif line.startswith("§"):
            blocks.append([*pending, line])
            pending = []
        else:
            header += [*pending, line]
            pending = []
    return header, ["\n".join(b) for b in blocks]


def test_reordered_and_reformatted_is_no_change(westminster, westminster_text):
    header, blocks = _blocks(westminster_text)
    reworded = []
    for block in reversed(blocks):
        # "§6.12" and "clause 6.12" are one reference; keywords are case-insensitive; spacing is free.
        block = re.sub(r"^§(\d[\d.]*)", r"clause \1", block, flags=re.M)
        block = block.replace(" may take ", "  MAY  TAKE  ").replace(" are paid", " ARE PAID")
        reworded.append(block + "\n\n")
    roles = next(i for i, line in enumerate(header) if line.startswith("roles:"))
    names = header[roles].split(":", 1)[1].split(",")
    header[roles] = "roles: " + ", ".join(n.strip() for n in reversed(names))
    text = "\n".join(reversed(header)) + "\n\n" + "".join(reworded)
    other = load_text(text, "reordered.ftr")
    assert other.text != westminster.text
    assert diff(westminster.model, other.model) == []


# ---- normalisation -------------------------------------------------------------------

def test_per_year():
    # Counted as docs/allowances.md says: the most a rule allows in every year, periods counted as run counts
    # them. Every year touches 53 Monday-to-Sunday weeks (a year of 52 weeks and a day or two, with the week
    # it starts in and the week it ends in), so a weekly amount counts 53 times, not 52.
    assert per_year(Fraction(6), Period("month")) == 72
    assert per_year(Fraction(2), Period("week")) == 106  # 2 h x 53 weeks
    assert per_year(Fraction(36), Period("year")) == 36
    assert per_year(Fraction(10), Period("rolling", 6, "months")) == 20  # 1 January and 1 July
    # Days 1, 8, ..., 365 of a year (1 + 52 x 7 = 365): 53 windows of 7 days, not 365/7.
    assert per_year(Fraction(1), Period("rolling", 7, "days")) == 53
    assert per_year(Fraction(6), Period("month"), (4, 6)) == 78  # a year from 6 April touches 13 months


def test_days_use_each_sides_own_day():
    old = load_text("a working day is 7 hours 12 minutes\nroles: rep\ncategories: duties\nfact roles: list of roles\n"
                    "§1 rep may take up to 6 hours per month for duties\n")
    new = load_text("a working day is 7 hours 12 minutes\nroles: rep\ncategories: duties\nfact roles: list of roles\n"
                    "§1 rep may take up to 1 day per month for duties\n")
    [change] = diff(old.model, new.model)
    assert (change.old_per_year, change.new_per_year, change.direction) == (72, Fraction(432, 5), MORE)


# ---- the variation of §6.12 ---------------------------------------------------------

def test_six_to_eight_hours_is_one_change(westminster, eight_hours):
    [change] = diff(westminster.model, eight_hours.model)
    assert change.kind == CHANGED and change.aspect == "time"
    assert (change.old_per_year, change.new_per_year) == (72, 96)
    assert change.direction == MORE
    assert change.old_clauses == change.new_clauses == ("6.12",)
    assert "6 hours per month" in change.old and "8 hours per month" in change.new


def test_six_to_eight_hours_flips_generated_scenarios(westminster, eight_hours):
    generated = generate_scenarios(westminster.model, eight_hours.model)
    decisions, problems = behaviour(westminster.program, eight_hours.program,
                                    [(g.name, g.old, g.new) for g in generated])
    assert problems == []
    flips = {(c.note.split(" of ")[0], c.old, c.new) for c in decisions}
    assert ("7 h", "discretionary, paid", "entitled, paid") in flips
    assert all(c.kind == DECISION and c.direction == MORE for c in decisions)
    # Both sides decide every generated scenario: they share their vocabulary.
    assert all(g.old == g.new for g in generated)


# ---- Westminster against the recognition agreement ------------------------------------

def test_westminster_against_recognition(westminster, recognition):
    changes = diff(westminster.model, recognition.model)
    activities = [c for c in changes if c.aspect == "pay" and "activities" in c.key and c.kind == CHANGED]
    assert [(c.old, c.new, c.direction) for c in activities] == [
        ("paid subject to management agreement", "unpaid", LESS)]
    assert activities[0].old_clauses == ("5.5",)
    assert activities[0].new_clauses == ("Time off for trade union activities",)
    [limit] = [c for c in changes if c.aspect == "limit"]
    assert limit.kind == ADDED and "in any 12 months" in limit.new and "national executive duties" in limit.key
    assert limit.new_per_year == Fraction(333, 5) and limit.direction == LESS
    mirrored = diff(recognition.model, westminster.model)
    assert set(mirrored) == {c.mirrored() for c in changes}


# ---- band tables ----------------------------------------------------------------------

def test_band_tables_compare_over_the_whole_domain(westminster, westminster_text):
    recut = westminster_text.replace("    251 – 500: 0.5 FTE\n", "    251 – 300: 0.5 FTE\n    301 – 500: 0.5 FTE\n")
    assert recut != westminster_text
    assert diff(westminster.model, load_text(recut).model) == []
    lowered = westminster_text.replace("    251 – 500: 0.5 FTE\n", "    251 – 400: 0.4 FTE\n    401 – 500: 0.5 FTE\n")
    [change] = diff(westminster.model, load_text(lowered).model)
    assert (change.aspect, change.key, change.old, change.new, change.direction) == (
        "band", "branch secretary release for 251–400 branch members", "0.5 FTE", "0.4 FTE", LESS)
    assert (change.old_per_year, change.new_per_year) == (954, Fraction(3816, 5))  # x 36 h x 53 weeks


def test_band_continuation_rows(westminster, westminster_text):
    no_more = westminster_text.replace("    then a further 0.5 FTE for every further 500 members\n", "")
    changes = diff(westminster.model, load_text(no_more).model)
    assert [c.key for c in changes] == ["branch secretary release for 3001–3500 branch members",
                                        "branch secretary release for 3501–4000 branch members",
                                        "branch secretary release for 4001 or more branch members"]
    assert all(c.direction == LESS for c in changes)
    assert changes[0].old == "3.5 FTE" and changes[0].new == "no band"


# ---- mirror property over generated rulesets --------------------------------------------

CATEGORIES = ["duties", "training", "activities"]
ROLES = ["rep", "convenor"]


@st.composite
def rulesets(draw):
    lines = [f"a working day is {draw(st.sampled_from(['7 hours 12 minutes', '7 hours 24 minutes']))}",
             f"a working week is {draw(st.sampled_from(['36 hours', '37 hours']))}",
             "roles: rep, convenor", "categories: duties, training, activities",
             "fact roles: list of roles", "fact works flexibly: yes/no", "fact branch members: count"]
    category = st.sampled_from(CATEGORIES)
    who = st.sampled_from(["rep", "convenor", "rep, convenor", "anyone"])
    when = st.sampled_from(["", "\n    when works flexibly", "\n    when not works flexibly"])
    statements = st.one_of(
        st.builds(lambda w, h, p, c, k: f"{w} may take up to {h} hours per {p} for {c}{k}", who,
                  st.integers(1, 12), st.sampled_from(["week", "month", "year"]), category, when),
        st.builds(lambda w, c, k: f"{w} may take reasonable time for {c}{k}", who, category, when),
        st.builds(lambda w, c: f"{w} may be granted time for {c}", who, category),
        st.builds(lambda c, d, n: f"{c} is limited to {d} days in any {n} months", category, st.integers(1, 10),
                  st.sampled_from([6, 12])),
        st.builds(lambda c, p, o: f"{c} {o}are {p}", category,
                  st.sampled_from(["paid", "unpaid", "paid subject to management agreement"]),
                  st.sampled_from(["", "outside working hours "])),
        st.builds(lambda c, f, w: f"requests for {c} {f} give at least {w} weeks' notice", category,
                  st.sampled_from(["must", "should"]), st.integers(1, 6)),
        st.builds(lambda c, p: f"additional time for {c} may be granted{p}", category,
                  st.sampled_from(["", " case by case", ", with or without pay", ", without pay"])),
        st.builds(lambda c, k: f"time off for {c} is given only when {k}", category,
                  st.sampled_from(["works flexibly", "not works flexibly"])),
    )
    body = draw(st.lists(statements, max_size=7))
    if draw(st.booleans()):
        cuts = sorted(draw(st.sets(st.integers(1, 60), min_size=1, max_size=4)))
        lows = [0, *cuts]
        rows = []
        for index, low in enumerate(lows):
            value = Fraction(draw(st.integers(0, 10)), 10)
            if index + 1 < len(lows):
                rows.append(f"    {low} – {lows[index + 1] - 1}: {float(value)} FTE")
            elif draw(st.booleans()):
                rows.append(f"    {low} – {low + 9}: {float(value)} FTE")
                rows.append(f"    then a further {draw(st.sampled_from(['0.1', '0.5']))} FTE for every further "
                            f"{draw(st.sampled_from([5, 10]))} members")
            else:
                rows.append(f"    {low} or more: {float(value)} FTE")
        body.append("release is by branch members:\n" + "\n".join(rows))
        body.append("convenor may take up to release per week for duties")
    return "\n".join(lines) + "\n" + "".join(f"§{i + 1} {s}\n" for i, s in enumerate(body))


def _statements(text: str) -> list[str]:
    """A ruleset's statements: each line at column one with the indented lines under it."""
    statements = []
    for line in text.splitlines(keepends=True):
        if line.startswith("    ") and statements:
            statements[-1] += line
        else:
            statements.append(line)
    return statements


@settings(max_examples=40)
@given(rulesets(), st.randoms(use_true_random=False))
def test_reordered_and_reformatted_rulesets_mean_the_same(text, random):
    from ftdsl.formatter import format_text

    statements = _statements(text)
    random.shuffle(statements)
    # Reworded where the language allows it: keywords in capitals, "§" as "clause ".
    moved = "".join(statements).replace("§", "clause ").replace(" may take ", " MAY TAKE ")
    a, b = load_text(text, "a.ftr"), load_text(format_text(moved, "b.ftr"), "b.ftr")
    assert diff(a.model, b.model) == []
    generated = generate_scenarios(a.model, b.model)
    decisions, problems = behaviour(a.program, b.program, [(g.name, g.old, g.new) for g in generated])
    assert decisions == [] and problems == []


@settings(max_examples=60)
@given(rulesets(), rulesets())
def test_diff_mirrors(first, second):
    a, b = load_text(first, "a.ftr"), load_text(second, "b.ftr")
    forward, backward = diff(a.model, b.model), diff(b.model, a.model)
    assert set(backward) == {c.mirrored() for c in forward}
    assert len(backward) == len(forward)
    assert diff(a.model, a.model) == []
    for change in forward:
        assert change.kind in (ADDED, REMOVED, CHANGED)
        assert change.direction in (MORE, LESS, NEUTRAL)


# ---- the command line -----------------------------------------------------------------

def test_cli_exit_codes_and_json(tmp_path, westminster_text):
    varied = tmp_path / "westminster-8h.ftr"
    varied.write_text(westminster_text.replace("up to 6 hours per month for duties", "up to 8 hours per month for duties"),
                      encoding="utf-8")
    same = run_cli("diff", str(WESTMINSTER), str(WESTMINSTER), "--exit-code")
    assert same.returncode == 0 and "no differences" in same.stdout
    result = run_cli("diff", str(WESTMINSTER), str(varied), "--exit-code", "--format", "json",
                     "--write-scenarios", str(tmp_path / "generated"))
    assert result.returncode == 1, result.stderr
    changes = json.loads(result.stdout)
    time = [c for c in changes if c["kind"] == "changed"]
    assert [(c["normalised"]["old"], c["normalised"]["new"], c["direction"]) for c in time] == [(72, 96, MORE)]
    assert time[0]["clauses"] == {"old": ["6.12"], "new": ["6.12"]} and time[0]["spans"]["old"][0]["line"] > 0
    written = sorted((tmp_path / "generated").glob("*.json"))
    assert written
    scenario = json.loads(written[0].read_text(encoding="utf-8"))
    decided = ftdsl.load_ruleset(str(varied)).decide(scenario)
    assert decided["decisions"][0]["outcome"] == "entitled"


def test_written_scenarios_never_replace_a_file_that_says_something_else(tmp_path, westminster_text):
    varied = tmp_path / "westminster-8h.ftr"
    varied.write_text(westminster_text.replace("up to 6 hours per month for duties", "up to 8 hours per month for duties"),
                      encoding="utf-8")
    folder = tmp_path / "generated"
    first = run_cli("diff", str(WESTMINSTER), str(varied), "--write-scenarios", str(folder))
    assert first.returncode == 0, first.stderr
    names = sorted(p.name for p in folder.glob("*.json"))
    edited = folder / names[0]
    edited.write_text('{"facts": {}, "requests": [], "description": "my own notes"}\n', encoding="utf-8")
    again = run_cli("diff", str(WESTMINSTER), str(varied), "--write-scenarios", str(folder))
    assert again.returncode == 0, again.stderr
    assert "my own notes" in edited.read_text(encoding="utf-8")  # the user's edit is kept
    renamed = edited.with_name(edited.stem + "-2.json")
    assert renamed.exists() and str(renamed.name) in again.stdout
    # The files nobody touched are left as they are, not written again under new names.
    assert sorted(p.name for p in folder.glob("*.json")) == sorted(names + [renamed.name])


def test_write_scenarios_with_a_scenarios_folder_is_a_usage_error(tmp_path):
    examples = RULESETS / "examples" / "westminster"
    result = run_cli("diff", str(WESTMINSTER), str(WESTMINSTER), "--scenarios", str(examples),
                     "--write-scenarios", str(tmp_path / "out"))
    assert result.returncode == 2 and "--write-scenarios" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_cli_scenarios_folder_and_errors(tmp_path, recognition):
    examples = RULESETS / "examples" / "recognition-and-facilities"
    result = run_cli("diff", str(RECOGNITION), str(RECOGNITION), "--scenarios", str(examples))
    assert result.returncode == 0 and "no differences" in result.stdout
    missing = run_cli("diff", str(RECOGNITION), str(tmp_path / "nope.ftr"))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr and "nope.ftr" in missing.stderr
    empty = run_cli("diff", str(RECOGNITION), str(RECOGNITION), "--scenarios", str(tmp_path))
    assert empty.returncode == 2 and "no .json scenarios" in empty.stderr
