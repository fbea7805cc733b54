"""Parsing: .ftr text in, a Lark parse tree (with positions) and comments out.

The grammar is grammar/ftr.lark; its LALR tables are shipped beside it in
ftr.tables.json (rebuilt with `python -m ftdsl.parser`), so a run loads
them instead of building them. Indented lines continue the rule above
them; the postlexer here turns indentation into _INDENT/_DEDENT tokens.
Syntax errors are reported together, as one FtdslError: each with its
line, a caret and what to write instead, reading on after each from the
next statement (see parse_tree), up to MAX_SYNTAX_ERRORS of them.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import unicodedata

import attrs
import lark
from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from .errors import Diagnostic, FtdslError, Span, source_lines
from .installation import grammar_folder
from .names import JOINER, mark_declared_names, unmarked
from .nodes import LOOKALIKES, script


@attrs.frozen
class Comment:
    """A '#' comment: where it is and whether it has its line to itself."""

    line: int
    column: int
    text: str
    own_line: bool


class _BlockIndenter(lark.lark.PostLex):
    """Turns line indentation into _INDENT/_DEDENT tokens.

    Rules have one level of continuation lines, so any indentation deeper
    than zero opens the block and a return to column one closes it. Being
    lenient here is deliberate: text pasted from Word mixes tabs, spaces and
    non-breaking spaces, and none of that should be a syntax error.
    """

    always_accept = ("_NL",)

    def process(self, stream):
        in_block = False
        last = None
        for token in stream:
            last = token
            if token.type != "_NL":
                yield token
                continue
            yield token
            # The line after the token's last line break; found without copying
            # the token, which holds every blank line of a run of them.
            value = token.value
            last_line = value[max(value.rfind("\n"), value.rfind("\r")) + 1:]
            indented = bool(last_line) and not last_line.lstrip(" \t\u00a0").startswith("#") and last_line[:1] in " \t\u00a0"
            if indented and not in_block:
                in_block = True
                # Point at the indented line itself, not at the newline before it.
                yield Token("_INDENT", last_line, start_pos=token.end_pos, line=token.end_line, column=1,
                            end_line=token.end_line, end_column=len(last_line) + 1, end_pos=token.end_pos)
            elif not indented and in_block:
                in_block = False
                yield Token.new_borrow_pos("_DEDENT", "", token)
        if in_block:
            yield Token("_DEDENT", "", line=getattr(last, "end_line", 1), column=1)


class _SplitScanner(lark.lexer.Scanner):
    """Lark's scanner for one parser state, in two regular expressions instead of one.

    The contextual lexer compiles one alternation of the terminals a state
    accepts, in a fixed order, for each state it meets: about 80 for a
    typical ruleset, and compiling them was most of the time of a first
    parse. Nearly all of each came from its leading regular-expression
    terminals (the newline, ignored spaces and comments, names, numbers,
    quotes), which recur in the same few combinations in every state. Here
    that leading run is one expression, compiled once per combination
    (Python's re module keeps compiled patterns by their text), and the
    state's keywords and punctuation are a second, short one.

    Matching is unchanged: Lark already splits a long alternation into
    expressions tried in order (for Python's limit on named groups), and the
    first terminal in the order that matches wins either way.
    """

    def _build_mres(self, terminals, max_size):
        head = 0
        while head < len(terminals) and isinstance(terminals[head].pattern, lark.lexer.PatternRE):
            head += 1
        mres = []
        for part in (terminals[:head], terminals[head:]):
            if part:
                mres += super()._build_mres(part, min(max_size, len(part)))
        return mres


class _StateLexer(lark.lexer.BasicLexer):
    """Lark's lexer for one parser state, with a _SplitScanner. (ftdsl gives
    Lark no lexer callbacks; the only callbacks are Lark's own, which tell a
    keyword from a name.)"""

    def _build_scanner(self):
        terminals, self.callback = lark.lexer._create_unless(self.terminals, self.g_regex_flags, self.re,
                                                             self.use_bytes)
        self._scanner = _SplitScanner(terminals, self.g_regex_flags, self.re, self.use_bytes)
        return self._scanner  # Lark 1.1 reads self._scanner, later versions the value returned


class _ContextualLexer(lark.lexer.ContextualLexer):
    """Lark's contextual lexer, given to Lark through its plugin option, with a _StateLexer per state."""

    BasicLexer = _StateLexer


def _read_grammar_file(name: str) -> str:
    """The text of a file in the grammar folder (OSError if it cannot be read)."""
    with open(os.path.join(grammar_folder(), name), encoding="utf-8") as handle:
        return handle.read()


@functools.cache
def _grammar_text() -> str:
    """The text of ftr.lark."""
    return _read_grammar_file("ftr.lark")


# ---- the parser and its shipped tables -------------------------------------

# The options that decide the LALR tables. The shipped tables record them,
# so changing one here makes the tables stale just as editing the grammar does.
_TABLE_OPTIONS = {
    "parser": "lalr",  # linear time, and conflicts in the grammar are caught when it is built
    "lexer": "contextual",  # a name may use any word that is not a keyword where it stands
    "maybe_placeholders": False,
}

# Building the LALR tables from ftr.lark takes about 0.1 s (it was most of a
# cold `ftdsl run`); loading them from this file takes about 10 ms. It is
# JSON (Lark's own serialized form), not a pickle, so that nothing shipped in
# the package is executable data. `python -m ftdsl.parser` rewrites it.
TABLES_FILE = "ftr.tables.json"
TABLES_FORMAT = "ftdsl-parser-tables 1"
REGENERATE_COMMAND = "python -m ftdsl.parser"


def _runtime_options() -> dict:
    """Options Lark does not store with the tables, given both when building and when loading."""
    return {
        "postlex": _BlockIndenter(),
        "propagate_positions": True,  # every AST node gets its span from here
        "_plugins": {"ContextualLexer": _ContextualLexer},
    }


def tables_key(grammar: str) -> dict:
    """What shipped tables must have been built from to be used: the grammar's
    SHA-256, the Lark version (its serialized form is Lark's own) and the options."""
    return {
        "format": TABLES_FORMAT,
        "grammar_sha256": hashlib.sha256(grammar.encode("utf-8")).hexdigest(),
        "lark": lark.__version__,
        "options": _TABLE_OPTIONS,
    }


def _build_parser(grammar: str) -> lark.Lark:
    """A Lark parser built from grammar text."""
    return lark.Lark(grammar, **_TABLE_OPTIONS, **_runtime_options())


def build_tables(grammar: str) -> str:
    """The text of the tables file for grammar text: its key, then Lark's serialized parser.

    The same grammar, options and Lark version always give the same text.
    """
    from lark.grammar import Rule
    from lark.lexer import TerminalDef

    data, memo = _build_parser(grammar).memo_serialize([TerminalDef, Rule])
    # Like Lark.save: options given again at load time are not stored (the
    # postlexer is an object; Lark's cache path is this machine's).
    data["options"] = {name: value for name, value in data["options"].items()
                       if name not in lark.lark._LOAD_ALLOWED_OPTIONS and name != "cache"}
    data["parser"]["parser"] = _canonical_table(data["parser"]["parser"])
    document = {**tables_key(grammar), "generated_by": REGENERATE_COMMAND, "data": data, "memo": memo}
    return json.dumps(document, ensure_ascii=False, indent=0) + "\n"


def _canonical_table(table: dict) -> dict:
    """A serialized LALR table with its states renumbered breadth-first from the
    start state and each state's actions ordered by symbol name.

    Lark numbers states in set-iteration order, which follows the string hash
    seed; renumbering makes the shipped file the same on every build, so it
    can be compared with a fresh one.
    """
    names = table["tokens"]  # Lark's number for each symbol -> its name
    states = table["states"]  # state -> {symbol number: (0, next state) | (1, rule)}
    SHIFT = 0

    def by_name(actions):
        return sorted(actions.items(), key=lambda item: names[item[0]])

    numbering: dict[int, int] = {}
    queue = [table["start_states"][start] for start in sorted(table["start_states"])]
    for state in queue:  # the queue grows as it is walked
        if state not in numbering:
            numbering[state] = len(numbering)
            queue.extend(arg for _, (action, arg) in by_name(states[state]) if action == SHIFT)
    assert len(numbering) == len(states), "every state is reached from a start state"
    symbols = {name: number for number, name in enumerate(sorted(names.values()))}
    return {
        "tokens": {number: name for name, number in symbols.items()},
        "states": {numbering[state]: {symbols[names[symbol]]: (action, numbering[arg] if action == SHIFT else arg)
                                      for symbol, (action, arg) in by_name(states[state])}
                   for state in sorted(states, key=numbering.__getitem__)},
        "start_states": {start: numbering[state] for start, state in table["start_states"].items()},
        "end_states": {start: numbering[state] for start, state in table["end_states"].items()},
    }


def _load_tables(text: str, grammar: str) -> lark.Lark | None:
    """The parser from a tables file's text, or None when it was built from
    another grammar, Lark version or options (or cannot be read)."""
    try:
        document = json.loads(text)
    except ValueError:
        return None
    if not isinstance(document, dict) or any(document.get(name) != value for name, value in tables_key(grammar).items()):
        return None
    data, memo = document["data"], document["memo"]
    # JSON keys are strings. Lark looks up states and memo entries by the
    # numbers stored in the file's values, so those two need integer keys
    # again; a state's symbol numbers are only matched against the table's
    # own list of symbols, where both sides are strings alike.
    table = data["parser"]["parser"]
    table["states"] = {int(state): actions for state, actions in table["states"].items()}
    memo = {int(number): item for number, item in memo.items()}
    # _load_from_dict is how Lark's standalone parsers load these tables.
    return lark.Lark._load_from_dict(data, memo, **_runtime_options())


def _shipped_parser(grammar: str) -> lark.Lark | None:
    """The parser from the tables shipped beside ftr.lark, or None when they are missing or stale."""
    try:
        text = _read_grammar_file(TABLES_FILE)
    except OSError:
        return None
    try:
        return _load_tables(text, grammar)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None  # a damaged file costs the time to build the tables, nothing else


@functools.cache
def _parser() -> lark.Lark:
    """The parser: from the shipped tables when they match ftr.lark, else built.

    Never from Lark's own cache: that is a pickle, and a pickle planted in
    a cache folder runs code when it is loaded (docs/security.md). Building
    costs about a second, once per process, and only on a Lark other than
    the one the shipped tables were made with.
    """
    grammar = _grammar_text()
    return _shipped_parser(grammar) or _build_parser(grammar)


# How many syntax errors one file reports. Past this many, the rest of the
# file is not read: fifty problems are more than anyone fixes in one go, and
# a file that is not a ruleset at all (a pasted document) would otherwise
# give one error for each of its lines.
MAX_SYNTAX_ERRORS = 50


def parse_tree(text: str, file: str = "<ruleset>") -> lark.Tree:
    """Parse .ftr text into a Lark tree, or raise FtdslError with every syntax
    error in it (up to MAX_SYNTAX_ERRORS), in the order of the file.

    After an error, reading starts again at the next statement: the next
    line that starts in the first column and is not a comment, after the
    failing statement's own indented lines. Statements may come in any
    order (the grammar is `statement*`), so the parser starts afresh there,
    without reading the file from the beginning again: each part of the
    file is read once. Only syntax errors are reported then; the builder's
    and the checker's would be about a ruleset with statements missing (a
    table whose rows did not read has no rows; a name a broken line was to
    declare is undeclared).
    """
    text = _ended(text)
    if JOINER in text:
        raise FtdslError(_joiner_in_text(text, file), {file: text})
    marked = mark_declared_names(text)
    try:
        return _parser().parse(marked)
    except UnexpectedInput as error:
        first = error
    except RecursionError:
        raise _too_deep(text, file) from None
    raise FtdslError(_syntax_errors(first, marked, file, text), {file: text})


def _joiner_in_text(text: str, file: str) -> Diagnostic:
    """E102 for the private-use character that marks declared names (names.JOINER), found in the text itself."""
    at = text.index(JOINER)
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    return Diagnostic("E102", "unexpected character U+E000 (a private-use character)", Span(file, line, column),
                      hint="an invisible character from another program is here: delete it")


def _ended(text: str) -> str:
    """The text ending in a newline: the last statement ends at one like every other."""
    return text if text.endswith("\n") else text + "\n"


def _too_deep(text: str, file: str) -> FtdslError:
    return FtdslError(Diagnostic("E199", "the rule is nested too deeply to read", Span(file, 1, 1),
                                 hint="split the condition into simpler rules"), {file: text})


# Where a statement starts: after a line break, a character that is not
# indentation (the postlexer's), a comment or another line break.
_STATEMENT_START = re.compile(r"(?:\r\n|\n|\r)(?=[^\t \u00a0#\r\n])")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)?")
_RULE_START = re.compile(r"[\t \u00a0]*(?:\u00a7|clause[\t \u00a0]+[0-9IVXivx\"\u201c]"
                         r"|(?:schedule|appendix|annex|part|section)[\t \u00a0]+[0-9IVXivx])", re.IGNORECASE)
