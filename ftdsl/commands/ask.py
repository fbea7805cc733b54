"""`ftdsl ask RULESET --category C --hours N --date D ...`: decide and explain one request typed on the command line.

The person's facts come from --fact, a roster (--roster) and the log of
their earlier requests (--history), whose rows are also the time already
taken, counted as `ftdsl run` counts them (asking.py). A fact the decision
needs that none of them gives is asked for at a terminal, with its type
and the names to choose from; elsewhere (or with --no-input) it is an
error naming the --fact to add.
"""

from __future__ import annotations

import json
import sys

import click

from ._shared import colour_option, described, fail, terminal
from ..errors import FtdslError

EXAMPLES = (
    "ftdsl ask rulesets/westminster.ftr --category duties --hours 3 \\\n"
    "    --date 2026-03-25 --fact roles=representative \\\n"
    "    --fact 'staff group=non-teaching' --fact 'employed by council=yes'",
    "ftdsl ask rulesets/westminster.ftr --rep 'G. Wright' --category duties \\\n"
    "    --hours 3 --date 2026-03-25 --notice-days 10 \\\n"
    "    --history rulesets/logs/westminster-2026.csv \\\n"
    "    --roster rulesets/logs/westminster-roster.csv",
)


def _names(ctx, what):
    """The names the ruleset already typed on the command line declares (for shell completion; none when it
    cannot be read)."""
    # Before an option that waits for its value, click's completion leaves the words it has not parsed in args.
    path = ctx.params.get("ruleset") or next((word for word in ctx.args if word.endswith(".ftr")), None)
    if not path:
        return []
    try:
        from ..cache import load_program

        vocabulary = load_program(path).vocabulary
    except Exception:  # noqa: BLE001 - a completion offers nothing rather than failing in the shell
        return []
    return sorted(vocabulary.categories) if what == "category" else list(vocabulary.state_fields)


def _complete_with(what):
    """Shell completion of the ruleset's categories or state fields. bash puts in what it is given as it is, so a
    name of several words is given to it quoted; zsh and fish quote it themselves."""
    def complete(ctx, param, incomplete):
        import os
        import shlex

        from click.shell_completion import CompletionItem

        quote = shlex.quote if os.environ.get("_FTDSL_COMPLETE") == "bash_complete" else str
        typed = incomplete.lstrip("'\"")
        return [CompletionItem(quote(name)) for name in _names(ctx, what) if name.startswith(typed)]
    return complete


def _facts(ctx, param, values):
    """--fact 'NAME=VALUE', each NAME once (whatever its case or spacing): [(name as typed, value text)]."""
    from ..names import name_key

    found, seen = [], {}
    for given in values:
        name, equals, value = given.partition("=")
        if not equals or not name.strip():
            raise click.BadParameter(f"'{given}' is not NAME=VALUE: write, for example, --fact 'staff group=teaching' "
                                     "(quoted when the name has spaces)")
        key = name_key(name)
        if key in seen:
            raise click.BadParameter(f"'{name.strip()}' is given twice ('{seen[key]}' and '{given}'): give each fact "
                                     "once")
        seen[key] = given
        found.append((name.strip(), value))
    return found


@click.command(**described("Decide and explain one request given on the command line.", EXAMPLES,
                           ("docs/asking.md",)))
@click.argument("ruleset", type=click.Path())
@click.option("--rep", "person", metavar="NAME",
              help="Who asks: the name as the log's 'rep' column and the roster's 'person' column write it "
                   "(needed with --history or --roster).")
@click.option("--category", required=True, shell_complete=_complete_with("category"),
              help="The category of time off, as the ruleset names it (duties, ...).")
@click.option("--hours", metavar="N", help="How much, in hours (7.5); or give --days or --half-days.")
@click.option("--days", metavar="N", help="How much, in working days.")
@click.option("--half-days", metavar="N", help="How much, in half days.")
@click.option("--date", "day", required=True, metavar="YYYY-MM-DD", help="The day of the time off.")
@click.option("--notice-days", metavar="N", help="Days between asking and the date.")
@click.option("--outside-working-hours", is_flag=True, help="The time is outside working hours.")
@click.option("--stated", metavar="FIELD", multiple=True, shell_complete=_complete_with("stated"),
              help="A field the request states, such as purpose or location (repeat for several).")
@click.option("--fact", "facts", metavar="'NAME=VALUE'", multiple=True, callback=_facts,
              help="A fact of the person or of the request (repeat for several): 'branch members=1750', "
                   "'roles=representative;branch secretary'. Wins over the roster and the log.")
@click.option("--history", "log", metavar="LOG", type=click.Path(),
              help="The log of requests (CSV or JSON Lines): the person's rows before the date are the time "
                   "already taken, decided as `ftdsl run` decides them; their columns give facts.")
