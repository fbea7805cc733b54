"""Hypothesis strategies for .ftr ASTs and ruleset texts, for any test that wants them.

- `rulesets()`: any Ruleset AST the parser could build (names drawn from
  words that are never keywords), for round-trip laws such as
  parse(print(ast)) == ast. It need not check.
- `checkable_rulesets()`: a Ruleset AST that also checks: names declared,
  facts of the right types, units the definitions convert.
- `messy_texts(ast_strategy)`: the canonical text of an AST rewritten the
  way people write (other keyword case, synonyms, dashes, tabs, blank
  lines) and with comments added, with the list of comments it holds.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from ftdsl import nodes as n

# Words that are no keyword and no month, in a few scripts and styles.
WORDS = ("alpha", "branch", "member", "school", "convenor", "officer", "union", "site", "hall", "grade", "desk",
         "bravo", "women's", "élan", "non-teaching", "half-term", "shift", "panel", "unit", "team")
UNIT_WORDS = ("hours", "hour", "minutes", "days", "half days", "weeks", "FTE")
PERIOD_WORDS = ("week", "month", "year", "annum")
FACT_TYPES = ("yes/no", "count", "number", "date", "text")


def _name(text: str) -> n.Name:
    return n.Name(text)


names = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(lambda words: _name(" ".join(words)))
numbers = st.from_regex(r"\A(0|[1-9][0-9]{0,3})(\.[0-9]{1,2})?\Z").map(Decimal)
counts = st.integers(min_value=1, max_value=999)
# Quoted text: any character but a line break; never both kinds of quotation mark.
texts = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\u201d\u201c\x85"),
                max_size=30)
quotes = texts.map(lambda t: t if '"' not in t else t.replace("\u201d", ""))


def terms(units=UNIT_WORDS):
    return st.builds(n.Term, numbers, st.sampled_from(units).map(_name))


def plain_amounts(units=UNIT_WORDS):
    """Amounts given one way: the only kind a condition compares with."""
    return st.builds(n.Amount, st.lists(terms(units), min_size=1, max_size=2).map(tuple))


def amounts(units=UNIT_WORDS):
    plain = plain_amounts(units)
    alternative = st.builds(lambda a, b, p: n.Amount(a, b, parenthesised=p),
                            st.lists(terms(units), min_size=1, max_size=2).map(tuple),
                            st.lists(terms(units), min_size=1, max_size=2).map(tuple), st.booleans())
    return st.one_of(plain, alternative)


periods = st.one_of(st.builds(n.PerPeriod, st.sampled_from(PERIOD_WORDS).map(_name)),
                    st.builds(n.RollingPeriod, counts, st.sampled_from(("months", "weeks", "days")).map(_name)))
dates = st.builds(lambda y, m, d: n.DateText(y, m, d), st.integers(1990, 2040), st.integers(1, 12),
                  st.one_of(st.none(), st.integers(1, 28)))
operands = st.one_of(st.builds(n.NumberOperand, numbers), st.builds(n.NameOperand, names), plain_amounts(),
                     st.builds(lambda d: n.DateOperand(f"{d.year:04d}-{d.month:02d}-{d.day or 1:02d}"), dates))


def conditions(flags=names, compared=names, operand=operands):
    atoms = st.one_of(
        st.builds(n.Flag, flags),
        st.builds(n.Compare, compared, st.sampled_from(("=", "!=", "<", ">", "<=", ">=")), operand),
        st.builds(n.Includes, names, names),
        st.builds(n.OneOf, names, st.lists(names, min_size=1, max_size=3).map(tuple)),
    )
    return st.recursive(atoms, lambda inner: st.one_of(
        st.builds(n.And, st.lists(inner, min_size=2, max_size=3).map(tuple)),
        st.builds(n.Or, st.lists(inner, min_size=2, max_size=3).map(tuple)),
        st.builds(n.Not, inner)), max_leaves=6)


name_tuples = st.lists(names, min_size=1, max_size=3).map(tuple)
whos = st.one_of(st.builds(n.Who, name_tuples), st.just(n.Who((), anyone=True)))


def band_rows():
    def row(kind, low, width, amount, label):
        match kind:
            case "between":
                return n.BandRow(kind, low, low + width, amount, label=label)
            case "at least" | "above":
                return n.BandRow(kind, low, None, amount, label=label)
            case "up to":
                return n.BandRow(kind, None, low, amount, label=label)
        return n.BandRow(kind, low, low, amount, label=label)
    return st.builds(row, st.sampled_from(("between", "at least", "above", "up to", "exactly")),
                     st.integers(1, 5000), st.integers(0, 500), amounts(("hours", "FTE")), st.one_of(st.none(), names))


bodies = st.one_of(
    st.builds(n.Allowance, whos, st.one_of(amounts(), st.builds(n.ValueRef, names)), periods, names),
    st.builds(n.ReasonableTime, whos, names),
    st.builds(n.GrantedTime, whos, names),
    st.builds(n.Limit, name_tuples, amounts(), periods),
    st.builds(n.Discretion, name_tuples, st.sampled_from((None, "case by case", "in exceptional circumstances")),
              st.sampled_from((None, "open", "paid", "unpaid"))),
    st.builds(n.Requirement, st.one_of(st.just(()), name_tuples)),
    st.just(n.ToilCounts()),
    st.builds(lambda c, hard, a, wp: n.Notice(c, hard and not wp, a, wp), st.one_of(st.just(()), name_tuples),
              st.booleans(), amounts(("days", "weeks", "weeks'")), st.booleans()),
    st.builds(n.MustState, st.one_of(st.just(()), name_tuples), st.booleans(), name_tuples),
    st.builds(n.Payment, name_tuples, st.sampled_from(("paid", "unpaid", "subject to agreement")), st.booleans()),
    st.builds(n.BandTable, names, names, st.lists(band_rows(), min_size=1, max_size=4).map(tuple),
              st.one_of(st.none(), st.builds(n.Continuation, amounts(("hours", "FTE")), counts,
                                             label=st.one_of(st.none(), names)))),
    st.builds(n.Facilities, quotes),
    st.builds(n.PayBasis, counts, st.sampled_from(("weeks", "months")).map(_name)),
    st.builds(n.VariationNotice, amounts(("months",))),
    st.builds(n.TerminationNotice, amounts(("months",))),
)
clauses = st.one_of(st.from_regex(r"\A[1-9][0-9]?(\.[0-9]{1,2}){0,2}[a-z]?\Z").map(n.ClauseRef),
                    st.lists(st.sampled_from(WORDS), min_size=1, max_size=3)
                    .map(lambda w: n.ClauseRef(" ".join(w).capitalize(), heading=True)))
rules = st.builds(n.Rule, clauses, bodies, st.one_of(st.none(), conditions()), st.lists(quotes, max_size=2).map(tuple))

declarations = st.one_of(
    st.builds(n.AgreementTitle, quotes), st.builds(n.Employer, quotes),
    st.builds(n.Unions, st.lists(quotes, min_size=1, max_size=3).map(tuple)),
    st.builds(n.Agreed, dates), st.builds(n.Effective, dates),
    st.builds(n.WorkingDay, amounts(("hours", "minutes"))), st.builds(n.WorkingWeek, amounts(("hours",))),
    st.builds(n.YearStart, st.integers(1, 28), st.integers(1, 12)),
    st.builds(n.RolesDecl, name_tuples), st.builds(n.StaffGroupsDecl, name_tuples),
    st.builds(n.CategoriesDecl, name_tuples),
    st.builds(lambda name, t, request, assumed: n.FactDecl(name, _name(t), request, _name(assumed) if assumed else None),
              names, st.sampled_from(FACT_TYPES), st.booleans(), st.sampled_from((None, "yes", "no"))),
)


def rulesets():
    """Any Ruleset AST the parser could build; it may not check."""
    return st.lists(st.one_of(declarations, rules), max_size=8).map(lambda s: n.Ruleset(tuple(s)))


@st.composite
def checkable_rulesets(draw):
    """A Ruleset AST that checks: every name it uses is declared with the type its use needs."""
    pool = draw(st.lists(st.sampled_from(WORDS), min_size=8, max_size=8, unique=True))
    roles, categories, flag, count = pool[:2], pool[2:5], pool[5], pool[6]
    statements = [n.AgreementTitle(draw(quotes)), n.WorkingDay(n.Amount((n.Term(Decimal(7), _name("hours")),))),
                  n.WorkingWeek(n.Amount((n.Term(Decimal(35), _name("hours")),))),
                  n.YearStart(1, 4),
                  n.RolesDecl(tuple(map(_name, roles))), n.CategoriesDecl(tuple(map(_name, categories))),
                  n.FactDecl(_name("roles"), _name("list of roles")), n.FactDecl(_name(flag), _name("yes/no")),
                  n.FactDecl(_name(count), _name("count"))]
    role_names = st.lists(st.sampled_from(roles), min_size=1, max_size=2, unique=True).map(lambda r: tuple(map(_name, r)))
    category = st.sampled_from(categories).map(_name)
    category_names = st.lists(st.sampled_from(categories), min_size=1, max_size=2, unique=True).map(
        lambda c: tuple(map(_name, c)))
    condition = conditions(flags=st.just(_name(flag)), compared=st.just(_name(count)),
                           operand=st.builds(n.NumberOperand, numbers)).filter(
        lambda c: not _uses(c, (n.Includes, n.OneOf)))
    hours = amounts(("hours", "minutes", "days", "half days"))
    body = st.one_of(
        st.builds(n.Allowance, st.builds(n.Who, role_names), hours,
                  st.sampled_from(PERIOD_WORDS).map(lambda p: n.PerPeriod(_name(p))), category),
        st.builds(n.ReasonableTime, st.builds(n.Who, role_names), category),
        st.builds(n.GrantedTime, st.just(n.Who((), anyone=True)), category),
        st.builds(n.Discretion, category_names, st.sampled_from((None, "case by case")),
                  st.sampled_from((None, "open", "paid"))),
        st.builds(n.Payment, category_names, st.sampled_from(("paid", "unpaid", "subject to agreement")), st.booleans()),
        st.builds(n.MustState, category_names, st.booleans(), st.just((_name("purpose"),))),
        st.builds(n.Facilities, quotes),
    )
    made = draw(st.lists(st.builds(n.Rule, clauses, body, st.one_of(st.none(), condition),
                                   st.lists(quotes, max_size=2).map(tuple)), max_size=6))
    # Equal amounts stated two ways are an error; keep only the first of any repeated rule.
    unique = []
    for rule in made:
        if isinstance(rule.body, n.Allowance) and rule.body.quantity.alternative is not None:
            rule = n.Rule(rule.clause, n.Allowance(rule.body.who, n.Amount(rule.body.quantity.terms), rule.body.period,
                                                   rule.body.category), rule.condition, rule.quotes)
        if all(_meaning(rule) != _meaning(other) for other in unique):
            unique.append(rule)
    return n.Ruleset(tuple(statements + unique))


def _meaning(rule):
    # Coarse on purpose: two rules of one kind for the same names may say the
    # same in other words ("1 day" and "7 hours"), which the checker rejects.
    body = rule.body
    names = [getattr(body, field, None) for field in ("category", "categories", "who", "period")]
    return (type(body).__name__, repr([getattr(x, "key", x) for x in names]))


def _uses(condition, types) -> bool:
    match condition:
        case n.And(items=items) | n.Or(items=items):
            return any(_uses(i, types) for i in items)
        case n.Not(item=item):
            return _uses(item, types)
    return isinstance(condition, types)


# ---- texts as people write them ------------------------------------------------------

_SYNONYMS = (
    ("§", ("clause ",)), (" \u2013 ", ("-", " to ", " \u2014 ")), (" or more", ("+",)), (" per ", (" a ", " each ")),
    (" is at least ", (" >= ", " \u2265 ")), (" is at most ", (" <= ", " \u2264 ")), (" is more than ", (" > ", " is over ")),
    (" is less than ", (" < ", " is under ")), (" is not ", (" != ", " \u2260 ")), ("up to ", ("\u2013 ",)),
)


@st.composite
def messy_texts(draw, ast_strategy=None):
    """(text, comments): canonical text rewritten as people write it, with comments added."""
    from ftdsl.printer import print_ruleset

    ast = draw(ast_strategy if ast_strategy is not None else rulesets())
    lines = print_ruleset(ast).splitlines()
    out, comments = [], []
    for index, line in enumerate(lines):
        code, quoted = _split_quoted(line)
        for plain, others in _SYNONYMS:
            if plain in code and draw(st.booleans()):
                if plain == "up to " and not line.startswith("    up to "):
                    continue  # only the band form "up to 30" has the dash synonym
                code = code.replace(plain, draw(st.sampled_from(others)))
        first = code.lstrip().split(" ", 1)[0]
        if first.isalpha() and draw(st.booleans()):
            # Keywords are case-insensitive, and names compare whatever their case.
            code = code.replace(first, first.upper(), 1)
        if code.startswith("    "):
            code = draw(st.sampled_from(("    ", "\t", "  ", "\u00a0\u00a0"))) + code[4:]
        if draw(st.integers(0, 5)) == 0:
            comment = f"# note {index} " + draw(st.text(st.sampled_from("abc #\"“”"), max_size=6))
            comments.append(comment.rstrip())
            out.append(draw(st.sampled_from(("", "    "))) + comment)
        text = code + quoted
        if draw(st.integers(0, 6)) == 0:
            comment = f"# trailing {index}"
            comments.append(comment)
            text += "   " + comment
        out.append(text)
        if draw(st.integers(0, 6)) == 0:
            out.append("")
    return "\n".join(out) + "\n", comments


def _split_quoted(line: str) -> tuple[str, str]:
    """The line before its first quotation mark, and the rest (left exactly as it is)."""
    cut = min([i for i in (line.find('"'), line.find("\u201c")) if i >= 0], default=len(line))
    return line[:cut], line[cut:]
