"""The employer's report: a batch's tally (usage.py), the roster and the year's figures (yearend.py) in, the report
as data, text, CSV or JSON out (`ftdsl report`, docs/reporting.md).

`report_data` puts the report together as one dict: which assumption
stood in for what the log does not say, the day allowances are shown
for, `people` (per person: hours by category, each allowance's use and
what is left, the share of working hours on facility time, and with a
relevant period their year's figures), `near` (the people at or above a
share of an allowance), and with a relevant period the year's tables under
the keys other tools read. Sections are a list of people; a section per
pool (a union's shared time) would sit beside `people` in the same shape.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from fractions import Fraction

from .colour import paint, style
from .display import json_visible, visible, visible_data
from .model import cited
from .numbers import json_number
from .usage import ASKED, PAID_HOURS, REQUESTS, TAKEN, allowances
from .wrapping import wrap_lines
from .yearend import _places, days_in_post, percent, rounded, shown

_HOURS = (("asked", ASKED), ("entitled", 1), ("discretionary", 2), ("not entitled", 3), ("taken", TAKEN),
          ("paid", PAID_HOURS))
CSV_COLUMNS = ("person", "union", "category", "requests", "asked h", "entitled h", "discretionary h",
               "not entitled h", "taken h", "paid h", "percent of working hours", "allowances")


def assumption(tally) -> str | None:
    """What stood in for what the log does not say (no granted hours or no paid column), or None."""
    if tally.says_granted and tally.says_paid:
        return None
    said = []
    if not tally.says_granted:
        said.append("the log has no 'granted hours' column, so the hours taken are the entitled hours" +
                    (" and the discretionary hours (--assume-granted)" if tally.assume_granted else
                     " only (--assume-granted counts the discretionary hours too)"))
    if not tally.says_paid:
        said.append("the log has no 'paid' column, so hours taken are paid where the agreement pays them")
    return "; ".join(said)


def report_data(batch, tally, roster, near=Fraction(4, 5), year=None, period=None) -> dict:
    """The report as one dict (see the module). `year` is a yearend.YearFigures (None without --year); `period`
    its (first, last) days; `near` the share of an allowance at or above which a person is listed."""
    day = period[1] if period is not None else tally.last_day
    officials = {o.name: o for o in year.officials} if year is not None else {}
    names = list(roster.people) if roster is not None else []
    listed = set(names)
    names += [name for name in tally.people if name not in listed]
    people, near_list = [], []
    memo = {}  # what the agreement gives, per person's facts (usage.allowances)
    periods = {}  # each period's words and window on the day (see _allowance)
    for name in names:
        usage = tally.people.get(name)
        person = roster.people.get(name) if roster is not None else None
        entry = {"person": name, "union": person.union if person is not None else "",
                 "requests": usage.requests if usage is not None else 0, "hours": _hours(tally, usage, period)}
        found = allowances(batch, usage.last, name, day, memo) if usage is not None and day is not None else []
        entry["allowances"] = None if found is None else [_allowance(a, day, batch.program, periods) for a in found]
        near_list.extend({"person": name, **allowance} for allowance in _near(entry["allowances"] or (), near))
        entry["percent of working hours"] = _share(tally, usage, person, period, officials.get(name))
        if name in officials:
            entry["year"] = officials[name].data()
        people.append(entry)
    data = {"assumption": assumption(tally), "as of": day.isoformat() if day else None,
            "near": {"at least percent": json_number(Fraction(near) * 100), "allowances": near_list}}
    if year is not None:
        data.update(year.data())
    data["people"] = people
    return data


def _hours(tally, usage, period) -> dict:
    if usage is None:
        return {}
    table = usage.table
    scale = tally.scale
    return {category: {"requests": entry[REQUESTS], **{name: _scaled_hours(entry[slot], scale) for name, slot in _HOURS}}
            for category, entry in sorted(table.items())}


def _scaled_hours(value, scale):
    """Hours kept scaled (totals.scale) as hours_number gives them, without a Fraction where they are whole."""
    if value.__class__ is int:  # nearly always: a float to 4 places is all JSON gives, and far quicker
        whole, rest = divmod(value, scale)
        return whole if not rest else shown(value / scale)
    return hours_number(Fraction(value) / scale)


def hours_number(value):
    """Hours for JSON: an int when whole, else a float of at most 4 decimals (as the text shows them)."""
    return _places(value, 4)


def _near(listed, near):
    """The allowances of one person at or above `near` of their hours. A request is entitled when any allowance
    of its category has room (one per period: a week's and a month's), so a category's allowances are near
    only when all of them are; a limit caps whatever else gives, so it is near on its own."""
    at = float(near) * 100

    def full(allowance):
        return allowance["percent used"] is not None and allowance["percent used"] >= at

    by_category = {}
    for allowance in listed:
        if allowance["kind"] == "allowance":
            by_category.setdefault(tuple(allowance["categories"]), []).append(allowance)
    for allowance in listed:
        together = [allowance] if allowance["kind"] == "limit" else by_category[tuple(allowance["categories"])]
        if all(map(full, together)):
            yield allowance


def _allowance(found, day, program, memo) -> dict:
    """An allowance as the report's data; `memo` keeps what many people share (a period's words and window)."""
    period = memo.get(id(found.period))
    if period is None:
        window = found.period.window(day, program.model.year_start)
        if found.period.kind == "rolling":
            window = (window[0], day)
        period = memo[id(found.period)] = (found.period, found.period.describe(),
                                           {"from": window[0].isoformat(), "to": window[1].isoformat()})
    # Shown to 4 places (hours) and 1 (the share): floats, which are quick, round them as well as Fractions would.
    hours, used = float(found.hours), float(found.used)
    return {"categories": list(found.categories), "kind": found.kind, "period": period[1], "window": period[2],
            "hours": shown(hours), "used": shown(used), "left": shown(max(hours - used, 0.0)),
            "percent used": round(used / hours * 100, 1) if hours else None, "clauses": list(found.clauses)}



def _share(tally, usage, person, period, official):
    """The share of working hours on facility time, as a percentage rounded to 2 places; None when the roster
    does not give contracted hours. Over the relevant period, else over the log's first to last day."""
    if official is not None:
        return float(rounded(official.share * 100))
    if person is None or person.contracted is None or usage is None or tally.first_day is None:
        return None
    span = period or (tally.first_day, tally.last_day)
    hours = person.contracted * Fraction(days_in_post(span, person.start, person.end), 7)
    taken = Fraction(sum(e[TAKEN] for e in usage.table.values()), tally.scale)
    found = percent(taken, hours)
    return None if found is None else float(rounded(found))


