"""Hand-built ReviewReports and real .docx inputs for the report tests (no rule engine needed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from legalreview.models import (Basis, ChecklistEntry, Document, DocumentInfo, Finding, PackInfo, ReviewReport,
                                Summary, Waiver)

BASIS_PENALTY = Basis(law="《中华人民共和国行政处罚法》", article="第十六条",
                      text="除法律、法规、规章外，其他规范性文件不得设定行政处罚。")
BASIS_VILLAGE = Basis(law="《中华人民共和国村民委员会组织法》", article="第二十七条第二款",
                      text="村规民约不得有侵犯村民的人身权利、民主权利和合法财产权利的内容。")


def write_village_docx(path: Path) -> Path:
    """A village-rules .docx with a bold run, a table, a tracked insertion (w:ins) and a hyperlink."""
    d = docx.Document()
    d.add_paragraph("幸福村村规民约")
    p = d.add_paragraph("第一条 村民应当")
    r = p.add_run("爱护环境，违者罚款")
    r.bold = True
    p.add_run("二百元。")
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "第二条"
    table.cell(0, 1).text = "拒不参加义务劳动的，停发其当年福利。"
    p3 = d.add_paragraph("第三条 本规约自通过之日起施行")
    ins = OxmlElement("w:ins")
    for k, v in (("w:id", "101"), ("w:author", "起草人"), ("w:date", "2026-11-01T00:00:00Z")):
        ins.set(qn(k), v)
    r_ins = OxmlElement("w:r")
    t_ins = OxmlElement("w:t")
    t_ins.text = "，拖欠费用者停止供水"
    r_ins.append(t_ins)
    ins.append(r_ins)
    p3._p.append(ins)
    p3.add_run("。")
    p4 = d.add_paragraph("第四条 ")
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), "rules")
    r_link = OxmlElement("w:r")
    t_link = OxmlElement("w:t")
    t_link.text = "红白喜事须经村委会批准"
    r_link.append(t_link)
    link.append(r_link)
    p4._p.append(link)
    p4.add_run("，倡导从简办理。")
    d.save(str(path))
    return path


def finding(doc_text: str, quote: str, severity: str = "error", *, nth: int = 0, waived: bool = False,
            title: str = "村规民约设定罚款", category: str = "fine_by_village", rule_id: str = "VR-FINE",
            location: str = "第一条", basis: list[Basis] | None = None, suggestion: str = "删除罚款内容，改为批评教育。",
            message: str = "村规民约无权设定罚款。") -> Finding:
    start = -1
    for _ in range(nth + 1):
        start = doc_text.index(quote, start + 1)
    waiver = Waiver(rule_id=rule_id, quote=quote, reason="属于倡导性条款", reviewer="李四",
                    date=dt.date(2026, 11, 25)) if waived else None
    return Finding(rule_id=rule_id, severity=severity, category=category, title=title, message=message,
                   start=start, end=start + len(quote), quote=quote, location=location,
                   basis=[BASIS_PENALTY, BASIS_VILLAGE] if basis is None else basis, suggestion=suggestion,
                   waived=waived, waiver=waiver)


def report_for(doc: Document, findings: list[Finding], *, checklist: list[ChecklistEntry] | None = None,
               conclusion: str | None = None) -> ReviewReport:
    active = [f for f in findings if not f.waived]
    errors = sum(f.severity == "error" for f in active)
    warnings = sum(f.severity == "warning" for f in active)
    if conclusion is None:
        conclusion = "不合法" if errors else ("修改后合法" if warnings else "合法")
    summary = Summary(errors=errors, warnings=warnings, infos=sum(f.severity == "info" for f in active),
                      waived=len(findings) - len(active), conclusion=conclusion)
    return ReviewReport(tool_version="test", reviewed_at=dt.datetime(2026, 11, 26, 9, 30), as_of=dt.date(2026, 11, 26),
                        document=DocumentInfo.from_document(doc), findings=sorted(findings, key=lambda f: f.start),
                        checklist=checklist or [], summary=summary,
                        rule_packs=[PackInfo(name="zhejiang", version="0.1.0")])
