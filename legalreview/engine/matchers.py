"""Compiled matchers: the schema's matcher tree turned into objects that evaluate one unit.

A unit is a ``Unit`` (original offsets + squeezed offsets; see ``legalreview.segment.Squeezed``).
``eval`` returns ``None`` when the matcher does not hold, else a list of ``Hit`` (possibly empty,
e.g. for ``not``). Literal terms are found once per document by the pack's Aho-Corasick automaton
(``DocContext.occurrences``); regexes run on the squeezed unit text.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..numerals import DATE_RE, cn_to_int, parse_date
from . import schema

if TYPE_CHECKING:  # pragma: no cover
    from .context import DocContext

NUM_CLASS = "[0-9０-９零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟.．]+"


class CompileError(Exception):
    """A rule that cannot be compiled; ``field`` is the path inside the rule (tuple for line lookup)."""

    def __init__(self, message: str, field: tuple = (), cause: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field
        self.cause = cause or message


@dataclass(frozen=True)
class Unit:
    start: int  # original offsets
    end: int
    ss: int  # squeezed offsets
    se: int


@dataclass
class Hit:
    start: int
    end: int
    label: str
    src: int  # id of the leaf matcher that produced it
    detail: str | None = None
    focus: tuple[int, int] | None = None  # the part exceptions look around (near: the later term)


# --------------------------------------------------------------------------- regex validation

_BAD_ESCAPES = {"b": r"\b", "B": r"\B", "w": r"\w", "W": r"\W"}


def _check_escapes(pattern: str) -> None:
    i = 0
    while i < len(pattern) - 1:
        if pattern[i] == "\\":
            nxt = pattern[i + 1]
            if nxt in _BAD_ESCAPES:
                raise CompileError(f"正则表达式不得使用 {_BAD_ESCAPES[nxt]}（对中文无意义：汉字之间没有单词边界）",
                                   cause=f"{_BAD_ESCAPES[nxt]} is meaningless on Chinese text")
            i += 2
            continue
        i += 1


def _walk_repeats(items, inside_variable: bool) -> None:
    from re import _constants as c  # type: ignore[attr-defined]

    for op, av in items:
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            lo, hi, sub = av
            variable = hi != lo and hi > 1
            unbounded = hi == c.MAXREPEAT
            if variable and inside_variable[0] and (unbounded or inside_variable[1]):
                raise CompileError("正则表达式含嵌套量词（如 (a+)+、(.*)*），可能灾难性回溯",
                                   cause="nested quantifier (catastrophic backtracking)")
            _walk_repeats(sub, (variable or inside_variable[0], unbounded or inside_variable[1]) if variable
                          else inside_variable)
            if unbounded:  # after the walk, so that nested quantifiers are named as such
                _check_optional_overlap(sub)
        elif op == c.SUBPATTERN:
            _walk_repeats(av[-1], inside_variable)
        elif op == c.BRANCH:
            if inside_variable[1]:
                _check_branch_overlap(av[1])
            for alt in av[1]:
                _walk_repeats(alt, inside_variable)
        elif op in (c.ASSERT, c.ASSERT_NOT):
            _walk_repeats(av[1], inside_variable)
        elif op == getattr(c, "ATOMIC_GROUP", None):
            _walk_repeats(av, inside_variable)


def _first_chars(items) -> tuple[frozenset[int] | None, bool]:
    """Code points a parsed sequence can start with (None: too many to list) and whether it can
    match the empty string. Conservative: unknown constructs count as 'any character'."""
    from re import _constants as c  # type: ignore[attr-defined]

    first: set[int] = set()
    for op, av in items:
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # zero width
        if op == c.LITERAL:
            first.add(av)
            return frozenset(first), False
        if op == c.IN and all(o == c.LITERAL or (o == c.RANGE and a[1] - a[0] < 256) for o, a in av):
            for o, a in av:
                first.update([a] if o == c.LITERAL else range(a[0], a[1] + 1))
            return frozenset(first), False
        if op == c.SUBPATTERN:
            sub, nullable = _first_chars(av[-1])
        elif op == c.BRANCH:
            subs = [_first_chars(alt) for alt in av[1]]
            sub = None if any(s is None for s, _ in subs) else frozenset().union(*(s for s, _ in subs))
            nullable = any(n for _, n in subs)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            sub, nullable = _first_chars(av[2])
            nullable = nullable or av[0] == 0
        else:  # ANY, NOT_LITERAL, categories, back-references...
            return None, False
        if sub is None:
            return None, False
        first |= sub
        if not nullable:
            return frozenset(first), False
    return frozenset(first), True


#: Most unbounded repeats of a broad class (., [^…], \S…) one rule regex may contain: each one
#: multiplies the backtracking work by the sentence length (.*村.*村.*村.*罚款 is O(n^5) per sentence).
MAX_BROAD_UNBOUNDED = 2


def _broad_unbounded(items) -> int:
    from re import _constants as c  # type: ignore[attr-defined]

    n = 0
    for op, av in items:
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            lo, hi, sub = av
            if hi == c.MAXREPEAT and _first_chars(sub)[0] is None:
                n += 1
            n += _broad_unbounded(sub)
        elif op == c.SUBPATTERN:
            n += _broad_unbounded(av[-1])
        elif op == c.BRANCH:
            n += max(_broad_unbounded(alt) for alt in av[1])
        elif op in (c.ASSERT, c.ASSERT_NOT):
            n += _broad_unbounded(av[1])
    return n


def _check_optional_overlap(body) -> None:
    """Inside an unbounded repeat, an optional part that can begin like the body itself lets the
    engine cut the same text in exponentially many ways: (村村?)+$ splits 村…村 into 1s and 2s."""
    from re import _constants as c  # type: ignore[attr-defined]

    while len(body) == 1 and body[0][0] == c.SUBPATTERN:
        body = body[0][1][-1]
    head, _ = _first_chars(body)
    for op, av in body:
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)) and av[0] != av[1]:
            part, _ = _first_chars(av[2])
            if head is None or part is None or head & part:
                raise CompileError("正则表达式在重复（+、*）内含与开头相同的可选部分（如 (村村?)+），可能灾难性回溯",
                                   cause="optional part overlapping the repeated body (catastrophic backtracking)")


def _check_branch_overlap(alternatives) -> None:
    """Inside an unbounded repeat, alternatives that can begin with the same character (or that can
    both match nothing) let the engine split the same text in exponentially many ways: (村|村)+$,
    (村民|村|民)*$. Refused like nested quantifiers (issue 9: found by tests/test_hostile.py)."""
    seen: list[tuple[frozenset[int] | None, bool]] = []
    for alt in alternatives:
        first, nullable = _first_chars(alt)
        for other, other_nullable in seen:
            if (nullable and other_nullable) or first is None or other is None or first & other:
                raise CompileError("正则表达式在重复（+、*）内含可能重叠的分支（如 (村|村)+、(村民|村|民)*），可能灾难性回溯",
                                   cause="overlapping alternatives inside an unbounded repeat (catastrophic backtracking)")
        seen.append((first, nullable))


_FACTORS: dict[str, frozenset[str] | None] = {}


class LazyPattern:
    """A validated regex whose ``re.compile`` happens on first use: most rules of a pack never run
    their regex on a given document (their literal factors do not occur), so cold start skips it."""

    __slots__ = ("pattern", "flags", "_compiled")

    def __init__(self, pattern: str, flags: int):
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern | None = None

    def compiled(self) -> re.Pattern:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern)
        return self._compiled

    def finditer(self, *a):
        return self.compiled().finditer(*a)

    def search(self, *a):
        return self.compiled().search(*a)

    def __getstate__(self):
        return (self.pattern, self.flags)

    def __setstate__(self, state):
        self.pattern, self.flags = state
        self._compiled = None


def _check_lookbehind(items) -> None:
    """``re`` only rejects variable-width look-behind when compiling; check it while validating."""
    from re import _constants as c  # type: ignore[attr-defined]

    for op, av in items:
        if op in (c.ASSERT, c.ASSERT_NOT):
            direction, sub = av
            if direction < 0:
                lo, hi = sub.getwidth()
                if lo != hi:
                    raise CompileError("正则表达式无效：后顾断言 (?<=…)/(?<!…) 必须是固定长度",
                                       cause="look-behind requires fixed-width pattern")
            _check_lookbehind(sub)
        elif op == c.SUBPATTERN:
            _check_lookbehind(av[-1])
        elif op == c.BRANCH:
            for alt in av[1]:
                _check_lookbehind(alt)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            _check_lookbehind(av[2])
        elif op == getattr(c, "ATOMIC_GROUP", None):
            _check_lookbehind(av)


@lru_cache(maxsize=4096)
def compile_regex(pattern: str) -> LazyPattern:
    """Validate a rule regex (``{NUM}`` → numeral class) and return it, compiled on first use.
    Cached: packs reuse the same named patterns in many rules. The validation parse also yields the
    pattern's literal factors (``regex_factors``)."""
    _check_escapes(pattern)
    expanded = pattern.replace("{NUM}", NUM_CLASS)
    from re import _parser  # type: ignore[attr-defined]

    try:
        parsed = _parser.parse(expanded)
        _check_lookbehind(parsed)
    except (re.error, OverflowError, RecursionError) as e:
        raise CompileError(f"正则表达式无效：{e}", cause=f"re.error: {e}") from e
    _walk_repeats(parsed, (False, False))
    if _broad_unbounded(parsed) > MAX_BROAD_UNBOUNDED:
        raise CompileError(f"正则表达式含 {MAX_BROAD_UNBOUNDED} 个以上不限长度的宽泛重复（如 .*、[^。]+），"
                           "在长句上可能长时间回溯；请改用有上限的写法，如 [^。]{0,30}",
                           cause="too many unbounded broad repeats (polynomial backtracking)")
    flags = parsed.state.flags
    _FACTORS[expanded] = None if flags & re.IGNORECASE else _factors(parsed)
    return LazyPattern(expanded, flags)


