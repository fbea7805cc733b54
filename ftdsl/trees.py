"""Decision trees: what a full decision of a row read in, a path through a tree that later rows walk out.

A decision of a batch row depends on the row's cell texts and, through
one question (`History.within`, "does it fit under L hours in this
window?", and where it does not, whether any time is left there), on the
representative's history. So the first row with given
texts is decided by the full procedure (runtime.Decision) while every
read is traced (`Trace`): a row's facts through `TracedInputs`, its
request fields through `TracedRequest`, its history through
`RunningTotals`, which answers `within` from the running totals
(totals.py). The trace's steps become a path of the run's `Tree`, from
its root to a `Leaf` holding the decision: an `Ask` for a column's text,
a `Keyed` for part of it (a band, the notice thresholds met, whether a
field is filled in: the `partial_questions`), a `Probe` for a window
question. A row that straddles a window (some time left in it, not
enough for the row) is decided in parts, which depend on exactly how much
time is left: its path ends at a `Parted` node, which holds the decision
of the row as one and the windows whose time left divides it; the batch
works out where the row divides from the running totals and walks the
tree again for each part, as a row ending where the part ends. A later row walks the tree (`Tree.walk`, or the compiled loop
of rowloop.py), reading only the columns on its path and answering the
window questions from its own running totals; where the tree has no
answer yet the row is decided in full and the tree grows (`Tree.grow`).
The procedure is deterministic, so every decision is the full
procedure's; nodes are only ever added, never changed.
"""

from __future__ import annotations

from fractions import Fraction

from . import runtime
from .conditions import atoms, reads
from .model import Comparison
from .logs import cell_value
from .output_lines import leaf_ends
from .scenario import convert_value, parse_date
from .totals import MEMO_LIMIT, whole

_MISSING = "(not given)"  # a partial question's answer for a cell it cannot read; the row is checked at its leaf


class Ask:
    """A question about a row: the text of one column; the children are keyed by the answer."""

    __slots__ = ("column", "children")

    def __init__(self, column):
        self.column = column
        self.children = {}


class Keyed:
    """A question about a row that only needs part of a column's text: whether a field is filled in, which band
    of a table a count falls in, which notice thresholds a notice meets. `key` maps the text to the answer."""

    __slots__ = ("column", "key", "children")

    def __init__(self, column, key):
        self.column = column
        self.key = key
        self.children = {}


class Probe:
    """A question about history: does the row's time fit under `limit` (scaled) in the window `key` (`yes`), and
    if not, is some time left in it (`part`: the request straddles the window) or none (`no`)?"""

    __slots__ = ("key", "limit", "used", "yes", "part", "no")

    def __init__(self, key, limit, used):
        self.key = key
        self.limit = limit
        self.used = used  # Windows.counter(key): the hours counted in the window, used(state, day)
        self.yes = None
        self.part = None
        self.no = None


# The answers of a probe, as a trace records them, and the child of the Probe each leads to.
PROBE_SLOTS = {True: "yes", "part": "part", False: "no"}


class Leaf:
    """A decided outcome, with its output text and the totals of the rows that reached it."""

    __slots__ = ("outcome", "paid", "clauses", "pay_clauses", "head", "tail", "category", "counts", "add", "rows",
                 "hours", "check")

    def __init__(self, decision, counts, check, jsonl):
        self.outcome = decision["outcome"]
        self.paid = decision["paid"]
        self.clauses = tuple(decision["clauses"])
        self.pay_clauses = tuple(decision["pay clauses"])  # which parts of a row decided in parts are one
        self.category = decision["category"]
        self.counts = counts
        self.add = None  # Windows.adder(counts), set by Tree.grow when counts is not empty
        # The end of the output line from the category on: the hours go
        # between head and tail, as rows reaching one leaf differ in them.
        self.head, self.tail = leaf_ends(self.category, self.outcome, self.paid, self.clauses, jsonl)
        self.rows = 0
        self.hours = 0
        # The columns to validate for rows that reach this leaf: a row got
        # here by texts of the columns asked on the way, each first seen in
        # a row that was validated, so only the others need checking.
        self.check = check


