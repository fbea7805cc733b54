"""Batch evaluation: a log's rows decide exactly as one scenario per representative does."""

from __future__ import annotations

import csv
import io
import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ftdsl
from ftdsl import batch as batch_module
from ftdsl import external_sort, rowloop, totals
from ftdsl.batch import Batch
from conftest import RULESETS, WESTMINSTER, run_cli

RECOGNITION = RULESETS / "recognition-and-facilities.ftr"


@pytest.fixture(scope="module")
def programs():
    return {path.stem: ftdsl.load_ruleset(str(path)).program for path in (WESTMINSTER, RECOGNITION)}


# ---- generating logs ------------------------------------------------------------

def _fact_value(rng, fact, vocabulary):
    kind = fact.type
    if kind == "yes/no":
        return rng.random() < 0.85
    if kind == "count":
        return rng.choice([0, 5, 12, 30, 31, 99, 100, 250, 251, 600, 1200, 2600, 3100, 3600])
    if kind == "list of roles":
        return sorted(rng.sample(sorted(vocabulary.roles), rng.randint(0, 2)))
    if kind == "staff group":
        return rng.choice(sorted(vocabulary.staff_groups))
    if kind == "number":
        return rng.choice([0, 1, 2.5])
    if kind == "date":
        return "2026-04-01"
    if kind in ("role", "category"):
        return rng.choice(sorted(vocabulary.roles if kind == "role" else vocabulary.categories))
    return "x"


def make_log(program, seed, reps=3, per_rep=12):
    """Scenarios (one per representative) and the same requests as log rows (dicts of JSON values)."""
    rng = random.Random(seed)
    vocabulary = program.vocabulary
    categories = sorted(vocabulary.categories)
    days = [f"2026-{m:02d}-{d:02d}" for m in (1, 3, 4, 5) for d in (1, 2, 15, 28, 30)] + ["2027-03-31", "2027-04-01"]
    scenarios, rows = {}, []
    for r in range(reps):
        rep = f"R{r}"
        facts = {name: _fact_value(rng, fact, vocabulary) for name, fact in vocabulary.facts.items()}
        requests = []
        for i in range(rng.randint(1, per_rep)):
            request = {"id": f"{rep}-{i}", "date": rng.choice(days), "category": rng.choice(categories)}
            unit = rng.choice(["hours", "hours", "hours", "days", "half days"])
            request[unit] = rng.choice([0.5, 1, 2, 3, 4, 7.5]) if unit == "hours" else rng.choice([1, 2, 0.5])
            request["in working hours"] = rng.random() < 0.8
            request["notice days"] = rng.choice([0, 3, 20, 28, 29, 42, 60])
            for name, fact in vocabulary.request_facts.items():
                request[name] = _fact_value(rng, fact, vocabulary)
            for name in vocabulary.state_fields:
                if rng.random() < 0.5:
                    request[name] = "stated"
            requests.append(request)
            rows.append({"rep": rep, **facts, **request})
        scenarios[rep] = {"facts": facts, "requests": requests}
    return scenarios, rows


def to_csv(rows, yes_no="true"):
    columns = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        cells = []
        for column in columns:
            value = row.get(column)
            if value is None:
                cells.append("")
            elif isinstance(value, bool):
                cells.append({"true": ("true", "false"), "yes": ("yes", "no")}[yes_no][0 if value else 1])
            elif isinstance(value, list):
                cells.append(";".join(value))
            else:
                cells.append(str(value))
        writer.writerow(cells)
    return out.getvalue()


def run_batch(program, tmp_path, text, input_format="csv", output_format="csv", **options):
    path = tmp_path / f"log.{input_format}"
    path.write_text(text, encoding="utf-8")
    runner = Batch(program, str(path), input_format, output_format, **options)
    out = io.StringIO()
    runner.run(str(path), out)
    return runner, out.getvalue()


def decisions_of(output, output_format="csv"):
    if output_format == "jsonl":
        return [json.loads(line) for line in output.splitlines()]
    rows = list(csv.DictReader(io.StringIO(output)))
    for row in rows:
        row["line"] = int(row["line"])
        row["paid"] = {"true": True, "false": False, "": None}[row["paid"]]
        row["clauses"] = row["clauses"].split(";") if row["clauses"] else []
    return rows


def scenarios_of(scenarios, rows):
    """The scenarios again, each with its requests in the order the rows have them (ties on a date go by it)."""
    ordered = {rep: {"facts": s["facts"], "requests": []} for rep, s in scenarios.items()}
    by_id = {r["id"]: r for s in scenarios.values() for r in s["requests"]}
    for row in rows:
        ordered[row["rep"]]["requests"].append(by_id[row["id"]])
    return ordered


