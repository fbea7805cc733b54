"""One request in its context: the person's facts and the time they have already taken, as a scenario of one request.

Two commands decide one request that way: `ftdsl ask`, a request typed on
the command line, and `ftdsl explain LOG --request ID`, one row of a log.
In: the request's fields and facts as text, and where given a log of
requests (CSV or JSON Lines, logs.py) and a roster (roster.py). Out: a
`Question`, the scenario of that one request, with where each fact came
from and which of the person's log rows count; or an FtdslError naming the
option or the file to correct.

The time already taken is what `ftdsl run` counts. The log's rows are
decided by batch.py, exactly as `ftdsl run RULESET LOG` decides them, and
a row of the person's counts when it comes before the request (by date;
a request asked on a day the log already has rows for comes after them,
as a row appended to the log would) and was not refused outright (not
entitled), as the runtime counts an earlier request. So `ftdsl ask`
answers what `ftdsl run` would answer for the request appended to the
log, and `explain LOG --request ID` explains the decision `run` gives
that row.

The person's facts, for `ask`: `--fact` first, then the roster's row, then
the log: for each fact, the person's row nearest before the request's
date that gives it (or, when none before does, the nearest after). A
log's row is explained with its own facts, as `run` decides it. A fact
the decision needs that none of them gives is found by deciding
(`missing_fact`): the command asks for it on a terminal, or says which
`--fact` to add.
"""

from __future__ import annotations

import io
import json
import os
import tempfile

from .errors import Diagnostic, FtdslError, Span
from .logs import NOT_UTF8, SNIFF_BYTES, BadRow, CsvRows, JsonRows, Layout, LogError, cell_value, refuse_non_text
from .names import name_key
from .scenario import QUANTITY_KEYS, ScenarioError, number_from_text, parse_date, suggest, validate_facts, \
    validate_scenario

LOG_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_OPTIONS = {"date": "--date", "category": "--category", "hours": "--hours", "days": "--days",
            "half days": "--half-days", "notice days": "--notice-days", "in working hours": "--outside-working-hours"}
ASKED = "asked"  # where a fact came from when it was asked for at the terminal
GIVEN = "--fact"


class BadValue(Exception):
    """A fact's value, typed as text, that the ruleset cannot take: the message and what to write instead."""

    def __init__(self, message, hint=None):
        super().__init__(message)
        self.message = message
        self.hint = hint


class Row:
    """One row of a log, as its cells' text by column name, and what `ftdsl run` decided for it (`decided`:
    the output line's fields, `outcome` and `error` among them)."""

    def __init__(self, line: int, cells: dict, decided: dict | None = None):
        self.line = line
        self.cells = cells
        self.decided = decided or {}

    @property
    def id(self) -> str:
        return self.cells.get("id") or str(self.line)

    @property
    def day(self):
        return parse_date(self.cells.get("date", "").strip())

    @property
    def error(self) -> str | None:
        return self.decided.get("error")

    @property
    def outcome(self) -> str | None:
        return self.decided.get("outcome")

    def quantity(self):
        """(unit, number as a scenario holds it) of the one amount the row gives, or None."""
        given = [(unit, self.cells[unit].strip()) for unit in QUANTITY_KEYS if self.cells.get(unit, "").strip()]
        if len(given) != 1:
            return None
        unit, text = given[0]
        number = number_from_text(text)
        return (unit, text if number is None else number)

    def in_working_hours(self) -> bool:
        value = cell_value(self.cells.get("in working hours", ""), ("in hours",))
        return value if isinstance(value, bool) else True


class Looked:
    """A log row looked at for the time already taken: whether it counts, and why not when it does not."""

    def __init__(self, row: Row, counted: bool, why: str):
        self.row = row
        self.counted = counted
        self.why = why

    def to_dict(self) -> dict:
        row = self.row
        quantity = row.quantity()
        return {"line": row.line, "id": row.id, "date": row.cells.get("date", ""),
                "category": row.cells.get("category", ""), "amount": None if quantity is None else
                f"{row.cells[quantity[0]].strip()} {quantity[0]}", "outcome": row.outcome, "counted": self.counted,
                "why": self.why}


