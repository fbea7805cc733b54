"""Every error and warning code in the ftdsl package has an entry in docs/errors.md."""

from __future__ import annotations

import re

from conftest import ROOT

CODE = re.compile(r"""["']([EW]\d{3})["']""")
HEADING = re.compile(r"^#{2,4} ([EW]\d{3})\b", re.MULTILINE)


def codes_in_package() -> dict[str, str]:
    """Every code literal in ftdsl/, with the first file that uses it."""
    found = {}
    for path in sorted((ROOT / "ftdsl").rglob("*.py")):
        for code in CODE.findall(path.read_text(encoding="utf-8")):
            found.setdefault(code, str(path.relative_to(ROOT)))
    return found


def test_every_code_has_an_entry():
    documented = set(HEADING.findall((ROOT / "docs" / "errors.md").read_text(encoding="utf-8")))
    missing = {code: where for code, where in codes_in_package().items() if code not in documented}
    assert not missing, "codes with no heading in docs/errors.md: " + ", ".join(
        f"{code} (used in {where})" for code, where in sorted(missing.items()))


def test_the_scan_finds_codes():
    # Guards the test itself: a broken pattern would find nothing and pass.
    codes = codes_in_package()
    assert {"E001", "E100", "E201", "E301", "W101"} <= set(codes)


def test_entries_are_unique():
    headings = HEADING.findall((ROOT / "docs" / "errors.md").read_text(encoding="utf-8"))
    assert len(headings) == len(set(headings))


def _entries() -> dict[str, str]:
    """Each code's entry in docs/errors.md: its text up to the next heading."""
    text = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    parts = re.split(r"^#{2,4} ([EW]\d{3})\b", text, flags=re.MULTILINE)
    return {parts[i]: re.split(r"^#{2,4} ", parts[i + 1], flags=re.MULTILINE)[0] for i in range(1, len(parts), 2)}


def test_every_entry_has_an_example_and_the_fix():
    entries = _entries()
    assert len(entries) >= 50
    no_example = sorted(code for code, body in entries.items() if "`" not in body)
    no_fix = sorted(code for code, body in entries.items() if "Fix" not in body)
    assert not no_example, f"entries with no example (in backticks or a code block): {no_example}"
    assert not no_fix, f"entries that do not say how to fix it: {no_fix}"
