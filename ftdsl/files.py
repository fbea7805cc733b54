"""Writing files safely: a path and text in, the file replaced atomically.

Every file ftdsl writes goes through here: the text goes to a temporary
file in the same folder, is flushed to disk, and then replaces the target
in one rename. A crash or a full disk mid-write leaves the old file as it
was. write_atomic does it for a text held in memory; a batch run, whose
decisions are written as they are made, uses the same three steps
(output_target, temporary_beside, replace) on a stream. rewrite is for a
command that writes a file back over itself (`ftdsl fmt`): it refuses a
read-only file and a file that changed after it was read, and writes a
file with several hard links through to the one file they share.
write_private is for ftdsl's own files in a folder only the user can
write (the compiled-ruleset cache): the rename replaces whatever is at the
name, a symbolic link included, and never writes through it.

The error classes are imported only when something fails, so that a batch
run with a cached ruleset never imports attrs.
"""

from __future__ import annotations

import os
import stat
import tempfile


def write_atomic(path: str, text: str, *, protect: tuple[str, ...] = ()) -> None:
    """Write `text` to `path` atomically.

    `protect` lists input files the command read; writing over one of them
    is refused (the user asked for an output, not to lose an input).
    """
    target = output_target(path, protect)
    temporary = _written_beside(target, path, text)
    replace(temporary, target, path)


def rewrite(path: str, text: str, original: bytes) -> None:
    """Write `text` over the file `path`, which was read as the bytes `original`.

    For a command that rewrites its own input (`ftdsl fmt`). Refused, with
    the file left as it is: a read-only file (E011), and a file whose bytes
    are no longer `original` because something (an editor, a colleague's
    save) wrote to it after it was read (E012). The check is made again
    just before the file is replaced. A file with one name is replaced
    atomically, as by write_atomic; a file with several hard links is
    written through to the file they share, so that every name still shows
    the same text (replacing it would give this name a new file and leave
    the others with the old text).
    """
    target = output_target(path)
    try:
        status = os.stat(target)
    except OSError as error:
        _fail("E011", f"cannot write '{path}': {error.strerror or error}", "the file was left as it was")
    if not os.access(target, os.W_OK) or not status.st_mode & stat.S_IWUSR:
        _fail("E011", f"cannot write '{path}': the file is read-only",
              "make it writable first (chmod u+w) if it should be changed; it was left as it was")
    if status.st_nlink > 1:
        _write_through(target, path, text.encode("utf-8"), original)
        return
    temporary = _written_beside(target, path, text)
    replace(temporary, target, path, expected=original)


def _written_beside(target: str, path: str, text: str) -> str:
    """A new temporary file beside the target holding `text`, flushed to disk; its name."""
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
    return temporary


def _write_through(target: str, path: str, data: bytes, original: bytes) -> None:
    """Write `data` into the file itself (its inode), after checking that it still holds `original`.

    Not atomic, as no write to a file in place can be; a failure part of
    the way (a full disk, an interrupt) puts the original bytes back,
    which fit where they were.
    """
    try:
        with open(target, "r+b") as handle:
            if handle.read() != original:
                _changed(path)
            try:
                handle.seek(0)
                handle.write(data)
                handle.truncate()
                handle.flush()
                os.fsync(handle.fileno())
            except BaseException as failure:
                try:
                    handle.seek(0)
                    handle.write(original)
                    handle.truncate()
                    handle.flush()
                    os.fsync(handle.fileno())
                except OSError:
                    reason = getattr(failure, "strerror", None) or failure or type(failure).__name__
                    _fail("E011", f"cannot write '{path}': {reason}; putting its old text back failed too",
                          "the file may be half written: format it again, or restore it from a copy")
                raise
    except OSError as error:
        _fail("E011", f"cannot write '{path}': {error.strerror or error}", "the file was left as it was")


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


def replace(temporary: str, target: str, path: str, *, expected: bytes | None = None) -> None:
    """Put the finished temporary file in the target's place, keeping the target's permissions.

    With `expected`, only if the target still holds exactly those bytes
    (FtdslError E012 otherwise, and the temporary file is removed).
    """
    try:
        if expected is not None and _bytes_of(target) != expected:
            remove_quietly(temporary)
            _changed(path)
        if os.path.exists(target):
            os.chmod(temporary, os.stat(target).st_mode & 0o7777)
        os.replace(temporary, target)
    except OSError as error:
        remove_quietly(temporary)
        _fail("E011", f"cannot write '{path}': {error.strerror or error}", "the file was left as it was")


def _bytes_of(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def _changed(path: str):
    _fail("E012", f"'{path}' was changed by something else after ftdsl read it; it was not written over",
          "run ftdsl fmt again: it reads the file as it is now")


def write_private(path: str, data: bytes) -> None:
    """Replace `path` with `data` in one rename; OSError if it cannot be written (nothing is left behind)."""
    descriptor, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".ftdsl-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        remove_quietly(temporary)
        raise


def remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _fail(code: str, message: str, hint: str):
    from .errors import Diagnostic, FtdslError

    raise FtdslError(Diagnostic(code, message, hint=hint)) from None
