"""``legalreview eval``: precision and recall of the rule packs against an annotated manifest.

Manifest (JSON lines, the format of ``../shared/eval/dev/manifest.jsonl``)::

    {"file": "docs/001.txt", "doc_type": "village_rules", "complete": true,
     "expected_findings": [{"quote": "...", "category": "fine_by_village", "basis": "..."}],
     "acceptable": [{"quote": "...", "category": "..."}]}

Counting (documented in the output as well):

* Only findings of severity ``error`` or ``warning`` count; ``info`` findings and waived ones are ignored.
* Expected and acceptable quotes are located in ``document.text`` tolerating white space and
  full-/half-width punctuation differences; every occurrence is a span. A quote that cannot be
  located is reported (and its expected finding counts as missed).
* A finding whose span overlaps an expected quote is a true positive; one that overlaps only an
  acceptable quote is neither TP nor FP; any other finding is a false positive.
* Precision = TP findings / (TP + FP findings); recall = expected quotes hit by at least one finding
  / all expected quotes; F1 from the two.
* For excerpts (``complete: false``), findings about something *absent* from the text (rules of
  document scope with an ``absent`` matcher, or the categories in ``EXCERPT_ABSENT_CATEGORIES``) are
  not counted as false positives: the missing part may simply not have been excerpted.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, computed_field

from .errors import InputError, LegalReviewError
from .models import DOC_TYPES, ReviewReport

COUNTED_SEVERITIES = ("error", "warning")
EXCERPT_ABSENT_CATEGORIES = frozenset({
    "missing_validity_period",
    "missing_dispute_clause",
    "missing_legal_basis",
    "missing_doc_number",
    "missing_essential_terms",
})
# the manifest's shorthand for doc types
TYPE_ALIASES = {"contract": "agency_contract", "normative": "normative_document", "village": "village_rules",
                "party": "party_normative_document", "enforcement": "enforcement_decision",
                "decision": "major_decision"}


# ----------------------------------------------------------------------------- result model


class Counts(BaseModel):
    tp: int = 0  # findings overlapping an expected quote
    fp: int = 0  # findings overlapping neither an expected nor an acceptable quote
    expected: int = 0  # expected findings
    hit: int = 0  # expected findings hit by at least one finding

    @computed_field
    @property
    def precision(self) -> float | None:
        return round(self.tp / (self.tp + self.fp), 4) if (self.tp + self.fp) else None

    @computed_field
    @property
    def recall(self) -> float | None:
        return round(self.hit / self.expected, 4) if self.expected else None

    @computed_field
    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or (p + r) == 0:
            return None if (p is None or r is None) else 0.0
        return round(2 * p * r / (p + r), 4)

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.expected += other.expected
        self.hit += other.hit


class Miss(BaseModel):
    file: str
    quote: str
    category: str
    located: bool = True
    start: int | None = None


class FalsePositive(BaseModel):
    file: str
    rule_id: str
    category: str
    severity: str
    quote: str
    start: int
    end: int


class DocEval(BaseModel):
    file: str
    doc_type: str  # from the manifest
    reviewed_as: str  # the type used for the review
    detected_type: str
    detected_confidence: float = 0.0
    complete: bool = True
    counts: Counts = Field(default_factory=Counts)
    misses: list[Miss] = Field(default_factory=list)
    false_positives: list[FalsePositive] = Field(default_factory=list)
    acceptable_hits: int = 0
    excerpt_ignored: list[FalsePositive] = Field(default_factory=list)
    unlocated: list[str] = Field(default_factory=list)  # expected/acceptable quotes not found in the text
    expected_by_category: dict[str, int] = Field(default_factory=dict)
    error: str | None = None


class EvalResult(BaseModel):
    manifest: str
    docs_dir: str
    type_from_manifest: bool = True
    as_of: dt.date | None = None
    overall: Counts = Field(default_factory=Counts)
    by_type: dict[str, Counts] = Field(default_factory=dict)
    by_category: dict[str, Counts] = Field(default_factory=dict)  # recall by expected category
    fp_by_category: dict[str, int] = Field(default_factory=dict)  # false positives by finding category
    doc_type_correct: int = 0
    doc_type_total: int = 0
    doc_type_errors: list[dict[str, Any]] = Field(default_factory=list)
    docs: list[DocEval] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @computed_field
    @property
    def doc_type_accuracy(self) -> float | None:
        return round(self.doc_type_correct / self.doc_type_total, 4) if self.doc_type_total else None


# ----------------------------------------------------------------------------- locating quotes


def _norm_char(ch: str) -> str:
    """Per-character normalization that keeps a 1:1 mapping: full-width ASCII → half-width, quotes unified."""
    if ch in "“”„‟":
        return '"'
    if ch in "‘’":
        return "'"
    n = unicodedata.normalize("NFKC", ch)
    return n if len(n) == 1 else ch


def _squashed(text: str) -> tuple[str, list[int]]:
    """``text`` without white space and with normalized characters, plus each kept character's offset."""
    chars, pos = [], []
    for i, ch in enumerate(text):
        if ch.isspace():
            continue
        chars.append(_norm_char(ch))
        pos.append(i)
    return "".join(chars), pos


