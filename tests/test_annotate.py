"""The commented copy: one Word comment per unwaived finding, anchored on exactly the quoted runs."""

from __future__ import annotations

import hashlib

import docx
import pytest
from reports_factory import finding, report_for, write_village_docx

from legalreview.errors import InputError, OutputError
from legalreview.ingest import from_text, load
from legalreview.reports.annotate import annotate
from legalreview.reports.docxutil import comment_anchors, comment_texts


@pytest.fixture
def village(tmp_path):
    src = write_village_docx(tmp_path / "村规民约.docx")
    return src, load(src)


def _findings(text):
    return [
        finding(text, "罚款二百", "error"),  # starts inside a bold run, ends inside a plain run
        finding(text, "停发其当年福利", "warning", title="剥夺村民福利"),  # inside a table cell
        finding(text, "拖欠费用者停止供水", "error", title="停水停电"),  # inside w:ins
        finding(text, "红白喜事须经村委会批准", "info", title="限制自由"),  # inside w:hyperlink
        finding(text, "二百元。\n第二条", "warning", title="跨段问题"),  # spans two paragraphs (into the table)
        finding(text, "倡导从简办理", "warning", waived=True, title="豁免项"),
    ]


def test_comment_per_unwaived_finding_anchored_on_quote(village, tmp_path):
    src, doc = village
    fs = _findings(doc.text)
    report = report_for(doc, fs)
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    out = annotate(report, tmp_path / "批注版.docx", source=src)

    assert hashlib.sha256(src.read_bytes()).hexdigest() == before  # original untouched
    result = docx.Document(str(out))
    anchors = comment_anchors(result)
    texts = comment_texts(result)
    active = [f for f in fs if not f.waived]
    assert len(result.comments) == len(active) == 5
    assert sorted(anchors.values()) == sorted(f.quote for f in active)
    for f in active:
        cid = next(k for k, v in anchors.items() if v == f.quote)
        assert f.title in texts[cid]
    assert "倡导从简办理" not in anchors.values()


def test_split_keeps_formatting_and_text(village, tmp_path):
    src, doc = village
    report = report_for(doc, [finding(doc.text, "罚款二百")])
    out = annotate(report, tmp_path / "a.docx", source=src)
    result = docx.Document(str(out))
    par = result.paragraphs[1]
    assert par.text == "第一条 村民应当爱护环境，违者罚款二百元。"
    runs = [(r.text, bool(r.bold)) for r in par.runs if r.text]
    assert runs == [("第一条 村民应当", False), ("爱护环境，违者", True), ("罚款", True), ("二百", False),
                    ("元。", False)]
    # the re-read annotated copy has the same text as the reviewed document
    assert load(out).text == doc.text


def test_comment_text_has_severity_problem_basis_suggestion(village, tmp_path):
    src, doc = village
    f = finding(doc.text, "拖欠费用者停止供水", "error", title="停水停电", message="以停水手段催缴费用于法无据。",
                suggestion="删除停水条款。")
    out = annotate(report_for(doc, [f]), tmp_path / "a.docx", source=src)
    (text,) = comment_texts(docx.Document(str(out))).values()
    lines = text.split("\n")
    assert lines[0] == "【违法】停水停电"
    assert lines[1] == "问题：以停水手段催缴费用于法无据。"
    assert "依据：《中华人民共和国行政处罚法》第十六条「除法律、法规、规章外" in text
    assert lines[-1] == "建议：删除停水条款。"
    # the w:ins wrapper is kept around the split runs
    xml = docx.Document(str(out)).element.body.xml
    assert "<w:ins" in xml and "停止供水" in xml


def test_text_source_gets_new_docx_with_comments(tmp_path):
    src = tmp_path / "公约.txt"
    src.write_text("某社区居民公约\n第一条 不遵守公约的，罚款一百元。\n第二条 邻里和睦。\n", encoding="utf-8")
    doc = load(src)
    fs = [finding(doc.text, "罚款一百元"), finding(doc.text, "邻里和睦", "info", title="提示")]
    out = annotate(report_for(doc, fs), tmp_path / "公约批注.docx", source=src)
    result = docx.Document(str(out))
    assert [p.text for p in result.paragraphs][:3] == doc.text.split("\n")[:3]
    assert sorted(comment_anchors(result).values()) == sorted(["罚款一百元", "邻里和睦"])
    assert src.read_text(encoding="utf-8").startswith("某社区居民公约")


