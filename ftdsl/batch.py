"""Batch evaluation: a Program and a log of requests (CSV or JSON Lines) in, one decision per row out.

Each row is one request by one representative (`rep`), with the facts
the ruleset reads as columns; logs.py reads the rows, and totals.py keeps
the running totals. Every representative's requests are decided
in date order (ties in input order) against that representative's own
history, exactly as `Program.decide` decides one scenario holding those
requests; the output has one line per input row, in input order.

How it stays fast and bounded (docs/performance.md has the figures):

- History is kept as running totals, one per (categories, period) pair
  the ruleset counts against and per representative: a calendar period
  keeps its current total, a rolling window a queue of the entries inside
  it. Nothing re-sums a representative's history; memory is one small
  record per representative plus the entries inside the longest rolling
  window.
- A decision depends on a request's history only through one question,
  `History.within` ("does it fit under L hours in this window?"), which
  batch answers with its own History (`_RunningTotals`).
  Everything else it reads is the row's facts and fields. So the first
  row with given facts and fields is decided by the full procedure while
  its answers to `within` are recorded; the answers form a small decision
  tree per (facts, fields) that later rows walk, asking only the window
  questions. Facts that a ruleset reads only through a band table are
  keyed by their band, so a branch of 412 and one of 430 members share a
  tree. A row that reaches a question the tree has not seen is decided in
  full and extends the tree: every decision is the full procedure's.
- Rows are decided as they stream in while each representative's dates
  only go forwards (a log sorted by date, or by representative then date).
  The first row that goes back in time for its representative switches
  to the fallback: the rows are sorted by date on disk (sorted runs of
  `CHUNK_ROWS` rows, merged), decided, and the decisions sorted back into
  input order the same way. Memory stays bounded; the price is two more
  passes over temporary files.

Output is written to a temporary file and renamed into place (or copied
to standard output) at the end, so a failed run leaves nothing half
written.
"""

from __future__ import annotations

import csv
import datetime
import functools
import heapq
import io
import itertools
import json
import operator
import os
import pickle
import re
import tempfile
from fractions import Fraction

from . import runtime
from .conditions import reads
from .numbers import decimal_text, json_number
from .logs import (NOT_UTF8, SNIFF_BYTES, BadRow, CsvRows, JsonRows, Layout, LogError, cell_value, refuse_non_text,
                   shortened)
from .scenario import (LARGEST_HOURS, NOT_A_NUMBER, QUANTITY_KEYS, TOO_LARGE, TOO_PRECISE, convert_value,
                       exact_number, number_from_text, parse_date, validate_facts, validate_time)
from .totals import MEMO_LIMIT, Windows, run_generated, scale, whole

CHUNK_ROWS = 200_000  # rows per sorted run in the fallback; about 100 MB of Python objects at most
FLUSH_ROWS = 4096  # output lines gathered before one write (and one progress update)
# How the progress of the sorting fallback's passes is labelled (Batch._sorted).
_PASSES = ("pass 1 of 3: sorting by date", "pass 2 of 3: deciding", "pass 3 of 3: writing in row order")

OUTPUT_COLUMNS = ("line", "rep", "id", "date", "category", "hours", "outcome", "paid", "clauses", "error")
_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?\Z")
_CSV_SPECIAL = re.compile(r'[",\r\n]')  # what the csv module's minimal quoting quotes


class RowError(Exception):
    """A problem with one row, raised when the run is strict."""

    def __init__(self, line, message, hint=None):
        super().__init__(message)
        self.line = line
        self.message = message
        self.hint = hint


class _Unsorted(Exception):
    """A representative's dates went backwards: switch to the sorting fallback."""


# ---- decision trees --------------------------------------------------------------

class _Ask:
    """A question about a row: the text of one column; the children are keyed by the answer."""

    __slots__ = ("column", "children")

    def __init__(self, column):
        self.column = column
        self.children = {}


class _Keyed:
    """A question about a row that only needs part of a column's text: whether a field is filled in, which band
    of a table a count falls in, which notice thresholds a notice meets. `key` maps the text to the answer."""

    __slots__ = ("column", "key", "children")

    def __init__(self, column, key):
        self.column = column
        self.key = key
        self.children = {}


class _Probe:
    """A question about history: does the row's time fit under `limit` (scaled) in the window `key`?"""

    __slots__ = ("key", "limit", "yes", "no")

    def __init__(self, key, limit):
        self.key = key
        self.limit = limit
        self.yes = None
        self.no = None


class _Leaf:
    """A decided outcome, with its output text and the totals of the rows that reached it."""

    __slots__ = ("outcome", "paid", "clauses", "head", "tail", "category", "counts", "add", "rows", "hours", "check")

    def __init__(self, decision, counts, check, jsonl):
        self.outcome = decision["outcome"]
        self.paid = decision["paid"]
        self.clauses = tuple(decision["clauses"])
        self.category = decision["category"]
        self.counts = counts
        self.add = None  # Windows.adder(counts), set by the batch when counts is not empty
        paid = {True: "true", False: "false", None: ""}[self.paid]
        # The end of the output line (CSV or JSON Lines), from the category
        # on: the hours go between head and tail, as rows reaching one leaf
        # differ in them.
        if jsonl:
            self.head = f'"category": {json.dumps(self.category, ensure_ascii=False)}, "hours": '
            self.tail = (f', "outcome": "{self.outcome}", "paid": {json.dumps(self.paid)}, '
                         f'"clauses": {json.dumps(list(self.clauses), ensure_ascii=False)}, "error": null}}\n')
        else:
            self.head = _csv_text(self.category) + ","
            self.tail = f",{self.outcome},{paid},{_csv_text(';'.join(self.clauses))},\n"
        self.rows = 0
        self.hours = 0
        # The columns to validate for rows that reach this leaf: a row got
        # here by texts of the columns asked on the way, each first seen in
        # a row that was validated, so only the others need checking.
        self.check = check


