"""The batch summary: ``summary.xlsx`` (four sheets) and the same tables as CSV (UTF-8 with BOM).

Sheets: 文件汇总 (one row per input file, skipped and failed ones included), 问题明细 (one row per
finding), 问题分类统计 (category × findings, documents affected), 共性条款 (clauses shared by several
documents, ``legalreview.cluster``).

``record_from_report(report_json, rel)`` reduces a report (the JSON dict) to what the summary needs;
the batch workers return it, and a rerun rebuilds it from the JSON written last time.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from .cluster import ClauseRef, cluster_clauses, describe
from .fsutil import atomic_path, atomic_write_bytes
from .models import DOC_TYPE_LABELS, SEVERITY_LABELS

CATEGORY_LABELS: dict[str, str] = {
    "fine_by_village": "村规民约设定罚款",
    "public_shaming": "公开曝光、侮辱人格",
    "restrict_personal_freedom": "限制人身自由",
    "deprive_benefits": "剥夺或限制集体经济权益",
    "women_rights": "侵害妇女（出嫁女等）权益",
    "collective_punishment": "株连、连带处罚",
    "cut_utilities": "停水停电等",
    "refuse_service": "拒绝办理证明或服务",
    "disclaimer": "免除自身责任",
    "confiscation": "没收财物",
    "petition_restriction": "限制信访",
    "marriage_birth_interference": "干涉婚姻生育自由",
    "illegal_fee": "违法收费",
    "illegal_license": "违法设定许可",
    "illegal_penalty": "违法设定处罚",
    "illegal_compulsory_measure": "违法设定强制措施",
    "tax_rebate_promise": "违规税收返还承诺",
    "unfair_competition": "排除限制竞争",
    "government_guarantee": "政府违规担保",
    "excessive_term": "期限过长",
    "missing_dispute_clause": "缺少争议解决条款",
    "arbitration_in_admin_agreement": "行政协议约定仲裁",
    "exclusivity": "排他性约定",
    "beyond_authority_promise": "超越权限承诺",
    "one_sided_terms": "显失公平条款",
    "missing_essential_terms": "缺少必备条款",
    "missing_validity_period": "未规定有效期",
    "retroactive_effect": "溯及既往",
    "missing_legal_basis": "缺少法律依据",
    "issuer_not_eligible": "制定主体不适格",
    "missing_doc_number": "缺少文号",
    "ultra_vires": "超越职权",
    "add_obligation": "违法增加义务",
    "reduce_rights": "违法减损权利",
    "repeated_certificates": "重复要求证明材料",
    "cites_repealed_law": "引用已废止法律",
    "unknown_law": "引用的法律无法核实",
    "bad_article": "条文序号有误",
    "non_canonical_citation": "法律名称不规范",
    "procedure": "程序问题",
    "other": "其他",
}

STATUS_LABELS = {"ok": "已审查", "cached": "未变化（沿用上次结果）", "failed": "审查失败", "skipped": "已跳过"}

FILE_HEADER = ["文件", "标题", "发布单位/村", "文件类型", "违法（必须修改）", "建议修改", "提示", "已豁免",
               "主要问题类别", "审查结论", "状态", "错误或跳过原因", "输出文件"]
FINDING_HEADER = ["文件", "村", "位置", "原文", "问题类别", "规则", "严重程度", "问题", "依据", "修改建议", "已豁免",
                  "共性条款编号"]
CATEGORY_HEADER = ["问题类别", "类别代码", "问题数", "涉及文件数", "违法（必须修改）", "建议修改", "提示"]
CLUSTER_HEADER = ["编号", "说明", "出现文件数", "代表条款", "问题类别", "规则", "变体数", "涉及文件", "是否已标记问题"]

SHEETS = ("文件汇总", "问题明细", "问题分类统计", "共性条款")
CONTEXT_MAX = 300

_VILLAGE_RE = re.compile(r"([\u4e00-\u9fff]{1,10}?(?:村|社区|居委会))(?:村规民约|村民自治章程|居民公约|社区公约|自治章程|村民公约)")
_VILLAGE_ISSUER_RE = re.compile(r"([\u4e00-\u9fff]{1,12}?(?:村|社区))(?:村民委员会|居民委员会|村民代表大会|村民会议|村委会|$)")


def category_label(code: str) -> str:
    return CATEGORY_LABELS.get(code, code)


def village_of(title: str | None, issuer: str | None) -> str | None:
    """The village (or community) a document belongs to, from its issuer or title."""
    for s, rx in ((issuer, _VILLAGE_ISSUER_RE), (title, _VILLAGE_RE)):
        if s:
            m = rx.search(re.sub(r"\s+", "", s))
            if m:
                return m.group(1)
    return None


def clause_context(text: str, start: int, end: int) -> str:
    """The clause a finding sits in, for clustering: its paragraph (line), or the sentence around
    it when the paragraph is long."""
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    hi = len(text) if hi < 0 else hi
    if hi - lo <= CONTEXT_MAX:
        return text[lo:hi].strip()
    s = max(text.rfind(c, lo, start) for c in "。；！？") + 1
    s = max(s, lo)
    cands = [i for i in (text.find(c, end, hi) for c in "。；！？") if i >= 0]
    e = min(cands) + 1 if cands else hi
    return text[s:min(e, s + CONTEXT_MAX)].strip()


def _basis_text(basis: list[dict]) -> str:
    return "；".join(f"{b.get('law', '')}{b.get('article') or ''}" for b in basis or [])


def record_from_report(data: dict, rel: str, *, cluster_all: bool = False) -> dict:
    """The summary record of one report (``ReviewReport.model_dump(mode="json")``)."""
    doc = data.get("document", {})
    text = doc.get("text", "")
    summary = data.get("summary", {})
    village = village_of(doc.get("title"), doc.get("issuer"))
    findings = []
    for f in data.get("findings", []):
        findings.append({
            "rule_id": f.get("rule_id", ""), "severity": f.get("severity", ""), "category": f.get("category", ""),
            "title": f.get("title", ""), "message": f.get("message", ""), "location": f.get("location", ""),
            "quote": f.get("quote", ""), "basis": _basis_text(f.get("basis", [])),
            "suggestion": f.get("suggestion", ""), "waived": bool(f.get("waived")),
            "context": clause_context(text, int(f.get("start", 0)), int(f.get("end", 0))),
        })
    record = {
        "file": rel, "title": doc.get("title"), "issuer": doc.get("issuer"), "village": village,
        "doc_type": doc.get("doc_type", "other"), "errors": summary.get("errors", 0),
        "warnings": summary.get("warnings", 0), "infos": summary.get("infos", 0),
        "waived": summary.get("waived", 0), "conclusion": summary.get("conclusion", ""), "findings": findings,
    }
    if cluster_all:
        record["articles"] = _articles(doc, text)
    return record


def _articles(doc: dict, text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []

    def walk(nodes: list[dict]) -> None:
        for n in nodes:
            if n.get("kind") in ("article", "clause"):
                out.append((n.get("location") or n.get("label", ""), text[n["start"]:n["end"]].strip()[:CONTEXT_MAX]))
            else:
                walk(n.get("children", []))

    walk(doc.get("outline", []))
    if not out:  # no structure recovered: paragraphs
        for k, line in enumerate(text.split("\n")):
            if len(line.strip()) >= 8:
                out.append((f"第{k + 1}段", line.strip()[:CONTEXT_MAX]))
    return out


# --------------------------------------------------------------------------- tables


def build_tables(items: Sequence[Any], skipped: Sequence[Any], *, threshold: float = 90.0,
                 cluster_all: bool = False) -> dict[str, list[list[Any]]]:
    """The four tables (header row first) from batch items (``BatchItem``) and skipped files."""
    records = [it.record for it in items if it.record is not None]
    refs = _clause_refs(records, cluster_all)
    clusters = cluster_clauses(refs, threshold=threshold)
    cluster_of: dict[tuple[str, str], int] = {}
    for c in clusters:
        for m in c.members:
            cluster_of.setdefault((m.doc, m.text), c.id)

    files = [FILE_HEADER]
    for it in items:
        r = it.record
        error = it.error or "；".join(getattr(it, "output_errors", {}).values())
        if r is None:
            files.append([it.rel, "", "", "", "", "", "", "", "", "", STATUS_LABELS.get(it.status, it.status), error,
                          ""])
            continue
        cats = Counter(f["category"] for f in r["findings"] if not f["waived"])
        top = "、".join(f"{category_label(c)}（{n}）" for c, n in cats.most_common(3))
        status = STATUS_LABELS.get(it.status, it.status) + ("（部分输出失败）" if error else "")
        files.append([it.rel, r["title"] or "", r["village"] or r["issuer"] or "",
                      DOC_TYPE_LABELS.get(r["doc_type"], r["doc_type"]), r["errors"], r["warnings"], r["infos"],
                      r["waived"], top, r["conclusion"], status, error, _rel_out(it)])
    for s in skipped:
        files.append([s.rel, "", "", "", "", "", "", "", "", "", STATUS_LABELS["skipped"], s.reason, ""])

    details = [FINDING_HEADER]
    per_cat: dict[str, Counter] = defaultdict(Counter)
    docs_per_cat: dict[str, set] = defaultdict(set)
    for r in records:
        for f in r["findings"]:
            cid = cluster_of.get((r["file"], f["context"]))
            details.append([r["file"], r["village"] or "", f["location"], f["quote"], category_label(f["category"]),
                            f["rule_id"], SEVERITY_LABELS.get(f["severity"], f["severity"]), f["message"] or f["title"],
                            f["basis"], f["suggestion"], "是" if f["waived"] else "否",
                            f"G{cid:03d}" if cid else ""])
            if not f["waived"]:
                per_cat[f["category"]][f["severity"]] += 1
                docs_per_cat[f["category"]].add(r["file"])

    cats = [CATEGORY_HEADER]
    for code in sorted(per_cat, key=lambda c: (-sum(per_cat[c].values()), c)):
        cnt = per_cat[code]
        cats.append([category_label(code), code, sum(cnt.values()), len(docs_per_cat[code]), cnt["error"],
                     cnt["warning"], cnt["info"]])

    doc_type_of = {r["file"]: r["doc_type"] for r in records}
    shared = [CLUSTER_HEADER]
    for c in clusters:
        types = Counter(doc_type_of.get(d) for d in c.documents)
        shared.append([f"G{c.id:03d}", describe(c, types.most_common(1)[0][0]), c.n_docs, c.representative,
                       "、".join(category_label(x) for x in c.categories), "、".join(c.rule_ids), c.variants,
                       "；".join(c.documents), "是" if c.flagged else "否"])
    return {"文件汇总": files, "问题明细": details, "问题分类统计": cats, "共性条款": shared}


def _rel_out(item: Any) -> str:
    """The document's output files, relative to OUT_DIR (they mirror the input's folder)."""
    folder = PurePosixPath(item.rel).parent
    outs = getattr(item, "outputs", None) or {}
    return "；".join(str(folder / Path(outs[k]).name) for k in ("json", "opinion", "annotated") if outs.get(k))


def _clause_refs(records: list[dict], cluster_all: bool) -> list[ClauseRef]:
    refs: list[ClauseRef] = []
    for r in records:
        by_ctx: dict[str, list[dict]] = defaultdict(list)
        for f in r["findings"]:
            if f["context"]:
                by_ctx[f["context"]].append(f)
        for ctx, fs in by_ctx.items():
            refs.append(ClauseRef(doc=r["file"], text=ctx, location=fs[0]["location"], village=r["village"],
                                  rule_ids=tuple(sorted({f["rule_id"] for f in fs})),
                                  categories=tuple(sorted({f["category"] for f in fs}))))
        if cluster_all:
            for loc, text in r.get("articles", []):
                if text in by_ctx:
                    continue
                refs.append(ClauseRef(doc=r["file"], text=text, location=loc, village=r["village"], flagged=False))
    return refs


# --------------------------------------------------------------------------- writers

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XLSX_CELL_MAX = 32_000


def _cell(v: Any) -> Any:
    if isinstance(v, str):
        v = _ILLEGAL.sub("", v)
        if len(v) > _XLSX_CELL_MAX:
            v = v[:_XLSX_CELL_MAX] + "…"
    return v


def _csv_cell(v: Any) -> Any:
    # Keep Excel from evaluating document text as a formula (=, +, @, -).
    if isinstance(v, str) and v[:1] in ("=", "+", "@", "-"):
        return "'" + v
    return v


_WIDTHS = {"文件": 36, "标题": 36, "原文": 50, "问题": 40, "依据": 36, "修改建议": 40, "代表条款": 60, "涉及文件": 50,
           "说明": 30, "主要问题类别": 36, "错误或跳过原因": 40, "问题类别": 24}


def write_xlsx(tables: dict[str, list[list[Any]]], target: str | Path) -> Path:
    """Write-only workbook (streams rows: a province-sized summary stays fast and small in memory)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for name, rows in tables.items():
        ws = wb.create_sheet(name)
        for col, head in enumerate(rows[0], 1):
            ws.column_dimensions[get_column_letter(col)].width = _WIDTHS.get(head, 14)
        ws.freeze_panes = "A2"
        if len(rows) > 1:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(rows[0]))}{len(rows)}"
        header = []
        for v in rows[0]:
            c = WriteOnlyCell(ws, value=v)
            c.font = bold
            header.append(c)
        ws.append(header)
        for row in rows[1:]:
            out = []
            for v in row:
                v = _cell(v)
                if isinstance(v, str) and v.startswith("="):
                    c = WriteOnlyCell(ws, value=v)
                    c.data_type = "s"  # document text, not a formula
                    out.append(c)
                else:
                    out.append(v)
            ws.append(out)
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return Path(target)


def write_csv(rows: list[list[Any]], target: str | Path) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for row in rows:
        w.writerow([_csv_cell(v) for v in row])
    return atomic_write_bytes(target, buf.getvalue().encode("utf-8-sig"))


def write_summary(out_dir: str | Path, items: Sequence[Any], skipped: Sequence[Any], *, threshold: float = 90.0,
                  cluster_all: bool = False) -> list[Path]:
    """Write summary.xlsx and one CSV per sheet into ``out_dir``; return the paths."""
    return write_tables(out_dir, build_tables(items, skipped, threshold=threshold, cluster_all=cluster_all))


def write_tables(out_dir: str | Path, tables: dict[str, list[list[Any]]]) -> list[Path]:
    """summary.xlsx and ``<sheet>.csv`` for tables from ``build_tables``."""
    out_dir = Path(out_dir)
    paths = [write_xlsx(tables, out_dir / "summary.xlsx")]
    for name, rows in tables.items():
        paths.append(write_csv(rows, out_dir / f"{name}.csv"))
    return paths
