"""Citation extraction and checks against the real corpus (corpora/laws/laws.json)."""

from __future__ import annotations

import datetime as dt

import pytest

from legalreview.laws import check_citations, extract
from legalreview.laws.numerals import article_label, cn_to_int, int_to_cn

D = dt.date
NOW = D(2026, 11, 26)


def one(text, as_of=NOW, doc_date=None):
    cs = check_citations(text, as_of=as_of, doc_date=doc_date)
    assert len(cs) == 1, [(c.raw, c.status) for c in cs]
    return cs[0]


# (text, as_of, doc_date, expected status, expected canonical or None, expected article or None)
CASES = [
    # repealed laws, by review date (trap: 合同法 in 2019 is fine, in 2023 it is not)
    ("根据《中华人民共和国合同法》订立本合同", D(2019, 6, 1), None, "ok", "中华人民共和国合同法", None),
    ("根据《中华人民共和国合同法》订立本合同", D(2023, 1, 1), None, "repealed", "中华人民共和国合同法", None),
    ("根据《合同法》第五十二条", D(2020, 12, 31), None, "non_canonical", "中华人民共和国合同法", "第五十二条"),
    ("根据《合同法》第五十二条", D(2021, 1, 1), None, "repealed", "中华人民共和国合同法", "第五十二条"),
    ("根据《民法通则》、《村民委员会组织法》等法律", NOW, D(2016, 3, 1), "repealed", "中华人民共和国民法通则", None),
    ("依照《中华人民共和国物权法》的规定", NOW, None, "repealed", "中华人民共和国物权法", None),
    ("适用《中华人民共和国担保法》", NOW, None, "repealed", "中华人民共和国担保法", None),
    ("依《婚姻法》", NOW, None, "repealed", "中华人民共和国婚姻法", None),
    ("依《继承法》", NOW, None, "repealed", "中华人民共和国继承法", None),
    ("依《收养法》", NOW, None, "repealed", "中华人民共和国收养法", None),
    ("依《侵权责任法》", NOW, None, "repealed", "中华人民共和国侵权责任法", None),
    ("依《民法总则》", NOW, None, "repealed", "中华人民共和国民法总则", None),
    ("按《信访条例》反映情况", NOW, None, "repealed", "信访条例", None),
    ("按《信访条例》反映情况", D(2021, 5, 1), None, "ok", "信访条例", None),
    ("依照《城市房屋拆迁管理条例》", NOW, None, "repealed", "城市房屋拆迁管理条例", None),
    ("依照《中华人民共和国城市规划法》", NOW, None, "repealed", "中华人民共和国城市规划法", None),
    ("依照《治安管理处罚条例》", NOW, None, "repealed", "中华人民共和国治安管理处罚条例", None),
    ("依照《中华人民共和国外资企业法》", NOW, None, "repealed", "中华人民共和国外资企业法", None),
    ("缴纳《中华人民共和国农业税条例》规定的税款", NOW, None, "repealed", "中华人民共和国农业税条例", None),
    ("根据《中华人民共和国契税暂行条例》", NOW, None, "repealed", "中华人民共和国契税暂行条例", None),
    ("依据《公平竞争审查制度实施细则》第十五条", NOW, None, "repealed", "公平竞争审查制度实施细则", "第十五条"),
    # not yet in force
    ("《中华人民共和国农村集体经济组织法》第十八条", D(2025, 1, 1), None, "not_yet_in_force", "中华人民共和国农村集体经济组织法", "第十八条"),
    ("《中华人民共和国农村集体经济组织法》第十八条", D(2025, 6, 1), None, "ok", "中华人民共和国农村集体经济组织法", "第十八条"),
    ("《公平竞争审查条例》第十条", D(2024, 7, 1), None, "not_yet_in_force", "公平竞争审查条例", "第十条"),
    # article numbers (trap: 行政处罚法 第十六条 in 2017 vs 2022 numbering)
    ("依据《中华人民共和国行政处罚法》第十六条", D(2022, 3, 1), D(2017, 10, 1), "stale_article", "中华人民共和国行政处罚法", "第十六条"),
    ("依据《中华人民共和国行政处罚法》第十六条", D(2022, 3, 1), D(2022, 1, 10), "ok", "中华人民共和国行政处罚法", "第十六条"),
    ("依据《中华人民共和国行政处罚法》第十六条", D(2017, 12, 1), D(2017, 10, 1), "ok", "中华人民共和国行政处罚法", "第十六条"),
    ("依据《中华人民共和国行政处罚法》（2017年修正）第十四条", D(2023, 1, 1), None, "stale_article", "中华人民共和国行政处罚法", "第十四条"),
    ("依据《中华人民共和国行政处罚法》第九十九条", NOW, None, "article_out_of_range", "中华人民共和国行政处罚法", "第九十九条"),
    ("依据《中华人民共和国行政处罚法》第86条", NOW, None, "ok", "中华人民共和国行政处罚法", "第八十六条"),
    ("依据《中华人民共和国行政处罚法》第87条", NOW, None, "article_out_of_range", "中华人民共和国行政处罚法", "第八十七条"),
    ("《中华人民共和国村民委员会组织法》第四十二条", NOW, None, "article_out_of_range", "中华人民共和国村民委员会组织法", "第四十二条"),
    ("《中华人民共和国民法典》第一千二百六十一条", NOW, None, "article_out_of_range", "中华人民共和国民法典", "第一千二百六十一条"),
    ("《中华人民共和国民法典》第一千二百六十条", NOW, None, "ok", "中华人民共和国民法典", "第一千二百六十条"),
    ("《中华人民共和国行政复议法》第八十条", NOW, None, "ok", "中华人民共和国行政复议法", "第八十条"),
    ("《中华人民共和国行政复议法》第八十条", D(2023, 6, 1), None, "article_out_of_range", "中华人民共和国行政复议法", "第八十条"),
    ("《中华人民共和国立法法》第一百一十条", D(2023, 6, 1), D(2023, 5, 1), "ok", "中华人民共和国立法法", "第一百一十条"),
    ("《中华人民共和国立法法》第八十二条", D(2024, 1, 1), D(2016, 1, 1), "stale_article", "中华人民共和国立法法", "第八十二条"),
    ("《中华人民共和国妇女权益保障法》第八十条", D(2022, 6, 1), None, "article_out_of_range", "中华人民共和国妇女权益保障法", "第八十条"),
    # typos and short names
    ("依照《中华人民共和国村民委员会组治法》第二十七条", NOW, None, "non_canonical", "中华人民共和国村民委员会组织法", "第二十七条"),
    ("依照《中华人民共和国村民委会组织法》", NOW, None, "non_canonical", "中华人民共和国村民委员会组织法", None),
    ("依照《行政处罚法》第十六条", NOW, None, "non_canonical", "中华人民共和国行政处罚法", "第十六条"),
    ("根据《村委会组织法》", NOW, None, "non_canonical", "中华人民共和国村民委员会组织法", None),
    ("《浙江省实施〈中华人民共和国村民委员会组织法〉办法》第十四条", NOW, None, "ok",
     "浙江省实施《中华人民共和国村民委员会组织法》办法", "第十四条"),
    ("《浙江省实施《中华人民共和国村民委员会组织法》办法》第四十二条", NOW, None, "ok",
     "浙江省实施《中华人民共和国村民委员会组织法》办法", "第四十二条"),
    # unknown names: suggest, do not guess
    ("依照《中华人民共和国美好乡村促进法》第三条", NOW, None, "unknown", None, "第三条"),
    ("依照《中华人民共和国行政出发法》", NOW, None, "unknown", None, None),
    ("依照《浙江省村规民约管理条例》", NOW, None, "not_in_corpus", None, None),
    ("依照《中华人民共和国国民经济和社会发展第十四个五年规划和2035年远景目标纲要》", NOW, None, "not_in_corpus", None, None),
    ("依照《中华人民共和国村规民约法》", NOW, None, "unknown", None, None),
    # lower-level basis for penalties
    ("依据《国务院关于税收等优惠政策相关事项的通知》对企业处以罚款", NOW, None, "lower_level_basis",
     "国务院关于税收等优惠政策相关事项的通知", None),
    ("根据《国务院办公厅关于加强行政规范性文件制定和监督管理工作的通知》，规范性文件不得设定行政处罚", NOW, None, "ok",
     "国务院办公厅关于加强行政规范性文件制定和监督管理工作的通知", None),
    ("根据《清溪镇关于加强环境整治的通知》，对乱堆乱放者处以二百元罚款", NOW, None, "lower_level_basis", None, None),
    # local documents outside the corpus: never "unknown"
    ("依照《贵州省人口与计划生育条例》的规定", NOW, None, "not_in_corpus", None, None),
    ("按照《青田县农村建房管理办法（试行）》执行", NOW, None, "not_in_corpus", None, None),
    # administrative regulations and Zhejiang regulations
    ("依照《国有土地上房屋征收与补偿条例》第二十五条", NOW, None, "ok", "国有土地上房屋征收与补偿条例", "第二十五条"),
    ("依据《浙江省生活垃圾管理条例》第四十五条", NOW, None, "ok", "浙江省生活垃圾管理条例", "第四十五条"),
    ("依据《重大行政决策程序暂行条例》第二十六条", NOW, None, "ok", "重大行政决策程序暂行条例", "第二十六条"),
    ("根据《中华人民共和国政府信息公开条例》第二十条", NOW, None, "ok", "中华人民共和国政府信息公开条例", "第二十条"),
    ("依照《中华人民共和国治安管理处罚法》第四十条", D(2024, 5, 1), D(2024, 1, 1), "ok", "中华人民共和国治安管理处罚法", "第四十条"),
    ("依照《中华人民共和国治安管理处罚法》第四十条", NOW, D(2024, 1, 1), "stale_article", "中华人民共和国治安管理处罚法", "第四十条"),
]


