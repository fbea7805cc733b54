"""Names as agreements spell them: .ftr text in, the same text with each declared name marked as one word out.

Agreements name "health and safety representatives" and facts such as
"part time or guaranteed hours", whose words are the language's own
('and', 'or', 'per', 'by'). Where a name is declared (in 'roles:', 'staff
groups:', 'categories:' or 'fact ...:'), its uses are found in the text
before it is parsed, and the spaces between its words are replaced by
JOINER, a character no ruleset may contain: the grammar reads a word
holding JOINER as one word of a name, and the builder turns JOINER back
into a space. This is the C compiler's "lexer hack": the lexer knows the
names the text has declared. Every position in the text stays where it
was, so errors point at the user's own columns. Quotations and comments
are left alone.

A name that is not declared (or that starts like a rule's own words:
"time off ...") can always be quoted where it is used:
'when "part time or guaranteed hours"'.

>>> mark_declared_names('roles: health and safety representative\\n').split()[1] == 'health' + JOINER + 'and' + JOINER + 'safety' + JOINER + 'representative'
True
"""

from __future__ import annotations

import re

# A character of Unicode's private use area: it has no meaning of its own,
# and a ruleset holding one is refused (E102) before names are marked.
JOINER = "\ue000"

# A word as the grammar's WORD reads it (grammar/ftr.lark), without JOINER.
WORD = r"[A-Za-z\u00c0-\u024f][A-Za-z0-9\u00c0-\u024f'\u2019/-]*"
_WORD_CHARACTERS = r"A-Za-z0-9\u00c0-\u024f'\u2019/\-"
_GAP = "[ \t\u00a0]+"  # the spaces a name's words may have between them, as the grammar ignores them

# The patterns are compiled when a ruleset is first parsed (re keeps them), not when a run that reads a
# cached ruleset imports name_key.
_WHOLE_WORD = WORD + r"\Z"
_LIST_DECLARATION = r"(?im)^(?:roles|staff[ \t\u00a0]+groups|categories|pools)[ \t\u00a0]*:([^\r\n]*)"
_FACT_DECLARATION = r"(?im)^(?:request[ \t\u00a0]+)?fact[ \t\u00a0]+([^:\r\n]*):"
# A declaration's list: quotations (which may hold commas), commas, a comment, anything else.
_LIST_PART = r'"[^"\n]*"|\u201c[^\u201d\n]*\u201d|,|#.*|[^,"\u201c#]+'
# What the marking reads past: quotations and comments.
_QUOTATION_OR_COMMENT = r'"[^"\n]*"|\u201c[^\u201d\n]*\u201d|#[^\r\n]*'


def declared_names(text: str) -> list[str]:
    """The names of more than one word that the text's declarations give, as written there (quotes removed)."""
    found = []
    for match in re.finditer(_LIST_DECLARATION, text):
        item = ""
        for part in re.findall(_LIST_PART, match.group(1)) + [","]:
            if part.startswith("#"):
                part = ","
            if part == ",":
                found.append(item)
                item = ""
            else:
                item += part
    for match in re.finditer(_FACT_DECLARATION, text):
        found.append(match.group(1))
    names = []
    for item in found:
        item = item.strip(" \t\u00a0")
        if item[:1] in ('"', "\u201c") and len(item) > 1:
            item = item[1:-1].strip(" \t\u00a0")
        words = item.split()
        if len(words) > 1 and all(re.match(_WHOLE_WORD, word) for word in words):
            names.append(" ".join(words))
    return names


def _name_pattern(name: str) -> str:
    """A regular expression for a name's uses: any case, any spaces between its words, either apostrophe."""
    return _GAP.join(re.escape(word).replace("'", "['\u2019]").replace("\u2019", "['\u2019]") for word in name.split())


def mark_declared_names(text: str) -> str:
    """The text with the spaces inside each use of a declared name of
    several words replaced by JOINER (the longest name where two overlap);
    the same length as the text, and the same text when it declares none."""
    names = sorted({name.lower() for name in declared_names(text)}, key=lambda name: (-len(name.split()), -len(name)))
    if not names:
        return text
    alternatives = "|".join(_name_pattern(name) for name in names)
    pattern = re.compile(rf"{_QUOTATION_OR_COMMENT}|(?<![{_WORD_CHARACTERS}])(?P<name>{alternatives})"
                         rf"(?![{_WORD_CHARACTERS}])", re.IGNORECASE)

    def marked(match: re.Match) -> str:
        found = match.group("name")
        return match.group() if found is None else re.sub(_GAP, lambda gap: JOINER * len(gap.group()), found)

    return pattern.sub(marked, text)


def name_key(text) -> str:
    """How two names are compared: whatever their case, spacing or apostrophe
    style ("Women’s  Officer" is "women's officer"). Rulesets, scenarios, logs
    and rosters all match names by this key."""
    return " ".join(str(text).replace("\u2019", "'").replace("\u00a0", " ").lower().split())


def unmarked(word: str) -> str:
    """A word of the parse with its JOINERs back as single spaces."""
    return re.sub(JOINER + "+", " ", word) if JOINER in word else word
