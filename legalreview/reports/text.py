"""Readable Chinese report for the terminal (``legalreview review FILE``)."""

from __future__ import annotations

from ..models import DOC_TYPE_LABELS, SEVERITY_LABELS, ReviewReport
from ..segment import one_line

_MARK = {"error": "✖", "warning": "▲", "info": "·"}


def render_text(report: ReviewReport, *, explain: bool = False, color: bool = False) -> str:
    d = report.document
    lines: list[str] = []
    lines.append(f"审查对象：{d.title or d.path or '（无标题）'}")
    if d.path:
        lines.append(f"文件：{d.path}")
    reasons = "；".join(d.doc_type_reasons[:3])
    lines.append(f"文件类型：{DOC_TYPE_LABELS.get(d.doc_type, d.doc_type)}（置信度 {d.doc_type_confidence:.2f}"
                 + (f"；依据：{reasons}" if reasons else "") + "）")
    meta = [x for x in (d.doc_number and f"文号 {d.doc_number}", d.issuer and f"制定主体 {d.issuer}",
                        d.date and f"日期 {d.date.isoformat()}") if x]
    if meta:
        lines.append("；".join(meta))
    if report.rule_packs:
        lines.append("规则包：" + "，".join(f"{p.name} {p.version}" for p in report.rule_packs))
    lines.append("")
    active = report.active_findings
    if not active:
        lines.append("未发现问题。")
    for i, f in enumerate(active, 1):
        lines.append(f"{i}. {_MARK[f.severity]} [{SEVERITY_LABELS[f.severity]}] {f.title}（{f.rule_id}）")
        lines.append(f"   位置：{f.location}")
        lines.append(f"   原文：「{one_line(report.document.text, f.start, f.end)}」")
        lines.append(f"   问题：{f.message}")
        for b in f.basis:
            art = b.article or ""
            quote = f"：「{b.text}」" if b.text else ""
            lines.append(f"   依据：{b.law}{art}{quote}")
        if f.suggestion:
            lines.append(f"   建议：{f.suggestion}")
        if explain and f.explanation:
            for e in f.explanation:
                lines.append(f"   说明：{e}")
        lines.append("")
    waived = [f for f in report.findings if f.waived]
    if waived:
        lines.append(f"已豁免 {len(waived)} 项：")
        for f in waived:
            reason = f.waiver.reason if f.waiver else ""
            lines.append(f"   - {f.rule_id}「{f.quote}」：{reason}")
        lines.append("")
    if explain and report.suppressed:
        lines.append("被例外排除的候选问题（--explain）：")
        for s in report.suppressed:
            lines.append(f"   - {s.rule_id}「{s.quote}」：{s.exception}")
        lines.append("")
    if report.checklist:
        lines.append("审查要点：")
        for c in report.checklist:
            lines.append(f"   [{c.status}] {c.title}")
        lines.append("")
    s = report.summary
    lines.append(f"合计：违法 {s.errors} 项，建议修改 {s.warnings} 项，提示 {s.infos} 项"
                 + (f"，已豁免 {s.waived} 项" if s.waived else "") + f"。初步结论：{s.conclusion}")
    lines.append("（本结果为辅助审查意见，须由审查人员复核后定稿。）")
    return "\n".join(lines)
