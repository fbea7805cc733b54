"""Reading logs: a log file (CSV or JSON Lines) in, its rows out as lists of cell text in the columns' order.

Each row is read as a scenario's values would be (scenario.py's readers:
numbers exactly, a key given once), with the fields each column means
(`Layout`). A row that cannot be read is a `BadRow` carrying its error,
so the rest of the log is read on; a log that cannot be read at all (no
header, a spreadsheet, a PDF) is a LogError. Bytes that are not UTF-8 are
that row's error, at its own line (see the section below). batch.py
decides the rows.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import json
import re
from decimal import Decimal

from .scenario import (QUANTITY_KEYS, is_text, json_decimal, json_int, name_key, number_from_text, refuse_repeated_keys,
                       repeated_names, suggest)

_WHOLE = re.compile(r"[0-9]+\Z")


class LogError(Exception):
    """A problem with the log as a whole (its header, its format): message, line, hint, and its error code
    (E301 unless another is said)."""

    def __init__(self, message, line=0, hint=None, code="E301"):
        super().__init__(message)
        self.message = message
        self.line = line
        self.hint = hint
        self.code = code


# ---- naming columns as HR has them ------------------------------------------------

# The columns of a log that say what happened to a request, which deciding it does not read (report.py does).
GRANTED = "granted hours"
PAID = "paid"
COLUMNS_FILE_SUFFIX = ".columns"  # the column names file beside a log or a roster: LOG.csv.columns


class ColumnNames:
    """How a file's own column names map to the names ftdsl reads: `renamed` (given name key -> the name meant)
    and `ignored` (name keys of columns to pass over), from --columns, --ignore-columns and a columns file.

    >>> names = ColumnNames.parse("Type=category, Notice (days) = notice days", "Employee No")
    >>> names.meant("type"), names.meant("employee no"), names.meant("date")
    ('category', None, 'date')
    """

    def __init__(self, renamed=None, ignored=()):
        self.renamed = dict(renamed or {})
        self.ignored = set(ignored)
        self.used = set()  # the given names met in a header, to say which of the mapping no file has

    @classmethod
    def parse(cls, columns="", ignore="", where="--columns"):
        """From the texts of --columns ('Given=meant, ...') and --ignore-columns ('Given, ...'); LogError (E311)
        for an entry without '=' or naming nothing."""
        renamed = {}
        for entry in _entries(columns):
            given, equals, meant = entry.partition("=")
            if not equals or not given.strip() or not meant.strip():
                raise LogError(f"{where}: '{entry}' is not 'column in the file=column ftdsl reads'", 0,
                               "for example --columns 'Type=category,Notice (days)=notice days'", code="E311")
            renamed[name_key(given)] = name_key(meant)
        return cls(renamed, {name_key(entry) for entry in _entries(ignore)})

    @classmethod
    def beside(cls, path):
        """The columns file beside `path` (path + COLUMNS_FILE_SUFFIX), or an empty mapping when there is none.

        One entry a line: `given = meant`, or `ignore: given, given`; `#` starts a comment."""
        side = path + COLUMNS_FILE_SUFFIX
        try:
            with open(side, encoding="utf-8-sig") as handle:
                lines = handle.read().splitlines()
        except (OSError, UnicodeDecodeError):
            return cls()
        renamed, ignored = [], []
        for text in lines:
            text = text.split("#", 1)[0].strip()
            if not text:
                continue
            head, colon, rest = text.partition(":")
            if colon and name_key(head) == "ignore" and "=" not in text:
                ignored.append(rest)
            else:
                renamed.append(text)
        return cls.parse(",".join(renamed), ",".join(ignored), side)

    def merged(self, other):
        """This mapping with `other`'s entries added where this one says nothing of the column."""
        return ColumnNames({**other.renamed, **self.renamed}, self.ignored | (other.ignored - set(self.renamed)))

    def meant(self, key):
        """The name ftdsl reads for a header's column (its name key), or None for a column to pass over."""
        if key in self.ignored:
            self.used.add(key)
            return None
        if key in self.renamed:
            self.used.add(key)
            return self.renamed[key]
        return key

    def unused(self):
        """The given names of the mapping that no header read so far had."""
        return sorted((set(self.renamed) | self.ignored) - self.used)


def _entries(text):
    return [entry.strip() for entry in (text or "").split(",") if entry.strip()]


