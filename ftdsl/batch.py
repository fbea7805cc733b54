"""Batch evaluation: a Program and a log of requests (CSV or JSON Lines) in, one decision per row out.

Each row is one request by one representative (`rep`), with the facts
the ruleset reads as columns. Every representative's requests are
decided in date order (ties in input order) against that
representative's own history, exactly as `Program.decide` decides one
scenario holding those requests; the output has one line per input row,
in input order. `Batch` reads the log's rows into requests and runs
them; the ideas it runs on each have their own module:

- logs.py reads the rows, as cell text in the columns' order. Batch
  validates each cell text once per column, exactly as a scenario's
  value would be (`Batch._cell`), and puts a row's facts and request
  together from them.
- totals.py keeps each representative's history as running totals, one
  per (categories, period) pair the ruleset counts against: nothing
  re-sums a representative's history.
- trees.py: a decision depends on a request's history only through one
  question, `History.within`, so the first row with given texts is
  decided by the full procedure (runtime.Decision) while what it reads is
  traced, and the trace becomes a path of a decision tree that later rows
  walk, asking only the window questions. A row reaching a question the
  tree has not seen is decided in full and grows the tree: every decision
  is the full procedure's. A row that straddles a window (some time left
  in it, not enough for the row) is decided in parts: its path ends at a
  trees.Parted node, and `Batch._finish_parted` works out where the row
  divides from the running totals and walks the tree again for each part,
  as for a row ending where the part ends.
- rowloop.py writes the loop over the rows, with the tree in it, as
  Python and compiles it; the rows it cannot finish come back to
  `Batch._miss`.
- output_lines.py writes each row's line; summary.py adds up the totals
  (`Batch.summary`, `summary_text`).
- external_sort.py: rows are decided as they stream in while each
  representative's dates only go forwards (a log sorted by date, or by
  representative then date). The first row that goes back in time for
  its representative switches to the fallback (`Batch._sorted`): the rows
  are sorted by date on disk, decided, and the decisions sorted back into
  input order the same way. Memory stays bounded; the price is two more
  passes over temporary files.

docs/performance.md has the figures. Output is written to a temporary
file and renamed into place (or copied to standard output) at the end,
so a failed run leaves nothing half written.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
import tempfile
from fractions import Fraction

from . import runtime
from .model import cited
from .external_sort import ByDate, RowOrder
from .logs import (NOT_UTF8, SNIFF_BYTES, BadRow, CsvRows, JsonRows, Layout, LogError, cell_value, refuse_non_text,
                   shortened)
from .numbers import json_number
from .output_lines import OUTPUT_COLUMNS, PARTS_COLUMN, csv_text, error_line, json_text, leaf_ends
from .rowloop import AT_ROOT, KeyNumbers, compile_loop, outgrown
from .scenario import (LARGEST_HOURS, NOT_A_NUMBER, QUANTITY_KEYS, TOO_LARGE, TOO_PRECISE, exact_number,
                       number_from_text, parse_date, validate_facts, validate_time)
from .summary import totals_by_category
from .totals import MEMO_LIMIT, Windows, scale, whole
from .summary import add_in_parts
from .trees import Leaf, Parted, RunningTotals, Trace, TracedInputs, TracedRequest, Tree, partial_questions

FLUSH_ROWS = 4096  # output lines gathered before one write (and one progress update)
# How the progress of the sorting fallback's passes is labelled (Batch._sorted).
_PASSES = ("pass 1 of 3: sorting by date", "pass 2 of 3: deciding", "pass 3 of 3: writing in row order")

_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?\Z")
# Where _validate_time puts a request field of each kind of column.
_REQUEST_FIELDS = {"category": "category", "in hours": "in working hours", "notice": "notice days"}
_NOT_SEEN = object()  # a memo's answer for a text it has not been asked about (see Batch._cell)
_QUIET = runtime.Notes(detailed=False)  # keeps nothing, so one serves every decision


class RowError(Exception):
    """A problem with one row, raised when the run is strict: its line, message, hint and code."""

    def __init__(self, line, message, hint=None, code=None):
        super().__init__(message)
        self.line = line
        self.message = message
        self.hint = hint
        self.code = code or "E301"


class _Unsorted(Exception):
    """A representative's dates went backwards: switch to the sorting fallback."""


