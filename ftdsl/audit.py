"""The audit: an agreement, the statutory floor (both loaded rulesets) and a date in; findings out.

Each finding has a severity (below the floor, silent, out of date, above
the floor, for information), the agreement's clauses and the law's sections
with their quotations, what it says and, where it needs a judgement the
rules cannot make, what to check. What the agreement gives is decided, not
guessed: scenarios are made from both rulesets' boundaries by the generator
`ftdsl diff` uses (diff.generate_scenarios, diff.scenario_for), and each is
decided by the agreement and by the law, in each one's own words.

The two rulesets name things differently (Westminster's `representative`
asking for `joint committee meetings` is the law's `official` asking for
`duties`), so the audit first reads the agreement's roles and categories in
the law's terms (`read_role`, `read_category`, by the words in their names)
and says how it read them. A finding is only ever as sure as that reading,
and the audit claims no breach a decision does not show: where the answer
is a judgement (is 6 hours a month "reasonable"?) the finding says what to
check instead. References to repealed or replaced law are found in the
agreement's words (its quotations, header and comments).

>>> FINDING_KEYS
('severity', 'kind', 'agreement clause', 'law section', 'agreement says', 'law says', 'text', 'check')
"""

from __future__ import annotations

import datetime
import re
from fractions import Fraction

import attrs

from . import model as m
from .conditions import atoms
from .diff import generate_scenarios, scenario_for
from .errors import Diagnostic, FtdslError, Span
from .parser import extract_comments
from .runtime import DISCRETIONARY, ENTITLED, NOT_ENTITLED, ScenarioError

BELOW, SILENT, OUT_OF_DATE, ABOVE, INFORMATION = (
    "below the floor", "silent", "out of date", "above the floor", "for information")
SEVERITIES = (BELOW, SILENT, OUT_OF_DATE, ABOVE, INFORMATION)
FINDING_KEYS = ("severity", "kind", "agreement clause", "law section", "agreement says", "law says", "text", "check")

# The law's vocabulary the audit reads an agreement in (rulesets/law/gb-time-off.ftr declares it).
OFFICIAL, MEMBER, LEARNING_REP, EQUALITY_REP, SAFETY_REP, COMPANION = (
    "official", "member", "union learning representative", "equality representative",
    "health and safety representative", "companion")
_NEEDED_ROLES = (OFFICIAL, MEMBER)
_NEEDED_CATEGORIES = ("duties", "training", "activities")


# ---- results ------------------------------------------------------------------------------

@attrs.frozen
class Finding:
    """One thing the audit found: its severity, a short `kind` (stable, for tools), the agreement's clauses
    and the law's sections (without the §), the quotations of each, what it means, and what to check."""

    severity: str
    kind: str
    text: str
    check: str | None = None
    agreement_clauses: tuple[str, ...] = ()
    law_sections: tuple[str, ...] = ()
    agreement_says: tuple[str, ...] = ()
    law_says: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """The finding as plain JSON values, under FINDING_KEYS."""
        return {"severity": self.severity, "kind": self.kind, "agreement clause": list(self.agreement_clauses),
                "law section": list(self.law_sections), "agreement says": list(self.agreement_says),
                "law says": list(self.law_says), "text": self.text, "check": self.check}


@attrs.frozen
class Audit:
    """An agreement audited against the law on a day: the findings, most serious first, and how the
    agreement's categories and roles were read in the law's terms (None: not read as any)."""

    as_of: str
    agreement: str
    law: str
    findings: tuple[Finding, ...]
    categories: tuple[tuple[str, str | None], ...] = ()
    roles: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def to_dict(self) -> dict:
        """The audit as plain JSON values: "as of", "agreement", "law", "findings" and "read as"."""
        return {"as of": self.as_of, "agreement": self.agreement, "law": self.law,
                "findings": [f.to_dict() for f in self.findings],
                "read as": {"categories": dict(self.categories),
                            "roles": {role: list(law) for role, law in self.roles}}}


# ---- reading the agreement in the law's terms -----------------------------------------------

def read_role(role: str) -> tuple[str, ...]:
    """The law's roles for an agreement's role, by the words of its name: a learning, equality or safety
    representative or a companion is that; a member is a member; any other union post (representative,
    steward, convenor, branch secretary, executive member) is an official (s.119), and a member too.

    >>> read_role("departmental convenor"), read_role("member")
    (('official', 'member'), ('member',))
    """
    name = role.lower()
    if name == MEMBER:
        return (MEMBER,)
    if name == COMPANION:
        return (COMPANION,)
    if "learning" in name:
        return (LEARNING_REP, MEMBER)
    if "equality rep" in name:
        return (EQUALITY_REP, MEMBER)
    if "safety" in name:
        return (SAFETY_REP, MEMBER)
    return (OFFICIAL, MEMBER)


