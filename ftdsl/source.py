"""Reading source files: a path (or '-') in, checked text out.

Everything a user can get wrong before parsing starts (a missing file, a
folder, a binary file, invalid UTF-8) ends here in an FtdslError with the
place and a plain message.
"""

from __future__ import annotations

import os
import sys

from .errors import Diagnostic, FtdslError, Span
from .limits import LARGEST_FILE

# Characters that arrive from Word and PDF and mean the same as plain ones.
# Inside quoted text they are kept as written; elsewhere the grammar accepts
# them directly (see grammar/ftr.lark), so nothing is rewritten here.
BYTE_ORDER_MARK = "\ufeff"


def read_bounded(stream, display: str, what: str) -> bytes:
    """At most LARGEST_FILE bytes of a binary stream, or FtdslError E006 when there is more."""
    data = stream.read(LARGEST_FILE + 1)
    if len(data) > LARGEST_FILE:
        raise too_large(display, what)
    return data


def too_large(display: str, what: str) -> FtdslError:
    """E006: a file past LARGEST_FILE, which no ruleset or scenario comes near."""
    return FtdslError(Diagnostic("E006", f"'{display}' is larger than {LARGEST_FILE // (1024 * 1024)} MB, too large "
                                         f"to be a {what}", hint=f"check that it is the {what} you meant"))


def stdin_binary():
    """Standard input as a binary stream, or FtdslError E003 when there is none
    (a program started with its standard input closed)."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None or stream.closed:
        raise FtdslError(Diagnostic("E003", "cannot read standard input: it is closed",
                                    hint="pipe the file in ('< file'), or give its path instead of '-'"))
    return stream


def read_stdin() -> bytes:
    """All of standard input, or FtdslError E003 when it cannot be read."""
    try:
        return read_bounded(stdin_binary(), "<stdin>", "file")
    except OSError as error:
        raise FtdslError(Diagnostic("E003", f"cannot read standard input: {error.strerror or error}")) from None


def read_text(path: str, what: str = "file") -> str:
    """Read a UTF-8 text file (a byte-order mark is allowed) and return its text."""
    if path == "-":
        data = read_stdin()
        display = "<stdin>"
    else:
        display = path
        if not os.path.exists(path):
            raise FtdslError(Diagnostic("E001", f"{what} '{path}' does not exist", hint="check the path and the spelling"))
        if os.path.isdir(path):
            raise FtdslError(Diagnostic("E002", f"'{path}' is a folder, not a {what}", hint=f"give the path of a {what} inside it"))
        try:
            with open(path, "rb") as handle:
                data = read_bounded(handle, path, what)
        except OSError as error:
            raise FtdslError(Diagnostic("E003", f"cannot read {what} '{path}': {error.strerror}")) from None
    return decode_text(data, display, what)


# Documents people save or attach instead of plain text, by their first bytes.
_DOCUMENT_KINDS = (
    (b"%PDF", "a PDF document", "copy the agreement's text out of the PDF into a plain-text file (UTF-8)"),
    (b"PK\x03\x04", "a Word document (.docx) or other zipped file",
     "in Word, use Save As and choose 'Plain Text (.txt)' with the encoding UTF-8"),
    (b"\xd0\xcf\x11\xe0", "an old Word document (.doc)",
     "in Word, use Save As and choose 'Plain Text (.txt)' with the encoding UTF-8"),
    (b"{\\rtf", "a rich-text document (.rtf)", "save it as plain text (UTF-8) instead of rich text"),
)

# Bytes that are not UTF-8 but are common in Windows-1252 (Word's "ANSI"),
# named so the message says what the character probably was.
_WINDOWS_1252 = {0x91: "‘", 0x92: "’", 0x93: "“", 0x94: "”", 0x96: "–", 0x97: "—", 0x85: "…", 0xa3: "£", 0xa0: "a non-breaking space",
                 0xa7: "§", 0xe9: "é", 0x80: "€", 0xbd: "½"}


def describe_byte(byte: int, where: str = "", saved_by: str = "Word") -> str:
    """A byte that is not UTF-8 as a message names it: "0xa3, probably £ saved by Word or Windows as 'ANSI'"
    (`where` goes after the number: " in 'rep'")."""
    guess = _WINDOWS_1252.get(byte)
    return f"0x{byte:02x}{where}" + (f", probably {guess} saved by {saved_by} or Windows as 'ANSI'" if guess else "")


def decode_text(data: bytes, display: str, what: str = "file") -> str:
    """Decode bytes as UTF-8, pointing at the first bad byte if it is not."""
    for magic, kind, hint in _DOCUMENT_KINDS:
        if data.startswith(magic):
            raise FtdslError(Diagnostic("E004", f"'{display}' is {kind}, not a text {what}", Span(display, 1, 1), hint=hint))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FtdslError(Diagnostic("E005", f"'{display}' is saved as UTF-16, not UTF-8", Span(display, 1, 1),
                                    hint="save the file as UTF-8; most editors offer it under 'Save as' or 'Encoding'"))
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
        raise FtdslError(Diagnostic("E005", f"'{display}' is not valid UTF-8 text (byte {describe_byte(data[error.start])})",
                                    Span(display, line, column),
                                    hint="save the file as UTF-8; most editors offer it under 'Save as' or 'Encoding'")) from None
    if text.startswith(BYTE_ORDER_MARK):
        text = text[1:]
    return text


def ruleset_paths(paths) -> list[str]:
    """Files as given, and every *.ftr file under each folder (sorted); FtdslError for a folder with none."""
    found = []
    for path in paths:
        if os.path.isdir(path):
            inside = sorted(os.path.join(folder, name) for folder, subfolders, names in os.walk(path)
                            for name in names if name.endswith(".ftr") and not name.startswith("."))
            if not inside:
                raise FtdslError(Diagnostic("E001", f"there are no rulesets (.ftr files) in the folder '{path}'",
                                            hint="give a ruleset file, or a folder that holds some"))
            found.extend(inside)
        else:
            found.append(path)
    return list(dict.fromkeys(found))
