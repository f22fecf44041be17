"""Stage 4: match rule packs against a structured, classified Document.

STUB: to be replaced by the rule engine. Stable interface:

    pack = load_pack(None)                      # the default pack (rules/zhejiang), cached per process
    pack = load_pack(["rules/zhejiang", "my_overlay.yaml"])
    result = run(doc, pack, materials=None, as_of=None, explain=False)
    result.findings / result.checklist / result.suppressed / result.citations
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..models import ChecklistEntry, Citation, Document, Finding, PackInfo, SuppressedFinding


@dataclass
class RulePack:
    """A compiled, layered rule pack."""

    packs: list[PackInfo] = field(default_factory=list)
    rules: list[Any] = field(default_factory=list)
    checklist: list[Any] = field(default_factory=list)

    @property
    def version(self) -> str:
        return "+".join(f"{p.name}@{p.version}" for p in self.packs) or "none"


@dataclass
class EngineResult:
    findings: list[Finding] = field(default_factory=list)
    checklist: list[ChecklistEntry] = field(default_factory=list)
    suppressed: list[SuppressedFinding] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)


def load_pack(rules: str | Path | list[str | Path] | None = None) -> RulePack:
    return RulePack()


def run(doc: Document, pack: RulePack, *, materials: Any = None, as_of: dt.date | None = None,
        explain: bool = False) -> EngineResult:
    return EngineResult()