# Words in an agreement's category and the law's category they are read as; the first that matches wins,
# so the more particular come first. Conferences, national executives and mass meetings are union
# activities (Acas Code 2010 para 37); committees, casework and consultation are duties (s.168(1)).
_CATEGORY_WORDS = (
    (("industrial action",), "industrial action"),
    (("accompan", "hearing"), "accompanying at a hearing"),
    (("safety",), "health and safety duties"),
    (("learning",), "learning duties"),
    (("equality",), "equality duties"),
    (("training",), "training"),
    (("activit", "conference", "mass meeting", "executive", "branch meeting", "election", "ballot"), "activities"),
    (("dut", "casework", "committee", "joint", "meeting", "negotiat", "consult", "representation",
      "responsibilit", "jnf", "release", "inspection"), "duties"),
)

# A category read as duties or training is the particular representative's own duties or training.
_FOR_ROLE = {
    (LEARNING_REP, "duties"): "learning duties", (LEARNING_REP, "training"): "learning representative training",
    (EQUALITY_REP, "duties"): "equality duties", (EQUALITY_REP, "training"): "equality representative training",
    (SAFETY_REP, "duties"): "health and safety duties", (SAFETY_REP, "training"): "health and safety training",
    (OFFICIAL, "learning duties"): "duties",
}
_TRAINING_OF = {"learning duties": "learning representative training", "equality duties":
                "equality representative training", "health and safety duties": "health and safety training"}


def read_category(category: str, law: m.Model, law_roles: tuple[str, ...] = (OFFICIAL, MEMBER)) -> str | None:
    """The law's category for an agreement's category asked for by someone with `law_roles`, by the words
    of its name; None where no word says (the audit then cannot compare it).

    >>> from ftdsl.api import load_ruleset
    >>> law = load_ruleset("rulesets/law/gb-time-off.ftr").model
    >>> learning = ("union learning representative",)
    >>> read_category("joint committee meetings", law), read_category("training", law, learning)
    ('duties', 'learning representative training')
    """
    name = category.lower()
    found = name if name in law.categories else None
    if found is None:
        found = next((law_category for words, law_category in _CATEGORY_WORDS if any(w in name for w in words)),
                     None)
        if found in _TRAINING_OF and "training" in name:
            found = _TRAINING_OF[found]
    if found in ("duties", "training"):
        found = next((_FOR_ROLE[(role, found)] for role in law_roles if (role, found) in _FOR_ROLE), found)
    return found if found in law.categories else None


def _is_law(law: m.Model) -> bool:
    return all(r in law.roles for r in _NEEDED_ROLES) and all(c in law.categories for c in _NEEDED_CATEGORIES)


def check_law(law, path: str) -> None:
    """Raise E360 unless `law` (a loaded ruleset) is a statutory floor the audit can read: one that declares
    the roles official and member and the categories duties, training and activities."""
    if _is_law(law.model):
        return
    raise FtdslError(Diagnostic(
        "E360", f"'{path}' is not a law ruleset: the audit reads the law by its roles "
        f"{', '.join(repr(r) for r in _NEEDED_ROLES)} and its categories "
        f"{', '.join(repr(c) for c in _NEEDED_CATEGORIES)}, and it does not declare them all",
        Span(path, 1, 1), hint="give --against a statutory floor such as rulesets/law/gb-time-off.ftr, or leave "
        "--against out to use the one ftdsl ships"), law.sources)


# ---- the statutory rights the audit looks for -------------------------------------------------

@attrs.frozen
class _Right:
    name: str
    categories: tuple[str, ...]
    roles: tuple[str, ...]
    words: tuple[str, ...]  # words that show an agreement speaks of it, in a quotation


_RIGHTS = (
    _Right("officials' time for duties", ("duties",), (OFFICIAL, MEMBER), ()),
    _Right("officials' time for training", ("training",), (OFFICIAL, MEMBER), ()),
    _Right("members' time for union activities", ("activities",), (MEMBER,), ()),
    _Right("union learning representatives' time", ("learning duties", "learning representative training"),
           (LEARNING_REP, MEMBER), ("learning rep",)),
    _Right("members' time to use a union learning representative's services",
           ("accessing learning representative services",), (MEMBER,), ("learning rep",)),
    _Right("equality representatives' time", ("equality duties", "equality representative training"),
           (EQUALITY_REP, MEMBER), ("equality rep",)),
    _Right("members' time to use an equality representative's services",
           ("accessing equality representative services",), (MEMBER,), ("equality rep",)),
    _Right("health and safety representatives' time", ("health and safety duties", "health and safety training"),
           (SAFETY_REP,), ("safety",)),
    _Right("a companion's time at a disciplinary or grievance hearing", ("accompanying at a hearing",),
           (COMPANION,), ("accompan", "companion")),
)

