"""A log's values are read as a scenario's are: numbers exactly and only in the digits 0-9, a key given once,
text that is text; a cell no program could mean is that row's error, and the rest of the log is decided."""

from __future__ import annotations

import csv
import io
import json

from conftest import WESTMINSTER, run_cli

FACTS = {"roles": "representative", "staff group": "non-teaching", "employed by council": True, "branch members": 1750}
HEADER = "rep,id,date,category,hours,roles,staff group,employed by council,branch members"


def _csv_row(id_, date, hours, members="1750"):
    return f"A,{id_},{date},duties,{hours},representative,non-teaching,true,{members}"


def _decided(result):
    return {row["id"] or row["line"]: row for row in csv.DictReader(io.StringIO(result.stdout))}


def _run(tmp_path, name, text):
    log = tmp_path / name
    log.write_text(text, encoding="utf-8")
    return run_cli("run", str(WESTMINSTER), str(log))


def test_number_cells_are_read_only_in_plain_digits(tmp_path):
    # float() reads "1_1" and Arabic-Indic "١١" as 11; a person reading the log would not.
    lines = [HEADER, _csv_row("1", "2026-04-06", "1_1"), _csv_row("2", "2026-04-07", "\u0661\u0661"),
             _csv_row("3", "2026-04-08", "2", members="1_750"), _csv_row("4", "2026-04-09", "2")]
    result = _run(tmp_path, "log.csv", "\n".join(lines) + "\n")
    rows = _decided(result)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "must be a number" in rows["1"]["error"] and "must be a number" in rows["2"]["error"]
    assert "must be a whole number" in rows["3"]["error"]
    # The row that is fine is decided: 2 h of duties in April, within 6 h a month (§6.12).
    assert rows["4"]["outcome"] == "entitled" and rows["4"]["clauses"] == "6.12"


def test_numbers_too_long_to_read_are_that_rows_error(tmp_path):
    digits = "9" * 5000
    lines = [HEADER, _csv_row("1", "2026-04-06", digits), _csv_row("2", "2026-04-07", "1", members=digits),
             _csv_row("3", "2026-04-08", "1")]
    result = _run(tmp_path, "log.csv", "\n".join(lines) + "\n")
    rows = _decided(result)
    assert result.returncode == 1 and "internal error" not in result.stderr
    assert "far more than a year holds" in rows["1"]["error"] and len(rows["1"]["error"]) < 200
    assert "far more than any count" in rows["2"]["error"]
    assert rows["3"]["outcome"] == "entitled"


def _jsonl_row(**fields):
    return json.dumps({"rep": "A", "category": "duties", **FACTS, **fields})


def test_json_lines_numbers_are_exact(tmp_path):
    # 6.0000000000000001 h is more than §6.12's 6 hours a month; a binary float would make it 6.
    over = _jsonl_row(id="over", date="2026-04-06", hours=6).replace('"hours": 6', '"hours": 6.0000000000000001')
    exactly = json.dumps({"rep": "B", "category": "duties", **FACTS, "id": "exactly", "date": "2026-04-06",
                          "hours": 6})
    result = _run(tmp_path, "log.jsonl", over + "\n" + exactly + "\n")
    rows = _decided(result)
    assert rows["exactly"]["outcome"] == "entitled"
    assert rows["over"]["outcome"] == "discretionary"  # over the allowance; §6.13 lets management grant more


def test_a_json_lines_key_given_twice_is_that_rows_error(tmp_path):
    twice = '{"rep": "A", "id": "1", "id": "2", "date": "2026-04-06", "category": "duties", "hours": 1}'
    cased = _jsonl_row(id="3", date="2026-04-06", Date="2026-04-07", hours=1)
    fine = _jsonl_row(id="4", date="2026-04-08", hours=1)
    result = _run(tmp_path, "log.jsonl", "\n".join([twice, cased, fine]) + "\n")
    rows = _decided(result)
    assert result.returncode == 1
    assert "given twice" in rows["1"]["error"]
    assert "'date' and 'Date' are the same field" in rows["2"]["error"]
    assert rows["4"]["outcome"] == "entitled"


