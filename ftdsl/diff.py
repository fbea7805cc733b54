"""Semantic diff: two checked models in, a list of frozen Change records out.

Rules are matched by what they govern, never by position or wording: time
by (category, role), limits by the categories they pool, pay by (category,
in or outside working hours), eligibility and notice by category, tables by
the value they compute. Within what one thing governs, rules pair up first
where they are identical, then where they share a condition and period,
then a condition, then a content; a pairing is made only when it is the
only one possible, so diff(a, b) is exactly the mirror of diff(b, a).

Every quantity is normalised to hours per year by each side's own working
day and week (the checker already turned days and FTE into hours), as
allowances.per_year counts a year: the most a rule allows in every year of
the side's own year start, counted as the runtime counts periods:

- per week x 53 (every year touches 53 Monday-to-Sunday weeks), per month
  x 12 (13 for a year that starts after the 1st), per year x 1;
- a rolling window of up to a year by the times it can be given afresh in a
  year ("in any 30 days" x 13, "in any 12 months" x 1), a longer one by the
  share of it that a year is;
- an FTE is a share of the side's own working week, per week, so x 53.

A change is labelled by whom it favours (MORE, LESS or NEUTRAL for
representatives). The behavioural half (`generate_scenarios`, `behaviour`)
runs both rulesets on scenarios and reports the decisions that differ.

>>> from ftdsl.api import load_ruleset_text
>>> old = load_ruleset_text('categories: duties\\n§1 duties are paid\\n').model
>>> new = load_ruleset_text('categories: duties\\n§1 duties are unpaid\\n').model
>>> [(c.kind, c.old, c.new, c.direction) for c in diff(old, new)]
[('changed', 'paid', 'unpaid', 'less generous')]
"""

from __future__ import annotations

import datetime
import itertools
import math
import re
from fractions import Fraction

import attrs

from . import allowances
from . import model as m
from .conditions import UNKNOWN, evaluate
from .model import describe_condition
from .errors import Span
from .numbers import decimal_text
from .runtime import DISCRETIONARY, ENTITLED, NOT_ENTITLED, PAY_WORDS, ScenarioError

# ---- the vocabulary of a diff ---------------------------------------------------

ADDED, REMOVED, CHANGED, DECISION = "added", "removed", "changed", "decision"
KINDS = (ADDED, REMOVED, CHANGED, DECISION)
MORE, LESS, NEUTRAL = "more generous", "less generous", "neutral"
DIRECTIONS = (MORE, LESS, NEUTRAL)
ASPECTS = ("header", "definition", "vocabulary", "time", "limit", "discretion", "eligibility", "notice",
           "request content", "pay", "pay basis", "band", "facilities", "time off in lieu", "agreement notice",
           "behaviour")

_FLIP = {MORE: LESS, LESS: MORE, NEUTRAL: NEUTRAL}
_MIRROR_KIND = {ADDED: REMOVED, REMOVED: ADDED, CHANGED: CHANGED, DECISION: DECISION}


@attrs.frozen
class Change:
    """One difference between two rulesets.

    `key` names what the change is about ("time for duties: representative
    when staff group is non-teaching"); `old` and `new` say it in words
    (None where a side has nothing); `old_per_year`/`new_per_year` are the
    hours per year where the quantity has one. Quotes, spans and notes are
    for the reader and do not take part in equality.
    """

    kind: str
    aspect: str
    key: str
    old: str | None
    new: str | None
    direction: str
    old_per_year: Fraction | None = None
    new_per_year: Fraction | None = None
    old_clauses: tuple[str, ...] = ()
    new_clauses: tuple[str, ...] = ()
    old_quotes: tuple[str, ...] = attrs.field(default=(), eq=False)
    new_quotes: tuple[str, ...] = attrs.field(default=(), eq=False)
    old_spans: tuple[Span, ...] = attrs.field(default=(), eq=False)
    new_spans: tuple[Span, ...] = attrs.field(default=(), eq=False)
    note: str = attrs.field(default="", eq=False)

    def mirrored(self) -> Change:
        """The same change seen from the other side: old and new swapped."""
        return Change(_MIRROR_KIND[self.kind], self.aspect, self.key, self.new, self.old, _FLIP[self.direction],
                      self.new_per_year, self.old_per_year, self.new_clauses, self.old_clauses, self.new_quotes,
                      self.old_quotes, self.new_spans, self.old_spans, self.note)

    def to_dict(self) -> dict:
        """The change as plain JSON values."""
        def number(value):
            return None if value is None else (value.numerator if value.denominator == 1 else float(value))

        def spans(items):
            return [{"file": s.file, "line": s.line, "column": s.column} for s in items if s is not None]

        data = {"kind": self.kind, "aspect": self.aspect, "key": self.key, "old": self.old, "new": self.new,
                "normalised": {"unit": "hours per year", "old": number(self.old_per_year),
                               "new": number(self.new_per_year)},
                "direction": self.direction,
                "clauses": {"old": list(self.old_clauses), "new": list(self.new_clauses)},
                "quotes": {"old": list(self.old_quotes), "new": list(self.new_quotes)},
                "spans": {"old": spans(self.old_spans), "new": spans(self.new_spans)}}
        if self.note:
            data["note"] = self.note
        return data


def per_year(hours: Fraction | None, period: m.Period | None, year_start=None) -> Fraction | None:
    """Hours per period as hours per year, as `ftdsl show --allowances` counts them (allowances.per_year, the
    one home of this meaning); None when either is unknown.

    >>> per_year(Fraction(6), m.Period("month"))
    Fraction(72, 1)
    >>> per_year(Fraction(18), m.Period("week"), (4, 1))
    Fraction(954, 1)
    >>> per_year(Fraction(333, 5), m.Period("rolling", 12, "months"))
    Fraction(333, 5)
    """
    return allowances.per_year(hours, period, year_start)


# ---- the static diff -------------------------------------------------------------

