"""PDF reading via pypdf's text layer. A PDF without text (a scan) is refused: OCR is not supported.

Lines wrapped by the PDF layout are re-joined into paragraphs: a line is merged into the previous
one unless the previous line ends a sentence (。！？：；) or the line starts a structural marker
(第X条/章, 一、, （一）, 1., 附件, 甲方/乙方...). Each paragraph is one Block ``pdf:<page>:<n>`` (page
and paragraph numbered from 0 within the page). Chinese needs no separator, so merged lines are
concatenated directly (a space is kept between two Latin/digit ends). Page-number lines are dropped.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re

from ..errors import InputError
from ..models import Block, Document

_STARTS_BLOCK = re.compile(
    r"^\s*(第[零〇一二三四五六七八九十百千两\d]+[章节条]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]"
    r"|附件|附：|甲方|乙方|丙方|[一二三四五六七八九十〇○零]{4}年|\d{4}年)")
_PAGE_NUMBER = re.compile(r"^[-—–－\s]*(?:\d{1,4}|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?)[-—–－\s]*$")
_ENDS_BLOCK = re.compile(r"[。！？：；!?:;]\s*$")


def _paragraphs(lines: list[str]) -> list[str]:
    paras: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line or _PAGE_NUMBER.match(line):  # page numbers (「- 3 -」, 「第3页 共5页」) are layout, not text
            continue
        if paras and not _ENDS_BLOCK.search(paras[-1]) and not _STARTS_BLOCK.match(line) and len(paras[-1]) >= 15:
            sep = " " if paras[-1][-1].isascii() and paras[-1][-1].isalnum() and line[0].isascii() and line[0].isalnum() else ""
            paras[-1] = paras[-1] + sep + line
        else:
            paras.append(line)
    return paras


def read_pdf(path, data: bytes) -> Document:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError as e:  # pragma: no cover - pypdf is a core dependency
        raise InputError("未安装 pypdf，无法读取 PDF", path=path, cause=str(e)) from e
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # damaged-file chatter is not for the user
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as e:
                raise InputError("PDF 文件已加密，无法读取", path=path, cause=f"encrypted: {e}") from e
        pages = [(page.extract_text() or "") for page in reader.pages]
    except InputError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError,
            NotImplementedError, ZeroDivisionError, IndexError) as e:
        raise InputError("PDF 文件已损坏，无法读取", path=path, cause=f"{type(e).__name__}: {e}") from e
    pieces: list[str] = []
    blocks: list[Block] = []
    pos = 0
    for pno, ptext in enumerate(pages):
        ptext = ptext.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
        for n, para in enumerate(_paragraphs(ptext.split("\n"))):
            if blocks:
                pos += 1
            blocks.append(Block(index=len(blocks), start=pos, end=pos + len(para), source=f"pdf:{pno}:{n}"))
            pieces.append(para)
            pos += len(para)
    text = "\n".join(pieces)
    if not text.strip():
        raise InputError("扫描件（无文字层），暂不支持 OCR；请提供 Word 或文字版 PDF", path=path,
                         cause="PDF has no text layer")
    return Document(path=str(path), source_format="pdf", sha256=hashlib.sha256(data).hexdigest(), text=text,
                    blocks=blocks)
