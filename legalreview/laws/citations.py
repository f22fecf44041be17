"""Citation extraction and checking.

``check_citations(text, as_of, doc_date)`` finds the legal citations of a text — 《…》 with optional
version note, document number and article references (「第十条第二款第（三）项」, lists
「第十六条、第十七条」, 「第十条第（一）（二）项」), plus bare 「依照…法第…条」 when the name resolves
exactly — resolves each against the corpus and gives it one status:

``ok`` · ``unknown`` (a law-like name that resolves to nothing; ``candidates`` holds the closest) ·
``ambiguous`` · ``repealed`` · ``not_yet_in_force`` · ``article_out_of_range`` · ``stale_article``
(numbering of an earlier version) · ``lower_level_basis`` (a normative document cited as the basis
for a penalty, licence or compulsory measure) · ``non_canonical`` (info: short name or typo) ·
``not_in_corpus`` (a local document — another region's regulation, a county's normative
document — that the corpus cannot confirm; never a finding).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Hamming, Levenshtein

from ..models import Citation
from .corpus import Corpus, LawEntry, key, load_corpus
from .numerals import cn_to_int, int_to_cn

NUM = r"[零〇一二三四五六七八九十百千两0-9０-９]+"
_WS = r"[ \t\u3000]*"
_ITEM = rf"(?:第?[（(]{NUM}[)）]|第{NUM})项?"
ART_RE = re.compile(
    rf"第{_WS}(?P<art>{NUM}){_WS}条(?:之(?P<sub>[一二三四五六七八九十]+))?"
    rf"(?:{_WS}第{_WS}(?P<para>{NUM}){_WS}款)?"
    rf"(?P<items>(?:(?:第?[（(]{NUM}[)）])+项?|第{NUM}项)(?:[、和及](?:第?[（(]{NUM}[)）]|第{NUM}项))*项?)?"
)
# between two article references of one list
LIST_SEP = re.compile(rf"{_WS}(?:、|和|及|以及|与|或者|或|，|,){_WS}(?=第{NUM}[条款项]|第[（(])")
RANGE_SEP = re.compile(rf"{_WS}(?:至|到|—|-|～|~){_WS}(?=第{NUM}条)")
VERSION_NOTE = re.compile(
    r"[（(](?P<year>\d{4})年(?:\d{1,2}月(?:\d{1,2}日)?)?(?:第[一二三四五六七八九十]+次)?"
    r"(?:修正|修订|修改|版|公布|施行|通过)?(?:本|文本)?[)）]"
)
DOC_NO = re.compile(r"[（(](?P<no>(?:[^（）()\n]|[（(]\d{4}[)）]){1,30}?号令?)[)）]")
BARE = re.compile(
    rf"(?:依照|按照|根据|依据|违反|适用|参照)(?P<name>[\u4e00-\u9fff]{{2,30}}?(?:法|条例|法典))(?:的?规定)?(?=第{NUM}条)"
)
DOC_NUMBER_REF = re.compile(
    r"(?:根据|依据|按照|依照|参照|贯彻)(?P<no>[\u4e00-\u9fff]{1,8}(?:发|函|规|办)\s*[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d+\s*号)"
)

LAWLIKE = ("法", "法典", "条例", "规定", "办法", "细则", "决定", "规则", "解释", "意见", "通知", "纲要", "准则", "决议", "批复")
NATIONAL_LAW = ("法", "法典", "条例")
_PLACE = re.compile(
    r"^(?:北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|四川|贵州|云南|陕西|甘肃"
    r"|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门)"
    r"|^(?:杭州|宁波|温州|嘉兴|湖州|绍兴|金华|衢州|舟山|台州|丽水|义乌|诸暨|余姚|慈溪|海宁|桐乡|乐清|瑞安|温岭|临海)"
    r"|^[\u4e00-\u9fff]{2,8}?(?:省|自治区|市|自治州|地区|盟|县|自治县|区|旗|镇|乡|街道|村|社区|开发区|园区)"
)
_NOT_PLACE = ("城市", "都市", "超市", "上市", "城区", "社区矫正", "特区", "农村", "城镇")
PENALTY_WORDS = re.compile(r"罚款|处罚|处以|没收|吊销|暂扣|拘留|行政许可|审批|许可证|强制措施|强制执行|查封|扣押|冻结|责令停产|责令关闭")
NEGATION = re.compile(r"不得|严禁|禁止|无权|不能")
# the penalty is left to the competent authority under its own law: 「由林业部门依法处罚」, 「报…依法处理」
REFERRAL = re.compile(r"依法|依照.{0,12}(?:法|条例)|由.{0,12}(?:部门|机关|局)|报.{0,8}(?:部门|机关|局)|移送|移交")

TYPO_MIN_LEN = 4
FUZZY_CUTOFF = 75.0  # a pre-filter only: the edit-distance rules in resolve() decide


@dataclass
class _Raw:
    start: int
    end: int
    name: str  # as written, without 《》
    name_end: int
    version_year: int | None = None
    doc_number: str | None = None
    refs: list[tuple[int, int, str, int | None]] = field(default_factory=list)  # (start, end, label, article number)
    bare: bool = False


# --------------------------------------------------------------------------- extraction


def _book_titles(text: str):
    """(start, end, inner) for each top-level 《…》, nested 《》/〈〉 kept inside."""
    i, n = 0, len(text)
    while i < n:
        s = text.find("《", i)
        if s < 0:
            return
        depth, j = 0, s
        while j < n:
            ch = text[j]
            if ch == "《":
                depth += 1
            elif ch == "》":
                depth -= 1
                if depth == 0:
                    break
            elif ch == "\n" or j - s > 120:
                break
            j += 1
        if j < n and text[j] == "》" and depth == 0:
            yield s, j + 1, text[s + 1 : j]
            i = j + 1
        else:
            i = s + 1


def _article_label(m: re.Match) -> tuple[str, int | None]:
    art = cn_to_int(m.group("art"))
    if art is None:
        return m.group(0), None
    label = f"第{int_to_cn(art)}条"
    if m.group("sub"):
        label += f"之{m.group('sub')}"
    if m.group("para"):
        p = cn_to_int(m.group("para"))
        label += f"第{int_to_cn(p)}款" if p else f"第{m.group('para')}款"
    if m.group("items"):
        nums = [cn_to_int(x) for x in re.findall(NUM, m.group("items"))]
        label += "第" + "".join(f"（{int_to_cn(x)}）" for x in nums if x) + "项"
    return label, art


def _parse_refs(text: str, pos: int) -> tuple[list[tuple[int, int, str, int | None]], int]:
    """Article references starting at ``pos`` (after a law name); returns refs and the end offset."""
    refs: list = []
    m = ART_RE.match(text, pos)
    if not m:
        return refs, pos
    while m:
        label, art = _article_label(m)
        refs.append((m.start(), m.end(), label, art))
        end = m.end()
        rng = RANGE_SEP.match(text, end)
        if rng:
            m2 = ART_RE.match(text, rng.end())
            if m2:
                _, art2 = _article_label(m2)
                if art is not None and art2 is not None and 0 < art2 - art <= 30:
                    for k in range(art + 1, art2):  # the articles inside 「第十四条至第十七条」
                        refs.append((m.start(), m2.end(), f"第{int_to_cn(k)}条", k))
                m = m2
                continue
        sep = LIST_SEP.match(text, end)
        if not sep:
            break
        nxt = sep.end()
        m = ART_RE.match(text, nxt)
        if m is None:
            # 「第十条第一款、第二款」: a paragraph of the previous article
            pm = re.match(rf"第(?P<para>{NUM})款", text[nxt:])
            if pm and refs and refs[-1][3] is not None:
                a = refs[-1][3]
                refs.append((nxt, nxt + pm.end(), f"第{int_to_cn(a)}条第{int_to_cn(cn_to_int(pm.group('para')) or 0)}款", a))
                end = nxt + pm.end()
                sep2 = LIST_SEP.match(text, end)
                m = ART_RE.match(text, sep2.end()) if sep2 else None
    return refs, refs[-1][1] if refs else pos


def extract(text: str) -> list[_Raw]:
    out: list[_Raw] = []
    covered: list[tuple[int, int]] = []
    for s, e, inner in _book_titles(text):
        name = re.sub(r"\s+", "", inner)
        r = _Raw(start=s, end=e, name=name, name_end=e)
        pos = e
        for _ in range(2):  # version note and document number, either order
            vm = VERSION_NOTE.match(text, pos)
            if vm:
                r.version_year = int(vm.group("year"))
                pos = vm.end()
                continue
            dm = DOC_NO.match(text, pos)
            if dm and re.search(r"\d", dm.group("no")):
                r.doc_number = dm.group("no")
                pos = dm.end()
                continue
            break
        gap = re.match(r"[ \t\u3000]*(?:的?规定)?", text[pos:])
        refs, end = _parse_refs(text, pos + (gap.end() if gap else 0))
        if refs:
            r.refs = refs
            r.end = end
        elif pos > e:
            r.end = pos
        out.append(r)
        covered.append((s, r.end))
    for m in BARE.finditer(text):
        if any(a <= m.start("name") < b for a, b in covered):
            continue
        name = m.group("name")
        refs, end = _parse_refs(text, m.end())
        if not refs:
            continue
        out.append(_Raw(start=m.start("name"), end=end, name=name, name_end=m.end("name"), refs=refs, bare=True))
    for m in DOC_NUMBER_REF.finditer(text):
        # 「根据国办发〔2018〕37号文件」: a document cited by its number alone (kept only if it resolves)
        if any(a <= m.start("no") < b for a, b in covered):
            continue
        out.append(_Raw(start=m.start("no"), end=m.end("no"), name=m.group("no"), name_end=m.end("no"),
                        doc_number=doc_number_key(m.group("no")), bare=True))
    out.sort(key=lambda r: r.start)
    return out


def doc_number_key(no: str) -> str:
    """「国办发[2018] 37号」 -> 「国办发〔2018〕37号」."""
    s = re.sub(r"\s", "", no)
    return re.sub(r"[\[［(（](\d{4})[\]］)）]", r"〔\1〕", s)


# --------------------------------------------------------------------------- resolution


@dataclass
class Resolution:
    entry: LawEntry | None
    how: str  # exact | typo | ambiguous | none
    score: float = 0.0
    candidates: list[LawEntry] = field(default_factory=list)


def _pick_era(hits: list[LawEntry], day: dt.date) -> list[LawEntry]:
    """Same name, different laws (国家安全法 1993 / 2015): the one in force on ``day``."""
    live = [e for e in hits if (e.in_force_from is None or e.in_force_from <= day) and (e.repealed is None or e.repealed > day)]
    if len(live) == 1:
        return live
    current = [e for e in hits if e.repealed is None]
    return current if len(current) == 1 else hits


def resolve(name: str, corpus: Corpus, day: dt.date) -> Resolution:
    k = key(name)
    hits = corpus.by_key.get(k)
    if hits:
        hits = _pick_era(hits, day)
        if len(hits) == 1:
            return Resolution(hits[0], "exact", 100.0)
        return Resolution(None, "ambiguous", 100.0, hits)
    if len(k) < TYPO_MIN_LEN or k.startswith("浙江省") or is_local(name):
        # local regulations: the corpus is incomplete there, so a near miss may well be another,
        # uncollected regulation; never guess (suggestions only)
        return Resolution(None, "none")
    found = process.extract(k, corpus.keys, scorer=fuzz.ratio, limit=6, score_cutoff=FUZZY_CUTOFF)
    close = []
    for cand, score, _ in found:
        # A typo is one wrong character (same length, from 8 characters: 盐业管理条例 is not 物业管理条例)
        # or one missing/extra character
        # (from 7). Two edits already separate different instruments: 盗窃/抢劫, 士兵/军官, X暂行条例/X条例.
        # A typo never changes the kind of instrument (规划 is not 条例, 办法 is not 法).
        if _kind(k) != _kind(cand):
            continue
        if len(k) == len(cand):
            ok = len(k) >= 8 and Hamming.distance(k, cand) == 1
        else:
            ok = min(len(k), len(cand)) >= 7 and Levenshtein.distance(k, cand) == 1
        if ok:
            close.append((cand, score))
    entries: dict[str, tuple[LawEntry, float]] = {}
    for cand, score in close:
        for e in _pick_era(corpus.by_key[cand], day):
            if e.id not in entries or entries[e.id][1] < score:
                entries[e.id] = (e, score)
    if len(entries) == 1:
        e, score = next(iter(entries.values()))
        return Resolution(e, "typo", score)
    if len(entries) > 1:
        ranked = sorted(entries.values(), key=lambda t: -t[1])
        return Resolution(None, "ambiguous", ranked[0][1], [e for e, _ in ranked])
    return Resolution(None, "none")


_KINDS = ("实施细则", "实施办法", "实施条例", "细则", "办法", "条例", "规定", "规则", "决定", "解释", "意见", "通知", "规划",
          "纲要", "方案", "法典", "法")


def _kind(k: str) -> str:
    """The kind of instrument a name ends with (条例, 办法, 法, ...)."""
    k = re.sub(r"\(.*\)$", "", k)
    return next((x for x in _KINDS if k.endswith(x)), "")


def closest(name: str, corpus: Corpus, limit: int = 3, cutoff: float = 60) -> list[LawEntry]:
    """The corpus entries whose names are nearest to ``name`` (suggestions, never a resolution)."""
    k = key(name)
    found = process.extract(k, corpus.keys, scorer=fuzz.ratio, limit=limit * 3, score_cutoff=cutoff)
    out: list[LawEntry] = []
    for cand, _, _ in found:
        for e in corpus.by_key[cand]:
            if e not in out:
                out.append(e)
    return out[:limit]


def is_local(name: str) -> bool:
    """A document of a place (another province, a city, county, town or village)."""
    k = key(name)
    if k.startswith("浙江省"):
        return False
    if any(k.startswith(p) for p in _NOT_PLACE):
        return False
    return bool(_PLACE.match(k))


def lawlike(name: str) -> bool:
    k = re.sub(r"\((?:试行|暂行|草案|修订稿|征求意见稿)\)$", "", key(name))
    if len(k) <= 4 and k in ("通知", "意见", "决定", "办法", "规定", "条例", "细则", "实施意见", "实施办法", "实施细则"):
        return False
    return k.endswith(LAWLIKE)


def _unknown_is_error(name: str) -> bool:
    """Only names that look like a national law/regulation or a Zhejiang provincial regulation can be
    called unknown with confidence; other local documents are outside the corpus."""
    raw = re.sub(r"\s", "", name)
    k = key(name)
    if raw.startswith("中华人民共和国"):
        return k.endswith(NATIONAL_LAW + ("实施细则", "办法", "规定"))
    if k.startswith("浙江省"):
        return False  # the Zhejiang part of the corpus is incomplete (local regulations up to 2021)
    if is_local(name):
        return False
    national = (k.endswith(("法", "法典")) and not k.endswith("办法")) or k.endswith("条例")
    return national and not k.startswith(("关于", "国务院", "最高人民"))


# --------------------------------------------------------------------------- checks


def _fmt(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _penalty_context(text: str, start: int, end: int) -> bool:
    lo = start
    while lo > 0 and start - lo < 30 and text[lo - 1] not in "。；;\n":
        lo -= 1
    hi = end
    while hi < len(text) and hi - end < 40 and text[hi] not in "。；;\n":
        hi += 1
    window = text[lo:hi]
    m = PENALTY_WORDS.search(window)
    if not m:
        return False
    before = window[: m.start()]
    return not NEGATION.search(before) and not REFERRAL.search(before)


def _stale(entry: LawEntry, n: int | None, as_of: dt.date, doc_date: dt.date | None, year: int | None) -> str | None:
    cur = entry.version_at(as_of)
    if cur is None or n is None:
        return None
    base = None
    if year is not None:
        cands = [v for v in entry.versions if v.date.year == year]
        base = cands[-1] if cands else None
    if base is None and doc_date is not None:
        base = entry.version_at(doc_date)
    if base is not None and base.date < cur.date:
        later = [v for v in entry.versions if base.date < v.date <= cur.date and v.renumbered]
        if later:
            v = later[-1]
            why = f"文件依据的是{base.date.year}年版本" if year is None else f"引用的是{year}年版本"
            now = base.moved.get(f"第{int_to_cn(n)}条")
            where = f"，该条内容在现行文本中为{now}" if now else f"，第{int_to_cn(n)}条应按现行文本核对"
            return f"{why}的条文序号；该法于{_fmt(v.date)}{v.kind}（{_fmt(v.starts)}施行）后条文序号已调整{where}"
    return None


def _check(r: _Raw, ref: tuple | None, res: Resolution, text: str, as_of: dt.date, doc_date: dt.date | None,
           canonical_seen: set[str]) -> tuple[str, str, str | None]:
    e = res.entry
    assert e is not None
    made = doc_date or as_of
    if e.in_force_from and as_of < e.in_force_from and e.history_complete:
        return "not_yet_in_force", f"《{e.name}》自{_fmt(e.in_force_from)}起施行，审查基准日{_fmt(as_of)}尚未施行", None
    if e.repealed and e.repealed <= as_of:
        msg = f"《{e.name}》已于{_fmt(e.repealed)}废止"
        if e.replaced_by:
            msg += f"，由《{e.replaced_by}》取代"
        if e.repeal_basis:
            msg += f"（{e.repeal_basis}）"
        if doc_date and doc_date < e.repealed:
            msg += f"；文件制定时（{_fmt(doc_date)}）《{e.name}》仍然有效，现应按现行规定更新引用"
        else:
            msg += "，不应再作为依据引用"
        return "repealed", msg, e.replaced_by
    if ref is not None:
        _, _, label, n = ref
        stale = _stale(e, n, as_of, doc_date, r.version_year)
        cur = e.version_at(as_of)
        count = cur.articles if cur else None
        if n is not None and count and n > count:
            older = [v for v in e.versions if v.articles and v.articles >= n and v.date < (cur.date if cur else as_of)]
            if older:
                v = older[-1]
                return ("stale_article",
                        f"《{e.name}》现行文本共{count}条，没有{label}；该条号属于{v.date.year}年版本（共{v.articles}条），请按现行条文序号引用",
                        None)
            return "article_out_of_range", f"《{e.name}》现行文本共{count}条，不存在{label}", None
        if stale:
            return "stale_article", f"《{e.name}》{label}：{stale}", None
    if e.level in ("规范性文件",) and _penalty_context(text, r.start, r.end):
        return ("lower_level_basis",
                f"《{e.name}》是规范性文件，不能作为设定罚款、行政许可或行政强制措施的依据（应以法律、法规、规章为依据）", None)
    if res.how == "typo":
        return "non_canonical", f"《{r.name}》疑似笔误，应为《{e.name}》", None
    if r.version_year and e.history_complete and e.versions and all(v.verified for v in e.versions):
        years = {v.date.year for v in e.versions} | {v.starts.year for v in e.versions}
        if r.version_year not in years:
            listed = "、".join(f"{v.date.year}年{v.kind}" for v in e.versions)
            return "non_canonical", f"《{e.name}》没有{r.version_year}年的版本（{listed}），请核对版本说明", None
    if r.doc_number and e.doc_number and not r.bare and "〔" in doc_number_key(e.doc_number):
        if doc_number_key(r.doc_number) != doc_number_key(e.doc_number):
            return "non_canonical", f"《{e.name}》的文号是{e.doc_number}，文中写作{r.doc_number}", None
    if _clean(r.name) != _clean(e.name) and e.name not in canonical_seen:
        return "non_canonical", f"《{r.name}》不是规范名称，应写作《{e.name}》", None
    return "ok", "", None


def _clean(name: str) -> str:
    return re.sub(r"[\s〈〉《》]", "", name).replace("（", "(").replace("）", ")")


def check_citations(text: str, as_of: dt.date | None = None, doc_date: dt.date | None = None,
                    corpus: Corpus | None = None) -> list[Citation]:
    """All legal citations in ``text`` with their resolution and status (see module docstring)."""
    corpus = corpus or load_corpus()
    as_of = as_of or dt.date.today()
    day = doc_date or as_of
    out: list[Citation] = []
    canonical_seen: set[str] = set()
    flagged_non_canonical: set[str] = set()
    for r in extract(text):
        if r.bare and r.doc_number and r.name == text[r.start:r.end]:
            hits = corpus.by_doc_number.get(r.doc_number, [])
            if len(hits) != 1:
                continue
            res = Resolution(hits[0], "doc_number", 100.0)
            r.name = hits[0].name  # a document number is an exact reference: no naming remark
        else:
            res = resolve(r.name, corpus, day)
        first_ref = r.refs[0] if r.refs else None
        if res.entry is None and res.how == "none":
            if not r.bare and lawlike(r.name) and not _is_self(text, r):
                if _unknown_is_error(r.name):
                    cands = closest(r.name, corpus)
                    since = f"（收录至{corpus.snapshot.year}年{corpus.snapshot.month}月）" if corpus.snapshot else ""
                    msg = f"法律法规库{since}中没有《{r.name}》"
                    if cands:
                        msg += "，是否为《" + "》《".join(c.name for c in cands[:2]) + "》？"
                    out.append(_citation(text, r, first_ref, None, "unknown", msg, cands=[c.name for c in cands]))
                else:
                    lower = _penalty_context(text, r.start, r.end) and key(r.name).endswith(("通知", "意见", "纪要", "方案"))
                    if lower:
                        out.append(_citation(text, r, first_ref, None, "lower_level_basis",
                                             f"《{r.name}》不是法律、法规或规章，不能作为设定罚款、行政许可或行政强制措施的依据"))
                    else:
                        msg = f"法律法规库未收录《{r.name}》（地方或部门文件），请人工核对其名称和效力"
                        near = closest(r.name, corpus, limit=2, cutoff=85)
                        if near:
                            msg += "；相近的有《" + "》《".join(c.name for c in near) + "》"
                        out.append(_citation(text, r, first_ref, None, "not_in_corpus", msg, cands=[c.name for c in near]))
            continue
        if res.entry is None:
            names = [c.name for c in res.candidates]
            out.append(_citation(text, r, first_ref, None, "ambiguous", f"《{r.name}》可能指：《" + "》《".join(names[:3]) + "》，请写明全称",
                                 cands=names, score=res.score))
            continue
        e = res.entry
        for i, ref in enumerate(r.refs or [None]):
            status, msg, repl = _check(r, ref, res, text, as_of, doc_date, canonical_seen)
            if status == "non_canonical":
                if e.id in flagged_non_canonical:
                    status, msg = "ok", ""
                else:
                    flagged_non_canonical.add(e.id)
            out.append(_citation(text, r, ref, e, status, msg, repl, first=(i == 0), score=res.score))
        if _clean(r.name) == _clean(e.name):
            canonical_seen.add(e.name)
    return out


def _is_self(text: str, r: _Raw) -> bool:
    """「本《…》」, 「现将《…》印发给你们」: the document itself or its attachment, not a legal basis."""
    before = text[max(0, r.start - 6) : r.start]
    after = text[r.name_end : r.name_end + 12]
    return before.endswith(("本", "现将", "将", "制定", "印发", "出台")) or bool(re.match(r"[^。\n]{0,6}(?:印发|已经|经.{0,10}通过|予以公布)", after))


def _citation(text: str, r: _Raw, ref, e: LawEntry | None, status: str, msg: str, repl: str | None = None,
              cands: list[str] | None = None, first: bool = True, score: float | None = None) -> Citation:
    if ref is None or first:
        start, end = r.start, (ref[1] if ref else r.end)
    else:
        start, end = ref[0], ref[1]
    return Citation(
        raw=text[start:end], start=start, end=end, law_name=r.name, article=ref[2] if ref else None,
        law_id=e.id if e else None, canonical=e.name if e else None, status=status, message=msg,
        replaced_by=repl, candidates=cands or [], score=score,
    )
