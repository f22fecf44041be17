"""Matcher semantics: near, number (Chinese numerals), absent, citation, materials, fuzzy, tokens."""

from __future__ import annotations

import datetime as dt

import pytest
from test_engine import findings, ids, rule, write_pack

from legalreview.engine import load_pack
from legalreview.errors import InputError, RuleError
from legalreview.materials import load_materials


def test_near_within_and_same_clause(tmp_path):
    body = rule("TT-NEAR", "{near: {a: [扣发, 取消], b: [补贴, 福利], within: 6, same: clause}}", scope="sentence")
    pack = load_pack(write_pack(tmp_path, body), strict=False)
    assert ids(findings(pack, "违者扣发当年补贴。"), "TT-NEAR")
    assert ids(findings(pack, "补贴一律取消。"), "TT-NEAR")  # unordered
    assert not ids(findings(pack, "违者扣发其家庭全部年度的各项补贴。"), "TT-NEAR")  # too far
    assert not ids(findings(pack, "违者扣发押金，补贴照常发放。"), "TT-NEAR")  # other clause


def test_near_ordered(tmp_path):
    body = rule("TT-NEAR", "{near: {a: [扣发], b: [补贴], within: 6, ordered: true}}")
    pack = load_pack(write_pack(tmp_path, body), strict=False)
    assert ids(findings(pack, "扣发补贴。"), "TT-NEAR")
    assert not ids(findings(pack, "补贴不扣发。"), "TT-NEAR")


@pytest.mark.parametrize("text,hit", [
    ("租期三十年。", True), ("租赁期限为２５年。", True), ("租期二十年。", False), ("租期 3 0 年。", True),
])
def test_number_with_param(tmp_path, text, hit):
    body = rule("TT-TERM", "{number: {pattern: '租(赁期限|期)为?(?P<n>{NUM})年', op: '>', param: max_years, unit: 年}}",
                params="{max_years: 20}", message="租期{detail}，超过{params.max_years}年", doc_types="[agency_contract]")
    pack = load_pack(write_pack(tmp_path, body), strict=False)
    got = ids(findings(pack, text, "agency_contract"), "TT-TERM")
    assert bool(got) is hit
    if text == "租期三十年。":
        assert got[0].message == "租期30年，超过20年"


def test_number_money_and_wan(tmp_path):
    body = rule("TT-FINE", "{number: {pattern: '罚款(?P<n>{NUM})元', op: '>=', value: 2000}}")
    pack = load_pack(write_pack(tmp_path, body), strict=False)
    assert ids(findings(pack, "违者罚款两千元。"), "TT-FINE")
    assert ids(findings(pack, "违者罚款1.5万元。"), "TT-FINE")
    assert not ids(findings(pack, "违者罚款五百元。"), "TT-FINE")
    assert not ids(findings(pack, "大家一致同意罚款一事。"), "TT-FINE")  # 一致 is not a number


def test_number_validity_period(tmp_path):
    body = rule("TT-VAL", "{number: {pattern: '有效期(为|至)?(?P<n>{NUM})年', op: '>', value: 5, unit: 年}}",
                doc_types="[normative_document]", message="有效期为{detail}")
    pack = load_pack(write_pack(tmp_path, body), strict=False)
    (f,) = ids(findings(pack, "本办法有效期十年。", "normative_document"), "TT-VAL")
    assert f.message == "有效期为10年"
    assert not ids(findings(pack, "本办法有效期五年。", "normative_document"), "TT-VAL")


_SPAN = ("{number: {pattern: '有效期(自(?P<from>{NUM}年{NUM}月{NUM}日))?至(?P<to>{NUM}年({NUM}月{NUM}日|底)?)', "
         "op: '>', value: 5, unit: 年}}")


def test_date_span_from_the_same_sentence_or_the_span_itself(tmp_path):
    pack = load_pack(write_pack(tmp_path, rule("TT-SPAN", _SPAN, doc_types="[normative_document]", scope="sentence",
                                                message="有效期为{detail}")), strict=False)
    (f,) = ids(findings(pack, "本办法自2025年1月1日起施行，有效期至2035年12月31日。", "normative_document"), "TT-SPAN")
    assert f.message == "有效期为约11年（2025年1月1日至2035年12月31日）"
    assert ids(findings(pack, "本意见有效期自二〇二四年七月一日至二〇三四年六月三十日。", "normative_document"), "TT-SPAN")
    assert ids(findings(pack, "本办法自2025年1月1日起施行，有效期至2031年底。", "normative_document"), "TT-SPAN")
    # exactly five years (both ends counted) is not more than five
    assert not ids(findings(pack, "本办法自2025年1月1日起施行，有效期至2029年12月31日。", "normative_document"), "TT-SPAN")
    # no start anywhere (no date before it, no document date): nothing to compare
    assert not ids(findings(pack, "本办法自印发之日起施行，有效期至2035年12月31日。", "normative_document"), "TT-SPAN")


