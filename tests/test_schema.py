"""`ftdsl schema`: the JSON Schema of a ruleset's scenarios agrees with the runtime's validator."""

from __future__ import annotations

import json
import re

from hypothesis import given
from hypothesis import strategies as st

from conftest import WESTMINSTER, run_cli
from ftdsl.schema import scenario_schema
from ftdsl.scenario import QUANTITY_KEYS, ScenarioError, validate_scenario


def schema_errors(instance, schema, root=None) -> list[str]:
    """A checker for the part of JSON Schema that scenario_schema emits; [] when `instance` is valid."""
    root = root if root is not None else schema
    if "$ref" in schema:
        target = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return schema_errors(instance, target, root)
    errors = []
    kind = schema.get("type")
    type_ok = {
        None: True,
        "object": isinstance(instance, dict),
        "array": isinstance(instance, list),
        "string": isinstance(instance, str),
        "boolean": isinstance(instance, bool),
        "integer": isinstance(instance, int) and not isinstance(instance, bool),
        "number": isinstance(instance, (int, float)) and not isinstance(instance, bool),
    }[kind]
    if not type_ok:
        return [f"not {kind}: {instance!r}"]
    if "enum" in schema and not any(instance == v and type(instance) is type(v) for v in schema["enum"]):
        errors.append(f"{instance!r} not in enum")
    if "minimum" in schema and instance < schema["minimum"]:
        errors.append("below minimum")
    if "maximum" in schema and instance > schema["maximum"]:
        errors.append("above maximum")
    if "minLength" in schema and len(instance) < schema["minLength"]:
        errors.append("too short")
    if "pattern" in schema and not re.search(schema["pattern"], instance):
        errors.append("pattern")
    if "anyOf" in schema and not any(not schema_errors(instance, s, root) for s in schema["anyOf"]):
        errors.append("anyOf")
    if "oneOf" in schema and sum(not schema_errors(instance, s, root) for s in schema["oneOf"]) != 1:
        errors.append("oneOf")
    if isinstance(instance, dict):
        for key in schema.get("required", ()):
            if key not in instance:
                errors.append(f"missing {key}")
        properties = schema.get("properties", {})
        for key, value in instance.items():
            if key in properties:
                errors.extend(schema_errors(value, properties[key], root))
            elif schema.get("additionalProperties") is False:
                errors.append(f"unknown {key}")
    if isinstance(instance, list) and "items" in schema:
        for item in instance:
            errors.extend(schema_errors(item, schema["items"], root))
    return errors


def validator_accepts(program, scenario) -> bool:
    try:
        validate_scenario(scenario, program.vocabulary)
    except ScenarioError:
        return False
    return True


GOOD_FACTS = {"roles": ["representative"], "staff group": "teaching", "employed by council": True,
              "branch members": 300, "school members": 12}
GOOD_REQUEST = {"id": "r1", "date": "2026-03-20", "category": "duties", "hours": 3}


def test_schema_command_prints_the_schema():
    result = run_cli("schema", str(WESTMINSTER))
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    facts = schema["properties"]["facts"]["properties"]
    assert facts["staff group"] == {"enum": ["non-teaching", "teaching"], "description": "staff group"}
    assert facts["school members"]["type"] == "integer"
    assert facts["roles"]["items"]["enum"][:2] == ["branch secretary", "departmental convenor"]
    request = schema["$defs"]["request"]["properties"]
    assert "conference" in request["category"]["enum"]
    assert request["new representative training"]["anyOf"][0] == {"type": "boolean"}
    assert request["purpose"]["type"] == "string"  # a field §5.2 asks requests to state
    assert "notice days" not in schema["$defs"]["taken"]["properties"]
    assert "expect" in schema["properties"]


def test_schema_of_a_ruleset_with_errors_fails_cleanly(tmp_path):
    bad = tmp_path / "bad.ftr"
    bad.write_text("categories: duties\n§1 dutys are paid\n", encoding="utf-8")
    result = run_cli("schema", str(bad))
    assert result.returncode == 2 and "E202" in result.stderr and "Traceback" not in result.stderr


