"""Data contracts of the legalreview pipeline.

Data flows one way::

    ingest.load(path) -> Document (text + blocks)
    structure.parse(doc) -> Document (+ title, doc_number, issuer, date, outline)
    classify.classify(doc) -> Document (+ doc_type, confidence, reasons)
    engine.run(doc, pack) -> list[Finding] + checklist coverage
    pipeline.review(...) -> ReviewReport
    reports.* (json / text / opinion .docx / annotated .docx / html / md)

Every span is a pair of character offsets ``start``/``end`` into ``Document.text``; the invariant
``text[start:end] == <the node's text>`` holds everywhere (for findings: ``quote``).

These names are a public contract (``REPORT_SCHEMA_VERSION``): other tools read the JSON. Add fields
freely; renaming or removing one needs a schema version bump.
"""

from __future__ import annotations

import datetime as _dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

REPORT_SCHEMA_VERSION = "1.0"

DocType = Literal[
    "normative_document",  # 行政规范性文件
    "party_normative_document",  # 党内规范性文件
    "major_decision",  # 重大行政决策
    "agency_contract",  # 行政机关合同 / 行政协议
    "enforcement_decision",  # 重大行政执法决定
    "village_rules",  # 村规民约、村民自治章程、居民公约、社区公约
    "other",
]
DOC_TYPES: tuple[str, ...] = (
    "normative_document",
    "party_normative_document",
    "major_decision",
    "agency_contract",
    "enforcement_decision",
    "village_rules",
    "other",
)
DOC_TYPE_LABELS: dict[str, str] = {
    "normative_document": "行政规范性文件",
    "party_normative_document": "党内规范性文件",
    "major_decision": "重大行政决策",
    "agency_contract": "行政机关合同",
    "enforcement_decision": "重大行政执法决定",
    "village_rules": "村规民约（自治章程、居民公约）",
    "other": "其他文件",
}

Severity = Literal["error", "warning", "info"]
SEVERITY_LABELS: dict[str, str] = {"error": "违法（必须修改）", "warning": "建议修改", "info": "提示"}

ChecklistStatus = Literal["不符合", "符合", "需人工核查", "不适用"]
Conclusion = str  # 合法 / 修改后合法 / 不合法, or the configured wording


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --------------------------------------------------------------------------- document


class Block(_Model):
    """One physical paragraph of the source (a docx ``w:p``, a text line, a PDF line).

    ``source`` tells the annotator where to find it again: ``docx:p:<n>`` is the n-th ``w:p`` in
    body reading order (paragraphs inside table cells included, see ``ingest.docx.iter_paragraphs``),
    ``line:<n>`` a line of a text file, ``pdf:<page>:<n>`` a line of a PDF page.
    """

    index: int
    start: int
    end: int
    source: str
    in_table: bool = False
    # Table row (numbered through the document) of a table-cell paragraph: the cells of one row are
    # read as one sentence (「出嫁女户口未迁出 | 不分配宅基地」), see ``segment``.
    row: int | None = None
    style: str | None = None
    # Word automatic numbering rendered for this paragraph (「第一条」, 「（三）」, 「1.」). It is NOT part
    # of Document.text (offsets map to real runs); the structure parser treats it as the block's marker.
    list_label: str | None = None


class Node(_Model):
    """A structural node: chapter/section/article/paragraph(款)/item(项)/subitem(目), outline
    headings, contract clauses, title, document number, issuer, date, attachment...

    ``kind`` values: title, doc_number, issuer, date, addressee, preamble, chapter, section,
    article, paragraph, item, subitem, heading, clause, party, attachment, signature.
    ``label`` is the node's own marker (「第十二条」, 「（三）」, 「二、」); ``location`` the full
    human path (「第十二条第二款第（三）项」, 「二、（一）3.」).
    """

    kind: str
    label: str = ""
    location: str = ""
    start: int
    end: int
    number: int | None = None
    level: int = 0
    children: list[Node] = Field(default_factory=list)

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


class Document(_Model):
    """A document as read by ``ingest`` and enriched by ``structure`` and ``classify``."""

    path: str | None = None
    source_format: str = "txt"  # docx, txt, md, pdf, doc, wps, rtf, odt
    sha256: str = ""
    encoding: str | None = None
    text: str
    blocks: list[Block] = Field(default_factory=list)
    # structure
    title: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    date: _dt.date | None = None
    outline: list[Node] = Field(default_factory=list)
    # classification
    doc_type: DocType = "other"
    doc_type_confidence: float = 0.0
    doc_type_reasons: list[str] = Field(default_factory=list)
    doc_type_overridden: bool = False
    warnings: list[str] = Field(default_factory=list)

    def walk(self):
        """All outline nodes, depth first."""
        for n in self.outline:
            yield from n.walk()

    def node_at(self, offset: int, kinds: tuple[str, ...] | None = None) -> Node | None:
        """The deepest node (optionally of the given kinds) that contains ``offset``."""
        best = None
        for n in self.walk():
            if n.start <= offset < n.end and (kinds is None or n.kind in kinds):
                if best is None or (n.end - n.start) <= (best.end - best.start):
                    best = n
        return best

    def location_of(self, start: int, end: int | None = None) -> str:
        """Human location label for a span (「第十二条第二款」), or 「第N段」 as a fallback."""
        n = self.node_at(start, kinds=_LOCATABLE)
        if n is not None and n.location:
            return n.location
        for b in self.blocks:
            if b.start <= start < max(b.end, b.start + 1):
                return f"第{b.index + 1}段"
        return "全文"


