"""The command line: parses arguments, calls the library, renders.

Each command lives in its own module under ftdsl/commands/ and defines
`command` (a click command); modules are imported only when their command
runs, so `ftdsl run` does not pay for `ftdsl diff`.

Exit codes: 0 the command did its job; 1 it ran and found something wrong
(errors in `check`, differences with `diff --exit-code`, failing tests);
2 it could not do its job (a file missing, a ruleset or scenario with
errors, a bad option, standard output closed or full); 3 an internal error
(a bug: please report it); 130 interrupted (Ctrl-C); 143 stopped by
SIGTERM (129 by SIGHUP), its temporary files removed; 141 standard output
is a pipe whose reader has gone (`ftdsl run R S | head -1`), quietly, as
git does.
"""

from __future__ import annotations

import errno
import importlib
import io
import pkgutil
import signal
import sys

import click

from . import __version__

from .commands._shared import EXIT_BROKEN_PIPE, EXIT_BUG, EXIT_ERROR, EXIT_FOUND, EXIT_INTERRUPTED


class _CommandFolder(click.Group):
    """A group whose commands are the modules of ftdsl.commands."""

    def list_commands(self, ctx):
        from . import commands

        return sorted(info.name.replace("_", "-") for info in pkgutil.iter_modules(commands.__path__)
                      if not info.name.startswith("_"))

    def get_command(self, ctx, name):
        if name not in self.list_commands(ctx):
            return None
        module = importlib.import_module(f".commands.{name.replace('-', '_')}", __package__)
        return module.command

    def resolve_command(self, ctx, args):
        """The command named first; a usage error for a name that is none, with the commands it may have meant."""
        name = args[0]
        if self.get_command(ctx, name) is None and not ctx.resilient_parsing and not name.startswith("-"):
            raise click.UsageError(f"No such command '{name}'.{_meant(name, self.list_commands(ctx))}", ctx)
        return super().resolve_command(ctx, args)


def _meant(name: str, commands: list[str]) -> str:
    """What an unknown command name may have meant, as click words it for options: " Did you mean 'check'?";
    for a file named where the command goes, that a command comes first."""
    import difflib
    import os

    if os.path.splitext(name)[1].lower() in (".ftr", ".json", ".csv", ".jsonl") or os.path.sep in name:
        return (" A command comes first, then the files: 'ftdsl run RULESET SCENARIO', 'ftdsl check RULESET' "
                "('ftdsl --help' lists the commands).")
    close = [command for command in commands if command.startswith(name.lower())] if len(name) >= 2 else []
    close += [c for c in difflib.get_close_matches(name.lower(), commands, n=3, cutoff=0.6) if c not in close]
    if not close:
        return ""
    if len(close) == 1:
        return f" Did you mean '{close[0]}'?"
    return " (Did you mean one of: " + ", ".join(f"'{command}'" for command in close) + "?)"


@click.group(cls=_CommandFolder, context_settings={"help_option_names": ["-h", "--help"]},
             epilog="\b\nExamples:\n"
                    "  ftdsl check rulesets/westminster.ftr\n"
                    "  ftdsl run rulesets/westminster.ftr \\\n"
                    "      rulesets/examples/westminster/duties-over-allowance.json\n"
                    "  ftdsl ask rulesets/westminster.ftr --rep 'G. Wright' --category duties \\\n"
                    "      --hours 3 --date 2026-03-25 \\\n"
                    "      --history rulesets/logs/westminster-2026.csv\n\n"
                    "'ftdsl COMMAND --help' shows a command's options, an example and its docs page. Shell "
                    "completion for bash, zsh and fish: docs/command-line.md (in the ftdsl sources).")
@click.version_option(__version__, prog_name="ftdsl")
def cli():
    """Write, run and compare trade-union facility-time agreements.

    A ruleset (.ftr) is the agreement as clauses; a scenario (.json) is the
    facts of a representative and the requests to decide; a log (.csv,
    .jsonl) is a year of requests, one a row.
    """


class OutputFailed(Exception):
    """Standard output or standard error could not be written: closed, full, or a pipe nobody reads.

    Raised by the stream main() puts in place of sys.stdout, so that such a
    failure is told apart from any other OSError wherever it happens
    (click.echo in any command, a log's decisions copied out), and not
    mistaken by click for a broken pipe to exit 1 on.
    """

    def __init__(self, stream: str, error: OSError | None):
        self.stream = stream
        self.errno = error.errno if error is not None else errno.EBADF
        reason = "it is closed" if error is None or error.errno == errno.EBADF else (error.strerror or str(error))
        super().__init__(f"cannot write to standard {stream}: {reason}")


