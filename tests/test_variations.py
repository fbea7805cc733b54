"""Variations as documents of their own: a variation file amends its agreement from its date."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, WESTMINSTER, run_cli
from ftdsl import api
from ftdsl.diff import diff
from ftdsl.errors import FtdslError
from ftdsl.formatter import format_text

VARIATION = ROOT / "rulesets" / "variations" / "westminster-2026.ftr"
PERSON = {"roles": ["representative", "health and safety representative"], "staff group": "non-teaching",
          "employed by council": True}


def _write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


AGREEMENT = """agreement "Base"
roles: representative
categories: duties, training
fact roles: list of roles
§6.12 representative may take up to 6 hours per month for duties
§6.13 representative may take up to 2 days per year for training
a working day is 7 hours
§6.16 duties, training are paid
"""
CHANGE = """variation "Duties up"
amends "base.ftr"
effective 1 April 2027
§6.12 representative may take up to 10 hours per month for duties
§6.13 is removed
"""


def _decide(ruleset, requests):
    return ruleset.decide({"facts": {"roles": ["representative"]}, "requests": requests})["decisions"]


def test_the_old_text_decides_before_the_variations_date_and_the_new_text_from_it(tmp_path):
    _write(tmp_path, "base.ftr", AGREEMENT)
    amended = api.load_ruleset(_write(tmp_path, "change.ftr", CHANGE))
    # 8 h of duties: over 6 h a month in March 2027, within 10 h in April.
    march, april = _decide(amended, [{"category": "duties", "hours": 8, "date": "2027-03-31"},
                                     {"category": "duties", "hours": 8, "date": "2027-04-01"}])
    assert (march["outcome"], april["outcome"]) == ("not_entitled", "entitled")
    # §6.13 is removed: training is given until 31 March 2027 and not from 1 April.
    before, after = _decide(amended, [{"category": "training", "days": 1, "date": "2027-03-31"},
                                      {"category": "training", "days": 1, "date": "2027-04-01"}])
    assert (before["outcome"], after["outcome"]) == ("entitled", "not_entitled")


def test_with_on_the_command_line_is_the_variation_file_alone(tmp_path):
    _write(tmp_path, "base.ftr", AGREEMENT)
    _write(tmp_path, "change.ftr", CHANGE)
    scenario = {"facts": {"roles": ["representative"]},
                "requests": [{"category": "duties", "hours": 8, "date": "2027-04-01"}]}
    _write(tmp_path, "s.json", json.dumps(scenario))
    alone = run_cli("run", "change.ftr", "s.json", "--format", "json", cwd=tmp_path)
    given = run_cli("run", "base.ftr", "--with", "change.ftr", "s.json", "--format", "json", cwd=tmp_path)
    assert alone.returncode == given.returncode == 0, alone.stderr + given.stderr
    assert json.loads(alone.stdout)["decisions"] == json.loads(given.stdout)["decisions"]
    assert json.loads(alone.stdout)["decisions"][0]["outcome"] == "entitled"


def test_diff_of_an_agreement_and_its_variation_shows_exactly_the_variation():
    old = api.load_ruleset(str(WESTMINSTER)).model
    new = api.load_ruleset(str(VARIATION)).model
    changes = [c for c in diff(old, new) if c.aspect != "vocabulary"]
    clauses = sorted({clause for c in changes for clause in (*c.old_clauses, *c.new_clauses)})
    # §6.17 is written out whole in the variation, but only its notice changed; §6.12A and §6.12B are new.
    assert clauses == ["6.12A", "6.12B", "6.17"]
    # Conference notice 6 weeks -> 4 weeks from the variation's date: one change, and shorter notice is
    # more generous to representatives.
    (notice,) = [c for c in changes if c.aspect == "notice"]
    assert (str(notice.old), str(notice.new), notice.direction) == (
        "42 days' notice (where possible)", "from 1 April 2027: 28 days' notice (where possible)", "more generous")


def test_history_lists_each_clauses_versions_with_their_dates():
    result = run_cli("history", str(WESTMINSTER), str(VARIATION), "--format", "json")
    assert result.returncode == 0, result.stderr
    clauses = {entry["clause"]: entry["versions"] for entry in json.loads(result.stdout)}
    assert set(clauses) == {"§6.12A", "§6.12B", "§6.17"}
    notice = [v for v in clauses["§6.17"] if "notice" in v["rule"]]
    assert [(v["from"], v["until"]) for v in notice] == [(None, "2027-03-31"), ("2027-04-01", None)]
    assert [v["from"] for v in clauses["§6.12B"] if "reasonable" in v["rule"]] == ["2027-10-01"]


def test_a_variation_formats_and_checks_like_any_ruleset():
    text = VARIATION.read_text(encoding="utf-8")
    assert format_text(text) == text
    assert run_cli("check", "--strict", str(VARIATION)).returncode == 0


@pytest.mark.parametrize("variation, code", [
    ('variation "x"\namends "base.ftr"\n§6.12 representative may take up to 1 hours per week for duties\n', "E231"),
    ('variation "x"\namends "base.ftr"\neffective 1 April 2027\n§9.9 is removed\n', "E232"),
    ('variation "x"\neffective 1 April 2027\n§6.12 is removed\n', "E234"),
])
def test_a_variation_that_cannot_be_applied_says_why(tmp_path, variation, code):
    _write(tmp_path, "base.ftr", AGREEMENT)
    with pytest.raises(FtdslError) as raised:
        api.load_ruleset(_write(tmp_path, "change.ftr", variation))
    assert [d.code for d in raised.value.diagnostics] == [code]


def test_a_variation_read_as_an_agreement_says_what_to_do():
    with pytest.raises(FtdslError) as raised:
        api.load_ruleset_text(CHANGE)
    assert "E230" in {d.code for d in raised.value.diagnostics}


def test_check_warns_of_a_rule_a_replaced_clause_ends_without_a_successor(tmp_path):
    _write(tmp_path, "base.ftr", AGREEMENT.replace("§6.16 duties, training are paid", "§6.12 duties are paid"))
    partial = 'variation "x"\namends "base.ftr"\neffective 1 April 2027\n' \
              "§6.12 representative may take up to 10 hours per month for duties\n"
    loaded = api.load_ruleset(_write(tmp_path, "partial.ftr", partial))
    (warning,) = loaded.warnings
    assert warning.code == "W170" and "'duties are paid'" in warning.message and "31 March 2027" in warning.message
    # Said on purpose: no warning.
    loaded = api.load_ruleset(_write(tmp_path, "on-purpose.ftr", partial + "§6.12 is removed\n"))
    assert loaded.warnings == ()


def test_history_says_each_rule_whole_whatever_its_clause_reference(tmp_path):
    # A clause named by its part and a rule with a condition: the words after the reference, and the condition.
    _write(tmp_path, "s.ftr", "roles: r\ncategories: duties\nfact roles: list of roles\nfact employed: yes/no\n"
                              "Schedule 2 para 3 r may take up to 6 hours per month for duties\n    when employed\n")
    _write(tmp_path, "v.ftr", 'variation "x"\namends "s.ftr"\neffective 1 April 2027\n'
                              "Schedule 2 para 3 r may take up to 8 hours per month for duties\n")
    result = run_cli("history", "s.ftr", "v.ftr", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (entry,) = json.loads(result.stdout)
    assert entry["clause"] == "Schedule 2 para 3"
    assert [v["rule"] for v in entry["versions"]] == [
        "r may take up to 6 hours per month for duties when employed", "r may take up to 8 hours per month for duties"]
