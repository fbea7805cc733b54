"""The compiled row loop: a batch's decision tree as it is now in, a function deciding a log's rows out.

`compile_loop` writes the whole loop over a log's rows as Python source
with the tree (trees.py) inside it, and compiles it with no built-ins but
those it names (totals.run_generated): reading and splitting a line,
looking up its date, amount and representative, then `if`s on the cell
texts down to a leaf, each window question written as its running-total
comparison, and for a leaf that many rows reach, the row's tallies,
running-total update and output line in place. Rows it cannot take to a
leaf go back to the batch (`miss` in its names) with the node where they
stopped, and are finished by the general walk (trees.Tree.walk) or
decided in full. As the tree grows, rows handed back add up; once
`outgrown` says so, the batch compiles the loop again.

`KeyNumbers` numbers the answers of a partial question (trees.Keyed) so
that the loop compares small ints rather than calling the question.
"""

from __future__ import annotations

import functools
import itertools

from .totals import MEMO_LIMIT, run_generated
from .trees import Ask, Keyed, Leaf, Parted, Probe

AT_ROOT = object()  # where the compiled loop hands a row to the general walk when it has no tree yet

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


def outgrown(misses, nodes):
    """Whether a loop that has handed back `misses` rows since it was compiled, from a tree now of `nodes`
    questions, should be compiled again (see COMPILE_MISSES)."""
    return misses >= max(COMPILE_MISSES, nodes * COMPILE_PER_NODE)


class KeyNumbers:
    """Small whole numbers for the answers of one partial question (a trees.Keyed key), so the compiled loop
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
        known = self.valid.get(column)
        # A column with no set of valid texts is the date's, which the loop has read (and checked) already.
        if known is not None and text not in known:
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
    """Source of the f-string that writes a row reaching `leaf`, from the compiled loop's locals (the same line
    as Batch._finish writes)."""
    if jsonl:
        return _fstring([("text", '{"line": '), ("code", "line"), ("text", ', "rep": '), ("code", "state[1]"),
                         ("text", ', "id": '), ("code", "row_id"), ("text", ', "date": "'), ("code", "record[1]"),
                         ("text", '", ' + leaf.head), ("code", "quantity[5]"), ("text", leaf.tail)])
    return _fstring([("code", "line"), ("text", ","), ("code", "state[1]"), ("text", ","), ("code", "row_id"),
                     ("text", ","), ("code", "record[1]"), ("text", "," + leaf.head), ("code", "quantity[4]"),
                     ("text", leaf.tail)])


def _row_id_source(batch):
    """Source of the expression for a row's id in the compiled loop: its id cell, else its line number."""
    return "str(line)" if batch.i_id is None else f"row[{batch.i_id}] or str(line)"