class Parted:
    """Where the path of rows decided in parts ends: the decision of such a row as one (its outcome, pay and
    clauses, those of its last part), the windows whose time left divides it (`windows`: runtime.Decision's
    cut_windows, each window as its (Windows.counter, limit) in running totals), and as a Leaf, the columns to
    check and the windows a row counts in (`add` counts them). `rows` is how many rows reached it (the
    compiled loop reads it); `made` remembers the line ends and tallies of the ways its rows divided."""

    __slots__ = ("outcome", "paid", "clauses", "pay_clauses", "category", "windows", "counts", "add", "check", "rows",
                 "made", "start", "single")

    def __init__(self, decision, windows, counts, check, start):
        self.outcome = decision["outcome"]
        self.paid = decision["paid"]
        self.clauses = tuple(decision["clauses"])
        self.pay_clauses = tuple(decision["pay clauses"])
        self.category = decision["category"]
        self.windows = windows
        self.counts = counts
        self.add = None  # Windows.adder(counts), set by Tree.grow when counts is not empty
        self.check = check
        self.rows = 0
        self.made = {}
        # The first window question on the path: the questions before it are about the row's cells alone, so a
        # walk for part of the row reaches it as the row did, and starts there.
        self.start = start
        # The one window of a row that only one window divides, as (used, limit); else None.
        self.single = windows[0][0] if len(windows) == 1 and len(windows[0]) == 1 else None


class Tree:
    """One run's decision tree: its `root` (None until the first row is decided), its `leaves` in the order they
    were made (the summary adds up their tallies) and the number of its questions (`nodes`).

    `keys` names the partial questions it may ask (see partial_questions),
    `static_columns` are the columns a leaf may have to check, `jsonl`
    says which output its leaves write, and `windows` is the run's
    totals.Windows: its `adder` gives a leaf the code that counts its rows
    in their windows, its `counter` a probe the hours counted in its window.
    """

    def __init__(self, keys, static_columns, jsonl, windows):
        self.root = None
        self.leaves = []
        self.parted = []  # its Parted nodes, in the order they were made
        self.nodes = 0
        self.keys = keys
        self.static_columns = static_columns
        self.jsonl = jsonl
        self.adder = windows.adder
        self.counter = windows.counter

    def walk(self, node, row, state, day, scaled):
        """Where a row stops, walking down from `node`: its Leaf (or Parted node), or None where the tree has no
        answer yet.

        `state` is the representative's record, `day` the row's date and
        `scaled` its hours (see totals.scale).
        """
        while node is not None:
            kind = node.__class__
            if kind is Ask:
                node = node.children.get(row[node.column])
            elif kind is Keyed:
                node = node.children.get(node.key(row[node.column]))
            elif kind is Probe:
                hours = node.used(state, day)
                node = node.yes if hours + scaled <= node.limit else node.part if hours < node.limit else node.no
            else:
                break
        return node

    def grow(self, steps, row, decision, counts, windows=None):
        """Add the path a full decision of `row` took (its Trace's steps) and return the Leaf at its end, made
        with the decision and the windows it counts in (`counts`) if the path is new; with `windows` (where
        the windows' time left divides the row, see Parted), a Parted node instead."""
        # Walk the steps from the root, making the nodes that are missing.
        # The procedure is deterministic, so a node already there asks the
        # same question as this step.
        parent, slot = self, "root"  # children of the root and of probes are attributes; of asks, dict entries
        first_probe = None
        for step in steps:
            node = _child(parent, slot)
            if node is None:
                node = (Ask(step[1]) if step[0] == "ask" else Keyed(step[1], self.keys[step[2]])
                        if step[0] == "keyed" else Probe(step[1], step[2], self.counter(step[1])))
                _set_child(parent, slot, node)
                self.nodes += 1
            elif not _same_question(node, step, self.keys):
                raise AssertionError("the decision procedure asked a different question at the same point")
            if step[0] == "ask":
                parent, slot = node.children, row[step[1]]
            elif step[0] == "keyed":
                parent, slot = node.children, node.key(row[step[1]])
            else:
                parent, slot = node, PROBE_SLOTS[step[3]]
                first_probe = first_probe or node
        leaf = _child(parent, slot)
        if leaf is not None and (leaf.__class__ is Parted) != (windows is not None):
            raise AssertionError("the decision procedure decided the same path in parts and whole")
        if leaf is None:
            asked = {step[1] for step in steps if step[0] == "ask"}
            check = tuple(c for c in self.static_columns if c not in asked)
            if windows is not None:
                leaf = Parted(decision, tuple(tuple((self.counter(key), limit) for key, limit in found)
                                              for found in windows), counts, check, first_probe)
                if counts:
                    leaf.add = self.adder(counts)
                _set_child(parent, slot, leaf)
                self.parted.append(leaf)
                return leaf
            leaf = Leaf(decision, counts, check, self.jsonl)
            if counts:
                leaf.add = self.adder(counts)
            _set_child(parent, slot, leaf)
            self.leaves.append(leaf)
        return leaf


