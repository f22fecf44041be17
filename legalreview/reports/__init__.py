"""Stage 5: reports. JSON (the contract), terminal text, Markdown, HTML, the opinion .docx and the
commented copy of the reviewed document.

    render(report, "json" | "text" | "md" | "html") -> str
    write_report(report, path, fmt=None)  # atomic, format from the suffix when fmt is None
"""

from __future__ import annotations

from pathlib import Path

from ..fsutil import atomic_write_text
from ..models import ReviewReport

FORMATS = ("text", "json", "md", "html")


def render(report: ReviewReport, fmt: str = "text", *, explain: bool = False, color: bool = False) -> str:
    if fmt == "json":
        return report.model_dump_json(indent=2)
    if fmt == "text":
        from .text import render_text

        return render_text(report, explain=explain, color=color)
    if fmt == "md":
        from .markdown import render_markdown

        return render_markdown(report)
    if fmt == "html":
        from .html import render_html

        return render_html(report)
    raise ValueError(f"unknown format {fmt!r}")


def format_for_suffix(path: str | Path) -> str | None:
    return {".json": "json", ".txt": "text", ".md": "md", ".html": "html", ".htm": "html"}.get(Path(path).suffix.lower())


def write_report(report: ReviewReport, path: str | Path, fmt: str | None = None) -> Path:
    fmt = fmt or format_for_suffix(path) or "json"
    return atomic_write_text(path, render(report, fmt))
