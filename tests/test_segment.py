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