# How many lines after an unclosed quotation may hold its end (see _quotation_end).
_WRAPPED_QUOTATION_LINES = 10


def _syntax_errors(error: UnexpectedInput, text: str, file: str, written: str) -> list[Diagnostic]:
    """A diagnostic for the first error and for each one after it, reading
    on from the next statement after each, up to MAX_SYNTAX_ERRORS. `text`
    is what was parsed (declared names marked), `written` the file's own
    text, which the messages quote."""
    diagnostics = []
    part, line = 0, 1  # where the part of the text being read starts, and its line
    while True:
        diagnostics.append(_syntax_diagnostic(error, written, file))
        at = _error_position(error, text)
        if isinstance(error, UnexpectedCharacters) and text[at:at + 1] in ('"', "\u201c"):
            at = _quotation_end(text, at)
        following = _STATEMENT_START.search(text, at)
        if following is None or len(diagnostics) >= MAX_SYNTAX_ERRORS:
            return diagnostics
        line += text.count("\n", part, following.end())
        part = following.end()
        try:
            _parse_from(text, part, line)
        except UnexpectedInput as later:
            error = later
        except RecursionError:
            raise _too_deep(text, file) from None
        else:
            return diagnostics


def _quotation_end(text: str, opening: int) -> int:
    """Where a quotation not closed on its own line ends, when the lines
    after it are its words wrapped (as text pasted from a document is)
    rather than statements: the position of its closing mark on one of the
    next few lines, none of them starting a rule or holding a quotation of
    its own. Otherwise the opening mark itself: reading goes on at the next
    statement as after any error, and no real statement is skipped in
    search of a quotation mark."""
    closing = "\u201d" if text[opening] == "\u201c" else '"'
    position = _LINE.match(text, opening).end()
    for _ in range(_WRAPPED_QUOTATION_LINES):
        match = _LINE.match(text, position)
        if not match.group() or _RULE_START.match(match.group()):
            break
        words = match.group()
        found = words.find(closing)
        if found >= 0:
            # A line with a whole quotation of its own ('agreement "..."') is a statement, not the end of this one.
            whole = words.count('"') % 2 == 0 if closing == '"' else "\u201c" in words[:found]
            return opening if whole else position + found
        position = match.end()
    return opening


