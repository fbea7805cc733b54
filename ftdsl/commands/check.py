"""`ftdsl check RULESET...`: parse and check rulesets, reporting every error and warning.

Errors (E…) make a ruleset unusable; warnings (W…, from lint.py) point at
what probably differs from what was agreed. The findings and each file's
count are the command's output, on standard output as a linter prints
them; a file that could not be read at all (missing, a folder,
unreadable, far too large) is said on standard error, as every command
says it. Exit 1 when any ruleset has errors, or warnings under --strict;
2 when a ruleset could not be read; 0 otherwise. Warnings never stop `run`.
"""

from __future__ import annotations

import json
import sys

import click

from ._shared import EXIT_ERROR, EXIT_FOUND, colour_option, described, pager_option
from ..display import json_visible, visible
from ..errors import FtdslError, render_diagnostic


# The file itself could not be read: the check was not done, rather than done and failed.
UNREADABLE = {"E001", "E002", "E003", "E006"}


def check_file(path: str) -> dict:
    """Check one ruleset: {'file', 'sources', 'diagnostics'}: its errors, or its warnings when it has none."""
    from ..api import load_ruleset
    from ..lint import lint

    try:
        loaded = load_ruleset(path)
    except FtdslError as error:
        return {"file": path, "sources": error.sources, "diagnostics": error.diagnostics}
    return {"file": path, "sources": loaded.sources,
            "diagnostics": [*loaded.warnings, *lint(loaded.model, loaded.ast)]}


def _paths(rulesets) -> list[str]:
    """Each RULESET as given, a folder as the .ftr files under it (a folder with none is checked as
    given, and reported as a folder that is not a ruleset)."""
    from ..source import ruleset_paths

    found = []
    for path in rulesets:
        try:
            found.extend(ruleset_paths([path]))
        except FtdslError:
            found.append(path)
    return list(dict.fromkeys(found))


EXAMPLES = (
    "ftdsl check rulesets/",
    "ftdsl check --strict rulesets/westminster.ftr",
)


@click.command(**described("Check rulesets and report every error and warning.", EXAMPLES,
                           ("docs/errors.md",)))
@click.argument("rulesets", nargs=-1, required=True, type=click.Path())
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings as well as errors.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="How to print the findings.")
@colour_option
@pager_option
def command(rulesets, strict, output_format):
    """Parse and check each RULESET (or every .ftr file in a folder), reporting every error and warning found.

    The findings are printed on standard output, each file's count after its
    findings; the exit code says whether there were errors (1), or a file
    could not be read (2). On a terminal a long report goes through a pager
    (FTDSL_PAGER, PAGER, else less -FRX; --no-pager for none).
    """
    results = [check_file(path) for path in _paths(rulesets)]
    failed = False
    for result in results:
        errors = [d for d in result["diagnostics"] if d.severity == "error"]
        warnings = [d for d in result["diagnostics"] if d.severity != "error"]
        result["ok"] = not errors and not (strict and warnings)
        failed = failed or not result["ok"]
        result["counts"] = (len(errors), len(warnings))
    if output_format == "json":
        data = [{"file": r["file"], "ok": r["ok"], "errors": r["counts"][0], "warnings": r["counts"][1],
                 "diagnostics": [d.to_dict() for d in r["diagnostics"]]} for r in results]
        click.echo(json_visible(json.dumps(data, indent=2, ensure_ascii=False)))
    else:
        from ..colour import paint, style, wanted
        from ..pager import show_parts
        from ..pager import wanted as paged

        # Findings are output; a file that could not be read is an error of the run, on standard error (through
        # a pager, everything goes to it together, coloured as standard output is).
        on_error = wanted(sys.stdout if paged() else sys.stderr)
        on_output = wanted(sys.stdout)
        parts = []
        for result in results:
            for diagnostic in result["diagnostics"]:
                source = result["sources"].get(diagnostic.span.file) if diagnostic.span else None
                unreadable = diagnostic.code in UNREADABLE
                parts.append((render_diagnostic(diagnostic, source, on_error if unreadable else on_output) + "\n",
                              unreadable))
            errors, warnings = result["counts"]
            if errors:
                summary = style(f"{errors} error{'s' if errors != 1 else ''}", "error")
            elif warnings:
                summary = style("ok", "ok") + f", {style(f'{warnings} warning' + 's' * (warnings != 1), 'warning')}" \
                    + (" (failing under --strict)" if strict else "")
            else:
                summary = style("ok", "ok")
            parts.append((paint(f"{visible(result['file'])}: {summary}", on_output) + "\n", False))
        show_parts(parts)
    unreadable = any(d.code in UNREADABLE for r in results for d in r["diagnostics"])
    sys.exit(EXIT_ERROR if unreadable else EXIT_FOUND if failed else 0)
