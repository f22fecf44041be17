"""Every example of every rule of every pack under rules/ (one generated test per example).

Positive examples must yield a finding of their rule, negative examples none (see
legalreview.engine.selftest). A malformed pack shows up as a failing ``test_pack_loads`` case.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from legalreview.engine import load_pack
from legalreview.engine.selftest import check_example, rules_to_test
from legalreview.errors import RuleError
from legalreview.resources import rules_dir


def _collect():
    cases, load_errors = [], []
    packs = []
    try:
        default = load_pack(None)
        packs.append((default, False))
        seen = set(default.files)
    except RuleError as e:
        return [], [("zhejiang", str(e))]
    for path in sorted(rules_dir().rglob("*.y*ml")):
        if path.resolve() in seen:
            continue
        try:
            packs.append((load_pack([path.resolve()]), True))
        except RuleError as e:
            load_errors.append((str(path.relative_to(rules_dir())), str(e)))
    for pack, only_user in packs:
        for cr in rules_to_test(pack, only_user=only_user):
            for kind, examples, positive in (("pos", cr.rule.examples.positive, True),
                                             ("neg", cr.rule.examples.negative, False)):
                for i, ex in enumerate(examples):
                    cases.append(pytest.param(pack, cr, ex, positive, id=f"{cr.id}:{kind}{i}"))
    return cases, load_errors


CASES, LOAD_ERRORS = _collect()


@pytest.mark.parametrize("name,error", LOAD_ERRORS or [pytest.param("", "", marks=pytest.mark.skip("all packs load"))])
def test_pack_loads(name, error):
    pytest.fail(f"{name}: {error}")


@pytest.mark.parametrize("pack,cr,example,positive", CASES or [pytest.param(None, None, "", True,
                         marks=pytest.mark.skip("no rules yet"))])
def test_rule_example(pack, cr, example, positive):
    what = check_example(pack, cr, example, positive)
    assert what is None, f"{cr.id} ({Path(cr.origin).name}) {'正例' if positive else '反例'}「{example}」：{what}"
