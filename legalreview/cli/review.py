"""``legalreview review FILE``: review one document."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from ..errors import LegalReviewError

FORMAT_HELP = "输出格式：text（终端可读，默认）、json（供程序使用）、md、html"


def _parse_date(value: str | None, what: str) -> dt.date | None:
    from ..dates import as_date

    return as_date(value, what)


def register(app: typer.Typer) -> None:
    @app.command("review", help="审查一份文件（.docx/.txt/.md/.pdf，装有 LibreOffice 时还支持 .doc/.wps/.rtf/.odt）。")
    def review_cmd(
        file: Path = typer.Argument(..., help="待审查的文件"),
        doc_type: str = typer.Option(None, "--type", "-t", help="指定文件类型（不指定则自动识别）：village_rules、"
                                     "normative_document、party_normative_document、major_decision、agency_contract、"
                                     "enforcement_decision、other"),
        rules: list[str] = typer.Option(None, "--rules", "-r", help="追加的规则包（名称或 YAML 路径，可重复）"),
        fmt: str = typer.Option("text", "--format", "-f", help=FORMAT_HELP),
        output: Path = typer.Option(None, "--output", "-o", help="输出文件：.docx 为审查意见书，.json/.md/.html 为相应格式报告"),
        annotate: Path = typer.Option(None, "--annotate", help="另存一份带批注的被审查文件（.docx），不改动原件"),
        materials: Path = typer.Option(None, "--materials", help="送审材料清单（YAML/JSON），用于程序性审查"),
        waivers: Path = typer.Option(None, "--waivers", help="豁免记录（YAML）；默认读取「文件名.waivers.yaml」（如存在）"),
        as_of: str = typer.Option(None, "--as-of", help="以该日期判断法律效力（YYYY-MM-DD，默认今天）"),
        explain: bool = typer.Option(False, "--explain", help="显示每项问题由哪个匹配器命中、检查了哪些例外"),
        force: bool = typer.Option(False, "--force", help="覆盖已存在的输出文件"),
        max_size: float = typer.Option(None, "--max-size", min=0.001, help="输入文件大小上限（MB，默认 50）"),
        config: Path = typer.Option(None, "--config", help="意见书配置文件（YAML：审查机构、审查人、送审单位、结论措辞等）"),
        reviewer: str = typer.Option(None, "--reviewer", help="审查人（写入意见书）"),
        body: str = typer.Option(None, "--body", help="审查机构，如「XX镇人民政府」「XX司法所」（写入意见书）"),
        addressee: str = typer.Option(None, "--addressee", help="送审单位（写入意见书）"),
        template: Path = typer.Option(None, "--template", help="意见书 Word 模板（.docx，使用其样式）"),
        doc_number: str = typer.Option(None, "--doc-number", help="意见书发文字号，如「X司审〔2026〕3号」"),
        conclusion: str = typer.Option(None, "--conclusion", help="覆盖自动得出的审查结论（合法、修改后合法、不合法或自定措辞）"),
        opinion_date: str = typer.Option(None, "--date", help="意见书成文日期（YYYY-MM-DD，默认今天）"),
    ) -> None:
        from ..fsutil import check_output_path
        from ..pipeline import review
        from ..reports import FORMATS, format_for_suffix, render, write_report

        if fmt not in FORMATS:
            raise LegalReviewError(f"不支持的输出格式「{fmt}」，可选：{', '.join(FORMATS)}", cause="bad --format")
        if max_size is not None:
            from ..ingest import limits

            limits.set_max_input_mb(max_size)
        if waivers is None:
            side = file.with_name(file.name + ".waivers.yaml")
            waivers_src = side if side.exists() else None
        else:
            waivers_src = waivers
        report = review(file, doc_type=doc_type, rules=list(rules) if rules else None, materials=materials,
                        as_of=_parse_date(as_of, "--as-of "), waivers=waivers_src, explain=explain)

        outputs = [p for p in (output, annotate) if p is not None]
        for p in outputs:
            check_output_path(p, [file], force=force)
        if output is not None:
            if output.suffix.lower() == ".docx":
                from ..reports.opinion import write_opinion

                write_opinion(report, output, config=config, reviewer=reviewer, body=body, addressee=addressee,
                              template=template, doc_number=doc_number, conclusion=conclusion,
                              date=_parse_date(opinion_date, "--date "), materials=materials)
            else:
                write_report(report, output, format_for_suffix(output) or fmt)
            typer.echo(f"已写出：{output}", err=True)
        if annotate is not None:
            from ..reports.annotate import annotate as do_annotate

            do_annotate(report, annotate, source=file)
            typer.echo(f"已写出批注版：{annotate}", err=True)
        if output is None or fmt != "text":
            if output is None or output.suffix.lower() == ".docx":
                typer.echo(render(report, fmt, explain=explain))
        else:
            typer.echo(render(report, "text", explain=explain))
