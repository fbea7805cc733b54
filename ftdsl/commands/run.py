"""`ftdsl run RULESET SCENARIO|LOG`: decide a scenario's requests, or every row of a log, and write the decisions.

A SCENARIO is one JSON file (docs/scenarios.md); a LOG is a CSV or JSON
Lines file of requests, one per row (batch.py), recognised by its
extension (.csv, .jsonl, .ndjson) or by --input-format.

The ruleset comes from the compiled-ruleset cache when it can (cache.py),
so a repeated run never imports the parser; everything that only an
error needs is imported when the error happens.
"""

from __future__ import annotations

import os
import sys

import click

from ._shared import EXIT_FOUND, colour_option, described, fail

# A log is recognised by its extension (a scenario is .json, or anything else).
_LOG_FORMATS = _OUTPUT_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}

# A log run's own folder in the system's temporary folder: standard input's copy, and decisions for standard output.
_RUN_FOLDER = "ftdsl-run-"


EXAMPLES = (
    "ftdsl run rulesets/westminster.ftr \\\n"
    "    rulesets/examples/westminster/duties-over-allowance.json",
    "ftdsl run rulesets/westminster.ftr rulesets/logs/westminster-2026.csv \\\n"
    "    --summary",
)


def log_input_options(function):
    """The options that read a log as HR has it: --roster, --columns, --ignore-columns."""
    function = click.option("--ignore-columns", metavar="'A,B'",
                            help="Pass over these columns of the log and the roster (by their names, with commas).")(function)
    function = click.option("--columns", metavar="'GIVEN=MEANT,...'",
                            help="Read a column of the log or the roster as another: 'Type=category,Notice (days)="
                                 "notice days'.")(function)
    return click.option("--roster", type=click.Path(dir_okay=False),
                        help="Join each row to its person's facts in this roster (CSV or a workbook; docs/logs.md)."
                        )(function)


@click.command(**described("Decide a scenario's requests, or every row of a log.", EXAMPLES,
                           ("docs/scenarios.md", "docs/logs.md")))
@click.argument("ruleset", type=click.Path())
@click.argument("scenario", metavar="SCENARIO|LOG", type=click.Path(allow_dash=True))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default=None,
              help="How to print a scenario's decisions (default: text).")
@click.option("--input-format", type=click.Choice(["csv", "jsonl"]),
              help="Read SCENARIO|LOG as a log in this format (default: by its extension; .json is a scenario).")
@click.option("--output-format", "log_output_format", type=click.Choice(["csv", "jsonl"]),
              help="How to write a log's decisions (default: by the -o extension, else csv).")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False),
              help="Write the decisions to this file (atomically; never over an input).")
@click.option("--summary", is_flag=True,
              help="For a log: print totals per category and outcome (to standard output with -o, else standard error).")
@click.option("--strict", is_flag=True, help="For a log: stop at the first row with an error.")
@click.option("--no-cache", is_flag=True, help="Compile the ruleset afresh instead of using the compiled-ruleset cache.")
@click.option("--with", "variations", metavar="VARIATION", multiple=True, type=click.Path(),
              help="Amend RULESET by a variation file (repeat for several, in order): the old text decides "
                   "before the variation's date, the new text from it.")
@log_input_options
@colour_option
def command(ruleset, scenario, output_format, input_format, log_output_format, output, summary, strict, no_cache,
            variations, roster, columns, ignore_columns):
    """Decide every request in SCENARIO (a JSON file, or - for standard input) by RULESET,
    or every row of LOG (CSV, JSON Lines or an Excel workbook)."""
    log_format = log_format_of(scenario, input_format)
    _refuse_options_that_do_not_apply(log_format, output_format, log_output_format, output, summary, strict)
    if log_format is None and (roster or columns or ignore_columns):
        raise click.UsageError("--roster, --columns and --ignore-columns are for logs (CSV, JSON Lines or a "
                               "workbook), and SCENARIO|LOG is read as one scenario")
    try:
        from ..cache import load_program

        program = load_program(ruleset, use_cache=not no_cache, variations=variations)
        if log_format is None:
            _run_scenario(program, ruleset, scenario, output_format, output)
        else:
            inputs = LogInputs(program, scenario, log_format, roster, columns, ignore_columns)
            batch = run_log(program, ruleset, inputs, log_output_format, output, strict)
            if summary:
                from ..display import visible_lines
                from ..summary import summary_text

                click.echo(visible_lines(summary_text(batch.summary(), batch.error_count)), nl=False,
                           err=output is None)
            if batch.error_count:
                sys.exit(EXIT_FOUND)
    except Exception as error:  # noqa: BLE001 - only FtdslError is handled; the rest goes on to cli.main
        from ..errors import FtdslError

        if isinstance(error, FtdslError):
            fail(error)
        raise


