"""The review ledger (审查台账): register requests, review them, close them, list by urgency, export.

    with Ledger("ledger.sqlite3") as lg:
        req = lg.add("村规民约.docx", unit="南岙村民委员会", received=date(2026, 9, 28))
        report = lg.review(req.id)
        lg.close_request(req.id, conclusion="修改后合法", adopted="全部采纳")

Each request keeps the sha256 and a copy of the submitted bytes (the reviewed version stays
available even if the file on disk changes). A resubmission (``resubmit_of=``) is linked to the
earlier request and its comparison (``legalreview.compare``) is stored with it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..dates import as_date
from ..errors import InputError, LedgerError
from ..models import DOC_TYPE_LABELS, DOC_TYPES, ReviewReport
from ..workdays import ReviewLimits
from .db import connect, transaction

STATUS_LABELS = {"registered": "待审查", "reviewed": "已审查", "closed": "已办结"}
STATUS_ALIASES = {v: k for k, v in STATUS_LABELS.items()} | {"open": "open", "未办结": "open"}
URGENCY_LABELS = {"overdue": "已超期", "due_soon": "即将到期", "on_time": "期限内", "closed": "已办结"}


def default_db_path() -> Path:
    """``$LEGALREVIEW_LEDGER`` if set, else ``ledger.sqlite3`` in the user data directory."""
    env = os.environ.get("LEGALREVIEW_LEDGER")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("legalreview", appauthor=False)) / "ledger.sqlite3"


def law_key(name: str) -> str:
    """Normalized law name for matching: no 《》, no white space, no 「中华人民共和国」 prefix, no
    trailing edition note such as 「（2018年修正）」."""
    import re

    s = re.sub(r"\s+", "", name or "").strip("《》")
    s = re.sub(r"[（(][^（）()]*(?:修正|修订|年)[^（）()]*[）)]$", "", s)
    if s.startswith("中华人民共和国"):
        s = s[len("中华人民共和国"):]
    return s


class Request(BaseModel):
    id: int
    file_name: str
    source_path: str | None = None
    sha256: str
    size: int
    unit: str
    received: dt.date
    due: dt.date
    due_fallback: bool = False
    doc_type: str | None = None
    type_given: bool = False
    title: str | None = None
    status: str
    materials: str | None = None
    resubmit_of: int | None = None
    conclusion: str | None = None
    adopted: str | None = None
    closed_at: str | None = None
    note: str | None = None
    created_at: str
    updated_at: str
    # computed for listings (relative to ``today``)
    urgency: str = "on_time"
    workdays_left: int | None = None
    errors: int | None = None
    warnings: int | None = None
    review_conclusion: str | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def type_label(self) -> str:
        return DOC_TYPE_LABELS.get(self.doc_type or "other", self.doc_type or "")


class ImpactRow(BaseModel):
    request_id: int
    file_name: str
    title: str | None
    unit: str
    status: str
    law: str
    articles: list[str]
    via: list[str]


def _now() -> str:
    return dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")


def _as_date(value: dt.date | str, what: str) -> dt.date:
    d = as_date(value, what, LedgerError)
    if d is None:
        raise LedgerError(f"缺少{what}日期", cause="empty date")
    return d


class Ledger:
    def __init__(self, path: str | Path | None = None, *, limits: ReviewLimits | str | Path | dict | None = None):
        self.path = Path(path) if path else default_db_path()
        self.limits = limits if isinstance(limits, ReviewLimits) else ReviewLimits.load(limits)
        self.conn = connect(self.path)

    # ------------------------------------------------------------------ plumbing

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _log(self, request_id: int, action: str, detail: Any = None) -> None:
        self.conn.execute("INSERT INTO events(request_id, at, action, detail) VALUES (?,?,?,?)",
                          (request_id, _now(), action,
                           json.dumps(detail, ensure_ascii=False) if detail is not None else None))

    def _row(self, request_id: int):
        row = self.conn.execute("SELECT * FROM requests WHERE id = ?", (int(request_id),)).fetchone()
        if row is None:
            raise LedgerError(f"台账中没有编号为 {request_id} 的送审记录", path=self.path, cause="unknown request id")
        return row

    # ------------------------------------------------------------------ register

    def add(self, file: str | Path, *, unit: str, received: dt.date | str, doc_type: str | None = None,
            materials: str | Path | None = None, resubmit_of: int | None = None, note: str | None = None,
            rules: Any = None, as_of: dt.date | None = None) -> Request:
        """Register a review request: keep the file's bytes and sha256, detect the type (unless given)
        and compute the due date in working days. With ``resubmit_of`` the new version is compared with
        the earlier request (re-reviewed) and the comparison is stored."""
        p = Path(file)
        if not p.is_file():
            raise InputError("送审文件不存在", path=p, cause="file not found")
        if not unit or not unit.strip():
            raise LedgerError("请填写送审单位（--unit）", cause="empty unit")
        if doc_type is not None and doc_type not in DOC_TYPES:
            raise LedgerError(f"未知的文件类型「{doc_type}」，可选：{', '.join(DOC_TYPES)}", cause="unknown doc_type")
        received_d = _as_date(received, "收文")
        data = p.read_bytes()
        if not data:
            raise InputError("文件为空", path=p, cause="empty file")
        sha = hashlib.sha256(data).hexdigest()
        mats = None
        if materials is not None:
            mp = Path(materials)
            if not mp.is_file():
                raise InputError("送审材料清单不存在", path=mp, cause="materials file not found")
            from ..materials import load_materials

            load_materials(mp)  # a malformed manifest is refused at registration, not at review time
            mats = json.dumps({"name": mp.name, "text": mp.read_text(encoding="utf-8-sig")}, ensure_ascii=False)
        if resubmit_of is not None:
            self._row(resubmit_of)  # must exist

        title, detected = None, doc_type
        try:  # detection is a convenience: an unreadable file can still be registered
            from ..classify import classify
            from ..ingest import load

            doc = load(p)
            title = doc.title
            if doc_type is None:
                detected = classify(doc).doc_type
        except Exception:  # noqa: BLE001 - reported when the request is reviewed
            pass
        due = self.limits.due_date(received_d, detected)
        now = _now()
        with transaction(self.conn):
            cur = self.conn.execute(
                "INSERT INTO requests(file_name, source_path, sha256, size, unit, received, due, due_fallback, doc_type,"
                " type_given, title, status, materials, resubmit_of, note, created_at, updated_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,'registered',?,?,?,?,?)",
                (p.name, str(p.resolve()), sha, len(data), unit.strip(), received_d.isoformat(), due.date.isoformat(),
                 int(due.fallback), detected, int(doc_type is not None), title, mats, resubmit_of, note, now, now))
            rid = cur.lastrowid
            self.conn.execute("INSERT INTO files(request_id, content) VALUES (?, ?)", (rid, data))
            self._log(rid, "add", {"sha256": sha, "resubmit_of": resubmit_of, "due_warnings": due.warnings})
        if resubmit_of is not None:
            from ..errors import LegalReviewError

            try:
                self.compare_with_previous(rid, rules=rules, as_of=as_of)
            except LegalReviewError as e:  # the registration stands; the comparison can be retried
                with transaction(self.conn):
                    self._log(rid, "compare_failed", {"error": str(e)})
                raise LedgerError(f"已登记为编号 {rid}，但与编号 {resubmit_of} 的比对未完成：{e.message}。"
                                  f"可修正后用「legalreview ledger compare {rid}」重试", path=self.path,
                                  cause=e.cause or type(e).__name__) from e
        return self.get(rid)

    def duplicates_of(self, request_id: int) -> list[int]:
        """Other requests registered with the same bytes (the same file submitted twice)."""
        r = self._row(request_id)
        return [x[0] for x in self.conn.execute("SELECT id FROM requests WHERE sha256 = ? AND id != ? ORDER BY id",
                                                (r["sha256"], r["id"]))]

    # ------------------------------------------------------------------ read

    def get(self, request_id: int, today: dt.date | None = None) -> Request:
        return self._decorate(self._row(request_id), today or dt.date.today())

    def _decorate(self, row, today: dt.date) -> Request:
        req = Request(**{k: row[k] for k in row.keys()})
        rv = self.conn.execute("SELECT errors, warnings, conclusion FROM reviews WHERE request_id = ? ORDER BY id DESC"
                               " LIMIT 1", (req.id,)).fetchone()
        if rv is not None:
            req.errors, req.warnings, req.review_conclusion = rv["errors"], rv["warnings"], rv["conclusion"]
        if req.status == "closed":
            req.urgency = "closed"
            return req
        left, _ = self.limits.workdays_left(today, req.due)
        req.workdays_left = left
        if today > req.due:
            req.urgency = "overdue"
        elif left <= self.limits.due_soon_days:
            req.urgency = "due_soon"
        return req

    def file_bytes(self, request_id: int) -> bytes:
        row = self.conn.execute("SELECT content FROM files WHERE request_id = ?", (int(request_id),)).fetchone()
        if row is None:
            raise LedgerError(f"台账中没有编号为 {request_id} 的送审文件", path=self.path, cause="no stored file")
        return bytes(row[0])

    def list(self, status: str | None = None, overdue: bool = False, today: dt.date | None = None) -> list[Request]:
        """Requests, overdue first, then due soon, then by due date; closed ones last.

        ``status``: registered/reviewed/closed (or 待审查/已审查/已办结), or ``open`` for all not closed."""
        today = today or dt.date.today()
        st = STATUS_ALIASES.get(status, status) if status else None
        if st and st not in (*STATUS_LABELS, "open"):
            raise LedgerError(f"未知的状态「{status}」，可选：待审查、已审查、已办结、未办结", cause="unknown status")
        rows = self.conn.execute("SELECT * FROM requests ORDER BY id").fetchall()
        reqs = [self._decorate(r, today) for r in rows]
        if st == "open":
            reqs = [r for r in reqs if r.status != "closed"]
        elif st:
            reqs = [r for r in reqs if r.status == st]
        if overdue:
            reqs = [r for r in reqs if r.urgency == "overdue"]
        order = {"overdue": 0, "due_soon": 1, "on_time": 2, "closed": 3}
        return sorted(reqs, key=lambda r: (order[r.urgency], r.due, r.id))

    def latest_report(self, request_id: int) -> ReviewReport | None:
        row = self.conn.execute("SELECT report_json FROM reviews WHERE request_id = ? ORDER BY id DESC LIMIT 1",
                                (int(request_id),)).fetchone()
        return ReviewReport.model_validate_json(row[0]) if row else None

    def comparison(self, request_id: int) -> dict | None:
        row = self.conn.execute("SELECT comparison_json FROM comparisons WHERE request_id = ? ORDER BY id DESC LIMIT 1",
                                (int(request_id),)).fetchone()
        return json.loads(row[0]) if row else None

    def events(self, request_id: int) -> list[dict]:
        return [dict(r) for r in self.conn.execute("SELECT at, action, detail FROM events WHERE request_id = ? ORDER BY id",
                                                   (int(request_id),))]

    # ------------------------------------------------------------------ review

    def _materials_for(self, row, tmp: Path) -> Path | None:
        if not row["materials"]:
            return None
        m = json.loads(row["materials"])
        mp = tmp / ("materials_" + Path(m["name"]).name)
        mp.write_text(m["text"], encoding="utf-8")
        return mp

    def _review_stored(self, row, *, rules: Any = None, as_of: dt.date | None = None) -> ReviewReport:
        """Review the kept copy of a request (not the file on disk, which may have changed)."""
        from ..pipeline import review

        with tempfile.TemporaryDirectory(prefix="legalreview-ledger-") as td:
            tmp = Path(td)
            src = tmp / Path(row["file_name"]).name
            src.write_bytes(self.file_bytes(row["id"]))
            report = review(src, doc_type=row["doc_type"], rules=rules, materials=self._materials_for(row, tmp),
                            as_of=as_of)
        doc = report.document.model_copy(update={"path": row["source_path"] or row["file_name"]})
        return report.model_copy(update={"document": doc})

    def review(self, request_id: int, *, rules: Any = None, as_of: dt.date | None = None,
               opinion: str | Path | None = None, opinion_options: dict | None = None,
               annotate: str | Path | None = None) -> ReviewReport:
        """Review the stored copy and store the JSON report; write the opinion .docx and a commented
        copy of the reviewed version (kept bytes) if asked, and record those outputs."""
        row = self._row(request_id)
        if row["status"] == "closed":
            raise LedgerError(f"编号 {request_id} 已办结，不能再审查；修改稿请用 --resubmit-of 重新登记",
                              path=self.path, cause="request is closed")
        report = self._review_stored(row, rules=rules, as_of=as_of)
        outputs = []
        if opinion is not None:
            from ..reports.opinion import write_opinion

            opts = {"addressee": row["unit"]} | (opinion_options or {})
            write_opinion(report, opinion, **opts)
            outputs.append(str(Path(opinion).resolve()))
        if annotate is not None:
            from ..reports.annotate import annotate as write_annotated

            with tempfile.TemporaryDirectory(prefix="legalreview-ledger-") as td:
                src = Path(td) / Path(row["file_name"]).name
                src.write_bytes(self.file_bytes(row["id"]))
                write_annotated(report, annotate, source=src)
            outputs.append(str(Path(annotate).resolve()))
        self.store_report(row["id"], report, outputs)
        return report

    def store_report(self, request_id: int, report: ReviewReport, outputs: list[str] | None = None) -> int:
        s = report.summary
        with transaction(self.conn):
            cur = self.conn.execute(
                "INSERT INTO reviews(request_id, reviewed_at, errors, warnings, infos, conclusion, rule_packs, report_json,"
                " outputs) VALUES (?,?,?,?,?,?,?,?,?)",
                (request_id, _now(), s.errors, s.warnings, s.infos, s.conclusion,
                 json.dumps([p.model_dump() for p in report.rule_packs], ensure_ascii=False),
                 report.model_dump_json(), json.dumps(outputs or [], ensure_ascii=False)))
            review_id = cur.lastrowid
            for law, article, via in _cited_laws(report):
                self.conn.execute("INSERT INTO cited_laws(review_id, request_id, law, law_key, article, via)"
                                  " VALUES (?,?,?,?,?,?)", (review_id, request_id, law, law_key(law), article, via))
            self.conn.execute("UPDATE requests SET status = 'reviewed', updated_at = ?, title = COALESCE(title, ?),"
                              " doc_type = COALESCE(doc_type, ?) WHERE id = ? AND status != 'closed'",
                              (_now(), report.document.title, report.document.doc_type, request_id))
            self._log(request_id, "review", {"errors": s.errors, "warnings": s.warnings, "conclusion": s.conclusion,
                                             "outputs": outputs or []})
        return review_id

    # ------------------------------------------------------------------ resubmission

    def compare_with_previous(self, request_id: int, *, rules: Any = None, as_of: dt.date | None = None):
        """Compare a resubmission with the request it revises; store the comparison and the new review."""
        from ..compare import compare

        row = self._row(request_id)
        prev_id = row["resubmit_of"]
        if prev_id is None:
            raise LedgerError(f"编号 {request_id} 不是修改稿（登记时未指定 --resubmit-of）", path=self.path,
                              cause="not a resubmission")
        prev = self._row(prev_id)
        old_report = self.latest_report(prev_id)
        if old_report is None:  # the earlier version was never reviewed: review its kept copy now
            old_report = self._review_stored(prev, rules=rules, as_of=as_of)
            self.store_report(prev_id, old_report)
        new_report = self._review_stored(row, rules=rules, as_of=as_of)
        comp = compare(old_report, new_report)
        self.store_report(request_id, new_report)
        c = comp.counts
        with transaction(self.conn):
            self.conn.execute(
                "INSERT INTO comparisons(request_id, previous_id, created_at, resolved, remaining, new, comparison_json)"
                " VALUES (?,?,?,?,?,?,?)",
                (request_id, prev_id, _now(), c["resolved"], c["remaining"], c["new"],
                 comp.model_dump_json(exclude={"old_report", "new_report"})))
            self._log(request_id, "compare", {"previous_id": prev_id} | c)
        return comp

    # ------------------------------------------------------------------ close

    def close_request(self, request_id: int, *, conclusion: str, adopted: str | None = None,
                      note: str | None = None) -> Request:
        row = self._row(request_id)
        if row["status"] == "closed":
            raise LedgerError(f"编号 {request_id} 已于 {row['closed_at']} 办结", path=self.path, cause="already closed")
        if not conclusion or not conclusion.strip():
            raise LedgerError("请填写审查结论（--conclusion）", cause="empty conclusion")
        with transaction(self.conn):
            self.conn.execute("UPDATE requests SET status = 'closed', conclusion = ?, adopted = ?, closed_at = ?,"
                              " note = COALESCE(?, note), updated_at = ? WHERE id = ?",
                              (conclusion.strip(), adopted, _now(), note, _now(), int(request_id)))
            self._log(int(request_id), "close", {"conclusion": conclusion, "adopted": adopted})
        return self.get(request_id)

    # ------------------------------------------------------------------ law-change impact

    def impact(self, law_name: str, *, contains: bool = False) -> list[ImpactRow]:
        """Requests whose latest review cites ``law_name`` (document citations or findings' bases)."""
        key = law_key(law_name)
        if not key:
            raise LedgerError("请给出法律名称", cause="empty law name")
        latest = "SELECT MAX(id) FROM reviews GROUP BY request_id"
        if contains:
            rows = self.conn.execute(f"SELECT * FROM cited_laws WHERE review_id IN ({latest}) AND law_key LIKE ?"
                                     " ESCAPE '\\' ORDER BY request_id", ("%" + _like(key) + "%",)).fetchall()
        else:
            rows = self.conn.execute(f"SELECT * FROM cited_laws WHERE review_id IN ({latest}) AND law_key = ?"
                                     " ORDER BY request_id", (key,)).fetchall()
        out: dict[int, ImpactRow] = {}
        for r in rows:
            item = out.get(r["request_id"])
            if item is None:
                req = self._row(r["request_id"])
                item = out[r["request_id"]] = ImpactRow(
                    request_id=req["id"], file_name=req["file_name"], title=req["title"], unit=req["unit"],
                    status=req["status"], law=r["law"], articles=[], via=[])
            if r["article"] and r["article"] not in item.articles:
                item.articles.append(r["article"])
            if r["via"] not in item.via:
                item.via.append(r["via"])
        return list(out.values())

    # ------------------------------------------------------------------ export

    def export_xlsx(self, path: str | Path, today: dt.date | None = None) -> Path:
        from .export import write_xlsx

        return write_xlsx(self, path, today=today)


def _like(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _cited_laws(report: ReviewReport) -> list[tuple[str, str | None, str]]:
    out, seen = [], set()
    for c in report.citations:
        law = c.canonical or c.law_name
        key = (law, c.article, "citation")
        if law and key not in seen:
            seen.add(key)
            out.append(key)
    for f in report.findings:
        for b in f.basis:
            key = (b.law, b.article, "basis")
            if b.law and key not in seen:
                seen.add(key)
                out.append(key)
    return out