def _error_position(error: UnexpectedInput, text: str) -> int:
    """Where in the text a syntax error is: the character, or the token, the parser could not take."""
    if isinstance(error, UnexpectedCharacters):
        return error.pos_in_stream
    token = getattr(error, "token", None)
    if isinstance(error, UnexpectedEOF) or token is None or token.type == "$END" or token.start_pos is None:
        return len(text)  # the end of the file (the last _DEDENT has no position of its own)
    return token.start_pos


def _parse_from(text: str, position: int, line: int) -> lark.Tree:
    """Parse the text from the start of a statement (at `position`, the first
    column of `line`) to its end, every position as in the whole text. The
    text is not copied: Lark's lexer is started at the position, through
    the line counter of an interactive parser's lexer state (an attribute
    Lark does not document; the same from Lark 1.1.9 to 1.3.1)."""
    interactive = _parser().parse_interactive(text)
    counter = interactive.lexer_thread.state.line_ctr
    counter.char_pos = counter.line_start_pos = position
    counter.line, counter.column = line, 1
    return interactive.resume_parse()


# What the lexer reads past when looking for comments: a quotation (which
# may hold a '#', a carriage return or a Unicode line separator, but never a
# newline), a comment (to the end of its line), or a run of line breaks.
_QUOTE_COMMENT_OR_BREAK = re.compile(r'"[^"\n]*"|\u201c[^\u201d\n]*\u201d|#[^\r\n]*|[\r\n]++')


