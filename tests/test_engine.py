"""Rule engine: loader errors, layering, matcher semantics, exceptions, findings."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from legalreview.engine import load_pack, run
from legalreview.engine.matchers import CompileError, compile_regex
from legalreview.engine.selftest import example_document
from legalreview.errors import RuleError

HEAD = """\
pack: test/{name}
version: 0.0.1
{extra}
rules:
"""


def rule(rid: str, match: str, *, scope: str = "clause", exceptions: str = "[]", doc_types: str = "[village_rules]",
         extra: str = "", message: str = "发现问题：{hit}", params: str = "{}") -> str:
    return textwrap.indent(textwrap.dedent(f"""\
        - id: {rid}
          title: 测试规则{rid}
          doc_types: {doc_types}
          severity: error
          category: other
          checklist_item: T-1
          scope: {scope}
          match: {match}
          exceptions: {exceptions}
          basis: [{{law: 《中华人民共和国行政处罚法》, article: 第十六条}}]
          message: "{message}"
          suggestion: 请删除该表述。
          params: {params}
          examples: {{positive: ["罚款"], negative: ["无"]}}
        """), "  ") + textwrap.indent(extra, "    ")


def write_pack(tmp_path, body: str, name: str = "t", extra: str = "") -> str:
    p = tmp_path / f"{name}.yaml"
    p.write_text(HEAD.format(name=name, extra=extra) + body, encoding="utf-8")
    return str(p)


def findings(pack, text, doc_type="village_rules", **kw):
    doc = example_document(text, doc_type)
    return run(doc, pack, **kw)


def ids(result, rid):
    return [f for f in result.findings if f.rule_id == rid]


# --------------------------------------------------------------------------- keywords / regex


def test_keywords_match_raw_text_across_spaces_and_jieba_boundaries(tmp_path):
    pack = load_pack(write_pack(tmp_path, rule("TT-KW", "{keywords: [行政处罚, 罚款]}")), strict=False)
    text = "甲方依照行政处罚法办理。乙方罚 款五十元。"
    res = findings(pack, text)
    quotes = [f.quote for f in ids(res, "TT-KW")]
    # 行政处罚 inside the jieba token 行政处罚法 still matches; 罚 款 with a stray space too
    assert quotes == ["甲方依照行政处罚法办理", "乙方罚 款五十元"]
    for f in ids(res, "TT-KW"):
        assert text[f.start:f.end] == f.quote
        assert f.basis[0].law == "《中华人民共和国行政处罚法》"
    assert "发现问题：罚 款" in [f.message for f in ids(res, "TT-KW")]


@pytest.mark.parametrize("pattern", [r"\b罚款\b", r"\w+罚款", r"罚款\W"])
def test_regex_rejects_word_boundaries(pattern):
    with pytest.raises(CompileError, match="中文"):
        compile_regex(pattern)


@pytest.mark.parametrize("pattern", ["(a+)+", "(.*)*", "(?:罚款.{0,3})+"])
def test_regex_rejects_nested_quantifiers(pattern):
    with pytest.raises(CompileError, match="嵌套量词"):
        compile_regex(pattern)


@pytest.mark.parametrize("pattern", ["(?<=罚款+)元", "(unclosed", "a{2,1}"])
def test_regex_invalid_refused_at_load_although_compiled_lazily(pattern):
    with pytest.raises(CompileError, match="正则表达式无效"):
        compile_regex(pattern)


def test_regex_num_expansion_and_escaped_backslash_allowed():
    assert compile_regex(r"罚款{NUM}元").search("罚款两千元")
    assert compile_regex(r"\\b").search("a\\b")  # an escaped backslash followed by b is fine


def test_bad_regex_in_pack_names_file_rule_field_and_line(tmp_path):
    path = write_pack(tmp_path, rule("TT-RX", r"{regex: '\b罚款'}"))
    with pytest.raises(RuleError) as ei:
        load_pack(path, strict=False)
    e = ei.value
    assert e.rule_id == "TT-RX" and e.field == "match.regex" and e.line == 12
    assert "t.yaml" in str(e) and "第12行" in str(e)


def test_malformed_rule_file_names_file_rule_field_and_line(tmp_path):
    body = rule("TT-BAD", "{keywords: [罚款]}").replace("severity: error", "severity: critical")
    path = write_pack(tmp_path, body)
    with pytest.raises(RuleError) as ei:
        load_pack(path, strict=False)
    e = ei.value
    assert (e.rule_id, e.field, e.line) == ("TT-BAD", "severity", 8)
    msg = str(e)
    assert "规则 TT-BAD" in msg and "字段 severity" in msg and "第8行" in msg and "t.yaml" in msg


def test_malformed_matcher_points_into_match(tmp_path):
    path = write_pack(tmp_path, rule("TT-BAD", "{keywords: 罚款}"))
    with pytest.raises(RuleError) as ei:
        load_pack(path, strict=False)
    assert ei.value.rule_id == "TT-BAD" and ei.value.field.startswith("match.keywords") and ei.value.line == 12


def test_yaml_syntax_error_has_line(tmp_path):
    p = tmp_path / "broken.yaml"
    p.write_text("pack: x\nrules: [\n  - id: A\n", encoding="utf-8")
    with pytest.raises(RuleError) as ei:
        load_pack(str(p), strict=False)
    assert ei.value.line is not None and "broken.yaml" in str(ei.value)


# --------------------------------------------------------------------------- all / any / not


def test_all_any_not(tmp_path):
    body = rule("TT-ALL", "{all: [{keywords: [村民]}, {any: [{keywords: [罚款]}, {keywords: [扣发]}]}, "
                "{not: {keywords: [倡导]}}]}", scope="sentence")
    pack = load_pack(write_pack(tmp_path, body), strict=False)
    assert ids(findings(pack, "村民乱倒垃圾的扣发补贴。"), "TT-ALL")
    assert ids(findings(pack, "村民违者罚款。"), "TT-ALL")
    assert not ids(findings(pack, "倡导村民少罚款。"), "TT-ALL")
    assert not ids(findings(pack, "村民应当爱护环境。"), "TT-ALL")
    assert not ids(findings(pack, "违者扣发补贴。"), "TT-ALL")


def test_rules_run_only_for_their_doc_types(tmp_path):
    pack = load_pack(write_pack(tmp_path, rule("TT-KW", "{keywords: [罚款]}")), strict=False)
    assert ids(findings(pack, "违者罚款。", "village_rules"), "TT-KW")
    assert not ids(findings(pack, "违者罚款。", "agency_contract"), "TT-KW")


# --------------------------------------------------------------------------- exceptions


EXC = """\
exception_sets:
  negation:
    where: before_anchor
    window: 12
    match: {keywords: [不得, 严禁, 禁止, 不准, 不予, 无权]}
  referral:
    where: clause
    match: {regex: '由(公安|有关)(机关|部门)依法处理'}
