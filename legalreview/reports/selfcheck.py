"""Self-check of a produced opinion .docx against the GB/T 9704 layout facts in ``docxutil``.

``check_opinion(path) -> list[str]`` returns the problems found (Chinese, empty when the file passes):
A4 page size, margins, an East Asian font (``w:eastAsia``, not only a theme font) on every paragraph
style in use, the expected fonts and sizes of the title/body/heading styles, exact line pitch of the
body, and a PAGE field in the footer.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn

from ..errors import InputError
from . import docxutil as du

TOL_MM = 1.0

# style name -> (expected East Asian font, accepted look-alikes, size pt)
EXPECTED = {
    "公文标题": (du.FONT_TITLE, {"华文中宋", "小标宋", "方正小标宋_GBK"}, du.TITLE_PT),
    "正文": (du.FONT_BODY, {"仿宋", "FangSong", "仿宋_GB2312"}, du.BODY_PT),
    "一级标题": (du.FONT_H1, {"SimHei", "方正黑体_GBK"}, du.BODY_PT),
    "二级标题": (du.FONT_H2, {"楷体", "KaiTi", "方正楷体_GBK"}, du.BODY_PT),
}


def _mm(length) -> float:
    return length / 36000.0 if length is not None else float("nan")


def _rfonts_east_asia(el) -> tuple[str | None, bool]:
    """(eastAsia font, has theme attr) of the rFonts under element ``el`` (a style or rPrDefault)."""
    if el is None:
        return None, False
    rpr = el.find(qn("w:rPr"))
    rfonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    if rfonts is None:
        return None, False
    return rfonts.get(qn("w:eastAsia")), rfonts.get(qn("w:eastAsiaTheme")) is not None


def effective_east_asia(document, style) -> str | None:
    """The East Asian font a paragraph of ``style`` gets (style chain, then docDefaults); None when only
    a theme font (or nothing) applies."""
    s = style
    seen = set()
    while s is not None and id(s) not in seen:
        seen.add(id(s))
        font, theme = _rfonts_east_asia(s.element)
        if font:
            return font
        if theme:
            return None
        s = s.base_style
    rpr_default = document.styles.element.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault"))
    font, _theme = _rfonts_east_asia(rpr_default)
    return font


def _effective(style, attr: str):
    s, seen = style, set()
    while s is not None and id(s) not in seen:
        seen.add(id(s))
        v = getattr(s.paragraph_format, attr) if attr.startswith("line") else getattr(s.font, attr)
        if v is not None:
            return v
        s = s.base_style
    return None


def check_opinion(path: str | Path) -> list[str]:
    p = Path(path)
    try:
        document = docx.Document(str(p))
    except Exception as e:
        raise InputError("无法打开意见书文件进行自检", path=p, cause=repr(e)) from e
    problems: list[str] = []

    for i, sec in enumerate(document.sections, 1):
        w, h = _mm(sec.page_width), _mm(sec.page_height)
        if abs(w - du.PAGE_WIDTH_MM) > TOL_MM or abs(h - du.PAGE_HEIGHT_MM) > TOL_MM:
            problems.append(f"第{i}节纸张不是 A4（{w:.0f}×{h:.0f} mm）")
        for side, attr in (("top", "top_margin"), ("bottom", "bottom_margin"), ("left", "left_margin"),
                           ("right", "right_margin")):
            got = _mm(getattr(sec, attr))
            want = du.MARGINS_MM[side]
            if not abs(got - want) <= TOL_MM:
                label = {"top": "上", "bottom": "下", "left": "左", "right": "右"}[side]
                problems.append(f"第{i}节{label}页边距为 {got:.1f} mm，应为 {want} mm")
        if not du.footer_has_page_field(sec):
            problems.append(f"第{i}节页脚没有页码域（PAGE）")

    rpr_default = document.styles.element.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault"))
    if _rfonts_east_asia(rpr_default)[1]:
        problems.append("文档默认字体仍使用主题字体（eastAsiaTheme），Word 可能不按设定字体显示中文")

    used = {}
    for par in _all_paragraphs(document):
        if par.text.strip():
            used.setdefault(par.style.name, par.style)
    for name, style in sorted(used.items()):
        if not effective_east_asia(document, style):
            problems.append(f"样式「{name}」未设置中文字体（w:eastAsia）")

    for name, (font, alike, size) in EXPECTED.items():
        style = used.get(name)
        if style is None:
            if name in ("公文标题", "正文"):
                problems.append(f"未使用样式「{name}」")
            continue
        got = effective_east_asia(document, style)
        if got and got != font and got not in alike:
            problems.append(f"样式「{name}」中文字体为「{got}」，应为「{font}」")
        sz = _effective(style, "size")
        if sz is None or abs(sz.pt - size) > 0.1:
            problems.append(f"样式「{name}」字号为 {sz.pt if sz else '未设置'} 磅，应为 {size} 磅")

    body = used.get("正文")
    if body is not None:
        rule = _effective(body, "line_spacing_rule")
        pitch = _effective(body, "line_spacing")
        lo, hi = du.LINE_PITCH_RANGE
        if rule != WD_LINE_SPACING.EXACTLY or pitch is None or not (lo <= pitch.pt <= hi):
            shown = f"{pitch.pt:.1f} 磅" if hasattr(pitch, "pt") else str(pitch)
            problems.append(f"正文行距应为固定值 {lo:g}–{hi:g} 磅（当前：{shown}）")
    return problems


def _all_paragraphs(document):
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs
