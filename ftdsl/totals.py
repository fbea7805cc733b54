"""Running totals: a ruleset's windows in, each representative's hours counted in them out, as batch keeps them.

A representative's record is one flat list: the last day decided, their
name as the output writes it, and two slots per (categories, period) pair
the ruleset counts against (`Windows`). `Windows.used` answers "how many
hours are counted in the window holding this day?", which is all a
decision asks of history (runtime.History.within); `Windows.adder`
writes, for a leaf of the decision trees, the straight-line code that
counts a request in its windows, run by `run_generated` with no
built-ins but those it names. `scale` makes the ruleset's hours whole
numbers, so the totals are mostly int arithmetic.
"""

from __future__ import annotations

import builtins
import collections
import math
from fractions import Fraction

MEMO_LIMIT = 200_000  # entries in a per-run lookup table before it is emptied and refilled


class Windows:
    """The (categories, period) pairs a ruleset counts against, where each period starts, and where each
    representative's record keeps its running total.

    A representative's record (`new_record`) is one flat list: the last
    date decided, the name as the output writes it, then two slots per
    window (`total_slot[key]`): for a calendar period, the start of the
    period the total is for (None before any) and the hours (scaled); for a
    rolling window, the deque of (day, hours) entries inside it (None before
    any) and their sum. One list per representative keeps memory small and
    gives the cyclic garbage collector one object to visit instead of a
    dict and a list per window.
    """

    def __init__(self, program):
        self.year_start = program.model.year_start
        keys = set()
        for rule in program.model.grants:
            if rule.kind == "allowance":
                keys.add(((rule.category,), rule.period))
        for rule in program.model.limits:
            keys.add((tuple(rule.categories), rule.period))
        self.keys = keys
        ordered = sorted(keys, key=repr)
        by_category = {}
        for key in ordered:
            for category in key[0]:
                by_category.setdefault(category, []).append(key)
        self.by_category = {c: tuple(k) for c, k in by_category.items()}
        self.rolling = {key: key[1].kind == "rolling" for key in keys}
        self.total_slot = {key: 2 + 2 * i for i, key in enumerate(ordered)}
        self.empty = [None, 0] * len(ordered)  # a new record's slots for the totals
        self.starts = {key[1]: {} for key in keys}
        # A day's record (Batch._date) holds the day, its ISO text and the
        # start of each of these periods, at the index given here.
        self.periods = tuple(sorted({key[1] for key in keys}, key=repr))
        self.slot = {period: 2 + i for i, period in enumerate(self.periods)}
        self._adders = {}
        self._counters = {}

    def new_record(self, day, name):
        """A representative's record (see the class) before any time is counted."""
        return [day, name, *self.empty]

    def start(self, period, day):
        starts = self.starts[period]
        start = starts.get(day)
        if start is None:
            if len(starts) > MEMO_LIMIT:
                starts.clear()
            start = starts[day] = period.window(day, self.year_start)[0]
        return start

    def used(self, state, key, day):
        """Hours (scaled) already counted in the window of `key` that holds `day`, from a representative's record."""
        slot = self.total_slot[key]
        start = self.start(key[1], day)
        if self.rolling[key]:
            entries = state[slot]
            while entries and entries[0][0] < start:
                state[slot + 1] -= entries.popleft()[1]
            return state[slot + 1]
        return state[slot + 1] if state[slot] == start else 0

    def counter(self, key):
        """`used` for one window, as a function used(state, day) with the window's slot and period bound: what a
        question asked many times (a probe of the general walk, a row decided in parts) calls, without hashing
        the key each time."""
        found = self._counters.get(key)
        if found is not None:
            return found
        slot, period, starts, start = self.total_slot[key], key[1], self.starts[key[1]], self.start
        if self.rolling[key]:
            def used(state, day):
                begin = starts.get(day) or start(period, day)
                entries = state[slot]
                while entries and entries[0][0] < begin:
                    state[slot + 1] -= entries.popleft()[1]
                return state[slot + 1]
        else:
            def used(state, day):
                return state[slot + 1] if state[slot] == (starts.get(day) or start(period, day)) else 0
        found = self._counters[key] = used
        return found

    def record(self, day):
        """The tuple (day, ISO text, start of each period in `periods`) that the hot loop reads for a date."""
        return (day, day.isoformat(), *(self.start(period, day) for period in self.periods))

    def adder(self, keys):
        """A function add(state, record, hours) counting `hours` on a date (its record) in the windows `keys` of a
        representative's record, written out for them.

        Generated straight-line code avoids a loop over the keys and the
        per-key slot and period lookups.
        """
        found = self._adders.get(keys)
        if found is not None:
            return found
        lines = ["def add(state, record, hours):"]
        for key in keys:
            slot = self.total_slot[key]
            if self.rolling[key]:
                lines += [f"    entries = state[{slot}]",
                          "    if entries is None:",
                          f"        entries = state[{slot}] = deque()",
                          "    entries.append((record[0], hours))",
                          f"    state[{slot + 1}] += hours"]
            else:
                start = f"record[{self.slot[key[1]]}]"
                lines += [f"    if state[{slot}] == {start}:",
                          f"        state[{slot + 1}] += hours",
                          "    else:",
                          f"        state[{slot}] = {start}",
                          f"        state[{slot + 1}] = hours"]
        names = {"deque": collections.deque}
        found = self._adders[keys] = run_generated(lines, names, "<ftdsl running totals>")["add"]
        return found