def expected_by_id(program, scenarios):
    expected = {}
    for scenario in scenarios.values():
        for decision in program.decide(scenario)["decisions"]:
            expected[decision["id"]] = decision
    return expected


# ---- the law: a log decides as one scenario per representative ---------------

class compiling:
    """Within it, a batch compiles its tree after every row the compiled walk hands back, `depth` nodes deep at
    most, leaving out subtrees reached by fewer than `min_rows` rows (so small logs go through the compiled
    walk, its hand-backs and its limits). The settings are rowloop's."""

    NAMES = ("COMPILE_MISSES", "COMPILE_PER_NODE", "_COMPILE_DEPTH", "_COMPILE_MIN_ROWS")

    def __init__(self, depth=40, min_rows=0):
        self.values = (1, 0, depth, min_rows)

    def __enter__(self):
        self.saved = [getattr(rowloop, name) for name in self.NAMES]
        for name, value in zip(self.NAMES, self.values):
            setattr(rowloop, name, value)

    def __exit__(self, *exc):
        for name, value in zip(self.NAMES, self.saved):
            setattr(rowloop, name, value)


@settings(max_examples=60)
@given(seed=st.integers(0, 10 ** 6), ruleset=st.sampled_from(["westminster", "recognition-and-facilities"]),
       shuffle=st.booleans(), output_format=st.sampled_from(["csv", "jsonl"]),
       compile_depth=st.sampled_from([None, 2, 40]))
def test_log_decides_as_one_scenario_per_representative(programs, tmp_path_factory, seed, ruleset, shuffle,
                                                         output_format, compile_depth):
    program = programs[ruleset]
    scenarios, rows = make_log(program, seed, reps=3, per_rep=12 if compile_depth is None else 30)
    if shuffle:
        random.Random(seed).shuffle(rows)
    else:  # sorted by date: the streaming path
        rows.sort(key=lambda r: r["date"])
    text = to_csv(rows, "yes" if seed % 2 else "true")
    if compile_depth is None:
        runner, output = run_batch(program, tmp_path_factory.mktemp("log"), text, output_format=output_format)
    else:
        with compiling(compile_depth):
            runner, output = run_batch(program, tmp_path_factory.mktemp("log"), text, output_format=output_format)
    got = decisions_of(output, output_format)
    expected = expected_by_id(program, scenarios_of(scenarios, rows))
    assert [d["id"] for d in got] == [r["id"] for r in rows]  # one line per row, in input order
    assert [d["line"] for d in got] == list(range(2, len(rows) + 2))
    for decision in got:
        want = expected[decision["id"]]
        assert (decision["outcome"], decision["paid"], decision["clauses"]) == (
            want["outcome"], want["paid"], want["clauses"]), decision["id"]
    assert runner.error_count == 0


@settings(max_examples=60)
@given(seed=st.integers(0, 10 ** 6), ruleset=st.sampled_from(["westminster", "recognition-and-facilities"]))
def test_a_quiet_decision_decides_as_one_with_reasons(programs, seed, ruleset):
    # Batch decisions are quiet (no reasons or checks are built); all else a decision gives stays the same.
    program = programs[ruleset]
    scenarios, _ = make_log(program, seed, reps=3, per_rep=20)
    loud = [d for s in scenarios.values() for d in program.decide(s)["decisions"]]
    quiet = [d for s in scenarios.values() for d in program.decide(s, detailed=False)["decisions"]]
    assert all(d["reasons"] for d in loud) and any(d["checks"] for d in loud)
    assert all((d["reasons"], d["checks"]) == ([], []) for d in quiet)
    strip = lambda d: {k: v for k, v in d.items() if k not in ("reasons", "checks")}  # noqa: E731
    assert [strip(d) for d in quiet] == [strip(d) for d in loud]
    assert not batch_module._QUIET.detailed


def test_compiled_walk_decides_as_the_tree(programs, tmp_path):
    """The same log with and without the compiled walk: the same output and summary, and the walk was used."""
    for ruleset in ("westminster", "recognition-and-facilities"):
        program = programs[ruleset]
        _, rows = make_log(program, 5, reps=4, per_rep=40)
        rows = [dict(row, rep=f"{row['rep']}-{copy}") for copy in range(20) for row in rows]  # the tree is reused
        rows.sort(key=lambda r: r["date"])
        plain, expected = run_batch(program, tmp_path, to_csv(rows))
        for depth, min_rows in ((1, 0), (3, 0), (40, 0), (40, 3)):
            with compiling(depth, min_rows):
                runner, output = run_batch(program, tmp_path, to_csv(rows))
            assert runner.walk is not None
            assert output == expected
            assert runner.summary() == plain.summary()


