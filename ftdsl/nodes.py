"""The AST of a .ftr ruleset: frozen attrs classes, one per construct.

In: built by builder.py from the parse tree. Out: read by checker.py and
printer.py. Every node carries the span of the text it came from; equality
and hashing ignore spans (and comments), so two files that differ only in
layout give equal trees.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import attrs

from .errors import Span
from .model import month_days
from .names import name_key
from .records import Record

_span = attrs.field(default=None, eq=False, repr=False)


def record(cls):
    """A frozen attrs class (its __init__, slots and fields) with Record's equality, hashing and repr."""
    cls = attrs.frozen(cls, eq=False, repr=False)
    fields = attrs.fields(cls)
    cls._compared = tuple(field.name for field in fields if field.eq)
    cls._shown = tuple(field.name for field in fields if field.repr)
    return cls


@record
class Name(Record):
    """A multi-word name as written; `key` is how names are compared."""

    text: str = attrs.field(eq=False)
    span: Span | None = _span
    # Written in quotes ("health and safety representative"); the printer keeps them.
    quoted: bool = attrs.field(default=False, eq=False, repr=False, kw_only=True)
    key: str = attrs.field(init=False, eq=True)

    @key.default
    def _key(self) -> str:
        return name_key(self.text)

    def __str__(self) -> str:
        return self.text


# ---- letters that look like others ------------------------------------------

# Characters that look like a plain Latin letter but are another, so a name
# holding one is another name: 'dutieſ' (a long s) is not 'duties', and no
# scenario that types 'duties' matches it. The Latin ones are letters the
# grammar's names accept; the Cyrillic and Greek ones are what a keyboard
# layout or a PDF's font slips into Latin words.
LOOKALIKES = {
    # Latin letters and signs that pass for plain ones
    "\u017f": "s", "\u0131": "i", "\u0237": "j", "\u0138": "k", "\u01c0": "l", "\u0196": "l", "\u01c3": "!",
    "\u00d7": "x", "\u0251": "a", "\u0261": "g", "\u0269": "i",
    # Cyrillic
    "\u0430": "a", "\u0435": "e", "\u043e": "o", "\u0440": "p", "\u0441": "c", "\u0443": "y", "\u0445": "x",
    "\u0456": "i", "\u0458": "j", "\u0455": "s", "\u0501": "d", "\u051b": "q", "\u051d": "w", "\u04bb": "h",
    "\u04cf": "l", "\u0410": "A", "\u0412": "B", "\u0415": "E", "\u041a": "K", "\u041c": "M", "\u041d": "H",
    "\u041e": "O", "\u0420": "P", "\u0421": "C", "\u0422": "T", "\u0425": "X", "\u0406": "I", "\u0408": "J",
    "\u0405": "S", "\u04c0": "I",
    # Greek
    "\u03bf": "o", "\u03b1": "a", "\u03bd": "v", "\u03c1": "p", "\u03b9": "i", "\u03ba": "k", "\u03c5": "u",
    "\u0391": "A", "\u0392": "B", "\u0395": "E", "\u0396": "Z", "\u0397": "H", "\u0399": "I", "\u039a": "K",
    "\u039c": "M", "\u039d": "N", "\u039f": "O", "\u03a1": "P", "\u03a4": "T", "\u03a5": "Y", "\u03a7": "X",
}


def script(char: str) -> str | None:
    """The script of a letter, from the first word of its Unicode name
    ('LATIN', 'CYRILLIC', 'GREEK', ...); None for a character that is not a letter."""
    if not char.isalpha():
        return None
    if char.isascii():
        return "LATIN"
    import unicodedata

    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else None


@attrs.frozen
class Lookalike:
    """A character in a name that makes it look like another name: the
    character, its Unicode name, and the plain letter it passes for (None
    when it is a letter of another script with no Latin twin)."""

    char: str
    unicode_name: str
    plain: str | None

    def described(self) -> str:
        """"'ſ' (LATIN SMALL LETTER LONG S), which looks like 's'"."""
        shown = f"'{self.char}' ({self.unicode_name})"
        if self.plain is not None:
            return f"{shown}, which looks like '{self.plain}'"
        return f"{shown}, a letter of another script"


