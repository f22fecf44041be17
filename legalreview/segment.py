"""Sentence and clause splitting with character offsets, and white-space squeezing.

Spans are ``(start, end)`` pairs into the text that was split; leading/trailing white space is
excluded and empty pieces are dropped.

* sentences end at 。；;！？!? (kept in the span) and at line breaks;
* clauses additionally end at ，,：: (the comma/colon is *not* kept); 、 never splits.
Closing quotes/brackets right after a sentence end (「。”」) stay with the sentence that they close.
"""

from __future__ import annotations

from bisect import bisect_left

SENTENCE_ENDS = frozenset("。；;！？!?")
CLAUSE_ENDS = frozenset("，,：:")
_CLOSERS = frozenset("”’」』）)】〕》\"'")


def _split(text: str, start: int, end: int, clause: bool) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    piece = start
    i = start
    while i < end:
        ch = text[i]
        if ch == "\n":
            _emit(text, piece, i, out)
            piece = i + 1
        elif ch in SENTENCE_ENDS:
            j = i + 1
            while j < end and text[j] in _CLOSERS:
                j += 1
            _emit(text, piece, i if clause else j, out)
            piece = j
            i = j
            continue
        elif clause and ch in CLAUSE_ENDS:
            _emit(text, piece, i, out)
            piece = i + 1
        i += 1
    _emit(text, piece, end, out)
    return out


def _emit(text: str, s: int, e: int, out: list[tuple[int, int]]) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        out.append((s, e))


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans of ``text[start:end]`` (offsets into ``text``)."""
    return _split(text, start, len(text) if end is None else end, clause=False)


def clauses(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Clause spans of ``text[start:end]`` (offsets into ``text``)."""
    return _split(text, start, len(text) if end is None else end, clause=True)


def squeeze(text: str) -> tuple[str, list[int]]:
    """``text`` without white space, and for every kept character its offset in ``text``."""
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        if not ch.isspace():
            chars.append(ch)
            offsets.append(i)
    return "".join(chars), offsets


class Squeezed:
    """A text with white space removed and the mapping back to the original offsets."""

    __slots__ = ("text", "offsets", "orig_len")

    def __init__(self, text: str):
        self.text, self.offsets = squeeze(text)
        self.orig_len = len(text)

    def to_squeezed(self, pos: int) -> int:
        """Index of the first squeezed character at or after original offset ``pos``."""
        return bisect_left(self.offsets, pos)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Squeezed range of the original range ``[start, end)``."""
        return bisect_left(self.offsets, start), bisect_left(self.offsets, end)

    def orig(self, s: int, e: int) -> tuple[int, int]:
        """Original range of the non-empty squeezed range ``[s, e)``."""
        if e <= s:
            p = self.offsets[s] if s < len(self.offsets) else self.orig_len
            return p, p
        return self.offsets[s], self.offsets[e - 1] + 1
