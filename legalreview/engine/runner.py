"""Running a compiled pack over one Document: candidates, exceptions, findings, checklist coverage."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from .. import segment
from ..models import Basis, ChecklistEntry, Citation, Document, Finding, SuppressedFinding
from .context import DocContext
from ..errors import RuleError
from .matchers import CompileError, Hit, Unit, compile_regex, fmt_num
from .pack import CException, CRule, RulePack

SCOPE_LABELS = {"document": "全文", "article": "条款", "paragraph": "段落", "sentence": "句", "clause": "分句"}
WHERE_LABELS = {"before_anchor": "命中词之前（同一分句）", "around_anchor": "命中词前后", "clause": "同一分句",
                "sentence": "同一句", "unit": "同一审查单元", "document": "全文"}

_LEADING_MARKER = re.compile(r"(?:第[零〇一二两三四五六七八九十百千0-9０-９]+[条章节款项]|[一二三四五六七八九十]+[、．.]|"
                             r"[（(][一二三四五六七八九十0-9０-９]+[)）]|[0-9０-９]+[、．.](?![0-9０-９])|[①-⑳]|[-—•·*])")
_TRAILING = "，,、：:；;"


@dataclass
class EngineResult:
    findings: list[Finding] = field(default_factory=list)
    checklist: list[ChecklistEntry] = field(default_factory=list)
    suppressed: list[SuppressedFinding] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)


def applies(doc_types, doc_type: str) -> bool:
    return "*" in doc_types or doc_type in doc_types


def trim_span(text: str, s: int, e: int) -> tuple[int, int]:
    """Strip white space, list markers and trailing commas from ``text[s:e]``; never empty."""
    s0, e0 = s, e
    while True:
        before = (s, e)
        while s < e and text[s].isspace():
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] in _TRAILING):
            e -= 1
        m = _LEADING_MARKER.match(text, s, e)
        if m and m.end() < e:
            s = m.end()
        if (s, e) == before:
            break
    if e <= s:
        s, e = s0, e0
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e <= s:
            return s0, e0
    return s, e


_FMT = re.compile(r"\{(quote|hit|detail|params\.([A-Za-z_][A-Za-z0-9_]*))\}")


def fill(template: str, *, quote: str, hit: str, detail: str, params: dict[str, Any]) -> str:
    def rep(m: re.Match) -> str:
        key = m.group(1)
        if key == "quote":
            return quote
        if key == "hit":
            return hit
        if key == "detail":
            return detail
        v = params.get(m.group(2), m.group(0))
        return fmt_num(v) if isinstance(v, float) else str(v)

    return _FMT.sub(rep, template)


# --------------------------------------------------------------------------- exceptions


def exception_hit(ce: CException, ctx: DocContext, unit: Unit, anchor: Hit) -> str | None:
    """A short description of why ``ce`` suppresses the candidate anchored at ``anchor``, or None."""
    spec = ce.spec
    if spec.heading and ctx.is_heading(anchor.start):
        return "标题、章节名或定义"
    if ce.matcher is None:
        return None
    a_ss, a_se = ctx.sq.span(*(anchor.focus or (anchor.start, anchor.end)))
    where = spec.where
    if where == "before_anchor":
        cl = ctx.piece_at("clause", a_ss) or unit
        if a_ss <= cl.ss:
            return None
        region = ctx.unit_sq(cl.ss, max(a_se, a_ss))
        hits = ce.matcher.eval(ctx, region)
        if hits is None:
            return None
        if not hits:
            return "条件成立"
        for h in hits:
            h_ss, h_se = ctx.sq.span(h.start, h.end)
            if h_ss < a_ss and a_ss - h_se <= spec.window:
                return f"{h.label}「{ctx.text[h.start:h.end]}」"
        return None
    if where == "around_anchor":
        sent = ctx.piece_at("sentence", a_ss) or unit
        region = ctx.unit_sq(max(sent.ss, a_ss - spec.window), min(sent.se, a_se + spec.window))
    elif where == "clause":
        region = ctx.piece_at("clause", a_ss) or unit
    elif where == "sentence":
        region = ctx.piece_at("sentence", a_ss) or unit
    elif where == "document":
        region = ctx.whole()
    else:
        region = unit
    hits = ce.matcher.eval(ctx, region)
    if hits is None:
        return None
    if not hits:
        return "条件成立"
    h = hits[0]
    return f"{h.label}「{ctx.text[h.start:h.end]}」"


# --------------------------------------------------------------------------- rules


def _highlight(cr: CRule, ctx: DocContext, unit: Unit, anchor: Hit) -> tuple[int, int]:
    rule = cr.rule
    mode = rule.highlight or ("unit" if rule.scope in ("clause", "sentence") else "sentence")
    if mode == "match":
        s, e = anchor.start, anchor.end
    elif mode == "unit":
        s, e = unit.start, unit.end
    else:
        sent = ctx.piece_at_orig("sentence", anchor.start)
        s, e = (sent.start, sent.end) if sent is not None else (unit.start, unit.end)
        s, e = min(s, anchor.start), max(e, anchor.end)
    return trim_span(ctx.text, s, e)


def _overlaps(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    return any(a < e and s < b for a, b in spans)


def run_rule(cr: CRule, ctx: DocContext, findings: list[Finding], suppressed: list[SuppressedFinding],
             explain: bool) -> None:
    rule = cr.rule
    text = ctx.text
    taken: list[tuple[int, int]] = []
    if cr.required is not None:
        units = ctx.units_with(rule.scope, cr.required)
    elif cr.matcher.needs_citations:
        units = ctx.units_with_citations(rule.scope)
    else:
        units = ctx.units(rule.scope)
    for unit in units:
        hits = cr.matcher.eval(ctx, unit)
        if hits is None:
            continue
        if hits:
            anchors = [h for h in hits if h.src == hits[0].src]
        else:
            anchors = [Hit(unit.start, unit.end, "审查单元", 0)]
        first_supp: tuple[Hit, str, list[str]] | None = None
        chosen: tuple[Hit, list[str]] | None = None
        for anchor in anchors:
            log: list[str] = []
            supp = None
            for ce in cr.exceptions:
                why = exception_hit(ce, ctx, unit, anchor)
                if why is None:
                    log.append(f"例外「{ce.name}」（{WHERE_LABELS.get(ce.spec.where, ce.spec.where)}）：未命中")
                else:
                    log.append(f"例外「{ce.name}」（{WHERE_LABELS.get(ce.spec.where, ce.spec.where)}）：命中 {why}")
                    supp = ce.name
                    break
            if supp is None:
                chosen = (anchor, log)
                break
            if first_supp is None:
                first_supp = (anchor, supp, log)
        matched = [f"{h.label}：「{text[h.start:h.end]}」" for h in hits[:6]]
        scope_line = f"范围：{SCOPE_LABELS[rule.scope]}，{ctx.location(unit.start, unit.end)}"
        if chosen is None:
            assert first_supp is not None
            anchor, name, log = first_supp
            s, e = _highlight(cr, ctx, unit, anchor)
            suppressed.append(SuppressedFinding(rule_id=rule.id, start=s, end=e, quote=text[s:e], exception=name,
                                                explanation=[scope_line, *matched, *log]))
            continue
        anchor, log = chosen
        s, e = _highlight(cr, ctx, unit, anchor)
        if _overlaps(taken, s, e):
            continue
        taken.append((s, e))
        quote = text[s:e]
        detail = anchor.detail or next((h.detail for h in hits if h.detail), "")
        hit_text = text[anchor.start:anchor.end]
        kw = dict(quote=segment.one_line(text, s, e), hit=segment.one_line(text, anchor.start, anchor.end),
                  detail=detail, params=rule.params)
        explanation = [scope_line, *matched]
        if explain:
            if first_supp is not None:
                a0 = first_supp[0]
                explanation.append(f"前一处命中「{text[a0.start:a0.end]}」被例外「{first_supp[1]}」排除，改以「{hit_text}」定位")
            explanation += log or ["（本规则未设例外）"]
        findings.append(Finding(
            rule_id=rule.id, severity=rule.severity, category=rule.category, title=rule.title,
            message=fill(rule.message, **kw), start=s, end=e, quote=quote, location=ctx.location(s, e),
            basis=_basis_for(rule, f"{hit_text}\n{detail}"),
            suggestion=fill(rule.suggestion, **kw), checklist_item=rule.checklist_item, explanation=explanation,
        ))


def _basis_for(rule: Any, matched: str) -> list[Basis]:
    """The rule's bases, without conditional ones (``when``) that do not fit this finding."""
    return [Basis(law=b.law, article=b.article, text=b.text) for b in rule.basis
            if not b.when or compile_regex(b.when).search(matched)]