CASES = [
    {"facts": GOOD_FACTS, "requests": [GOOD_REQUEST]},
    {"facts": GOOD_FACTS, "taken": [{"date": "2026-03-01", "category": "duties", "days": 1}], "requests": []},
    {"requests": [dict(GOOD_REQUEST, **{"notice days": 3, "purpose": "JCC", "in working hours": False})]},
    {"requests": [dict(GOOD_REQUEST, **{"new representative training": "no"})], "expect": {}},
    {"facts": {"staff group": "teachers"}, "requests": []},
    {"facts": {"school members": -1}, "requests": []},
    {"facts": {"school members": 2.5}, "requests": []},
    {"facts": {"roles": "representative"}, "requests": []},
    {"facts": {"representing directly employed staff": True}, "requests": []},
    {"facts": GOOD_FACTS},
    {"requests": [{"date": "2026-03-20", "category": "duties"}]},
    {"requests": [dict(GOOD_REQUEST, days=1)]},
    {"requests": [dict(GOOD_REQUEST, hours=-1)]},
    {"requests": [dict(GOOD_REQUEST, hours=2_000_000)]},
    {"requests": [dict(GOOD_REQUEST, category="holiday")]},
    {"requests": [dict(GOOD_REQUEST, id="")]},
    {"requests": [dict(GOOD_REQUEST, purpose="  ")]},
    {"requests": [dict(GOOD_REQUEST, date="20 March")]},
    {"taken": [dict(GOOD_REQUEST, **{"notice days": 2})], "requests": []},
    {"requests": [], "extra": 1},
    [],
]


def test_schema_and_validator_agree_on_cases(westminster):
    schema = scenario_schema(westminster.program)
    for case in CASES:
        assert (not schema_errors(case, schema)) == validator_accepts(westminster.program, case), case


VALUES = st.one_of(st.booleans(), st.integers(-3, 2_000_000), st.sampled_from([0.5, 2.0, -1.5]),
                   st.sampled_from(["", " ", "yes", "no", "teaching", "duties", "representative", "2026-03-20",
                                    "20/03/2026", "purpose"]),
                   st.lists(st.sampled_from(["representative", "steward", "branch secretary"]), max_size=2),
                   st.none())
GOOD_FACT_VALUES = {"roles": st.lists(st.sampled_from(["representative", "branch secretary"]), max_size=2),
                    "staff group": st.sampled_from(["teaching", "non-teaching"]),
                    "employed by council": st.sampled_from([True, False, "yes", "no"]),
                    "branch members": st.integers(0, 5000), "school members": st.integers(0, 50),
                    "representing directly employed staff": st.booleans(), "unknown": st.just(1)}
# Facts the ruleset reads, and now and then one it does not.
FACT_NAMES = st.sampled_from(["roles", "staff group", "employed by council", "branch members", "school members"] * 5
                             + ["unknown", "representing directly employed staff"])
REQUEST_KEYS = st.sampled_from(["in working hours", "notice days", "purpose", "location", "new representative training",
                                "note"])
# Mostly False: hypothesis leans to the first choice, so bad values stay rare.
RARELY = st.sampled_from([False] * 9 + [True])
GOOD_VALUES = {"date": st.just("2026-03-20"), "category": st.sampled_from(["duties", "training", "conference", "holiday"]),
               "hours": st.sampled_from([0, 1, 2.5]), "days": st.just(1), "half days": st.just(1),
               "in working hours": st.booleans(), "notice days": st.integers(0, 40), "purpose": st.just("JCC"),
               "location": st.just("City Hall"), "new representative training": st.booleans(),
               "note": st.just("x"), "colour": st.just("blue")}


@st.composite
def requests(draw, index):
    keys = draw(st.sets(REQUEST_KEYS, max_size=3)) | {"date", "category", draw(st.sampled_from(QUANTITY_KEYS))}
    # Now and then a required field missing, a second amount, or a field no request has.
    if draw(RARELY):
        keys ^= {draw(st.sampled_from(["date", "category", "hours", "days", "colour"]))}
    request = {"id": f"r{index}"}
    for key in sorted(keys):
        # Mostly good values, so that valid scenarios are common enough to test both ways.
        request[key] = draw(VALUES) if draw(RARELY) else draw(GOOD_VALUES[key])
    return request


@st.composite
def scenarios(draw):
    facts = {name: draw(VALUES) if draw(RARELY) else draw(GOOD_FACT_VALUES[name])
             for name in draw(st.sets(FACT_NAMES, max_size=4))}
    count = draw(st.integers(0, 3))
    return {"facts": facts, "requests": [draw(requests(i)) for i in range(count)]}


@given(scenarios())
def test_schema_and_validator_agree_on_generated_scenarios(scenario):
    import ftdsl
    from conftest import WESTMINSTER as path

    program = _program(ftdsl, path)
    assert (not schema_errors(scenario, scenario_schema(program))) == validator_accepts(program, scenario)


_CACHE = {}


def _program(ftdsl, path):
    if "program" not in _CACHE:
        _CACHE["program"] = ftdsl.load_ruleset(str(path)).program
    return _CACHE["program"]