def test_a_lone_surrogate_in_an_id_is_that_rows_error(tmp_path):
    bad = _jsonl_row(date="2026-04-06", hours=1).replace('"rep": "A"', '"rep": "A", "id": "\\ud800"')
    result = _run(tmp_path, "log.jsonl", bad + "\n" + _jsonl_row(id="2", date="2026-04-07", hours=1) + "\n")
    rows = _decided(result)
    assert result.returncode == 1 and "internal error" not in result.stderr
    assert "not valid text" in rows["1"]["error"] and rows["2"]["outcome"] == "entitled"


def test_a_cell_a_spreadsheet_would_run_is_written_as_text(tmp_path):
    """A rep or id that Excel would take for a formula comes out after an apostrophe; JSON Lines keeps it."""
    lines = [HEADER, '"=HYPERLINK(""http://x"",""y"")",+1,2026-04-06,duties,1,representative,non-teaching,true,1750',
             "@SUM(A1),-2,2026-04-07,duties,1,representative,non-teaching,true,1750"]
    result = _run(tmp_path, "log.csv", "\n".join(lines) + "\n")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["rep"], r["id"]) for r in rows] == [('\'=HYPERLINK("http://x","y")', "'+1"), ("'@SUM(A1)", "'-2")]
    assert all(r["outcome"] == "entitled" for r in rows)
    log = tmp_path / "log.csv"
    kept = run_cli("run", str(WESTMINSTER), str(log), "--output-format", "jsonl")
    assert [json.loads(line)["rep"] for line in kept.stdout.splitlines()] == ['=HYPERLINK("http://x","y")', "@SUM(A1)"]


def test_a_cell_too_long_to_read_is_that_rows_error(tmp_path):
    long_cell = '"' + "x" * 200_000 + '"'
    lines = [HEADER, _csv_row("1", "2026-04-06", "1"),
             f"{long_cell},2,2026-04-07,duties,1,representative,non-teaching,true,1750", _csv_row("3", "2026-04-08", "1")]
    result = _run(tmp_path, "log.csv", "\n".join(lines) + "\n")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert result.returncode == 1
    assert [r["outcome"] for r in rows] == ["entitled", "", "entitled"]
    assert "longer than 131,072 characters" in rows[1]["error"] and rows[1]["line"] == "3"


def test_a_log_from_a_pipe_is_read_once_and_decided(tmp_path):
    """A shell's <(...) or a named pipe can be read only once; a log whose dates go back in time is read
    again by the sorting fallback, so it is kept as standard input is."""
    import os
    import subprocess
    import threading

    from conftest import ftdsl_command

    lines = [HEADER, _csv_row("1", "2026-04-09", "5"), _csv_row("2", "2026-04-06", "2")]
    fifo = tmp_path / "log.pipe"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_text("\n".join(lines) + "\n", encoding="utf-8"), daemon=True)
    writer.start()
    result = subprocess.run([*ftdsl_command(), "run", str(WESTMINSTER), str(fifo), "--input-format", "csv"],
                            capture_output=True, text=True, timeout=60)
    writer.join(timeout=10)
    assert result.returncode == 0, result.stderr
    rows = _decided(result)
    # By date: 2 h on 6 April, then 5 h on 9 April makes 7 h > 6 h a month (§6.12), which §6.13 leaves to management.
    assert rows["2"]["outcome"] == "entitled" and rows["1"]["outcome"] == "discretionary"


def test_a_log_given_where_a_scenario_is_read_says_how_to_give_it(tmp_path):
    log = tmp_path / "requests"
    log.write_text("\n".join([HEADER, _csv_row("1", "2026-04-06", "1")]) + "\n", encoding="utf-8")
    result = run_cli("run", str(WESTMINSTER), str(log))
    assert result.returncode == 2 and "E300" in result.stderr
    assert "this looks like a log of requests" in result.stderr and "--input-format csv" in result.stderr
