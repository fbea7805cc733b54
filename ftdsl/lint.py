"""Warnings: a checked model in, a list of warning Diagnostics (W1xx) out.

The checker rejects what cannot run; this pass points out what runs but is
probably not what the negotiators agreed: band tables with gaps, overlaps,
rows out of order or less time for more members; allowances that add up
where one was meant; rules that can never apply; names declared and never
used; categories with no pay rule; a year with no start.

Conditions are analysed by enumeration over a small finite domain per fact
(the declared names, and the numbers either side of every literal the
condition mentions), which decides satisfiability exactly for the
conditions the language can write.

>>> from ftdsl.builder import parse
>>> from ftdsl.checker import check
>>> text = 'fact members: count\\n§1 rep time is by members:\\n    0 – 10: 1 hour\\n    10 or more: 2 hours\\n'
>>> [d.code for d in lint(check(parse(text)))]
['W130', 'W101']
"""

from __future__ import annotations

import datetime
import itertools
from fractions import Fraction

import attrs

from . import model as m
from .conditions import atoms
from .conditions import evaluate as evaluate_condition
from .model import cited, describe_condition
from .errors import Diagnostic, Span
from .formulas import Constant, Proportion, Rounded, formula_reads, formula_steps, shown
from .numbers import decimal_text

# Past this many combinations of fact values, a condition is assumed
# satisfiable rather than enumerated (no warning is better than a slow check).
MAX_COMBINATIONS = 20_000


def lint(model: m.Model, ast=None) -> list[Diagnostic]:
    """Every warning for a checked model, in source order.

    The AST (nodes.Ruleset), when given, places warnings about declared
    names at the name itself; the model keeps names without spans.
    """
    found: list[Diagnostic] = []
    for table in model.tables:
        found.extend(table_warnings(table))
    found.extend(never_applies(model))
    found.extend(refused_grants(model))
    found.extend(conflicting_allowances(model))
    found.extend(unused_names(model, declared_spans(ast)))
    found.extend(unpaid_categories(model))
    found.extend(year_without_start(model))
    found.extend(rounded_shares(model))
    found.extend(spills_nowhere(model))
    found.extend(lookalike_names(ast))
    return sorted(found, key=_position)


def _position(diagnostic: Diagnostic):
    span = diagnostic.span
    return (span.line, span.column, diagnostic.code) if span else (0, 0, diagnostic.code)


def _warning(code, message, span, hint=None) -> Diagnostic:
    return Diagnostic(code, message, span, hint, severity="warning")


# ---- band tables ------------------------------------------------------------------

@attrs.frozen
class Overlap:
    """Rows `first` and `second` (indexes, first < second) both hold `count`, the smallest shared count."""

    first: int
    second: int
    count: int


@attrs.frozen
class Gap:
    """Counts from `low` to `high` (None: no end) that no row holds."""

    low: int
    high: int | None


def band_overlaps(rows) -> list[Overlap]:
    """Every pair of rows (low, high) that share a count, with the smallest count they share."""
    found = []
    for i, j in itertools.combinations(range(len(rows)), 2):
        low = max(rows[i][0], rows[j][0])
        highs = [h for h in (rows[i][1], rows[j][1]) if h is not None]
        if not highs or low <= min(highs):
            found.append(Overlap(i, j, low))
    return found


def band_gaps(rows, continued: bool = False) -> list[Gap]:
    """Counts between the lowest row's start and the end of the table that no row holds.

    A table need not start at 0 ("1 – 10 members" is how agreements write
    it), so counts below the lowest row are not a gap. Past the last row the
    counts are a gap unless a row is open-ended or the table continues.
    """
    if not rows:
        return []
    gaps = []
    ordered = sorted(rows, key=lambda r: r[0])
    reach = ordered[0][0] - 1  # the highest count covered so far
    for low, high in ordered:
        if reach is None:
            break
        if low > reach + 1:
            gaps.append(Gap(reach + 1, low - 1))
        reach = None if high is None else max(reach, high)
    if reach is not None and not continued:
        gaps.append(Gap(reach + 1, None))
    return gaps


def range_text(low: int, high: int | None) -> str:
    """A row's range in the language's canonical words: '11 – 30', '31 or more', '5'."""
    if high is None:
        return f"{low} or more"
    if low == high:
        return str(low)
    return f"{low} – {high}"