class Question:
    """One request with its person's facts and history: `scenario()` is what is decided and explained.

    `request` is the request as a scenario's request; `facts` the person's
    facts as a scenario's, each with where it came from in `origins`
    ("--fact", "asked", "roster.csv line 3", "log.csv line 7"); `history`
    the person's log rows looked at (Looked), in the log's order.
    """

    def __init__(self, program, request, facts, origins, history=(), person=None, union="", log=None, roster=None):
        self.program = program
        self.request = request
        self.facts = dict(facts)
        self.origins = dict(origins)
        self.history = list(history)
        self.person = person
        self.union = union
        self.log = log
        self.roster = roster

    def give(self, name: str, value, origin: str) -> None:
        """Add a fact of the person, or of the request (a request fact), from `origin`."""
        if name in self.program.vocabulary.request_facts:
            self.request[name] = value
        else:
            self.facts[name] = value
        self.origins[name] = origin

    def taken(self) -> list[dict]:
        entries = []
        for looked in self.history:
            if looked.counted:
                row = looked.row
                unit, number = row.quantity()
                entries.append({"date": row.cells["date"].strip(), "category": row.cells["category"], unit: number,
                                "in working hours": row.in_working_hours()})
        return entries

    def scenario(self) -> dict:
        return {"facts": dict(self.facts), "taken": self.taken(), "requests": [dict(self.request)]}


# ---- the values typed on the command line --------------------------------------------------

def fact_value(program, name: str, text: str):
    """A fact's value typed as text (`--fact`, or an answer at the terminal) as a scenario holds it; BadValue when
    the ruleset's fact cannot take it. Roles are separated by ';' (or ',')."""
    vocabulary = program.vocabulary
    fact = vocabulary.facts.get(name) or vocabulary.request_facts[name]
    if fact.type == "list of roles":
        text = text.replace(",", ";")
        if not text.strip():
            raise BadValue("give at least one role", "roles: " + ", ".join(sorted(vocabulary.roles)))
    value = cell_value(text.strip(), ("fact", fact.type))
    problems = []
    validate_facts({name: value}, _as_person_fact(vocabulary, name), problems)
    if problems:
        raise BadValue(problems[0]["message"], problems[0].get("hint"))
    return value


def _as_person_fact(vocabulary, name):
    """The vocabulary, with a request fact `name` made a fact of the person's, so validate_facts checks its value."""
    if name not in vocabulary.request_facts:
        return vocabulary
    import copy

    widened = copy.copy(vocabulary)
    widened.facts = {**vocabulary.facts, name: vocabulary.request_facts[name]}
    return widened


def describe(program, name: str) -> str:
    """What a fact takes, in words, with the names to choose from: "yes or no", "teaching or non-teaching"."""
    vocabulary = program.vocabulary
    fact = vocabulary.facts.get(name) or vocabulary.request_facts[name]
    choices = {"staff group": vocabulary.staff_groups, "role": vocabulary.roles,
               "category": vocabulary.categories}.get(fact.type)
    if choices is not None:
        return _either(sorted(choices))
    if fact.type == "list of roles":
        return "one or more of: " + ", ".join(sorted(vocabulary.roles)) + "; separated by ';'"
    return {"yes/no": "yes or no", "count": "a whole number, 0 or more", "number": "a number",
            "hours": "a number of hours, 0 or more",
            "date": "a date, YYYY-MM-DD", "text": "text"}.get(fact.type, fact.type)


def example_value(program, name: str) -> str:
    """A value of the fact's type to show in a hint (the first name to choose from, where there are names)."""
    vocabulary = program.vocabulary
    fact = vocabulary.facts.get(name) or vocabulary.request_facts[name]
    choices = {"staff group": vocabulary.staff_groups, "role": vocabulary.roles, "list of roles": vocabulary.roles,
               "category": vocabulary.categories}.get(fact.type)
    if choices:
        return sorted(choices)[0]
    return {"yes/no": "yes", "count": "0", "number": "0", "hours": "0", "date": "2026-04-01"}.get(fact.type, "...")


def _either(names: list[str]) -> str:
    if len(names) <= 2:
        return " or ".join(names)
    return "one of: " + ", ".join(names)


