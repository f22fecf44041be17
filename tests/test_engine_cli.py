"""CLI of the rule engine: rules list/show/schema/test and review --rules/--explain with a user pack
written outside the repository."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

USER_PACK = textwrap.dedent("""\
    pack: my/township
    version: 2.0.0
    title: 本镇补充规则
    rules:
      - id: LOC-DOG
        title: 村规民约设定养犬押金
        doc_types: [village_rules]
        severity: warning
        category: illegal_fee
        scope: clause
        match:
          near: {a: [养狗, 养犬], b: [押金, 保证金], within: 10}
        exceptions: [{use: negation}]
        basis:
          - {law: 《中华人民共和国村民委员会组织法》, article: 第二十七条, text: 村民自治章程、村规民约以及村民会议或者村民代表会议的决定不得与宪法、法律、法规和国家的政策相抵触}
        why: 村规民约无权设定收费或押金。
        message: 「{quote}」设定了押金（{hit}）
        suggestion: 删除押金要求，改为登记和文明养犬倡议。
        examples:
          positive: ["养犬户须交押金500元", "养狗的缴纳保证金"]
          negative: ["养犬户不得收取押金", "文明养犬，拴绳出行", "押金由合作社退还"]
    """)

VILLAGE = "某村村规民约\n第一条 为了维护村容村貌，制定本村规民约。\n第二条 养犬户须交押金五百元。\n第三条 村民委员会不得收取押金。\n"


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "legalreview", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd)


def test_review_with_user_rule_outside_repo_and_explain(tmp_path):
    pack = tmp_path / "my_rules.yaml"
    pack.write_text(USER_PACK, encoding="utf-8")
    doc = tmp_path / "村规民约.txt"
    doc.write_text(VILLAGE, encoding="utf-8")
    r = cli("review", doc, "--type", "village_rules", "--rules", pack, "--format", "json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    mine = [f for f in data["findings"] if f["rule_id"] == "LOC-DOG"]
    assert len(mine) == 1
    f = mine[0]
    assert f["quote"] == "养犬户须交押金五百元" and f["location"].startswith("第二条")
    assert f["basis"][0]["law"] == "《中华人民共和国村民委员会组织法》" and f["suggestion"].startswith("删除押金")
    assert {"name": "my/township", "version": "2.0.0"}.items() <= {**data["rule_packs"][-1]}.items()
    r = cli("review", doc, "--type", "village_rules", "--rules", pack, "--explain", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "LOC-DOG" in r.stdout and "邻近「养犬」…「押金」" in r.stdout
    assert "negation" in r.stdout  # the suppressed 第三条 candidate and the checked exception


def test_user_pack_with_failing_example_is_refused(tmp_path):
    pack = tmp_path / "bad.yaml"
    pack.write_text(USER_PACK.replace('"文明养犬，拴绳出行"', '"养狗要交押金"'), encoding="utf-8")
    doc = tmp_path / "a.txt"
    doc.write_text(VILLAGE, encoding="utf-8")
    r = cli("review", doc, "--rules", pack)
    assert r.returncode == 2
    assert "LOC-DOG" in r.stderr and "反例" in r.stderr and "bad.yaml" in r.stderr and "Traceback" not in r.stderr
    r = cli("rules", "test", pack)
    assert r.returncode == 1 and "养狗要交押金" in r.stdout


def test_rules_list_show_schema(tmp_path):
    pack = tmp_path / "my_rules.yaml"
    pack.write_text(USER_PACK, encoding="utf-8")
    r = cli("rules", "list", "--type", "village_rules", "--rules", pack)
    assert r.returncode == 0 and "LOC-DOG" in r.stdout
    r = cli("rules", "list", "--type", "agency_contract", "--rules", pack)
    assert r.returncode == 0 and "LOC-DOG" not in r.stdout
    r = cli("rules", "show", "LOC-DOG", "--rules", pack)
    assert r.returncode == 0
    for part in ("村规民约设定养犬押金", "为什么是问题", "《中华人民共和国村民委员会组织法》第二十七条", "养犬户须交押金500元",
                 "删除押金要求"):
        assert part in r.stdout
    r = cli("rules", "show", "NO-SUCH")
    assert r.returncode == 2 and "NO-SUCH" in r.stderr
    r = cli("rules", "schema")
    schema = json.loads(r.stdout)
    assert {"pack", "rules", "extends", "overrides"} <= set(schema["properties"])
    assert "Rule" in schema["$defs"] and "ExceptionSet" in schema["$defs"]


def test_review_real_docx_with_user_rule_in_table_and_body(tmp_path):
    import docx

    from legalreview.pipeline import review

    pack = tmp_path / "my_rules.yaml"
    pack.write_text(USER_PACK, encoding="utf-8")
    d = docx.Document()
    d.add_paragraph("某村村规民约")
    d.add_paragraph("第一条 为了维护村容村貌，制定本村规民约。")
    d.add_paragraph("第二条 养犬户须交  押金五百元。")
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "养狗登记"
    table.cell(0, 1).text = "养狗的缴纳保证金二百元"
    d.add_paragraph("第三条 村民委员会不得向养犬户收取押金。")
    path = tmp_path / "村规民约.docx"
    d.save(path)
    report = review(path, doc_type="village_rules", rules=[str(pack)], explain=True)
    mine = [f for f in report.findings if f.rule_id == "LOC-DOG"]
    # the table row (its cells) reads as one clause, so the quote is the whole row
    assert [f.quote for f in mine] == ["养犬户须交  押金五百元", "养狗登记\n养狗的缴纳保证金二百元"]
    assert mine[0].location.startswith("第二条")
    text = report.document.text
    assert all(text[f.start:f.end] == f.quote for f in report.findings)
    supp = [s for s in report.suppressed if s.rule_id == "LOC-DOG"]
    assert [s.exception for s in supp] == ["negation"] and "不得" in supp[0].quote
