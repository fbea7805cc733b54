"""Checking: the AST in, the checked model (model.py) out.

Resolves every name (roles, categories, facts, values), converts every
quantity to exact hours by the agreement's own definitions, gives every
condition its types, and reports all the errors it finds at once.
"""

from __future__ import annotations

import re

from decimal import Decimal
from fractions import Fraction

from . import formulas as f
from . import model as m
from . import nodes as n
from .errors import Diagnostic, FtdslError, Span, did_you_mean
from .model import cited
from .records import meaning_key

# The facts that can name a pool ('shared by the union'): those whose value says which group a person is in.
POOL_FACT_TYPES = ("text", "count", "staff group", "role")
FACT_TYPES = ("yes/no", "count", "number", "hours", "date", "text", "staff group", "list of roles", "role", "category")
TYPE_ALIASES = {"yes or no": "yes/no", "boolean": "yes/no", "true/false": "yes/no", "whole number": "count",
                "roles": "list of roles", "list of role": "list of roles"}

# Facts every request has, whatever the ruleset declares.
BUILTIN_REQUEST_FACTS = {
    "in working hours": "yes/no",
    "notice days": "count",
    "category": "category",
    "date": "date",
}

HOUR_UNITS = {"hour": Fraction(1), "hours": Fraction(1), "minute": Fraction(1, 60), "minutes": Fraction(1, 60)}
DAY_UNITS = {"day": Fraction(1), "days": Fraction(1), "working day": Fraction(1), "working days": Fraction(1),
             "whole day": Fraction(1), "whole days": Fraction(1),
             "half day": Fraction(1, 2), "half days": Fraction(1, 2), "half-day": Fraction(1, 2), "half-days": Fraction(1, 2)}
WEEK_UNITS = {"week": Fraction(1), "weeks": Fraction(1), "working week": Fraction(1), "working weeks": Fraction(1)}
FTE_UNITS = {"fte": Fraction(1)}
ALL_TIME_UNITS = sorted(set(HOUR_UNITS) | set(DAY_UNITS) | set(WEEK_UNITS) | {"FTE"})

CALENDAR_PERIODS = {"week": "week", "month": "month", "calendar month": "month", "year": "year", "annum": "year",
                    "calendar week": "week"}
ROLLING_UNITS = {"day": "days", "days": "days", "week": "weeks", "weeks": "weeks", "month": "months",
                 "months": "months", "year": "years", "years": "years"}
NOTICE_DAYS = {"day": 1, "days": 1, "week": 7, "weeks": 7}
AGREEMENT_NOTICE_UNITS = {"day": "days", "days": "days", "week": "weeks", "weeks": "weeks", "month": "months", "months": "months"}

YES_WORDS = {"yes": True, "true": True, "no": False, "false": False}

# Numbers beyond this are almost certainly a typing slip (10^100 hours),
# and keeping them out keeps every later sum small and fast.
LARGEST_NUMBER = Decimal(10) ** 9


def check(ruleset: n.Ruleset, source_text: str | None = None) -> m.Model:
    """Check a Ruleset AST and return its Model, or raise FtdslError with every error found."""
    if not ruleset.statements:
        # An empty file (or only comments) is almost always the wrong file,
        # or a save that failed; deciding by it would refuse everything.
        raise FtdslError(Diagnostic("E227", "the ruleset is empty: it has no rules", Span(ruleset.file, 1, 1),
                                    hint="check that this is the right file; a rule looks like: "
                                    "§6.12 representative may take up to 6 hours per month for duties"),
                         {ruleset.file: source_text} if source_text is not None else {})
    checker = _Checker(ruleset)
    model = checker.run()
    if checker.errors:
        raise FtdslError(checker.errors, {ruleset.file: source_text} if source_text is not None else {})
    return model


# Periods people write that the language spells another way.
_PERIOD_HINTS = {"fortnight": "write 'in any 2 weeks'", "quarter": "write 'in any 3 months'",
                 "day": "for a daily amount write 'in any 1 day'", "term": "write 'in any 4 months'"}

# Numbers written as words ('up to six hours'), which the grammar reads as a name.
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "eleven": 11, "twelve": 12, "half": 0.5, "a": 1, "an": 1}


def _unit_key(unit: n.Name) -> str:
    # "6 weeks' notice": the possessive apostrophe belongs to English, not to the unit.
    return unit.key.rstrip("'\u2019")


