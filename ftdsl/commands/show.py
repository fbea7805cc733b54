"""`ftdsl show RULESET`: print a ruleset, coloured when it goes to a terminal; with --allowances, what it
gives each role before any request (ftdsl.allowances), as a document wrapped to the terminal (through a
pager there, unless --no-pager) or as JSON."""

from __future__ import annotations

import sys

import click

from ..errors import FtdslError
from ._shared import colour_option, described, fail, pager_option


def highlight(text: str) -> str:
    """.ftr text with terminal colours (plain text if Pygments is missing)."""
    try:
        from pygments import highlight as pygments_highlight
        from pygments.formatters import TerminalFormatter
    except ImportError:  # colour is a nicety; showing the file is the job
        return text
    from ..lexer import FtrLexer

    coloured = pygments_highlight(text, FtrLexer(), TerminalFormatter())
    # Pygments ends its output with a newline; keep the file's own ending.
    return coloured if text.endswith("\n") else coloured.rstrip("\n")


EXAMPLES = (
    "ftdsl show rulesets/westminster.ftr",
    "ftdsl show --allowances rulesets/westminster.ftr",
)


@click.command(**described("Print a ruleset highlighted, or what it gives each role.", EXAMPLES,
                           ("docs/allowances.md", "docs/language.md")))
@click.argument("ruleset", type=click.Path(allow_dash=True))
@click.option("--formatted", is_flag=True, help="Show it in the canonical layout of `ftdsl fmt` (the file is not changed).")
@click.option("--allowances", is_flag=True,
              help="Show what the agreement gives each role, before any request: every allowance per week, month "
                   "and year, reasonable and discretionary time, limits and band tables, with their clauses.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="With --allowances: a document to read, or the same as JSON.")
@colour_option
@pager_option
def command(ruleset, formatted, allowances, output_format):
    """Print RULESET (a .ftr file, or - for standard input), highlighted; or, with --allowances, what it gives."""
    from ..source import read_text

    if allowances:
        if formatted:
            raise click.UsageError("--formatted shows the ruleset's text, and --allowances what it gives: leave out "
                                   "one of the two")
        return _show_allowances(ruleset, output_format)
    if output_format != "text":
        raise click.UsageError("--format json goes with --allowances; the ruleset itself is shown as text")
    try:
        text = read_text(ruleset, "ruleset")
        if formatted:
            from ..formatter import format_text

            text = format_text(text, "<stdin>" if ruleset == "-" else ruleset)
    except FtdslError as error:
        fail(error)
    # NO_COLOR (https://no-color.org) turns colour off unless asked for outright (--color always).
    from ..colour import wanted

    use_colour = wanted(sys.stdout)
    # The file's own escape sequences are shown, not obeyed (the colours are added after).
    from ..display import visible_lines

    text = visible_lines(text)
    click.echo(highlight(text) if use_colour else text, nl=False, color=use_colour)


def _show_allowances(ruleset: str, output_format: str):
    import json

    from ..allowances import allowances, to_data, to_text
    from ..api import load_ruleset, load_ruleset_text
    from ..display import json_visible
    from ..source import read_text

    name = "<stdin>" if ruleset == "-" else ruleset
    try:
        # A file is loaded as every command loads it (a variation with its agreement); standard input as text.
        loaded = load_ruleset_text(read_text(ruleset, "ruleset"), name) if ruleset == "-" else load_ruleset(ruleset)
        model = loaded.model
    except FtdslError as error:
        fail(error)
    found = allowances(model)
    if output_format == "json":
        click.echo(json_visible(json.dumps(to_data(found, name), indent=2, ensure_ascii=False)))
        return
    # The terminal's width (COLUMNS first); 80 when the output is not a terminal. A long document is paged.
    from ..pager import show
    from ..wrapping import terminal_width

    show(to_text(found, name, terminal_width()))
