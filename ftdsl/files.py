"""Writing files safely: a path and text in, the file replaced atomically.

Every file ftdsl writes goes through write_atomic: the text goes to a
temporary file in the same folder, is flushed to disk, and then replaces
the target in one rename. A crash or a full disk mid-write leaves the old
file as it was.
"""

from __future__ import annotations

import os
import tempfile

from .errors import Diagnostic, FtdslError


def write_atomic(path: str, text: str, *, protect: tuple[str, ...] = ()) -> None:
    """Write `text` to `path` atomically.

    `protect` lists input files the command read; writing over one of them
    is refused (the user asked for an output, not to lose an input).
    """
    # Through any symbolic link to the file it names: replacing the link
    # itself would leave the real file unchanged and the link gone.
    target = os.path.realpath(path)
    if os.path.exists(target):
        for input_path in protect:
            if input_path and input_path != "-" and os.path.exists(input_path) and os.path.samefile(input_path, target):
                raise FtdslError(Diagnostic("E010", f"'{path}' is one of the input files; ftdsl will not write over it",
                                            hint="choose another output file with -o"))
    if os.path.isdir(target):
        raise FtdslError(Diagnostic("E002", f"'{path}' is a folder, not a file", hint="give a file name to write to"))
    folder = os.path.dirname(target) or "."
    if not os.path.isdir(folder):
        raise FtdslError(Diagnostic("E001", f"the folder '{os.path.dirname(path)}' does not exist",
                                    hint="create it first, or write somewhere else"))
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=".ftdsl-", suffix=".tmp", dir=folder)
    except OSError as error:  # a read-only folder, a full disk, a folder that takes no files (/proc)
        raise FtdslError(Diagnostic("E011", f"cannot write '{path}': {error.strerror or error}",
                                    hint="write somewhere else; nothing was changed")) from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if os.path.exists(target):
            os.chmod(temporary, os.stat(target).st_mode & 0o7777)
        os.replace(temporary, target)
    except OSError as error:
        _remove_quietly(temporary)
        raise FtdslError(Diagnostic("E011", f"cannot write '{path}': {error.strerror or error}",
                                    hint="the file was left as it was")) from None
    except BaseException:
        _remove_quietly(temporary)
        raise


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