def fact_name(program, given: str, value: str = "...") -> str:
    """The name of a fact of the person or of the request, as --fact gives it (with `value`); FtdslError (E305)
    for one the ruleset does not declare."""
    vocabulary = program.vocabulary
    key = name_key(given)
    if key in vocabulary.facts or key in vocabulary.request_facts:
        return key
    if key in vocabulary.state_fields:
        hint = f"'{key}' is what a request states: give --stated '{key}'"
    else:
        hint = suggest(key, {*vocabulary.facts, *vocabulary.request_facts}) or \
            "facts it reads: " + ", ".join(sorted({*vocabulary.facts, *vocabulary.request_facts}))
    raise _error("E305", f"--fact '{given}={value}': this ruleset has no fact '{given}'", hint)


def asked_request(program, request_id: str, fields: dict, facts: dict[str, str]) -> tuple[dict, dict, dict]:
    """The request typed on the command line, and the facts given with --fact, as a scenario holds them:
    (request, person's facts, origins). FtdslError (E305) naming the option for a value the ruleset cannot
    take: an unknown category or fact, a date that does not exist, a value of the wrong type.

    `fields`: date, category, unit and amount (text), notice days (text or None), in working hours, stated."""
    unit, amount = fields["quantity"]
    number = number_from_text(amount)
    request = {"id": request_id, "date": fields["date"], "category": fields["category"],
               unit: amount if number is None else number}
    if fields.get("notice days") is not None:
        request["notice days"] = cell_value(fields["notice days"], ("notice",))
    if not fields.get("in working hours", True):
        request["in working hours"] = False
    vocabulary = program.vocabulary
    for field in fields.get("stated", ()):
        key = name_key(field)
        if key not in vocabulary.state_fields:
            hint = suggest(key, vocabulary.state_fields) or (
                "fields its rules name: " + ", ".join(vocabulary.state_fields) if vocabulary.state_fields
                else "this ruleset asks a request to state nothing")
            raise _error("E305", f"--stated '{field}': this ruleset's requests state no '{field}'", hint)
        request[key] = "stated"
    person, origins = {}, {}
    for name, text in facts.items():
        try:
            value = fact_value(program, name, text)
        except BadValue as bad:
            raise _error("E305", f"--fact '{name}={text}': {bad.message}", bad.hint) from None
        if name in vocabulary.request_facts:
            request[name] = value
        else:
            person[name] = value
        origins[name] = GIVEN
    try:
        validate_scenario({"facts": person, "requests": [request]}, vocabulary)
    except ScenarioError as error:
        raise option_error(error.problems[0]) from None
    return request, person, origins


def option_error(found: dict) -> FtdslError:
    """E305 for a problem with the request asked (a scenario problem at requests[0]), naming its option."""
    step = found["path"].removeprefix("requests[0]").lstrip(".")
    option = _OPTIONS.get(name_key(step), "the request") if step else "the request"
    return _error("E305", f"{option}: {found['message']}", found.get("hint"))


# ---- logs -----------------------------------------------------------------------------------

def log_format(path: str, input_format: str | None = None) -> str:
    """How to read a log: --input-format, else by its extension (.csv, .jsonl, .ndjson, and .json as JSON Lines);
    anything else is CSV."""
    if input_format:
        return input_format
    extension = os.path.splitext(path)[1].lower()
    if extension in LOG_FORMATS:
        return LOG_FORMATS[extension]
    # A .json file is read as JSON Lines: a scenario, one object over several lines, is then refused as one
    # (logs.refuse_scenario), saying which commands take it.
    return "jsonl" if extension == ".json" else "csv"


def read_rows(program, path: str, log_format_: str, name: str):
    """Each row of a log as a Row (its cells by column name), in the log's order; a row that cannot be read at
    all is left out (`ftdsl run` reports it). FtdslError for a log that cannot be read as one."""
    from .source import read_text

    if not os.path.isfile(path):
        read_text(path, "log")  # raises the right error for a missing file or a folder
    layout = Layout(program)
    try:
        with open(path, "rb") as raw:
            refuse_non_text(raw.read(SNIFF_BYTES))
            raw.seek(0)
            handle = io.TextIOWrapper(raw, encoding="utf-8-sig", errors=NOT_UTF8,
                                      newline="" if log_format_ == "csv" else None)
            rows = CsvRows(handle, layout, name) if log_format_ == "csv" else JsonRows(handle, layout, name)
            for cells in rows:
                if isinstance(cells, BadRow) or len(cells) != rows.width:
                    continue
                yield Row(rows.line_num, dict(zip(rows.columns, cells)))
    except LogError as error:
        raise _log_error(name, error) from None
    except OSError as error:
        raise FtdslError(Diagnostic("E003", f"cannot read log '{name}': {error.strerror}")) from None


