"""Rendering: a decisions report (the dict runtime.py returns) in, text or JSON out."""

from __future__ import annotations

import json

from .colour import paint, style
from .display import json_visible, visible, visible_data
from .model import cited
from .wrapping import wrap_lines

OUTCOME_WORDS = {"entitled": "ENTITLED", "discretionary": "DISCRETIONARY (for management to agree)",
                 "not_entitled": "NOT ENTITLED"}


def to_json(report: dict, include_checks: bool = True) -> str:
    """The report as JSON, keys in a fixed order, so the same input always gives the same bytes."""
    if not include_checks:
        report = {**report, "decisions": [{k: v for k, v in d.items() if k != "checks"} for d in report["decisions"]]}
    return json_visible(json.dumps(report, indent=2, ensure_ascii=False)) + "\n"


def pay_words(paid) -> str:
    return {True: "paid", False: "unpaid", None: "pay for management to decide"}[paid]


OUTCOME_STYLES = {"entitled": "entitled", "discretionary": "discretionary", "not_entitled": "not_entitled"}


def part_text(part: dict) -> str:
    """A part of a decision in parts, as the text output shows it: "2 h ENTITLED, paid (§6.12)"."""
    clauses = ", ".join(map(cited, part["clauses"])) or "no clause"
    return f"{part['hours']} h {outcome_words(part['outcome'])}, {pay_words(part['paid'])} ({clauses})"


def outcome_words(outcome: str, words: dict = OUTCOME_WORDS) -> str:
    """An outcome's words, marked with its colour (colour.style)."""
    return style(words[outcome], OUTCOME_STYLES[outcome])


def to_text(report: dict, ruleset_name: str = "", scenario_name: str = "", width: int | None = None,
            colour: bool = False) -> str:
    """The report as text a negotiator can read.

    Every text in it (the agreement's words, the scenario's ids, the file
    names) is shown with its control characters made visible, so none can
    restyle the terminal or start a line of its own. With a `width`, each
    line is wrapped to it (wrapping.py), a reason's lines kept under the
    reason; with `colour`, the outcomes and headings are coloured (colour.py).
    """
    report = visible_data(report)
    ruleset_name, scenario_name = visible(ruleset_name), visible(scenario_name)
    lines = []
    title = report.get("agreement")
    if title:
        lines.append(("", style(title, "heading"), ""))
    if ruleset_name or scenario_name:
        lines.append(("", f"ruleset {ruleset_name}, scenario {scenario_name}".strip(", "), "  "))
    values = report.get("values", {})
    if values:
        lines.append("")
        lines.append(style("Values", "heading"))
        for name, entry in values.items():
            clauses = ", ".join(f"{cited(c)}" for c in entry["clauses"])
            if entry.get("value") is None:
                why = f"needs '{entry['needs']}'" if entry.get("needs") else entry.get("note", "no value")
                lines.append(("  ", f"{name}: not computed ({why}) ({clauses})", "    "))
            else:
                unit = "FTE" if entry["unit"] == "FTE" else "h"
                lines.append(("  ", f"{name}: {entry['exact']} {unit} ({clauses})", "    "))
    for key, heading in (("facilities", "Facilities"), ("facilities not decided", "Facilities not decided")):
        items = report.get(key, [])
        if items:
            lines.append("")
            lines.append(style(heading, "heading"))
            for item in items:
                needs = f" (needs '{item['needs']}')" if "needs" in item else ""
                lines.append(("  ", f"{cited(item['clause'])}: {item['facilities']}{needs}", "    "))
    lines.append("")
    lines.append(style("Decisions", "heading"))
    if not report["decisions"]:
        lines.append("  (the scenario has no requests)")
    for decision in report["decisions"]:
        hours = decision["hours"]
        lines.append(("  ", f"{decision['id']}  {decision['date']}  {decision['category']}  {hours} h", "    "))
        clauses = ", ".join(f"{cited(c)}" for c in decision["clauses"]) or "no clause"
        lines.append(("    ", f"{outcome_words(decision['outcome'])}, {pay_words(decision['paid'])} ({clauses})",
                      "      "))
        if decision.get("parts"):
            lines.append("    in parts:")
            lines.extend(("      ", part_text(part), "        ") for part in decision["parts"])
        for reason in decision["reasons"]:
            lines.append(("    - ", reason, "      "))
    return paint(wrap_lines(lines, width), colour) + "\n"