def close_name(key, known):
    """A hint naming a known column close to `key` (closer than suggest asks: a column misspelt, not any
    column sharing a word: 'employee no' is not 'employed by council'), or None."""
    import difflib

    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.8)
    return f"'{close[0]}'" if close else None


def unknown_columns_error(unknown, where, known, what="log"):
    """One LogError naming every unknown column of a header at once (`unknown`: the names as given, with their
    name keys), each with the close name meant where there is one."""
    listed = f"the {what}'s columns: " + ", ".join(sorted(known))
    if len(unknown) == 1:
        given, key = unknown[0]
        close = close_name(key, known)
        return LogError(f"unknown column '{given}'", where, f"did you mean {close}?" if close else
                        "name it as the ruleset does, map it with --columns 'Given=meant', or pass it over with "
                        f"--ignore-columns; {listed}")
    described = []
    for given, key in unknown:
        close = close_name(key, known)
        described.append(f"'{given}'" + (f" (did you mean {close}?)" if close else ""))
    return LogError(f"unknown columns {', '.join(described)}", where,
                    f"name each column as the ruleset does, map it with --columns 'Given=meant', or pass it over "
                    f"with --ignore-columns; {listed}")


# ---- the columns a log may have --------------------------------------------------

class Layout:
    """What each field of a log means for one ruleset: the known field names and their kinds."""

    def __init__(self, program):
        vocabulary = program.vocabulary
        self.kinds = {"rep": ("rep",), "id": ("id",), "date": ("date",), "category": ("category",),
                      "notice days": ("notice",), "in working hours": ("in hours",),
                      "note": ("ignore",), "comment": ("ignore",), GRANTED: ("ignore",), PAID: ("ignore",)}
        for unit in QUANTITY_KEYS:
            self.kinds[unit] = ("quantity", unit)
        for name, fact in vocabulary.facts.items():
            self.kinds.setdefault(name, ("fact", fact.type))
        for name, fact in vocabulary.request_facts.items():
            self.kinds.setdefault(name, ("request fact", fact.type))
        for name in vocabulary.state_fields:
            self.kinds.setdefault(name, ("state",))

    def columns(self, names, where, mapping=None):
        """Canonical field names for a header's column names, renamed or passed over as `mapping` (a
        ColumnNames) says (a column passed over is named IGNORED_PREFIX and its own text); LogError
        for a repeated column, or one naming every unknown column."""
        columns = []
        unknown = []
        for given in names:
            key = name_key(given)
            meant = key if mapping is None else mapping.meant(key)
            if meant is None:
                # Named as its own text and of no kind: every reader of the columns passes it over.
                self.kinds[IGNORED_PREFIX + given] = ("ignore",)
                columns.append(IGNORED_PREFIX + given)
                continue
            if meant not in self.kinds:
                unknown.append((given, key))
                continue
            if meant in columns:
                raise LogError(f"the column '{given}' appears twice", where)
            columns.append(meant)
        if unknown:
            raise unknown_columns_error(unknown, where, self.kinds)
        for required in ("rep", "date", "category"):
            if required not in columns:
                raise LogError(f"the log has no '{required}' column", where,
                               "the columns are rep, id, date, category, hours (or days, half days) and the facts")
        if not any(c in QUANTITY_KEYS for c in columns):
            raise LogError("the log has no 'hours', 'days' or 'half days' column", where)
        return columns


IGNORED_PREFIX = "\0ignored "  # begins the name of a column passed over (no name key begins with a NUL)


def cell_value(text, kind):
    """A CSV cell's text as the JSON value a scenario would hold (invalid text is passed on to be reported)."""
    what = kind[0]
    if what == "in hours":
        key = name_key(text)
        return key in ("yes", "true") if key in ("yes", "no", "true", "false") else text
    if what == "notice":
        return _whole_number(text)
    if what in ("fact", "request fact"):
        type_name = kind[1]
        if type_name == "count":
            return _whole_number(text)
        if type_name in ("number", "hours"):
            # Exactly as written, and only the digits 0-9: float() would read "1_1" and "١١" as 11.
            number = number_from_text(text)
            return text if number is None else number
        if type_name == "list of roles":
            return [role.strip() for role in text.split(";") if role.strip()]
    return text


