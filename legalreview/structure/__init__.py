"""Stage 2: recover structure (title, 文号, issuer, date, 章/节/条/款/项/目, outline headings, contract
clauses, parties, attachments) from ``Document.text``.

The parser works on physical lines (``text.split("\\n")``), so it serves .docx blocks, text lines and
PDF paragraphs alike. Only a marker at the *start* of a line opens a node:

* 第X章 → ``chapter``, 第X节 → ``section``, 第X条 → ``article`` (``clause`` in contracts);
* 一、 / （一） / 1. 1、 / （1） / ① → outline markers. Their depth is found dynamically: a marker of
  a type already open becomes its sibling, a new type nests under the innermost open node. Inside an
  article they become ``item`` (项) and ``subitem`` (目); in contracts a top-level 一、 is a
  ``clause``; elsewhere they are ``heading`` nodes with ``level`` = depth;
* 附件 lines → ``attachment`` (everything after nests inside it);
* 甲方/乙方... lines before the first clause → ``party``.

Articles with two or more paragraphs get ``paragraph`` (款) children; the items that follow a
paragraph belong to it. Locations follow legal usage: 「第十二条第二款第（三）项第1目」 (款 only when
the article has several), outlines concatenate normalized labels: 「二、（一）3.」.

Every node satisfies ``0 <= start <= end <= len(text)``; ``text[start:end]`` is the node's text from
its marker to the end of its last non-blank line (leading and trailing white space excluded), and
children lie inside their parent. The 落款 (issuer and date lines) closes every open node, so the
last article does not swallow the signature.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ..models import Document, Node
from ..numerals import DATE_RE, NUM_CHARS, cn_to_int, int_to_cn, parse_date

__all__ = ["parse", "DOC_NUMBER_RE", "normalize_doc_number"]

_WS = " \t\u3000\u00a0\ufeff\r"
_CN = "零〇○一二三四五六七八九十百千两"
_SP = "[ \u3000\t]*"

_ORDINAL = rf"第{_SP}[{NUM_CHARS}](?:{_SP}[{NUM_CHARS}])*{_SP}"  # 第十二 / 第 1 2 (spaced digits)
_CHAPTER = re.compile(rf"{_ORDINAL}[章编]")
_SECTION = re.compile(rf"{_ORDINAL}节")
_ARTICLE = re.compile(rf"{_ORDINAL}条(?![例件款约])")
_CN_DUN = re.compile(rf"[{_CN}]{{1,4}}{_SP}[、．.](?![\d０-９])")
_REFERENCE = re.compile(r"(?:规定|所|中|的|至|和|或|、|第|之)")
_CN_PAREN = re.compile(rf"[（(]{_SP}[{_CN}]{{1,4}}{_SP}[）)]")
_AR_DOT = re.compile(r"[0-9０-９]{1,3}(?:、|[.．](?![0-9０-９]))")
_AR_PAREN = re.compile(r"[（(]\s*[0-9０-９]{1,3}\s*[）)]")
_CIRCLED = re.compile(r"[\u2460-\u2473\u2776-\u277f]")
_ATTACH = re.compile(rf"附{_SP}件{_SP}(?:[0-9０-９{_CN}]{{1,3}}{_SP})?(?:[：:、.．]|$|(?<=[0-9０-９{_CN}])|{_SP})")
_PARTY = re.compile(r"(?:甲|乙|丙|丁)[ \u3000]*方|发包方|承包方|出租方|承租方|出让方|受让方|委托方|受托方|买方|卖方")
_PARTY_LINE = re.compile(rf"(?:(?:{_PARTY.pattern})(?:[（(][^）)\n]{{0,20}}[）)])?|[^：:\n]{{1,12}}[（(](?:{_PARTY.pattern})[）)]){_SP}[:：]")
_SIGN_LINE = re.compile(rf"(?:(?:{_PARTY.pattern})|法定代表人|委托代理人|负责人|代表人|签约代表)"
                        r"[^\n]{0,30}(?:盖章|签字|签名|签章|公章|印章|\(章\)|（章）|签订|签约)")

#: 文号: 机关代字 + 〔年份〕 + 序号 + 号, with any of 〔〕 [] （） () ［］ 【】 brackets.
DOC_NUMBER_RE = re.compile(
    r"(?P<org>[\u4e00-\u9fa5]{1,14}?)\s*[〔\[［（(【]\s*(?P<year>(?:19|20)\d{2})\s*[〕\]］）)】]\s*第?\s*(?P<no>\d{1,5})\s*号")

_DOC_WORDS = ("村规民约", "民约", "公约", "章程", "合同书", "合同", "协议书", "协议", "通知", "意见", "办法", "规定",
              "方案", "决定", "细则", "规则", "计划", "批复", "报告", "通告", "公告", "决定书", "守则", "制度",
              "条例", "纲要", "目录", "规划", "要点", "纪要", "函", "规程", "标准", "告知书", "清单", "指引")
_TITLE_PREFIX = re.compile(r"^(.{4,60}?(?:村规民约|居民公约|公约|章程|合同书|合同|协议书|协议|通知|实施意见|意见|办法|规定|"
                           r"实施方案|方案|决定|细则|规则))")
_ORG = re.compile(r"(?:人民政府|政府|委员会|村委会|居委会|办公室|办事处|管委会|局|厅|街道|镇|乡|村|社区|公司|中心|"
                  r"支部|党委|党工委|委|所|院|部|会|室|队|站|组|集团|合作社|大会)(?:[（(]?(?:盖章|章|印)[）)]?)?$")
_GENERIC_HEADING = re.compile(r"^(?:案件|基本)?(?:基本)?信息$|^目录$|^正文$|^说明$|^前言$|^案件基本信息$")
_DATE_ONLY = re.compile(rf"^(?:(?:签订|签约|签署|成文|印发|发文|落款)?日期{_SP}[:：])?[（(]?{_SP}(?:{DATE_RE.pattern}){_SP}(?:印发|发布|制定|通过|修订|施行|起施行)?{_SP}[）)]?$")


@dataclass
class _Line:
    idx: int
    start: int  # first non-blank character
    end: int  # after the last non-blank character
    s: str  # text[start:end]


@dataclass
class _Open:
    mtype: str  # chapter, section, article, attachment, dun, cparen, adot, aparen, circled
    node: Node
    last_line: int  # index (into lines) of the last content line
    first_line: int
    children: list = field(default_factory=list)


#: Run-on texts (a whole contract on one line, as web pages and PDFs give them): inside a line longer
#: than ``_RUN_ON`` characters, an article/outline marker right after 。；： starts a virtual line.
_RUN_ON = 150
_INLINE_SPLIT = re.compile(
    rf"(?<=[。；;：:])[{_WS}]*(?=第{_SP}[{NUM_CHARS}]{{1,6}}{_SP}条|[{_CN}]{{1,3}}{_SP}、|[（(][{_CN}]{{1,3}}[）)])")


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for i, raw in enumerate(text.split("\n")):
        ls = len(raw) - len(raw.lstrip(_WS))
        rs = len(raw.rstrip(_WS))
        if rs > ls:
            if rs - ls > _RUN_ON:
                cuts = [ls] + [m.end() for m in _INLINE_SPLIT.finditer(raw, ls, rs)] + [rs]
                for a, b in zip(cuts, cuts[1:]):
                    seg = raw[a:b]
                    a2 = a + len(seg) - len(seg.lstrip(_WS))
                    b2 = a + len(seg.rstrip(_WS))
                    if b2 > a2:
                        out.append(_Line(i, pos + a2, pos + b2, raw[a2:b2]))
            else:
                out.append(_Line(i, pos + ls, pos + rs, raw[ls:rs]))
        pos += len(raw) + 1
    return out


def _marker(s: str) -> tuple[str, re.Match] | None:
    for mtype, rx in (("chapter", _CHAPTER), ("section", _SECTION), ("article", _ARTICLE), ("cparen", _CN_PAREN),
                      ("aparen", _AR_PAREN), ("dun", _CN_DUN), ("adot", _AR_DOT), ("circled", _CIRCLED)):
        m = rx.match(s)
        if m:
            if mtype in ("article", "chapter", "section") and _REFERENCE.match(s, m.end()):
                return None  # 「第三条规定的……」 refers to an article, it does not open one
            if mtype == "chapter" and len(s) > 40 and not re.match(rf"{m.re.pattern}{_SP}\S{{1,30}}$", s):
                continue  # 「第一章」 followed by a long sentence is prose, not a heading
            return mtype, m
    m = _ATTACH.match(s)
    if m and len(s) <= 80:
        return "attachment", m
    return None


def _number_of(label: str) -> int | None:
    digits = re.sub(rf"[^{NUM_CHARS}]", "", label)
    return cn_to_int(digits) if digits else None


def _norm_label(mtype: str, number: int | None, raw: str) -> str:
    if number is None:
        return raw
    cn = int_to_cn(number)
    return {
        "chapter": f"第{cn}章", "section": f"第{cn}节", "article": f"第{cn}条", "dun": f"{cn}、",
        "cparen": f"（{cn}）", "adot": f"{number}.", "aparen": f"（{number}）", "circled": raw,
        "attachment": f"附件{number}",
    }.get(mtype, raw)


def normalize_doc_number(s: str) -> str:
    m = DOC_NUMBER_RE.search(s)
    if not m:
        return re.sub(r"\s+", "", s)
    return f"{m.group('org')}〔{m.group('year')}〕{int(m.group('no'))}号"


# --------------------------------------------------------------------------- header / tail


def _is_doc_word_line(s: str) -> bool:
    t = s.rstrip("。")
    return s.startswith("关于") or any(t.endswith(w) for w in _DOC_WORDS) or bool(
        re.search(r"(村规民约|居民公约|社区公约|自治章程)", s))


def _find_header(text: str, lines: list[_Line], first_marker: int, title_styled: set[int] = frozenset()) -> dict:
    """Title, 文号 and addressee among the lines before the first structural marker."""
    out: dict = {}
    head = lines[:max(first_marker, 0)][:12] if first_marker >= 0 else lines[:12]
    if not head and lines:
        head = lines[:1]
    # 文号
    for ln in lines[:min(15, first_marker if first_marker >= 0 else 15)]:
        m = DOC_NUMBER_RE.match(ln.s)
        if m and len(ln.s) - m.end() <= 20 and not re.match(r"(根据|按照|依据|依照|参照|执行|和|及|与|经)", m.group("org")):
            out["doc_number"] = (ln.start + m.start(), ln.start + m.end(), normalize_doc_number(m.group(0)))
            break
    cands = []
    for k, ln in enumerate(head):
        s = ln.s
        if "doc_number" in out and out["doc_number"][0] >= ln.start and out["doc_number"][1] <= ln.end:
            continue
        if len(s) > 80 or s.endswith(("：", ":")) or re.match(r"^[^：:《》]{1,16}[：:]", s) or s.endswith(("。", "；")) and not _is_doc_word_line(s):
            continue
        if _DATE_ONLY.match(s) or re.fullmatch(r".{2,30}文件", s) or re.match(
                r"^(签发人|密级|发文|抄送|主题词|(?:合同|协议)?编号|No|NO|附件)", s):
            continue
        cands.append((k, ln))
    # a paragraph in Word's Title style wins; then a line naming a document kind; then the first line
    # that is neither an issuer header nor a generic section heading (「案件基本信息」)
    title_ln = next(((k, ln) for k, ln in cands if ln.start in title_styled), None)
    for k, ln in cands if title_ln is None else ():
        if _is_doc_word_line(ln.s) or not (_ORG.search(ln.s) and len(ln.s) <= 40 or _GENERIC_HEADING.match(ln.s)):
            title_ln = (k, ln)
            break
    if title_ln is None and cands:
        title_ln = cands[0]
    if title_ln is not None:
        k, ln = title_ln
        start, end = ln.start, ln.end
        # two-line titles: 「关于印发《……》的」 + 「通知」, or 「XX镇关于……」 + 「的实施意见」
        if k + 1 < len(head):
            nxt = head[k + 1]
            nxt_is_docno = "doc_number" in out and out["doc_number"][0] < nxt.end and out["doc_number"][1] > nxt.start
            if (len(nxt.s) <= 40 and nxt.idx == ln.idx + 1 and not nxt.s.endswith(("。", "：", ":"))
                    and not nxt_is_docno
                    and (nxt.s.startswith("的") or ln.s.endswith(("的", "关于", "《", "、")))):
                end = nxt.end
        if k > 0 and ln.s.startswith("的"):
            prev = head[k - 1]
            start = prev.start
        out["title"] = (start, end)
    elif lines and len(lines[0].s) > 20:
        m = _TITLE_PREFIX.match(lines[0].s)
        if m:
            out["title"] = (lines[0].start, lines[0].start + m.end())
    # addressee: 「各村、各有关单位：」 right after the title
    for ln in head:
        if "title" in out and ln.start <= out["title"][1]:
            continue
        if ln.s.endswith(("：", ":")) and len(ln.s) <= 60 and re.match(r"^(各|全体|有关|.{0,20}(委|局|会|室|单位|部门|政府))", ln.s) \
                and not _PARTY_LINE.match(ln.s):
            out["addressee"] = (ln.start, ln.end)
            break
    return out


def _find_signature(lines: list[_Line], body_started: int) -> dict:
    """落款: the date line and the issuer line(s) just above it (or on the same line)."""
    out: dict = {}
    n = len(lines)
    cands = []
    for i, ln in enumerate(lines):
        if len(ln.s) > 60 or i < body_started:
            continue
        m = _DATE_ONLY.match(ln.s)
        if m:
            cands.append((i, None))
            continue
        mm = re.match(rf"^(?P<org>\S.{{1,40}}?){_SP}(?P<date>(?:{DATE_RE.pattern})){_SP}$", ln.s)
        if mm and _ORG.search(mm.group("org").strip(_WS)) and not re.search(r"[：:，。]", mm.group("org")):
            cands.append((i, mm))
    chosen = None
    for i, mm in cands:
        prev = lines[i - 1] if i > body_started else None
        if mm is not None or (prev is not None and len(prev.s) <= 40 and _ORG.search(prev.s)
                              and not re.search(r"[。；：:，,]", prev.s) and prev.idx >= lines[i].idx - 3):
            chosen = (i, mm)
            break
    if chosen is None and cands and cands[-1][0] >= n - 6:
        chosen = cands[-1]
    if chosen is None:
        return out
    i, mm = chosen
    ln = lines[i]
    if mm is not None:
        ds = ln.start + mm.start("date")
        out["date"] = (ds, ln.end, parse_date(ln.s[mm.start("date"):]))
        out["issuer"] = (ln.start, ln.start + len(mm.group("org").rstrip(_WS)))
        out["first_line"] = i
    else:
        out["date"] = (ln.start, ln.end, parse_date(ln.s))
        out["first_line"] = i
        j = i - 1
        issuer_lines = []
        while j >= body_started and i - j <= 3:
            p = lines[j]
            if len(p.s) <= 40 and _ORG.search(p.s) and not re.search(r"[。；：:，,]", p.s) and not _marker(p.s):
                issuer_lines.append(j)
                j -= 1
            else:
                break
        if issuer_lines:
            first = min(issuer_lines)
            out["issuer"] = (lines[first].start, lines[max(issuer_lines)].end)
            out["first_line"] = first
    return out


# --------------------------------------------------------------------------- body


def _close(o: _Open, lines: list[_Line]) -> None:
    o.node.end = max(o.node.start, lines[o.last_line].end)


def parse(doc: Document) -> Document:
    """Return a copy of ``doc`` with title, doc_number, issuer, date and outline filled in."""
    text = doc.text
    lines = _lines(text)
    if not lines:
        return doc.model_copy(update={"outline": []})
    # Word list numbering (Block.list_label) is a marker that is not in the text
    labels: dict[int, str] = {}
    for b in doc.blocks:
        if b.list_label:
            t = text[b.start:b.end]
            labels[b.start + len(t) - len(t.lstrip(_WS))] = b.list_label
    markers = [_marker(labels[ln.start]) if ln.start in labels else _marker(ln.s) for ln in lines]
    first_marker = next((i for i, m in enumerate(markers) if m), -1)
    title_styled = {b.start + len(text[b.start:b.end]) - len(text[b.start:b.end].lstrip(_WS))
                    for b in doc.blocks[:20] if b.style and b.style.lower() in ("title", "标题")}
    header = _find_header(text, lines, first_marker, title_styled)
    title_end = header.get("title", (0, 0))[1]
    body_from = next((i for i, ln in enumerate(lines) if ln.start >= title_end), len(lines)) if "title" in header else 0
    sig = _find_signature(lines, max(body_from, 1))
    sig_first = sig.get("first_line", -1)
    sig_last = next((i for i, ln in enumerate(lines) if ln.start <= sig["date"][0] < ln.end + 1), -1) if sig else -1
    title_s = text[header["title"][0]:header["title"][1]] if "title" in header else ""
    is_contract = bool(re.search(r"(合同|协议)", title_s)) or sum(
        1 for ln in lines[:30] if _PARTY_LINE.match(ln.s)) >= 2
    if not sig:
        for ln in lines[:8]:
            if re.match(r"^[（(].{0,30}[）)]$", ln.s) and parse_date(ln.s):
                header["date"] = (ln.start, ln.end, parse_date(ln.s))
                break
        # 红头 issuer: 「XX县人民政府办公室文件」 or 「中共XX县委 XX县人民政府」 above the title
        if "title" in header:
            for ln in lines[:4]:
                if ln.end > header["title"][0]:
                    break
                body = re.sub(r"文件$", "", ln.s)
                if 2 < len(body) <= 40 and _ORG.search(body) and not re.search(r"[。；：:，,〔\[［【]", body):
                    header["issuer"] = (ln.start, ln.start + len(body))
                    break
    header_spans = [v[:2] for k, v in header.items() if k in ("title", "doc_number", "addressee", "date", "issuer")]

    top: list[Node] = []
    stack: list[_Open] = []
    parties: list[Node] = []
    article_paras: list[_Open] = []  # articles, to split into 款 afterwards

    def close_to(k: int) -> None:
        while len(stack) > k:
            _close(stack.pop(), lines)

    def attach(o: _Open) -> None:
        (stack[-1].node.children if stack else top).append(o.node)
        stack.append(o)

    preamble: list[int] = []
    in_sig = False
    for i, ln in enumerate(lines):
        if any(a <= ln.start and ln.end <= b for a, b in header_spans) or (
                "title" in header and ln.start < header["title"][1]):
            continue
        if sig_first >= 0 and sig_first <= i <= sig_last:
            close_to(0)
            in_sig = True
            continue
        mk = markers[i]
        if mk is None and _SIGN_LINE.match(ln.s) and stack and is_contract:
            close_to(0)
            continue
        if mk is None:
            if not stack and not top and not in_sig:
                if _PARTY_LINE.match(ln.s) or (parties and not preamble and len(ln.s) <= 80
                                               and re.match(r"^[^：:，。；]{1,14}[：:]", ln.s)):
                    if _PARTY_LINE.match(ln.s):
                        m = _PARTY.search(ln.s[:20])
                        who = re.sub(rf"[{_WS}]", "", m.group(0)) if m else ""
                        parties.append(Node(kind="party", label=who, location=who, start=ln.start, end=ln.end))
                    else:
                        parties[-1].end = ln.end
                    continue
                preamble.append(i)
                continue
            if stack:
                # inside an article, prose after an item is the next 款, not part of the item
                ka = next((j for j, s in enumerate(stack) if s.mtype == "article"), None)
                if ka is not None and ka < len(stack) - 1:
                    close_to(ka + 1)
                for o in stack:
                    o.last_line = i
            continue
        mtype, m = mk
        raw_label = re.sub(rf"[{_WS}]", "", m.group(0))
        number = _number_of(raw_label) if mtype != "circled" else (
            ord(raw_label) - 0x245F if "\u2460" <= raw_label <= "\u2473" else ord(raw_label) - 0x2775)
        node = Node(kind="heading", label=m.group(0).strip(_WS), start=ln.start, end=ln.end, number=number)
        node.location = _norm_label(mtype, number, node.label)
        o = _Open(mtype, node, i, i)
        if mtype == "attachment":
            close_to(0)
            node.kind = "attachment"
            node.location = node.label.rstrip("：:、.． ")
        elif mtype == "chapter":
            k = next((j for j, s in enumerate(stack) if s.mtype == "attachment"), -1)
            close_to(k + 1)
            node.kind = "chapter"
        elif mtype == "section":
            k = next((j for j, s in enumerate(stack) if s.mtype == "section"), None)
            if k is None:
                k = next((j + 1 for j in range(len(stack) - 1, -1, -1) if stack[j].mtype in ("chapter", "attachment")), 0)
            close_to(k)
            node.kind = "section"
        elif mtype == "article":
            # sibling of the open article (closing its items); otherwise nested in the open heading/chapter
            k = next((j for j, s in enumerate(stack) if s.mtype == "article"), len(stack))
            close_to(k)
            node.kind = "article"
        else:
            k = next((j for j in range(len(stack) - 1, -1, -1) if stack[j].mtype == mtype), None)
            ceiling = next((j for j in range(len(stack) - 1, -1, -1) if stack[j].mtype == "attachment"), -1)
            if k is not None and k > ceiling:
                close_to(k)
        attach(o)
        for s in stack:
            s.last_line = i
        if mtype == "article":
            article_paras.append(o)
    close_to(0)

    # kinds and locations of outline markers, 款 of articles
    def fix(nodes: list[Node], parent: Node | None, article: Node | None, depth_in_article: int, prefix: str,
            outline_depth: int) -> None:
        for nd in nodes:
            if nd.kind in ("chapter", "section", "attachment"):
                nd.level = 0 if nd.kind != "section" else 1
                fix(nd.children, nd, None, 0, nd.location if nd.kind == "attachment" else "", 0)
                continue
            if nd.kind == "article":
                nd.kind = "clause" if is_contract else "article"
                nd.level = 0
                fix(nd.children, nd, nd, 0, nd.location, 0)
                continue
            # outline marker
            if article is not None:
                nd.kind = "item" if depth_in_article == 0 else "subitem"
                if nd.kind == "item":
                    nd.location = f"{prefix}第{_item_label(nd)}项"
                else:
                    nd.location = f"{prefix}第{_subitem_label(nd)}目"
                nd.level = depth_in_article + 1
                fix(nd.children, nd, article, depth_in_article + 1, nd.location, outline_depth)
            else:
                nd.kind = "clause" if (is_contract and outline_depth == 0 and parent is None) else "heading"
                nd.level = outline_depth + 1
                nd.location = prefix + nd.location
                fix(nd.children, nd, None, 0, nd.location, outline_depth + 1)

    fix(top, None, None, 0, "", 0)
    line_starts = [ln.start for ln in lines]
    for a in article_paras:
        _split_paragraphs(a.node, text, lines, line_starts)

    outline: list[Node] = []
    upd: dict = {}
    if "title" in header:
        a, b = header["title"]
        outline.append(Node(kind="title", label="标题", location="标题", start=a, end=b))
        upd["title"] = re.sub(r"\s+", "", text[a:b]) if len(text[a:b]) < 200 else text[a:b].strip()
    if "doc_number" in header:
        a, b, norm = header["doc_number"]
        outline.append(Node(kind="doc_number", label="文号", location="文号", start=a, end=b))
        upd["doc_number"] = norm
    if "addressee" in header:
        a, b = header["addressee"]
        outline.append(Node(kind="addressee", label="主送机关", location="主送机关", start=a, end=b))
    outline.extend(parties)
    header_end = max([b for a, b in header_spans] + [p.end for p in parties], default=-1)
    preamble = [i for i in preamble if lines[i].start > header_end]
    if preamble:
        pl = [lines[i] for i in preamble]
        outline.append(Node(kind="preamble", label="序言", location="序言", start=pl[0].start, end=pl[-1].end))
    outline.extend(top)
    if "issuer" in sig or "issuer" in header:
        a, b = sig["issuer"] if "issuer" in sig else header["issuer"]
        outline.append(Node(kind="issuer", label="落款", location="落款", start=a, end=b))
        upd["issuer"] = re.sub(r"\s+", "", text[a:b])
    if sig or "date" in header:
        a, b, d = sig["date"] if sig else header["date"]
        outline.append(Node(kind="date", label="成文日期", location="成文日期", start=a, end=b))
        upd["date"] = d
    outline.sort(key=lambda n: (n.start, -n.end))
    upd["outline"] = outline
    return doc.model_copy(update=upd)


def _item_label(nd: Node) -> str:
    if nd.number is None:
        return nd.label
    if re.match(r"[（(]", nd.label):
        return f"（{int_to_cn(nd.number)}）" if re.search(rf"[{_CN}]", nd.label) else f"（{nd.number}）"
    if re.search(rf"^[{_CN}]", nd.label):
        return int_to_cn(nd.number)
    return str(nd.number)


def _subitem_label(nd: Node) -> str:
    return _item_label(nd)


def _split_paragraphs(art: Node, text: str, lines: list[_Line], line_starts: list[int]) -> None:
    """Give an article ``paragraph`` (款) children when it has two or more paragraphs."""
    lo = bisect.bisect_left(line_starts, art.start)
    hi = bisect.bisect_right(line_starts, art.end)
    own = [ln for ln in lines[lo:hi] if ln.end <= art.end]
    child_starts = [c.start for c in art.children]
    child_ends = [c.end for c in art.children]
    starts: list[_Line] = []
    for k, ln in enumerate(own):
        j = bisect.bisect_right(child_starts, ln.start) - 1
        if j >= 0 and ln.start <= child_ends[j]:
            continue
        if k == 0:
            rest = (ln.s[len(art.label):] if ln.s.startswith(art.label) else ln.s).strip(_WS)
            if not rest or len(rest) <= 20 and not re.search(r"[。；，,：:]", rest):
                continue  # 「第五条」 or 「第五条 目的」: a heading, not a paragraph
        starts.append(ln)
    if len(starts) < 2:
        return
    paras: list[Node] = []
    own_starts = [x.start for x in own]
    for k, st in enumerate(starts):
        nxt = starts[k + 1].start if k + 1 < len(starts) else art.end + 1
        end = own[bisect.bisect_left(own_starts, nxt) - 1].end
        p = Node(kind="paragraph", label=f"第{int_to_cn(k + 1)}款", number=k + 1, level=art.level + 1,
                 location=f"{art.location}第{int_to_cn(k + 1)}款",
                 start=art.start if k == 0 else st.start, end=end)
        p.children = [c for c in art.children if p.start <= c.start and c.end <= p.end]
        for c in p.children:
            _relocate(c, art.location, p.location)
        paras.append(p)
    taken = {id(c) for p in paras for c in p.children}
    rest = [c for c in art.children if id(c) not in taken]
    art.children = sorted(paras + rest, key=lambda n: n.start)


def _relocate(nd: Node, old: str, new: str) -> None:
    if nd.location.startswith(old):
        nd.location = new + nd.location[len(old):]
    for c in nd.children:
        _relocate(c, old, new)