def test_compiled_walk_answers_window_questions_from_running_totals(programs, tmp_path):
    """Many representatives use up their monthly and weekly duties time; the compiled walk's window questions
    give the same outcomes as one scenario per representative (and some requests go over)."""
    program = programs["westminster"]
    header = "rep,id,date,category,hours,roles,staff group,employed by council,school members"
    days = ["2026-04-01", "2026-04-02", "2026-04-03", "2026-04-06", "2026-04-07", "2026-04-30", "2026-05-01"]
    lines, scenarios = [], {}
    for n in range(40):
        group = "teaching" if n % 2 else "non-teaching"
        rep = f"R{n}"
        scenarios[rep] = {"facts": {"roles": ["representative"], "staff group": group, "employed by council": True,
                                    "school members": 20}, "requests": []}
        for i, day in enumerate(days):
            hours = 1 + (n + i) % 3
            lines.append(f"{rep},{rep}-{i},{day},duties,{hours},representative,{group},yes,20")
            scenarios[rep]["requests"].append({"id": f"{rep}-{i}", "date": day, "category": "duties", "hours": hours})
    lines.sort(key=lambda line: line.split(",")[2])
    text = "\n".join([header, *lines]) + "\n"
    expected = expected_by_id(program, scenarios)
    with compiling():
        runner, output = run_batch(program, tmp_path, text)
    got = decisions_of(output)
    assert runner.walk is not None
    assert [(d["outcome"], d["clauses"]) for d in got] == [
        (expected[d["id"]]["outcome"], expected[d["id"]]["clauses"]) for d in got]
    assert {d["outcome"] for d in got} == {"entitled", "discretionary"}


@pytest.mark.parametrize("ruleset", ["westminster", "recognition-and-facilities"])
def test_cells_validated_one_by_one_give_what_the_row_validated_as_a_scenario_gives(programs, ruleset):
    """_inputs puts a row's facts and request together from cells validated once each: the same facts, request
    and first problem as validating the whole row as one scenario's facts and request."""
    program = programs[ruleset]
    vocabulary = program.vocabulary
    runner = Batch(program)
    names = [name for name, kind in runner.layout.kinds.items() if kind[0] != "ignore"]

    class Header:
        columns = runner.layout.columns(names, 1)
        width = len(columns)

    runner._prepare(Header)
    rng = random.Random(4)
    invalid = [" ", "maybe", "-3", "12.5", "abc", "dutis", "x;y", "1e3", "Teaching ", "4 2"]

    def cell(kind):
        if kind[0] == "category":
            return rng.choice(sorted(vocabulary.categories) + [" Duties", ""])
        if kind[0] == "in hours" or kind[-1] == "yes/no":
            return rng.choice(["yes", "no", "true", "false", "Yes", ""])
        if kind[0] == "notice" or kind[-1] == "count":
            return rng.choice(["0", "5", "42", "", "3000", " 7"])
        if kind[-1] == "list of roles":
            return ";".join(rng.sample(sorted(vocabulary.roles), rng.randint(0, 2)))
        if kind[-1] == "staff group":
            return rng.choice(sorted(vocabulary.staff_groups) + [""])
        if kind[-1] == "number":
            return rng.choice(["1", "2.5", ""])
        return rng.choice(["stated", "", " ", "x"])

    results = []
    for _ in range(3000):
        row = [cell(runner.layout.kinds[name]) if rng.random() > 0.03 else rng.choice(invalid)
               for name in Header.columns]
        results.append(runner._inputs(row))
        assert results[-1] == runner._inputs_of_scenario(row), row
    assert 0.2 < sum(problem is None for _, problem in results) / len(results) < 0.95  # both kinds were compared


def test_compiled_walk_checks_texts_it_has_not_seen(programs, tmp_path):
    """A row that the compiled walk would take to a leaf, but with a text never validated in a column the leaf
    does not ask, is checked in full: an invalid one is an error, as it is without compiling."""
    header = "rep,date,category,hours,roles,staff group,employed by council,branch members"
    good = "R{0},2026-04-{1:02d},duties,1,representative,non-teaching,yes,{2}"
    lines = [good.format(n, 1 + n % 20, 400) for n in range(30)]
    lines += [good.format(90, 25, "lots"), good.format(91, 25, 401), good.format(92, 26, "lots")]
    text = "\n".join([header, *lines]) + "\n"
    program = programs["westminster"]
    _, expected = run_batch(program, tmp_path, text)
    with compiling():
        runner, output = run_batch(program, tmp_path, text)
    assert output == expected
    assert runner.error_count == 2
    assert [d["error"] != "" for d in decisions_of(output)][-3:] == [True, False, True]


