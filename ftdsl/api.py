"""The library's front door: a ruleset path or text in, a runnable Ruleset out.

>>> ruleset = load_ruleset_text('categories: duties\\nfact roles: list of roles\\nroles: representative\\n'
...     '§6.12 representative may take up to 6 hours per month for duties\\n')
>>> ruleset.decide({"facts": {"roles": ["representative"]},
...     "requests": [{"date": "2026-03-20", "category": "duties", "hours": 6}]})["decisions"][0]["outcome"]
'entitled'


Everything the command line does goes through here, so `import ftdsl`
can do it too.
"""

from __future__ import annotations

import functools
import os

import attrs

from . import builder, checker
from .errors import Diagnostic, FtdslError, Span
from .model import Model
from .nodes import Amends
from .nodes import Ruleset as RulesetAST
from .runtime import Program, ScenarioError, collector_paused
from .file_kinds import looks_like_variation
from .source import read_text
from .variation import amend, base_path, is_variation


@attrs.frozen
class Ruleset:
    """A ruleset at every stage: its text, AST, checked model and Program. `sources` is the text of every
    file it was read from, by name (an agreement and its variations), for showing the lines messages
    point at."""

    path: str
    text: str
    ast: RulesetAST
    model: Model
    program: Program = attrs.field(eq=False)
    sources: dict = attrs.field(factory=dict, eq=False)
    # Warnings from reading it, beside lint's about its meaning (a variation's rules it ends, W170).
    warnings: tuple = attrs.field(default=(), eq=False)

    def source_line(self, span) -> str | None:
        """The line of its files a span starts on, as written; None if unknown."""
        text = self.sources.get(span.file, self.text if span.file == self.path else None) if span else None
        lines = _lines(text) if text is not None else ()
        return lines[span.line - 1] if span is not None and 0 < span.line <= len(lines) else None

    @property
    def stored(self) -> str:
        """The checked model as data (modelfile.py): what the cache and a standalone module keep."""
        from .modelfile import dumps

        return dumps(self.model)

    def decide(self, scenario: dict, scenario_name: str = "<scenario>") -> dict:
        """Decide a scenario dict; raise FtdslError (with every problem) if it is not valid."""
        return decide(self.program, scenario, scenario_name)


@functools.lru_cache(maxsize=8)
def _lines(text: str) -> tuple[str, ...]:
    """A file's lines, split once however many lines are asked for (a str's hash is kept with it)."""
    return tuple(text.splitlines())


def load_ruleset_text(text: str, path: str = "<ruleset>") -> Ruleset:
    """Parse, check and compile ruleset text; raise FtdslError with every error found."""
    with collector_paused():
        ast = builder.parse(text, path)
        model = checker.check(ast, text)
        program = Program(model, path)
    return Ruleset(path, text, ast, model, program, sources={path: text})


def load_ruleset(path: str, variations: tuple[str, ...] = ()) -> Ruleset:
    """Read a .ftr file and load it (see load_ruleset_text). A variation file
    is loaded with the agreement it amends; `variations` are applied in
    order on top (variation.py)."""
    text = read_text(path, "ruleset")
    if not variations and not looks_like_variation(text):
        return load_ruleset_text(text, path)
    ast = builder.parse(text, path)
    sources = {path: text}
    warnings = []
    if is_variation(ast):
        base = base_path(ast)
        if base is None:
            raise FtdslError(Diagnostic("E234", "the variation does not say which agreement it amends",
                                        Span(path, 1, 1), hint="add 'amends \"westminster.ftr\"' (a path from "
                                        "the variation's folder), or give the agreement first: ftdsl run AGREEMENT "
                                        "--with VARIATION ..."), sources)
        variations, path = (path, *variations), base
        if not os.path.exists(base):
            amends = next(s for s in ast.statements if isinstance(s, Amends))
            raise FtdslError(Diagnostic("E001", f"the agreement '{base}' that the variation amends does not exist",
                                        amends.span, hint="the path after 'amends' is read from the variation's "
                                        "own folder; check it and its spelling"), sources)
        text = read_text(base, "agreement")
        sources[base] = text
        ast = builder.parse(text, base)
    for each in variations:
        varied_text = read_text(each, "variation")
        sources[each] = varied_text
        varied = builder.parse(varied_text, each)
        if not is_variation(varied):
            raise FtdslError(Diagnostic("E234", f"'{each}' is not a variation", Span(each, 1, 1),
                                        hint="a variation starts with 'variation \"...\"', 'amends \"...\"' and "
                                        "'effective ...'"), sources)
        try:
            ast, more = amend(ast, varied)
        except FtdslError as error:
            error.sources.update(sources)
            raise
        warnings.extend(more)
    loaded = _loaded(ast, text, path, sources)
    return attrs.evolve(loaded, warnings=tuple(warnings))


def _loaded(ast, text, path, sources) -> Ruleset:
    try:
        with collector_paused():
            model = checker.check(ast, text)
            program = Program(model, path)
    except FtdslError as error:
        error.sources.update(sources)
        raise
    return Ruleset(path, text, ast, model, program, sources=sources)


def decide(program: Program, scenario: dict, scenario_name: str = "<scenario>", text: str | None = None) -> dict:
    """Run a Program on a scenario dict, turning scenario problems into an FtdslError; with the file's
    `text`, each problem is placed at its line and column."""
    try:
        return program.decide(scenario)
    except ScenarioError as error:
        raise FtdslError([scenario_diagnostic(p, scenario_name, text, scenario) for p in error.problems],
                         {scenario_name: text} if text else {}) from None


def scenario_diagnostic(problem: dict, scenario_name: str, text: str | None = None,
                        scenario: dict | None = None) -> Diagnostic:
    """A scenario problem as a diagnostic: at the value's line and column where the file's text shows it,
    and naming the request by its id as well as its place in the list (requests[1] is the second)."""
    from .json_places import find, line_column, path_steps

    path = problem["path"]
    steps = path_steps(path) if path else ()
    shown = path
    listed = scenario.get(steps[0]) if scenario and steps and isinstance(scenario, dict) else None
    # Where a list has several items, which one is said as people count them, with its id.
    if len(steps) >= 2 and steps[0] in ("requests", "taken") and isinstance(steps[1], int) \
            and isinstance(listed, list) and len(listed) > 1:
        item = listed[steps[1]] if isinstance(listed, list) and steps[1] < len(listed) else None
        number = f"the {_ordinal(steps[1] + 1)} {'request' if steps[0] == 'requests' else 'entry of taken'}"
        named = f", id '{item['id']}'" if isinstance(item, dict) and isinstance(item.get("id"), str) else ""
        shown = f"{path} ({number}{named})"
    message = f"{shown}: {problem['message']}" if path else problem["message"]
    span = Span(scenario_name, 0, 0)
    found = find(text, steps) if text and steps else None
    if found is not None:
        (line, column), (end_line, end_column) = line_column(text, found[0]), line_column(text, found[1])
        span = Span(scenario_name, line, column, end_line, end_column)
    return Diagnostic("E301", message, span, hint=problem.get("hint"))


def _ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st ..."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def load_scenario(path: str) -> dict:
    """Read a scenario JSON file (or '-' for standard input) into a dict."""
    from .scenario_file import read_scenario

    return read_scenario(path)
