"""`ftdsl explain RULESET SCENARIO [--request ID]`: the reasoning behind each decision, as a tree or JSON.

`ftdsl explain RULESET LOG --request ID` explains one row of a log (CSV or
JSON Lines, by its extension or --input-format) in its history: with the
row's own facts and the time its representative had already taken, as
`ftdsl run RULESET LOG` decides it (asking.log_row).
"""

from __future__ import annotations

import json
import os

import click

from ._shared import colour_option, described, fail, terminal
from ..errors import FtdslError

EXAMPLES = (
    "ftdsl explain rulesets/westminster.ftr \\\n"
    "    rulesets/examples/westminster/duties-over-allowance.json",
    "ftdsl explain rulesets/westminster.ftr rulesets/logs/westminster-2026.csv \\\n"
    "    --request r7",
)


@click.command(**described("Show why each request is decided as it is, as a tree.", EXAMPLES,
                           ("docs/scenarios.md", "docs/asking.md")))
@click.argument("ruleset", type=click.Path())
@click.argument("scenario", metavar="SCENARIO|LOG", type=click.Path(allow_dash=True))
@click.option("--request", "request_id", metavar="ID",
              help="Explain only the request with this id (for a log, which row: its id, else its line).")
@click.option("--input-format", type=click.Choice(["csv", "jsonl"]),
              help="Read SCENARIO|LOG as a log in this format (default: by its extension; .json is a scenario).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="A tree to read, or the same tree as JSON.")
@click.option("--with", "variations", metavar="VARIATION", multiple=True, type=click.Path(),
              help="Amend RULESET by a variation file (repeat for several, in order): the old text decides "
                   "before the variation's date, the new text from it.")
@colour_option
def command(ruleset, scenario, request_id, input_format, output_format, variations):
    """Explain how RULESET decides each request in SCENARIO: the rules that applied and did not, the
    arithmetic, the agreement's words, and the smallest change that would change the outcome.

    Given a LOG (CSV or JSON Lines) and --request ID, explain that row as `ftdsl run` decides it: with its own
    facts and the time its representative had already taken.
    """
    from ..asking import LOG_FORMATS

    log_format = input_format or LOG_FORMATS.get(os.path.splitext(scenario)[1].lower())
    if log_format is not None:
        if request_id is None:
            raise click.UsageError("a log holds many requests: explain one of them with --request ID (its id, "
                                   "or its line where the id is empty); 'ftdsl run RULESET LOG' decides every row")
        return _explain_row(ruleset, scenario, request_id, log_format, output_format, variations)
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


def _explain_row(ruleset, log, request_id, log_format, output_format, variations):
    import shutil
    import tempfile

    from .. import asking
    from ..api import load_ruleset
    from ..explain import explain

    name = "<stdin>" if log == "-" else log
    try:
        loaded = load_ruleset(ruleset, variations)
        with tempfile.TemporaryDirectory(prefix="ftdsl-explain-") as folder:
            path = log
            if log == "-":  # read twice (the row, then its representative's rows): kept as a file
                from ..source import stdin_binary

                path = os.path.join(folder, "stdin")
                with open(path, "wb") as handle:
                    shutil.copyfileobj(stdin_binary(), handle)
            question, row = asking.log_row(loaded.program, path, log_format, name, request_id)
        tree = explain(loaded, question.scenario(), row.id, f"{name} line {row.line}")
    except FtdslError as error:
        fail(error)
    explained = tree["requests"][0]["outcome"]
    if explained != row.outcome:  # one procedure decides both: a difference is a bug, never an answer
        raise AssertionError(f"the row on line {row.line} is explained as {explained} but run decides it "
                             f"{row.outcome}")
    if output_format == "json":
        from ..display import json_visible

        click.echo(json_visible(json.dumps(asking.to_data(question, tree, row), indent=2, ensure_ascii=False)))
        return
    colour, width = terminal()
    click.echo(asking.to_text(question, tree, row, width=width, colour=colour), nl=False, color=True)
