"""The law corpus (corpora/laws/laws.json): validation, key facts, cross-check with ../shared/laws,
the ``laws`` CLI, and citation resolution over the annotated dev documents."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import shared_path
from legalreview.cli import app
from legalreview.errors import CorpusError
from legalreview.laws import check_citations, load_corpus
from legalreview.laws.citations import is_local
from legalreview.laws.corpus import key
from legalreview.laws.numerals import cn_to_int

runner = CliRunner()
NOW = dt.date(2026, 11, 26)


# --------------------------------------------------------------------------- corpus


def test_corpus_loads_and_is_large_enough():
    c = load_corpus()
    assert len(c) >= 300
    assert load_corpus() is c  # cached once per process
    levels = {e.level for e in c.entries}
    assert {"宪法", "法律", "行政法规", "地方性法规", "规章", "规范性文件", "党内法规", "司法解释"} <= levels


def test_bad_corpus_file_is_a_corpus_error(tmp_path: Path):
    p = tmp_path / "laws.json"
    p.write_text(json.dumps({"entries": [{"id": "x", "name": "x", "level": "不存在的层级"}]}), encoding="utf-8")
    with pytest.raises(CorpusError) as ei:
        load_corpus(str(p))
    assert "法律法规库" in str(ei.value)
    p.write_text("{not json", encoding="utf-8")
    with pytest.raises(CorpusError):
        load_corpus(str(p))


def test_civil_code_repeal_list_is_complete():
    c = load_corpus()
    for short in ["民法通则", "婚姻法", "继承法", "民法总则", "收养法", "担保法", "合同法", "物权法", "侵权责任法"]:
        e = c.get(short)
        assert e is not None, short
        assert e.repealed == dt.date(2021, 1, 1)
        assert e.replaced_by == "中华人民共和国民法典"
        assert e.repeal_basis == "《中华人民共和国民法典》第一千二百六十条"


@pytest.mark.parametrize("old,new,day", [
    ("信访条例", "信访工作条例", dt.date(2022, 5, 1)),
    ("治安管理处罚条例", "中华人民共和国治安管理处罚法", dt.date(2006, 3, 1)),
    ("城市房屋拆迁管理条例", "国有土地上房屋征收与补偿条例", dt.date(2011, 1, 21)),
    ("城市规划法", "中华人民共和国城乡规划法", dt.date(2008, 1, 1)),
    ("中外合资经营企业法", "中华人民共和国外商投资法", dt.date(2020, 1, 1)),
    ("环境噪声污染防治法", "中华人民共和国噪声污染防治法", dt.date(2022, 6, 5)),
    ("契税暂行条例", "中华人民共和国契税法", dt.date(2021, 9, 1)),
    ("公平竞争审查制度实施细则", "公平竞争审查条例实施办法", None),
])
def test_other_repeals_have_successors(old, new, day):
    e = load_corpus().get(old)
    assert e is not None and e.repealed is not None
    assert e.replaced_by == new
    assert load_corpus().get(new) is not None
    if day:
        assert e.repealed == day


def test_agricultural_tax_regulation_is_repealed_without_successor():
    e = load_corpus().get("农业税条例")
    assert e.repealed == dt.date(2006, 1, 1) and e.replaced_by is None and not e.verified


@pytest.mark.parametrize("name,count_2016,count_now", [
    ("行政处罚法", 64, 86),
    ("立法法", 105, 120),
    ("行政复议法", None, 90),
    ("妇女权益保障法", None, 86),
    ("村民委员会组织法", 41, 41),
])
def test_article_counts_by_version(name, count_2016, count_now):
    e = load_corpus().get(name)
    assert e.article_count_at(dt.date(2024, 6, 1)) == count_now
    if count_2016 is not None:
        assert e.article_count_at(dt.date(2016, 6, 1)) == count_2016


def test_most_cited_laws_present_with_versions_since_2015():
    c = load_corpus()
    names = ["行政处罚法", "行政许可法", "行政强制法", "立法法", "村民委员会组织法", "城市居民委员会组织法", "妇女权益保障法",
             "民法典", "土地管理法", "农村土地承包法", "农村集体经济组织法", "公平竞争审查条例", "优化营商环境条例",
             "重大行政决策程序暂行条例", "政府信息公开条例", "宪法", "人口与计划生育法", "治安管理处罚法", "信访工作条例",
             "预算法", "行政诉讼法", "行政复议法", "仲裁法", "国有土地上房屋征收与补偿条例", "浙江省实施村民委员会组织法办法",
             "浙江省行政规范性文件管理办法", "浙江省重大行政决策程序规定"]
    for n in names:
        e = c.get(n)
        assert e is not None, n
        assert e.repealed is None, n


def test_stored_articles_and_doc_numbers():
    c = load_corpus()
    e = c.get("行政处罚法")
    assert e.articles["第十六条"] == "除法律、法规、规章外，其他规范性文件不得设定行政处罚。"
    assert c.get("重大行政决策程序暂行条例").doc_number == "国务院令第713号"
    assert c.get("国务院办公厅关于加强行政规范性文件制定和监督管理工作的通知").doc_number == "国办发〔2018〕37号"


def test_key_normalization():
    assert key("《中华人民共和国 行政处罚法》") == "行政处罚法"
    assert key("中华人民共和国土地管理法（2019年修正）") == "土地管理法"
    assert key("浙江省实施〈中华人民共和国村民委员会组织法〉办法") == "浙江省实施村民委员会组织法办法"
    assert key("企业破产法（试行）") == "企业破产法(试行)"


def test_local_names():
    assert is_local("贵州省人口与计划生育条例")
    assert is_local("柳河县加快旅游业发展的若干意见")
    assert not is_local("城市房屋拆迁管理条例")
    assert not is_local("市场主体登记管理条例")
    assert not is_local("浙江省生活垃圾管理条例")


# --------------------------------------------------------------------------- cross-check with ../shared/laws


ART = re.compile(r"^第([零〇一二三四五六七八九十百千]+)条[ \u3000]")


def test_corpus_matches_shared_laws():
    laws = shared_path("laws")
    c = load_corpus()
    problems, checked, counted = [], 0, 0
    for e in c.entries:
        if not e.source.startswith("../shared/laws/"):
            continue
        rel = e.source[len("../shared/laws/"):]
        files = sorted(laws.glob(rel)) if "*" in rel else [laws / rel]
        if not all(f.is_file() for f in files):
            problems.append(f"{e.name}: source file missing: {rel}")
            continue
        numbers, texts, title = [], {}, None
        for f in files:
            cur = None
            for line in f.read_text(encoding="utf-8").splitlines():
                s = line.strip()
                if title is None and s.startswith("# "):
                    title = s[2:].replace(" ", "")
                m = ART.match(s)
                if m:
                    cur = f"第{m.group(1)}条"
                    numbers.append(cn_to_int(m.group(1)))
                    texts[cur] = s[m.end():].strip()
                elif s.startswith("#"):
                    cur = None
                elif cur and s:
                    texts[cur] += "\n" + s
        checked += 1
        if key(title or "") not in {key(n) for n in [e.name, *e.short_names, *e.aliases]}:
            problems.append(f"{e.name}: title in ../shared/laws is {title}")
        m = re.search(r"\((\d{4}-\d{2}-\d{2})\)\.md$", rel)
        file_date = dt.date.fromisoformat(m.group(1)) if m else None
        held = [x for x in e.versions if x.articles is not None and x.verified]
        if file_date:
            held = [x for x in held if x.date <= file_date]
        version = held[-1] if held else None
        if numbers and version is not None:
            counted += 1
            if version.articles != max(numbers):
                problems.append(f"{e.name}: {version.articles} articles in the corpus, {max(numbers)} in ../shared/laws")
        for label, text in e.articles.items():
            if texts.get(label) != text:
                problems.append(f"{e.name}{label}: stored text differs from ../shared/laws")
    assert checked >= 300 and counted >= 1000
    assert not problems, "\n".join(problems[:50])


# --------------------------------------------------------------------------- CLI


def test_cli_laws_check_text():
    r = runner.invoke(app, ["laws", "check", "根据《中华人民共和国合同法》第五十二条订立", "--as-of", "2023-01-01"])
    assert r.exit_code == 0, r.output
    assert "已废止" in r.output and "中华人民共和国民法典" in r.output


def test_cli_laws_check_as_of_before_repeal():
    r = runner.invoke(app, ["laws", "check", "根据《中华人民共和国合同法》订立", "--as-of", "2019-06-01"])
    assert r.exit_code == 0
    assert "[有效]" in r.output and "已废止" not in r.output


def test_cli_laws_check_file_json(tmp_path: Path):
    p = tmp_path / "村规民约.txt"
    p.write_text("第一条 根据《民法通则》、《中华人民共和国村民委员会组织法》第二十七条，制定本公约。\n", encoding="utf-8")
    r = runner.invoke(app, ["laws", "check", str(p), "--json", "--as-of", "2024-01-01", "--doc-date", "2016-05-01"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert [d["status"] for d in data] == ["repealed", "ok"]
    assert "文件制定时" in data[0]["message"]
    assert data[1]["article"] == "第二十七条"


def test_cli_laws_check_docx(tmp_path: Path):
    import docx

    p = tmp_path / "合同.docx"
    d = docx.Document()
    d.add_paragraph("依据《中华人民共和国行政处罚法》第九十九条的规定。")
    d.save(p)
    r = runner.invoke(app, ["laws", "check", str(p), "--problems"])
    assert r.exit_code == 0, r.output
    assert "条号不存在" in r.output and "86条" in r.output


def test_cli_laws_check_bad_date():
    r = runner.invoke(app, ["laws", "check", "《民法典》", "--as-of", "2023/01/01"])
    assert r.exit_code != 0


def test_cli_laws_show():
    r = runner.invoke(app, ["laws", "show", "行政处罚法", "--article", "第十六条"])
    assert r.exit_code == 0, r.output
    assert "《中华人民共和国行政处罚法》" in r.output
    assert "86条" in r.output and "2021-07-15" in r.output
    assert "其他规范性文件不得设定行政处罚" in r.output


def test_cli_laws_show_repealed_and_json():
    r = runner.invoke(app, ["laws", "show", "物权法", "--json"])
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert data["repealed"] == "2021-01-01" and data["replaced_by"] == "中华人民共和国民法典"


def test_cli_laws_show_unknown_suggests():
    r = runner.invoke(app, ["laws", "show", "行政出发法"])
    assert r.exit_code != 0
    assert "行政处罚法" in str(r.exception) or "行政处罚法" in r.output


# --------------------------------------------------------------------------- dev documents

# Hand-checked resolution of every law cited in ../shared/eval/dev (name as written -> canonical name);
# law names only, no sentences of the documents.
EXPECTED = {
    "中华人民共和国村民委员会组织法": "中华人民共和国村民委员会组织法",
    "村民委员会组织法": "中华人民共和国村民委员会组织法",
    "信访条例": "信访条例",
    "民法通则": "中华人民共和国民法通则",
    "国务院办公厅关于促进全域旅游发展的指导意见": "国务院办公厅关于促进全域旅游发展的指导意见",
    "中华人民共和国土地管理法": "中华人民共和国土地管理法",
    "中华人民共和国物权法": "中华人民共和国物权法",
    "电力设施保护条例": "电力设施保护条例",
    "国有土地上房屋征收与补偿条例": "国有土地上房屋征收与补偿条例",
    "烟花爆竹安全管理条例": "烟花爆竹安全管理条例",
    "浙江省烟花爆竹安全管理办法": "浙江省烟花爆竹安全管理办法",
    "中华人民共和国合同法": "中华人民共和国合同法",
    "重大行政决策程序暂行条例": "重大行政决策程序暂行条例",
    "浙江省重大行政决策程序规定": "浙江省重大行政决策程序规定",
    "无证无照经营查处办法": "无证无照经营查处办法",
    "浙江省生活垃圾管理条例": "浙江省生活垃圾管理条例",
    "中华人民共和国行政处罚法": "中华人民共和国行政处罚法",
    "浙江省食品小作坊小餐饮店小食杂店和食品摊贩管理规定": "浙江省食品小作坊小餐饮店小食杂店和食品摊贩管理规定",
    "浙江省道路运输条例": "浙江省道路运输条例",
    "中华人民共和国食品安全法": "中华人民共和国食品安全法",
    "中华人民共和国渔业法": "中华人民共和国渔业法",
}


def test_dev_documents_citations_resolve(dev_manifest):
    docs = shared_path("eval", "dev")
    total = resolved = 0
    wrong, unresolved = [], []
    statuses = {}
    for row in dev_manifest:
        text = (docs / row["file"]).read_text(encoding="utf-8")
        for c in check_citations(text, as_of=NOW):
            if c.status == "not_in_corpus":
                assert is_local(c.law_name) or not c.law_name.startswith("中华人民共和国")
                continue  # another region's or a county's document: outside any national/Zhejiang corpus
            total += 1
            if c.canonical:
                resolved += 1
                if EXPECTED.get(c.law_name) != c.canonical:
                    wrong.append((row["file"], c.law_name, c.canonical))
            else:
                unresolved.append((row["file"], c.law_name, c.status))
            statuses.setdefault(row["file"], []).append((c.law_name, c.status))
    assert total >= 30
    assert resolved / total >= 0.95, unresolved
    assert not wrong
    # the repeals the annotators expect
    for f, name in [("docs/005_baoping_cunguiminyue.txt", "民法通则"), ("docs/016_jinhua_songdianxianlu_banfa.txt", "中华人民共和国物权法"),
                    ("docs/055_zhejiang_cun_jiti_tudi_zulin_hetong.txt", "中华人民共和国合同法"),
                    ("docs/001_beilei_cunguiminyue.txt", "信访条例")]:
        assert (name, "repealed") in statuses[f], statuses.get(f)


def test_held_out_zhejiang_regulations_citations():
    """The Zhejiang regulations in ../shared/laws cite national laws by their full names: almost all
    resolve, none is called unknown because of the (incomplete) Zhejiang coverage, and no typo guess
    changes the kind of instrument."""
    root = shared_path("laws", "DLC")
    total = resolved = unknown = 0
    for f in sorted(root.rglob("*.md")):
        if f.name.startswith("_"):
            continue
        body = f.read_text(encoding="utf-8").split("INFO END")[-1]
        for c in check_citations(body, as_of=dt.date(2022, 1, 1)):
            if c.status == "not_in_corpus":
                continue
            total += 1
            resolved += c.canonical is not None
            unknown += c.status == "unknown"
            assert not c.law_name.startswith("浙江省") or c.status != "unknown", c.law_name
            if c.canonical and "笔误" in c.message:
                assert key(c.law_name)[-2:] == key(c.canonical)[-2:] or len(key(c.law_name)) == len(key(c.canonical))
    assert total >= 500
    assert resolved / total >= 0.99, (resolved, total, unknown)


def test_cli_laws_check_missing_file(tmp_path: Path):
    from legalreview.cli import main

    assert main(["laws", "check", str(tmp_path / "没有这个文件.docx")]) == 2


def test_cli_laws_show_article_in_arabic_numerals():
    r = runner.invoke(app, ["laws", "show", "中华人民共和国民法典", "-a", "1260"])
    assert r.exit_code == 0
    assert "同时废止" in r.output


def test_cli_laws_search():
    r = runner.invoke(app, ["laws", "search", "村民委员会"])
    assert r.exit_code == 0
    lines = r.output.splitlines()
    assert lines[0].startswith("《中华人民共和国村民委员会组织法》")
    assert any("浙江省实施《中华人民共和国村民委员会组织法》办法" in x for x in lines)
    r = runner.invoke(app, ["laws", "search", "合同法"])
    assert "已废止（2021-01-01）" in r.output


def test_heldout_sim_citations_resolve():
    """corpora/heldout_sim (documents written for measuring generalisation): every non-local citation
    resolves to the law of the same name, and the expected repealed citations are flagged."""
    from legalreview.resources import corpora_dir

    base = corpora_dir() / "heldout_sim"
    if not (base / "manifest.jsonl").exists():
        pytest.skip("corpora/heldout_sim not present")
    total = 0
    for line in (base / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        from legalreview.ingest import load

        cites = check_citations(load(base / row["file"]).text, as_of=NOW)  # .txt and .docx alike
        for c in cites:
            if c.status == "not_in_corpus":
                continue
            total += 1
            assert c.canonical is not None, (row["file"], c.law_name, c.status)
            assert key(c.law_name) == key(c.canonical), (c.law_name, c.canonical)
        for f in row.get("expected_findings", []):
            if f["category"] == "cites_repealed_law" and f["quote"].startswith("《"):
                assert any(c.status == "repealed" and c.raw.startswith(f["quote"]) for c in cites), f["quote"]
    assert total >= 10
