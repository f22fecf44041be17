"""The 合法性审查意见书: content read back from the .docx, GB/T 9704 layout via the self-check."""

from __future__ import annotations

import os
import shutil
import subprocess

import docx
import pytest
from docx.oxml.ns import qn
from reports_factory import finding, report_for

from legalreview.errors import InputError
from legalreview.ingest import from_text
from legalreview.models import ChecklistEntry
from legalreview.reports.opinion import REVIEW_RULE, write_opinion
from legalreview.reports.selfcheck import check_opinion

TEXT = ("幸福村村规民约\n第一条 村民应当爱护环境，违者罚款二百元。\n第二条 拒不参加义务劳动的，停发其当年福利。\n"
        "第三条 外嫁女户口未迁出的，不享受集体收益分配。\n第四条 倡导移风易俗，红白喜事从简办理。")


def _report(conclusion=None):
    doc = from_text(TEXT).model_copy(update={"title": "幸福村村规民约", "doc_type": "village_rules",
                                             "issuer": "幸福村村民委员会"})
    fs = [
        finding(TEXT, "违者罚款二百元", "error"),
        finding(TEXT, "停发其当年福利", "warning", title="剥夺村民福利", location="第二条",
                suggestion="删除停发福利的内容。"),
        finding(TEXT, "不享受集体收益分配", "error", title="侵害妇女土地权益", location="第三条",
                basis=[finding(TEXT, "罚款").basis[0].model_copy(update={
                    "law": "《中华人民共和国妇女权益保障法》", "article": "第五十五条", "text": "妇女享有与男子平等的权利。"})],
                suggestion="删除该条。"),
        finding(TEXT, "红白喜事从简办理", "info", waived=True, title="移风易俗", location="第四条"),
    ]
    checklist = [ChecklistEntry(item_id="VR-FINE", title="是否违法设定罚款", status="不符合", finding_ids=[fs[0].id]),
                 ChecklistEntry(item_id="VR-PROC", title="是否经村民会议讨论决定", status="需人工核查"),
                 ChecklistEntry(item_id="VR-WOMEN", title="是否侵害妇女合法权益", status="不符合",
                                finding_ids=[fs[2].id])]
    return report_for(doc, fs, checklist=checklist, conclusion=conclusion)


def _all_text(path):
    d = docx.Document(str(path))
    paras = [p.text for p in d.paragraphs]
    cells = [[c.text for c in row.cells] for t in d.tables for row in t.rows]
    return d, "\n".join(paras), cells


def test_opinion_contains_every_section_and_finding(tmp_path):
    report = _report()
    out = write_opinion(report, tmp_path / "意见书.docx", reviewer="张三", body="幸福镇人民政府",
                        addressee="幸福村村民委员会", doc_number="幸司审〔2026〕3号", date="2026-11-26",
                        materials=["起草说明", "村民代表会议记录"])
    d, text, cells = _all_text(out)
    assert d.paragraphs[0].text == "幸司审〔2026〕3号"
    assert "关于《幸福村村规民约》的合法性审查意见书" in text
    assert "幸福村村民委员会：" in text
    positions = [text.rindex(h) for h in ("一、基本情况", "二、审查依据", "三、审查意见", "四、审查结论", "五、其他建议",
                                            "以上意见供参考", "附件：审查要点清单", "审查人：张三", "2026年11月26日")]
    assert positions == sorted(positions)
    assert "起草说明、村民代表会议记录" in text
    assert "草稿" in text
    for f in report.active_findings:
        assert f"原文条款：「{f.quote}」（{f.location}）" in text
        assert f.suggestion.rstrip("。") in text
        for b in f.basis:
            assert f"{b.law}{b.article}规定：「{b.text.rstrip('。')}」" in text
    # a provision broken by two items is quoted once; the later item refers back to it
    shared = report.active_findings[0].basis[0]
    assert report.active_findings[1].basis[0].article == shared.article
    assert text.count(f"{shared.law}{shared.article}规定：「{shared.text.rstrip('。')}」") == 1
    assert f"{shared.law}{shared.article}（条文见（一）第1项）" in text
    assert "「红白喜事从简办理」（移风易俗）经审查认为不构成问题，理由：属于倡导性条款" in text
    assert "违法问题（必须修改）" in text and "建议修改的问题" in text
    assert "审查结论为：不合法" in text
    assert "是否经村民会议讨论决定" in text.split("四、审查结论")[1]  # manual item as a follow-up
    # 审查依据: deduplicated laws (cited by three findings), the review rule last
    bases = text.split("二、审查依据")[1].split("三、审查意见")[0]
    assert bases.count("《中华人民共和国行政处罚法》") == 1
    assert "《中华人民共和国妇女权益保障法》" in bases
    assert bases.strip().splitlines()[-1].startswith(f"4. {REVIEW_RULE}")
    # 附件 table: header + one row per checklist item with its status
    assert cells[0] == ["序号", "审查要点", "审查结果", "说明"]
    assert [row[1:3] for row in cells[1:]] == [["是否违法设定罚款", "不符合"], ["是否经村民会议讨论决定", "需人工核查"],
                                              ["是否侵害妇女合法权益", "不符合"]]
    assert "侵害妇女土地权益" in cells[3][3]