@pytest.mark.parametrize("text,as_of,doc_date,status,canonical,article", CASES, ids=[c[0][:24] for c in CASES])
def test_citation_cases(text, as_of, doc_date, status, canonical, article):
    c = check_citations(text, as_of=as_of, doc_date=doc_date)[0]
    assert c.status == status, c.message
    assert c.canonical == canonical
    assert c.article == article
    assert text[c.start : c.end] == c.raw
    if status not in ("ok",):
        assert c.message


def test_at_least_fifty_cases():
    assert len(CASES) >= 50


def test_repealed_message_names_successor_and_date_of_making():
    c = one("根据《民法通则》制定本公约", NOW, D(2016, 3, 1))
    assert c.status == "repealed"
    assert c.replaced_by == "中华人民共和国民法典"
    assert "民法典" in c.message and "2021年1月1日" in c.message
    assert "文件制定时" in c.message and "仍然有效" in c.message
    c2 = one("根据《民法通则》制定本公约", NOW, D(2022, 3, 1))
    assert "文件制定时" not in c2.message


def test_unknown_suggests_closest():
    c = one("依照《中华人民共和国村民委员会组织条例》", NOW)
    assert c.status == "unknown"
    assert "中华人民共和国村民委员会组织法" in c.candidates


def test_not_laws_are_ignored():
    text = "经村民会议通过《XX村村规民约》，请填写《补贴申请表》，详见《2025年杜鹃花节活动方案》和《通知》。持《生育证》办理。"
    assert check_citations(text, NOW) == []