@click.option("--input-format", type=click.Choice(["csv", "jsonl"]),
              help="Read LOG in this format (default: by its extension).")
@click.option("--roster", metavar="ROSTER", type=click.Path(),
              help="A CSV file with one row per person (person, union, roles, other facts): the person's row "
                   "gives facts, before the log's.")
@click.option("--no-input", is_flag=True,
              help="Never ask at the terminal: a fact nobody gave is an error naming the --fact to add.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="The request, its facts and the explanation to read, or the same as JSON.")
@click.option("--with", "variations", metavar="VARIATION", multiple=True, type=click.Path(),
              help="Amend RULESET by a variation file (repeat for several, in order).")
@colour_option
def command(ruleset, person, category, hours, days, half_days, day, notice_days, outside_working_hours, stated,
            facts, log, input_format, roster, no_input, output_format, variations):
    """Decide one request by RULESET and explain it: the rules that applied and did not, the arithmetic, the
    agreement's words, and the smallest change that would change the outcome.

    The person's facts come from --fact, the roster's row (--roster) and their rows of the log (--history), in
    that order; the time already taken is their rows of the log before the date, counted as `ftdsl run` counts
    them, so the answer is what `ftdsl run` would give the request added to the log. A fact the decision needs
    that nobody gave is asked for at a terminal.
    """
    amounts = [(unit, value) for unit, value in (("hours", hours), ("days", days), ("half days", half_days))
               if value is not None]
    if len(amounts) != 1:
        raise click.UsageError("give how much time with one of --hours, --days or --half-days"
                               if not amounts else "give only one of --hours, --days and --half-days")
    if (log or roster) and not person:
        raise click.UsageError(f"{'--history' if log else '--roster'} needs --rep NAME: whose rows to read, as the "
                               f"{'log' if log else 'roster'} writes the name")
    if person is not None and not person.strip():
        raise click.UsageError("--rep is empty: give the person's name")
    if input_format and not log:
        raise click.UsageError("--input-format says how to read the log of --history, and there is none")
    from .. import asking
    from ..api import load_ruleset
    from ..explain import explain

    try:
        loaded = load_ruleset(ruleset, variations)
        program = loaded.program
        given = {asking.fact_name(program, name, value): value for name, value in facts}
        fields = {"date": day, "category": category, "quantity": amounts[0], "notice days": notice_days,
                  "in working hours": not outside_working_hours, "stated": [f for s in stated for f in s.split(",")
                                                                            if f.strip()]}
        log_format = asking.log_format(log, input_format) if log else None
        question = asking.ask(program, fields, given, person, log, log_format, roster)
        answered = _complete(question, can_ask=not no_input and sys.stdin.isatty() and sys.stderr.isatty())
        tree = explain(loaded, question.scenario(), question.request["id"], "the request asked")
    except FtdslError as error:
        fail(error)
    if answered:
        from ..display import visible

        again = " ".join(f"--fact '{visible(name)}={visible(text)}'" for name, text in answered)
        click.echo(f"(to ask again without being asked: {again})", err=True)
    if output_format == "json":
        from ..display import json_visible

        click.echo(json_visible(json.dumps(asking.to_data(question, tree), indent=2, ensure_ascii=False)))
        return
    colour, width = terminal()
    click.echo(asking.to_text(question, tree, width=width, colour=colour), nl=False, color=True)


def _complete(question, can_ask: bool) -> list[tuple[str, str]]:
    """Ask at the terminal for each fact the decision needs that nobody gave, until it can be decided; the
    answers given, as typed. Without a terminal, the first such fact is an error naming the --fact to add."""
    from .. import asking

    answered = []
    while True:
        missing = asking.missing_fact(question)
        if missing is None:
            return answered
        if not can_ask:
            raise asking.not_given(question, missing)
        text = _prompt(question.program, missing)
        question.give(missing.name, asking.fact_value(question.program, missing.name, text), asking.ASKED)
        answered.append((missing.name, text))


def _prompt(program, missing) -> str:
    """Ask for one fact on standard error, again until the answer is one the ruleset takes; the answer typed."""
    from .. import asking
    from ..model import cited

    def check(text):
        try:
            asking.fact_value(program, missing.name, text)
        except asking.BadValue as bad:
            raise click.BadParameter(bad.message + (f" ({bad.hint})" if bad.hint else "")) from None
        return text.strip()

    reads = f"; {', '.join(map(cited, missing.clauses))} reads it" if missing.clauses else ""
    return click.prompt(f"{missing.name} ({asking.describe(program, missing.name)}{reads})", value_proc=check,
                        err=True)
