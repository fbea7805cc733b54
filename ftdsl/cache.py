"""The compiled-ruleset cache: a ruleset path in, a runnable Program out.

A ruleset's compiled source is kept in the user's cache folder under a key
made from the ruleset's bytes and the build of ftdsl that compiled it, so
the next `ftdsl run` of the same text skips parsing and checking and never
imports Lark (or attrs). The folder is $FTDSL_CACHE_DIR if set, else
$XDG_CACHE_HOME/ftdsl, else ~/.cache/ftdsl.

An entry is a text file: a first line naming the format, the key and the
SHA-256 of the body, then the body (the generated source). An entry whose
first line does not match (stale, truncated, edited, half-written by a
crashed run) is ignored and rewritten. Entries are written with
files.write_atomic (temporary file, then one rename), so two runs racing
to write the same entry each leave a complete file and readers never see
half of one.

Only this module's happy path runs on a cache hit; anything unusual (a
missing file, bad UTF-8, a ruleset with errors) goes the long way through
api.py so the user gets the same diagnostics as without the cache.
"""

from __future__ import annotations

import hashlib
import os

from . import __version__

ENTRY_FORMAT = "ftdsl-cache 1"
# Modules whose code decides what the compiled source says. A cache entry
# made by an edited copy of any of them (a development checkout whose
# version has not moved) must not be reused, so their size and mtime go
# into the key too: a few stat calls, no reading.
_COMPILING_MODULES = ("parser.py", "builder.py", "checker.py", "model.py", "compiler.py", "runtime.py")


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
    digest.update(f"{ENTRY_FORMAT}\0{__version__}\0".encode())
    here = os.path.dirname(os.path.abspath(__file__))
    for name in _COMPILING_MODULES:
        try:
            info = os.stat(os.path.join(here, name))
        except OSError:
            continue
        digest.update(f"{name}:{info.st_size}:{info.st_mtime_ns}\0".encode())
    digest.update(data)
    return digest.hexdigest()


def entry_path(key: str) -> str:
    return os.path.join(cache_dir(), key[:2], key + ".py")


def read_entry(key: str) -> str | None:
    """The cached source for a key, or None when there is none or it is not intact."""
    try:
        with open(entry_path(key), "rb") as handle:
            data = handle.read()
    except OSError:
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


def write_entry(key: str, source: str) -> None:
    """Store compiled source under a key; a cache that cannot be written is skipped silently."""
    from .errors import FtdslError
    from .files import write_atomic

    body = source.encode("utf-8")
    head = f"{ENTRY_FORMAT} {key} {hashlib.sha256(body).hexdigest()}\n"
    path = entry_path(key)
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_atomic(path, head + source)
    except (OSError, FtdslError):
        pass  # a read-only home or a full disk costs speed, not correctness


def load_program(path: str, use_cache: bool = True):
    """The runtime.Program for a ruleset file, from the cache when it holds one.

    Raises FtdslError (file problems, ruleset errors) exactly as
    api.load_ruleset does.
    """
    data = _read_quietly(path) if use_cache else None
    if data is not None:
        key = cache_key(data)
        source = read_entry(key)
        if source is not None:
            from .runtime import load_source

            try:
                return load_source(source, path)
            except Exception:  # noqa: BLE001 - a damaged entry is a cache miss, never a failure
                pass
    from .api import load_ruleset

    ruleset = load_ruleset(path)
    if data is not None:
        write_entry(key, ruleset.source)
    return ruleset.program


def _read_quietly(path: str) -> bytes | None:
    # The cache only handles files that are plainly fine; every problem is
    # left to source.read_text, which explains it.
    if path == "-":
        return None
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return data