def lookalikes(text: str) -> tuple[Lookalike, ...]:
    """The characters of a name that make it look like another: a letter
    of a second script (a Cyrillic 'е' among Latin letters), or a known
    look-alike of a Latin letter in an otherwise Latin name (a long s, a
    dotless i). A name wholly in one other script (Greek, say) has none,
    and accented Latin letters (é, ŵ) and apostrophes are not look-alikes.

    >>> [item.plain for item in lookalikes("dutie\u017f")]
    ['s']
    >>> lookalikes("caf\u00e9 \u0175yr")
    ()
    """
    import unicodedata

    counts: dict[str, int] = {}
    for char in text:
        kind = script(char)
        if kind is not None:
            counts[kind] = counts.get(kind, 0) + 1
    # The name's own script: Latin whenever it has Latin letters (the
    # language's names are Latin), else the script most of its letters use.
    main = "LATIN" if "LATIN" in counts else max(sorted(counts), key=counts.__getitem__, default=None)
    found: dict[str, Lookalike] = {}
    for char in text:
        if char in found:
            continue
        kind = script(char)
        foreign = kind is not None and kind != main
        if foreign or (main == "LATIN" and char in LOOKALIKES):
            found[char] = Lookalike(char, unicodedata.name(char, f"U+{ord(char):04X}"),
                                    LOOKALIKES.get(char) if main == "LATIN" else None)
    return tuple(found.values())


def plain_spelling(text: str) -> str:
    """A name with every look-alike replaced by the letter it passes for ('dutieſ' -> 'duties')."""
    swaps = {item.char: item.plain for item in lookalikes(text) if item.plain is not None}
    return "".join(swaps.get(char, char) for char in text)


# ---- quantities -------------------------------------------------------------

@record
class Term(Record):
    """A number with its unit word(s): '7 hours', '0.5 FTE', '2 half days'."""

    number: Decimal
    unit: Name
    span: Span | None = _span


@record
class Amount(Record):
    """One or more terms added up ('7 hours 12 minutes'), with an optional
    equivalent that must be equal ('9 days or 18 half days')."""

    terms: tuple[Term, ...]
    alternative: tuple[Term, ...] | None = None
    parenthesised: bool = attrs.field(default=False, eq=False)
    span: Span | None = _span


@record
class ValueRef(Record):
    """A computed value used as a quantity ('up to branch secretary release')."""

    name: Name
    span: Span | None = _span


@record
class Money(Record):
    """An amount of money in pounds: '£2.10'."""

    pounds: Decimal
    span: Span | None = _span


@record
class PlainNumber(Record):
    """A number with no unit in a formula: the 2 of 'members times 2'."""

    value: Decimal
    span: Span | None = _span


@record
class Percent(Record):
    """'50% of <factor>': a share of an amount ('50% of contracted hours', '20% of the working week')."""

    value: Decimal
    of: object  # a formula node
    the: bool = False  # written 'of the ...'
    span: Span | None = _span


@record
class Operation(Record):
    """Two parts of a formula joined by '+', '-', '×' or '÷' (written 'plus', 'minus', 'times', 'divided by')."""

    op: str
    left: object
    right: object
    span: Span | None = _span


@record
class ForEvery(Record):
    """'<amount> for every [N] <count>': the amount once for each whole N (1 when not written) of the count."""

    amount: object
    name: Name
    every: int | None = None
    span: Span | None = _span


@record
class Proportion(Record):
    """'<amount> shared in proportion to <part> of <whole>': the amount times part ÷ whole."""

    amount: object
    part: Name
    whole: Name
    span: Span | None = _span


@record
class Bound(Record):
    """'<formula>, at least <floor>' or '<formula>, at most <ceiling>' (kind 'at least' or 'at most')."""

    kind: str
    formula: object
    limit: object
    span: Span | None = _span


@record
class Rounded(Record):
    """'<formula>, rounded [up|down] to the nearest [N] <unit>' or 'rounded [up|down] to whole <unit>'.

    `direction` is 'nearest' (halves go up), 'up' or 'down'; `whole` says the second form was written."""

    formula: object
    direction: str
    unit: Name
    number: Decimal | None = None
    whole: bool = False
    span: Span | None = _span


FORMULA_NODES = (Money, PlainNumber, Percent, Operation, ForEvery, Proportion, Bound, Rounded)


@record
class PerPeriod(Record):
    """A calendar period: 'per week', 'per month', 'per year', 'per annum'."""

    unit: Name
    span: Span | None = _span


@record
class RollingPeriod(Record):
    """A rolling window ending on the request's date: 'in any 12 months'."""

    count: int
    unit: Name
    span: Span | None = _span


# ---- conditions -------------------------------------------------------------

@record
class And(Record):
    items: tuple
    span: Span | None = _span


@record
class Or(Record):
    items: tuple
    span: Span | None = _span


@record
class Not(Record):
    item: object
    span: Span | None = _span


@record
class Flag(Record):
    """A yes/no fact standing alone: 'employed by council'."""

    name: Name
    span: Span | None = _span


