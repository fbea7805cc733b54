"""Hostile rulesets: text that tries to break out of the program into Python.

A ruleset is checked into a model of records, and the model is run: no
Python source is generated, compiled or executed, so the agreement's words
are only ever data and a ruleset can never make ftdsl import, open,
execute or start anything. Each payload below goes into every place user
text can go (title, employer, unions, quotations, facilities, clause
headings, names of roles, categories and facts, comments) and the ruleset
is loaded and run:

- in a fresh subprocess with a `sys.addaudithook` hook installed before
  loading starts (an audit hook cannot be removed, hence the subprocess):
  no import, open, exec, compile, subprocess, os.system or socket at all;
- every word of the payload comes back unchanged in the program's model,
  and in the model stored as data (modelfile.py) and read back: nothing is
  lost or rewritten.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

import ftdsl
from ftdsl.modelfile import dumps, loads
from ftdsl.nodes import name_key
from ftdsl.records import Frozen
from ftdsl.runtime import Program

# Text that goes inside quotes: the agreement's title, quotations, facilities, headings.
STRING_PAYLOADS = {
    "triple quotes": "'''; __import__('os').system('echo pwned'); '''",
    "backslashes": "C:\\Users\\rep\\ \\' \\\\ \\n \\x00 \\N{BULLET} \\",
    "import call": "__import__('os').system('touch /tmp/ftdsl-pwned')",
    "format strings": "{0.__class__.__mro__} %s %(x)s {{}} {__import__} $HOME `id`",
    "f-string": "f'{__import__(\"os\").system(\"id\")}'",
    "comment breakout": "# \\n import os\u2028import os\u2029import os\x0cimport os\rimport os",
    "escape codes": "\x1b[31mred\x1b[0m \x07 \x08",
    "look-alikes": "ｅｘｅｃ('1') ехес ſelf ᵉval ℯval",
    "very long": "x" * 20000,
}
# Names: roles, categories and facts (letters, digits, apostrophes, slashes, hyphens).
NAME_PAYLOADS = {
    "apostrophes": "o'brien's rep",
    "reader names": "f",
    "generated names": "meta",
    "builtin names": "eval",
    "slashes": "import/os",
    "look-alikes": "claſſ ſelf",
    "curly apostrophe": "o’neill’s",
    "very long": "a" * 5000,
}

# Headings and quotations take any character but the quote that closes
# them; these use the curly quotes so that straight ones may appear inside.
RULESET = """\
# {comment}
agreement \u201c{text}\u201d
employer \u201c{text}\u201d
unions \u201c{text}\u201d, "GMB"
roles: {name} rep, steward
categories: {name} duties, training
fact roles: list of roles
fact {name} flag: yes/no
fact members: count
request fact {name} urgent: yes/no, assumed no
§\u201c{text}\u201d {name} rep may take up to 6 hours per week for {name} duties
    when {name} flag and members is at least 1 and not {name} urgent  # {comment}
    says \u201c{text}\u201d
§1 {name} duties are paid
§2 facilities \u201c{text}\u201d
    when roles include {name} rep
"""


def make_ruleset(text: str, name: str) -> str:
    return RULESET.format(text=text, name=name, comment=text.replace("\n", " ").replace("\r", " "))


def make_scenario(name: str) -> dict:
    return {"facts": {"roles": [f"{name} rep"], f"{name} flag": True, "members": 3},
            "requests": [{"id": "r1", "date": "2026-03-20", "category": f"{name} duties", "hours": 2}]}


CASES = [(f"text: {t}", text, "rep") for t, text in STRING_PAYLOADS.items()] + \
        [(f"name: {n}", "plain", name) for n, name in NAME_PAYLOADS.items()]


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, Frozen):
        for name in value._fields:
            yield from _strings(getattr(value, name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


@pytest.mark.parametrize("label, text, name", CASES, ids=[c[0] for c in CASES])
def test_hostile_text_stays_data(label, text, name):
    ruleset = ftdsl.load_ruleset_text(make_ruleset(text, name), "hostile.ftr")
    report = ruleset.decide(make_scenario(name))
    assert report["decisions"][0]["outcome"] == "entitled", report
    # Nothing lost: the words come back exactly as written, in the model
    # the program runs and in the model stored as data and read back.
    stored = loads(dumps(ruleset.model))
    assert stored == ruleset.model
    for model in (ruleset.program.model, stored):
        strings = set(_strings(model))
        assert text.strip() in strings or text in strings
        # Names are compared whatever their case or apostrophe style (nodes.name_key).
        assert name_key(f"{name} rep") in model.roles
    assert Program(stored, "hostile.ftr").decide(make_scenario(name)) == report


# ---- audit hook, in a subprocess -------------------------------------------

_AUDIT_SCRIPT = textwrap.dedent('''
    import json, sys
    sys.path.insert(0, {tests!r})
    import ftdsl
    from ftdsl.api import load_ruleset_text
    from test_hostile import CASES, make_ruleset, make_scenario

    # Warm up: the parser reads its grammar and modules import on first use;
    # that is ftdsl starting, not a ruleset running.
    warm = load_ruleset_text(make_ruleset("warm", "warm"), "warm.ftr")
    warm.decide(make_scenario("warm"))

    WATCHED = ("import", "open", "exec", "compile", "subprocess", "os.system", "os.exec", "os.posix_spawn",
               "os.spawn", "os.fork", "socket", "urllib", "ctypes", "shutil", "os.remove", "os.rename",
               "os.mkdir", "os.chdir", "builtins.input", "code.", "marshal", "pickle",
               "function.__new__", "sys.settrace", "sys.setprofile")
    events = []
    busy = []

    def hook(event, args):
        # Walking the stack raises audit events of its own (frame attributes
        # are audited); those are not watched, and the guard stops a loop.
        if busy or not event.startswith(WATCHED):
            return
        busy.append(1)
        try:
            record(event, args)
        finally:
            busy.pop()

    def record(event, args):
        frame = sys._getframe(1)  # raises its own audit event, which is not watched
        from_ruleset = False
        while frame is not None:
            if frame.f_code.co_filename.startswith("<ftdsl"):
                from_ruleset = True
                break
            frame = frame.f_back
        detail = event if event not in ("open", "import") else f"{{event}} {{str(args[0])[:80]}}"
        events.append((detail, from_ruleset))

    sys.addaudithook(hook)
    for label, text, name in CASES:
        events.append((f"-- {{label}}", False))
        ruleset = load_ruleset_text(make_ruleset(text, name), "hostile.ftr")
        ruleset.decide(make_scenario(name))
    print(json.dumps(events))
''')


def test_no_ruleset_code_imports_opens_or_executes_anything(tmp_path):
    from conftest import ROOT

    script = _AUDIT_SCRIPT.format(tests=str(ROOT / "tests"))
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    events = json.loads(result.stdout.strip().splitlines()[-1])
    from_ruleset = [event for event, inside in events if inside]
    assert not from_ruleset, from_ruleset
    # From the moment loading starts, nothing watched happens at all: no
    # compile(), no exec(), no import, no file opened.
    unexpected = [event for event, _ in events if not event.startswith("-- ")]
    assert not unexpected, unexpected