# An absolute cap on these is below the floor (law.md: duties capped with no route to more; health and
# safety time capped); on others (officials' training, activities) it is a judgement.
_CAP_IS_BELOW = ("duties", "learning duties", "equality duties", "health and safety duties",
                 "health and safety training", "accompanying at a hearing")

# ---- references the law has replaced or repealed ---------------------------------------------------

REPEAL_DAY = "2026-02-18"  # ERA 2025 s.63, s.66: the publication duty, s.172B and s.116B


@attrs.frozen
class _Reference:
    kind: str
    pattern: re.Pattern
    since: str | None  # the day it went out of date; None: long before any agreement ftdsl reads
    law: str
    text: str


_REFERENCES = (
    _Reference("TUPE 1981", re.compile(r"transfer of undertakings \(protection of employment\) regulations,? 1981|"
                                       r"\btupe\b[^.;:]{0,30}\b1981\b", re.IGNORECASE), None, "TUPE 2006",
               "cites the TUPE Regulations 1981, superseded by the Transfer of Undertakings (Protection of "
               "Employment) Regulations 2006, which s.168(1) now cites"),
    _Reference("Acas Code before 2010", re.compile(r"\bacas\b[^.;:]{0,120}?\b(1991|1998|2003)\b", re.IGNORECASE),
               "2010-01-01", "Acas Code of Practice 3 (2010)",
               "cites an Acas Code of Practice on time off earlier than 2010; the 2010 Code (Code of Practice 3) "
               "has replaced it since 1 January 2010"),
    _Reference("publication regulations 2017",
               re.compile(r"publication requirements\)? regulations,? 2017|\b2017/328\b", re.IGNORECASE), REPEAL_DAY,
               "ERA 2025 s.66",
               "relies on the Trade Union (Facility Time Publication Requirements) Regulations 2017, whose "
               "statutory basis (s.172A) the Employment Rights Act 2025 repealed from 18 February 2026; "
               "publishing the figures voluntarily is still lawful"),
    _Reference("s.172A or s.172B", re.compile(r"\b(?:s\.?|sections?)\s*172\s*[AB]\b", re.IGNORECASE), REPEAL_DAY,
               "ERA 2025 s.66",
               "relies on s.172A (publication of facility time) or s.172B (the reserve power to cap it), both "
               "repealed from 18 February 2026"),
    _Reference("check-off under s.116B", re.compile(r"\b116\s*B\b", re.IGNORECASE), REPEAL_DAY, "ERA 2025 s.63",
               "builds check-off on s.116B (the union paying for the deductions, members offered another way "
               "to pay), repealed from 18 February 2026: the terms now bind only as a contract, saved for "
               "what was owed before that day"),
)
_ACAS_PARA_57, _FACILITIES_DUTY, _SAFETY_NECESSARY, _CHECK_OFF_REPEAL = (
    "Acas Code 2010 para 57", "s.168(3A)", "SRSC 1977 reg 4(2)(a)", "ERA 2025 s.63")
_OUTSIDE_THE_RULESET = frozenset({r.law for r in _REFERENCES} | {_ACAS_PARA_57, _FACILITIES_DUTY, _CHECK_OFF_REPEAL})
_CHECK_OFF = re.compile(r"\bcheck-?off\b|\bdocas\b|deduction of (union )?subscriptions", re.IGNORECASE)


def _dated(iso: str | None) -> str:
    return m.date_words(iso) if iso else ""


