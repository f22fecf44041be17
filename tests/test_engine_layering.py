"""Pack layering: extends (names and relative paths, diamonds, cycles), disable/enable, overrides,
named matchers and exception sets inherited and overridden, checklist merge, cache."""

from __future__ import annotations

import os
import textwrap

import pytest
from test_engine import findings, ids, rule

from legalreview.engine import load_pack
from legalreview.errors import RuleError


def pack_file(path, name, *, extends=(), rules="", extra=""):
    text = f"pack: {name}\nversion: 1.2.3\nextends: {list(extends)!r}\n{extra}rules:\n{rules or '  []'}\n"
    if not rules:
        text = text.replace("rules:\n  []\n", "rules: []\n")
    path.write_text(text.replace("'", '"'), encoding="utf-8")
    return path


NAMED = textwrap.dedent("""\
    matchers:
      fine: {keywords: [罚款]}
    exception_sets:
      neg: {where: before_anchor, match: {keywords: [不得]}}
    """)


@pytest.fixture
def base(tmp_path):
    fine = rule("TT-FINE", "{ref: fine}", exceptions="[neg]", params="{limit: 10}")
    fee = rule("TT-FEE", "{keywords: [收费]}")
    return pack_file(tmp_path / "base.yaml", "t/base", extra=NAMED, rules=fine + fee)


def test_extends_disable_override_params_and_add(tmp_path, base):
    (tmp_path / "sub").mkdir()
    overlay = pack_file(tmp_path / "sub" / "local.yaml", "t/local", extends=["../base.yaml"],
                        extra=textwrap.dedent("""\
                            disable: [TT-FEE]
                            overrides:
                              TT-FINE: {severity: warning, params: {limit: 99}, message: "本地：{hit}超过{params.limit}"}
                            """),
                        rules=rule("TT-NEW", "{keywords: [押金]}"))
    pack = load_pack(str(overlay), strict=False)
    by_id = {r.id: r for r in pack.rules}
    assert by_id["TT-FEE"].enabled is False and by_id["TT-FINE"].severity == "warning"
    assert by_id["TT-FINE"].params == {"limit": 99}
    res = findings(pack, "违者罚款。收费。押金。")
    (fine,) = ids(res, "TT-FINE")
    assert fine.severity == "warning" and fine.message == "本地：罚款超过99"
    assert not ids(res, "TT-FEE") and ids(res, "TT-NEW")
    names = [p.name for p in pack.packs]
    assert names[0] == "zhejiang/base" and names[-2:] == ["t/base", "t/local"]
    assert pack.packs[-1].version == "1.2.3"


def test_overlay_redefines_named_matcher_and_exception_set(tmp_path, base):
    extra = textwrap.dedent("""\
        matchers:
          fine: {keywords: [罚金]}
        exception_sets:
          neg: {where: clause, match: {keywords: [倡导]}}
        """)
    overlay = pack_file(tmp_path / "o.yaml", "t/o", extends=["base.yaml"], extra=extra)
    pack = load_pack(str(overlay), strict=False)
    assert not ids(findings(pack, "违者罚款。"), "TT-FINE")
    assert ids(findings(pack, "违者处罚金。"), "TT-FINE")
    assert not ids(findings(pack, "倡导不处罚金。"), "TT-FINE")


def test_diamond_loads_each_file_once(tmp_path, base):
    a = pack_file(tmp_path / "a.yaml", "t/a", extends=["base.yaml"], extra="overrides:\n  TT-FINE: {severity: info}\n")
    b = pack_file(tmp_path / "b.yaml", "t/b", extends=["base.yaml"])
    top = pack_file(tmp_path / "top.yaml", "t/top", extends=["a.yaml", "b.yaml"])
    pack = load_pack(str(top), strict=False)
    assert [p.name for p in pack.packs].count("t/base") == 1
    # b does not reload base after a, so a's override survives
    assert pack.rule("TT-FINE").severity == "info"


def test_extends_cycle_is_an_error(tmp_path):
    pack_file(tmp_path / "x.yaml", "t/x", extends=["y.yaml"])
    pack_file(tmp_path / "y.yaml", "t/y", extends=["x.yaml"])
    with pytest.raises(RuleError, match="循环"):
        load_pack(str(tmp_path / "x.yaml"), strict=False)


