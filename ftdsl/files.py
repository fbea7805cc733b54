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

Every output refuses to be written over an input, standard input included
(compared by file identity: `ftdsl run R - -o FILE < FILE`), and over a
file the user made read-only. A new file gets the mode any new file gets
(0666 less the umask), a replaced one keeps its own.

A temporary file is removed whenever its write fails or is interrupted.
Those this process has made and not yet renamed are listed (live), so that
a run stopped by a signal can remove them all (cli.main); each is locked
(flock) while it is being written. A run killed outright (SIGKILL, a
power cut) leaves its temporary file behind: the next write in the same
folder removes every `.ftdsl-*.tmp` that is certainly abandoned
(remove_abandoned), and remove_abandoned_folders does the same for the
temporary folders of a killed run (`ftdsl-run-*`, `ftdsl-sort-*`).

The error classes are imported only when something fails, so that a batch
run with a cached ruleset never imports attrs.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import sys
import tempfile
import threading
import time

# A temporary file or folder of ftdsl's is certainly abandoned once it is
# this old (and nothing holds its lock): no run writes nothing for an hour.
ABANDONED_AFTER = 3600  # seconds

TEMPORARY_PREFIX, TEMPORARY_SUFFIX = ".ftdsl-", ".tmp"

# The temporary files this process has made and not yet renamed or removed.
_live: set[str] = set()


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
    if _read_only(target, status):
        _refuse_read_only(path)
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
                _overwrite(handle, data)
            except BaseException as failure:
                try:
                    _overwrite(handle, original)
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
    (FtdslError): an input file given another way (E010), standard input
    when `protect` holds '-' and it is the same file (E010), a read-only
    file (E011), a folder (E002), a folder that does not exist (E001).
    """
    target = os.path.realpath(path)
    try:
        status = os.stat(target)
    except OSError:
        status = None
    if status is not None:
        for input_path in protect:
            if input_path == "-" and _is_standard_input(status):
                _fail("E010", f"'{path}' is one of the input files (it is standard input); ftdsl will not write "
                              "over it", "choose another output file with -o")
            if input_path and input_path != "-" and os.path.exists(input_path) and os.path.samefile(input_path, target):
                _fail("E010", f"'{path}' is one of the input files; ftdsl will not write over it",
                      "choose another output file with -o")
    if os.path.isdir(target):
        _fail("E002", f"'{path}' is a folder, not a file", "give a file name to write to")
    if not os.path.isdir(os.path.dirname(target) or "."):
        _fail("E001", f"the folder '{os.path.dirname(path)}' does not exist", "create it first, or write somewhere else")
    if status is not None and _read_only(target, status):
        _refuse_read_only(path)
    return target


def _is_standard_input(status: os.stat_result) -> bool:
    """Whether the file with this status is the one open as standard input (the same device and inode)."""
    try:
        descriptor = sys.stdin.fileno() if sys.stdin is not None else 0
    except (AttributeError, OSError, ValueError):  # a test's stand-in, or closed: no file on disk to protect
        return False
    try:
        given = os.fstat(descriptor)
    except OSError:
        return False
    return (given.st_dev, given.st_ino) == (status.st_dev, status.st_ino)


def _read_only(target: str, status: os.stat_result) -> bool:
    """Whether the user made this file read-only: it cannot be written, or its owner's write bit is off.

    The bit is asked as well as access(), which says yes to root for any file."""
    if not os.access(target, os.W_OK):
        return True
    owner = status.st_uid == os.geteuid() if hasattr(os, "geteuid") else True
    return not status.st_mode & (stat.S_IWUSR if owner else stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def _refuse_read_only(path: str):
    _fail("E011", f"cannot write '{path}': the file is read-only",
          "make it writable first (chmod u+w) if it should be changed; it was left as it was")


def new_file_mode() -> int:
    """The mode a new file gets (0666 less the umask), not the 0600 of a temporary file."""
    return 0o666 & ~_umask()


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as handle:  # read without changing it (Linux)
            for line in handle:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o077)  # the only other way to read it; anything made meanwhile is private, not open
    os.umask(mask)
    return mask


def temporary_beside(target: str, path: str) -> tuple[int, str]:
    """(descriptor, name) of a new temporary file in the target's folder, so that the rename stays on one disk.

    The file is locked while its descriptor is open, and listed as live
    until replace() renames it or remove_quietly() removes it. Abandoned
    temporary files in the folder are removed first."""
    folder = os.path.dirname(target) or "."
    remove_abandoned(folder)
    try:
        return _temporary(folder)
    except OSError as error:  # a read-only folder, a full disk, a folder that takes no files (/proc)
        _fail("E011", f"cannot write '{path}': {error.strerror or error}", "write somewhere else; nothing was changed")


def _temporary(folder: str) -> tuple[int, str]:
    with signals_held():  # listed the moment it exists, so that a signal cannot come between
        descriptor, name = tempfile.mkstemp(prefix=TEMPORARY_PREFIX, suffix=TEMPORARY_SUFFIX, dir=folder)
        _live.add(name)
    _lock(descriptor)
    return descriptor, name


def replace(temporary: str, target: str, path: str, *, expected: bytes | None = None) -> None:
    """Put the finished temporary file in the target's place, keeping the target's permissions.

    A new file gets the mode of any new file (new_file_mode). Refused, and
    the temporary file removed: a target made read-only meanwhile (E011);
    with `expected`, a target that no longer holds exactly those bytes
    (E012). The temporary file is removed on any failure or interrupt.
    """
    try:
        if expected is not None and _bytes_of(target) != expected:
            _changed(path)
        try:
            status = os.stat(target)
        except FileNotFoundError:
            status = None
        if status is not None and _read_only(target, status):
            _refuse_read_only(path)
        os.chmod(temporary, status.st_mode & 0o7777 if status is not None else new_file_mode())
        with signals_held():
            os.replace(temporary, target)
            _live.discard(temporary)
    except OSError as error:
        remove_quietly(temporary)
        _fail("E011", f"cannot write '{path}': {error.strerror or error}", "the file was left as it was")
    except BaseException:
        remove_quietly(temporary)
        raise


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
    """Replace `path` with `data` in one rename; OSError if it cannot be written (nothing is left behind).

    The file keeps the 0600 of its temporary file: it is ftdsl's own."""
    folder = os.path.dirname(path)
    remove_abandoned(folder)
    descriptor, temporary = _temporary(folder)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        with signals_held():
            os.replace(temporary, path)
            _live.discard(temporary)
    except BaseException:
        remove_quietly(temporary)
        raise


