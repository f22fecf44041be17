"""Shared python-docx helpers for the opinion and the commented copy.

python-docx sets only ``w:ascii``/``w:hAnsi`` through ``Font.name``; Chinese text is drawn with the
``w:eastAsia`` font, so every font here is set on all three. GB/T 9704 layout facts (A4, margins,
fixed line pitch, 「— 1 —」 page numbers) live here so that the self-check and the writer agree.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

# --------------------------------------------------------------------------- GB/T 9704 facts

PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
MARGINS_MM = {"top": 37, "left": 28, "right": 26, "bottom": 35}
LINE_PITCH_PT = 28.5  # 225 mm / 22 lines ≈ 29 pt; offices use a fixed 28–29 pt
LINE_PITCH_RANGE = (28.0, 29.0)
BODY_PT = 16  # 三号
TITLE_PT = 22  # 二号
PAGE_NUMBER_PT = 14  # 四号

FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_H1 = "黑体"
FONT_H2 = "楷体_GB2312"
FONT_PAGE = "宋体"
# Look-alikes for machines without the 方正/GB2312 fonts (documented for users; Word substitutes by itself).
FONT_FALLBACKS = {FONT_TITLE: "华文中宋", FONT_BODY: "仿宋", FONT_H2: "楷体", FONT_H1: "SimHei", FONT_PAGE: "SimSun"}

_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


# --------------------------------------------------------------------------- fonts and styles


def set_rfonts(rpr_owner_element, name: str) -> None:
    """Set ascii/hAnsi/eastAsia fonts on an element that has (or can get) a ``w:rPr``; drop theme fonts."""
    rpr = rpr_owner_element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)
    for attr in _THEME_ATTRS:
        rfonts.attrib.pop(qn(attr), None)


def set_font(owner, name: str, size_pt: float | None = None, *, bold: bool | None = None) -> None:
    """``owner``: a Run or a Style. Sets the font incl. ``w:eastAsia``."""
    set_rfonts(owner.element, name)
    if size_pt is not None:
        owner.font.size = Pt(size_pt)
    if bold is not None:
        owner.font.bold = bold


def strip_theme_fonts(document) -> None:
    """Remove ``*Theme`` font attributes from docDefaults (they would override our eastAsia font in Word)."""
    styles_el = document.styles.element
    for rfonts in styles_el.iter(qn("w:rFonts")):
        parent = rfonts.getparent()
        if parent is not None and parent.getparent() is not None and parent.getparent().tag == qn("w:rPrDefault"):
            for attr in _THEME_ATTRS:
                rfonts.attrib.pop(qn(attr), None)


def set_default_language(document, lang: str = "zh-CN") -> None:
    """``<w:lang w:eastAsia="zh-CN">`` on docDefaults so Word uses Chinese line breaking and fonts."""
    styles_el = document.styles.element
    rpr_default = styles_el.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault"))
    if rpr_default is None:
        return
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    lang_el = rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = OxmlElement("w:lang")
        rpr.append(lang_el)
    lang_el.set(qn("w:eastAsia"), lang)


def exact_line_pitch(paragraph_format, pt: float = LINE_PITCH_PT) -> None:
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = Pt(pt)


def ensure_paragraph_style(document, name: str, *, base: str | None = None, font: str | None = None,
                           size_pt: float | None = None, bold: bool | None = None,
                           configure: Callable | None = None, keep_existing: bool = True):
    """Return the paragraph style ``name``, creating it when missing.

    A style that already exists (a user template) is kept as the user designed it when
    ``keep_existing``; only missing styles get our GB/T 9704 defaults.
    """
    styles = document.styles
    existing = next((s for s in styles if s.type == WD_STYLE_TYPE.PARAGRAPH and s.name == name), None)
    if existing is not None and keep_existing:
        return existing
    style = existing or styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base:
        base_style = next((s for s in styles if s.type == WD_STYLE_TYPE.PARAGRAPH and s.name == base), None)
        if base_style is not None and base_style is not style:
            style.base_style = base_style
    style.quick_style = True
    if font:
        set_font(style, font, size_pt, bold=bold)
    elif size_pt is not None:
        style.font.size = Pt(size_pt)
    if configure:
        configure(style)
    return style


def set_cell_text(cell, text: str, style=None, *, bold: bool | None = None) -> None:
    cell.text = ""
    p = cell.paragraphs[0]
    if style is not None:
        p.style = style
    run = p.add_run(text)
    if bold is not None:
        run.bold = bold


def set_cell_shading(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def repeat_table_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


# --------------------------------------------------------------------------- page setup


def setup_gbt9704_section(section) -> None:
    section.page_width = Mm(PAGE_WIDTH_MM)
    section.page_height = Mm(PAGE_HEIGHT_MM)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.header_distance = Mm(15)
    section.footer_distance = Mm(18)  # page number sits 7 mm below the type area (GB/T 9704 7.5)


def _field_runs(paragraph, instr: str) -> None:
    """Append a complex field (``fldChar`` begin / ``instrText`` / separate / result / end)."""

    def add(el):
        r = paragraph.add_run()
        r._r.append(el)
        return r

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    add(begin)
    it = OxmlElement("w:instrText")
    it.set(qn("xml:space"), "preserve")
    it.text = f" {instr} "
    add(it)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    add(sep)
    paragraph.add_run("1")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    add(end)


def add_page_number_footer(section, style=None) -> None:
    """Footer 「— N —」 with a PAGE field, centered (GB/T 9704 puts odd pages right, even left;
    centered reads correctly in both single- and double-sided printing)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    footer = section.footer
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    for r in list(p.runs):
        r._r.getparent().remove(r._r)
    if style is not None:
        p.style = style
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("— ")
    _field_runs(p, "PAGE")
    p.add_run(" —")
    for r in p.runs:
        set_font(r, FONT_PAGE, PAGE_NUMBER_PT)