def log_format_of(path, input_format=None):
    """How to read SCENARIO|LOG: 'csv', 'jsonl' or 'xlsx' (an Excel workbook, known by its content whatever its
    name), or None for a scenario."""
    from ..workbook import is_workbook

    if path != "-" and os.path.isfile(path) and is_workbook(path):
        return "xlsx"
    return input_format or _LOG_FORMATS.get(os.path.splitext(path)[1].lower())


class LogInputs:
    """A log as HR has it: its path and format, the roster joined to it (roster.Roster, or None) and how its
    columns are named (logs.ColumnNames: --columns, --ignore-columns, and the columns files beside the log
    and the roster)."""

    def __init__(self, program, log, log_format, roster=None, columns=None, ignore_columns=None):
        from ..logs import ColumnNames, LogError

        self.log = log
        self.name = "<stdin>" if log == "-" else log
        self.log_format = log_format
        try:
            given = ColumnNames.parse(columns or "", ignore_columns or "")
        except LogError as error:
            raise click.UsageError(error.message + (f" ({error.hint})" if error.hint else "")) from None
        self.mapping = _with_file(given, log)
        self.roster_path = roster
        self.roster = None
        if roster is not None:
            from ..roster import read_roster

            roster_mapping = _with_file(given, roster)
            self.roster = read_roster(roster, program, roster_mapping)
            self.roster_mapping = roster_mapping

    def unused_mapping(self):
        """The columns --columns or --ignore-columns name that neither the log nor the roster has."""
        unused = set(self.mapping.unused())
        if self.roster is not None:
            unused &= set(self.roster_mapping.unused())
        return sorted(unused)


def _with_file(given, path):
    from ..logs import ColumnNames, LogError

    if path == "-":
        return given
    try:
        return given.merged(ColumnNames.beside(path))
    except LogError as error:
        from ..errors import Diagnostic, FtdslError, Span

        raise FtdslError(Diagnostic(error.code, error.message, Span(path + ".columns", 1, 1), hint=error.hint)) \
            from None


def _is_pipe(path):
    """Whether `path` names a pipe (a FIFO, or /dev/fd/N from a shell's process substitution), which can be
    read only once: a log's sorting fallback reads it again."""
    import stat

    try:
        return stat.S_ISFIFO(os.stat(path).st_mode)
    except OSError:
        return False


def _refuse_options_that_do_not_apply(log_format, output_format, log_output_format, output, summary, strict):
    """A usage error for an option that would be silently ignored: a log's options on a scenario, a
    scenario's --format on a log, or an -o name that says another kind of file than ftdsl would write."""
    if log_format is None:
        given = [name for name, value in (("--summary", summary), ("--strict", strict),
                                          ("--output-format", log_output_format)) if value]
        if given:
            raise click.UsageError(f"{' and '.join(given)} {'is' if len(given) == 1 else 'are'} for logs (CSV or JSON "
                                   "Lines), and SCENARIO|LOG is read as one scenario; for a log, name it .csv or "
                                   ".jsonl or give --input-format")
        return
    if output_format is not None:
        raise click.UsageError("--format is for a scenario's decisions; a log's decisions are written as CSV or "
                               "JSON Lines (--output-format csv|jsonl)")
    extension = os.path.splitext(output or "")[1].lower()
    if log_output_format is None and extension not in ("", ".txt", *_OUTPUT_FORMATS):
        raise click.UsageError(f"a log's decisions are written as CSV or JSON Lines, not as '{extension}': name the "
                               "file .csv or .jsonl, or say which with --output-format")


