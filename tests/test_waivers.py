"""Accountable waivers: a reviewer waives a finding with reason, name and date in a sidecar YAML."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import legalreview
from legalreview.errors import LegalReviewError
from legalreview.waivers import load_waivers

TEXT = (
    "石门村村规民约\n"
    "第一条 为加强村民自治，根据《中华人民共和国村民委员会组织法》，制定本村规民约。\n"
    "第二条 在公共场所乱扔垃圾的，由村委会罚款五十元。\n"
    "第三条 拒不缴纳卫生费的，村委会有权对其停水停电。\n"
)


def _fine(report):
    return next(f for f in report.findings if f.rule_id == "VR-FINE")


def test_waived_finding_stays_in_report_but_not_in_counts(tmp_path):
    before = legalreview.review_text(TEXT, doc_type="village_rules")
    fine = _fine(before)
    assert not fine.waived
    waivers = {"waivers": [{"rule_id": "VR-FINE", "quote": "罚款五十元", "reason": "已删除，送审稿笔误",
                            "reviewer": "张三", "date": "2026-11-20"}]}
    after = legalreview.review_text(TEXT, doc_type="village_rules", waivers=waivers)
    waived = _fine(after)
    assert waived.waived and waived.waiver.reviewer == "张三" and waived.waiver.reason == "已删除，送审稿笔误"
    assert after.summary.waived == 1
    assert after.summary.errors == before.summary.errors - 1
    # other findings are untouched
    others_before = [(f.rule_id, f.start) for f in before.findings if f.rule_id != "VR-FINE"]
    others_after = [(f.rule_id, f.start) for f in after.findings if not f.waived]
    assert others_after == others_before and others_before


def test_sidecar_file_is_picked_up_by_cli(tmp_path):
    src = tmp_path / "村规民约.txt"
    src.write_text(TEXT, encoding="utf-8")
    (tmp_path / "村规民约.txt.waivers.yaml").write_text(
        "waivers:\n  - rule_id: VR-FINE\n    quote: 罚款五十元\n    reason: 经核实为笔误\n    reviewer: 李四\n    date: 2026-11-21\n",
        encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "legalreview", "review", str(src), "--type", "village_rules",
                        "--format", "json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    fines = [f for f in data["findings"] if f["rule_id"] == "VR-FINE"]
    assert fines and all(f["waived"] for f in fines)
    assert fines[0]["waiver"]["reviewer"] == "李四"


def test_malformed_waiver_file_names_file(tmp_path):
    bad = tmp_path / "w.yaml"
    bad.write_text("waivers:\n  - rule_id: VR-FINE\n", encoding="utf-8")
    with pytest.raises(LegalReviewError) as e:
        load_waivers(bad)
    assert "w.yaml" in str(e.value) and "豁免" in str(e.value)