def diff(old: m.Model, new: m.Model) -> list[Change]:
    """Every difference in meaning between two checked models, sorted clause by clause."""
    changes: list[Change] = []
    changes += _header(old, new)
    changes += _definitions(old, new)
    changes += _grants(old, new)
    changes += _family(old, new, _limit_atoms, "limit", _limit_direction, added=LESS)
    changes += _family(old, new, _discretion_atoms, "discretion", _rank_direction(_DISCRETION_PAY), added=MORE)
    changes += _family(old, new, _requirement_atoms, "eligibility", None, added=LESS)
    changes += _family(old, new, _refusal_atoms, "refusal", None, added=LESS)
    changes += _family(old, new, _notice_atoms, "notice", _notice_direction, added=LESS)
    changes += _family(old, new, _state_atoms, "request content", _state_direction, added=LESS)
    changes += _pays(old, new)
    changes += _tables(old, new)
    changes += _family(old, new, _facility_atoms, "facilities", None, added=MORE)
    changes += _singletons(old, new)
    changes += _vocabulary(old, new)
    return sorted(set(changes), key=_order)


_GROUP = {"header": 0, "definition": 1, "vocabulary": 3, "behaviour": 4}


def _order(change: Change):
    """Header and definitions first, then the rules clause by clause, then vocabulary, then decisions."""
    first = (change.old_clauses or change.new_clauses or ("",))[0]
    return (_GROUP.get(change.aspect, 2), _clause_sort(first), change.aspect, change.key, change.kind,
            str(change.old), str(change.new))


def _clause_sort(clause: str):
    # §4.8 before §6.12 before §6.3 would be wrong: compare numbers as numbers.
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.\s]+", clause))


@attrs.frozen
class _Atom:
    """One thing a rule says about one thing it governs, ready to pair."""

    governs: tuple
    key: str
    condition: object
    content: tuple
    text: str
    per_year: Fraction | None = None
    clauses: tuple[str, ...] = attrs.field(default=(), eq=False)
    quotes: tuple[str, ...] = attrs.field(default=(), eq=False)
    spans: tuple = attrs.field(default=(), eq=False)
    period_kind: str = ""


def _merge(atoms: list[_Atom]) -> list[_Atom]:
    """Atoms saying the same thing (two clauses that repeat each other) become one, citing both clauses."""
    merged: dict[_Atom, _Atom] = {}
    for atom in atoms:
        if atom in merged:
            seen = merged[atom]
            merged[atom] = attrs.evolve(seen, clauses=_union(seen.clauses, atom.clauses),
                                        quotes=_union(seen.quotes, atom.quotes), spans=_union(seen.spans, atom.spans))
        else:
            merged[atom] = atom
    return sorted(merged.values(), key=lambda a: repr((a.governs, a.key, a.content, a.text)))


def _union(first, second):
    return tuple(dict.fromkeys((*first, *second)))


def _pair(old: list[_Atom], new: list[_Atom]):
    """Pair old and new atoms that govern the same thing: (pairs, old left, new left).

    Identical atoms pair first (and are not changes); then, step by step,
    atoms that share a condition and period kind, a condition, or a content,
    and last whatever is alone on each side. A step pairs two atoms only when
    each is the other's only candidate, so the result does not depend on
    which side is called old.
    """
    old_left, new_left = list(old), list(new)
    for atom in list(old_left):
        if atom in new_left:
            old_left.remove(atom)
            new_left.remove(atom)
    pairs = []
    steps = (lambda a: (a.condition, a.period_kind), lambda a: a.condition, lambda a: a.content, lambda a: None)
    for step in steps:
        for old_atom in list(old_left):
            candidates = [a for a in new_left if step(a) == step(old_atom)]
            rivals = [a for a in old_left if step(a) == step(old_atom)]
            if len(candidates) == 1 and len(rivals) == 1:
                pairs.append((old_atom, candidates[0]))
                old_left.remove(old_atom)
                new_left.remove(candidates[0])
    return pairs, old_left, new_left


def _by_governs(atoms):
    groups: dict[tuple, list[_Atom]] = {}
    for atom in atoms:
        groups.setdefault(atom.governs, []).append(atom)
    return groups


def _family(old: m.Model, new: m.Model, make_atoms, aspect: str, direction, added: str) -> list[Change]:
    """Changes for one family of rules: atoms made by `make_atoms`, paired, and each pair or loner described.

    `direction(old_atom, new_atom)` says whom a change favours (None: NEUTRAL);
    `added` is what a rule present only in the new side means for representatives,
    or a function (atom, kind, other model) -> (direction, note) that works it out.
    """
    old_groups, new_groups = _by_governs(_merge(make_atoms(old))), _by_governs(_merge(make_atoms(new)))
    changes = []
    for governs in sorted(set(old_groups) | set(new_groups), key=repr):
        pairs, old_left, new_left = _pair(old_groups.get(governs, []), new_groups.get(governs, []))
        for old_atom, successor in _successions(pairs, new_left):
            # A rule replaced from a date (a variation): one change, old against its successor, with whom it favours.
            way = direction(old_atom, successor) if direction else NEUTRAL
            changes.append(_changed(aspect, old_atom, successor, way))
        for old_atom, new_atom in pairs:
            way = direction(old_atom, new_atom) if direction else NEUTRAL
            if old_atom.condition != new_atom.condition:
                way = NEUTRAL  # who qualifies has changed, so amounts are not like for like
            changes.append(_changed(aspect, old_atom, new_atom, way))
        for kind, atoms, other in ((REMOVED, old_left, new), (ADDED, new_left, old)):
            for atom in atoms:
                if callable(added):
                    way, note = added(atom, kind, other)
                else:
                    way, note = (added if kind == ADDED else _FLIP[added]), ""
                changes.append(_loner(kind, aspect, atom, way, note))
    return changes


def _successions(pairs: list, added: list) -> list:
    """Rules replaced from a date: each pair whose new side is the old rule unchanged but ending on a day,
    with an added atom that starts the next day under the same condition, taken out of `pairs` and
    `added` and returned as (old atom, the atom that succeeds it)."""
    found = []
    for pair in list(pairs):
        old_atom, ending = pair
        dates, rest = m.split_dates(ending.condition)
        if dates is None or dates.end is None or dates.start is not None or ending.content != old_atom.content \
                or rest != old_atom.condition:
            continue
        following = (datetime.date.fromisoformat(dates.end) + datetime.timedelta(days=1)).isoformat()
        for atom in added:
            later, others = m.split_dates(atom.condition)
            if later is not None and later.start == following and later.end is None and others == old_atom.condition:
                pairs.remove(pair)
                added.remove(atom)
                found.append((old_atom, atom))
                break
    return found