def compile_loop(batch, context, line_of=None):
    """The row loop with the batch's tree as it is now written into it, compiled: run(source, line) -> line or None.

    `batch` is the Batch whose tree, columns and lookups are written in.
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
    already validated (see trees.Leaf.check) goes to `miss` with the node
    where it stopped (an answer the tree did not have when compiled, a
    subtree left out because few rows had reached it, a text to check), and
    is finished by the general walk. Nodes are only ever added to the tree,
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
        if kind is Leaf or kind is Parted:
            total = node.rows
        elif kind is Probe:
            total = sum(count(child) for child in (node.yes, node.part, node.no) if child is not None)
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
            call = f"finish({leaf}, line, row_id, record, quantity, state, row)"
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
        # What Batch._finish does, written out.
        write(inner, f"{leaf}.rows += 1", f"{leaf}.hours += scaled")
        if batch.tally is not None:  # a report counts the row for its person too (usage.Tally.leaf)
            if batch.tally.says_granted or batch.tally.says_paid:
                write(inner, f"tally(row, day, {leaf}, scaled, line)")
            else:  # what Tally.leaf does, written out: the person's usage is the last slot of their record
                changed = " or ".join(f"row[{c}] != kept[{c}]" for c in batch.fact_columns.values())
                write(inner, "usage = state[-1] or tally_new(state, rep, day)", "kept = usage.last",
                      f"if kept is None{' or ' + changed if changed else ''}:", " usage.last = row",
                      "usage.last_day = day", "if LOW <= day <= HIGH:",
                      f" usage.rows[{leaf}] = usage.rows.get({leaf}, 0) + 1",
                      f" usage.hours[{leaf}] = usage.hours.get({leaf}, 0) + scaled")
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
        """Write `node` at `depth`; `keyed`: the columns read through KeyNumbers on the way (so valid)."""
        kind = node.__class__
        if kind is Leaf:
            emit_leaf(node, depth, keyed)
        elif kind is Parted:  # a row decided in parts: one call works out its parts (Batch._finish_parted)
            check = tuple(c for c in node.check if c not in keyed)
            call = f"parted({name_of(node, 'P')}, row, line, row_id, record, quantity, state)"
            if check:
                write(depth, f"if {checker(check)}(row): {call}")
                hand_back(depth, node, otherwise=True)
            else:
                write(depth, call)
        elif depth - base >= _COMPILE_DEPTH:  # keeps the generated code well inside the compiler's nesting limits
            hand_back(depth, node)
        elif kind is Ask:
            answer = f"a{depth - base}"
            write(depth, f"{answer} = row[{node.column}]")
            emit_branches(depth, answer, ((repr(text), child) for text, child in node.children.items()), node, keyed)
        elif kind is Keyed:
            answer = f"a{depth - base}"
            numbers = batch.key_numbers[id(node.key)]
            ids = name_of(numbers.ids_of(node.column), "I")
            write(depth, f"{answer} = {ids}.get(row[{node.column}]) or "
                         f"{name_of(numbers.reader(node.column), 'R')}(row[{node.column}])")
            emit_branches(depth, answer, ((str(numbers.number(value)), child) for value, child in
                                          node.children.items()), node, keyed | {node.column})
        else:  # a Probe: the same sums and comparisons as the general walk, written out for its window
            slot, limit = windows.total_slot[node.key], name_of(node.limit, "C")
            if windows.rolling[node.key]:
                used = f"used(state, {name_of(node.key, 'W')}, record[0])"
            else:
                used = f"(state[{slot + 1}] if state[{slot}] == record[{windows.slot[node.key[1]]}] else 0)"
            write(depth, f"if {used} + scaled <= {limit}:")
            if compiled(node.yes):
                emit(node.yes, depth + 1, keyed)
            else:
                hand_back(depth + 1, node)
            # Time left in the window, not enough for the row: the row straddles it. The hours used are
            # summed again only here, so that a row that fits costs no more.
            if compiled(node.part):
                write(depth, f"elif {used} < {limit}:")
                emit(node.part, depth + 1, keyed)
            elif compiled(node.no):
                write(depth, f"elif {used} < {limit}:")
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
              f" row_id = id_text({_row_id_source(batch)})",
              "else:",
              " line += 1",
              " row = text.rstrip('\\r\\n').split(',')",
              " if len(row) != WIDTH:",
              "  if row != BLANK:  # a blank line: the csv module reads no cells, and it is skipped",
              "   other(row, line)",
              "  continue",
              f" row_id = {'id_text' if jsonl else ''}({_row_id_source(batch)})")
    else:
        write(base,
              f"line = {line_of}",
              "if len(row) != WIDTH:",
              " other(row, line)",
              " continue",
              f"row_id = id_text({_row_id_source(batch)})")
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
    root = batch.tree.root
    if root is None:
        hand_back(base, AT_ROOT)
    else:
        total = count(root)
        cutoff = max(_COMPILE_MIN_ROWS, total // _COMPILE_SHARE)
        hot = max(_INLINE_MIN_ROWS, total // _INLINE_SHARE)
        emit(root, base)
    # Where the tree stopped short, it set `node`: one call here, rather than
    # one at each such place, keeps the source short.
    write(base, "if node is not None and miss(row, line, record, quantity, state, node):", " return line")
    write(top + 1, "flush()", f"if {item} is None:", " return None")
    if lines_source:
        # `reader.line_num` is ahead of `line` only when the csv module failed
        # inside a record; otherwise the error is at the line the loop reached.
        write(1, "except BaseException:", " if reader.line_num < line:", "  reader.line_num = line", " raise")
    return run_generated(helpers + lines, names, "<ftdsl row loop>")["run"]
