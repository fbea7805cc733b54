"""`ftdsl schema RULESET`: print the JSON Schema of the scenarios RULESET accepts."""

from __future__ import annotations

import json

import click

from ._shared import colour_option, described, fail
from ..errors import FtdslError


EXAMPLES = (
    "ftdsl schema rulesets/westminster.ftr > westminster.schema.json",
)


@click.command(**described("Print the JSON Schema of a ruleset's scenarios.", EXAMPLES,
                           ("docs/scenarios.md",)))
@click.argument("ruleset", type=click.Path())
@colour_option
def command(ruleset):
    """Print the JSON Schema (draft 2020-12) of the scenarios RULESET accepts, for editors to check and complete."""
    from ..api import load_ruleset
    from ..display import json_visible
    from ..schema import scenario_schema

    try:
        loaded = load_ruleset(ruleset)
    except FtdslError as error:
        fail(error)
    click.echo(json_visible(json.dumps(scenario_schema(loaded.program), indent=2, ensure_ascii=False)))
