"""The command line: parses arguments, calls the library, renders.

Each command lives in its own module under ftdsl/commands/ and defines
`command` (a click command); modules are imported only when their command
runs, so `ftdsl run` does not pay for `ftdsl diff`.

Exit codes: 0 the command did its job; 1 it ran and found something wrong
(errors in `check`, differences with `diff --exit-code`, failing tests);
2 it could not do its job (a file missing, a ruleset or scenario with
errors, a bad option); 3 an internal error (a bug: please report it).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import click

from . import __version__

EXIT_FOUND = 1
EXIT_ERROR = 2
EXIT_BUG = 3


def fail(error, code: int = EXIT_ERROR):
    """Print an FtdslError's diagnostics to standard error and exit."""
    click.echo(error.render(), err=True)
    sys.exit(code)


class _CommandFolder(click.Group):
    """A group whose commands are the modules of ftdsl.commands."""

    def list_commands(self, ctx):
        from . import commands

        return sorted(info.name.replace("_", "-") for info in pkgutil.iter_modules(commands.__path__)
                      if not info.name.startswith("_"))

    def get_command(self, ctx, name):
        if name not in self.list_commands(ctx):
            return None
        module = importlib.import_module(f".commands.{name.replace('-', '_')}", __package__)
        return module.command


@click.group(cls=_CommandFolder, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ftdsl")
def cli():
    """Write, run and compare trade-union facility-time agreements.

    A ruleset (.ftr) is the agreement as clauses; a scenario (.json) is the
    facts of a representative and the requests to decide.
    """


def main(argv=None):
    """Entry point: run the command line, turning any failure into a message and an exit code."""
    try:
        cli.main(args=argv, prog_name="ftdsl", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("ftdsl: interrupted", err=True)
        sys.exit(130)
    except Exception as error:  # noqa: BLE001 - whatever happens ends in a message, not a traceback
        # Imported here, not at the top: a successful run never needs the
        # error classes (nor attrs, which they use).
        from .errors import FtdslError

        if isinstance(error, FtdslError):  # a command that did not catch its own
            fail(error)
        if isinstance(error, RecursionError):
            click.echo("ftdsl: error: the input is nested too deeply to process", err=True)
            sys.exit(EXIT_ERROR)
        if isinstance(error, MemoryError):
            click.echo("ftdsl: error: the input is too large to process in memory", err=True)
            sys.exit(EXIT_ERROR)
        click.echo(f"ftdsl: internal error ({type(error).__name__}: {error}); please report it with the files "
                   "that caused it", err=True)
        sys.exit(EXIT_BUG)


if __name__ == "__main__":
    main()
