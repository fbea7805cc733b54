"""Resource bounds: deep, long and large input ends in a result or a clear error.

- conditions nested 1,000 deep (with 'not' or with brackets) give E199 at
  the place, never a RecursionError or a hang; 100 levels still work;
- lines of 1,000,000 characters (a quotation, a name) give a result or a
  clear error within seconds;
- parse + check + compile time grows linearly with the number of clauses
  (checked here on small sizes with a generous bound; the 1,000 against
  100,000-clause measurement is benchmarks/bench_resources.py, whose last
  figures are in docs/security.md);
- a condition's test calls one closure per record it is built from, so every
  evaluation terminates, and the deepest condition the builder accepts decides.
"""

from __future__ import annotations

import time

import pytest

import ftdsl
from ftdsl.builder import MAX_NESTING
from ftdsl.errors import FtdslError

HEADER = """fact flag: yes/no
fact members: count
categories: duties
"""


def _load(text: str):
    return ftdsl.load_ruleset_text(text, "deep.ftr")


def _timed(function, *args):
    started = time.perf_counter()
    try:
        return function(*args), time.perf_counter() - started
    except FtdslError as error:
        return error, time.perf_counter() - started


@pytest.mark.parametrize("shape", ["not", "brackets", "and-or brackets"])
def test_a_condition_nested_1000_deep_is_a_clear_error(shape):
    depth = 1000
    condition = {
        "not": "not " * depth + "flag",
        "brackets": "(" * depth + "flag" + ")" * depth,
        "and-or brackets": "(flag and (members > 1 or " * depth + "flag" + "))" * depth,
    }[shape]
    result, seconds = _timed(_load, HEADER + f"§1 duties are paid\n    when {condition}\n")
    assert seconds < 10
    if shape == "brackets":
        # Brackets around one condition nest nothing: the result is 'flag'.
        assert not isinstance(result, FtdslError), result.render()
        return
    assert isinstance(result, FtdslError)
    rendered = result.render()
    assert "E199" in rendered and "deep.ftr:5:" in rendered and "^" in rendered, rendered


def test_conditions_nested_to_the_limit_still_work():
    grant = "§2 anyone may take up to 10 hours per week for duties\n"
    condition = "(flag and (members > 1 or " * (MAX_NESTING // 2 - 1) + "flag" + "))" * (MAX_NESTING // 2 - 1)
    ruleset = _load(HEADER + grant + f"§1 duties are paid\n    when {condition}\n")
    report = ruleset.decide({"facts": {"flag": True, "members": 3},
                             "requests": [{"date": "2026-03-20", "category": "duties", "hours": 1}]})
    assert report["decisions"][0]["paid"] is True
    negated = _load(HEADER + grant + "§1 duties are paid\n    when " + "not " * MAX_NESTING + "flag\n")
    assert negated.decide({"facts": {"flag": True}, "requests": [
        {"date": "2026-03-20", "category": "duties", "hours": 1}]})["decisions"][0]["paid"] is True


@pytest.mark.parametrize("where", ["quotation", "name", "comment", "clause heading"])
def test_a_line_of_a_million_characters(where):
    long = "x" * 1_000_000
    text = {
        "quotation": HEADER + f'§1 duties are paid\n    says "{long}"\n',
        "name": HEADER + f"§1 {long} are paid\n",
        "comment": HEADER + f"§1 duties are paid  # {long}\n",
        "clause heading": HEADER + f'§"{long}" duties are paid\n',
    }[where]
    result, seconds = _timed(_load, text)
    assert seconds < 15, seconds
    if where == "name":
        assert isinstance(result, FtdslError)
        rendered = result.render()
        assert "E202" in rendered and len(rendered) < 2000, rendered[:500]
    else:
        assert not isinstance(result, FtdslError), result.render()[:500]


def test_a_line_of_100000_words():
    # 1,000,000 characters of words takes the parser some seconds (see the
    # benchmark); a tenth of that keeps CI fast and shows the same.
    text = HEADER + "§1 " + "x " * 50_000 + "are paid\n"
    result, seconds = _timed(_load, text)
    assert isinstance(result, FtdslError) and seconds < 15


def _ruleset(clauses: int) -> str:
    rules = (f"§{i + 1} representative may take up to {i % 50 + 1} hours per month for duties\n"
             f"    when members is at least {i}\n" for i in range(clauses))
    return "roles: representative\ncategories: duties\nfact roles: list of roles\nfact members: count\n" + "".join(rules)


def test_time_per_clause_stays_flat():
    _load(_ruleset(10))  # the parser is built once, outside the timing
    small, large = 200, 2000
    per_clause = []
    for size in (small, large):
        text = _ruleset(size)
        best = min(_timed(_load, text)[1] for _ in range(2))
        per_clause.append(best / size)
    # Linear means the ratio is near 1; 3x leaves room for a busy machine.
    assert per_clause[1] < 3 * per_clause[0], per_clause


def test_a_condition_as_deep_as_the_language_allows_is_decided():
    """A condition's test calls one closure per record it is built from, so the deepest condition the
    builder accepts (MAX_NESTING levels of 'not') decides within Python's stack, with the right answer."""
    from ftdsl.builder import MAX_NESTING

    depth = MAX_NESTING - 1  # an odd number of 'not's before a true fact: false
    ruleset = ftdsl.load_ruleset_text(
        "categories: duties\nfact full time: yes/no\n"
        f"§1 anyone may take up to 6 hours per month for duties\n    when {'not ' * depth}full time\n")
    report = ruleset.decide({"facts": {"full time": True},
                             "requests": [{"id": "r", "date": "2026-01-05", "category": "duties", "hours": 1}]})
    assert report["decisions"][0]["outcome"] == ("not_entitled" if depth % 2 else "entitled")

