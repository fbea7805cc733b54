"""Each representative's usage: a batch's decided rows in (as they are decided), hours per person out.

`Tally` is what batch.py tells of every row it decides (`Tally.count`):
the row's cells, its day, its category and its decision's parts as
(hours, outcome, paid), hours scaled (totals.scale). It keeps, per person
and category, the hours asked and decided each way, the hours taken as
facility time and the paid hours among them: over the whole log, and
within the relevant period when one is given. Memory grows with people
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

from fractions import Fraction

from .logs import GRANTED, PAID
from .names import name_key
from .scenario import number_from_text

ENTITLED, DISCRETIONARY, NOT_ENTITLED = "entitled", "discretionary", "not_entitled"
# An entry's slots: hours asked, by outcome, taken as facility time, and paid of those (all scaled), and the
# requests counted.
ASKED, TAKEN, PAID_HOURS, REQUESTS = 0, 4, 5, 6
_OUTCOME_SLOT = {ENTITLED: 1, DISCRETIONARY: 2, NOT_ENTITLED: 3}


class PersonUsage:
    """One person's tallies: `whole[category]` over the whole log and `period[category]` within the relevant
    period, each a list [asked, entitled, discretionary, not entitled, taken, paid] (scaled hours) and the
    requests counted; `requests`
    the rows counted, `last` their last row decided (for their facts) and `last_day` its day."""

    def __init__(self):
        self.whole = {}
        self.period = {}
        self.requests = 0
        self.last = None
        self.last_day = None


class Tally:
    """Counts what a batch decides, per person (see the module). `period` is the relevant period's (first day,
    last day) or None; `prepare` is called with the log's columns before the rows (again, from nothing, if the
    batch starts over to sort the log)."""

    def __init__(self, program, period=None, assume_granted=False):
        from .totals import scale

        self.scale = scale(program)
        self.period = period
        self.assume_granted = assume_granted
        self.prepare(["rep"])

    def prepare(self, columns):
        """Start counting the rows of a log with these (joined) columns."""
        self.i_rep = columns.index("rep")
        self.i_granted = columns.index(GRANTED) if GRANTED in columns else None
        self.i_paid = columns.index(PAID) if PAID in columns else None
        self.says_granted = self.i_granted is not None
        self.says_paid = self.i_paid is not None
        self.people = {}
        self.problems = []  # (line, message, hint) of rows whose granted hours or paid cell cannot be read
        self.granted_cells = {}  # a granted hours cell's text -> its hours scaled, or None when empty
        self.first_day = self.last_day = None  # the earliest and latest day of any row counted

    def count(self, row, line, day, category, parts):
        """Count a row decided (its cells, line, day, category, and (hours scaled, outcome, paid) per part)."""
        person = self.people.get(row[self.i_rep])
        if person is None:
            person = self.people[row[self.i_rep]] = PersonUsage()
        taken, paid = self._taken(row, line, parts)
        if taken is None:
            return
        person.requests += 1
        person.last = row
        person.last_day = day
        if self.last_day is None or day > self.last_day:
            self.last_day = day
        if self.first_day is None or day < self.first_day:
            self.first_day = day
        _add(person.whole, category, parts, taken, paid)
        if self.period is not None and self.period[0] <= day <= self.period[1]:
            _add(person.period, category, parts, taken, paid)

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
    request facts of its own, so it depends on the person's facts alone: `memo` (a dict kept across people)
    remembers it per text of their fact cells."""
    state = batch.reps.get(rep)
    if state is None or person_row is None:
        return None
    key = (day, *(person_row[column] for column in batch.fact_columns.values()))
    given = None if memo is None else memo.get(key)
    if given is None:
        given = _given(batch, person_row, day)
        if memo is not None:
            memo[key] = given
    if given is False:
        return None
    return [Allowance(categories, period, hours, _used(batch, state, categories, period, day), clauses, kind)
            for categories, period, hours, clauses, kind in given]


def _given(batch, person_row, day):
    """What the agreement gives a person of this row's facts on `day`: (categories, period, hours, clauses,
    kind) for each allowance (the allowances of one category and period added up) and limit; False when a rule
    needs a fact the row does not give, or the row's facts are not valid."""
    from . import runtime

    program = batch.program
    inputs, problem = batch._inputs(person_row)
    if problem is not None or batch.request_template is None:
        return False
    facts = inputs[0]
    plain = dict(batch.request_template, **{"request facts": {}, "stated": set()}, date=day)
    found = []
    try:
        for category in program.model.categories:
            decision = runtime.Decision(program, runtime.Inputs(program, facts), None, dict(plain, category=category),
                                        Fraction(0), day, runtime.Notes(detailed=False))
            by_period = {}
            for rule in decision.applicable_grants():
                if rule.kind == "allowance":
                    hours, clauses = by_period.get(rule.period, (Fraction(0), ()))
                    by_period[rule.period] = (hours + decision.allowance_hours(rule, []), (*clauses, rule.clause))
            found.extend(((category,), period, hours, clauses, "allowance")
                         for period, (hours, clauses) in by_period.items())
            for rule in program.rules_of("limit", category):
                if rule.categories[0] == category and decision.holds(rule):  # a limit over several, listed once
                    found.append((tuple(rule.categories), rule.period, Fraction(rule.hours), (rule.clause,), "limit"))
    except runtime.MissingFact:
        return False
    return found


def _used(batch, state, categories, period, day):
    key = (categories, period)
    if key not in batch.windows.total_slot:
        return Fraction(0)
    return Fraction(batch.windows.used(state, key, day)) / batch.scale