def _with_condition(text: str, condition) -> str:
    """What a rule says with when it holds: 'from 1 October 2026: 10 hours per month for duties when ...'."""
    dates, rest = m.split_dates(condition)
    text = f"{dates.describe()}: {text}" if dates is not None else text
    return f"{text} when {describe_condition(rest)}" if rest is not None else text


def _changed(aspect, old_atom: _Atom, new_atom: _Atom, direction: str, note: str = "") -> Change:
    key = old_atom.key if old_atom.key == new_atom.key else f"{old_atom.key} / {new_atom.key}"
    return Change(CHANGED, aspect, key, _with_condition(old_atom.text, old_atom.condition),
                  _with_condition(new_atom.text, new_atom.condition), direction, old_atom.per_year, new_atom.per_year,
                  old_atom.clauses, new_atom.clauses, old_atom.quotes, new_atom.quotes, old_atom.spans, new_atom.spans,
                  note)


def _loner(kind, aspect, atom: _Atom, direction: str, note: str = "") -> Change:
    text = _with_condition(atom.text, atom.condition)
    if kind == ADDED:
        return Change(ADDED, aspect, atom.key, None, text, direction, None, atom.per_year, (), atom.clauses, (),
                      atom.quotes, (), atom.spans, note)
    return Change(REMOVED, aspect, atom.key, text, None, direction, atom.per_year, None, atom.clauses, (), atom.quotes,
                  (), atom.spans, (), note)


def _compare(old_value, new_value, higher_is: str = MORE) -> str:
    if old_value is None or new_value is None or old_value == new_value:
        return NEUTRAL
    return higher_is if new_value > old_value else _FLIP[higher_is]


def _rank_direction(ranks: dict):
    def direction(old_atom, new_atom):
        return _compare(ranks.get(old_atom.content[0]), ranks.get(new_atom.content[0]))
    return direction


def _categories_key(categories) -> tuple[str, ...]:
    return tuple(sorted(categories)) or ("all time off",)


# ---- time: grants ------------------------------------------------------------------

_GRANT_RANK = {"granted": 0, "allowance": 1, "reasonable": 1}


def _grant_words(grant: m.Grant) -> str:
    return grant.text or f"{grant.kind} time for {grant.category}"


def _grant_atoms(model: m.Model, role: str) -> list[_Atom]:
    atoms = []
    for grant in model.grants:
        roles = grant.roles if grant.roles is not None else ("anyone",)
        if role not in roles:
            continue
        quantity = grant.quantity
        yearly = (per_year(quantity.hours, grant.period, model.year_start)
                  if quantity is not None and quantity.value is None else None)
        content = (grant.kind, None if quantity is None else (quantity.hours, quantity.value, quantity.factor),
                   grant.period)
        atoms.append(_Atom(("time", grant.category), f"time for {grant.category}", grant.in_force_condition, content,
                           _grant_words(grant), yearly, (grant.clause,), grant.quotes, (grant.span,),
                           grant.period.kind if grant.period else ""))
    return atoms


def _grant_direction(old_atom: _Atom, new_atom: _Atom) -> str:
    old_kind, new_kind = old_atom.content[0], new_atom.content[0]
    if old_kind != new_kind:
        # Discretionary time is less than time as of right; an allowance and
        # "reasonable time" cannot be put in order.
        return _compare(_GRANT_RANK[old_kind], _GRANT_RANK[new_kind])
    if old_kind == "allowance":
        return _compare(old_atom.per_year, new_atom.per_year)
    return NEUTRAL


def _per_subject(old: m.Model, new: m.Model, subjects, atoms_for, aspect, direction, added, label) -> list[Change]:
    """A family diffed one subject (a role, a category) at a time; changes that differ only in
    their subject are listed once, naming every subject (`label(key, subjects)` words it)."""
    by_change: dict[Change, list[str]] = {}
    for subject in subjects:
        for change in _family(old, new, lambda model, subject=subject: atoms_for(model, subject), aspect, direction,
                              added):
            by_change.setdefault(change, []).append(subject)
    return [attrs.evolve(change, key=label(change.key, found)) for change, found in by_change.items()]


def _grants(old: m.Model, new: m.Model) -> list[Change]:
    """Time per (category, role)."""
    roles = sorted({r for model in (old, new) for g in model.grants for r in (g.roles or ("anyone",))})
    return _per_subject(old, new, roles, _grant_atoms, "time", _grant_direction, MORE,
                        lambda key, found: f"{key}: {', '.join(found)}")


# ---- limits, discretion, eligibility, notice, request content ------------------------

def _limit_atoms(model: m.Model) -> list[_Atom]:
    return [_Atom(("limit", _categories_key(rule.categories)), "limit on " + " and ".join(sorted(rule.categories)),
                  rule.in_force_condition, (rule.hours, rule.period), rule.text,
                  per_year(rule.hours, rule.period, model.year_start),
                  (rule.clause,), rule.quotes, (rule.span,), rule.period.kind)
            for rule in model.limits]


def _limit_direction(old_atom, new_atom):
    return _compare(old_atom.per_year, new_atom.per_year)


_DISCRETION_PAY = {"unpaid": 0, "open": 1, "paid": 2}
_PAY_WORDS = {"paid": "with pay", "unpaid": "without pay", "open": "with or without pay", None: "pay not said"}


def _discretion_atoms(model: m.Model) -> list[_Atom]:
    atoms = []
    for rule in model.discretions:
        for category in rule.categories:
            atoms.append(_Atom(("discretion", category), f"additional time for {category}", rule.in_force_condition,
                               (rule.pay,), f"additional time may be granted, {_PAY_WORDS[rule.pay]}",
                               None, (rule.clause,), rule.quotes, (rule.span,)))
    return atoms


def _requirement_atoms(model: m.Model) -> list[_Atom]:
    atoms = []
    for rule in model.requirements:
        for category in _categories_key(rule.categories):
            atoms.append(_Atom(("eligibility", category), f"eligibility for {category}", None, (rule.condition, rule.dates),
                               "time off only when " + describe_condition(rule.condition), None, (rule.clause,),
                               rule.quotes, (rule.span,)))
    return atoms


