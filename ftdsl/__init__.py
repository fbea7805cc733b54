"""ftdsl: facility-time agreements as rule files you can run and compare.

The pipeline, one module per step:

    text ─parser/builder→ AST (nodes) ─checker→ model ─runtime.Program→ decisions

>>> import ftdsl
>>> ruleset = ftdsl.load_ruleset_text('categories: duties\\n§5.3 duties are paid\\n')
>>> ruleset.model.categories
('duties',)

Names are imported on first use, so that `ftdsl run` with a cached ruleset
never pays for importing the parser.
"""

__version__ = "0.1.0"

_EXPORTS = {
    "Ruleset": "api", "load_ruleset": "api", "load_ruleset_text": "api", "decide": "api",
    "FtdslError": "errors", "Diagnostic": "errors",
}

__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name):
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'ftdsl' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f".{module_name}", __name__), name)