def _overwrite(handle, data: bytes) -> None:
    """Make an open file hold exactly `data`, on disk."""
    handle.seek(0)
    handle.write(data)
    handle.truncate()
    handle.flush()
    os.fsync(handle.fileno())


def remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
    _live.discard(path)


def remove_live() -> None:
    """Remove every temporary file this process has made and not yet renamed (for a run stopped by a signal)."""
    for name in sorted(_live):
        remove_quietly(name)


# ---- what a killed run left behind ----------------------------------------------

def remove_abandoned(folder: str, *, older_than: float = ABANDONED_AFTER) -> list[str]:
    """Remove the temporary files (`.ftdsl-*.tmp`) that killed runs left in `folder`; the paths removed.

    Only files that are certainly abandoned: regular files (not links),
    owned by the user, not written for `older_than` seconds, and not
    locked by a run still writing them. Never fails: a file that cannot be
    examined or removed is left.
    """
    removed = []
    try:
        entries = list(os.scandir(folder or "."))
    except OSError:
        return removed
    for entry in entries:
        if not (entry.name.startswith(TEMPORARY_PREFIX) and entry.name.endswith(TEMPORARY_SUFFIX)):
            continue
        try:
            status = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(status.st_mode) or not _abandoned(status, older_than) or _in_use(entry.path, status):
            continue
        try:
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(entry.path)
    return removed


def remove_abandoned_folders(prefix: str, parent: str | None = None, *,
                             older_than: float = ABANDONED_AFTER) -> list[str]:
    """Remove the temporary folders named `prefix`... that killed runs left in `parent`; the paths removed.

    `parent` is the system's temporary folder (tempfile.gettempdir(), where
    tempfile.TemporaryDirectory makes them) unless given. Only folders that
    are certainly abandoned: real folders (not links), owned by the user,
    with nothing in them written for `older_than` seconds (the
    folder itself included), and not locked by a run still using them
    (hold). Never fails: a folder that cannot be examined is left.
    """
    import shutil

    parent = parent if parent is not None else tempfile.gettempdir()
    removed = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(prefix):
            continue
        try:
            status = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISDIR(status.st_mode) or not _abandoned(status, older_than):
            continue
        if not _contents_abandoned(entry.path, older_than) or _in_use(entry.path, status):
            continue
        try:
            shutil.rmtree(entry.path)  # removes links inside, never what they point to
        except OSError:
            continue
        removed.append(entry.path)
    return removed


@contextlib.contextmanager
def hold(folder: str):
    """Lock a folder of this run's for as long as the block runs, so that remove_abandoned_folders leaves it."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        descriptor = None
    if descriptor is not None:
        _lock(descriptor)
    try:
        yield
    finally:
        if descriptor is not None:
            os.close(descriptor)


def _abandoned(status: os.stat_result, older_than: float) -> bool:
    """Owned by the user and not written for `older_than` seconds."""
    if not hasattr(os, "geteuid") or status.st_uid != os.geteuid():
        return False
    return time.time() - status.st_mtime > older_than


def _contents_abandoned(folder: str, older_than: float) -> bool:
    """Whether everything inside a folder (at any depth) is the user's and old; False when it cannot be told."""
    def fail(error):
        raise error

    try:
        for top, folders, names in os.walk(folder, onerror=fail):
            for name in folders + names:
                if not _abandoned(os.lstat(os.path.join(top, name)), older_than):
                    return False
    except OSError:
        return False
    return True


def _lock(descriptor: int) -> None:
    """Hold an advisory lock on an open file or folder until it is closed (where the system has flock)."""
    try:
        import fcntl

        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (ImportError, OSError):
        pass  # no locks here (Windows, some network disks): the age alone says a file is abandoned


def _in_use(path: str, status: os.stat_result) -> bool:
    """Whether a run still holds the lock on the file or folder at `path` (True when it cannot be told)."""
    try:
        import fcntl
    except ImportError:
        return False
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return True
    try:
        now = os.fstat(descriptor)
        if (now.st_dev, now.st_ino) != (status.st_dev, status.st_ino):
            return True  # something else is at the name now
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        except OSError:
            return False  # this disk has no locks: the age decides
        return False
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def signals_held():
    """SIGTERM and SIGHUP held back for a few steps that must happen together (a file made and listed,
    renamed and unlisted); a signal that comes meanwhile is handled just after."""
    held = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name)]
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _fail(code: str, message: str, hint: str):
    from .errors import Diagnostic, FtdslError

    raise FtdslError(Diagnostic(code, message, hint=hint)) from None
