"""Scenarios: a scenario dict (as read from JSON) and a ruleset's vocabulary in, a validated Scenario out.

Every problem is collected, each with where it is in the scenario
(`path`, such as `requests[0].date`), what is wrong and what to write
instead, and raised together as a ScenarioError. Batch evaluation checks a
log's rows with the same functions (validate_facts, validate_time), so a
row means what the same request in a scenario means. Standard library only
(a standalone module carries this file).
"""

import datetime
import json
from fractions import Fraction

SCENARIO_KEYS = ("facts", "taken", "requests", "expect", "description", "name", "comment", "notes")
QUANTITY_KEYS = ("hours", "days", "half days")
# Past this, a quantity is a typing slip, not a request (a year is 8,760 hours).
LARGEST_HOURS = Fraction(10 ** 6)


class ScenarioError(Exception):
    """A scenario the ruleset cannot decide: every problem found, each with
    where it is in the scenario (`path`), what is wrong and what to write."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(p["message"] for p in self.problems))


def name_key(text):
    """Names match whatever their case, spacing or apostrophe style."""
    return " ".join(str(text).replace("\u2019", "'").replace("\u00a0", " ").lower().split())


def problem(path, message, hint=None):
    """One problem of a scenario: where, what, and (if known) what to write instead."""
    found = {"path": path, "message": message}
    if hint:
        found["hint"] = hint
    return found


def suggest(word, choices):
    import difflib  # only when something is misspelt: every run imports this module

    close = difflib.get_close_matches(name_key(word), sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


class Scenario:
    """A validated scenario: facts by name, time taken, requests in file order."""

    def __init__(self, facts, taken, requests):
        self.facts = facts
        self.taken = taken
        self.requests = requests


class Vocabulary:
    """What a ruleset declares, in the shape validation needs: facts (model.FactDef) by name, and name sets."""

    def __init__(self, model):
        self.facts = {f.name: f for f in model.facts if not f.request}
        self.request_facts = {f.name: f for f in model.facts if f.request}
        self.categories = set(model.categories)
        self.roles = set(model.roles)
        self.staff_groups = set(model.staff_groups)
        self.state_fields = sorted({field for rule in model.states for field in rule.fields})


def validate_scenario(data, vocabulary):
    """Check a scenario dict against the ruleset's vocabulary; return a Scenario or raise ScenarioError."""
    problems = []
    if not isinstance(data, dict):
        raise ScenarioError([problem("", "a scenario is a JSON object with 'facts', 'taken' and 'requests'",
                                      'for example {"facts": {...}, "taken": [], "requests": [...]}')])
    for key in data:
        if key not in SCENARIO_KEYS:
            problems.append(problem(key, f"unknown section '{key}'",
                                     suggest(key, SCENARIO_KEYS) or "a scenario has 'facts', 'taken' and 'requests'"))
    facts = validate_facts(data.get("facts", {}), vocabulary, problems)
    taken = []
    raw_taken = data.get("taken", [])
    if not isinstance(raw_taken, list):
        problems.append(problem("taken", "'taken' must be a list of time already taken", 'write "taken": []'))
        raw_taken = []
    for index, item in enumerate(raw_taken):
        entry = validate_time(item, f"taken[{index}]", vocabulary, problems, is_request=False)
        if entry is not None:
            entry["order"] = index
            taken.append(entry)
    requests = []
    raw_requests = data.get("requests", [])
    if "requests" not in data:
        problems.append(problem("requests", "the scenario has no 'requests' to decide",
                                 'add "requests": [{"id": "r1", "date": "2026-03-20", "category": "duties", "hours": 3}]'))
    elif not isinstance(raw_requests, list):
        problems.append(problem("requests", "'requests' must be a list", 'write "requests": [ {...}, {...} ]'))
        raw_requests = []
    seen_ids = {}
    for index, item in enumerate(raw_requests):
        entry = validate_time(item, f"requests[{index}]", vocabulary, problems, is_request=True)
        if entry is None:
            continue
        if entry["id"] is None:
            entry["id"] = str(index + 1)
        if entry["id"] in seen_ids:
            problems.append(problem(f"requests[{index}].id", f"the id '{entry['id']}' is used twice",
                                     f"it is also the id of requests[{seen_ids[entry['id']]}]; give each request its own id"))
        seen_ids[entry["id"]] = index
        entry["order"] = index
        requests.append(entry)
    if problems:
        raise ScenarioError(problems)
    return Scenario(facts, taken, requests)