def _refusal_atoms(model: m.Model) -> list[_Atom]:
    atoms = []
    for rule in model.refusals:
        for category in rule.categories:
            for role in rule.roles or (None,):
                who = "anyone" if role is None else role
                atoms.append(_Atom(("refusal", category, role), f"refusal of {category} to {who}", rule.in_force_condition,
                                   (), f"no time is given for {category} to {who}", None, (rule.clause,), rule.quotes,
                                   (rule.span,)))
    return atoms


def _notice_atoms(model: m.Model) -> list[_Atom]:
    atoms = []
    for rule in model.notices:
        for category in _categories_key(rule.categories):
            text = f"{rule.days} days' notice" + (" (must)" if rule.hard else " (where possible)")
            atoms.append(_Atom(("notice", category), f"notice for {category}", rule.in_force_condition, (rule.days, rule.hard),
                               text, None, (rule.clause,), rule.quotes, (rule.span,)))
    return atoms


def _notice_direction(old_atom, new_atom):
    (old_days, old_hard), (new_days, new_hard) = old_atom.content, new_atom.content
    longer = _compare(old_days, new_days, higher_is=LESS)
    stricter = _compare(int(old_hard), int(new_hard), higher_is=LESS)
    if longer == NEUTRAL:
        return stricter
    return longer if stricter in (NEUTRAL, longer) else NEUTRAL


def _state_atoms(model: m.Model) -> list[_Atom]:
    atoms = []
    for rule in model.states:
        for category in _categories_key(rule.categories):
            fields = tuple(sorted(rule.fields))
            text = "requests " + ("must" if rule.hard else "should") + " state " + ", ".join(fields)
            atoms.append(_Atom(("state", category), f"what requests for {category} state", rule.in_force_condition,
                               (fields, rule.hard), text, None, (rule.clause,), rule.quotes, (rule.span,)))
    return atoms


def _state_direction(old_atom, new_atom):
    (old_fields, old_hard), (new_fields, new_hard) = old_atom.content, new_atom.content
    if set(old_fields) <= set(new_fields) and old_hard <= new_hard:
        return LESS
    if set(new_fields) <= set(old_fields) and new_hard <= old_hard:
        return MORE
    return NEUTRAL


def _facility_atoms(model: m.Model) -> list[_Atom]:
    return [_Atom(("facilities",), "facilities", rule.in_force_condition, (rule.text,), rule.text, None, (rule.clause,),
                  rule.quotes, (rule.span,)) for rule in model.facilities]


# ---- pay ---------------------------------------------------------------------------

_PAY_RANK = {"unpaid": 0, "subject to agreement": 1, "paid": 2}


def _pay_atoms(model: m.Model, category: str) -> list[_Atom]:
    atoms = []
    for rule in model.pays:
        if category in rule.categories:
            where = "outside working hours" if rule.outside_hours else "in working hours"
            atoms.append(_Atom(("pay", category, rule.outside_hours), f"({where})", rule.in_force_condition, (rule.pay,),
                               PAY_WORDS.get(rule.pay, rule.pay), None, (rule.clause,), rule.quotes, (rule.span,)))
    return atoms


def _fallback_pay(model: m.Model, atom: _Atom):
    """What the other side pays where it has no rule like `atom`: its rule for the
    same time without the condition, or in working hours (which, by the runtime's
    rules, also covers time outside them when nothing more particular is said)."""
    _, category, outside = atom.governs
    candidates = [(outside, atom.condition), (outside, None), (False, atom.condition), (False, None)]
    for rule_outside, condition in dict.fromkeys(candidates):
        kinds = {r.pay for r in model.pays if category in r.categories and r.outside_hours == rule_outside
                 and r.condition == condition}
        if len(kinds) == 1:
            return kinds.pop()
    return None


def _pay_loner(atom: _Atom, kind: str, other: m.Model):
    """A pay rule on one side only, measured against what the other side pays instead."""
    fallback = _fallback_pay(other, atom)
    own = _PAY_RANK.get(atom.content[0])
    if kind == ADDED:
        direction = _compare(_PAY_RANK.get(fallback), own)
    else:
        direction = _compare(own, _PAY_RANK.get(fallback))
    side = "old" if kind == ADDED else "new"
    note = (f"the {side} agreement has no such rule: there the time is {PAY_WORDS[fallback]}" if fallback
            else f"the {side} agreement does not say whether this time is paid")
    return direction, note


def _pays(old: m.Model, new: m.Model) -> list[Change]:
    """Pay per (category, in or outside working hours)."""
    categories = sorted({c for model in (old, new) for rule in model.pays for c in rule.categories})
    return _per_subject(old, new, categories, _pay_atoms, "pay", _rank_direction(_PAY_RANK), _pay_loner,
                        lambda key, found: f"pay for {', '.join(found)} {key}")


# ---- band tables ---------------------------------------------------------------------

# A continuation is scanned this many steps past the last row before the rest
# is described as one open-ended range.
_SCAN_STEPS = 2000


def _breakpoints(table: m.Table, until: int) -> set[int]:
    points = {0}
    for row in table.rows:
        points.add(row.low)
        if row.high is not None:
            points.add(row.high + 1)
    if table.step is not None and table.rows and table.rows[-1].high is not None:
        start = table.rows[-1].high + 1
        points.update(range(start, until + 1, table.every))
    return points


def _table_usage(model: m.Model, table: m.Table):
    """(hours per unit of the table's value, periods per year) from the first grant that uses it, or None."""
    for grant in model.grants:
        if grant.quantity is not None and grant.quantity.value == table.name and grant.period is not None:
            return grant.quantity.factor, per_year(Fraction(1), grant.period, model.year_start)
    return None


def _value_text(value, unit: str) -> str:
    if value is None:
        return "no band"
    return f"{decimal_text(value)} {'FTE' if unit == 'FTE' else 'h'}"


def _tail_text(table: m.Table, start: int) -> str:
    value = _value_text(table.lookup(start), table.unit)
    if table.step is None or not table.rows or table.rows[-1].high is None:
        return value
    return f"{value}, then a further {_value_text(table.step, table.unit)} for every further {table.every}"


def _range_text(low: int, high: int | None, by: str) -> str:
    if high is None:
        return f"{low} or more {by}"
    return f"{low} {by}" if low == high else f"{low}–{high} {by}"


