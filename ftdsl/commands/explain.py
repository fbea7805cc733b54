"""`ftdsl explain RULESET SCENARIO [--request ID]`: the reasoning behind each decision, as a tree or JSON."""

from __future__ import annotations

import json

import click

from ._shared import colour_option, described, fail, terminal
from ..errors import FtdslError


EXAMPLES = (
    "ftdsl explain rulesets/westminster.ftr \\\n"
    "    rulesets/examples/westminster/duties-over-allowance.json",
)


@click.command(**described("Show why each request is decided as it is, as a tree.", EXAMPLES,
                           ("docs/scenarios.md",)))
@click.argument("ruleset", type=click.Path())
@click.argument("scenario", type=click.Path(allow_dash=True))
@click.option("--request", "request_id", metavar="ID", help="Explain only the request with this id.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="A tree to read, or the same tree as JSON.")
@click.option("--with", "variations", metavar="VARIATION", multiple=True, type=click.Path(),
              help="Amend RULESET by a variation file (repeat for several, in order): the old text decides "
                   "before the variation's date, the new text from it.")
@colour_option
def command(ruleset, scenario, request_id, output_format, variations):
    """Explain how RULESET decides each request in SCENARIO: the rules that applied and did not, the
    arithmetic, the agreement's words, and the smallest change that would change the outcome."""
    from ..api import load_ruleset
    from ..scenario_file import read_scenario_and_text
    from ..display import json_visible, visible_data
    from ..explain import explain, to_text

    try:
        loaded = load_ruleset(ruleset, variations)
        data, text = read_scenario_and_text(scenario)
        tree = explain(loaded, data, request_id, "<stdin>" if scenario == "-" else scenario, text)
    except FtdslError as error:
        fail(error)
    if output_format == "json":
        click.echo(json_visible(json.dumps(tree, indent=2, ensure_ascii=False)))
    else:  # every text in the tree with its control characters made visible, before it is drawn and coloured
        colour, width = terminal()
        click.echo(to_text(visible_data(tree), width=width, colour=colour), nl=False, color=True)
