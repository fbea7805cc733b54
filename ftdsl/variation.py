"""Variations: an agreement's AST and a variation's AST in, the amended agreement's AST out.

Negotiators agree a variation, not a new agreement: "§6.12 is replaced by
..., effective 1 April 2027". A variation file says which agreement it
amends, the day it takes effect, and its clauses:

    variation "Westminster 2026 variation"
    amends "../westminster.ftr"
    effective 1 April 2027
    roles: health and safety representative
    §6.12 representative may take up to 10 hours per month for duties
    §6.14 is removed

A clause the variation gives replaces every rule of that clause in the
agreement; a clause the agreement does not have is added; 'is removed'
ends a clause. The amended agreement is the agreement's own statements
with each replaced or removed rule ending the day before the variation's
date, the variation's new names declared beside the agreement's, and the
variation's rules in force from its date: an ordinary ruleset of dated
rules, which every command checks and decides like any other. Before the
variation's date a request is decided by the old text, from it by the new.
"""

from __future__ import annotations

import datetime
import os

from . import nodes as n
from .errors import Diagnostic, FtdslError, Span


def is_variation(ast: n.Ruleset) -> bool:
    """Whether a parsed file is a variation (it says which agreement it amends)."""
    return any(isinstance(statement, (n.Amends, n.VariationTitle)) for statement in ast.statements)


def base_path(ast: n.Ruleset) -> str | None:
    """The path of the agreement a variation amends, from the variation's folder; None if it does not say."""
    amends = next((s for s in ast.statements if isinstance(s, n.Amends)), None)
    if amends is None:
        return None
    return os.path.normpath(os.path.join(os.path.dirname(ast.file), amends.path))


def effective_day(ast: n.Ruleset) -> datetime.date:
    """The day a variation takes effect, or FtdslError (E231) if it does not say."""
    effective = next((s for s in ast.statements if isinstance(s, n.Effective)), None)
    if effective is None:
        raise FtdslError(Diagnostic("E231", "a variation needs the day it takes effect", Span(ast.file, 1, 1),
                                    hint="add its date, for example 'effective 1 April 2027'"))
    date = effective.date
    return datetime.date(date.year, date.month, date.day or 1)


def clause_key(clause: n.ClauseRef) -> str:
    """How clauses are matched between an agreement and its variation: §6.12 is clause 6.12 however written."""
    return ("heading " if clause.heading else "") + " ".join(clause.text.lower().split())


def amend(agreement: n.Ruleset, variation: n.Ruleset) -> tuple[n.Ruleset, list[Diagnostic]]:
    """The agreement as the variation amends it (see the module's docstring), with a warning (W170) for each
    rule of a replaced clause that the variation neither restates nor replaces with one of its kind; or
    FtdslError (E232, E233) for a clause it cannot remove or replace."""
    day = effective_day(variation)
    last_old_day = day - datetime.timedelta(days=1)
    varied = {clause_key(s.clause) for s in variation.statements if isinstance(s, n.Rule)}
    present = {clause_key(s.clause) for s in agreement.statements if isinstance(s, n.Rule)}
    problems = [Diagnostic("E232", f"the agreement has no clause {_cited(s.clause)} to remove", s.clause.span,
                           hint="check the clause number against the agreement")
                for s in variation.statements
                if isinstance(s, n.Rule) and isinstance(s.body, n.Removal) and clause_key(s.clause) not in present]
    if problems:
        raise FtdslError(problems)
    tables = {clause_key(s.clause) for s in agreement.statements
              if isinstance(s, n.Rule) and isinstance(s.body, n.BandTable)}
    problems = [Diagnostic("E233", f"a variation cannot replace the band table of {_cited(s.clause)} from a date",
                           s.clause.span, hint="give the new table a clause and a name of its own, and replace the "
                           "rules that use the table")
                for s in variation.statements if isinstance(s, n.Rule) and clause_key(s.clause) in tables]
    if problems:
        raise FtdslError(problems)
    # A rule the variation restates word for word (a replaced clause is
    # written out whole, changes and all) goes on as it was: neither ended nor started again.
    # Sets, compared as the AST compares (spans aside): an agreement of thousands of rules is looked up, not scanned.
    written = set(agreement.statements)
    restated = {s for s in variation.statements if isinstance(s, n.Rule) and s in written}
    statements = []
    for statement in agreement.statements:
        if statement in restated:
            statements.append(statement)
            continue
        if isinstance(statement, n.Rule) and clause_key(statement.clause) in varied:
            statement = _ending(statement, last_old_day)
            if statement is None:
                continue
        statements.append(statement)
    declared = _declared_keys(agreement)
    for statement in variation.statements:
        if isinstance(statement, n.Rule):
            if not isinstance(statement.body, n.Removal) and statement not in restated:
                statements.append(_starting(statement, day))
        elif isinstance(statement, n.NAME_LISTS):
            new = tuple(name for name in statement.names if (type(statement), name.key) not in declared)
            if new:
                statements.append(type(statement)(new, span=statement.span))
        elif isinstance(statement, n.FactDecl):
            if (n.FactDecl, statement.name.key) not in declared:
                statements.append(statement)
        elif isinstance(statement, (n.WorkingDay, n.WorkingWeek, n.YearStart)):
            statements.append(statement)  # the checker says if the agreement defines it too
        # The variation's own header (its title, what it amends, its dates) is not the agreement's.
    return n.Ruleset(tuple(statements), agreement.comments, file=agreement.file), _left_out(agreement, variation,
                                                                                           restated, last_old_day)


