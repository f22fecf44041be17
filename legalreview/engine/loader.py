"""Read rule-pack YAML files, validate them into ``schema.PackFile`` and layer them.

Errors are ``RuleError`` naming the file, the rule id, the field and the YAML line. A pack can only
make legalreview read other pack files through ``extends`` (names under rules/ or relative paths
ending in .yaml/.yml); nothing else is ever opened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import RuleError
from . import schema

try:  # libyaml: about 6x faster
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - pure-python PyYAML
    _Loader = yaml.SafeLoader

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class LoadedFile:
    path: Path
    data: dict
    node: Any  # yaml node tree (marks for line numbers)
    pack: schema.PackFile
    mtime: float


# --------------------------------------------------------------------------- reading


def _compose(path: Path) -> tuple[Any, Any]:
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise RuleError("规则文件不是 UTF-8 编码", path=path, cause=str(e)) from e
    except OSError as e:
        raise RuleError("无法读取规则文件", path=path, cause=str(e)) from e
    loader = _Loader(raw)
    try:  # compose once (marks for line numbers), then construct the data from the same nodes
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise RuleError("YAML 语法错误", path=path, line=(mark.line + 1) if mark else None,
                        cause=str(e).replace("\n", " ")) from e
    finally:
        loader.dispose()
    return data, node


def node_at(node: Any, loc: tuple) -> tuple[Any, list[str]]:
    """The deepest YAML node along ``loc`` (pydantic loc; union member names are skipped) and the
    path of keys actually found."""
    path: list[str] = []
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if getattr(k, "value", None) == part:
                    node = v
                    path.append(str(part))
                    break
            else:
                continue  # a union tag such as 'KeywordsMatcher', or a missing key
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if 0 <= part < len(node.value):
                node = node.value[part]
                path.append(str(part))
            else:
                break
        else:
            break
    return node, path


def line_of(node: Any, loc: tuple) -> int | None:
    if node is None:
        return None
    n, _ = node_at(node, loc)
    return n.start_mark.line + 1 if n is not None else None


def _rule_id(data: Any, loc: tuple) -> str | None:
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int) and isinstance(data, dict):
        rules = data.get("rules")
        if isinstance(rules, list) and 0 <= loc[1] < len(rules) and isinstance(rules[loc[1]], dict):
            rid = rules[loc[1]].get("id")
            return str(rid) if rid is not None else f"rules[{loc[1]}]"
    if len(loc) >= 2 and loc[0] == "overrides":
        return str(loc[1])
    return None


_LOW_PRIORITY = {"missing", "extra_forbidden", "union_tag_invalid", "model_type", "dict_type"}


def _best_error(errors: list[dict], node: Any) -> dict:
    """Pick the error that says most about what the author wrote (left-to-right unions report one
    error per member; prefer the one that goes deepest into keys the author actually wrote)."""

    def score(err: dict) -> tuple:
        _, path = node_at(node, tuple(err["loc"])) if node is not None else (None, [])
        return (len(path), err["type"] not in _LOW_PRIORITY, -len(err["loc"]))

    return max(errors, key=score)


def _field_name(loc: tuple, data: Any) -> str:
    parts = [str(p) for p in loc]
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        parts = parts[2:]
    # drop pydantic union member names (CamelCase class names) that are not keys of the file
    parts = [p for p in parts if not (p[:1].isupper() and p[1:2].islower() and p.endswith(("Matcher", "Set", "Exception", "Spec")))
             and p not in ("str", "list[str]", "function-after[_something(), ExceptionSet]")]
    return ".".join(parts) or "(顶层)"


def validation_error(e: ValidationError, path: Path, data: Any, node: Any) -> RuleError:
    errs = e.errors(include_url=False)
    err = _best_error(errs, node)
    loc = tuple(err["loc"])
    msg = err.get("msg", "格式错误")
    return RuleError(f"规则格式错误：{msg}", path=path, rule_id=_rule_id(data, loc),
                     field=_field_name(loc, data), line=line_of(node, loc),
                     cause=f"{len(errs)} validation error(s); first: {'.'.join(map(str, loc))}: {msg}")


def read_pack_file(path: Path) -> LoadedFile:
    data, node = _compose(path)
    if not isinstance(data, dict):
        raise RuleError("规则文件的顶层应为映射（pack/version/rules...）", path=path, line=1,
                        cause=f"top level is {type(data).__name__}")
    try:
        pack = schema.PackFile.model_validate(data)
    except ValidationError as e:
        raise validation_error(e, path, data, node) from None
    return LoadedFile(path=path, data=data, node=node, pack=pack, mtime=path.stat().st_mtime)


# --------------------------------------------------------------------------- resolving names


def resolve(ref: str | Path, base: Path | None, rules_dir: Path) -> Path:
    """Resolve a pack reference: a name under rules/ (``zhejiang``, ``zhejiang/base``) or a path
    (relative to the extending file, or to the working directory for top-level entries)."""
    s = str(ref)
    is_path = isinstance(ref, Path) or s.endswith(YAML_SUFFIXES) or "\\" in s or s.startswith((".", "/", "~"))
    if not is_path:
        for cand in (rules_dir / f"{s}.yaml", rules_dir / f"{s}.yml", rules_dir / s / "index.yaml"):
            if cand.is_file():
                return cand.resolve()
        if base is None:
            p = Path(s)
            if p.is_dir() and (p / "index.yaml").is_file():
                return (p / "index.yaml").resolve()
        raise RuleError(f"找不到规则包「{s}」", path=base, cause=f"no rules/{s}.yaml or rules/{s}/index.yaml")
    p = Path(s).expanduser()
    if p.is_dir() and base is None and (p / "index.yaml").is_file():
        return (p / "index.yaml").resolve()
    if p.suffix.lower() not in YAML_SUFFIXES:
        raise RuleError(f"规则包路径必须以 .yaml 或 .yml 结尾：「{s}」", path=base, cause="extends path is not a YAML file")
    if not p.is_absolute() and base is not None:
        p = base.parent / p
    if not p.is_file():
        raise RuleError(f"找不到规则文件「{s}」", path=base or p, cause=f"{p} does not exist")
    return p.resolve()


@dataclass
class Layers:
    """Pack files in load order (each once; a file's extends come before it)."""

    files: list[LoadedFile] = field(default_factory=list)
    by_path: dict[Path, LoadedFile] = field(default_factory=dict)

    def add(self, ref: str | Path, base: Path | None, rules_dir: Path, stack: tuple[Path, ...] = ()) -> list[Path]:
        """Load ``ref`` and its extends; return the closure of files it brings (load order)."""
        path = resolve(ref, base, rules_dir)
        if path in stack:
            chain = " → ".join(p.name for p in (*stack, path))
            raise RuleError(f"规则包 extends 形成循环：{chain}", path=base, field="extends", cause="extends cycle")
        closure: list[Path] = []
        lf = self.by_path.get(path)
        if lf is None:
            lf = read_pack_file(path)
            for i, ext in enumerate(lf.pack.extends):
                try:
                    closure += self.add(ext, path, rules_dir, (*stack, path))
                except RuleError as e:
                    if e.line is None and e.path == str(path):
                        e.line = line_of(lf.node, ("extends", i))
                        e.field = e.field or "extends"
                    raise
            if path not in self.by_path:
                self.by_path[path] = lf
                self.files.append(lf)
        else:
            for ext in lf.pack.extends:
                closure += self.add(ext, path, rules_dir, (*stack, path))
        closure.append(path)
        return list(dict.fromkeys(closure))
