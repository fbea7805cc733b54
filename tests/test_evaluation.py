"""Evaluation of Westminster: the answers a careful reader of the agreement
gives, at the edges where programs usually go wrong."""

from __future__ import annotations

import pytest

import ftdsl
from ftdsl.errors import FtdslError

REP = {"roles": ["representative"], "staff group": "non-teaching", "employed by council": True}


def decide(ruleset, facts, requests, taken=()):
    report = ruleset.decide({"facts": facts, "taken": list(taken), "requests": requests})
    return report, {d["id"]: d for d in report["decisions"]}


# §4.8: 0 – 99: 0; 100 – 250: 0.1; 251 – 500: 0.5; 501 – 1000: 1.0; ... 2501 – 3000: 3.0; then
# a further 0.5 FTE for every further 500 members.
@pytest.mark.parametrize("members, fte", [
    (0, "0"), (99, "0"), (100, "0.1"), (250, "0.1"), (251, "0.5"), (500, "0.5"), (501, "1"),
    (1000, "1"), (1001, "1.5"), (1500, "1.5"), (2000, "2"), (2001, "2.5"), (3000, "3"), (3001, "3.5"),
    (3500, "3.5"), (3501, "4"), (10000, "10"),
])
def test_branch_secretary_release_band_edges(westminster, members, fte):
    report, _ = decide(westminster, {**REP, "branch members": members}, [])
    assert report["values"]["branch secretary release"]["exact"] == fte


@pytest.mark.parametrize("members, hours", [(1, "0.5"), (10, "0.5"), (11, "1"), (30, "1"), (31, "2"), (400, "2")])
def test_teacher_weekly_time_band_edges(westminster, members, hours):
    report, _ = decide(westminster, {**REP, "staff group": "teaching", "school members": members}, [])
    assert report["values"]["teacher representative time"]["exact"] == hours


def test_a_school_with_no_members_gives_no_weekly_time(westminster):
    facts = {**REP, "staff group": "teaching", "school members": 0}
    report, decisions = decide(westminster, facts, [{"id": "r", "date": "2026-03-02", "category": "duties", "hours": 1}])
    assert report["values"]["teacher representative time"]["value"] is None
    assert decisions["r"]["outcome"] == "discretionary"
    assert any("no band of §6.13 covers 0 school members" in r for r in decisions["r"]["reasons"])


def test_weeks_run_monday_to_sunday(westminster):
    facts = {**REP, "staff group": "teaching", "school members": 5}  # 0.5 h a week
    requests = [{"id": "sun", "date": "2026-03-22", "category": "duties", "hours": 0.5},
                {"id": "mon", "date": "2026-03-23", "category": "duties", "hours": 0.5},
                {"id": "tue", "date": "2026-03-24", "category": "duties", "hours": 0.5}]
    _, decisions = decide(westminster, facts, requests)
    assert [decisions[k]["outcome"] for k in ("sun", "mon", "tue")] == ["entitled", "entitled", "discretionary"]


def test_days_convert_at_seven_hours_twelve_minutes(westminster):
    requests = [{"id": "day", "date": "2026-03-02", "category": "duties", "days": 1}]
    _, decisions = decide(westminster, REP, requests)
    assert decisions["day"]["hours"] == 7.2
    assert decisions["day"]["outcome"] == "discretionary"  # 7.2 h > 6 h a month
    _, decisions = decide(westminster, {**REP, "roles": ["departmental convenor"]}, requests)
    assert decisions["day"]["outcome"] == "entitled"  # exactly the convenor's day


def test_requests_are_decided_in_date_order_and_refusals_do_not_count(westminster):
    requests = [{"id": "late", "date": "2026-03-25", "category": "duties", "hours": 6},
                {"id": "early", "date": "2026-03-05", "category": "duties", "hours": 1},
                {"id": "refused", "date": "2026-03-10", "category": "activities", "hours": 3,
                 "in working hours": False}]
    report, decisions = decide(westminster, REP, requests)
    assert [d["id"] for d in report["decisions"]] == ["late", "early", "refused"]  # file order
    assert decisions["early"]["outcome"] == "entitled"
    assert decisions["late"]["outcome"] == "discretionary"  # 1 + 6 > 6
    assert decisions["refused"]["outcome"] == "not_entitled"


def test_excess_time_is_discretionary_not_refused(westminster):
    _, decisions = decide(westminster, REP, [{"id": "r", "date": "2026-03-02", "category": "duties", "hours": 40}])
    assert decisions["r"]["outcome"] == "discretionary" and decisions["r"]["paid"] is True


def test_reasons_show_the_arithmetic(westminster):
    taken = [{"date": "2026-03-02", "category": "duties", "hours": 4}]
    _, decisions = decide(westminster, {**REP, "branch members": 1750},
                          [{"id": "r1", "date": "2026-03-20", "category": "duties", "hours": 3}], taken)
    assert decisions["r1"]["reasons"][0] == ("over the allowance: 4 h taken + 3 h asked = 7 h > 6 h per month for duties "
                                             "(March 2026) (§6.12)")