def _texts(agreement) -> list[tuple[str | None, str, str]]:
    """Every text of the agreement's own words: (clause or None, where, text) for each quotation, the header
    and each paragraph of comments (a paragraph's lines joined, so that a reference split between lines is
    found)."""
    found = []
    for rule in agreement.model.rules:
        for quote in rule.quotes:
            found.append((rule.clause, f"§{rule.clause}", quote))
    for table in agreement.model.tables:
        for quote in table.quotes:
            found.append((table.clause, f"§{table.clause}", quote))
    header = agreement.model.header
    for value in (header.title, header.employer):
        if value:
            found.append((None, "the agreement's header", value))
    for path, text in agreement.sources.items():
        paragraph, first, last = [], 0, -1
        for comment in [*extract_comments(text), None]:
            if comment is not None and comment.line == last + 1 and paragraph:
                paragraph.append(comment.text.lstrip("#").strip())
                last = comment.line
                continue
            if paragraph:
                where = f"the comment at line {first} of {path}"
                found.append((None, where, " ".join(paragraph)))
            if comment is not None:
                paragraph, first, last = [comment.text.lstrip("#").strip()], comment.line, comment.line
    return found


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _references(agreement, as_of: str) -> list[Finding]:
    findings = []
    check_off_seen = False
    quoted = set()  # references found in the agreement's words: a comment that repeats one adds nothing
    for clause, where, text in _texts(agreement):
        clauses, says = ((clause,), (text,)) if clause is not None else ((), ())
        for reference in _REFERENCES:
            if not reference.pattern.search(text) or (where.startswith("the comment") and reference.kind in quoted):
                continue
            if not where.startswith("the comment"):
                quoted.add(reference.kind)
            if reference.since is None or as_of >= reference.since:
                findings.append(Finding(OUT_OF_DATE, reference.kind, f"Out of date: {where} {reference.text}.",
                                        agreement_clauses=clauses, law_sections=(reference.law,),
                                        agreement_says=says))
            else:
                findings.append(Finding(
                    INFORMATION, reference.kind, f"{_capital(where)} {reference.text}. On {_dated(as_of)} it is still "
                    f"in force: the reference is out of date from {_dated(reference.since)}.",
                    check=f"change the reference before {_dated(reference.since)}", agreement_clauses=clauses,
                    law_sections=(reference.law,), agreement_says=says))
        if _CHECK_OFF.search(text) and not re.search(r"116\s*B", text) and not check_off_seen:
            check_off_seen = True
            findings.append(Finding(
                INFORMATION, "check-off", f"{_capital(where)} speaks of check-off (deducting subscriptions through "
                "payroll).",
                check="whether its terms rest on s.116B's conditions (the union paying the administration fee, "
                      "members offered another way to pay), which the Employment Rights Act 2025 s.63 repealed "
                      "from 18 February 2026", agreement_clauses=clauses, law_sections=(_CHECK_OFF_REPEAL,),
                agreement_says=says))
    return findings


# ---- deciding both sides ------------------------------------------------------------------------

def _decide(ruleset, scenario: dict) -> dict | None:
    """The one decision of a one-request scenario; None where the ruleset cannot decide it."""
    try:
        return ruleset.program.decide(scenario)["decisions"][0]
    except (ScenarioError, FtdslError, KeyError, IndexError):
        return None


def _checks(decision: dict, rule: str, applies: bool = True, holds: bool | None = None) -> list[dict]:
    return [c for c in decision["checks"] if c["rule"] == rule and c["applies"] == applies
            and (holds is None or c["holds"] == holds)]


def _granting(decision: dict) -> list[dict]:
    return [c for kind in ("allowance", "reasonable", "granted") for c in _checks(decision, kind)]


def _quotes(checks) -> tuple[str, ...]:
    return tuple(dict.fromkeys(q for c in checks for q in c["quotes"]))


def _clauses(checks) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c["clause"] for c in checks))


def _law_cited(decision: dict) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*decision["clauses"], *decision.get("pay clauses", ()))))


def cite(section: str) -> str:
    """A clause or section as the audit cites it: '§168(1)' for a ruleset's clause, a reference to law
    outside the law ruleset (TUPE 2006, the Acas Code) as it is."""
    return section if section in _OUTSIDE_THE_RULESET else m.cited(section)


def _cited(clauses) -> str:
    return ", ".join(cite(c) for c in clauses)


_EMPLOYER_WORDS = ("management", "manager", "employer", "council", "head of", "human resources", "trust",
                   "department", "director", "officer")


def _employer_approval(check: dict) -> bool:
    """Whether a requirement asks for the employer's approval (not the TUC's or the union's)."""
    text = check["text"].lower()
    return "approv" in text and any(w in text for w in _EMPLOYER_WORDS) and "union" not in text \
        and "tuc" not in text


class _Findings:
    """Findings collected from many scenarios: one per (severity, kind, clauses), each rule's words once."""

    def __init__(self):
        self.found: dict[tuple, dict] = {}

    def add(self, severity, kind, agreement_checks, law_decision, detail, text, check=None, law_sections=None):
        clauses = _clauses(agreement_checks)
        sections = law_sections if law_sections is not None else _law_cited(law_decision)
        key = (severity, kind, clauses, sections)
        entry = self.found.setdefault(key, {"details": [], "text": text, "check": check, "says": (),
                                            "law says": ()})
        if detail and detail not in entry["details"]:
            entry["details"].append(detail)
        entry["says"] = tuple(dict.fromkeys((*entry["says"], *_quotes(agreement_checks))))
        if law_decision is not None:
            entry["law says"] = tuple(dict.fromkeys((*entry["law says"], *_quotes(law_decision["checks"]))))

    def results(self) -> list[Finding]:
        out = []
        for (severity, kind, clauses, sections), entry in self.found.items():
            joiner = "; " if any(", " in d for d in entry["details"]) else ", "
            words = {"details": joiner.join(entry["details"]), "clauses": _cited(clauses),
                     "sections": _cited(sections)}
            text = entry["text"].format(**words)
            check = entry["check"].format(**words) if entry["check"] else None
            out.append(Finding(severity, kind, text, check, clauses, sections, entry["says"], entry["law says"]))
        return out


