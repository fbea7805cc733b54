"""Rosters: a CSV file with one row per person in, one person's facts out.

A roster is the union's list of its representatives: a `person` column (the
name, written as the log's `rep` column writes it), optionally `union`, and
one column per fact the ruleset declares (`roles`, `staff group`, `branch
members`, ...), named as the ruleset names them and matched whatever their
case or spacing, as a log's columns are. Cells are read as a log's cells
are (logs.cell_value: roles with `;` between them, yes/no, whole numbers),
and a value is checked as a scenario's would be. An empty cell is a fact
the roster does not give (for roles too: a roster row with no roles says
nothing about them). `note` and `comment` columns are ignored.

`ftdsl ask --roster` reads the row of the person asked about
(`person_row`); the file must be CSV saved as UTF-8, and a spreadsheet or a
document is refused with what to do instead.
"""

from __future__ import annotations

import csv
import os

from .errors import Diagnostic, FtdslError, Span
from .logs import SNIFF_BYTES, LogError, cell_value, refuse_non_text
from .names import name_key
from .scenario import suggest, validate_facts

_IGNORED = ("note", "comment")


class PersonRow:
    """One person's row of a roster: its `line`, the person's `union` ('' when not given), and `facts` (name ->
    the value as a scenario holds it, only those the row gives)."""

    def __init__(self, line: int, union: str, facts: dict):
        self.line = line
        self.union = union
        self.facts = facts


def person_row(path: str, program, person: str) -> PersonRow | None:
    """The roster's row for `person` (exactly as written in its `person` column), or None when it has none.

    FtdslError (E308) for a roster that cannot be read as one: not CSV text,
    no `person` column, a column the ruleset does not know, the person on two
    rows, or a value of the wrong type on the person's row; E001-E006 for a
    file that is missing, a folder, unreadable or far too large.
    """
    text = _read(path)
    rows = csv.reader(text.splitlines())
    try:
        header = next(rows)
    except StopIteration:
        raise _error(path, 1, "the roster is empty: it needs a header row naming its columns",
                     "for example: person,union,roles,staff group") from None
    except csv.Error as error:
        raise _error(path, 1, f"the roster's header is not valid CSV: {error}") from None
    columns = _columns(header, program, path)
    found = None
    line = 1
    try:
        for line, row in enumerate(rows, start=2):
            cells = dict(zip(columns, row))
            if cells.get("person") != person:
                continue
            if found is not None:
                raise _error(path, line, f"'{person}' is on two rows of the roster, lines {found[0]} and {line}",
                             "give each person one row")
            if len(row) != len(columns):
                raise _error(path, line, f"the row has {len(row)} fields; the header has {len(columns)}",
                             "check for a missing or extra comma")
            found = (line, cells)
    except csv.Error as error:
        raise _error(path, line, f"the row is not valid CSV: {error}", "check the row's quotes") from None
    if found is None:
        return None
    line, cells = found
    return PersonRow(line, cells.get("union", "").strip(), _facts(cells, program, path, line))


def people(path: str) -> list[str]:
    """Every name in the roster's `person` column (for suggesting the name meant), or [] if it cannot be read."""
    try:
        rows = list(csv.reader(_read(path).splitlines()))
    except (FtdslError, csv.Error):
        return []
    if not rows:
        return []
    keys = [name_key(column) for column in rows[0]]
    if "person" not in keys:
        return []
    at = keys.index("person")
    return [row[at] for row in rows[1:] if len(row) > at and row[at]]


def _read(path: str) -> str:
    from .source import decode_text, read_bounded, read_text

    if not os.path.isfile(path):
        read_text(path, "roster")  # raises the right error for a missing file, a folder or a device
    try:
        with open(path, "rb") as handle:
            data = read_bounded(handle, path, "roster")
    except OSError as error:
        raise FtdslError(Diagnostic("E003", f"cannot read roster '{path}': {error.strerror}")) from None
    try:
        refuse_non_text(data[:SNIFF_BYTES], "roster")
    except LogError as error:
        raise _error(path, error.line, error.message, error.hint) from None
    return decode_text(data, path, "roster")


def _columns(header, program, path) -> list[str]:
    facts = program.vocabulary.facts
    known = {"person", "union", *_IGNORED, *facts}
    columns = []
    for given in header:
        key = name_key(given)
        if key not in known:
            if key in program.vocabulary.request_facts:
                hint = f"'{key}' is a fact of each request, not of a person: give it with --fact"
            else:
                hint = suggest(key, known) or "columns: " + ", ".join(["person", "union", *sorted(facts)])
            raise _error(path, 1, f"unknown column '{given}'", hint)
        if key in columns:
            raise _error(path, 1, f"the column '{given}' appears twice", "give each column once")
        columns.append(key)
    if "person" not in columns:
        raise _error(path, 1, "the roster has no 'person' column", "name the column of people's names 'person', "
                     "written as the log's 'rep' column writes them")
    return columns


def _facts(cells, program, path, line) -> dict:
    facts = program.vocabulary.facts
    given = {name: cell_value(text, ("fact", facts[name].type)) for name, text in cells.items()
             if name in facts and text.strip()}
    problems = []
    validate_facts(given, program.vocabulary, problems)
    if problems:
        first = problems[0]
        raise _error(path, line, first["path"].removeprefix("facts.") + ": " + first["message"], first.get("hint"))
    return given


def _error(path, line, message, hint=None) -> FtdslError:
    return FtdslError(Diagnostic("E308", message, Span(path, line, 1) if line else None, hint=hint))
