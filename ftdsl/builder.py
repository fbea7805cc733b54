"""Building: a Lark parse tree in, the AST (nodes.py) out, with spans.

The grammar accepts a few things that only make sense in one place (table
rows under a table, a continuation after the rows); those are checked here
and reported together.
"""

from __future__ import annotations

import re
from decimal import Decimal

import lark
from lark import Token, Transformer, v_args

from . import model
from . import nodes as n
from .errors import Diagnostic, FtdslError, Span
from .names import unmarked
from .parser import extract_comments, parse_tree

MONTHS = tuple(name.lower() for name in model.MONTHS)  # as the grammar reads them, whatever their case
# In a year that is not a leap year: the day a year starts on must exist in
# every year. (A table rather than the calendar module, which a cold run
# would import for this alone.)
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def parse(text: str, file: str = "<ruleset>") -> n.Ruleset:
    """Parse .ftr text into a Ruleset AST, or raise FtdslError.

    >>> parse('§1 duties are paid\\n').statements[0].body.pay
    'paid'
    """
    tree = parse_tree(text, file)
    _check_nesting(tree, file, text)
    builder = _Builder(file)
    statements = builder.transform(tree)
    if builder.diagnostics:
        raise FtdslError(builder.diagnostics, {file: text})
    return n.Ruleset(tuple(statements), tuple(extract_comments(text)), file=file)


# How deeply 'not', 'and', 'or' and brackets may nest in one condition, and
# the steps of one formula ('plus', 'times', 'at least' ...). No agreement
# needs more than a few levels; past this the builder, the checker and the
# runtime would run out of stack, so the limit is checked here, on the parse
# tree, without recursion.
MAX_NESTING = 100
_CONDITION_RULES = frozenset(("negation", "and_condition", "or_condition"))
_FORMULA_RULES = frozenset(("add", "subtract", "multiply", "divide", "for_every", "in_proportion", "at_least",
                            "at_most", "rounded"))
_NESTING_RULES = _CONDITION_RULES | _FORMULA_RULES


def _check_nesting(tree: lark.Tree, file: str, text: str) -> None:
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if node.data in _NESTING_RULES:
            depth += 1
            if depth > MAX_NESTING:
                meta = node.meta
                span = Span(file, getattr(meta, "line", 1), getattr(meta, "column", 1))
                if node.data in _FORMULA_RULES:
                    raise FtdslError(Diagnostic(
                        "E199", f"this formula has more than {MAX_NESTING} steps", span,
                        hint="work part of it out as a value of its own ('<value> is ...') and use it by name"),
                        {file: text})
                raise FtdslError(Diagnostic(
                    "E199", f"this condition is nested more than {MAX_NESTING} levels deep",
                    span, hint="split it into simpler rules, or remove doubled 'not's and brackets"), {file: text})
        stack.extend((child, depth) for child in node.children if isinstance(child, lark.Tree))


def _span(file: str, meta_or_token) -> Span | None:
    if isinstance(meta_or_token, Token):
        return Span(file, meta_or_token.line, meta_or_token.column, meta_or_token.end_line, meta_or_token.end_column)
    if getattr(meta_or_token, "empty", True):
        return None
    return Span(file, meta_or_token.line, meta_or_token.column, meta_or_token.end_line, meta_or_token.end_column)


# How many digits a number may have before its point and after it. A number
# past 10^9 is refused whatever it counts (the checker says so for those of
# ten digits, with the number in full); one of eleven digits or more is
# refused here, from its length alone, before it is converted: Python's int()
# refuses to turn more than 4,300 digits into text, and no agreement has a
# number that long. Past 20 digits after the point an amount is not a figure
# anyone agreed, and its exact fraction would be as long.
MAX_WHOLE_DIGITS = 10
MAX_DECIMAL_PLACES = 20


