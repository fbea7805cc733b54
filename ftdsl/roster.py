"""Rosters: a CSV file or an Excel workbook with one row per person in, each person's facts out.

A roster is the employer's (or the union's) list of its representatives:
a `person` column (the name, written as the log's `rep` column writes
it), optionally `union`, one column per fact the ruleset declares
(`roles`, `staff group`, `branch members`, ...), named as the ruleset
names them and matched whatever their case or spacing, as a log's columns
are, and for the year's figures (report.py) `contracted hours per week`,
`hourly cost` (pounds per hour: gross wages plus employer pension and
National Insurance) and optionally `start` and `end` (the days the person
held the post, YYYY-MM-DD). Cells are read as a log's cells are
(logs.cell_value: roles with `;` between them, yes/no, whole numbers),
and a value is checked as a scenario's would be. An empty cell is a fact
the roster does not give (for roles too: a roster row with no roles says
nothing about them). `note` and `comment` columns are ignored, and others
can be renamed or passed over as a log's can (logs.ColumnNames).

`ftdsl ask --roster` reads the row of the person asked about
(`person_row`); `ftdsl run --roster` and `ftdsl report` read every row
(`read_roster`) and join each log row to its person's (`Roster.join`): the
roster's facts fill the row's, and a fact given in both must agree. A
workbook is read whatever its name says (workbook.py); a document or a
file that is not UTF-8 text is refused with what to do instead.
"""

from __future__ import annotations

import csv
import os
from fractions import Fraction

from .errors import Diagnostic, FtdslError, Span
from .logs import (
    IGNORED_PREFIX,
    SNIFF_BYTES,
    BadRow,
    LogError,
    cell_value,
    refuse_non_text,
    unknown_columns_error,
)
from .names import name_key
from .scenario import number_from_text, parse_date, suggest, validate_facts

_IGNORED = ("note", "comment")
CONTRACTED = "contracted hours per week"
COST = "hourly cost"
_OWN = ("person", "union", CONTRACTED, COST, "start", "end")  # the roster's own columns, besides the facts


class PersonRow:
    """One person's row of a roster: its `line`, the person's `union` ('' when not given), and `facts` (name ->
    the value as a scenario holds it, only those the row gives)."""

    def __init__(self, line: int, union: str, facts: dict, texts: dict | None = None, contracted=None, cost=None,
                 start=None, end=None):
        self.line = line
        self.union = union
        self.facts = facts
        self.texts = texts or {}  # fact name -> the cell's text, only those the row gives
        self.contracted = contracted  # contracted hours per week (a Fraction), None when not given
        self.cost = cost  # hourly cost in pounds (a Fraction), None when not given
        self.start = start  # the first and last day in post (dates), None when not given
        self.end = end


def person_row(path: str, program, person: str) -> PersonRow | None:
    """The roster's row for `person` (exactly as written in its `person` column), or None when it has none.

    FtdslError (E308) for a roster that cannot be read as one: not CSV text
    or a workbook, no `person` column, a column the ruleset does not know,
    the person on two rows, or a value of the wrong type on the person's
    row; E001-E006 for a file that is missing, a folder, unreadable or far
    too large.
    """
    columns, rows = _table(path, program)
    found = None
    for line, row in rows:
        cells = dict(zip(columns, row))
        if cells.get("person") != person:
            continue
        if found is not None:
            raise _error(path, line, f"'{person}' is on two rows of the roster, lines {found[0]} and {line}",
                         "give each person one row")
        found = (line, cells)
    if found is None:
        return None
    line, cells = found
    return _person(cells, program, path, line)


def people(path: str) -> list[str]:
    """Every name in the roster's `person` column (for suggesting the name meant), or [] if it cannot be read."""
    try:
        table = _cells(path)
    except (FtdslError, csv.Error):
        return []
    if not table:
        return []
    keys = [name_key(column) for column in table[0][1]]
    if "person" not in keys:
        return []
    at = keys.index("person")
    return [row[at] for _, row in table[1:] if len(row) > at and row[at]]


class Roster:
    """Every person of a roster file (`people`: name as written -> PersonRow), for joining a log's rows to them.

    `columns` are the facts the roster has a column for."""

    def __init__(self, path: str, people: dict, columns: list[str]):
        self.path = path
        self.people = people
        self.columns = columns

    def join(self, rows, kinds):
        """A log's rows (logs.CsvRows or JsonRows) with each person's roster facts joined in (JoinedRows)."""
        return JoinedRows(rows, self, kinds)


