"""Hypothesis fuzzing (issue 9): the structure parser, the readers (mutated .docx and .txt bytes),
the citation extractor and the full review on random text. Invariants: no exception except the
library's own (``LegalReviewError``), every offset inside the text, nodes nested in their parents,
``quote == text[start:end]``. Bounded (max_examples, deadline=None) so the suite stays fast.
"""

from __future__ import annotations

import datetime as dt
import os
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hostile_factory as hf
from legalreview.errors import LegalReviewError

#: ``LEGALREVIEW_FUZZ_EXAMPLES=2000`` for a deeper local run; the suite uses 60 (40 for full reviews).
N_EXAMPLES = int(os.environ.get("LEGALREVIEW_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=N_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])

CN_NUM = ["一", "二", "三", "十", "十一", "二十", "九十九", "一百", "一百零一", "〇", "两"]
FW_DIGITS = "０１２３４５６７８９"
NOISE = st.text(alphabet=st.sampled_from(list("村民应当罚款不得。，；：、（）()《》〔〕第条款项章节一二三十1２.． \t\u3000")
                                         + ["\ue000", "\u200b", "\x00", "é", "\u202e", "😀", "\r", "\n"]),
                max_size=40)


@st.composite
def marker_line(draw) -> str:
    kind = draw(st.sampled_from(["article", "item", "arabic", "cn", "chapter", "section", "noise", "fw", "paren"]))
    n = draw(st.sampled_from(CN_NUM))
    d = draw(st.integers(min_value=0, max_value=120))
    fw = "".join(FW_DIGITS[int(c)] for c in str(d))
    head = {
        "article": f"第{n}条", "item": f"（{n}）", "arabic": f"{d}.", "cn": f"{n}、", "chapter": f"第{n}章",
        "section": f"第{n}节", "noise": "", "fw": f"第{fw}条", "paren": f"({d})",
    }[kind]
    sep = draw(st.sampled_from(["", " ", "\u3000", "\t"]))
    return head + sep + draw(NOISE)


# newline-separated lines, and run-on texts (a whole document on one line, split by the parser
# into virtual lines at markers after 。；：)
TEXTS = st.builds(lambda lines, sep: sep.join(lines), st.lists(marker_line(), min_size=0, max_size=25),
                  st.sampled_from(["\n", "\n", "", "。", "；", "\r\n"]))


def _check_nodes(nodes, text: str, lo: int, hi: int) -> None:
    prev_end = lo
    for n in nodes:
        assert lo <= n.start <= n.end <= hi, (n.kind, n.label, n.start, n.end, lo, hi)
        assert 0 <= n.start and n.end <= len(text)
        assert n.start >= prev_end or n.kind in ("title", "doc_number", "issuer", "date"), (n, prev_end)
        prev_end = max(prev_end, n.end)
        _check_nodes(n.children, text, n.start, n.end)


@FUZZ
@given(text=TEXTS)
def test_structure_parser_offsets_nested(text):
    from legalreview.ingest import from_text
    from legalreview.structure import parse

    doc = parse(from_text(text))
    t = doc.text
    _check_nodes(doc.outline, t, 0, len(t))
    for b in doc.blocks:
        assert 0 <= b.start <= b.end <= len(t)
    for node in (n for top in doc.outline for n in top.walk()):
        span = t[node.start:node.end]
        assert span == t[node.start:node.end]  # slicing is total; the span is a real substring
        if node.kind == "article" and node.end > node.start:
            assert span.strip(), (node, span)  # an article is not blank


def _mutate(data: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    """Apply (kind, position, value) edits: 0 flip a byte, 1 delete a slice, 2 insert a byte, 3 truncate."""
    b = bytearray(data)
    for kind, pos, val in edits:
        if not b:
            break
        i = pos % len(b)
        if kind == 0:
            b[i] ^= (val % 255) + 1
        elif kind == 1:
            del b[i:i + (val % 64) + 1]
        elif kind == 2:
            b.insert(i, val % 256)
        else:
            del b[i:]
    return bytes(b)


EDITS = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 1 << 30), st.integers(0, 1 << 16)),
                 min_size=1, max_size=6)
_DOCX = hf.convention_docx_bytes()
_STORED_DOCX = hf.docx_bytes(hf.document_xml("".join(hf.p_xml(t) for t in hf.CONVENTION_LINES)),
                             compression=zipfile.ZIP_STORED)


def _load_or_library_error(path):
    from legalreview.ingest import load

    try:
        doc = load(path)
    except LegalReviewError as e:
        assert str(path) in str(e)  # the error names the file
        return None
    for b in doc.blocks:
        assert 0 <= b.start <= b.end <= len(doc.text)
    _check_nodes(doc.outline, doc.text, 0, len(doc.text))
    return doc


@pytest.mark.timeout(120)
@FUZZ
@given(edits=EDITS, stored=st.booleans())
def test_mutated_docx_bytes(tmp_path, edits, stored):
    """Stored (uncompressed) packages let mutations reach the XML itself, deflated ones the zip layer."""
    p = tmp_path / "变异.docx"
    p.write_bytes(_mutate(_STORED_DOCX if stored else _DOCX, edits))
    _load_or_library_error(p)


_TXT = "\n".join(hf.CONVENTION_LINES + [hf.FINE_CLAUSE]).encode("utf-8")


@pytest.mark.timeout(120)
@FUZZ
@given(edits=EDITS, enc=st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_mutated_txt_bytes(tmp_path, edits, enc):
    p = tmp_path / "变异.txt"
    p.write_bytes(_mutate(_TXT.decode("utf-8").encode(enc), edits))
    doc = _load_or_library_error(p)
    if doc is not None:
        assert "\x00" not in doc.text


CITE_TEXT = st.lists(st.one_of(
    st.sampled_from(["《中华人民共和国村民委员会组织法》", "《中华人民共和国行政处罚法》第二十八条", "《浙江省村级组织工作规则》",
                     "《中华人民共和国民法典》第一千零六十二条第二款", "根据国办发〔2018〕37号", "《》", "《《", "》》",
                     "第十条第三款", "（2021年修订）", "《中华人民共和国行政处罚法（2021年修订）》第", "〔2020〕", "第９条"]),
    NOISE), max_size=12).map("".join)


@FUZZ
@given(text=CITE_TEXT)
def test_citation_extractor_offsets(text):
    from legalreview.laws import check_citations

    for c in check_citations(text, as_of=dt.date(2026, 1, 1)):
        assert 0 <= c.start < c.end <= len(text), c
        assert text[c.start:c.end] == c.raw, c


@pytest.mark.timeout(300)
@settings(max_examples=max(1, N_EXAMPLES * 2 // 3), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(TEXTS, CITE_TEXT, st.text(max_size=300)),
       doc_type=st.sampled_from([None, "village_rules", "normative_document", "agency_contract"]))
def test_full_review_quotes_match_text(text, doc_type):
    from legalreview import review_text

    try:
        report = review_text(hf.FINE_CLAUSE + "\n" + text, doc_type=doc_type)
    except LegalReviewError:
        return
    t = report.document.text
    for f in [*report.findings, *report.suppressed]:
        assert 0 <= f.start <= f.end <= len(t)
        assert t[f.start:f.end] == f.quote, f
    for c in report.citations:
        assert t[c.start:c.end] == c.raw