def test_a_fact_is_needed_only_where_a_rule_that_applies_reads_it(westminster):
    # A non-teaching scenario never reads school members or branch members.
    _, decisions = decide(westminster, REP, [{"id": "r", "date": "2026-03-02", "category": "duties", "hours": 1}])
    assert decisions["r"]["outcome"] == "entitled"


SCENARIO_ERRORS = [
    ({"facts": {**REP, "staff group": "teaching"},
      "requests": [{"id": "r", "date": "2026-03-02", "category": "duties", "hours": 1}]},
     "facts.school members: the scenario does not give 'school members' (a whole number), which request 'r' needs "
     "(§6.13 reads it)"),
    ({"facts": {**REP, "employed by council": "perhaps"},
      "requests": [{"id": "r", "date": "2026-03-02", "category": "duties", "hours": 1}]},
     'facts.employed by council: must be yes or no (true or false), not "perhaps"'),
    ({"facts": {**REP, "branch members": 17.5}, "requests": []},
     "facts.branch members: must be a whole number (0, 1, 2, ...), not 17.5"),
    ({"facts": REP, "requests": [{"id": "r", "date": "2026-02-30", "category": "duties", "hours": 1}]},
     'requests[0].date: must be a real date written YYYY-MM-DD: February 2026 has no day 30 ("2026-02-30")'),
    ({"facts": REP, "requests": [{"id": "r", "date": "2026-02-03", "category": "duties", "hours": 1, "days": 1}]},
     "requests[0].days: a request gives both 'hours' and 'days'"),
    ({"facts": REP, "requests": [{"id": "r", "date": "2026-02-03", "category": "conference", "hours": 1,
                                  "notice days": -3}]},
     "requests[0].notice days: must be a whole number of days, 0 or more, not -3"),
    ({"facts": REP, "requests": [{"id": "r", "date": "2026-02-03", "category": "conference", "hours": 1}]},
     "requests[0].notice days: request 'r' does not give 'notice days', which this request needs (§6.17 reads it)"),
    ({"facts": {**REP, "staf group": "teaching"}, "requests": []},
     "facts.staf group: this ruleset has no fact 'staf group'"),
]


@pytest.mark.parametrize("scenario, message", SCENARIO_ERRORS, ids=range(len(SCENARIO_ERRORS)))
def test_scenario_errors_name_the_field_and_what_is_expected(westminster, scenario, message):
    with pytest.raises(FtdslError) as raised:
        westminster.decide(scenario, "s.json")
    messages = [d.message for d in raised.value.diagnostics]
    assert message in messages, messages


def test_scenario_errors_are_all_reported_with_hints(westminster):
    scenario = {"facts": {"roles": ["rep"]}, "requests": [{"date": "2026-03-02", "category": "dutys", "hours": 1}]}
    with pytest.raises(FtdslError) as raised:
        westminster.decide(scenario, "s.json")
    rendered = raised.value.render()
    assert "s.json: error E301: facts.roles[0]: unknown role 'rep'" in rendered
    assert "did you mean 'duties'?" in rendered


def test_rolling_windows_end_on_the_request_date():
    ruleset = ftdsl.load_ruleset_text(
        "categories: national executive duties\na working day is 7 hours 24 minutes\n"
        "§1 anyone may take reasonable time for national executive duties\n"
        "§2 national executive duties are limited to 9 days or 18 half days in any 12 months\n")
    taken = [{"date": "2025-06-01", "category": "national executive duties", "days": 8}]
    requests = [{"id": "within", "date": "2026-05-31", "category": "national executive duties", "days": 1},
                {"id": "over", "date": "2026-05-31", "category": "national executive duties", "half days": 1},
                {"id": "window-moved", "date": "2026-06-01", "category": "national executive duties", "days": 1}]
    _, decisions = decide(ruleset, {}, requests, taken)
    assert decisions["within"]["outcome"] == "entitled"
    assert decisions["over"]["outcome"] == "not_entitled"
    # On 1 June 2026 the window is 2 June 2025 – 1 June 2026: the 8 days have left it.
    assert decisions["window-moved"]["outcome"] == "entitled"


def test_facilities_that_need_a_missing_fact_are_listed_as_not_decided(westminster):
    report, _ = decide(westminster, REP, [])  # no 'branch members': §7.2 and §7.3 cannot be decided
    assert [f["clause"] for f in report["facilities"]] == ["7.4", "7.5"]
    assert [(f["clause"], f["needs"]) for f in report["facilities not decided"]] == [("7.2", "branch members"),
                                                                                     ("7.3", "branch members")]
    report, _ = decide(westminster, {**REP, "branch members": 150}, [])
    assert [f["clause"] for f in report["facilities"]] == ["7.2", "7.4", "7.5"]
    assert "facilities not decided" not in report


def test_the_report_text_names_the_fact_a_facility_needs(westminster):
    from ftdsl.report import to_text

    report, _ = decide(westminster, REP, [])
    text = to_text(report)
    assert "Facilities not decided\n  §7.2: a suitable office" in text
    assert "(needs 'branch members')" in text
