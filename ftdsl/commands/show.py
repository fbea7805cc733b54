"""`ftdsl show RULESET`: print a ruleset, coloured when it goes to a terminal."""

from __future__ import annotations

import os
import sys

import click

from ._shared import fail
from ..errors import FtdslError


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


@click.command()
@click.argument("ruleset", type=click.Path(allow_dash=True))
@click.option("--color", "--colour", "color", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="Colour the text: when printing to a terminal (auto), always, or never.")
@click.option("--formatted", is_flag=True, help="Show it in the canonical layout of `ftdsl fmt` (the file is not changed).")
def command(ruleset, color, formatted):
    """Print RULESET (a .ftr file, or - for standard input), highlighted."""
    from ..source import read_text

    try:
        text = read_text(ruleset, "ruleset")
        if formatted:
            from ..printer import format_text

            text = format_text(text, "<stdin>" if ruleset == "-" else ruleset)
    except FtdslError as error:
        fail(error)
    # NO_COLOR (https://no-color.org) turns colour off unless asked for outright.
    use_colour = color == "always" or (color == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
    # The file's own escape sequences are shown, not obeyed (the colours are added after).
    from ..display import visible_lines

    text = visible_lines(text)
    click.echo(highlight(text) if use_colour else text, nl=False, color=use_colour)
