"""Names as agreements spell them: declared names of any words, quoted names, clause references with suffixes."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftdsl import api
from ftdsl.errors import FtdslError
from ftdsl.names import JOINER, declared_names, mark_declared_names, name_key
from ftdsl.formatter import format_text

HEADER = """agreement "Names"
a working day is 7 hours
roles: representative, health and safety representative, union learning representative
categories: duties, health and safety duties
fact roles: list of roles
fact part time or guaranteed hours: yes/no
fact union share per thousand: count
"""


def _decide(text, facts, requests):
    return api.load_ruleset_text(text).decide({"facts": facts, "requests": requests})


def test_names_holding_the_languages_own_words_are_one_name():
    text = HEADER + """
§6.12A representative and health and safety representative may take up to 6 hours per month for duties
    when part time or guaranteed hours
§6.12(a) health and safety representative may take up to 2 hours per week for health and safety duties
    when union share per thousand is at least 3
§5.3(d)(ii) duties are paid
Schedule 2 para 3 health and safety duties are paid
"""
    result = _decide(text, {"roles": ["Health and Safety Representative"], "part time or guaranteed hours": True,
                            "union share per thousand": 3},
                     [{"category": "health and safety duties", "hours": 2, "date": "2026-05-04"},
                      {"category": "duties", "hours": 6, "date": "2026-05-04"}])
    first, second = result["decisions"]
    # 2 h asked, 2 h a week allowed (§6.12(a)); paid by Schedule 2 para 3.
    assert first["outcome"] == "entitled" and first["paid"] is True
    assert first["clauses"] == ["6.12(a)"] and first["pay clauses"] == ["Schedule 2 para 3"]
    # 6 h of duties, up to 6 h a month for the health and safety representative too (§6.12A), paid by §5.3(d)(ii).
    assert second["outcome"] == "entitled" and second["clauses"] == ["6.12A"]
    assert second["pay clauses"] == ["5.3(d)(ii)"]


def test_a_role_is_not_split_at_and():
    text = HEADER + "§1 health and safety representative may take up to 1 hours per week for duties\n§2 duties are paid\n"
    # A 'safety representative' alone (not a declared role) gets nothing from §1: the role is one name.
    decided = _decide(text, {"roles": ["representative"], "part time or guaranteed hours": False,
                             "union share per thousand": 0},
                      [{"category": "duties", "hours": 1, "date": "2026-05-04"}])
    assert decided["decisions"][0]["outcome"] != "entitled"


def test_a_quoted_name_is_one_name_and_formatting_keeps_the_quotes():
    text = ('roles: "steward and convenor", representative\ncategories: duties\nfact roles: list of roles\n'
            '§1 "steward and convenor" may take up to 2 hours per week for duties\n§2 duties are paid\n')
    formatted = format_text(text)
    assert '"steward and convenor" may take up to 2 hours per week for duties' in formatted
    decided = _decide(formatted, {"roles": ["Steward and Convenor"]},
                      [{"category": "duties", "hours": 2, "date": "2026-05-04"}])
    assert decided["decisions"][0]["outcome"] == "entitled"


def test_an_undeclared_name_with_a_keyword_can_be_quoted():
    text = ('roles: representative\ncategories: duties\nfact roles: list of roles\nfact "on call or standby": yes/no\n'
            '§1 representative may take up to 2 hours per week for duties\n    when "on call or standby"\n'
            '§2 duties are paid\n')
    decided = _decide(text, {"roles": ["representative"], "on call or standby": True},
                      [{"category": "duties", "hours": 2, "date": "2026-05-04"}])
    assert decided["decisions"][0]["outcome"] == "entitled"


def test_an_empty_quoted_name_is_an_error():
    with pytest.raises(FtdslError) as raised:
        _decide('roles: ""\ncategories: duties\nfact roles: list of roles\n', {}, [])
    assert [d.code for d in raised.value.diagnostics] == ["E115"]


def test_the_marking_character_in_a_ruleset_is_refused():
    with pytest.raises(FtdslError) as raised:
        _decide("roles: health" + JOINER + "officer\n", {}, [])
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.code == "E102" and (diagnostic.span.line, diagnostic.span.column) == (1, 14)


def test_marking_keeps_every_position_and_leaves_quotations_and_comments_alone():
    text = ('roles: health and safety representative\n# health and safety representative\n'
            '§1 health  and\tsafety representative may take up to 1 hours per week for duties\n'
            '    says "a health and safety representative may"\n')
    marked = mark_declared_names(text)
    assert len(marked) == len(text)
    assert marked.replace(JOINER, " ") == text.replace("\t", " ")
    lines = marked.split("\n")
    assert JOINER in lines[0] and JOINER not in lines[1] and JOINER in lines[2] and JOINER not in lines[3]


def test_the_longest_declared_name_wins():
    text = "roles: health and safety representative\ncategories: health and safety\n"
    assert sorted(declared_names(text)) == ["health and safety", "health and safety representative"]
    line = mark_declared_names(text + "x health and safety representative y\n").split("\n")[2]
    assert line == "x " + JOINER.join("health and safety representative".split()) + " y"


def test_an_and_in_a_declared_list_points_at_commas():
    with pytest.raises(FtdslError) as raised:
        _decide("roles: representative and branch secretary\ncategories: duties\nfact roles: list of roles\n"
                "§1 representative may take up to 1 hours per week for duties\n", {}, [])
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.code == "E201"
    assert "roles: representative, branch secretary" in diagnostic.hint


@pytest.mark.parametrize("clause, cited", [
    ("§6.12A", "6.12A"), ("§6.12(a)", "6.12(a)"), ("§5.3(d)(ii)", "5.3(d)(ii)"), ("clause 7b", "7b"),
    ("Schedule 2 para 3", "Schedule 2 para 3"), ("schedule 2 paragraph 3", "Schedule 2 paragraph 3"),
    ("Appendix 4", "Appendix 4"), ("Part IV", "Part IV"), ("§6.19ab", "6.19ab"), ("§6.16A.1", "6.16A.1"),
    ("§6.15(a)(ii)b", "6.15(a)(ii)b"),
])
def test_clause_references_as_agreements_number_them(clause, cited):
    text = f"roles: representative\ncategories: duties\nfact roles: list of roles\n{clause} duties are paid\n" \
           "§9 representative may take up to 1 hours per week for duties\n"
    decided = _decide(text, {"roles": ["representative"]}, [{"category": "duties", "hours": 1, "date": "2026-05-04"}])
    assert decided["decisions"][0]["pay clauses"] == [cited]


def test_a_word_glued_to_a_clause_number_is_the_rule_not_a_suffix():
    # "§6.12duties": a letter is a clause's suffix only when no letter follows it.
    text = "roles: representative\ncategories: duties\nfact roles: list of roles\n§6.12duties are paid\n" \
           "§9 representative may take up to 1 hours per week for duties\n"
    decided = _decide(text, {"roles": ["representative"]}, [{"category": "duties", "hours": 1, "date": "2026-05-04"}])
    assert decided["decisions"][0]["pay clauses"] == ["6.12"]


# Words the language uses (a name may be made of them once declared).
KEYWORDS = ["and", "or", "per", "by", "is", "for", "when", "not", "may", "take", "time", "paid", "include", "of",
            "up", "to", "the", "a", "in", "any"]
WORDS = st.lists(st.sampled_from(KEYWORDS + ["union", "safety", "health", "learning", "equality"]),
                 min_size=2, max_size=5)


@settings(max_examples=60, deadline=None)
@given(words=WORDS)
def test_any_declared_words_make_a_role_that_rules_and_scenarios_match(words):
    role = " ".join(["rep"] + words)  # starts with a plain word, as a role's name must at a rule's start
    text = (f"roles: {role}\ncategories: duties\nfact roles: list of roles\n"
            f"§1 {role} may take up to 3 hours per week for duties\n§2 duties are paid\n")
    decided = _decide(text, {"roles": [role.upper()]}, [{"category": "duties", "hours": 3, "date": "2026-05-04"}])
    assert decided["decisions"][0]["outcome"] == "entitled"
    # And formatting gives back a ruleset that means the same.
    assert format_text(format_text(text)) == format_text(text)


@given(st.text(alphabet="aB ’'\u00a0x", max_size=12))
def test_name_keys_ignore_case_spacing_and_apostrophe_style(text):
    assert name_key(text) == name_key(text.upper().replace("’", "'").replace("\u00a0", "  "))
    json.dumps(name_key(text))


def test_names_are_shown_as_the_ruleset_spells_them():
    from ftdsl.allowances import allowances, to_text

    text = ('roles: NUT official, GMB official\ncategories: Duties\nfact roles: list of roles\n'
            "§1 NUT official may take up to 2 hours per week for Duties\n§2 Duties are paid\n")
    ruleset = api.load_ruleset_text(text)
    # A scenario names them in any case; the reasons and the allowances say them as declared.
    (decision,) = _decide(text, {"roles": ["gmb official"]},
                          [{"category": "duties", "hours": 1, "date": "2026-05-04"}])["decisions"]
    assert "no rule gives time for Duties here" in decision["reasons"][0]
    assert decision["reasons"][0].endswith("only for NUT official")
    shown = to_text(allowances(ruleset.model), width=80)
    assert "NUT official" in shown and "GMB official" in shown and "Nut official" not in shown
