"""One meaning everywhere: for generated rulesets that use every construct of the language, and generated
scenarios, the scenario runtime, the batch path on the same rows, the standalone module and `explain` agree
on outcome, pay, clauses and values.

The rulesets are written as text from templates (allowances in hours, days, half days and a band table's FTE,
over calendar and rolling periods; formulas in place of an amount and as a named value; reasonable and granted time; limits; discretions with and without pay;
requirements; refusals for anyone and for roles; rules in force from, until and between dates; hard and soft notice; statements; pay in and outside working hours and by condition; facilities;
time off in lieu; conditions over yes/no, counts, staff groups, roles, request facts with and without an
assumed value, and band values, joined with and, or and not). Each path decides independently of the others
from the same checked model, so a change to any one of them alone shows here as a disagreement.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import types
from fractions import Fraction

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import ftdsl
from ftdsl.batch import Batch
from ftdsl.errors import FtdslError
from ftdsl.explain import explain
from ftdsl.standalone import standalone_source

# A role whose name holds the language's own words ('and', 'per'): read as one name everywhere.
ROLES = ("steward", "convenor", "health and safety officer per site")
CATEGORIES = ("duties", "training", "meetings")
GROUPS = ("teaching", "support")


def _conditions():
    leaves = st.sampled_from([
        "employed", "not employed", "members is at least 100", "members is less than 40", "staff group is teaching",
        "staff group is not support", "roles include convenor", "approved", "urgent", "release is more than 0 FTE",
        "release is at most 0.1 FTE", "share is at most 0.2 FTE",
    ])
    return st.one_of(leaves, st.builds(lambda a, b, joiner: f"{a} {joiner} {b}", leaves, leaves,
                                       st.sampled_from(["and", "or"])))


PERIODS = ["per week", "per month", "per year", "in any 12 months", "in any 4 weeks", "in any 30 days"]


_CATEGORY = st.sampled_from(CATEGORIES)
_WHO = st.sampled_from(["anyone", "steward", "convenor", "steward or health and safety officer per site"])
# One rule of any kind, as its text after the clause reference.
RULES = st.one_of(
    st.builds(lambda w, amount, period, c: f"{w} may take up to {amount} {period} for {c}", _WHO,
              st.sampled_from(["3 hours", "6 hours", "1 day", "2 half days", "7.5 hours", "90 minutes"]),
              st.sampled_from(PERIODS), _CATEGORY),
    st.builds(lambda w, c: f"{w} may take up to release per week for {c}", _WHO, _CATEGORY),
    # Formulas: one in place of an amount, and a named value worked out from a table's value.
    st.builds(lambda w, formula, period, c: f"{w} may take up to {formula} {period} for {c}", _WHO,
              st.sampled_from(["0.5 hours for every 40 members", "1 day for every member, at most 2 days",
                               "2 hours plus 0.25 hours for every 50 members, rounded up to whole hours"]),
              st.sampled_from(PERIODS), _CATEGORY),
    st.builds(lambda w, c: f"{w} may take up to share per week for {c}", _WHO, _CATEGORY),
    st.builds(lambda w, c: f"{w} may take reasonable time for {c}", _WHO, _CATEGORY),
    st.builds(lambda w, c: f"{w} may be granted time for {c}", _WHO, _CATEGORY),
    st.builds(lambda c, amount, period: f"{c} are limited to {amount} {period}", _CATEGORY,
              st.sampled_from(["4 hours", "2 days", "10 hours"]), st.sampled_from(PERIODS)),
    st.builds(lambda c, how: f"additional time for {c} may be granted {how}", _CATEGORY,
              st.sampled_from(["case by case", "in exceptional circumstances, with or without pay"])),
    st.builds(lambda c: f"time off for {c} is given only when employed", _CATEGORY),
    st.just("time off is given only when not urgent"),
    st.builds(lambda c: f"no time is given for {c}", _CATEGORY),
    st.builds(lambda w, c: f"{w} may not take time for {c}", _WHO, _CATEGORY),
    st.builds(lambda c, how: f"requests for {c} {how}", _CATEGORY,
              st.sampled_from(["must give 10 days' notice", "should give at least 2 weeks' notice where possible"])),
    st.builds(lambda c, how: f"requests for {c} {how} purpose", _CATEGORY, st.sampled_from(["must state",
                                                                                         "should state"])),
    st.builds(lambda c, pay: f"{c} are {pay}", _CATEGORY,
              st.sampled_from(["paid", "unpaid", "paid subject to management agreement"])),
    st.builds(lambda c, pay: f"{c} outside working hours are {pay}", _CATEGORY, st.sampled_from(["paid", "unpaid"])),
    st.just('facilities "an office with a telephone"'),
)


@st.composite
def rulesets(draw):
    """The text of a ruleset that checks, drawing each construct of the language."""
    lines = ['agreement "Generated agreement"',
             draw(st.sampled_from(["a working day is 7 hours", "a working day is 7 hours 12 minutes"])),
             "a working week is 35 hours"]
    if draw(st.booleans()):
        lines.append("the year starts on 1 April")
    lines += [f"roles: {', '.join(ROLES)}", f"staff groups: {', '.join(GROUPS)}",
              f"categories: {', '.join(CATEGORIES)}", "fact roles: list of roles", "fact staff group: staff group",
              "fact employed: yes/no", "fact members: count", "fact all members: count", "request fact approved: yes/no",
              "request fact urgent: yes/no, assumed no"]
    if draw(st.booleans()):
        lines.append("§1.1 time off in lieu counts against the allowances")
    step = draw(st.sampled_from(["", "    then a further 0.1 FTE for every further 200 members"]))
    lines += ["§2.1 release is by members:", "    0 – 49: 0 FTE", "    50 – 199: 0.1 FTE", "    200 – 399: 0.2 FTE"]
    if step:
        lines.append(step)
    lines.append("§2.2 share is 0.05 FTE plus release times 2 shared in proportion to members of all members, "
                 "at least 0.1 FTE, rounded to the nearest half day")
    clause = iter(range(3, 1000))
    # Each category has time given in some way, so that outcomes of every kind come up.
    given = [draw(st.sampled_from([f"anyone may take up to {amount} {period} for {c}" for amount in
                                   ("3 hours", "1 day", "2 half days") for period in PERIODS] +
                                  [f"anyone may be granted time for {c}", f"steward may take reasonable time for {c}"]))
             for c in CATEGORIES]
    given += [f"additional time for {c} may be granted case by case" for c in CATEGORIES if draw(st.booleans())]
    for body in given + draw(st.lists(RULES, min_size=1, max_size=8)):
        condition = draw(st.one_of(st.none(), st.none(), _conditions()))
        number = next(clause)
        lines.append(f"§{number} {body}")
        if condition is not None:
            lines.append(f"    when {condition}")
        dates = draw(st.sampled_from([None, None, None, "from 1 April 2026", "until 31 March 2026",
                                      "from 2 March 2026 until 6 April 2026"]))
        if dates is not None and not body.startswith(("time off in lieu",)):
            lines.append(f"    {dates}")
        if draw(st.booleans()):
            lines.append(f'    says "The agreement\'s words for clause {number}"')
    return "\n".join(lines) + "\n"


@st.composite
def scenarios(draw):
    facts = {"roles": draw(st.lists(st.sampled_from(ROLES), max_size=2, unique=True)),
             "staff group": draw(st.sampled_from(GROUPS)), "employed": draw(st.booleans()),
             "members": draw(st.sampled_from([0, 30, 49, 50, 150, 199, 200, 399, 400, 800])),
             "all members": draw(st.sampled_from([0, 800, 1200, 3000]))}
    requests = []
    # Dates at the starts and ends of weeks, months and years, and requests often in one category, so that
    # history counts against later requests at the edges of every kind of window.
    for index in range(draw(st.integers(1, 10))):
        request = {"id": f"r{index}", "category": draw(st.sampled_from(("duties", "duties", *CATEGORIES))),
                   "date": draw(st.sampled_from(["2026-03-01", "2026-03-02", "2026-03-08", "2026-03-20", "2026-03-31",
                                                 "2026-04-01", "2026-04-06", "2026-04-28", "2027-01-04", "2027-03-31"]))}
        unit = draw(st.sampled_from(["hours", "hours", "days", "half days"]))
        request[unit] = draw(st.sampled_from([0.5, 1, 2, 3, 4, 7.5])) if unit == "hours" else draw(st.sampled_from([1, 2]))
        if draw(st.booleans()):
            request["notice days"] = draw(st.sampled_from([0, 5, 10, 14, 30]))
        request["in working hours"] = draw(st.booleans())
        request["approved"] = draw(st.booleans())
        if draw(st.booleans()):
            request["urgent"] = draw(st.booleans())
        if draw(st.booleans()):
            request["purpose"] = "branch meeting"
        requests.append(request)
    return {"facts": facts, "requests": requests}


def _fitted(scenario, vocabulary) -> dict:
    """The scenario without the fields this ruleset does not read (a statement it never asks for)."""
    fields = {"id", "date", "category", "hours", "days", "half days", "notice days", "in working hours",
              *vocabulary.request_facts, *vocabulary.state_fields}
    return {"facts": {k: v for k, v in scenario["facts"].items() if k in vocabulary.facts},
            "requests": [{k: v for k, v in r.items() if k in fields} for r in scenario["requests"]]}


def _essentials(decision) -> tuple:
    return decision["id"], decision["outcome"], decision["paid"], tuple(decision["clauses"])


def _through_batch(program, scenario) -> list[tuple] | str:
    """The scenario's requests as the rows of a log for one representative, decided by a Batch."""
    columns = ["rep", *dict.fromkeys(key for request in scenario["requests"] for key in request), *scenario["facts"]]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for request in scenario["requests"]:
        row = {"rep": "R", **scenario["facts"], **request}
        writer.writerow(["" if row.get(c) is None else ";".join(row[c]) if isinstance(row[c], list)
                         else str(row[c]).lower() if isinstance(row[c], bool) else str(row[c]) for c in columns])
    log = out.getvalue()
    written = io.StringIO()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "log.csv")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(log)
        batch = Batch(program, path, "csv", "csv")
        batch.run(path, written)
    if batch.error_count:
        return "error"
    decided = []
    for row in csv.DictReader(io.StringIO(written.getvalue())):
        paid = {"true": True, "false": False, "": None}[row["paid"]]
        decided.append((row["id"], row["outcome"], paid, tuple(row["clauses"].split(";")) if row["clauses"] else ()))
    return decided