def _tables(old: m.Model, new: m.Model) -> list[Change]:
    old_tables, new_tables = {t.name: t for t in old.tables}, {t.name: t for t in new.tables}
    changes = []
    for name in sorted(set(old_tables) | set(new_tables)):
        before, after = old_tables.get(name), new_tables.get(name)
        if before is None or after is None:
            table = before or after
            atom = _Atom(("table", name), f"table: {name}", None, (), f"{name} by {table.by}", None, (table.clause,),
                         table.quotes, (table.span,))
            changes.append(_loner(ADDED if before is None else REMOVED, "band", atom, NEUTRAL))
            continue
        changes += _table_changes(old, new, before, after)
    return changes


def _table_changes(old: m.Model, new: m.Model, before: m.Table, after: m.Table) -> list[Change]:
    """The exact count ranges where two tables of the same value differ, however their rows are cut."""
    common = dict(old_clauses=(before.clause,), new_clauses=(after.clause,), old_quotes=before.quotes,
                  new_quotes=after.quotes, old_spans=(before.span,), new_spans=(after.span,))
    if before.by != after.by:
        return [Change(CHANGED, "band", f"{before.name}: what it counts", before.by, after.by, NEUTRAL, **common)]
    # Values are compared in hours when the units differ (an FTE is the side's working week).
    def scale(model, table):
        if table.unit == "FTE" and before.unit != after.unit:
            return model.working_week or Fraction(1)
        return Fraction(1)
    old_scale, new_scale = scale(old, before), scale(new, after)
    unit = before.unit if before.unit == after.unit else "hours"
    old_usage, new_usage = _table_usage(old, before), _table_usage(new, after)

    def yearly(usage, value, own_scale):
        if usage is None or value is None:
            return None
        factor, periods = usage
        return value / own_scale * factor * periods if own_scale != 1 else value * factor * periods

    last = max((r.high if r.high is not None else r.low) for r in (*before.rows, *after.rows)) if (
        before.rows or after.rows) else 0
    everies = [t.every for t in (before, after) if t.step is not None]
    period = math.lcm(*everies) if everies else 0
    until = last + 1 + min(2 * period, _SCAN_STEPS * min(everies)) if everies else last + 1
    points = sorted(p for p in _breakpoints(before, until) | _breakpoints(after, until) | {until} if p <= until)
    ranges = []  # (low, high, old value, new value)
    for low, following in zip(points, points[1:]):
        old_value, new_value = before.lookup(low), after.lookup(low)
        old_value = None if old_value is None else old_value * old_scale
        new_value = None if new_value is None else new_value * new_scale
        if old_value == new_value:
            continue
        if ranges and ranges[-1][1] == low - 1 and ranges[-1][2:] == (old_value, new_value):
            ranges[-1] = (ranges[-1][0], following - 1, old_value, new_value)
        else:
            ranges.append((low, following - 1, old_value, new_value))
    changes = []
    for low, high, old_value, new_value in ranges:
        changes.append(Change(CHANGED, "band", f"{before.name} for {_range_text(low, high, before.by)}",
                              _value_text(old_value, unit), _value_text(new_value, unit),
                              _compare(old_value or 0, new_value or 0),  # no band gives no time
                              yearly(old_usage, old_value, old_scale),
                              yearly(new_usage, new_value, new_scale), **common))
    # Past the scanned counts: the same from here on only if both go on the same way.
    if _tail_differs(before, after, until, old_scale, new_scale, period):
        old_tail, new_tail = _tail_text(before, until), _tail_text(after, until)
        slope_old = (before.step or 0) * old_scale / (before.every or 1)
        slope_new = (after.step or 0) * new_scale / (after.every or 1)
        changes.append(Change(CHANGED, "band", f"{before.name} for {_range_text(until, None, before.by)}", old_tail,
                              new_tail, _compare(slope_old, slope_new) if slope_old != slope_new else
                              _compare(before.lookup(until) or 0, after.lookup(until) or 0), **common))
    return changes


def _tail_differs(before, after, until, old_scale, new_scale, period) -> bool:
    def slope(table, scale):
        if table.step is None or not table.rows or table.rows[-1].high is None:
            return Fraction(0)
        return table.step * scale / table.every
    if slope(before, old_scale) != slope(after, new_scale):
        return True
    window = range(until, until + max(period, 1))
    def at(table, scale, count):
        value = table.lookup(count)
        return None if value is None else value * scale
    return any(at(before, old_scale, c) != at(after, new_scale, c) for c in window)


# ---- header, definitions, single statements, vocabulary ----------------------------------

def _simple(aspect, key, old_value, new_value, direction=NEUTRAL, old_clause=None, new_clause=None,
            old_span=None, new_span=None, old_per_year=None, new_per_year=None) -> list[Change]:
    if old_value == new_value:
        return []
    kind = ADDED if old_value is None else REMOVED if new_value is None else CHANGED
    return [Change(kind, aspect, key, None if old_value is None else str(old_value),
                   None if new_value is None else str(new_value), direction, old_per_year, new_per_year,
                   (old_clause,) if old_clause else (), (new_clause,) if new_clause else (),
                   old_spans=(old_span,) if old_span else (), new_spans=(new_span,) if new_span else ())]


def _header(old: m.Model, new: m.Model) -> list[Change]:
    changes = []
    for field in ("title", "employer", "agreed", "effective"):
        changes += _simple("header", field, getattr(old.header, field), getattr(new.header, field))
    old_unions, new_unions = ", ".join(old.header.unions) or None, ", ".join(new.header.unions) or None
    if set(old.header.unions) != set(new.header.unions):
        changes += _simple("header", "unions", old_unions, new_unions)
    return changes


def _hours_text(value):
    return None if value is None else f"{decimal_text(value)} h"


def _year_text(start):
    if start is None:
        return None
    month, day = start
    return f"{day} {m.MONTHS[month - 1]}"


def _definitions(old: m.Model, new: m.Model) -> list[Change]:
    return (_simple("definition", "working day", _hours_text(old.working_day), _hours_text(new.working_day))
            + _simple("definition", "working week", _hours_text(old.working_week), _hours_text(new.working_week))
            + _simple("definition", "year starts", _year_text(old.year_start), _year_text(new.year_start)))


