"""What the commands share: exit codes, how a command stops with an error, and the terminal's options.

In: an FtdslError. Out: its diagnostics on standard error and the exit.
`described` writes a command's help: its summary, examples and docs pages.
`colour_option` (--color/--colour, on every command) and `pager_option`
(--no-pager, on the commands whose output can be long) set what
colour.py and pager.py read; `terminal()` is the colour and width for
standard output.
Here rather than in cli.py, so that cli.py imports the commands and no
command imports cli.py.
"""

from __future__ import annotations

import sys

import click

EXIT_FOUND = 1
EXIT_ERROR = 2
EXIT_BUG = 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a program stopped by Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what git exits with when the reader of its output has gone


def described(summary: str, examples: tuple[str, ...], docs: tuple[str, ...]) -> dict:
    """click.command's keyword arguments for a command's help: the one-line `summary` that `ftdsl --help`
    lists (whole, never cut: it is written to fit), and an epilog with `examples` (each a command line, runnable
    from the top of the ftdsl sources; a line ending in a backslash goes on) and the `docs` pages that
    describe the command. tests/test_cli_help.py runs every example."""
    lines = ["\b", "Examples:" if len(examples) > 1 else "Example:"]
    for example in examples:
        lines.extend("  " + line for line in example.splitlines())
    # \b keeps click from rewrapping a paragraph: the examples are command lines to copy as they are.
    epilog = "\n".join(lines) + "\n\n\b\nDocs: " + ", ".join(docs) + " (in the ftdsl sources)"
    return {"short_help": summary, "epilog": epilog}


def fail(error, code: int = EXIT_ERROR):
    """Print an FtdslError's diagnostics to standard error (coloured on a terminal) and exit."""
    click.echo(render_error(error), err=True, color=True)
    sys.exit(code)


def _set_colour(ctx, param, value):
    from .. import colour

    colour.set_mode(value or "auto")
    return value


def _set_pager(ctx, param, value):
    from .. import pager

    pager.set_enabled(not value)
    return value


def colour_option(function):
    """`--color auto|always|never` (and `--colour`), which every command takes: colour on a terminal
    (auto, unless NO_COLOR is set), always, or never. Read before the other options, so that an error
    in them is coloured as asked."""
    return click.option("--color", "--colour", type=click.Choice(["auto", "always", "never"]), default="auto",
                        show_default=True, is_eager=True, expose_value=False, callback=_set_colour,
                        help="Colour the output: on a terminal (auto, unless NO_COLOR is set), always, or never.")(
        function)


def pager_option(function):
    """`--no-pager`, on the commands whose output can be long: print instead of paging on a terminal."""
    return click.option("--no-pager", is_flag=True, expose_value=False, callback=_set_pager,
                        help="Print straight to the terminal, without a pager (FTDSL_PAGER, PAGER, else less -FRX).")(
        function)


def terminal(stream=None):
    """(whether to colour, the width to wrap at) for text written to `stream` (standard output)."""
    from ..colour import wanted
    from ..wrapping import terminal_width

    stream = sys.stdout if stream is None else stream
    return wanted(stream), terminal_width(stream)


def render_error(error) -> str:
    """An FtdslError's diagnostics as text for standard error, coloured when that is a terminal."""
    from ..colour import wanted

    return error.render(colour=wanted(sys.stderr))