class _Checker:
    def __init__(self, ruleset: n.Ruleset):
        self.ruleset = ruleset
        self.errors: list[Diagnostic] = []
        self.header = {}
        self.working_day: Fraction | None = None
        self.working_week: Fraction | None = None
        self.year_start = None
        self.roles: dict[str, n.Name] = {}
        self.staff_groups: dict[str, n.Name] = {}
        self.categories: dict[str, n.Name] = {}
        self.pools: dict[str, n.Name] = {}
        self.facts: dict[str, m.FactDef] = {}
        self.tables: dict[str, m.Table] = {}
        self.table_nodes: dict[str, n.BandTable] = {}
        self.formulas: dict[str, f.FormulaValue | None] = {}  # checked values by key; None: it has errors
        self.formula_rules: dict[str, n.Rule] = {}  # each value definition's rule, by the value's key
        self.formulas_in_progress: list[str] = []  # the values being checked, to find one defined by itself
        self.seen_definitions: dict[str, object] = {}

    def error(self, code, message, span, hint=None):
        self.errors.append(Diagnostic(code, message, span, hint))

    # ---- driver
    def run(self) -> m.Model:
        statements = self.ruleset.statements
        rules = [s for s in statements if isinstance(s, n.Rule)]
        # Declarations first, wherever they stand in the file, so that a rule
        # may use a name declared further down.
        for statement in statements:
            if not isinstance(statement, n.Rule):
                self.declaration(statement)
        self.check_roles_fact(rules)
        for rule in rules:
            if isinstance(rule.body, n.BandTable):
                self.table_nodes.setdefault(rule.body.name.key, rule.body)
        for rule in rules:
            if isinstance(rule.body, n.BandTable):
                self.table(rule)
        for rule in rules:
            if isinstance(rule.body, n.ValueDefinition):
                key = rule.body.name.key
                if key in self.formula_rules or key in self.table_nodes or self.name_clash(key):
                    self.error("E208", f"'{rule.body.name}' is declared twice", rule.body.name.span,
                               hint="give each value its own name")
                else:
                    self.formula_rules[key] = rule
        for key in list(self.formula_rules):
            self.formula_value(key)
        collected = {name: [] for name in ("grants", "refusals", "limits", "discretions", "spills", "requirements",
                                           "notices", "states", "pays", "facilities")}
        toil_clause = None
        pay_basis = None
        notices = {}
        for rule in rules:
            body = rule.body
            if rule.in_force is not None and isinstance(body, (n.BandTable, n.ValueDefinition, n.PayBasis, n.ToilCounts,
                                                               n.VariationNotice, n.TerminationNotice)):
                self.error("E229", "only a rule that decides requests can have dates", rule.in_force.span,
                           hint="date the rules that use it; a table, the pay basis and the notice of variation "
                                "hold for the whole agreement")
            if isinstance(body, (n.BandTable, n.ValueDefinition)):
                continue
            if isinstance(body, n.PayBasis):
                unit = {"week": "weeks", "weeks": "weeks", "month": "months", "months": "months"}.get(body.unit.key)
                if unit is None or not 1 <= body.count <= 520:
                    self.error("E216", f"pay is averaged over weeks or months, not '{body.count} {body.unit}'",
                               body.unit.span, hint="for example 'pay is averaged over the previous 12 weeks'")
                elif pay_basis is not None:
                    self.error("E212", "the pay basis is given twice", body.span, hint="keep one of them")
                else:
                    pay_basis = m.PayBasis(body.count, unit, rule.clause.text, rule.quotes, span=body.span)
                continue
            if isinstance(body, n.ToilCounts):
                toil_clause = rule.clause.text
                continue
            if isinstance(body, (n.VariationNotice, n.TerminationNotice)):
                kind = "variation" if isinstance(body, n.VariationNotice) else "termination"
                if kind in notices:
                    self.error("E212", f"the {kind} notice is given twice", body.span, hint="keep one of them")
                notices[kind] = self.agreement_notice(rule)
                continue
            result = self.rule(rule)
            if result is not None:
                kind, item = result
                collected[kind].append(item)
        self.check_duplicates(collected)
        return m.Model(
            header=m.Header(**self.header),
            working_day=self.working_day,
            working_week=self.working_week,
            year_start=self.year_start,
            roles=tuple(self.roles),
            staff_groups=tuple(self.staff_groups),
            categories=tuple(self.categories),
            pools=tuple(self.pools),
            activities=self.activities(),
            facts=tuple(self.facts.values()),
            tables=tuple(self.tables.values()),
            formulas=tuple(v for v in self.formulas.values() if v is not None),
            toil_clause=toil_clause,
            variation_notice=notices.get("variation"),
            termination_notice=notices.get("termination"),
            pay_basis=pay_basis,
            spellings=self.spellings(),
            file=self.ruleset.file,
            **{kind: tuple(items) for kind, items in collected.items()},
        )

    def spellings(self) -> tuple[tuple[str, str], ...]:
        """(key, spelling) of every declared name, the first declaration's spelling where one is given twice."""
        found = {}
        for statement in self.ruleset.statements:
            match statement:
                case n.RolesDecl(names=names) | n.StaffGroupsDecl(names=names) | n.CategoriesDecl(names=names) | n.PoolsDecl(names=names):
                    for name in names:
                        found.setdefault(name.key, name.text)
                case n.FactDecl(name=name):
                    found.setdefault(name.key, name.text)
        return tuple((key, text) for key, text in found.items() if key != text)

    # ---- declarations
    def declaration(self, statement):
        match statement:
            case n.AgreementTitle(text=text):
                self.header_field("title", text, statement)
            case n.Employer(text=text):
                self.header_field("employer", text, statement)
            case n.Unions(names=names):
                self.header_field("unions", tuple(names), statement)
            case n.Agreed(date=date):
                self.header_field("agreed", _date_text(date), statement)
            case n.Effective(date=date):
                self.header_field("effective", _date_text(date), statement)
            case n.VariationTitle() | n.Amends():
                self.error("E230", "this is a variation: it is read with the agreement it amends", statement.span,
                           hint="run the variation file itself (it names its agreement), or give the agreement "
                                "first: ftdsl run AGREEMENT --with VARIATION SCENARIO")
            case n.WorkingDay(amount=amount):
                if self.once("working day", statement):
                    self.working_day = self.hours_only(amount, "a working day")
            case n.WorkingWeek(amount=amount):
                if self.once("working week", statement):
                    self.working_week = self.hours_only(amount, "a working week")
            case n.YearStart(day=day, month=month):
                if self.once("year start", statement):
                    self.year_start = (month, day)
            case n.RolesDecl(names=names):
                self.declare_names(names, self.roles, "role")
            case n.StaffGroupsDecl(names=names):
                self.declare_names(names, self.staff_groups, "staff group")
            case n.CategoriesDecl(names=names):
                self.declare_names(names, self.categories, "category")
            case n.PoolsDecl(names=names):
                self.declare_names(names, self.pools, "pool")
            case n.FactDecl():
                self.fact(statement)

    def header_field(self, field, value, statement):
        if field in self.header:
            self.error("E212", f"the agreement's {field} is given twice", statement.span, hint="keep one of them")
        self.header[field] = value

    def once(self, what, statement) -> bool:
        if what in self.seen_definitions:
            self.error("E212", f"{what} is defined twice", statement.span,
                       hint=f"the first definition is on line {self.seen_definitions[what].span.line}")
            return False
        self.seen_definitions[what] = statement
        return True

    def declare_names(self, names, table, what):
        for name in names:
            clash = self.name_clash(name.key)
            if clash == what:
                first = table[name.key].span
                where = f" (first on line {first.line})" if first is not None else ""
                self.error("E208", f"the {what} '{name}' is declared twice{where}", name.span, hint="delete one of them")
                continue
            if clash:
                self.error("E208", f"'{name}' is declared twice ({clash} and {what})", name.span,
                           hint="give each role, staff group, category and fact its own name")
                continue
            table[name.key] = name

    def name_clash(self, key) -> str | None:
        for what, table in (("role", self.roles), ("staff group", self.staff_groups), ("category", self.categories),
                            ("pool", self.pools)):
            if key in table:
                return what
        if key in self.facts:
            return "fact"
        return None

    def fact(self, decl: n.FactDecl):
        key = decl.name.key
        type_key = TYPE_ALIASES.get(decl.type.key, decl.type.key)
        if type_key not in FACT_TYPES:
            hint = did_you_mean(decl.type.key, FACT_TYPES, "types") or "types: " + ", ".join(FACT_TYPES)
            if " assumed " in f" {decl.type.key} ":
                hint = "put a comma before 'assumed', for example 'request fact urgent: yes/no, assumed no'"
            self.error("E217", f"unknown type '{decl.type}' for the fact '{decl.name}'", decl.type.span, hint=hint)
            return
        if key in self.facts or (key in BUILTIN_REQUEST_FACTS):
            self.error("E208", f"the fact '{decl.name}' is declared twice", decl.name.span,
                       hint="every request already has 'date', 'category', 'notice days' and 'in working hours'"
                       if key in BUILTIN_REQUEST_FACTS else "keep one declaration")
            return
        assumed = None
        if decl.assumed is not None:
            if not decl.request:
                self.error("E220", f"only request facts can have an assumed value ('{decl.name}' is a scenario fact)",
                           decl.assumed.span, hint=f"write 'request fact {decl.name}: {decl.type}, assumed {decl.assumed}'")
            elif type_key != "yes/no" or decl.assumed.key not in YES_WORDS:
                self.error("E220", f"'{decl.assumed}' cannot be assumed for '{decl.name}'", decl.assumed.span,
                           hint="only yes/no request facts can be assumed: write 'assumed yes' or 'assumed no'")
            else:
                assumed = YES_WORDS[decl.assumed.key]
        self.facts[key] = m.FactDef(key, type_key, decl.request, assumed, display=decl.name.text, span=decl.name.span)

    def check_roles_fact(self, rules):
        uses_roles = any(isinstance(r.body, (n.Allowance, n.ReasonableTime, n.GrantedTime)) and not r.body.who.anyone
                         for r in rules)
        if uses_roles and not any(f.type == "list of roles" and not f.request for f in self.facts.values()):
            first = next(r for r in rules if isinstance(r.body, (n.Allowance, n.ReasonableTime, n.GrantedTime))
                         and not r.body.who.anyone)
            self.error("E219", "rules give time to roles, but no fact holds a person's roles", first.body.who.span,
                       hint="declare it: 'fact roles: list of roles'")

    # ---- quantities
    def hours_only(self, amount: n.Amount, what: str) -> Fraction | None:
        """An amount in hours and minutes (used for the definitions themselves)."""
        total = Fraction(0)
        for term in amount.terms:
            unit = _unit_key(term.unit)
            if unit not in HOUR_UNITS:
                self.error("E204", f"{what} must be given in hours and minutes, not '{term.unit}'", term.unit.span,
                           hint="for example 'a working day is 7 hours 12 minutes'")
                return None
            total += self.number(term) * HOUR_UNITS[unit]
        if total <= 0:
            self.error("E224", f"{what} must be longer than zero", amount.span)
            return None
        return total

    def number(self, term: n.Term) -> Fraction:
        if term.number > LARGEST_NUMBER:
            self.error("E225", f"{term.number} is too large to be an amount of time", term.span,
                       hint="check the number; amounts are hours, days or weeks in an agreement")
            return Fraction(0)
        return Fraction(term.number)

    def term_hours(self, term: n.Term, period: m.Period | None, allow_fte: bool) -> Fraction | None:
        unit = _unit_key(term.unit)
        number = self.number(term)
        if unit in HOUR_UNITS:
            return number * HOUR_UNITS[unit]
        if unit in DAY_UNITS:
            if self.working_day is None:
                self.error("E205", f"'{term.unit}' needs the length of a working day, which this agreement does not define",
                           term.unit.span, hint="add a definition, for example 'a working day is 7 hours 12 minutes'")
                return None
            return number * DAY_UNITS[unit] * self.working_day
        if unit in WEEK_UNITS:
            if self.working_week is None:
                self.error("E205", f"'{term.unit}' needs the length of a working week, which this agreement does not define",
                           term.unit.span, hint="add a definition, for example 'a working week is 36 hours'")
                return None
            return number * self.working_week
        if unit in FTE_UNITS:
            if not allow_fte or (period is not None and period != m.Period("week")):
                self.error("E206", "FTE is a share of the working week, so it can only be used 'per week'", term.unit.span,
                           hint="write 'per week', or give the amount in hours or days")
                return None
            if self.working_week is None:
                self.error("E205", "FTE needs the length of a working week, which this agreement does not define",
                           term.unit.span, hint="add a definition, for example 'a working week is 36 hours'")
                return None
            return number * self.working_week
        hint = did_you_mean(unit, ALL_TIME_UNITS, "units") or "units: hours, minutes, days, half days, weeks, FTE"
        if unit[:1] == "e" and unit[1:2].isdigit():
            hint = "write the number in full (1000, not 1e3)"
        self.error("E204", f"unknown unit '{term.unit}'", term.unit.span, hint=hint)
        return None

    def amount_hours(self, amount: n.Amount, period: m.Period | None = None, allow_fte: bool = False) -> Fraction | None:
        """An amount in exact hours; 'A or B' must be two ways of saying the same."""
        first = self.terms_hours(amount.terms, period, allow_fte)
        if amount.alternative is not None:
            second = self.terms_hours(amount.alternative, period, allow_fte)
            if first is not None and second is not None and first != second:
                self.error("E207", f"'{_terms_text(amount.terms)}' and '{_terms_text(amount.alternative)}' are not the "
                           f"same amount ({_hours(first)} against {_hours(second)})", amount.span,
                           hint="an amount given two ways must be equal at the agreement's own day length")
        return first

    def terms_hours(self, terms, period, allow_fte):
        total = Fraction(0)
        for term in terms:
            hours = self.term_hours(term, period, allow_fte)
            if hours is None:
                return None
            total += hours
        return total

    def period(self, period) -> m.Period | None:
        match period:
            case n.PerPeriod(unit=unit):
                kind = CALENDAR_PERIODS.get(unit.key)
                if kind is None:
                    self.error("E211", f"unknown period 'per {unit}'", unit.span,
                               hint=_PERIOD_HINTS.get(unit.key) or did_you_mean(unit.key, CALENDAR_PERIODS, "periods")
                               or "periods: per week, per month, per year, in any 12 months")
                    return None
                return m.Period(kind)
            case n.RollingPeriod(count=count, unit=unit):
                kind = ROLLING_UNITS.get(unit.key)
                if kind is None:
                    self.error("E211", f"unknown period 'in any {count} {unit}'", unit.span,
                               hint=did_you_mean(unit.key, ROLLING_UNITS, "periods") or "write days, weeks, months or years")
                    return None
                if not 1 <= count <= 1000:
                    self.error("E223", f"'in any {count} {unit}' is not a window of time", period.span,
                               hint="use a count from 1 to 1000, for example 'in any 12 months'")
                    return None
                return m.Period("rolling", count, kind)
        return None

    # ---- names used by rules
    def role(self, name: n.Name) -> str | None:
        if name.key in self.roles:
            return name.key
        self.error("E201", f"unknown role '{name}'", name.span,
                   hint=_lookalike_hint(name, _part_of_a_name(name.key, self.roles, "role", "roles")
                                        or did_you_mean(name.key, self.roles, "roles") or "declare it in 'roles: ...'"))
        return None

    def category(self, name: n.Name) -> str | None:
        if name.key in self.categories:
            return name.key
        self.error("E202", f"unknown category '{name}'", name.span,
                   hint=_lookalike_hint(name, _part_of_a_name(name.key, self.categories, "category", "categories")
                                        or did_you_mean(name.key, self.categories, "categories")
                                        or "declare it in 'categories: ...'"))
        return None

    def activities(self) -> tuple[str, ...]:
        """The categories `trade union activities: ...` names (each a declared category), in order."""
        found = []
        for statement in self.ruleset.statements:
            if isinstance(statement, n.ActivitiesDecl):
                found.extend(name for name in map(self.category, statement.names) if name is not None)
        return tuple(dict.fromkeys(found))

    def category_list(self, names) -> tuple[str, ...] | None:
        resolved = [self.category(name) for name in names]
        if any(r is None for r in resolved):
            return None
        return tuple(dict.fromkeys(resolved))

    def pool_holder(self, name: n.Name | None) -> tuple[str | None, bool]:
        """Whose pool a rule's time is ('shared by the union'): (the fact or declared pool's key, or None for each
        person's own time; whether it resolved)."""
        if name is None:
            return None, True
        if name.key in self.pools:
            return name.key, True
        fact = self.facts.get(name.key)
        if fact is not None and not fact.request and fact.type in POOL_FACT_TYPES:
            return name.key, True
        if fact is not None:
            kind = "a request fact" if fact.request else f"a {fact.type} fact"
            self.error("E240", f"time cannot be shared by '{name}': it is {kind}, and a pool is shared by the people "
                       "who have the same value of a fact about them", name.span,
                       hint="share it by a fact that names the group, for example 'fact union: text' and "
                            "'shared by the union', or declare the group in 'pools: ...'")
            return None, False
        known = list(self.pools) + [k for k, d in self.facts.items() if not d.request and d.type in POOL_FACT_TYPES]
        hint = ((did_you_mean(name.key, known, "pools and facts") if known else None)
                or f"declare it: 'pools: {name}' for one pool everyone the rule gives time to shares, or "
                   f"'fact {name}: text' for a pool for each {name}")
        self.error("E239", f"unknown pool '{name}': time can be shared by a declared pool or by a fact", name.span,
                   hint=hint)
        return None, False

    def who(self, who: n.Who):
        if who.anyone:
            return None, True
        resolved = [self.role(r) for r in who.roles]
        if any(r is None for r in resolved):
            return None, False
        return tuple(dict.fromkeys(resolved)), True

    # ---- rules
    def rule(self, rule: n.Rule):
        condition = self.condition(rule.condition) if rule.condition is not None else None
        result = self.rule_body(rule, condition)
        dates = self.dates(rule.in_force) if rule.in_force is not None else None
        if rule.condition is not None and condition is None:
            return None  # the condition's errors are reported; the body was still checked for its own
        if result is not None and dates is not None:
            kind, item = result
            return kind, item.evolve(dates=dates)
        return result

    def dates(self, in_force: n.InForce) -> m.Dates | None:
        """A rule's 'from'/'until' as ISO days, both included ('until March 2018' is to its last day)."""
        start = None if in_force.start is None else in_force.start.first_day().isoformat()
        end = None if in_force.end is None else in_force.end.last_day().isoformat()
        if start is not None and end is not None and end < start:
            self.error("E228", f"the rule ends ({m.date_words(end)}) before it starts ({m.date_words(start)})",
                       in_force.span, hint="check the dates; both days are included, so a rule of one day is "
                       "'from 1 April 2026 until 1 April 2026'")
            return None
        return m.Dates(start, end)

    def rule_body(self, rule: n.Rule, condition):
        body = rule.body
        clause = rule.clause.text
        quotes = rule.quotes
        match body:
            case n.Allowance() | n.ReasonableTime() | n.GrantedTime():
                # Resolve every part before giving up, so that all of a
                # rule's errors are reported together.
                roles, ok = self.who(body.who)
                category = self.category(body.category)
                if isinstance(body, n.Allowance):
                    period = self.period(body.period)
                    quantity = self.quantity(body.quantity, period, clause) if period is not None else None
                    shared, shared_ok = self.pool_holder(body.shared)
                    if not ok or category is None or period is None or quantity is None or not shared_ok:
                        return None
                    text = f"{quantity.text} {period.describe()} for {category}" + _shared_text(shared)
                    return "grants", m.Grant("allowance", category, roles, condition, quantity, period, clause, quotes,
                                             text, span=body.span, shared=shared)
                if not ok or category is None:
                    return None
                kind = "reasonable" if isinstance(body, n.ReasonableTime) else "granted"
                text = ("reasonable time" if kind == "reasonable" else "time at management's discretion") + f" for {category}"
                return "grants", m.Grant(kind, category, roles, condition, None, None, clause, quotes, text, span=body.span)
            case n.Limit():
                categories = self.category_list(body.categories)
                period = self.period(body.period)
                quantity = None  # a limit worked out for each person ('50% of contracted hours')
                if isinstance(body.amount, n.Amount):
                    hours = self.amount_hours(body.amount, period) if period is not None else None
                    written = _amount_text(body.amount)
                else:
                    quantity = self.quantity(body.amount, period, clause) if period is not None else None
                    hours = None if quantity is None else quantity.hours
                    written = None if quantity is None else quantity.text
                    if quantity is not None and quantity.value is None:
                        quantity = None  # it reads nothing of the person: a fixed number of hours
                shared, shared_ok = self.pool_holder(body.shared)
                if categories is None or period is None or (hours is None and quantity is None) or not shared_ok:
                    return None
                text = f"{written} {period.describe()} for {' and '.join(categories)}" + _shared_text(shared)
                return "limits", m.LimitRule(categories, hours, period, condition, clause, quotes, text, span=body.span,
                                             shared=shared, quantity=quantity)
            case n.Discretion():
                categories = self.category_list(body.categories)
                if categories is None:
                    return None
                return "discretions", m.DiscretionRule(categories, body.pay, body.manner, condition, clause, quotes,
                                                       span=body.span)
            case n.Spill():
                categories = self.category_list(body.categories)
                into = self.category(body.into)
                if categories is None or into is None:
                    return None
                if into in categories:
                    self.error("E241", f"time for {into} beyond the {body.beyond} cannot count as {into} itself",
                               body.into.span, hint="name the category the time beyond counts as, for example "
                               f"'time for {categories[0]} beyond the {body.beyond} counts as additional hours'")
                    return None
                text = f"time for {' and '.join(categories)} beyond the {body.beyond} counts as {into}"
                return "spills", m.SpillRule(categories, body.beyond, into, condition, clause, quotes, text,
                                             span=body.span)
            case n.Requirement():
                categories = self.category_list(body.categories)
                if categories is None:
                    return None
                if condition is None:
                    if rule.condition is not None:
                        return None  # the condition is written; its own errors are reported
                    self.error("E215", "say when time off is given", body.span,
                               hint="add the condition, for example 'time off is given only when employed by council'")
                    return None
                return "requirements", m.RequirementRule(categories, condition, clause, quotes,
                                                         m.describe_condition(condition), span=body.span)
            case n.Refusal():
                roles, ok = self.who(body.who)
                categories = self.category_list(body.categories)
                if not ok or categories is None:
                    return None
                text = "no time for " + " and ".join(categories) + ("" if roles is None else " for " + " or ".join(roles))
                return "refusals", m.RefusalRule(categories, roles, condition, clause, quotes, text, span=body.span)
            case n.Notice():
                categories = self.category_list(body.categories)
                days = self.notice_days(body.amount)
                if categories is None or days is None:
                    return None
                text = f"{_amount_text(body.amount)} notice" + ("" if body.hard else " (where possible)")
                return "notices", m.NoticeRule(categories, days, body.hard, condition, clause, quotes, text, span=body.span)
            case n.MustState():
                categories = self.category_list(body.categories)
                if categories is None:
                    return None
                return "states", m.StateRule(categories, tuple(f.key for f in body.fields), body.hard, condition, clause,
                                             quotes, span=body.span)
            case n.Payment():
                categories = self.category_list(body.categories)
                if categories is None:
                    return None
                return "pays", m.PayRule(categories, body.pay, body.outside_hours, condition, clause, quotes, span=body.span)
            case n.Facilities():
                return "facilities", m.FacilityRule(body.text, condition, clause, quotes, span=body.span)
            case n.Removal():
                self.error("E230", "'is removed' belongs in a variation, which removes a clause of the agreement "
                           "it amends", body.span, hint="delete the clause itself here, or put this line in a "
                           "variation file ('variation \"...\"', 'amends \"...\"', 'effective ...')")
        return None

    def quantity(self, quantity, period: m.Period, clause: str = "") -> m.Quantity | None:
        if isinstance(quantity, n.FORMULA_NODES):
            return self.formula_quantity(quantity, period, clause)
        if isinstance(quantity, n.ValueRef) and quantity.name.key in self.formula_rules:
            value = self.formula_value(quantity.name.key)
            if value is None:
                return None
            return self.time_value(value, period, quantity.name.text, quantity.span)
        if isinstance(quantity, n.ValueRef):
            table = self.tables.get(quantity.name.key)
            if table is None:
                if quantity.name.key in self.table_nodes:
                    return None  # the table itself has errors, already reported
                known = list(self.tables)
                hint = did_you_mean(quantity.name.key, known, "values") or \
                    "give an amount like '6 hours', or define a table: '§4.8 <value> is by <count>:'"
                first_word = quantity.name.key.split(" ")[0]
                if first_word in _NUMBER_WORDS:
                    hint = f"write the number in digits: '{_NUMBER_WORDS[first_word]} {quantity.name.key.partition(' ')[2]}'"
                elif quantity.name.key in ALL_TIME_UNITS or quantity.name.key.lower() in HOUR_UNITS:
                    hint = f"give the number of {quantity.name}, for example '6 {quantity.name}'"
                self.error("E218", f"'{quantity.name}' is not a value this agreement computes", quantity.name.span,
                           hint=hint)
                return None
            if table.unit == "FTE":
                if period != m.Period("week") or self.working_week is None:
                    self.error("E206", f"'{quantity.name}' is in FTE, a share of the working week, so it can only be used "
                               "'per week'" + ("" if self.working_week else " with a working week defined"),
                               quantity.span, hint="write 'per week' and define 'a working week is 36 hours'")
                    return None
                return m.Quantity(None, table.name, self.working_week, text=quantity.name.text)
            return m.Quantity(None, table.name, Fraction(1), text=quantity.name.text)
        hours = self.amount_hours(quantity, period, allow_fte=True)
        if hours is None:
            return None
        return m.Quantity(hours, None, Fraction(1), text=_amount_text(quantity))

    # ---- formulas
    def formula_quantity(self, node, period: m.Period, clause: str) -> m.Quantity | None:
        """An allowance written as a formula: hours where it reads nothing of the person, else a value named by
        its own words, worked out for each person like a band table's."""
        typed = self.formula(node)
        if typed is None:
            return None
        text = _formula_text(node)
        value = f.FormulaValue(n.Name(text).key, typed.formula, typed.unit, typed.weekly, clause, text=text,
                               display=text, span=node.span)
        facts, values = f.formula_reads(typed.formula)
        if not facts and not values:
            quantity = self.time_value(value, period, text, node.span)
            if quantity is None:
                return None
            return m.Quantity(f.work_out(typed.formula, None, None) * quantity.factor, None, Fraction(1), text=text)
        known = self.formulas.get(value.name)
        if known is None:
            self.formulas[value.name] = value
        return self.time_value(value, period, text, node.span)

    def time_value(self, value: f.FormulaValue, period: m.Period, text: str, span) -> m.Quantity | None:
        """A formula's value as an allowance's quantity: time, and FTE only per week."""
        if value.unit not in ("hours", "FTE"):
            self.error("E236", f"an allowance is an amount of time, and '{text}' is {_UNIT_WORDS[value.unit]}", span,
                       hint="give it in hours, days or FTE, for example '3 hours for every case'")
            return None
        if (value.unit == "FTE" or value.weekly) and period != m.Period("week"):
            self.error("E206", f"'{text}' is worked out from FTE, a share of the working week, so it can only be "
                       "used 'per week'", span, hint="write 'per week', or give the amounts in hours or days")
            return None
        if value.unit == "FTE":
            return m.Quantity(None, value.name, self.working_week, text=text)
        return m.Quantity(None, value.name, Fraction(1), text=text)

    def formula_value(self, key: str) -> f.FormulaValue | None:
        """A value definition ('<value> is <formula>') checked, once; None where it has errors."""
        if key in self.formulas:
            return self.formulas[key]
        rule = self.formula_rules[key]
        body: n.ValueDefinition = rule.body
        if key in self.formulas_in_progress:
            chain = self.formulas_in_progress[self.formulas_in_progress.index(key):] + [key]
            names = " → ".join(self.formula_rules[k].body.name.text for k in chain)
            self.error("E237", f"'{body.name}' is worked out from itself ({names})", body.name.span,
                       hint="a value can use other values, but not itself, through any of them")
            self.formulas[key] = None
            return None
        if rule.condition is not None:
            self.error("E112", "a value cannot have a 'when' condition", rule.condition.span,
                       hint="put the condition on the rules that use the value")
        self.formulas_in_progress.append(key)
        try:
            typed = self.formula(body.formula)
        finally:
            self.formulas_in_progress.pop()
        if key in self.formulas:  # reported as worked out from itself while it was being checked
            return None
        value = None if typed is None else f.FormulaValue(
            key, typed.formula, typed.unit, typed.weekly, rule.clause.text, text=_formula_text(body.formula),
            quotes=rule.quotes, display=body.name.text, span=body.span)
        self.formulas[key] = value
        return value

    def formula(self, node) -> _Typed | None:
        """A formula of the AST checked: its model formula with its unit, or None after reporting why."""
        match node:
            case n.Amount():
                value, unit = self.table_amount(node)
                return None if value is None else _Typed(f.Constant(value, unit), unit)
            case n.Money(pounds=pounds):
                return _Typed(f.Constant(Fraction(pounds), "money"), "money")
            case n.PlainNumber(value=value):
                return _Typed(f.Constant(Fraction(value), "number"), "number")
            case n.Percent(value=value, of=of):
                typed = self.formula(of)
                return None if typed is None else _Typed(
                    f.Operation("×", f.Constant(Fraction(value) / 100, "number"), typed.formula), typed.unit, typed.weekly)
            case n.ValueRef(name=name):
                return self.formula_name(name)
            case n.Operation(op=op, left=left, right=right):
                a, b = self.formula(left), self.formula(right)
                return None if a is None or b is None else self.operation(op, a, b, node)
            case n.ForEvery(amount=amount, name=name, every=every):
                typed = self.formula(amount)
                fact = self.formula_fact(name, "'for every'")
                if typed is None or fact is None:
                    return None
                return _Typed(f.ForEvery(typed.formula, fact, every or 1), typed.unit, typed.weekly)
            case n.Proportion(amount=amount, part=part, whole=whole):
                typed = self.formula(amount)
                shares = [self.formula_name(name) for name in (part, whole)]
                if typed is None or None in shares:
                    return None
                for name, share in zip((part, whole), shares):
                    if share.unit != "count" and share.unit != "number":
                        self.error("E235", f"a share is in proportion to counts, and '{name}' is "
                                   f"{_UNIT_WORDS[share.unit]}", name.span,
                                   hint="for example 'shared in proportion to union members of all members'")
                        return None
                return _Typed(f.Proportion(typed.formula, shares[0].formula, shares[1].formula), typed.unit, typed.weekly)
            case n.Bound(kind=kind, formula=inner, limit=limit):
                a, b = self.formula(inner), self.formula(limit)
                if a is None or b is None:
                    return None
                a, b = self.same_unit(a, b, f"'{kind} {_formula_text(limit)}'", limit.span)
                return None if a is None else _Typed(f.Bound(kind, a.formula, b.formula), a.unit, a.weekly or b.weekly)
            case n.Rounded(formula=inner, direction=direction, unit=unit, number=number):
                typed = self.formula(inner)
                step = self.rounding_step(unit, Fraction(1) if number is None else Fraction(number), typed, node)
                if typed is None or step is None:
                    return None
                if step <= 0:
                    self.error("E235", "a formula is rounded to a step larger than zero", node.span,
                               hint="for example 'rounded to the nearest half day'")
                    return None
                return _Typed(f.Rounded(typed.formula, step, direction), typed.unit, typed.weekly)
        return None

    def formula_name(self, name: n.Name) -> _Typed | None:
        """A name in a formula: a count or number fact of the person, or a value (a table's or a formula's).
        A singular or plural of one ('member' for 'members') is that one."""
        for key in _number_forms(name.key):
            if key in self.facts:
                fact = self.formula_fact(name, None)
                return None if fact is None else _Typed(f.FactValue(fact), {"count": "count", "hours": "hours"}.get(
                    self.facts[fact].type, "number"))
            if key in self.tables:
                return _Typed(f.ValueOf(key), self.tables[key].unit)
            if key in self.table_nodes:
                return None  # the table has errors of its own, already reported
            if key in self.formula_rules:
                value = self.formula_value(key)
                return None if value is None else _Typed(f.ValueOf(key), value.unit, value.weekly)
        definition = {"working week": self.working_week, "working day": self.working_day}
        if name.key in definition and name.key not in self.facts:
            if definition[name.key] is None:
                self.error("E205", f"'{name}' is the agreement's {name.key}, which it does not define", name.span,
                           hint=f"add a definition, for example 'a {name.key} is 37 hours'" if name.key ==
                           "working week" else "add a definition, for example 'a working day is 7 hours 12 minutes'")
                return None
            return _Typed(f.Constant(definition[name.key], "hours"), "hours")
        known = list(self.facts) + list(self.tables) + list(self.formula_rules)
        self.error("E218", f"'{name}' is not a fact or a value of this agreement", name.span,
                   hint=_lookalike_hint(name, did_you_mean(name.key, known, "facts and values")
                                        or f"declare it: 'fact {name}: count'"))
        return None

    def formula_fact(self, name: n.Name, where: str | None) -> str | None:
        """The key of the count or number fact a formula reads by `name` (or its singular or plural)."""
        key = next((k for k in _number_forms(name.key) if k in self.facts), None)
        if key is None:
            known = [k for k, d in self.facts.items() if d.type in ("count", "number", "hours")]
            hint = did_you_mean(name.key, known, "counts") or f"declare it: 'fact {name}: count'"
            self.error("E218", f"{where} needs a count of the person, and '{name}' is not a declared fact", name.span,
                       hint=_lookalike_hint(name, hint))
            return None
        fact = self.facts[key]
        if fact.request:
            self.error("E238", f"a formula is worked out from the person's facts, and '{name}' is a fact of each "
                       "request", name.span, hint=f"declare it as the person's: 'fact {fact.written}: {fact.type}'")
            return None
        if fact.type not in ("count", "number", "hours"):
            self.error("E238", f"'{name}' is a {fact.type}; a formula counts with counts, numbers and hours", name.span,
                       hint=f"use a count fact, for example 'fact {name}: count'")
            return None
        return key

    def operation(self, op: str, a: _Typed, b: _Typed, node) -> _Typed | None:
        """a op b with its unit: time and money add to their own kind; a count or a plain number multiplies
        anything; dividing like by like gives a plain number (a share)."""
        weekly = a.weekly or b.weekly
        if op in ("+", "-"):
            a, b = self.same_unit(a, b, f"'{_formula_text(node.right)}'", node.right.span,
                                  "add" if op == "+" else "take", "to" if op == "+" else "from")
            return None if a is None else _Typed(f.Operation(op, a.formula, b.formula), a.unit, a.weekly or b.weekly)
        if op == "×":
            if a.unit in ("number", "count") or b.unit in ("number", "count"):
                # Time, FTE and money keep their unit; a count times a number is a count.
                units = {a.unit, b.unit}
                unit = next(iter(units - {"number", "count"}), "count" if "count" in units else "number")
                return _Typed(f.Operation(op, a.formula, b.formula), unit, weekly)
            self.error("E235", f"'{_formula_text(node.left)}' ({_UNIT_WORDS[a.unit]}) cannot be multiplied by "
                       f"'{_formula_text(node.right)}' ({_UNIT_WORDS[b.unit]})", node.span,
                       hint="multiply an amount by a count or a number: '3 hours for every case', '2 times 6 hours'")
            return None
        if b.unit in ("number", "count") and a.unit not in ("number", "count"):
            return _Typed(f.Operation(op, a.formula, b.formula), a.unit, weekly)
        if a.unit in ("number", "count") and b.unit in ("number", "count"):
            return _Typed(f.Operation(op, a.formula, b.formula), "number", weekly)
        if {a.unit, b.unit} <= {"hours", "FTE"} or a.unit == b.unit:
            a, b = self.same_unit(a, b, f"'{_formula_text(node.right)}'", node.right.span, "divide", "into")
            return None if a is None else _Typed(f.Operation(op, a.formula, b.formula), "number", False)
        self.error("E235", f"'{_formula_text(node.left)}' ({_UNIT_WORDS[a.unit]}) cannot be divided by "
                   f"'{_formula_text(node.right)}' ({_UNIT_WORDS[b.unit]})", node.span,
                   hint="divide by a count or a number, or by an amount in the same unit for a share")
        return None

    def same_unit(self, a: _Typed, b: _Typed, what: str, span, verb: str = "compare", join: str = "with"):
        """(a, b) in one unit: FTE and hours are made hours by the working week (per week only from then on);
        (None, None) after reporting units that do not go together."""
        if a.unit == b.unit:
            return a, b
        if {a.unit, b.unit} == {"hours", "FTE"}:
            if self.working_week is None:
                self.error("E205", "FTE and hours go together only by the length of a working week, which this "
                           "agreement does not define", span, hint="add a definition, for example 'a working week is 36 hours'")
                return None, None
            week = f.Constant(self.working_week, "number")
            a, b = (_Typed(f.Operation("×", t.formula, week), "hours", True) if t.unit == "FTE" else
                    _Typed(t.formula, t.unit, True) for t in (a, b))
            return a, b
        self.error("E235", f"cannot {verb} {what} ({_UNIT_WORDS[b.unit]}) {join} {_UNIT_WORDS[a.unit]}", span,
                   hint="every part added, compared or bounded must be in one unit: hours (or days, or FTE), money, "
                        "or counts")
        return None, None

    def rounding_step(self, unit: n.Name, number: Fraction, typed: _Typed | None, node) -> Fraction | None:
        """The step a formula is rounded to, in the formula's own unit ('half day' is 3.6 h on a 7.2 h day; in FTE,
        3.6 h of a 36 h week is 0.1)."""
        key = _unit_key(unit)
        if key in _MONEY_UNITS:
            step, step_unit = number * _MONEY_UNITS[key], "money"
        elif key in FTE_UNITS:
            step, step_unit = number, "FTE"
        else:
            hours = self.term_hours(n.Term(Decimal(number.numerator) / Decimal(number.denominator), unit, span=unit.span),
                                    None, False) if number.denominator in (1, 2, 4, 5, 8, 10, 20, 25, 50, 100, 1000) \
                else None
            if hours is None:
                return None
            step, step_unit = hours, "hours"
        if typed is None:
            return None
        if step_unit == typed.unit:
            return step
        if {step_unit, typed.unit} == {"hours", "FTE"} and self.working_week is not None:
            return step / self.working_week if typed.unit == "FTE" else step * self.working_week
        self.error("E235", f"a formula in {_UNIT_WORDS[typed.unit]} cannot be rounded to {_UNIT_WORDS[step_unit]}",
                   unit.span, hint="round to a step in the formula's own unit, for example 'rounded to the nearest "
                   "half day' for time")
        return None

    def notice_days(self, amount: n.Amount) -> int | None:
        total = Fraction(0)
        for term in amount.terms:
            unit = _unit_key(term.unit)
            if unit not in NOTICE_DAYS:
                hint = did_you_mean(unit, NOTICE_DAYS) or "for example 'must give 6 weeks' notice'"
                if unit in HOUR_UNITS:
                    hint = "give the notice in days or weeks, for example 'must give 2 days' notice'"
                self.error("E216", f"notice for requests is counted in days or weeks, not '{unit}'", term.unit.span,
                           hint=hint)
                return None
            total += self.number(term) * NOTICE_DAYS[unit]
        if total.denominator != 1:
            self.error("E216", "notice must be a whole number of days", amount.span, hint="for example '10 days'")
            return None
        return int(total)

    def agreement_notice(self, rule: n.Rule) -> m.AgreementNotice | None:
        amount = rule.body.amount
        if len(amount.terms) != 1 or amount.alternative is not None:
            self.error("E216", "give the notice as one amount, for example '3 months'", amount.span)
            return None
        term = amount.terms[0]
        unit = AGREEMENT_NOTICE_UNITS.get(_unit_key(term.unit))
        if unit is None:
            self.error("E216", f"notice of a variation or termination is counted in days, weeks or months, not "
                       f"'{_unit_key(term.unit)}'", term.unit.span,
                       hint=did_you_mean(_unit_key(term.unit), AGREEMENT_NOTICE_UNITS)
                       or "for example 'variations need 3 months' notice'")
            return None
        return m.AgreementNotice(self.number(term), unit, rule.clause.text, span=rule.body.span)

    # ---- tables
    def table(self, rule: n.Rule):
        body: n.BandTable = rule.body
        key = body.name.key
        if key in self.tables or self.name_clash(key):
            self.error("E208", f"'{body.name}' is declared twice", body.name.span, hint="give each value its own name")
            return
        if rule.condition is not None:
            self.error("E112", "a table cannot have a 'when' condition", rule.condition.span,
                       hint="put the condition on the rules that use the table's value")
        by = self.facts.get(body.by.key)
        if by is None or by.request or by.type not in ("count", "number"):
            hint = did_you_mean(body.by.key, [k for k, f in self.facts.items() if f.type == "count"], "counts")
            what = "not a declared fact" if by is None else f"a {by.type}, not a count"
            self.error("E213", f"a table is looked up by a count, and '{body.by}' is {what}", body.by.span,
                       hint=hint or f"declare it: 'fact {body.by}: count'")
            return
        unit = None
        rows = []
        for row in body.rows:
            value, row_unit = self.table_amount(row.amount)
            if value is None:
                return
            if unit is None:
                unit = row_unit
            elif unit != row_unit:
                self.error("E214", f"every row of a table must be in the same unit: this row is in {row_unit}, the first "
                           f"in {unit}", row.amount.span, hint=f"write this row in {unit}")
                return
            low = row.low if row.low is not None else 0
            if max(low, row.high or 0) > LARGEST_NUMBER:
                self.error("E225", f"{max(low, row.high or 0)} is too large for a table's range", row.span,
                           hint="check the number; for an open-ended last row write '3001 or more'")
                return
            if row.high is not None and row.high < low:
                self.error("E221", f"the range {low} to {row.high} is empty: it starts after it ends", row.span,
                           hint=f"write it as {row.high} to {low}")
                return
            rows.append(m.TableRow(low, row.high, value, text=_amount_text(row.amount), span=row.span))
        step = every = None
        if body.continuation is not None:
            value, step_unit = self.table_amount(body.continuation.amount)
            if value is None:
                return
            if step_unit != unit:
                self.error("E214", f"the continuation is in {step_unit}, the rows in {unit}", body.continuation.amount.span,
                           hint=f"write it in {unit}")
                return
            if rows and rows[-1].high is None:
                self.error("E221", "the continuation follows an open-ended row, so it can never apply",
                           body.continuation.span, hint="give the last row an upper end, for example '2501 – 3000'")
                return
            if body.continuation.every < 1:
                self.error("E221", "'for every further 0' is not a step", body.continuation.span,
                           hint="for example 'then a further 0.5 FTE for every further 500 members'")
                return
            step, every = value, body.continuation.every
        self.tables[key] = m.Table(key, by.name, unit or "hours", tuple(rows), step, every, rule.clause.text,
                                   rule.quotes, display=body.name.text, span=body.span)

    def table_amount(self, amount: n.Amount):
        """A row's amount: FTE stays in FTE; anything else becomes hours."""
        units = {_unit_key(t.unit) for t in amount.terms}
        if units & set(FTE_UNITS):
            if units - set(FTE_UNITS) or amount.alternative is not None:
                self.error("E214", "an FTE amount cannot be mixed with other units", amount.span)
                return None, None
            return sum((self.number(t) for t in amount.terms), Fraction(0)), "FTE"
        hours = self.amount_hours(amount)
        return hours, "hours"

    # ---- conditions
    def condition(self, node):
        match node:
            case n.And(items=items):
                parts = [self.condition(i) for i in items]
                return None if any(p is None for p in parts) else m.AllOf(tuple(parts))
            case n.Or(items=items):
                parts = [self.condition(i) for i in items]
                return None if any(p is None for p in parts) else m.AnyOf(tuple(parts))
            case n.Not(item=item):
                part = self.condition(item)
                return None if part is None else m.NoneOf(part)
            case n.Flag(name=name):
                ref = self.fact_ref(name)
                if ref is None:
                    return None
                if ref.type != "yes/no":
                    self.error("E209", f"'{name}' is a {ref.type}, not a yes/no fact, so it cannot stand alone",
                               name.span, hint=f"compare it, for example '{name} is ...'")
                    return None
                return m.IsTrue(ref)
            case n.Includes(name=name, value=value):
                ref = self.fact_ref(name)
                if ref is None:
                    return None
                if ref.type != "list of roles":
                    self.error("E209", f"'{name}' is a {ref.type}, not a list of roles", name.span,
                               hint=f"write '{name} is {value}'")
                    return None
                role = self.role(value)
                return None if role is None else m.Contains(ref, role)
            case n.OneOf(name=name, values=values):
                ref = self.fact_ref(name)
                if ref is None:
                    return None
                resolved = [self.name_value(ref, v) for v in values]
                return None if any(r is None for r in resolved) else m.InSet(ref, tuple(resolved))
            case n.Compare(name=name, op=op, operand=operand):
                ref = self.fact_ref(name)
                if ref is None:
                    return None
                return self.comparison(ref, op, operand, node)
        return None

    def fact_ref(self, name: n.Name) -> m.FactRef | None:
        key = name.key
        if key in self.facts:
            fact = self.facts[key]
            return m.FactRef(key, "request" if fact.request else "fact", fact.type, span=name.span)
        if key in BUILTIN_REQUEST_FACTS:
            return m.FactRef(key, "request", BUILTIN_REQUEST_FACTS[key], span=name.span)
        if key in self.tables:
            table = self.tables[key]
            return m.FactRef(key, "value", "FTE" if table.unit == "FTE" else "hours", span=name.span)
        if key in self.table_nodes:
            return None  # the table has errors of its own, already reported
        if key in self.formula_rules:
            value = self.formula_value(key)
            if value is None:
                return None
            return m.FactRef(key, "value", {"FTE": "FTE", "hours": "hours"}.get(value.unit, value.unit if value.unit in
                             ("count", "number") else "number"), span=name.span)
        known = list(self.facts) + list(BUILTIN_REQUEST_FACTS) + list(self.tables) + list(self.formula_rules)
        hint = did_you_mean(key, known, "facts")
        if key in self.roles:
            hint = f"'{name}' is a role: write 'roles include {name}'"
        elif key in self.staff_groups:
            hint = f"'{name}' is a staff group: write 'staff group is {name}'"
        self.error("E203", f"unknown fact '{name}'", name.span,
                   hint=_lookalike_hint(name, hint or f"declare it: 'fact {name}: yes/no' (or count, number, date, text)"))
        return None

    def name_value(self, ref: m.FactRef, value: n.Name):
        """The literal a name stands for, given the type of the fact it is compared with."""
        match ref.type:
            case "staff group":
                if value.key in self.staff_groups:
                    return value.key
                self.error("E210", f"unknown staff group '{value}'", value.span,
                           hint=_lookalike_hint(value, did_you_mean(value.key, self.staff_groups, "staff groups")))
            case "role":
                return self.role(value)
            case "category":
                return self.category(value)
            case "yes/no":
                if value.key in YES_WORDS:
                    return YES_WORDS[value.key]
                self.error("E209", f"'{ref.name}' is yes or no, not '{value}'", value.span, hint="write 'yes' or 'no'")
            case "text":
                return value.text
            case "list of roles":
                self.error("E222", f"'{ref.name}' is a list of roles: ask whether it includes one", value.span,
                           hint=f"write '{ref.name} include {value}'")
            case _:
                self.error("E209", f"'{ref.name}' is a {ref.type}; '{value}' is not one", value.span,
                           hint=_operand_hint(ref.type))
        return None

    def comparison(self, ref: m.FactRef, op: str, operand, node):
        ordered = op in ("<", "<=", ">", ">=")
        text = _operand_text(operand)
        if isinstance(operand, n.NameOperand):
            value = self.name_value(ref, operand.name)
            if value is None:
                return None
            if ordered:
                self.error("E209", f"'{ref.name}' is a {ref.type}; it cannot be more or less than '{operand.name}'",
                           node.span, hint="use 'is' or 'is not'")
                return None
            return m.Comparison(ref, op, value, text)
        if isinstance(operand, n.NumberOperand):
            if ref.type not in ("count", "number"):
                self.error("E209", f"'{ref.name}' is a {ref.type}, not a number", operand.span, hint=_operand_hint(ref.type))
                return None
            return m.Comparison(ref, op, Fraction(operand.value), text)
        if isinstance(operand, n.DateOperand):
            if ref.type != "date":
                self.error("E209", f"'{ref.name}' is a {ref.type}, not a date", operand.span, hint=_operand_hint(ref.type))
                return None
            return m.Comparison(ref, op, operand.text, text)
        if isinstance(operand, n.Amount):
            if ref.type == "FTE":
                value, unit = self.table_amount(operand)
                if value is None:
                    return None
                if unit != "FTE":
                    self.error("E214", f"'{ref.name}' is in FTE; compare it with an amount in FTE", operand.span,
                               hint=f"for example '{ref.name} is more than 0 FTE'")
                    return None
                return m.Comparison(ref, op, value, text)
            if ref.type == "hours":
                hours = self.amount_hours(operand)
                return None if hours is None else m.Comparison(ref, op, hours, text)
            if ref.type == "count" and ref.name == "notice days":
                days = self.notice_days(operand)
                return None if days is None else m.Comparison(ref, op, Fraction(days), text)
            self.error("E209", f"'{ref.name}' is a {ref.type}, not an amount of time", operand.span,
                       hint=_operand_hint(ref.type))
        return None

    def check_duplicates(self, collected):
        seen = {}
        for kind, items in collected.items():
            for item in items:
                key = (kind, meaning_key(item))
                if key in seen:
                    self.error("E226", f"this rule repeats {cited(seen[key].clause)} on line {seen[key].span.line if seen[key].span else '?'}",
                               item.span, hint="delete one of them")
                else:
                    seen[key] = item