@record
class Compare(Record):
    """'<fact> is <operand>', '<fact> is at least <operand>', ...

    `op` is one of '=', '!=', '<', '<=', '>', '>='."""

    name: Name
    op: str
    operand: object
    span: Span | None = _span


@record
class Includes(Record):
    """'roles include branch secretary'."""

    name: Name
    value: Name
    span: Span | None = _span


@record
class OneOf(Record):
    """'staff group is one of teaching, non-teaching'."""

    name: Name
    values: tuple[Name, ...]
    span: Span | None = _span


@record
class NumberOperand(Record):
    value: Decimal
    span: Span | None = _span


@record
class NameOperand(Record):
    name: Name
    span: Span | None = _span


@record
class DateOperand(Record):
    """A date compared with: `text` is ISO (2026-10-01), `written` the words it was given in ("1 October 2026")."""

    text: str
    span: Span | None = _span
    written: str | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)


# ---- header, definitions and vocabulary ----------------------------------------

@record
class DateText(Record):
    """A date as the agreement gives it: year, month and maybe the day."""

    year: int
    month: int
    day: int | None = None
    span: Span | None = _span

    def first_day(self) -> datetime.date:
        """The day it means where something starts: 'April 2027' is 1 April 2027."""
        return datetime.date(self.year, self.month, self.day or 1)

    def last_day(self) -> datetime.date:
        """The day it means where something ends: 'March 2018' is 31 March 2018."""
        return datetime.date(self.year, self.month, self.day or month_days(self.year, self.month))


@record
class AgreementTitle(Record):
    text: str
    span: Span | None = _span


@record
class Employer(Record):
    text: str
    span: Span | None = _span


@record
class Unions(Record):
    names: tuple[str, ...]
    span: Span | None = _span


@record
class VariationTitle(Record):
    """A variation's title: 'variation "..."'."""

    text: str
    span: Span | None = _span


@record
class Amends(Record):
    """The agreement a variation amends: 'amends "westminster.ftr"', a path from the variation's folder."""

    path: str
    span: Span | None = _span


@record
class Removal(Record):
    """'§6.14 is removed': in a variation, the clause no longer holds from the variation's date."""

    span: Span | None = _span


@record
class Agreed(Record):
    date: DateText
    span: Span | None = _span


@record
class Effective(Record):
    date: DateText
    span: Span | None = _span


@record
class WorkingDay(Record):
    amount: Amount
    span: Span | None = _span


@record
class WorkingWeek(Record):
    amount: Amount
    span: Span | None = _span


@record
class YearStart(Record):
    day: int
    month: int
    span: Span | None = _span


@record
class RolesDecl(Record):
    names: tuple[Name, ...]
    span: Span | None = _span


@record
class StaffGroupsDecl(Record):
    names: tuple[Name, ...]
    span: Span | None = _span


@record
class PoolsDecl(Record):
    """'pools: staff side': groups that hold time shared by everyone in them (see Shared)."""

    names: tuple[Name, ...]
    span: Span | None = _span


@record
class CategoriesDecl(Record):
    names: tuple[Name, ...]
    span: Span | None = _span


# The declarations that are a list of names ('roles: ...', 'categories: ...').
NAME_LISTS = (RolesDecl, StaffGroupsDecl, CategoriesDecl, PoolsDecl)


@record
class ActivitiesDecl(Record):
    """`trade union activities: ...`: the declared categories that are trade union activities (TULRCA s.170)."""

    names: tuple[Name, ...]
    span: Span | None = _span


@record
class FactDecl(Record):
    """'fact branch members: count' or 'request fact X: yes/no, assumed no'."""

    name: Name
    type: Name
    request: bool = False
    assumed: Name | None = None
    span: Span | None = _span


# ---- rules ------------------------------------------------------------------

@record
class ClauseRef(Record):
    """The agreement's own numbering ('6.12') or a heading ('Payment')."""

    text: str
    heading: bool = False
    span: Span | None = _span

    def __str__(self) -> str:
        return self.text


@record
class Who(Record):
    """Whom a rule gives time to: some roles, or anyone."""

    roles: tuple[Name, ...] = ()
    anyone: bool = False
    span: Span | None = _span


@record
class Allowance(Record):
    """'<who> may take up to <quantity> <period> for <category>'."""

    who: Who
    quantity: Amount | ValueRef
    period: PerPeriod | RollingPeriod
    category: Name
    shared: Name | None = None  # 'shared by the union': whose pool the allowance is (None: each person's own)
    span: Span | None = _span


@record
class ReasonableTime(Record):
    """'<who> may take reasonable time for <category>': entitled, no fixed amount."""

    who: Who
    category: Name
    span: Span | None = _span


