"""ftdsl's own files: where the grammar and the law ruleset are, and a fingerprint of what programs depend on.

In: nothing (the installed package). Out: paths, and a fingerprint that
changes whenever any of those files is edited, for the compiled-ruleset
cache's key. Standard library only, and cheap: a cached `ftdsl run`
calls it before anything else.
"""

from __future__ import annotations

import os

from . import __version__

PACKAGE_FOLDER = os.path.dirname(os.path.abspath(__file__))

# Every module whose code decides what a ruleset compiles to or how the
# compiled program decides: an edited copy of any of them (a development
# checkout whose version has not moved) must not reuse what an older copy
# stored. The grammar's files are added by compiled_program_files.
PROGRAM_MODULES = ("source.py", "parser.py", "builder.py", "nodes.py", "checker.py", "records.py", "model.py",
                   "conditions.py", "modelfile.py", "scenario.py", "runtime.py", "numbers.py")
GRAMMAR_FILES = ("ftr.lark", "ftr.tables.json")


def grammar_folder() -> str:
    """The folder holding ftr.lark and its shipped parser tables.

    An installed ftdsl (or an editable install) has it as the package
    ftdsl.grammar. Run from a checkout (``python -m ftdsl`` at the top of the
    repository, where the checkout's ftdsl/ shadows the installed one) there
    is no such package, and the checkout's grammar/ folder is used instead.
    The package's own folder is used rather than importlib.resources, whose
    import (with pathlib) would add 4 ms to every cold run; pip never
    installs ftdsl zipped, so the files are always on disk.
    """
    try:
        from . import grammar
    except ImportError:
        return os.path.join(os.path.dirname(PACKAGE_FOLDER), "grammar")
    return os.path.dirname(os.path.abspath(grammar.__file__))


LAW_RULESET = "gb-time-off.ftr"


def law_ruleset() -> str:
    """The path of the statutory floor `ftdsl audit` compares with by default (rulesets/law/gb-time-off.ftr).

    Installed, it is in the package ftdsl.law; run from a checkout without
    that package (as for grammar_folder), the checkout's rulesets/law/ is
    used.
    """
    try:
        from . import law
    except ImportError:
        return os.path.join(os.path.dirname(PACKAGE_FOLDER), "rulesets", "law", LAW_RULESET)
    return os.path.join(os.path.dirname(os.path.abspath(law.__file__)), LAW_RULESET)


def compiled_program_files() -> list[str]:
    """The paths of every file a compiled program depends on (see PROGRAM_MODULES)."""
    folder = grammar_folder()
    return ([os.path.join(PACKAGE_FOLDER, name) for name in PROGRAM_MODULES] +
            [os.path.join(folder, name) for name in GRAMMAR_FILES])


def fingerprint() -> str:
    """The version and each program file's size and modification time: a few stat calls, no reading."""
    parts = [__version__]
    for path in compiled_program_files():
        try:
            info = os.stat(path)
        except OSError:
            parts.append(f"{os.path.basename(path)}:missing")
            continue
        parts.append(f"{os.path.basename(path)}:{info.st_size}:{info.st_mtime_ns}")
    return "\0".join(parts)