def _whole_number(text):
    """A cell of whole-number digits as the int they say (as a Decimal past what int() reads from text, which
    validation refuses as far too large); any other text as it is, to be reported."""
    digits = text.strip()
    if not _WHOLE.match(digits):
        return text
    return int(digits) if len(digits) <= 18 else Decimal(digits)


def shortened(text, most=40):
    return text if len(text) <= most else f"{text[:20]}... ({len(text):,} characters)"


def _json_cell(value):
    """A JSON Lines value as CSV cell text, so both formats take one path."""
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):  # a number as written (scenario.json_decimal), without an exponent where small
        return format(value, "f") if value.is_finite() and abs(value.adjusted()) < 30 else str(value)
    return str(value)


# ---- bytes that are not UTF-8 -----------------------------------------------------
#
# A log is decoded with the error handler registered here rather than
# "strict", so that one row saved in another encoding (a Windows-1252 'é' in a
# name) is an error for that row, at its own line, and not the end of the run.
# Each byte that is not UTF-8 becomes a NUL followed by the byte as a lone
# surrogate (as "surrogateescape" writes it; no UTF-8 text decodes to one).
# The NUL finds the row at no cost to the others: a CSV line holding one
# already leaves the fast path for the csv module (CsvRows.quoted), and a
# JSON line holding one is not valid JSON. Only there are surrogates looked for.

NOT_UTF8 = "ftdsl-log-not-utf8"  # the error handler's name
_ESCAPED = re.compile("[\udc00-\udcff]")  # a byte that is not UTF-8, as a lone surrogate
_SHOWN = re.compile("\0?[\udc00-\udcff]")  # the same with its NUL, as the output shows it (U+FFFD)
_MARK_NUL = re.compile("\0(?=[\udc00-\udcff])")


def _mark_not_utf8(error):
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return "".join("\0" + chr(0xDC00 + byte) for byte in error.object[error.start:error.end]), error.end


codecs.register_error(NOT_UTF8, _mark_not_utf8)


def _byte_text(escaped, where=""):
    """A byte escaped as a lone surrogate as a message shows it: 0xe9{where}, probably é saved by ... 'ANSI'."""
    from .source import describe_byte

    return describe_byte(ord(escaped) - 0xDC00, where, saved_by="Excel")


def _not_utf8_row(fields, line, hint):
    """A BadRow for a row whose fields ((column name or None, text) pairs, the names None when the row could not
    be matched to the columns) hold a byte that is not UTF-8; None when none does (a NUL is then only a NUL)."""
    fields = list(fields)
    for name, text in fields:
        found = _ESCAPED.search(text)
        if found is not None:
            break
    else:
        return None
    cells = ("", "", "")
    if name is not None:
        shown = {key: _SHOWN.sub("\ufffd", value) for key, value in fields if key in ("rep", "id", "date")}
        cells = (shown.get("rep", ""), shown.get("id") or str(line), shown.get("date", ""))
    byte = _byte_text(found.group(), f" in '{name}'" if name else "")
    return BadRow(f"the row is not valid UTF-8 text (byte {byte})", hint, cells)


def _refuse_not_utf8(text, line=1):
    """LogError for a log whose header (or, in JSON Lines, whose first line, not a JSON object) is not UTF-8."""
    found = _ESCAPED.search(text)
    if found is not None:
        raise LogError(f"the log is not valid UTF-8 text (byte {_byte_text(found.group())})", line,
                       "save the log as UTF-8 (in Excel: Save As, 'CSV UTF-8')")


# Files people give instead of a text log, by their first bytes.
SNIFF_BYTES = 1 << 16
_SAVE_AS_CSV = "in Excel, use Save As and choose 'CSV UTF-8 (Comma delimited)'"
_DOCUMENTS = (
    (b"%PDF", "a PDF document", "export the requests as CSV (UTF-8) from the system that made the PDF"),
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or other zipped file", _SAVE_AS_CSV),
    (b"\xd0\xcf\x11\xe0", "an old Excel or Word file (.xls, .doc)", _SAVE_AS_CSV),
    (b"{\\rtf", "a rich-text document (.rtf)", "save it as plain text (UTF-8)"),
)