@pytest.mark.parametrize("compiled", [False, True])
def test_a_bad_text_in_a_column_read_through_a_key_is_a_row_error(programs, tmp_path, compiled):
    """Notice days are read by their thresholds (a trees.Keyed question): text that is not a number is reported
    for its row, like any invalid cell, however far the tree has been compiled."""
    header = "rep,date,category,days,notice days,roles,employed by council"
    good = [f"R{n},2026-04-{1 + n % 20:02d},conference,1,{(10, 50)[n % 2]},representative,yes" for n in range(30)]
    # "-5" meets no threshold, as 10 does not: only the check tells it apart.
    bad = ["X,2026-04-25,conference,1,soon,representative,yes", "Y,2026-04-25,conference,1,4 2,representative,yes",
           "V,2026-04-25,conference,1,-5,representative,yes"]
    text = "\n".join([header, *good, *bad, good[1].replace("R1,", "Z,")]) + "\n"
    program = programs["westminster"]
    if compiled:
        with compiling():
            runner, output = run_batch(program, tmp_path, text)
    else:
        runner, output = run_batch(program, tmp_path, text)
    got = decisions_of(output)
    assert runner.error_count == 3
    assert ["notice days" in d["error"] for d in got[-4:]] == [True, True, True, False]
    assert got[-1]["outcome"] == got[1]["outcome"] == "entitled"


def test_csv_lines_with_and_without_quotes_read_as_the_csv_module_reads_them(programs, tmp_path):
    """Unquoted lines are split on commas, quoted ones go to the csv module: cells and line numbers agree."""
    text = ('rep,id,date,category,hours,roles,staff group,employed by council\r\n'
            'R1,plain,2026-04-01,duties,1,representative,non-teaching,yes\r\n'
            '\r\n'
            'R2,"a, b",2026-04-01,duties,1,"representative",non-teaching,yes\n'
            'R3,"two\nlines",2026-04-02,duties,1,representative,non-teaching,yes\r'
            'R4,"say ""hi""",2026-04-02,duties,1,representative,non-teaching,yes\n'
            'R5,last,2026-04-03,duties,1,representative,non-teaching,yes')
    runner, output = run_batch(programs["westminster"], tmp_path, text)
    got = decisions_of(output)
    want = list(csv.reader(io.StringIO(text, newline="")))
    assert [d["id"] for d in got] == [row[1] for row in want[1:] if row]
    assert [d["line"] for d in got] == [2, 4, 6, 7, 8]
    assert {d["outcome"] for d in got} == {"entitled"} and runner.error_count == 0


def test_json_lines_input_decides_like_csv(programs, tmp_path):
    program = programs["westminster"]
    scenarios, rows = make_log(program, 7, reps=5)
    text = "".join(json.dumps(row) + "\n" for row in rows)
    _, output = run_batch(program, tmp_path, text, input_format="jsonl")
    _, from_csv = run_batch(program, tmp_path, to_csv(rows))
    assert [d["outcome"] for d in decisions_of(output)] == [d["outcome"] for d in decisions_of(from_csv)]


def test_unsorted_logs_use_sorted_runs_on_disk(programs, tmp_path, monkeypatch):
    monkeypatch.setattr(external_sort, "CHUNK_ROWS", 7)  # many runs to merge, in both directions
    program = programs["recognition-and-facilities"]
    scenarios, rows = make_log(program, 11, reps=6, per_rep=15)
    random.Random(3).shuffle(rows)
    runner, output = run_batch(program, tmp_path, to_csv(rows))
    assert runner.sorted_fallback
    expected = expected_by_id(program, scenarios_of(scenarios, rows))
    got = decisions_of(output)
    assert [d["id"] for d in got] == [r["id"] for r in rows]
    assert all(d["outcome"] == expected[d["id"]]["outcome"] for d in got)


def test_rolling_window_forgets_old_entries(programs, tmp_path):
    program = programs["recognition-and-facilities"]
    rows = ["rep,date,category,days,roles,approved by union"]
    # nine whole days in any 12 months: the tenth is over, until the first leaves the window
    rows += [f"N,2026-{m:02d}-10,national executive duties,1,national executive member,yes" for m in range(1, 11)]
    rows += ["N,2027-01-10,national executive duties,1,national executive member,yes"]
    _, output = run_batch(program, tmp_path, "\n".join(rows) + "\n")
    scenario = {"facts": {"roles": ["national executive member"]},
                "requests": [{"date": r.split(",")[1], "category": "national executive duties", "days": 1,
                              "approved by union": True} for r in rows[1:]]}
    want = [d["outcome"] for d in program.decide(scenario)["decisions"]]
    assert [d["outcome"] for d in decisions_of(output)] == want
    assert want[9] != want[0]  # the limit did bite



