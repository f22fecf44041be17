"""``legalreview rules list|show|test|schema``: browse and self-test rule packs."""

from __future__ import annotations

import json

import typer

from ..errors import LegalReviewError

RULES_HELP = "追加的规则包（名称或 YAML 路径，可重复），叠加在默认的浙江省规则包之上"
SEVERITY = {"error": "违法", "warning": "建议修改", "info": "提示"}


def _pack(rules: list[str] | None):
    from ..engine import load_pack

    return load_pack(list(rules) if rules else None, strict=False)


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="规则包：列出、查看、自测规则，输出规则文件的 JSON Schema。", no_args_is_help=True,
                        rich_markup_mode=None)
    app.add_typer(group, name="rules")

    @group.command("list", help="列出规则（可按文件类型筛选）。")
    def list_cmd(
        doc_type: str = typer.Option(None, "--type", "-t", help="只列出适用于该文件类型的规则，如 village_rules"),
        rules: list[str] = typer.Option(None, "--rules", "-r", help=RULES_HELP),
        all_: bool = typer.Option(False, "--all", help="同时列出已停用的规则"),
    ) -> None:
        from ..models import DOC_TYPES

        if doc_type and doc_type not in DOC_TYPES:
            raise LegalReviewError(f"未知的文件类型「{doc_type}」，可选：{'、'.join(DOC_TYPES)}", cause="bad --type")
        pack = _pack(rules)
        n = 0
        for r in pack.rules:
            if not (r.enabled or all_):
                continue
            if doc_type and not ("*" in r.doc_types or doc_type in r.doc_types):
                continue
            n += 1
            state = "" if r.enabled else "（已停用）"
            typer.echo(f"{r.id}\t{SEVERITY[r.severity]}\t{r.title}{state}\t[{','.join(r.doc_types)}]")
        typer.echo(f"共 {n} 条规则（规则包：{pack.version}）", err=True)

    @group.command("show", help="查看一条规则：标题、问题所在、依据、示例、修改建议。")
    def show_cmd(
        rule_id: str = typer.Argument(..., help="规则编号，如 VR-FINE"),
        rules: list[str] = typer.Option(None, "--rules", "-r", help=RULES_HELP),
    ) -> None:
        from ..models import DOC_TYPE_LABELS

        pack = _pack(rules)
        r = pack.rule(rule_id) or pack.rule(rule_id.upper())
        if r is None:
            raise LegalReviewError(f"没有编号为「{rule_id}」的规则（用 legalreview rules list 查看全部）",
                                   cause="unknown rule id")
        types = "、".join("全部类型" if t == "*" else DOC_TYPE_LABELS.get(t, t) for t in r.doc_types)
        lines = [f"{r.id}  {r.title}", f"严重程度：{SEVERITY[r.severity]}    类别：{r.category}    适用：{types}",
                 f"状态：{'启用' if r.enabled else '已停用'}    审查要点：{r.checklist_item or '—'}    审查范围：{r.scope}",
                 f"规则文件：{pack.origins.get(r.id, '')}"]
        if r.why:
            lines += ["", "为什么是问题：", f"  {r.why.strip()}"]
        lines += ["", "依据："]
        for b in r.basis:
            lines.append(f"  {b.law}{b.article or ''}" + (f"：{b.text}" if b.text else ""))
        lines += ["", f"提示语：{r.message}", f"修改建议：{r.suggestion}"]
        if r.params:
            lines.append("参数：" + "，".join(f"{k}={v}" for k, v in r.params.items()))
        lines += ["", "应当发现问题的示例："] + [f"  ✗ {e}" for e in r.examples.positive]
        lines += ["不应发现问题的示例："] + [f"  ✓ {e}" for e in r.examples.negative]
        typer.echo("\n".join(lines))

    @group.command("test", help="运行规则示例自测：正例必须命中本规则，反例不得命中。失败时退出码为 1。")
    def test_cmd(
        packs: list[str] = typer.Argument(None, help="要自测的规则包（名称或 YAML 路径）；不指定则自测全部内置规则"),
        rule: str = typer.Option(None, "--rule", help="只自测这一条规则"),
    ) -> None:
        from ..engine import load_pack
        from ..engine.selftest import rules_to_test, test_rule

        pack = load_pack(list(packs) if packs else None, strict=False)
        targets = rules_to_test(pack, only_user=bool(packs))
        if rule:
            targets = [cr for cr in targets if cr.id == rule]
            if not targets:
                raise LegalReviewError(f"要自测的规则包中没有规则「{rule}」", cause="unknown rule id")
        fails = []
        n_examples = 0
        for cr in targets:
            n_examples += len(cr.rule.examples.positive) + len(cr.rule.examples.negative)
            f = test_rule(pack, cr)
            fails += f
            for x in f:
                typer.echo(f"✗ {x}（{x.path}）")
        for w in pack.warnings:
            typer.echo(f"提示：{w}")
        typer.echo(f"共自测 {len(targets)} 条规则、{n_examples} 个示例：" +
                   (f"{len(fails)} 个失败。" if fails else "全部通过。"))
        if fails:
            raise typer.Exit(1)

    @group.command("schema", help="输出规则文件（YAML）的 JSON Schema，供编辑器校验。")
    def schema_cmd() -> None:
        from ..engine.schema import PackFile

        s = PackFile.model_json_schema(by_alias=True)
        s["title"] = "legalreview 规则包"
        s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        typer.echo(json.dumps(s, ensure_ascii=False, indent=2))