def _singletons(old: m.Model, new: m.Model) -> list[Change]:
    changes = []
    # Time off in lieu counted against the allowances uses them up sooner.
    old_toil = "time off in lieu counts against the allowances" if old.toil_clause is not None else None
    new_toil = "time off in lieu counts against the allowances" if new.toil_clause is not None else None
    changes += _simple("time off in lieu", "time off in lieu", old_toil, new_toil,
                       LESS if new_toil else MORE, old.toil_clause, new.toil_clause)
    for field, what in (("variation_notice", "notice of a variation"), ("termination_notice", "notice of termination")):
        before, after = getattr(old, field), getattr(new, field)
        words = [None if n is None else f"{decimal_text(n.amount)} {n.unit}" for n in (before, after)]
        changes += _simple("agreement notice", what, *words, NEUTRAL, before and before.clause,
                           after and after.clause, before and before.span, after and after.span)
    words = [None if b is None else f"averaged over the previous {b.count} {b.unit} where earnings vary"
             for b in (old.pay_basis, new.pay_basis)]
    changes += _simple("pay basis", "pay where earnings vary", *words, NEUTRAL,
                       old.pay_basis and old.pay_basis.clause, new.pay_basis and new.pay_basis.clause,
                       old.pay_basis and old.pay_basis.span, new.pay_basis and new.pay_basis.span)
    return changes


def _vocabulary(old: m.Model, new: m.Model) -> list[Change]:
    changes = []
    for field, what in (("roles", "role"), ("staff_groups", "staff group"), ("categories", "category")):
        before, after = set(getattr(old, field)), set(getattr(new, field))
        for name in sorted(before - after):
            changes.append(Change(REMOVED, "vocabulary", f"{what}: {name}", name, None, NEUTRAL))
        for name in sorted(after - before):
            changes.append(Change(ADDED, "vocabulary", f"{what}: {name}", None, name, NEUTRAL))
    old_facts, new_facts = {f.name: f for f in old.facts}, {f.name: f for f in new.facts}
    for name in sorted(set(old_facts) | set(new_facts)):
        words = [None if f is None else ("request fact: " if f.request else "fact: ") + f.type +
                 (f", assumed {'yes' if f.assumed else 'no'}" if f.assumed is not None else "")
                 for f in (old_facts.get(name), new_facts.get(name))]
        changes += _simple("vocabulary", f"fact: {name}", *words, NEUTRAL,
                           old_span=old_facts[name].span if name in old_facts else None,
                           new_span=new_facts[name].span if name in new_facts else None)
    return changes


# ---- the behavioural diff ------------------------------------------------------------------

SCENARIO_DATE = "2026-06-15"  # a Monday in mid-month and mid-year: no period starts or ends near it


@attrs.frozen(eq=False)
class GeneratedScenario:
    """A scenario made from the rules' boundaries, as each side needs it.

    `old` and `new` are the scenario dicts for each ruleset: the same facts
    and requests, less what a side does not know (a fact it does not
    declare, a role it does not have) and plus defaults for what only it
    needs. They are equal when both rulesets share their vocabulary.
    """

    name: str
    description: str
    old: dict
    new: dict


def behaviour(old_program, new_program, scenarios) -> tuple[list[Change], list[str]]:
    """Run both programs on every (name, old dict, new dict); the decisions that differ, and problems met.

    A scenario that one side cannot decide (it names a category the other
    agreement lacks, say) is reported among the problems, not as a change.
    """
    changes, problems = [], []
    for name, old_data, new_data in scenarios:
        reports = []
        for side, program, data in (("old", old_program, old_data), ("new", new_program, new_data)):
            try:
                reports.append(program.decide(data))
            except ScenarioError as error:
                problems.append(f"{name}: the {side} ruleset cannot decide it: {error}")
        if len(reports) < 2:
            continue
        old_report, new_report = reports
        new_by_id = {d["id"]: d for d in new_report["decisions"]}
        for before in old_report["decisions"]:
            after = new_by_id.get(before["id"])
            if after is None or (before["outcome"], before["paid"]) == (after["outcome"], after["paid"]):
                continue
            changes.append(Change(DECISION, "behaviour", f"{name}: {before['id']}", _decision_text(before),
                                  _decision_text(after), _decision_direction(before, after),
                                  old_clauses=tuple(before["clauses"]), new_clauses=tuple(after["clauses"]),
                                  note=f"{_hours(before['hours'])} of {before['category']} on {before['date']}"))
    return changes, problems


def _hours(value) -> str:
    return f"{decimal_text(Fraction(str(value)))} h"


_OUTCOME_RANK = {NOT_ENTITLED: 0, DISCRETIONARY: 1, ENTITLED: 2}
_PAID_RANK = {False: 0, None: 1, True: 2}
_PAID_WORDS = {True: "paid", False: "unpaid", None: "pay for management to decide"}


def _decision_text(decision: dict) -> str:
    return f"{decision['outcome'].replace('_', ' ')}, {_PAID_WORDS[decision['paid']]}"


def _decision_direction(before: dict, after: dict) -> str:
    way = _compare(_OUTCOME_RANK[before["outcome"]], _OUTCOME_RANK[after["outcome"]])
    if way == NEUTRAL and before["outcome"] != NOT_ENTITLED:
        way = _compare(_PAID_RANK[before["paid"]], _PAID_RANK[after["paid"]])
    return way


def generate_scenarios(old: m.Model, new: m.Model) -> list[GeneratedScenario]:
    """Scenarios at the rules' boundaries, from both sides: each allowance and limit exactly
    and one unit over, each band edge and its neighbours, notice exactly and one day short,
    each pay rule in and out of working hours, each eligibility rule unmet. Only categories
    both agreements know are used, so that each scenario runs on both."""
    return _Generator(old, new).run()


def scenario_for(model: m.Model, category: str, roles, hours: Fraction, *, in_hours: bool = True,
                 date: str | None = None, what: str = "") -> dict:
    """One scenario for `model` alone, made as generate_scenarios makes its own: a person holding `roles` (a
    list of the model's roles; empty for someone with none) asks for `hours` of `category` on `date` (or the
    generator's own day), in or outside working hours, and is made eligible wherever the rules allow, so
    that only what is asked decides. In: a checked model and the request; out: the scenario dict."""
    generator = _Generator(model, model)
    fixed = {"date": date} if date is not None else {}
    if model.roles_fact is not None:
        fixed[model.roles_fact] = frozenset(roles)
    generator.add(category, next(iter(roles), ""), None, hours, in_hours=in_hours, fixed=fixed, what=what)
    return next(iter(generator.scenarios.values())).old


