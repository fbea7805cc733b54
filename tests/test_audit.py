"""`ftdsl audit`: each shipped agreement against the statutory floor, with the findings a reader of the law
notes (law.md) and of the agreement's own text would write down; small rulesets for each way an agreement
falls below the floor; the command line and the docs page."""

from __future__ import annotations

import datetime
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, run_cli
from doc_examples import assert_shown, blocks, run_block
from ftdsl.api import load_ruleset, load_ruleset_text
from ftdsl.audit import ABOVE, BELOW, INFORMATION, OUT_OF_DATE, SILENT, audit
from ftdsl.errors import FtdslError

LAW = load_ruleset(str(ROOT / "rulesets" / "law" / "gb-time-off.ftr"))
DAY = datetime.date(2026, 12, 1)


def _audit(path, day=DAY):
    return audit(load_ruleset(str(ROOT / "rulesets" / path)), LAW, day).findings


def _audit_text(text, day=DAY):
    return audit(load_ruleset_text(text, "agreement.ftr"), LAW, day).findings


def _found(findings, severity, kind=None):
    """(agreement clauses, the first law section) of each finding of a severity (and kind)."""
    return {(f.agreement_clauses, f.law_sections[0] if f.law_sections else None) for f in findings
            if f.severity == severity and (kind is None or f.kind == kind)}


def _silent_sections(findings):
    return {f.law_sections[0] for f in findings if f.severity == SILENT and f.kind == "no rule"}


# ---- Westminster (2005/06) on 1 December 2026 ------------------------------------------------------

def test_westminster_is_silent_on_learning_safety_representatives_and_companions():
    findings = _audit("westminster.ftr")
    # No union learning representatives (s.168A), no members' access to one (s.170(2B)), no health and
    # safety representatives (SRSC 1977), no companions (ERelA 1999 s.10): the law gives each anyway.
    assert _silent_sections(findings) == {"168A(1)", "170(2B)", "SRSC 1977 reg 4(2)(a)", "ERelA 1999 s.10(6)"}


def test_westminster_cites_the_1991_acas_code_and_tupe_1981_in_its_clause_5_3():
    findings = _audit("westminster.ftr")
    assert _found(findings, OUT_OF_DATE) == {(("5.3",), "Acas Code of Practice 3 (2010)"), (("5.3",), "TUPE 2006")}
    tupe = next(f for f in findings if f.kind == "TUPE 1981")
    assert "Regulations 1981" in tupe.agreement_says[0]


def test_westminster_pays_activities_mass_meetings_and_conferences_above_the_floor():
    findings = _audit("westminster.ftr")
    assert {clauses for clauses, _ in _found(findings, ABOVE, "paid")} == {("5.5",), ("5.6",), ("6.17",)}
    assert all("does not require activities to be paid" in f.text for f in findings if f.kind == "paid")


def test_westminster_is_nowhere_shown_below_the_floor_and_its_caps_are_judgements():
    findings = _audit("westminster.ftr")
    # Duties and training are paid (§5.3, §6.16) and every cap on duties has §6.13's additional time.
    assert not _found(findings, BELOW)
    capped = {clauses for clauses, _ in _found(findings, INFORMATION, "cap with discretion")}
    assert ("6.12", "6.13") in capped
    judged = next(f for f in findings if f.agreement_clauses == ("6.12", "6.13"))
    assert "6 hours per month for duties" in judged.text and "reasonable" in judged.check
    # §6.17: 5 days of training a year, more only for a new representative.
    assert (("6.17",), "168(2)") in _found(findings, INFORMATION, "cap")


def test_equality_representatives_are_for_information_while_not_in_force():
    findings = _audit("westminster.ftr")
    pending = [f for f in findings if "168B" in " ".join(f.law_sections)]
    assert pending and all(f.severity == INFORMATION and f.kind == "not yet in force" for f in pending)
    assert "not a breach" in pending[0].text


# ---- the other shipped rulesets -----------------------------------------------------------------------

