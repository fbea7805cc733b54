"""`ftdsl report RULESET LOG --roster ROSTER`: each representative's usage, and with --year the year-end figures.

The log is decided as `ftdsl run` decides it (commands/run.py's run_log,
the same reading, roster and column names), with a usage.Tally counting
each row instead of writing its decision; reporting.py lays the report
out, yearend.py works out the year's figures (docs/reporting.md).
"""

from __future__ import annotations

import sys
from fractions import Fraction

import click

from ._shared import EXIT_FOUND, colour_option, described, fail, pager_option
from .run import LogInputs, log_format_of, log_input_options, run_log

EXAMPLES = (
    "ftdsl report rulesets/westminster.ftr \\\n"
    "    rulesets/examples/year/requests-2025-26.csv \\\n"
    "    --roster rulesets/examples/year/roster.csv",
    "ftdsl report rulesets/westminster.ftr \\\n"
    "    rulesets/examples/year/requests-2025-26.csv \\\n"
    "    --roster rulesets/examples/year/roster.csv \\\n"
    "    --year 2025/26 --pay-bill 14084063.60",
)


@click.command(**described("Each representative's usage of a log, and the year-end figures.", EXAMPLES,
                           ("docs/reporting.md", "docs/logs.md")))
@click.argument("ruleset", type=click.Path())
@click.argument("log", type=click.Path(allow_dash=True))
@log_input_options
@click.option("--input-format", type=click.Choice(["csv", "jsonl"]),
              help="Read LOG in this format (default: by its content and extension).")
@click.option("--format", "output_format", type=click.Choice(["text", "csv", "json"]), default="text",
              show_default=True, help="A document to read, a CSV table per person and category, or JSON.")
@click.option("--near", type=float, default=0.8, show_default=True,
              help="List the people who have used at least this share of an allowance.")
@click.option("--assume-granted", is_flag=True,
              help="Where the log has no 'granted hours', count discretionary hours as taken too.")
@click.option("--year", "year", metavar="YYYY/YY", help="The relevant period, 1 April to 31 March: '2025/26'.")
@click.option("--pay-bill", metavar="POUNDS", help="The total pay bill of the relevant period, in pounds.")
@click.option("--no-cache", is_flag=True, help="Compile the ruleset afresh instead of using the compiled-ruleset cache.")
@colour_option
@pager_option
def command(ruleset, log, roster, columns, ignore_columns, input_format, output_format, near, assume_granted, year,
            pay_bill, no_cache):
    """Report on every representative of LOG (CSV, JSON Lines or a workbook) decided by RULESET."""
    from ..yearend import relevant_period

    period = bill = None
    if year is not None:
        period = relevant_period(year)
        if period is None:
            raise click.UsageError(f"--year '{year}' is not a relevant period: write the years it spans, '2025/26' "
                                   "(1 April 2025 to 31 March 2026)")
        if pay_bill is None or roster is None:
            raise click.UsageError("--year works out the year-end figures, which need --pay-bill (the period's pay "
                                   "bill in pounds) and --roster (each person's contracted hours and hourly cost)")
        bill = _pounds(pay_bill)
    elif pay_bill is not None:
        raise click.UsageError("--pay-bill goes with --year, the relevant period it is the pay bill of")
    if not 0 < near <= 1:
        raise click.UsageError(f"--near {near:g} is a share of an allowance: a number above 0 and at most 1 (0.8 for "
                               "80%)")
    log_format = log_format_of(log, input_format) or "csv"
    try:
        from ..cache import load_program
        from ..usage import Tally

        program = load_program(ruleset, use_cache=not no_cache)
        inputs = LogInputs(program, log, log_format, roster, columns, ignore_columns)
        tally = Tally(program, period, assume_granted)
        batch = run_log(program, ruleset, inputs, None, None, strict=False, tally=tally)
        tally.finish()
        found = _found_problems(inputs.name, tally)
        text = _report(program, batch, tally, inputs, period, bill, Fraction(near).limit_denominator(1000),
                       output_format, log)
    except Exception as error:  # noqa: BLE001 - only FtdslError is handled; the rest goes on to cli.main
        from ..errors import FtdslError

        if isinstance(error, FtdslError):
            fail(error)
        raise
    if output_format == "text":
        from ..pager import show

        show(text)
    else:
        click.echo(text, nl=False)
    if batch.error_count or found:
        sys.exit(EXIT_FOUND)


def _pounds(text):
    from ..scenario import number_from_text

    number = number_from_text(text.replace(",", "").removeprefix("£"))
    if number is None or number <= 0:
        raise click.UsageError(f"--pay-bill '{text}' is not an amount of pounds above 0: write it as 14084063.60")
    return Fraction(number)


def _found_problems(name, tally):
    """Report the rows whose granted hours or paid cell could not be read (E315); how many there were."""
    from ..errors import Diagnostic, Span
    from .run import _render

    for line, message, hint in tally.problems[:20]:
        click.echo(_render(Diagnostic("E315", message, Span(name, line, 1), hint=hint)), err=True, color=True)
    if len(tally.problems) > 20:
        click.echo(f"{name}: {len(tally.problems) - 20} more rows whose granted hours or paid cannot be read",
                   err=True)
    return len(tally.problems)


def _report(program, batch, tally, inputs, period, bill, near, output_format, log):
    from .. import reporting

    year = None
    if period is not None:
        from ..errors import Diagnostic, FtdslError, Span
        from ..yearend import figures

        week = program.model.working_week
        if week is None:
            raise FtdslError(Diagnostic("E316", "the year's figures need the full-time week, which this agreement "
                                        "does not define", hint="add 'a working week is 37 hours' (its full-time "
                                        "hours) to the ruleset"))
        year, problems = figures(tally, inputs.roster, period, bill, week, set(program.model.activities))
        if problems:
            raise FtdslError([Diagnostic("E316", message, Span(inputs.roster_path, line, 1),
                                         hint="add the person's contracted hours per week and hourly cost (gross "
                                              "wages, employer pension and National Insurance, per hour)")
                              for _, line, message in problems])
    data = reporting.report_data(batch, tally, inputs.roster, near, year, period)
    if output_format == "json":
        return reporting.to_json(data)
    if output_format == "csv":
        return reporting.to_csv(data)
    from ..colour import wanted
    from ..wrapping import terminal_width

    return reporting.to_text(data, year.working() if year is not None else None, terminal_width(),
                             wanted(sys.stdout), inputs.name)