def decided_rows(program, path: str, log_format_: str, name: str, lines: set[int]) -> dict[int, dict]:
    """What `ftdsl run` decides for the rows on `lines` of the log: {line: the output line's fields}."""
    from .batch import Batch

    batch = Batch(program, name, log_format_, "jsonl")
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as out:
        try:
            batch.run(path, out)
        except LogError as error:
            raise _log_error(name, error) from None
        out.seek(0)
        found = {}
        for text in out:
            record = json.loads(text)
            if record["line"] in lines:
                found[record["line"]] = record
    return found


def _counts(program, row: Row, before) -> Looked:
    """Whether a row of the person's counts against a request at `before` ((day, line) it comes after)."""
    if row.error:
        return Looked(row, False, f"the row has an error: {row.error}")
    if (row.day, row.line) >= before:
        from .model import date_words

        return Looked(row, False, f"after {date_words(before[0].isoformat())}, the day asked" if row.day > before[0]
                      else "later in the log on the same day: decided after this request")
    if row.outcome == "not_entitled":
        return Looked(row, False, "refused (not entitled), so it counts against nothing")
    if not row.in_working_hours() and not program.counts_outside:
        return Looked(row, False, "outside working hours, which this agreement does not count")
    return Looked(row, True, row.outcome.replace("_", " "))


def _rows_of(program, path, log_format_, name, person) -> tuple[list[Row], list[str]]:
    """The person's rows of a log, decided; and every rep the log names (for suggesting a name)."""
    rows, reps = [], {}
    for row in read_rows(program, path, log_format_, name):
        rep = row.cells.get("rep", "")
        reps[rep] = None
        if rep == person:
            rows.append(row)
    decided = decided_rows(program, path, log_format_, name, {row.line for row in rows})
    for row in rows:
        row.decided = decided.get(row.line, {"error": "the row could not be read"})
    return rows, [rep for rep in reps if rep]


def _facts_of_rows(program, rows: list[Row], day, log_name: str) -> tuple[dict, dict]:
    """For each fact, the value of the person's row nearest before `day` (on it included) that gives it, or of the
    nearest after when none before does: (facts, origins). Rows with errors are passed over."""
    usable = sorted((row for row in rows if not row.error and row.day is not None), key=lambda r: (r.day, r.line))
    before = [row for row in usable if row.day <= day][::-1]
    after = [row for row in usable if row.day > day]
    facts, origins = {}, {}
    for name, fact in program.vocabulary.facts.items():
        for row in before + after:
            text = row.cells.get(name, "")
            if not text.strip():
                continue
            value = cell_value(text, ("fact", fact.type))
            problems = []
            validate_facts({name: value}, program.vocabulary, problems)
            if not problems:
                facts[name] = value
                origins[name] = f"{log_name} line {row.line}"
                break
    return facts, origins


def ask(program, fields: dict, facts: dict[str, str], person: str | None = None, log: str | None = None,
        log_format_: str = "csv", roster: str | None = None) -> Question:
    """A request typed on the command line as a Question: its facts from --fact (`facts`, by name as typed), the
    roster's row for `person` and the person's rows of the log, the time already taken from the log."""
    # The request's id is who asks, which the explanation's tree heads it with; "1" as in a scenario without ids.
    request, given, origins = asked_request(program, person or "1", fields, facts)
    day = parse_date(request["date"])
    union = ""
    on_roster = None
    if roster is not None:
        from .roster import people, person_row

        on_roster = person_row(roster, program, person)
        if on_roster is None and log is None:
            raise _not_found(person, [roster], people(roster), "the roster's 'person' column")
        if on_roster is not None:
            union = on_roster.union
            for name, value in on_roster.facts.items():
                if name not in given:
                    given[name] = value
                    origins[name] = f"{_shown(roster)} line {on_roster.line}"
    history = []
    if log is not None:
        rows, reps = _rows_of(program, log, log_format_, log, person)
        if not rows and on_roster is None:
            files = [log] + ([roster] if roster is not None else [])
            raise _not_found(person, files, reps, "the log's 'rep' column")
        history = [_counts(program, row, (day, float("inf"))) for row in rows]
        from_rows, row_origins = _facts_of_rows(program, rows, day, _shown(log))
        for name, value in from_rows.items():
            if name not in given:
                given[name] = value
                origins[name] = row_origins[name]
    return Question(program, request, given, origins, history, person, union, log, roster)


