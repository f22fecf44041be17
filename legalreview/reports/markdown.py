"""Markdown report (``--format md``): the same content as the HTML page for plain-text workflows.

Flagged spans in the document text are shown as **…**〔问题N〕 so the text stays readable as plain text.
"""

from __future__ import annotations

import re

from ..models import DOC_TYPE_LABELS, SEVERITY_LABELS, ReviewReport
from ..segment import one_line
from .html import DRAFT_NOTE, SEV_SHORT, basis_line, segment_text

_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])")


def md_escape(s: str | None) -> str:
    """Escape Markdown syntax in ``s`` (inline characters; ``|`` for tables)."""
    return _INLINE.sub(r"\\\1", s or "")


def _escape_line_start(line: str) -> str:
    m = _LINE_START.match(line)
    if not m:
        return line
    return line[: m.end(1)] + "\\" + line[m.end(1):]


def _cell(s: str | None) -> str:
    return md_escape(s).replace("\n", " ")


def render_markdown(report: ReviewReport) -> str:
    d = report.document
    active = report.active_findings
    title = (d.title or d.path or "送审文件").strip("《》")
    L: list[str] = [f"# 合法性审查报告：《{md_escape(title)}》", ""]
    meta = [("文件", d.path), ("文件类型", f"{DOC_TYPE_LABELS.get(d.doc_type, d.doc_type)}（置信度 {d.doc_type_confidence:.2f}）"),
            ("文号", d.doc_number), ("制定主体", d.issuer), ("日期", d.date.isoformat() if d.date else None),
            ("规则包", "，".join(f"{p.name} {p.version}" for p in report.rule_packs) or None),
            ("审查时间", report.reviewed_at.isoformat(sep=" ") if report.reviewed_at else None)]
    L += [f"- {k}：{md_escape(v)}" for k, v in meta if v]
    s = report.summary
    L += ["", "## 审查结论", "", f"**初步结论：{md_escape(s.conclusion)}**（违法 {s.errors} 项，建议修改 {s.warnings} 项，"
          f"提示 {s.infos} 项" + (f"，已豁免 {s.waived} 项" if s.waived else "") + "）", ""]
    L += [f"> 注意：{md_escape(w)}" for w in report.warnings]
    L += [f"> {DRAFT_NOTE}", "", "## 问题清单", ""]
    if not active:
        L += ["未发现问题。", ""]
    for n, f in enumerate(active, 1):
        L += [f"### 问题{n}：【{SEV_SHORT.get(f.severity, f.severity)}】{md_escape(f.title)}（{md_escape(f.rule_id)}）", "",
              f"- 位置：{md_escape(f.location)}",
              f"- 原文：「{md_escape(one_line(report.document.text, f.start, f.end))}」",
              f"- 问题：{md_escape(f.message)}"]
        L += [f"- 依据：{md_escape(basis_line(b))}" for b in f.basis]
        if f.suggestion:
            L.append(f"- 建议：{md_escape(f.suggestion)}")
        L += [f"- 等级：{SEVERITY_LABELS.get(f.severity, f.severity)}", ""]
    waived = [f for f in report.findings if f.waived]
    if waived:
        L += ["## 经审查认为不构成问题的事项", ""]
        for f in waived:
            reason = f.waiver.reason if f.waiver else ""
            who = f"（{f.waiver.reviewer}）" if f.waiver and f.waiver.reviewer else ""
            L.append(f"- {md_escape(f.location)}「{md_escape(f.quote)}」（{md_escape(f.title)}）经审查认为不构成问题，"
                     f"理由：{md_escape(reason)}{md_escape(who)}")
        L.append("")
    L += ["## 审查要点", ""]
    if report.checklist:
        ids = {f.id: n for n, f in enumerate(active, 1)}
        L += ["| 序号 | 审查要点 | 结果 | 相关问题 | 说明 |", "| --- | --- | --- | --- | --- |"]
        for i, c in enumerate(report.checklist, 1):
            rel = "、".join(f"问题{ids[x]}" for x in c.finding_ids if x in ids)
            L.append(f"| {i} | {_cell(c.title)} | {_cell(c.status)} | {rel} | {_cell(c.note)} |")
    else:
        L.append("（本次审查未生成审查要点清单。）")
    bad = [c for c in report.citations if c.status != "ok"]
    if bad:
        L += ["", "## 引用检查", "", "| 原文引用 | 状态 | 说明 |", "| --- | --- | --- |"]
        L += [f"| {_cell(c.raw)} | {_cell(c.status)} | {_cell(c.message)} |" for c in bad]
    L += ["", "## 原文（标注）", "", *_marked_lines(d.text, active), ""]
    return "\n".join(L)


def _marked_lines(text: str, findings) -> list[str]:
    """The text with flagged spans as **…** and 〔问题N〕 where a finding ends; one Markdown paragraph
    per line. Adjacent/overlapping flagged segments are merged into one bold run."""
    lines: list[list[tuple[str, bool | None]]] = [[]]  # per line: (text, covered) or (marker, None)
    for seg in segment_text(text, findings):
        lines[-1] += [(f"〔问题{i + 1}〕", None) for i in seg.pins]
        if seg.start == seg.end:
            continue
        for k, part in enumerate(text[seg.start:seg.end].split("\n")):
            if k:
                lines.append([])
            if part:
                lines[-1].append((md_escape(part), bool(seg.covering)))
        lines[-1] += [(f"〔问题{i + 1}〕", None) for i in seg.ending]
    out = []
    for toks in lines:
        buf, bold = [], False
        for t, covered in toks:
            if covered is not None and covered != bold:
                buf.append("**")
                bold = covered
            buf.append(t)
        if bold:
            buf.append("**")
        line = "".join(buf)
        if line.strip():
            out += [_escape_line_start(line), ""]
    return out