class Batch:
    """Decide a log's rows with one Program. Call `run(source_path, out)`; read `error_count`, `summary()`.

    `progress`, when given, is called as progress(fraction done) while the
    rows stream, and as progress(fraction, label) in each pass of the
    sorting fallback (the label names the pass, see _PASSES). `on_error`,
    when given, is called as on_error(line, message, hint, code) for each
    row with an error (code E301, or E312/E313 for a row the roster does
    not have or contradicts).
    """

    def __init__(self, program, log_name="<log>", input_format="csv", output_format="csv", strict=False,
                 progress=None, on_error=None, roster=None, mapping=None, tally=None):
        self.program = program
        # Reading as HR has it: a roster joined to each row (roster.Roster), column names mapped (logs.ColumnNames).
        self.roster = roster
        self.mapping = mapping
        # What a report counts (usage.Tally): told of every row decided, with its decision's parts.
        self.tally = tally
        self.log_name = log_name
        self.input_format = input_format
        self.output_format = output_format
        self.jsonl = output_format == "jsonl"
        self.strict = strict
        self.progress = progress
        self.on_error = on_error
        self.layout = Layout(program)
        self.windows = Windows(program)
        self.year_start = program.model.year_start
        self.scale = scale(program)
        self.counts_outside = program.counts_outside
        self.error_count = 0
        self.rows = 0
        self.divided_rows = 0  # rows decided in parts (their output lines have parts)
        self.sorted_fallback = False
        self.histories = None  # of a log decided one row at a time: each person's runtime.History (_one_by_one)

    # ---- reading
    def _open_rows(self, handle):
        if self.input_format == "jsonl":
            rows = JsonRows(handle, self.layout, self.log_name, self.mapping)
        else:
            rows = CsvRows(handle, self.layout, self.log_name, self.mapping)
        return rows if self.roster is None else self.roster.join(rows, self.layout.kinds)

    def _prepare(self, rows):
        columns = rows.columns
        index = {name: i for i, name in enumerate(columns)}
        kinds = self.layout.kinds
        self.columns = columns
        self.width = rows.width
        self.i_rep = index["rep"]
        self.i_id = index.get("id")
        self.i_date = self.date_column = index["date"]
        quantity = [index[u] for u in QUANTITY_KEYS if u in index]
        self.quantity_units = tuple(columns[i] for i in quantity)
        self.quantity_columns = tuple(quantity)
        self.static_columns = tuple(i for i, name in enumerate(columns) if kinds[name][0] in
                                    ("category", "notice", "in hours", "fact", "request fact", "state"))
        # Which columns each read of a decision depends on (see trees.Trace).
        of_kind = lambda *wanted: tuple(i for i, name in enumerate(columns) if kinds[name][0] in wanted)  # noqa: E731
        self.fact_columns = {name: i for i, name in enumerate(columns) if kinds[name][0] == "fact"}
        if self.tally is not None:
            self.tally.prepare(columns, self.fact_columns.values())
        self.request_columns = {"category": of_kind("category"), "date": (self.date_column,),
                                "in working hours": of_kind("in hours"),
                                "notice days": of_kind("notice"), "stated": of_kind("state"),
                                "request facts": of_kind("request fact")}
        # Per static column, the cell texts known to be valid (see _inputs).
        self.valid = {column: set() for column in self.static_columns}
        self.cells = {column: {} for column in self.static_columns}  # see _cell
        self._make_request_template()
        # The partial questions the tree may ask (see trees.Keyed), by name, and which request fields use them.
        keys, self.request_keys = partial_questions(self.program)
        self.key_numbers = {id(key): KeyNumbers(key, self.valid) for key in keys.values()}  # see rowloop.KeyNumbers
        self.tree = Tree(keys, self.static_columns, self.output_format == "jsonl", self.windows)
        self.walk = None  # the row loop compiled with the tree (rowloop.compile_loop), once it has grown
        self.misses = 0  # rows the compiled loop handed back since it was compiled
        self.dates = {}
        self.quantities = {}  # the cells of the quantity columns -> _quantity's tuple, for valid ones
        self.quantity_problems = {}  # the same for the cells that are not a valid amount
        self.reps = {}
        self.in_parts_totals = {}  # the totals of rows decided in parts (summary.add_in_parts), by category
        self.part_hours = {}  # a part's length (scaled) -> its hours as JSON writes them

    def _make_request_template(self):
        """A valid request as _validate_time makes it (`request_template`, for _inputs and _cell, or None when the
        ruleset has no categories), and the problem of a request without a category (`no_category`)."""
        vocabulary = self.program.vocabulary
        problems = []
        validate_time({"date": "2000-01-03", "hours": 0}, "row", vocabulary, problems, is_request=True)
        self.no_category = problems[0]
        self.request_template = None
        if vocabulary.categories:
            self.request_template = validate_time(
                {"date": "2000-01-03", "hours": 0, "category": min(vocabulary.categories)}, "row", vocabulary, [],
                is_request=True)

    # ---- the per-row lookups
    def _date(self, text):
        """A date cell's record (Windows.record: the day, its ISO text, its periods' starts), or False."""
        record = self.dates.get(text)
        if record is None:
            if len(self.dates) > MEMO_LIMIT:
                self.dates.clear()
            day = parse_date(text.strip())
            record = self.dates[text] = self.windows.record(day) if day is not None else False
        return record

    def _quantity(self, cells):
        """The quantity columns' cells (a tuple) as (hours, hours scaled, unit, number, hours as CSV text, as JSON
        text), or (message, hint) when they are not one valid amount."""
        found = self.quantities.get(cells) or self.quantity_problems.get(cells)
        if found is not None:
            return found
        given = [(unit, text.strip()) for unit, text in zip(self.quantity_units, cells) if text.strip()]
        if not given:
            found = ("the row gives no amount of time", 'give one of "hours", "days" or "half days"')
        elif len(given) > 1:
            found = (f"the row gives both '{given[0][0]}' and '{given[1][0]}'", "give exactly one of hours, days or half days")
        else:
            unit, text = given[0]
            # Read exactly, as scenario.py reads a scenario's numbers: "1_1" or Arabic-Indic digits are not 11.
            number = exact_number(number_from_text(text)) if _DECIMAL.match(text) else NOT_A_NUMBER
            day = self.program.model.working_day
            if number is NOT_A_NUMBER or number is TOO_PRECISE:
                found = (f"'{unit}' must be a number, 0 or more, not \"{shortened(text)}\"", None)
            elif number is TOO_LARGE or number > LARGEST_HOURS:
                found = (f"{shortened(text)} {unit} is far more than a year holds", "check the number")
            elif unit != "hours" and day is None:
                found = (f"this agreement does not define a working day, so '{unit}' cannot be converted to hours",
                         'give the time in "hours"')
            else:
                hours = self.program.model.hours_of(unit, number)
                shown = json_number(hours)
                found = (hours, whole(hours * self.scale), unit, number, str(shown), json.dumps(shown))
        memo = self.quantities if len(found) == 6 else self.quantity_problems
        if len(memo) > MEMO_LIMIT:
            memo.clear()  # in place: the compiled loop holds it
        memo[cells] = found
        return found

    def _valid_quantity(self, cells):
        """_quantity's tuple for a valid amount, None for cells that are not one."""
        found = self._quantity(cells)
        return found if len(found) == 6 else None

    def _inputs(self, row):
        """A row's facts and request fields, validated as a scenario's would be: (facts, request) or (message, hint).

        Each cell is validated once per text and column (_cell), and a row's
        scenario is put together from what its cells give; the problem
        reported is the one validating the whole row as a scenario reports
        first: the first fact's in column order, else the first request
        field's, else a missing category.
        """
        if self.request_template is None:  # a ruleset without categories: no row is valid, ask the scenario's way
            return self._inputs_of_scenario(row)
        facts, request = {}, dict(self.request_template, **{"request facts": {}, "stated": set()})
        del request["category"]  # the template's own, see _cell
        fact_problem = field_problem = None
        for column in self.static_columns:
            found = self._cell(column, row[column])
            if found is None:
                continue
            where, name, value = found
            if where == "fact":
                facts[name] = value
            elif where == "request fact":
                request["request facts"][name] = value
            elif where == "state":
                request["stated"].add(name)
            elif where == "field":
                request[name] = value
                if name == "in working hours":
                    request.pop("left out", None)  # the row says it: nothing is assumed (scenario.validate_time)
            elif where == "fact problem":
                fact_problem = fact_problem or value
            else:
                field_problem = field_problem or value
        problem = fact_problem or field_problem or (self.no_category if "category" not in request else None)
        if problem is not None:
            return None, _row_problem(problem)
        self._validated(row)
        return (facts, request), None

    def _validated(self, row):
        # Every cell checked is valid on its own: later rows with the same
        # text in the same column need no checking.
        # The sets are emptied in place: the compiled loop holds them.
        for column in self.static_columns:
            known = self.valid[column]
            if len(known) > MEMO_LIMIT:
                known.clear()
            known.add(row[column])

    def _inputs_of_scenario(self, row):
        """_inputs by validating the row as one scenario's facts and request (for rulesets without categories)."""
        facts_given, item = {}, {"date": "2000-01-03", "hours": 0}
        for column in self.static_columns:
            name, text = self.columns[column], row[column]
            kind = self.layout.kinds[name]
            if not text.strip() and kind[-1] != "list of roles":
                continue
            if kind[0] == "fact":
                facts_given[name] = cell_value(text, kind)
            else:
                item[name] = cell_value(text, kind)
        problems = []
        facts = validate_facts(facts_given, self.program.vocabulary, problems)
        request = validate_time(item, "row", self.program.vocabulary, problems, is_request=True)
        if problems:
            return None, _row_problem(problems[0])
        self._validated(row)
        return (facts, request), None

    def _cell(self, column, text):
        """One static cell validated as the same value in a scenario would be, remembered per column and text.

        None for a cell not given (empty, except in a list of roles, where it
        is the empty list: a representative with no role); else (where, name,
        value): "fact", "request fact", "state" (the field is stated) or
        "field" (a request field such as the category), or "fact problem" or
        "field problem" with the problem as `value`. A request field is
        validated as the only field of a request that is otherwise valid.
        """
        memo = self.cells[column]
        found = memo.get(text, _NOT_SEEN)
        if found is not _NOT_SEEN:
            return found
        if len(memo) > MEMO_LIMIT:
            memo.clear()
        name = self.columns[column]
        kind = self.layout.kinds[name]
        vocabulary = self.program.vocabulary
        problems = []
        if not text.strip() and kind[-1] != "list of roles":
            found = None
        elif kind[0] == "fact":
            facts = validate_facts({name: cell_value(text, kind)}, vocabulary, problems)
            found = ("fact problem", name, problems[0]) if problems else ("fact", name, facts[name])
        else:
            item = {"date": "2000-01-03", "hours": 0, "category": self.request_template["category"],
                    name: cell_value(text, kind)}
            entry = validate_time(item, "row", vocabulary, problems, is_request=True)
            if problems:
                found = ("field problem", name, problems[0])
            elif kind[0] == "request fact":
                found = ("request fact", name, entry["request facts"][name])
            elif kind[0] == "state":
                found = ("state", name, None)
            else:
                found = ("field", _REQUEST_FIELDS[kind[0]], entry[_REQUEST_FIELDS[kind[0]]])
        memo[text] = found
        return found

    def _text(self, text):
        """A text as the output writes it: a JSON string, or a CSV cell (quoted when it must be)."""
        return json_text(text) if self.output_format == "jsonl" else csv_text(text)

    # ---- deciding
    def _decide_rows(self, rows, flush, lines=None):
        """Decide rows in the order given, calling flush(list of output lines) after every FLUSH_ROWS read.

        `rows` is a CsvRows, whose lines the compiled loop reads itself, or
        any iterator of rows with the line of the last one in `rows.line_num`
        (or, when given, in `lines[-1]`). Raises _Unsorted when a
        representative's date goes backwards.
        """
        pending = []
        self._append = pending.append

        def flush_pending():
            self.rows += len(pending)
            flush(pending)
            pending.clear()

        jsonl = self.output_format == "jsonl"
        # The names the compiled loop uses (see rowloop.compile_loop).
        context = {"FLUSH_ROWS": FLUSH_ROWS, "WIDTH": self.width, "reader": rows, "lines": lines,
                   "append": pending.append, "flush": flush_pending, "other": self._other, "miss": self._miss,
                   "finish": self._finish, "parted": self._finish_parted,
                   "tally": None if self.tally is None else self.tally.leaf,
                   "tally_new": None if self.tally is None else self.tally.usage_of,
                   "LOW": None if self.tally is None else self.tally.low,
                   "HIGH": None if self.tally is None else self.tally.high, "dates": self.dates, "date_of": self._date, "quantities": self.quantities,
                   "quantity_of": self._valid_quantity, "reps": self.reps, "new_record": self._new_record,
                   "rep_text": self._text,
                   "id_text": json_text if jsonl else csv_text, "used": self.windows.used, "Unsorted": _Unsorted}
        if isinstance(rows, CsvRows):
            context.update(quoted=rows.quoted, LIMIT=csv.field_size_limit(), BLANK=[""])
            source, line, line_of = rows.handle, rows.line_num, None
        else:
            source, line, line_of = iter(rows), 0, "reader.line_num" if lines is None else "lines[-1]"
        while line is not None:
            run = compile_loop(self, context, line_of)
            if self.tree.root is not None:
                self.walk = run
            self.misses = 0
            line = run(source, line)

    def _new_record(self, day, name):
        """A representative's record (totals.Windows.new_record), with a last slot for a report's usage.Tally."""
        record = self.windows.new_record(day, name)
        if self.tally is not None:
            record.append(None)
        return record

    def _row_id(self, row, line):
        return row[self.i_id] if self.i_id is not None and row[self.i_id] else str(line)

    def _other(self, row, line):
        """Write the error line for a row the compiled loop does not decide: one that could not be read, has the
        wrong number of fields, no rep, or no valid date or amount. A blank row is skipped."""
        if len(row) != self.width:
            if isinstance(row, BadRow):
                self._append(self._error_line(line, *row.cells, row.message, row.hint, row.code))
            elif row:
                self._append(self._error_line(line, "", "", "", f"the row has {len(row)} fields; the header has "
                                              f"{self.width}", "check for a missing or extra comma"))
            return
        date_text = row[self.i_date]
        quantity = self._quantity(tuple(row[c] for c in self.quantity_columns))
        self._append(self._row_error(line, row[self.i_rep], self._row_id(row, line), date_text, self._date(date_text),
                                     quantity))

    def _miss(self, row, line, record, quantity, state, node):
        """Finish a row the compiled loop handed back at `node` (or rowloop.AT_ROOT) by the general walk through
        the tree as it is now; a row that goes beyond the tree is decided in full and grows it. True when the
        loop should be compiled again."""
        day = record[0]
        if node is AT_ROOT:
            node = self.tree.root
        node = self.tree.walk(node, row, state, day, quantity[1])
        row_id = self._row_id(row, line)
        if node is None:
            node = self._decide_in_full(row, row_id, day, quantity, state)
        else:
            valid = self.valid
            for column in node.check:
                if row[column] not in valid[column]:  # a text not yet validated: check the row
                    node = self._inputs(row)[1] or node
                    break
        if node.__class__ is Leaf:
            self._finish(node, line, self._text(row_id), record, quantity, state, row)
        elif node.__class__ is Parted:
            self._finish_parted(node, row, line, self._text(row_id), record, quantity, state)
        else:
            self._append(self._error_line(line, row[self.i_rep], row_id, row[self.i_date], *node))
        self.misses += 1
        return outgrown(self.misses, self.tree.nodes)

    def _finish(self, leaf, line, id_text, record, quantity, state, row=None):
        """Count a row that reached `leaf` (its id as the output writes it) and write its output line.

        The compiled loop does the same in place for a leaf many rows reach
        (rowloop.compile_loop), writing the same line (rowloop._output_line),
        except when a report's tally is told of each row.
        """
        scaled = quantity[1]
        if self.tally is not None:
            self.tally.leaf(row, record[0], leaf, scaled, line)
        leaf.rows += 1
        leaf.hours += scaled
        if leaf.add is not None:
            leaf.add(state, record, scaled)
        if self.output_format == "jsonl":
            self._append(f'{{"line": {line}, "rep": {state[1]}, "id": {id_text}, "date": "{record[1]}", '
                         f'{leaf.head}{quantity[5]}{leaf.tail}')
        else:
            self._append(f"{line},{state[1]},{id_text},{record[1]},{leaf.head}{quantity[4]}{leaf.tail}")

    def _finish_parted(self, node, row, line, id_text, record, quantity, state):
        """Count a row that reached a Parted node and write its output line, as _finish does for a leaf.

        Where the row divides is worked out as runtime.Decision.in_parts
        works it out, from the running totals: each window's time left (in
        scaled hours), then the tree walked again as for a row ending there,
        whose leaf (or Parted node, with windows of its own) decides that
        part; a part the tree has not seen is decided in full and grows it.
        Rows that divide alike (the same ends, decided by the same nodes)
        share their line ends and tallies (`Parted.made`). The compiled loop
        calls this for a row it takes to a Parted node.
        """
        day = record[0]
        scaled = quantity[1]
        found = None
        single = node.single
        if single is not None:  # nearly always: one window divides the row, and the hours within it end at a leaf
            left = single[1] - single[0](state, day)
            found = self.tree.walk(node.start, row, state, day, left)
            key = (left, found, scaled)
        if found.__class__ is not Leaf:
            key = self._divided(node, row, line, id_text, day, state, scaled, sorted(_time_left(node, state, day)))
            if key is None:
                return
        made = node.made.get(key)
        if made is None:
            made = self._parts_made(node, key)
        made[5] += 1
        node.rows += 1
        self.divided_rows += made[4]
        if self.tally is not None:
            self.tally.parts(row, day, node.category, made[3], line)
        if made[2] and node.add is not None:
            node.add(state, record, made[2])
        if self.jsonl:
            self._append(f'{{"line": {line}, "rep": {state[1]}, "id": {id_text}, "date": "{record[1]}", '
                         f'{made[0]}{quantity[5]}{made[1]}')
        else:
            self._append(f"{line},{state[1]},{id_text},{record[1]},{made[0]}{quantity[4]}{made[1]}")

    def _divided(self, node, row, line, id_text, day, state, scaled, pending):
        """Where a row at a Parted node divides, and what decides each stretch: ((end, Leaf or Parted node), ...)
        in order, scaled, the last the row's own end and `node`; None (its error line written) when a part needs
        a fact the row does not give. `pending` are the ends found so far."""
        walk = self.tree.walk
        decided = [(scaled, node)]
        ends = {scaled}
        while pending:
            end = pending.pop()  # the furthest first, as the runtime takes them
            if end in ends:
                continue
            found = walk(node.start, row, state, day, end)
            if found is None:
                found = self._decide_in_full(row, id_text, day, (Fraction(end) / self.scale, end), state)
                if found.__class__ is tuple:  # a part needs a fact the row does not give
                    self._append(self._error_line(line, row[self.i_rep], self._row_id(row, line), row[self.i_date],
                                                  *found))
                    return None
            ends.add(end)
            decided.append((end, found))
            if found.__class__ is Parted:
                pending = sorted(set(pending) | set(_time_left(found, state, day)))
        return tuple(sorted(decided, key=_first))

    def _parts_made(self, node, key):
        """The entry of `node.made` for rows that divide as `key` says (see _finish_parted): a list of the line's
        head and tail, the hours counted against later rows, the (hours, outcome, paid) of each part for the
        totals, whether the row is divided, and how many rows divided so (scaled hours throughout)."""
        if len(node.made) > MEMO_LIMIT:
            self._count_parted(node)
            node.made.clear()
        # A key of three is (the time left, the leaf deciding the hours within it, the row's hours).
        decided = key if key[0].__class__ is tuple else ((key[0], key[1]), (key[2], node))
        made = node.made[key] = [*self._parts_of(node, decided), 0, decided[-1][0]]
        return made

    def _count_parted(self, node):
        """Add the rows that reached a Parted node, as its `made` has counted them, to the totals of rows decided
        in parts (summary.add_in_parts)."""
        for made in node.made.values():
            tallies, rows, asked = made[3], made[5], made[6]
            if rows:
                add_in_parts(self.in_parts_totals, node.category, asked * rows,
                             [(hours * rows, outcome, paid) for hours, outcome, paid in tallies], rows)
                made[5] = 0

    def _parts_of(self, node, decided):
        """For a row at `node` decided as `decided` ((end, node deciding the stretch up to it), in order, scaled):
        (line head, line tail, hours counted against later rows, (hours, outcome, paid) of each part for the
        totals, whether the row is divided), joining parts as runtime.Decision.in_parts does."""
        parts = []  # [start, end, the node deciding its first stretch, its clauses]
        start = 0
        for end, found in decided:
            if parts and _one_part(parts[-1][2], found):
                parts[-1][1] = end
                parts[-1][3] = tuple(dict.fromkeys(parts[-1][3] + found.clauses))
            else:
                parts.append([start, end, found, found.clauses])
            start = end
        counted = sum(end - begin for begin, end, found, _ in parts if found.outcome != runtime.NOT_ENTITLED)
        tallies = tuple((end - begin, found.outcome, found.paid) for begin, end, found, _ in parts)
        shown = None
        if len(parts) > 1:
            shown = [(self._part_hours(end - begin), found.outcome, found.paid, clauses)
                     for begin, end, found, clauses in parts]
        head, tail = leaf_ends(node.category, node.outcome, node.paid, node.clauses, self.output_format == "jsonl",
                               shown)
        return head, tail, counted, tallies, shown is not None

    def _part_hours(self, scaled):
        """A part's hours (`scaled`, see totals.scale) as JSON writes them."""
        found = self.part_hours.get(scaled)
        if found is None:
            if len(self.part_hours) > MEMO_LIMIT:
                self.part_hours.clear()
            found = self.part_hours[scaled] = json_number(Fraction(scaled) / self.scale)
        return found

    def _decide_in_full(self, row, row_id, day, quantity, state):
        """Decide one row by the full procedure and add what it read to the tree: the Leaf or Parted node its path
        ends at, or (message, hint). `quantity` is the row's (hours, hours scaled, ...), or for a part of a row
        decided in parts, the hours up to the part's end."""
        inputs, problem = self._inputs(row)
        if problem is not None:
            return problem
        facts, template = inputs
        trace = Trace(self.fact_columns, self.request_columns, self.request_keys)
        inputs = TracedInputs(self.program, facts, trace)
        request = TracedRequest(template, id=row_id, date=day)
        request.trace = trace
        history = RunningTotals(self.windows, self.scale, state, quantity[1], trace, quantity[0])
        maker = runtime.Decision(self.program, inputs, history, request, quantity[0], day, _QUIET)
        try:
            decision = maker.decide_whole()
        except runtime.MissingFact as missing:
            reads = f" ({', '.join(map(cited, missing.clauses))} reads it)" if missing.clauses else ""
            return (f"the row does not give '{missing.name}', which this request needs{reads}",
                    f"add a '{missing.name}' column, or fill it in on this row")
        counts = ()
        if maker.cuts:
            # The row straddles a window: its parts may count even when the row as one is not entitled.
            if self.counts_outside or request["in working hours"]:
                counts = self.windows.by_category.get(request["category"], ())
            windows = tuple(tuple(((tuple(categories), period), whole(Fraction(limit) * self.scale))
                                  for categories, period, limit in (found if kind == "most" else (found,)))
                            for kind, found in maker.cut_windows)
            return self.tree.grow(trace.steps, row, decision, counts, windows)
        if decision["outcome"] != runtime.NOT_ENTITLED and (self.counts_outside or request["in working hours"]):
            counts = self.windows.by_category.get(request["category"], ())
        return self.tree.grow(trace.steps, row, decision, counts)

    def _row_error(self, line, rep, row_id, date_text, day, quantity):
        if not rep:
            return self._error_line(line, rep, row_id, date_text, "the row has no 'rep'", "name the representative")
        if day is False:
            return self._error_line(line, rep, row_id, date_text,
                                    f"the date must be a real date written YYYY-MM-DD, not \"{date_text}\"",
                                    'for example "2026-03-20"')
        return self._error_line(line, rep, row_id, date_text, *quantity)

    def _error_line(self, line, rep, row_id, date_text, message, hint=None, code=None):
        self.error_count += 1
        if self.strict:
            raise RowError(line, message, hint, code)
        if self.on_error is not None:
            self.on_error(line, message, hint, code or "E301")
        return error_line(line, rep, row_id, date_text, message, self.output_format == "jsonl")

    # ---- the whole run
    def run(self, path, out):
        """Decide every row of the log at `path` and write the decisions to the text stream `out`."""
        header = out.tell() if out.seekable() else None
        if self.output_format == "csv":
            out.write(",".join(OUTPUT_COLUMNS) + "\n")
        start = out.tell() if out.seekable() else None
        try:
            if one_by_one(self.program.model):
                self._one_by_one(path, out)
            else:
                self._stream(path, out)
        except _Unsorted:
            if start is None:
                raise AssertionError("the sorting fallback needs a seekable output") from None
            out.seek(start)
            out.truncate()
            self.sorted_fallback = True
            self.error_count = 0
            self.rows = 0
            self.divided_rows = 0
            self._sorted(path, out)
        if self.divided_rows and self.output_format == "csv":
            _add_parts_column(out, header)

    def _open(self, path):
        raw = open(path, "rb")  # noqa: SIM115 - closed by the caller through the text wrapper
        try:
            refuse_non_text(raw.read(SNIFF_BYTES))
            raw.seek(0)
        except BaseException:
            raw.close()
            raise
        # Bytes that are not UTF-8 are marked, not raised (see _mark_not_utf8): they are the errors of their rows.
        handle = io.TextIOWrapper(raw, encoding="utf-8-sig", errors=NOT_UTF8,
                                  newline="" if self.input_format == "csv" else None)
        return raw, handle

    def _stream(self, path, out):
        raw, handle = self._open(path)
        with handle:
            size = os.fstat(raw.fileno()).st_size or 1
            rows = self._read_guard(lambda: self._open_rows(handle), None)
            self._prepare(rows)

            def flush(pending):
                out.write("".join(pending))
                if self.progress is not None:
                    self.progress(min(raw.tell() / size, 1.0))

            self._read_guard(lambda: self._decide_rows(rows, flush), rows)

    def _read_guard(self, action, rows):
        """action(), with the errors of reading the log (`rows`, None while its header is read) as LogErrors."""
        try:
            return action()
        except csv.Error as error:
            raise LogError(f"the log is not valid CSV: {error}", getattr(rows, "line_num", 0)) from None

    def _sorted(self, path, out):
        """The fallback for logs whose representatives' dates go backwards: sort, decide, sort back (on disk, with
        external_sort.py, in a temporary folder removed at the end).

        Progress is shown for each of the three passes, labelled with it:
        over the log's bytes while it is read and sorted by date, then over
        its rows while they are decided and while the decisions are written
        back in row order."""
        raw, handle = self._open(path)
        progress = self.progress
        from .files import hold, remove_abandoned_folders

        remove_abandoned_folders("ftdsl-sort-")  # left by a run that was killed (SIGKILL) before it could clean up
        with handle, tempfile.TemporaryDirectory(prefix="ftdsl-sort-") as folder, hold(folder):
            size = os.fstat(raw.fileno()).st_size or 1
            rows = self._read_guard(lambda: self._open_rows(handle), None)
            self._prepare(rows)
            count = 0  # rows read (for the progress of the later passes)

            def dated():
                nonlocal count
                for row in rows:
                    if not row and not isinstance(row, BadRow):
                        continue
                    record = self._date(row[self.i_date]) if len(row) == self.width else False
                    yield record[0] if record else None, rows.line_num, row
                    count += 1
                    if progress is not None and not count % FLUSH_ROWS:
                        progress(min(raw.tell() / size, 1.0), _PASSES[0])

            by_date = self._read_guard(lambda: ByDate(dated(), folder), rows)
            if progress is not None:
                progress(1.0, _PASSES[0])
            total = count or 1
            lines = by_date.lines  # the line of each row given to the loop since the last flush
            in_row_order = RowOrder(folder)

            def flush(pending):
                # Every replayed row gave exactly one output line, in order.
                in_row_order.add(zip(lines, pending))
                lines.clear()
                if progress is not None:
                    progress(min(self.rows / total, 1.0), _PASSES[1])

            self._decide_rows(by_date, flush, lines)
            merged = in_row_order.merged()
            written = 0
            while True:
                block = list(itertools.islice(merged, FLUSH_ROWS))
                if not block:
                    break
                out.write("".join(text for _, text in block))
                written += len(block)
                if progress is not None:
                    progress(min(written / total, 1.0), _PASSES[2])

    def _one_by_one(self, path, out):
        """Decide a log under a ruleset with shared time ('shared by the union') or time that spills into another
        category: rows in date order across the whole log (ties in row order), each by the full procedure,
        against the person's own history and the history of each pool they share, which counts every member's
        rows (the decision trees keep one person's totals of the row's own category, which neither fits). The rows are held in memory, and the
        decisions written in row order at the end; docs/logs.md says what this costs."""
        _, handle = self._open(path)
        with handle:
            rows = self._read_guard(lambda: self._open_rows(handle), None)
            self._prepare(rows)
            read = self._read_guard(lambda: [(row, rows.line_num) for row in rows], rows)
        written = []  # (line, output text), in the order decided
        self._append = lambda text: written.append((line, text))
        dated = []
        for index, (row, line) in enumerate(read):
            if not row and not isinstance(row, BadRow):
                continue
            record = self._date(row[self.i_date]) if len(row) == self.width else False
            quantity = self._valid_quantity(tuple(row[c] for c in self.quantity_columns)) if record else None
            if not record or quantity is None or not row[self.i_rep]:
                self._other(row, line)
            else:
                dated.append((record[0], index, row, line, record, quantity))
        people, pools = {}, {}
        self.histories = people  # each person's History, for a report's allowances (usage.allowances)
        for day, _, row, line, record, quantity in sorted(dated, key=lambda entry: entry[:2]):
            self._decide_one(row, line, record, quantity, people, pools)
        self.rows = len(written)
        out.write("".join(text for _, text in sorted(written, key=_first)))

    def _decide_one(self, row, line, record, quantity, people, pools):
        """Decide one row of a log with shared time or spills (see _one_by_one) and write its line; `people`
        and `pools` hold the History of each person and of each pool, by (holder, name)."""
        inputs, problem = self._inputs(row)
        rep, row_id, day = row[self.i_rep], self._row_id(row, line), record[0]
        if problem is not None:
            self._append(self._error_line(line, rep, row_id, row[self.i_date], *problem))
            return
        facts, template = inputs
        inputs = runtime.Inputs(self.program, facts)
        program = self.program
        history = people.get(rep)
        if history is None:
            history = people[rep] = runtime.History(program)
        # The pools this row's person is in: each declared pool, and each fact's pool that the row names.
        mine = {holder: pools.setdefault((holder, facts.get(holder)), runtime.History(program))
                for holder in program.model.holders if holder in program.model.pools or holder in facts}
        request = dict(template, id=row_id, date=day)
        maker = runtime.Decision(program, inputs, history, request, quantity[0], day, _QUIET, pools=_PoolsOf(mine))
        try:
            decision = maker.decide()
        except runtime.MissingFact as missing:
            reads = f" ({', '.join(map(cited, missing.clauses))} reads it)" if missing.clauses else ""
            self._append(self._error_line(line, rep, row_id, row[self.i_date],
                                          f"the row does not give '{missing.name}', which this request needs{reads}",
                                          f"add a '{missing.name}' column, or fill it in on this row"))
            return
        for category, counted in maker.counted_as:
            for counting in (history, *(mine[holder] for holder in maker.shared_by if holder in mine)):
                counting.count(day, category, counted, request["in working hours"])
        scaled = quantity[1]
        parts = maker.parts or [(quantity[0], decision["outcome"], decision["paid"], decision["clauses"], ())]
        tallies = tuple((whole(hours * self.scale), outcome, paid) for hours, outcome, paid, _, _ in parts)
        add_in_parts(self.in_parts_totals, request["category"], scaled, tallies)
        if self.tally is not None:
            self.tally.parts(row, day, request["category"], tallies, line)
        shown = None
        if maker.parts:
            self.divided_rows += 1
            shown = [(json_number(hours), outcome, paid, clauses) for hours, outcome, paid, clauses, _ in parts]
        head, tail = leaf_ends(request["category"], decision["outcome"], decision["paid"], decision["clauses"],
                               self.jsonl, shown)
        if self.jsonl:
            self._append(f'{{"line": {line}, "rep": {self._text(rep)}, "id": {self._text(row_id)}, '
                         f'"date": "{record[1]}", {head}{quantity[5]}{tail}')
        else:
            self._append(f"{line},{self._text(rep)},{self._text(row_id)},{record[1]},{head}{quantity[4]}{tail}")

    # ---- totals
    def summary(self):
        """Totals per category: rows and hours asked, hours by outcome, paid hours (exact Fractions)."""
        for node in self.tree.parted:
            self._count_parted(node)
        return totals_by_category(self.tree.leaves, self.scale, self.in_parts_totals)


