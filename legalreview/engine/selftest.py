"""Rule self-tests: every positive example yields a finding of its rule, every negative none.

Each example is reviewed as a tiny Document of the rule's first doc_type (``ingest.from_text`` +
``structure.parse``). For rules with a ``materials`` matcher the examples are materials manifests
(YAML/JSON text, see ``legalreview.materials``) checked against an empty document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import RuleError
from . import schema
from .pack import CRule, RulePack

_MATERIALS_DOC = "（送审材料示例）"


@dataclass
class ExampleFailure:
    rule_id: str
    kind: str  # 正例 / 反例
    example: str
    what: str
    path: Path | None = None

    def __str__(self) -> str:
        ex = self.example if len(self.example) <= 60 else self.example[:60] + "…"
        return f"规则 {self.rule_id} 的{self.kind}「{ex}」：{self.what}"


def example_doc_type(rule: schema.Rule) -> str:
    return next((t for t in rule.doc_types if t != "*"), "other")


def example_document(text: str, doc_type: str):
    from ..ingest import from_text
    from ..structure import parse

    doc = parse(from_text(text))
    return doc.model_copy(update={"doc_type": doc_type})


def check_example(pack: RulePack, cr: CRule, text: str, positive: bool) -> str | None:
    """None when the example behaves, else a Chinese description of what happened."""
    from .runner import run

    materials = None
    body = text
    if cr.uses_materials:
        import yaml

        try:
            materials = yaml.safe_load(text) or {"items": []}
        except yaml.YAMLError as e:
            return f"材料清单示例不是有效的 YAML（{e}）"
        body = _MATERIALS_DOC
    try:
        doc = example_document(body, example_doc_type(cr.rule))
        res = run(doc, pack, materials=materials, only={cr.id}, checklist=False)
    except RuleError:
        raise
    except Exception as e:  # a crash on an example is a failure to report, not to hide
        return f"审查时出错：{type(e).__name__}: {e}"
    mine = [f for f in res.findings if f.rule_id == cr.id]
    if positive and not mine:
        supp = [s for s in res.suppressed if s.rule_id == cr.id]
        if supp:
            return f"应当发现问题，但被例外「{supp[0].exception}」抑制（「{supp[0].quote}」）"
        return "应当发现问题，但本规则没有命中"
    if not positive and mine:
        return f"不应发现问题，但本规则命中了「{mine[0].quote}」"
    return None


def test_rule(pack: RulePack, cr: CRule) -> list[ExampleFailure]:
    from .matchers import lazy_patterns

    out = []
    for m in [cr.matcher] + [ce.matcher for ce in cr.exceptions if ce.matcher is not None]:
        for pat in lazy_patterns(m):
            try:
                pat.compiled()
            except re.error as e:
                out.append(ExampleFailure(cr.id, "正则", pat.pattern, f"正则表达式无法编译：{e}", cr.origin))
    for kind, examples, positive in (("正例", cr.rule.examples.positive, True),
                                     ("反例", cr.rule.examples.negative, False)):
        for ex in examples:
            what = check_example(pack, cr, ex, positive)
            if what:
                out.append(ExampleFailure(cr.id, kind, ex, what, cr.origin))
    return out


def rules_to_test(pack: RulePack, only_user: bool = False) -> list[CRule]:
    if not only_user:
        return list(pack.compiled)
    user = set(pack.user_files)
    return [cr for cr in pack.compiled if cr.origin in user]


def test_pack(pack: RulePack, only_user: bool = False) -> list[ExampleFailure]:
    fails: list[ExampleFailure] = []
    for cr in rules_to_test(pack, only_user):
        fails += test_rule(pack, cr)
    return fails


def failures_error(fails: list[ExampleFailure]) -> RuleError:
    first = fails[0]
    more = f"（另有{len(fails) - 1}处示例失败，运行 legalreview rules test 查看）" if len(fails) > 1 else ""
    return RuleError(f"规则示例未通过：{first.kind}「{first.example}」{first.what}{more}", path=first.path,
                     rule_id=first.rule_id, field="examples", cause=f"{len(fails)} example(s) failed")