def test_the_document_itself_is_not_a_citation():
    assert check_citations("现将《清溪镇加装电梯补贴办法》印发给你们，请遵照执行。", NOW) == []
    assert check_citations("本《办法》自公布之日起施行。", NOW) == []


def test_article_lists_and_items():
    text = "根据《中华人民共和国土地管理法》第十六条、第十七条和第六十三条第（一）（二）项"
    cs = check_citations(text, NOW)
    assert [c.article for c in cs] == ["第十六条", "第十七条", "第六十三条第（一）（二）项"]
    assert all(c.canonical == "中华人民共和国土地管理法" for c in cs)
    assert [c.raw for c in cs][1:] == ["第十七条", "第六十三条第（一）（二）项"]


def test_paragraph_and_item_forms():
    cs = check_citations("依照《中华人民共和国行政处罚法》第七十二条第一款第（一）项和第3款", NOW)
    assert cs[0].article == "第七十二条第一款第（一）项"
    cs = check_citations("《中华人民共和国食品安全法》第三十四条第三项", NOW)
    assert cs[0].article == "第三十四条第（三）项"
    cs = check_citations("《中华人民共和国行政处罚法》第10条第2款", NOW)
    assert cs[0].article == "第十条第二款"


def test_article_range_expands():
    cs = check_citations("依照《中华人民共和国行政强制法》第九条至第十一条", NOW)
    assert [c.article for c in cs] == ["第九条", "第十条", "第十一条"]


