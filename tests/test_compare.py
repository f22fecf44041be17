"""Version comparison: article alignment, resolved/remaining/new findings, the adoption table .docx."""

from __future__ import annotations

import json
import subprocess
import sys

import docx
import pytest
from docx.oxml.ns import qn

from legalreview.compare import Comparison, article_changes, classify_findings, compare
from legalreview.models import DocumentInfo, Finding, ReviewReport

# A small village-rules pack written for these tests (the real pack is layered underneath; the
# assertions only look at these rule ids).
PACK = """\
pack: test/resubmission
version: 0.0.1
title: 修改稿比对测试规则
rules:
  - id: TST-FINE
    title: 村规民约设定罚款
    doc_types: [village_rules]
    severity: error
    category: fine_by_village
    scope: sentence
    match: {keywords: [罚款, 罚金]}
    exceptions:
      - {match: {keywords: [公安机关, 不得]}, where: sentence}
    basis: [{law: 《中华人民共和国村民委员会组织法》, article: 第二十七条}]
    message: 村规民约无权设定罚款。
    suggestion: 改为批评教育、责令改正。
    examples:
      positive: [乱倒垃圾的罚款五十元。, 违者罚款一百元。, 处以罚金。]
      negative: [由公安机关依法处理。, 不得罚款。, 批评教育。]
  - id: TST-SHAME
    title: 公开曝光姓名
    doc_types: [village_rules]
    severity: error
    category: public_shaming
    scope: sentence
    match: {keywords: [公布姓名, 张榜公布, 游街]}
    basis: [{law: 《中华人民共和国宪法》, article: 第三十八条}]
    message: 不得侮辱村民人格。
    suggestion: 删除公开曝光姓名的条款。
    examples:
      positive: [在公开栏公布姓名。, 张榜公布。, 游街示众。]
      negative: [公布村务收支。, 公布选举结果。, 张贴通知。]
  - id: TST-WATER
    title: 以停水停电作为惩戒
    doc_types: [village_rules]
    severity: warning
    category: cut_utilities
    scope: sentence
    match: {keywords: [停水, 停电, 断水]}
    exceptions:
      - {match: {keywords: [检修]}, where: sentence}
    basis: [{law: 《中华人民共和国民法典》, article: 第六百五十四条}]
    message: 不得以停水停电作为惩戒。
    suggestion: 删除停水停电的惩戒内容。
    examples:
      positive: [拒不缴纳的予以停水。, 违者停电。, 对其断水。]
      negative: [因检修临时停水提前告知。, 节约用水。, 安全用电。]
"""

OLD = """南岙村村规民约
第一条 为维护本村秩序，经村民会议讨论通过，制定本村规民约。
第二条 乱倒垃圾的，罚款二百元。
第三条 偷盗集体财物的，在村务公开栏公布姓名。
第四条 拒不缴纳卫生费的，予以停水。
第五条 本村规民约自村民会议通过之日起施行。
"""

# fixes the fine (rewritten in place) and the shaming (article deleted, later ones renumbered);
# the water cut-off stays; a new article is inserted
NEW = """南岙村村规民约
第一条 为维护本村秩序，经村民会议讨论通过，制定本村规民约。
第二条 爱护环境卫生，乱倒垃圾的，由村民委员会批评教育，责令清理。
第三条 拒不缴纳卫生费的，予以停水。
第四条 村民应当文明养犬。
第五条 本村规民约自村民会议通过之日起施行。
"""

TST = ("TST-FINE", "TST-SHAME", "TST-WATER")


@pytest.fixture
def versions(tmp_path):
    pack = tmp_path / "pack.yaml"
    pack.write_text(PACK, encoding="utf-8")
    old = tmp_path / "送审稿.txt"
    new = tmp_path / "修改稿.txt"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(NEW, encoding="utf-8")
    return old, new, pack


def _mine(comp: Comparison, status: str) -> set[str]:
    return {f.rule_id for f in comp.findings if f.status == status and f.rule_id in TST}


def test_resubmission_fixing_two_of_three(versions):
    old, new, pack = versions
    comp = compare(old, new, rules=[pack])
    assert comp.old.doc_type == comp.new.doc_type == "village_rules"
    assert _mine(comp, "resolved") == {"TST-FINE", "TST-SHAME"}
    assert _mine(comp, "remaining") == {"TST-WATER"}
    assert _mine(comp, "new") == set()
    water = next(f for f in comp.findings if f.rule_id == "TST-WATER")
    assert water.old_location == "第四条" and water.new_location == "第三条"
    notes = {f.rule_id: f.note for f in comp.findings if f.rule_id in TST}
    assert "删除" in notes["TST-SHAME"] and "修改" in notes["TST-FINE"]

    st = [(a.status, a.old_label, a.new_label) for a in comp.articles]
    assert ("modified", "第二条", "第二条") in st
    assert ("deleted", "第三条", None) in st
    assert ("renumbered", "第四条", "第三条") in st
    assert ("inserted", None, "第四条") in st
    assert ("unchanged", "第五条", "第五条") in st
    text = comp.to_text()
    assert "仍存在" in text and "已解决" in text and "［删：" not in text.split("审查意见采纳情况")[1]