@record
class GrantedTime(Record):
    """'<who> may be granted time for <category>': management's discretion."""

    who: Who
    category: Name
    span: Span | None = _span


@record
class Limit(Record):
    """'<categories> are limited to <amount> <period>': a cap on all of them together."""

    categories: tuple[Name, ...]
    amount: object  # an Amount, or a formula as an Allowance's quantity
    period: PerPeriod | RollingPeriod
    shared: Name | None = None  # as Allowance.shared
    span: Span | None = _span


@record
class Discretion(Record):
    """'additional time for <categories> may be granted [case by case] [, with or without pay]'."""

    categories: tuple[Name, ...]
    manner: str | None = None
    pay: str | None = None  # 'paid', 'unpaid', 'open' or None (the category's pay rule)
    span: Span | None = _span


@record
class Requirement(Record):
    """'time off [for <categories>] is given only when <condition>'."""

    categories: tuple[Name, ...] = ()
    span: Span | None = _span


@record
class Refusal(Record):
    """'no time is given for <categories>', or '<who> may not take time for <categories>': a stated refusal."""

    who: Who
    categories: tuple[Name, ...]
    span: Span | None = _span


@record
class Spill(Record):
    """'time for <categories> beyond the allowance counts as <category>' (or 'beyond the limit', 'is treated as'):
    the time no allowance (or limit) holds is decided as a request for another category."""

    categories: tuple[Name, ...]
    beyond: str  # 'allowance' or 'limit'
    into: Name
    wording: str = "counts as"  # or 'is treated as', as written
    span: Span | None = _span


@record
class ToilCounts(Record):
    """'time off in lieu counts against the allowances'."""

    span: Span | None = _span


@record
class Notice(Record):
    """'requests for <categories> must|should give [at least] <amount> notice [where possible]'."""

    categories: tuple[Name, ...]
    hard: bool
    amount: Amount
    where_possible: bool = False
    span: Span | None = _span


@record
class MustState(Record):
    """'requests [for <categories>] must|should state <fields>'."""

    categories: tuple[Name, ...]
    hard: bool
    fields: tuple[Name, ...]
    span: Span | None = _span


@record
class Payment(Record):
    """'<categories> are paid | unpaid | paid subject to management agreement'."""

    categories: tuple[Name, ...]
    pay: str  # 'paid', 'unpaid', 'subject to agreement'
    outside_hours: bool = False
    span: Span | None = _span


@record
class BandRow(Record):
    """One row of a band table. `kind` keeps how the range was written."""

    kind: str  # 'between', 'at least', 'above', 'up to', 'exactly'
    low: int | None
    high: int | None
    amount: Amount
    label: Name | None = attrs.field(default=None, eq=False)
    dash: str = attrs.field(default="to", eq=False)
    span: Span | None = _span


@record
class Continuation(Record):
    """'then a further 0.5 FTE for every further 500 members'."""

    amount: Amount
    every: int
    label: Name | None = attrs.field(default=None, eq=False)
    span: Span | None = _span


@record
class BandTable(Record):
    """'<value> is by <count fact>:' and its rows."""

    name: Name
    by: Name
    rows: tuple[BandRow, ...] = ()
    continuation: Continuation | None = None
    span: Span | None = _span


@record
class ValueDefinition(Record):
    """'<value> is <formula>': a value the agreement works out, used by name like a band table's."""

    name: Name
    formula: object
    span: Span | None = _span


@record
class Facilities(Record):
    """'facilities "<what is provided>"' (usually with a when)."""

    text: str
    span: Span | None = _span


@record
class PayBasis(Record):
    """'pay is averaged over the previous 12 weeks where earnings vary'."""

    count: int
    unit: Name
    span: Span | None = _span


@record
class VariationNotice(Record):
    amount: Amount
    span: Span | None = _span


@record
class TerminationNotice(Record):
    amount: Amount
    span: Span | None = _span


@record
class InForce(Record):
    """The dates a rule holds between, both included: 'from <start>', 'until <end>' or both."""

    start: DateText | None = None
    end: DateText | None = None
    span: Span | None = _span


@record
class Rule(Record):
    """A clause reference, what the clause says, its condition, the dates it holds between and quotations."""

    clause: ClauseRef
    body: object
    condition: object | None = None
    quotes: tuple[str, ...] = ()
    span: Span | None = _span
    in_force: InForce | None = None


@record
class Ruleset(Record):
    """A whole .ftr file. Comments are kept for the formatter, not compared."""

    statements: tuple
    comments: tuple = attrs.field(default=(), eq=False, repr=False)
    file: str = attrs.field(default="<ruleset>", eq=False)
    span: Span | None = _span