class _GuardedRaw(io.RawIOBase):
    """The process's standard output or error, a write failure remembered for main().

    On standard output the failure is raised as OutputFailed, which stops
    the command: its output is lost. On standard error it is not raised: a
    message that cannot be written is lost, and the command goes on and
    exits as it would have (there is nowhere to say more). After the first
    failure everything written is dropped, so the flush at exit cannot fail
    again.
    """

    def __init__(self, stream: str, target):
        super().__init__()
        self.stream = stream
        self.target = target  # the original stream's raw file, or None when the descriptor was closed at start
        self.failure: OutputFailed | None = None

    def writable(self):
        return True

    def write(self, data):
        if self.failure is not None:
            return len(data)
        try:
            if self.target is None:
                raise OutputFailed(self.stream, None)
            try:
                return self.target.write(data)
            except OSError as error:
                raise OutputFailed(self.stream, error) from None
        except OutputFailed as failure:
            self.failure = failure
            if self.stream == "error":
                return len(data)
            raise

    def isatty(self):
        return self.target is not None and self.target.isatty()

    def fileno(self):
        if self.target is None:
            raise io.UnsupportedOperation(f"standard {self.stream} is closed")
        return self.target.fileno()


def _guard(name: str):
    """Put a guarded stream in place of sys.stdout or sys.stderr, when it is the process's own
    (not a test's capture); the raw stream of the guard, or None when it was left alone."""
    current, original = getattr(sys, name), getattr(sys, f"__{name}__")
    if isinstance(getattr(current, "buffer", None), io.BufferedWriter) and isinstance(current.buffer.raw, _GuardedRaw):
        return current.buffer.raw  # already guarded (main called twice in one process)
    if current is not original or (current is not None and not hasattr(current, "buffer")):
        return None
    stream = {"stdout": "output", "stderr": "error"}[name]
    raw = _GuardedRaw(stream, None if current is None else getattr(current.buffer, "raw", current.buffer))
    if current is None:
        guarded = io.TextIOWrapper(io.BufferedWriter(raw), encoding="utf-8", errors="strict")
    else:
        current.flush()
        guarded = io.TextIOWrapper(io.BufferedWriter(raw), encoding=current.encoding, errors=current.errors,
                                   line_buffering=current.line_buffering, write_through=current.write_through)
    setattr(sys, name, guarded)
    return raw


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: raised where the program is, so that every write on the way out removes its
    temporary file (as for Ctrl-C), and main() exits 128 + the signal's number.

    A BaseException, so that no `except Exception` stops it, and not a
    KeyboardInterrupt, which click would turn into "Aborted!"."""

    def __init__(self, number: int):
        super().__init__(number)
        self.number = number


_STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def _stop(number, frame):
    for each in _STOP_SIGNALS:  # a second signal must not cut short the cleaning up of the first
        signal.signal(each, signal.SIG_IGN)
    raise Terminated(number)


def _catch_stop_signals() -> dict:
    """SIGTERM and SIGHUP raise Terminated, unless they were ignored when ftdsl started (`nohup`); the
    handlers replaced, to put back when main() is done (it may be called inside another program, a test)."""
    replaced = {}
    for number in _STOP_SIGNALS:
        try:
            if signal.getsignal(number) == signal.SIG_DFL:
                replaced[number] = signal.signal(number, _stop)
        except (OSError, ValueError):  # not the main thread, or a system without the signal
            pass
    return replaced


def _restore_signals(replaced: dict) -> None:
    for number, handler in replaced.items():
        try:
            signal.signal(number, handler)
        except (OSError, ValueError):
            pass


def main(argv=None):
    """Entry point: run the command line, turning any failure into a message and an exit code."""
    output = _guard("stdout")
    _guard("stderr")
    replaced = _catch_stop_signals()
    try:
        try:
            code = _run(argv)
            if sys.stdout is not None:  # what is still buffered is written now, while a failure can be reported
                sys.stdout.flush()
        except OutputFailed:  # said below
            code = EXIT_ERROR
        except KeyboardInterrupt:
            code = _interrupted()
        if code != EXIT_INTERRUPTED and output is not None and output.failure is not None:
            # Output that could not be written decides the exit code, even if something caught the failure on the way.
            code = _output_failed(output.failure)
    except Terminated as stopped:
        code = _terminated(stopped.number)
    _restore_signals(replaced)
    sys.exit(code)


def _terminated(number: int) -> int:
    """Remove what the run was writing and say, in one line, that it was stopped; 128 + the signal's number."""
    files = sys.modules.get(f"{__package__}.files")
    if files is not None:  # anything still listed as live (every write removes its own on the way out)
        files.remove_live()
    return _say(f"ftdsl: terminated ({signal.Signals(number).name})", 128 + number)


