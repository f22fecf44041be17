"""The whole review: ingest → structure → classify → match rules → ReviewReport."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from . import __version__
from .models import Document, DocumentInfo, ReviewReport, Summary


def review(
    source: str | Path | Document,
    doc_type: str | None = None,
    rules: Any = None,
    *,
    materials: Any = None,
    as_of: dt.date | None = None,
    waivers: Any = None,
    explain: bool = False,
    checklist_all: bool = False,
) -> ReviewReport:
    """Review one document and return a ``ReviewReport``.

    ``source``: a path (.docx/.txt/.md/.pdf/...) or an already loaded ``Document``.
    ``doc_type``: override the detected type (``village_rules``, ``normative_document``, ...).
    ``rules``: pack names or YAML paths layered over the default Zhejiang pack, or a compiled ``RulePack``.
    ``materials``: a materials manifest (path or dict) for procedure checks.
    ``as_of``: the review date for citation checks (default: today).
    ``waivers``: a waiver sidecar (path, list or dict) of accountable waivers.
    ``explain``: findings also list the exceptions checked (suppressed candidates are always kept).
    ``checklist_all``: also list checklist items of other document types (status 不适用).
    """
    from . import classify as _classify
    from . import engine
    from .ingest import load
    from .structure import parse

    if isinstance(source, Document):
        doc = source if (source.outline or source.title) else parse(source)
    else:
        doc = load(source)
    doc = _classify.classify(doc, override=doc_type)
    pack = rules if isinstance(rules, engine.RulePack) else engine.load_pack(rules)
    as_of = as_of or dt.date.today()
    result = engine.run(doc, pack, materials=materials, as_of=as_of, explain=explain, include_na=checklist_all)
    findings = result.findings
    if waivers is not None:
        from .waivers import apply_waivers

        findings = apply_waivers(findings, waivers)
        result.checklist = waive_checklist(result.checklist, findings)
    return build_report(doc, findings, result, pack, as_of)


def waive_checklist(checklist, findings):
    """An item whose every finding was waived (with a reviewer's reason) counts as 符合."""
    waived = {f.id for f in findings if f.waived}
    out = []
    for c in checklist:
        if c.status == "不符合" and c.finding_ids and all(i in waived for i in c.finding_ids):
            c = c.model_copy(update={"status": "符合", "note": f"发现的{len(c.finding_ids)}处问题均已由审查人豁免（理由见问题清单）"})
        out.append(c)
    return out


def review_text(text: str, doc_type: str | None = None, rules: Any = None, **kw) -> ReviewReport:
    """Review a string (handy for integrators and tests)."""
    from .ingest import from_text

    return review(from_text(text), doc_type=doc_type, rules=rules, **kw)


def build_report(doc: Document, findings, result, pack, as_of: dt.date) -> ReviewReport:
    active = [f for f in findings if not f.waived]
    errors = sum(f.severity == "error" for f in active)
    warnings = sum(f.severity == "warning" for f in active)
    infos = sum(f.severity == "info" for f in active)
    fatal = any(f.category in FATAL_CATEGORIES for f in active)
    summary = Summary(errors=errors, warnings=warnings, infos=infos,
                      waived=len(findings) - len(active), conclusion=conclusion_for(errors, warnings, fatal))
    return ReviewReport(
        tool_version=__version__,
        reviewed_at=dt.datetime.now().replace(microsecond=0),
        as_of=as_of,
        document=DocumentInfo.from_document(doc),
        findings=sorted(findings, key=lambda f: (f.start, f.rule_id)),
        checklist=result.checklist,
        summary=summary,
        citations=result.citations,
        rule_packs=list(pack.packs),
        suppressed=result.suppressed,
        warnings=list(doc.warnings),
    )


# Findings that make the whole document unlawful rather than fixable clause by clause
# (the issuing body has no power to issue it at all).
FATAL_CATEGORIES = frozenset({"issuer_not_eligible", "ultra_vires_document"})


def conclusion_for(errors: int, warnings: int, fatal: bool = False) -> str:
    """Default conclusion: 合法 when nothing needs changing; 修改后合法 when clauses must or should be
    revised (the usual outcome: the reviewer asks for the flagged clauses to be fixed); 不合法 when a
    finding strikes at the document as a whole (FATAL_CATEGORIES). The opinion writer can override
    the wording.
    """
    if fatal:
        return "不合法"
    if errors or warnings:
        return "修改后合法"
    return "合法"