def _run_scenario(program, ruleset, scenario, output_format, output):
    from ..report import to_json, to_text

    from ..scenario_file import read_scenario_and_text

    data, text = read_scenario_and_text(scenario)
    name = "<stdin>" if scenario == "-" else scenario
    try:
        report = program.decide(data)
    except Exception as error:  # noqa: BLE001 - ScenarioError is converted by api.decide; others re-raised
        from ..runtime import ScenarioError

        if not isinstance(error, ScenarioError):
            raise
        from ..api import decide

        report = decide(program, data, name, text)  # raises the FtdslError with every problem, each at its line
    if output_format == "json":
        text = to_json(report)
    elif output:  # a file: as standard output would be when it is not a terminal
        from ..wrapping import DEFAULT_WIDTH

        text = to_text(report, ruleset, scenario, width=DEFAULT_WIDTH)
    else:
        from ._shared import terminal

        colour, width = terminal()
        text = to_text(report, ruleset, scenario, width=width, colour=colour)
    if output:
        from ..files import write_atomic

        write_atomic(output, text, protect=(ruleset, scenario))
    else:
        click.echo(text, nl=False, color=True)


def run_log(program, ruleset, inputs, output_format, output, strict, tally=None):
    """Decide every row of the log (a LogInputs) and write the decisions to `output` (standard output when None;
    nowhere with a `tally`, which counts them instead, see usage.py); the Batch, for its totals and errors.
    FtdslError for a log that cannot be read."""
    import shutil
    import tempfile

    from ..batch import Batch, LogError, RowError
    from ..display import visible

    log = inputs.log
    if output_format is None:
        output_format = _OUTPUT_FORMATS.get(os.path.splitext(output or "")[1].lower(), "csv")
    name = inputs.name
    shown = []

    def on_error(line, message, hint, code):
        # The first errors are shown in full; the rest are counted, so a
        # log with a systematic mistake does not bury the summary.
        if len(shown) < 20:
            from ..errors import Diagnostic, Span

            shown.append(line)
            click.echo(_render(Diagnostic(code, message, Span(name, line, 1), hint=hint)), err=True, color=True)

    progress = _Progress() if sys.stderr.isatty() else None
    protect = (ruleset, log) if inputs.roster_path is None else (ruleset, log, inputs.roster_path)
    from ..files import hold, output_target, remove_abandoned_folders

    if output:  # refused before a long log is read (and checked again when the file is made)
        output_target(output, protect)
    remove_abandoned_folders(_RUN_FOLDER)  # what runs killed outright (SIGKILL) left: old, the user's, unlocked
    with tempfile.TemporaryDirectory(prefix=_RUN_FOLDER) as folder, hold(folder):
        path = log
        if log == "-":
            path = os.path.join(folder, "stdin")
            from ..source import stdin_binary

            with open(path, "wb") as handle:
                shutil.copyfileobj(stdin_binary(), handle)
        elif _is_pipe(log):  # a named pipe, or a shell's <(...): read once, so kept as standard input is
            path = os.path.join(folder, "piped")
            with open(log, "rb") as source, open(path, "wb") as handle:
                shutil.copyfileobj(source, handle)
        elif not os.path.isfile(log):
            from ..source import read_text

            read_text(log, "log")  # raises the right error for a missing file or a folder
        from ..workbook import as_csv, is_workbook

        log_format = inputs.log_format
        if log_format == "xlsx" or is_workbook(path):  # standard input, or a pipe, may be a workbook too
            path, log_format = as_csv(path, folder, name), "csv"
        batch = Batch(program, name, log_format, output_format, strict=strict, progress=progress, on_error=on_error,
                      roster=inputs.roster, mapping=inputs.mapping, tally=tally)
        writer = _Discarded() if tally is not None else _OutputFile(output, protect=protect, folder=folder)
        try:
            with writer.open() as out:
                batch.run(path, out)
        except LogError as error:
            from ..errors import Diagnostic, FtdslError, Span

            writer.discard()
            raise FtdslError(Diagnostic(error.code, error.message, Span(name, error.line, 1) if error.line else None,
                                        hint=error.hint)) from None
        except RowError as error:
            from ..errors import Diagnostic, FtdslError, Span

            writer.discard()
            raise FtdslError(Diagnostic(error.code, error.message, Span(name, error.line, 1), hint=error.hint)) \
                from None
        except BaseException:
            writer.discard()
            raise
        finally:
            if progress is not None:
                progress.done()
        try:
            writer.commit()
        except BaseException:  # an interrupt or a signal while the decisions are put in place
            writer.discard()
            raise
    if batch.error_count > len(shown):
        where = "see the 'error' column" if tally is None else "not counted"
        click.echo(f"{visible(name)}: {batch.error_count - len(shown)} more rows with errors ({where})", err=True)
    unused = inputs.unused_mapping()
    if unused:
        click.echo(f"warning: --columns or --ignore-columns name{'s' if len(unused) == 1 else ''} "
                   f"{', '.join(repr(u) for u in unused)}, which no column of the log or the roster is", err=True)
    return batch


