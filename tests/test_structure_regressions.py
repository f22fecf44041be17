"""Regressions found by the hypothesis invariant tests of the structure parser."""

from legalreview.ingest import from_text
from legalreview.structure import parse


def test_two_line_title_never_swallows_the_document_number():
    doc = parse(from_text("一百一十一、\n某政发[2011]1号\n"))
    spans = sorted((n.start, n.end) for n in doc.outline)
    for (a1, b1), (a2, b2) in zip(spans, spans[1:]):
        assert b1 <= a2, f"overlapping siblings {spans}"
    assert doc.doc_number == "某政发〔2011〕1号"