def _when_counted(table: m.Table, count: int) -> str:
    # Said as a condition on the count, whatever it counts ("when union
    # share per thousand is 1001"): a count's name need not be of members.
    return f"when {table.by} is {count}"


def _row_value(table: m.Table, row: m.TableRow) -> str:
    return f"{decimal_text(row.value)} {'FTE' if table.unit == 'FTE' else 'h'}"


def table_warnings(table: m.Table) -> list[Diagnostic]:
    """Overlaps, gaps, rows out of order and decreasing values in one band table."""
    rows = table.rows
    bounds = [(r.low, r.high) for r in rows]
    where = f"{cited(table.clause)}" if table.clause else table.display or table.name
    found = []
    for overlap in band_overlaps(bounds):
        first, second = rows[overlap.first], rows[overlap.second]
        a, b = range_text(first.low, first.high), range_text(second.low, second.high)
        shadowed = first.low <= second.low and (first.high is None or (second.high is not None
                                                                       and second.high <= first.high))
        message = f"{_when_counted(table, overlap.count)}, both '{a}' and '{b}' match ({where})"
        if shadowed:
            message += f"; the row '{b}' can never be used, because '{a}' comes first"
        else:
            message += f"; the first row written wins, so it gives {_row_value(table, first)}"
        fixed = (f"start the second row at {first.high + 1}: '{range_text(first.high + 1, second.high)}'"
                 if first.high is not None and first.low <= second.low and not shadowed else
                 "make the ranges meet without sharing a count")
        found.append(_warning("W101", message, second.span or table.span,
                              hint=f"decide which row {overlap.count} belongs to and {fixed}"))
    for gap in band_gaps(bounds, continued=table.step is not None):
        if gap.high is None:
            last = max(rows, key=lambda r: r.high if r.high is not None else -1)
            message = (f"{_when_counted(table, gap.low)}, no row of {where} matches: the table ends at "
                       f"{last.high}, so it gives no value")
            hint = (f"make the last row open-ended ('{range_text(last.low, None)}') or add "
                    "'then a further ... for every further ...'")
            span = last.span or table.span
        else:
            gap_text = str(gap.low) if gap.low == gap.high else f"{gap.low} to {gap.high}"
            message = (f"{_when_counted(table, gap.low)}, no row of {where} matches: no row covers "
                       f"{gap_text}, so it gives no value")
            hint = f"extend a neighbouring row to cover {gap_text}, or add a row for it"
            span = _row_after(rows, gap) or table.span
        found.append(_warning("W102", message, span, hint=hint))
    for before, after in zip(rows, rows[1:]):
        if after.low < before.low:
            found.append(_warning(
                "W103", f"the row '{range_text(after.low, after.high)}' comes after "
                f"'{range_text(before.low, before.high)}' but starts lower ({where})", after.span or table.span,
                hint="write the rows from the fewest to the most, as the agreement's reader expects"))
    ordered = sorted(rows, key=lambda r: (r.low, r.high if r.high is not None else float("inf")))
    for lower, higher in zip(ordered, ordered[1:]):
        if higher.value < lower.value:
            count = higher.low
            found.append(_warning(
                "W104", f"the table gives less for more: {_when_counted(table, count)} it gives "
                f"{_row_value(table, higher)} ('{range_text(higher.low, higher.high)}'), less than the "
                f"{_row_value(table, lower)} of '{range_text(lower.low, lower.high)}' ({where})",
                higher.span or table.span,
                hint="check the figures against the agreement; a band for a higher count normally gives at least as much"))
    return found


def _row_after(rows, gap: Gap):
    following = [r for r in rows if r.low == gap.high + 1]
    return following[0].span if following else None


# ---- conditions ---------------------------------------------------------------------

def _number_points(values) -> list[Fraction]:
    points = {Fraction(0)}
    for value in values:
        value = Fraction(value)
        points.update({value, value - 1, value + 1, value - Fraction(1, 2), value + Fraction(1, 2)})
    return sorted(points)


