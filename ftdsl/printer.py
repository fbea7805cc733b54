"""Printing: the AST (nodes.Ruleset) in, canonical .ftr text out.

One printer for every node type. `print_ruleset` lays a whole file out in
the canonical form described in docs/formatting.md; `to_text` prints any
single node (an amount, a condition, a formula, a rule) the same way.
formatter.py is what `ftdsl fmt` runs: parse, print, and prove the result
means the same before anyone writes it.

When the source text is given, the printer also keeps the few choices of
wording that the AST does not record and that a reader would miss: the
separators in a list of names ("equalities officer or women's officer"),
"is" or "are", and "include" or "includes". Everything else is printed in
one canonical spelling.
"""

from __future__ import annotations

import re
from decimal import Decimal

import attrs

from . import nodes as n
from .model import cited

INDENT = "    "
DASH = "\u2013"  # the en dash agreements print in ranges: "11 – 30"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")

_OPERATOR_WORDS = {"=": "is", "!=": "is not", "<": "is less than", ">": "is more than", "<=": "is at most",
                   ">=": "is at least"}
# After "is" the parser expects these words as keywords, so a name operand
# starting with one of them is printed after "=" instead ("status = not known").
_WORDS_AFTER_IS = {"not", "one", "less", "under", "more", "over", "at"}
def _shared(holder) -> str:
    """', shared by the union' for a pool's rule, '' for a person's own."""
    return "" if holder is None else f", shared by the {_written(holder)}"


_DISCRETION_PAY = {"open": "with or without pay", "paid": "with pay", "unpaid": "without pay"}
_PAY = {"paid": "paid", "unpaid": "unpaid", "subject to agreement": "paid subject to management agreement"}

# Groups of statements; a blank line always separates two groups.
_GROUPS = (
    ((n.AgreementTitle, n.VariationTitle, n.Amends, n.Employer, n.Unions, n.Agreed, n.Effective), "header"),
    ((n.WorkingDay, n.WorkingWeek, n.YearStart), "definitions"),
    ((*n.NAME_LISTS, n.ActivitiesDecl), "names"),
    ((n.Rule,), "rules"),
)


# A line break as the grammar reads one (_NL), in group 1. Quotations and
# comments are matched too, to be passed over: a carriage return inside a
# quotation is part of it, not a line break.
_LINE_BREAK = re.compile(r'"[^"\n]*"|\u201c[^\u201d\n]*\u201d|#[^\r\n]*|(\r\n|\r|\n)')


def line_ending(text: str) -> str:
    """How the text's first line ends: "\\r\\n", "\\r" or "\\n" (also for a text of one line)."""
    return next((match.group(1) for match in _LINE_BREAK.finditer(text) if match.group(1)), "\n")


def with_newlines(text: str) -> str:
    """The text with every line break a newline."""
    return _LINE_BREAK.sub(lambda match: "\n" if match.group(1) else match.group(), text)


def split_lines(text: str) -> list[str]:
    """The lines of a text, ended by "\\n", "\\r\\n" or "\\r" only, as the
    grammar reads them (a carriage return inside a quotation is part of it).

    Not str.splitlines, which also ends a line at a form feed, a vertical
    tab, 0x1c-0x1e, 0x85 and the Unicode line and paragraph separators, all
    of which a comment or a quotation pasted from a document may hold. A
    newline ending the text starts no line of its own.
    """
    lines = (with_newlines(text) if "\r" in text else text).split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def print_ruleset(ruleset: n.Ruleset, source: str | None = None) -> str:
    """The whole ruleset as canonical text, comments kept in place.

    `source` is the text the ruleset was parsed from; with it, blank lines
    the author wrote between statements are kept (several become one) and
    the wording the AST does not record is kept too.
    """
    return _Printer(ruleset, source).print()


def to_text(node) -> str:
    """Any AST node as .ftr text (a rule as its head line and indented lines)."""
    printer = _Printer(n.Ruleset(()), None)
    if isinstance(node, n.Rule):
        return "\n".join(text for text, _ in printer.rule_lines(node))
    return printer.node(node)


def rule_words(rule: n.Rule) -> str:
    """What a rule says, on one line and without its clause reference: its body and its condition
    ('representative may take up to 6 hours per month for duties when staff group is non-teaching')."""
    printer = _Printer(n.Ruleset(()), None)
    text = printer.body(rule.body)
    return text + (f" when {printer.condition(rule.condition)}" if rule.condition is not None else "")


