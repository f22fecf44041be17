"""``legalreview batch INPUT -o OUT_DIR``: review a folder (recursive) or a .zip of documents."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command("batch", help="批量审查一个文件夹（含子文件夹）或 .zip 压缩包中的全部文件，输出每份文件的审查报告和汇总表 summary.xlsx。"
                               "再次运行时跳过内容、规则包和选项均未变化的文件。有文件审查失败时退出码为 1。")
    def batch_cmd(
        input: Path = typer.Argument(..., help="待审查的文件夹或 .zip 压缩包（不会向其中写入任何文件）"),
        output: Path = typer.Option(..., "--output", "-o", help="输出目录（按输入的目录结构存放各文件的报告）"),
        doc_type: str = typer.Option(None, "--type", "-t", help="指定全部文件的类型（不指定则逐份自动识别），如 village_rules"),
        rules: list[str] = typer.Option(None, "--rules", "-r", help="追加的规则包（名称或 YAML 路径，可重复）"),
        workers: int = typer.Option(None, "--workers", "-j", help="并行进程数（默认为 CPU 核数；1 表示在本进程内依次审查）"),
        opinions: bool = typer.Option(False, "--opinions", help="同时为每份文件生成审查意见书（.docx）"),
        annotate: bool = typer.Option(False, "--annotate", help="同时为每份文件生成带批注的副本（.docx）"),
        materials_dir: Path = typer.Option(None, "--materials-dir", help="送审材料清单目录：按相对路径查找与文件同名的 .yaml/.yml/.json"),
        force: bool = typer.Option(False, "--force", help="重新审查全部文件（忽略上次运行的结果）"),
        threshold: float = typer.Option(90.0, "--threshold", min=50, max=100, help="共性条款的相似度阈值（50–100，默认 90）"),
        cluster_all: bool = typer.Option(False, "--cluster-all", help="共性条款统计全部条款，而不只是被标记问题的条款"),
        as_of: str = typer.Option(None, "--as-of", help="以该日期判断法律效力（YYYY-MM-DD，默认今天）"),
        body: str = typer.Option(None, "--body", help="审查机构（写入意见书）"),
        reviewer: str = typer.Option(None, "--reviewer", help="审查人（写入意见书）"),
        config: Path = typer.Option(None, "--config", help="意见书配置文件（YAML）"),
        timeout: float = typer.Option(600, "--timeout", min=1, help="并行审查时，连续多少秒没有文件完成即视为卡死：终止相关进程，"
                                      "卡死的文件记为「审查超时」，其余继续（默认 600）"),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="不显示进度条"),
        max_size: float = typer.Option(None, "--max-size", min=0.001, help="输入文件大小上限（MB，默认 50）"),
    ) -> None:
        from ..batch import BatchOptions, run_batch
        from ..errors import LegalReviewError
        from .review import _parse_date

        if max_size is not None:
            from ..ingest import limits

            limits.set_max_input_mb(max_size)  # the scan and every worker (the env var reaches spawned ones)
        if workers is not None and workers < 1:
            raise LegalReviewError("--workers 至少为 1", cause="bad --workers")
        if materials_dir is not None and not materials_dir.is_dir():
            raise LegalReviewError("送审材料目录不存在", path=materials_dir, cause="--materials-dir not a directory")
        opinion_options = {k: v for k, v in (("body", body), ("reviewer", reviewer), ("config", config)) if v}
        options = BatchOptions(doc_type=doc_type, rules=list(rules) if rules else None, workers=workers,
                               opinions=opinions, annotate=annotate, materials_dir=materials_dir, force=force,
                               threshold=threshold, cluster_all=cluster_all, as_of=_parse_date(as_of, "--as-of "),
                               opinion_options=opinion_options, timeout=timeout)
        progress = _Progress(enabled=not quiet and sys.stderr.isatty())
        try:
            with progress:
                result = run_batch(input, output, options, on_item=progress.advance, on_plan=progress.plan)
        except KeyboardInterrupt:
            typer.echo(f"已中断：已完成 {progress.done} 份（输出与进度已保存），重新运行同一命令将跳过已完成的文件。", err=True)
            raise typer.Exit(130) from None
        _print_result(result)
        if result.count("failed"):
            raise typer.Exit(1)


class _Progress:
    """rich progress bar on stderr (done / failed / findings, ETA); silent when disabled."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.done = self.failed = self.findings = 0
        self._progress = None
        self._task = None
        self._last = 0.0

    def __enter__(self):
        if self.enabled:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                       TimeRemainingColumn)

            self._progress = Progress(
                TextColumn("审查中"), BarColumn(), MofNCompleteColumn(),
                TextColumn("成功 {task.fields[done]}  失败 {task.fields[failed]}  问题 {task.fields[findings]}"),
                TextColumn("已用"), TimeElapsedColumn(), TextColumn("剩余"), TimeRemainingColumn(),
                console=Console(stderr=True), transient=False, auto_refresh=False)
            # No refresh thread: the process pool forks after this point (see batch._start_method).
            self._progress.__enter__()
        return self

    def __exit__(self, *exc):
        if self._progress is not None:
            self._progress.refresh()
            self._progress.__exit__(*exc)
        return False

    def plan(self, total: int, to_review: int, cached: int) -> None:
        if cached:
            typer.echo(f"共 {total} 份文件，其中 {cached} 份未变化（沿用上次结果），需审查 {to_review} 份。", err=True)
        if self._progress is not None:
            self._task = self._progress.add_task("batch", total=to_review, done=0, failed=0, findings=0)
            self._progress.refresh()

    def advance(self, item) -> None:
        if item.status == "failed":
            self.failed += 1
        else:
            self.done += 1
            self.findings += item.findings
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, advance=1, done=self.done, failed=self.failed, findings=self.findings)
            now = time.monotonic()
            if now - self._last >= 0.1:
                self._last = now
                self._progress.refresh()


def _print_result(result) -> None:
    ok, cached, failed = result.count("ok"), result.count("cached"), result.count("failed")
    findings = sum(i.findings for i in result.items if i.ok)
    typer.echo(f"审查完成：共 {len(result.items)} 份文件，新审查 {ok} 份，沿用上次结果 {cached} 份，失败 {failed} 份，"
               f"跳过 {len(result.skipped)} 个非审查文件；发现问题 {findings} 处；用时 {result.seconds:.1f} 秒。")
    for it in result.items:
        if it.status == "failed":
            typer.echo(f"  失败：{it.rel}：{it.error}")
        elif it.output_errors:
            typer.echo(f"  部分输出失败：{it.rel}：{'；'.join(it.output_errors.values())}")
    for s in result.skipped:
        typer.echo(f"  跳过：{s.rel}：{s.reason}")
    shared = result.tables.get("共性条款", [])[1:]
    if shared:
        typer.echo(f"共性条款 {len(shared)} 项（详见汇总表「共性条款」，可统一处理），前 {min(5, len(shared))} 项：")
        for row in shared[:5]:
            text = row[3] if len(row[3]) <= 40 else row[3][:40] + "…"
            typer.echo(f"  {row[0]} {row[1]}：「{text}」")
    if result.summary_files:
        typer.echo(f"汇总表：{result.summary_files[0]}")
