"""`ftdsl check RULESET...`: parse and check rulesets, reporting every error."""

from __future__ import annotations

import sys

import click

from ..cli import EXIT_FOUND
from ..errors import FtdslError


@click.command()
@click.argument("rulesets", nargs=-1, required=True, type=click.Path())
def command(rulesets):
    """Parse and check each RULESET, reporting every error found."""
    from ..api import load_ruleset

    failed = False
    for path in rulesets:
        try:
            load_ruleset(path)
        except FtdslError as error:
            failed = True
            click.echo(error.render(), err=True)
        else:
            click.echo(f"{path}: ok")
    sys.exit(EXIT_FOUND if failed else 0)
