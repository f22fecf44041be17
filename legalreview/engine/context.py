"""Per-document state shared by all rules: squeezed text, literal occurrences (one Aho-Corasick
pass), units by scope, sentence/clause lookup, title span, citations and spaCy docs (lazy)."""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from typing import Any

from .. import segment
from ..models import Citation, Document
from .matchers import Unit

_ARTICLE_KINDS = ("article", "clause")
_CHAPTER_LABEL = re.compile(r"^(第[零〇一二三四五六七八九十百千0-9]+[章节编]|#+)")
_HEADING_LABEL = re.compile(r"^([一二三四五六七八九十]+[、．.]|[（(][一二三四五六七八九十]+[)）])")
_NORMATIVE = re.compile(r"不得|不准|禁止|严禁|应当|必须|罚|扣|取消|处以|没收|收取|缴纳|承担|负责")
_DEFINITION = re.compile(r"是指|所称.{0,40}指|以下简称|本(规定|办法|公约|章程|规约|细则|合同|协议)所称")


class DocContext:
    def __init__(self, doc: Document, automaton: Any, *, materials: Any = None, as_of: dt.date | None = None):
        self.doc = doc
        self.text = doc.text
        self.sq = segment.Squeezed(doc.text)
        self.materials = materials
        self.as_of = as_of
        self._occ: dict[str, list[int]] = {}
        if automaton is not None and self.sq.text:
            for end, term in automaton.iter(self.sq.text):
                self._occ.setdefault(term, []).append(end - len(term) + 1)
        self._units: dict[str, list[Unit]] = {}
        self._units_with: dict[tuple[str, frozenset[str]], list[Unit]] = {}
        self._pieces: dict[str, tuple[list[int], list[Unit]]] = {}
        self._citations: list[Citation] | None = None
        self._cit_starts: list[int] | None = None
        self._spacy: dict[tuple[int, int], Any] = {}
        self._regions: dict[str, Unit | None] = {}
        self._title: tuple[int, int] | None = None
        self._block_spans: list[tuple[int, int]] | None = None
        self._bstarts: list[int] | None = None
        self._all_nodes: list | None = None
        self._locations: dict[int, str] = {}
        self._loc_nodes: list[tuple[int, int, str]] | None = None
        self._heading_starts: set[int] | None = None
        self._heading_memo: dict[int, bool] = {}
        self._rows: frozenset[int] | None = None

    # ------------------------------------------------------------------ literals

    def has(self, term: str) -> bool:
        return term in self._occ

    def occurrences_in(self, term: str, ss: int, se: int) -> list[int]:
        occ = self._occ.get(term)
        if not occ:
            return []
        lo = bisect_left(occ, ss)
        hi = bisect_right(occ, se - len(term))
        return occ[lo:hi]

    def any_in(self, terms, unit: Unit) -> bool:
        for t in terms:
            occ = self._occ.get(t)
            if occ:
                i = bisect_left(occ, unit.ss)
                if i < len(occ) and occ[i] <= unit.se - len(t):
                    return True
        return False

    # ------------------------------------------------------------------ units

    def unit(self, start: int, end: int) -> Unit:
        ss, se = self.sq.span(start, end)
        return Unit(start, end, ss, se)

    def unit_sq(self, ss: int, se: int) -> Unit:
        a, b = self.sq.orig(ss, se)
        return Unit(a, b, ss, se)

    def whole(self) -> Unit:
        return Unit(0, len(self.text), 0, len(self.sq.text))

    def units(self, scope: str) -> list[Unit]:
        got = self._units.get(scope)
        if got is None:
            got = self._units[scope] = self._make_units(scope)
        return got

    def _blocks(self) -> list[tuple[int, int]]:
        """Non-empty source blocks (cached)."""
        if self._block_spans is None:
            spans = [(b.start, b.end) for b in self.doc.blocks if self.text[b.start:b.end].strip()]
            if not spans and self.text.strip():
                spans = [(0, len(self.text))]
            self._block_spans = spans
        return self._block_spans

    def _nodes(self) -> list:
        if self._all_nodes is None:
            self._all_nodes = list(self.doc.walk())
        return self._all_nodes

    def location(self, start: int, end: int) -> str:
        """Same answer as ``doc.location_of`` (which walks the whole outline per call), from a flat
        precomputed node list."""
        loc = self._locations.get(start)
        if loc is None:
            loc = self._locations[start] = self._location(start)
        return loc

    def _location(self, pos: int) -> str:
        if self._loc_nodes is None:
            from ..models import _LOCATABLE

            self._loc_nodes = [(n.start, n.end, n.location) for n in self._nodes() if n.kind in _LOCATABLE]
        best = None
        for s, e, loc in self._loc_nodes:
            if s <= pos < e and (best is None or (e - s) <= (best[1] - best[0])):
                best = (s, e, loc)
        if best is not None and best[2]:
            return best[2]
        for b in self.doc.blocks:
            if b.start <= pos < max(b.end, b.start + 1):
                return f"第{b.index + 1}段"
        return "全文"

    def block_at(self, pos: int) -> tuple[int, int] | None:
        blocks = self._blocks()
        i = bisect_right(self._block_starts(), pos) - 1
        if i >= 0 and blocks[i][0] <= pos < max(blocks[i][1], blocks[i][0] + 1):
            return blocks[i]
        return None

    def _block_starts(self) -> list[int]:
        if self._bstarts is None:
            self._bstarts = [b[0] for b in self._blocks()]
        return self._bstarts

    def _row_breaks(self) -> frozenset[int]:
        if self._rows is None:
            self._rows = segment.row_breaks(self.text, self.doc.blocks or [])
        return self._rows

    def _make_units(self, scope: str) -> list[Unit]:
        if scope == "document":
            return [self.whole()]
        if scope == "sentence":
            return [self.unit(s, e) for s, e in segment.sentences(self.text, soft=self._row_breaks())]
        if scope == "clause":
            return [self.unit(s, e) for s, e in segment.clauses(self.text, soft=self._row_breaks())]
        if scope == "paragraph":
            return [self.unit(s, e) for s, e in self._blocks()]
        return [self.unit(s, e) for s, e in self._article_spans()]

    def _article_spans(self) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []

        def visit(node, inside: bool):
            if node.kind in _ARTICLE_KINDS and not inside:
                spans.append((node.start, node.end))
                inside = True
            for c in node.children:
                visit(c, inside)

        for n in self.doc.outline:
            visit(n, False)
        if not spans:  # outline headings that carry a body and contain no deeper heading
            for n in self.doc.walk():
                if n.kind == "heading" and not any(c.kind == "heading" for c in n.walk() if c is not n):
                    line_end = self.text.find("\n", n.start)
                    if line_end != -1 and n.end > line_end + 1:
                        spans.append((n.start, n.end))
        spans.sort()
        merged: list[tuple[int, int]] = []
        for s, e in spans:
            if merged and s < merged[-1][1]:
                continue
            merged.append((s, e))
        if not merged:
            return self._blocks()
        out = list(merged)
        for s, e in self._blocks():  # text outside any article (title, preamble, 施行 lines) by paragraph
            if not any(a <= s < b or s <= a < e for a, b in merged):
                out.append((s, e))
        out.sort()
        return out

    def units_with(self, scope: str, terms: frozenset[str]) -> list[Unit]:
        """The units of ``scope`` that contain at least one of ``terms`` (found from the literal
        occurrences, so a rule only looks at units where its required literals occur)."""
        key = (scope, terms)
        got = self._units_with.get(key)
        if got is None:
            starts, units = self._piece_index(scope)
            idx: set[int] = set()
            for t in terms:
                for s in self._occ.get(t, ()):
                    i = bisect_right(starts, s) - 1
                    if i >= 0 and s + len(t) <= units[i].se:
                        idx.add(i)
            got = self._units_with[key] = [units[i] for i in sorted(idx)]
        return got

    def units_with_citations(self, scope: str) -> list[Unit]:
        """The units of ``scope`` that contain a citation."""
        key = (scope, None)
        got = self._units_with.get(key)  # type: ignore[arg-type]
        if got is None:
            starts, units = self._piece_index(scope)
            idx = set()
            for c in self.citations():
                i = bisect_right(starts, self.sq.to_squeezed(c.start)) - 1
                if i >= 0:
                    idx.add(i)
            got = self._units_with[key] = [units[i] for i in sorted(idx)]  # type: ignore[index]
        return got

    def _piece_index(self, kind: str) -> tuple[list[int], list[Unit]]:
        got = self._pieces.get(kind)
        if got is None:
            units = self.units(kind)
            got = self._pieces[kind] = ([u.ss for u in units], units)
        return got

    def piece_at(self, kind: str, ss: int) -> Unit | None:
        """The clause/sentence containing squeezed offset ``ss``."""
        starts, units = self._piece_index(kind)
        i = bisect_right(starts, ss) - 1
        if i >= 0 and units[i].ss <= ss < max(units[i].se, units[i].ss + 1):
            return units[i]
        return None

    def piece_at_orig(self, kind: str, pos: int) -> Unit | None:
        return self.piece_at(kind, self.sq.to_squeezed(pos))

    def same_piece(self, kind: str, ss: int, se: int) -> bool:
        u = self.piece_at(kind, ss)
        return u is not None and se <= u.se

    # ------------------------------------------------------------------ document parts

    def title_span(self) -> tuple[int, int]:
        if self._title is None:
            span = None
            for n in self._nodes():
                if n.kind == "title" and n.end > n.start:
                    span = (n.start, n.end)
                    break
            if span is None and self.doc.title:
                i = self.text.find(self.doc.title)
                if i >= 0:
                    span = (i, i + len(self.doc.title))
            if span is None:
                blocks = self._blocks()
                span = blocks[0] if blocks else (0, len(self.text))
            self._title = span
        return self._title

    def region(self, within: str) -> Unit | None:
        if within not in self._regions:
            self._regions[within] = self._make_region(within)
        return self._regions[within]

    def _make_region(self, within: str) -> Unit | None:
        if within == "document":
            return self.whole()
        if within == "title":
            return self.unit(*self.title_span())
        articles = [n for n in self._nodes() if n.kind == "article"]
        blocks = self._blocks()
        if within == "first_article":
            if articles:
                return self.unit(articles[0].start, articles[0].end)
            t_end = self.title_span()[1]
            after = [b for b in blocks if b[0] >= t_end]
            return self.unit(*after[0]) if after else None
        if within == "tail":
            start = blocks[-3][0] if len(blocks) >= 3 else (blocks[0][0] if blocks else 0)
            if articles:
                start = min(start, articles[-1].start)
            return self.unit(start, len(self.text))
        return self.whole()

    def is_heading(self, pos: int) -> bool:
        """Whether ``pos`` lies in a title, heading or definition rather than an operative clause."""
        got = self._heading_memo.get(pos)
        if got is None:
            got = self._heading_memo[pos] = self._is_heading(pos)
        return got

    def _is_heading(self, pos: int) -> bool:
        block = self.block_at(pos)
        if self._heading_starts is None:
            self._heading_starts = {n.start for n in self._nodes()
                                    if n.kind in ("title", "heading", "chapter", "section")}
        if block is not None:
            btext = re.sub(r"\s+", "", self.text[block[0]:block[1]])
            if len(self._blocks()) > 1:  # a one-line text (a rule example) has no title to skip
                ts, te = self.title_span()
                if ts <= pos < te or (self.doc.title and btext == re.sub(r"\s+", "", self.doc.title)):
                    return True
            # A heading is short and unpunctuated; a numbered item that is a sentence (「3. 抓获的小偷，
            # 由治保会关押并挂牌游街示众。」) is an operative clause even when the outline calls it a heading.
            if len(btext) <= 30 and not re.search(r"[。；;，,！？!?]", btext.rstrip("。")):
                if _CHAPTER_LABEL.match(btext):
                    return True
                if _HEADING_LABEL.match(btext) and not _NORMATIVE.search(btext):
                    return True
                if block[0] in self._heading_starts and not _NORMATIVE.search(btext):
                    return True
        sent = self.piece_at_orig("sentence", pos)
        if sent is not None and _DEFINITION.search(self.sq.text[sent.ss:sent.se]):
            return True
        return False

    # ------------------------------------------------------------------ delegates

    def citations(self) -> list[Citation]:
        if self._citations is None:
            from ..laws import check_citations

            self._citations = list(check_citations(self.text, as_of=self.as_of, doc_date=self.doc.date) or [])
        return self._citations

    def citations_in(self, start: int, end: int) -> list[Citation]:
        """Citations lying inside ``[start, end)``."""
        cits = self.citations()
        if self._cit_starts is None:
            cits.sort(key=lambda c: c.start)
            self._cit_starts = [c.start for c in cits]
        lo = bisect_left(self._cit_starts, start)
        hi = bisect_left(self._cit_starts, end)
        return [c for c in cits[lo:hi] if c.end <= end]

    def spacy_doc(self, start: int, end: int):
        key = (start, end)
        d = self._spacy.get(key)
        if d is None:
            from ..nlp import get_nlp

            d = self._spacy[key] = get_nlp()(self.text[start:end])
        return d
