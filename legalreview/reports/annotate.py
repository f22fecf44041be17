"""The commented copy of the reviewed document (``--annotate 批注版.docx``).

For a .docx source the original file is opened (never written), and every unwaived finding gets a
real Word comment anchored on exactly the runs of its quote: runs are split at the finding's
character offsets (the split run is a deep copy of ``w:r``, so bold/italic/colour/``w:ins`` wrapping
are kept). Offsets are mapped with the reader's own ``iter_paragraphs``/``paragraph_segments``
(``legalreview.ingest.docx``), so ``Block.source == "docx:p:<n>"`` finds the same paragraph.

A finding spanning several paragraphs gets **one** comment, anchored from its first run in the first
paragraph to its last run in the last paragraph (Word shows one highlighted range).

For .txt/.md/.pdf (and other converted) sources a new .docx is written with one paragraph per block
of ``report.document.text`` (blocks are joined by ``\\n``) and the same comments.
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.run import Run

from ..errors import InputError, OutputError
from ..fsutil import atomic_path, check_output_path
from ..models import Finding, ReviewReport
from . import docxutil as du

SEVERITY_TAG = {"error": "违法", "warning": "建议修改", "info": "提示"}
DEFAULT_AUTHOR = "合法性审查"
DEFAULT_INITIALS = "审"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def comment_text(f: Finding) -> str:
    """【违法】title / 问题：… / 依据：《法》第X条「…」 / 建议：…"""
    lines = [f"【{SEVERITY_TAG.get(f.severity, f.severity)}】{f.title}", f"问题：{f.message}"]
    for b in f.basis:
        quote = f"「{b.text}」" if b.text else ""
        lines.append(f"依据：{b.law}{b.article or ''}{quote}")
    if f.suggestion:
        lines.append(f"建议：{f.suggestion}")
    return _CONTROL.sub(" ", "\n".join(lines))


def annotate(report: ReviewReport, out_path: str | Path, source: str | Path | None = None, *,
             author: str | None = None, initials: str | None = None) -> Path:
    """Write a copy of the reviewed document with one Word comment per unwaived finding.

    ``source``: the reviewed file (default: ``report.document.path``). The original is never written.
    Returns the output path.
    """
    out = Path(out_path)
    src = Path(source) if source is not None else (Path(report.document.path) if report.document.path else None)
    if src is not None and src.exists():
        check_output_path(out, [src], force=True)
    if out.suffix.lower() != ".docx":
        raise OutputError("批注版只能保存为 .docx 文件", path=out, cause="annotated copy must be .docx")
    author = author or DEFAULT_AUTHOR
    initials = DEFAULT_INITIALS if initials is None else initials
    findings = [f for f in report.findings if not f.waived]

    # the reader sniffs content, so trust its source_format (a .docx renamed .doc was converted, etc.)
    if src is not None and src.exists() and report.document.source_format == "docx":
        document, blocks = _open_docx_source(report, src)
        segments = _reader()[1]
    else:
        document, blocks = _new_docx_from_text(report.document.text)
        segments = _plain_segments

    for f in findings:
        _add_comment(document, f, report.document.text, blocks, segments, author, initials)

    with atomic_path(out) as tmp:
        document.save(str(tmp))
    return out


# --------------------------------------------------------------------------- sources


def _reader():
    """The reader's paragraph walker, so that offsets agree with ``Document.text``."""
    from ..ingest.docx import iter_paragraphs, paragraph_segments

    return iter_paragraphs, paragraph_segments


def _plain_segments(p_el):
    return [(t, t.text or "") for t in p_el.iter(qn("w:t"))]


