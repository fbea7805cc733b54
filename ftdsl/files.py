"""Writing files safely: a path and text in, the file replaced atomically.

Every file ftdsl writes goes through here: the text goes to a temporary
file in the same folder, is flushed to disk, and then replaces the target
in one rename. A crash or a full disk mid-write leaves the old file as it
was. write_atomic does it for a text held in memory; a batch run, whose
decisions are written as they are made, uses the same three steps
(output_target, temporary_beside, replace) on a stream.

The error classes are imported only when something fails, so that a batch
run with a cached ruleset never imports attrs.
"""

from __future__ import annotations

import os
import tempfile


def write_atomic(path: str, text: str, *, protect: tuple[str, ...] = ()) -> None:
    """Write `text` to `path` atomically.

    `protect` lists input files the command read; writing over one of them
    is refused (the user asked for an output, not to lose an input).
    """
    target = output_target(path, protect)
    descriptor, temporary = temporary_beside(target, path)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        remove_quietly(temporary)
        _fail("E011", f"cannot write '{path}': {error.strerror or error}", "the file was left as it was")
    except BaseException:
        remove_quietly(temporary)
        raise
    replace(temporary, target, path)


def output_target(path: str, protect: tuple[str, ...] = ()) -> str:
    """The file that writing `path` will replace, after the checks every write makes.

    Through any symbolic link to the file it names: replacing the link
    itself would leave the real file unchanged and the link gone. Refused
    (FtdslError): an input file given another way (E010), a folder (E002),
    a folder that does not exist (E001).
    """
    target = os.path.realpath(path)
    if os.path.exists(target):
        for input_path in protect:
            if input_path and input_path != "-" and os.path.exists(input_path) and os.path.samefile(input_path, target):
                _fail("E010", f"'{path}' is one of the input files; ftdsl will not write over it",
                      "choose another output file with -o")
    if os.path.isdir(target):
        _fail("E002", f"'{path}' is a folder, not a file", "give a file name to write to")
    if not os.path.isdir(os.path.dirname(target) or "."):
        _fail("E001", f"the folder '{os.path.dirname(path)}' does not exist", "create it first, or write somewhere else")
    return target


def temporary_beside(target: str, path: str) -> tuple[int, str]:
    """(descriptor, name) of a new temporary file in the target's folder, so that the rename stays on one disk."""
    try:
        return tempfile.mkstemp(prefix=".ftdsl-", suffix=".tmp", dir=os.path.dirname(target) or ".")
    except OSError as error:  # a read-only folder, a full disk, a folder that takes no files (/proc)
        _fail("E011", f"cannot write '{path}': {error.strerror or error}", "write somewhere else; nothing was changed")


def replace(temporary: str, target: str, path: str) -> None:
    """Put the finished temporary file in the target's place, keeping the target's permissions."""
    try:
        if os.path.exists(target):
            os.chmod(temporary, os.stat(target).st_mode & 0o7777)
        os.replace(temporary, target)
    except OSError as error:
        remove_quietly(temporary)
        _fail("E011", f"cannot write '{path}': {error.strerror or error}", "the file was left as it was")


def remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _fail(code: str, message: str, hint: str):
    from .errors import Diagnostic, FtdslError

    raise FtdslError(Diagnostic(code, message, hint=hint)) from None
