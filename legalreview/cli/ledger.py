"""CLI: ``legalreview ledger add|review|list|show|close|export|impact`` and ``legalreview compare OLD NEW``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer

from ..errors import LegalReviewError

DB_HELP = "台账数据库文件（默认：用户数据目录下的 ledger.sqlite3，或环境变量 LEGALREVIEW_LEDGER）"
LIMITS_HELP = "审查期限配置（YAML：limits: {类型: {due_days: N}}）"


def _date(value: str | None, what: str) -> dt.date | None:
    from .review import _parse_date

    return _parse_date(value, what)


def _open(db: Path | None, limits: Path | None = None):
    from ..ledger import Ledger

    return Ledger(db, limits=limits)


def _req_line(r) -> str:
    from ..ledger import URGENCY_LABELS

    left = "" if r.workdays_left is None else f"，剩余 {r.workdays_left} 个工作日"
    probs = "" if r.errors is None else f"，违法 {r.errors}、建议 {r.warnings}"
    link = f"，修改稿（原编号 {r.resubmit_of}）" if r.resubmit_of else ""
    fb = "（节假日未收录，按周一至周五推算）" if r.due_fallback and r.status != "closed" else ""
    return (f"[{r.id}] {URGENCY_LABELS[r.urgency]} | {r.status_label} | 期限 {r.due}{fb}{left} | {r.unit} | "
            f"{r.title or r.file_name}（{r.type_label}）{probs}{link}")


def register(app: typer.Typer) -> None:
    ledger = typer.Typer(help="审查台账：登记送审、审查、按期限排序查看、办结、导出、法律变更影响查询。",
                         no_args_is_help=True, rich_markup_mode=None)
    app.add_typer(ledger, name="ledger")

    @ledger.command("add", help="登记一份送审文件（保存文件副本和 SHA-256，按工作日计算办结期限）。")
    def add_cmd(
        file: Path = typer.Argument(..., help="送审文件"),
        unit: str = typer.Option(..., "--unit", "-u", help="送审单位"),
        received: str = typer.Option(..., "--received", help="收文日期 YYYY-MM-DD（当日不计入期限）"),
        doc_type: str = typer.Option(None, "--type", "-t", help="文件类型（不指定则自动识别）"),
        materials: Path = typer.Option(None, "--materials", help="送审材料清单（YAML/JSON）"),
        resubmit_of: int = typer.Option(None, "--resubmit-of", help="本件为该编号送审件的修改稿：自动比对并记录采纳情况"),
        note: str = typer.Option(None, "--note", help="备注"),
        rules: list[str] = typer.Option(None, "--rules", "-r", help="追加的规则包（比对修改稿时使用）"),
        db: Path = typer.Option(None, "--db", help=DB_HELP),
        limits: Path = typer.Option(None, "--limits", help=LIMITS_HELP),
    ) -> None:
        with _open(db, limits) as lg:
            r = lg.add(file, unit=unit, received=_date(received, "收文"), doc_type=doc_type, materials=materials,
                       resubmit_of=resubmit_of, note=note, rules=list(rules) if rules else None)
            lim = lg.limits.for_type(r.doc_type)
            typer.echo(f"已登记，编号 {r.id}：{r.title or r.file_name}（{r.type_label}），送审单位 {r.unit}")
            typer.echo(f"收文 {r.received}，办结期限 {r.due}（{lim.due_days} 个工作日，收文当日不计入；{lim.basis}）")
            if r.due_fallback:
                typer.echo("注意：期限跨越尚未收录法定节假日安排的年份，已按周一至周五推算，请人工核对。")
            dups = lg.duplicates_of(r.id)
            if dups and not resubmit_of:
                typer.echo(f"提示：相同文件（SHA-256 一致）此前已登记，编号 {', '.join(map(str, dups))}。")
            if resubmit_of:
                comp = lg.comparison(r.id)
                c = comp["counts"] if comp else {}
                typer.echo(f"已与编号 {resubmit_of} 比对：原审查意见已解决 {c.get('resolved', 0)} 项，仍存在 "
                           f"{c.get('remaining', 0)} 项，新发现 {c.get('new', 0)} 项（ledger show {r.id} 查看详情）。")
            typer.echo(f"数据库：{lg.path}", err=True)

    @ledger.command("review", help="审查台账中的一件（审查登记时保存的副本），保存审查报告。")
    def review_cmd(
        request_id: int = typer.Argument(..., help="台账编号"),
        output: Path = typer.Option(None, "--output", "-o", help="同时写出审查意见书（.docx）"),
        annotate: Path = typer.Option(None, "--annotate", help="同时写出带批注的送审稿（.docx，基于登记时保存的副本）"),
        rules: list[str] = typer.Option(None, "--rules", "-r", help="追加的规则包"),
        as_of: str = typer.Option(None, "--as-of", help="法律效力基准日（YYYY-MM-DD）"),
        reviewer: str = typer.Option(None, "--reviewer", help="审查人（写入意见书）"),
        body: str = typer.Option(None, "--body", help="审查机构（写入意见书）"),
        force: bool = typer.Option(False, "--force", help="覆盖已存在的意见书文件"),
        db: Path = typer.Option(None, "--db", help=DB_HELP),
    ) -> None:
        from ..fsutil import check_output_path
        from ..reports import render

        with _open(db) as lg:
            for out in (output, annotate):
                if out is not None:
                    check_output_path(out, [lg.get(request_id).source_path or ""], force=force)
            opts = {k: v for k, v in (("reviewer", reviewer), ("body", body)) if v}
            report = lg.review(request_id, rules=list(rules) if rules else None, as_of=_date(as_of, "--as-of "),
                               opinion=output, opinion_options=opts, annotate=annotate)
            typer.echo(render(report, "text"))
            s = report.summary
            typer.echo(f"已保存审查结果（编号 {request_id}）：违法 {s.errors}、建议修改 {s.warnings}、提示 {s.infos}；"
                       f"初步结论：{s.conclusion}")
            for out in (output, annotate):
                if out is not None:
                    typer.echo(f"已写出：{out}", err=True)

    @ledger.command("list", help="列出送审件：已超期、即将到期的排在前面。")
    def list_cmd(
        status: str = typer.Option(None, "--status", help="按状态筛选：待审查、已审查、已办结、未办结（或 registered/reviewed/closed/open）"),
        overdue: bool = typer.Option(False, "--overdue", help="只列已超期的"),
        today: str = typer.Option(None, "--today", help="以该日期计算剩余期限（默认今天）"),
        fmt: str = typer.Option("text", "--format", "-f", help="text 或 json"),
        db: Path = typer.Option(None, "--db", help=DB_HELP),
        limits: Path = typer.Option(None, "--limits", help=LIMITS_HELP),
    ) -> None:
        with _open(db, limits) as lg:
            reqs = lg.list(status=status, overdue=overdue, today=_date(today, "--today "))
            if fmt == "json":
                typer.echo(json.dumps([r.model_dump(mode="json") for r in reqs], ensure_ascii=False, indent=2))
                return
            if not reqs:
                typer.echo("台账中没有符合条件的送审件。")
            for r in reqs:
                typer.echo(_req_line(r))

    @ledger.command("show", help="查看一件的详情：期限、审查结果、修改稿比对、办理记录。")
    def show_cmd(
        request_id: int = typer.Argument(..., help="台账编号"),
        today: str = typer.Option(None, "--today", help="以该日期计算剩余期限（默认今天）"),
        fmt: str = typer.Option("text", "--format", "-f", help="text 或 json"),
        db: Path = typer.Option(None, "--db", help=DB_HELP),
    ) -> None:
        with _open(db) as lg:
            r = lg.get(request_id, today=_date(today, "--today "))
            report = lg.latest_report(request_id)
            comp = lg.comparison(request_id)
            if fmt == "json":
                typer.echo(json.dumps({"request": r.model_dump(mode="json"),
                                       "report": report.model_dump(mode="json") if report else None,
                                       "comparison": comp, "events": lg.events(request_id)},
                                      ensure_ascii=False, indent=2))
                return
            typer.echo(_req_line(r))
            typer.echo(f"文件：{r.file_name}（SHA-256 {r.sha256}）")
            typer.echo(f"收文 {r.received}，办结期限 {r.due}" + ("（按周一至周五推算，请核对）" if r.due_fallback else ""))
            if r.status == "closed":
                typer.echo(f"已办结：{r.closed_at}，审查结论：{r.conclusion}，采纳情况：{r.adopted or '未填写'}")
            if report is not None:
                typer.echo("")
                from ..reports import render

                typer.echo(render(report, "text"))
            if comp is not None:
                from ..compare import Comparison

                typer.echo("")
                typer.echo(f"与编号 {r.resubmit_of} 的比对：")
                typer.echo(Comparison.model_validate(_without_computed(comp)).to_text())
            typer.echo("")
            typer.echo("办理记录：")
            for e in lg.events(request_id):
                typer.echo(f"  {e['at']} {e['action']} {e['detail'] or ''}")

    @ledger.command("compare", help="（重新）比对修改稿与其原送审件，保存采纳情况。")
    def compare_cmd_ledger(
        request_id: int = typer.Argument(..., help="修改稿的台账编号（登记时用了 --resubmit-of）"),
        output: Path = typer.Option(None, "--output", "-o", help="写出「审查意见采纳情况」表（.docx）"),
        rules: list[str] = typer.Option(None, "--rules", "-r", help="追加的规则包"),
        force: bool = typer.Option(False, "--force", help="覆盖已存在的输出文件"),
        db: Path = typer.Option(None, "--db", help=DB_HELP),
    ) -> None:
        from ..fsutil import check_output_path

        if output is not None:
            check_output_path(output, [], force=force)
        with _open(db) as lg:
            comp = lg.compare_with_previous(request_id, rules=list(rules) if rules else None)
            typer.echo(comp.to_text())
            if output is not None:
                comp.write_docx(output, force=True)
                typer.echo(f"已写出：{output}", err=True)

    @ledger.command("close", help="办结：记录审查结论和采纳情况。")
    def close_cmd(
        request_id: int = typer.Argument(..., help="台账编号"),
        conclusion: str = typer.Option(..., "--conclusion", help="审查结论，如 合法、修改后合法、不合法"),
        adopted: str = typer.Option(None, "--adopted", help="采纳情况，如 全部采纳、部分采纳、未采纳"),
        note: str = typer.Option(None, "--note", help="备注"),
        db: Path = typer.Option(None, "--db", help=DB_HELP),
    ) -> None:
        with _open(db) as lg:
            r = lg.close_request(request_id, conclusion=conclusion, adopted=adopted, note=note)
            typer.echo(f"编号 {r.id} 已办结：{r.conclusion}" + (f"，{r.adopted}" if r.adopted else ""))

    @ledger.command("export", help="导出台账为 Excel（.xlsx）。")
    def export_cmd(
        output: Path = typer.Argument(..., help="输出文件，如 审查台账.xlsx"),
        today: str = typer.Option(None, "--today", help="以该日期计算剩余期限（默认今天）"),
        force: bool = typer.Option(False, "--force", help="覆盖已存在的文件"),
        db: Path = typer.Option(None, "--db", help=DB_HELP),
        limits: Path = typer.Option(None, "--limits", help=LIMITS_HELP),
    ) -> None:
        from ..fsutil import check_output_path

        if output.suffix.lower() != ".xlsx":
            raise LegalReviewError("导出文件应为 .xlsx", path=output, cause="export needs .xlsx")
        with _open(db, limits) as lg:
            check_output_path(output, [lg.path], force=force)
            lg.export_xlsx(output, today=_date(today, "--today "))
            typer.echo(f"已导出：{output}")

    @ledger.command("impact", help="法律修改或废止时，列出审查报告中引用了该法律的送审件。")
    def impact_cmd(
        law: str = typer.Argument(..., help="法律名称，如 民法通则、《中华人民共和国土地管理法》"),
        contains: bool = typer.Option(False, "--contains", help="名称包含即算（默认须为同一法律）"),
        db: Path = typer.Option(None, "--db", help=DB_HELP),
    ) -> None:
        from ..ledger import STATUS_LABELS

        with _open(db) as lg:
            rows = lg.impact(law, contains=contains)
            if not rows:
                typer.echo(f"没有送审件的审查报告引用「{law}」。")
            for x in rows:
                via = "、".join({"citation": "文件引用", "basis": "审查依据"}[v] for v in x.via)
                arts = "、".join(x.articles) if x.articles else "未注明条文"
                typer.echo(f"[{x.request_id}] {x.title or x.file_name}（{x.unit}，{STATUS_LABELS.get(x.status, x.status)}）："
                           f"{x.law} {arts}（{via}）")

    @app.command("compare", help="比对两个版本：逐条对照修改内容，重新审查修改稿，列出原审查意见的采纳情况。")
    def compare_cmd(
        old: Path = typer.Argument(..., help="原稿（送审稿）"),
        new: Path = typer.Argument(..., help="修改稿"),
        fmt: str = typer.Option("text", "--format", "-f", help="text 或 json"),
        output: Path = typer.Option(None, "--output", "-o", help="写出「审查意见采纳情况」表（.docx）或 JSON（.json）"),
        doc_type: str = typer.Option(None, "--type", "-t", help="文件类型（不指定则按原稿自动识别，两稿按同一类型审查）"),
        rules: list[str] = typer.Option(None, "--rules", "-r", help="追加的规则包"),
        as_of: str = typer.Option(None, "--as-of", help="法律效力基准日（YYYY-MM-DD）"),
        force: bool = typer.Option(False, "--force", help="覆盖已存在的输出文件"),
    ) -> None:
        from ..compare import compare
        from ..fsutil import atomic_write_text, check_output_path

        if fmt not in ("text", "json"):
            raise LegalReviewError(f"不支持的输出格式「{fmt}」，可选：text、json", cause="bad --format")
        if output is not None:
            check_output_path(output, [old, new], force=force)
            if output.suffix.lower() not in (".docx", ".json"):
                raise LegalReviewError("输出文件应为 .docx 或 .json", path=output, cause="bad output suffix")
        comp = compare(old, new, rules=list(rules) if rules else None, doc_type=doc_type,
                       as_of=_date(as_of, "--as-of "))
        if fmt == "json":
            typer.echo(comp.model_dump_json(indent=2, exclude={"old_report", "new_report"}))
        else:
            typer.echo(comp.to_text())
        if output is not None:
            if output.suffix.lower() == ".docx":
                comp.write_docx(output, force=True)
            else:
                atomic_write_text(output, comp.model_dump_json(indent=2, exclude={"old_report", "new_report"}))
            typer.echo(f"已写出：{output}", err=True)


def _without_computed(d: dict) -> dict:
    return {k: v for k, v in d.items() if k != "counts"}
