"""Each representative's usage: a batch's decided rows in (as they are decided), hours per person out.

`Tally` is what batch.py tells of every row it decides (`Tally.count`):
the row's cells, its day, its category and its decision's parts as
(hours, outcome, paid), hours scaled (totals.scale). It keeps, per person
and category, the hours asked and decided each way, the hours taken as
facility time and the paid hours among them: within the relevant period
when one is given, else over the whole log. Memory grows with people
and categories, never with rows.

What was taken comes from the log where it says so: a `granted hours`
cell is the hours taken (0 when refused), a `paid` cell (yes/no) whether
they were paid. Where the log does not say, the decision stands in for
it: the entitled hours are taken (and the discretionary hours too, with
`assume_granted`), and of those, the parts the agreement pays are paid.

`allowances` works out, at the end, each allowance a person has, what they
have used of it in its period holding a day and what is left, from the
batch's running totals and the person's facts on their last row decided.

The report is built per person; a per-pool section (a union's shared
time) can be added beside `people` in the same shape, a pool's usage being
the sum of its members'.
"""

from __future__ import annotations

import datetime
from fractions import Fraction

from . import runtime
from .logs import GRANTED, PAID
from .names import name_key
from .scenario import number_from_text

ENTITLED, DISCRETIONARY, NOT_ENTITLED = "entitled", "discretionary", "not_entitled"
# An entry's slots: hours asked, by outcome, taken as facility time, and paid of those (all scaled), and the
# requests counted.
ASKED, TAKEN, PAID_HOURS, REQUESTS = 0, 4, 5, 6
_OUTCOME_SLOT = {ENTITLED: 1, DISCRETIONARY: 2, NOT_ENTITLED: 3}


class PersonUsage:
    """One person's tallies: `table[category]`, a list [asked, entitled, discretionary, not entitled, taken,
    paid] (scaled hours) and the requests counted, within the relevant period (over the whole log without
    one), complete once the Tally is `finish`ed; `requests` the rows counted there, `last` their last row
    decided (for their facts), `first_day` and `last_day` the days of their first and last rows."""

    __slots__ = ("table", "rows", "hours", "requests", "last", "first_day", "last_day")

    def __init__(self, day):
        self.table = {}
        # A decision tree's leaf (trees.Leaf) -> the rows that reached it, and their hours scaled (whole numbers
        # in dicts rather than lists: nothing here for the garbage collector to visit); (category, parts) of
        # rows decided in parts alike -> their rows.
        self.rows = {}
        self.hours = {}
        self.requests = 0
        self.last = None
        self.first_day = self.last_day = day