class RecordedProgress:
    def __init__(self):
        self.calls = []

    def __call__(self, fraction, label=None):
        self.calls.append((label, fraction))


@pytest.mark.parametrize("input_format", ["csv", "jsonl"])
def test_progress_is_shown_in_each_pass_of_the_sorting_fallback(programs, tmp_path, monkeypatch, input_format):
    """An unsorted log is read, decided and written back in three passes: each reports its progress, labelled,
    going forwards to 1.0, and the decisions are those of the run without progress."""
    monkeypatch.setattr(batch_module, "FLUSH_ROWS", 16)
    monkeypatch.setattr(external_sort, "CHUNK_ROWS", 50)
    program = programs["recognition-and-facilities"]
    scenarios, rows = make_log(program, 11, reps=6, per_rep=40)
    random.Random(3).shuffle(rows)
    text = to_csv(rows) if input_format == "csv" else "".join(json.dumps(row) + "\n" for row in rows)
    _, expected = run_batch(program, tmp_path, text, input_format)
    progress = RecordedProgress()
    runner, output = run_batch(program, tmp_path, text, input_format, progress=progress)
    assert runner.sorted_fallback and output == expected
    passes = [label for label, _ in progress.calls if label is not None]
    assert sorted(set(passes), key=passes.index) == list(batch_module._PASSES)
    assert passes == sorted(passes, key=batch_module._PASSES.index)  # one pass after the other
    for label in batch_module._PASSES:
        fractions = [fraction for name, fraction in progress.calls if name == label]
        assert len(fractions) >= 3, (label, fractions)
        assert fractions == sorted(fractions) and fractions[-1] == 1.0 and 0 <= fractions[0] < 1


def test_progress_of_a_sorted_log_is_one_unlabelled_pass(programs, tmp_path, monkeypatch):
    monkeypatch.setattr(batch_module, "FLUSH_ROWS", 16)
    program = programs["westminster"]
    text, _ = _long_log(rows=400)
    progress = RecordedProgress()
    runner, _ = run_batch(program, tmp_path, text, progress=progress)
    assert not runner.sorted_fallback
    assert {label for label, _ in progress.calls} == {None} and len(progress.calls) > 10
    assert progress.calls[-1] == (None, 1.0)


def test_the_progress_bar_shows_the_pass_and_clears_its_line(capsys):
    from ftdsl.commands.run import _Progress

    bar = _Progress()
    bar(0.5)
    bar(0.25, batch_module._PASSES[1])
    bar(0.26, batch_module._PASSES[1])
    bar(1.0)
    bar.done()
    shown = capsys.readouterr().err.split("\r")
    assert shown[1] == "[############             ]  50%"
    assert shown[2] == "[######                   ]  25%  pass 2 of 3: deciding"
    assert shown[4].rstrip() == "[#########################] 100%"
    assert len(shown[4]) == len(shown[3])  # a shorter line rubs out the end of the longer one
    assert shown[5] == " " * len(shown[4].rstrip()) and shown[6] == ""  # done() rubs out what is shown


# ---- errors --------------------------------------------------------------------

LOG_WITH_ERRORS = """rep,id,date,category,hours,roles,staff group,employed by council
R1,a,2026-04-10,duties,3,representative,non-teaching,yes
R1,b,2026-04-31,duties,3,representative,non-teaching,yes
R1,c,2026-04-11,dutis,3,representative,non-teaching,yes
R1,d,2026-04-12,duties,,representative,non-teaching,yes
R1,e,2026-04-12,duties,3,representative
R1,f,2026-04-13,duties,4,representative,non-teaching,yes
"""


def test_rows_with_errors_are_reported_by_line_and_the_rest_decided(programs, tmp_path):
    reported = []
    runner, output = run_batch(programs["westminster"], tmp_path, LOG_WITH_ERRORS,
                               on_error=lambda line, message, hint, code: reported.append((line, message)))
    got = decisions_of(output)
    assert [d["line"] for d in got] == [2, 3, 4, 5, 6, 7]
    assert [line for line, _ in reported] == [3, 4, 5, 6]
    assert "YYYY-MM-DD" in reported[0][1] and "dutis" in reported[1][1]
    assert [d["outcome"] for d in got if not d["error"]] == ["entitled", "discretionary"]  # 3 + 4 > 6 h a month


