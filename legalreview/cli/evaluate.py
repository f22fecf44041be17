"""``legalreview eval DOCS_DIR --manifest manifest.jsonl``: precision/recall against annotated documents."""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import LegalReviewError


def register(app: typer.Typer) -> None:
    @app.command("eval", help="用标注清单评测审查规则：输出精确率、召回率、F1（总体、按文件类型、按问题类别），列出漏报和误报。")
    def eval_cmd(
        docs_dir: Path = typer.Argument(..., help="文档目录（清单中的 file 相对于此目录或清单所在目录）"),
        manifest: Path = typer.Option(None, "--manifest", "-m", help="标注清单 manifest.jsonl（默认：文档目录下的 manifest.jsonl）"),
        type_from_manifest: bool = typer.Option(True, "--type-from-manifest/--detect-type",
                                                help="按清单标注的文件类型审查（默认），或按自动识别的类型审查"),
        json_out: Path = typer.Option(None, "--json", help="把评测数字写入 JSON 文件"),
        as_of: str = typer.Option(None, "--as-of", help="法律效力基准日（YYYY-MM-DD，默认今天）"),
        rules: list[str] = typer.Option(None, "--rules", "-r", help="追加的规则包（名称或 YAML 路径，可重复）"),
        limit: int = typer.Option(None, "--limit", help="漏报、误报各最多列出多少条（默认全部）"),
        force: bool = typer.Option(True, "--force/--no-force", help="覆盖已存在的 --json 文件"),
    ) -> None:
        from ..evaluate import evaluate, format_text
        from ..fsutil import atomic_write_text, check_output_path

        from .review import _parse_date

        day = _parse_date(as_of, "--as-of ")
        if not docs_dir.is_dir():
            raise LegalReviewError("文档目录不存在", path=docs_dir, cause="docs dir not found")
        if json_out is not None:
            check_output_path(json_out, [p for p in (manifest,) if p], force=force)
        res = evaluate(docs_dir, manifest, rules=list(rules) if rules else None, type_from_manifest=type_from_manifest,
                       as_of=day)
        typer.echo(format_text(res, max_items=limit))
        if json_out is not None:
            atomic_write_text(json_out, res.model_dump_json(indent=2))
            typer.echo(f"已写出：{json_out}", err=True)
