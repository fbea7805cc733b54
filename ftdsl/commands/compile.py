"""`ftdsl compile RULESET -o rules.py`: write a ruleset as a standalone Python module (standard library only)."""

from __future__ import annotations

import click

from ._shared import colour_option, described, fail


EXAMPLES = (
    "ftdsl compile rulesets/westminster.ftr -o westminster_rules.py",
)


@click.command(**described("Write a ruleset as a standalone Python module.", EXAMPLES,
                           ("docs/embedding.md",)))
@click.argument("ruleset", type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the module to this file (atomically); without it, print it.")
@colour_option
def command(ruleset, output):
    """Compile RULESET into one Python module exposing decide(scenario: dict) -> dict,
    with the same decisions as `ftdsl run --format json`, for systems that cannot install ftdsl."""
    from ..api import load_ruleset
    from ..errors import FtdslError
    from ..files import write_atomic
    from ..standalone import standalone_source

    try:
        loaded = load_ruleset(ruleset)
        text = standalone_source(loaded.model, ruleset, loaded.text)
        if output:
            write_atomic(output, text, protect=(ruleset,))
        else:
            click.echo(text, nl=False)
    except FtdslError as error:
        fail(error)
    if output:
        from ..display import visible

        click.echo(f"{visible(output)}: decide(scenario) for {visible(ruleset)}", err=True)
