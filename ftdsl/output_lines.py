"""Output lines: a row's decision or error in, its line of the batch output (CSV or JSON Lines) out.

The output has one line per row of the log, with the columns
`OUTPUT_COLUMNS`. A decided row's line is the same from its category on
for every row reaching one leaf of the decision trees but for the hours,
so a leaf keeps the text before and after them (`leaf_ends`), and the
row loop (rowloop.py, Batch._finish) puts the row's own line number,
representative, id, date and hours around it. A row with an error gets
`error_line`. Texts from the log are written with `csv_text` or
`json_text`, which keep a CSV cell from being read as a spreadsheet
formula. A row decided in parts (docs/scenarios.md, "Requests decided in
parts") also has its parts: in JSON Lines a field `parts`; in CSV a cell
after the others (`parts_text`), under a column `parts` that the header
has only when some row has parts (Batch adds it at the end of the run).
Other rows are written the same either way.
"""

from __future__ import annotations

import json
import re

OUTPUT_COLUMNS = ("line", "rep", "id", "date", "category", "hours", "outcome", "paid", "clauses", "error")
PARTS_COLUMN = "parts"  # the CSV column after them, in an output that has a row decided in parts
_OUTCOME_WORDS = {"entitled": "entitled", "discretionary": "discretionary", "not_entitled": "not entitled"}
_PAY_WORDS = {True: "paid", False: "unpaid", None: "pay for management to decide"}
_CSV_SPECIAL = re.compile(r'[",\r\n]')  # what the csv module's minimal quoting quotes
# A cell a spreadsheet would take for a formula (=HYPERLINK(...), +cmd, -2+3, @SUM) when the decisions are
# opened in Excel or LibreOffice; such a cell is written after an apostrophe, which spreadsheets show as text.
_FORMULA_START = frozenset("=+-@\t\r")


def csv_text(text):
    """A text as a CSV cell: quoted when the csv module's minimal quoting would quote it, and after an apostrophe
    when a spreadsheet would read it as a formula.

    >>> csv_text("a, b"), csv_text("=SUM(A1)"), csv_text("plain")
    ('"a, b"', "'=SUM(A1)", 'plain')
    """
    if text and text[0] in _FORMULA_START:
        text = "'" + text
    if _CSV_SPECIAL.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def json_text(text):
    """A text as a JSON string (as the output writes ids)."""
    return json.dumps(text, ensure_ascii=False)


def leaf_ends(category, outcome, paid, clauses, jsonl, parts=None):
    """The end of a decided row's line, from the category on, as (head, tail): the row's hours go between them.
    `parts`, for a row decided in parts: (hours as JSON writes them, outcome, paid, clauses) of each.

    >>> leaf_ends("duties", "entitled", True, ("3.1", "4"), jsonl=False)
    ('duties,', ',entitled,true,3.1;4,\\n')
    """
    paid_text = {True: "true", False: "false", None: ""}[paid]
    if jsonl:
        head = f'"category": {json.dumps(category, ensure_ascii=False)}, "hours": '
        more = "" if not parts else ', "parts": ' + json.dumps(
            [{"hours": hours, "outcome": part_outcome, "paid": part_paid, "clauses": list(part_clauses)}
             for hours, part_outcome, part_paid, part_clauses in parts], ensure_ascii=False)
        tail = (f', "outcome": "{outcome}", "paid": {json.dumps(paid)}, '
                f'"clauses": {json.dumps(list(clauses), ensure_ascii=False)}, "error": null{more}}}\n')
    else:
        head = csv_text(category) + ","
        more = "," + csv_text(parts_text(parts)) if parts else ""  # after the error cell, empty
        tail = f",{outcome},{paid_text},{csv_text(';'.join(clauses))},{more}\n"
    return head, tail


def parts_text(parts):
    """The `parts` cell of a row decided in parts, as a person reads it.

    >>> parts_text([(2, "entitled", True, ("6.12",)), (1, "discretionary", True, ("6.12", "6.13"))])
    '2 h entitled, paid (6.12); 1 h discretionary, paid (6.12, 6.13)'
    """
    return "; ".join(f"{hours} h {_OUTCOME_WORDS[outcome]}, {_PAY_WORDS[paid]} ({', '.join(clauses)})"
                     for hours, outcome, paid, clauses in parts)


def error_line(line, rep, row_id, date_text, message, jsonl):
    """The line of a row that is not decided: its line number, the texts it gave for rep, id and date, and why."""
    if jsonl:
        return (f'{{"line": {line}, "rep": {json.dumps(rep)}, "id": {json.dumps(row_id)}, "date": {json.dumps(date_text)}, '
                f'"category": null, "hours": null, "outcome": null, "paid": null, "clauses": [], '
                f'"error": {json.dumps(message, ensure_ascii=False)}}}\n')
    return f"{line},{csv_text(rep)},{csv_text(row_id)},{csv_text(date_text)},,,,,,{csv_text(message)}\n"