# The built-in functions code batch generates may call; it runs with no others.
GENERATED_BUILTINS = {"len": len, "str": str, "int": int, "enumerate": enumerate, "next": next,
                       "StopIteration": StopIteration, "ValueError": ValueError, "BaseException": BaseException}


def run_generated(lines, names, filename):
    """Run code batch wrote (running totals, the row loop) in the namespace `names`; return the namespace.

    The code holds only names batch made, the objects in `names`, literals
    written with repr(), and the few built-ins in GENERATED_BUILTINS: it
    runs with no other built-ins, so even a mistake in batch cannot reach
    open(), __import__ or eval. No text from a log or ruleset is ever
    written into it; rows reach it only as data at run time.
    """
    code = compile("\n".join(lines) + "\n", filename, "exec")
    used = set()
    stack = [code]
    while stack:
        current = stack.pop()
        used.update(current.co_names)
        stack.extend(c for c in current.co_consts if hasattr(c, "co_names"))
    wanted = {name for name in used if name not in names and name in GENERATED_BUILTINS}
    unknown = {name for name in used if name not in names and name not in wanted and hasattr(builtins, name)}
    if unknown:  # a generator change that needs another built-in must name it in GENERATED_BUILTINS
        raise AssertionError(f"generated code uses built-ins it is not given: {sorted(unknown)}")
    namespace = {**names, **{name: GENERATED_BUILTINS[name] for name in wanted}, "__builtins__": {}}
    exec(code, namespace)  # noqa: S102 - batch's own code, with no built-ins but those named above
    return namespace


def scale(program):
    """A whole number that makes the ruleset's hours (and hours in hundredths) whole, so running totals
    are mostly int arithmetic; anything finer stays an exact Fraction."""
    denominators = [100]
    day = program.model.working_day
    if day is not None:
        denominators.append((Fraction(day) / 2).denominator)

    def walk(value):
        if isinstance(value, Fraction):
            denominators.append(value.denominator)
        elif isinstance(value, (tuple, list)):
            for item in value:
                walk(item)

    for grant in program.model.grants:
        if grant.quantity is not None:
            walk(grant.quantity.hours)
            walk(grant.quantity.factor)
    for limit in program.model.limits:
        walk(limit.hours)
    for table in program.model.tables:
        walk(tuple(row.value for row in table.rows))
        walk(table.step)
    return math.lcm(*denominators)


def whole(value):
    return value.numerator if value.denominator == 1 else value
