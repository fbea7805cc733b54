"""Paging: long output shown through a pager on a terminal, as git does.

In: the whole text a command prints. Out: the text on standard output,
through a pager when standard output is a terminal and paging is wanted.

Which pager: FTDSL_PAGER, else PAGER, else `less -FRX` (quit at once if
the text fits on one screen, keep colours, leave the text on the screen
after). Empty, or `cat`, means none. A pager that cannot be started (not
installed) is no error: the text is printed as it would be without one.
A pager quit before it has read everything (the user pressed q) is no
error either: ftdsl stops writing and exits as the command would have.
`--no-pager` (commands/_shared.py) sets `ENABLED` to False; output that
is not a terminal is never paged.

Standard library only.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys

DEFAULT = "less -FRX"

#: False when `--no-pager` was given.
ENABLED = True


def set_enabled(enabled: bool) -> None:
    global ENABLED
    ENABLED = bool(enabled)


def pager_command() -> list[str] | None:
    """The pager to run as a command line, or None for none (FTDSL_PAGER, PAGER, else less -FRX)."""
    for name in ("FTDSL_PAGER", "PAGER"):
        if name in os.environ:
            text = os.environ[name].strip()
            break
    else:
        text = DEFAULT
    if not text or text == "cat":
        return None
    try:
        words = shlex.split(text)
    except ValueError:  # unbalanced quotes: not a command that can be run
        return None
    if not words or shutil.which(words[0]) is None:
        return None
    return words


def wanted(stream=None) -> bool:
    """Whether output to `stream` (standard output) goes through a pager: a terminal, and no --no-pager."""
    return ENABLED and _is_terminal(sys.stdout if stream is None else stream)


def show(text: str) -> None:
    """Print `text` on standard output, through the pager when one is wanted and can be started."""
    show_parts([(text, False)])


def show_parts(parts) -> None:
    """Print each (text, on_standard_error) part, in order, on its stream; or, when a pager is wanted
    (and standard error is the terminal too, so the two would be seen together), all of them through it
    in that order."""
    command = pager_command() if wanted() and (all(not err for _, err in parts) or _is_terminal(sys.stderr)) \
        else None
    if command is not None and _through(command, "".join(text for text, _ in parts)):
        return
    for text, err in parts:
        stream = sys.stderr if err else sys.stdout
        stream.write(text)
        stream.flush()


def _is_terminal(stream) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (ValueError, OSError):
        return False


def _through(command: list[str], text: str) -> bool:
    """Run the pager on the text; False when it could not be started (nothing written then)."""
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")  # a PAGER=less of the user's own keeps colours and quits on a short text
    env.setdefault("LV", "-c")
    sys.stdout.flush()
    try:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, env=env)
    except OSError:
        return False
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        try:
            process.stdin.write(text.encode(encoding, "replace"))
            process.stdin.close()
        except OSError:  # BrokenPipeError: the pager was quit before it read everything
            try:
                process.stdin.close()
            except OSError:
                pass
        _wait(process)
    except KeyboardInterrupt:  # Ctrl-C reaches the pager too; the terminal is its until it ends
        _wait(process)
    return True


def _wait(process) -> None:
    while True:
        try:
            process.wait()
            return
        except KeyboardInterrupt:
            continue