def extract_comments(text: str) -> list[Comment]:
    """Every '#' comment outside quoted text, with its position.

    A comment runs from its '#' to the end of the line, and lines end at a
    newline, a carriage return and a newline, or a carriage return (as the
    grammar's _NL reads them) and nowhere else: str.splitlines would also
    end one at a form feed, a vertical tab (Word's manual line break), the
    characters 0x1c-0x1e, 0x85 or a Unicode line or paragraph separator, and
    the rest of a comment holding one would be lost. Only the spaces and
    tabs after a comment are dropped.
    """
    comments = []
    number, line_start = 1, 0
    for match in _QUOTE_COMMENT_OR_BREAK.finditer(text):
        found = match.group()
        if found[0] == "#":
            start = match.start()
            comments.append(Comment(number, start - line_start + 1, found.rstrip(" \t"),
                                    not text[line_start:start].strip(" \t\u00a0")))
        elif found[0] in "\r\n":  # a run of line breaks (blank lines), one match for all of them
            breaks = found.count("\n") + found.count("\r") - found.count("\r\n")
            number, line_start = number + breaks, match.end()
    return comments


# ---- friendly syntax errors ----------------------------------------------

# How terminals are named to a reader who has never seen the grammar.
_TERMINAL_WORDS = {
    "WORD": "a word",
    "NUMBER": "a number",
    "STRING": 'quoted text ("...")',
    "ISO_DATE": "a date like 2026-04-01",
    "MONTH": "a month name",
    "CLAUSE_ID": "a clause number like 6.12",
    "CLAUSE_PART": "'Schedule', 'Appendix', 'Annex', 'Part' or 'Section'",
    "CLAUSE_PARAGRAPH": "'para'",
    "DASH": "a dash",
    "_NL": "the end of the line",
    "_INDENT": "an indented line",
    "_DEDENT": "an unindented line",
    "$END": "the end of the file",
    "COLON": "':'",
    "COMMA": "','",
    "LPAR": "'('",
    "RPAR": "')'",
    "PLUS": "'+'",
}

_RULE_EXAMPLE = "§6.12 representative may take up to 6 hours per month for duties"


def _describe_expected(parser: lark.Lark, expected) -> list[str]:
    if _AT_STATEMENT_START <= expected:
        # Where a statement starts, every keyword that starts one is expected: say what they start instead.
        return ["a rule (§6.12 ..., clause 6.12 ..., Schedule 2 para 3 ...)",
                "a declaration (roles:, categories:, fact ...)", "a header line (agreement, employer, ...)"]
    if _AT_RULE_START <= expected:
        # After a clause reference every rule's first word is expected: say what comes there instead.
        return ["the rule itself (for example 'representative may take up to 6 hours per month for duties')"]
    words = []
    if {"WORD", "STRING"} <= expected:
        words.append('a name (words, or "quoted words")')
        expected = expected - {"WORD", "STRING"}
    for name in sorted(expected):
        if name in _TERMINAL_WORDS:
            words.append(_TERMINAL_WORDS[name])
            continue
        try:
            pattern = parser.get_terminal(name).pattern
        except KeyError:
            continue
        if isinstance(pattern, lark.lexer.PatternStr):
            words.append(f"'{pattern.value}'")
    return sorted(set(words))


def _parser_expects(error: UnexpectedInput) -> set | None:
    """The terminals the parser itself could take where the error is.

    When the contextual lexer fails, Lark reports what the *lexer* would
    accept there, which always includes the end of a line; the parse table
    knows better.
    """
    state = getattr(error, "state", None)
    try:
        table = state.parse_conf.parse_table.states[state.position]
    except (AttributeError, KeyError, TypeError):
        return None
    return {name for name in table if name.isupper()}