def locate(text: str, quote: str, _cache: dict | None = None) -> list[tuple[int, int]]:
    """All spans of ``quote`` in ``text``, tolerating white space and full/half-width differences."""
    if not quote.strip():
        return []
    spans: list[tuple[int, int]] = []
    i = text.find(quote)
    while i >= 0:
        spans.append((i, i + len(quote)))
        i = text.find(quote, i + 1)
    if spans:
        return spans
    key = id(text)
    if _cache is not None and key in _cache:
        sq, pos = _cache[key]
    else:
        sq, pos = _squashed(text)
        if _cache is not None:
            _cache[key] = (sq, pos)
    q, _ = _squashed(quote)
    if not q:
        return []
    j = sq.find(q)
    while j >= 0:
        spans.append((pos[j], pos[j + len(q) - 1] + 1))
        j = sq.find(q, j + 1)
    return spans


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


# ----------------------------------------------------------------------------- manifest


def read_manifest(path: str | Path) -> list[dict[str, Any]]:
    p = Path(path)
    if not p.exists():
        raise InputError("评测清单文件不存在", path=p, cause="manifest not found")
    rows = []
    for n, line in enumerate(p.read_text(encoding="utf-8-sig").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"评测清单第{n}行不是合法的 JSON", path=p, cause=str(e)) from e
        if not isinstance(row, dict) or "file" not in row or "doc_type" not in row:
            raise InputError(f"评测清单第{n}行缺少 file 或 doc_type 字段", path=p, cause="missing file/doc_type")
        dtp = TYPE_ALIASES.get(row["doc_type"], row["doc_type"])
        if dtp not in DOC_TYPES:
            raise InputError(f"评测清单第{n}行的文件类型「{row['doc_type']}」无法识别", path=p, cause="unknown doc_type")
        row["doc_type"] = dtp
        rows.append(row)
    return rows


def _resolve(docs_dir: Path, manifest: Path, file: str) -> Path:
    for base in (docs_dir, manifest.parent):
        cand = base / file
        if cand.exists():
            return cand
    raise InputError("评测清单中的文件不存在", path=docs_dir / file, cause="manifest file not found")


# ----------------------------------------------------------------------------- evaluation

ReviewFn = Callable[..., ReviewReport]


def _absent_rule_ids(pack: Any) -> set[str]:
    """Ids of rules of document scope whose match contains an ``absent`` matcher (best effort: the
    pack's rule objects follow ``engine.schema.Rule``)."""
    from .engine import schema

    out: set[str] = set()

    def has_absent(m: Any) -> bool:
        if isinstance(m, schema.AbsentMatcher):
            return True
        for attr in ("all", "any"):
            kids = getattr(m, attr, None)
            if isinstance(kids, list | tuple):
                return any(has_absent(k) for k in kids)
        return False

    for r in getattr(pack, "rules", []) or []:
        rule = getattr(r, "rule", r)  # a compiled rule may wrap the schema rule
        if getattr(rule, "scope", None) == "document" and has_absent(getattr(rule, "match", None)):
            out.add(getattr(rule, "id", ""))
    return out


def evaluate_report(file: str, row: dict[str, Any], report: ReviewReport, *, absent_rules: Iterable[str] = (),
                    detected: tuple[str, float] | None = None) -> DocEval:
    """Score one review report against one manifest row."""
    text = report.document.text
    cache: dict = {}
    complete = bool(row.get("complete", True))
    absent_rules = set(absent_rules)
    det_type, det_conf = detected or (report.document.doc_type, report.document.doc_type_confidence)
    de = DocEval(file=file, doc_type=row["doc_type"], reviewed_as=report.document.doc_type, detected_type=det_type,
                 detected_confidence=det_conf, complete=complete)

    expected = []  # (item, spans)
    for e in row.get("expected_findings", []) or []:
        spans = locate(text, e["quote"], cache)
        if not spans:
            de.unlocated.append(e["quote"])
        expected.append((e, spans))
    acceptable = []
    for a in row.get("acceptable", []) or []:
        spans = locate(text, a["quote"], cache)
        if not spans:
            de.unlocated.append(a["quote"])
        acceptable.extend(spans)

    hit = [False] * len(expected)
    for f in report.findings:
        if f.severity not in COUNTED_SEVERITIES or f.waived:
            continue
        span = (f.start, max(f.end, f.start + 1))
        matched = False
        for k, (_, spans) in enumerate(expected):
            if any(_overlaps(span, s) for s in spans):
                hit[k] = True
                matched = True
        fp = FalsePositive(file=file, rule_id=f.rule_id, category=f.category, severity=f.severity, quote=f.quote,
                           start=f.start, end=f.end)
        if matched:
            de.counts.tp += 1
        elif any(_overlaps(span, s) for s in acceptable):
            de.acceptable_hits += 1
        elif not complete and (f.rule_id in absent_rules or f.category in EXCERPT_ABSENT_CATEGORIES):
            de.excerpt_ignored.append(fp)
        else:
            de.counts.fp += 1
            de.false_positives.append(fp)
    de.counts.expected = len(expected)
    de.counts.hit = sum(hit)
    de.expected_by_category = _by_category(row)
    for k, (e, spans) in enumerate(expected):
        if not hit[k]:
            de.misses.append(Miss(file=file, quote=e["quote"], category=e.get("category", "other"),
                                  located=bool(spans), start=spans[0][0] if spans else None))
    return de