def one_by_one(model) -> bool:
    """Whether a log under this ruleset is decided one row at a time (Batch._one_by_one) rather than by the
    decision trees: where it shares time in pools, spills time into another category, or works a limit out
    for each person, none of which the trees' running totals (one person's, for the row's own category,
    against fixed limits) can answer."""
    return bool(model.holders or model.spills or any(limit.quantity is not None for limit in model.limits))


class _PoolsOf(dict):
    """The pools of one row's person, by holder, for runtime.Decision; a holder the row does not name (its fact
    is not given) is a fact the decision needs."""

    def __missing__(self, holder):
        raise runtime.MissingFact(holder, "scenario")


def _first(pair):
    return pair[0]


def _time_left(node, state, day):
    """Where a row at a Parted node divides (scaled hours into it): for each of its windows, the most time left
    in any of them, where that is some."""
    found = []
    for windows in node.windows:
        left = max(limit - used(state, day) for used, limit in windows)
        if left > 0:
            found.append(left)
    return found


def _one_part(first, then):
    """Whether two stretches of a row next to each other, decided at `first` and `then` (Leaf or Parted nodes),
    are one part (as runtime._one_part says of decisions)."""
    if first.outcome == runtime.NOT_ENTITLED:
        return then.outcome == runtime.NOT_ENTITLED
    return (first.outcome, first.paid, first.clauses, first.pay_clauses) == (
        then.outcome, then.paid, then.clauses, then.pay_clauses)