def test_doc_number_and_version_note_are_part_of_the_citation():
    text = "根据《国务院办公厅关于加强行政规范性文件制定和监督管理工作的通知》（国办发〔2018〕37号）要求"
    c = one(text)
    assert c.raw.endswith("（国办发〔2018〕37号）")
    assert c.status == "ok"
    c = one("《中华人民共和国土地管理法》（2019年修正）第六十三条", NOW)
    assert c.article == "第六十三条" and c.status == "ok"


def test_bare_citation_only_when_unambiguous():
    c = one("依照治安管理处罚法第四十条处理", D(2024, 1, 1), D(2024, 1, 1))
    assert c.canonical == "中华人民共和国治安管理处罚法" and c.article == "第四十条"
    assert check_citations("依照本法第十条处理", NOW) == []
    assert check_citations("依照某某管理法第十条处理", NOW) == []


def test_non_canonical_only_first_and_not_after_full_name():
    text = "根据《中华人民共和国行政处罚法》（以下简称《行政处罚法》）制定。依照《行政处罚法》第十六条执行。"
    assert all(c.status == "ok" for c in check_citations(text, NOW))
    text = "依照《行政处罚法》第十六条。依照《行政处罚法》第十七条。"
    assert [c.status for c in check_citations(text, NOW)] == ["non_canonical", "ok"]


def test_same_name_different_eras_resolve_by_date():
    old = one("依照《中华人民共和国国家安全法》", D(2010, 1, 1))
    new = one("依照《中华人民共和国国家安全法》", NOW)
    assert old.law_id != new.law_id
    assert old.status == "ok" and new.status == "ok"


def test_offsets_point_into_text_with_white_space_in_names():
    text = "前文。根据《 中华人民共和国 合同法 》第五条订立。"
    c = one(text, NOW)
    assert c.status == "repealed" and text[c.start : c.end] == c.raw


def test_extract_ignores_unclosed_brackets():
    assert extract("《中华人民共和国合同法\n下一行》") == []


@pytest.mark.parametrize("n", [1, 9, 10, 11, 20, 99, 100, 101, 110, 119, 1000, 1001, 1010, 1260])
def test_numerals_round_trip(n):
    assert cn_to_int(int_to_cn(n)) == n
    assert article_label(n).startswith("第") and article_label(n).endswith("条")


def test_numerals_forms():
    assert cn_to_int("一千二百六十") == 1260
    assert cn_to_int("十六") == 16
    assert cn_to_int("１６") == 16
    assert cn_to_int("两百") == 200
    assert cn_to_int("abc") is None