def validate_facts(raw, vocabulary, problems):
    facts = {}
    if not isinstance(raw, dict):
        problems.append(problem("facts", "'facts' must be an object of fact names and values",
                                 'for example "facts": {"staff group": "teaching"}'))
        return facts
    for given_name, value in raw.items():
        key = name_key(given_name)
        fact = vocabulary.facts.get(key)
        if fact is None:
            if key in vocabulary.request_facts:
                problems.append(problem(f"facts.{given_name}", f"'{given_name}' is a fact of each request, not of the scenario",
                                         f"move it into each request: \"{given_name}\": ..."))
            else:
                problems.append(problem(f"facts.{given_name}", f"this ruleset has no fact '{given_name}'",
                                         suggest(key, vocabulary.facts) or
                                         "facts it reads: " + ", ".join(sorted(vocabulary.facts))))
            continue
        converted = convert_value(value, fact.type, vocabulary, f"facts.{given_name}", problems)
        if converted is not INVALID:
            facts[key] = converted
    return facts


INVALID = object()


def convert_value(value, type_name, vocabulary, path, problems):
    """A JSON value converted to the runtime's form for a fact type, or INVALID (with a problem recorded)."""
    def bad(expected, hint=None):
        problems.append(problem(path, f"must be {expected}, not {_show(value)}", hint))
        return INVALID

    if type_name == "yes/no":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and name_key(value) in ("yes", "no", "true", "false"):
            return name_key(value) in ("yes", "true")
        return bad("yes or no (true or false)")
    if type_name == "count":
        if isinstance(value, bool) or not isinstance(value, int):
            return bad("a whole number (0, 1, 2, ...)", "write the number without quotes or decimals")
        if value < 0:
            return bad("0 or more")
        return Fraction(value)
    if type_name == "number":
        number = _exact(value)
        return bad("a number") if number is None else number
    if type_name == "date":
        parsed = parse_date(value)
        if parsed is None:
            problems.append(problem(path, _date_message(value), 'for example "2026-03-20"'))
            return INVALID
        return parsed.isoformat()
    if type_name == "text":
        return value if isinstance(value, str) else bad("text in quotes")
    if type_name in ("staff group", "role", "category"):
        choices = {"staff group": vocabulary.staff_groups, "role": vocabulary.roles,
                   "category": vocabulary.categories}[type_name]
        if not isinstance(value, str):
            return bad(f"the name of a {type_name}")
        if name_key(value) not in choices:
            problems.append(problem(path, f"unknown {type_name} '{value}'",
                                     suggest(value, choices) or f"{type_name}s: " + ", ".join(sorted(choices))))
            return INVALID
        return name_key(value)
    if type_name == "list of roles":
        if isinstance(value, str):
            return bad("a list of roles", f'write ["{value}"]')
        if not isinstance(value, list):
            return bad("a list of roles", 'for example ["representative"]')
        roles = []
        for index, role in enumerate(value):
            if not isinstance(role, str):
                problems.append(problem(f"{path}[{index}]", f"must be the name of a role, not {_show(role)}"))
                return INVALID
            if name_key(role) not in vocabulary.roles:
                problems.append(problem(f"{path}[{index}]", f"unknown role '{role}'",
                                         suggest(role, vocabulary.roles) or "roles: " + ", ".join(sorted(vocabulary.roles))))
                return INVALID
            roles.append(name_key(role))
        return frozenset(roles)
    return bad(type_name)


def _show(value):
    """A value as it is written in JSON, cut short if long."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _date_message(value):
    """Why a scenario's date is not a date, in the calendar's words where it can."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-" \
            and (value[:4] + value[5:7] + value[8:]).isdigit():
        year, month, day = int(value[:4]), int(value[5:7]), int(value[8:])
        if not 1 <= month <= 12:
            return f'must be a real date written YYYY-MM-DD: there is no month {month} in "{value}"'
        month_name = datetime.date(2000, month, 1).strftime("%B")
        return f'must be a real date written YYYY-MM-DD: {month_name} {year} has no day {day} ("{value}")'
    return f"must be a real date written YYYY-MM-DD, not {_show(value)}"