def _part_of_a_name(key: str, declared, what: str, heading: str) -> str | None:
    """For an unknown name that is one of the words around 'and' or 'or' in a
    declared name ('representative' of 'representative and branch
    secretary'): a hint that a declaration's names are separated by commas."""
    for name in declared:
        parts = re.split(r" (?:and|or) ", name)
        if len(parts) > 1 and key in parts:
            return f"'{name}' is one {what}; for separate {heading}, use commas: '{heading}: {', '.join(parts)}'"
    return None


def _lookalike_hint(name: n.Name, hint: str | None) -> str | None:
    """A hint for an unknown name, saying first which of its letters only looks like a plain one."""
    odd = n.lookalikes(name.text)
    if not odd:
        return hint
    said = " and ".join(item.described() for item in odd)
    return f"it is spelt with {said}, another letter" + (f"; {hint}" if hint else "")


def _operand_hint(type_name: str) -> str:
    return {
        "count": "compare it with a whole number, for example 'is at least 100'",
        "number": "compare it with a number",
        "date": "compare it with a date like 2026-04-01",
        "yes/no": "write it alone ('employed by council') or with 'not'",
        "text": "compare it with words",
    }.get(type_name, "")


class _Typed:
    """A checked formula with its unit (one of formulas.UNITS); `weekly`: hours worked out from FTE."""

    __slots__ = ("formula", "unit", "weekly")

    def __init__(self, formula, unit: str, weekly: bool = False):
        self.formula, self.unit, self.weekly = formula, unit, weekly