def read_roster(path: str, program, mapping=None) -> Roster:
    """Every row of the roster at `path`, its columns renamed or passed over as `mapping` (logs.ColumnNames)
    says; FtdslError (E308) for every problem of the file: a column it does not know (all at once), a person
    on two rows, a row with no person, a value of the wrong type or a contracted hours or cost that is not a
    number, 0 or more."""
    columns, rows = _table(path, program, mapping)
    found = {}
    problems = []
    for line, row in rows:
        cells = dict(zip(columns, row))
        person = cells.get("person", "")
        if not person.strip():
            if any(text.strip() for text in row):
                problems.append(_diagnostic(path, line, "the row names no person", "fill in its 'person' cell"))
            continue
        if person in found:
            problems.append(_diagnostic(path, line, f"'{person}' is on two rows of the roster, lines "
                                        f"{found[person].line} and {line}", "give each person one row"))
            continue
        try:
            found[person] = _person(cells, program, path, line)
        except FtdslError as error:
            problems.extend(error.diagnostics)
    if problems:
        raise FtdslError(problems)
    return Roster(path, found, [c for c in columns if c in program.vocabulary.facts])


class JoinedRows:
    """A log's rows, each with its person's roster facts joined in: the log's columns, then the facts only the
    roster gives. A log's cell left empty takes the roster's; a cell the log fills in must say the same as the
    roster's, or the row is an error (E313) saying which fact and both values. A row whose person the roster
    does not have is an error (E312). `line_num` is the log's."""

    def __init__(self, rows, roster: Roster, kinds):
        self.rows = rows
        self.roster = roster
        self.kinds = kinds
        given = {name: at for at, name in enumerate(rows.columns)}
        self.i_rep = given["rep"]
        self.i_id = given.get("id")
        self.i_date = given["date"]
        self.shared = [(given[name], name) for name in roster.columns if name in given]
        self.extra = [name for name in roster.columns if name not in given]
        self.columns = list(rows.columns) + self.extra
        self.width = len(self.columns)
        self.inner_width = rows.width
        self.added = {}  # person -> the cells of `extra`, in order
        self.same = {}  # (fact, log text, roster text) -> whether they say the same

    @property
    def line_num(self):
        return self.rows.line_num

    @property
    def handle(self):
        return self.rows.handle

    def __iter__(self):
        people = self.roster.people
        added = self.added
        shared = self.shared
        for row in self.rows:
            if isinstance(row, BadRow) or len(row) != self.inner_width:
                yield row
                continue
            rep = row[self.i_rep]
            cells = added.get(rep)
            if cells is None:
                person = people.get(rep)
                if person is None:
                    yield self._bad(row, self._not_in_roster(rep), code="E312") if rep else row
                    continue
                cells = added[rep] = [person.texts.get(name, "") for name in self.extra]
            for at, name in shared:
                text = people[rep].texts.get(name)
                if text is None:
                    continue
                given = row[at]
                if not given.strip():
                    row[at] = text
                elif given != text and not self._same(name, given, text):
                    yield self._bad(row, (f"'{name}' is '{given}' in the log but '{text}' in the roster (line "
                                          f"{people[rep].line})", "correct the log or the roster, or leave the "
                                          "log's cell empty to take the roster's"), code="E313")
                    break
            else:
                row.extend(cells)
                yield row

    def _same(self, name, given, text):
        key = (name, given, text)
        found = self.same.get(key)
        if found is None:
            kind = self.kinds[name]
            found = self.same[key] = _value_key(cell_value(given, kind), kind) == _value_key(
                cell_value(text, kind), kind)
        return found

    def _not_in_roster(self, rep):
        close = suggest(rep, self.roster.people)
        hint = (close + " (names are matched as written); " if close else "") + "add them to the roster, or correct the name"
        return f"'{rep}' is not in the roster ({os.path.basename(self.roster.path)})", hint

    def _bad(self, row, problem, code):
        message, hint = problem
        row_id = row[self.i_id] if self.i_id is not None and row[self.i_id] else ""
        bad = BadRow(message, hint, (row[self.i_rep], row_id or str(self.rows.line_num), row[self.i_date]), code)
        return bad


def _value_key(value, kind):
    """A cell's value in a form that compares as the ruleset does: names whatever their case or spacing, a list
    of roles whatever its order, yes/no whatever its words."""
    if isinstance(value, list):
        return frozenset(map(name_key, value))
    if isinstance(value, str):
        key = name_key(value)
        return {"yes": True, "true": True, "no": False, "false": False}.get(key, key) if kind[-1] == "yes/no" else key
    return value


