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
import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from .model import MONTHS
from .names import name_key

SCENARIO_KEYS = ("facts", "taken", "pool taken", "requests", "expect", "description", "name", "comment", "notes")
QUANTITY_KEYS = ("hours", "days", "half days")
# Past this, a quantity is a typing slip, not a request (a year is 8,760 hours).
LARGEST_HOURS = Fraction(10 ** 6)
# Past this, a count or number is a typing slip: a ruleset itself can write no number past 10^9 (E225).
LARGEST_COUNT = 10 ** 9
# More decimal places than this is not a measurement (and would make exact
# fractions too large to show): refused rather than rounded. Every float's
# shortest form has fewer, so no Python float given to the library is refused.
MOST_PLACES = 400


class ScenarioError(Exception):
    """A scenario the ruleset cannot decide: every problem found, each with
    where it is in the scenario (`path`), what is wrong and what to write."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(p["message"] for p in self.problems))


def repeated_names(keys):
    """The first two of `keys` that are one name (the same name_key, such as "date" and "Date"), or None.

    Names match whatever their case and spacing, so two such keys in one
    object would say the same thing twice and one would be lost.
    """
    seen = {}
    for key in keys:
        name = name_key(key)
        if name in seen:
            return seen[name], key
        seen[name] = key
    return None


def repeated_name_problem(first, second, path, what):
    """The problem of two keys of one object that are one name (see repeated_names)."""
    return problem(path, f"'{first}' and '{second}' are the same {what} (names match whatever their case and "
                         "spacing), given twice", f"give '{name_key(first)}' once")


def refuse_repeated_keys(pairs):
    """A json object_pairs_hook: the object as a dict, or ValueError when one key is given twice.

    json.loads would keep the last of two equal keys and silently drop the
    first; this refuses instead, so nothing a user wrote is lost.
    """
    found = dict(pairs)
    if len(found) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f'the key "{key}" is given twice in one object')
            seen.add(key)
    return found


def json_decimal(text):
    """A json parse_float hook: a number written with a point or an exponent, as the exact Decimal written.

    An exponent past what Decimal holds (1e99999999999999999999) is kept as
    the largest (or smallest) it holds, which validation refuses as such.
    """
    try:
        return Decimal(text)
    except InvalidOperation:
        sign = "-" if text.startswith("-") else ""
        return Decimal(sign + ("1E-999999999999999999" if "e-" in text.lower() else "1E+999999999999999999"))


def json_int(text):
    """A json parse_int hook: an int, or the exact Decimal for one with more digits than int() reads from text
    (4,300 unless set otherwise), which validation then refuses as far too large."""
    try:
        return int(text)
    except ValueError:
        return Decimal(text)


def is_text(value):
    """Whether a string is text a file can hold: False for one holding a lone surrogate ("\\ud800" in JSON)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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

    def __init__(self, facts, taken, requests, pool_taken=None):
        self.facts = facts
        self.taken = taken
        self.requests = requests
        # The time others have already taken from each pool this person shares ('pool taken'): holder -> entries.
        self.pool_taken = pool_taken or {}


class Vocabulary:
    """What a ruleset declares, in the shape validation needs: facts (model.FactDef) by name, and name sets."""

    def __init__(self, model):
        self.facts = {f.name: f for f in model.facts if not f.request}
        self.request_facts = {f.name: f for f in model.facts if f.request}
        self.categories = set(model.categories)
        self.roles = set(model.roles)
        self.staff_groups = set(model.staff_groups)
        self.state_fields = sorted({field for rule in model.states for field in rule.fields})
        self.holders = model.holders


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
    pool_taken = validate_pool_taken(data.get("pool taken", {}), vocabulary, problems)
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
    return Scenario(facts, taken, requests, pool_taken)


def validate_pool_taken(raw, vocabulary, problems):
    """The scenario's 'pool taken' ({"union": [time entries]}: what others have taken from each pool the person
    shares), checked: {holder: entries}."""
    holders = vocabulary.holders
    if not isinstance(raw, dict):
        problems.append(problem("pool taken", "'pool taken' must be an object: for each pool, the time others have "
                                "already taken from it", 'write "pool taken": {"union": [...]}'))
        return {}
    found = {}
    for key, items in raw.items():
        holder = name_key(str(key))
        if holder not in holders:
            hint = suggest(holder, holders) or (f"this agreement's pools are shared by: {', '.join(holders)}"
                                                 if holders else "this agreement has no shared time: delete 'pool taken'")
            problems.append(problem(f"pool taken.{key}", f"no rule shares time by '{key}'", hint))
            continue
        if not isinstance(items, list):
            problems.append(problem(f"pool taken.{key}", f"the time taken from the {key}'s pool must be a list",
                                     f'write "{key}": [{{"date": "2026-03-02", "category": "...", "hours": 4}}]'))
            continue
        entries = found.setdefault(holder, [])
        for index, item in enumerate(items):
            entry = validate_time(item, f"pool taken.{key}[{index}]", vocabulary, problems, is_request=False)
            if entry is not None:
                entry["order"] = index
                entries.append(entry)
    return found


