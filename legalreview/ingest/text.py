"""Plain text (.txt / .md) reading: encoding detection and newline normalization.

Decoding order: UTF-8 (with or without BOM, strict) → UTF-16/UTF-32 by BOM → UTF-16 without BOM
(NUL-byte pattern) → charset-normalizer's best guess, where any GB family result (gb2312, gbk,
cp936, hz...) is decoded as GB18030, and GB18030 is also preferred whenever it decodes the bytes
strictly into mostly CJK text. ``\\r\\n`` and ``\\r`` become ``\\n``. Markdown is kept verbatim.

NUL characters: a few stray NULs (≤ 1 % of the text) are removed and a warning is recorded; more
than that means a binary file, which is refused with ``InputError``.
"""

from __future__ import annotations

import codecs
import hashlib

from ..errors import InputError
from ..models import Block, Document

_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "hz", "hz_gb_2312", "euc_cn", "ms936"}


def _cjk_ratio(s: str) -> float:
    if not s:
        return 0.0
    sample = s[:20000]
    cjk = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef")
    other = sum(1 for ch in sample if not ch.isspace() and not ch.isascii())
    return cjk / max(other, 1)


def decode_bytes(data: bytes, *, path=None, warnings: list[str] | None = None) -> tuple[str, str]:
    """Decode text-file bytes; returns ``(text, encoding)``. Raises InputError if undecodable.
    A UTF-8 file with a few broken bytes (a truncated character) stays UTF-8: the broken bytes become
    U+FFFD and a warning is appended to ``warnings``."""
    if data.startswith(codecs.BOM_UTF32_LE) or data.startswith(codecs.BOM_UTF32_BE):
        try:
            return data.decode("utf-32"), "utf-32"
        except UnicodeDecodeError:
            pass
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as e:
            raise InputError("文本文件编码无法识别（UTF-16 内容损坏）", path=path, cause=str(e)) from e
    try:
        text = data.decode("utf-8-sig")
        return text, ("utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8")
    except UnicodeDecodeError:
        pass
    lossy = data.decode("utf-8", errors="replace")
    bad = lossy.count("\ufffd") - data.count("\ufffd".encode())
    valid_non_ascii = sum(1 for ch in lossy[:200000] if ord(ch) > 127) - lossy[:200000].count("\ufffd")
    if 0 < bad <= max(1, len(data) // 2000) and valid_non_ascii >= 20 * bad and data.count(0) == 0:
        if warnings is not None:
            warnings.append(f"文件按 UTF-8 读取，其中 {bad} 处字节无法解码，已替换为「\ufffd」")
        return lossy.lstrip("\ufeff"), "utf-8"
    # UTF-16 without BOM: many NULs at odd (LE) or even (BE) positions.
    sample = data[:4000]
    if len(sample) >= 4 and sample.count(0) > len(sample) // 5:
        odd = sample[1::2].count(0)
        even = sample[0::2].count(0)
        for enc, cond in (("utf-16-le", odd > even), ("utf-16-be", even > odd)):
            if cond:
                try:
                    return data.decode(enc), enc
                except UnicodeDecodeError:
                    pass
    gb_text = None
    try:
        gb_text = data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    guess = None
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200000]).best()
        guess = best.encoding.lower().replace("-", "_") if best is not None else None
    except Exception:  # charset-normalizer is a heuristic; never let it crash the reader
        guess = None
    if gb_text is not None and (guess is None or guess in _GB_FAMILY or _cjk_ratio(gb_text) > 0.9):
        return gb_text, "gb18030"
    if guess:
        try:
            return data.decode(guess), guess
        except (UnicodeDecodeError, LookupError):
            pass
    if gb_text is not None:
        return gb_text, "gb18030"
    raise InputError("无法识别文本文件的编码（请另存为 UTF-8 编码）", path=path, cause="undecodable bytes")


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def strip_nul(text: str, *, path=None) -> tuple[str, list[str]]:
    n = text.count("\x00")
    if not n:
        return text, []
    if n > max(8, len(text) // 100):
        raise InputError("文件含大量空字符（NUL），似乎不是文本文件", path=path, cause=f"{n} NUL characters")
    return text.replace("\x00", ""), [f"已删除 {n} 个空字符（NUL）"]


def lines_document(text: str, *, path=None, source_format: str = "txt", sha256: str = "",
                   encoding: str | None = None, warnings: list[str] | None = None) -> Document:
    """A Document with one block per line (``line:<n>``)."""
    blocks, pos = [], 0
    for i, line in enumerate(text.split("\n")):
        blocks.append(Block(index=i, start=pos, end=pos + len(line), source=f"line:{i}"))
        pos += len(line) + 1
    return Document(path=path, source_format=source_format, text=text, blocks=blocks, encoding=encoding,
                    sha256=sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest(),
                    warnings=list(warnings or []))


def read_text(path, data: bytes, *, source_format: str = "txt") -> Document:
    decode_warnings: list[str] = []
    text, enc = decode_bytes(data, path=path, warnings=decode_warnings)
    text = normalize_newlines(text)
    if text.startswith("\ufeff"):
        text = text[1:]
    text, warnings = strip_nul(text, path=path)
    warnings = decode_warnings + warnings
    if not text.strip():
        raise InputError("文件没有可读的文字内容", path=path, cause="blank text")
    return lines_document(text, path=str(path), source_format=source_format,
                          sha256=hashlib.sha256(data).hexdigest(), encoding=enc, warnings=warnings)