def _digits(token: Token) -> tuple[int, int]:
    """How many digits a number has before its point (leading zeros aside) and after it (trailing zeros aside)."""
    whole, _, decimals = str(token).replace(",", "").partition(".")
    return len(whole.lstrip("0")), len(decimals.rstrip("0"))


def _shown(token: Token) -> str:
    """A number as written, or its first digits and its length when it is too long to read."""
    text = str(token)
    if len(text) <= 30:
        return text
    return f"{text[:12]}… ({sum(ch.isdigit() for ch in text):,} digits)"


def _number(token: Token) -> Decimal:
    return Decimal(str(token).replace(",", ""))


def _string(token: Token) -> str:
    return str(token)[1:-1]


def _month(token: Token) -> int:
    return MONTHS.index(str(token).lower()) + 1


# The hints for a number too large, by what it stands for (as the checker gives them for smaller ones).
_TOO_LARGE_HINT = "check the number; a number in an agreement is at most 1000000000"
_TOO_LARGE_HINTS = {
    "to be an amount of time": "check the number; amounts are hours, days or weeks in an agreement",
    "a table's range": "check the number; for an open-ended last row write '3001 or more'",
    "a year": "write the year with four digits, for example 'April 2006'",
    "a day of the month": "write the day as a number from 1 to 31, for example '1 April'",
    "the length of a period": "use a count from 1 to 1000, for example 'in any 12 months'",
}