def test_date_span_starts_at_the_document_date(tmp_path):
    """「自印发之日起施行，有效期至……」: the start is the document's own date (its 落款)."""
    from legalreview.pipeline import review_text

    pack = load_pack(write_pack(tmp_path, rule("TT-SPAN", _SPAN, doc_types="[normative_document]", scope="sentence")), strict=False)
    body = "某镇关于扶持家庭农场发展的若干意见\n一、本意见自印发之日起施行，有效期至{to}。\n某镇人民政府\n2025年3月1日\n"
    long = review_text(body.format(to="2033年12月31日"), doc_type="normative_document", rules=pack)
    assert long.document.date == dt.date(2025, 3, 1)
    assert [f.rule_id for f in long.findings if f.rule_id == "TT-SPAN"]
    short = review_text(body.format(to="2027年12月31日"), doc_type="normative_document", rules=pack)
    assert not [f.rule_id for f in short.findings if f.rule_id == "TT-SPAN"]


def test_number_needs_n_or_to_group(tmp_path):
    with pytest.raises(RuleError, match="to"):
        load_pack(write_pack(tmp_path, rule("TT-BAD", "{number: {pattern: '有效期至(?P<x>{NUM})', value: 5}}")), strict=False)


def test_number_unknown_param_is_error(tmp_path):
    body = rule("TT-NUM", "{number: {pattern: '罚款(?P<n>{NUM})元', param: nope}}")
    with pytest.raises(RuleError, match="nope") as ei:
        load_pack(write_pack(tmp_path, body), strict=False)
    assert ei.value.rule_id == "TT-NUM" and ei.value.field.startswith("match.number")


def test_absent_document_with_anchor(tmp_path):
    body = rule("TT-ABS", "{absent: {keywords: [有效期], within: document, anchor: {regex: '自.{0,12}(施行|执行)'}}}",
                scope="document", doc_types="[normative_document]", message="缺少有效期：{detail}")
    pack = load_pack(write_pack(tmp_path, body), strict=False)
    text = "某镇关于加强管理的通知\n一、加强巡查。\n二、本通知自印发之日起施行。"
    (f,) = ids(findings(pack, text, "normative_document"), "TT-ABS")
    assert "自印发之日起施行" in f.quote and text[f.start:f.end] == f.quote
    assert f.message == "缺少有效期：未见「有效期」"
    ok = text + "有效期五年。"
    assert not ids(findings(pack, ok, "normative_document"), "TT-ABS")
    # no anchor in the text: reported on the title
    (f,) = ids(findings(pack, "某镇关于加强管理的通知\n一、加强巡查。", "normative_document"), "TT-ABS")
    assert f.quote == "某镇关于加强管理的通知"


def test_absent_first_article(tmp_path):
    body = rule("TT-BASIS", "{absent: {regex: ['(根据|依据|依照)《'], within: first_article}}", scope="document",
                doc_types="[normative_document]")
    pack = load_pack(write_pack(tmp_path, body), strict=False)
    bad = "某镇管理办法\n第一条 为了加强管理，制定本办法。\n第二条 依据《中华人民共和国村民委员会组织法》执行。"
    good = "某镇管理办法\n第一条 根据《中华人民共和国村民委员会组织法》，制定本办法。\n第二条 执行。"
    assert ids(findings(pack, bad, "normative_document"), "TT-BASIS")
    assert not ids(findings(pack, good, "normative_document"), "TT-BASIS")


def test_citation_delegates_and_maps_offsets(tmp_path, monkeypatch):
    from legalreview.models import Citation

    calls = []

    def fake(text, as_of=None, doc_date=None):
        calls.append((as_of, doc_date))
        i = text.find("《旧法》")
        return [Citation(raw="《旧法》", start=i, end=i + 4, law_name="旧法", status="repealed",
                         message="《旧法》已废止")] if i >= 0 else []

    monkeypatch.setattr("legalreview.laws.check_citations", fake)
    body = rule("TT-CIT", "{citation: {checks: [repealed]}}", scope="sentence", message="{detail}")
    pack = load_pack(write_pack(tmp_path, body), strict=False)
    res = findings(pack, "第一条 为了规范管理。\n第二条 依据《旧法》制定。", as_of=dt.date(2026, 1, 1))
    (f,) = ids(res, "TT-CIT")
    assert f.quote == "依据《旧法》制定。" and f.message == "《旧法》已废止"
    assert res.citations and res.citations[0].start == res.findings[0].start + 2
    assert calls[-1][0] == dt.date(2026, 1, 1)