def log_row(program, path: str, log_format_: str, name: str, request_id: str) -> tuple[Question, Row]:
    """The row of a log with the id `request_id` (its 'id' column; its line number where that is empty), with its
    own facts and the time its representative had taken before it, as `ftdsl run` decides it."""
    found, ids = [], []
    for row in read_rows(program, path, log_format_, name):
        if row.id == str(request_id):
            found.append(row)
        elif len(ids) < 12:
            ids.append(row.id)
    if not found:
        raise FtdslError(Diagnostic("E302", f"the log has no request with the id '{request_id}'", Span(name, 0, 0),
                                    hint="ids in this log (its 'id' column, else the line number): "
                                         + ", ".join(ids) + (", ..." if len(ids) == 12 else "")))
    if len(found) > 1:
        raise FtdslError(Diagnostic("E302", f"the id '{request_id}' is on {len(found)} rows of the log, lines "
                                    + ", ".join(str(row.line) for row in found), Span(name, found[1].line, 1),
                                    hint="give each row its own id"))
    target = found[0]
    rep = target.cells.get("rep", "")
    rows = [row for row in read_rows(program, path, log_format_, name) if row.cells.get("rep", "") == rep] \
        if rep else [target]
    decided = decided_rows(program, path, log_format_, name, {row.line for row in rows} | {target.line})
    for row in rows:
        row.decided = decided.get(row.line, {"error": "the row could not be read"})
    target = next(row for row in rows if row.line == target.line)
    if target.error:
        raise FtdslError(Diagnostic("E301", target.error, Span(name, target.line, 1),
                                    hint="ftdsl run RULESET LOG reports the same; correct the row"))
    before = (target.day, target.line)
    history = [_counts(program, row, before) for row in rows if row is not target]
    facts, origins = _own_facts(program, target, _shown(name))
    request = {"id": target.id, "date": target.cells["date"].strip(), "category": target.cells["category"]}
    unit, number = target.quantity()
    request[unit] = number
    layout = Layout(program)
    for column, text in target.cells.items():
        kind = layout.kinds[column]
        if kind[0] in ("notice", "in hours", "request fact") and text.strip():
            request[column] = cell_value(text, kind)
            if kind[0] == "request fact":
                origins[column] = f"{_shown(name)} line {target.line}"
        elif kind[0] == "state" and text.strip():
            request[column] = text
    return Question(program, request, facts, origins, history, rep or None, "", name), target


def _own_facts(program, row: Row, log_name: str) -> tuple[dict, dict]:
    """A row's facts as `ftdsl run` reads them: each fact column filled in; an empty roles cell is no roles."""
    facts, origins = {}, {}
    for name, fact in program.vocabulary.facts.items():
        if name not in row.cells:
            continue
        text = row.cells[name]
        if text.strip() or fact.type == "list of roles":
            facts[name] = cell_value(text, ("fact", fact.type))
            origins[name] = f"{log_name} line {row.line}"
    return facts, origins


# ---- deciding ------------------------------------------------------------------------------

class Missing:
    """A fact a decision needs and nobody gave: its name, the clauses that read it, whether it is the request's."""

    def __init__(self, name: str, clauses: tuple, of_request: bool):
        self.name = name
        self.clauses = clauses
        self.of_request = of_request


def missing_fact(question: Question) -> Missing | None:
    """The first fact the decision of the question's request needs and nobody gave, or None when it can be
    decided. FtdslError (E305) for a request it cannot decide otherwise (days, where the agreement defines no
    working day)."""
    try:
        question.program.decide(question.scenario(), detailed=False)
    except ScenarioError as error:
        for found in error.problems:
            if "needs" in found:
                name = found["needs"]
                return Missing(name, tuple(found.get("clauses", ())), name in question.program.vocabulary.request_facts)
        raise option_error(error.problems[0]) from None
    return None