def _add_parts_column(out, header):
    """Name the `parts` column in the header of CSV decisions written to `out` (the header at `header`), once a
    row has parts: what follows the header's names is moved along in place, from the end, in blocks. Other rows
    keep their cells: a column a row does not reach is empty. Where `out` cannot be read back (standard output
    written as it goes), the column is left unnamed."""
    added = "," + PARTS_COLUMN
    names_end = header + len(",".join(OUTPUT_COLUMNS)) if header is not None else None
    if isinstance(out, io.StringIO):
        text = out.getvalue()
        out.seek(names_end)
        out.write(added + text[names_end:])
        return
    raw = getattr(out, "buffer", None)
    if names_end is None or raw is None or not out.readable():
        return
    # A UTF-8 text file's position is its byte offset, and the header is ASCII.
    out.flush()
    at = raw.seek(0, io.SEEK_END)
    shift = len(added)
    while at > names_end:
        size = min(1 << 20, at - names_end)
        at -= size
        raw.seek(at)
        block = raw.read(size)
        raw.seek(at + shift)
        raw.write(block)
    raw.seek(names_end)
    raw.write(added.encode("ascii"))
    raw.flush()
    out.seek(0, io.SEEK_END)


def _row_problem(problem):
    path = problem["path"]
    where = path.split(".", 1)[1] if "." in path else ""
    message = f"'{where}': {problem['message']}" if where else problem["message"]
    return (message.replace("a request", "the row"), problem.get("hint"))