def _same_question(node, step, keys):
    if step[0] == "ask":
        return node.__class__ is Ask and node.column == step[1]
    if step[0] == "keyed":
        return node.__class__ is Keyed and node.column == step[1] and node.key is keys[step[2]]
    return node.__class__ is Probe and node.key == step[1] and node.limit == step[2]


def _child(parent, slot):
    return parent.get(slot) if parent.__class__ is dict else getattr(parent, slot)


def _set_child(parent, slot, node):
    if parent.__class__ is dict:
        parent[slot] = node
    else:
        setattr(parent, slot, node)


# ---- the partial questions -------------------------------------------------------

class Memo(dict):
    """A one-argument function whose answers are remembered (cleared when it holds too many)."""

    def __init__(self, function):
        super().__init__()
        self.function = function

    def __call__(self, text):
        answer = self.get(text, _NOT_SEEN)
        if answer is _NOT_SEEN:
            if len(self) > MEMO_LIMIT:
                self.clear()
            answer = self[text] = self.function(text)
        return answer


_NOT_SEEN = object()  # a Memo's answer for a text it has not been asked about


def _filled(text):
    return text.strip() != ""


def _date_boundaries(program) -> tuple[str, ...] | None:
    """The days (ISO) a ruleset compares a request's date with: the effective date, each rule's dates and the
    dates its conditions name; None when a condition reads the date otherwise (then rows are keyed by it)."""
    found = set() if program.effective is None else {program.effective}
    for rule in program.rules:
        dates = getattr(rule, "dates", None)
        if dates is not None:
            found.update(day for day in (dates.start, dates.end) if day is not None)
        for atom in atoms(rule.in_force_condition):
            if atom.fact.source == "request" and atom.fact.name == "date":
                if not (isinstance(atom, Comparison) and isinstance(atom.value, str)):
                    return None
                found.add(atom.value)
    return tuple(sorted(found))


def partial_questions(program):
    """The partial questions a tree may ask of a ruleset's log (see Keyed): (keys, request keys).

    `keys` maps a name to its key (a function of a cell's text): "filled"
    (whether a field is stated), "notice" (which notice thresholds the
    notice days meet, when no condition reads the days themselves), and
    "band NAME" for each band table (the band its count falls in). `request
    keys` maps a request field to the name of the key it is read through.
    """
    read = set()
    for rule in program.rules:
        read |= reads(rule.in_force_condition)
    keys = {"filled": _filled}
    request_keys = {"stated": "filled"}
    boundaries = _date_boundaries(program)
    if boundaries is not None:
        # The request's date is read only by comparisons with the ruleset's own days (dated rules, the
        # effective date): rows are keyed by where their date falls among those days, not by the day itself,
        # so a year of dates shares a tree as a year of one date would.
        def date_place(text):
            day = parse_date(text.strip())
            if day is None:
                return _MISSING
            iso = day.isoformat()
            return tuple((iso > limit) - (iso < limit) for limit in boundaries)

        keys["date"] = Memo(date_place)
        request_keys["date"] = "date"
    if "notice days" not in read:
        # Read only by notice rules, which compare it with their days.
        thresholds = tuple(sorted({rule.days for rule in program.model.notices}))

        def notice(text):
            if not text.strip():
                return None
            try:
                days = int(text)
            except ValueError:
                # Not a number: the row is checked (and reported) when it reaches its leaf.
                return _MISSING
            return tuple(days >= threshold for threshold in thresholds)

        keys["notice"] = Memo(notice)
        request_keys["notice days"] = "notice"
    for name, table in program.tables.items():
        fact = program.facts_by_name.get(table.by)
        type_name = None if fact is None else fact.type

        def band(text, table=table, type_name=type_name):
            if not text.strip():
                return _MISSING
            problems = []
            value = convert_value(cell_value(text, ("fact", type_name)), type_name, program.vocabulary, "", problems)
            return _MISSING if problems else table.lookup(value)

        keys["band " + name] = Memo(band)
    return keys, request_keys


