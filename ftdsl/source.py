"""Reading source files: a path (or '-') in, checked text out.

Everything a user can get wrong before parsing starts (a missing file, a
folder, a binary file, invalid UTF-8) ends here in an FtdslError with the
place and a plain message.
"""

from __future__ import annotations

import os
import sys

from .errors import Diagnostic, FtdslError, Span

# Characters that arrive from Word and PDF and mean the same as plain ones.
# Inside quoted text they are kept as written; elsewhere the grammar accepts
# them directly (see grammar/ftr.lark), so nothing is rewritten here.
BYTE_ORDER_MARK = "\ufeff"


def read_text(path: str, what: str = "file") -> str:
    """Read a UTF-8 text file (a byte-order mark is allowed) and return its text."""
    if path == "-":
        data = sys.stdin.buffer.read()
        display = "<stdin>"
    else:
        display = path
        if not os.path.exists(path):
            raise FtdslError(Diagnostic("E001", f"{what} '{path}' does not exist", hint="check the path and the spelling"))
        if os.path.isdir(path):
            raise FtdslError(Diagnostic("E002", f"'{path}' is a folder, not a {what}", hint=f"give the path of a {what} inside it"))
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as error:
            raise FtdslError(Diagnostic("E003", f"cannot read {what} '{path}': {error.strerror}")) from None
    return decode_text(data, display, what)


def decode_text(data: bytes, display: str, what: str = "file") -> str:
    """Decode bytes as UTF-8, pointing at the first bad byte if it is not."""
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise FtdslError(Diagnostic("E004", f"'{display}' looks like a binary file, not a text {what}", Span(display, line, 1),
                                    hint="save the file as plain text (UTF-8)"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        raise FtdslError(Diagnostic("E005", f"'{display}' is not valid UTF-8 text (byte 0x{data[error.start]:02x})",
                                    Span(display, line, column),
                                    hint="save the file as UTF-8; most editors offer it under 'Save as' or 'Encoding'")) from None
    if text.startswith(BYTE_ORDER_MARK):
        text = text[1:]
    return text
