"""Structure recovery: title, 文号, 落款, dates, 章/节/条/款/项/目, outlines, contracts, attachments, and
the offset invariants (hypothesis over generated documents)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legalreview.ingest import from_text, load
from legalreview.numerals import cn_to_int, int_to_cn, parse_date, parse_number, parse_ordinal
from legalreview.structure import normalize_doc_number, parse

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpora" / "samples"
_WS = " \t\u3000\u00a0\ufeff\r\n"


def _parse(text: str):
    return parse(from_text(text))


def check_invariants(doc) -> None:
    text = doc.text

    def rec(nodes, parent):
        prev_end = -1
        for n in nodes:
            assert 0 <= n.start <= n.end <= len(text), (n.kind, n.start, n.end, len(text))
            if parent is not None:
                assert parent.start <= n.start and n.end <= parent.end, (parent.location, n.location)
            s = text[n.start:n.end]
            assert s == s.strip(_WS), (n.kind, n.location, repr(s[:30]))
            assert n.start >= prev_end, ("siblings overlap", n.kind, n.location)
            prev_end = n.end
            rec(n.children, n)

    rec(doc.outline, None)


def _by_location(doc):
    return {n.location: n for n in doc.walk()}


# --------------------------------------------------------------------------- numerals


@pytest.mark.parametrize("s,n", [("一百二十三", 123), ("十二", 12), ("十", 10), ("两万", 20000), ("１２", 12),
                                 ("2万", 20000), ("二〇二四", 2024), ("一千零二十", 1020), ("壹仟贰佰", 1200),
                                 ("三千五百万", 35_000_000), ("零", 0), ("3千5百", 3500)])
def test_cn_to_int(s, n):
    assert cn_to_int(s) == n


def test_int_to_cn_round_trip():
    for n in list(range(0, 300)) + [1000, 1010, 10010, 20000, 123456]:
        assert cn_to_int(int_to_cn(n)) == n
    assert int_to_cn(10) == "十" and int_to_cn(110) == "一百一十" and int_to_cn(105) == "一百零五"


def test_ordinals_numbers_dates():
    assert parse_ordinal("第一百二十三条") == 123
    assert parse_ordinal("（三）") == 3 and parse_ordinal("(3)") == 3 and parse_ordinal("3.") == 3
    assert parse_ordinal("一、") == 1 and parse_ordinal("第 2 4 条") == 24
    assert parse_number("1.5万") == 15000.0 and parse_number("两千") == 2000.0
    assert parse_number("不是数字") is None
    assert parse_date("二〇二四年三月一日") == dt.date(2024, 3, 1)
    assert parse_date("二○二四年十二月三十一日") == dt.date(2024, 12, 31)
    assert parse_date("２０２４年３月１日") == dt.date(2024, 3, 1)
    assert parse_date("2024.3.1") == dt.date(2024, 3, 1) and parse_date("2024-03-01") == dt.date(2024, 3, 1)
    assert parse_date("2024年2月30日") is None
    assert parse_date("2024年2月30日印发，2024年3月1日起施行") == dt.date(2024, 3, 1)


# --------------------------------------------------------------------------- header and signature


@pytest.mark.parametrize("raw,norm", [("龙政办发〔2024〕12号", "龙政办发〔2024〕12号"),
                                      ("龙政办发[2024]12号", "龙政办发〔2024〕12号"),
                                      ("龙政办发（2024）12号", "龙政办发〔2024〕12号"),
                                      ("龙政办发(2024)第012号", "龙政办发〔2024〕12号"),
                                      ("龙政办发 ［2024］ 12 号", "龙政办发〔2024〕12号")])
def test_doc_number_brackets(raw, norm):
    assert normalize_doc_number(raw) == norm
    doc = _parse(f"XX县人民政府办公室文件\n{raw}\n关于加强某某管理的通知\n各乡镇人民政府：\n一、总体要求\n内容。\n")
    assert doc.doc_number == norm
    node = next(n for n in doc.outline if n.kind == "doc_number")
    assert doc.text[node.start:node.end] == raw.strip()
    assert doc.title == "关于加强某某管理的通知"
    check_invariants(doc)


def test_normative_sample_header_and_tail():
    doc = load(SAMPLES / "规范性文件.txt")
    assert doc.doc_number == "云政发〔2024〕15号"
    assert doc.title == "云岭镇人民政府关于印发《云岭镇农村生活垃圾分类管理办法》的通知"
    assert doc.issuer == "云岭镇人民政府"
    assert doc.date == dt.date(2024, 4, 8)
    kinds = [n.kind for n in doc.outline]
    assert kinds[:3] == ["doc_number", "title", "addressee"]
    assert kinds[-2:] == ["issuer", "date"]
    loc = _by_location(doc)
    assert loc["第一章"].kind == "chapter"
    assert [c.location for c in loc["第一章"].children] == ["第一条", "第二条", "第三条"]
    # 第五条 has an item list and a second paragraph: 款 and 项
    assert loc["第五条第一款"].kind == "paragraph"
    assert loc["第五条第一款第（三）项"].kind == "item"
    assert loc["第五条第二款"].kind == "paragraph"
    assert doc.text[loc["第五条第二款"].start:].startswith("大件垃圾")
    # the last article does not swallow the signature
    last = loc["第十三条"]
    assert doc.text[last.start:last.end].endswith("依照本办法处理。")
    check_invariants(doc)


def test_location_of_gives_legal_labels():
    doc = load(SAMPLES / "规范性文件.txt")
    i = doc.text.index("易腐垃圾沥干水分")
    assert doc.location_of(i) == "第五条第一款第（三）项"
    i = doc.text.index("由镇人民政府处五百元")
    assert doc.location_of(i) == "第八条"
    i = doc.text.index("云政发")
    assert doc.location_of(i) == "文号"


def test_village_rules_sample_txt_and_docx_agree():
    t = load(SAMPLES / "村规民约.txt")
    d = load(SAMPLES / "村规民约.docx")
    for doc in (t, d):
        assert doc.title == "桐坞村村规民约"
        assert doc.issuer == "桐坞村村民委员会"
        assert doc.date == dt.date(2024, 5, 20)
        arts = [n for n in doc.walk() if n.kind == "article"]
        assert len(arts) == 18 and arts[12].location == "第十三条"
        assert "外村人员结婚" in doc.text[arts[12].start:arts[12].end]
        check_invariants(doc)
    assert [n.location for n in t.walk()] == [n.location for n in d.walk()]


def test_outline_plan_locations():
    doc = load(SAMPLES / "实施方案.txt")
    loc = _by_location(doc)
    assert doc.title == "云岭镇2024年农村人居环境整治提升行动实施方案"
    assert loc["二、"].kind == "heading" and loc["二、"].level == 1
    assert loc["二、（一）"].level == 2
    n = loc["二、（一）3."]
    assert n.level == 3 and n.number == 3
    assert "曝光其姓名" in doc.text[n.start:n.end]
    assert doc.location_of(doc.text.index("暂停供水")) == "二、（一）3."
    assert any(x.kind == "attachment" for x in doc.outline)
    assert doc.issuer == "云岭镇人民政府办公室" and doc.date == dt.date(2024, 2, 26)
    check_invariants(doc)


def test_contract_parties_and_clauses():
    doc = load(SAMPLES / "行政机关合同.txt")
    parties = [n for n in doc.outline if n.kind == "party"]
    assert [p.label for p in parties] == ["甲方", "乙方"]
    assert "法定代表人" in doc.text[parties[1].start:parties[1].end]
    clauses = [n for n in doc.outline if n.kind == "clause"]
    assert [c.location for c in clauses][:3] == ["第一条", "第二条", "第三条"]
    loc = _by_location(doc)
    assert loc["第三条第（二）项"].kind == "item"
    assert doc.location_of(doc.text.index("提交青溪仲裁委员会")) == "第八条"
    last = clauses[-1]
    assert "盖章）" not in doc.text[last.start:last.end]
    assert doc.date == dt.date(2024, 6, 18)
    check_invariants(doc)


def test_contract_with_outline_clauses():
    doc = _parse("房屋租赁合同\n出租方（甲方）：某某镇人民政府\n承租方（乙方）：张某\n一、租赁物\n甲方将房屋出租给乙方。\n"
                 "二、租金\n1.每年租金一万元。\n2.按季度支付。\n三、争议解决\n协商不成的，向人民法院起诉。\n"
                 "甲方（盖章）：\n乙方（签字）：\n")
    clauses = [n for n in doc.outline if n.kind == "clause"]
    assert [c.location for c in clauses] == ["一、", "二、", "三、"]
    assert [c.location for c in clauses[1].children] == ["二、1.", "二、2."]
    assert doc.text[clauses[-1].start:clauses[-1].end].endswith("向人民法院起诉。")
    assert len([n for n in doc.outline if n.kind == "party"]) == 2
    check_invariants(doc)


def test_articles_paragraphs_items_subitems():
    text = ("某某镇某某管理办法\n第一章 总则\n第一节 一般规定\n第一条 为了规范管理，制定本办法。\n"
            "第二条 有下列情形之一的，不予受理：\n（一）材料不全的；\n（二）有下列情形的：\n1.逾期申请；\n2.重复申请。\n"
            "前款第（二）项规定的情形，应当告知申请人。\n第二章 附则\n第三条 本办法自2024年1月1日起施行，有效期五年。\n")
    doc = _parse(text)
    loc = _by_location(doc)
    assert loc["第一章"].kind == "chapter" and loc["第一节"].kind == "section"
    assert loc["第一条"] in loc["第一节"].children
    assert loc["第二条第一款第（二）项"].kind == "item"
    sub = loc["第二条第一款第（二）项第2目"]
    assert sub.kind == "subitem" and doc.text[sub.start:sub.end] == "2.重复申请。"
    p2 = loc["第二条第二款"]
    assert doc.text[p2.start:p2.end] == "前款第（二）项规定的情形，应当告知申请人。"
    assert loc["第三条"] in loc["第二章"].children
    check_invariants(doc)


def test_article_references_are_not_articles():
    doc = _parse("某某办法\n第一条 适用范围。\n第三条规定的情形除外。\n第二条 施行日期。\n")
    arts = [n.location for n in doc.walk() if n.kind == "article"]
    assert arts == ["第一条", "第二条"]


def test_spaced_and_arabic_article_numbers():
    doc = _parse("某某意见\n第 1 条 甲。\n第 2 4 条 乙。\n第25条 丙。\n")
    assert [n.number for n in doc.walk() if n.kind == "article"] == [1, 24, 25]
    assert [n.location for n in doc.walk() if n.kind == "article"] == ["第一条", "第二十四条", "第二十五条"]


def test_issuer_and_chinese_date_on_tail():
    doc = _parse("某某村村规民约\n一、村民应当遵守法律。\n二、本规约自通过之日起施行。\n某某村村民委员会\n二〇二四年三月一日\n")
    assert doc.issuer == "某某村村民委员会" and doc.date == dt.date(2024, 3, 1)
    last = [n for n in doc.outline if n.kind == "heading"][-1]
    assert doc.text[last.start:last.end] == "二、本规约自通过之日起施行。"
    assert doc.location_of(doc.text.index("二〇二四")) == "成文日期"


def test_attachment_after_signature_holds_its_outline():
    doc = _parse("关于印发某某方案的通知\n各村：\n现印发给你们。\n某某镇人民政府\n2024年3月1日\n附件1\n某某方案\n一、目标\n内容。\n"
                 "附件2\n任务清单\n")
    atts = [n for n in doc.outline if n.kind == "attachment"]
    assert [a.location for a in atts] == ["附件1", "附件2"]
    assert [c.location for c in atts[0].children] == ["附件1一、"]
    assert doc.date == dt.date(2024, 3, 1)
    check_invariants(doc)


def test_header_date_in_parentheses():
    doc = _parse("某某实施意见\n（2023年2月8日）\n一、目标\n内容。\n")
    assert doc.date == dt.date(2023, 2, 8)
    check_invariants(doc)


def test_example_docx_structure():
    doc = load(ROOT / "examples" / "村规民约示例.docx")
    assert doc.title == "青溪县云岭镇石门村村规民约"
    assert len([n for n in doc.walk() if n.kind == "article"]) == 25
    assert doc.issuer == "石门村村民委员会" and doc.date == dt.date(2024, 9, 12)
    assert doc.location_of(doc.text.index("每次罚款五十元")) == "第八条"
    check_invariants(doc)


def test_dev_documents_invariants():
    from conftest import shared_path

    for p in sorted(shared_path("eval", "dev", "docs").iterdir()):
        check_invariants(load(p))


# --------------------------------------------------------------------------- hypothesis

_prose = st.sampled_from(["村民应当遵守法律法规。", "违反规定的，由有关部门依法处理。", "具体办法另行制定", "",
                          "   ", "（本条可另行约定）", "2024年3月1日", "前款规定的情形除外。", "\u3000\u3000倡导文明新风。"])
_num = st.integers(min_value=1, max_value=130)


@st.composite
def _line(draw):
    kind = draw(st.sampled_from(["chapter", "section", "article", "dun", "cparen", "adot", "aparen", "circled",
                                 "prose", "attach", "party", "doc_no", "date", "sign"]))
    n = draw(_num)
    cn = int_to_cn(n)
    pad = draw(st.sampled_from(["", " ", "\u3000", "\t"]))
    body = draw(_prose)
    return pad + {
        "chapter": f"第{cn}章 总则", "section": f"第{cn}节 一般规定", "article": f"第{cn}条 {body}",
        "dun": f"{cn}、{body}", "cparen": f"（{cn}）{body}", "adot": f"{n}.{body}", "aparen": f"({n}){body}",
        "circled": chr(0x2460 + n % 20) + body, "prose": body, "attach": f"附件{n}", "party": "甲方：某某镇人民政府",
        "doc_no": f"某政发[20{n % 90 + 10}]{n}号", "date": f"二〇二四年{int_to_cn(n % 12 + 1)}月一日",
        "sign": "某某镇人民政府",
    }[kind] + draw(st.sampled_from(["", " ", "\r"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.sampled_from(["某某村村规民约", "关于某某的通知", "某某合作协议", "", "  "]),
       lines=st.lists(_line(), max_size=40))
def test_generated_documents_keep_offsets(title, lines):
    doc = _parse("\n".join([title] + lines))
    check_invariants(doc)
    for n in doc.walk():
        if n.kind in ("article", "clause", "paragraph", "item", "subitem", "heading", "chapter", "section"):
            assert n.location


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400))
def test_arbitrary_text_never_breaks(text):
    doc = _parse(text)
    check_invariants(doc)
    assert doc.location_of(0)


def test_run_on_contract_on_one_line():
    text = ("某某场地租赁合同甲方：某某镇人民政府乙方：某某公司为明确双方权利义务，经协商一致，订立本合同，共同遵守：" 
            "一、租赁场地位于某某村，面积五亩，用于农产品仓储，乙方不得改变用途。"
            "二、租赁期限三年，自2024年1月1日起至2026年12月31日止，期满后乙方享有同等条件下的优先承租权。"
            "三、租金每年二万元，乙方应于每年一月十日前一次性付清。")
    doc = _parse(text)
    clauses = [n for n in doc.outline if n.kind == "clause"]
    assert [c.location for c in clauses] == ["一、", "二、", "三、"]
    assert doc.text[clauses[1].start:clauses[1].end].startswith("二、租赁期限三年")
    assert doc.location_of(doc.text.index("优先承租权")) == "二、"
    check_invariants(doc)


def test_word_title_style_wins(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("浙江省某某县人民政府")
    d.add_paragraph("某某县农村宅基地管理办法", style="Title")
    d.add_paragraph("第一条 为了规范农村宅基地管理，制定本办法。")
    path = tmp_path / "标题样式.docx"
    d.save(str(path))
    assert load(path).title == "某某县农村宅基地管理办法"


def test_spaced_party_labels_and_key_value_lines_are_not_titles():
    doc = _parse("案件基本信息\n当事人：张某\n行政处罚决定书\n一、违法事实\n内容。\n")
    assert doc.title == "行政处罚决定书"
    doc = _parse("租赁合同\n甲  方：某某镇人民政府\n乙\u3000方：张某\n一、租期一年。\n")
    assert [n.label for n in doc.outline if n.kind == "party"] == ["甲方", "乙方"]
    check_invariants(doc)


def test_full_width_digits_private_use_and_many_articles():
    doc = _parse("某某办法\n第１２条 甲\ue000乙。\n第１３条 Ａｂｃ混合ｓｃｒｉｐｔ。\n")
    assert [(n.number, n.location) for n in doc.walk() if n.kind == "article"] == [(12, "第十二条"), (13, "第十三条")]
    many = "某某办法\n" + "\n".join(f"第{int_to_cn(i)}条 内容。" for i in range(1, 3001))
    doc = _parse(many)
    arts = [n for n in doc.walk() if n.kind == "article"]
    assert len(arts) == 3000 and arts[-1].location == "第三千条" and arts[-1].number == 3000
    line = "某某办法\n第一条 " + "村民应当遵守法律法规" * 50000
    doc = _parse(line)
    assert [n.location for n in doc.walk() if n.kind == "article"] == ["第一条"]
    check_invariants(doc)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(_line(), max_size=40), sep=st.sampled_from(["；", "：", "。", "\n", "：\n"]),
       filler=st.sampled_from(["", "村民应当遵守本村规民约和国家法律法规，维护公共秩序" * 4]))
def test_run_on_generated_documents_keep_offsets(lines, sep, filler):
    doc = _parse("某某协议" + filler + sep + sep.join(ln + filler for ln in lines))
    check_invariants(doc)