def test_the_recognition_agreement():
    findings = _audit("recognition-and-facilities.ftr")
    # It has union learning representatives, members' activities in working hours (unpaid, as the law) and
    # training approved by the union, so none of these is silent or below; it has no safety representatives
    # nor companions.
    assert not _found(findings, BELOW)
    assert _silent_sections(findings) == {"SRSC 1977 reg 4(2)(a)", "ERelA 1999 s.10(6)"}
    # Access to a learning representative is in the words of its activities clause only.
    assert (("Time off for trade union activities", "Payment"), "170(2B)") in _found(findings, INFORMATION,
                                                                                      "in words only")
    # National executive duties and conferences (activities in law) are paid; so is time outside working
    # hours for part-timers and, with management's agreement, flexible workers.
    paid = next(f for f in findings if f.kind == "paid")
    assert paid.agreement_clauses == ("Payment",) and "national executive duties" in paid.text
    assert "conference" in paid.text
    assert (("Payment",), "173(1)") in _found(findings, ABOVE, "paid outside working hours")


def test_kmpt_caps_every_line_with_no_route_to_more():
    findings = _audit("kmpt.ftr")
    # The report gives fixed figures and, as its own comment says, nothing beyond them.
    assert {clauses[0] for clauses, _ in _found(findings, BELOW, "hard cap")} == {
        "Staff side chair", "Branch secretary (Unison)", "JNF attendance", "Casework",
        "Health and safety inspections"}
    safety = next(f for f in findings if f.agreement_clauses == ("Health and safety inspections",))
    assert safety.law_sections[0] == "SRSC 1977 reg 4(2)(a)" and "as shall be necessary" in safety.text
    assert (("Traning/conference",), "168(2)") in _found(findings, INFORMATION, "cap")
    # It has safety representatives and gives them no facilities (reg 4A(2)); it has no facilities at all.
    assert ((), "SRSC 1977 reg 4A(2)") in _found(findings, SILENT, "no facilities")
    assert _found(findings, INFORMATION, "no facilities clause")
    assert _silent_sections(findings) == {"170(1)", "168A(1)", "170(2B)", "ERelA 1999 s.10(6)"}


def test_haringey():
    findings = _audit("haringey.ftr")
    assert _found(findings, BELOW, "hard cap") == {(("Criteria",), "168(1)")}
    # No training, no activities, no learning or safety representatives, no companions, no facilities.
    assert _silent_sections(findings) == {"168(2)", "170(1)", "168A(1)", "170(2B)", "SRSC 1977 reg 4(2)(a)",
                                          "ERelA 1999 s.10(6)"}
    assert _found(findings, INFORMATION, "no facilities clause")


def test_the_westminster_variation_fills_the_safety_gap_from_its_date():
    before = _audit("variations/westminster-2026.ftr", datetime.date(2027, 3, 31))
    after = _audit("variations/westminster-2026.ftr", datetime.date(2027, 11, 1))
    assert "SRSC 1977 reg 4(2)(a)" in _silent_sections(before)
    assert "SRSC 1977 reg 4(2)(a)" not in _silent_sections(after)
    # From 1 October 2027 it gives equality representatives time the law does not give yet.
    assert any(f.severity == ABOVE and "equality" in f.text and f.agreement_clauses == ("6.12B",) for f in after)


def test_the_law_audited_against_itself_is_never_below_the_floor_nor_silent():
    findings = audit(LAW, LAW, DAY).findings
    assert not [f for f in findings if f.severity in (BELOW, SILENT, ABOVE)]


# ---- each way below the floor, on a small agreement ---------------------------------------------------

SMALL = """roles: representative, health and safety representative
categories: duties, training, activities, health and safety duties
fact roles: list of roles
request fact approved by management: yes/no
§1 representative may take up to 6 hours per month for duties
§2 duties are unpaid
§3 representative may take reasonable time for training
§3 training is paid
§3 time off for training is given only when approved by management
§4 representative may take reasonable time for activities
    when not in working hours
§5 health and safety representative may take reasonable time for health and safety duties
§5 health and safety duties are paid
§6 health and safety duties, duties are limited to 10 hours per month
"""