def _syntax_diagnostic(error: UnexpectedInput, text: str, file: str) -> Diagnostic:
    parser = _parser()
    line = getattr(error, "line", None) or 1
    column = getattr(error, "column", None) or 1
    if isinstance(error, UnexpectedEOF) or (line == -1):
        line, column = max(text.count("\n"), 1), 1
    span = Span(file, line, column)
    lines = source_lines(text)  # split once for all of a file's errors (and for showing them)
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""

    if isinstance(error, UnexpectedCharacters):
        char = text[error.pos_in_stream] if error.pos_in_stream < len(text) else ""
        return _unexpected_character(char, span, source_line)
    token = getattr(error, "token", None)
    if token is not None and token.type == "COMMA" and column > 1 and source_line[column - 2:column - 1].isdigit() \
            and source_line[column:column + 1].isdigit():
        return Diagnostic("E103", "numbers are written with a decimal point and without separators", span,
                          hint="write 6.5 rather than 6,5")

    if token is not None and str(token)[:1].isdigit() and re.search(r"[0-9],$", source_line[:column - 1]):
        # "6,5 hours": the comma ends the amount (", at least ..." may follow one), so the 5 is the surprise.
        return Diagnostic("E103", "numbers are written with a decimal point and without separators",
                          Span(file, line, column - 1), hint="write 6.5 rather than 6,5")
    if token is not None and token.type == "MONEY" and not source_line[:column - 1].strip():
        return Diagnostic("E102", f"unexpected '{token}': a rule starts with '§' (the section sign), not '£' (the "
                          "pound sign)", span, hint="a rule starts with '§' or 'clause', for example: §6.12 ...")
    if token is not None and str(token) == "%":
        # '%' reads only in a formula, before 'of' ("50% of contracted hours"); anywhere else it is a share of the
        # working week written as a percentage.
        return Diagnostic("E100", "unexpected '%': a percentage is a share of something ('50% of contracted "
                          "hours')", span, hint=_CHARACTER_HINTS["%"] + ", or '50% of the working week'")
    entitled = re.search(r"\b(?:is|are)\s+(entitled)\s+to\b", source_line, re.IGNORECASE)
    if entitled and entitled.start(1) < column:
        return Diagnostic("E100", "a rule gives time with 'may take', not 'is entitled to'",
                          Span(file, line, entitled.start(1) + 1),
                          hint="the line should read like: §6.12 representative may take up to 6 hours per month for "
                          "duties")
    expected = _parser_expects(error)
    if expected is None:
        expected = set(getattr(error, "expected", set()) or set())
    found = _token_words(token, source_line, column)
    expected_words = _describe_expected(parser, expected)
    hint = (_pasted_junk_hint(source_line, column) or _hint_for(token, expected, source_line, column)
            or _form_hint(expected, source_line, column))
    if token is not None and token.type == "_INDENT":
        return Diagnostic("E101", "this line is indented, but the line above does not start a rule it could continue",
                          span, hint="remove the indentation, or indent only 'when', 'says' and table rows under a rule")
    if expected and {str(name).upper() for name in expected} <= {"EVERY", "EACH"}:
        # "up to 6 hours for duties": the amount is complete, and "for" now can only start "for every case".
        at = source_line.lower().rfind("for", 0, max(column - 1, 0))
        if at >= 0:
            return Diagnostic("E100", "the amount needs a period before 'for': how often is it given?",
                              Span(file, line, at + 1),
                              hint="write 'per week', 'per month', 'per year' or 'in any 12 months' before 'for', for "
                              "example 'up to 6 hours per month for duties' (an amount for each of something reads "
                              "'3 hours for every case per year')")
    message = f"unexpected {found}"
    if expected_words:
        shown = expected_words if len(expected_words) <= 8 else expected_words[:8] + ["…"]
        message += "; expected " + _join_or(shown)
    return Diagnostic("E100", message, span, hint=hint)


# Characters that arrive with text copied from Word, PDFs and web pages, and
# what to write instead. Anything else unusual is named by its Unicode name,
# so that a look-alike (a Greek question mark for ';') is not a mystery.
_CHARACTER_HINTS = {
    "\u2018": "quote the agreement's words with double quotes: says \"...\"",
    "\u2019": "quote the agreement's words with double quotes: says \"...\"",
    "'": "quote the agreement's words with double quotes: says \"...\"",
    "\t": "tabs are fine for indentation; check the word before it",
    ",": "write numbers without separators (1000, not 1,000) and with a decimal point (0.5, not 0,5)",
    '"': "close the quotation on the same line",
    "\u201c": "close the quotation on the same line with \u201d, or use straight quotes \"...\" at both ends",
    "\u00ad": "an invisible soft hyphen (from Word or a PDF) is inside this word: delete it",
    "\u200b": "an invisible zero-width space (from a web page or PDF) is here: delete it",
    "\u200c": "an invisible zero-width character is here: delete it",
    "\u200d": "an invisible zero-width character is here: delete it",
    "\u2060": "an invisible word joiner is here: delete it",
    "\ufeff": "an invisible byte-order mark is here, in the middle of the file: delete it",
    "\u2028": "a line break that is not a new line (from Word): press Enter here instead",
    "\u2029": "a paragraph break that is not a new line (from Word): press Enter here instead",
    "\x0c": "a page break (from Word or a PDF): delete it",
    "\x1b": "a terminal escape code: delete it",
    "\u2022": "remove the list bullet (from Word); a rule starts with its clause reference",
    "\u00b7": "remove the list bullet (from Word); table rows start with their range, for example '1 – 10: 0.5 hours'",
    "\u25aa": "remove the list bullet (from Word)",
    "\u2026": "remove the ellipsis: write the words in full",
    "\u00b6": "a rule starts with '§' or 'clause', for example: §6.12 ...",
    "\u00a3": "a rule starts with '§' or 'clause', for example: §6.12 ...",
    "\u2212": "amounts of time cannot be negative; write the amount without a sign",
    "\u00bd": "write one half as 0.5, for example '0.5 days'",
    "%": "write a share of the working week in FTE: 0.5 FTE, not 50%",
    "\u2011": "write an ordinary hyphen '-'",
}


def _is_decimal_digit(char: str) -> bool:
    """A decimal digit of any script (what a regular expression's \\d and Python's int() take)."""
    return unicodedata.decimal(char, None) is not None


def _other_script_digit(char: str, span: Span, source_line: str) -> Diagnostic:
    """E104: a digit of another script ('৪', a Bengali four that looks like 8),
    with the number it is part of written in the digits 0-9."""
    start = end = span.column - 1
    if source_line[start:start + 1] != char:  # no line to read the number from: name the digit alone
        start = end = 0
        source_line = char
    joins = ".,-"
    while start > 0 and (_is_decimal_digit(source_line[start - 1]) or source_line[start - 1] in joins):
        start -= 1
    while end + 1 < len(source_line) and (_is_decimal_digit(source_line[end + 1]) or source_line[end + 1] in joins):
        end += 1
    number = source_line[start:end + 1].strip(joins)
    plain = "".join(str(unicodedata.decimal(ch)) if _is_decimal_digit(ch) else ch for ch in number)
    name = unicodedata.name(char, f"U+{ord(char):04X}")
    return Diagnostic("E104", f"'{char}' ({name}) is not a digit a ruleset reads: numbers are written with 0-9",
                      span, hint=f"write {plain} with the digits 0-9")


