"""Stage 1: read a file into a ``Document`` (text + blocks with their source positions).

``load(path)`` detects the format from the content first (magic bytes), then the extension:

* zip containing ``word/document.xml`` → .docx (even if misnamed), see ``ingest.docx``;
* ``%PDF`` → PDF text layer (``ingest.pdf``);
* OLE2 compound file (.doc/.wps), ``{\\rtf`` (.rtf), ODF zip (.odt) → LibreOffice conversion
  (``ingest.convert``);
* anything else with a text extension (.txt/.md/.text/none) → decoded text (``ingest.text``).

Errors are ``legalreview.errors.InputError`` (or its subclasses) naming the file. Size limits live
in ``ingest.limits``. ``Document.sha256`` is the SHA-256 of the input file bytes.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

from ..errors import InputError, UnsupportedFormatError
from ..models import Document
from . import limits
from .docx import ZIP_READ_ERRORS
from .text import lines_document, normalize_newlines

__all__ = ["load", "from_text", "detect_format", "limits"]

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ".csv", ""}
LEGACY = {".doc": "doc", ".wps": "wps", ".rtf": "rtf", ".odt": "odt", ".docm": "docx", ".dot": "doc",
          ".wpt": "wps", ".dotx": "docx"}
_BINARY_HINTS = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"7z\xbc\xaf", b"Rar!", b"\x1f\x8b", b"MZ", b"\x7fELF")


def detect_format(path: Path, data: bytes) -> str:
    """Return one of docx, pdf, doc, wps, rtf, odt, txt, md; raise UnsupportedFormatError otherwise."""
    suffix = path.suffix.lower()
    if data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06":
        try:
            with zipfile.ZipFile(BytesIO(data)) as zf:
                names = set(zf.namelist())
                mimetype = b""
                if "mimetype" in names:  # first bytes only: the member may be a bomb (issue 9)
                    with zf.open("mimetype") as fh:
                        mimetype = fh.read(100)
        except ZIP_READ_ERRORS as e:
            if suffix in (".docx", ".docm", ".dotx"):
                raise InputError("Word 文件已损坏（压缩包无法打开）", path=path, cause=f"bad zip: {e}") from e
            raise UnsupportedFormatError("无法识别的压缩文件", path=path, cause=f"bad zip: {e}") from e
        if "word/document.xml" in names:
            return "docx"
        if b"opendocument.text" in mimetype:
            return "odt"
        if suffix in (".docx", ".docm", ".dotx"):
            raise InputError("不是有效的 Word 文件（缺少 word/document.xml）", path=path,
                             cause="zip without word/document.xml")
        raise UnsupportedFormatError("不支持的文件类型（压缩包，但不是 Word 文档）", path=path, cause="zip, not docx")
    if data[:5] == b"%PDF-" or (b"%PDF-" in data[:1024] and suffix == ".pdf"):
        return "pdf"
    if data[:8] == OLE2_MAGIC:
        return "wps" if suffix in (".wps", ".wpt") else "doc"
    if data.lstrip()[:5] == b"{\\rtf":
        return "rtf"
    if suffix in (".docx", ".docm", ".dotx"):
        raise InputError("Word 文件已损坏（不是有效的 .docx 压缩包）", path=path, cause="not a zip file")
    if suffix == ".pdf":
        raise InputError("PDF 文件已损坏（缺少 %PDF 文件头）", path=path, cause="no %PDF header")
    if suffix in LEGACY:
        return LEGACY[suffix] if LEGACY[suffix] != "docx" else "doc"
    if suffix in TEXT_SUFFIXES:
        if any(data.startswith(m) for m in _BINARY_HINTS):
            raise UnsupportedFormatError("文件内容不是文本（疑似图片或压缩包），不支持审查", path=path,
                                         cause="binary content with a text extension")
        return "md" if suffix in (".md", ".markdown") else "txt"
    raise UnsupportedFormatError(
        f"不支持的文件类型「{suffix}」；支持 .docx、.txt、.md、.pdf，装有 LibreOffice 时还支持 .doc/.wps/.rtf/.odt",
        path=path, cause=f"unsupported extension {suffix}")


def read(path: str | Path, *, max_bytes: int | None = None) -> Document:
    """Read ``path`` into a Document (text + blocks), without structure."""
    p = Path(path)
    try:
        if not p.exists():
            raise InputError("文件不存在", path=p, cause="file not found")
        if p.is_dir():
            raise InputError("这是一个文件夹，不是文件（批量审查请用 legalreview batch）", path=p, cause="is a directory")
        limits.check_size(p.stat().st_size, path=p, max_bytes=max_bytes)
        data = p.read_bytes()
    except OSError as e:
        raise InputError("无法读取文件", path=p, cause=str(e)) from e
    limits.check_size(len(data), path=p, max_bytes=max_bytes)
    if not data.strip():
        raise InputError("文件为空", path=p, cause="empty file")
    fmt = detect_format(p, data)
    if fmt == "docx":
        from .docx import read_docx

        return read_docx(p, data)
    if fmt == "pdf":
        from .pdf import read_pdf

        return read_pdf(p, data)
    if fmt in ("doc", "wps", "rtf", "odt"):
        from .convert import convert_to_docx

        return convert_to_docx(p, data, fmt)
    from .text import read_text

    return read_text(p, data, source_format=fmt)


def load(path: str | Path, *, structure: bool = True, max_bytes: int | None = None) -> Document:
    """Read ``path`` and return a ``Document``, structure recovered unless ``structure=False``.

    ``max_bytes`` overrides ``limits.MAX_INPUT_BYTES`` for this call."""
    doc = read(path, max_bytes=max_bytes)
    if structure:
        from ..structure import parse

        doc = parse(doc)
    return doc


def from_text(text: str, *, path: str | None = None, source_format: str = "txt") -> Document:
    """A Document from already-decoded text (one block per line, ``line:<n>``). Newlines are
    normalized; the structure is not parsed (``structure.parse`` does that)."""
    return lines_document(normalize_newlines(text), path=path, source_format=source_format)