def _open_docx_source(report: ReviewReport, src: Path):
    from ..ingest import load

    try:
        doc = load(src, structure=False)
    except TypeError:  # pragma: no cover - older load() without the keyword
        doc = load(src)
    if report.document.sha256 and doc.sha256 and doc.sha256 != report.document.sha256:
        raise InputError("被审查文件在审查之后已被修改，批注位置无法对应；请重新审查后再生成批注版", path=src,
                         cause="sha256 of the source differs from report.document.sha256")
    if doc.text != report.document.text:
        raise InputError("重新读取的文件内容与审查报告不一致，无法生成批注版", path=src,
                         cause="re-read text differs from report.document.text")
    try:
        document = docx.Document(str(src))
    except Exception as e:  # python-docx raises several kinds for corrupt packages
        raise InputError("无法打开 Word 文件以生成批注版", path=src, cause=repr(e)) from e
    iter_paragraphs = _reader()[0]
    paras = list(iter_paragraphs(document.element.body))
    blocks = []
    for b in doc.blocks:
        m = re.fullmatch(r"docx:p:(\d+)", b.source)
        p_el = paras[int(m.group(1))] if m and int(m.group(1)) < len(paras) else None
        blocks.append((b.start, b.end, p_el))
    return document, blocks


def _new_docx_from_text(text: str):
    document = docx.Document()
    du.strip_theme_fonts(document)
    du.set_default_language(document)
    normal = document.styles["Normal"]
    du.set_font(normal, du.FONT_BODY, 14)
    blocks, pos = [], 0
    for line in text.split("\n"):
        p = document.add_paragraph()
        r = p.add_run()
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = _CONTROL.sub(" ", line)  # same length: offsets stay valid
        r._r.append(t)
        blocks.append((pos, pos + len(line), p._p))
        pos += len(line) + 1
    return document, blocks


# --------------------------------------------------------------------------- anchoring


def _ensure_boundary(p_el, pos: int, segments) -> None:
    """Split the run whose text contains character ``pos`` (paragraph-local) strictly inside."""
    acc = 0
    for el, text in segments(p_el):
        n = len(text)
        if acc < pos < acc + n:
            if el is not None and el.tag == du.W_T and (el.text or "") == text:
                du.split_run_at(el, pos - acc)
            return
        acc += n


def _runs_in(p_el, lo: int, hi: int, segments):
    """(first w:r, last w:r) of the text segments inside [lo, hi) of the paragraph."""
    first = last = None
    acc = 0
    for el, text in segments(p_el):
        n = len(text)
        if n and el is not None and acc + n > lo and acc < hi:
            r = du.enclosing_run(el)
            if r is not None:
                first = first if first is not None else r
                last = r
        acc += n
    return first, last


def _para_text(p_el, segments) -> str:
    return "".join(t for _, t in segments(p_el))


def _local_range(p_el, segments, full_text: str, bs: int, be: int, lo: int, hi: int) -> tuple[int, int]:
    """Paragraph-local [lo, hi), re-located by search if the paragraph's text differs from the block's
    text (should not happen with the reader's own walker; guards against a template/reader mismatch)."""
    actual = _para_text(p_el, segments)
    if actual == full_text[bs:be]:
        return lo, hi
    piece = full_text[bs + lo: bs + hi]
    k = actual.find(piece) if piece else -1
    return (k, k + len(piece)) if k >= 0 else (0, len(actual))


def _add_comment(document, f: Finding, full_text: str, blocks, segments, author, initials) -> None:
    start, end = f.start, f.end
    parts = [(bs, be, p) for bs, be, p in blocks if p is not None and bs < end and be > start]
    if not parts:  # empty span or a span on a separator: the block holding start
        parts = [(bs, be, p) for bs, be, p in blocks if p is not None and bs <= start <= be][:1]
    if not parts:
        return
    anchors = []
    for i, (bs, be, p_el) in enumerate(parts):
        lo, hi = max(start, bs) - bs, min(end, be) - bs
        if hi <= lo:  # empty finding: anchor on the whole paragraph
            lo, hi = 0, be - bs
        lo, hi = _local_range(p_el, segments, full_text, bs, be, lo, hi)
        if i == 0:
            _ensure_boundary(p_el, lo, segments)
        if i == len(parts) - 1:
            _ensure_boundary(p_el, hi, segments)
        anchors.append(_runs_in(p_el, lo, hi, segments))
    firsts = [a for a, _ in anchors if a is not None]
    lasts = [b for _, b in anchors if b is not None]
    if not firsts:
        return
    parent = document._body
    document.add_comment([Run(firsts[0], parent), Run(lasts[-1], parent)], text=comment_text(f),
                         author=author, initials=initials)