def _date_points(values) -> list[str]:
    points = set()
    for value in values:
        day = datetime.date.fromisoformat(value if len(value) == 10 else value + "-01")
        for delta in (-1, 0, 1):
            points.add((day + datetime.timedelta(days=delta)).isoformat())
        points.add(value)
    return sorted(points) or ["2000-01-01"]


class _Domain:
    """The values worth trying for each fact the given conditions read."""

    def __init__(self, model: m.Model, conditions, categories=None):
        self.model = model
        literals: dict[tuple[str, str], list] = {}
        self.refs: dict[tuple[str, str], m.FactRef] = {}
        for condition in conditions:
            for atom in atoms(condition):
                ref = atom.fact
                key = (ref.source, ref.name)
                self.refs[key] = ref
                values = literals.setdefault(key, [])
                match atom:
                    case m.Comparison(value=value):
                        values.append(value)
                    case m.Contains(value=value):
                        values.append(value)
                    case m.InSet(values=items):
                        values.extend(items)
        self.choices = {key: self._choices(self.refs[key], literals[key], categories) for key in self.refs}

    def _choices(self, ref: m.FactRef, literals, categories):
        match ref.type:
            case "yes/no":
                return [True, False]
            case "staff group":
                return list(self.model.staff_groups)
            case "role":
                return list(self.model.roles)
            case "category":
                return list(categories) if categories else list(self.model.categories)
            case "list of roles":
                mentioned = sorted(set(literals))
                return [frozenset(c) for size in range(len(mentioned) + 1)
                        for c in itertools.combinations(mentioned, size)]
            case "count":
                return [p for p in _number_points(literals) if p >= 0 and p.denominator == 1]
            case "number" | "hours" | "FTE":
                points = _number_points(literals)
                # A table value is missing where no band covers the count.
                return points + [None] if ref.source == "value" else points
            case "date":
                return _date_points(literals)
            case _:
                return sorted(set(literals)) + ["\x00other"]

    def assignments(self):
        """Every combination of values, or None when there are too many to try."""
        keys = list(self.choices)
        total = 1
        for key in keys:
            total *= max(len(self.choices[key]), 1)
        if total > MAX_COMBINATIONS:
            return None
        return (dict(zip(keys, values)) for values in itertools.product(*(self.choices[k] for k in keys)))


def evaluate(condition, assignment) -> bool:
    """A checked condition's truth under an assignment {(source, name): value}, as the runtime decides it."""
    return evaluate_condition(condition, lambda source, name: assignment[(source, name)]) is True


def witness(model: m.Model, conditions, categories=None):
    """An assignment under which every condition holds; {} when none is needed;
    None when none exists; ... (Ellipsis) when there are too many to try."""
    conditions = [c for c in conditions if c is not None]
    if not conditions:
        return {}
    assignments = _Domain(model, conditions, categories).assignments()
    if assignments is None:
        return ...
    for assignment in assignments:
        if all(evaluate(c, assignment) for c in conditions):
            return assignment
    return None


def _rules(model: m.Model):
    """(rule, what it is, its categories) for every rule with a condition."""
    for grant in model.grants:
        yield grant, f"{cited(grant.clause)} ({grant.text})", (grant.category,)
    for rule in model.refusals:
        yield rule, f"the refusal in {cited(rule.clause)}", rule.categories
    for rule in model.limits:
        yield rule, f"the limit in {cited(rule.clause)}", rule.categories
    for rule in model.discretions:
        yield rule, f"the additional time in {cited(rule.clause)}", rule.categories
    for rule in model.requirements:
        yield rule, f"the requirement in {cited(rule.clause)}", rule.categories
    for rule in model.notices:
        yield rule, f"the notice rule in {cited(rule.clause)}", rule.categories
    for rule in model.states:
        yield rule, f"what requests must state in {cited(rule.clause)}", rule.categories
    for rule in model.pays:
        yield rule, f"the pay rule in {cited(rule.clause)}", rule.categories
    for rule in model.facilities:
        yield rule, f"the facilities in {cited(rule.clause)}", ()


