"""`ftdsl diff OLD NEW`: what changes between two rulesets, for whom, and by how much.

In: two ruleset paths and options. Out: the changes (ftdsl.diff) as text,
clause by clause, or as a JSON list; with --exit-code, exit 1 when there
are any, as `git diff --exit-code` does.
"""

from __future__ import annotations

import json
import os
import sys

import click

from ._shared import EXIT_FOUND, colour_option, described, fail, pager_option, terminal
from ..colour import paint, style
from ..display import json_visible, visible
from ..errors import Diagnostic, FtdslError
from ..wrapping import wrap_lines

DIRECTION_WORDS = {"more generous": "more generous to representatives",
                   "less generous": "less generous to representatives",
                   "neutral": "neutral or not comparable"}
DIRECTION_STYLES = {"more generous": "gain", "less generous": "loss", "neutral": "neutral"}


EXAMPLES = (
    "ftdsl diff rulesets/westminster.ftr \\\n"
    "    rulesets/variations/westminster-2026.ftr",
)


@click.command(**described("Show what changes between two rulesets, by meaning.", EXAMPLES,
                           ("docs/diff.md",)))
@click.argument("old", type=click.Path())
@click.argument("new", type=click.Path())
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="How to print the changes.")
@click.option("--scenarios", "scenario_dir", type=click.Path(), default=None,
              help="Run both rulesets on every .json scenario in this folder and list the decisions that differ "
                   "(instead of scenarios made from the rules' boundaries).")
@click.option("--write-scenarios", "write_dir", type=click.Path(), default=None,
              help="Write the generated scenarios whose decisions differ to this folder, ready to run.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when the rulesets differ, 0 when they do not.")
@colour_option
@pager_option
def command(old, new, output_format, scenario_dir, write_dir, exit_code):
    """Compare two rulesets by meaning: rules, amounts per year, and decisions."""
    from ..api import load_ruleset, load_scenario
    from ..diff import behaviour, diff, generate_scenarios

    if scenario_dir is not None and write_dir is not None:
        raise click.UsageError("--write-scenarios writes the scenarios ftdsl makes from the rules' boundaries, and "
                               "with --scenarios it makes none: leave out one of the two")
    try:
        before, after = load_ruleset(old), load_ruleset(new)
        changes = diff(before.model, after.model)
        inputs = [old, new]
        if scenario_dir is not None:
            paths = _scenario_paths(scenario_dir)
            inputs += paths
            runs = []
            for path in paths:
                data = load_scenario(path)
                runs.append((os.path.splitext(os.path.basename(path))[0], data, data))
            source = f"the scenarios in {scenario_dir}"
            generated = []
        else:
            generated = generate_scenarios(before.model, after.model)
            runs = [(g.name, g.old, g.new) for g in generated]
            source = "scenarios made from the rules' boundaries"
        decisions, problems = behaviour(before.program, after.program, runs)
        if write_dir is not None:
            differing = {c.key.rsplit(": ", 1)[0] for c in decisions}
            written = _write_scenarios(write_dir, [g for g in generated if g.name in differing], decisions, inputs)
        else:
            written = []
    except FtdslError as error:
        fail(error)
    for problem in problems:
        click.echo(f"ftdsl diff: note: {visible(problem)}", err=True)
    everything = changes + decisions
    if output_format == "json":
        click.echo(json_visible(json.dumps([c.to_dict() for c in everything], indent=2, ensure_ascii=False)))
    else:
        from ..pager import show

        colour, width = terminal()
        show(render_text(old, new, changes, decisions, source, written, width=width, colour=colour))
    sys.exit(EXIT_FOUND if exit_code and everything else 0)


def _scenario_paths(folder: str) -> list[str]:
    if not os.path.isdir(folder):
        raise FtdslError(Diagnostic("E001", f"'{folder}' is not a folder of scenarios",
                                    hint="give a folder that holds .json scenario files"))
    paths = sorted(os.path.join(folder, name) for name in os.listdir(folder) if name.endswith(".json"))
    if not paths:
        raise FtdslError(Diagnostic("E001", f"the folder '{folder}' holds no .json scenarios",
                                    hint="write one with --write-scenarios, or see rulesets/examples/"))
    return paths