_MISSING = "(not given)"
# Where _validate_time puts a request field of each kind of column.
_REQUEST_FIELDS = {"category": "category", "in hours": "in working hours", "notice": "notice days"}
_AT_ROOT = object()  # where the compiled loop hands a row to the general walk when it has no tree yet

# When to compile the tree again: once the rows the compiled loop handed
# back since it was compiled reach COMPILE_MISSES, or COMPILE_PER_NODE per
# node of the tree if that is more. Compiling costs about as much per node
# as COMPILE_PER_NODE rows walked the general way, so the rows lost to an
# out-of-date walk never cost much more than compiling does.
COMPILE_MISSES = 2000
COMPILE_PER_NODE = 8
_COMPILE_DEPTH = 40  # nodes deep the compiled loop goes before it hands the rest to the general walk
# A subtree is compiled only if at least 1 in _COMPILE_SHARE of the rows so
# far reached it, and at least _COMPILE_MIN_ROWS rows. About half the leaves of a year's
# log are reached by under five rows each, under 1% of rows in all: leaving
# them to the general walk halves the code to compile and costs little.
_COMPILE_SHARE = 50_000
_COMPILE_MIN_ROWS = 2
# A leaf reached by at least 1 in _INLINE_SHARE of the rows so far (and by
# _INLINE_MIN_ROWS) is written out in full in the loop: it counts the row,
# updates the running totals and writes the output line in place. The rest
# finish the row with one call, which keeps the loop's source short.
_INLINE_SHARE = 1000
_INLINE_MIN_ROWS = 2


class _KeyNumbers:
    """Small whole numbers for the answers of one partial question (a _Keyed key), so the compiled loop
    compares ints instead of calling the key: `ids[column]` maps a cell text to the number of its answer.
    Numbers start at 1, so `ids[column].get(text) or reader(column)(text)` is one expression.

    Only texts already validated in that column (Batch.valid) are remembered; for any other text `of_text`
    answers 0, which no child has, so the compiled loop hands the row to the general walk and the row is
    checked there. A text found in `ids` is therefore valid, and the compiled loop need not check the
    columns it read this way again.
    """

    def __init__(self, key, valid):
        self.key = key
        self.valid = valid  # Batch.valid: column -> the texts known to be valid there
        self.ids = {}  # column -> {cell text: number}; each emptied when it grows large
        self.numbers = {}  # answer -> number; never emptied (answers are few: bands, notice thresholds, yes/no)
        self.readers = {}  # column -> reader(column)

    def number(self, answer):
        found = self.numbers.get(answer)
        if found is None:
            found = self.numbers[answer] = len(self.numbers) + 1
        return found

    def ids_of(self, column):
        found = self.ids.get(column)
        if found is None:
            found = self.ids[column] = {}
        return found

    def of_text(self, column, text):
        if text not in self.valid[column]:
            return 0
        ids = self.ids_of(column)
        if len(ids) > MEMO_LIMIT:
            ids.clear()  # in place: the compiled loop holds it
        found = ids[text] = self.number(self.key(text))
        return found

    def reader(self, column):
        """of_text for one column, as a one-argument function (remembered, so the compiled loop names it once)."""
        found = self.readers.get(column)
        if found is None:
            found = self.readers[column] = functools.partial(self.of_text, column)
        return found


def _fstring(parts):
    """Source of an f-string from ("text", literal) and ("code", expression) parts."""
    body = "".join(("{" + value + "}") if kind == "code" else value.replace("{", "{{").replace("}", "}}")
                   for kind, value in parts)
    return "f" + repr(body)


def _output_line(leaf, jsonl):
    """Source of the f-string that writes a row reaching `leaf`, from the compiled loop's locals."""
    if jsonl:
        return _fstring([("text", '{"line": '), ("code", "line"), ("text", ', "rep": '), ("code", "state[1]"),
                         ("text", ', "id": '), ("code", "row_id"), ("text", ', "date": "'), ("code", "record[1]"),
                         ("text", '", ' + leaf.head), ("code", "quantity[5]"), ("text", leaf.tail)])
    return _fstring([("code", "line"), ("text", ","), ("code", "state[1]"), ("text", ","), ("code", "row_id"),
                     ("text", ","), ("code", "record[1]"), ("text", "," + leaf.head), ("code", "quantity[4]"),
                     ("text", leaf.tail)])