# ---- text -----------------------------------------------------------------------------------------------------

def to_text(data: dict, year_working=None, width: int | None = None, colour: bool = False,
            log_name: str = "") -> str:
    """The report as a document to read, wrapped to `width`, headings coloured with `colour`; `year_working` is
    YearFigures.working() (each figure with how it was computed) when there is a relevant period."""
    data = visible_data(data)
    lines = [style(f"Facility time by person{', ' + visible(log_name) if log_name else ''}", "heading")]
    if data.get("relevant period"):
        period = data["relevant period"]
        lines.append(("", f"relevant period {period['from']} to {period['to']}", "  "))
    if data["as of"]:
        lines.append(("", f"allowances as on {data['as of']}", "  "))
    if data["assumption"]:
        lines.append(("", f"assumed: {data['assumption']}", "  "))
    for entry in data["people"]:
        lines.append("")
        union = f" ({entry['union']})" if entry["union"] else ""
        share = entry["percent of working hours"]
        share_text = f", {share:.2f}% of working hours on facility time" if share is not None else ""
        requests = entry["requests"]
        lines.append(("", style(entry["person"], "heading") + union +
                      f": {requests} request{'s' if requests != 1 else ''}{share_text}", "    "))
        for category, hours in entry["hours"].items():
            count = hours["requests"]
            lines.append(("  ", f"{category}: {count} request{'s' if count != 1 else ''}, {_h(hours['asked'])} asked: "
                                f"{_h(hours['entitled'])} entitled, "
                                f"{_h(hours['discretionary'])} discretionary, {_h(hours['not entitled'])} not "
                                f"entitled; {_h(hours['taken'])} taken, {_h(hours['paid'])} paid", "      "))
        if entry["allowances"] is None:
            lines.append(("  ", "allowances: not known (their facts do not say which rules apply)", "    "))
        for allowance in entry["allowances"] or ():
            lines.append(("  ", _allowance_text(allowance), "      "))
    lines.append("")
    threshold = data["near"]["at least percent"]
    lines.append(style(f"At or above {threshold}% of an allowance", "heading"))
    if not data["near"]["allowances"]:
        lines.append("  nobody")
    for found in data["near"]["allowances"]:
        lines.append(("  ", f"{found['person']}: " + _allowance_text(found), "      "))
    if year_working:
        lines.append("")
        lines.append(style("Year-end figures (2017 regulations' tables and the Transparency Code)", "heading"))
        for name, value, how in visible_data(year_working):
            lines.append(("  ", f"{name}: {value}", "      "))
            lines.append(("      ", f"({how})", "      "))
    return paint(wrap_lines(lines, width), colour) + "\n"


