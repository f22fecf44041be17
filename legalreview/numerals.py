"""Chinese numeral helpers shared by the structure parser, the rule engine and the citation checker.

Everything here works on *extracted numeral spans* (「一百二十三」, 「两万」, 「２０２４」), never on
whole texts::

    cn_to_int("一百二十三") == 123        cn_to_int("两万") == 20000     cn_to_int("１２") == 12
    parse_number("1.5万") == 15000.0      int_to_cn(123) == "一百二十三"
    parse_ordinal("第一百二十三条") == 123   parse_ordinal("（三）") == 3   parse_ordinal("3.") == 3
    parse_date("二〇二四年三月一日") == date(2024, 3, 1)
"""

from __future__ import annotations

import datetime as _dt
import re

#: A regex character class body matching Chinese and Arabic numeral characters (used as ``{NUM}``).
NUM_CHARS = "零〇○Ｏ一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟0-9０-９"
NUM = f"[{NUM_CHARS}]+"

_DIGITS = {
    "零": 0, "〇": 0, "○": 0, "Ｏ": 0, "O": 0, "o": 0,
    "一": 1, "壹": 1, "二": 2, "贰": 2, "貳": 2, "两": 2, "兩": 2, "三": 3, "叁": 3, "參": 3,
    "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "陸": 6, "七": 7, "柒": 7,
    "八": 8, "捌": 8, "九": 9, "玖": 9,
}
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－／：", "0123456789.,-/:")


def to_halfwidth_digits(s: str) -> str:
    """Full-width digits and ．，－／： to ASCII (same length, so offsets are preserved)."""
    return s.translate(_FULLWIDTH)


def _small(s: str) -> int | None:
    """Value of a numeral below 10 000 (一千零二十, 十二, 二〇二四 digit-by-digit handled by caller)."""
    if not s:
        return 0
    total, cur = 0, None
    for ch in s:
        if ch in _DIGITS:
            cur = _DIGITS[ch]
        elif ch.isascii() and ch.isdigit():
            cur = int(ch)
        elif ch in _SMALL_UNITS:
            total += (1 if cur is None else cur) * _SMALL_UNITS[ch]
            cur = None
        else:
            return None
    return total + (cur or 0)


def cn_to_int(s: str) -> int | None:
    """Integer value of a Chinese, Arabic, full-width or mixed numeral (「一百二十三」, 「123」, 「2万」,
    「二〇二四」 read digit by digit). ``None`` if ``s`` is not a numeral."""
    if not s:
        return None
    s = to_halfwidth_digits(s.strip()).replace(",", "").replace(" ", "")
    if not s:
        return None
    if s.isascii() and s.isdigit():
        return int(s)
    # digit-by-digit (二〇二四, 一九九八): only digits, no units, more than one char
    if len(s) > 1 and all(ch in _DIGITS or ch.isdigit() for ch in s) and not any(ch in "两兩" for ch in s):
        return int("".join(str(_DIGITS[ch]) if ch in _DIGITS else ch for ch in s))
    total, section = 0, ""
    for ch in s:
        if ch in _BIG_UNITS:
            sec = _mixed_small(section)
            if sec is None:
                return None
            total += (sec if section else 1) * _BIG_UNITS[ch]
            section = ""
        else:
            section += ch
    sec = _mixed_small(section)
    if sec is None:
        return None
    return total + sec


def _mixed_small(section: str) -> int | None:
    if not section:
        return 0
    if section.isdigit():
        return int(section)
    m = re.fullmatch(r"(\d+)([十拾百佰千仟])?(.*)", section)
    if m and m.group(2):  # 「3千5百」 style
        rest = _small(m.group(3)) if m.group(3) else 0
        if rest is None:
            return None
        return int(m.group(1)) * _SMALL_UNITS[m.group(2)] + rest
    if m and not m.group(2):
        return None
    return _small(section)