def test_strict_stops_at_the_first_error(programs, tmp_path):
    with pytest.raises(batch_module.RowError) as caught:
        run_batch(programs["westminster"], tmp_path, LOG_WITH_ERRORS, strict=True)
    assert caught.value.line == 3


def test_invalid_utf8_in_the_header_is_a_log_error(programs, tmp_path):
    """A header that is not UTF-8 (a Windows-1252 column name) cannot be read: the whole log is refused, at line
    1, naming the byte and what it probably was."""
    path = tmp_path / "log.csv"
    path.write_bytes(LOG_WITH_ERRORS.replace("roles,", "r\xf4les,", 1).encode("cp1252"))
    with pytest.raises(batch_module.LogError) as caught:
        Batch(programs["westminster"]).run(str(path), io.StringIO())
    assert caught.value.line == 1
    assert "not valid UTF-8" in caught.value.message and "0xf4" in caught.value.message
    assert "UTF-8" in caught.value.hint


GOOD_ROWS = """rep,id,date,category,hours,roles,staff group,employed by council,note
R1,a,2026-04-10,duties,3,representative,non-teaching,yes,
R2,b,2026-04-10,duties,3,representative,non-teaching,yes,
Renee,c,2026-04-11,duties,3,representative,non-teaching,yes,
R1,d,2026-04-12,duties,4,representative,non-teaching,yes,
"""


def _long_log(rows=3000, shuffle=False):
    """A log of `rows` rows (far more than the 8 KB the text reader decodes at a time) in which one
    representative, Renee, has one row, on line 2502 when the log is sorted."""
    lines = [f"R{n % 40},q{n},2026-{4 + n // 1000:02d}-{1 + n % 28:02d},duties,1,representative,non-teaching,yes,"
             for n in range(rows)]
    lines.sort(key=lambda line: line.split(",")[2])
    lines.insert(2500, "Renee,renee,2026-06-10,duties,1,representative,non-teaching,yes,")
    if shuffle:
        random.Random(1).shuffle(lines)
    return GOOD_ROWS.splitlines()[0] + "\n" + "\n".join(lines) + "\n", lines.index(
        "Renee,renee,2026-06-10,duties,1,representative,non-teaching,yes,") + 2


def _run_bytes(program, tmp_path, data, input_format="csv", **options):
    path = tmp_path / f"log.{input_format}"
    path.write_bytes(data)
    reported = []
    runner = Batch(program, str(path), input_format, on_error=lambda *error: reported.append(error[:3]), **options)
    out = io.StringIO()
    runner.run(str(path), out)
    return runner, out.getvalue(), reported


@pytest.mark.parametrize("where", ["rep", "note", "id"])
def test_a_row_that_is_not_utf8_is_a_row_error_at_its_line(programs, tmp_path, where):
    """A Windows-1252 'é' on line 4 is that row's error, at line 4, saying what the byte probably was and in
    which column; every other row is decided as it is without that row's problem."""
    program = programs["westminster"]
    _, expected = run_batch(program, tmp_path, GOOD_ROWS)
    bad_line = {"rep": "Ren\xe9e,c,", "note": "yes,caf\xe9", "id": "Renee,\xe9,"}[where]
    text = GOOD_ROWS.replace({"rep": "Renee,c,", "note": "yes,\nR1,d", "id": "Renee,c,"}[where],
                             bad_line + ("\nR1,d" if where == "note" else ""))
    runner, output, reported = _run_bytes(program, tmp_path, text.encode("cp1252"))
    assert runner.error_count == 1
    assert [(line, hint) for line, _, hint in reported] == [(4, "save the log as UTF-8 (in Excel: Save As, 'CSV UTF-8')")]
    message = reported[0][1]
    assert message == f"the row is not valid UTF-8 text (byte 0xe9 in '{where}', probably é saved by Excel or Windows as 'ANSI')"
    got, want = decisions_of(output), decisions_of(expected)
    assert [d["line"] for d in got] == [2, 3, 4, 5]
    assert [got[i] for i in (0, 1, 3)] == [want[i] for i in (0, 1, 3)]
    assert got[2]["error"] == message and got[2]["outcome"] == ""
    assert (got[2]["rep"], got[2]["id"], got[2]["date"]) == (
        {"rep": ("Ren\ufffde", "c"), "note": ("Renee", "c"), "id": ("Renee", "\ufffd")}[where] + ("2026-04-11",))