def test_each_way_an_agreement_falls_below_the_floor():
    below = _found(_audit_text(SMALL), BELOW)
    assert below == {(("1",), "168(1)"),  # a cap on duties with no route to more
                     (("2",), "168(1)"),  # duties unpaid
                     (("3",), "168(2)"),  # the employer's approval of training
                     (("4",), "170(1)"),  # activities only outside working hours
                     (("6",), "SRSC 1977 reg 4(2)(a)")}  # safety time in one limit with duties
    kinds = {f.kind for f in _audit_text(SMALL) if f.severity == BELOW}
    assert kinds == {"hard cap", "unpaid", "employer approval of training", "only outside working hours",
                     "health and safety time counted against the allowance"}


@settings(max_examples=25, deadline=None)
@given(hours=st.integers(1, 200), discretion=st.booleans(), pay=st.sampled_from(["paid", "unpaid"]))
def test_a_cap_on_duties_is_below_the_floor_exactly_when_there_is_no_route_to_more(hours, discretion, pay):
    text = ("roles: representative\ncategories: duties\nfact roles: list of roles\n"
            f"§1 representative may take up to {hours} hours per month for duties\n§2 duties are {pay}\n"
            + ("§3 additional time for duties may be granted\n" if discretion else ""))
    findings = _audit_text(text)
    assert bool(_found(findings, BELOW, "hard cap")) == (not discretion)
    assert bool(_found(findings, INFORMATION, "cap with discretion")) == discretion
    assert bool(_found(findings, BELOW, "unpaid")) == (pay == "unpaid")


PUBLISHING = """roles: representative
categories: duties
fact roles: list of roles
§1 representative may take reasonable time for duties
§1 duties are paid
§9 facilities "a record of facility time"
    says "The Council will publish facility time as the Trade Union (Facility Time Publication Requirements) Regulations 2017 require."
"""


def test_the_publication_regulations_are_out_of_date_from_18_february_2026():
    def finding(day):
        [found] = [f for f in _audit_text(PUBLISHING, day) if f.kind == "publication regulations 2017"]
        return found

    assert finding(datetime.date(2026, 2, 17)).severity == INFORMATION
    assert "still in force" in finding(datetime.date(2026, 2, 17)).text
    assert finding(datetime.date(2026, 2, 18)).severity == OUT_OF_DATE
    assert finding(datetime.date(2026, 2, 18)).agreement_clauses == ("9",)


def test_a_ruleset_that_is_not_the_law_is_refused():
    with pytest.raises(FtdslError) as raised:
        audit(LAW, load_ruleset(str(ROOT / "rulesets" / "kmpt.ftr")), DAY)
    assert raised.value.diagnostics[0].code == "E360"


def test_every_statutory_rule_is_exercised_by_the_law_rulesets_examples():
    result = run_cli("test", "rulesets/law", "--no-pager", cwd=ROOT, env={"NO_COLOR": "1"})
    assert result.returncode == 0
    assert "coverage: 31 of 31 rules and bands exercised" in result.stdout


# ---- the command line and the docs ---------------------------------------------------------------------

def test_json_has_its_stable_keys_and_exit_0():
    result = run_cli("audit", "rulesets/westminster.ftr", "--as-of", "2026-12-01", "--format", "json", cwd=ROOT)
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert list(data)[:4] == ["as of", "agreement", "law", "findings"] and data["as of"] == "2026-12-01"
    for finding in data["findings"]:
        assert list(finding) == ["severity", "kind", "agreement clause", "law section", "agreement says",
                                 "law says", "text", "check"]


def test_text_wraps_at_the_width():
    result = run_cli("audit", "rulesets/kmpt.ftr", "--as-of", "2026-12-01", cwd=ROOT,
                     env={"COLUMNS": "60", "NO_COLOR": "1"})
    assert result.returncode == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= 60


PAGE = blocks("docs/audit.md")


@pytest.mark.parametrize("block", PAGE, ids=range(len(PAGE)))
def test_the_audit_page_shows_what_ftdsl_prints(block):
    command, *shown = block.rstrip("\n").split("\n")
    code, printed = run_block(block)
    assert code == 0
    assert_shown(shown, printed)


def test_the_audit_page_has_its_examples():
    assert len(PAGE) == 2