def test_selfcheck_passes_and_layout_is_gbt9704(tmp_path):
    out = write_opinion(_report(), tmp_path / "意见书.docx")
    assert check_opinion(out) == []
    d = docx.Document(str(out))
    body = d.styles["正文"]
    rfonts = body.element.rPr.rFonts
    assert rfonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert d.styles["公文标题"].element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert d.styles["公文标题"].font.size.pt == 22
    assert d.styles["一级标题"].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    assert d.styles["二级标题"].element.rPr.rFonts.get(qn("w:eastAsia")) == "楷体_GB2312"
    from lxml import etree

    defaults = etree.tostring(d.styles.element.find(qn("w:docDefaults")), encoding="unicode")
    assert "eastAsiaTheme" not in defaults
    assert {p.style.name for p in d.paragraphs if p.text} <= {"公文标题", "发文字号", "主送", "正文", "一级标题", "二级标题",
                                                              "三级标题", "落款", "附件标题", "说明"}
    footer = d.sections[0].footer._element.xml
    assert " PAGE " in footer and "— " in footer
    # the signature block is kept with the closing lines (never alone on a page)
    texts = [p.text for p in d.paragraphs]
    sign = texts.index("审查人：（审查人）")
    assert all(d.paragraphs[i].paragraph_format.keep_with_next for i in range(texts.index("以上意见供参考。"), sign + 2))


def test_selfcheck_reports_problems(tmp_path):
    plain = tmp_path / "plain.docx"
    d = docx.Document()
    d.add_paragraph("关于某文件的意见")
    d.save(str(plain))
    problems = check_opinion(plain)
    assert any("A4" in p for p in problems)
    assert any("页码" in p for p in problems)
    assert any("公文标题" in p for p in problems)


def test_config_file_and_overrides(tmp_path):
    cfg = tmp_path / "意见书配置.yaml"
    cfg.write_text("body: 幸福镇司法所\nreviewer: 王五\naddressee: 幸福村\nsubmitted: 2026-11-20\n"
                   "conclusions:\n  修改后合法: 经修改后可以提交村民会议表决。\n", encoding="utf-8")
    out = write_opinion(_report(conclusion="修改后合法"), tmp_path / "o.docx", config=cfg, reviewer="赵六")
    _, text, _ = _all_text(out)
    assert "审查人：赵六" in text  # explicit argument wins over the config
    assert "幸福镇司法所" in text and "幸福村：" in text
    assert "你单位于2026年11月20日报送" in text
    assert "《幸福村村规民约》经修改后可以提交村民会议表决。" in text
    out2 = write_opinion(_report(), tmp_path / "o2.docx", config=cfg, conclusion="同意提交审议")
    assert "审查结论为：同意提交审议。" in _all_text(out2)[1]