def refused_grants(model: m.Model) -> list[Diagnostic]:
    """W121: a grant that refusals always override: every request it would give time for (its category,
    each of its roles, its dates and condition) is refused, so it never gives anything. A refusal that
    narrows a grant (refuses some of its cases, as a 'when' says) is what refusals are for and is not warned."""
    found = []
    for grant in model.grants:
        refusing = [r for r in model.refusals if grant.category in r.categories
                    and (r.roles is None or (grant.roles is not None and set(grant.roles) <= set(r.roles)))]
        if not refusing:
            continue
        left = m.AllOf((*(m.NoneOf(r.in_force_condition) for r in refusing if r.in_force_condition is not None),
                        *((grant.in_force_condition,) if grant.in_force_condition is not None else ())))
        if any(r.in_force_condition is None for r in refusing) or witness(model, [left], (grant.category,)) is None:
            clauses = ", ".join(cited(r.clause) for r in refusing)
            found.append(_warning(
                "W121", f"{cited(grant.clause)} gives {grant.text}, but {clauses} refuse{'s' if len(refusing) == 1 else ''}"
                f" every request it would give time for, so {cited(grant.clause)} never gives anything",
                grant.span, hint="narrow the refusal with 'when ...' (or give it dates), or delete the rule the "
                "agreement does not mean"))
    return found


def never_applies(model: m.Model) -> list[Diagnostic]:
    """W120: rules whose condition no scenario can meet.

    Rules of one kind with the same condition and categories are decided
    once (grouped on that key, not compared pair by pair) and reported in
    one warning, at the first of them, that names every one.
    """
    groups: dict[tuple, list] = {}
    for rule, what, categories in _rules(model):
        if rule.condition is not None:
            groups.setdefault((type(rule), rule.condition, tuple(categories)), []).append((rule, what))
    found = []
    for (kind, condition, categories), members in groups.items():
        if witness(model, [condition], categories) is not None:
            continue
        if kind is m.RequirementRule:
            consequence = "so no time off is ever given"
        else:
            consequence = {1: "so it never applies", 2: "so neither ever applies"}.get(
                len(members), "so none of them ever applies")
        subject = _names([what for _, what in members])
        found.append(_warning(
            "W120", f"{subject} can never apply: no scenario makes '{describe_condition(condition)}' true, "
            f"{consequence}{_listing([rule for rule, _ in members])}", members[0][0].span,
            hint="check the condition against the declarations: a fact has one value at a time, and a request has "
            "one category"))
    return found


# ---- naming the rules of a group -----------------------------------------------------

# A group of more rules than this is named by its first two and a count,
# and every clause is then listed at the end of the message.
NAMED_IN_FULL = 4


