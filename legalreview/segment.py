"""Sentence and clause splitting with character offsets, and white-space squeezing.

Spans are ``(start, end)`` pairs into the text that was split; leading/trailing white space is
excluded and empty pieces are dropped.

* sentences end at 。；;！？!? (kept in the span) and at line breaks, except soft wraps (below);
* clauses additionally end at ，,：: (the comma/colon is *not* kept); 、 never splits.
Closing quotes/brackets right after a sentence end (「。”」) stay with the sentence that they close.

A *soft wrap* is a line break inside a sentence, as in text copied from a PDF or a web page or
typed with hard line breaks (「取消其当年度\n股份分红」): the line before it is body text (it
holds a comma or semicolon ，；) and does not end a sentence or a clause list (。；！？：), and the next
line starts no new structural unit (第X条, 一、, （一）, 1., ①, 附件 …) nor is a date line.
Titles, headings and table cells hold no comma, so they keep their own line.
"""

from __future__ import annotations

import re
from collections.abc import Collection

_SENT_DELIMS = re.compile(r"\n|[。；;！？!?][”’」』）)】〕》\"']*")
_CLAUSE_DELIMS = re.compile(r"\n|[。；;！？!?][”’」』）)】〕》\"']*|[，,：:]")


_HARD_END = frozenset("。；;！？!?：:")
_CLOSERS = "”’」』）)】〕》\"'"
_BODY_MARK = re.compile(r"[，,；;]")
_NEW_UNIT = re.compile(
    r"[ \t\u3000]*(第[零〇一二三四五六七八九十百千0-9０-９]+[章节条款项编部分]|[一二三四五六七八九十百]+[、．.]"
    r"|[（(][一二三四五六七八九十0-9０-９]+[)）]|[0-9０-９]+[、．.)）](?![0-9０-９])|[①-⑳]|附件|附[：:]|附则|抄送|注[：:]"
    r"|[#>*•·\-]|[0-9０-９〇○零一二三四五六七八九]{4}年[0-9０-９一二三四五六七八九十]{1,2}月)"
)


def soft_wrap(text: str, nl: int) -> bool:
    """Whether the line break at ``text[nl]`` wraps a sentence rather than ending it (see above)."""
    ls = text.rfind("\n", 0, nl) + 1
    prev = text[ls:nl].rstrip()
    if not prev or not _BODY_MARK.search(prev):
        return False
    last = prev.rstrip(_CLOSERS)[-1:] or prev[-1]
    if last in _HARD_END:
        return False
    ne = text.find("\n", nl + 1)
    nxt = text[nl + 1:ne if ne >= 0 else len(text)]
    if not nxt.strip():
        return False
    return _NEW_UNIT.match(nxt) is None


def one_line(text: str, start: int = 0, end: int | None = None) -> str:
    """``text[start:end]`` on one line for display: soft wraps (judged in the whole ``text``)
    vanish, other line breaks become 「 / 」."""
    end = len(text) if end is None else end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    out: list[str] = []
    piece = start
    nl = text.find("\n", start, end)
    while nl >= 0:
        out.append(text[piece:nl].rstrip())
        out.append("" if soft_wrap(text, nl) else " / ")
        piece = nl + 1
        while piece < end and text[piece] in " \t\u3000":
            piece += 1
        nl = text.find("\n", piece, end)
    out.append(text[piece:end])
    return "".join(out).strip()


def _split(text: str, start: int, end: int, clause: bool, soft: Collection[int] = ()) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    piece = start
    for m in (_CLAUSE_DELIMS if clause else _SENT_DELIMS).finditer(text, start, end):
        if m.group() == "\n" and (m.start() in soft or soft_wrap(text, m.start())):
            continue  # the sentence (clause) goes on on the next line
        if clause or m.group() == "\n":
            _emit(text, piece, m.start(), out)  # the delimiter is not part of a clause
        else:
            _emit(text, piece, m.end(), out)  # a sentence keeps its 。 and closing quotes
        piece = m.end()
    _emit(text, piece, end, out)
    return out


def _emit(text: str, s: int, e: int, out: list[tuple[int, int]]) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        out.append((s, e))


def sentences(text: str, start: int = 0, end: int | None = None, soft: Collection[int] = ()) -> list[tuple[int, int]]:
    """Sentence spans of ``text[start:end]`` (offsets into ``text``). ``soft``: offsets of further
    line breaks that do not end a sentence (between the cells of one table row)."""
    return _split(text, start, len(text) if end is None else end, False, soft)


def clauses(text: str, start: int = 0, end: int | None = None, soft: Collection[int] = ()) -> list[tuple[int, int]]:
    """Clause spans of ``text[start:end]`` (offsets into ``text``); ``soft`` as for ``sentences``."""
    return _split(text, start, len(text) if end is None else end, True, soft)


def row_breaks(text: str, blocks) -> frozenset[int]:
    """Line breaks between the cells of one table row (``Block.row``) whose cell ends no sentence:
    a row such as 「出嫁女户口未迁出 | 不分配宅基地」 reads as one sentence."""
    out = set()
    for b, nb in zip(blocks, blocks[1:]):
        row = getattr(b, "row", None)
        if row is None or getattr(nb, "row", None) != row or b.end >= len(text) or text[b.end] != "\n":
            continue
        cell = text[b.start:b.end].rstrip().rstrip(_CLOSERS)
        if not cell or cell[-1] not in _HARD_END:
            out.add(b.end)
    return frozenset(out)


_NON_SPACE = re.compile(r"\S+")


def squeeze(text: str) -> tuple[str, list[int]]:
    """``text`` without white space, and for every kept character its offset in ``text``."""
    parts: list[str] = []
    offsets: list[int] = []
    for m in _NON_SPACE.finditer(text):
        parts.append(m.group())
        offsets.extend(range(m.start(), m.end()))
    return "".join(parts), offsets


class Squeezed:
    """A text with white space removed and the mapping back to the original offsets."""

    __slots__ = ("text", "offsets", "orig_len", "_to_sq")

    def __init__(self, text: str):
        self.text, self.offsets = squeeze(text)
        self.orig_len = len(text)
        self._to_sq: list[int] | None = None

    def to_squeezed(self, pos: int) -> int:
        """Index of the first squeezed character at or after original offset ``pos``."""
        if self._to_sq is None:
            table = [0] * (self.orig_len + 1)
            j = 0
            for i, o in enumerate(self.offsets):
                for k in range(j, o + 1):
                    table[k] = i
                j = o + 1
            for k in range(j, self.orig_len + 1):
                table[k] = len(self.offsets)
            self._to_sq = table
        if pos <= 0:
            return 0
        if pos >= self.orig_len:
            return len(self.offsets)
        return self._to_sq[pos]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Squeezed range of the original range ``[start, end)``."""
        return self.to_squeezed(start), self.to_squeezed(end)

    def orig(self, s: int, e: int) -> tuple[int, int]:
        """Original range of the non-empty squeezed range ``[s, e)``."""
        if e <= s:
            p = self.offsets[s] if s < len(self.offsets) else self.orig_len
            return p, p
        return self.offsets[s], self.offsets[e - 1] + 1