def test_bad_config_is_an_input_error(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("bodyy: 错字\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        write_opinion(_report(), tmp_path / "o.docx", config=cfg)
    assert "bodyy" in str(e.value)
    assert not (tmp_path / "o.docx").exists()


def test_no_findings_is_lawful(tmp_path):
    doc = from_text("第一条 倡导文明新风。").model_copy(update={"title": "文明公约"})
    out = write_opinion(report_for(doc, []), tmp_path / "o.docx")
    _, text, _ = _all_text(out)
    assert "未发现送审文件存在违反法律" in text
    assert "审查结论为：合法" in text
    assert text.count(REVIEW_RULE) >= 2  # opening paragraph and 审查依据


def test_user_template_styles_are_used(tmp_path):
    tpl = tmp_path / "模板.docx"
    t = docx.Document()
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt

    s = t.styles.add_style("正文", WD_STYLE_TYPE.PARAGRAPH)
    s.font.size = Pt(15)
    t.add_paragraph("模板里的示例文字")
    t.save(str(tpl))
    out = write_opinion(_report(), tmp_path / "o.docx", template=tpl)
    d, text, _ = _all_text(out)
    assert "模板里的示例文字" not in text
    assert d.styles["正文"].font.size.pt == 15  # the user's style is kept
    assert d.styles["公文标题"].font.size.pt == 22  # missing styles are added
    assert "三、审查意见" in text


@pytest.mark.soffice
def test_opinion_renders_to_pdf(tmp_path):
    soffice = shutil.which("soffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) not installed")
    out = write_opinion(_report(), tmp_path / "opinion.docx")
    env = dict(os.environ, HOME=str(tmp_path))
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(out)], check=True, capture_output=True, env=env, timeout=180)
    pdf = tmp_path / "opinion.pdf"
    assert pdf.exists()
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    assert len(reader.pages) >= 2
    first = reader.pages[0]
    assert abs(float(first.mediabox.width) - 595.3) < 2 and abs(float(first.mediabox.height) - 841.9) < 2
    text = "".join(p.extract_text() or "" for p in reader.pages)
    assert "合法性审查意见书" in text.replace(" ", "")


def test_cli_writes_opinion_and_commented_copy(tmp_path):
    import json
    import sys

    from reports_factory import write_village_docx

    from legalreview.reports.docxutil import comment_anchors

    src = write_village_docx(tmp_path / "村规民约.docx")
    mats = tmp_path / "材料.yaml"
    mats.write_text("items:\n  - kind: 起草说明\n  - kind: 村民会议表决\n    start: 2026-10-08\n", encoding="utf-8")
    op, ann = tmp_path / "意见书.docx", tmp_path / "批注版.docx"
    r = subprocess.run([sys.executable, "-m", "legalreview", "review", str(src), "-o", str(op), "--annotate", str(ann),
                        "--format", "json", "--reviewer", "张三", "--body", "幸福镇人民政府", "--materials", str(mats),
                        "--doc-number", "幸司审〔2026〕9号", "--date", "2026-12-01"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    active = [f for f in report["findings"] if not f["waived"]]
    assert check_opinion(op) == []
    _, text, _ = _all_text(op)
    assert "幸司审〔2026〕9号" in text and "2026年12月1日" in text and "审查人：张三" in text
    assert "起草说明、村民会议表决（2026年10月8日）" in text
    anchors = comment_anchors(docx.Document(str(ann)))
    assert sorted(anchors.values()) == sorted(f["quote"] for f in active)


def test_written_template_round_trips(tmp_path):
    from legalreview.reports.opinion import write_template

    tpl = write_template(tmp_path / "模板.docx")
    t = docx.Document(str(tpl))
    t.styles["正文"].font.size = docx.shared.Pt(15.5)  # the user restyles
    t.save(str(tpl))
    out = write_opinion(_report(), tmp_path / "o.docx", template=tpl)
    d, text, _ = _all_text(out)
    assert "示例" not in text
    assert d.styles["正文"].font.size.pt == 15.5
    problems = check_opinion(out)
    assert problems == ["样式「正文」字号为 15.5 磅，应为 16 磅"]


def test_bundled_example_config_is_valid(tmp_path):
    from importlib.resources import files

    from legalreview.reports.opinion import load_config

    example = files("legalreview.reports") / "templates" / "意见书配置示例.yaml"
    cfg = load_config(example)
    assert cfg["body"] == "XX镇人民政府" and set(cfg["conclusions"]) == {"合法", "修改后合法", "不合法"}
    _, text, _ = _all_text(write_opinion(_report(), tmp_path / "o.docx", config=example))
    assert "XX司审〔2026〕1号" in text and "审查人：张三" in text
