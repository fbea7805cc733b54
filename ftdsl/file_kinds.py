"""What kind of ftdsl file a text is, told before parsing: text in, yes or no out.

Standard library only, and cheap to import: the compiled-ruleset cache asks
on every run whether a ruleset file is a variation (which it does not
cache), before anything heavier is loaded.
"""

from __future__ import annotations

import re

_VARIATION_HEADER = re.compile(r"(?mi)^(?:variation|amends)[ \t\u00a0]*[\"\u201c]")


def looks_like_variation(text: str) -> bool:
    """Whether a ruleset file's text is a variation (it has a 'variation "..."' or 'amends "..."' line): a
    variation is loaded with the agreement it amends (variation.py).

    >>> looks_like_variation('variation "2026"\\namends "westminster.ftr"\\n'), looks_like_variation('roles: a\\n')
    (True, False)
    """
    return _VARIATION_HEADER.search(text) is not None
