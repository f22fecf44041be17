"""Chinese <-> Arabic numerals for article numbers (第一千二百六十条 <-> 1260).

Small and dependency-free: article references are short, and this runs for every citation.
"""

from __future__ import annotations

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN = "零一二三四五六七八九"
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def cn_to_int(s: str) -> int | None:
    """「一千二百六十」 -> 1260, 「十六」 -> 16, 「16」 -> 16; None when not a numeral."""
    s = s.strip().translate(_FULLWIDTH)
    if not s:
        return None
    if s.isdigit():
        return int(s)
    total, digit = 0, None
    for ch in s:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def int_to_cn(n: int) -> str:
    """1260 -> 「一千二百六十」, 16 -> 「十六」, 10 -> 「十」, 105 -> 「一百零五」."""
    if n <= 0:
        return _CN[0]
    out: list[str] = []
    parts = [(1000, "千"), (100, "百"), (10, "十"), (1, "")]
    zero = False
    started = False
    for value, unit in parts:
        d = (n // value) % 10
        if d == 0:
            if started:
                zero = True
            continue
        if zero:
            out.append("零")
            zero = False
        if not (value == 10 and d == 1 and not started):
            out.append(_CN[d])
        out.append(unit)
        started = True
    return "".join(out)


def article_label(n: int) -> str:
    return f"第{int_to_cn(n)}条"