_PAID_WORDS = {True: "paid", False: "unpaid", None: "paid only if management agrees"}


def _compare(found: _Findings, own: dict, law: dict, law_category: str, in_hours: bool, role: str | None) -> None:
    """What one request's two decisions show: the agreement's (`own`) against the law's. `role` is the
    agreement's role asked for when the request is one the law gives (None: one of the agreement's own)."""
    if law["outcome"] == ENTITLED:
        if own["outcome"] == NOT_ENTITLED:
            _refused(found, own, law, law_category, role)
        elif own["outcome"] == DISCRETIONARY:
            _discretion(found, own, law)
        if own["outcome"] != NOT_ENTITLED and in_hours:
            _pay(found, own, law, law_category)
        return
    if own["outcome"] == NOT_ENTITLED or own["paid"] is False:
        return
    if not in_hours:
        found.add(ABOVE, "paid outside working hours", _checks(own, "pay", holds=True) or _granting(own), law,
                  own["category"], "Above the floor: under {clauses} time outside working hours is paid, or may "
                  "be, for {details}; the law gives time off only during working hours ({sections}), so it does "
                  "not require this.")
    elif _checks(law, "refusal", holds=True):
        found.add(ABOVE, "time the law does not give", _granting(own), law, own["category"],
                  "Above the floor: {clauses} gives time for {details}, which the law does not give on this "
                  "date ({sections}).")


def _refused(found, own, law, law_category, role) -> None:
    over = _checks(own, "allowance", holds=False)
    unmet = _checks(own, "requirement", holds=False)
    refusals = _checks(own, "refusal", holds=True)
    if over:
        later = [c for c in _checks(own, "discretion", applies=False)]
        route = (f" (more {', '.join(c['detail'] for c in later if c['detail'])}: "
                 f"{_cited(_clauses(later))})" if later else "")
        details = f"up to {over[0]['text']}{route}"
        if law_category in _CAP_IS_BELOW:
            found.add(BELOW, "hard cap", over + later, law, details,
                      "Below the floor: under {clauses} the time is capped, with no route to more: {details}; the law "
                      "gives time for " + law_category + " without a cap ({sections}"
                      + (", \"as shall be necessary\"" if "health and safety" in law_category else "")
                      + ").", check="whether representatives ever need more, and how a request for more is "
                      "handled: a fixed cap with no route to more is at risk wherever the law's test is what "
                      "is reasonable or necessary")
        else:
            found.add(INFORMATION, "cap", over + later, law, details,
                      "Under {clauses} the time is capped: {details}; the law gives reasonable time for "
                      + law_category + " ({sections}).",
                      check="whether the cap is reasonable for what representatives do (Acas Code 2010): the "
                      "law gives no number, so the audit cannot say")
    for check in unmet:
        if _employer_approval(check):
            found.add(BELOW, "employer approval of training", [check], law, check["detail"],
                      "Below the floor: {clauses} gives time {details}; the law asks only that the training "
                      "be approved by the TUC or the union ({sections}), not by the employer.")
    if refusals and law_category != "industrial action":
        found.add(BELOW, "refused", refusals, law, law_category,
                  "Below the floor: {clauses} refuses time for {details}, which the law gives ({sections}).")
    if role is not None and not over and not unmet and not refusals and not _granting(own):
        found.add(INFORMATION, "role without time", [], law, role or "members who hold none of its roles",
                  "The agreement gives no time for " + law_category + " to: {details}. Read as "
                  + _law_role_words(role) + ", the law gives it ({sections}).",
                  check="whether they hold another role in the agreement that gives the time; if not, the "
                  "agreement gives them less than the law")


def _law_role_words(role: str) -> str:
    return "members" if not role else {OFFICIAL: "officials of the union (s.119)"}.get(read_role(role)[0],
                                                                                      read_role(role)[0] + "s")


def _discretion(found, own, law) -> None:
    over = _checks(own, "allowance", holds=False)
    allowed = _checks(own, "discretion", holds=True)
    if over and allowed:
        found.add(INFORMATION, "cap with discretion", over + allowed, law, f"up to {over[0]['text']}",
                  "Under {clauses}: {details}, and more at the employer's discretion; the law gives reasonable "
                  "time ({sections}) and sets no number.",
                  check="whether the fixed time, with the additional time granted in practice, is reasonable for "
                  "the duties representatives actually do (Acas Code 2010: the amount varies with demand); "
                  "the audit cannot judge what is reasonable")
        return
    granted = _checks(own, "granted", holds=True)
    if granted:
        found.add(INFORMATION, "discretion", granted, law, granted[0]["text"].replace("time at management's "
                  "discretion for ", ""),
                  "{clauses} leaves time for {details} to management's discretion; the law gives reasonable "
                  "time as of right ({sections}).",
                  check="that requests are granted wherever the time asked is reasonable: a refusal of "
                  "reasonable time is a refusal of the statutory right")