class _Generator:
    def __init__(self, old: m.Model, new: m.Model):
        self.old, self.new = old, new
        self.sides = (old, new)
        self.shared_categories = set(old.categories) & set(new.categories)
        self.scenarios: dict[str, GeneratedScenario] = {}
        self.seen: set[str] = set()
        self.notice_days = max([r.days for s in self.sides for r in s.notices] + [0])

    def run(self) -> list[GeneratedScenario]:
        for side in self.sides:
            for grant in side.grants:
                self.from_grant(side, grant)
            for limit in side.limits:
                if limit.hours is not None:  # a limit worked out for each person has no one boundary to test
                    self.from_limit(side, limit)
            for table in side.tables:
                self.from_table(side, table)
            for rule in side.notices:
                for category in self.categories_of(rule.categories):
                    for days in (rule.days, rule.days - 1):
                        if days >= 0:
                            self.add(category, None, rule.in_force_condition, Fraction(1), notice=days,
                                     what=f"{days} days' notice (§{rule.clause} asks {rule.days})",
                                     tag=f"notice {days} days {rule.clause}")
            for rule in side.pays:
                for category in self.categories_of(rule.categories):
                    where = "outside" if rule.outside_hours else "in"
                    self.add(category, None, rule.in_force_condition, Fraction(1), in_hours=not rule.outside_hours,
                             what=f"pay {where} working hours (§{rule.clause})", tag=f"pay {where} hours {rule.clause}")
            for rule in side.requirements:
                for category in self.categories_of(rule.categories):
                    self.add(category, None, m.NoneOf(rule.condition), Fraction(1),
                             what=f"not {describe_condition(rule.condition)} (§{rule.clause})",
                             tag=f"unmet {rule.clause}")
        return list(self.scenarios.values())

    def categories_of(self, categories):
        chosen = [c for c in categories if c in self.shared_categories]
        if not categories:  # a rule for all time off: try it on every category some grant covers
            chosen = sorted({g.category for s in self.sides for g in s.grants} & self.shared_categories)
        return chosen

    def role_for(self, category, roles) -> str | None:
        """A role for the scenario's person: one the rule names, known to both sides if one is."""
        if roles is None:
            candidates = sorted({r for s in self.sides for g in s.grants if g.category == category
                                 for r in (g.roles or ())})
            roles = candidates or sorted(set(self.old.roles) | set(self.new.roles))
        both = [r for r in roles if r in self.old.roles and r in self.new.roles]
        return (both or list(roles) or [None])[0]

    def unit(self, side: m.Model, text: str) -> Fraction:
        # "one unit over": half a working day for rules written in days, else an hour.
        if "day" in text and side.working_day is not None:
            return side.working_day / 2
        return Fraction(1)

    def from_grant(self, side, grant: m.Grant):
        if grant.category not in self.shared_categories:
            return
        role = self.role_for(grant.category, grant.roles)
        if grant.kind != "allowance" or grant.quantity is None or grant.quantity.value is not None:
            self.add(grant.category, role, grant.in_force_condition, Fraction(1), what=f"{grant.text} (§{grant.clause})",
                     tag=f"grant {grant.clause}")
            return
        limit = grant.quantity.hours
        for hours, how in ((limit, "exactly"), (limit + self.unit(side, grant.quantity.text), "one unit over")):
            self.add(grant.category, role, grant.in_force_condition, hours,
                     what=f"{how} the {grant.text} of §{grant.clause}",
                     tag=f"{'at' if how == 'exactly' else 'over'} {grant.clause}")

    def from_limit(self, side, limit: m.LimitRule):
        for category in self.categories_of(limit.categories):
            role = self.role_for(category, None)
            for hours, how in ((limit.hours, "exactly"), (limit.hours + self.unit(side, limit.text), "one unit over")):
                self.add(category, role, limit.in_force_condition, hours, what=f"{how} the limit of {limit.text} (§{limit.clause})",
                         tag=f"limit {'at' if how == 'exactly' else 'over'} {limit.clause}")

    def from_table(self, side, table: m.Table):
        counts = set()
        for row in table.rows:
            counts.update((row.low - 1, row.low, row.low + 1))
            if row.high is not None:
                counts.update((row.high - 1, row.high, row.high + 1))
        if table.step is not None and table.rows and table.rows[-1].high is not None:
            edge = table.rows[-1].high + table.every
            counts.update((edge, edge + 1))
        users = [(s, g) for s in self.sides for g in s.grants
                 if g.quantity is not None and g.quantity.value == table.name and g.category in self.shared_categories]
        for count in sorted(c for c in counts if c >= 0):
            for _, grant in users:
                amounts = []
                for other in self.sides:
                    other_table = other.table(table.name)
                    value = None if other_table is None else other_table.lookup(count)
                    if value is not None and value > 0:
                        amounts.append(value * grant.quantity.factor)
                for hours in sorted(set(amounts)):
                    self.add(grant.category, self.role_for(grant.category, grant.roles), grant.in_force_condition, hours,
                             fixed={table.by: count},
                             what=f"{table.name} at {count} {table.by} (§{table.clause})",
                             tag=f"{count} {table.by}")

    # ---- making one scenario
    def add(self, category, role, condition, hours, *, in_hours=True, notice=None, fixed=None, what="", tag=""):
        if role is None:
            role = self.role_for(category, None)
        assignment = {"in working hours": in_hours}
        roles_facts = [f.name for s in self.sides for f in s.facts if f.type == "list of roles" and not f.request]
        for name in roles_facts:
            assignment[name] = frozenset([role]) if role else frozenset()
        assignment.update(fixed or {})
        if condition is not None and not _satisfy(condition, self.sides, assignment):
            return
        # Make the person eligible wherever the rules allow, so that the
        # boundary, not a missing qualification, decides.
        for side in self.sides:
            for rule in side.requirements:
                _satisfy(rule.in_force_condition, self.sides, assignment)
        in_hours = assignment.get("in working hours", in_hours)
        old_data = self.materialise(self.old, category, hours, in_hours, notice, assignment, what)
        new_data = self.materialise(self.new, category, hours, in_hours, notice, assignment, what)
        signature = repr((old_data, new_data))
        if signature in self.seen:
            return
        self.seen.add(signature)
        name = _slug(f"{category} {decimal_text(hours).lstrip('≈')}h {role or 'anyone'} {tag}")
        base, number = name, 2
        while name in self.scenarios:
            name, number = f"{base}-{number}", number + 1
        description = f"{decimal_text(hours)} h of {category} asked by a {role or 'member of staff'}: {what}"
        self.scenarios[name] = GeneratedScenario(name, description, old_data, new_data)

    def materialise(self, side: m.Model, category, hours, in_hours, notice, assignment, what) -> dict:
        facts = {}
        # A dated rule's scenarios are dated where its dates put them (the witness chose the day).
        day = assignment.get("date")
        request = {"id": "r1", "date": day if isinstance(day, str) else SCENARIO_DATE, "category": category,
                   "hours": _json(hours),
                   "in working hours": in_hours}
        request["notice days"] = self.notice_days if notice is None else notice
        for rule in side.states:  # say what the agreement asks a request to say
            for field in rule.fields:
                request[field] = "stated"
        for fact in side.facts:
            value = assignment.get(fact.name)
            if value is None or not _fits(value, fact.type, side):
                value = fact.assumed if fact.assumed is not None else _default(fact.type, side)
            if fact.type == "list of roles":
                value = sorted(r for r in value if r in side.roles)
            if fact.request:
                request[fact.display or fact.name] = _json(value)
            else:
                facts[fact.display or fact.name] = _json(value)
        return {"description": f"Made by ftdsl diff: {what}", "facts": facts, "taken": [], "requests": [request]}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80].rstrip("-")