"""


def test_exceptions_negation_and_lawful_referral_are_suppressed_and_explained(tmp_path):
    body = rule("TT-FINE", "{keywords: [罚款]}", exceptions="[{use: negation}, referral, heading]")
    pack = load_pack(write_pack(tmp_path, body, extra=EXC), strict=False)
    res = findings(pack, "村委会不得罚款。", explain=True)
    assert not ids(res, "TT-FINE")
    assert [s.exception for s in res.suppressed if s.rule_id == "TT-FINE"] == ["negation"]
    res = findings(pack, "需罚款的由公安机关依法处理。")
    assert not ids(res, "TT-FINE")
    assert [s.exception for s in res.suppressed if s.rule_id == "TT-FINE"] == ["referral"]
    # a negation in another clause does not govern the fine
    res = findings(pack, "严禁乱倒垃圾，违者罚款200元。", explain=True)
    (f,) = ids(res, "TT-FINE")
    assert f.quote == "违者罚款200元"
    assert any("negation" in line and "未命中" in line for line in f.explanation)


def test_second_anchor_used_when_first_is_negated(tmp_path):
    body = rule("TT-FINE", "{keywords: [罚款]}", exceptions="[negation]", scope="sentence")
    pack = load_pack(write_pack(tmp_path, body, extra=EXC), strict=False)
    (f,) = ids(findings(pack, "不得随意罚款但村里对乱倒垃圾的村民一律罚款五十元。"), "TT-FINE")
    assert f.quote == "不得随意罚款但村里对乱倒垃圾的村民一律罚款五十元。"


def test_heading_exception(tmp_path):
    body = rule("TT-FINE", "{keywords: [罚款]}", exceptions="[heading]")
    pack = load_pack(write_pack(tmp_path, body), strict=False)
    res = findings(pack, "某村村规民约\n第三章 罚款\n第五条 违者罚款。")
    assert [f.quote for f in ids(res, "TT-FINE")] == ["违者罚款"]


def test_unknown_exception_set_is_an_error(tmp_path):
    path = write_pack(tmp_path, rule("TT-FINE", "{keywords: [罚款]}", exceptions="[nosuch]"))
    with pytest.raises(RuleError, match="nosuch") as ei:
        load_pack(path, strict=False)
    assert ei.value.field == "exceptions.0"


# --------------------------------------------------------------------------- findings


def test_same_rule_overlapping_spans_deduplicated_other_rules_kept(tmp_path):
    body = rule("TT-A", "{keywords: [罚款, 罚款五十元]}", scope="sentence") + rule("TT-B", "{keywords: [罚款]}",
                                                                            scope="sentence")
    pack = load_pack(write_pack(tmp_path, body), strict=False)
    res = findings(pack, "违者罚款五十元，再犯罚款。")
    assert len(ids(res, "TT-A")) == 1 and len(ids(res, "TT-B")) == 1


def test_message_templates_and_params(tmp_path):
    body = rule("TT-P", "{keywords: [罚款]}", message="上限{params.max}元，原文「{quote}」", params="{max: 50}")
    pack = load_pack(write_pack(tmp_path, body), strict=False)
    (f,) = ids(findings(pack, "（一）违者罚款。"), "TT-P")
    assert f.quote == "违者罚款" and f.message == "上限50元，原文「违者罚款」"


def test_unknown_param_in_message_is_an_error(tmp_path):
    path = write_pack(tmp_path, rule("TT-P", "{keywords: [罚款]}", message="上限{params.nope}元"))
    with pytest.raises(RuleError, match="nope"):
        load_pack(path, strict=False)


# --------------------------------------------------------------------------- CLI


def test_cli_rules_test_and_review_with_user_pack(tmp_path):
    body = rule("TT-CLI", "{keywords: [罚款]}")
    path = write_pack(tmp_path, body)
    r = subprocess.run([sys.executable, "-m", "legalreview", "rules", "test", path], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "全部通过" in r.stdout
    bad = write_pack(tmp_path, body.replace('negative: ["无"]', 'negative: ["违者罚款"]'), name="bad")
    r = subprocess.run([sys.executable, "-m", "legalreview", "rules", "test", bad], capture_output=True, text=True)
    assert r.returncode == 1
    assert "TT-CLI" in r.stdout and "反例" in r.stdout and "违者罚款" in r.stdout


# --------------------------------------------------------------------------- properties

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_ALPHABET = list("罚款不得违者村民委员会扣发补贴有效期五年十元第一条二三（）、，。；：\n 　\t《》法") + ["由公安机关依法处理"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.sampled_from(_ALPHABET), min_size=1, max_size=80),
       doc_type=st.sampled_from(["village_rules", "normative_document", "agency_contract"]))
def test_findings_always_quote_the_text_they_point_at(parts, doc_type):
    text = "".join(parts)
    if not text.strip():
        return
    res = findings(load_pack(None), text, doc_type, explain=True)
    for f in res.findings:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start:f.end] == f.quote and f.quote.strip() == f.quote
        assert f.explanation
    for s in res.suppressed:
        assert text[s.start:s.end] == s.quote and s.quote
    keys = [(f.rule_id, f.start) for f in res.findings]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("match,exceptions,field,words", [
    ("{keyword: [罚款]}", "[]", "match.keyword", ["不认识的字段「keyword」", "keywords/phrases"]),
    ("{all: [{keywords: [a]}, {regx: b}]}", "[]", "match.all.1.regx", ["不认识的字段「regx」"]),
    ("{keywords: [罚款]}", "[{where: clause, match: {keywords: [x]}, windw: 3}]", "exceptions.0.windw",
     ["不认识的字段「windw」"]),
    ("{keywords: [罚款]}", "[{where: para, match: {keywords: [x]}}]", "exceptions.0.where", ["取值无效"]),
])
def test_union_errors_point_at_what_the_author_wrote(tmp_path, match, exceptions, field, words):
    with pytest.raises(RuleError) as ei:
        load_pack(write_pack(tmp_path, rule("TT-U", match, exceptions=exceptions)), strict=False)
    assert ei.value.field == field and ei.value.rule_id == "TT-U"
    for w in words:
        assert w in str(ei.value)