def _pay(found, own, law, law_category) -> None:
    pays = _checks(own, "pay", holds=True) or _granting(own)
    if law["paid"] is True and own["paid"] is not True:
        found.add(BELOW, "unpaid", pays, law, f"{own['category']} {_PAID_WORDS[own['paid']]}",
                  "Below the floor: under {clauses} time for {details}; the law pays it ({sections}, at normal "
                  "pay or average hourly earnings).")
    elif law["paid"] is False and own["paid"] is not False:
        found.add(ABOVE, "paid", pays, law, f"{own['category']} {_PAID_WORDS[own['paid']]}",
                  "Above the floor: under {clauses} time for {details}; the law does not require "
                  + law_category + " to be paid ({sections}).")


def _request(scenario: dict) -> dict:
    return scenario["requests"][0]


def _roles_of(model: m.Model, scenario: dict) -> list[str]:
    fact = model.fact(model.roles_fact) if model.roles_fact else None
    if fact is None:
        return []
    return list(scenario["facts"].get(fact.display or fact.name, []))


def _law_roles(roles) -> tuple[str, ...]:
    read = tuple(dict.fromkeys(r for role in roles for r in read_role(role)))
    return read or (MEMBER,)


def _redated(scenario: dict, day: str) -> dict:
    return {**scenario, "requests": [{**r, "date": day} for r in scenario["requests"]]}


def _from_agreement(found, agreement, law, day) -> None:
    """The agreement's boundaries, each request decided by both."""
    for scenario in _boundaries(agreement, day):
        request = _request(scenario)
        law_roles = _law_roles(_roles_of(agreement.model, scenario))
        law_category = read_category(request["category"], law.model, law_roles)
        if law_category is None:
            continue
        own = _decide(agreement, scenario)
        statutory = _decide(law, scenario_for(law.model, law_category, law_roles, Fraction(str(request["hours"])),
                                              in_hours=request["in working hours"], date=day))
        if own is not None and statutory is not None:
            _compare(found, own, statutory, law_category, request["in working hours"], None)


# More hours than a year has: a request no allowance can hold, for the allowances worked out from facts
# (a band table, a formula), whose exact amount the generator does not know.
_MORE_THAN_A_YEAR = Fraction(24 * 366)


def _boundaries(agreement, day: str) -> list[dict]:
    """The scenarios made from the agreement's boundaries, on the day; and, for each allowance worked out from
    facts, a request more than it can hold."""
    model = agreement.model
    scenarios = [_redated(g.old, day) for g in generate_scenarios(model, model)]
    for grant in model.grants:
        if grant.kind == "allowance" and grant.quantity is not None and grant.quantity.value is not None:
            scenarios.append(scenario_for(model, grant.category, list(grant.roles or ())[:1], _MORE_THAN_A_YEAR,
                                          date=day, what=f"more than {grant.text} can hold"))
    return scenarios


def _from_law(found, agreement, law, day) -> None:
    """The law's boundaries: each request the law grants, asked of the agreement by each role read as the
    law's, in each category read as the law's; the most the agreement gives is compared."""
    model = agreement.model
    for generated in generate_scenarios(law.model, law.model):
        scenario = _redated(generated.old, day)
        request = _request(scenario)
        statutory = _decide(law, scenario)
        if statutory is None or statutory["outcome"] != ENTITLED or not request["in working hours"]:
            continue
        law_roles = _roles_of(law.model, scenario)
        main = next((r for r in law_roles if r != MEMBER), MEMBER)
        people = [[role] for role in model.roles if read_role(role)[0] == main]
        if main == MEMBER and not people:
            people = [[]]  # a member who holds none of the agreement's roles
        for person in people:
            categories = [c for c in model.categories
                          if read_category(c, law.model, _law_roles(person)) == request["category"]]
            if not categories:
                continue
            decisions = [d for d in (_decide(agreement, scenario_for(model, c, person, Fraction(str(request["hours"])),
                                                                     date=day)) for c in categories) if d]
            if decisions:
                best = max(decisions, key=lambda d: (_RANK[d["outcome"]], d["paid"] is True))
                _compare(found, best, statutory, request["category"], True, person[0] if person else "")


_RANK = {NOT_ENTITLED: 0, DISCRETIONARY: 1, ENTITLED: 2}