def test_zhejiang_near_miss_is_not_guessed():
    # one character away from a collected regulation, but the Zhejiang part of the corpus is incomplete
    c = one("依照《浙江省生活垃圾处理条例》第十条", NOW)
    assert c.status == "not_in_corpus" and c.canonical is None
    assert "浙江省生活垃圾管理条例" in c.candidates


def test_typo_never_changes_the_kind_of_instrument():
    # 「管理规划」 is one character from 「管理条例」 but a plan is not a regulation
    cs = check_citations("依照《浙江省生活垃圾管理规划》", NOW)
    assert cs == [] or cs[0].canonical is None
    c = one("依照《中华人民共和国土地管理法实施办法》", NOW)  # 实施条例 exists; 实施办法 is another instrument
    assert c.canonical is None and c.status == "unknown"
    assert "中华人民共和国土地管理法实施条例" in c.candidates


def test_law_without_known_history_is_not_called_not_yet_in_force():
    # the corpus knows only the 2022 text of 《地名管理条例》; a 2020 document cited the earlier regulation
    c = one("依照《地名管理条例》第十条", D(2021, 6, 1), D(2020, 5, 1))
    assert c.status != "not_yet_in_force"


def test_departmental_measures_are_not_unknown_laws():
    assert one("依照《会计档案管理办法》", NOW).status == "not_in_corpus"


@pytest.mark.parametrize("written", [
    "中国人民解放军现役军官服役条例",  # two characters from 现役士兵服役条例: another regulation
    "行政法规制定程序暂行条例",  # the predecessor of 行政法规制定程序条例
    "女职工劳动保护规定",  # the predecessor of 女职工劳动保护特别规定
])
def test_two_edits_are_another_instrument_not_a_typo(written):
    for c in check_citations(f"依照《{written}》", NOW):
        assert c.canonical is None or c.canonical.endswith(written), (c.canonical, c.status)


def test_punctuation_inside_names_is_ignored():
    c = one("依照《最高人民法院关于审理偷税、抗税刑事案件具体应用法律若干问题的解释》", NOW)
    assert c.canonical == "最高人民法院关于审理偷税抗税刑事案件具体应用法律若干问题的解释"


def test_stray_spaces_in_article_numbers():
    c = one("依照《中华人民共和国行政处罚法》 第 十六 条 第二款", NOW)
    assert c.article == "第十六条第二款" and c.canonical == "中华人民共和国行政处罚法"


def test_document_cited_by_its_number_alone():
    c = one("根据国办发[2018]37号文件精神，结合本镇实际", NOW)
    assert c.canonical == "国务院办公厅关于加强行政规范性文件制定和监督管理工作的通知"
    assert c.raw == "国办发[2018]37号" and c.status == "ok"
    assert check_citations("根据某政发〔2020〕9号文件精神", NOW) == []  # unknown numbers are not reported
    c = one("根据国发〔2015〕25号文件，对企业处以罚款", NOW)
    assert c.status == "lower_level_basis"


def test_stale_article_names_the_current_number_when_known():
    # 立法法 2015 第八条 (matters only a law may regulate) is 第十一条 since the 2023 amendment
    c = one("根据《中华人民共和国立法法》第八条，本办法不得设定", D(2024, 1, 1), D(2016, 1, 1))
    assert c.status == "stale_article"
    assert "现行文本中为第十一条" in c.message


def test_lower_level_basis_not_for_lawful_referral():
    text = "根据《清溪镇关于加强森林防火工作的通知》，野外用火的，由林业部门依法处罚。"
    assert [c.status for c in check_citations(text, NOW)] == ["not_in_corpus"]
    text = "根据《国务院关于税收等优惠政策相关事项的通知》，违规的报税务机关依法处理并处以罚款。"
    assert [c.status for c in check_citations(text, NOW)] == ["ok"]


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_ALPHABET = list("《》〈〉（）()〔〕第条款项之至、和十百千一二三四五六七八九零0123456789 \n。；，") + [
    "中华人民共和国", "行政处罚法", "合同法", "浙江省", "条例", "办法", "依照", "罚款", "国办发", "2018", "号", "修订"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_ALPHABET), max_size=60).map("".join))