def _exact(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    # repr() of a float is the shortest decimal that reads back as it, so
    # 0.1 becomes exactly 1/10 rather than the binary float's long tail.
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


def _number_in_text(text):
    """The number a text holds ("3", "7.5"), or None."""
    try:
        number = float(text)
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def parse_date(value):
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def validate_time(item, path, vocabulary, problems, is_request):
    """One entry of 'taken' or 'requests', validated; None if it has problems."""
    before = len(problems)
    what = "a request" if is_request else "time taken"
    if not isinstance(item, dict):
        problems.append(problem(path, f"must be an object describing {what}",
                                 '{"date": "2026-03-02", "category": "duties", "hours": 4}'))
        return None
    allowed = {"id", "date", "category", "in working hours", "note", "comment"} | set(QUANTITY_KEYS)
    if is_request:
        allowed |= {"notice days"} | set(vocabulary.request_facts) | set(vocabulary.state_fields)
    entry = {"id": None, "in working hours": True, "notice days": None, "request facts": {}, "stated": set()}
    for given, value in item.items():
        key = name_key(given)
        if key not in allowed:
            hint = suggest(key, allowed)
            if key == "notice days" and not is_request:
                hint = "notice belongs to requests, not to time already taken"
            problems.append(problem(f"{path}.{given}", f"unknown field '{given}' in {what}",
                                     hint or "fields: " + ", ".join(sorted(allowed))))
            continue
        field_path = f"{path}.{given}"
        if key == "id":
            if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value) == "":
                problems.append(problem(field_path, f"the id must be text or a number, not {_show(value)}"))
            else:
                entry["id"] = str(value)
        elif key == "date":
            parsed = parse_date(value)
            if parsed is None:
                problems.append(problem(field_path, _date_message(value),
                                         'for example "2026-03-20"'))
            else:
                entry["date"] = parsed
        elif key == "category":
            if not isinstance(value, str) or name_key(value) not in vocabulary.categories:
                problems.append(problem(field_path, f"unknown category {_show(value)}",
                                         (suggest(value, vocabulary.categories) if isinstance(value, str) else None)
                                         or "categories: " + ", ".join(sorted(vocabulary.categories))))
            else:
                entry["category"] = name_key(value)
        elif key in QUANTITY_KEYS:
            number = _exact(value)
            if number is None or number < 0:
                hint = None
                if isinstance(value, str) and _exact(_number_in_text(value)) is not None:
                    hint = f"write the number without quotes: {value.strip()}"
                problems.append(problem(field_path, f"must be a number, 0 or more, not {_show(value)}", hint))
            elif number > LARGEST_HOURS:
                problems.append(problem(field_path, f"{_show(value)} {key} is far more than a year holds",
                                         "check the number"))
            else:
                if "quantity" in entry:
                    problems.append(problem(field_path, f"{what} gives both '{entry['quantity'][0]}' and '{key}'",
                                             "give exactly one of hours, days or half days"))
                entry["quantity"] = (key, number)
        elif key == "in working hours":
            # Read as any yes/no fact is, so "yes" means here what it means in facts.
            in_hours = convert_value(value, "yes/no", vocabulary, field_path, problems)
            if in_hours is not INVALID:
                entry["in working hours"] = in_hours
        elif key == "notice days":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                problems.append(problem(field_path, f"must be a whole number of days, 0 or more, not {_show(value)}"))
            else:
                entry["notice days"] = value
        elif key in vocabulary.request_facts:
            converted = convert_value(value, vocabulary.request_facts[key].type, vocabulary, field_path, problems)
            if converted is not INVALID:
                entry["request facts"][key] = converted
        elif key in vocabulary.state_fields:
            if not isinstance(value, str) or not value.strip():
                problems.append(problem(field_path, f"must be text, not {_show(value)}"))
            else:
                entry["stated"].add(key)
    for required in ("date", "category"):
        if required not in entry and not any(name_key(k) == required for k in item):
            problems.append(problem(path, f"{what} has no '{required}'",
                                     'for example "date": "2026-03-20"' if required == "date" else
                                     'for example "category": "duties"'))
    if "quantity" not in entry and not any(name_key(k) in QUANTITY_KEYS for k in item):
        problems.append(problem(path, f"{what} gives no amount of time", 'give one of "hours", "days" or "half days"'))
    if len(problems) > before:
        return None
    return entry