def _working_hours_only(found, agreement, law, day) -> None:
    """Grants the agreement gives only outside working hours: asked in and out of them."""
    model = agreement.model
    for grant in model.grants:
        if grant.condition is None or "working hours" not in m.describe_condition(grant.condition):
            continue
        person = list(grant.roles or ())[:1]
        law_category = read_category(grant.category, law.model, _law_roles(person))
        if law_category is None:
            continue
        inside, outside = (_decide(agreement, scenario_for(model, grant.category, person, Fraction(1),
                                                           in_hours=hours, date=day)) for hours in (True, False))
        statutory = _decide(law, scenario_for(law.model, law_category, _law_roles(person), Fraction(1), date=day))
        if inside and outside and statutory and statutory["outcome"] == ENTITLED \
                and inside["outcome"] == NOT_ENTITLED and outside["outcome"] != NOT_ENTITLED:
            found.add(BELOW, "only outside working hours", _granting(outside), statutory, grant.category,
                      "Below the floor: {clauses} gives time for {details} only outside working hours; the law "
                      "gives it during working hours ({sections}, s.173(1)).")


def _safety_pooled(found, agreement, law) -> None:
    """Health and safety representatives' time counted against another allowance."""
    model = agreement.model
    safety = {c for c in model.categories if (read_category(c, law.model, (SAFETY_REP,)) or "").startswith(
        "health and safety")}
    own_category = {c for c in safety if "safety" in c.lower()}
    for rule in model.limits:
        if set(rule.categories) & own_category and set(rule.categories) - own_category:
            found.found.setdefault((BELOW, "health and safety time counted against the allowance", (rule.clause,),
                                    (_SAFETY_NECESSARY,)), {
                "details": [], "text": f"Below the floor: §{rule.clause} counts health and safety representatives' "
                f"time in one limit with other time ({rule.text}); the law gives them the time \"as shall be "
                "necessary\", apart from any allowance (SRSC 1977 reg 4(2)(a)).", "check": None,
                "says": rule.quotes, "law says": ()})
    if own_category:
        return
    for grant in model.grants:
        if grant.kind == "allowance" and grant.roles and any(SAFETY_REP in read_role(r) for r in grant.roles):
            found.found.setdefault((BELOW, "health and safety time counted against the allowance", (grant.clause,),
                                    (_SAFETY_NECESSARY,)), {
                "details": [], "text": f"Below the floor: the agreement has no time of their own for health and "
                f"safety representatives: §{grant.clause} gives them {grant.text}, so their functions come out "
                "of that allowance; the law gives them the time \"as shall be necessary\" (SRSC 1977 reg 4(2)(a)).",
                "check": None, "says": grant.quotes, "law says": ()})


# ---- silence: rights the agreement has no rule for ------------------------------------------------

def _holds_on(rule, day: str) -> bool:
    """Whether a rule's dates (if it has any) include the day."""
    dates = rule.dates
    return dates is None or ((dates.start is None or dates.start <= day) and (dates.end is None or day <= dates.end))


def _covers(agreement, law: m.Model, right: _Right, day: str) -> list:
    """The agreement's grants in force on the day that give what a right gives: to a role read as the
    right's, in a category read as one of the right's."""
    found = []
    for grant in agreement.model.grants:
        if not _holds_on(grant, day):
            continue
        roles = grant.roles if grant.roles is not None else (None,)
        for role in roles:
            law_roles = right.roles if role is None else read_role(role)
            if right.roles[0] in law_roles and read_category(grant.category, law, law_roles) in right.categories:
                found.append(grant)
                break
    return found


def _in_force(law, right: _Right, day: str) -> tuple[bool, dict | None]:
    """Whether the law gives the right's time on the day, and the law's decision that says so."""
    last = None
    for category in right.categories:
        if category not in law.model.categories:
            continue
        decision = _decide(law, scenario_for(law.model, category, right.roles, Fraction(1), date=day))
        if decision is None:
            continue
        if decision["outcome"] == ENTITLED:
            return True, decision
        last = decision
    return False, last


def _silences(agreement, law, day) -> list[Finding]:
    findings = []
    for right in _RIGHTS:
        if not any(c in law.model.categories for c in right.categories):
            continue
        given, decision = _in_force(law, right, day)
        if decision is None:
            continue
        sections = _law_cited(decision)
        law_says = _quotes(decision["checks"])
        covering = _covers(agreement, law.model, right, day)
        if given and covering:
            continue
        if covering:
            findings.append(Finding(ABOVE, "time the law does not give", f"Above the floor: the agreement gives "
                                    f"{right.name} ({_cited(_clauses_of(covering))}), which the law does not give "
                                    f"on {_dated(day)} ({_cited(sections)}).", None, _clauses_of(covering), sections,
                                    _quotes_of(covering), law_says))
            continue
        spoken = [(rule.clause, q) for rule in agreement.model.rules if _holds_on(rule, day) for q in rule.quotes
                  if right.words and any(w in q.lower() for w in right.words)]
        if not given:
            findings.append(Finding(
                INFORMATION, "not yet in force", f"The agreement has no rule for {right.name}. On {_dated(day)} the "
                f"law gives none either ({_cited(sections)}): this is not a breach.",
                check="when the law comes into force (see docs/law.md, \"When a commencement is confirmed\"), the "
                      "agreement will need a rule for it; audit it again then", law_sections=sections,
                law_says=law_says))
        elif spoken:
            clauses = tuple(dict.fromkeys(c for c, _ in spoken))
            findings.append(Finding(
                INFORMATION, "in words only", f"The agreement speaks of {right.name} ({_cited(clauses)}) but has "
                f"no category of its own for it, so the audit cannot decide it; the law gives it "
                f"({_cited(sections)}).", check="that the time the agreement gives in these words is the time the "
                "law gives (paid where the law pays)", agreement_clauses=clauses, law_sections=sections,
                agreement_says=tuple(q for _, q in spoken), law_says=law_says))
        else:
            paid = " and paid" if decision["paid"] else ""
            findings.append(Finding(
                SILENT, "no rule", f"Silent: the agreement has no rule for {right.name}; the law gives it anyway "
                f"(reasonable{paid}, {_cited(sections)}).", check="add a rule, so that representatives and "
                "managers see the right in the agreement", law_sections=sections, law_says=law_says))
    return findings + _facilities(agreement, law, day)


