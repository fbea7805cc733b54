"""What the commands share: exit codes, and how a command stops with an error.

In: an FtdslError. Out: its diagnostics on standard error and the exit.
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


def fail(error, code: int = EXIT_ERROR):
    """Print an FtdslError's diagnostics to standard error and exit."""
    click.echo(error.render(), err=True)
    sys.exit(code)