def test_random_text_never_crashes_and_offsets_hold(text):
    for c in check_citations(text, NOW, D(2019, 1, 1)):
        assert 0 <= c.start < c.end <= len(text)
        assert text[c.start : c.end] == c.raw
        assert c.status in ("ok", "repealed", "unknown", "ambiguous", "article_out_of_range", "stale_article",
                            "non_canonical", "lower_level_basis", "not_yet_in_force", "not_in_corpus")


def test_typo_close_to_two_laws_is_ambiguous_not_a_guess():
    c = one("依照《中华人民共和国城村集体所有制企业条例》", NOW)  # 乡村… or 城镇…?
    assert c.status == "ambiguous" and c.canonical is None
    assert set(c.candidates) == {"中华人民共和国乡村集体所有制企业条例", "中华人民共和国城镇集体所有制企业条例"}
    c = one("依照《中华人民共和国城镇规划法》", NOW)  # too short to call a typo: suggestions only
    assert c.status == "unknown"
    assert {"中华人民共和国城乡规划法", "中华人民共和国城市规划法"} <= set(c.candidates)


def test_short_names_one_character_apart_are_different_laws():
    for c in check_citations("依照《盐业管理条例》", NOW):
        assert c.canonical != "物业管理条例"


@pytest.mark.parametrize("number", ["（国办发〔2018〕37号）", "（国办发[2018]37号）", "(国办发(2018)37号)"])
def test_document_number_brackets(number):
    c = one(f"根据《国务院办公厅关于加强行政规范性文件制定和监督管理工作的通知》{number}第一条", NOW)
    assert c.raw.endswith("第一条") and c.article == "第一条"
    assert c.status == "ok"


def test_wrong_document_number_is_reported():
    c = one("根据《国务院办公厅关于加强行政规范性文件制定和监督管理工作的通知》（国办发〔2018〕73号）", NOW)
    assert c.status == "non_canonical" and "国办发〔2018〕37号" in c.message


def test_version_note_with_a_year_the_law_has_no_version_of():
    c = one("《中华人民共和国立法法》（2019年修正）第十一条", NOW)
    assert c.status == "non_canonical" and "没有2019年的版本" in c.message
    c = one("《中华人民共和国立法法》（2023年修正）第十一条", NOW)
    assert c.status == "ok"


def test_repealed_law_basis_fits_the_law(tmp_path):
    """CIT-REPEALED cites 民法典 第一千二百六十条 only for the nine laws it repealed (a conditional
    basis, `when`); other repealed rules get the general 立法法 basis, and a malformed `when` is refused."""
    from legalreview.errors import RuleError
    from legalreview.pipeline import review_text

    def bases(text):
        rep = review_text(text, doc_type="agency_contract")
        (f,) = [f for f in rep.findings if f.rule_id == "CIT-REPEALED"]
        return [(b.law, b.article) for b in f.basis]

    old = bases("某合同\n第一条 双方根据《中华人民共和国合同法》的规定签订本合同。\n")
    assert ("《中华人民共和国民法典》", "第一千二百六十条") in old
    other = bases("某服务合同\n第一条 依据《政府购买服务管理办法（暂行）》，甲方向乙方购买保洁服务。\n")
    assert other == [("《中华人民共和国立法法》", "第一百零三条")]
    assert bases("某协议\n第一条 乙方可以按照《信访条例》向有关部门反映情况。\n") == other
    bad = tmp_path / "bad.yaml"
    bad.write_text("pack: t/bad\nversion: 1.0.0\nextends: [zhejiang]\noverrides:\n  CIT-REPEALED:\n"
                   "    basis: [{law: 《中华人民共和国立法法》, article: 第一百零三条, when: '(a+)+b'}]\n", encoding="utf-8")
    with pytest.raises(RuleError):
        from legalreview.engine import load_pack

        load_pack(bad)