def test_adoption_table_docx(versions, tmp_path):
    old, new, pack = versions
    comp = compare(old, new, rules=[pack])
    out = comp.write_docx(tmp_path / "采纳情况.docx")
    d = docx.Document(str(out))
    assert d.paragraphs[0].text == "审查意见采纳情况"
    table = d.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "原稿条款", "审查意见", "修改稿条款", "采纳情况"]
    body = "\n".join(c.text for r in table.rows[1:] for c in r.cells)
    assert "拒不缴纳卫生费的，予以停水" in body
    assert body.count("已采纳") >= 2 and "未采纳" in body
    run = table.rows[1].cells[1].paragraphs[0].runs[0]
    assert run.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    title_run = d.paragraphs[0].runs[0]
    assert title_run.element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"


def test_alignment_handles_renumbering_insertion_deletion_and_moves():
    old = ("第一条 村民应当爱护公共设施，不得损坏路灯和健身器材。\n"
           "第二条 村民应当做好门前三包，保持房前屋后整洁。\n"
           "第三条 红白喜事应当从简办理，不大操大办。\n"
           "第四条 村民应当依法安全燃放烟花爆竹，注意防火。\n")
    new = ("第一条 村民应当依法安全燃放烟花爆竹，注意防火。\n"  # moved from the end
           "第二条 村民应当爱护公共设施，不得损坏路灯和健身器材。\n"  # renumbered
           "第三条 村民应当积极参加垃圾分类，定时定点投放。\n"  # inserted
           "第四条 红白喜事应当从简办理，不大操大办，不铺张浪费。\n")  # modified; 门前三包 deleted
    ch = article_changes(old, new)
    got = sorted((a.status, a.old_label or "", a.new_label or "") for a in ch)
    assert got == sorted([
        ("renumbered", "第一条", "第二条"),
        ("deleted", "第二条", ""),
        ("modified", "第三条", "第四条"),
        ("moved", "第四条", "第一条"),
        ("inserted", "", "第三条"),
    ])
    mod = next(a for a in ch if a.status == "modified")
    assert [o.new for o in mod.diff if o.op == "insert"] == ["，不铺张浪费"]


def _report(text: str, findings: list[tuple[str, str]]) -> ReviewReport:
    fs = []
    for rule_id, quote in findings:
        s = text.index(quote)
        fs.append(Finding(rule_id=rule_id, severity="error", category="other", title=rule_id, message="m", start=s,
                          end=s + len(quote), quote=quote, location=""))
    return ReviewReport(tool_version="t", document=DocumentInfo(text=text, doc_type="village_rules"), findings=fs)


def test_new_finding_in_inserted_article_and_same_rule_elsewhere():
    old_t = "第一条 违者罚款一百元。\n第二条 爱护公物。\n"
    new_t = "第一条 违者批评教育。\n第二条 爱护公物。\n第三条 拒不改正的罚款二百元。\n"
    old_r = _report(old_t, [("X-FINE", "违者罚款一百元")])
    new_r = _report(new_t, [("X-FINE", "拒不改正的罚款二百元")])
    out = classify_findings(old_r, new_r, article_changes(old_t, new_t))
    assert [(o.status, o.rule_id) for o in out] == [("resolved", "X-FINE"), ("new", "X-FINE")]
    assert out[1].note == "新增条款中的问题"


def test_cli_compare_json_and_docx(versions, tmp_path):
    old, new, pack = versions
    out = tmp_path / "采纳.docx"
    r = subprocess.run([sys.executable, "-m", "legalreview", "compare", str(old), str(new), "-r", str(pack),
                        "--format", "json", "-o", str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["counts"]["resolved"] >= 2 and data["counts"]["remaining"] >= 1
    assert "old_report" not in data
    assert out.exists()
    r = subprocess.run([sys.executable, "-m", "legalreview", "compare", str(old), str(new), "-o", str(old)],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_outline_style_documents_are_compared_item_by_item():
    from legalreview.ingest import from_text
    from legalreview.structure import parse

    old = ("云岭镇垃圾分类工作方案\n"
           "一、工作目标\n"
           "（一）到年底，全镇行政村生活垃圾分类覆盖率达到百分之百。\n"
           "（二）易腐垃圾资源化利用率达到百分之九十以上。\n"
           "二、工作措施\n"
           "（一）各村配齐分类收集容器，镇保洁队定时定点收运。\n"
           "（二）对分类不到位的农户，在微信群中通报姓名。\n")
    new = ("云岭镇垃圾分类工作方案\n"
           "一、工作目标\n"
           "（一）到年底，全镇行政村生活垃圾分类覆盖率达到百分之百。\n"
           "（二）易腐垃圾资源化利用率达到百分之九十五以上。\n"
           "二、工作措施\n"
           "（一）各村配齐分类收集容器，镇保洁队定时定点收运。\n"
           "（二）对分类不到位的农户，由村干部上门劝导。\n"
           "（三）每季度评选垃圾分类示范户，给予表扬。\n")
    o, n = parse(from_text(old)), parse(from_text(new))
    ch = article_changes(o.text, n.text, o.outline, n.outline)
    got = [(a.status, a.old_text, a.new_text) for a in ch if a.status != "unchanged"]
    assert [g[0] for g in got] == ["modified", "modified", "inserted"], got
    assert "百分之九十五" in got[0][2]
    assert "上门劝导" in got[1][2] and "通报姓名" in got[1][1]
    assert sum(a.status == "unchanged" for a in ch) >= 2  # the two unchanged items (section titles are not units)