def test_extends_must_be_yaml_and_exist(tmp_path):
    (tmp_path / "secret.txt").write_text("x", encoding="utf-8")
    pack_file(tmp_path / "p.yaml", "t/p", extends=["./secret.txt"])
    with pytest.raises(RuleError, match=r"\.yaml") as ei:
        load_pack(str(tmp_path / "p.yaml"), strict=False)
    assert ei.value.field == "extends" and ei.value.line == 3
    pack_file(tmp_path / "q.yaml", "t/q", extends=["missing.yaml"])
    with pytest.raises(RuleError, match="missing.yaml"):
        load_pack(str(tmp_path / "q.yaml"), strict=False)


def test_disable_unknown_rule_is_an_error(tmp_path):
    pack_file(tmp_path / "p.yaml", "t/p", extra="disable: [NO-SUCH]\n")
    with pytest.raises(RuleError, match="NO-SUCH") as ei:
        load_pack(str(tmp_path / "p.yaml"), strict=False)
    assert ei.value.line == 4


def test_enable_after_disable_and_checklist_merge(tmp_path, base):
    extra = ("checklist:\n  - {id: T-1, title: 罚款审查, doc_types: [village_rules]}\n"
             "disable: [TT-FINE]\n")
    mid = pack_file(tmp_path / "mid.yaml", "t/mid", extends=["base.yaml"], extra=extra)
    top = pack_file(tmp_path / "top.yaml", "t/top", extends=["mid.yaml"],
                    extra="enable: [TT-FINE]\nchecklist:\n  - {id: T-1, title: 罚款与收费审查, doc_types: ['*']}\n")
    pack = load_pack(str(mid), strict=False)
    assert pack.rule("TT-FINE").enabled is False
    pack = load_pack(str(top), strict=False)
    assert pack.rule("TT-FINE").enabled is True
    item = next(c for c in pack.checklist if c.id == "T-1")
    assert item.title == "罚款与收费审查" and item.doc_types == ["*"]
    res = findings(pack, "违者罚款。")
    entry = next(c for c in res.checklist if c.item_id == "T-1")
    assert entry.status == "不符合" and entry.finding_ids == [ids(res, "TT-FINE")[0].id]
    entry = next(c for c in findings(pack, "爱护环境。").checklist if c.item_id == "T-1")
    assert entry.status == "符合" and set(entry.rules) == {"TT-FINE", "TT-FEE"}


def test_cache_reuses_and_reloads_on_change(tmp_path, base):
    p1 = load_pack(str(base), strict=False)
    assert load_pack(str(base), strict=False) is p1
    text = base.read_text(encoding="utf-8").replace("收费", "乱收费")
    base.write_text(text, encoding="utf-8")
    st = base.stat()
    os.utime(base, (st.st_atime, st.st_mtime + 5))
    p2 = load_pack(str(base), strict=False)
    assert p2 is not p1
    assert not ids(findings(p2, "收费。"), "TT-FEE") and ids(findings(p2, "乱收费。"), "TT-FEE")


def test_default_pack_packs_recorded():
    pack = load_pack(None)
    assert pack.packs[-1].name == "zhejiang"
    assert pack.version.endswith("zhejiang@" + pack.packs[-1].version)


def test_sample_local_overlay():
    from pathlib import Path

    overlay = Path(__file__).resolve().parent.parent / "examples" / "local_overlay.yaml"
    pack = load_pack(str(overlay))  # strict: its own rule's examples must pass
    assert pack.packs[-1].name == "local/example-town"
    assert pack.rule("VR-SHAME-NOTICE").enabled is False
    assert pack.rule("VR-SHAME-EXPOSE").severity == "error"
    assert pack.rule("FM-VALIDITY-TOO-LONG").params["max_years"] == 3
    res = findings(pack, "某镇管理办法\n第一条 为了加强管理，制定本办法。\n第二条 本办法自印发之日起施行，有效期四年。",
                   "normative_document")
    (f,) = ids(res, "FM-VALIDITY-TOO-LONG")
    assert "3年以内" in f.suggestion
    assert not ids(findings(load_pack(None), "本办法自印发之日起施行，有效期四年。", "normative_document"),
                   "FM-VALIDITY-TOO-LONG")
    text = "某村村规民约\n第一条 村民应当爱护环境。\n第二条 本村规民约自村民会议通过之日起施行。"
    (f,) = ids(findings(pack, text), "LOC-VR-FILING")
    assert f.quote == "自村民会议通过之日起施行" and f.location.startswith("第二条")
