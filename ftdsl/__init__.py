"""ftdsl: facility-time agreements as rule files you can run and compare.

The pipeline, one module per step:

    text ─parser/builder→ AST (nodes) ─checker→ model ─compiler→ Program ─runtime→ decisions

>>> ruleset = load_ruleset_text('categories: duties\\n§5.3 duties are paid\\n')
>>> ruleset.model.categories
('duties',)
"""

from __future__ import annotations

__version__ = "0.1.0"

from .api import Ruleset, decide, load_ruleset, load_ruleset_text  # noqa: E402
from .errors import Diagnostic, FtdslError  # noqa: E402

__all__ = ["Ruleset", "load_ruleset", "load_ruleset_text", "decide", "FtdslError", "Diagnostic", "__version__"]