def _compile_loop(batch, context, line_of=None):
    """The row loop with the batch's tree as it is now written into it, compiled: run(source, line) -> line or None.

    Without `line_of`, `source` is a CSV log's text stream after its header
    and `line` the line the last row ended on; with it, `source` iterates
    over rows (lists of cell text) and `line_of` is the expression giving a
    row's line. `context` holds the names the loop uses (see
    Batch._decide_rows). The loop decides rows until the source ends (it
    returns None) or until a row it handed to `miss` says the tree has
    outgrown it (it returns the line so far, and the batch compiles the loop
    again and goes on).

    Interpreting the tree as data costs a class test, an attribute and a
    dictionary lookup per node, and calls and attribute lookups per row.
    Written out, a question is a few bytecodes: `if`s on the cell texts
    (answers tested commonest first), a window question as its
    running-total comparison; and a leaf that many rows reach counts the
    row and writes its output line in place. The loop is only a shortcut:
    a row it cannot take to a leaf whose every checked column holds a text
    already validated (see _Leaf.check) goes to `miss` with the node where
    it stopped (an answer the tree did not have when compiled, a subtree
    left out because few rows had reached it, a text to check), and is
    finished by the general walk. Nodes are only ever added to the tree,
    never changed, so what the loop knows stays true.
    """
    names = dict(context)
    names["islice"] = itertools.islice
    named = {}  # id(object) -> its name in `names`
    helpers = []  # the check functions, written before the loop
    lines = []
    jsonl = batch.output_format == "jsonl"
    windows = batch.windows

    def name_of(thing, prefix):
        found = named.get(id(thing))
        if found is None:
            found = named[id(thing)] = f"{prefix}{len(named)}"
            names[found] = thing
        return found

    def write(depth, *statements):
        lines.extend(" " * depth + statement for statement in statements)  # one space a level: the source stays small

    def valid_test(columns):
        return " and ".join(f"row[{c}] in {name_of(batch.valid[c], 'V')}" for c in columns)

    checkers = {}  # a cold leaf's check columns -> the name of a function telling whether a row's texts are known

    def checker(columns):
        # Cold leaves share a few distinct column sets; one small function
        # each keeps the loop's source (and its compile time) short.
        found = checkers.get(columns)
        if found is None:
            found = checkers[columns] = f"check{len(checkers)}"
            helpers.append(f"def {found}(row):")
            helpers.append(f" return {valid_test(columns)}")
        return found

    reached = {}  # id(node) -> rows that reached the node so far (the sum of its leaves' tallies)

    def count(node):
        kind = node.__class__
        if kind is _Leaf:
            total = node.rows
        elif kind is _Probe:
            total = sum(count(child) for child in (node.yes, node.no) if child is not None)
        else:
            total = sum(count(child) for child in node.children.values())
        reached[id(node)] = total
        return total

    def compiled(node):
        # Subtrees few rows reached are left to the general walk (see _COMPILE_SHARE).
        return node is not None and reached[id(node)] >= cutoff

    def hand_back(depth, node, otherwise=False):
        """The row goes to the general walk from `node`, after the tree (see the end of the loop's body); with
        `otherwise`, as the `else` of the `if` just written at `depth`."""
        write(depth, f"{'else: ' if otherwise else ''}node = {name_of(node, 'N')}")

    def emit_leaf(node, depth, keyed):
        leaf = name_of(node, "L")
        check = tuple(c for c in node.check if c not in keyed)
        if reached[id(node)] < hot:  # a cold leaf: one call finishes the row
            call = f"finish({leaf}, line, row_id, record, quantity, state)"
            if check:
                write(depth, f"if {checker(check)}(row): {call}")
                hand_back(depth, node, otherwise=True)  # a text not yet validated: the general walk checks the row
            else:
                write(depth, call)
            return
        inner = depth
        if check:
            write(depth, f"if {valid_test(check)}:")
            inner = depth + 1
        write(inner, f"{leaf}.rows += 1", f"{leaf}.hours += scaled")
        if node.add is not None:
            write(inner, f"{name_of(node.add, 'A')}(state, record, scaled)")
        write(inner, f"append({_output_line(node, jsonl)})")
        if check:
            hand_back(depth, node, otherwise=True)

    def emit_branches(depth, answer, branches, node, keyed):
        """`if answer == test:` for each (test, child), commonest first; else the row is handed back at `node`."""
        branches = sorted(((test, child) for test, child in branches if compiled(child)),
                          key=lambda branch: -reached[id(branch[1])])
        for index, (test, child) in enumerate(branches):
            write(depth, f"{'elif' if index else 'if'} {answer} == {test}:")
            emit(child, depth + 1, keyed)
        hand_back(depth, node, otherwise=bool(branches))

    def emit(node, depth, keyed=frozenset()):
        """Write `node` at `depth`; `keyed`: the columns read through _KeyNumbers on the way (so valid)."""
        kind = node.__class__
        if kind is _Leaf:
            emit_leaf(node, depth, keyed)
        elif depth - base >= _COMPILE_DEPTH:  # keeps the generated code well inside the compiler's nesting limits
            hand_back(depth, node)
        elif kind is _Ask:
            answer = f"a{depth - base}"
            write(depth, f"{answer} = row[{node.column}]")
            emit_branches(depth, answer, ((repr(text), child) for text, child in node.children.items()), node, keyed)
        elif kind is _Keyed:
            answer = f"a{depth - base}"
            numbers = batch.key_numbers[id(node.key)]
            ids = name_of(numbers.ids_of(node.column), "I")
            write(depth, f"{answer} = {ids}.get(row[{node.column}]) or "
                         f"{name_of(numbers.reader(node.column), 'R')}(row[{node.column}])")
            emit_branches(depth, answer, ((str(numbers.number(value)), child) for value, child in
                                          node.children.items()), node, keyed | {node.column})
        else:  # a _Probe: the same sum and comparison as the general walk, written out for its window
            slot, limit = windows.total_slot[node.key], name_of(node.limit, "C")
            if windows.rolling[node.key]:
                write(depth, f"if used(state, {name_of(node.key, 'W')}, record[0]) + scaled <= {limit}:")
            else:
                start = f"record[{windows.slot[node.key[1]]}]"
                write(depth, f"if (state[{slot + 1}] if state[{slot}] == {start} else 0) + scaled <= {limit}:")
            if compiled(node.yes):
                emit(node.yes, depth + 1, keyed)
            else:
                hand_back(depth + 1, node)
            if compiled(node.no):
                write(depth, "else:")
                emit(node.no, depth + 1, keyed)
            else:
                hand_back(depth, node, otherwise=True)

    # The loop: chunks of FLUSH_ROWS items, each followed by one flush; a
    # chunk without an item means the source has ended.
    lines_source = line_of is None
    item = "text" if lines_source else "row"
    top = 1 + lines_source  # the depth of the `while`
    base = top + 2  # the depth of the loop's body
    write(0, "def run(source, line):")
    if lines_source:
        write(1, "try:")
    write(top, "while True:")
    write(top + 1, f"{item} = None", f"for {item} in islice(source, FLUSH_ROWS):")
    if lines_source:
        # A line without a quote (nearly every line) is split on commas, which
        # gives exactly the cells the csv module gives for it (see CsvRows);
        # its id cannot need quoting in the output. Other lines are read by
        # the csv module.
        write(base,
              "if '\"' in text or '\\0' in text or len(text) > LIMIT:",
              " row = quoted(text, line)",
              " line = reader.line_num",
              " if len(row) != WIDTH:",
              "  other(row, line)",
              "  continue",
              f" row_id = id_text({batch._row_id_source()})",
              "else:",
              " line += 1",
              " row = text.rstrip('\\r\\n').split(',')",
              " if len(row) != WIDTH:",
              "  if row != BLANK:  # a blank line: the csv module reads no cells, and it is skipped",
              "   other(row, line)",
              "  continue",
              f" row_id = {'id_text' if jsonl else ''}({batch._row_id_source()})")
    else:
        write(base,
              f"line = {line_of}",
              "if len(row) != WIDTH:",
              " other(row, line)",
              " continue",
              f"row_id = id_text({batch._row_id_source()})")
    write(base,
          f"record = dates.get(row[{batch.i_date}]) or date_of(row[{batch.i_date}])",
          "if record is False:",
          " other(row, line)",
          " continue",
          f"key = ({''.join(f'row[{c}], ' for c in batch.quantity_columns)})",
          "quantity = quantities.get(key)",
          "if quantity is None:",
          " quantity = quantity_of(key)",
          " if quantity is None:",
          "  other(row, line)",
          "  continue",
          f"rep = row[{batch.i_rep}]",
          "if not rep:",
          " other(row, line)",
          " continue",
          "day = record[0]",
          "state = reps.get(rep)",
          "if state is None:",
          " state = reps[rep] = new_record(day, rep_text(rep))",
          "elif day < state[0]:",
          " raise Unsorted",
          "else:",
          " state[0] = day",
          "scaled = quantity[1]",
          "node = None")
    cutoff = hot = 0
    if batch.root is None:
        hand_back(base, _AT_ROOT)
    else:
        total = count(batch.root)
        cutoff = max(_COMPILE_MIN_ROWS, total // _COMPILE_SHARE)
        hot = max(_INLINE_MIN_ROWS, total // _INLINE_SHARE)
        emit(batch.root, base)
    # Where the tree stopped short, it set `node`: one call here, rather than
    # one at each such place, keeps the source short.
    write(base, "if node is not None and miss(row, line, record, quantity, state, node):", " return line")
    write(top + 1, "flush()", f"if {item} is None:", " return None")
    if lines_source:
        # `reader.line_num` is ahead of `line` only when the csv module failed
        # inside a record; otherwise the error is at the line the loop reached.
        write(1, "except BaseException:", " if reader.line_num < line:", "  reader.line_num = line", " raise")
    return run_generated(helpers + lines, names, "<ftdsl row loop>")["run"]


def _filled(text):
    return text.strip() != ""


class _Memo(dict):
    """A one-argument function whose answers are remembered (cleared when it holds too many)."""

    def __init__(self, function):
        super().__init__()
        self.function = function

    def __call__(self, text):
        answer = self.get(text, _MISSING_ANSWER)
        if answer is _MISSING_ANSWER:
            if len(self) > MEMO_LIMIT:
                self.clear()
            answer = self[text] = self.function(text)
        return answer


_MISSING_ANSWER = object()


def _same_question(node, step, keys):
    if step[0] == "ask":
        return node.__class__ is _Ask and node.column == step[1]
    if step[0] == "keyed":
        return node.__class__ is _Keyed and node.column == step[1] and node.key is keys[step[2]]
    return node.__class__ is _Probe and node.key == step[1] and node.limit == step[2]


def _child(parent, slot):
    return parent.get(slot) if parent.__class__ is dict else getattr(parent, slot)


def _set_child(parent, slot, node):
    if parent.__class__ is dict:
        parent[slot] = node
    else:
        setattr(parent, slot, node)


class _Trace:
    """What a full decision read, in order: ('ask', column) for row text, ('probe', key, limit, fits) for history."""

    def __init__(self, batch):
        self.batch = batch
        self.steps = []
        self.asked = set()

    def ask(self, column, key=None):
        """Record a question: the column's text, or with `key` (a name in Batch.keys) part of it."""
        if column is not None and (column, key) not in self.asked:
            self.asked.add((column, key))
            self.steps.append(("ask", column) if key is None else ("keyed", column, key))


class _TracedRequest(dict):
    """A request whose reads are traced: each field maps to the log columns it came from."""

    trace = None

    def __getitem__(self, key):
        for column in self.trace.batch.request_columns.get(key, ()):
            self.trace.ask(column, self.trace.batch.request_keys.get(key))
        return dict.__getitem__(self, key)


class _TracedInputs(runtime.Inputs):
    """A row's facts whose reads are traced (a band value reads the count it is looked up by)."""

    def __init__(self, program, facts, trace):
        super().__init__(program, facts)
        self.trace = trace

    def fact(self, name):
        self.trace.ask(self.trace.batch.fact_columns.get(name))
        return super().fact(name)

    def value(self, name):
        # A band value depends on its count only through the band: rows
        # whose counts fall in one band share the rest of the tree.
        table = self.program.tables[name]
        self.trace.ask(self.trace.batch.fact_columns.get(table.by), "band " + name)
        if name not in self.values:
            self.values[name] = table.lookup(runtime.Inputs.fact(self, table.by))
        return self.values[name]


class _RunningTotals(runtime.History):
    """A representative's history as batch keeps it: `within` answered from the running totals of their record
    (see Windows), each answer traced as a probe of the tree. Only whether the request fits is answered: the
    hours used and the window are for reasons, which a batch does not write."""

    def __init__(self, batch, state, scaled, trace):
        self.batch = batch
        self.state = state  # the representative's record, with its running totals (see Windows)
        self.scaled = scaled  # the request's hours, scaled (see scale)
        self.trace = trace

    def within(self, categories, period, limit, day, hours):
        key = (tuple(categories), period)
        if key not in self.batch.windows.keys:
            raise AssertionError(f"the ruleset asks about a window batch evaluation does not keep: {key}")
        used = self.batch.windows.used(self.state, key, day)
        limit_scaled = whole(Fraction(limit) * self.batch.scale)
        fits = used + self.scaled <= limit_scaled
        self.trace.steps.append(("probe", key, limit_scaled, fits))
        return fits, None, None


_QUIET = runtime.Notes(detailed=False)  # keeps nothing, so one serves every decision


# ---- the run -------------------------------------------------------------------

class Batch:
    """Decide a log's rows with one Program. Call `run(source_path, out)`; read `error_count`, `summary()`.

    `progress`, when given, is called as progress(fraction done) while the
    rows stream, and as progress(fraction, label) in each pass of the
    sorting fallback (the label names the pass, see _PASSES).
    """

    def __init__(self, program, log_name="<log>", input_format="csv", output_format="csv", strict=False,
                 progress=None, on_error=None):
        self.program = program
        self.log_name = log_name
        self.input_format = input_format
        self.output_format = output_format
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
        self.sorted_fallback = False

    # ---- reading
    def _open_rows(self, handle):
        if self.input_format == "jsonl":
            return JsonRows(handle, self.layout, self.log_name)
        return CsvRows(handle, self.layout, self.log_name)

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
        # Which columns each read of a decision depends on (see _TracedRequest).
        of_kind = lambda *wanted: tuple(i for i, name in enumerate(columns) if kinds[name][0] in wanted)  # noqa: E731
        self.fact_columns = {name: i for i, name in enumerate(columns) if kinds[name][0] == "fact"}
        self.request_columns = {"category": of_kind("category"), "date": (self.date_column,),
                                "in working hours": of_kind("in hours"),
                                "notice days": of_kind("notice"), "stated": of_kind("state"),
                                "request facts": of_kind("request fact")}
        # Per static column, the cell texts known to be valid (see _inputs).
        self.valid = {column: set() for column in self.static_columns}
        self.cells = {column: {} for column in self.static_columns}  # see _cell
        self._make_request_template()
        self.root = None
        self._make_keys()
        self.leaves = []
        self.nodes = 0  # questions in the tree
        self.walk = None  # the row loop compiled with the tree (_compile_loop), once it has grown
        self.misses = 0  # rows the compiled loop handed back since it was compiled
        self.dates = {}
        self.quantities = {}  # the cells of the quantity columns -> _quantity's tuple, for valid ones
        self.quantity_problems = {}  # the same for the cells that are not a valid amount
        self.reps = {}

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

    def _make_keys(self):
        """The partial questions the tree may ask (see _Keyed), by name, and which request fields use them."""
        read = set()
        for rule in self.program.rules:
            read |= reads(rule.condition)
        self.keys = {"filled": _filled}
        self.request_keys = {"stated": "filled"}
        if "notice days" not in read:
            # Read only by notice rules, which compare it with their days.
            thresholds = tuple(sorted({rule.days for rule in self.program.model.notices}))

            def notice(text):
                if not text.strip():
                    return None
                try:
                    days = int(text)
                except ValueError:
                    # Not a number: the row is checked (and reported) when it reaches its leaf.
                    return _MISSING
                return tuple(days >= threshold for threshold in thresholds)

            self.keys["notice"] = _Memo(notice)
            self.request_keys["notice days"] = "notice"
        for name, table in self.program.tables.items():
            fact = self.program.facts_by_name.get(table.by)
            type_name = None if fact is None else fact.type

            def band(text, table=table, type_name=type_name):
                if not text.strip():
                    return _MISSING
                problems = []
                value = convert_value(cell_value(text, ("fact", type_name)), type_name,
                                              self.program.vocabulary, "", problems)
                return _MISSING if problems else table.lookup(value)

            self.keys["band " + name] = _Memo(band)
        self.key_numbers = {id(key): _KeyNumbers(key, self.valid) for key in self.keys.values()}

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
        found = memo.get(text, _MISSING_ANSWER)
        if found is not _MISSING_ANSWER:
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
        if self.output_format == "jsonl":
            return json.dumps(text, ensure_ascii=False)
        return _csv_text(text)

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
        # The names the compiled loop uses (see _compile_loop).
        context = {"FLUSH_ROWS": FLUSH_ROWS, "WIDTH": self.width, "reader": rows, "lines": lines,
                   "append": pending.append, "flush": flush_pending, "other": self._other, "miss": self._miss,
                   "finish": self._finish, "dates": self.dates, "date_of": self._date, "quantities": self.quantities,
                   "quantity_of": self._valid_quantity, "reps": self.reps, "new_record": self.windows.new_record,
                   "rep_text": self._text,
                   "id_text": _json_text if jsonl else _csv_text, "used": self.windows.used, "Unsorted": _Unsorted}
        if isinstance(rows, CsvRows):
            context.update(quoted=rows.quoted, LIMIT=csv.field_size_limit(), BLANK=[""])
            source, line, line_of = rows.handle, rows.line_num, None
        else:
            source, line, line_of = iter(rows), 0, "reader.line_num" if lines is None else "lines[-1]"
        while line is not None:
            run = _compile_loop(self, context, line_of)
            if self.root is not None:
                self.walk = run
            self.misses = 0
            line = run(source, line)

    def _row_id_source(self):
        """Source of the expression for a row's id in the compiled loop: its id cell, else its line number."""
        return "str(line)" if self.i_id is None else f"row[{self.i_id}] or str(line)"

    def _row_id(self, row, line):
        return row[self.i_id] if self.i_id is not None and row[self.i_id] else str(line)

    def _other(self, row, line):
        """Write the error line for a row the compiled loop does not decide: one that could not be read, has the
        wrong number of fields, no rep, or no valid date or amount. A blank row is skipped."""
        if len(row) != self.width:
            if isinstance(row, BadRow):
                self._append(self._error_line(line, *row.cells, row.message, row.hint))
            elif row:
                self._append(self._error_line(line, "", "", "", f"the row has {len(row)} fields; the header has "
                                              f"{self.width}", "check for a missing or extra comma"))
            return
        date_text = row[self.i_date]
        quantity = self._quantity(tuple(row[c] for c in self.quantity_columns))
        self._append(self._row_error(line, row[self.i_rep], self._row_id(row, line), date_text, self._date(date_text),
                                     quantity))

    def _miss(self, row, line, record, quantity, state, node):
        """Finish a row the compiled loop handed back at `node` (or _AT_ROOT) by the general walk through the
        tree as it is now; a row that goes beyond the tree is decided in full and grows it. True when the loop
        should be compiled again."""
        day, scaled = record[0], quantity[1]
        if node is _AT_ROOT:
            node = self.root
        while node is not None:
            kind = node.__class__
            if kind is _Ask:
                node = node.children.get(row[node.column])
            elif kind is _Keyed:
                node = node.children.get(node.key(row[node.column]))
            elif kind is _Probe:
                node = node.yes if self.windows.used(state, node.key, day) + scaled <= node.limit else node.no
            else:
                break
        row_id = self._row_id(row, line)
        if node is None:
            node = self._decide_in_full(row, row_id, day, quantity, state)
        else:
            valid = self.valid
            for column in node.check:
                if row[column] not in valid[column]:  # a text not yet validated: check the row
                    node = self._inputs(row)[1] or node
                    break
        if node.__class__ is _Leaf:
            self._finish(node, line, self._text(row_id), record, quantity, state)
        else:
            self._append(self._error_line(line, row[self.i_rep], row_id, row[self.i_date], *node))
        self.misses += 1
        return self.misses >= max(COMPILE_MISSES, self.nodes * COMPILE_PER_NODE)

    def _finish(self, leaf, line, id_text, record, quantity, state):
        """Count a row that reached `leaf` (its id as the output writes it) and write its output line."""
        scaled = quantity[1]
        leaf.rows += 1
        leaf.hours += scaled
        if leaf.add is not None:
            leaf.add(state, record, scaled)
        if self.output_format == "jsonl":
            self._append(f'{{"line": {line}, "rep": {state[1]}, "id": {id_text}, "date": "{record[1]}", '
                         f'{leaf.head}{quantity[5]}{leaf.tail}')
        else:
            self._append(f"{line},{state[1]},{id_text},{record[1]},{leaf.head}{quantity[4]}{leaf.tail}")

    def _decide_in_full(self, row, row_id, day, quantity, state):
        """Decide one row by the full procedure and add what it read to the tree; a leaf, or (message, hint)."""
        inputs, problem = self._inputs(row)
        if problem is not None:
            return problem
        facts, template = inputs
        trace = _Trace(self)
        inputs = _TracedInputs(self.program, facts, trace)
        request = _TracedRequest(template, id=row_id, date=day, quantity=(quantity[2], quantity[3]))
        request.trace = trace
        history = _RunningTotals(self, state, quantity[1], trace)
        try:
            decision = runtime.Decision(self.program, inputs, history, request, quantity[0], day, _QUIET).decide()
        except runtime.MissingFact as missing:
            reads = f" (§{', §'.join(missing.clauses)} reads it)" if missing.clauses else ""
            return (f"the row does not give '{missing.name}', which this request needs{reads}",
                    f"add a '{missing.name}' column, or fill it in on this row")
        counts = ()
        if decision["outcome"] != runtime.NOT_ENTITLED and (self.counts_outside or request["in working hours"]):
            counts = self.windows.by_category.get(request["category"], ())
        # Walk the steps from the root, making the nodes that are missing.
        # The procedure is deterministic, so a node already there asks the
        # same question as this step.
        parent, slot = self, "root"  # children of the root and of probes are attributes; of asks, dict entries
        for step in trace.steps:
            node = _child(parent, slot)
            if node is None:
                node = (_Ask(step[1]) if step[0] == "ask" else _Keyed(step[1], self.keys[step[2]])
                        if step[0] == "keyed" else _Probe(step[1], step[2]))
                _set_child(parent, slot, node)
                self.nodes += 1
            elif not _same_question(node, step, self.keys):
                raise AssertionError("the decision procedure asked a different question at the same point")
            if step[0] == "ask":
                parent, slot = node.children, row[step[1]]
            elif step[0] == "keyed":
                parent, slot = node.children, node.key(row[step[1]])
            else:
                parent, slot = node, ("yes" if step[3] else "no")
        leaf = _child(parent, slot)
        if leaf is None:
            asked = {step[1] for step in trace.steps if step[0] == "ask"}
            leaf = _Leaf(decision, counts, tuple(c for c in self.static_columns if c not in asked),
                         self.output_format == "jsonl")
            if counts:
                leaf.add = self.windows.adder(counts)
            _set_child(parent, slot, leaf)
            self.leaves.append(leaf)
        return leaf

    def _row_error(self, line, rep, row_id, date_text, day, quantity):
        if not rep:
            return self._error_line(line, rep, row_id, date_text, "the row has no 'rep'", "name the representative")
        if day is False:
            return self._error_line(line, rep, row_id, date_text,
                                    f"the date must be a real date written YYYY-MM-DD, not \"{date_text}\"",
                                    'for example "2026-03-20"')
        return self._error_line(line, rep, row_id, date_text, *quantity)

    def _error_line(self, line, rep, row_id, date_text, message, hint=None):
        self.error_count += 1
        if self.strict:
            raise RowError(line, message, hint)
        if self.on_error is not None:
            self.on_error(line, message, hint)
        if self.output_format == "jsonl":
            return (f'{{"line": {line}, "rep": {json.dumps(rep)}, "id": {json.dumps(row_id)}, "date": {json.dumps(date_text)}, '
                    f'"category": null, "hours": null, "outcome": null, "paid": null, "clauses": [], '
                    f'"error": {json.dumps(message, ensure_ascii=False)}}}\n')
        return f"{line},{_csv_text(rep)},{_csv_text(row_id)},{_csv_text(date_text)},,,,,,{_csv_text(message)}\n"

    # ---- the whole run
    def run(self, path, out):
        """Decide every row of the log at `path` and write the decisions to the text stream `out`."""
        if self.output_format == "csv":
            out.write(",".join(OUTPUT_COLUMNS) + "\n")
        start = out.tell() if out.seekable() else None
        try:
            self._stream(path, out)
        except _Unsorted:
            if start is None:
                raise AssertionError("the sorting fallback needs a seekable output") from None
            out.seek(start)
            out.truncate()
            self.sorted_fallback = True
            self.error_count = 0
            self.rows = 0
            self._sorted(path, out)

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
        """The fallback for logs whose representatives' dates go backwards: sort, decide, sort back.

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
            sentinel = datetime.date.min
            count = 0  # rows read (for the progress of the later passes)

            def records():
                nonlocal count
                for row in rows:
                    if not row and not isinstance(row, BadRow):
                        continue
                    record = self._date(row[self.i_date]) if len(row) == self.width else False
                    yield ((record[0] if record else sentinel).toordinal(), rows.line_num, row if not isinstance(row, BadRow)
                           else ("bad", row.message, row.hint, row.cells))
                    count += 1
                    if progress is not None and not count % FLUSH_ROWS:
                        progress(min(raw.tell() / size, 1.0), _PASSES[0])

            by_date = []
            self._read_guard(lambda: by_date.extend(_spill(records(), folder, "date")), rows)
            if progress is not None:
                progress(1.0, _PASSES[0])
            total = count or 1
            lines = []

            def replay():
                for _, line, row in heapq.merge(*by_date):
                    lines.append(line)
                    yield BadRow(*row[1:]) if isinstance(row, tuple) else row

            decided = []

            def flush(pending):
                # Every replayed row gave exactly one output line, in order.
                decided.extend(zip(lines, pending))
                lines.clear()
                if len(decided) >= CHUNK_ROWS:
                    by_line.append(_write_run(sorted(decided), folder, f"line{len(by_line)}"))
                    decided.clear()
                if progress is not None:
                    progress(min(self.rows / total, 1.0), _PASSES[1])

            by_line = []
            self._decide_rows(_Replay(replay()), flush, lines)
            if decided:
                by_line.append(_write_run(sorted(decided), folder, f"line{len(by_line)}"))
            merged = heapq.merge(*(_read_run(p) for p in by_line))
            written = 0
            while True:
                block = list(itertools.islice(merged, FLUSH_ROWS))
                if not block:
                    break
                out.write("".join(text for _, text in block))
                written += len(block)
                if progress is not None:
                    progress(min(written / total, 1.0), _PASSES[2])

    # ---- totals
    def summary(self):
        """Totals per category: rows and hours asked, hours by outcome, paid hours (exact Fractions)."""
        table = {}
        for leaf in self.leaves:
            entry = table.setdefault(leaf.category, {"requests": 0, "asked": Fraction(0), "entitled": Fraction(0),
                                                     "discretionary": Fraction(0), "not_entitled": Fraction(0),
                                                     "paid": Fraction(0)})
            hours = Fraction(leaf.hours) / self.scale
            entry["requests"] += leaf.rows
            entry["asked"] += hours
            entry[leaf.outcome] += hours
            if leaf.paid is True:
                entry["paid"] += hours
        return dict(sorted(table.items()))


class _Replay:
    """An iterator of sorted rows that looks like a reader (line numbers come through `lines`)."""

    def __init__(self, rows):
        self.rows = rows
        self.line_num = 0

    def __iter__(self):
        return self.rows


def _spill(records, folder, name):
    """Sort records in runs of CHUNK_ROWS, each written to a file; return readers of the runs."""
    runs, chunk = [], []
    for record in records:
        chunk.append(record)
        if len(chunk) >= CHUNK_ROWS:
            chunk.sort(key=operator.itemgetter(0, 1))
            runs.append(_write_run(chunk, folder, f"{name}{len(runs)}"))
            chunk = []
    if chunk:
        chunk.sort(key=operator.itemgetter(0, 1))
        runs.append(_write_run(chunk, folder, f"{name}{len(runs)}"))
    return [_read_run(path) for path in runs]


def _write_run(records, folder, name):
    path = os.path.join(folder, name)
    with open(path, "wb") as handle:
        for start in range(0, len(records), 1000):
            pickle.dump(records[start:start + 1000], handle, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def _read_run(path):
    with open(path, "rb") as handle:
        while True:
            try:
                block = pickle.load(handle)  # noqa: S301 - a file this run just wrote to its own temporary folder
            except EOFError:
                return
            yield from block


def _row_problem(problem):
    path = problem["path"]
    where = path.split(".", 1)[1] if "." in path else ""
    message = f"'{where}': {problem['message']}" if where else problem["message"]
    return (message.replace("a request", "the row"), problem.get("hint"))


# A cell a spreadsheet would take for a formula (=HYPERLINK(...), +cmd, -2+3, @SUM) when the decisions are
# opened in Excel or LibreOffice; such a cell is written after an apostrophe, which spreadsheets show as text.
_FORMULA_START = frozenset("=+-@\t\r")


def _csv_text(text):
    """A text as a CSV cell: quoted when the csv module's minimal quoting would quote it, and after an apostrophe
    when a spreadsheet would read it as a formula."""
    if text and text[0] in _FORMULA_START:
        text = "'" + text
    if _CSV_SPECIAL.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def _json_text(text):
    """A text as a JSON string (as the output writes ids)."""
    return json.dumps(text, ensure_ascii=False)


def summary_text(summary, error_count=0, rows=0):
    """The totals as an aligned table in hours."""
    header = ("category", "requests", "asked h", "entitled h", "discretionary h", "not entitled h", "paid h")
    lines = [header]
    totals = {"requests": 0, "asked": 0, "entitled": 0, "discretionary": 0, "not_entitled": 0, "paid": 0}
    for category, entry in summary.items():
        lines.append((category, str(entry["requests"]), *(decimal_text(entry[k]) for k in
                                                         ("asked", "entitled", "discretionary", "not_entitled", "paid"))))
        for key in totals:
            totals[key] += entry[key]
    lines.append(("all", str(totals["requests"]), *(decimal_text(totals[k]) for k in
                                                    ("asked", "entitled", "discretionary", "not_entitled", "paid"))))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = "\n".join("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths)))
                     for line in lines)
    if error_count:
        text += f"\n{error_count} row{'s' if error_count != 1 else ''} with errors (not counted above)"
    return text + "\n"
