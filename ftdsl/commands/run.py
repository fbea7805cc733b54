"""`ftdsl run RULESET SCENARIO`: decide a scenario's requests and print the decisions."""

from __future__ import annotations

import click

from ..cli import fail
from ..errors import FtdslError


@click.command()
@click.argument("ruleset", type=click.Path())
@click.argument("scenario", type=click.Path(allow_dash=True))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="How to print the decisions.")
def command(ruleset, scenario, output_format):
    """Decide every request in SCENARIO (a JSON file, or - for standard input) by RULESET."""
    from ..api import load_ruleset, load_scenario
    from ..report import to_json, to_text

    try:
        loaded = load_ruleset(ruleset)
        data = load_scenario(scenario)
        report = loaded.decide(data, "<stdin>" if scenario == "-" else scenario)
    except FtdslError as error:
        fail(error)
    if output_format == "json":
        click.echo(to_json(report), nl=False)
    else:
        click.echo(to_text(report, ruleset, scenario), nl=False)