def evaluate(docs_dir: str | Path, manifest: str | Path | None = None, *, rules: Any = None,
             type_from_manifest: bool = True, as_of: dt.date | None = None,
             review_fn: ReviewFn | None = None, progress: Callable[[str], None] | None = None) -> EvalResult:
    """Review every document of ``manifest`` and score the findings.

    ``type_from_manifest``: review each document as the manifest's type (default) or as detected.
    Doc-type detection accuracy is reported either way. ``review_fn(document, doc_type=..., rules=...,
    as_of=...)`` replaces ``pipeline.review`` (tests inject fixed findings).
    """
    from . import classify as _classify
    from .ingest import load

    docs_dir = Path(docs_dir)
    manifest_p = Path(manifest) if manifest else docs_dir / "manifest.jsonl"
    rows = read_manifest(manifest_p)
    as_of = as_of or dt.date.today()
    absent_rules: set[str] = set()
    if review_fn is None:
        from . import engine
        from .pipeline import review

        pack = rules if isinstance(rules, engine.RulePack) else engine.load_pack(rules)
        absent_rules = _absent_rule_ids(pack)

        def review_fn(doc, doc_type=None, rules=None, as_of=None):  # noqa: ARG001 - the pack is closed over
            return review(doc, doc_type=doc_type, rules=pack, as_of=as_of)

    res = EvalResult(manifest=str(manifest_p), docs_dir=str(docs_dir), type_from_manifest=type_from_manifest,
                     as_of=as_of)
    for row in rows:
        file = row["file"]
        if progress:
            progress(file)
        path = _resolve(docs_dir, manifest_p, file)
        try:
            doc = load(path)
        except LegalReviewError as e:  # an unreadable document is reported, the others still count
            res.docs.append(_failed(row, row["doc_type"], "other", str(e)))
            res.doc_type_total += 1
            continue
        det = _classify.classify(doc)
        res.doc_type_total += 1
        if det.doc_type == row["doc_type"]:
            res.doc_type_correct += 1
        else:
            res.doc_type_errors.append({"file": file, "expected": row["doc_type"], "detected": det.doc_type,
                                        "confidence": det.doc_type_confidence, "reasons": det.doc_type_reasons})
        review_type = row["doc_type"] if type_from_manifest else det.doc_type
        try:
            report = review_fn(doc, doc_type=review_type, rules=rules, as_of=as_of)
        except Exception as e:  # one broken document must not hide the figures of the others
            res.docs.append(_failed(row, review_type, det.doc_type, f"{type(e).__name__}: {e}"))
        else:
            res.docs.append(evaluate_report(file, row, report, absent_rules=absent_rules,
                                            detected=(det.doc_type, det.doc_type_confidence)))
    _aggregate(res)
    return res


def _failed(row: dict[str, Any], reviewed_as: str, detected: str, error: str) -> DocEval:
    """A document that could not be loaded or reviewed: every expected finding is a miss."""
    expected = row.get("expected_findings", []) or []
    de = DocEval(file=row["file"], doc_type=row["doc_type"], reviewed_as=reviewed_as, detected_type=detected,
                 complete=bool(row.get("complete", True)), error=error)
    de.counts.expected = len(expected)
    de.expected_by_category = _by_category(row)
    de.misses = [Miss(file=row["file"], quote=x["quote"], category=x.get("category", "other"), located=False)
                 for x in expected]
    return de


