"""Legacy formats (.doc/.wps/.rtf/.odt) are converted to .docx with LibreOffice, then read as .docx.

``soffice -env:UserInstallation=file://<private profile> --headless --convert-to docx --outdir <tmp>``
runs with a private, temporary profile (so it neither collides with a running LibreOffice nor
touches the user's profile) and a timeout (``limits.CONVERT_TIMEOUT``). Without LibreOffice a
``ConversionError`` tells the user to save the file as .docx.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import ConversionError
from ..models import Document
from . import limits

_WORD_STREAM = "WordDocument".encode("utf-16-le")
_WORKS_STREAM = "CONTENTS".encode("utf-16-le")
_LABELS = {"doc": "Word 97-2003（.doc）", "wps": "WPS（.wps）", "rtf": "RTF（.rtf）", "odt": "OpenDocument（.odt）"}


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        exe = shutil.which(name)
        if exe:
            return exe
    return None


def convert_to_docx(path: Path, data: bytes, fmt: str) -> Document:
    from .docx import read_docx

    label = _LABELS.get(fmt, fmt)
    exe = find_soffice()
    if exe is None:
        raise ConversionError(f"{label} 格式需要 LibreOffice 转换，但本机未安装 LibreOffice（soffice）。"
                              "请用 WPS 或 Word 打开后「另存为」.docx 格式再审查", path=path,
                              cause="soffice not found on PATH")
    if fmt in ("doc", "wps") and _WORD_STREAM not in data and not (fmt == "wps" and _WORKS_STREAM in data):
        # an OLE2 file without a WordDocument stream (an .xls/.ppt renamed, or damaged): LibreOffice
        # would import it as plain text and produce garbage
        raise ConversionError(f"该文件不是有效的 {label} 文档（可能已损坏或是其他类型的文件），请用 WPS/Word 另存为 .docx 后再审查",
                              path=path, cause="OLE2 file without a WordDocument stream")
    with tempfile.TemporaryDirectory(prefix="legalreview-convert-") as tmp:
        tmpd = Path(tmp)
        # Kingsoft WPS files are Word-97 compatible: if LibreOffice's WPS (MS Works) import fails, retry as .doc
        result, err_msg = None, ""
        for n, ext in enumerate([fmt] + (["doc"] if fmt == "wps" else [])):
            outdir = tmpd / f"out{n}"
            outdir.mkdir()
            src = tmpd / f"input{n}.{ext}"
            src.write_bytes(data)
            code, err = _run_soffice(exe, src, outdir, tmpd, path=path, label=label)
            if code == 0 and (outdir / f"input{n}.docx").exists():
                result = outdir / f"input{n}.docx"
                break
            err_msg = f"soffice exit {code}: {err.decode('utf-8', 'replace').strip()[-300:]}"
        if result is None:
            raise ConversionError(f"LibreOffice 无法转换该 {label} 文件（可能已损坏），请用 WPS/Word 另存为 .docx 后再审查",
                                  path=path, cause=err_msg)
        doc = read_docx(path, result.read_bytes())
    return doc.model_copy(update={"source_format": fmt, "sha256": hashlib.sha256(data).hexdigest(),
                                  "warnings": doc.warnings + [f"已通过 LibreOffice 将 {label} 转换为 .docx 后读取"]})


def _run_soffice(exe: str, src: Path, outdir: Path, tmpd: Path, *, path, label: str) -> tuple[int, bytes]:
    """One headless conversion with a private profile; killed (whole process group) on timeout."""
    profile = (tmpd / "profile").as_uri()
    cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nolockcheck",
           "--convert-to", "docx", "--outdir", str(outdir), str(src)]
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                start_new_session=True, env={**os.environ, "HOME": str(tmpd)})
    except OSError as e:
        raise ConversionError(f"无法启动 LibreOffice 转换 {label} 文件，请另存为 .docx 后再审查", path=path,
                              cause=str(e)) from e
    try:
        _out, err = proc.communicate(timeout=limits.CONVERT_TIMEOUT)
    except subprocess.TimeoutExpired as e:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.communicate()
        raise ConversionError(f"{label} 文件转换超时，请另存为 .docx 后再审查", path=path,
                              cause=f"soffice timed out after {limits.CONVERT_TIMEOUT}s") from e
    return proc.returncode, err or b""
