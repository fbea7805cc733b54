"""`ftdsl history AGREEMENT VARIATION...`: each clause's versions, with the dates each holds between."""

from __future__ import annotations

import json

import click

from ._shared import colour_option, described, fail, terminal
from ..errors import FtdslError


EXAMPLES = (
    "ftdsl history rulesets/westminster.ftr \\\n"
    "    rulesets/variations/westminster-2026.ftr",
)


@click.command(**described("List each clause's versions under its variations.", EXAMPLES,
                           ("docs/language.md",)))
@click.argument("agreement", type=click.Path())
@click.argument("variations", nargs=-1, type=click.Path())
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="A list to read, or the same as JSON.")
@click.option("--all", "show_all", is_flag=True, help="List every clause, not only those with dated versions.")
@colour_option
def command(agreement, variations, output_format, show_all):
    """List each clause of AGREEMENT as its VARIATIONs amend it: every version of the clause, with the dates
    it holds between and the file and line it comes from."""
    from ..api import load_ruleset
    from ..display import json_visible, visible
    from ..model import date_words
    from ..variation import versions
    from ..wrapping import wrap_lines

    try:
        loaded = load_ruleset(agreement, tuple(variations))
    except FtdslError as error:
        fail(error)
    clauses = [(clause, found) for clause, found in versions(loaded.ast)
               if show_all or any(v["from"] or v["until"] for v in found)]
    if output_format == "json":
        data = [{"clause": clause, "versions": found} for clause, found in clauses]
        click.echo(json_visible(json.dumps(data, indent=2, ensure_ascii=False)))
        return
    colour, width = terminal()
    lines = []
    for clause, found in clauses:
        lines.append(("", visible(clause), ""))
        for version in found:
            start, end = version["from"], version["until"]
            when = (f"from {date_words(start)}" if start else "") + (" " if start and end else "") + (
                f"until {date_words(end)}" if end else "")
            where = f"{version['file']}:{version['line']}" if version["line"] else version["file"]
            lines.append(("  ", f"{when or 'always'}: {visible(version['rule'])} ({visible(where)})", "    "))
    if not clauses:
        lines.append(("", "no clause has dated versions (--all lists every clause)", ""))
    click.echo(wrap_lines(lines, width), color=colour)