def test_citation_real_checker_repealed_law(tmp_path):
    body = rule("TT-CIT", "{citation: {checks: [repealed]}}", scope="sentence", doc_types="[normative_document]")
    pack = load_pack(write_pack(tmp_path, body), strict=False)
    res = findings(pack, "第一条 根据《中华人民共和国合同法》第五十二条，制定本办法。", "normative_document",
                   as_of=dt.date(2026, 1, 1))
    assert ids(res, "TT-CIT"), res.citations


MATERIALS_RULE = ("{materials: {require: [起草说明, 集体讨论], min_days: {征求意见: 30}}}")


def test_materials_rule_and_checklist(tmp_path):
    extra = "checklist:\n  - {id: T-1, title: 制定程序, doc_types: [village_rules], manual: true}\n"
    pack = load_pack(write_pack(tmp_path, rule("TT-PROC", MATERIALS_RULE, scope="document"), extra=extra), strict=False)
    text = "某村村规民约\n第一条 爱护环境。"
    res = findings(pack, text)
    assert not ids(res, "TT-PROC")
    item = {c.item_id: c for c in res.checklist}
    assert item["T-1"].status == "需人工核查" and "送审材料" in item["T-1"].note
    mats = {"items": [{"kind": "起草说明"}, {"kind": "征求意见", "start": "2026-03-01", "end": "2026-03-10"}]}
    res = findings(pack, text, materials=mats)
    (f,) = ids(res, "TT-PROC")
    assert "缺少「集体讨论」" in f.explanation[1] and "10日，少于30日" in f.explanation[1]
    item = {c.item_id: c for c in res.checklist}
    assert item["T-1"].status == "不符合" and item["T-1"].finding_ids == [f.id]
    full = {"起草说明": True, "集体讨论": {"start": "2026-04-01"},
            "征求意见": {"start": "2026-03-01", "end": "2026-03-30"}}
    res = findings(pack, text, materials=full)
    assert not ids(res, "TT-PROC") and {c.item_id: c for c in res.checklist}["T-1"].status == "符合"


def test_materials_working_days_and_file(tmp_path):
    p = tmp_path / "m.yaml"
    # 2026-09-28 + 15 working days (National Day holidays, 10-10 make-up day) ends 2026-10-23
    p.write_text("items:\n  - kind: 征求意见\n    start: 2026-09-29\n    end: 2026-10-22\n", encoding="utf-8")
    m = load_materials(p)
    assert m.problems([], {}, {"征求意见": 15}) == ["「征求意见」期限为14个工作日，少于15个工作日"]
    p.write_text("items:\n  - kind: 征求意见\n    start: 2026-09-29\n    end: 2026-10-23\n", encoding="utf-8")
    assert load_materials(p).problems([], {}, {"征求意见": 15}) == []
    bad = tmp_path / "bad.yaml"
    bad.write_text("items:\n  - kind: 征求意见\n    start: 2026-13-01\n", encoding="utf-8")
    with pytest.raises(InputError, match="送审材料清单"):
        load_materials(bad)


def test_fuzzy_template_with_prefilter(tmp_path):
    body = rule("TT-FUZ", "{fuzzy: {templates: [村民上访须经村委会同意], threshold: 80, prefilter: [上访]}}",
                scope="sentence", message="相似度{detail}")
    pack = load_pack(write_pack(tmp_path, body), strict=False)
    (f,) = ids(findings(pack, "本村村民上访必须经过村委会同意。"), "TT-FUZ")
    assert int(f.message[3:]) >= 80
    assert not ids(findings(pack, "村民有权依法信访。"), "TT-FUZ")  # prefilter: no 上访
    assert not ids(findings(pack, "上访人员由镇信访办接待。"), "TT-FUZ")  # below threshold


def test_tokens_matcher_on_jieba_tokens(tmp_path):
    body = rule("TT-TOK", '{tokens: [[{ORTH: 罚款}, {TEXT: {REGEX: "^[0-9]+$"}}, {ORTH: 元}]]}',
                scope="sentence", extra="highlight: match\n")
    pack = load_pack(write_pack(tmp_path, body), strict=False)
    res = findings(pack, "对违反者处罚款500元。")
    (f,) = ids(res, "TT-TOK")
    assert f.quote == "罚款500元"
    assert not ids(findings(pack, "对违反者处罚款。"), "TT-TOK")


