"""Compare two versions of a document: align articles, show changes, and check whether the review
opinions on the old version were adopted (审查意见采纳情况).

    comp = compare("村规民约-送审稿.docx", "村规民约-修改稿.docx")
    comp.counts          # {"resolved": 2, "remaining": 1, "new": 0, "modified": 2, ...}
    print(comp.to_text())
    comp.write_docx("采纳情况.docx")

Alignment: each version is cut into articles (第X条, contract clauses, or outline items from the
structure parser; paragraphs when there is no structure). Articles are compared by their text
*without* the number, so renumbering does not count as a change, and aligned in order by dynamic
programming over rapidfuzz similarity (inserted and deleted articles are gaps); unmatched articles
that reappear elsewhere are paired as moved.

Findings: an old finding is *remaining* when a finding of the same rule occurs in the aligned new
article (or, for findings outside any article, anywhere with a similar quote); otherwise *resolved*
(the article was deleted or revised). New findings that match no old one are *new*.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, computed_field
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from .models import DOC_TYPE_LABELS, Document, Finding, ReviewReport

MATCH_THRESHOLD = 55.0  # minimum similarity (0-100) for two articles to be the same article revised
GAP_THRESHOLD = 40.0  # minimum similarity for an article rewritten in place (between two aligned articles)
MOVE_THRESHOLD = 80.0
WHOLE_REPLACE_BELOW = 60.0
HEADING_MIN_CHARS = 20  # shorter own lines of outline parents (「二、支持范围」) are section titles, not compared  # below this similarity a modified article is shown as replaced whole  # minimum similarity to pair an article that moved out of order
QUOTE_THRESHOLD = 60.0  # minimum quote similarity to keep a document-level finding as remaining
COUNTED = ("error", "warning")
UNIT_KINDS = ("article", "clause")

_WS = re.compile(r"\s+")
_LABEL = re.compile(r"^\s*(?:第[一二三四五六七八九十百千零〇\d\s]+?[条章节]|[一二三四五六七八九十百]+[、.．]|"
                    r"[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．](?!\d))\s*")

ArticleStatus = Literal["unchanged", "renumbered", "modified", "moved", "inserted", "deleted"]
FindingStatus = Literal["resolved", "remaining", "new"]
STATUS_LABELS = {"unchanged": "未改动", "renumbered": "仅序号变化", "modified": "修改", "moved": "移动",
                 "inserted": "新增", "deleted": "删除"}
FINDING_LABELS = {"resolved": "已采纳（问题已解决）", "remaining": "未采纳（问题仍存在）", "new": "新发现问题"}


class DiffOp(BaseModel):
    op: Literal["equal", "insert", "delete", "replace"]
    old: str = ""
    new: str = ""


class ArticleChange(BaseModel):
    status: ArticleStatus
    old_label: str | None = None
    new_label: str | None = None
    old_start: int | None = None
    old_end: int | None = None
    new_start: int | None = None
    new_end: int | None = None
    old_text: str | None = None
    new_text: str | None = None
    similarity: float | None = None
    diff: list[DiffOp] = Field(default_factory=list)


class FindingOutcome(BaseModel):
    status: FindingStatus
    rule_id: str
    severity: str
    category: str
    title: str
    message: str = ""
    suggestion: str = ""
    old_quote: str | None = None
    old_location: str | None = None
    new_quote: str | None = None
    new_location: str | None = None
    note: str = ""


class VersionInfo(BaseModel):
    path: str | None = None
    title: str | None = None
    sha256: str = ""
    doc_type: str = "other"
    errors: int = 0
    warnings: int = 0
    conclusion: str = ""


class Comparison(BaseModel):
    compared_at: dt.datetime | None = None
    old: VersionInfo
    new: VersionInfo
    articles: list[ArticleChange] = Field(default_factory=list)
    findings: list[FindingOutcome] = Field(default_factory=list)
    old_report: ReviewReport | None = None
    new_report: ReviewReport | None = None

    @computed_field
    @property
    def counts(self) -> dict[str, int]:
        c = {k: 0 for k in (*FINDING_LABELS, *STATUS_LABELS)}
        for f in self.findings:
            c[f.status] += 1
        for a in self.articles:
            c[a.status] += 1
        return c

    def to_text(self) -> str:
        return render_text(self)

    def write_docx(self, path: str | Path, *, force: bool = True) -> Path:
        return write_docx(self, path, force=force)


# ----------------------------------------------------------------------------- articles


class _Unit:
    __slots__ = ("label", "start", "end", "text", "body", "key")

    def __init__(self, label: str, start: int, end: int, text: str):
        self.label, self.start, self.end, self.text = label, start, end, text
        self.body = _LABEL.sub("", text, count=1).strip()
        self.key = _WS.sub("", self.body)


def articles_of(text: str, outline: list | None = None) -> list[_Unit]:
    """The comparable units of a document: structural articles/clauses (outermost, with their
    paragraphs and items), else the items of an outline-style text (the innermost headings; a parent
    heading contributes its own line), else non-empty lines."""
    nodes: list[tuple[str, int, int]] = []
    if outline:
        def walk(ns):
            for n in ns:
                if n.kind in UNIT_KINDS:
                    nodes.append((n.label or "", n.start, n.end))  # outermost only: its items belong to it
                else:
                    walk(n.children)
        walk(outline)
        if not nodes:
            def leaves(ns):
                for n in ns:
                    kids = [c for c in n.children if c.kind == "heading"]
                    if n.kind != "heading":
                        continue
                    if not kids:
                        nodes.append((n.label or "", n.start, n.end))
                        continue
                    own_end = min(c.start for c in kids)
                    # a parent's own line is compared only when it says something (not a bare section title)
                    if len(_WS.sub("", text[n.start:own_end])) >= HEADING_MIN_CHARS:
                        nodes.append((n.label or "", n.start, own_end))
                    leaves(kids)
            leaves(outline)
    units = []
    for label, start, end in sorted(nodes, key=lambda x: x[1]):
        while end > start and text[end - 1].isspace():
            end -= 1
        units.append(_Unit(label, start, end, text[start:end]))
    if units:
        return units
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            m = _LABEL.match(line)
            out.append(_Unit(m.group(0).strip() if m else "", pos, pos + len(line), line))
        pos += len(line) + 1
    return out


def _all(nodes):
    for n in nodes:
        yield n
        yield from _all(n.children)


def _sim(a: _Unit, b: _Unit) -> float:
    if a.key == b.key:
        return 100.0
    if not a.key or not b.key:
        return 0.0
    return float(fuzz.ratio(a.key, b.key))


_PUNCT = re.compile(r"[\s，。；：、！？,.;:!?“”‘’\"'（）()《》〔〕\[\]【】—…-]")


def _containment(a: _Unit, b: _Unit) -> float:
    """Share (0-100) of the shorter article's character bigrams (punctuation removed) found in the other:
    an article rewritten around a kept phrase (「乱倒垃圾的」) scores high, one that only shares a
    formula (「村民应当」) low."""
    x, y = _PUNCT.sub("", a.key), _PUNCT.sub("", b.key)
    bx = {x[i:i + 2] for i in range(len(x) - 1)}
    by = {y[i:i + 2] for i in range(len(y) - 1)}
    if not bx or not by:
        return 0.0
    # a short heading (「固定资产投资支持」) is contained in many long articles: scale by relative length
    length = min(1.0, 2.5 * min(len(x), len(y)) / max(len(x), len(y)))
    return 100.0 * length * len(bx & by) / min(len(bx), len(by))


def _dp(sim, rows: list[int], cols: list[int], threshold: float) -> list[tuple[int | None, int | None, float]]:
    """Monotonic alignment of ``rows`` with ``cols`` maximizing the summed similarity above ``threshold``."""
    n, m = len(rows), len(cols)
    best = [[0.0] * (m + 1) for _ in range(n + 1)]  # best[i][j]: best score aligning rows[i:] with cols[j:]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            s = sim[rows[i]][cols[j]]
            pair = best[i + 1][j + 1] + (s - threshold) if s >= threshold else float("-inf")
            best[i][j] = max(pair, best[i + 1][j], best[i][j + 1])
    out: list[tuple[int | None, int | None, float]] = []
    i = j = 0
    while i < n and j < m:
        s = sim[rows[i]][cols[j]]
        if s >= threshold and best[i][j] == best[i + 1][j + 1] + (s - threshold):
            out.append((rows[i], cols[j], s))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            out.append((rows[i], None, 0.0))
            i += 1
        else:
            out.append((None, cols[j], 0.0))
            j += 1
    return out + [(rows[k], None, 0.0) for k in range(i, n)] + [(None, cols[k], 0.0) for k in range(j, m)]


def align(old: list[_Unit], new: list[_Unit]) -> list[tuple[int | None, int | None, float]]:
    """Align articles in three passes: (1) a monotonic alignment of clearly similar articles
    (``MATCH_THRESHOLD``); (2) inside each gap between two aligned pairs, deleted and inserted articles
    that sit at the same place and still share wording (``GAP_THRESHOLD``) are the same article
    rewritten; (3) a remaining deletion that reappears elsewhere almost verbatim is a move (the
    similarity of a move is returned negative)."""
    sim = [[_sim(a, b) for b in new] for a in old]
    first = _dp(sim, list(range(len(old))), list(range(len(new))), MATCH_THRESHOLD)
    pairs: list[tuple[int | None, int | None, float]] = []
    gap_d: list[int] = []
    gap_i: list[int] = []

    def flush():
        if gap_d and gap_i:
            gsim = {d: {i: max(sim[d][i], _containment(old[d], new[i])) for i in gap_i} for d in gap_d}
            pairs.extend(_dp(gsim, gap_d, gap_i, GAP_THRESHOLD))
        else:
            pairs.extend([(d, None, 0.0) for d in gap_d] + [(None, i, 0.0) for i in gap_i])
        gap_d.clear()
        gap_i.clear()

    for a, b, s in first:
        if a is not None and b is not None:
            flush()
            pairs.append((a, b, s))
        elif a is not None:
            gap_d.append(a)
        else:
            gap_i.append(b)
    flush()

    dels = [k for k, (a, b, _) in enumerate(pairs) if b is None]
    ins = [k for k, (a, b, _) in enumerate(pairs) if a is None]
    used: set[int] = set()
    moved: dict[int, tuple[int, float]] = {}
    for dk in dels:
        a = pairs[dk][0]
        cands = [(sim[a][pairs[ik][1]], ik) for ik in ins if ik not in used]
        if cands:
            s, ik = max(cands)
            if s >= MOVE_THRESHOLD:
                used.add(ik)
                moved[dk] = (ik, s)
    if moved:
        out = []
        for k, (a, b, s) in enumerate(pairs):
            if k in used:
                continue
            if k in moved:
                ik, s2 = moved[k]
                out.append((a, pairs[ik][1], -s2))
            else:
                out.append((a, b, s))
        pairs = out
    return pairs


def _diff(a: str, b: str) -> list[DiffOp]:
    ops = []
    for tag, i1, i2, j1, j2 in Levenshtein.opcodes(a, b).as_list():
        ops.append(DiffOp(op=tag, old=a[i1:i2], new=b[j1:j2]))
    # merge tiny equal runs between changes into the change for readability
    merged: list[DiffOp] = []
    for op in ops:
        if merged and op.op != "equal" and merged[-1].op != "equal":
            prev = merged[-1]
            merged[-1] = DiffOp(op="replace", old=prev.old + op.old, new=prev.new + op.new)
        else:
            merged.append(op)
    return merged


def article_changes(old_text: str, new_text: str, old_outline=None, new_outline=None) -> list[ArticleChange]:
    old_u, new_u = articles_of(old_text, old_outline), articles_of(new_text, new_outline)
    out = []
    for a, b, s in align(old_u, new_u):
        ou = old_u[a] if a is not None else None
        nu = new_u[b] if b is not None else None
        if ou is None:
            status = "inserted"
        elif nu is None:
            status = "deleted"
        elif s < 0:
            status = "moved"
        elif ou.key == nu.key:
            status = "unchanged" if _WS.sub("", ou.label) == _WS.sub("", nu.label) else "renumbered"
        else:
            status = "modified"
        ch = ArticleChange(status=status, similarity=round(abs(s), 1) if ou and nu else None)
        if ou:
            ch.old_label, ch.old_start, ch.old_end, ch.old_text = ou.label, ou.start, ou.end, ou.text
        if nu:
            ch.new_label, ch.new_start, ch.new_end, ch.new_text = nu.label, nu.start, nu.end, nu.text
        if status in ("modified", "moved") and ou and nu:
            # a character diff of two largely different texts is noise: show old → new whole
            ch.diff = (_diff(ou.body, nu.body) if abs(s) >= WHOLE_REPLACE_BELOW
                       else [DiffOp(op="replace", old=ou.body, new=nu.body)])
        out.append(ch)
    return out


# ----------------------------------------------------------------------------- findings


def _counted(report: ReviewReport) -> list[Finding]:
    return [f for f in report.findings if f.severity in COUNTED and not f.waived]


def _article_index(changes: list[ArticleChange], side: str, offset: int) -> int | None:
    for k, ch in enumerate(changes):
        s, e = getattr(ch, f"{side}_start"), getattr(ch, f"{side}_end")
        if s is not None and s <= offset < max(e, s + 1):
            return k
    return None


def classify_findings(old: ReviewReport, new: ReviewReport, changes: list[ArticleChange]) -> list[FindingOutcome]:
    new_f = _counted(new)
    taken: set[int] = set()
    out: list[FindingOutcome] = []
    for f in _counted(old):
        k = _article_index(changes, "old", f.start)
        ch = changes[k] if k is not None else None
        cands = [(i, g) for i, g in enumerate(new_f) if i not in taken and g.rule_id == f.rule_id]
        best, note = None, ""
        if ch is not None and ch.new_start is not None:
            inside = [(i, g) for i, g in cands if _article_index(changes, "new", g.start) == k]
            if inside:
                best = max(inside, key=lambda x: fuzz.ratio(x[1].quote, f.quote))
        if best is None:
            # the clause may have moved without being aligned, or the finding is about the whole text
            scored = [(fuzz.ratio(_WS.sub("", g.quote), _WS.sub("", f.quote)), i, g) for i, g in cands]
            scored = [x for x in scored if x[0] >= (QUOTE_THRESHOLD if ch is None else 90)]
            if scored:
                _, i, g = max(scored, key=lambda x: x[0])
                best = (i, g)
        if best is not None:
            i, g = best
            taken.add(i)
            out.append(_outcome("remaining", f, g, note="修改稿仍存在该问题"))
            continue
        if ch is not None and ch.status == "deleted":
            note = "相关条款已删除"
        elif ch is not None and ch.status in ("modified", "moved"):
            note = "相关条款已修改，问题不再出现"
        else:
            note = "修改稿中未再发现该问题"
        out.append(_outcome("resolved", f, None, note=note))
    for i, g in enumerate(new_f):
        if i not in taken:
            k = _article_index(changes, "new", g.start)
            where = changes[k].status if k is not None else None
            note = {"inserted": "新增条款中的问题", "modified": "修改后的条款中的问题"}.get(where, "修改稿中新发现的问题")
            out.append(_outcome("new", None, g, note=note))
    return out


def _outcome(status: str, old: Finding | None, new: Finding | None, note: str) -> FindingOutcome:
    f = old or new
    assert f is not None
    return FindingOutcome(
        status=status, rule_id=f.rule_id, severity=f.severity, category=f.category, title=f.title,
        message=f.message, suggestion=f.suggestion,
        old_quote=old.quote if old else None, old_location=old.location if old else None,
        new_quote=new.quote if new else None, new_location=new.location if new else None, note=note)


# ----------------------------------------------------------------------------- entry point


def _as_report(src: Any, *, doc_type: str | None, rules: Any, as_of: dt.date | None,
               materials: Any = None) -> ReviewReport:
    if isinstance(src, ReviewReport):
        return src
    from .pipeline import review

    return review(src, doc_type=doc_type, rules=rules, as_of=as_of, materials=materials)


def _info(r: ReviewReport) -> VersionInfo:
    d = r.document
    return VersionInfo(path=d.path, title=d.title, sha256=d.sha256, doc_type=d.doc_type, errors=r.summary.errors,
                       warnings=r.summary.warnings, conclusion=r.summary.conclusion)


def compare(old: str | Path | Document | ReviewReport, new: str | Path | Document | ReviewReport, *,
            rules: Any = None, doc_type: str | None = None, as_of: dt.date | None = None,
            materials: Any = None) -> Comparison:
    """Compare two versions. Paths and Documents are reviewed (NEW with the type of OLD unless
    ``doc_type`` is given, so both are judged by the same rules); ReviewReports are used as they are."""
    old_r = _as_report(old, doc_type=doc_type, rules=rules, as_of=as_of)
    new_r = _as_report(new, doc_type=doc_type or old_r.document.doc_type, rules=rules, as_of=as_of,
                       materials=materials)
    changes = article_changes(old_r.document.text, new_r.document.text, old_r.document.outline,
                              new_r.document.outline)
    return Comparison(compared_at=dt.datetime.now().replace(microsecond=0), old=_info(old_r), new=_info(new_r),
                      articles=changes, findings=classify_findings(old_r, new_r, changes),
                      old_report=old_r, new_report=new_r)


# ----------------------------------------------------------------------------- output


def _inline_diff(ops: list[DiffOp]) -> str:
    parts = []
    for op in ops:
        if op.op == "equal":
            parts.append(op.old)
        elif op.op == "delete":
            parts.append(f"［删：{op.old}］")
        elif op.op == "insert":
            parts.append(f"［增：{op.new}］")
        else:
            parts.append(f"［{op.old}→{op.new}］" if len(op.old) + len(op.new) < 40 else f"［原：{op.old}］［改为：{op.new}］")
    return "".join(parts)


def _short(s: str | None, n: int = 80) -> str:
    s = _WS.sub(" ", s or "").strip()
    return s if len(s) <= n else s[: n - 1] + "…"


def render_text(c: Comparison) -> str:
    n = c.counts
    out = [
        f"原稿：{c.old.path or ''}（{c.old.title or '无标题'}）",
        f"修改稿：{c.new.path or ''}（{c.new.title or '无标题'}）",
        f"文件类型：{DOC_TYPE_LABELS.get(c.new.doc_type, c.new.doc_type)}",
        "",
        f"条文对照：修改 {n['modified']}，新增 {n['inserted']}，删除 {n['deleted']}，移动 {n['moved']}，"
        f"仅序号变化 {n['renumbered']}，未改动 {n['unchanged']}",
    ]
    for a in c.articles:
        if a.status in ("unchanged",):
            continue
        lab = f"{a.old_label or '—'} → {a.new_label or '—'}"
        if a.status == "modified" or a.status == "moved":
            out.append(f"  【{STATUS_LABELS[a.status]}】{lab}：{_short(_inline_diff(a.diff), 160)}")
        elif a.status == "inserted":
            out.append(f"  【新增】{lab}：{_short(a.new_text, 120)}")
        elif a.status == "deleted":
            out.append(f"  【删除】{lab}：{_short(a.old_text, 120)}")
        else:
            out.append(f"  【{STATUS_LABELS[a.status]}】{lab}")
    out += ["", f"审查意见采纳情况：已解决 {n['resolved']}，仍存在 {n['remaining']}，新发现 {n['new']}"]
    for status in ("remaining", "new", "resolved"):
        items = [f for f in c.findings if f.status == status]
        if not items:
            continue
        out.append(f"  {FINDING_LABELS[status]}：")
        for f in items:
            q = f.new_quote if status == "new" else f.old_quote
            loc = f.new_location if status == "new" else f.old_location
            if status == "remaining" and f.new_location and f.new_location != f.old_location:
                loc = f"{f.old_location or ''}→修改稿{f.new_location}"
            out.append(f"    - {f.title}（{f.rule_id}，{loc or ''}）「{_short(q, 60)}」：{f.note}")
    return "\n".join(out)


def write_docx(c: Comparison, path: str | Path, *, force: bool = True) -> Path:
    """The 「审查意见采纳情况」 table: 序号, 原稿条款, 审查意见, 修改稿条款, 采纳情况 (East Asian fonts set)."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from .fsutil import atomic_path, check_output_path
    from .reports.docxutil import set_font, strip_theme_fonts

    out = check_output_path(path, [p for p in (c.old.path, c.new.path) if p], force=force)
    d = docx.Document()
    normal = d.styles["Normal"]
    set_font(normal, "仿宋_GB2312", 12)
    title = d.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("审查意见采纳情况")
    set_font(run, "方正小标宋简体", 22)
    n = c.counts
    for line in (f"原稿：{c.old.title or c.old.path or ''}", f"修改稿：{c.new.title or c.new.path or ''}",
                 f"共提出审查意见 {n['resolved'] + n['remaining']} 条：已采纳 {n['resolved']} 条，"
                 f"未采纳 {n['remaining']} 条；修改稿新发现问题 {n['new']} 条。"):
        d.add_paragraph(line)
    table = _table(d, ("序号", "原稿条款", "审查意见", "修改稿条款", "采纳情况"))
    order = {"remaining": 0, "resolved": 1, "new": 2}
    for k, f in enumerate(sorted(c.findings, key=lambda f: order[f.status]), 1):
        old_clause = f"{f.old_location or ''}：{_short(f.old_quote, 200)}" if f.old_quote else "（原稿无）"
        new_clause = f"{f.new_location or ''}：{_short(f.new_quote, 200)}" if f.new_quote else "（已删除或修改，见条文对照）"
        opinion = f"{f.title}。{f.message}" + (f"建议：{f.suggestion}" if f.suggestion else "")
        status = {"resolved": "已采纳", "remaining": "未采纳", "new": "新发现问题"}[f.status] + f"（{f.note}）"
        _row(table, (str(k), old_clause, opinion, new_clause, status))
    changed = [a for a in c.articles if a.status not in ("unchanged",)]
    if changed:
        set_font(d.add_paragraph().add_run("附：条文修改对照"), "黑体", 14)
        t2 = _table(d, ("变化", "原稿", "修改稿"))
        for a in changed:
            _row(t2, (STATUS_LABELS[a.status], _short(a.old_text, 300) if a.old_text else "—",
                      _short(a.new_text, 300) if a.new_text else "—"))
    strip_theme_fonts(d)  # theme fonts in docDefaults would override w:eastAsia in Word
    with atomic_path(out) as tmp:
        d.save(tmp)
    return out


def _table(d, headers: tuple[str, ...]):
    from .reports.docxutil import set_font

    table = d.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, h in zip(table.rows[0].cells, headers):
        set_font(cell.paragraphs[0].add_run(h), "黑体", 12, bold=True)
    return table


def _row(table, values: tuple[str, ...]) -> None:
    from .reports.docxutil import set_font

    for cell, text in zip(table.add_row().cells, values):
        set_font(cell.paragraphs[0].add_run(text), "仿宋_GB2312", 10.5)
