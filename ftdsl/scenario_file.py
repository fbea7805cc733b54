"""Reading a scenario file: a path (or '-') in, the scenario dict out.

The usual case, a readable UTF-8 JSON file, needs only the standard
library, so that `ftdsl run` with a cached ruleset stays light; anything
wrong is explained with an FtdslError (file, line and column where JSON
gives them), imported only then.
"""

from __future__ import annotations

import json

from .limits import LARGEST_FILE
from .scenario import json_decimal, json_int, refuse_repeated_keys


def read_scenario(path: str) -> dict:
    """Read and parse a scenario; raise FtdslError with a plain message if it is not one."""
    return read_scenario_and_text(path)[0]


def read_scenario_and_text(path: str) -> tuple[dict, str]:
    """The scenario and the text it was read from (for placing its problems at their lines)."""
    if path == "-":
        from .source import read_stdin

        data = read_stdin()
    else:
        data = _read_bytes(path)
    name = "<stdin>" if path == "-" else path
    text = None
    if data is not None and b"\x00" not in data:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
    if text is None and data is not None and path != "-":
        _refuse_workbook(path, name)
    if text is None:
        # Missing, a folder, unreadable, binary or not UTF-8: source.py says which.
        from .source import decode_text, read_text

        text = read_text(path, "scenario") if data is None else decode_text(data, name, "scenario")
    try:
        return parse_scenario_text(text), text
    except ValueError as error:
        raise _json_error(error, text, name) from None


def parse_scenario_text(text: str) -> dict:
    """JSON text to a dict; every key given once, plain numbers only (ValueError otherwise).

    Numbers are read exactly as written: an integer as an int, and one
    with a point or an exponent as a Decimal (never through a binary
    float, which would read 6.0000000000000001 hours as 6); one too long or
    too large for that is kept as a Decimal too, for validation to refuse
    at its place in the scenario.
    """
    return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=refuse_repeated_keys,
                      parse_float=json_decimal, parse_int=json_int)



def _read_bytes(path: str) -> bytes | None:
    """The file's bytes, or None for anything else unusual (missing, a folder, unreadable), which
    source.read_text then explains; FtdslError E006 past LARGEST_FILE."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(LARGEST_FILE + 1)
    except OSError:
        return None
    if len(data) > LARGEST_FILE:
        from .source import too_large

        raise too_large(path, "scenario")  # not read a second time by source.read_text
    return data


def _refuse_workbook(path: str, name: str) -> None:
    """FtdslError (E310) for an Excel workbook given where a scenario is read, saying which commands take one."""
    from .workbook import is_workbook

    if is_workbook(path):
        from .errors import Diagnostic, FtdslError, Span

        raise FtdslError(Diagnostic("E310", f"'{name}' is an Excel workbook, not a JSON scenario", Span(name, 1, 1),
                                    hint="a workbook of requests, one a row, is a log: decide it with 'ftdsl run "
                                         "RULESET LOG', report on it with 'ftdsl report RULESET LOG --roster "
                                         "ROSTER', or explain one row with 'ftdsl explain RULESET LOG --request "
                                         "ID'"))


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def _looks_like_a_log(text: str) -> bool:
    """Whether a text that is not one JSON object is a CSV header with the columns every log has, or JSON
    Lines (one object a line, each with a rep)."""
    first = text.lstrip("\ufeff").split("\n", 1)[0].strip()
    if first.startswith("{"):
        return '"rep"' in first and len(text.strip().splitlines()) > 1
    columns = {column.strip().strip('"').lower() for column in first.split(",")}
    return {"rep", "date"} <= columns


def _json_error(error: ValueError, text: str, name: str):
    from .errors import Diagnostic, FtdslError, Span

    if not text.strip():
        return FtdslError(Diagnostic("E300", "the scenario file is empty", Span(name, 0, 0),
                                     hint='a scenario is a JSON object: {"facts": {...}, "requests": [...]}'))
    if isinstance(error, json.JSONDecodeError):
        hint = "check the brackets, commas and quotes near here"
        if text.lstrip().startswith(("§", "#", "agreement", "roles", "categories")):
            hint = "this looks like a ruleset (.ftr); give the ruleset first and the scenario (.json) second"
        elif _looks_like_a_log(text):
            hint = ("this looks like a log of requests, one a row: name the file .csv or .jsonl, or give "
                    "--input-format csv (or jsonl); then 'ftdsl run' decides every row, 'ftdsl explain --request "
                    "ID' explains one, and 'ftdsl ask --history' counts a representative's rows")
        return FtdslError(Diagnostic("E300", f"the scenario is not valid JSON: {error.msg}",
                                     Span(name, error.lineno, error.colno), hint=hint), {name: text})
    return FtdslError(Diagnostic("E300", f"the scenario is not valid JSON: {error}", Span(name, 0, 0),
                                 hint="write plain numbers, and give each key once"))