SKIP = "cannot be decided"
RANK = {"not_entitled": 0, "discretionary": 1, "entitled": 2}


def _outcome_with(ruleset, scenario, position, hours=None, notice=None) -> str:
    """The outcome of one request when the scenario is decided again with its hours or notice changed."""
    varied = [dict(r) for r in scenario["requests"]]
    if hours is not None:
        for unit in ("hours", "days", "half days"):
            varied[position].pop(unit, None)
        if Fraction(repr(float(hours))) != hours:
            return SKIP  # a scenario cannot give this many hours exactly (1/3 h)
        varied[position]["hours"] = float(hours)
    if notice is not None:
        varied[position]["notice days"] = notice
    try:
        report = ruleset.decide({"facts": scenario["facts"], "requests": varied})
    except FtdslError:
        return SKIP  # the change takes a request to a step that needs a fact the scenario does not give
    return report["decisions"][position]["outcome"]


_MODULES: dict[str, types.ModuleType] = {}


def _standalone(ruleset) -> types.ModuleType:
    """The ruleset's standalone module (ftdsl compile), imported from its text."""
    text = standalone_source(ruleset.model, "generated.ftr", ruleset.text)
    module = _MODULES.get(text)
    if module is None:
        module = types.ModuleType("generated_rules")
        exec(compile(text, "generated_rules.py", "exec"), module.__dict__)  # noqa: S102 - ftdsl's own output
        _MODULES.clear()
        _MODULES[text] = module
    return module


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(rulesets(), scenarios())
def test_every_path_decides_alike(text, scenario):
    try:
        ruleset = ftdsl.load_ruleset_text(text, "generated.ftr")
    except FtdslError:
        assume(False)  # a combination the checker rightly refuses (two allowances saying the same thing)
    scenario = _fitted(scenario, ruleset.program.vocabulary)
    try:
        report = ruleset.decide(scenario)
    except FtdslError:
        assume(False)  # a scenario this ruleset cannot decide (days with no working day, a missing fact)
    expected = [_essentials(d) for d in report["decisions"]]

    module = _standalone(ruleset)
    assert module.decide(scenario) == report

    explained = explain(ruleset, scenario)
    assert [(r["id"], r["outcome"], r["paid"], tuple(r["clauses"])) for r in explained["requests"]] == expected
    assert explained["values"] == report["values"]
    # What explain says would change an outcome does, when the scenario is decided again with that change:
    # "ENTITLED if 2 h fewer were asked" at the hours it names, "NOT ENTITLED if more than 6 h were asked" just past them (and the outcome as it is at
    # them), "if asked 5 days earlier" at that notice.
    for position, request in enumerate(explained["requests"]):
        # Fewer hours never make an outcome worse; where half the hours would make it better, explain says so.
        half = _outcome_with(ruleset, scenario, position, hours=Fraction(request["exact hours"]) / 2)
        if half != SKIP and RANK[half] > RANK[request["outcome"]]:
            assert any(c["change"] == "hours" and RANK[c["outcome"]] >= RANK[half] for c in request["changes"]), half
        # Each better outcome is offered at the most hours that still get it: a little more does not.
        fewer = [c for c in request["changes"] if c["change"] == "hours"
                 and Fraction(c["exact"]) < Fraction(request["exact hours"])]
        for rank in range(RANK[request["outcome"]] + 1, 3):
            offered = [Fraction(c["exact"]) for c in fewer if RANK[c["outcome"]] >= rank]
            if offered:
                past = _outcome_with(ruleset, scenario, position, hours=max(offered) + Fraction(1, 1000))
                assert past == SKIP or RANK[past] < rank, (rank, fewer)
        for change in request["changes"]:
            if change["change"] == "hours":
                exact = Fraction(change["exact"])
                if exact < Fraction(request["exact hours"]):
                    assert _outcome_with(ruleset, scenario, position, hours=exact) in (change["outcome"], SKIP), change
                else:
                    assert _outcome_with(ruleset, scenario, position, hours=exact) in (request["outcome"], SKIP), change
                    past = exact + Fraction(1, 1000)
                    assert _outcome_with(ruleset, scenario, position, hours=past) in (change["outcome"], SKIP), change
            elif change["change"] == "notice days":
                assert _outcome_with(ruleset, scenario, position, notice=change["to"]) == change["outcome"], change

    batch = _through_batch(ruleset.program, scenario)
    assert batch == expected