def _render(diagnostic):
    from ..colour import wanted
    from ..errors import render_diagnostic

    return render_diagnostic(diagnostic, colour=wanted(sys.stderr))


class _OutputFile:
    """Decisions written to a temporary file, then renamed over the target (or copied to standard output).

    The same checks and the same one-rename replacement as
    files.write_atomic, which needs the whole text in memory; the decisions
    of a long log are written as they are made instead.
    """

    def __init__(self, target, protect, folder):
        self.target = target
        self.protect = protect
        self.folder = folder
        self.temporary = None
        self.real_target = None

    def open(self):
        if self.target is None:
            self.temporary = os.path.join(self.folder, "decisions")
            # Read back too: Batch names the parts column in the header once a row has parts.
            return open(self.temporary, "w+", encoding="utf-8", newline="")  # noqa: SIM115 - closed by the with
        from ..files import output_target, temporary_beside

        self.real_target = output_target(self.target, self.protect)
        descriptor, self.temporary = temporary_beside(self.real_target, self.target)
        return os.fdopen(descriptor, "w+", encoding="utf-8", newline="")

    def commit(self):
        if self.target is None:
            with open(self.temporary, "rb") as handle:
                sys.stdout.flush()
                import shutil

                shutil.copyfileobj(handle, sys.stdout.buffer)
                sys.stdout.buffer.flush()
            return
        from ..files import replace

        try:  # on disk before it takes the target's place, as write_atomic does
            descriptor = os.open(self.temporary, os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
        except OSError:
            pass  # replace() reports a file that cannot be written
        replace(self.temporary, self.real_target, self.target)

    def discard(self):
        if self.target is not None and self.temporary:
            from ..files import remove_quietly

            remove_quietly(self.temporary)


class _Discarded:
    """Where a report's batch writes its decision lines: nowhere (it counts them, see usage.py). Seekable, as
    the sorting fallback wants its output to be."""

    def open(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def write(self, text):
        return len(text)

    def tell(self):
        return 0

    def seekable(self):
        return True

    def seek(self, *where):
        return 0

    def truncate(self, *size):
        return 0

    def discard(self):
        pass

    def commit(self):
        pass


class _Progress:
    """A one-line progress bar on standard error (only used when it is a terminal): progress(fraction, label),
    the label naming the pass when a log is sorted first (Batch._sorted)."""

    def __init__(self):
        self.shown = None
        self.width = 0  # characters on the line now

    def __call__(self, fraction, label=None):
        percent = min(int(fraction * 100), 100)
        if (percent, label) != self.shown:
            self.shown = (percent, label)
            filled = percent // 4
            text = f"[{'#' * filled}{' ' * (25 - filled)}] {percent:3d}%" + (f"  {label}" if label else "")
            sys.stderr.write("\r" + text + " " * max(0, self.width - len(text)))
            self.width = len(text)
            sys.stderr.flush()

    def done(self):
        if self.shown is not None:
            sys.stderr.write("\r" + " " * self.width + "\r")
            sys.stderr.flush()
