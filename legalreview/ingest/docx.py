"""Reading .docx files by walking the WordprocessingML XML directly.

python-docx's ``paragraph.text`` misses text inside ``w:ins`` and ``w:hyperlink`` and
``document.paragraphs`` misses table cells, so the reader walks the XML itself. The annotator
(``reports.annotate``) uses the same two public functions, so character offsets computed on
``Document.text`` map back to the exact ``w:t`` elements:

* :func:`iter_paragraphs` yields every ``w:p`` of the body in reading order: body paragraphs and
  paragraphs inside table cells (nested tables included), content controls (``w:sdt``) and
  ``w:customXml`` wrappers are entered. The n-th yielded paragraph is ``Block.source == "docx:p:<n>"``.
  Paragraphs inside text boxes/drawings are *not* yielded (they live inside runs).
* :func:`paragraph_segments` returns the visible text pieces of one paragraph in order as
  ``(w_t_element_or_None, text)``. ``"".join(text for _, text in segments)`` is exactly the block's
  text in ``Document.text``. A piece whose element is a ``w:t`` can be split at a character offset by
  splitting its owning ``w:r`` (``w_t.getparent()``); pieces with element ``None`` are synthetic:
  ``w:tab``/``w:ptab`` → ``"\\t"``, ``w:br``/``w:cr`` → ``"\\n"``, ``w:noBreakHyphen`` → ``"-"``.

Visible text = the document as it reads with all tracked changes accepted: ``w:ins``/``w:moveTo``
content is included, ``w:del``/``w:moveFrom`` content and ``w:delText`` are excluded, field codes
(``w:instrText``) are skipped while field results are kept.

Every paragraph yields one Block, empty ones included (so block index == paragraph index); blocks
are joined with ``"\\n"`` in ``Document.text``. A line break inside a paragraph (``w:br``) stays
inside the block as ``"\\n"``.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from ..errors import InputError
from ..models import Block, Document
from . import limits

#: What a damaged zip member can raise while being read.
ZIP_READ_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError, RuntimeError,
                   struct.error, KeyError, UnicodeDecodeError)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_STRICT_NS = "http://purl.oclc.org/ooxml/wordprocessingml/main"
_NSS = (W_NS, W_STRICT_NS)


def _tags(*local: str) -> frozenset[str]:
    return frozenset(f"{{{ns}}}{name}" for ns in _NSS for name in local)


_P = _tags("p")
# Block-level wrappers whose children are block content (or rows/cells of a table).
_BLOCK_CONTAINERS = _tags("tbl", "tr", "tc", "sdt", "sdtContent", "customXml", "ins", "moveTo", "smartTag")
_TBL = _tags("tbl")
_TR = _tags("tr")
# Run-level wrappers inside a paragraph whose children may hold runs.
_RUN_CONTAINERS = _tags("hyperlink", "ins", "moveTo", "smartTag", "customXml", "sdt", "sdtContent",
                        "fldSimple", "dir", "bdo")
_R = _tags("r")
_T = _tags("t")
_TAB = _tags("tab", "ptab")
_BR = _tags("br", "cr")
_NBHYPHEN = _tags("noBreakHyphen")


def iter_paragraphs(body_element) -> Iterator[etree._Element]:
    """Yield every ``w:p`` under ``body_element`` (a ``w:body``, or any block container such as a
    ``w:tc``) in reading order, table-cell paragraphs included. The n-th yielded element is the
    paragraph of ``Block.source == f"docx:p:{n}"``. Works on raw lxml elements and on python-docx's
    ``document.element.body`` alike."""
    for p, _in_table, _row in _iter_paragraphs_ctx(body_element, False):
        yield p


def _iter_paragraphs_ctx(el, in_table: bool, row: int | None = None, rows: list[int] | None = None
                         ) -> Iterator[tuple[etree._Element, bool, int | None]]:
    """``(w:p, inside a table, number of its innermost table row or None)`` in reading order."""
    rows = [0] if rows is None else rows  # row counter shared down the recursion
    for child in el:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if tag in _P:
            yield child, in_table, row
        elif tag in _BLOCK_CONTAINERS:
            sub_row = row
            if tag in _TR:
                sub_row = rows[0]
                rows[0] += 1
            yield from _iter_paragraphs_ctx(child, in_table or tag in _TBL, sub_row, rows)


def paragraph_segments(p_element) -> list[tuple[etree._Element | None, str]]:
    """The visible text pieces of paragraph ``p_element`` in order, each with the ``w:t`` element it
    came from (``None`` for synthetic tab/line-break/hyphen pieces). Empty ``w:t`` are left out.
    ``"".join(s for _, s in paragraph_segments(p))`` is the block text of ``p``."""
    out: list[tuple[etree._Element | None, str]] = []
    _collect(p_element, out)
    return out


def paragraph_text(p_element) -> str:
    return "".join(s for _, s in paragraph_segments(p_element))


def _collect(el, out: list) -> None:
    for child in el:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if tag in _R:
            _run(child, out)
        elif tag in _RUN_CONTAINERS:
            _collect(child, out)
        # everything else (pPr, w:del, w:moveFrom, bookmarks, comments ranges, m:oMath, ...) is skipped


def _run(r, out: list) -> None:
    for c in r:
        tag = c.tag
        if not isinstance(tag, str):
            continue
        if tag in _T:
            if c.text:
                out.append((c, c.text))
        elif tag in _TAB:
            out.append((None, "\t"))
        elif tag in _BR:
            out.append((None, "\n"))
        elif tag in _NBHYPHEN:
            out.append((None, "-"))
        # w:delText, w:instrText, w:delInstrText, w:drawing, w:pict, mc:AlternateContent, rPr: skipped


# --------------------------------------------------------------------------- the reader


def parse_xml(data: bytes, *, path, member: str) -> etree._Element:
    """Parse one XML part safely: no DTD (entity-expansion tricks are refused), no network, no huge trees."""
    if b"<!DOCTYPE" in data[:65536] or b"<!ENTITY" in data[:65536]:
        raise InputError("Word 文件内含 DTD/实体声明，可能是恶意构造的文件，已拒绝读取", path=path,
                         cause=f"DTD/entity declaration in {member}")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                             dtd_validation=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        if "depth" in str(e).lower() or "huge" in str(e).lower():
            raise InputError("Word 文件结构嵌套过深或单个文本过大（疑似恶意构造），已拒绝读取", path=path,
                             cause=f"XML limits exceeded in {member}: {e}") from e
        raise InputError("Word 文件内容损坏（XML 格式错误），无法读取", path=path,
                         cause=f"malformed XML in {member}: {e}") from e
    if root is None:
        raise InputError("Word 文件内容损坏（XML 为空）", path=path, cause=f"empty XML in {member}")
    if root.getroottree().docinfo.internalDTD is not None:
        raise InputError("Word 文件内含 DTD/实体声明，可能是恶意构造的文件，已拒绝读取", path=path,
                         cause=f"DTD in {member}")
    return root


def read_member(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """Read a zip member in bounded chunks: never more than ``limit`` bytes nor more than the zip
    directory announces (a member whose directory entry understates its size is caught by the CRC
    check instead of being inflated whole into memory, as ``ZipFile.read`` would). Raises
    ``_MemberTooLarge`` past ``limit``, zip errors as usual."""
    info = zf.getinfo(name)
    if info.file_size > limit:
        raise _MemberTooLarge(f"{name} is {info.file_size} bytes > {limit}")
    out = bytearray()
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            out += chunk
            if len(out) > limit:
                raise _MemberTooLarge(f"{name} inflates past {limit} bytes")
    return bytes(out)


class _MemberTooLarge(Exception):
    pass


def _optional_part(zf: zipfile.ZipFile, name: str, path):
    """Parse an optional part (styles, numbering); a missing or damaged one is ignored."""
    try:
        data = read_member(zf, name, limits.MAX_DOCUMENT_XML_BYTES)
    except (*ZIP_READ_ERRORS, _MemberTooLarge):  # optional parts: a damaged one only loses style names / list labels
        return None
    try:
        return parse_xml(data, path=path, member=name)
    except InputError:
        return None


def _style_names(root) -> dict[str, str]:
    names: dict[str, str] = {}
    if root is None:
        return names
    for ns in _NSS:
        for st in root.iter(f"{{{ns}}}style"):
            sid = st.get(f"{{{ns}}}styleId")
            name_el = st.find(f"{{{ns}}}name")
            if sid and name_el is not None and name_el.get(f"{{{ns}}}val"):
                names[sid] = name_el.get(f"{{{ns}}}val")
    return names


def _style_of(p, names: dict[str, str]) -> str | None:
    for ns in _NSS:
        ppr = p.find(f"{{{ns}}}pPr")
        if ppr is not None:
            ps = ppr.find(f"{{{ns}}}pStyle")
            if ps is not None:
                sid = ps.get(f"{{{ns}}}val")
                return names.get(sid, sid) if sid else None
    return None


def read_docx(path: str | Path, data: bytes | None = None) -> Document:
    """Read a .docx (``data`` = the file bytes if already read). Raises ``InputError`` on corrupt,
    hostile (zip bomb, DTD) or empty files."""
    p = Path(path)
    if data is None:
        data = p.read_bytes()
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except ZIP_READ_ERRORS as e:
        raise InputError("Word 文件已损坏（不是有效的 .docx 压缩包）", path=p, cause=f"bad zip: {e}") from e
    with zf:
        limits.check_zip(zf, path=p, compressed_size=len(data))
        try:
            xml = read_member(zf, "word/document.xml", limits.MAX_DOCUMENT_XML_BYTES)
        except _MemberTooLarge as e:
            raise InputError("Word 正文过大，已拒绝读取", path=p, cause=str(e)) from None
        except KeyError as e:
            raise InputError("不是有效的 Word 文件（缺少 word/document.xml）", path=p,
                             cause="no word/document.xml in zip") from e
        except ZIP_READ_ERRORS as e:
            raise InputError("Word 文件已损坏，无法解压", path=p, cause=f"zip member error: {e}") from e
        root = parse_xml(xml, path=p, member="word/document.xml")
        styles_root = _optional_part(zf, "word/styles.xml", p)
        numbering_root = _optional_part(zf, "word/numbering.xml", p)
    styles = _style_names(styles_root)
    body = None
    for ns in _NSS:
        body = root.find(f"{{{ns}}}body")
        if body is not None:
            break
    if body is None:
        raise InputError("Word 文件结构异常（没有正文 w:body）", path=p, cause="no w:body element")
    numbering = None
    if numbering_root is not None:
        from .numbering import Numbering

        numbering = Numbering(numbering_root, styles_root, etree.QName(root).namespace or W_NS)

    pieces: list[str] = []
    blocks: list[Block] = []
    pos = 0
    for n, (para, in_table, row) in enumerate(_iter_paragraphs_ctx(body, False)):
        t = paragraph_text(para)
        if "\x00" in t:  # cannot occur in well-formed XML; defensive
            t = t.replace("\x00", "\ufffd")
        if n:
            pos += 1
        label = numbering.label(para) if numbering is not None else None
        blocks.append(Block(index=n, start=pos, end=pos + len(t), source=f"docx:p:{n}", in_table=in_table,
                            row=row, style=_style_of(para, styles), list_label=label))
        pieces.append(t)
        pos += len(t)
    text = "\n".join(pieces)
    if not text.strip():
        raise InputError("Word 文件没有可读的文字内容", path=p, cause="docx has no text")
    return Document(path=str(p), source_format="docx", sha256=hashlib.sha256(data).hexdigest(), text=text,
                    blocks=blocks)
