"""Scenario schema: a compiled Program in, the JSON Schema (draft 2020-12) of its scenarios out.

The schema says what runtime.validate_scenario accepts, in the names as
the ruleset spells them, so an editor can complete and check scenario
files. The validator is a little more forgiving than the schema: it
matches names whatever their case and spacing ("Staff Group"), reads
"Yes" as yes, and accepts a fact given as a float with no fractional part
where a number is asked. What the schema cannot say at all: request ids
must differ, and dates must exist (2026-02-30 has the right shape).

>>> from ftdsl.api import load_ruleset_text
>>> program = load_ruleset_text('categories: duties\\n§1 duties are paid\\n').program
>>> scenario_schema(program)["$defs"]["request"]["properties"]["category"]
{'enum': ['duties']}
"""

from __future__ import annotations

from . import runtime
from .scenario import LARGEST_HOURS, QUANTITY_KEYS, Vocabulary

DRAFT = "https://json-schema.org/draft/2020-12/schema"
DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "format": "date"}


def fact_schema(type_name: str, vocabulary: Vocabulary) -> dict:
    """The schema of one fact's value, by its declared type."""
    match type_name:
        case "yes/no":
            return {"anyOf": [{"type": "boolean"}, {"enum": ["yes", "no", "true", "false"]}]}
        case "count":
            return {"type": "integer", "minimum": 0}
        case "number":
            return {"type": "number"}
        case "hours":
            return {"type": "number", "minimum": 0}
        case "date":
            return dict(DATE)
        case "text":
            return {"type": "string"}
        case "staff group":
            return {"enum": sorted(vocabulary.staff_groups)}
        case "role":
            return {"enum": sorted(vocabulary.roles)}
        case "category":
            return {"enum": sorted(vocabulary.categories)}
        case "list of roles":
            return {"type": "array", "items": {"enum": sorted(vocabulary.roles)}}
    return {}


def _time_entry(vocabulary: Vocabulary, is_request: bool) -> dict:
    amount = {"type": "number", "minimum": 0, "maximum": int(LARGEST_HOURS)}
    properties = {
        "date": dict(DATE, description="the day the time is (or was) taken, YYYY-MM-DD"),
        "category": {"enum": sorted(vocabulary.categories)},
        "hours": dict(amount, description="give exactly one of hours, days or half days"),
        "days": dict(amount, description="working days, converted by the agreement's working day"),
        "half days": dict(amount),
        "in working hours": dict(fact_schema("yes/no", vocabulary), description="assumed true when left out"),
        "id": {"anyOf": [{"type": "string", "minLength": 1}, {"type": "integer"}]},
        "note": {},
        "comment": {},
    }
    if is_request:
        properties["notice days"] = {"type": "integer", "minimum": 0,
                                     "description": "days between the request and the time off"}
        for name, fact in sorted(vocabulary.request_facts.items()):
            properties[name] = dict(fact_schema(fact.type, vocabulary), description="a fact of this request" + (
                f"; assumed {'yes' if fact.assumed else 'no'} when left out" if fact.assumed is not None
                else ""))
        for field in vocabulary.state_fields:
            properties[field] = {"type": "string", "pattern": r"\S",
                                 "description": "what the agreement asks a request to state"}
    return {
        "type": "object",
        "properties": properties,
        "required": ["date", "category"],
        "oneOf": [{"required": [key]} for key in QUANTITY_KEYS],
        "additionalProperties": False,
    }


def scenario_schema(program: runtime.Program) -> dict:
    """The JSON Schema of the scenarios `program` accepts."""
    vocabulary = program.vocabulary
    title = program.model.header.title or program.source_name
    facts = {name: dict(fact_schema(fact.type, vocabulary), description=fact.type)
             for name, fact in sorted(vocabulary.facts.items())}
    return {
        "$schema": DRAFT,
        "title": f"A scenario for {title}",
        "description": "The facts of a representative, the time already taken, and the requests to decide.",
        "type": "object",
        "properties": {
            "facts": {"type": "object", "properties": facts, "additionalProperties": False},
            "taken": {"type": "array", "items": {"$ref": "#/$defs/taken"}},
            "pool taken": {"type": "object", "description": "for each pool the person shares, the time others "
                           "have already taken from it",
                           "properties": {program.model.spelt(h): {"type": "array", "items": {"$ref": "#/$defs/taken"}}
                                          for h in vocabulary.holders},
                           "additionalProperties": False},
            "requests": {"type": "array", "items": {"$ref": "#/$defs/request"},
                         "description": "each request's id must differ from the others'"},
            "expect": {"type": "object", "description": "expected decisions, for `ftdsl test`"},
            "description": {}, "name": {}, "comment": {}, "notes": {},
        },
        "required": ["requests"],
        "additionalProperties": False,
        "$defs": {"taken": _time_entry(vocabulary, False), "request": _time_entry(vocabulary, True)},
    }