def refuse_non_text(head, what="log"):
    """LogError for a log (or a roster, `what`) that is not text at all, from its first bytes: a document,
    UTF-16, or a first line holding NUL bytes (a NUL further on is only a NUL in a cell, read as the csv module
    reads it); and for a log that is a scenario, one JSON object of facts and requests (refuse_scenario)."""
    formats = "CSV or JSON Lines" if what == "log" else "CSV"
    for magic, kind, hint in _DOCUMENTS:
        if head.startswith(magic):
            raise LogError(f"the {what} is {kind}, not a text file ({formats})", 1, hint)
    first = re.split(b"[\r\n]", head, maxsplit=1)[0]
    # UTF-16 without a byte-order mark: English text has a NUL every other byte, and only there.
    utf16 = len(first) >= 4 and any(b"\0" not in first[text::2] and not first[1 - text::2].strip(b"\0")
                                    for text in (0, 1))
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or utf16:
        raise LogError(f"the {what} is saved as UTF-16, not UTF-8", 1,
                       f"save the {what} as UTF-8 (in Excel: Save As, 'CSV UTF-8')")
    if b"\0" in first:
        raise LogError(f"the {what} looks like a binary file, not text (its first line holds NUL bytes)", 1,
                       "give a CSV or JSON Lines file of requests, saved as UTF-8 text" if what == "log" else
                       "give a CSV file, one row a person, saved as UTF-8 text")
    if what == "log":
        refuse_scenario(head)


def looks_like_scenario(head):
    """Whether the first bytes of a file are a scenario (one JSON object, written over several lines or holding
    'requests' or 'facts') rather than a log: JSON Lines holds one whole object a line, each a request."""
    text = head.decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    if not text.startswith("{"):
        return False
    first = text.split("\n", 1)[0].strip()
    try:
        data = json.loads(first)
    except ValueError:
        return True  # an object that does not end on its first line: a pretty-printed scenario, not JSON Lines
    return isinstance(data, dict) and ("requests" in data or "facts" in data or "taken" in data)


def refuse_scenario(head):
    """LogError for a scenario given where a log is read (`ftdsl run RULESET s.csv`, `ftdsl ask --history`),
    saying which commands take it."""
    if looks_like_scenario(head):
        raise LogError("this is a scenario (one JSON object of facts and requests), not a log of requests one a row",
                       1, "a scenario is decided by 'ftdsl run RULESET SCENARIO.json' and explained by 'ftdsl "
                          "explain RULESET SCENARIO.json' (named .json, or given without --input-format)")


# ---- reading logs ----------------------------------------------------------------

class CsvRows:
    """Rows of a CSV log as lists of cell text, with `line_num` (the line the last row ended on, counted as
    the csv module counts) and the header's columns.

    Most lines of a log hold no quote: for such a line, splitting on commas
    gives exactly the cells the csv module gives (its excel dialect treats
    nothing else specially, and a line read with newline="" ends at its only
    line break), in about half the time. A line with a quote, a NUL or more
    characters than the csv module's field limit goes to a csv reader, which
    reads as many lines as the record spans and raises its own errors. A byte
    that is not UTF-8 comes with a NUL (see _mark_not_utf8), so its line goes
    there too, and such a record is returned as a BadRow.
    """

    def __init__(self, handle, layout, name, mapping=None):
        self.handle = handle
        self.lines = _Lines(handle)
        self.reader = csv.reader(self.lines)
        try:
            header = next(self.reader)
        except StopIteration:
            raise LogError("the log is empty: it needs a header row naming its columns", 1) from None
        except csv.Error as error:
            raise LogError(f"the header is not valid CSV: {error}", 1) from None
        self.line_num = self.reader.line_num
        if any("\0" in name for name in header):
            _refuse_not_utf8("".join(header))
        self.columns = layout.columns(header, 1, mapping)
        self.width = len(self.columns)

    def __iter__(self):
        limit = csv.field_size_limit()
        for line in self.handle:
            if '"' in line or "\0" in line or len(line) > limit:
                yield self.quoted(line, self.line_num)
                continue
            self.line_num += 1
            line = line.rstrip("\r\n")
            yield line.split(",") if line else []  # the csv module reads a blank line as no cells

    def quoted(self, line, line_num):
        """The record the csv module reads starting with `line`, which follows line `line_num`; sets `line_num`
        to the line the record ends on (also when the csv module raises)."""
        self.lines.back = line  # the reader starts from this line
        before = self.reader.line_num
        try:
            row = next(self.reader)
        except csv.Error as error:
            # That record's error, not the log's: the reader goes on at the next line.
            if "field larger than field limit" in str(error):
                return BadRow(f"a cell is longer than {csv.field_size_limit():,} characters",
                               "a cell holds one value: check for a quote that is never closed")
            return BadRow(f"the row is not valid CSV: {error}", "check the row's quotes")
        finally:
            self.line_num = line_num + self.reader.line_num - before
        if "\0" in line or self.reader.line_num - before > 1:  # perhaps a byte that is not UTF-8
            bad = _not_utf8_row(zip(self.columns if len(row) == self.width else itertools.repeat(None), row),
                                self.line_num, "save the log as UTF-8 (in Excel: Save As, 'CSV UTF-8')")
            if bad is not None:
                return bad
        return row


