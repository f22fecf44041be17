"""Sentence/clause splitting: soft wraps (hard line breaks inside a sentence) versus real line ends."""

from __future__ import annotations

import pytest

from legalreview import segment
from legalreview.pipeline import review_text


def _sents(text: str) -> list[str]:
    return [text[s:e] for s, e in segment.sentences(text)]


def test_a_wrapped_sentence_is_one_sentence():
    text = "第二条 村民拒不缴纳卫生费的，取消其当年度\n股份分红，并处罚款二\n百元。\n第三条 本公约自通过之日起施行。"
    assert _sents(text) == ["第二条 村民拒不缴纳卫生费的，取消其当年度\n股份分红，并处罚款二\n百元。", "第三条 本公约自通过之日起施行。"]
    clauses = [text[s:e] for s, e in segment.clauses(text)]
    assert "取消其当年度\n股份分红" in clauses


@pytest.mark.parametrize("text", [
    "某村村规民约\n第一条 为加强管理，制定本公约。",               # a title has no comma
    "七、支付期限\n甲方在审计后七日内支付，不得拖延。",             # a heading keeps its line
    "村民应当爱护环境，保持整洁。\n违者由村委会批评教育。",       # the line ended the sentence
    "违反本公约的，按以下方式处理：\n（一）批评教育；",           # a list follows its colon
    "村民应当遵守本公约，\n第三条 本公约自通过之日起施行。",       # the next line is a new article
    "本公约由村民会议通过，\n1. 村委会负责解释。",                # a numbered item
    "本办法由镇政府负责解释，\n2025年3月1日",                     # a date line
    "违者批评教育，\n\n第五条 其他。",                           # an empty line between
])
def test_real_line_ends_stay_line_ends(text):
    assert len(_sents(text)) >= 2, _sents(text)


def test_one_line_joins_soft_wraps_and_marks_hard_breaks():
    text = "第二条 拒不缴纳的，取消其当年度\n股份分红。\n第三条 其他。"
    assert segment.one_line(text) == "第二条 拒不缴纳的，取消其当年度股份分红。 / 第三条 其他。"
    assert segment.one_line(text, 0, text.index("第三条")) == "第二条 拒不缴纳的，取消其当年度股份分红。"


def test_review_of_hard_wrapped_text_finds_what_spans_the_wrap():
    """Text copied from a PDF or a web page breaks lines mid-sentence: a sanction split over two
    lines is still found, its quote is the whole sentence (offsets exact), messages show it on one line."""
    text = ("石门村村规民约\n第一条 为推进村民自治，制定本村规民约。\n"
            "第二条 村民拒不缴纳卫生保洁费的，取消其当年度\n股份分红。\n第三条 本公约自村民会议通过之日起施行。\n")
    rep = review_text(text, doc_type="village_rules")
    hits = [f for f in rep.findings if "取消其当年度\n股份分红" in f.quote]
    assert hits, [(f.rule_id, f.quote) for f in rep.findings]
    f = hits[0]
    assert rep.document.text[f.start:f.end] == f.quote
    assert "\n" not in f.message


def test_cells_of_a_table_row_read_as_one_sentence(tmp_path):
    """A sanctions table puts who in one cell and what in the next: the row is one sentence, so
    「出嫁女户口未迁出的 | 不分配宅基地」 is found; other rows stay apart (real .docx read back)."""
    import docx

    from legalreview.ingest import load
    from legalreview.pipeline import review

    d = docx.Document()
    d.add_paragraph("石门村村规民约")
    d.add_paragraph("第一条 违反本村规民约的，按下表处理：")
    rows = [("序号", "情形", "处理"), ("1", "出嫁女户口未迁出的", "不分配宅基地"), ("2", "孝敬老人的", "评为文明户")]
    table = d.add_table(rows=3, cols=3)
    for r, vals in zip(table.rows, rows):
        for c, v in zip(r.cells, vals):
            c.text = v
    d.add_paragraph("第二条 本公约自村民会议通过之日起施行。")
    path = tmp_path / "表格村规民约.docx"
    d.save(path)
    doc = load(path)
    cells = [b for b in doc.blocks if b.in_table]
    assert [b.row for b in cells] == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert all(b.row is None for b in doc.blocks if not b.in_table)
    sents = [doc.text[s:e] for s, e in segment.sentences(doc.text, soft=segment.row_breaks(doc.text, doc.blocks))]
    assert "1\n出嫁女户口未迁出的\n不分配宅基地" in sents and "2\n孝敬老人的\n评为文明户" in sents
    rep = review(path, doc_type="village_rules")
    women = [f for f in rep.findings if f.rule_id == "VR-WOMEN"]
    assert women and "不分配宅基地" in women[0].quote and "孝敬" not in women[0].quote
