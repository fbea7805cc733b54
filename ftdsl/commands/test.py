"""`ftdsl test [PATH...]`: run scenario files with expectations and report coverage (docs/testing.md)."""

from __future__ import annotations

import re
import sys

import click

from ._shared import EXIT_ERROR, EXIT_FOUND, colour_option, described, pager_option, render_error, terminal
from ..errors import FtdslError


EXAMPLES = (
    "ftdsl test rulesets/westminster.ftr",
)


@click.command(**described("Run rulesets' example scenarios against their expectations.", EXAMPLES,
                           ("docs/testing.md",)))
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--no-coverage", is_flag=True, help="Do not list the rules no test exercised.")
@colour_option
@pager_option
def command(paths, no_coverage):
    """Run the tests of each ruleset PATH (default: every ruleset under the current folder).

    The tests of DIR/NAME.ftr are the scenario files DIR/examples/NAME/*.json;
    a PATH may also be one such file, or a folder of rulesets. Exit 1 when a
    test fails, 2 when a ruleset or test file has errors. On a terminal the
    results go through a pager (--no-pager for none).
    """
    from ..display import visible_lines
    from ..pager import show
    from ..testing import discover, render, run_suite
    from ..wrapping import wrap_text

    try:
        suites = discover(paths or ["."])
    except FtdslError as error:
        click.echo(render_error(error), err=True, color=True)
        sys.exit(EXIT_ERROR)
    results = [run_suite(suite) for suite in suites]
    colour, width = terminal()
    # Escape sequences in test names, ids and expected values are shown, not sent to the terminal.
    text = wrap_text(visible_lines(render(results, show_coverage=not no_coverage)), width)
    show(_coloured(text) if colour else text)
    if any(r.errors for r in results):
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FOUND if any(r.failed for r in results) else 0)


_LABEL = re.compile(r"^  (ok|FAIL|ERROR) ", re.MULTILINE)
_LABEL_STYLES = {"ok": "ok", "FAIL": "error", "ERROR": "error"}


def _coloured(text: str) -> str:
    """The results with each test's label (ok, FAIL, ERROR) coloured."""
    from ..colour import paint, style

    return paint(_LABEL.sub(lambda found: f"  {style(found.group(1), _LABEL_STYLES[found.group(1)])} ", text), True)