class _Lines:
    """A text stream's lines for a csv reader, with one line put back (`back`) to be read first."""

    def __init__(self, handle):
        self.handle = handle
        self.back = None

    def __iter__(self):
        return self

    def __next__(self):
        line = self.back
        if line is None:
            return next(self.handle)
        self.back = None
        return line


class JsonRows:
    """Rows of a JSON Lines log, each made into a list of cell text over every field the ruleset knows."""

    def __init__(self, handle, layout, name, mapping=None):
        self.handle = handle
        self.layout = layout
        self.mapping = mapping
        self.columns = list(layout.kinds)
        self.slots = {name: index for index, name in enumerate(self.columns)}
        self.width = len(self.columns)
        self.line_num = 0
        self.keys = {}

    def __iter__(self):
        return self

    def __next__(self):
        while True:
            text = self.handle.readline()
            if not text:
                raise StopIteration
            self.line_num += 1
            if text.strip():
                break
        try:
            # Numbers as written (not through binary floats), and a key given twice refused, as in a scenario.
            data = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=refuse_repeated_keys,
                              parse_float=json_decimal, parse_int=json_int)
        except ValueError as error:
            if "\0" in text:  # perhaps a byte that is not UTF-8 (see _mark_not_utf8)
                bad = self._not_utf8(text)
                if bad is not None:
                    return bad
            return BadRow(f"not valid JSON: {getattr(error, 'msg', error)}", "each line is one JSON object")
        if not isinstance(data, dict):
            return BadRow("each line must be a JSON object of fields", '{"rep": "R1", "date": "2026-04-01", ...}')
        clash = repeated_names(data)
        if clash is not None:
            return BadRow(f"'{clash[0]}' and '{clash[1]}' are the same field, given twice", "give each field once")
        row = [""] * self.width
        for given, value in data.items():
            if isinstance(value, str) and not is_text(value):
                return BadRow(f"the field '{given}' is not valid text (it holds a lone surrogate)",
                               "write the text itself, not an escape such as \\ud800")
            slot = self.keys.get(given)
            if slot is None:
                key = name_key(given)
                if self.mapping is not None:
                    key = self.mapping.meant(key)
                    if key is None:  # a field passed over
                        self.keys[given] = -1
                        continue
                if key not in self.slots:
                    return BadRow(f"unknown field '{given}'", suggest(key, self.slots))
                slot = self.keys[given] = self.slots[key]
            if slot >= 0:
                row[slot] = _json_cell(value)
        return row

    def _not_utf8(self, text):
        """A BadRow for a line holding a byte that is not UTF-8, or None. A first line that is not even meant
        as a JSON object (a binary file, say) is a LogError: the log is not text."""
        if _ESCAPED.search(text) is None:
            return None
        if self.line_num == 1 and not text.lstrip().startswith("{"):
            _refuse_not_utf8(text)
        fields = [(None, text)]
        try:
            data = json.loads(_MARK_NUL.sub("", text), parse_constant=_reject_constant)
        except ValueError:
            data = None
        if isinstance(data, dict):
            fields = [(name_key(given), _json_cell(value)) for given, value in data.items()]
            if not any(_ESCAPED.search(value) for _, value in fields):
                fields = [(None, text)]  # the byte is in a field's name
        return _not_utf8_row(fields, self.line_num, "save the log as UTF-8")


class BadRow(list):
    """A row that could not be read at all; it carries its problem, its error code (None: E301), and the rep, id
    and date to show (empty when the row could not be matched to the columns)."""

    def __init__(self, message, hint=None, cells=("", "", ""), code=None):
        super().__init__()
        self.message = message
        self.hint = hint
        self.cells = cells
        self.code = code


def _reject_constant(name):
    raise ValueError(f"{name} is not a number JSON allows")