# ---- tracing a full decision --------------------------------------------------------

class Trace:
    """What a full decision read, in order (`steps`): ('ask', column) for a column's text, ('keyed', column, key
    name) for part of it, ('probe', window, limit, answer) for history, the answer True (it fits), "part" (it
    does not, but time is left in the window) or False (none is).

    `fact_columns` maps a fact to its column, `request_columns` a request
    field to the columns it comes from, and `request_keys` a request field
    to the partial question it is read through (see partial_questions).
    """

    def __init__(self, fact_columns, request_columns, request_keys):
        self.fact_columns = fact_columns
        self.request_columns = request_columns
        self.request_keys = request_keys
        self.steps = []
        self.asked = set()

    def ask(self, column, key=None):
        """Record a question: the column's text, or with `key` (a name of partial_questions' keys) part of it."""
        if column is not None and (column, key) not in self.asked:
            self.asked.add((column, key))
            self.steps.append(("ask", column) if key is None else ("keyed", column, key))


class TracedRequest(dict):
    """A request whose reads are traced: each field maps to the log columns it came from."""

    trace = None

    def __getitem__(self, key):
        for column in self.trace.request_columns.get(key, ()):
            self.trace.ask(column, self.trace.request_keys.get(key))
        return dict.__getitem__(self, key)


class TracedInputs(runtime.Inputs):
    """A row's facts whose reads are traced (a band value reads the count it is looked up by)."""

    def __init__(self, program, facts, trace):
        super().__init__(program, facts)
        self.trace = trace

    def fact(self, name):
        self.trace.ask(self.trace.fact_columns.get(name))
        return super().fact(name)

    def value(self, name):
        if name in self.program.formulas:
            return super().value(name)  # a formula reads its facts through self.fact, so each read is traced
        # A band value depends on its count only through the band: rows
        # whose counts fall in one band share the rest of the tree.
        table = self.program.tables[name]
        self.trace.ask(self.trace.fact_columns.get(table.by), "band " + name)
        if name not in self.values:
            self.values[name] = table.lookup(runtime.Inputs.fact(self, table.by))
        return self.values[name]


class RunningTotals(runtime.History):
    """A representative's history as batch keeps it: `within` answered from the running totals of their record
    (see totals.Windows), each answer traced as a probe of the tree while `tracing`. Whether the request fits is
    answered, and where it does not, the hours used (a decision in parts divides the request at the time left);
    the window is for reasons, which a batch does not write."""

    def __init__(self, windows, scale, state, scaled, trace, hours=None):
        self.windows = windows  # the run's totals.Windows
        self.scale = scale  # totals.scale of the ruleset
        self.state = state  # the representative's record, with its running totals (see Windows)
        self.scaled = scaled  # the request's hours, scaled (see totals.scale)
        self.hours = hours  # the same, in hours (a part of the request asks about fewer)
        self.trace = trace
        self.tracing = True  # off once the request whole is decided: its parts' questions are not the tree's

    def within(self, categories, period, limit, day, hours):
        key = (tuple(categories), period)
        if key not in self.windows.keys:
            raise AssertionError(f"the ruleset asks about a window batch evaluation does not keep: {key}")
        used = self.windows.used(self.state, key, day)
        limit_scaled = whole(Fraction(limit) * self.scale)
        scaled = self.scaled if hours == self.hours else whole(Fraction(hours) * self.scale)
        fits = used + scaled <= limit_scaled
        if self.tracing:
            self.trace.steps.append(("probe", key, limit_scaled, True if fits else "part" if used < limit_scaled
                                     else False))
        return fits, None if fits else Fraction(used) / self.scale, None