def _clauses_of(rules) -> tuple[str, ...]:
    return tuple(dict.fromkeys(r.clause for r in rules))


def _quotes_of(rules) -> tuple[str, ...]:
    return tuple(dict.fromkeys(q for r in rules for q in r.quotes))


def _roles_in(condition) -> set[str]:
    """The roles a condition asks a person to hold ("when roles include health and safety representative")."""
    return {atom.value for atom in atoms(condition)
            if isinstance(atom, m.Contains) and atom.fact.type == "list of roles"}


def _facilities(agreement, law, day) -> list[Finding]:
    """Facilities the law gives a role the agreement has, where the agreement gives that role none; and,
    while the officials' facilities duty is not in force, the Acas Code's advice for an agreement with no
    facilities at all."""
    findings = []
    own = agreement.model.facilities

    def reaches(rule, law_role):
        roles = _roles_in(rule.condition)
        return not roles or any(law_role in read_role(r) for r in roles)

    officials_duty = False
    for rule in law.model.facilities:
        for law_role in _roles_in(rule.condition) or {OFFICIAL}:
            officials_duty = officials_duty or law_role == OFFICIAL
            if not any(law_role in read_role(r) for r in agreement.model.roles):
                continue
            if not any(reaches(f, law_role) for f in own):
                findings.append(Finding(
                    SILENT, "no facilities", f"Silent: the agreement gives {law_role}s no facilities; the law "
                    f"gives them {rule.text} ({m.cited(rule.clause)}).", agreement_clauses=(),
                    law_sections=(rule.clause,), law_says=rule.quotes))
    if not own and not officials_duty:
        findings.append(Finding(
            INFORMATION, "no facilities clause", "The agreement has no facilities clause. The Acas Code 2010 "
            "(para 57) says an agreement should specify the facilities to be provided; the duty to provide them "
            "on request (s.168(3A), s.168A(8A), s.168B(9), Employment Rights Act 2025 s.64) is enacted, but the "
            f"law ruleset does not have it in force on {_dated(day)}.",
            check="add the facilities the employer provides (accommodation, meeting rooms, telephone, email, "
                  "noticeboards, confidential space); once the duty is in force its absence is below the floor",
            law_sections=(_ACAS_PARA_57, _FACILITIES_DUTY)))
    return findings


# ---- the audit --------------------------------------------------------------------------------

_SEVERITY_ORDER = {s: n for n, s in enumerate(SEVERITIES)}


def _first_clause(finding: Finding):
    from .diff import _clause_sort

    return _clause_sort(finding.agreement_clauses[0]) if finding.agreement_clauses else ()


def audit(agreement, law, as_of: datetime.date) -> Audit:
    """Audit a loaded agreement (api.Ruleset) against a loaded law ruleset on a day: the findings, most
    serious first and clause by clause within a severity. Raises E360 if `law` is not a law ruleset."""
    check_law(law, law.path)
    day = as_of.isoformat()
    found = _Findings()
    _from_agreement(found, agreement, law, day)
    _from_law(found, agreement, law, day)
    _working_hours_only(found, agreement, law, day)
    _safety_pooled(found, agreement, law)
    findings = found.results() + _silences(agreement, law, day) + _references(agreement, day)
    findings = list(dict.fromkeys(findings))
    findings.sort(key=lambda f: (_SEVERITY_ORDER[f.severity], _first_clause(f), f.kind, f.text))
    categories = tuple((c, read_category(c, law.model))
                       for c in agreement.model.categories)
    roles = tuple((r, read_role(r)) for r in agreement.model.roles)
    return Audit(day, agreement.model.header.title or agreement.path, law.model.header.title or law.path,
                 tuple(findings), categories, roles)