@v_args(meta=True)
class _Builder(Transformer):
    def __init__(self, file: str):
        super().__init__()
        self.file = file
        self.diagnostics: list[Diagnostic] = []

    def span(self, meta):
        return _span(self.file, meta)

    def _readable(self, token: Token, too_large: str, hint: str) -> bool:
        """Whether a number is short enough to convert; if not, an E225 (or an
        E103 for too many decimal places), decided from its length alone."""
        whole, decimals = _digits(token)
        if whole > MAX_WHOLE_DIGITS:
            self.diagnostics.append(Diagnostic("E225", f"{_shown(token)} is too large {too_large}",
                                               _span(self.file, token), hint=hint))
            return False
        if decimals > MAX_DECIMAL_PLACES:
            self.diagnostics.append(Diagnostic(
                "E225", f"{_shown(token)} has more than {MAX_DECIMAL_PLACES} digits after the point",
                _span(self.file, token), hint="round it: the agreement's figures have a few decimal places at most"))
            return False
        return True

    def _whole(self, token: Token, what: str) -> int:
        """A count, a day or a range bound: a whole number, or an E103 (never silently cut).

        A number too long to convert is an E225, and 0 stands in for it (the
        builder's errors stop the ruleset before its meaning is checked)."""
        if not self._readable(token, f"for {what}", _TOO_LARGE_HINTS.get(what, _TOO_LARGE_HINT)):
            return 0
        value = _number(token)
        if value != value.to_integral_value():
            text = str(token)
            hint = "write a whole number"
            if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
                hint = f"if you mean {text.replace('.', '')}, write it without the point: numbers have no thousands separators"
            self.diagnostics.append(Diagnostic("E103", f"{what} is a whole number, not {text}", _span(self.file, token),
                                               hint=hint))
        return int(value)

    def _amount_number(self, token: Token, too_large: str = "to be an amount of time") -> Decimal:
        if not self._readable(token, too_large, _TOO_LARGE_HINTS.get(too_large, _TOO_LARGE_HINT)):
            return Decimal(0)
        text = str(token)
        if re.match(r"0,\d", text):
            self.diagnostics.append(Diagnostic(
                "E103", f"'{text}' reads as a number with a thousands separator", _span(self.file, token),
                hint=f"if you mean a fraction, write it with a decimal point: {text.replace(',', '.', 1)}"))
        return _number(token)

    # ---- top level
    def start(self, meta, children):
        return [c for c in children if c is not None]

    # ---- header
    def agreement_title(self, meta, children):
        return n.AgreementTitle(_string(children[0]), span=self.span(meta))

    def employer(self, meta, children):
        return n.Employer(_string(children[0]), span=self.span(meta))

    def unions(self, meta, children):
        return n.Unions(tuple(children[0]), span=self.span(meta))

    def string_list(self, meta, children):
        return [_string(c) for c in children]

    def variation_title(self, meta, children):
        return n.VariationTitle(_string(children[0]), span=self.span(meta))

    def amends(self, meta, children):
        return n.Amends(_string(children[0]), span=self.span(meta))

    def removal(self, meta, children):
        return n.Removal(span=self.span(meta))

    def agreed(self, meta, children):
        return n.Agreed(children[0], span=self.span(meta))

    def effective(self, meta, children):
        return n.Effective(children[0], span=self.span(meta))

    def iso_date(self, meta, children):
        parts = [int(p) for p in str(children[0]).split("-")]
        return self._date(meta, parts[0], parts[1], parts[2] if len(parts) > 2 else None)

    def day_month_year(self, meta, children):
        day, month, year = children
        errors = len(self.diagnostics)
        year, day = self._whole(year, "a year"), self._whole(day, "a day of the month")
        return self._date(meta, year, _month(month), day, checked=len(self.diagnostics) == errors)

    def month_year(self, meta, children):
        month, year = children
        errors = len(self.diagnostics)
        year = self._whole(year, "a year")
        return self._date(meta, year, _month(month), None, checked=len(self.diagnostics) == errors)

    def _date(self, meta, year, month, day, checked: bool = True):
        """The date, with an E110 if there is no such day (unless its numbers had errors of their own)."""
        import datetime

        try:
            if checked:
                datetime.date(year, month, day or 1)
        except (ValueError, OverflowError):
            self.diagnostics.append(Diagnostic("E110", f"there is no such date: {year:04d}-{month:02d}-{day or 1:02d}",
                                               self.span(meta), hint="write a real date, for example 2006-04-01 or 1 April 2006"))
        return n.DateText(year, month, day, span=self.span(meta))

    # ---- definitions
    def working_day(self, meta, children):
        return n.WorkingDay(children[0], span=self.span(meta))

    def working_week(self, meta, children):
        return n.WorkingWeek(children[0], span=self.span(meta))

    def year_start(self, meta, children):
        day, month = children
        errors = len(self.diagnostics)
        day_number = self._whole(day, "a day of the month")
        month_number = _month(month)
        if len(self.diagnostics) == errors and not 1 <= day_number <= _DAYS_IN_MONTH[month_number - 1]:
            self.diagnostics.append(Diagnostic("E110", f"{month} has no day {day_number}", self.span(meta),
                                               hint="write a day that exists in every year, for example 'the year starts on 1 April'"))
        return n.YearStart(day_number, month_number, span=self.span(meta))

    # ---- vocabulary
    def roles_decl(self, meta, children):
        return n.RolesDecl(tuple(children[0]), span=self.span(meta))

    def staff_groups_decl(self, meta, children):
        return n.StaffGroupsDecl(tuple(children[0]), span=self.span(meta))

    def categories_decl(self, meta, children):
        return n.CategoriesDecl(tuple(children[0]), span=self.span(meta))

    def pools_decl(self, meta, children):
        return n.PoolsDecl(tuple(children[0]), span=self.span(meta))

    def activities_decl(self, meta, children):
        return n.ActivitiesDecl(tuple(children[0]), span=self.span(meta))

    def fact_decl(self, meta, children):
        name, (type_name, assumed) = children
        return n.FactDecl(name, type_name, request=False, assumed=assumed, span=self.span(meta))

    def request_fact_decl(self, meta, children):
        name, (type_name, assumed) = children
        return n.FactDecl(name, type_name, request=True, assumed=assumed, span=self.span(meta))

    def type_spec(self, meta, children):
        return (children[0], children[1] if len(children) > 1 else None)

    def assumed(self, meta, children):
        return children[0]

    def name_list(self, meta, children):
        return list(children)

    def names(self, meta, children):
        return tuple(children)

    def name(self, meta, children):
        return n.Name(" ".join(unmarked(str(c)) for c in children), span=self.span(meta))

    def quoted_name(self, meta, children):
        text = " ".join(_string(children[0]).split())
        if not text:
            self.diagnostics.append(Diagnostic("E115", "the quoted name is empty", self.span(meta),
                                               hint='write the name inside the quotes, for example "health and safety '
                                                    'representative"'))
        return n.Name(text, span=self.span(meta), quoted=True)

    # ---- rules
    def rule(self, meta, children):
        clause, body, *rest = children
        conditions = []
        quotes = []
        rows = []
        continuation = None
        in_force = []
        for item in rest:
            if isinstance(item, n.InForce):
                in_force.append(item)
                continue
            if isinstance(item, list):  # the indented block
                for line in item:
                    if isinstance(line, n.InForce):
                        in_force.append(line)
                        continue
                    kind, value = line
                    if kind == "when":
                        conditions.append(value)
                    elif kind == "says":
                        quotes.append(value)
                    elif kind == "row":
                        if continuation is not None:
                            self._misplaced(value.span, "a table row after the 'then a further' line",
                                            "put 'then a further ...' after the last row")
                        rows.append(value)
                    elif kind == "continuation":
                        if continuation is not None:
                            self._misplaced(value.span, "a second 'then a further' line", "keep one continuation per table")
                        continuation = value
            elif item[0] == "says":
                quotes.insert(0, item[1])
            else:
                conditions.append(item[1])
        if isinstance(body, n.BandTable):
            if not rows:
                self.diagnostics.append(Diagnostic("E111", f"the table '{body.name}' has no rows", self.span(meta),
                                                   hint="add indented rows under it, for example '    0 – 99: 0 FTE'"))
            body = n.BandTable(body.name, body.by, tuple(rows), continuation, span=body.span)
        else:
            for row in rows:
                self._misplaced(row.span, "a table row under a rule that is not a table",
                                "start a table with '§4.8 <value> is by <count>:' and put rows under it")
            if continuation is not None:
                self._misplaced(continuation.span, "'then a further ...' under a rule that is not a table",
                                "put it after the last row of a table")
        condition = None
        if len(conditions) == 1:
            condition = conditions[0]
        elif conditions:
            condition = n.And(tuple(conditions), span=conditions[0].span)
        if len(in_force) == 2 and in_force[0].end is None and in_force[1].start is None:
            # 'from ...' and 'until ...' on lines of their own: one span of dates.
            in_force = [n.InForce(in_force[0].start, in_force[1].end, span=in_force[0].span)]
        for extra in in_force[1:]:
            self._misplaced(extra.span, "a second 'from' or 'until' line", "give the rule's dates on one line, "
                            "for example 'from 1 April 2015 until 31 March 2018'")
        return n.Rule(clause, body, condition, tuple(quotes), span=self.span(meta),
                      in_force=in_force[0] if in_force else None)

    def in_force(self, meta, children):
        return n.InForce(children[0], children[1] if len(children) > 1 else None, span=self.span(meta))

    def in_force_until(self, meta, children):
        return n.InForce(None, children[0], span=self.span(meta))

    def _misplaced(self, span, what, hint):
        self.diagnostics.append(Diagnostic("E112", f"{what} is not allowed here", span, hint=hint))

    def clause_number(self, meta, children):
        return n.ClauseRef(str(children[0]), heading=False, span=self.span(meta))

    def clause_part(self, meta, children):
        # "Schedule 2 para 3": the words as the agreement has them, one space apart.
        words = [str(child) for child in children]
        words[0] = words[0].capitalize()  # "schedule 2" is cited as "Schedule 2", as a '§' is added to a number
        return n.ClauseRef(" ".join(words), heading=False, span=self.span(meta))

    def clause_heading(self, meta, children):
        text = _string(children[0]).strip()
        if not text:
            self.diagnostics.append(Diagnostic("E113", "the clause heading is empty", self.span(meta),
                                               hint='write the heading the agreement uses, for example §"Payment"'))
        return n.ClauseRef(text, heading=True, span=self.span(meta))

    def rule_block(self, meta, children):
        return list(children)

    def when(self, meta, children):
        return ("when", children[0])

    def inline_says(self, meta, children):
        return ("says", _string(children[0]))

    def says(self, meta, children):
        return ("says", _string(children[0]))

    def band_row(self, meta, children):
        (kind, low, high, dash), *rest = children
        label = rest[0] if len(rest) == 2 else None
        amount = rest[-1]
        return ("row", n.BandRow(kind, low, high, amount, label=label, dash=dash, span=self.span(meta)))

    def range_between(self, meta, children):
        low, dash, high = (children[0], "to", children[1]) if len(children) == 2 else children
        return ("between", self._whole(low, "a table's range"), self._whole(high, "a table's range"), str(dash))

    def range_at_least(self, meta, children):
        return ("at least", self._whole(children[0], "a table's range"), None, "or more")

    def range_above(self, meta, children):
        return ("above", self._whole(children[0], "a table's range") + 1, None, "above")

    def range_up_to(self, meta, children):
        dash = str(children[0]) if len(children) == 2 else "up to"
        return ("up to", None, self._whole(children[-1], "a table's range"), dash)

    def range_exactly(self, meta, children):
        value = self._whole(children[0], "a table's range")
        return ("exactly", value, value, "")

    def continuation(self, meta, children):
        amount, every, *label = children
        return ("continuation", n.Continuation(amount, self._whole(every, "'for every further'"), label=label[0] if label else None,
                                               span=self.span(meta)))

    # ---- rule bodies
    def allowance(self, meta, children):
        who, quantity, period, category, *shared = children
        return n.Allowance(who, quantity, period, category, shared[0] if shared else None, span=self.span(meta))

    def shared(self, meta, children):
        return children[0]

    def reasonable_time(self, meta, children):
        who, category = children
        return n.ReasonableTime(who, category, span=self.span(meta))

    def granted_time(self, meta, children):
        who, category = children
        return n.GrantedTime(who, category, span=self.span(meta))

    def who(self, meta, children):
        return n.Who(tuple(children[0]), span=self.span(meta))

    def anyone(self, meta, children):
        return n.Who((), anyone=True, span=self.span(meta))

    def limit(self, meta, children):
        categories, amount, period, *shared = children
        return n.Limit(tuple(categories), amount, period, shared[0] if shared else None, span=self.span(meta))

    def discretion(self, meta, children):
        categories, *rest = children
        manner = None
        pay = None
        for item in rest:
            if isinstance(item, tuple) and item[0] == "manner":
                manner = item[1]
            elif isinstance(item, tuple) and item[0] == "pay":
                pay = item[1]
        return n.Discretion(tuple(categories), manner, pay, span=self.span(meta))

    def case_by_case(self, meta, children):
        return ("manner", "case by case")

    def exceptional(self, meta, children):
        return ("manner", "in exceptional circumstances")

    def pay_open(self, meta, children):
        return ("pay", "open")

    def pay_with(self, meta, children):
        return ("pay", "paid")

    def pay_without(self, meta, children):
        return ("pay", "unpaid")

    def requirement(self, meta, children):
        categories = children[0] if children else ()
        return n.Requirement(tuple(categories), span=self.span(meta))

    def refusal(self, meta, children):
        # "no time is given for X" has no 'who': it refuses everyone.
        who = children[0] if len(children) == 2 else n.Who(anyone=True, span=self.span(meta))
        return n.Refusal(who, tuple(children[-1]), span=self.span(meta))

    def spill(self, meta, children, wording="counts as"):
        categories, beyond, into = children
        return n.Spill(tuple(categories), beyond, into, wording, span=self.span(meta))

    def spill_treated(self, meta, children):
        return self.spill(meta, children, "is treated as")

    def beyond_allowance(self, meta, children):
        return "allowance"

    def beyond_limit(self, meta, children):
        return "limit"

    def toil_counts(self, meta, children):
        return n.ToilCounts(span=self.span(meta))

    def notice(self, meta, children):
        categories = ()
        if children and isinstance(children[0], tuple) and children[0] and isinstance(children[0][0], n.Name):
            categories, children = children[0], children[1:]
        force, amount, *rest = children
        where_possible = bool(rest)
        return n.Notice(tuple(categories), hard=(force == "must" and not where_possible), amount=amount,
                        where_possible=where_possible, span=self.span(meta))

    def must_state(self, meta, children):
        if len(children) == 3:
            categories, force, fields = children
        else:
            categories, (force, fields) = (), children
        return n.MustState(tuple(categories), force == "must", tuple(fields), span=self.span(meta))

    def must(self, meta, children):
        return "must"

    def should(self, meta, children):
        return "should"

    def where_possible(self, meta, children):
        return True

    def outside_hours(self, meta, children):
        return "outside"

    def payment(self, meta, children):
        categories, *rest = children
        outside = "outside" in rest
        pay = rest[-1]
        return n.Payment(tuple(categories), pay, outside_hours=outside, span=self.span(meta))

    def paid(self, meta, children):
        return "paid"

    def unpaid(self, meta, children):
        return "unpaid"

    def paid_if_agreed(self, meta, children):
        return "subject to agreement"

    def value_definition(self, meta, children):
        names, formula = children
        if len(names) != 1:
            self.diagnostics.append(Diagnostic("E114", "a formula computes one value; give it one name", self.span(meta),
                                               hint="for example '§4.8 union allocation is 0.1 FTE for every 100 members'"))
        return n.ValueDefinition(names[0], formula, span=self.span(meta))

    def band_table(self, meta, children):
        names, by = children
        if len(names) != 1:
            self.diagnostics.append(Diagnostic("E114", "a table computes one value; give it one name", self.span(meta),
                                               hint="for example '§4.8 branch secretary release is by branch members:'"))
        return n.BandTable(names[0], by, span=self.span(meta))

    def facilities(self, meta, children):
        return n.Facilities(_string(children[0]), span=self.span(meta))

    def pay_basis(self, meta, children):
        count, unit = children
        return n.PayBasis(self._whole(count, "the number of weeks or months"), unit, span=self.span(meta))

    def variation_notice(self, meta, children):
        return n.VariationNotice(children[0], span=self.span(meta))

    def termination_notice(self, meta, children):
        return n.TerminationNotice(children[0], span=self.span(meta))

    # ---- quantities
    def amount(self, meta, children):
        return n.Amount(tuple(children[0]), span=self.span(meta))

    def amount_or(self, meta, children):
        return n.Amount(tuple(children[0]), tuple(children[1]), span=self.span(meta))

    def amount_paren(self, meta, children):
        return n.Amount(tuple(children[0]), tuple(children[1]), parenthesised=True, span=self.span(meta))

    def terms(self, meta, children):
        return list(children)

    def term(self, meta, children):
        number, unit = children
        return n.Term(self._amount_number(number), unit, span=self.span(meta))

    def unit(self, meta, children):
        return n.Name(" ".join(str(c) for c in children), span=self.span(meta))

    def quantity(self, meta, children):
        return children[0]

    def value_quantity(self, meta, children):
        return n.ValueRef(children[0], span=self.span(meta))

    # ---- formulas
    def money(self, meta, children):
        return n.Money(self._amount_number(children[0][1:], "to be an amount of money"), span=self.span(meta))

    def percent_of(self, meta, children, the=False):
        number, of = children
        return n.Percent(self._amount_number(number, "for a percentage"), of, the, span=self.span(meta))

    def percent_of_the(self, meta, children):
        return self.percent_of(meta, children, the=True)

    def plain_number(self, meta, children):
        return n.PlainNumber(self._amount_number(children[0], "for a number"), span=self.span(meta))

    def _operation(op):
        def build(self, meta, children):
            left, right = children
            return n.Operation(op, left, right, span=self.span(meta))
        return build

    add, subtract, multiply, divide = _operation("+"), _operation("-"), _operation("×"), _operation("÷")
    del _operation

    def for_every(self, meta, children):
        amount, *every, name = children
        count = self._whole(every[0], "a count to go by") if every else None
        if count == 0 and every:
            self.diagnostics.append(Diagnostic("E103", "'for every 0' counts nothing", _span(self.file, every[0]),
                                               hint="for example '0.5 hours for every 100 members'"))
        return n.ForEvery(amount, name, count, span=self.span(meta))

    def in_proportion(self, meta, children):
        amount, part, whole = children
        return n.Proportion(amount, part, whole, span=self.span(meta))

    def at_least(self, meta, children):
        return n.Bound("at least", *children, span=self.span(meta))

    def at_most(self, meta, children):
        return n.Bound("at most", *children, span=self.span(meta))

    def rounded(self, meta, children):
        formula, (direction, number, unit, whole) = children
        return n.Rounded(formula, direction, unit, number, whole, span=self.span(meta))

    def round_nearest(self, meta, children):
        # The direction, if written, is a plain str (see up and down); the number is a Token.
        direction = children.pop(0) if children and type(children[0]) is str else "nearest"
        number = self._amount_number(children.pop(0), "for a rounding step") if len(children) == 2 else None
        return direction, number, children[0], False

    def round_whole(self, meta, children):
        return (children[0] if len(children) == 2 else "nearest"), None, children[-1], True

    def up(self, meta, children):
        return "up"

    def down(self, meta, children):
        return "down"

    def per_period(self, meta, children):
        return n.PerPeriod(children[0], span=self.span(meta))

    def rolling_period(self, meta, children):
        count, unit = children
        return n.RollingPeriod(self._whole(count, "the length of a period"), unit, span=self.span(meta))

    # ---- conditions
    def or_condition(self, meta, children):
        return n.Or(tuple(children), span=self.span(meta))

    def and_condition(self, meta, children):
        return n.And(tuple(children), span=self.span(meta))

    def negation(self, meta, children):
        return n.Not(children[0], span=self.span(meta))

    def flag(self, meta, children):
        return n.Flag(children[0], span=self.span(meta))

    def comparison(self, meta, children):
        name, op, operand = children
        return n.Compare(name, op, operand, span=self.span(meta))

    def includes(self, meta, children):
        name, value = children
        return n.Includes(name, value, span=self.span(meta))

    def one_of(self, meta, children):
        name, values = children
        return n.OneOf(name, tuple(values), span=self.span(meta))

    def eq(self, meta, children):
        return "="

    def ne(self, meta, children):
        return "!="

    def lt(self, meta, children):
        return "<"

    def gt(self, meta, children):
        return ">"

    def le(self, meta, children):
        return "<="

    def ge(self, meta, children):
        return ">="

    def number_operand(self, meta, children):
        return n.NumberOperand(self._amount_number(children[0], "to compare a fact with"), span=self.span(meta))

    def amount_operand(self, meta, children):
        # In a condition an amount is one sum of terms: "or" after it joins
        # conditions ("more than 1 hour or teaching"), never two amounts.
        return n.Amount(tuple(children[0]), span=self.span(meta))

    def name_operand(self, meta, children):
        return n.NameOperand(children[0], span=self.span(meta))

    def date_operand(self, meta, children):
        return n.DateOperand(str(children[0]), span=self.span(meta))

    def date_words_operand(self, meta, children):
        # "1 October 2026", as the header's dates are written; compared as 2026-10-01.
        date = self.day_month_year(meta, children)
        written = " ".join(str(child) for child in children)
        return n.DateOperand(f"{date.year:04d}-{date.month:02d}-{date.day:02d}", span=self.span(meta), written=written)
