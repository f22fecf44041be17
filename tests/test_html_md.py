"""HTML (self-contained, escaped, linked highlights) and Markdown reports."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from reports_factory import finding, report_for

from legalreview.ingest import from_text
from legalreview.models import ChecklistEntry
from legalreview.reports import render, write_report

TEXT = ("某社区居民公约 <b>&</b>\n第一条 违反公约的，罚款一百元并张榜公布。\n"
        "第二条 <script>alert(1)</script> 不得损坏公物。\n第三条 邻里和睦。")


def _report():
    doc = from_text(TEXT).model_copy(update={"title": "某社区居民公约 <b>&</b>"})
    fs = [
        finding(TEXT, "罚款一百元并张榜公布", "warning", title="公开曝光"),
        finding(TEXT, "罚款一百元", "error", title="设定罚款"),  # nested in the first one
        finding(TEXT, "<script>alert(1)</script>", "info", title="含<脚本>", location="第二条"),
        finding(TEXT, "邻里和睦", "info", waived=True, title="豁免"),
    ]
    checklist = [ChecklistEntry(item_id="X-1", title="是否设定罚款 | 处罚", status="不符合", finding_ids=[fs[1].id]),
                 ChecklistEntry(item_id="X-2", title="是否经居民会议通过", status="需人工核查")]
    return report_for(doc, fs, checklist=checklist)


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.hrefs, self.tags, self.marks = set(), [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if "id" in a:
            self.ids.add(a["id"])
        if "href" in a:
            self.hrefs.append(a["href"])
        if tag == "mark":
            self.marks.append(a)


def test_html_is_self_contained_escaped_and_linked():
    report = _report()
    page = render(report, "html")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page and "alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    c = _Collect()
    c.feed(page)
    assert "script" not in c.tags and "link" not in c.tags and "img" not in c.tags
    active = report.active_findings
    for n in range(1, len(active) + 1):
        assert f"finding-{n}" in c.ids and f"mark-{n}" in c.ids
    for h in c.hrefs:  # every link is internal and resolves
        assert h.startswith("#") and h[1:] in c.ids
    # nested findings: the inner, more severe one colours its segment
    assert {m.get("class") for m in c.marks} == {"error", "warning", "info"}
    for f in active:
        assert (f.title.replace("<", "&lt;").replace(">", "&gt;")) in page
    assert "经审查认为不构成问题" in page and "邻里和睦" in page
    assert "是否经居民会议通过" in page and "需人工核查" in page


def test_html_marks_cover_exactly_the_quotes():
    report = _report()
    page = render(report, "html")
    doc_part = page.split('<div class="doc">')[1].split("</div>")[0]
    marked = re.sub(r"<[^>]+>", "", "".join(re.findall(r"<mark[^>]*>(.*?)</mark>", doc_part)))
    import html

    assert html.unescape(marked) == "罚款一百元并张榜公布<script>alert(1)</script>"
    assert html.unescape(re.sub(r"<[^>]+>", "", doc_part)) == TEXT


def test_markdown_has_same_content(tmp_path):
    report = _report()
    md = render(report, "md")
    for head in ("# 合法性审查报告", "## 审查结论", "## 问题清单", "## 审查要点", "## 原文（标注）",
                 "## 经审查认为不构成问题的事项"):
        assert head in md
    for n, f in enumerate(report.active_findings, 1):
        assert f"### 问题{n}：" in md
    assert "是否设定罚款 \\| 处罚" in md  # pipes escaped inside the table
    assert "\\<script\\>" in md
    assert "**罚款一百元〔问题2〕并张榜公布〔问题1〕**" in md
    out = write_report(report, tmp_path / "r.md")
    assert out.read_text(encoding="utf-8") == md


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(text=st.text(st.sampled_from(list("罚款<>&\"'第一条\n ab")), min_size=1, max_size=40),
       spans=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40), st.sampled_from(["error", "warning", "info"])),
                      max_size=5))
def test_random_overlaps_keep_text_and_ids(text, spans):
    import html

    fs = []
    for a, b, sev in spans:
        lo, hi = sorted((min(a, len(text)), min(b, len(text))))
        if hi > lo:
            fs.append(finding(text, text[lo:hi], sev).model_copy(update={"start": lo, "end": hi}))
    report = report_for(from_text(text), fs)
    page = render(report, "html")
    doc_part = page.split('<div class="doc">')[1].split("</div></section>")[0]
    assert html.unescape(re.sub(r"<[^>]+>", "", doc_part)) == text
    c = _Collect()
    c.feed(page)
    for n in range(1, len(report.active_findings) + 1):
        assert f"mark-{n}" in c.ids
    for h in c.hrefs:
        assert h[1:] in c.ids
    md = render(report, "md")
    for n in range(1, len(report.active_findings) + 1):
        assert f"〔问题{n}〕" in md
