"""`ftdsl test [PATH...]`: run scenario files with expectations and report coverage (docs/testing.md)."""

from __future__ import annotations

import sys

import click

from ._shared import EXIT_ERROR, EXIT_FOUND
from ..errors import FtdslError


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--no-coverage", is_flag=True, help="Do not list the rules no test exercised.")
def command(paths, no_coverage):
    """Run the tests of each ruleset PATH (default: every ruleset under the current folder).

    The tests of DIR/NAME.ftr are the scenario files DIR/examples/NAME/*.json;
    a PATH may also be one such file, or a folder of rulesets. Exit 1 when a
    test fails, 2 when a ruleset or test file has errors.
    """
    from ..display import visible_lines
    from ..testing import discover, render, run_suite

    try:
        suites = discover(paths or ["."])
    except FtdslError as error:
        click.echo(error.render(), err=True)
        sys.exit(EXIT_ERROR)
    results = [run_suite(suite) for suite in suites]
    # Escape sequences in test names, ids and expected values are shown, not sent to the terminal.
    click.echo(visible_lines(render(results, show_coverage=not no_coverage)), nl=False)
    if any(r.errors for r in results):
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FOUND if any(r.failed for r in results) else 0)
