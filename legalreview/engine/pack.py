"""Layering and compiling rule packs into a ``RulePack`` (cached per process by paths and mtimes)."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import RuleError
from ..models import PackInfo
from . import schema
from .loader import Layers, LoadedFile, line_of
from .matchers import CMatcher, CompileError, Compiler

DEFAULT_PACK = "zhejiang"

# Exception sets every pack can use without defining them.
BUILTIN_EXCEPTION_SETS: dict[str, schema.ExceptionSet] = {
    "heading": schema.ExceptionSet(description="标题、章节名或定义条款，不是操作性条款", heading=True),
}

_PLACEHOLDER = re.compile(r"\{(quote|hit|detail|params\.([A-Za-z_][A-Za-z0-9_]*))\}")


@dataclass
class CException:
    name: str
    spec: schema.ExceptionSet
    matcher: CMatcher | None


@dataclass
class CRule:
    rule: schema.Rule
    matcher: CMatcher
    exceptions: list[CException]
    required: frozenset[str] | None
    uses_materials: bool
    origin: Path

    @property
    def id(self) -> str:
        return self.rule.id


@dataclass
class RulePack:
    """A compiled, layered rule pack."""

    packs: list[PackInfo] = field(default_factory=list)
    rules: list[schema.Rule] = field(default_factory=list)  # effective rules, disabled ones included
    checklist: list[schema.ChecklistItem] = field(default_factory=list)
    compiled: list[CRule] = field(default_factory=list)  # enabled rules only, in load order
    origins: dict[str, Path] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    user_files: list[Path] = field(default_factory=list)  # the caller's packs (+ their non-default extends)
    warnings: list[str] = field(default_factory=list)
    automaton: Any = None
    matchers: dict[str, Any] = field(default_factory=dict)
    exception_sets: dict[str, schema.ExceptionSet] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return "+".join(f"{p.name}@{p.version}" for p in self.packs) or "none"

    def rule(self, rule_id: str) -> schema.Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def compiled_rule(self, rule_id: str) -> CRule | None:
        return next((r for r in self.compiled if r.id == rule_id), None)


# --------------------------------------------------------------------------- layering


def _rule_index(lf: LoadedFile, rule_id: str) -> int | None:
    for i, r in enumerate(lf.data.get("rules") or []):
        if isinstance(r, dict) and r.get("id") == rule_id:
            return i
    return None


def _merge_checklist(old: schema.ChecklistItem | None, new: schema.ChecklistItem) -> schema.ChecklistItem:
    if old is None:
        return new
    upd = {k: getattr(new, k) for k in new.model_fields_set}
    return old.model_copy(update=upd)


def _apply_override(rule: schema.Rule, ov: schema.RuleOverride) -> schema.Rule:
    upd: dict[str, Any] = {}
    for k in ("severity", "enabled", "doc_types", "message", "suggestion"):
        v = getattr(ov, k)
        if v is not None:
            upd[k] = v
    if ov.params is not None:
        upd["params"] = {**rule.params, **ov.params}
    return rule.model_copy(update=upd)


def layer(files: list[LoadedFile]) -> tuple[dict[str, schema.Rule], dict[str, LoadedFile], dict, dict, dict]:
    rules: dict[str, schema.Rule] = {}
    origin: dict[str, LoadedFile] = {}
    matchers: dict[str, Any] = {}
    excsets: dict[str, schema.ExceptionSet] = dict(BUILTIN_EXCEPTION_SETS)
    checklist: dict[str, schema.ChecklistItem] = {}
    for lf in files:
        p = lf.pack
        matchers.update(p.matchers)
        excsets.update(p.exception_sets)
        for item in p.checklist:
            checklist[item.id] = _merge_checklist(checklist.get(item.id), item)
        for r in p.rules:
            rules[r.id] = r
            origin[r.id] = lf
        for key, ids, enabled in (("disable", p.disable, False), ("enable", p.enable, True)):
            for i, rid in enumerate(ids):
                if rid not in rules:
                    raise RuleError(f"{key} 中的规则「{rid}」不存在（应为本包或所继承的包中的规则）", path=lf.path,
                                    rule_id=rid, field=key, line=line_of(lf.node, (key, i)), cause=f"unknown rule id in {key}")
                rules[rid] = rules[rid].model_copy(update={"enabled": enabled})
        for rid, ov in p.overrides.items():
            if rid not in rules:
                raise RuleError(f"overrides 中的规则「{rid}」不存在", path=lf.path, rule_id=rid, field="overrides",
                                line=line_of(lf.node, ("overrides", rid)), cause="unknown rule id in overrides")
            rules[rid] = _apply_override(rules[rid], ov)
    return rules, origin, matchers, excsets, checklist


# --------------------------------------------------------------------------- compiling


def _compile_error(e: CompileError, lf: LoadedFile, rule_id: str, prefix: tuple = ()) -> RuleError:
    idx = _rule_index(lf, rule_id)
    loc = ("rules", idx, *prefix, *e.field) if idx is not None else ()
    field_name = ".".join(str(x) for x in (*prefix, *e.field)) or None
    return RuleError(e.message, path=lf.path, rule_id=rule_id, field=field_name,
                     line=line_of(lf.node, loc) if loc else None, cause=e.cause)


def _check_templates(rule: schema.Rule, lf: LoadedFile) -> None:
    for fld in ("message", "suggestion"):
        for m in _PLACEHOLDER.finditer(getattr(rule, fld)):
            name = m.group(2)
            if name and name not in rule.params:
                idx = _rule_index(lf, rule.id)
                raise RuleError(f"{fld} 中的占位符 {{params.{name}}} 未在 params 中定义", path=lf.path, rule_id=rule.id,
                                field=fld, line=line_of(lf.node, ("rules", idx, fld)) if idx is not None else None,
                                cause=f"unknown param {name}")


def compile_rules(rules: dict[str, schema.Rule], origin: dict[str, LoadedFile], matchers: dict,
                  excsets: dict[str, schema.ExceptionSet]) -> list[CRule]:
    comp = Compiler(matchers)
    out: list[CRule] = []
    for rule in rules.values():
        if not rule.enabled:
            continue
        lf = origin[rule.id]
        _check_templates(rule, lf)
        try:
            m = comp.compile(rule.match, rule.params, ())
        except CompileError as e:
            raise _compile_error(e, lf, rule.id, ("match",)) from None
        excs: list[CException] = []
        for i, ref in enumerate(rule.exceptions):
            if isinstance(ref, (str, schema.NamedException)):
                name = ref if isinstance(ref, str) else ref.use
                spec = excsets.get(name)
                if spec is None:
                    idx = _rule_index(lf, rule.id)
                    raise RuleError(f"未定义的例外集合「{name}」（应在 exception_sets: 中定义）", path=lf.path, rule_id=rule.id,
                                    field=f"exceptions.{i}",
                                    line=line_of(lf.node, ("rules", idx, "exceptions", i)) if idx is not None else None,
                                    cause=f"unknown exception set {name}")
            else:
                name, spec = spec_name(spec_or=ref, i=i), ref
            try:
                em = comp.compile(spec.match, rule.params, ("match",)) if spec.match is not None else None
            except CompileError as e:
                raise _compile_error(e, lf, rule.id, ("exceptions", i)) from None
            excs.append(CException(name, spec, em))
        out.append(CRule(rule=rule, matcher=m, exceptions=excs, required=m.required(),
                         uses_materials=m.uses_materials, origin=lf.path))
    return out


def spec_name(spec_or: schema.ExceptionSet, i: int) -> str:
    """Display name of an inline exception: its description (shortened) or its position."""
    d = " ".join(spec_or.description.split())
    if not d:
        return f"内联例外{i + 1}"
    return d if len(d) <= 24 else d[:24] + "…"


def build_automaton(compiled: list[CRule]):
    import ahocorasick

    terms: set[str] = set()
    for cr in compiled:
        terms.update(cr.matcher.literals())
        for ce in cr.exceptions:
            if ce.matcher is not None:
                terms.update(ce.matcher.literals())
    if not terms:
        return None
    a = ahocorasick.Automaton()
    for t in terms:
        a.add_word(t, t)
    a.make_automaton()
    return a


def build(entries: list[str | Path]) -> RulePack:
    from ..resources import rules_dir

    rd = rules_dir()
    layers = Layers()
    default_closure = set(layers.add(DEFAULT_PACK, None, rd))
    user: list[Path] = []
    for e in entries:
        closure = layers.add(e, None, rd)
        # the named file itself, and what it brings beyond the bundled default pack
        user += [p for p in closure if p not in default_closure or p == closure[-1]]
    rules, origin, matchers, excsets, checklist = layer(layers.files)
    compiled = compile_rules(rules, origin, matchers, excsets)
    pack = RulePack(
        packs=[PackInfo(name=lf.pack.pack, version=lf.pack.version, path=str(lf.path)) for lf in layers.files],
        rules=list(rules.values()),
        checklist=list(checklist.values()),
        compiled=compiled,
        origins={rid: lf.path for rid, lf in origin.items()},
        files=[lf.path for lf in layers.files],
        user_files=list(dict.fromkeys(user)),
        matchers=matchers,
        exception_sets=excsets,
    )
    known_items = set(checklist)
    for cr in compiled:
        ci = cr.rule.checklist_item
        if ci and known_items and ci not in known_items:
            pack.warnings.append(f"规则 {cr.id} 的 checklist_item「{ci}」不在审查要点清单中")
    pack.automaton = build_automaton(compiled)
    return pack


# --------------------------------------------------------------------------- cache

_cache: dict[tuple, tuple[RulePack, list[tuple[Path, float]]]] = {}
_cache_lock = threading.Lock()


def _fresh(stamps: list[tuple[Path, float]]) -> bool:
    try:
        return all(p.stat().st_mtime == m for p, m in stamps)
    except OSError:
        return False


def normalize_entries(rules: Any) -> list[str | Path]:
    if rules is None:
        return []
    if isinstance(rules, (str, Path)):
        return [rules]
    return [r for r in rules if r]


def load_pack(rules: str | Path | list[str | Path] | None = None, *, strict: bool | None = None) -> RulePack:
    """The default pack (``zhejiang``) with ``rules`` (pack names or YAML paths) layered over it.

    Compiled once per process and cached by (entries, file mtimes). With ``strict`` the examples of
    the rules that ``rules`` brings (all rules when ``rules`` is None) must pass, else ``RuleError``.
    ``strict=None`` (default): strict for user packs (``rules`` given), not for the bundled pack
    alone (the test suite guarantees its examples).
    """
    entries = normalize_entries(rules)
    if strict is None:
        strict = bool(entries)
    key = (tuple(str(Path(e).resolve()) if isinstance(e, Path) or str(e).endswith((".yaml", ".yml"))
                 else str(e) for e in entries), strict)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and _fresh(hit[1]):
            return hit[0]
    pack = build(entries)
    if strict:
        from .selftest import failures_error, test_pack

        fails = test_pack(pack, only_user=bool(entries))
        if fails:
            raise failures_error(fails)
    stamps = [(p, p.stat().st_mtime) for p in pack.files]
    with _cache_lock:
        _cache[key] = (pack, stamps)
    return pack