def _write_scenarios(folder: str, generated, decisions, inputs) -> list[str]:
    """Write each generated scenario (one file, or one per side when the sides need different facts)."""
    from ..files import write_atomic

    if os.path.exists(folder) and not os.path.isdir(folder):
        raise FtdslError(Diagnostic("E002", f"'{folder}' is a file, not a folder", hint="give a folder to write to"))
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as error:
        raise FtdslError(Diagnostic("E011", f"cannot create the folder '{folder}': {error.strerror or error}")) from None
    outcomes = {}
    for change in decisions:
        outcomes.setdefault(change.key.rsplit(": ", 1)[0], []).append(f"old {change.old}; new {change.new}")
    protected = [os.path.abspath(p) for p in inputs]
    written = []
    for scenario in generated:
        sides = [("", scenario.old)] if scenario.old == scenario.new else [(".old", scenario.old), (".new", scenario.new)]
        for suffix, data in sides:
            data = {**data, "description": f"{scenario.description}. Decisions: {'; '.join(outcomes[scenario.name])}."}
            if suffix:
                data["description"] += f" This file is for the {suffix[1:]} ruleset: the two declare different facts."
            text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
            path = os.path.join(folder, f"{scenario.name}{suffix}.json")
            number = 2
            # Never over a file this run read, nor over one that says something
            # else (an earlier run's file that the user may have edited): the
            # next free name instead. The same file again is left as it is.
            while os.path.abspath(path) in protected or (os.path.exists(path) and _read_quietly(path) != text):
                path = os.path.join(folder, f"{scenario.name}-{number}{suffix}.json")
                number += 1
            if not os.path.exists(path):
                write_atomic(path, text, protect=tuple(inputs))
            written.append(path)
    return written


def _read_quietly(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError):
        return None


def _clauses(clauses) -> str:
    return ", ".join(f"§{visible(c)}" for c in clauses)


def _hours_per_year(value) -> str:
    from ..numbers import decimal_text

    return "—" if value is None else f"{decimal_text(value)} h/yr"


def _quote(label: str, quotes) -> list[tuple]:
    return [("    ", f'{label} says "{visible(quote)}"', "          ") for quote in quotes]


def _direction(change) -> str:
    return style(DIRECTION_WORDS[change.direction], DIRECTION_STYLES[change.direction])


def render_text(old_path, new_path, changes, decisions, source, written, width: int | None = None,
                colour: bool = False) -> str:
    """The changes as text a negotiator reads: clause by clause, both sides' words quoted.

    Every text from the rulesets and scenarios (and every file name) is shown
    with its control characters made visible (display.visible). With a
    `width`, each line is wrapped to it under its own indentation (a
    quotation's lines under the quotation); with `colour`, who each change
    favours is coloured: green what representatives gain, red what they lose.
    """
    source = visible(source)
    lines = [("", f"ftdsl diff {visible(old_path)} → {visible(new_path)}", "  ")]
    if not changes and not decisions:
        lines.append(("", "no differences in meaning; the same decisions on " + source, "  "))
        return paint(wrap_lines(lines, width), colour) + "\n"
    counts = (f"{len(changes)} change{'s' if len(changes) != 1 else ''} in the rules; "
              f"{len(decisions)} decision{'s' if len(decisions) != 1 else ''} "
              f"differ{'s' if len(decisions) == 1 else ''} on {source}")
    lines.append(("", counts, "  "))
    heading = None
    for change in changes:
        where = {"header": "The agreement", "definition": "Definitions", "vocabulary": "Vocabulary"}.get(change.aspect)
        if where is None:
            old_ref = _clauses(change.old_clauses) or "(not in old)"
            new_ref = _clauses(change.new_clauses) or "(not in new)"
            where = old_ref if change.old_clauses == change.new_clauses else f"{old_ref} → {new_ref}"
        if where != heading:
            lines += ["", ("", style(where, "heading"), "  ")]
            heading = where
        lines.append(("  ", f"{change.kind} {change.aspect}: {visible(change.key)}", "    "))
        if change.kind == "changed":
            lines.append(("    ", f"old: {visible(change.old)}", "         "))
            lines.append(("    ", f"new: {visible(change.new)}", "         "))
        else:
            lines.append(("    ", f"{'old' if change.kind == 'removed' else 'new'}: {visible(change.old or change.new)}",
                          "         "))
        if change.old_per_year is not None or change.new_per_year is not None:
            per_year = f"per year: {_hours_per_year(change.old_per_year)} → {_hours_per_year(change.new_per_year)}"
            lines.append(("    ", per_year, "              "))
        if change.aspect not in ("header", "vocabulary"):
            lines.append(("    ", _direction(change) + (f" ({visible(change.note)})" if change.note else ""), "      "))
        lines += _quote("old", change.old_quotes) + _quote("new", change.new_quotes)
    if decisions:
        lines += ["", ("", style(f"Decisions that differ ({source})", "heading"), "  ")]
        for change in decisions:
            lines.append(("  ", f"{visible(change.key)}: {visible(change.note)}", "    "))
            lines.append(("    ", f"old: {visible(change.old)} ({_clauses(change.old_clauses) or 'no clause'})",
                          "         "))
            lines.append(("    ", f"new: {visible(change.new)} ({_clauses(change.new_clauses) or 'no clause'})",
                          "         "))
            lines.append(("    ", _direction(change), "      "))
    if written:
        lines += ["", f"Wrote {len(written)} scenario file{'s' if len(written) != 1 else ''}:"]
        lines += [("  ", visible(path), "    ") for path in written]
    return paint(wrap_lines(lines, width), colour) + "\n"