def not_given(question: Question, missing: Missing) -> FtdslError:
    """The error (E306) for a fact the decision needs when there is no terminal to ask at: which --fact to add."""
    from .model import cited

    program = question.program
    reads = f"; {', '.join(map(cited, missing.clauses))} reads it" if missing.clauses else ""
    sources = ["--fact"] + (["the roster"] if question.roster else []) + (["the log"] if question.log else [])
    givers = "no --fact gives" if len(sources) == 1 else \
        "neither " + ", ".join(sources[:-1]) + " nor " + sources[-1] + " gives"
    return _error("E306", f"the decision needs '{missing.name}' ({describe(program, missing.name)}{reads}), which "
                  f"{givers}",
                  f"add --fact '{missing.name}={example_value(program, missing.name)}' with the person's own value, "
                  "or run ftdsl ask at a terminal to be asked for it")


# ---- errors ----------------------------------------------------------------------------------

def _shown(path: str) -> str:
    return "<stdin>" if path == "-" else path


def _error(code: str, message: str, hint: str | None = None) -> FtdslError:
    return FtdslError(Diagnostic(code, message, hint=hint))


def _log_error(name: str, error: LogError) -> FtdslError:
    return FtdslError(Diagnostic("E301", error.message, Span(name, error.line, 1) if error.line else None,
                                 hint=error.hint))


def _not_found(person, files, names, column) -> FtdslError:
    """E307: --rep names nobody in the log (nor the roster): the names it may have meant."""
    import difflib

    close = difflib.get_close_matches(person, names, n=3, cutoff=0.6)
    close += [name for name in names if name_key(name) == name_key(person) and name not in close]
    if close:
        hint = "did you mean " + " or ".join(f"'{name}'" for name in close[:3]) + "? (names are matched as written)"
    else:
        hint = f"give --rep as {column} writes the name" + (
            "; a representative with no rows in the log has taken no time: ask without --history"
            if "log" in column else "")
    return FtdslError(Diagnostic("E307", f"'{person}' has no row in " + " or ".join(map(_shown, files)), hint=hint))


# ---- text and data ---------------------------------------------------------------------------

_MOST_SHOWN = 10  # rows listed by line in the text (the JSON lists them all)


def value_text(program, name: str, value) -> str:
    """A fact's value as the text shows it: yes/no (however the log wrote it), roles with ';' between them."""
    fact = program.vocabulary.facts.get(name) or program.vocabulary.request_facts.get(name)
    if fact is not None and fact.type == "yes/no" and isinstance(value, str):
        value = name_key(value) in ("yes", "true")
    if value is True or value is False:
        return "yes" if value else "no"
    if isinstance(value, (list, tuple, set, frozenset)):
        return "; ".join(sorted(value)) if value else "(none)"
    return str(value)


def _amount(program, row: Row) -> tuple[str, object]:
    """A row's amount as the text shows it ("1.5 h", "1 day") and in hours (a Fraction, or None)."""
    from fractions import Fraction

    unit, number = row.quantity()
    text = row.cells[unit].strip()
    hours = program.model.hours_of(unit, Fraction(number))
    words = {"hours": "h", "days": "day" if text == "1" else "days", "half days": "half day" if text == "1"
             else "half days"}[unit]
    return f"{text} {words}", (Fraction(number) if unit == "hours" else hours)


def _lines_text(rows) -> str:
    numbers = [str(looked.row.line) for looked in rows]
    shown = ", ".join(numbers[:_MOST_SHOWN]) + (f" and {len(numbers) - _MOST_SHOWN} more" if len(numbers) >
                                                  _MOST_SHOWN else "")
    return ("line " if len(numbers) == 1 else "lines ") + shown