def _h(value) -> str:
    return f"{number_text(value)} h"


def number_text(value) -> str:
    """A number of the report's data (an int, or a float of few decimals) as its shortest text: 7.2, 50.4, 3."""
    return str(value) if isinstance(value, int) else format(Decimal(repr(value)), "f")


def _allowance_text(allowance) -> str:
    what = " and ".join(allowance["categories"])
    used = allowance["percent used"]
    clauses = ", ".join(map(cited, allowance["clauses"]))
    window = allowance["window"]
    return (f"{what} {allowance['period']} ({clauses}): {_h(allowance['used'])} used of {_h(allowance['hours'])} "
            f"from {window['from']} to {window['to']}, {_h(allowance['left'])} left"
            + (f" ({used:g}% used)" if used is not None else ""))


# ---- CSV and JSON ---------------------------------------------------------------------------------------------

def to_json(data: dict) -> str:
    """The report as JSON (keys in the order report_data gives them), indented, except that each person (and
    each allowance near its hours) is one line: thousands of people read and search best so, and the
    standard library writes an unindented object many times faster."""
    lists = {"people": data["people"], "near": data["near"]["allowances"]}
    shell = {**data, "near": {**data["near"], "allowances": []}, "people": []}
    text = json.dumps(shell, indent=2, ensure_ascii=False)
    for key, items in (("near", lists["near"]), ("people", lists["people"])):
        empty = '"allowances": []' if key == "near" else '"people": []'
        indent = "      " if key == "near" else "    "
        body = ",\n".join(indent + json.dumps(item, ensure_ascii=False) for item in items)
        close = indent[:-2] + "]"
        text = text.replace(empty, empty[:-1] + ("\n" + body + "\n" + close if items else "]"), 1)
    return json_visible(text) + "\n"


def to_csv(data: dict) -> str:
    """The report as CSV, one row per person and category (and one per person with no hours), for a
    spreadsheet: a cell a spreadsheet would run as a formula is written after an apostrophe."""
    from .output_lines import csv_text

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for entry in data["people"]:
        listed = "; ".join(_allowance_text(a) for a in entry["allowances"] or ())
        share = entry["percent of working hours"]
        rows = entry["hours"].items() or [("", None)]
        for category, hours in rows:
            values = [""] * 6 if hours is None else [number_text(hours[name]) for name, _ in _HOURS]
            writer.writerow([_safe(entry["person"], csv_text), _safe(entry["union"], csv_text), category,
                             0 if hours is None else hours["requests"], *values, "" if share is None else f"{share:.2f}", listed])
    return out.getvalue()


def _safe(text, csv_text):
    """A cell's text as run's CSV writes it, without the quotes csv.writer adds itself."""
    shown = csv_text(text)
    return shown[1:-1].replace('""', '"') if shown.startswith('"') else shown
