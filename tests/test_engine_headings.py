"""`heading: true` exceptions suppress headings, never numbered items that are whole sentences."""

from __future__ import annotations

import legalreview

PACK = """
pack: t/heading
version: 1.0.0
rules:
  - id: TT-SHAME
    title: 游街示众
    doc_types: ['*']
    severity: error
    category: public_shaming
    scope: clause
    match: {keywords: [游街]}
    exceptions: [{heading: true}]
    basis: [{law: 《中华人民共和国宪法》, article: 第三十八条, text: 中华人民共和国公民的人格尊严不受侵犯。}]
    message: 不得游街示众
    suggestion: 删除该内容
    examples: {positive: [抓获的小偷游街示众。], negative: [倡导文明。]}
"""


def test_short_numbered_sentence_is_not_a_heading(tmp_path):
    pack = tmp_path / "p.yaml"
    pack.write_text(PACK, encoding="utf-8")
    text = ("关于加强治安管理的通知\n一、游街示众整治\n（一）工作措施\n"
            "3. 抓获的小偷，由治保会关押并挂牌游街示众。\n")
    report = legalreview.review_text(text, doc_type="normative_document", rules=[str(pack)])
    quotes = [f.quote for f in report.findings if f.rule_id == "TT-SHAME"]
    # the outline marks 「3. …」 as a heading node, but it is a punctuated sentence: an operative clause
    assert any("由治保会关押并挂牌游街示众" in q for q in quotes)
    # the real heading 「一、游街示众整治」 stays quiet
    assert not any("整治" in q for q in quotes)
