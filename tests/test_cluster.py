"""Shared-template clustering and the summary tables built on it."""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path

from rapidfuzz import fuzz

from legalreview.batch import BatchItem, Skipped
from legalreview.cluster import ClauseRef, _UnionFind, cluster_clauses, describe, group_similar, normalize
from legalreview.models import Finding, ReviewReport
from legalreview.pipeline import review_text
from legalreview.summary import build_tables, clause_context, record_from_report, village_of, write_summary

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("gen_village_rules", ROOT / "bench" / "gen_village_rules.py")
GEN = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(GEN)


def test_normalize_strips_numbering_punctuation_and_own_village():
    a = normalize("第十二条  出嫁女户口未迁出的，不再享受东山村集体收益分配。", "东山村")
    b = normalize("（三）出嫁女户口未迁出的,不再享受西岙村集体收益分配", "西岙村")
    assert a == b == "出嫁女户口未迁出的不再享受本村集体收益分配"
    assert normalize("3. 倡导节约用水。") == "倡导节约用水"


def _brute_force(texts, threshold):
    uf = _UnionFind(len(texts))
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            if fuzz.ratio(texts[i], texts[j]) >= threshold:
                uf.union(i, j)
    groups = {}
    for i in range(len(texts)):
        groups.setdefault(uf.find(i), []).append(i)
    return sorted(sorted(g) for g in groups.values())


def _mutated_clauses(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    base = [c for chap in GEN.LAWFUL.values() for c in chap] + [c for v in GEN.PROBLEMS.values() for c in v]
    alphabet = "村民委员会集体应当不得取消罚款倡导公共环境卫生"
    out = []
    for _ in range(n):
        t = list(normalize(rng.choice(base).format(village="本村", amount=200, days=2)))
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3, 6])):
            k = rng.randrange(len(t))
            op = rng.random()
            if op < 0.4:
                t[k] = rng.choice(alphabet)
            elif op < 0.7:
                del t[k]
            else:
                t.insert(k, rng.choice(alphabet))
        out.append("".join(t))
    return out


def test_blocking_finds_exactly_the_brute_force_groups():
    for seed, threshold in ((1, 90), (2, 85), (3, 95)):
        texts = _mutated_clauses(seed, 260)
        got = sorted(sorted(g) for g in group_similar(texts, threshold))
        assert got == _brute_force(texts, threshold)


def test_template_clause_clusters_across_villages(tmp_path):
    rng = random.Random(5)
    refs = []
    with_women_tpl = set()
    for town, village in GEN.names(rng, 60):
        problems = ["women"] if rng.random() < 0.5 else []
        _, paras = GEN.village_rules(rng, village, town, problems)
        for p in paras:
            if "出嫁女户口未迁出" in p:
                with_women_tpl.add(village)
                refs.append(ClauseRef(doc=village, text=p, village=village, rule_ids=("VR-WOMEN",),
                                      categories=("women_rights",)))
            elif p.startswith("第"):
                refs.append(ClauseRef(doc=village, text=p, village=village, flagged=False))
    assert len(with_women_tpl) >= 5
    clusters = cluster_clauses(refs, threshold=90)
    women = [c for c in clusters if "出嫁女户口未迁出" in c.representative]
    assert len(women) == 1
    c = women[0]
    assert set(c.documents) == with_women_tpl  # different village names, one clause
    assert describe(c, "village_rules") == f"该条款出现在 {len(with_women_tpl)} 个村的村规民约中"
    assert c.rule_ids == ["VR-WOMEN"] and c.flagged
    # the lawful skeleton is shared by every village too, and chapter headings are not clauses
    assert any(c.n_docs == 60 and not c.flagged for c in clusters)
    assert all(not c.representative.startswith("第一章") for c in clusters)