@pytest.mark.parametrize("shuffle", [False, True])
def test_a_row_that_is_not_utf8_past_the_first_block_is_reported_at_its_own_line(programs, tmp_path, shuffle):
    """Far into a long log (the reader decodes it in blocks), in order or not (the sorting fallback): the line
    reported is the row's own, and every other row decides as in the same log without the bad byte."""
    program = programs["westminster"]
    text, line = _long_log(shuffle=shuffle)
    assert len("".join(text.splitlines(True)[:line - 1]).encode()) > 2 * 8192  # well past the first block
    _, expected, _ = _run_bytes(program, tmp_path, text.encode())
    runner, output, reported = _run_bytes(program, tmp_path, text.replace("Renee,", "Ren\xe9e,").encode("cp1252"))
    assert runner.sorted_fallback is shuffle
    assert [(line_, "0xe9 in 'rep'" in message) for line_, message, _ in reported] == [(line, True)]
    got, want = output.splitlines(), expected.splitlines()
    assert len(got) == len(want) == 3002
    assert [g for g, w in zip(got, want) if g != w] == [got[line - 1]]
    assert got[line - 1].startswith(f"{line},Ren\ufffde,renee,2026-06-10,,,,,,")


def test_strict_stops_at_a_row_that_is_not_utf8(programs, tmp_path):
    program = programs["westminster"]
    text, line = _long_log()
    with pytest.raises(batch_module.RowError) as caught:
        _run_bytes(program, tmp_path, text.replace("Renee,", "Ren\xe9e,").encode("cp1252"), strict=True)
    assert caught.value.line == line and "not valid UTF-8" in caught.value.message
    with pytest.raises(batch_module.RowError) as caught:
        _run_bytes(program, tmp_path, GOOD_ROWS.replace("Renee", "Ren\xe9e").encode("cp1252"), strict=True)
    assert caught.value.line == 4


def test_bytes_that_are_not_utf8_in_quoted_and_multi_line_cells_and_at_the_end(programs, tmp_path):
    """A bad byte in a quoted cell, on the second line of a cell that spans lines, or cut short at the very end
    of the log: each is its row's error (at the line the row ends on, as every row's line is counted)."""
    program = programs["westminster"]
    rows = GOOD_ROWS.splitlines()
    data = "\n".join([rows[0], rows[1] + '"two\nlin\xe9s"', rows[2] + '"caf\xe9"', rows[3], rows[4]])
    runner, output, reported = _run_bytes(program, tmp_path, data.encode("cp1252") + b"\xc3")
    assert [(line, "UTF-8" in message) for line, message, _ in reported] == [(3, True), (4, True), (6, True)]
    assert "byte 0xc3 in 'note'" in reported[2][1]
    assert [d["line"] for d in decisions_of(output)] == [3, 4, 5, 6]
    assert decisions_of(output)[2]["outcome"] == "entitled"


def test_a_nul_in_a_row_is_not_taken_for_a_byte_that_is_not_utf8(programs, tmp_path):
    """Bytes that are not UTF-8 come with a NUL to find them; a NUL of the log's own is read as before."""
    program = programs["westminster"]
    _, expected = run_batch(program, tmp_path, GOOD_ROWS)
    runner, output, reported = _run_bytes(program, tmp_path, GOOD_ROWS.replace("yes,\nR2", "yes,\0\nR2").encode())
    assert reported == [] and runner.error_count == 0
    assert output.replace("\0", "") == expected


def test_a_json_line_that_is_not_utf8_is_a_row_error(programs, tmp_path):
    program = programs["westminster"]
    rows = [{"rep": rep, "date": "2026-04-10", "category": "duties", "hours": 2, "roles": "representative",
             "staff group": "non-teaching", "employed by council": True} for rep in ("A", "Ren\xe9e", "B")]
    data = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("cp1252")
    runner, output, reported = _run_bytes(program, tmp_path, data, "jsonl")
    assert [(line, message) for line, message, _ in reported] == [
        (2, "the row is not valid UTF-8 text (byte 0xe9 in 'rep', probably é saved by Excel or Windows as 'ANSI')")]
    got = decisions_of(output)
    assert [d["outcome"] for d in got] == ["entitled", "", "entitled"] and got[1]["rep"] == "Ren\ufffde"
    # The first line of a log that is not even meant as JSON is not text: the whole log is refused.
    with pytest.raises(batch_module.LogError) as caught:
        _run_bytes(program, tmp_path, b"\x89PNG\r\n" + data, "jsonl")
    assert caught.value.line == 1 and "not valid UTF-8 text (byte 0x89)" in caught.value.message


