"""``legalreview laws check|show``: citation checking and the law corpus from the command line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer

from ..errors import InputError, LegalReviewError

STATUS_LABELS = {
    "ok": "有效",
    "repealed": "已废止",
    "unknown": "未知法规",
    "ambiguous": "名称不明确",
    "article_out_of_range": "条号不存在",
    "stale_article": "条号已变化",
    "lower_level_basis": "依据层级不足",
    "non_canonical": "名称不规范",
    "not_yet_in_force": "尚未施行",
    "not_in_corpus": "库外文件（需人工核对）",
}


def _date(value: str | None, option: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as e:
        raise LegalReviewError(f"日期格式应为 YYYY-MM-DD：{value}", cause=f"bad {option}: {e}") from e


def _read(text_or_file: str) -> tuple[str, dt.date | None, str | None]:
    """Text of a file (any format ingest reads) or the argument itself; with the document's date when
    structure finds one."""
    p = Path(text_or_file)
    try:
        is_file = len(text_or_file) < 4096 and p.is_file()
    except OSError:
        is_file = False
    if not is_file:
        if len(text_or_file) < 260 and ("/" in text_or_file or text_or_file.endswith((".txt", ".docx", ".pdf", ".md"))):
            raise InputError("文件不存在", path=text_or_file, cause="no such file")
        return text_or_file, None, None
    from ..ingest import load

    doc = load(p)
    doc_date = None
    try:
        from ..structure import parse

        doc_date = parse(doc).date
    except Exception:  # structure is optional here: a date helps only the wording of messages
        doc_date = None
    return doc.text, doc_date, str(p)


def _fmt_date(d) -> str:
    return d.isoformat() if d else "—"


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="法律法规库：核查文件中的法律引用，查看法规条目。", no_args_is_help=True, rich_markup_mode=None)
    app.add_typer(group, name="laws")

    @group.command("check", help="列出文本或文件中的每一处法律引用及其核查结果（是否废止、条号是否存在、名称是否规范）。")
    def check_cmd(
        text_or_file: str = typer.Argument(..., help="要核查的文件路径，或直接给出一段文字"),
        as_of: str = typer.Option(None, "--as-of", help="审查基准日 YYYY-MM-DD（默认今天）"),
        doc_date: str = typer.Option(None, "--doc-date", help="文件制定日期 YYYY-MM-DD（默认从文件中识别）"),
        as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
        problems_only: bool = typer.Option(False, "--problems", help="只列出有问题的引用"),
    ) -> None:
        from ..laws import check_citations

        text, found_date, _ = _read(text_or_file)
        day = _date(as_of, "--as-of") or dt.date.today()
        made = _date(doc_date, "--doc-date") or found_date
        cites = check_citations(text, as_of=day, doc_date=made)
        if problems_only:
            cites = [c for c in cites if c.status not in ("ok", "not_in_corpus")]
        if as_json:
            typer.echo(json.dumps([c.model_dump(mode="json") for c in cites], ensure_ascii=False, indent=2))
            return
        if not cites:
            typer.echo("未发现法律引用。")
            return
        for c in cites:
            label = STATUS_LABELS.get(c.status, c.status)
            target = f" → 《{c.canonical}》" if c.canonical else ""
            line = f"[{label}] {c.raw}{target}"
            typer.echo(line)
            if c.message:
                typer.echo(f"    {c.message}")
        bad = sum(c.status not in ("ok", "not_in_corpus") for c in cites)
        typer.echo(f"共 {len(cites)} 处引用，{bad} 处需要处理（审查基准日 {day.isoformat()}）。", err=True)

    @group.command("search", help="按名称查找法律法规库条目（名称包含关键词，或与之相近）。")
    def search_cmd(
        words: str = typer.Argument(..., help="名称中的关键词，如 村民委员会"),
        limit: int = typer.Option(20, "--limit", "-n", help="最多列出多少条"),
    ) -> None:
        from ..laws import load_corpus
        from ..laws.citations import closest
        from ..laws.corpus import LEVEL_RANK, key

        corpus = load_corpus()
        k = key(words)
        hits = [e for e in corpus.entries if k and k in key(e.name)]
        hits.sort(key=lambda e: (e.repealed is not None, LEVEL_RANK[e.level], len(e.name)))
        for e in closest(words, corpus, limit=limit, cutoff=60):
            if e not in hits:
                hits.append(e)
        if not hits:
            raise LegalReviewError(f"法律法规库中没有与「{words}」相关的条目", cause="no match")
        for e in hits[:limit]:
            state = f"已废止（{e.repealed.isoformat()}）" if e.repealed else "有效" if e.verified else "未核实"
            typer.echo(f"《{e.name}》\t{e.level}\t{state}")

    @group.command("show", help="查看法律法规库中的一个条目：名称、效力层级、制定机关、版本与条文数、废止情况。")
    def show_cmd(
        name: str = typer.Argument(..., help="法规名称（全称、简称或常见别名均可）"),
        article: str = typer.Option(None, "--article", "-a", help="同时显示某一条的条文，如 第十六条"),
        as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
    ) -> None:
        from ..laws import load_corpus, resolve
        from ..laws.citations import closest
        from ..laws.numerals import cn_to_int, int_to_cn

        corpus = load_corpus()
        res = resolve(name, corpus, dt.date.today())
        if res.entry is None:
            cands = res.candidates or closest(name, corpus, limit=5, cutoff=55)
            hint = ("，可能是：" + "、".join(f"《{c.name}》" for c in cands[:5])) if cands else ""
            raise LegalReviewError(f"法律法规库中没有找到《{name}》{hint}", cause="law not found")
        e = res.entry
        if as_json:
            typer.echo(json.dumps(e.model_dump(mode="json"), ensure_ascii=False, indent=2))
            return
        typer.echo(f"《{e.name}》")
        if e.short_names or e.aliases:
            typer.echo(f"  简称/别名：{'、'.join(e.short_names + e.aliases)}")
        typer.echo(f"  效力层级：{e.level}    制定机关：{e.issuer or '—'}")
        if e.doc_number:
            typer.echo(f"  文号：{e.doc_number}")
        typer.echo(f"  公布：{_fmt_date(e.promulgated)}    施行：{_fmt_date(e.in_force_from)}")
        for v in e.versions:
            arts = f"{v.articles}条" if v.articles else "条文数未收录"
            flags = "；条文序号调整" if v.renumbered else ""
            flags += "" if v.verified else "；未核实"
            typer.echo(f"  版本：{v.date.isoformat()} {v.kind}，{_fmt_date(v.effective)} 施行，{arts}{flags}")
        if e.repealed:
            typer.echo(f"  已废止：{e.repealed.isoformat()}" + (f"，由《{e.replaced_by}》取代" if e.replaced_by else "")
                       + (f"（{e.repeal_basis}）" if e.repeal_basis else ""))
        elif e.verified:
            typer.echo("  状态：现行有效")
        else:
            typer.echo("  状态：未见废止记录（现行状态未能核实）")
        if e.note:
            typer.echo(f"  说明：{e.note}")
        typer.echo(f"  来源：{e.source}" + ("" if e.verified else "（部分事实未能核实）"))
        if e.articles:
            typer.echo(f"  收录条文：{'、'.join(e.articles)}")
        if article:
            n = cn_to_int(article.strip("第条").strip())
            label = f"第{int_to_cn(n)}条" if n else article
            text = e.articles.get(label)
            if text is None:
                typer.echo(f"  {label}：库中未收录该条条文")
            else:
                typer.echo(f"  {label} {text}")