def parse_number(s: str) -> float | None:
    """Numeric value of an amount span, decimals and 万/亿 allowed: 「1.5万」 → 15000.0, 「两千」 → 2000.0."""
    if not s:
        return None
    t = to_halfwidth_digits(s.strip()).replace(",", "").replace(" ", "")
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([万萬亿億千仟百佰]?)", t)
    if m:
        unit = {"": 1, "万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8, "千": 1e3, "仟": 1e3, "百": 100, "佰": 100}[m.group(2)]
        return float(m.group(1)) * unit
    v = cn_to_int(t)
    return float(v) if v is not None else None


_CN_DIGITS = "零一二三四五六七八九"


def int_to_cn(n: int) -> str:
    """Conventional Chinese numeral for ordinals: 10 → 「十」, 12 → 「十二」, 105 → 「一百零五」,
    110 → 「一百一十」, 20000 → 「二万」."""
    if n < 0:
        return "负" + int_to_cn(-n)
    if n == 0:
        return "零"
    if n >= 100_000_000:
        hi, lo = divmod(n, 100_000_000)
        return int_to_cn(hi) + "亿" + (("零" if lo < 10_000_000 else "") + int_to_cn(lo) if lo else "")
    if n >= 10_000:
        hi, lo = divmod(n, 10_000)
        return int_to_cn(hi) + "万" + (("零" if lo < 1000 else "") + _below_10k(lo, True) if lo else "")
    return _below_10k(n, False)


def _below_10k(n: int, inner: bool) -> str:
    out, zero = "", False
    for unit_val, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, unit_val)
        if d:
            if zero and out:
                out += "零"
            zero = False
            out += _CN_DIGITS[d] + unit
        elif out:
            zero = True
    if out.startswith("一十") and not inner:
        out = out[1:]
    return out


_ORD = re.compile(rf"^\s*第?\s*(?P<n>{NUM})\s*[条章节款项目编部分个]?\s*$")
_ORD_BRACKET = re.compile(rf"^\s*[（(〔\[【]\s*(?P<n>{NUM})\s*[）)〕\]】]\s*[、.．]?\s*$")
_ORD_TRAIL = re.compile(rf"^\s*(?P<n>{NUM})\s*[、.．)）]\s*$")


def parse_ordinal(label: str) -> int | None:
    """The ordinal of a structural label: 「第一百二十三条」, 「（三）」, 「(3)」, 「一、」, 「3.」, 「3．」, 「第 2 4 条」."""
    if not label:
        return None
    label = label.replace(" ", "").replace("\u3000", "")
    for rx in (_ORD, _ORD_BRACKET, _ORD_TRAIL):
        m = rx.match(label)
        if m:
            return cn_to_int(m.group("n").replace(" ", ""))
    return None


_YEAR_DIGITS = "0-9０-９零〇○Ｏ一二三四五六七八九"
DATE_RE = re.compile(
    rf"(?P<y>[{_YEAR_DIGITS}]{{4}})\s*年\s*(?P<m>[{NUM_CHARS}]{{1,3}})\s*月\s*(?P<d>[{NUM_CHARS}]{{1,3}})\s*[日号]"
    r"|(?P<y2>(?:19|20)\d{2})\s*[-./／．]\s*(?P<m2>\d{1,2})\s*[-./／．]\s*(?P<d2>\d{1,2})(?!\d)"
)


def parse_date(s: str) -> _dt.date | None:
    """The first date in ``s`` as a ``date``: 「2024年3月1日」, 「二〇二四年三月一日」, 「2024-03-01」,
    「2024.3.1」, 「２０２４年３月１日」. ``None`` if none or invalid (「2024年2月30日」)."""
    m = DATE_RE.search(s or "")
    while m:
        if m.group("y"):
            y, mo, d = (cn_to_int(m.group(k)) for k in ("y", "m", "d"))
        else:
            y, mo, d = int(m.group("y2")), int(m.group("m2")), int(m.group("d2"))
        try:
            if y is not None and mo is not None and d is not None and 1900 <= y <= 2200:
                return _dt.date(y, mo, d)
        except ValueError:
            pass
        m = DATE_RE.search(s, m.end())
    return None