def _json(value):
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else float(value)
    if isinstance(value, frozenset):
        return sorted(value)
    return value


def _default(type_name: str, side: m.Model):
    return {"yes/no": False, "count": 0, "number": 0, "hours": 0, "date": SCENARIO_DATE, "text": "",
            "staff group": side.staff_groups[0] if side.staff_groups else "",
            "list of roles": frozenset(), "role": side.roles[0] if side.roles else "",
            "category": side.categories[0] if side.categories else ""}.get(type_name)


def _fits(value, type_name: str, side: m.Model) -> bool:
    match type_name:
        case "yes/no":
            return isinstance(value, bool)
        case "count":
            return isinstance(value, (int, Fraction)) and not isinstance(value, bool) and value >= 0 and \
                Fraction(value).denominator == 1
        case "number":
            return isinstance(value, (int, Fraction)) and not isinstance(value, bool)
        case "hours":
            return isinstance(value, (int, Fraction)) and not isinstance(value, bool) and value >= 0
        case "staff group":
            return value in side.staff_groups
        case "role":
            return value in side.roles
        case "category":
            return value in side.categories
        case "list of roles":
            return isinstance(value, frozenset)
        case "date" | "text":
            return isinstance(value, str)
    return False


# ---- conditions: evaluating and satisfying ------------------------------------------------

_UNSET = object()


def _evaluate(condition, assignment: dict, sides) -> bool | None:
    """A checked condition under an assignment of facts, as the runtime decides it; None where it depends
    on a fact the assignment leaves unset."""
    def read(source, name):
        if source == "value":
            for side in sides:
                table = side.table(name)
                if table is not None:
                    count = assignment.get(table.by, _UNSET)
                    return UNKNOWN if count is _UNSET else table.lookup(int(count))
            return None
        value = assignment.get(name, _UNSET)
        return UNKNOWN if value is _UNSET else value
    return evaluate(condition, read)


def _references(condition, sides) -> list[m.FactRef]:
    found = []

    def walk(node):
        match node:
            case m.AllOf(items=items) | m.AnyOf(items=items):
                for item in items:
                    walk(item)
            case m.NoneOf(item=item):
                walk(item)
            case m.IsTrue(fact=fact) | m.Contains(fact=fact) | m.InSet(fact=fact) | m.Comparison(fact=fact):
                if fact.source == "value":
                    table = next((s.table(fact.name) for s in sides if s.table(fact.name) is not None), None)
                    if table is not None:
                        found.append(m.FactRef(table.by, "fact", "count"))
                else:
                    found.append(fact)
    walk(condition)
    return list(dict.fromkeys(found))


def _candidates(fact: m.FactRef, condition, sides) -> list:
    literals = []

    def walk(node):
        match node:
            case m.AllOf(items=items) | m.AnyOf(items=items):
                for item in items:
                    walk(item)
            case m.NoneOf(item=item):
                walk(item)
            case m.Comparison(fact=ref, value=value) if ref.name == fact.name:
                literals.append(value)
            case m.InSet(fact=ref, values=values) if ref.name == fact.name:
                literals.extend(values)
            case m.Contains(fact=ref, value=value) if ref.name == fact.name:
                literals.append(value)
    walk(condition)
    match fact.type:
        case "yes/no":
            return [True, False]
        case "count" | "number" | "hours":
            numbers = {0}
            for value in literals:
                if isinstance(value, Fraction):
                    numbers.update((value - 1, value, value + 1))
            for side in sides:
                for table in side.tables:
                    if table.by == fact.name:
                        numbers.update(r.low for r in table.rows)
            return sorted(int(n) for n in numbers if n >= 0 and Fraction(n).denominator == 1)
        case "staff group":
            return list(dict.fromkeys(g for s in sides for g in s.staff_groups))
        case "role":
            return list(dict.fromkeys(r for s in sides for r in s.roles))
        case "category":
            return list(dict.fromkeys(c for s in sides for c in s.categories))
        case "list of roles":
            return [frozenset(literals), frozenset()]
    return list(dict.fromkeys(literals)) or [""]


def _satisfy(condition, sides, assignment: dict, limit: int = 512) -> bool:
    """Give unset facts values that make `condition` true; True if it now holds (and the assignment is
    extended), False if no combination tried does (and the assignment is left as it was)."""
    if _evaluate(condition, assignment, sides) is True:
        return True
    unset = [f for f in _references(condition, sides) if f.name not in assignment]
    choices = [_candidates(f, condition, sides) for f in unset]
    for combination in itertools.islice(itertools.product(*choices), limit):
        trial = {**assignment, **{f.name: v for f, v in zip(unset, combination)}}
        if _evaluate(condition, trial, sides) is True:
            assignment.update(trial)
            return True
    return False
