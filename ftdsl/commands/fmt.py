"""`ftdsl fmt [--check] PATH...`: rewrite rulesets in the canonical layout (docs/formatting.md)."""

from __future__ import annotations

import difflib
import os
import sys

import click

from ._shared import EXIT_BUG, EXIT_ERROR, EXIT_FOUND, colour_option, described, render_error
from ..errors import Diagnostic, FtdslError


UTF8_BOM = b"\xef\xbb\xbf"
BYTE_ORDER_MARK = "\ufeff"


def read_ruleset(path: str) -> tuple[bytes, str]:
    """(the bytes, the text) of a ruleset file or of standard input ('-').

    The bytes are kept so that the file can be written back only if they
    are still what is on disk, and with the byte-order mark it had; the
    same errors as source.read_text (E001 to E006) otherwise.
    """
    from ..source import decode_text, read_bounded, read_stdin

    if path == "-":
        data = read_stdin()
        return data, decode_text(data, "<stdin>", "ruleset")
    if not os.path.exists(path):
        raise FtdslError(Diagnostic("E001", f"ruleset '{path}' does not exist", hint="check the path and the spelling"))
    if os.path.isdir(path):
        raise FtdslError(Diagnostic("E002", f"'{path}' is a folder, not a ruleset",
                                    hint="give the path of a ruleset inside it"))
    try:
        with open(path, "rb") as handle:
            data = read_bounded(handle, path, "ruleset")
    except OSError as error:
        raise FtdslError(Diagnostic("E003", f"cannot read ruleset '{path}': {error.strerror}")) from None
    return data, decode_text(data, path, "ruleset")


def _lines(text: str, split_lines) -> list[str]:
    """The lines of a text for a diff, each with a newline (lines end at newlines only)."""
    return [line + "\n" for line in split_lines(text)]


EXAMPLES = (
    "ftdsl fmt --check rulesets/",
    "ftdsl fmt --diff rulesets/westminster.ftr",
)


@click.command(**described("Rewrite rulesets in the canonical layout.", EXAMPLES,
                           ("docs/formatting.md",)))
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--check", is_flag=True, help="Change nothing; list the files that would change and exit 1 if any.")
@click.option("--diff", "show_diff", is_flag=True,
              help="Change nothing; print what would change as a unified diff.")
@colour_option
def command(paths, check, show_diff):
    """Rewrite each ruleset PATH (or every .ftr file in a folder) in the canonical layout.

    The meaning never changes: a file is only written when the new text
    parses to the same rules and checks to the same model, and it is
    replaced in one step, so an interrupted run leaves it as it was. Its
    line endings and byte-order mark stay as they were; a read-only file,
    or one saved by something else while fmt ran, is left alone.
    `-` formats standard input to standard output.
    """
    from ..files import rewrite
    from ..formatter import UnsafeFormat, format_text
    from ..printer import split_lines
    from ..source import ruleset_paths

    try:
        files = ruleset_paths(paths)
    except FtdslError as error:
        click.echo(render_error(error), err=True, color=True)
        sys.exit(EXIT_ERROR)
    errors = bugs = 0
    changed = []
    for path in files:
        try:
            data, text = read_ruleset(path)
            name = "<stdin>" if path == "-" else path
            formatted = format_text(text, name)
            # The file's byte-order mark, if it had one, stays (format_text keeps its line endings).
            new = (BYTE_ORDER_MARK if data.startswith(UTF8_BOM) else "") + formatted
            if path == "-":
                click.echo(new.encode("utf-8"), nl=False)
                continue
            if new.encode("utf-8") == data:
                continue
            changed.append(path)
            if show_diff:
                click.echo("".join(difflib.unified_diff(_lines(text, split_lines), _lines(formatted, split_lines),
                                                        path, f"{path} (formatted)")), nl=False)
            if check or show_diff:  # asked what would change, not to change it
                click.echo(f"would reformat {path}")
            else:
                rewrite(path, new, data)
                click.echo(f"reformatted {path}")
        except FtdslError as error:
            errors += 1
            click.echo(render_error(error), err=True, color=True)
        except UnsafeFormat as problem:
            bugs += 1
            click.echo(f"{path}: internal error: {problem}; the file was left as it was (please report this with "
                       "the file)", err=True)
    if len(files) > 1 or check:
        verb = "would be reformatted" if check or show_diff else "reformatted"
        click.echo(f"{len(changed)} of {len(files)} file{'s' if len(files) != 1 else ''} {verb}"
                   + (f", {errors + bugs} not formatted" if errors or bugs else ""), err=True)
    if bugs:
        sys.exit(EXIT_BUG)
    if errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FOUND if check and changed else 0)