def validate_facts(raw, vocabulary, problems):
    facts = {}
    if not isinstance(raw, dict):
        problems.append(problem("facts", "'facts' must be an object of fact names and values",
                                 'for example "facts": {"staff group": "teaching"}'))
        return facts
    seen = {}
    for given_name, value in raw.items():
        key = name_key(given_name)
        if key in seen:
            problems.append(repeated_name_problem(seen[key], given_name, "facts", "fact"))
            continue
        seen[key] = given_name
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
        number = exact_number(value)
        if number is TOO_LARGE and value < 0 or isinstance(number, Fraction) and number < 0:
            return bad("0 or more")
        if number is TOO_LARGE or isinstance(number, Fraction) and number > LARGEST_COUNT:
            problems.append(problem(path, f"{_show(value)} is far more than any count ftdsl reads "
                                          f"(at most {LARGEST_COUNT:,})", "check the number"))
            return INVALID
        if isinstance(value, bool) or not isinstance(value, int):
            return bad("a whole number (0, 1, 2, ...)", "write the number without quotes or decimals")
        return Fraction(value)
    if type_name in ("number", "hours"):
        number = exact_number(value)
        if number is NOT_A_NUMBER:
            return bad("a number" if type_name == "number" else "a number of hours", number_hint(value))
        if type_name == "hours" and (number is TOO_LARGE and value < 0 or isinstance(number, Fraction) and number < 0):
            return bad("0 hours or more")
        if number is TOO_PRECISE:
            problems.append(problem(path, f"{_show(value)} has more than {MOST_PLACES} decimal places",
                                    "round it to the places that mean something"))
            return INVALID
        if number is TOO_LARGE or abs(number) > LARGEST_COUNT:
            problems.append(problem(path, f"{_show(value)} is far larger than any number ftdsl reads "
                                          f"(at most {LARGEST_COUNT:,} either side of 0)", "check the number"))
            return INVALID
        return number
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
    if isinstance(value, Decimal) or isinstance(value, int) and not isinstance(value, bool):
        # str() of an int past 4,300 digits is an error; Decimal's is not. A
        # Decimal is shown with its digits as written where that is short enough.
        number = Decimal(value)
        text = format(number, "f") if number.is_finite() and abs(number.adjusted()) < 60 else ""
        if not text or len(text) > 60:
            text = str(number)  # 1E+100
        if len(text) <= 60:
            return text
        return f"{text[:20]}... (a number of {sum(c.isdigit() for c in text)} digits)"
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _date_message(value):
    """Why a scenario's date is not a date, in the calendar's words where it can."""
    if isinstance(value, str) and _ISO_DATE.match(value):
        year, month, day = int(value[:4]), int(value[5:7]), int(value[8:])
        if year == 0:
            return f'must be a real date written YYYY-MM-DD: the calendar starts in the year 1 ("{value}")'
        if not 1 <= month <= 12:
            return f'must be a real date written YYYY-MM-DD: there is no month {month} in "{value}"'
        return f'must be a real date written YYYY-MM-DD: {MONTHS[month - 1]} {year} has no day {day} ("{value}")'
    return f"must be a real date written YYYY-MM-DD, not {_show(value)}"


NOT_A_NUMBER = "not a number"  # exact_number's answers when it has no Fraction to give
TOO_LARGE = "too large"
TOO_PRECISE = "too precise"


