"""Reader-level resource limits (issue 9). Module-level settings; change them before calling
``ingest.load`` (or pass ``max_bytes=`` to ``load``).

What is refused, and why:

* inputs larger than ``MAX_INPUT_BYTES`` (50 MB): real drafts are far smaller;
* .docx zips whose directory announces more than ``MAX_UNCOMPRESSED_BYTES`` in total, or a compression
  ratio above ``MAX_COMPRESSION_RATIO`` for more than 10 MB, or more than ``MAX_ZIP_MEMBERS`` members
  (zip bombs), checked on the directory before anything is decompressed;
* ``word/document.xml`` larger than ``MAX_DOCUMENT_XML_BYTES`` (20 MB; the parsed tree needs roughly
  10-20x that in memory, which bounds the reader at a few hundred MB);
* any DTD or entity declaration in the XML (billion laughs, external entities); the parser also runs
  with ``resolve_entities=False, no_network=True, huge_tree=False`` (libxml2 then refuses nesting
  deeper than 256 levels and single text nodes above 10 MB);
* PDFs without a text layer (scans; no OCR), encrypted PDFs;
* text files that are mostly NUL bytes (binary); a few stray NULs are removed with a warning.
"""

from __future__ import annotations

import zipfile

from ..errors import InputError

#: Largest input file accepted, in bytes (default 50 MB).
MAX_INPUT_BYTES = 50 * 1024 * 1024
#: Largest total uncompressed size of a .docx zip directory (default 200 MB).
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
#: Largest overall compression ratio of a .docx (uncompressed / compressed); real files are < 20.
MAX_COMPRESSION_RATIO = 100
#: Most members in a .docx zip.
MAX_ZIP_MEMBERS = 10_000
#: Largest word/document.xml (uncompressed).
MAX_DOCUMENT_XML_BYTES = 20 * 1024 * 1024
#: Seconds LibreOffice may take to convert a legacy file.
CONVERT_TIMEOUT = 120


def check_size(size: int, *, path, max_bytes: int | None = None) -> None:
    limit = MAX_INPUT_BYTES if max_bytes is None else max_bytes
    if size > limit:
        raise InputError(f"文件过大（{size / 1048576:.1f} MB，上限 {limit / 1048576:.0f} MB）", path=path,
                         cause=f"input size {size} > limit {limit}")


def check_zip(zf: zipfile.ZipFile, *, path, compressed_size: int) -> None:
    """Refuse zip bombs from the zip directory alone, before anything is decompressed."""
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise InputError("Word 文件内部条目过多，疑似恶意构造，已拒绝读取", path=path,
                         cause=f"{len(infos)} zip members > {MAX_ZIP_MEMBERS}")
    total = sum(i.file_size for i in infos)
    ratio = total / max(compressed_size, 1)
    if total > MAX_UNCOMPRESSED_BYTES or (total > 10 * 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO):
        raise InputError("Word 文件解压后体积异常（疑似压缩炸弹），已拒绝读取", path=path,
                         cause=f"uncompressed {total} bytes, ratio {ratio:.0f}")
    for i in infos:
        if i.filename == "word/document.xml" and i.file_size > MAX_DOCUMENT_XML_BYTES:
            raise InputError("Word 正文过大，已拒绝读取", path=path,
                             cause=f"word/document.xml is {i.file_size} bytes")
