"""``legalreview eval``: exact precision/recall on a synthetic manifest with injected findings, the CLI, and the dev set."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from legalreview.classify import classify
from legalreview.evaluate import evaluate, format_text, locate
from legalreview.models import DocumentInfo, Finding, ReviewReport

from conftest import shared_path

VILLAGE = (
    "南岙村村规民约\n"
    "第一条 乱倒垃圾的，由村委会罚款二百元。\n"
    "第二条 偷盗集体财物的，在村务公开栏公布姓名。\n"
    "第三条 不参加义务劳动的，取消当年评优资格。\n"
    "第四条 村民应当爱护公共设施。\n"
)
NORMATIVE = (
    "关于支持企业发展的若干意见\n"
    "一、企业按其当 年地方财政贡献的50%给予奖励。\n"
    "二、对新招引项目给予用地保障。\n"
)


def _finding(text: str, quote: str, rule_id: str, severity: str = "warning", category: str = "other",
             nth: int = 0) -> Finding:
    start = -1
    for _ in range(nth + 1):
        start = text.index(quote, start + 1)
    return Finding(rule_id=rule_id, severity=severity, category=category, title="t", message="m",
                   start=start, end=start + len(quote), quote=quote, location="")


FAKE = {
    "village.txt": [
        ("由村委会罚款二百元", "VR-FINE", "error", "fine_by_village"),          # TP (expected)
        ("取消当年评优资格", "VR-BENEFIT", "warning", "deprive_benefits"),      # acceptable: neither
        ("村民应当爱护公共设施", "VR-NOISE", "warning", "other"),               # FP
        ("在村务公开栏公布姓名", "VR-SHAME", "info", "public_shaming"),         # info: ignored -> expected missed
    ],
    "normative.txt": [
        ("地方财政贡献的50%给予奖励", "ND-REBATE", "error", "tax_rebate_promise"),  # TP (quote located across a space)
        ("关于支持企业发展的若干意见", "ND-VALIDITY", "warning", "missing_validity_period"),  # excerpt: not counted
        ("对新招引项目给予用地保障", "ND-NOISE", "warning", "other"),             # FP
    ],
}


@pytest.fixture
def evalset(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "village.txt").write_text(VILLAGE, encoding="utf-8")
    (docs / "normative.txt").write_text(NORMATIVE, encoding="utf-8")
    rows = [
        {"file": "docs/village.txt", "doc_type": "village_rules", "complete": True,
         "expected_findings": [
             {"quote": "由村委会罚款二百元", "category": "fine_by_village", "basis": "《村民委员会组织法》第二十七条"},
             {"quote": "在村务公开栏公布姓名", "category": "public_shaming", "basis": "《宪法》第三十八条"}],
         "acceptable": [{"quote": "取消当年评优资格", "category": "deprive_benefits"}]},
        {"file": "docs/normative.txt", "doc_type": "normative_document", "complete": False,
         "expected_findings": [
             {"quote": "按其当年地方财政贡献的50%给予奖励", "category": "tax_rebate_promise", "basis": "《公平竞争审查条例》第十条"},
             {"quote": "这句话不在原文里", "category": "other", "basis": "-"}],
         "acceptable": []},
    ]
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return tmp_path, manifest


def fake_review(doc, doc_type=None, rules=None, as_of=None):
    doc = classify(doc, override=doc_type)
    name = doc.path.rsplit("/", 1)[-1]
    findings = [_finding(doc.text, q, rid, sev, cat) for q, rid, sev, cat in FAKE[name]]
    return ReviewReport(tool_version="test", document=DocumentInfo.from_document(doc), findings=findings)


def test_exact_precision_recall(evalset):
    root, manifest = evalset
    res = evaluate(root, manifest, review_fn=fake_review)
    o = res.overall
    assert (o.tp, o.fp, o.hit, o.expected) == (2, 2, 2, 4)
    assert o.precision == 0.5 and o.recall == 0.5 and o.f1 == 0.5

    vr, nd = res.by_type["village_rules"], res.by_type["normative_document"]
    assert (vr.tp, vr.fp, vr.hit, vr.expected) == (1, 1, 1, 2)
    assert (nd.tp, nd.fp, nd.hit, nd.expected) == (1, 1, 1, 2)

    assert res.by_category["fine_by_village"].recall == 1.0
    assert res.by_category["public_shaming"].recall == 0.0
    assert res.by_category["tax_rebate_promise"].recall == 1.0
    assert res.by_category["other"].recall == 0.0
    assert res.fp_by_category == {"other": 2}

    village, normative = res.docs
    assert village.acceptable_hits == 1
    assert [m.quote for m in village.misses] == ["在村务公开栏公布姓名"]
    assert [f.rule_id for f in village.false_positives] == ["VR-NOISE"]
    # the excerpt's "missing validity period" finding is neither TP nor FP, and is listed as such
    assert [f.rule_id for f in normative.excerpt_ignored] == ["ND-VALIDITY"]
    assert normative.unlocated == ["这句话不在原文里"]
    assert [m.located for m in normative.misses] == [False]
    assert res.doc_type_total == 2


def test_detect_type_reviews_with_the_detected_type(evalset):
    root, manifest = evalset
    seen = []

    def spy(doc, doc_type=None, rules=None, as_of=None):
        seen.append(doc_type)
        return fake_review(doc, doc_type=doc_type)

    res = evaluate(root, manifest, review_fn=spy, type_from_manifest=False)
    assert seen == [d.detected_type for d in res.docs]
    assert [d.reviewed_as for d in res.docs] == seen


def test_complete_document_counts_missing_findings_as_fp(evalset):
    root, manifest = evalset
    rows = [json.loads(x) for x in manifest.read_text(encoding="utf-8").splitlines()]
    rows[1]["complete"] = True
    manifest.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    res = evaluate(root, manifest, review_fn=fake_review)
    assert res.overall.fp == 3
    assert res.docs[1].excerpt_ignored == []


def test_text_output_lists_misses_and_false_positives(evalset):
    root, manifest = evalset
    out = format_text(evaluate(root, manifest, review_fn=fake_review))
    assert "P=0.500" in out and "R=0.500" in out
    assert "VR-NOISE" in out and "ND-NOISE" in out
    assert "在村务公开栏公布姓名" in out
    assert "这句话不在原文里" in out
    assert "节选" in out


def test_locate_tolerates_white_space_and_width():
    text = "一、企业按其当 年地方财政贡献的50%给予奖励，（试行）"
    [(s, e)] = locate(text, "当年地方财政贡献的５０％给予奖励")
    assert text[s:e] == "当 年地方财政贡献的50%给予奖励"
    assert locate(text, "(试行)") == [(len(text) - 4, len(text))]
    assert locate(text, "不存在") == []


def test_cli_eval_writes_json(evalset, tmp_path):
    root, manifest = evalset
    out = tmp_path / "eval.json"
    r = subprocess.run([sys.executable, "-m", "legalreview", "eval", str(root), "--manifest", str(manifest),
                        "--json", str(out), "--as-of", "2026-06-01"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "文件类型识别准确率" in r.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["overall"]["expected"] == 4
    assert data["doc_type_total"] == 2
    assert data["as_of"] == "2026-06-01"
    assert {"precision", "recall", "f1"} <= set(data["overall"])


def test_cli_eval_missing_manifest_exits_2(tmp_path):
    r = subprocess.run([sys.executable, "-m", "legalreview", "eval", str(tmp_path), "--manifest",
                        str(tmp_path / "无.jsonl")], capture_output=True, text=True)
    assert r.returncode == 2
    assert "评测清单" in r.stderr and "Traceback" not in r.stderr


def test_dev_set_runs_and_detects_types():
    dev = shared_path("eval", "dev")
    res = evaluate(dev, dev / "manifest.jsonl")
    assert res.doc_type_total == len(res.docs) > 0
    assert res.doc_type_accuracy >= 0.9
    assert not [d.file for d in res.docs if d.error]
    assert res.overall.expected > 0


def test_project_samples_manifest_is_consistent():
    """corpora/samples/manifest.jsonl: every annotated quote is found in its document and every type is detected."""
    from legalreview.resources import corpora_dir

    samples = corpora_dir() / "samples"

    def no_findings(doc, doc_type=None, rules=None, as_of=None):
        doc = classify(doc, override=doc_type)
        return ReviewReport(tool_version="test", document=DocumentInfo.from_document(doc))

    res = evaluate(samples, samples / "manifest.jsonl", review_fn=no_findings)
    assert len(res.docs) >= 4
    assert [d.unlocated for d in res.docs if d.unlocated] == []
    assert res.doc_type_accuracy == 1.0, res.doc_type_errors
    assert res.overall.expected >= 30 and res.overall.hit == 0