def _unexpected_character(char: str, span: Span, source_line: str) -> Diagnostic:
    if char and not char.isascii() and _is_decimal_digit(char):
        return _other_script_digit(char, span, source_line)
    column = span.column - 1
    before = source_line[column - 1:column] if column > 0 else ""
    after = source_line[column + 1:column + 2]
    hint = _pasted_junk_hint(source_line, span.column) or _CHARACTER_HINTS.get(char)
    if char in "{[" and span.line == 1 and span.column == 1:
        hint = ("this looks like JSON (a scenario?), not a ruleset; a ruleset is clauses, one per line, and "
                "comes first: ftdsl run RULESET SCENARIO")
    if hint is None and char:
        if char.isdigit():
            hint = "a number must be followed by a space before the next word"
        elif char == "/" and before.isdigit() and after.isdigit():
            hint = ("write dates as 2006-04-01 or 1 April 2006, and fractions as decimals (0.5)")
        elif char == "." and not before.isdigit() and after.isdigit():
            hint = "write a number with a digit before the point: 0.5, not .5"
        elif char == "." and before.isalnum() and source_line[:column].lstrip().startswith(("§", "clause")):
            hint = "write the clause number without a full stop after it: §6.12"
        else:
            plain = unicodedata.normalize("NFKC", char)
            if plain != char and plain.isascii() and plain.strip():
                hint = f"write '{plain}' instead (this is a look-alike from a PDF or word processor)"
            elif char in LOOKALIKES:
                kind = script(char)
                letter = f"this {kind.capitalize()} letter" if kind not in (None, "LATIN") else "this letter"
                hint = f"{letter} looks like the Latin '{LOOKALIKES[char]}' but is another: type '{LOOKALIKES[char]}'"
            elif char.isalpha():
                hint = "names use letters a-z and accented letters; retype this letter"
            elif char.isascii() and char.isprintable():
                hint = (f"'{char}' has no meaning in a ruleset: delete it, or keep the agreement's own words in "
                        "quotes (says \"...\") or in a '#' comment")
    shown = "end of file" if not char else repr(char) if char.strip() and char.isprintable() else f"U+{ord(char):04X}"
    if char and not char.isascii():
        name = unicodedata.name(char, "")
        if name:
            shown += f" ({name.lower()})"
    return Diagnostic("E102", f"unexpected character {shown}", span, hint=hint)


_IP_LIKE = re.compile(r"\d+(?:\.\d+){2,}")


def _pasted_junk_hint(source_line: str, column: int) -> str | None:
    """A hint for debris that comes with text copied from a web page or PDF,
    such as an address ('64.233.185.106') glued into the middle of a clause."""
    for match in _IP_LIKE.finditer(source_line):
        if match.start() <= column <= match.end() + 1:
            return (f"'{match.group()}' is not a number ftdsl can read; it looks like debris copied with the text "
                    "(a web or PDF address): delete it")
    return None


def _token_words(token, source_line: str = "", column: int = 0) -> str:
    if token is None:
        return "end of the file"
    if token.type == "_NL":
        return "end of the line"
    if token.type == "$END":
        return "end of the file"
    if token.type in ("_DEDENT",):
        return "end of the indented lines"
    # Show the whole word as written, not the piece a terminal matched
    # ('2nd', not '2n').
    word = unmarked(str(token.value))
    if source_line and column >= 1 and source_line[column - 1:].startswith(word):
        rest = source_line[column - 1:]
        whole = rest.split()[0] if rest.split() else word
        if len(whole) > len(word) and not any(ch in whole for ch in ':,()"'):
            word = whole
    if len(word) > 60:
        word = word[:57] + "…"
    return f"'{word}'"


_VOCABULARY_STARTS = ("roles", "staff groups", "categories", "fact", "request fact")
_COMPARISON_HINT = ("compare with 'is', 'is not', 'is more than', 'is less than', 'is at least', 'is at most' "
                    "(or =, !=, >, <, >=, <=), for example 'when branch members is at least 100'")