def test_modified_source_is_refused(village, tmp_path):
    src, doc = village
    report = report_for(doc, [finding(doc.text, "罚款二百")])
    d = docx.Document(str(src))
    d.add_paragraph("新增一段。")
    d.save(str(src))
    with pytest.raises(InputError):
        annotate(report, tmp_path / "a.docx", source=src)
    assert not (tmp_path / "a.docx").exists()


def test_never_overwrites_the_original(village):
    src, doc = village
    report = report_for(doc, [finding(doc.text, "罚款二百")])
    with pytest.raises(OutputError):
        annotate(report, src, source=src)


def test_overlapping_nested_and_whole_paragraph_findings(village, tmp_path):
    src, doc = village
    whole = "第三条 本规约自通过之日起施行，拖欠费用者停止供水。"
    assert whole in doc.text.split("\n")
    fs = [finding(doc.text, "违者罚款二百元"), finding(doc.text, "罚款二百", "warning"),
          finding(doc.text, "爱护环境，违者罚款", "info"), finding(doc.text, whole, "warning", title="整段")]
    out = annotate(report_for(doc, fs), tmp_path / "a.docx", source=src)
    result = docx.Document(str(out))
    assert sorted(comment_anchors(result).values()) == sorted(f.quote for f in fs)
    assert load(out).text == doc.text


def test_empty_span_finding_is_anchored_on_its_paragraph(tmp_path):
    src = tmp_path / "t.txt"
    src.write_text("某某办法\n第一条 内容。\n", encoding="utf-8")
    doc = load(src)
    pos = doc.text.index("第一条")
    f = finding(doc.text, "第一条").model_copy(update={"end": pos, "quote": ""})
    out = annotate(report_for(doc, [f]), tmp_path / "a.docx", source=src)
    assert list(comment_anchors(docx.Document(str(out))).values()) == ["第一条 内容。"]


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_CHARS = st.sampled_from(list("村民规约罚款不得，。、第一条（）ab 12"))
_RUN = st.tuples(st.text(_CHARS, min_size=1, max_size=6), st.booleans())
_PARA = st.lists(_RUN, min_size=1, max_size=4)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paras=st.lists(_PARA, min_size=1, max_size=4), picks=st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1)),
                                                                    min_size=1, max_size=3))
def test_random_runs_and_spans_anchor_exactly(tmp_path_factory, paras, picks):
    tmp = tmp_path_factory.mktemp("h")
    d = docx.Document()
    for runs in paras:
        p = d.add_paragraph()
        for text, bold in runs:
            p.add_run(text).bold = bold
    src = tmp / "in.docx"
    d.save(str(src))
    doc = load(src)
    fs = []
    for a, b in picks:
        lo, hi = sorted((int(a * len(doc.text)), int(b * len(doc.text))))
        if hi > lo and doc.text[lo:hi].strip() == doc.text[lo:hi]:  # engine quotes never end on a separator
            fs.append(finding(doc.text, doc.text[lo:hi]).model_copy(update={"start": lo, "end": hi}))
    out = annotate(report_for(doc, fs), tmp / "out.docx", source=src)
    result = docx.Document(str(out))
    assert sorted(comment_anchors(result).values()) == sorted(f.quote for f in fs)
    assert load(out).text == doc.text
    bold_chars = [b for runs in paras for text, b in runs for _ in text]
    got = [bool(r.bold) for p in result.paragraphs for r in p.runs for _ in r.text]
    assert got == bold_chars  # splitting never changes formatting


def test_converted_legacy_source_gets_new_docx(tmp_path):
    src = tmp_path / "旧格式.doc"
    src.write_bytes(b"\xd0\xcf\x11\xe0 not really a doc")  # never opened: the report says it was converted
    doc = from_text("某某村村规民约\n第一条 违者罚款一百元。", path=str(src), source_format="doc")
    out = annotate(report_for(doc, [finding(doc.text, "罚款一百元")]), tmp_path / "批注.docx", source=src)
    result = docx.Document(str(out))
    assert [p.text for p in result.paragraphs] == ["某某村村规民约", "第一条 违者罚款一百元。"]
    assert list(comment_anchors(result).values()) == ["罚款一百元"]
