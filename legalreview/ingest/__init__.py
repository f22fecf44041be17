"""Stage 1: read a file into a ``Document`` (text + blocks with their source positions).

STUB: to be replaced by the readers (docx/txt/md/pdf/legacy via LibreOffice).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import InputError
from ..models import Block, Document


def load(path: str | Path, *, structure: bool = True) -> Document:
    """Read ``path`` and return a structured ``Document`` (structure recovered unless ``structure=False``)."""
    p = Path(path)
    if not p.exists():
        raise InputError("文件不存在", path=p, cause="file not found")
    data = p.read_bytes()
    if not data.strip():
        raise InputError("文件为空", path=p, cause="empty file")
    text = data.decode("utf-8-sig").replace("\r\n", "\n")
    doc = from_text(text, path=str(p), source_format=p.suffix.lstrip(".").lower() or "txt")
    doc = doc.model_copy(update={"sha256": hashlib.sha256(data).hexdigest()})
    if structure:
        from ..structure import parse

        doc = parse(doc)
    return doc


def from_text(text: str, *, path: str | None = None, source_format: str = "txt") -> Document:
    """A Document from already-decoded text (one block per line)."""
    blocks, pos = [], 0
    for i, line in enumerate(text.split("\n")):
        blocks.append(Block(index=i, start=pos, end=pos + len(line), source=f"line:{i}"))
        pos += len(line) + 1
    return Document(path=path, source_format=source_format, text=text, blocks=blocks,
                    sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())
