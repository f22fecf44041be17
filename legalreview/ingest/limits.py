"""Reader-level resource limits (issue 9). Module-level settings; change them before calling
``ingest.load`` (or pass ``max_bytes=`` to ``load``).

What is refused, and why:

* inputs larger than ``MAX_INPUT_BYTES`` (50 MB; ``--max-size``, ``LEGALREVIEW_MAX_INPUT_MB`` or
  ``set_max_input_mb`` change it): real drafts are far smaller;
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

import os
import zipfile

from ..errors import InputError

#: Environment variable that sets the input size limit in MB (also how the CLI's ``--max-size``
#: reaches worker processes started with ``spawn``).
MAX_INPUT_ENV = "LEGALREVIEW_MAX_INPUT_MB"
DEFAULT_MAX_INPUT_MB = 50


def _env_max_input_bytes() -> int:
    raw = os.environ.get(MAX_INPUT_ENV, "").strip()
    try:
        mb = float(raw) if raw else DEFAULT_MAX_INPUT_MB
    except ValueError:
        mb = DEFAULT_MAX_INPUT_MB  # a malformed value must not disable the limit
    return int((mb if mb > 0 else DEFAULT_MAX_INPUT_MB) * 1024 * 1024)


#: Largest input file accepted, in bytes (default 50 MB; ``LEGALREVIEW_MAX_INPUT_MB`` overrides).
MAX_INPUT_BYTES = _env_max_input_bytes()
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


def set_max_input_mb(mb: float) -> None:
    """Set the input size limit for this process and for the worker processes it starts."""
    global MAX_INPUT_BYTES
    if not mb > 0:
        raise ValueError("the input size limit must be positive")
    MAX_INPUT_BYTES = int(mb * 1024 * 1024)
    os.environ[MAX_INPUT_ENV] = f"{mb:g}"


def mb(n: int) -> str:
    """Bytes as megabytes for messages: 「0.4」, 「50」."""
    return f"{n / 1048576:.1f}".removesuffix(".0") if n < 10 * 1048576 else f"{n / 1048576:.0f}"


def too_big_message(size: int, limit: int | None = None) -> str:
    limit = MAX_INPUT_BYTES if limit is None else limit
    return f"文件过大（{mb(size)} MB，上限 {mb(limit)} MB；可用 --max-size 调整）"


def check_size(size: int, *, path, max_bytes: int | None = None) -> None:
    limit = MAX_INPUT_BYTES if max_bytes is None else max_bytes
    if size > limit:
        raise InputError(too_big_message(size, limit), path=path, cause=f"input size {size} > limit {limit}")


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