# --------------------------------------------------------------------------- checklist


def coverage(pack: RulePack, doc_type: str, findings: list[Finding], status: dict[str, str],
             include_na: bool = False) -> list[ChecklistEntry]:
    rules_by_item: dict[str, list[CRule]] = defaultdict(list)
    for cr in pack.compiled:
        if cr.rule.checklist_item and applies(cr.rule.doc_types, doc_type):
            rules_by_item[cr.rule.checklist_item].append(cr)
    out: list[ChecklistEntry] = []
    for item in pack.checklist:
        rules = rules_by_item.get(item.id, [])
        ids = [cr.id for cr in rules]
        if not applies(item.doc_types, doc_type):
            if include_na:
                out.append(ChecklistEntry(item_id=item.id, title=item.title, status="不适用", rules=ids,
                                          note="不适用于本类文件"))
            continue
        fids = [f.id for f in findings if f.checklist_item == item.id]
        if fids:
            out.append(ChecklistEntry(item_id=item.id, title=item.title, status="不符合", finding_ids=fids, rules=ids,
                                      note=f"发现{len(fids)}处问题"))
        elif not rules:
            out.append(ChecklistEntry(item_id=item.id, title=item.title, status="需人工核查", rules=ids,
                                      note="本项无自动审查规则，需人工核查" if not item.manual else "本项无法仅凭文本判断，需人工核查"))
        elif any(status.get(i) == "needs_materials" for i in ids):
            out.append(ChecklistEntry(item_id=item.id, title=item.title, status="需人工核查", rules=ids,
                                      note="未提供送审材料清单（--materials），程序性要求需人工核查"))
        elif item.manual and not any(cr.uses_materials for cr in rules):
            out.append(ChecklistEntry(item_id=item.id, title=item.title, status="需人工核查", rules=ids,
                                      note="自动规则未发现问题，但本项无法仅凭文本判断，需人工核查"))
        else:
            out.append(ChecklistEntry(item_id=item.id, title=item.title, status="符合", rules=ids,
                                      note=f"已按{len(ids)}条规则检查，未发现问题"))
    return out