def _table(path: str, program, mapping=None):
    """The roster's columns (canonical names) and its rows as (line, cells) after the header."""
    table = _cells(path)
    if not table:
        raise _error(path, 1, "the roster is empty: it needs a header row naming its columns",
                     "for example: person,union,roles,staff group")
    columns = _columns(table[0][1], program, path, mapping)
    rows = []
    for line, row in table[1:]:
        if not any(text.strip() for text in row):
            continue
        if len(row) != len(columns):
            raise _error(path, line, f"the row has {len(row)} fields; the header has {len(columns)}",
                         "check for a missing or extra comma")
        rows.append((line, row))
    return columns, rows


def _cells(path: str) -> list:
    """Every row of the roster file, CSV or workbook, as (line, cells)."""
    from . import workbook

    if os.path.isfile(path) and workbook.is_workbook(path):
        found = workbook.rows(path)
        width = len(found[0]) if found else 0
        return [(line, cells + [""] * (width - len(cells))) for line, cells in enumerate(found, start=1)]
    reader = csv.reader(_read(path).splitlines())
    table = []
    try:
        for row in reader:
            table.append((reader.line_num, row))
    except csv.Error as error:
        line = reader.line_num
        if line <= 1:
            raise _error(path, 1, f"the roster's header is not valid CSV: {error}") from None
        raise _error(path, line, f"the row is not valid CSV: {error}", "check the row's quotes") from None
    return table


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


def _columns(header, program, path, mapping=None) -> list[str]:
    facts = program.vocabulary.facts
    known = {*_OWN, *_IGNORED, *facts}
    columns = []
    unknown = []
    for given in header:
        key = name_key(given)
        meant = key if mapping is None else mapping.meant(key)
        if meant is None or meant in _IGNORED:
            columns.append(IGNORED_PREFIX + given)
            continue
        if meant not in known:
            if meant in program.vocabulary.request_facts:
                raise _error(path, 1, f"unknown column '{given}'",
                             f"'{meant}' is a fact of each request, not of a person: give it in the log's rows, or with "
                             "--fact")
            unknown.append((given, key))
            continue
        if meant in columns:
            raise _error(path, 1, f"the column '{given}' appears twice", "give each column once")
        columns.append(meant)
    if unknown:
        error = unknown_columns_error(unknown, 1, known - set(_IGNORED), "roster")
        raise _error(path, 1, error.message, error.hint)
    if "person" not in columns:
        raise _error(path, 1, "the roster has no 'person' column", "name the column of people's names 'person', "
                     "written as the log's 'rep' column writes them")
    return columns


def _person(cells, program, path, line) -> PersonRow:
    """A roster row's PersonRow; FtdslError (E308) for a value it cannot take."""
    numbers = {}
    for name in (CONTRACTED, COST):
        text = cells.get(name, "").strip()
        if not text:
            numbers[name] = None
            continue
        number = number_from_text(text)
        if number is None or number < 0:
            example = "37" if name == CONTRACTED else "18.40 (pounds, without the £ sign)"
            raise _error(path, line, f"'{name}' must be a number, 0 or more, not \"{text}\"", f"for example {example}")
        numbers[name] = Fraction(number)
    days = {}
    for name in ("start", "end"):
        text = cells.get(name, "").strip()
        day = parse_date(text) if text else None
        if text and day is None:
            raise _error(path, line, f"'{name}' must be a date written YYYY-MM-DD, not \"{text}\"",
                         'for example "2025-04-01"')
        days[name] = day
    if days["start"] and days["end"] and days["end"] < days["start"]:
        raise _error(path, line, f"'end' ({days['end']}) is before 'start' ({days['start']})", "check the dates")
    texts = {name: text for name, text in cells.items() if name in program.vocabulary.facts and text.strip()}
    return PersonRow(line, cells.get("union", "").strip(), _facts(cells, program, path, line), texts,
                     numbers[CONTRACTED], numbers[COST], days["start"], days["end"])


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


def _diagnostic(path, line, message, hint=None) -> Diagnostic:
    return Diagnostic("E308", message, Span(path, line, 1) if line else None, hint=hint)


def _error(path, line, message, hint=None) -> FtdslError:
    return FtdslError(_diagnostic(path, line, message, hint))
