"""The compiled-ruleset cache: a ruleset path in, a runnable Program out.

A ruleset's checked model is kept as data (modelfile.py: JSON, read and
never executed) in the user's cache folder, under a key made from the
ruleset's bytes and the build of ftdsl that compiled it (installation.py's
fingerprint: the version and every file the program depends on, the
grammar included), so the next `ftdsl run` of the same text skips parsing
and checking and never imports Lark (or attrs). The folder is
$FTDSL_CACHE_DIR if set, else $XDG_CACHE_HOME/ftdsl, else ~/.cache/ftdsl.

An entry is a text file: a first line naming the format, the key and the
SHA-256 of the body, then the body. An entry whose first line does not
match (stale, truncated, edited, half-written by a crashed run) is ignored
and rewritten.

The cache is trusted only as far as it is the user's own (docs/security.md):
the folders are made 0700, and a folder or entry that is not owned by the
user, is writable by anyone else, is a symbolic link, or is not a regular
file (a FIFO, a device) is not used at all; nothing is read from it past
limits.LARGEST_ENTRY bytes. Entries are written to a temporary file in the
entry's folder and renamed into place, which replaces whatever is at the
name (never writing through a link), so readers never see half an entry.

Only this module's happy path runs on a cache hit; anything unusual (a
missing file, bad UTF-8, a ruleset with errors) goes the long way through
api.py so the user gets the same diagnostics as without the cache.
"""

from __future__ import annotations

import hashlib
import os
import stat

from . import limits
from .installation import fingerprint

ENTRY_FORMAT = "ftdsl-cache 2"


def cache_dir() -> str:
    """The folder compiled rulesets are kept in (not created here)."""
    override = os.environ.get("FTDSL_CACHE_DIR")
    if override:
        return override
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "ftdsl")


def cache_key(data: bytes) -> str:
    """The key of a ruleset's bytes under this build of ftdsl (hex SHA-256)."""
    digest = hashlib.sha256()
    digest.update(f"{ENTRY_FORMAT}\0{fingerprint()}\0".encode())
    digest.update(data)
    return digest.hexdigest()


def entry_path(key: str) -> str:
    return os.path.join(cache_dir(), key[:2], key + ".json")


def _private(info: os.stat_result) -> bool:
    """Whether a file or folder is the user's own and nobody else can change it."""
    return info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _trusted_folder(path: str) -> bool:
    """Whether `path` is a real folder (not a link) that only the user can change."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and _private(info)


def _private_folder(path: str) -> bool:
    """Make an entry's folder `path`, and the cache folder above it, 0700 where they are missing;
    whether both are trusted."""
    for folder in (os.path.dirname(path), path):
        try:
            os.makedirs(folder, mode=0o700, exist_ok=True)
        except OSError:
            return False
        if not _trusted_folder(folder):
            return False
    return True


def read_entry(key: str) -> str | None:
    """The stored model's text for a key, or None when there is none, it is not intact, or it is not trusted."""
    path = entry_path(key)
    folder = os.path.dirname(path)
    if not (_trusted_folder(os.path.dirname(folder)) and _trusted_folder(folder)):
        return None
    try:
        # O_NOFOLLOW: a link at the entry's name is refused; O_NONBLOCK: a FIFO
        # there does not hang the open (and is refused below as not a regular file).
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or not _private(info) or info.st_size > limits.LARGEST_ENTRY:
            return None
        data = handle.read(limits.LARGEST_ENTRY + 1)
    if len(data) > limits.LARGEST_ENTRY:
        return None
    head, newline, body = data.partition(b"\n")
    if not newline:
        return None
    parts = head.decode("ascii", "replace").split(" ")
    if len(parts) != 4 or " ".join(parts[:2]) != ENTRY_FORMAT or parts[2] != key:
        return None
    if hashlib.sha256(body).hexdigest() != parts[3]:
        return None  # truncated or altered: recompile
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def write_entry(key: str, stored: str) -> None:
    """Keep a stored model under a key; a cache that cannot be written (or is not trusted) is skipped silently."""
    from .files import write_private

    body = stored.encode("utf-8")
    head = f"{ENTRY_FORMAT} {key} {hashlib.sha256(body).hexdigest()}\n".encode("ascii")
    path = entry_path(key)
    if not _private_folder(os.path.dirname(path)):
        return
    try:
        write_private(path, head + body)  # replaces what is at the name, a link included; never writes through it
    except OSError:
        pass  # a read-only home or a full disk costs speed, not correctness


def load_program(path: str, use_cache: bool = True, variations: tuple[str, ...] = ()):
    """The runtime.Program for a ruleset file (amended by `variations`), from the cache when it holds one.

    Raises FtdslError (file problems, ruleset errors) exactly as
    api.load_ruleset does. A variation, or an agreement with variations,
    is read from its files every time: the cache's key is one file's text.
    """
    data = _read_quietly(path) if use_cache and not variations else None
    if data is not None:
        from .file_kinds import looks_like_variation

        if looks_like_variation(data.decode("utf-8")):
            data = None
    if data is not None:
        key = cache_key(data)
        stored = read_entry(key)
        if stored is not None:
            from .modelfile import loads
            from .runtime import Program

            try:
                return Program(loads(stored), path)
            except Exception:  # noqa: BLE001 - a damaged entry is a cache miss, never a failure
                pass
    from .api import load_ruleset

    ruleset = load_ruleset(path, tuple(variations))
    if data is not None:
        write_entry(key, ruleset.stored)
    return ruleset.program


def _read_quietly(path: str) -> bytes | None:
    # The cache only handles files that are plainly fine; every problem is
    # left to source.read_text, which explains it.
    if path == "-":
        return None
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None  # a FIFO or a device (/dev/zero) is read, and refused, by source.read_text
        with open(path, "rb") as handle:
            data = handle.read()
        data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return data