def clause_text(clause: n.ClauseRef) -> str:
    """A clause reference as the canonical text writes it: §6.12, §"Standard", Schedule 2 para 3."""
    return _Printer(n.Ruleset(()), None).clause(clause)


# ---- the layout ----------------------------------------------------------------

@attrs.define
class _Line:
    """One printed line; `source` is the line of the input it came from (if known)."""

    text: str
    source: int | None = None
    block: bool = False
    comments_before: list = attrs.Factory(list)
    trailing: str | None = None


@attrs.define
class _Item:
    """A top-level statement (its lines) or a comment standing between statements."""

    lines: list
    statement: object = None
    first: int | None = None  # the first and last source lines it covers
    last: int | None = None


class _Printer:
    def __init__(self, ruleset: n.Ruleset, source: str | None):
        self.ruleset = ruleset
        self.source_lines = split_lines(source) if source is not None else None

    # ---- the whole file
    def print(self) -> str:
        statements = self.ruleset.statements
        items = []
        for index, statement in enumerate(statements):
            following = statements[index + 1] if index + 1 < len(statements) else None
            lines = self.statement_lines(statement, following)
            first = _line_of(statement)
            # Not the span's end: a statement's span runs on over the blank lines after it.
            last = max([first or 0] + [line.source or 0 for line in lines]) or None
            items.append(_Item(lines, statement, first, last))
        self.place_comments(items)
        return self.layout(items)

    def statement_lines(self, statement, following) -> list[_Line]:
        if isinstance(statement, n.Rule):
            lines = [_Line(text, source, block=i > 0) for i, (text, source) in enumerate(self.rule_lines(statement))]
            self.tag_quotes(statement, following, lines)
            return lines
        return [_Line(self.node(statement), _line_of(statement))]

    def place_comments(self, items: list[_Item]) -> None:
        """Put each comment before the line it preceded, or after the line it ended."""
        comments = sorted(self.ruleset.comments, key=lambda c: (c.line, c.column))
        loose = []
        for comment in comments:
            if not comment.own_line:
                line = self.line_from(items, comment.line)
                if line is not None and line.trailing is None:
                    line.trailing = comment.text
                    continue
            line = self.block_line_after(items, comment.line)
            if line is not None:
                line.comments_before.append(comment.text)
            else:
                loose.append(comment)
        # Comments between statements become items of their own, in source order.
        for comment in reversed(loose):
            at = next((i for i, item in enumerate(items) if item.first is not None and item.first > comment.line),
                      len(items))
            items.insert(at, _Item([_Line(comment.text, comment.line)], None, comment.line, comment.line))

    @staticmethod
    def line_from(items, source_line):
        for item in items:
            for line in item.lines:
                if line.source == source_line:
                    return line
        return None

    @staticmethod
    def block_line_after(items, source_line):
        """The block line a comment inside a rule precedes, or None if it stands between statements."""
        for item in items:
            if item.first is None or item.last is None or not item.first < source_line < item.last:
                continue
            after = [line for line in item.lines if line.block and line.source is not None and line.source > source_line]
            if after:
                return min(after, key=lambda line: line.source)
        return None

    def layout(self, items: list[_Item]) -> str:
        out: list[str] = []
        previous = None
        last_statement = None  # the statement before this item, and where its lines end in `out`
        after_statement = 0
        blank_since_statement = False
        for item in items:
            if previous is not None and self.source_blank(previous.last, item.first) and out[-1] != "":
                out.append("")
                blank_since_statement = True
            if item.statement is not None and last_statement is not None and not blank_since_statement \
                    and self.needs_blank(last_statement, item.statement):
                # Straight after the statement: comments leading up to this one stay with it.
                out.insert(after_statement, "")
            for line in item.lines:
                indent = INDENT if line.block else ""
                out.extend(indent + text for text in line.comments_before)
                out.append(indent + line.text + (f"  {line.trailing}" if line.trailing else ""))
            if item.statement is not None:
                last_statement = item.statement
                after_statement = len(out)
                blank_since_statement = False
            previous = item
        while out and out[0] == "":
            out.pop(0)
        return "\n".join(out) + "\n" if out else ""

    def source_blank(self, end: int | None, start: int | None) -> bool:
        if self.source_lines is None or end is None or start is None or end >= start:
            return False
        return any(not self.source_lines[i - 1].strip() for i in range(end + 1, start) if 0 < i <= len(self.source_lines))

    def needs_blank(self, before, after) -> bool:
        if _group(before) != _group(after):
            return True
        if isinstance(before, n.Rule) and isinstance(after, n.Rule):
            one_line = not _has_block(before) and not _has_block(after)
            # Short one-line rules may stand together as the author grouped
            # them (§9.1, §9.3); without the source, every rule stands apart.
            return not one_line or self.source_lines is None or _line_of(before) is None
        return False

    def tag_quotes(self, rule: n.Rule, following, lines: list[_Line]) -> None:
        """Find the source line of each 'says' (quotations carry no span of their own)."""
        if self.source_lines is None or rule.span is None or not rule.quotes:
            return
        start = rule.span.line
        stop = _line_of(following) or len(self.source_lines) + 1
        found = []
        head = self.source_lines[start - 1] if start <= len(self.source_lines) else ""
        if re.search(r"(?i)(^|\s)says\s*[\"\u201c]", _outside_quotes(head)):
            found.append(start)
        for number in range(start + 1, min(stop, len(self.source_lines) + 1)):
            if re.match(r"(?i)\s*says[\s\"\u201c]", self.source_lines[number - 1]):
                found.append(number)
        says = [line for line in lines if line.text.startswith("says ")]
        if len(found) == len(says):
            for line, number in zip(says, found):
                line.source = number

    # ---- rules
    def rule_lines(self, rule: n.Rule) -> list[tuple[str, int | None]]:
        """The head line and the indented lines of a rule, each with its source line."""
        head = f"{self.clause(rule.clause)} {self.body(rule.body)}"
        lines = []
        condition = rule.condition
        if condition is not None:
            # A condition stays where the author put it: on the rule's own line
            # ("... for mass meeting when in working hours") or indented below.
            # Without a source, a requirement reads as one sentence ("time off
            # is given only when ..."); every other condition goes below.
            written_inline = _line_of(condition) is not None and _line_of(condition) == _line_of(rule)
            if written_inline or (_line_of(condition) is None and isinstance(rule.body, n.Requirement)):
                head += f" when {self.condition(condition)}"
            else:
                lines.append((f"when {self.condition(condition)}", _line_of(condition)))
        if rule.in_force is not None:
            lines.append((self.in_force(rule.in_force), _line_of(rule.in_force)))
        if isinstance(rule.body, n.BandTable):
            for row in rule.body.rows:
                lines.append((self.band_row(row), _line_of(row)))
            if rule.body.continuation is not None:
                lines.append((self.continuation(rule.body.continuation), _line_of(rule.body.continuation)))
        for quote in rule.quotes:
            lines.append((f"says {_quoted(quote)}", None))
        return [(head, _line_of(rule))] + lines

    def in_force(self, in_force: n.InForce) -> str:
        """'from 1 October 2026', 'until March 2018' or 'from ... until ...', the dates as written."""
        parts = ([f"from {self.node(in_force.start)}"] if in_force.start is not None else []) + (
            [f"until {self.node(in_force.end)}"] if in_force.end is not None else [])
        return " ".join(parts)

    def clause(self, clause: n.ClauseRef) -> str:
        return f"§{_quoted(clause.text)}" if clause.heading else cited(clause.text)

    def body(self, body) -> str:
        match body:
            case n.Allowance(who=who, quantity=quantity, period=period, category=category, shared=shared):
                return (f"{self.who(who)} may take up to {self.node(quantity)} {self.node(period)} for "
                        f"{_written(category)}{_shared(shared)}")
            case n.ReasonableTime(who=who, category=category):
                return f"{self.who(who)} may take reasonable time for {_written(category)}"
            case n.GrantedTime(who=who, category=category):
                return f"{self.who(who)} may be granted time for {_written(category)}"
            case n.Limit(categories=categories, amount=amount, period=period, shared=shared):
                return (f"{self.names(categories)} {self.verb(categories)} limited to {self.node(amount)} "
                        f"{self.node(period)}{_shared(shared)}")
            case n.Discretion(categories=categories, manner=manner, pay=pay):
                text = f"additional time for {self.names(categories)} may be granted"
                if manner:
                    text += f" {manner}"
                if pay:
                    text += ("," if manner else "") + f" {_DISCRETION_PAY[pay]}"
                return text
            case n.Requirement(categories=categories):
                scope = f" for {self.names(categories)}" if categories else ""
                return f"time off{scope} is given only"
            case n.Refusal(who=who, categories=categories):
                if who.anyone:
                    return f"no time is given for {self.names(categories)}"
                return f"{self.who(who)} may not take time for {self.names(categories)}"
            case n.ToilCounts():
                return "time off in lieu counts against the allowances"
            case n.Spill(categories=categories, beyond=beyond, into=into, wording=wording):
                return f"time for {self.names(categories)} beyond the {beyond} {wording} {_written(into)}"
            case n.Removal():
                return "is removed"
            case n.Notice(categories=categories, hard=hard, amount=amount, where_possible=where_possible):
                scope = f" for {self.names(categories)}" if categories else ""
                force = "must" if hard else "should"
                return f"requests{scope} {force} give at least {self.amount(amount)} notice" + (
                    " where possible" if where_possible else "")
            case n.MustState(categories=categories, hard=hard, fields=fields):
                scope = f" for {self.names(categories)}" if categories else ""
                return f"requests{scope} {'must' if hard else 'should'} state {self.names(fields)}"
            case n.Payment(categories=categories, pay=pay, outside_hours=outside):
                where = " outside working hours" if outside else ""
                return f"{self.names(categories)}{where} {self.verb(categories)} {_PAY[pay]}"
            case n.BandTable(name=name, by=by):
                return f"{_written(name)} {self.verb((name,))} by {_written(by)}:"
            case n.ValueDefinition(name=name, formula=formula):
                return f"{_written(name)} {self.verb((name,))} {self.node(formula)}"
            case n.Facilities(text=text):
                return f"facilities {_quoted(text)}"
            case n.PayBasis(count=count, unit=unit):
                return f"pay is averaged over the previous {count} {_written(unit)} where earnings vary"
            case n.VariationNotice(amount=amount):
                return f"variations need {self.amount(amount)} notice"
            case n.TerminationNotice(amount=amount):
                return f"termination needs {self.amount(amount)} notice"
        raise TypeError(f"not a rule body: {body!r}")

    def band_row(self, row: n.BandRow) -> str:
        match row.kind:
            case "between":
                text = f"{row.low} {DASH} {row.high}"
            case "at least":
                text = f"{row.low} or more"
            case "above":
                text = f"above {row.low - 1}"
            case "up to":
                text = f"up to {row.high}"
            case _:
                text = f"{row.low}"
        label = f" {_written(row.label)}" if row.label is not None else ""
        return f"{text}{label}: {self.amount(row.amount)}"

    def continuation(self, continuation: n.Continuation) -> str:
        label = f" {_written(continuation.label)}" if continuation.label is not None else ""
        return f"then a further {self.amount(continuation.amount)} for every further {continuation.every}{label}"

    def who(self, who: n.Who) -> str:
        return "anyone" if who.anyone else self.names(who.roles)

    # ---- every other node
    def node(self, node) -> str:
        match node:
            case n.AgreementTitle(text=text):
                return f"agreement {_quoted(text)}"
            case n.Employer(text=text):
                return f"employer {_quoted(text)}"
            case n.VariationTitle(text=text):
                return f"variation {_quoted(text)}"
            case n.Amends(path=path):
                return f"amends {_quoted(path)}"
            case n.Unions(names=names):
                return "unions " + ", ".join(_quoted(name) for name in names)
            case n.Agreed(date=date):
                return f"agreed {self.node(date)}"
            case n.Effective(date=date):
                return f"effective {self.node(date)}"
            case n.DateText(year=year, month=month, day=day):
                return (f"{day} " if day else "") + f"{MONTHS[month - 1]} {year}"
            case n.WorkingDay(amount=amount):
                return f"a working day is {self.amount(amount)}"
            case n.WorkingWeek(amount=amount):
                return f"a working week is {self.amount(amount)}"
            case n.YearStart(day=day, month=month):
                return f"the year starts on {day} {MONTHS[month - 1]}"
            case n.RolesDecl(names=names):
                return "roles: " + ", ".join(_written(name) for name in names)
            case n.StaffGroupsDecl(names=names):
                return "staff groups: " + ", ".join(_written(name) for name in names)
            case n.CategoriesDecl(names=names):
                return "categories: " + ", ".join(_written(name) for name in names)
            case n.PoolsDecl(names=names):
                return "pools: " + ", ".join(_written(name) for name in names)
            case n.ActivitiesDecl(names=names):
                return "trade union activities: " + ", ".join(_written(name) for name in names)
            case n.FactDecl(name=name, type=type_name, request=request, assumed=assumed):
                text = ("request fact " if request else "fact ") + f"{_written(name)}: {_written(type_name)}"
                return text + (f", assumed {_written(assumed)}" if assumed is not None else "")
            case n.Rule():
                return "\n".join(text if i == 0 else INDENT + text for i, (text, _) in enumerate(self.rule_lines(node)))
            case n.ClauseRef():
                return self.clause(node)
            case n.Who():
                return self.who(node)
            case n.BandRow():
                return self.band_row(node)
            case n.Continuation():
                return self.continuation(node)
            case n.Name():
                return _written(node)
            case n.Amount():
                return self.amount(node)
            case n.Term():
                return self.term(node)
            case n.ValueRef(name=name):
                return _written(name)
            case n.Money() | n.PlainNumber() | n.Percent() | n.Operation() | n.ForEvery() | n.Proportion() | n.Bound() | \
                    n.Rounded():
                return self.formula(node)
            case n.PerPeriod(unit=unit):
                return f"per {_written(unit)}"
            case n.RollingPeriod(count=count, unit=unit):
                return f"in any {count} {_written(unit)}"
            case n.NumberOperand(value=value):
                return _number(value)
            case n.NameOperand(name=name):
                return _written(name)
            case n.DateOperand(text=text, written=written):
                return written or text
            case n.And() | n.Or() | n.Not() | n.Flag() | n.Compare() | n.Includes() | n.OneOf():
                return self.condition(node)
        if isinstance(node, n.Ruleset):
            return print_ruleset(node)
        return self.body(node)

    def formula(self, node) -> str:
        """A formula in words: 'plus', 'minus', 'times', 'divided by'; bounds and rounding after a comma."""
        match node:
            case n.Money(pounds=pounds):
                return f"£{pounds:,f}"
            case n.PlainNumber(value=value):
                return _number(value)
            case n.Percent(value=value, of=of, the=the):
                return f"{_number(value)}% of {'the ' if the else ''}{self.node(of)}"
            case n.Operation(op=op, left=left, right=right):
                return f"{self.node(left)} {_OPERATION_WORDS[op]} {self.node(right)}"
            case n.ForEvery(amount=amount, name=name, every=every):
                return f"{self.node(amount)} for every {'' if every is None else f'{every} '}{_written(name)}"
            case n.Proportion(amount=amount, part=part, whole=whole):
                return f"{self.node(amount)} shared in proportion to {_written(part)} of {_written(whole)}"
            case n.Bound(kind=kind, formula=formula, limit=limit):
                return f"{self.node(formula)}, {kind} {self.node(limit)}"
            case n.Rounded(formula=formula, direction=direction, unit=unit, number=number, whole=whole):
                way = "" if direction == "nearest" else f" {direction}"
                to = f"to whole {_written(unit)}" if whole else \
                    f"to the nearest {'' if number is None else _number(number) + ' '}{_written(unit)}"
                return f"{self.node(formula)}, rounded{way} {to}"
        return self.node(node)

    def amount(self, amount: n.Amount) -> str:
        text = " ".join(self.term(t) for t in amount.terms)
        if amount.alternative is not None:
            other = " ".join(self.term(t) for t in amount.alternative)
            text += f" ({other})" if amount.parenthesised else f" or {other}"
        return text

    def term(self, term: n.Term) -> str:
        return f"{_number(term.number)} {term.unit.text}"

    def condition(self, node, inside: str | None = None) -> str:
        """A condition; `inside` is the connective around it, to know when it needs brackets."""
        match node:
            case n.And(items=items):
                text = " and ".join(self.condition(i, "and") for i in items)
                return f"({text})" if inside in ("and", "not") else text
            case n.Or(items=items):
                parts = [self.condition(i, "or") for i in items]
                # "x is 6 hours or y" would read as "6 hours or y": bracket an amount before "or".
                parts = [f"({part})" if _ends_with_amount(item) and index < len(items) - 1 else part
                         for index, (item, part) in enumerate(zip(items, parts))]
                text = " or ".join(parts)
                return f"({text})" if inside is not None else text
            case n.Not(item=item):
                return "not " + self.condition(item, "not")
            case n.Flag(name=name):
                return _written(name)
            case n.Includes(name=name, value=value):
                return f"{_written(name)} {self.include_word(name, value)} {_written(value)}"
            case n.OneOf(name=name, values=values):
                return f"{_written(name)} is one of " + ", ".join(_written(v) for v in values)
            case n.Compare(name=name, op=op, operand=operand):
                words = _OPERATOR_WORDS[op]
                if op == "=" and isinstance(operand, n.NameOperand) and \
                        operand.name.text.split()[0].lower() in _WORDS_AFTER_IS:
                    words = "="
                return f"{_written(name)} {words} {self.node(operand)}"
        raise TypeError(f"not a condition: {node!r}")

    # ---- wording kept from the source
    def between(self, before: n.Name, after: n.Name) -> str | None:
        """The source text between two names on one line, if known."""
        if self.source_lines is None or before.span is None or after.span is None:
            return None
        if before.span.end_line != after.span.line or before.span.end_column is None:
            return None
        line = self.source_lines[after.span.line - 1] if after.span.line <= len(self.source_lines) else ""
        return line[before.span.end_column - 1:after.span.column - 1].strip().lower()

    def verb_after(self, name: n.Name) -> str | None:
        """'is' or 'are' as written after a name (past 'outside working hours'), if known."""
        if self.source_lines is None or name.span is None or name.span.end_column is None:
            return None
        line = self.source_lines[name.span.end_line - 1] if name.span.end_line <= len(self.source_lines) else ""
        words = [word.lower() for word in line[name.span.end_column - 1:].split()[:4]]
        return next((word for word in words if word in ("is", "are")), None)

    def names(self, names) -> str:
        text = _written(names[0]) if names else ""
        for before, after in zip(names, names[1:]):
            separator = self.between(before, after)
            text += {"and": " and ", "or": " or "}.get(separator, ", ") + _written(after)
        return text

    def verb(self, names) -> str:
        written = self.verb_after(names[-1]) if names else None
        if written is not None:
            return written
        last = names[-1].text.split()[-1].lower() if names else ""
        return "are" if len(names) > 1 or (last.endswith("s") and not last.endswith("ss")) else "is"

    def include_word(self, name: n.Name, value: n.Name) -> str:
        written = self.between(name, value)
        return written if written in ("include", "includes") else "include"