def exact_number(value):
    """A number as an exact Fraction, or why not: NOT_A_NUMBER, TOO_LARGE, TOO_PRECISE.

    An int is itself; a Decimal (a number read from JSON text by
    json_decimal or json_int, or from a log's cell by number_from_text) is
    exactly what was written, so 6.0000000000000001 is not 6; a float given
    by a caller of the library is read as its repr(), the shortest decimal
    that reads back as it, so 0.1 is 1/10 rather than the binary float's long
    tail. TOO_LARGE is from 10^18 on (far past any limit of the callers,
    which check their own), said without making the number; TOO_PRECISE is
    more than MOST_PLACES decimal places.
    """
    if isinstance(value, bool):
        return NOT_A_NUMBER
    if isinstance(value, int):
        return TOO_LARGE if value.bit_length() > 60 else Fraction(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return NOT_A_NUMBER
        number = Fraction(repr(value))
        return TOO_LARGE if abs(number) >= 10 ** 18 else number
    if isinstance(value, Decimal):
        if not value.is_finite():
            return NOT_A_NUMBER
        if value.is_zero():
            return Fraction(0)
        if value.adjusted() >= 18:
            return TOO_LARGE
        _, digits, exponent = value.as_tuple()
        trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))  # 1.500 has one place that counts
        if -(exponent + trailing) > MOST_PLACES:
            return TOO_PRECISE
        return Fraction(value)
    return NOT_A_NUMBER


_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?\Z")


def number_from_text(text):
    """The exact number a log's cell holds, as a Decimal, or None when the text is not a plain number.

    A plain number is the digits 0-9, with a point and more digits for a
    fraction and a minus sign before a negative one ("7.5", "-2"), with
    spaces around it allowed. Anything Python's float() would read besides
    ("1_1", "١١" in Arabic-Indic digits, "1e3", ".5", "nan", "infinity") is
    not: what it means is a guess, and number_hint says what to write.
    """
    text = text.strip()
    return Decimal(text) if _PLAIN_NUMBER.match(text) else None


def number_hint(value):
    """What to write instead of a value that is not a number, where something can be said (else None)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if number_from_text(text) is not None:
        return f"write the number without quotes: {text}"
    try:
        meant = Decimal(text)  # reads "1_1", "١١", "1e3", ".5", "+3" as the number they most likely mean
    except (InvalidOperation, ValueError):
        meant = None
    if meant is not None and meant.is_finite() and -MOST_PLACES < meant.adjusted() < 18:
        plain = format(meant, "f")
        if plain != text:
            return f"write {plain}: a number is the digits 0-9, with a point before a fraction"
    return "write the digits 0-9, with a point before a fraction, for example 7.5"


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def parse_date(value):
    """A date written YYYY-MM-DD (digits 0-9), or None. Python's date.fromisoformat also reads ISO week dates
    ("2026-W12-5"), ordinal dates ("2026-079") and dates without dashes, which are no date a scenario may hold."""
    if not isinstance(value, str) or not _ISO_DATE.match(value):
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
    seen = {}
    for given, value in item.items():
        key = name_key(given)
        if key in seen:
            problems.append(repeated_name_problem(seen[key], given, path, "field"))
            continue
        seen[key] = given
        if key not in allowed:
            hint = suggest(key, allowed)
            if key == "notice days" and not is_request:
                hint = "notice belongs to requests, not to time already taken"
            problems.append(problem(f"{path}.{given}", f"unknown field '{given}' in {what}",
                                     hint or "fields: " + ", ".join(sorted(allowed))))
            continue
        field_path = f"{path}.{given}"
        if key == "id":
            if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
                problems.append(problem(field_path, f"the id must be text or a whole number, not {_show(value)}",
                                        "write the id in quotes" if isinstance(value, (float, Decimal)) else None))
            elif isinstance(value, str) and not is_text(value):
                problems.append(problem(field_path, f"the id is not valid text: it holds a lone surrogate "
                                                    f"({_show(value)}), half of a character that no file can hold",
                                        "write the id with whole characters"))
            else:
                entry["id"] = value if isinstance(value, str) else str(Decimal(value))
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
            number = exact_number(value)
            if number is NOT_A_NUMBER or value < 0:
                problems.append(problem(field_path, f"must be a number, 0 or more, not {_show(value)}",
                                        number_hint(value)))
            elif number is TOO_PRECISE:
                problems.append(problem(field_path, f"{_show(value)} {key} has more than {MOST_PLACES} decimal "
                                                    "places", "round it to the places that mean something"))
            elif number is TOO_LARGE or number > LARGEST_HOURS:
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
            number = exact_number(value)
            if number is TOO_LARGE and value > 0 or isinstance(number, Fraction) and number > LARGEST_COUNT:
                problems.append(problem(field_path, f"{_show(value)} days is far more notice than ftdsl counts "
                                                    f"(at most {LARGEST_COUNT:,})", "check the number"))
            elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
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
    if is_request and "in working hours" not in seen:
        entry["left out"] = {"in working hours"}  # true by default: a rule that reads it reads an assumption
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