class Tally:
    """Counts what a batch decides, per person (see the module). `period` is the relevant period's (first day,
    last day) or None; `prepare` is called with the log's columns before the rows (again, from nothing, if the
    batch starts over to sort the log), and `finish` after them."""

    def __init__(self, program, period=None, assume_granted=False):
        from .totals import scale

        self.scale = scale(program)
        self.period = period
        self.low, self.high = period or (datetime.date.min, datetime.date.max)
        self.assume_granted = assume_granted
        self.prepare(["rep"])

    def prepare(self, columns, fact_columns=()):
        """Start counting the rows of a log with these (joined) columns, the facts' at `fact_columns`."""
        self.fact_columns = tuple(fact_columns)
        self.i_rep = columns.index("rep")
        self.i_granted = columns.index(GRANTED) if GRANTED in columns else None
        self.i_paid = columns.index(PAID) if PAID in columns else None
        self.says_granted = self.i_granted is not None
        self.says_paid = self.i_paid is not None
        self.people = {}
        self.problems = []  # (line, message, hint) of rows whose granted hours or paid cell cannot be read
        self.granted_cells = {}  # a granted hours cell's text -> its hours scaled, or None when empty
        self.first_day = self.last_day = None  # the earliest and latest day of any row counted (see finish)

    def _person(self, rep, day):
        person = self.people[rep] = PersonUsage(day)
        return person

    def usage_of(self, state, rep, day):
        """The PersonUsage of `rep`, kept in the last slot of their running totals' record (`state`) too, where
        the compiled loop finds it without looking the name up (see rowloop.compile_loop)."""
        person = state[-1] = self.people.get(rep) or self._person(rep, day)
        return person

    def leaf(self, row, day, leaf, scaled, line):
        """Count a row whose decision is one leaf of the batch's tree (not in parts), `scaled` hours.

        Nearly every row comes here, or to the same code written out in the
        compiled loop (rowloop.compile_loop): where the log does not say what
        was granted or paid, what a row adds follows from its leaf alone, so
        it only adds to its person's count of that leaf and its hours, and
        `finish` turns the counts into hours."""
        if self.says_granted or self.says_paid:  # each row's own cells count
            self.count(row, line, day, leaf.category, ((scaled, leaf.outcome, leaf.paid),))
            return
        person = self.people.get(row[self.i_rep]) or self._person(row[self.i_rep], day)
        self.keep(person, row)
        person.last_day = day  # a person's rows are decided in date order
        if self.low <= day <= self.high:
            person.rows[leaf] = person.rows.get(leaf, 0) + 1
            person.hours[leaf] = person.hours.get(leaf, 0) + scaled

    def keep(self, person, row):
        """Keep `row` as the person's last (for their facts) when its facts are not those of the row kept.

        A row kept lives on, so the garbage collector moves it to its
        oldest generation; keeping every row (a million, for 20,000 people)
        made it sweep that generation again and again, and doubled a
        report's time. Most people's facts do not change in a year."""
        last = person.last
        if last is None:
            person.last = row
            return
        for column in self.fact_columns:
            if row[column] != last[column]:
                person.last = row
                return

    def parts(self, row, day, category, parts, line):
        """Count a row decided in parts (`parts`: (hours scaled, outcome, paid) each, a tuple rows that divide
        alike share): as `leaf` does, by how many of the person's rows divided so, where the log does not say
        what was granted or paid."""
        if self.says_granted or self.says_paid:
            self.count(row, line, day, category, parts)
            return
        person = self.people.get(row[self.i_rep]) or self._person(row[self.i_rep], day)
        self.keep(person, row)
        person.last_day = day
        if self.low <= day <= self.high:
            key = (category, parts)
            person.rows[key] = person.rows.get(key, 0) + 1

    def count(self, row, line, day, category, parts):
        """Count a row decided (its cells, line, day, category, and (hours scaled, outcome, paid) per part)."""
        taken, paid = self._taken(row, line, parts)
        if taken is None:
            return
        rep = row[self.i_rep]
        person = self.people.get(rep) or self._person(rep, day)
        self.keep(person, row)
        person.last_day = day
        if self.low <= day <= self.high:
            person.requests += 1
            _add(person.table, category, parts, taken, paid)

    def finish(self):
        """Turn each person's leaf counts into hours (see `leaf`), and find the log's first and last days."""
        for person in self.people.values():
            for leaf, rows in person.rows.items():
                if leaf.__class__ is tuple:  # rows decided in parts alike (see `parts`): each part its own
                    category, parts = leaf
                    taken, paid = self._taken(None, 0, parts)
                    entry = person.table.get(category)
                    if entry is None:
                        entry = person.table[category] = [0, 0, 0, 0, 0, 0, 0]
                    for part_hours, outcome, _ in parts:
                        entry[ASKED] += part_hours * rows
                        entry[_OUTCOME_SLOT[outcome]] += part_hours * rows
                    entry[TAKEN] += taken * rows
                    entry[PAID_HOURS] += paid * rows
                    entry[REQUESTS] += rows
                    person.requests += rows
                    continue
                hours = person.hours[leaf]
                taken = hours if leaf.outcome == ENTITLED or (leaf.outcome == DISCRETIONARY and self.assume_granted) \
                    else 0
                entry = person.table.get(leaf.category)
                if entry is None:
                    entry = person.table[leaf.category] = [0, 0, 0, 0, 0, 0, 0]
                entry[ASKED] += hours
                entry[_OUTCOME_SLOT[leaf.outcome]] += hours
                entry[TAKEN] += taken
                entry[PAID_HOURS] += taken if leaf.paid is True else 0
                entry[REQUESTS] += rows
                person.requests += rows
            person.rows.clear()
            person.hours.clear()
        if self.people:
            self.first_day = min(person.first_day for person in self.people.values())
            self.last_day = max(person.last_day for person in self.people.values())

    def _taken(self, row, line, parts):
        """(hours taken, hours paid) for a row, scaled; (None, None) for a row whose cells say neither (its
        problem kept)."""
        granted = None
        if self.i_granted is not None:
            text = row[self.i_granted]
            granted = self.granted_cells.get(text, False)
            if granted is False:
                granted = self._granted(text)
                if granted is False:
                    self.problems.append((line, f"'granted hours' must be a number of hours, 0 or more, not "
                                                f"\"{text.strip()}\"", "write the hours granted, or 0 when refused"))
                    return None, None
        if granted is None:
            granted = sum(hours for hours, outcome, _ in parts
                          if outcome == ENTITLED or (outcome == DISCRETIONARY and self.assume_granted))
        said = None if self.i_paid is None else _yes_no(row[self.i_paid])
        if said == "":
            self.problems.append((line, f"'paid' must be yes or no, not \"{row[self.i_paid].strip()}\"",
                                  "write yes or no, or leave it empty for what the agreement says"))
            return None, None
        if said is None:
            paid = min(granted, sum(hours for hours, outcome, pay in parts if pay is True and outcome != NOT_ENTITLED))
        else:
            paid = granted if said else 0
        return granted, paid

    def _granted(self, text):
        """A granted hours cell's hours (scaled), None for an empty cell, False for text that is no such number."""
        if len(self.granted_cells) > 100_000:
            self.granted_cells.clear()
        stripped = text.strip()
        number = number_from_text(stripped) if stripped else None
        if stripped and (number is None or number < 0):
            return False
        found = self.granted_cells[text] = None if number is None else Fraction(number) * self.scale
        return found