def test_tokens_invalid_pattern_reported(tmp_path):
    body = rule("TT-TOK", "{tokens: [[{NOSUCHATTR: 罚款}]]}", scope="sentence")
    pack = load_pack(write_pack(tmp_path, body), strict=False)
    with pytest.raises(RuleError, match="tokens") as ei:
        findings(pack, "违者罚款。")
    assert ei.value.rule_id == "TT-TOK" and ei.value.path.endswith("t.yaml")


def test_findings_as_spacy_spans(tmp_path):
    from legalreview.nlp import findings_doc

    pack = load_pack(write_pack(tmp_path, rule("TT-KW", "{keywords: [罚款]}", extra="highlight: match\n")), strict=False)
    text = "对违反者处罚款500元。"
    res = findings(pack, text)
    sdoc = findings_doc(text, ids(res, "TT-KW"))
    (span,) = sdoc.spans["legalreview"]
    assert span.label_ == "TT-KW" and span.text == "罚款"


def test_checklist_not_applicable_items_only_on_request():
    from legalreview.pipeline import review_text

    text = "某村村规民约\n第一条 村民应当爱护环境。\n"
    default = review_text(text, doc_type="village_rules")
    assert default.checklist and all(c.status != "不适用" for c in default.checklist)
    full = review_text(text, doc_type="village_rules", checklist_all=True)
    na = [c for c in full.checklist if c.status == "不适用"]
    assert na and len(full.checklist) == len(default.checklist) + len(na)


def test_compiled_pack_pickles_after_tokens_used(tmp_path):
    import pickle

    body = rule("TT-TOK", '{tokens: [[{ORTH: 罚款}]]}', scope="sentence")
    pack = load_pack(write_pack(tmp_path, body), strict=False)
    assert ids(findings(pack, "对违反者处罚款500元。"), "TT-TOK")
    clone = pickle.loads(pickle.dumps(pack))
    assert ids(findings(clone, "对违反者处罚款500元。"), "TT-TOK")
    assert [r.id for r in clone.compiled] == [r.id for r in pack.compiled]


def test_checklist_item_with_all_findings_waived_counts_as_conforming(tmp_path):
    from legalreview.pipeline import review_text

    text = "某村村规民约\n第一条 乱倒垃圾的，罚款五十元。\n"
    plain = review_text(text, doc_type="village_rules")
    fine = [f for f in plain.findings if f.rule_id == "VR-FINE"]
    assert fine
    item = next(c for c in plain.checklist if fine[0].id in c.finding_ids)
    assert item.status == "不符合"
    waivers = [{"rule_id": f.rule_id, "quote": f.quote, "reason": "测试豁免", "reviewer": "张三"}
               for f in plain.findings if f.checklist_item == item.item_id]
    waived = review_text(text, doc_type="village_rules", waivers=waivers)
    entry = next(c for c in waived.checklist if c.item_id == item.item_id)
    assert entry.status == "符合" and "豁免" in entry.note


def test_article_scope_spans_the_paragraphs_of_one_article(tmp_path):
    body = rule("TT-ART", "{all: [{keywords: [养犬]}, {keywords: [押金]}]}", scope="article")
    pack = load_pack(write_pack(tmp_path, body), strict=False)
    text = ("某村村规民约\n第一条 村民养犬应当登记。\n需要时缴纳押金。\n第二条 村民应当爱护环境。\n"
            "第三条 押金由村里统一管理。\n")
    res = findings(pack, text)
    (f,) = ids(res, "TT-ART")
    assert f.location.startswith("第一条") and f.quote == "第一条 村民养犬应当登记。"[4:]
    sentence_pack = load_pack(write_pack(tmp_path, rule("TT-ART", "{all: [{keywords: [养犬]}, {keywords: [押金]}]}",
                                                        scope="sentence"), name="s"), strict=False)
    assert not ids(findings(sentence_pack, text), "TT-ART")


def test_detail_and_explanation_follow_the_anchor_that_escaped_the_exceptions(tmp_path):
    from test_engine import EXC

    body = rule("TT-NUM", "{number: {pattern: '罚款(?P<n>{NUM})元', op: '>=', value: 1000, unit: 元}}",
                scope="sentence", exceptions="[negation]", message="罚款{detail}")
    pack = load_pack(write_pack(tmp_path, body, extra=EXC), strict=False)
    (f,) = ids(findings(pack, "村委会不得罚款五千元，违者罚款三千元。", explain=True), "TT-NUM")
    assert f.message == "罚款3000元"
    assert any("被例外「negation」排除" in line for line in f.explanation)