def _kind(rule: n.Rule) -> tuple:
    """What a rule is about, to tell whether a variation's clause still has a rule of its kind: the sort of
    rule, its categories and its roles."""
    body = rule.body
    categories = getattr(body, "categories", None) or ((body.category,) if hasattr(body, "category") else ())
    who = getattr(body, "who", None)
    roles = () if who is None or who.anyone else tuple(sorted(name.key for name in who.roles))
    return type(body).__name__, tuple(sorted(name.key for name in categories)), roles


def _left_out(agreement: n.Ruleset, variation: n.Ruleset, restated, last_day: datetime.date) -> list[Diagnostic]:
    """W170 for each rule of a clause the variation gives that ends with nothing of its kind after it."""
    from .model import date_words
    from .printer import rule_words

    given: dict[str, set] = {}
    for statement in variation.statements:
        if isinstance(statement, n.Rule):
            given.setdefault(clause_key(statement.clause), set()).add(
                "removed" if isinstance(statement.body, n.Removal) else _kind(statement))
    warnings = []
    for statement in agreement.statements:
        if not isinstance(statement, n.Rule) or statement in restated:
            continue
        kinds = given.get(clause_key(statement.clause))
        if kinds is None or "removed" in kinds or _kind(statement) in kinds:
            continue
        shown = _cited(statement.clause)
        line = f" (line {statement.span.line} of {statement.span.file})" if statement.span else ""
        warnings.append(Diagnostic(
            "W170", f"the variation gives {shown} anew, so the agreement's rule '{rule_words(statement)}'{line} ends "
            f"on {date_words(last_day.isoformat())}, with nothing of its kind after it",
            next(s.clause.span for s in variation.statements if isinstance(s, n.Rule)
                 and clause_key(s.clause) == clause_key(statement.clause)),
            hint=f"to keep it, write it in the variation's {shown} too; to end it on purpose, add '{shown} is "
                 f"removed' to the variation (its own rules for {shown} still start on its date)",
            severity="warning"))
    return warnings


def _cited(clause: n.ClauseRef) -> str:
    from .printer import clause_text

    return clause_text(clause)


def _declared_keys(ast: n.Ruleset) -> set:
    keys = set()
    for statement in ast.statements:
        if isinstance(statement, n.NAME_LISTS):
            keys.update((type(statement), name.key) for name in statement.names)
        elif isinstance(statement, n.FactDecl):
            keys.add((n.FactDecl, statement.name.key))
    return keys


def _date_text(day: datetime.date) -> n.DateText:
    return n.DateText(day.year, day.month, day.day)


def _ending(rule: n.Rule, last_day: datetime.date) -> n.Rule | None:
    """An agreement's rule that a variation replaces or removes: in force until `last_day` (or as it said, if
    earlier); None if it would never be in force."""
    in_force = rule.in_force or n.InForce()
    start, end = (in_force.start and in_force.start.first_day()), (in_force.end and in_force.end.last_day())
    if start is not None and start > last_day:
        return None
    if end is not None and end <= last_day:
        return rule
    return _with_dates(rule, n.InForce(in_force.start, _date_text(last_day), span=in_force.span))


def _starting(rule: n.Rule, day: datetime.date) -> n.Rule:
    """A variation's rule: in force from the variation's date (or from its own, if later)."""
    in_force = rule.in_force or n.InForce()
    start = (in_force.start and in_force.start.first_day())
    if start is not None and start >= day:
        return rule
    return _with_dates(rule, n.InForce(_date_text(day), in_force.end, span=in_force.span or rule.span))


def _with_dates(rule: n.Rule, in_force: n.InForce) -> n.Rule:
    return n.Rule(rule.clause, rule.body, rule.condition, rule.quotes, span=rule.span, in_force=in_force)


def versions(amended: n.Ruleset) -> list[tuple[str, list[dict]]]:
    """Each clause of an amended agreement with its versions in date order:
    [(clause as cited, [{"from", "until" (ISO or None), "file", "line", "rule"}, ...])], clauses in the
    agreement's order. A version is one rule; a clause the variation replaced has the old rules ending and
    the new ones starting."""
    from .printer import rule_words

    clauses: dict[str, tuple[str, list[dict]]] = {}
    for statement in amended.statements:
        if not isinstance(statement, n.Rule):
            continue
        in_force = statement.in_force or n.InForce()
        start, end = (in_force.start and in_force.start.first_day()), (in_force.end and in_force.end.last_day())
        text = rule_words(statement)
        shown = _cited(statement.clause)
        entry = clauses.setdefault(clause_key(statement.clause), (shown, []))
        entry[1].append({"from": start.isoformat() if start else None, "until": end.isoformat() if end else None,
                         "file": statement.span.file if statement.span else amended.file,
                         "line": statement.span.line if statement.span else None, "rule": text})
    for _, found in clauses.values():
        found.sort(key=lambda version: version["from"] or "")
    return list(clauses.values())