def _run(argv) -> int:
    """Run the command; its exit code, every failure rendered as a message (but standard output that
    could not be written, which main() reports)."""
    try:
        try:
            result = cli.main(args=argv, prog_name="ftdsl", standalone_mode=False)
        except click.Abort as abort:
            # click's standalone mode makes Ctrl-C "Aborted!" and exit 1; here it is ours to report.
            if abort.__cause__ is None or isinstance(abort.__cause__, KeyboardInterrupt):
                raise KeyboardInterrupt from None
            raise abort.__cause__ from None
        return result if isinstance(result, int) else 0  # click.exceptions.Exit (--help, --version) returns its code
    except SystemExit as exit_:
        if exit_.code is None or isinstance(exit_.code, int):
            return exit_.code or 0
        click.echo(exit_.code, err=True)
        return EXIT_FOUND
    except click.ClickException as error:
        _show_click_error(error)
        return error.exit_code
    except KeyboardInterrupt:
        return _interrupted()
    except OutputFailed:  # main() says it, once
        return EXIT_ERROR
    except Exception as error:  # noqa: BLE001 - whatever happens ends in a message, not a traceback
        # Imported here, not at the top: a successful run never needs the
        # error classes (nor attrs, which they use).
        from .errors import FtdslError

        if isinstance(error, FtdslError):  # a command that did not catch its own
            from .colour import wanted

            return _say(error.render(colour=wanted(sys.stderr)), EXIT_ERROR)
        if isinstance(error, RecursionError):
            return _say("ftdsl: error: the input is nested too deeply to process", EXIT_ERROR)
        if isinstance(error, MemoryError):
            return _say("ftdsl: error: the input is too large to process in memory", EXIT_ERROR)
        from .display import visible

        return _say(f"ftdsl: internal error ({type(error).__name__}: {visible(error)}); please report it with the "
                    "files that caused it", EXIT_BUG)


def _show_click_error(error: click.ClickException) -> None:
    """A usage error as click words it, its "Error" coloured when standard error is a terminal that takes colour."""
    from .colour import paint, style, wanted

    buffer = io.StringIO()
    error.show(file=buffer)
    text = buffer.getvalue()
    if wanted(sys.stderr):
        from .display import visible_lines

        # The message may quote what was typed: its control characters shown, not obeyed, before colour is added.
        text = paint("\n".join(style("Error", "error") + line[len("Error"):] if line.startswith("Error: ") else line
                               for line in visible_lines(text).split("\n")), True)
    try:
        click.echo(text, err=True, nl=False, color=True)
    except (OutputFailed, OSError):
        pass


_ERROR_WORDS = ("ftdsl: internal error", "ftdsl: error", "ftdsl: interrupted", "ftdsl: terminated")


def _say(message: str, code: int) -> int:
    """Say something on standard error (its "error" coloured on a terminal); the exit code either way."""
    for words in _ERROR_WORDS:
        if message.startswith((words + " ", words + ":")):
            from .colour import paint, style, wanted

            head, _, tail = words.partition(": ")
            message = paint(f"{head}: {style(tail, 'error')}{message[len(words):]}", wanted(sys.stderr))
            break
    try:
        click.echo(message, err=True, color=True)
    except (OutputFailed, OSError):  # standard error not guarded (a test's capture) and failing
        pass
    return code


def _interrupted() -> int:
    return _say("ftdsl: interrupted", EXIT_INTERRUPTED)


def _output_failed(failure: OutputFailed) -> int:
    """The exit code for standard output that could not be written, said in one line on standard error.

    A pipe whose reader has gone (`ftdsl run ... | head -1`) is no error to
    report: the reader has what it wanted, so ftdsl stops quietly with 141,
    as git does. A closed or full standard output loses the output: exit 2,
    saying so.
    """
    if failure.errno == errno.EPIPE:
        return EXIT_BROKEN_PIPE
    return _say(f"ftdsl: error: {failure}; the output is missing or incomplete", EXIT_ERROR)


if __name__ == "__main__":
    main()