# --------------------------------------------------------------------------- entry point


def run(doc: Document, pack: RulePack, *, materials: Any = None, as_of: dt.date | None = None,
        explain: bool = False, only: set[str] | None = None, checklist: bool = True,
        include_na: bool = False) -> EngineResult:
    """Match ``pack`` against ``doc``. ``only``: restrict to these rule ids (self-tests)."""
    from ..materials import load_materials

    mats = load_materials(materials)
    ctx = DocContext(doc, pack.automaton, materials=mats, as_of=as_of)
    findings: list[Finding] = []
    suppressed: list[SuppressedFinding] = []
    status: dict[str, str] = {}
    for cr in pack.compiled:
        if only is not None and cr.id not in only:
            continue
        if not applies(cr.rule.doc_types, doc.doc_type):
            continue
        if cr.uses_materials and mats is None:
            status[cr.id] = "needs_materials"
            continue
        status[cr.id] = "evaluated"
        if cr.required is not None and not any(ctx.has(t) for t in cr.required):
            continue
        try:
            run_rule(cr, ctx, findings, suppressed, explain)
        except CompileError as e:  # tokens patterns are compiled lazily (spaCy loads on first use)
            raise RuleError(e.message, path=cr.origin, rule_id=cr.id, field="match", cause=e.cause) from None
    findings.sort(key=lambda f: (f.start, f.rule_id))
    result = EngineResult(findings=findings, suppressed=suppressed)
    if checklist:
        result.checklist = coverage(pack, doc.doc_type, findings, status, include_na)
    if only is None:
        result.citations = ctx.citations()
    return result