# ---- small helpers ---------------------------------------------------------------

# How a formula's operations are written.
_OPERATION_WORDS = {"+": "plus", "-": "minus", "×": "times", "÷": "divided by"}


def _number(value: Decimal) -> str:
    # format(..., "f") never uses an exponent: Decimal("0.0000001") prints as written.
    return format(value, "f")


def _quoted(text: str) -> str:
    """Quotation marks that can hold the text: straight unless it contains one."""
    return f"\u201c{text}\u201d" if '"' in text else f'"{text}"'


def _written(name: n.Name) -> str:
    """A name as the ruleset wrote it: in quotes if it was quoted (its words
    may then be ones that would end an unquoted name)."""
    return _quoted(name.text) if name.quoted else name.text


def _outside_quotes(line: str) -> str:
    return re.sub(r"\"[^\"\n]*\"|\u201c[^\u201d\n]*\u201d", '""', line)


def _line_of(node) -> int | None:
    span = getattr(node, "span", None)
    return span.line if span is not None else None


def _group(statement) -> str:
    if isinstance(statement, n.FactDecl):
        return "request facts" if statement.request else "facts"
    for types, name in _GROUPS:
        if isinstance(statement, types):
            return name
    return "other"


def _ends_with_amount(condition) -> bool:
    """Whether a condition, printed without brackets of its own, ends with an amount."""
    match condition:
        case n.Compare(operand=operand):
            return isinstance(operand, n.Amount)
        case n.Not(item=item):
            return _ends_with_amount(item)
        case n.And(items=items):
            return _ends_with_amount(items[-1])
    return False


def _has_block(rule: n.Rule) -> bool:
    return len(_Printer(n.Ruleset(()), None).rule_lines(rule)) > 1
