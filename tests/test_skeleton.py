"""The package contract that every later stage builds on."""

from __future__ import annotations

import json
import subprocess
import sys

import legalreview
from legalreview.models import ReviewReport


def test_review_text_returns_report_with_contract_fields():
    report = legalreview.review_text("第一条 为了规范村务，制定本村规民约。\n第二条 爱护公共财物。\n")
    data = json.loads(report.model_dump_json())
    for key in ("tool_version", "document", "findings", "checklist", "summary"):
        assert key in data
    for key in ("path", "sha256", "title", "doc_type", "doc_type_confidence", "doc_number", "issuer", "date",
                "text", "outline"):
        assert key in data["document"]
    assert ReviewReport.model_validate(data) == report


def test_cli_missing_file_exits_2_without_traceback(tmp_path):
    r = subprocess.run([sys.executable, "-m", "legalreview", "review", str(tmp_path / "无此文件.docx")],
                       capture_output=True, text=True)
    assert r.returncode == 2
    assert "无此文件.docx" in r.stderr
    assert "Traceback" not in r.stderr