@pytest.mark.parametrize(("data", "says"), [
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "a PDF document"),
    (b"PK\x03\x04\x14\x00\x06\x00", "an Excel workbook (.xlsx)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel or Word file"),
    (GOOD_ROWS.encode("utf-16"), "saved as UTF-16"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not valid UTF-8 text (byte 0x89)"),
    (GOOD_ROWS.encode("utf-16-le"), "saved as UTF-16"),
    (GOOD_ROWS.encode("utf-16-be"), "saved as UTF-16"),
    (b"\x00\x01\x02rep,date\n", "looks like a binary file"),
    (b"\x00" * 5000, "looks like a binary file"),
])
@pytest.mark.parametrize("input_format", ["csv", "jsonl"])
def test_a_log_that_is_not_text_is_refused_whole(programs, tmp_path, data, says, input_format):
    with pytest.raises(batch_module.LogError) as caught:
        _run_bytes(programs["westminster"], tmp_path, data, input_format)
    assert says in caught.value.message and caught.value.line == 1 and caught.value.hint


def test_unknown_column_is_a_log_error(programs, tmp_path):
    with pytest.raises(batch_module.LogError) as caught:
        run_batch(programs["westminster"], tmp_path, "rep,date,category,hours,staf group\n")
    assert "staf group" in caught.value.message and "staff group" in caught.value.hint


# ---- the command line -----------------------------------------------------------

def test_cli_writes_output_atomically_and_summarises(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(LOG_WITH_ERRORS, encoding="utf-8")
    out = tmp_path / "decisions.jsonl"
    result = run_cli("run", str(WESTMINSTER), str(log), "-o", str(out), "--summary",
                     env={"FTDSL_CACHE_DIR": str(tmp_path / "cache")})
    assert result.returncode == 1, result.stderr  # it ran, and some rows had errors
    assert f"{log}:3:1: error E301" in result.stderr
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == 6 and lines[0]["outcome"] == "entitled" and lines[1]["error"]
    assert "duties" in result.stdout and "not entitled h" in result.stdout
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".ftdsl-")]


def test_cli_strict_writes_nothing(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(LOG_WITH_ERRORS, encoding="utf-8")
    out = tmp_path / "decisions.csv"
    result = run_cli("run", str(WESTMINSTER), str(log), "-o", str(out), "--strict", "--no-cache")
    assert result.returncode == 2 and f"{log}:3:1" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_cli_will_not_write_over_the_log(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(LOG_WITH_ERRORS, encoding="utf-8")
    result = run_cli("run", str(WESTMINSTER), str(log), "-o", str(log), "--no-cache")
    assert result.returncode == 2 and "E010" in result.stderr
    assert log.read_text(encoding="utf-8") == LOG_WITH_ERRORS


def test_cli_reads_a_log_from_standard_input(tmp_path):
    result = run_cli("run", str(WESTMINSTER), "-", "--input-format", "csv", "--output-format", "jsonl",
                     input=LOG_WITH_ERRORS.splitlines()[0] + "\n" + LOG_WITH_ERRORS.splitlines()[1] + "\n",
                     env={"FTDSL_CACHE_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["outcome"] == "entitled"


@pytest.mark.parametrize("args, says", [
    (["SCENARIO", "--summary"], "--summary is for logs"),
    (["SCENARIO", "--strict", "--output-format", "csv"], "--strict and --output-format are for logs"),
    (["LOG", "--format", "json"], "--format is for a scenario's decisions"),
    (["LOG", "-o", "decisions.xlsx"], "not as '.xlsx'"),
])
def test_options_that_would_be_ignored_are_usage_errors(tmp_path, args, says):
    # An option that does nothing for this input must not pass silently.
    log = tmp_path / "log.csv"
    log.write_text(GOOD_ROWS, encoding="utf-8")
    scenario = RULESETS / "examples" / "westminster" / "activities.json"
    paths = {"SCENARIO": str(scenario), "LOG": str(log)}
    result = run_cli("run", str(WESTMINSTER), *[paths.get(a, a) for a in args], cwd=tmp_path)
    assert result.returncode == 2 and says in result.stderr, result.stderr
    assert not list(tmp_path.glob("decisions*"))


def test_code_batch_writes_runs_with_only_the_builtins_it_names():
    """The running totals and the row loop are code batch writes for itself; it runs with no built-ins but the
    few it names, so open(), __import__ and eval are out of its reach, and a generator change that needs
    another one fails loudly instead of running with all of them."""
    namespace = totals.run_generated(["def f(items):", "    return len(items)"], {}, "<test>")
    assert namespace["__builtins__"] == {} and namespace["f"]([1, 2]) == 2
    assert set(namespace) - {"f", "__builtins__"} == {"len"}
    for reaching in (["x = open"], ["x = __import__('os')"], ["x = eval('1')"]):
        with pytest.raises(AssertionError, match="built-ins it is not given"):
            totals.run_generated(reaching, {}, "<test>")