def _and(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _names(names) -> str:
    """'§1', '§1 and §2', '§1, §2 and §3', or past NAMED_IN_FULL '§1, §2 and 998 more'."""
    names = list(names)
    if len(names) <= NAMED_IN_FULL:
        return _and(names)
    return f"{names[0]}, {names[1]} and {len(names) - 2} more"


def _listing(rules, left_out: bool | None = None) -> str:
    """Where _names left clauses out (`left_out`, by default when there are more than
    NAMED_IN_FULL), every clause of the group: '; the 1000 clauses: §1, §2, ...'."""
    if not (len(rules) > NAMED_IN_FULL if left_out is None else left_out):
        return ""
    return f"; the {len(rules)} clauses: " + ", ".join(f"{cited(rule.clause)}" for rule in rules)


def _describe_assignment(assignment) -> str:
    parts = []
    for (source, name), value in sorted(assignment.items()):
        if value is True:
            parts.append(name)
        elif value is False:
            parts.append(f"not {name}")
        elif isinstance(value, frozenset):
            parts.append(f"{name} include {', '.join(sorted(value))}" if value else f"no {name}")
        elif isinstance(value, Fraction):
            parts.append(f"{name} is {decimal_text(value)}")
        elif value is not None:
            parts.append(f"{name} is {value}")
    return " and ".join(parts)


def _amount(grant: m.Grant) -> str:
    quantity = grant.quantity
    if quantity.hours is not None:
        return f"{decimal_text(quantity.hours)} h"
    return quantity.text or quantity.value or "a computed amount"


def _shared_roles(first_roles, second_roles) -> tuple[str, ...]:
    """The roles two allowances both give time to (('anyone',) when neither names roles)."""
    if first_roles is None or second_roles is None:
        return first_roles or second_roles or ("anyone",)
    return tuple(r for r in first_roles if r in second_roles)


class _Witnesses:
    """witness() for one condition or two, remembered per condition.

    Two conditions that read no fact in common are met together exactly
    when each is met alone, by the union of their own witnesses (the
    enumeration's first assignment for both is the first for each), so only
    conditions that share a fact are enumerated together.
    """

    def __init__(self, model: m.Model):
        self.model = model
        self.alone: dict[tuple, tuple] = {}

    def one(self, condition, category):
        """(witness, the facts the condition reads, how many combinations its domain has)."""
        key = (condition, category)
        if key not in self.alone:
            if condition is None:
                self.alone[key] = ({}, frozenset(), 1)
            else:
                # As witness() does, keeping the domain's facts and size.
                domain = _Domain(self.model, [condition], (category,))
                total = 1
                for choices in domain.choices.values():
                    total *= max(len(choices), 1)
                assignments = domain.assignments()
                found = ... if assignments is None else next(
                    (a for a in assignments if evaluate(condition, a)), None)
                self.alone[key] = (found, frozenset(domain.choices), total)
        return self.alone[key]

    def both(self, first, second, category):
        if first is None or second is None or first == second:
            return self.one(second if first is None else first, category)[0]
        first_found, first_facts, first_total = self.one(first, category)
        second_found, second_facts, second_total = self.one(second, category)
        if first_facts & second_facts:
            return witness(self.model, [first, second], (category,))
        if first_total * second_total > MAX_COMBINATIONS:
            return ...
        if first_found is None or second_found is None:
            return None
        return {**first_found, **second_found}


def _amounts(grants) -> str:
    """What a group of allowances gives: '6 h', '6 h each', '6 h, 7 h and 8 h', 'from 1 h to 9 h'."""
    amounts = [_amount(g) for g in grants]
    if len(amounts) == 1:
        return amounts[0]
    if len(set(amounts)) == 1:
        return f"{amounts[0]} each"
    hours = [g.quantity.hours for g in grants]
    if len(amounts) > NAMED_IN_FULL and all(h is not None for h in hours):
        return f"from {decimal_text(min(hours))} h to {decimal_text(max(hours))} h"
    return _names(amounts)


def conflicting_allowances(model: m.Model) -> list[Diagnostic]:
    """W110: allowances for the same role, category and period that can both apply (the runtime adds them).

    Allowances are grouped on (category, period, roles, condition): every
    allowance of a group applies exactly when the first does, so a group of
    two or more that can apply is one warning naming all of them. Groups of
    one category and period with different roles or conditions are then
    compared group by group (not rule by rule), one warning for each two
    that can apply together. Two allowances read as before: '§1 (line 10)
    and §2 both give ...'.
    """
    by_meaning: dict[tuple, list[m.Grant]] = {}
    for grant in model.grants:
        if grant.kind == "allowance":
            key = (grant.category, grant.period, grant.roles, grant.in_force_condition)
            by_meaning.setdefault(key, []).append(grant)
    by_period: dict[tuple, list[list[m.Grant]]] = {}
    for (category, period, _, _), group in by_meaning.items():
        by_period.setdefault((category, period), []).append(group)
    witnesses = _Witnesses(model)
    found = []
    for (category, period), groups in by_period.items():
        for index, group in enumerate(groups):
            first = group[0]
            if len(group) >= 2:
                shared = _shared_roles(first.roles, first.roles)
                if shared:
                    both = witnesses.both(first.in_force_condition, first.in_force_condition, category)
                    if both is not None and both is not ...:
                        found.append(_conflict(group[:1], group[1:], shared, both, group[1].span))
            for other in groups[index + 1:]:
                shared = _shared_roles(first.roles, other[0].roles)
                if not shared:
                    continue
                both = witnesses.both(first.in_force_condition, other[0].in_force_condition, category)
                if both is None or both is ...:
                    continue
                found.append(_conflict(group, other, shared, both, other[0].span, separate=True))
    return found


def _position_of(span):
    return (span.line, span.column) if span else (0, 0)


def _conflict(first: list[m.Grant], second: list[m.Grant], shared, both, span, separate=False) -> Diagnostic:
    """One W110: the allowances `first` and `second` (one group split in two, or two groups) all apply where `both`."""
    grants = first + second
    left_out = max(len(first), len(second)) > NAMED_IN_FULL if separate else len(grants) > NAMED_IN_FULL
    head = grants[0]
    line = f" (line {head.span.line if head.span else '?'})"
    role = shared[0]
    who = f"{role if role == 'anyone' else 'a ' + role} time for {head.category} {head.period.describe()}"
    if len(grants) == 2:
        subject = f"{cited(first[0].clause)}{line} and {cited(second[0].clause)} both give"
        amounts = f"{_amount(first[0])} and {_amount(second[0])}"
    elif not separate:
        subject = _names([f"{cited(head.clause)}{line}"] + [f"{cited(g.clause)}" for g in grants[1:]]) + " all give"
        amounts = _amounts(grants)
    else:
        other_line = f" (line {second[0].span.line if second[0].span else '?'})"
        subject = (_names([f"{cited(head.clause)}{line}"] + [f"{cited(g.clause)}" for g in first[1:]]) + ", and "
                   + _names([f"{cited(second[0].clause)}{other_line}"] + [f"{cited(g.clause)}" for g in second[1:]])
                   + ", all give")
        amounts = f"{_amounts(first)}, and {_amounts(second)}"
    when = _describe_assignment(both)
    hours = [g.quantity.hours for g in grants]
    total = f" ({decimal_text(sum(hours))} h)" if all(h is not None for h in hours) else ""
    sum_words = "their sum" if len(grants) == 2 else "the sum of all of them"
    return _warning(
        "W110", f"{subject} {who}: {amounts}" + (f"; where {when}" if when else "") +
        f", a request gets {sum_words}{total}{_listing(grants, left_out)}", span,
        hint="if one replaces the other, delete one; if they are for different people, add a 'when' so only one "
        "applies; if they really add up, write the total in one rule")


# ---- names never used ---------------------------------------------------------------

def _used_names(model: m.Model):
    roles, groups, categories, facts, values = set(), set(), set(), set(), set()
    conditions = [rule.in_force_condition for rule, _, _ in _rules(model)]
    for condition in conditions:
        for atom in atoms(condition):
            ref = atom.fact
            (values if ref.source == "value" else facts).add(ref.name)
            literal = [atom.value] if isinstance(atom, (m.Comparison, m.Contains)) else list(getattr(atom, "values", ()))
            if ref.type in ("role", "list of roles"):
                roles.update(literal)
            elif ref.type == "staff group":
                groups.update(literal)
            elif ref.type == "category":
                categories.update(literal)
    for grant in model.grants:
        categories.add(grant.category)
        roles.update(grant.roles or ())
        if grant.quantity is not None and grant.quantity.value:
            values.add(grant.quantity.value)
    values.update(limit.quantity.value for limit in model.limits if limit.quantity is not None)
    for rule, _, rule_categories in _rules(model):
        categories.update(rule_categories)
    for refusal in model.refusals:
        roles.update(refusal.roles or ())
    if any(r.roles is not None for r in (*model.grants, *model.refusals)):
        facts.update(f.name for f in model.facts if f.type == "list of roles" and not f.request)
    facts.update(t.by for t in model.tables)
    facts.update(model.holders)  # a fact that names whose pool time is in ('shared by the union')
    # What a used value is worked out from is used too, through any chain of values.
    formulas = {v.name: v for v in model.formulas}
    waiting = [name for name in values if name in formulas]
    while waiting:
        read_facts, read_values = formula_reads(formulas[waiting.pop()].formula)
        facts.update(read_facts)
        waiting.extend(v for v in read_values if v not in values and v in formulas)
        values.update(read_values)
    return roles, groups, categories, facts, values


def declared_spans(ast) -> dict[tuple[str, str], Span]:
    """Where each role, staff group and category is declared: {(kind, name): span}."""
    from . import nodes as n

    spans = {}
    kinds = {n.RolesDecl: "role", n.StaffGroupsDecl: "staff group", n.CategoriesDecl: "category", n.PoolsDecl: "pool"}
    for statement in getattr(ast, "statements", ()):
        kind = kinds.get(type(statement))
        if kind:
            for name in statement.names:
                spans.setdefault((kind, name.key), name.span)
    return spans


def unused_names(model: m.Model, spans: dict | None = None) -> list[Diagnostic]:
    """W130: roles, staff groups, categories, facts and table values declared but never used;
    W131: categories no rule gives time for."""
    roles, groups, categories, facts, values = _used_names(model)
    found = []
    declared = model.facts

    def unused(kind, name, span, hint):
        found.append(_warning("W130", f"the {kind} '{name}' is declared but no rule uses it", span, hint=hint))

    # Without the AST a declared name has no span; the file is named instead.
    spans = spans or {}
    top = Span(model.file, 0, 0)

    def at(kind, name):
        return spans.get((kind, name), top)

    for role in model.roles:
        if role not in roles:
            unused("role", role, at("role", role), "give it time in a rule, or remove it from 'roles:'")
    for group in model.staff_groups:
        if group not in groups:
            unused("staff group", group, at("staff group", group),
                   "use it in a condition ('when staff group is ...'), or remove it")
    for category in model.categories:
        if category not in categories:
            unused("category", category, at("category", category),
                   "give it time in a rule, or remove it from 'categories:'")
    for pool in model.pools:
        if pool not in model.holders:
            unused("pool", model.spelt(pool), at("pool", pool),
                   f"share time in it ('... per month for duties, shared by the {model.spelt(pool)}'), or remove it "
                   "from 'pools:'")
    for fact in declared:
        if fact.name not in facts:
            unused("request fact" if fact.request else "fact", fact.display or fact.name, fact.span or top,
                   "use it in a 'when' condition, or remove the declaration so scenarios need not give it")
    for table in (*model.tables, *(v for v in model.formulas if v.clause and v.display != v.text)):
        if table.name not in values:
            unused("value", table.written, table.span,
                   f"use it in a rule ('up to {table.written} per week') or a condition")
    # A category with a refusal is decided by it: it is not time nobody thought to give.
    granted = {g.category for g in model.grants} | {c for r in model.refusals for c in r.categories}
    for category in model.categories:
        if category in categories and category not in granted:
            found.append(_warning("W131", f"no rule gives time for '{category}', so every request for it is not entitled",
                                  at("category", category), hint=f"add a rule, for example '§... representative may take up to ... per month "
                                  f"for {category}'"))
    return found


def unpaid_categories(model: m.Model) -> list[Diagnostic]:
    """W140: categories that rules give time for but no rule says whether it is paid."""
    covered = {c for rule in model.pays for c in rule.categories}
    found = []
    seen = set()
    for grant in model.grants:
        if grant.category in covered or grant.category in seen:
            continue
        seen.add(grant.category)
        found.append(_warning(
            "W140", f"{cited(grant.clause)} gives time for '{grant.category}', but no rule says whether it is paid, so every "
            "decision for it leaves pay open", grant.span,
            hint=f"add a pay rule, for example '{cited(grant.clause)} {grant.category} is paid' (or 'unpaid')"))
    return found


def year_without_start(model: m.Model) -> list[Diagnostic]:
    """W150: periods 'per year' when the agreement does not say when its year starts.

    One warning, at the first such rule, names every rule that counts per year.
    """
    if model.year_start is not None:
        return []
    yearly = [rule for rule in list(model.grants) + list(model.limits)
              if rule.period is not None and rule.period.kind == "year"]
    if not yearly:
        return []
    yearly.sort(key=lambda rule: _position_of(rule.span))
    subject = _names([f"{cited(rule.clause)}" for rule in yearly])
    verb = "counts" if len(yearly) == 1 else "count"
    return [_warning(
        "W150", f"{subject} {verb} time per year, but the agreement does not say when its year starts, "
        f"so the year is taken to start on 1 January{_listing(yearly)}", yearly[0].span,
        hint="add a definition, for example 'the year starts on 1 April'")]


# ---- shares that can add up to more than the pot --------------------------------------------

def rounded_shares(model: m.Model) -> list[Diagnostic]:
    """W180: a share of a pot ('shared in proportion to ... of ...') rounded up or to the nearest step, so the
    shares of several unions or branches, each rounded, can add up to more than the pot itself."""
    found = []
    for formula in model.formulas:
        for node in formula_steps(formula.formula):
            if not (isinstance(node, Rounded) and node.direction != "down"):
                continue
            pot = next((step.amount for step in formula_steps(node.formula) if isinstance(step, Proportion)), None)
            if pot is None:
                continue
            amount = shown(node.step if node.direction == "up" else node.step / 2, formula.unit)
            way = "up" if node.direction == "up" else "to the nearest step"
            pot_words = f" ({shown(pot.value, pot.unit)})" if isinstance(pot, Constant) else ""
            found.append(_warning(
                "W180", f"'{formula.written}' rounds a share of a pot {way}, so the shares of several holders can add "
                f"up to more than the pot{pot_words}: each can gain up to {amount}", formula.span,
                hint="round down ('rounded down to the nearest ...') to keep the shares within the pot, or say in a "
                "comment that the agreement rounds so"))
    return found


# ---- names with look-alike letters ------------------------------------------------------

def _names_in(ast):
    """Every name in an AST (nodes.Name), in source order where the AST keeps it."""
    from . import nodes as n

    stack = [ast]
    while stack:  # no recursion: a condition may nest 100 deep
        node = stack.pop()
        if isinstance(node, n.Name):
            yield node
        elif isinstance(node, (tuple, list)):
            stack.extend(reversed(node))
        elif attrs.has(type(node)):
            stack.extend(reversed([getattr(node, field.name) for field in attrs.fields(type(node))
                                   if field.name not in ("span", "comments")]))


def lookalike_names(ast) -> list[Diagnostic]:
    """W160: a name spelt with a letter that looks like another (a long s, a
    dotless i, a Cyrillic 'е'), so it is not the name it looks like: one
    warning per name, where it first appears."""
    from .nodes import lookalikes, name_key, plain_spelling

    if ast is None:
        return []
    names = list(_names_in(ast))
    first: dict[str, object] = {}
    for name in names:
        first.setdefault(name.key, name)
    found = []
    for key, name in first.items():
        odd = lookalikes(name.text)
        if not odd:
            continue
        plain = plain_spelling(name.text)
        letters = " and ".join(item.described() for item in odd)
        message = f"the name '{name.text}' is spelt with {letters}"
        if plain != name.text:
            message += f": it is not the name '{plain}', and a scenario or log that types '{plain}' does not match it"
            twin = first.get(name_key(plain))
            if twin is not None and twin.span is not None:
                message += f"; '{twin.text}' on line {twin.span.line} is another name"
            hint = f"retype it as '{plain}' here and wherever it is used, unless the agreement really spells it so"
        else:
            message += ", among letters of another script"
            hint = "retype the name in one script, unless the agreement really spells it so"
        found.append(_warning("W160", message, name.span, hint=hint))
    return found


def spills_nowhere(model: m.Model) -> list[Diagnostic]:
    """W181: time beyond an allowance (or a limit) that counts as a category no rule gives time for, so the time
    beyond is never within the agreement; W182: a spill from a category that has no allowance (or limit) for
    time to be beyond."""
    found = []
    given = {g.category for g in model.grants}
    for spill in model.spills:
        if spill.into not in given:
            found.append(_warning(
                "W181", f"{cited(spill.clause)} counts the time beyond as '{model.spelt(spill.into)}', but no rule "
                "gives time for it, so that time is never within the agreement", spill.span,
                hint=f"give time for it ('§... representative may take up to ... per month for "
                     f"{model.spelt(spill.into)}'), or say what the time beyond is at management's discretion: "
                     f"'additional time for {' and '.join(map(model.spelt, spill.categories))} may be granted'"))
        capped = [c for c in spill.categories
                  if not (any(g.kind == "allowance" and g.category == c for g in model.grants) if spill.beyond ==
                          "allowance" else any(c in limit.categories for limit in model.limits))]
        if capped:
            found.append(_warning(
                "W182", f"{cited(spill.clause)} is about time beyond the {spill.beyond} for "
                f"{' and '.join(map(model.spelt, capped))}, which has no {spill.beyond}, so it never applies",
                spill.span, hint=f"give {model.spelt(capped[0])} an {spill.beyond} ('... may take up to ... per month "
                f"for {model.spelt(capped[0])}'), or delete the rule" if spill.beyond == "allowance" else
                f"limit it ('{model.spelt(capped[0])} is limited to ... per year'), or delete the rule"))
    return found