# How a unit reads in a message about a formula.
_UNIT_WORDS = {"hours": "time", "FTE": "FTE", "money": "money", "count": "a count", "number": "a plain number"}
_MONEY_UNITS = {"pound": Fraction(1), "pounds": Fraction(1), "£": Fraction(1), "penny": Fraction(1, 100),
                "pence": Fraction(1, 100), "p": Fraction(1, 100)}


def _number_forms(key: str) -> tuple[str, ...]:
    """A name and its other numbers: 'member' and 'members', 'branch' and 'branches', and a word inside the name
    in the other number ('case this year' and 'cases this year'). The name as written comes first."""
    words = key.split(" ")
    forms = [key]
    for at in (len(words) - 1, *range(len(words) - 1)):  # the last word first: 'union member' is 'union members'
        word = words[at]
        others = [word + "s", word + "es"] + ([word[:-2]] if word.endswith("es") else []) + (
            [word[:-1]] if word.endswith("s") else [])
        forms += [" ".join([*words[:at], other, *words[at + 1:]]) for other in others if other]
    return tuple(dict.fromkeys(forms))


def _formula_text(node) -> str:
    """A formula as the ruleset writes it (the printer's words)."""
    from .printer import to_text  # the printer checks what it prints, so it imports this module

    return to_text(node)


def _date_text(date: n.DateText) -> str:
    return f"{date.year:04d}-{date.month:02d}" + (f"-{date.day:02d}" if date.day else "")


def _terms_text(terms) -> str:
    return " ".join(f"{_number_text(t.number)} {t.unit}" for t in terms)


def _amount_text(amount: n.Amount) -> str:
    text = _terms_text(amount.terms)
    if amount.alternative:
        text += f" ({_terms_text(amount.alternative)})" if amount.parenthesised else f" or {_terms_text(amount.alternative)}"
    return text


def _number_text(number: Decimal) -> str:
    return format(number, "f")


def _hours(value: Fraction) -> str:
    from .numbers import format_hours

    return format_hours(value)


def _operand_text(operand) -> str:
    match operand:
        case n.NameOperand(name=name):
            return name.text
        case n.NumberOperand(value=value):
            return _number_text(value)
        case n.DateOperand(text=text):
            return text
        case n.Amount():
            return _amount_text(operand)
    return ""


def _shared_text(holder: str | None) -> str:
    """How a rule's text says whose time it is: ", shared by the union", or "" for each person's own."""
    return "" if holder is None else f", shared by the {holder}"
