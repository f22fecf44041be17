"""One self-contained HTML page for a review (``--format html``): inline CSS, no scripts, no external
assets. The document text is shown with every flagged span in a ``<mark>`` (id ``mark-N``, a
severity class) linked to its finding (id ``finding-N``), which links back. Everything is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from ..models import DOC_TYPE_LABELS, SEVERITY_LABELS, Finding, ReviewReport

SEV_RANK = {"error": 0, "warning": 1, "info": 2}
SEV_SHORT = {"error": "违法", "warning": "建议修改", "info": "提示"}
DRAFT_NOTE = "本报告由 legalreview 依据规则辅助生成，供审查人员判断参考，须经审查人员复核后定稿。"

CSS = """
:root{--err:#c62828;--warn:#e08a00;--info:#1565c0;--ink:#222;--mute:#666}
*{box-sizing:border-box}
body{font-family:"Noto Serif CJK SC","Source Han Serif SC","SimSun",serif;color:var(--ink);margin:0;
 background:#f6f6f4;line-height:1.7}
main{max-width:60rem;margin:0 auto;padding:1.5rem 2rem;background:#fff}
h1{font-size:1.6rem;text-align:center;margin:.5rem 0 1rem}
h2{font-size:1.2rem;border-left:4px solid #8d6e63;padding-left:.5rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#efefef}
.meta th{width:8rem}
.badge{display:inline-block;padding:0 .5rem;border-radius:.6rem;color:#fff;font-size:.85rem}
.badge.error{background:var(--err)}.badge.warning{background:var(--warn)}.badge.info{background:var(--info)}
.conclusion{font-size:1.15rem;font-weight:bold}
.note{color:var(--mute);font-size:.9rem}
.doc{white-space:pre-wrap;border:1px solid #ddd;padding:1rem;background:#fcfcfa;font-size:1.02rem}
mark{padding:0 .1rem;border-radius:.15rem}
mark a{color:inherit;text-decoration:none}
mark.error{background:#ffcdd2;border-bottom:2px solid var(--err)}
mark.warning{background:#ffe9b3;border-bottom:2px solid var(--warn)}
mark.info{background:#d6e6fb;border-bottom:2px solid var(--info)}
a.pin{font-size:.8rem;text-decoration:none}
ol.findings{padding-left:1.5rem}
ol.findings>li{margin:.8rem 0;padding:.5rem .8rem;border-left:4px solid #ccc;background:#fafafa}
ol.findings>li.error{border-color:var(--err)}ol.findings>li.warning{border-color:var(--warn)}
ol.findings>li.info{border-color:var(--info)}
.quote{background:#f1f1f1;padding:0 .2rem}
dl{margin:.3rem 0}dt{float:left;clear:left;width:4.5rem;color:var(--mute)}dd{margin-left:4.5rem}
.st-不符合{color:var(--err);font-weight:bold}.st-需人工核查{color:var(--warn)}.st-符合{color:#2e7d32}
@media print{body{background:#fff}main{padding:0}a{color:inherit}}
"""


@dataclass
class Segment:
    """A piece of text between two finding boundaries."""

    start: int
    end: int
    covering: list[int] = field(default_factory=list)  # indices into the findings list
    starting: list[int] = field(default_factory=list)  # findings starting at ``start``
    ending: list[int] = field(default_factory=list)  # findings ending at ``end``
    pins: list[int] = field(default_factory=list)  # empty findings located at ``start``


def segment_text(text: str, findings: list[Finding]) -> list[Segment]:
    """Split ``text`` at every finding boundary; each segment knows which findings cover it.
    Overlapping and nested findings are handled; empty findings become pins."""
    bounds = {0, len(text)}
    for f in findings:
        bounds.add(max(0, min(f.start, len(text))))
        bounds.add(max(0, min(f.end, len(text))))
    cuts = sorted(bounds)
    segs = []
    for a, b in zip(cuts, cuts[1:] + [None]):
        if b is None:
            if any(f.start == f.end == a for f in findings):
                segs.append(Segment(a, a, pins=[i for i, f in enumerate(findings) if f.start == f.end == a]))
            break
        seg = Segment(a, b)
        seg.pins = [i for i, f in enumerate(findings) if f.start == f.end == a]
        for i, f in enumerate(findings):
            if f.start < f.end and f.start <= a and f.end >= b:
                seg.covering.append(i)
                if f.start == a:
                    seg.starting.append(i)
                if f.end == b:
                    seg.ending.append(i)
        segs.append(seg)
    return segs


def primary(findings: list[Finding], idx: list[int]) -> int:
    """The finding that colours a segment: most severe, then the narrowest."""
    return min(idx, key=lambda i: (SEV_RANK.get(findings[i].severity, 9), findings[i].end - findings[i].start, i))


def basis_line(b) -> str:
    return f"{b.law}{b.article or ''}" + (f"：「{b.text}」" if b.text else "")


def _e(s) -> str:
    return escape("" if s is None else str(s), quote=True)


def render_html(report: ReviewReport) -> str:
    d = report.document
    active = report.active_findings
    title = d.title or (d.path or "送审文件")
    out: list[str] = []
    out.append("<!DOCTYPE html>")
    out.append('<html lang="zh-CN"><head><meta charset="utf-8">')
    out.append('<meta name="viewport" content="width=device-width, initial-scale=1">')
    out.append(f"<title>合法性审查报告：{_e(title)}</title>")
    out.append(f"<style>{CSS}</style></head><body><main>")
    out.append(f"<header><h1>合法性审查报告：《{_e(title.strip('《》'))}》</h1>")
    rows = [("文件", d.path), ("文件类型", f"{DOC_TYPE_LABELS.get(d.doc_type, d.doc_type)}（置信度 {d.doc_type_confidence:.2f}）"),
            ("文号", d.doc_number), ("制定主体", d.issuer), ("日期", d.date.isoformat() if d.date else None),
            ("规则包", "，".join(f"{p.name} {p.version}" for p in report.rule_packs) or None),
            ("审查时间", report.reviewed_at.isoformat(sep=" ") if report.reviewed_at else None),
            ("效力判断日期", report.as_of.isoformat() if report.as_of else None)]
    out.append('<table class="meta">')
    for k, v in rows:
        if v:
            out.append(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>")
    out.append("</table></header>")

    s = report.summary
    out.append('<section id="summary"><h2>审查结论</h2>')
    out.append(f'<p class="conclusion">初步结论：{_e(s.conclusion)}</p>')
    out.append(f'<p><span class="badge error">违法 {s.errors}</span> <span class="badge warning">建议修改 {s.warnings}</span> '
               f'<span class="badge info">提示 {s.infos}</span>' + (f"　已豁免 {s.waived} 项" if s.waived else "") + "</p>")
    for wmsg in report.warnings:
        out.append(f'<p class="note">注意：{_e(wmsg)}</p>')
    out.append(f'<p class="note">{_e(DRAFT_NOTE)}</p></section>')

    out.append('<section id="findings"><h2>问题清单</h2>')
    if not active:
        out.append("<p>未发现问题。</p>")
    else:
        out.append('<ol class="findings">')
        for n, f in enumerate(active, 1):
            out.append(_finding_li(n, f))
        out.append("</ol>")
    waived = [f for f in report.findings if f.waived]
    if waived:
        out.append("<h3>经审查认为不构成问题的事项</h3><ul>")
        for f in waived:
            reason = f.waiver.reason if f.waiver else ""
            who = f"（{f.waiver.reviewer}）" if f.waiver and f.waiver.reviewer else ""
            out.append(f'<li>{_e(f.location)}<span class="quote">「{_e(f.quote)}」</span>（{_e(f.title)}）'
                       f"经审查认为不构成问题，理由：{_e(reason)}{_e(who)}</li>")
        out.append("</ul>")
    out.append("</section>")

    # one string: the div is white-space:pre-wrap, so no extra newlines may enter it
    out.append(f'<section id="text"><h2>原文（标注）</h2><div class="doc">{_marked_text(d.text, active)}</div></section>')

    out.append('<section id="checklist"><h2>审查要点</h2>')
    if report.checklist:
        ids = {f.id: n for n, f in enumerate(active, 1)}
        out.append("<table><tr><th>序号</th><th>审查要点</th><th>结果</th><th>相关问题</th><th>说明</th></tr>")
        for i, c in enumerate(report.checklist, 1):
            links = "、".join(f'<a href="#finding-{ids[x]}">问题{ids[x]}</a>' for x in c.finding_ids if x in ids)
            out.append(f"<tr><td>{i}</td><td>{_e(c.title)}</td><td class=\"st-{_e(c.status)}\">{_e(c.status)}</td>"
                       f"<td>{links}</td><td>{_e(c.note)}</td></tr>")
        out.append("</table>")
    else:
        out.append("<p>（本次审查未生成审查要点清单。）</p>")
    out.append("</section>")

    bad = [c for c in report.citations if c.status != "ok"]
    if bad:
        out.append('<section id="citations"><h2>引用检查</h2><table><tr><th>原文引用</th><th>状态</th><th>说明</th></tr>')
        for c in bad:
            out.append(f"<tr><td>{_e(c.raw)}</td><td>{_e(c.status)}</td><td>{_e(c.message)}</td></tr>")
        out.append("</table></section>")
    out.append(f'<footer><p class="note">legalreview {_e(report.tool_version)} · {_e(DRAFT_NOTE)}</p></footer>')
    out.append("</main></body></html>")
    return "\n".join(out)


def _finding_li(n: int, f: Finding) -> str:
    parts = [f'<li id="finding-{n}" class="{_e(f.severity)}">']
    parts.append(f'<span class="badge {_e(f.severity)}">{_e(SEV_SHORT.get(f.severity, f.severity))}</span> '
                 f"<strong>{_e(f.title)}</strong> <small>（{_e(f.rule_id)}）</small>")
    parts.append("<dl>")
    parts.append(f'<dt>位置</dt><dd>{_e(f.location)} <a href="#mark-{n}">在原文中查看 ↑</a></dd>')
    parts.append(f'<dt>原文</dt><dd><span class="quote">「{_e(f.quote)}」</span></dd>')
    parts.append(f"<dt>问题</dt><dd>{_e(f.message)}</dd>")
    for b in f.basis:
        parts.append(f"<dt>依据</dt><dd>{_e(basis_line(b))}</dd>")
    if f.suggestion:
        parts.append(f"<dt>建议</dt><dd>{_e(f.suggestion)}</dd>")
    parts.append(f"<dt>等级</dt><dd>{_e(SEVERITY_LABELS.get(f.severity, f.severity))}</dd>")
    parts.append("</dl></li>")
    return "".join(parts)


def _marked_text(text: str, findings: list[Finding]) -> str:
    out = []
    for seg in segment_text(text, findings):
        for i in seg.pins:
            f = findings[i]
            out.append(f'<a id="mark-{i + 1}" class="pin {_e(f.severity)}" href="#finding-{i + 1}" '
                       f'title="{_e(f.title)}">⚑</a>')
        if seg.start == seg.end:
            continue
        piece = _e(text[seg.start:seg.end])
        if not seg.covering:
            out.append(piece)
            continue
        main = primary(findings, seg.covering)
        anchors = "".join(f'<a id="mark-{i + 1}"></a>' for i in seg.starting if i != main)
        mid = f' id="mark-{main + 1}"' if main in seg.starting else ""
        tip = "；".join(findings[i].title for i in seg.covering)
        out.append(f'{anchors}<mark{mid} class="{_e(findings[main].severity)}" title="{_e(tip)}">'
                   f'<a href="#finding-{main + 1}">{piece}</a></mark>')
    return "".join(out)