def _hint_for(token, expected: set, source_line: str, column: int = 0) -> str | None:
    stripped = source_line.strip()
    lowered = stripped.lower()
    value = str(token.value) if token is not None else ""
    kind = token.type if token is not None else None
    at_statement_start = "CLAUSE" in expected or "CLAUSE_PART" in expected or any(
        name in expected for name in ("AGREEMENT", "ROLES", "FACT")
    )
    indented = source_line[:1] in (" ", "\t", "\u00a0")
    words_before = source_line[:max(column - 1, 0)].split()
    if len(stripped.split()) >= 8 and len(words_before) <= 2 and not indented and _reads_as_prose(lowered):
        return ("this looks like the agreement's own text: keep it as a comment (start the line with '#'), or "
                "quote it under its rule: says \"...\"")
    if value.lower() in ("and", "or") and kind != "WORD" and words_before and words_before[-1].isalpha() \
            and words_before[-1].lower() not in _keywords():
        phrase = _name_around(source_line, column)
        return (f"if '{phrase}' is one name, declare it (in 'roles:', 'categories:' or a 'fact ...:' line) or "
                f"write it in quotes: \"{phrase}\"")
    if value == "(" and lowered.startswith(_VOCABULARY_STARTS[:3]):
        return 'a name with brackets is written in quotes: roles: "branch secretary (Unison)"'
    if at_statement_start and kind in ("NUMBER", "CLAUSE_ID", "ISO_DATE") and not indented:
        if ":" in stripped:
            return "a table row goes under its table, indented, for example '    0 – 99: 0 FTE'"
        return f"a rule starts with '§' or 'clause' before its number, for example: {_RULE_EXAMPLE}"
    if at_statement_start and kind == "WORD":
        return (f"a rule starts with its clause reference, for example: {_RULE_EXAMPLE}; to keep the agreement's "
                "own words, make the line a comment with '#'")
    if value.startswith("§") or (value.lower() == "clause" and not at_statement_start):
        return "start each rule on a new line"
    if kind in ("NUMBER", "CLAUSE_ID") and expected <= {"WORD", "STRING"}:
        return "a name starts with a letter: write the number as a word, or leave it out"
    body = lowered.split(" ", 1)[1] if lowered.startswith(("§", "clause")) and " " in lowered else ""
    if body.startswith("requests") and " must " not in f" {body} " and " should " not in f" {body} ":
        return "say whether the agreement requires it: 'requests for training must give 6 weeks' notice' (or 'should')"
    if "MONTH" in expected and kind == "WORD":
        from .errors import did_you_mean

        months = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December")
        return did_you_mean(value, months) or "write a date as 1 April 2006, April 2006 or 2006-04-01"
    if lowered.startswith(_VOCABULARY_STARTS[:3]) and value.lower() in ("and", "or"):
        return "separate the names with commas, for example 'roles: representative, branch secretary'"
    if lowered.startswith(_VOCABULARY_STARTS[:3]) and kind in ("_NL", "$END"):
        return "list the names after the ':', separated by commas, for example 'roles: representative, branch secretary'"
    if value == "-" and "NUMBER" in expected:
        return "amounts of time cannot be negative; write the amount without a sign"
    if value in ("-", "\u2013", "\u2014") and source_line[column:column + 1].isalpha() and "WORD" in expected:
        return "put a space between a number and its unit: '7 hours', not '7-hours'"
    if value in ("-", "\u2013", "\u2014") and lowered.startswith(("§", "clause")):
        return "remove the dash: the rule follows its clause number directly, for example: " + _RULE_EXAMPLE
    if value == "=" and lowered.startswith("when"):
        return "write '=' or 'is', not '=='"
    if kind == "WORD" and "PER" in expected:
        return "say the period: 'per week', 'per month', 'per year' or 'in any 12 months'"
    if kind in ("_NL", "$END") and stripped.endswith(":"):
        if indented:
            return "give the row's amount after the ':', for example '0 – 99: 0 FTE'"
        return "put the table's rows on the following lines, indented"
    if kind in ("NUMBER", "CLAUSE_ID") and indented and "COLON" in expected and column > 1 and source_line[column - 2:column - 1] == " " \
            and source_line[:column - 1].strip()[-1:].isdigit():
        return "write numbers without spaces (1001, not 1 001), and put ':' between a row's range and its amount"
    if lowered.startswith("when") or (indented and lowered.startswith("when")):
        return _COMPARISON_HINT if kind in ("NUMBER", "ISO_DATE") else None
    if "NUMBER" in expected and kind == "WORD":
        return "write amounts with digits, for example '6 hours' or '0.5 FTE'"
    if "COLON" in expected:
        if indented:
            return "a table row needs ':' between its range and its amount, for example '0 – 99: 0 FTE'"
        if lowered.startswith(("fact", "request fact")):
            return "give the fact's type after ':', for example 'fact branch members: count'"
        if lowered.startswith(_VOCABULARY_STARTS[:3]):
            return "a list of names starts with ':', for example 'roles: representative, branch secretary'"
        if " is by " in lowered or " are by " in lowered:
            return "a table's first line ends with ':', for example '§4.8 branch secretary release is by branch members:'"
    return None


# The first words of rules (all are expected after a clause reference).
_AT_RULE_START = frozenset(("ADDITIONAL", "ANYONE", "FACILITIES", "REQUESTS"))
# The terminals that start a statement (all are expected where one starts).
_AT_STATEMENT_START = frozenset(("CLAUSE", "CLAUSE_PART", "ROLES", "FACT", "AGREEMENT"))

# One example of each kind of line, with the words that tell it from the
# others. When a line does not read and no more particular hint fits, the
# hint shows the example of the kind the line comes closest to: what to
# write instead, in full.
_FORMS = (
    ({"agreement"}, 'agreement "Agreement on Time Off and Facilities for Union Representatives"'),
    ({"employer"}, 'employer "Westminster City Council"'),
    ({"unions"}, 'unions "UNISON", "GMB"'),
    ({"agreed"}, "agreed 1 April 2006"),
    ({"effective"}, "effective 1 April 2006"),
    ({"working", "day"}, "a working day is 7 hours 12 minutes"),
    ({"working", "week"}, "a working week is 36 hours"),
    ({"year", "starts"}, "the year starts on 1 April"),
    ({"roles"}, "roles: representative, health and safety representative"),
    ({"staff", "groups"}, "staff groups: teaching, non-teaching"),
    ({"categories"}, "categories: duties, training"),
    ({"request", "fact", "assumed"}, "request fact new representative training: yes/no, assumed no"),
    ({"fact"}, "fact branch members: count"),
    ({"may", "take", "up", "to"}, "§6.12 representative may take up to 6 hours per month for duties"),
    ({"may", "take", "reasonable"}, "§5.1 representative may take reasonable time for duties"),
    ({"may", "be", "granted", "time"}, "§5.2 representative may be granted time for activities"),
    ({"limited"}, "§6.13 duties are limited to 10 hours per month"),
    ({"additional", "time"}, "§6.14 additional time for duties may be granted case by case, with or without pay"),
    ({"in", "lieu", "counts"}, "§6.15 time off in lieu counts against the allowances"),
    ({"time", "off", "given", "only"}, "§4.2 time off for duties is given only when employed by council"),
    ({"requests", "notice", "give"}, "§7.1 requests for training must give at least 2 weeks notice"),
    ({"requests", "state"}, "§7.2 requests for duties must state purpose and location"),
    ({"paid", "unpaid", "subject"}, "§5.3 duties are paid"),
    ({"outside", "working", "hours"}, "§5.5 duties outside working hours are unpaid"),
    ({"by"}, "§4.8 branch secretary release is by branch members:"),
    ({"facilities"}, '§9 facilities "a notice board in every workplace"'),
    ({"averaged"}, "§5.4 pay is averaged over the previous 12 weeks where earnings vary"),
    ({"variations"}, "§10.1 variations need 3 months notice"),
    ({"termination"}, "§10.2 termination needs 6 months notice"),
    ({"further", "every"}, "    then a further 0.5 FTE for every further 500 members"),
    *(({word}, "§4.1 union allocation is 0.1 FTE plus 0.5 hours for every 100 members")
      for word in ("plus", "minus", "times", "divided")),
    ({"shared", "proportion"}, "§4.1 union allocation is 7.5 FTE shared in proportion to union members of all "
     "members, at least 0.1 FTE"),
    ({"rounded", "nearest", "whole"}, "§4.1 union allocation is 7.5 FTE shared in proportion to union members of "
     "all members, rounded down to the nearest 0.1 FTE"),
    ({"when"}, "    when branch members is at least 100 and roles include steward"),
)