def footer_has_page_field(section) -> bool:
    """True when the section's footer holds a PAGE field (complex or simple)."""
    el = section.footer._element
    instr = " ".join((t.text or "") for t in el.iter(qn("w:instrText")))
    simple = " ".join(f.get(qn("w:instr"), "") for f in el.iter(qn("w:fldSimple")))
    return "PAGE" in (instr + " " + simple).upper()


def clear_body(document) -> None:
    """Remove every block of a template's body, keeping the final section properties."""
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


# --------------------------------------------------------------------------- run splitting / comments

W_R = qn("w:r")
W_T = qn("w:t")
W_RPR = qn("w:rPr")


def enclosing_run(el):
    """The ``w:r`` that holds ``el`` (a ``w:t``), or None."""
    while el is not None and el.tag != W_R:
        el = el.getparent()
    return el


def split_run_at(t_el, offset: int):
    """Split the run holding text element ``t_el`` so that a run boundary falls ``offset`` characters
    into ``t_el``'s text. The new right-hand run is a deep copy of the original ``w:r`` (rPr kept).
    Returns the right-hand ``w:t``."""
    r = enclosing_run(t_el)
    text = t_el.text or ""
    if r is None or not 0 < offset < len(text):
        raise ValueError("split offset must fall strictly inside the run text")
    children = list(r)
    idx = children.index(t_el) if t_el in children else None
    if idx is None:  # w:t nested deeper than directly under w:r: not splittable here
        raise ValueError("w:t is not a direct child of its run")
    r2 = copy.deepcopy(r)
    r.addnext(r2)
    children2 = list(r2)
    # left run keeps content up to t (truncated); right run keeps t (rest) and after
    for c in children[idx + 1:]:
        r.remove(c)
    for c in children2[:idx]:
        if c.tag != W_RPR:
            r2.remove(c)
    t2 = children2[idx]
    t_el.text = text[:offset]
    t2.text = text[offset:]
    for t in (t_el, t2):
        t.set(qn("xml:space"), "preserve")
    return t2


def comment_anchors(document) -> dict[int, str]:
    """Comment id -> the text between its ``commentRangeStart`` and ``commentRangeEnd`` (paragraph
    breaks as ``\\n``; ``w:delText`` excluded). Used by tests and the self-check of annotated copies."""
    body = document.element.body
    open_ids: dict[int, list[str]] = {}
    start_para: dict[int, object] = {}
    done: dict[int, str] = {}
    for el in body.iter():
        tag = el.tag
        if tag == qn("w:commentRangeStart"):
            cid = int(el.get(qn("w:id")))
            open_ids[cid] = []
            start_para[cid] = _para_of(el)
        elif tag == qn("w:commentRangeEnd"):
            cid = int(el.get(qn("w:id")))
            if cid in open_ids:
                done[cid] = "".join(open_ids.pop(cid))
        elif tag == qn("w:p"):
            for cid, parts in open_ids.items():
                if start_para.get(cid) is not el:
                    parts.append("\n")
        elif tag == W_T:
            for parts in open_ids.values():
                parts.append(el.text or "")
    return done


def _para_of(el):
    while el is not None and el.tag != qn("w:p"):
        el = el.getparent()
    return el


def comment_texts(document) -> dict[int, str]:
    """Comment id -> the comment's text (paragraphs joined by ``\\n``)."""
    out = {}
    for c in document.comments:
        out[c.comment_id] = "\n".join(p.text for p in c.paragraphs)
    return out
