"""`ftdsl audit AGREEMENT`: where an agreement is below the statutory floor, silent, out of date, or above it.

In: an agreement (or a variation, read with the agreement it amends), the
day to audit it on and the law ruleset. Out: the findings (ftdsl.audit) as
text, most serious first, or as JSON. Exit 0 whenever the audit ran:
findings are what it is for, not errors; 2 for input it cannot read.
"""

from __future__ import annotations

import datetime
import json

import click

from ..colour import paint, style
from ..display import json_visible, visible
from ..errors import FtdslError
from ..wrapping import wrap_lines
from ._shared import colour_option, described, fail, pager_option, terminal

SEVERITY_STYLES = {"below the floor": "loss", "silent": "loss", "out of date": "neutral",
                   "above the floor": "gain", "for information": "neutral"}

# How the default law ruleset is named in the output: where it is installed differs from machine to machine.
SHIPPED_LAW = "rulesets/law/gb-time-off.ftr (shipped with ftdsl)"

EXAMPLES = (
    "ftdsl audit rulesets/westminster.ftr --as-of 2026-12-01",
    "ftdsl audit rulesets/recognition-and-facilities.ftr --format json",
)


def _as_of(ctx, param, value):
    from ..scenario import parse_date

    if value is None:
        return datetime.date.today()
    day = parse_date(value)
    if day is None:
        raise click.BadParameter(f"'{value}' is not a date: write it YYYY-MM-DD, for example 2026-12-01")
    return day


@click.command(**described("Audit an agreement against the statutory floor on a date.", EXAMPLES,
                           ("docs/audit.md", "docs/law.md")))
@click.argument("agreement", type=click.Path())
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", callback=_as_of,
              help="The day to audit on: the law and the agreement as they stand then.  [default: today]")
@click.option("--against", "law_path", type=click.Path(), default=None,
              help="The law ruleset to compare with.  [default: the statutory floor ftdsl ships, "
                   "rulesets/law/gb-time-off.ftr]")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="How to print the findings.")
@colour_option
@pager_option
def command(agreement, as_of, law_path, output_format):
    """Compare an agreement with the law in force on a day: where it gives less than the law, where it is
    silent and the law applies anyway, what it cites that is out of date, and where it gives more."""
    from ..api import load_ruleset
    from ..audit import audit
    from ..installation import law_ruleset

    shown_law = law_path or SHIPPED_LAW
    try:
        own = load_ruleset(agreement)
        law = load_ruleset(law_path or law_ruleset())
        result = audit(own, law, as_of)
    except FtdslError as error:
        fail(error)
    if output_format == "json":
        click.echo(json_visible(json.dumps(result.to_dict(), indent=2, ensure_ascii=False)))
        return
    from ..pager import show

    colour, width = terminal()
    show(render_text(agreement, shown_law, result, width=width, colour=colour))


def _says(label: str, quotes) -> list[tuple]:
    return [("    ", f'{label} says "{visible(quote)}"', "      ") for quote in quotes]


def render_text(agreement_path, law_path, result, width: int | None = None, colour: bool = False) -> str:
    """The findings as text a negotiator reads: a heading per severity, each finding with its clauses, both
    sides' words quoted, and what to check; then how the agreement was read in the law's terms.

    Every text from the rulesets is shown with its control characters made
    visible; with a `width`, each line is wrapped to it under its own
    indentation; with `colour`, the severities are coloured (red where the
    agreement gives less, green where it gives more).
    """
    from ..audit import SEVERITIES, cite

    lines = [("", f"ftdsl audit {visible(agreement_path)} against {visible(law_path)}, as of "
                  f"{result.as_of}", "  ")]
    counts = {s: sum(1 for f in result.findings if f.severity == s) for s in SEVERITIES}
    summary = "; ".join(f"{n} {s}" for s, n in counts.items() if n) or "no findings"
    lines.append(("", f"{len(result.findings)} finding{'s' if len(result.findings) != 1 else ''}: {summary}",
                  "  "))
    for severity in SEVERITIES:
        chosen = [f for f in result.findings if f.severity == severity]
        if not chosen:
            continue
        lines += ["", ("", style(severity[0].upper() + severity[1:], "heading"), "  ")]
        for finding in chosen:
            where = ", ".join(cite(c) for c in finding.agreement_clauses) or "the agreement as a whole"
            law = ", ".join(cite(s) for s in finding.law_sections) or "—"
            lines.append(("  ", style(f"{visible(where)} (law: {visible(law)})", SEVERITY_STYLES[severity]),
                          "    "))
            lines.append(("    ", visible(finding.text), "    "))
            lines += _says("the agreement", finding.agreement_says) + _says("the law", finding.law_says)
            if finding.check:
                lines.append(("    ", f"check: {visible(finding.check)}", "           "))
    read = [f"{visible(c)} as {visible(law) if law else 'none (not compared)'}" for c, law in result.categories]
    lines += ["", ("", style("How the agreement was read in the law's terms", "heading"), "  "),
              ("  ", "categories: " + "; ".join(read), "    "),
              ("  ", "roles: " + "; ".join(f"{visible(r)} as {', '.join(law)}" for r, law in result.roles), "    ")]
    return paint(wrap_lines(lines, width), colour) + "\n"
