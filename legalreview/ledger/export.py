"""Export the ledger to .xlsx (openpyxl): one row per request, urgent ones first."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from ..fsutil import atomic_path
from .store import URGENCY_LABELS

if TYPE_CHECKING:  # pragma: no cover
    from .store import Ledger

COLUMNS = (
    ("编号", 6), ("文件名", 28), ("标题", 36), ("文件类型", 16), ("送审单位", 20), ("收文日期", 12),
    ("办结期限", 12), ("剩余工作日", 10), ("期限状态", 10), ("办理状态", 10), ("违法问题", 9), ("建议修改", 9),
    ("审查结论", 14), ("采纳情况", 20), ("修改稿对应编号", 14), ("SHA-256", 20), ("备注", 24),
)


def write_xlsx(ledger: Ledger, path: str | Path, today: dt.date | None = None) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    today = today or dt.date.today()
    wb = Workbook()
    ws = wb.active
    ws.title = "审查台账"
    ws.append([c for c, _ in COLUMNS])
    for i, (_, width) in enumerate(COLUMNS, 1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[cell.column_letter].width = width
    red = PatternFill("solid", fgColor="F8CBAD")
    amber = PatternFill("solid", fgColor="FFE699")
    notes = []
    for r in ledger.list(today=today):
        ws.append([
            r.id, r.file_name, r.title or "", r.type_label, r.unit, r.received, r.due,
            r.workdays_left if r.workdays_left is not None else "", URGENCY_LABELS[r.urgency], r.status_label,
            r.errors if r.errors is not None else "", r.warnings if r.warnings is not None else "",
            r.conclusion or r.review_conclusion or "", r.adopted or "", r.resubmit_of or "", r.sha256[:16], r.note or "",
        ])
        row = ws.max_row
        for col in (6, 7):
            ws.cell(row=row, column=col).number_format = "yyyy-mm-dd"
        if r.urgency in ("overdue", "due_soon"):
            ws.cell(row=row, column=9).fill = red if r.urgency == "overdue" else amber
        if r.due_fallback:
            notes.append(f"编号 {r.id} 的办结期限跨越尚未收录法定节假日安排的年份，已按周一至周五推算，请人工核对。")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    info = wb.create_sheet("说明")
    info.append([f"导出日期：{today.isoformat()}"])
    info.append(["期限以工作日计算，收文当日不计入（《中华人民共和国民法典》第二百零一条），法定节假日及调休依 chinesecalendar。"])
    for t, lim in sorted(ledger.limits.limits.items()):
        info.append([f"{t}：{lim.due_days} 个工作日；{lim.basis}"])
    for n in notes:
        info.append([n])
    info.column_dimensions["A"].width = 120
    out = Path(path)
    with atomic_path(out) as tmp:
        wb.save(tmp)
    return out
