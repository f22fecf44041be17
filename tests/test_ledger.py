"""The review ledger on real SQLite files: registration, deadlines, review, resubmission, close,
ordering, impact, export, migrations and two processes writing at once."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing as mp
import sqlite3
import subprocess
import sys

import openpyxl
import pytest

from legalreview.errors import InputError, LedgerError
from legalreview.ledger import SCHEMA_VERSION, Ledger, law_key
from legalreview.ledger.db import MIGRATIONS, connect

from test_compare import NEW, OLD, PACK

D = dt.date


@pytest.fixture
def files(tmp_path):
    pack = tmp_path / "pack.yaml"
    pack.write_text(PACK, encoding="utf-8")
    old = tmp_path / "村规民约送审稿.txt"
    new = tmp_path / "村规民约修改稿.txt"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(NEW, encoding="utf-8")
    return old, new, pack


@pytest.fixture
def ledger(tmp_path):
    lg = Ledger(tmp_path / "ledger.sqlite3")
    yield lg
    lg.close()


def test_add_keeps_copy_and_computes_due_date_across_national_day(ledger, files):
    old, _, _ = files
    r = ledger.add(old, unit="南岙村民委员会", received=D(2026, 9, 28), doc_type="normative_document")
    # normative documents: 15 working days by default; 2026-10-10 (Saturday) is a make-up working day
    assert r.due == D(2026, 10, 23) and not r.due_fallback
    assert r.status == "registered" and r.status_label == "待审查"
    assert r.type_given and r.doc_type == "normative_document"
    import hashlib

    assert r.sha256 == hashlib.sha256(old.read_bytes()).hexdigest()
    original = old.read_bytes()
    old.write_text("改过的内容", encoding="utf-8")  # the kept copy is independent of the file on disk
    assert ledger.file_bytes(r.id) == original
    # the database is a real file with the current schema, in WAL mode
    con = sqlite3.connect(ledger.path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def test_type_detected_when_not_given_and_fallback_year(ledger, files):
    old, _, _ = files
    r = ledger.add(old, unit="南岙村", received="2026-12-28")
    assert r.doc_type == "village_rules" and not r.type_given
    assert r.title == "南岙村村规民约"
    assert r.due_fallback  # the period runs into 2027, not covered by the holiday calendar


def test_review_uses_stored_copy_and_resubmission_is_compared(ledger, files):
    old, new, pack = files
    r1 = ledger.add(old, unit="南岙村", received=D(2026, 9, 28))
    old.write_text("第一条 无关内容。\n", encoding="utf-8")
    report = ledger.review(r1.id, rules=[pack])
    mine = {f.rule_id for f in report.findings if f.rule_id.startswith("TST-")}
    assert mine == {"TST-FINE", "TST-SHAME", "TST-WATER"}  # reviewed the kept copy, not the changed file
    assert ledger.get(r1.id).status == "reviewed"
    assert ledger.latest_report(r1.id).summary.errors == report.summary.errors

    r2 = ledger.add(new, unit="南岙村", received=D(2026, 10, 20), resubmit_of=r1.id, rules=[pack])
    assert r2.resubmit_of == r1.id and r2.status == "reviewed"
    comp = ledger.comparison(r2.id)
    status = {f["rule_id"]: f["status"] for f in comp["findings"] if f["rule_id"].startswith("TST-")}
    assert status == {"TST-FINE": "resolved", "TST-SHAME": "resolved", "TST-WATER": "remaining"}
    assert [e["action"] for e in ledger.events(r2.id)] == ["add", "review", "compare"]
    again = ledger.compare_with_previous(r2.id, rules=[pack])  # `ledger compare ID` re-runs it
    assert {f.rule_id for f in again.findings if f.status == "remaining"} >= {"TST-WATER"}
    with pytest.raises(LedgerError, match="不是修改稿"):
        ledger.compare_with_previous(r1.id)


def test_failed_comparison_keeps_the_registration(ledger, files, tmp_path):
    old, new, _ = files
    r1 = ledger.add(old, unit="南岙村", received=D(2026, 9, 28))
    broken = tmp_path / "broken.yaml"
    broken.write_text("pack: x\nrules: [{id: bad}]\n", encoding="utf-8")
    with pytest.raises(LedgerError, match="已登记为编号 2"):
        ledger.add(new, unit="南岙村", received=D(2026, 10, 20), resubmit_of=r1.id, rules=[broken])
    assert ledger.get(2).resubmit_of == r1.id
    assert ledger.events(2)[-1]["action"] == "compare_failed"



def test_impact_finds_documents_citing_a_law(ledger, files):
    from legalreview.models import Basis, Citation, DocumentInfo, Finding, ReviewReport

    old, new, _ = files
    r1 = ledger.add(old, unit="甲村", received=D(2026, 9, 28))
    r2 = ledger.add(new, unit="乙村", received=D(2026, 9, 28))
    text = "根据《民法通则》，违者罚款。"
    cit = Citation(raw="《民法通则》", start=2, end=8, law_name="民法通则", canonical="中华人民共和国民法通则",
                   status="repealed")
    f = Finding(rule_id="X-FINE", severity="error", category="fine_by_village", title="罚款", message="m",
                start=11, end=13, quote="罚款", location="",
                basis=[Basis(law="《中华人民共和国村民委员会组织法》", article="第二十七条")])
    ledger.store_report(r1.id, ReviewReport(tool_version="t", document=DocumentInfo(text=text), citations=[cit],
                                            findings=[f]))
    ledger.store_report(r2.id, ReviewReport(tool_version="t", document=DocumentInfo(text=text), findings=[f]))
    hits = ledger.impact("民法通则")
    assert [(h.request_id, h.via) for h in hits] == [(r1.id, ["citation"])]
    hits = ledger.impact("中华人民共和国村民委员会组织法")
    assert [h.request_id for h in hits] == [r1.id, r2.id]
    assert hits[0].articles == ["第二十七条"] and hits[0].via == ["basis"]
    assert ledger.impact("组织法") == []
    assert len(ledger.impact("组织法", contains=True)) == 2
    # only the latest review of a request counts
    ledger.store_report(r1.id, ReviewReport(tool_version="t", document=DocumentInfo(text=text)))
    assert [h.request_id for h in ledger.impact("村民委员会组织法")] == [r2.id]


def test_close_and_state_errors(ledger, files):
    old, _, _ = files
    r = ledger.add(old, unit="南岙村", received=D(2026, 9, 28))
    c = ledger.close_request(r.id, conclusion="修改后合法", adopted="全部采纳")
    assert c.status == "closed" and c.conclusion == "修改后合法" and c.adopted == "全部采纳" and c.urgency == "closed"
    with pytest.raises(LedgerError, match="已于"):
        ledger.close_request(r.id, conclusion="合法")
    with pytest.raises(LedgerError, match="已办结"):
        ledger.review(r.id)
    with pytest.raises(LedgerError, match="没有编号为 99"):
        ledger.get(99)
    with pytest.raises(LedgerError):
        ledger.add(old, unit="南岙村", received="2026/09/28")
    with pytest.raises(InputError):
        ledger.add(old.with_name("无此文件.txt"), unit="南岙村", received="2026-09-28")
    with pytest.raises(LedgerError):
        ledger.add(old, unit="南岙村", received="2026-09-28", resubmit_of=42)


def test_list_puts_overdue_and_due_soon_first(ledger, files):
    old, _, _ = files
    a = ledger.add(old, unit="甲村", received=D(2026, 11, 2), doc_type="agency_contract")  # due 11-16
    b = ledger.add(old, unit="乙村", received=D(2026, 10, 12), doc_type="agency_contract")  # due 10-26: overdue
    c = ledger.add(old, unit="丙村", received=D(2026, 11, 10), doc_type="major_decision")  # due 11-19 (7 days)
    assert c.due == D(2026, 11, 19)
    d = ledger.add(old, unit="丁村", received=D(2026, 10, 12), doc_type="agency_contract")
    ledger.close_request(d.id, conclusion="合法")
    today = D(2026, 11, 13)  # a Friday
    got = [(r.id, r.urgency) for r in ledger.list(today=today)]
    assert got == [(b.id, "overdue"), (a.id, "due_soon"), (c.id, "on_time"), (d.id, "closed")]
    assert ledger.get(a.id, today=today).workdays_left == 1
    assert ledger.get(c.id, today=today).workdays_left == 4
    assert [r.id for r in ledger.list(overdue=True, today=today)] == [b.id]
    assert [r.id for r in ledger.list(status="已办结", today=today)] == [d.id]
    assert {r.id for r in ledger.list(status="open", today=today)} == {a.id, b.id, c.id}
    with pytest.raises(LedgerError):
        ledger.list(status="whatever")


def test_review_writes_opinion_and_commented_copy(ledger, tmp_path, files):
    import docx

    _, _, pack = files
    src = tmp_path / "村规民约.docx"
    d = docx.Document()
    d.add_paragraph("南岙村村规民约")
    d.add_paragraph("第一条 乱倒垃圾的，罚款二百元。")
    d.add_paragraph("第二条 村民应当爱护公共设施。")
    d.save(src)
    r = ledger.add(src, unit="南岙村民委员会", received=D(2026, 9, 28))
    opinion, commented = tmp_path / "意见书.docx", tmp_path / "批注版.docx"
    ledger.review(r.id, rules=[pack], opinion=opinion, annotate=commented)
    assert "南岙村村规民约" in "\n".join(p.text for p in docx.Document(str(opinion)).paragraphs)
    from legalreview.reports.docxutil import comment_texts

    comments = comment_texts(docx.Document(str(commented)))
    assert any("村规民约无权设定罚款" in t for t in comments.values())
    outputs = json.loads(ledger.events(r.id)[-1]["detail"])["outputs"]
    assert outputs == [str(opinion.resolve()), str(commented.resolve())]


def test_export_xlsx_reads_back(ledger, files, tmp_path):
    old, _, pack = files
    r = ledger.add(old, unit="南岙村民委员会", received=D(2026, 9, 28))
    ledger.review(r.id, rules=[pack])
    out = ledger.export_xlsx(tmp_path / "台账.xlsx", today=D(2026, 10, 1))
    wb = openpyxl.load_workbook(out)
    ws = wb["审查台账"]
    header = [c.value for c in ws[1]]
    assert header[:7] == ["编号", "文件名", "标题", "文件类型", "送审单位", "收文日期", "办结期限"]
    row = [c.value for c in ws[2]]
    assert row[0] == r.id and row[4] == "南岙村民委员会" and row[2] == "南岙村村规民约"
    assert row[6].date() == D(2026, 10, 16)
    assert row[header.index("违法问题")] >= 2
    assert "说明" in wb.sheetnames


def test_migration_from_version_1_keeps_data(tmp_path):
    path = tmp_path / "old.sqlite3"
    con = sqlite3.connect(path)
    con.executescript(MIGRATIONS[0])
    con.execute("PRAGMA user_version = 1")
    con.execute("INSERT INTO requests(file_name, sha256, size, unit, received, due, status, created_at, updated_at)"
                " VALUES ('a.txt', 'x', 1, '甲村', '2026-09-28', '2026-10-16', 'registered', 'now', 'now')")
    con.commit()
    con.close()
    with Ledger(path) as lg:
        assert lg.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert lg.get(1).unit == "甲村"
        assert lg.impact("民法典") == []  # the v2 table exists
        assert lg.events(1) == []


def test_newer_or_corrupt_database_is_refused(tmp_path):
    newer = tmp_path / "newer.sqlite3"
    con = sqlite3.connect(newer)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(LedgerError, match="版本"):
        connect(newer)
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(LedgerError, match="损坏"):
        connect(bad)


def _writer(db: str, src: str, unit: str, n: int, q, ready, go) -> None:
    try:
        with Ledger(db) as lg:
            ready.put(unit)
            go.wait(60)  # both processes start writing at the same moment
            for i in range(n):
                lg.add(src, unit=f"{unit}{i}", received="2026-09-28", doc_type="agency_contract")
        q.put(("ok", unit))
    except Exception as e:  # noqa: BLE001 - reported to the parent
        q.put(("error", repr(e)))


def test_two_processes_writing_at_once(tmp_path, files):
    old, _, _ = files
    db = tmp_path / "shared.sqlite3"  # not created yet: both processes race to migrate it too
    ctx = mp.get_context("spawn")
    q, ready, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    procs = [ctx.Process(target=_writer, args=(str(db), str(old), u, 15, q, ready, go)) for u in ("甲", "乙")]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=60)
    go.set()
    for p in procs:
        p.join(120)
    results = [q.get(timeout=5) for _ in procs]
    assert all(r[0] == "ok" for r in results), results
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT COUNT(*), COUNT(DISTINCT id) FROM requests").fetchone() == (30, 30)
    assert con.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 30
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    con.close()


def test_law_key_normalizes_names():
    assert law_key("《中华人民共和国村民委员会组织法》") == "村民委员会组织法"
    assert law_key("民法典（2020年）") == "民法典"
    assert law_key(" 《土地管理法》 ") == "土地管理法"


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "legalreview", "ledger", *map(str, args)], capture_output=True,
                          text=True)


def test_cli_register_list_close_export(tmp_path, files):
    old, _, _ = files
    db = tmp_path / "cli.sqlite3"
    r = _cli("add", old, "--unit", "南岙村民委员会", "--received", "2026-09-28", "--type", "normative_document",
             "--db", db)
    assert r.returncode == 0, r.stderr
    assert "编号 1" in r.stdout and "2026-10-23" in r.stdout
    r = _cli("list", "--db", db, "--today", "2026-10-26", "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert rows[0]["id"] == 1 and rows[0]["urgency"] == "overdue"
    r = _cli("list", "--db", db, "--today", "2026-10-22")
    assert "即将到期" in r.stdout
    r = _cli("close", "1", "--conclusion", "合法", "--adopted", "不适用", "--db", db)
    assert r.returncode == 0 and "已办结" in r.stdout
    out = tmp_path / "台账.xlsx"
    r = _cli("export", out, "--db", db)
    assert r.returncode == 0 and out.exists()
    r = _cli("show", "7", "--db", db)
    assert r.returncode == 2 and "没有编号为 7" in r.stderr and "Traceback" not in r.stderr
    r = _cli("add", old, "--unit", "甲", "--received", "9月28日", "--db", db)
    assert r.returncode == 2 and "YYYY-MM-DD" in r.stderr


def test_default_location(monkeypatch, tmp_path):
    from legalreview.ledger import default_db_path

    monkeypatch.delenv("LEGALREVIEW_LEDGER", raising=False)
    p = default_db_path()
    assert p.name == "ledger.sqlite3" and "legalreview" in p.parent.as_posix()
    monkeypatch.setenv("LEGALREVIEW_LEDGER", str(tmp_path / "env.sqlite3"))
    with Ledger() as lg:
        assert lg.path == tmp_path / "env.sqlite3"
    assert (tmp_path / "env.sqlite3").exists()


def test_materials_are_validated_kept_and_used(ledger, files, tmp_path):
    old, _, pack = files
    mats = tmp_path / "材料.yaml"
    mats.write_text("items:\n  - kind: 村民会议表决\n    start: 2026-09-20\n", encoding="utf-8")
    r = ledger.add(old, unit="南岙村", received=D(2026, 9, 28), materials=mats)
    assert json.loads(r.materials)["name"] == "材料.yaml"
    mats.unlink()  # the kept copy is used at review time
    report = ledger.review(r.id, rules=[pack])
    assert report.summary.errors >= 2
    bad = tmp_path / "坏材料.yaml"
    bad.write_text("items:\n  - kind: 征求意见\n    start: 2026-03-31\n    end: 2026-03-01\n", encoding="utf-8")
    with pytest.raises(InputError):
        ledger.add(old, unit="南岙村", received=D(2026, 9, 28), materials=bad)