def _by_category(row: dict[str, Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for e in row.get("expected_findings", []) or []:
        cat = e.get("category", "other")
        out[cat] = out.get(cat, 0) + 1
    return out


def _aggregate(res: EvalResult) -> None:
    res.overall = Counts()
    res.by_type, res.by_category, res.fp_by_category = {}, {}, {}
    for de in res.docs:
        res.overall.add(de.counts)
        res.by_type.setdefault(de.doc_type, Counts()).add(de.counts)
        for fp in de.false_positives:
            res.fp_by_category[fp.category] = res.fp_by_category.get(fp.category, 0) + 1
    # recall by expected category: rebuild from misses and the manifest counts per doc
    for de in res.docs:
        missed: dict[str, int] = {}
        for m in de.misses:
            missed[m.category] = missed.get(m.category, 0) + 1
        for cat, n in de.expected_by_category.items():
            c = res.by_category.setdefault(cat, Counts())
            c.expected += n
            c.hit += n - missed.get(cat, 0)
    ignored = sum(len(d.excerpt_ignored) for d in res.docs)
    res.notes = [
        "只计 error、warning 级别的问题；info 级别与已豁免的问题不计。",
        "问题范围与标注原文重叠即为命中（TP）；只与「可接受」标注重叠的问题既不算命中也不算误报。",
        "对节选文本（complete: false），关于文本中「缺少」某内容的全文级问题（absent 匹配器规则，以及类别 "
        + "、".join(sorted(EXCERPT_ABSENT_CATEGORIES)) + f"）不计为误报：缺少的部分可能只是未被节选。本次共忽略 {ignored} 个。",
    ]


# ----------------------------------------------------------------------------- text output


def _pct(x: float | None) -> str:
    return "  —  " if x is None else f"{x:.3f}"


def _pad(s: str, width: int) -> str:
    """Left-justify to a display width (CJK characters take two columns)."""
    w = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)
    return s + " " * max(0, width - w)


def _row(label: str, c: Counts, width: int = 26) -> str:
    return (f"{_pad(label, width)} P={_pct(c.precision)}  R={_pct(c.recall)}  F1={_pct(c.f1)}  "
            f"(TP {c.tp}, FP {c.fp}, 命中 {c.hit}/{c.expected})")


def format_text(res: EvalResult, *, max_items: int | None = None) -> str:
    """A Chinese plain-text summary: figures overall / by type / by category, then misses and false positives."""
    from .models import DOC_TYPE_LABELS

    out = [f"评测清单：{res.manifest}（{len(res.docs)} 份文件，审查类型取自"
           f"{'清单标注' if res.type_from_manifest else '自动识别'}，法律效力基准日 {res.as_of}）", ""]
    out.append(_row("总体", res.overall))
    acc = res.doc_type_accuracy
    out.append(f"文件类型识别准确率：{_pct(acc)}（{res.doc_type_correct}/{res.doc_type_total}）")
    for e in res.doc_type_errors:
        out.append(f"  识别错误：{e['file']} 标注 {e['expected']}，识别为 {e['detected']}（置信度 {e['confidence']:.2f}）")
    out += ["", "按文件类型："]
    for t, c in sorted(res.by_type.items()):
        out.append("  " + _row(f"{DOC_TYPE_LABELS.get(t, t)}({t})", c, 52))
    out += ["", "按问题类别（召回率按标注类别；误报数按规则类别）："]
    cats = sorted(set(res.by_category) | set(res.fp_by_category))
    for cat in cats:
        c = res.by_category.get(cat, Counts())
        rec = _pct(c.recall)
        out.append(f"  {cat:<32} R={rec}  命中 {c.hit}/{c.expected}  误报 {res.fp_by_category.get(cat, 0)}")

    misses = [m for d in res.docs for m in d.misses]
    fps = [f for d in res.docs for f in d.false_positives]
    lim = max_items if max_items is not None else len(misses) + len(fps)
    out += ["", f"漏报（{len(misses)}）："]
    for m in misses[:lim]:
        where = "" if m.located else "（原文中未找到该标注引文）"
        out.append(f"  [{m.category}] {m.file}：「{m.quote}」{where}")
    out += ["", f"误报（{len(fps)}）："]
    for f in fps[:lim]:
        out.append(f"  {f.rule_id} [{f.category}/{f.severity}] {f.file}：「{_short(f.quote)}」")
    errs = [d for d in res.docs if d.error]
    if errs:
        out += ["", "审查出错的文件："] + [f"  {d.file}：{d.error}" for d in errs]
    unloc = [(d.file, q) for d in res.docs for q in d.unlocated]
    if unloc:
        out += ["", "未能在原文中定位的标注引文："] + [f"  {f}：「{q}」" for f, q in unloc]
    ignored = [f for d in res.docs for f in d.excerpt_ignored]
    if ignored:
        out += ["", f"节选文本中不计的「缺少」类问题（{len(ignored)}）："]
        out += [f"  {f.rule_id} [{f.category}] {f.file}" for f in ignored]
    out += ["", "说明："] + [f"  {n}" for n in res.notes]
    return "\n".join(out)


def _short(s: str, n: int = 60) -> str:
    s = s.replace("\n", " ")
    return s if len(s) <= n else s[: n - 1] + "…"