def _report_with_findings(village: str, clauses: list[tuple[str, str, str]]) -> dict:
    """A real ReviewReport (validated) for a small village rules text with findings on the clauses."""
    lines = [f"{village}村规民约", "第一条 为推进村民自治，制定本村规民约。"]
    lines += [f"第{n}条 {c}" for n, (c, _, _) in enumerate(clauses, 2)]
    text = "\n".join(lines) + "\n"
    base = review_text(text, doc_type="village_rules").model_dump(mode="json")
    findings = []
    for clause, rule, cat in clauses:
        start = text.index(clause)
        findings.append(Finding(rule_id=rule, severity="error", category=cat, title="测试问题", message="该条款违法",
                                start=start, end=start + len(clause), quote=clause, location="第二条",
                                basis=[{"law": "《中华人民共和国村民委员会组织法》", "article": "第二十七条"}],
                                suggestion="删除该条款").model_dump(mode="json"))
    base["findings"] = findings
    base["summary"].update(errors=len(findings), warnings=0, infos=0, conclusion="修改后合法")
    return ReviewReport.model_validate(base).model_dump(mode="json")


def test_summary_tables_with_findings_and_clusters(tmp_path):
    fine = "在公共场所乱倒垃圾的，由村民委员会处以{n}元罚款。"
    items = []
    for k, (v, n) in enumerate((("东山村", 100), ("西岙村", 200), ("南塘村", 300))):
        clauses = [(fine.format(n=n), "VR-FINE", "fine_by_village")]
        if k == 0:
            clauses.append(("拖欠村集体款项的，村委会可以停止对其供水供电。", "VR-UTIL", "cut_utilities"))
        data = _report_with_findings(v, clauses)
        items.append(BatchItem(path=f"/in/{v}.txt", rel=f"镇/{v}.txt", status="ok",
                               record=record_from_report(data, f"镇/{v}.txt"), outputs={"json": f"/o/{v}.json"}))
    items.append(BatchItem(path="/in/坏.docx", rel="镇/坏.docx", status="failed", error="Word 文件已损坏"))
    tables = build_tables(items, [Skipped("镇/照片.png", "不支持的文件类型")], threshold=90)

    files = tables["文件汇总"]
    assert len(files) == 1 + 4 + 1
    east = next(r for r in files if r[0] == "镇/东山村.txt")
    assert east[2] == "东山村" and east[4] == 2 and "村规民约设定罚款（1）" in east[8]
    assert next(r for r in files if r[0] == "镇/坏.docx")[11] == "Word 文件已损坏"
    details = tables["问题明细"]
    assert len(details) == 1 + 4
    fine_rows = [r for r in details if r[5] == "VR-FINE"]
    assert {r[11] for r in fine_rows} == {"G001"}  # one decision for the three villages
    assert fine_rows[0][8] == "《中华人民共和国村民委员会组织法》第二十七条"
    cats = {r[1]: r for r in tables["问题分类统计"][1:]}
    assert cats["fine_by_village"][2:4] == [3, 3] and cats["cut_utilities"][2:4] == [1, 1]
    shared = tables["共性条款"]
    assert len(shared) == 2
    assert shared[1][1] == "该条款出现在 3 个村的村规民约中" and shared[1][2] == 3 and shared[1][6] == 3

    paths = write_summary(tmp_path, items, [], threshold=90)
    from openpyxl import load_workbook

    wb = load_workbook(paths[0])
    assert wb.sheetnames == ["文件汇总", "问题明细", "问题分类统计", "共性条款"]
    assert wb["共性条款"]["B2"].value == "该条款出现在 3 个村的村规民约中"
    assert all(p.read_bytes().startswith(b"\xef\xbb\xbf") for p in paths[1:])


def test_summary_keeps_formula_like_text_as_text(tmp_path):
    data = _report_with_findings("北山村", [("=HYPERLINK(\"x\")违者罚款。", "VR-FINE", "fine_by_village")])
    items = [BatchItem(path="/in/a.txt", rel="a.txt", record=record_from_report(data, "a.txt"))]
    paths = write_summary(tmp_path, items, [])
    from openpyxl import load_workbook

    cell = load_workbook(paths[0])["问题明细"]["D2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    csv_text = (tmp_path / "问题明细.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in csv_text


def test_village_and_context_helpers():
    assert village_of("东山村村规民约", None) == "东山村"
    assert village_of("村规民约", "西岙村村民委员会") == "西岙村"
    assert village_of("关于印发某某办法的通知", "某某镇人民政府") is None
    text = "标题\n第一条 " + "甲" * 400 + "。违者罚款五十元。其他内容。\n第二条 短句。"
    s = text.index("罚款")
    assert clause_context(text, s, s + 2) == "违者罚款五十元。"
    s2 = text.index("短句")
    assert clause_context(text, s2, s2 + 2) == "第二条 短句。"