def _form_hint(expected: set, source_line: str, column: int) -> str | None:
    """What the line should read as, from the example of the kind of line it comes closest to."""
    words = set(re.findall(r"[a-z]+", source_line.lower()))
    before = source_line[:max(column - 1, 0)].strip()
    if words & {"when"} and source_line.lstrip().lower().startswith("when") or before.lower().endswith(" when"):
        return ("write a condition after 'when', for example 'when branch members is at least 100', "
                "'when roles include steward' or 'when not staff group is teaching'")
    if expected == {"STRING"} or expected <= {"STRING", "_NL"} and "STRING" in expected:
        return 'put the words in double quotes, for example: ' + (
            f'{before} "…"' if before and len(before) < 40 else "says \"the agreement's words\"")
    if source_line[:1] in " \t\u00a0" and ":" in source_line:
        return "a table row reads like '100 – 250: 0.1 FTE', 'up to 99: 0 FTE' or '3001 or more: 3.5 FTE'"
    best, score = None, (0, 0.0)
    for signal, example in _FORMS:
        found = len(signal & words)
        # The most of a kind's words, then the largest share of them ('fact' is the fact kind's one word).
        if found and (found, found / len(signal)) > score:
            best, score = example, (found, found / len(signal))
    if best is None:
        if re.match(r"[\t \u00a0]*(?:\u00a7|clause\b|schedule\b|appendix\b|annex\b|part\b|section\b)", source_line, re.IGNORECASE):
            return f"after the clause reference comes the rule, for example: {_RULE_EXAMPLE}"
        return None
    keyword = next((name for name in expected if name.isupper() and name not in _TERMINAL_WORDS), None)
    if len(expected) == 1 and keyword is not None:
        return f"write '{keyword.lower()}' here; the line reads like: {best.strip()}"
    return f"the line should read like: {best.strip()}"


@functools.cache
def _keywords() -> frozenset:
    """The words the grammar uses as keywords, lower case."""
    return frozenset(t.pattern.value.lower() for t in _parser().terminals
                     if isinstance(t.pattern, lark.lexer.PatternStr) and t.pattern.value.isalpha())


# Words that make a line read as a rule or a table line, not as pasted prose.
_RULE_WORDS = re.compile(r"\b(?:may (?:take|be|not)|per|is given|are paid|is paid|limited to|notice|then a further"
                         r"|is by|are by)\b")


def _reads_as_prose(lowered: str) -> bool:
    """Whether a line that does not parse reads as a sentence of the agreement rather than a rule."""
    return not lowered.startswith(("§", "clause", "when", "says", "then", "schedule", "appendix", "annex", "part",
                                   "section")) and not _RULE_WORDS.search(lowered)


def _name_around(source_line: str, column: int) -> str:
    """The words a name joined by 'and' or 'or' would have, from the word before the one at `column` to the
    end of the line or the next part of the rule ('when', 'from', 'says', ...)."""
    before = source_line[:column - 1].rstrip().split()
    after = re.split(r"\s+(?:when|from|until|between|says|is|are|may)\s", source_line[column - 1:], maxsplit=1,
                     flags=re.IGNORECASE)[0]
    return " ".join([before[-1]] + after.split()) if before else after.strip()


def _join_or(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def main(argv: list[str] | None = None) -> int:
    """`python -m ftdsl.parser [--check]`: rewrite the parser tables beside the
    ftr.lark it reads (the checkout's grammar/ folder in a development
    install), after editing the grammar or moving to another Lark; with
    --check, write nothing and only say whether the file is what it would
    write. Returns the exit code."""
    import argparse

    arguments = argparse.ArgumentParser(prog=REGENERATE_COMMAND,
                                        description=f"Rebuild {TABLES_FILE}, the parser tables shipped beside ftr.lark.")
    arguments.add_argument("--check", action="store_true", help="exit 1 if the file is stale; write nothing")
    options = arguments.parse_args(argv)
    path = os.path.join(grammar_folder(), TABLES_FILE)
    tables = build_tables(_grammar_text())
    if options.check:
        try:
            fresh = _read_grammar_file(TABLES_FILE) == tables
        except OSError:
            fresh = False
        print(f"{path}: {'up to date' if fresh else f'stale or missing; run {REGENERATE_COMMAND}'}")
        return 0 if fresh else 1
    from .files import write_atomic

    write_atomic(path, tables)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