def _yes_no(text):
    """True or False for a yes/no cell, None for an empty one, '' for anything else."""
    key = name_key(text)
    if not key:
        return None
    return {"yes": True, "true": True, "no": False, "false": False}.get(key, "")


def _add(table, category, parts, taken, paid):
    entry = table.get(category)
    if entry is None:
        entry = table[category] = [0, 0, 0, 0, 0, 0, 0]
    entry[REQUESTS] += 1
    for hours, outcome, _ in parts:
        entry[ASKED] += hours
        entry[_OUTCOME_SLOT[outcome]] += hours
    entry[TAKEN] += taken
    entry[PAID_HOURS] += paid


class Allowance:
    """An allowance (or a limit) one person has in the period holding a day: its categories, period, the hours
    it gives, the hours counted against it there, and its clauses."""

    def __init__(self, categories, period, hours, used, clauses, kind):
        self.categories = categories
        self.period = period
        self.hours = hours
        self.used = used
        self.clauses = clauses
        self.kind = kind  # "allowance" or "limit"

    @property
    def left(self):
        return max(self.hours - self.used, Fraction(0))

    @property
    def share(self):
        """The share of the allowance used (a Fraction), None for an allowance of no hours."""
        return self.used / self.hours if self.hours else None


def allowances(batch, person_row, rep, day, memo=None):
    """The allowances and limits a person has on `day`, with their use from the batch's running totals: a list
    of Allowance, or None when their facts (from `person_row`, their last row decided) do not say (a fact a
    rule needs is not given). What the agreement gives is worked out for a request in working hours with no
    request facts of its own, so it depends on the person's facts alone, and only on those the rules read:
    `memo` (a dict kept across people) remembers it by the facts read and their values."""
    # A log decided one row at a time (batch.one_by_one) keeps each person's runtime.History instead.
    histories = batch.histories
    state = batch.reps.get(rep) if histories is None else histories.get(rep)
    if state is None or person_row is None:
        return None
    inputs, problem = batch._inputs(person_row)
    if problem is not None or batch.request_template is None:
        return None
    facts = inputs[0]
    memo = {} if memo is None else memo
    given = None
    for names, known in memo.items():  # the sets of facts read so far: few (a role's rules read more, say)
        given = known.get(tuple(_hashable(facts.get(name, _MISSING)) for name in names))
        if given is not None:
            break
    if given is None:
        given, read = _given(batch, facts, day)
        names = tuple(sorted(read))
        memo.setdefault(names, {})[tuple(_hashable(facts.get(name, _MISSING)) for name in names)] = given
    if given is False:
        return None
    if histories is not None:
        return [Allowance(categories, period, hours, state.within(categories, period, hours, day, 0)[1], clauses, kind)
                for categories, period, hours, clauses, kind, _ in given]
    scale = batch.scale
    return [Allowance(categories, period, hours, Fraction(used(state, day), scale) if used else Fraction(0), clauses,
                      kind) for categories, period, hours, clauses, kind, used in given]


_MISSING = object()  # a fact a person's row does not give, as a memo of allowances keys it


def _hashable(value):
    return frozenset(value) if isinstance(value, (list, set)) else value


class _Reading(runtime.Inputs):
    """runtime.Inputs that notes the name of every fact a decision reads (in `read`, a set)."""

    def __init__(self, program, facts, read):
        super().__init__(program, facts)
        self.read = read

    def fact(self, name):
        self.read.add(name)
        return super().fact(name)


def _given(batch, facts, day):
    """What the agreement gives a person of these facts on `day`, and the names of the facts it read: (for each
    allowance, the allowances of one category and period added up, and each limit: (categories, period, hours,
    clauses, kind, a function giving the hours counted in its window, or None), or False when a rule needs a
    fact not given), read."""
    program = batch.program
    plain = dict(batch.request_template, **{"request facts": {}, "stated": set()}, date=day)
    read = set()
    found = []

    def add(categories, period, hours, clauses, kind):
        key = (categories, period)
        used = batch.windows.counter(key) if key in batch.windows.total_slot else None
        found.append((categories, period, hours, clauses, kind, used))

    try:
        for category in program.model.categories:
            decision = runtime.Decision(program, _Reading(program, facts, read), None, dict(plain, category=category),
                                        Fraction(0), day, runtime.Notes(detailed=False))
            by_period = {}
            for rule in decision.applicable_grants():
                if rule.kind == "allowance" and rule.shared is None:  # a pool's time is not one person's
                    hours, clauses = by_period.get(rule.period, (Fraction(0), ()))
                    by_period[rule.period] = (hours + decision.quantity_hours(rule.quantity, []), (*clauses, rule.clause))
            for period, (hours, clauses) in by_period.items():
                add((category,), period, hours, clauses, "allowance")
            for rule in program.rules_of("limit", category):
                if rule.categories[0] == category and rule.shared is None and decision.holds(rule):  # listed once
                    hours = rule.hours if rule.quantity is None else decision.quantity_hours(rule.quantity, [])
                    add(tuple(rule.categories), rule.period, Fraction(hours), (rule.clause,), "limit")
    except runtime.MissingFact:
        return False, read
    return found, read
