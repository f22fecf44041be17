"""Stage 4: match rule packs against a structured, classified Document.

    pack = load_pack(None)                      # the default pack (rules/zhejiang), cached per process
    pack = load_pack(["my_overlay.yaml"])       # layered over the default pack
    result = run(doc, pack, materials=None, as_of=None, explain=False)
    result.findings / result.checklist / result.suppressed / result.citations

Modules: ``loader`` (YAML → schema.PackFile, RuleError with file/rule/field/line), ``pack``
(extends/disable/overrides layering, compile, cache), ``matchers`` (compiled matcher tree),
``context`` (per-document units and literal occurrences), ``runner`` (exceptions, findings,
checklist coverage), ``selftest`` (rule examples).
"""

from __future__ import annotations

from .matchers import CompileError, compile_regex
from .pack import DEFAULT_PACK, CRule, RulePack, load_pack
from .runner import EngineResult, run
from .selftest import ExampleFailure, test_pack, test_rule

__all__ = ["DEFAULT_PACK", "CRule", "CompileError", "EngineResult", "ExampleFailure", "RulePack", "compile_regex",
           "load_pack", "run", "test_pack", "test_rule"]