def head_lines(question: Question, row: Row | None = None) -> list:
    """What the request is, the facts and where each came from, and the time counted: lines for wrap_lines."""
    from .display import visible
    from .model import date_words
    from .numbers import decimal_text

    program = question.program
    request = question.request
    unit = next(u for u in QUANTITY_KEYS if u in request)
    amount = f"{request[unit]} " + {"hours": "h", "days": "days", "half days": "half days"}[unit]
    when = date_words(request["date"])
    notice = request.get("notice days")
    extra = (f", with {notice} days' notice" if notice is not None else "") + (
        ", outside working hours" if request.get("in working hours") is False else "")
    who = visible(question.person) if question.person else "A representative"
    union = f" ({visible(question.union)})" if question.union else ""
    if row is None:
        head = f"{who}{union} asks for {amount} of {visible(request['category'])} on {when}{extra}"
    else:
        head = (f"Row {visible(row.id)} of {visible(_shown(question.log))} (line {row.line}): {who}, {amount} of "
                f"{visible(request['category'])} on {when}{extra}")
    lines = [("", head, "  ")]
    lines.append(("", "Facts:" if question.facts or question.origins else "Facts: none given", ""))
    for name in sorted(question.origins):
        value = question.facts.get(name, request.get(name))
        shown = visible(value_text(program, name, value))
        lines.append(("  ", f"{name}: {shown} ({visible(question.origins[name])})", "    "))
    if question.log is None:
        lines.append(("", "Time already taken: none given (--history LOG counts the person's earlier requests)",
                      "  "))
        return lines
    whose = f" by {visible(question.person)}" if question.person else ""
    lines.append(("", f"Already taken{whose}, from {visible(_shown(question.log))}:", "  "))
    counted = [looked for looked in question.history if looked.counted]
    by_category = {}
    for looked in counted:
        by_category.setdefault(looked.row.cells["category"], []).append(looked)
    if counted:
        parts = []
        for category, rows in by_category.items():
            total = sum((_amount(program, looked.row)[1] or 0) for looked in rows)
            parts.append(f"{visible(category)} {decimal_text(total)} h ({_lines_text(rows)})")
        lines.append(("  ", "counted: " + ", ".join(parts), "    "))
    else:
        lines.append(("  ", "counted: nothing" + ("" if question.history else
                                                 f" (the log has no rows{whose})"), "    "))
    skipped = [looked for looked in question.history if not looked.counted]
    for looked in skipped[:_MOST_SHOWN]:
        row_ = looked.row
        amount_text = _amount(program, row_)[0] if row_.quantity() is not None else "no amount"
        lines.append(("  ", f"not counted: line {row_.line} ({visible(row_.cells.get('date', '').strip())}, "
                            f"{visible(row_.cells.get('category', ''))}, {visible(amount_text)}): "
                            f"{visible(looked.why)}",
                      "    "))
    if len(skipped) > _MOST_SHOWN:
        lines.append(("  ", f"not counted: {len(skipped) - _MOST_SHOWN} more rows (--format json lists them all)",
                      "    "))
    return lines


def to_text(question: Question, explanation: dict, row: Row | None = None, width: int | None = None,
            colour: bool = False) -> str:
    """The request, its facts and history (head_lines), then the explanation tree (explain.to_text)."""
    from .colour import paint
    from .display import visible_data
    from .explain import to_text as tree_text
    from .wrapping import wrap_lines

    head = paint(wrap_lines(head_lines(question, row), width), colour)
    return head + "\n\n" + tree_text(visible_data(explanation), width=width, colour=colour)


def to_data(question: Question, explanation: dict, row: Row | None = None) -> dict:
    """The same as JSON-ready data: the request, the facts with where each came from, every log row looked at,
    and the explanation (explain.explain's)."""
    from fractions import Fraction

    from .numbers import json_number

    def plain(value, name=None):
        kinds = {**question.program.vocabulary.facts, **question.program.vocabulary.request_facts}
        if name in kinds and kinds[name].type == "yes/no" and isinstance(value, str):
            return name_key(value) in ("yes", "true")  # as the log or --fact wrote it, "yes" or "true"
        if isinstance(value, (list, tuple, set, frozenset)):
            return sorted(value)
        if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
            return value
        return json_number(Fraction(value))

    data = {"request": {key: plain(value, key) for key, value in question.request.items()},
            "person": question.person, "facts": [
                {"fact": name, "value": plain(question.facts.get(name, question.request.get(name)), name),
                 "from": question.origins[name]} for name in sorted(question.origins)]}
    if question.union:
        data["union"] = question.union
    if row is not None:
        data["row"] = {"line": row.line, "id": row.id}
    if question.log is not None:
        data["history"] = {"log": _shown(question.log), "rows": [looked.to_dict() for looked in question.history]}
    data["explanation"] = explanation
    return data