_LOCATABLE = (
    "article",
    "paragraph",
    "item",
    "subitem",
    "heading",
    "clause",
    "chapter",
    "section",
    "title",
    "doc_number",
    "issuer",
    "date",
    "attachment",
    "party",
)


# --------------------------------------------------------------------------- findings


class Basis(_Model):
    """A legal basis: canonical law name in 《》, article (「第十六条」, 「第二十七条第二款」), and a short
    quote of the provision."""

    law: str
    article: str | None = None
    text: str | None = None


class Waiver(_Model):
    rule_id: str
    quote: str
    reason: str
    reviewer: str
    date: _dt.date | None = None


class Finding(_Model):
    rule_id: str
    severity: Severity
    category: str
    title: str
    message: str
    start: int
    end: int
    quote: str
    location: str
    basis: list[Basis] = Field(default_factory=list)
    suggestion: str = ""
    checklist_item: str | None = None
    waived: bool = False
    waiver: Waiver | None = None
    explanation: list[str] = Field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.rule_id}@{self.start}"


class SuppressedFinding(_Model):
    """A candidate finding that an exception suppressed (shown by ``--explain``)."""

    rule_id: str
    start: int
    end: int
    quote: str
    exception: str
    explanation: list[str] = Field(default_factory=list)


class ChecklistEntry(_Model):
    item_id: str
    title: str
    status: ChecklistStatus
    finding_ids: list[str] = Field(default_factory=list)
    rules: list[str] = Field(default_factory=list)
    note: str = ""


class Citation(_Model):
    """A citation found in the document and its resolution against the law corpus."""

    raw: str
    start: int
    end: int
    law_name: str  # as written, without 《》
    article: str | None = None  # 「第十六条第二款」 as written (normalized to Chinese numerals)
    law_id: str | None = None
    canonical: str | None = None
    status: str = "ok"  # ok | repealed | unknown | ambiguous | article_out_of_range | stale_article | non_canonical | not_yet_in_force
    message: str = ""
    replaced_by: str | None = None
    candidates: list[str] = Field(default_factory=list)
    score: float | None = None


class Summary(_Model):
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    waived: int = 0
    conclusion: str = "合法"


class DocumentInfo(_Model):
    path: str | None = None
    source_format: str = "txt"
    sha256: str = ""
    title: str | None = None
    doc_type: DocType = "other"
    doc_type_confidence: float = 0.0
    doc_type_reasons: list[str] = Field(default_factory=list)
    doc_number: str | None = None
    issuer: str | None = None
    date: _dt.date | None = None
    text: str
    outline: list[Node] = Field(default_factory=list)

    @classmethod
    def from_document(cls, doc: Document) -> DocumentInfo:
        return cls(
            path=doc.path,
            source_format=doc.source_format,
            sha256=doc.sha256,
            title=doc.title,
            doc_type=doc.doc_type,
            doc_type_confidence=doc.doc_type_confidence,
            doc_type_reasons=doc.doc_type_reasons,
            doc_number=doc.doc_number,
            issuer=doc.issuer,
            date=doc.date,
            text=doc.text,
            outline=doc.outline,
        )


class PackInfo(_Model):
    name: str
    version: str
    path: str | None = None


class ReviewReport(_Model):
    schema_version: str = REPORT_SCHEMA_VERSION
    tool_version: str
    reviewed_at: _dt.datetime | None = None
    as_of: _dt.date | None = None
    document: DocumentInfo
    findings: list[Finding] = Field(default_factory=list)
    checklist: list[ChecklistEntry] = Field(default_factory=list)
    summary: Summary = Field(default_factory=Summary)
    citations: list[Citation] = Field(default_factory=list)
    rule_packs: list[PackInfo] = Field(default_factory=list)
    suppressed: list[SuppressedFinding] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _quotes_match_text(self) -> ReviewReport:
        text = self.document.text
        for f in self.findings:
            if not (0 <= f.start <= f.end <= len(text)) or text[f.start : f.end] != f.quote:
                raise ValueError(f"finding {f.rule_id}: quote does not equal document.text[{f.start}:{f.end}]")
        return self

    @property
    def active_findings(self) -> list[Finding]:
        return [f for f in self.findings if not f.waived]
