"""`ftdsl test [PATH...]`: run scenario files with expectations and report coverage (docs/testing.md)."""

from __future__ import annotations

import re
import sys

import click

from ._shared import EXIT_ERROR, EXIT_FOUND, colour_option, described, pager_option, render_error, terminal
from ..errors import FtdslError


EXAMPLES = (
    "ftdsl test rulesets/westminster.ftr",
    "ftdsl test -k teacher -v rulesets/westminster.ftr",
    "ftdsl test --format junit rulesets/ > results.xml",
    "ftdsl test rulesets/westminster.ftr \\\n"
    "    --against rulesets/variations/westminster-2026.ftr",
)


@click.command(**described("Run rulesets' example scenarios against their expectations.", EXAMPLES,
                           ("docs/testing.md",)))
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--no-coverage", is_flag=True, help="Do not list the rules no test exercised.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "junit"]), default="text",
              show_default=True, help="Text to read, JSON, or JUnit XML for CI systems.")
@click.option("-k", "pattern", metavar="PATTERN",
              help="Run only the tests whose file name holds PATTERN (in any case).")
@click.option("-v", "--verbose", is_flag=True, help="List every test with its result.")
@click.option("-q", "--quiet", is_flag=True, help="Only the tests that fail, and the count.")
@click.option("--against", metavar="OTHER.ftr", type=click.Path(),
              help="Decide the examples of each ruleset PATH by OTHER.ftr instead: do they still hold under it?")
@colour_option
@pager_option
def command(paths, no_coverage, output_format, pattern, verbose, quiet, against):
    """Run the tests of each ruleset PATH (default: every ruleset under the current folder that has an
    examples folder).

    The tests of DIR/NAME.ftr are the scenario files DIR/examples/NAME/*.json;
    a PATH may also be one such file, or a folder of rulesets. Exit 1 when a
    test fails, 2 when a ruleset or test file has errors or -k matches no
    test. On a terminal the results go through a pager (--no-pager for none).
    """
    from ..display import json_visible, visible_lines
    from ..pager import show
    from ..testing import NORMAL, QUIET, VERBOSE, discover, render, run_suite, select, to_data, to_junit
    from ..wrapping import wrap_text

    if verbose and quiet:
        raise click.UsageError("-v lists every test and -q only the failures: give one of them")
    try:
        suites = discover(paths or ["."])
        if pattern is not None:
            suites = select(suites, pattern)
    except FtdslError as error:
        click.echo(render_error(error), err=True, color=True)
        sys.exit(EXIT_ERROR)
    results = [run_suite(suite, against) for suite in suites]
    # -k runs some of the tests: what the others would exercise is not known, so there is no coverage.
    coverage = not no_coverage and pattern is None
    if output_format == "json":
        import json

        click.echo(json_visible(json.dumps(to_data(results, coverage), indent=2, ensure_ascii=False)))
    elif output_format == "junit":
        click.echo(to_junit(results), nl=False)
    else:
        colour, width = terminal()
        verbosity = VERBOSE if verbose else QUIET if quiet else NORMAL
        # Escape sequences in test names, ids and expected values are shown, not sent to the terminal.
        text = wrap_text(visible_lines(render(results, coverage, verbosity)), width)
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