def _better(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    """The more selective of two factor sets (longer shortest literal, then fewer literals)."""
    if a is None:
        return b
    if b is None:
        return a
    ka = (min(map(len, a)), -len(a))
    kb = (min(map(len, b)), -len(b))
    return a if ka >= kb else b


def _factors(items) -> frozenset[str] | None:
    """Literals of which one must occur in every match of the parsed sequence ``items`` (None if
    no such set is known). Used to index regex rules by literals like keyword rules."""
    from re import _constants as c  # type: ignore[attr-defined]

    best: frozenset[str] | None = None
    run: list[str] = []

    def flush():
        nonlocal best
        if run:
            best = _better(best, frozenset(["".join(run)]))
            run.clear()

    for op, av in items:
        if op == c.LITERAL:
            ch = chr(av)
            if ch.isspace():
                flush()
            else:
                run.append(ch)
            continue
        flush()
        if op == c.SUBPATTERN:
            best = _better(best, _factors(av[-1]))
        elif op == c.BRANCH:
            alts = [_factors(alt) for alt in av[1]]
            if alts and all(a is not None for a in alts):
                best = _better(best, frozenset().union(*alts))  # type: ignore[arg-type]
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
            best = _better(best, _factors(av[2]))
        elif op == c.IN:
            chars = [chr(v) for o, v in av if o == c.LITERAL]
            if chars and len(chars) == len(av) and len(chars) <= 12 and not any(ch.isspace() for ch in chars):
                best = _better(best, frozenset(chars))
    flush()
    return best


def regex_factors(pattern: LazyPattern) -> frozenset[str] | None:
    """Literals of which one occurs in every match of a pattern made by ``compile_regex``."""
    if pattern.pattern not in _FACTORS:
        from re import _parser  # type: ignore[attr-defined]

        _FACTORS[pattern.pattern] = None if pattern.flags & re.IGNORECASE else _factors(_parser.parse(pattern.pattern))
    return _FACTORS[pattern.pattern]


# --------------------------------------------------------------------------- base


class CMatcher:
    """Base class of compiled matchers."""

    leaf_id = 0
    uses_materials = False
    needs_citations = False  # holds only in units that contain a citation

    def eval(self, ctx: DocContext, unit: Unit) -> list[Hit] | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def required(self) -> frozenset[str] | None:
        """Literals of which at least one must occur in a unit for this matcher to hold (None: no
        such literal requirement)."""
        return None

    def literals(self) -> list[str]:
        return []

    def describe(self) -> str:
        return type(self).__name__


def _short(items: list[str], n: int = 3) -> str:
    s = "、".join(f"「{x}」" for x in items[:n])
    return s + ("等" if len(items) > n else "")


class Literals(CMatcher):
    def __init__(self, terms: list[str], kind: str):
        self.terms = [re.sub(r"\s+", "", t) for t in terms]
        if any(not t for t in self.terms):
            raise CompileError("关键词不能为空字符串", cause="empty keyword")
        self.kind = kind

    def literals(self) -> list[str]:
        return list(self.terms)

    def required(self) -> frozenset[str]:
        return frozenset(self.terms)

    def eval(self, ctx, unit):
        hits = []
        for t in self.terms:
            for s in ctx.occurrences_in(t, unit.ss, unit.se):
                a, b = ctx.sq.orig(s, s + len(t))
                hits.append(Hit(a, b, f"{self.kind}「{t}」", self.leaf_id))
        if not hits:
            return None
        hits.sort(key=lambda h: (h.start, -h.end))
        return hits

    def describe(self) -> str:
        return f"{self.kind}{_short(self.terms)}"


class _Factored(CMatcher):
    """A regex-based matcher indexed by the literal factors of its pattern(s)."""

    factors: frozenset[str] | None = None

    def literals(self):
        return sorted(self.factors) if self.factors else []

    def required(self):
        return self.factors


class Regex(_Factored):
    def __init__(self, patterns: list[str], label: str = "正则"):
        self.sources = patterns
        self.patterns = [compile_regex(p) for p in patterns]
        self.label = label
        facts = [regex_factors(p) for p in self.patterns]
        self.factors = None if any(f is None for f in facts) else frozenset().union(*facts)  # type: ignore[arg-type]

    def eval(self, ctx, unit):
        sub = ctx.sq.text[unit.ss:unit.se]
        hits = []
        for src, p in zip(self.sources, self.patterns):
            for m in p.finditer(sub):
                if m.end() > m.start():
                    a, b = ctx.sq.orig(unit.ss + m.start(), unit.ss + m.end())
                    hits.append(Hit(a, b, f"{self.label} /{src}/", self.leaf_id))
        if not hits:
            return None
        hits.sort(key=lambda h: (h.start, -h.end))
        return hits

    def describe(self) -> str:
        return f"{self.label} " + "、".join(f"/{s}/" for s in self.sources[:2])


class Near(CMatcher):
    def __init__(self, spec: schema.NearSpec):
        self.spec = spec
        self.a = [re.sub(r"\s+", "", t) for t in spec.a]
        self.b = [re.sub(r"\s+", "", t) for t in spec.b]

    def literals(self):
        return self.a + self.b

    def required(self):
        return frozenset(self.a)

    def eval(self, ctx, unit):
        sp = self.spec
        occ_a = [(s, s + len(t), t) for t in self.a for s in ctx.occurrences_in(t, unit.ss, unit.se)]
        if not occ_a:
            return None
        occ_b = [(s, s + len(t), t) for t in self.b for s in ctx.occurrences_in(t, unit.ss, unit.se)]
        if not occ_b:
            return None
        hits = []
        for a in sorted(occ_a):
            for b in sorted(occ_b):
                if sp.ordered and a[1] > b[0]:
                    continue
                if a[0] < b[1] and b[0] < a[1]:
                    continue  # the same characters cannot be both terms
                gap = b[0] - a[1] if a[1] <= b[0] else a[0] - b[1]
                if gap > sp.within:
                    continue
                if sp.same != "unit" and not ctx.same_piece(sp.same, min(a[0], b[0]), max(a[1], b[1])):
                    continue
                s, e = ctx.sq.orig(min(a[0], b[0]), max(a[1], b[1]))
                later = a if a[0] > b[0] else b
                hits.append(Hit(s, e, f"邻近「{a[2]}」…「{b[2]}」（{gap}字内）", self.leaf_id,
                                focus=ctx.sq.orig(later[0], later[1])))
                break
        return hits or None

    def describe(self):
        return f"邻近 {_short(self.a)} 与 {_short(self.b)}（{self.spec.within}字内）"


_OPS = {">": lambda x, y: x > y, ">=": lambda x, y: x >= y, "<": lambda x, y: x < y,
        "<=": lambda x, y: x <= y, "==": lambda x, y: x == y, "!=": lambda x, y: x != y}


def to_number(s: str) -> float | None:
    """Value of a numeral span (Arabic, Chinese, financial or mixed, 万/亿 multipliers)."""
    from ..numerals import parse_number

    try:
        return parse_number(s)
    except (ValueError, TypeError, ArithmeticError):
        return None


def fmt_num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


class Number(_Factored):
    def __init__(self, spec: schema.NumberSpec, params: dict[str, Any]):
        self.spec = spec
        self.pattern = compile_regex(spec.pattern)
        if spec.param is not None:
            if spec.param not in params:
                raise CompileError(f"number 匹配器引用的参数「{spec.param}」未在 params 中定义",
                                   cause=f"unknown param {spec.param}")
            try:
                self.threshold = float(params[spec.param])
            except (TypeError, ValueError) as e:
                raise CompileError(f"参数「{spec.param}」应为数值", cause=str(e)) from e
        else:
            self.threshold = float(spec.value)  # type: ignore[arg-type]
        self.factors = regex_factors(self.pattern)
        self.span = "(?P<to>" in spec.pattern

    def eval(self, ctx, unit):
        if self.span:
            return self._eval_span(ctx, unit)
        sub = ctx.sq.text[unit.ss:unit.se]
        hits = []
        sp = self.spec
        for m in self.pattern.finditer(sub):
            raw = m.group("n")
            if not raw:
                continue
            v = to_number(raw)
            if v is None:
                continue
            if sp.unit == "万":
                v *= 10000
            elif sub[m.end("n"):m.end("n") + 1] == "万" and "万" not in raw:
                v *= 10000
            if not _OPS[sp.op](v, self.threshold):
                continue
            a, b = ctx.sq.orig(unit.ss + m.start(), unit.ss + m.end())
            unit_label = sp.unit if sp.unit and sp.unit != "万" else ""
            detail = f"{fmt_num(v)}{unit_label}"
            hits.append(Hit(a, b, f"数值「{raw}」={fmt_num(v)} {sp.op} {fmt_num(self.threshold)}", self.leaf_id, detail))
        return hits or None

    def _eval_span(self, ctx, unit):
        """Length of a date span (``from``/``to`` groups; see ``schema.NumberSpec``)."""
        sub = ctx.sq.text[unit.ss:unit.se]
        sp = self.spec
        hits = []
        for m in self.pattern.finditer(sub):
            end = _span_date(m.group("to"))
            start = None
            if "from" in m.re.groupindex and m.group("from"):
                start = _span_date(m.group("from"))
            if start is None:
                before = [parse_date(d.group(0)) for d in DATE_RE.finditer(sub, 0, m.start("to"))]
                before = [d for d in before if d is not None]
                start = before[-1] if before else getattr(ctx.doc, "date", None)
            if start is None or end is None or end == start:
                continue
            # both ends count: 2025-01-01 … 2029-12-31 is five years; an end before the start gives
            # a negative length (an effective date before the document's own date)
            days = (end - start).days + (1 if end > start else 0)
            v = round(days / 365.25, 2) if sp.unit in (None, "年") else (
                round(days / 30.44, 1) if sp.unit in ("个月", "月") else float(days))
            if not _OPS[sp.op](v, self.threshold):
                continue
            a, b = ctx.sq.orig(unit.ss + m.start(), unit.ss + m.end())
            label = sp.unit or "年"
            span = f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"
            detail = f"约{fmt_num(round(v, 1))}{label}（{span}）"
            if v < 0:
                detail = (f"{end.year}年{end.month}月{end.day}日，早于{start.year}年{start.month}月{start.day}日"
                          f"{abs(int(days))}天")
            hits.append(Hit(a, b, f"期限 {span} = {fmt_num(v)}{label} {sp.op} {fmt_num(self.threshold)}",
                            self.leaf_id, detail))
        return hits or None

    def describe(self):
        if self.span:
            return f"期限 /{self.spec.pattern}/ {self.spec.op} {fmt_num(self.threshold)}{self.spec.unit or '年'}"
        return f"数值 /{self.spec.pattern}/ {self.spec.op} {fmt_num(self.threshold)}"


_YEAR_END = re.compile(r"^(?P<y>[0-9０-９〇○零一二三四五六七八九]{4})年(底|末|年底|年末)?$")


def _span_date(s: str | None) -> dt.date | None:
    """A span end: a full date, or 「2030年」/「2030年底」 (31 December)."""
    if not s:
        return None
    d = parse_date(s)
    if d is not None:
        return d
    m = _YEAR_END.match(s)
    if m:
        raw = m.group("y").replace("○", "〇")
        y = int(raw) if raw.isdigit() else cn_to_int(raw)  # int() takes full-width digits too
        if y and 1900 <= y <= 2200:
            return dt.date(y, 12, 31)
    return None


class Absent(CMatcher):
    def __init__(self, spec: schema.AbsentSpec, anchor: CMatcher | None):
        self.spec = spec
        self.kw = Literals(spec.keywords, "关键词") if spec.keywords else None
        self.rx = Regex(spec.regex) if spec.regex else None
        self.anchor = anchor

    def literals(self):
        return self.kw.literals() if self.kw else []

    def eval(self, ctx, unit):
        region = unit if self.spec.within == "unit" else ctx.region(self.spec.within)
        if region is not None and region.se > region.ss:
            for m in (self.kw, self.rx):
                if m is not None and m.eval(ctx, region):
                    return None
        wanted = (self.spec.keywords + [f"/{r}/" for r in self.spec.regex])
        detail = "未见" + _short(wanted)
        if self.anchor is not None:
            hits = self.anchor.eval(ctx, unit)
            if hits:
                h = hits[0]
                return [Hit(h.start, h.end, f"缺失{_short(wanted)}（定位：{h.label}）", self.leaf_id, detail)]
        s, e = ctx.title_span()
        return [Hit(s, e, f"缺失{_short(wanted)}（{self.spec.within}）", self.leaf_id, detail)]

    def describe(self):
        return f"缺失 {_short(self.spec.keywords + self.spec.regex)}（{self.spec.within}）"


_STATUS_LABELS = {
    "repealed": "已废止", "unknown": "未找到该法律", "ambiguous": "名称有歧义", "article_out_of_range": "条文序号不存在",
    "stale_article": "条文已修改或重新编号", "non_canonical": "名称不规范", "lower_level_basis": "依据层级过低",
    "not_yet_in_force": "尚未施行",
}


class CitationM(CMatcher):
    needs_citations = True

    def __init__(self, spec: schema.CitationSpec):
        self.checks = set(spec.checks)

    def eval(self, ctx, unit):
        hits = []
        for c in ctx.citations_in(unit.start, unit.end):
            if c.status in self.checks and c.end > c.start:
                detail = c.message or f"《{c.law_name}》{c.article or ''}{_STATUS_LABELS.get(c.status, c.status)}"
                hits.append(Hit(c.start, c.end, f"引用「{c.raw}」：{c.status}", self.leaf_id, detail))
        return hits or None

    def describe(self):
        return "引用检查（" + "、".join(sorted(self.checks)) + "）"


class Fuzzy(CMatcher):
    def __init__(self, spec: schema.FuzzySpec):
        self.spec = spec
        self.templates = [re.sub(r"\s+", "", t) for t in spec.templates]
        self.prefilter = [re.sub(r"\s+", "", t) for t in spec.prefilter if t.strip()]

    def literals(self):
        return list(self.prefilter)

    def required(self):
        return frozenset(self.prefilter) if self.prefilter else None

    def eval(self, ctx, unit):
        if self.prefilter and not any(ctx.occurrences_in(t, unit.ss, unit.se) for t in self.prefilter):
            return None
        from rapidfuzz import fuzz

        sub = ctx.sq.text[unit.ss:unit.se]
        if not sub:
            return None
        best = None
        for t in self.templates:
            r = fuzz.partial_ratio_alignment(t, sub, score_cutoff=self.spec.threshold)
            if r is not None and r.score >= self.spec.threshold and (best is None or r.score > best[0].score):
                best = (r, t)
        if best is None:
            return None
        r, t = best
        a, b = ctx.sq.orig(unit.ss + r.dest_start, unit.ss + max(r.dest_end, r.dest_start + 1))
        return [Hit(a, b, f"相似度 {r.score:.0f} 模板「{t}」", self.leaf_id, f"{r.score:.0f}")]

    def describe(self):
        return f"相似模板 {_short(self.templates, 1)}（≥{self.spec.threshold:g}）"


class Tokens(CMatcher):
    def __init__(self, patterns: list[list[dict[str, Any]]]):
        self.patterns = patterns
        self._matcher = None

    def __getstate__(self):  # a RulePack pickles (batch workers); the spaCy matcher is rebuilt lazily
        return {**self.__dict__, "_matcher": None}

    def matcher(self):
        if self._matcher is None:
            from spacy.matcher import Matcher

            from ..nlp import get_nlp

            m = Matcher(get_nlp().vocab, validate=True)
            try:
                m.add("P", [list(p) for p in self.patterns])
            except Exception as e:  # spaCy raises ValueError/MatchPatternError
                raise CompileError(f"tokens 模式无效：{e}", cause=type(e).__name__) from e
            self._matcher = m
        return self._matcher

    def eval(self, ctx, unit):
        m = self.matcher()
        sdoc = ctx.spacy_doc(unit.start, unit.end)
        hits = []
        for _, i, j in m(sdoc):
            span = sdoc[i:j]
            a, b = unit.start + span.start_char, unit.start + span.end_char
            hits.append(Hit(a, b, f"词法模式「{span.text}」", self.leaf_id))
        if not hits:
            return None
        hits.sort(key=lambda h: (h.start, -h.end))
        return hits

    def describe(self):
        return f"词法模式（{len(self.patterns)}个）"


class MaterialsM(CMatcher):
    uses_materials = True

    def __init__(self, spec: schema.MaterialsSpec):
        self.spec = spec

    def eval(self, ctx, unit):
        mats = ctx.materials
        if mats is None:
            return None
        problems = mats.problems(self.spec.require, self.spec.min_days, self.spec.working_days)
        if not problems:
            return None
        s, e = ctx.title_span()
        detail = "；".join(problems)
        return [Hit(s, e, f"送审材料：{detail}", self.leaf_id, detail)]

    def describe(self):
        parts = []
        if self.spec.require:
            parts.append("需提供" + "、".join(self.spec.require))
        for k, n in self.spec.min_days.items():
            parts.append(f"{k}不少于{n}日")
        for k, n in self.spec.working_days.items():
            parts.append(f"{k}不少于{n}个工作日")
        return "送审材料检查（" + "；".join(parts) + "）"


class All(CMatcher):
    def __init__(self, children: list[CMatcher]):
        self.children = children
        self.uses_materials = any(c.uses_materials for c in children)
        self.needs_citations = any(c.needs_citations for c in children)
        # evaluate cheap literal children first (early exit); hits keep the authored order
        self.order = sorted(range(len(children)), key=lambda i: (children[i].required() is None, i))

    def literals(self):
        return [t for c in self.children for t in c.literals()]

    def required(self):
        reqs = [r for r in (c.required() for c in self.children) if r]
        return min(reqs, key=len) if reqs else None

    def eval(self, ctx, unit):
        got: list[list[Hit] | None] = [None] * len(self.children)
        for i in self.order:
            h = self.children[i].eval(ctx, unit)
            if h is None:
                return None
            got[i] = h
        return [x for h in got for x in h]  # type: ignore[union-attr]

    def describe(self):
        return "全部（" + "；".join(c.describe() for c in self.children) + "）"


class AnyM(CMatcher):
    def __init__(self, children: list[CMatcher]):
        self.children = children
        self.uses_materials = any(c.uses_materials for c in children)
        self.needs_citations = all(c.needs_citations for c in children)

    def literals(self):
        return [t for c in self.children for t in c.literals()]

    def required(self):
        reqs = [c.required() for c in self.children]
        if any(r is None for r in reqs):
            return None
        return frozenset().union(*reqs)

    def eval(self, ctx, unit):
        hits: list[Hit] | None = None
        for c in self.children:
            h = c.eval(ctx, unit)
            if h is not None:
                hits = (hits or []) + h
        return hits

    def describe(self):
        return "任一（" + "；".join(c.describe() for c in self.children) + "）"


class NotM(CMatcher):
    def __init__(self, child: CMatcher):
        self.child = child
        self.uses_materials = child.uses_materials

    def literals(self):
        return self.child.literals()

    def eval(self, ctx, unit):
        return [] if self.child.eval(ctx, unit) is None else None

    def describe(self):
        return f"非（{self.child.describe()}）"


def lazy_patterns(m: CMatcher):
    """Every ``LazyPattern`` in a compiled matcher tree (self-tests force-compile them)."""
    for v in vars(m).values():
        items = v if isinstance(v, list) else [v]
        for x in items:
            if isinstance(x, LazyPattern):
                yield x
            elif isinstance(x, CMatcher):
                yield from lazy_patterns(x)


# --------------------------------------------------------------------------- compiling


class Compiler:
    """Turns schema matchers into compiled ones, resolving ``ref`` against the pack's named matchers."""

    def __init__(self, named: dict[str, Any]):
        self.named = named
        self.next_id = 1

    def _leaf(self, m: CMatcher) -> CMatcher:
        m.leaf_id = self.next_id
        self.next_id += 1
        return m

    def compile(self, m: Any, params: dict[str, Any], path: tuple = (), refs: tuple[str, ...] = ()) -> CMatcher:
        try:
            return self._compile(m, params, path, refs)
        except CompileError as e:
            if not e.field:
                e.field = path
            raise

    def _compile(self, m, params, path, refs):
        if isinstance(m, schema.KeywordsMatcher):
            return self._leaf(Literals(m.keywords, "关键词"))
        if isinstance(m, schema.PhrasesMatcher):
            return self._leaf(Literals(m.phrases, "短语"))
        if isinstance(m, schema.RegexMatcher):
            pats = [m.regex] if isinstance(m.regex, str) else list(m.regex)
            out = []
            for i, p in enumerate(pats):
                try:
                    compile_regex(p)
                except CompileError as e:
                    e.field = (*path, "regex") if isinstance(m.regex, str) else (*path, "regex", i)
                    raise
                out.append(p)
            return self._leaf(Regex(out))
        if isinstance(m, schema.NearMatcher):
            return self._leaf(Near(m.near))
        if isinstance(m, schema.NumberMatcher):
            try:
                return self._leaf(Number(m.number, params))
            except CompileError as e:
                e.field = (*path, "number", "param" if m.number.param and "参数" in e.message else "pattern")
                raise
        if isinstance(m, schema.AbsentMatcher):
            for i, p in enumerate(m.absent.regex):
                try:
                    compile_regex(p)
                except CompileError as e:
                    e.field = (*path, "absent", "regex", i)
                    raise
            anchor = self.compile(m.absent.anchor, params, (*path, "absent", "anchor"), refs) if m.absent.anchor else None
            return self._leaf(Absent(m.absent, anchor))
        if isinstance(m, schema.CitationMatcher):
            return self._leaf(CitationM(m.citation))
        if isinstance(m, schema.FuzzyMatcher):
            return self._leaf(Fuzzy(m.fuzzy))
        if isinstance(m, schema.TokensMatcher):
            return self._leaf(Tokens(m.tokens))
        if isinstance(m, schema.MaterialsMatcher):
            return self._leaf(MaterialsM(m.materials))
        if isinstance(m, schema.RefMatcher):
            if m.ref in refs:
                raise CompileError(f"命名匹配器「{m.ref}」循环引用", (*path, "ref"), cause="ref cycle")
            if m.ref not in self.named:
                raise CompileError(f"未定义的命名匹配器「{m.ref}」（应在 matchers: 中定义）", (*path, "ref"),
                                   cause=f"unknown matcher {m.ref}")
            try:
                return self._compile(self.named[m.ref], params, path, (*refs, m.ref))
            except CompileError as e:
                e.message = f"命名匹配器「{m.ref}」：{e.message}"
                e.field = (*path, "ref")
                raise
        if isinstance(m, schema.AllMatcher):
            return All([self.compile(c, params, (*path, "all", i), refs) for i, c in enumerate(m.all)])
        if isinstance(m, schema.AnyMatcher):
            return AnyM([self.compile(c, params, (*path, "any", i), refs) for i, c in enumerate(m.any)])
        if isinstance(m, schema.NotMatcher):
            return NotM(self.compile(m.not_, params, (*path, "not"), refs))
        raise CompileError(f"未知的匹配器类型 {type(m).__name__}", path)  # pragma: no cover


def count_days(start: dt.date, end: dt.date, working: bool) -> int:
    """Days from ``start`` to ``end`` inclusive (working days only with ``working``)."""
    if end < start:
        return 0
    if not working:
        return (end - start).days + 1
    n = 0
    d = start
    while d <= end:
        n += _is_workday(d)
        d += dt.timedelta(days=1)
    return n


def _is_workday(d: dt.date) -> bool:
    try:
        import chinese_calendar

        return bool(chinese_calendar.is_workday(d))
    except (ImportError, NotImplementedError):
        return d.weekday() < 5
