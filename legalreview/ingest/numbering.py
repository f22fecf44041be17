"""Word automatic numbering (numbering.xml): the label Word shows in front of a numbered paragraph.

Township documents made from templates often number their articles with Word lists (「第%1条」 with
``chineseCounting``), so the marker is not in the text at all. ``Numbering.label(p)`` renders it
(「第三条」, 「（二）」, 「1.」) so the structure parser can still see 第X条; the label is kept in
``Block.list_label`` and never inserted into ``Document.text``.

Supported: ``w:numPr`` on the paragraph or its style (``w:pStyle`` → style ``w:numPr``), ``w:num``
→ ``w:abstractNum`` (``w:numStyleLink`` followed once), ``w:lvlOverride/w:startOverride``, level
restart of deeper levels, formats decimal / chineseCounting(Thousand) / ideographTraditional /
upper+lowerLetter / upper+lowerRoman / decimalEnclosedCircle(Chinese) / decimalFullWidth / bullet
(no label).
"""

from __future__ import annotations

from ..numerals import int_to_cn

_HEAVENLY = "甲乙丙丁戊己庚辛壬癸"


def _roman(n: int) -> str:
    out = ""
    for v, s in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
                 (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out += s
            n -= v
    return out


def _letters(n: int) -> str:
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "taiwaneseCounting",
               "taiwaneseCountingThousand", "japaneseCounting"):
        return int_to_cn(n)
    if fmt == "ideographTraditional":
        return _HEAVENLY[(n - 1) % 10]
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


class Numbering:
    """Renders list labels in reading order; call ``label(p)`` once per paragraph, in order."""

    def __init__(self, numbering_root, styles_root, ns: str):
        self.ns = ns
        w = f"{{{ns}}}"
        self.w = w
        self.abstract: dict[str, object] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.style_num: dict[str, tuple[str | None, int]] = {}
        self.counters: dict[str, list[int | None]] = {}
        if numbering_root is not None:
            for a in numbering_root.findall(f"{w}abstractNum"):
                self.abstract[a.get(f"{w}abstractNumId")] = a
            for n in numbering_root.findall(f"{w}num"):
                aid_el = n.find(f"{w}abstractNumId")
                if aid_el is None:
                    continue
                overrides = {}
                for o in n.findall(f"{w}lvlOverride"):
                    so = o.find(f"{w}startOverride")
                    if so is not None:
                        try:
                            overrides[int(o.get(f"{w}ilvl", "0"))] = int(so.get(f"{w}val", "1"))
                        except ValueError:
                            pass
                self.nums[n.get(f"{w}numId")] = (aid_el.get(f"{w}val"), overrides)
        if styles_root is not None:
            for st in styles_root.findall(f"{w}style"):
                numpr = st.find(f"{w}pPr/{w}numPr")
                if numpr is not None:
                    nid = numpr.find(f"{w}numId")
                    ilvl = numpr.find(f"{w}ilvl")
                    self.style_num[st.get(f"{w}styleId")] = (
                        nid.get(f"{w}val") if nid is not None else None,
                        _int(ilvl.get(f"{w}val") if ilvl is not None else "0"))

    def _levels(self, abstract_id: str, depth: int = 0):
        a = self.abstract.get(abstract_id)
        if a is None:
            return {}
        w = self.w
        link = a.find(f"{w}numStyleLink")
        if link is not None and depth == 0:
            sid = link.get(f"{w}val")
            nid = self.style_num.get(sid, (None, 0))[0]
            if nid in self.nums:
                return self._levels(self.nums[nid][0], 1)
        out = {}
        for lvl in a.findall(f"{w}lvl"):
            out[_int(lvl.get(f"{w}ilvl", "0"))] = lvl
        return out

    def label(self, p) -> str | None:
        w = self.w
        ppr = p.find(f"{w}pPr")
        num_id, ilvl = None, 0
        if ppr is not None:
            numpr = ppr.find(f"{w}numPr")
            ps = ppr.find(f"{w}pStyle")
            if ps is not None and ps.get(f"{w}val") in self.style_num:
                num_id, ilvl = self.style_num[ps.get(f"{w}val")]
            if numpr is not None:
                nid = numpr.find(f"{w}numId")
                lv = numpr.find(f"{w}ilvl")
                if nid is not None:
                    num_id = nid.get(f"{w}val")
                if lv is not None:
                    ilvl = _int(lv.get(f"{w}val"))
        if not num_id or num_id == "0" or num_id not in self.nums:
            return None
        abstract_id, overrides = self.nums[num_id]
        levels = self._levels(abstract_id)
        lvl = levels.get(ilvl)
        if lvl is None:
            return None
        # Word continues one sequence per abstract list unless a w:num restarts it with startOverride
        key = f"num:{num_id}" if overrides else f"abstract:{abstract_id}"
        counters = self.counters.setdefault(key, [None] * 9)
        ilvl = max(0, min(ilvl, 8))

        def start_of(k: int) -> int:
            if k in overrides:
                return overrides[k]
            lv = levels.get(k)
            st = lv.find(f"{w}start") if lv is not None else None
            return _int(st.get(f"{w}val")) if st is not None else 1

        counters[ilvl] = start_of(ilvl) if counters[ilvl] is None else counters[ilvl] + 1
        for k in range(ilvl + 1, 9):
            counters[k] = None
        fmt_el = lvl.find(f"{w}numFmt")
        fmt = fmt_el.get(f"{w}val") if fmt_el is not None else "decimal"
        if fmt in ("bullet", "none"):
            return None
        text_el = lvl.find(f"{w}lvlText")
        pattern = text_el.get(f"{w}val") if text_el is not None else f"%{ilvl + 1}."
        out = pattern or ""
        for k in range(9):
            if f"%{k + 1}" in out:
                n = counters[k] if counters[k] is not None else start_of(k)
                lf = levels.get(k)
                f_el = lf.find(f"{w}numFmt") if lf is not None else None
                kfmt = f_el.get(f"{w}val") if f_el is not None else "decimal"
                out = out.replace(f"%{k + 1}", format_number(n, kfmt))
        return out.strip() or None


def _int(v) -> int:
    try:
        return int(v)
    except (TypeError, ValueError):
        return 0
