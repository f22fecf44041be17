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


#: Most YAML nodes a rule file may hold once its aliases (*name) are expanded. The bundled packs
#: hold a few thousand; an alias bomb (each level repeating the previous one 9 times) holds
#: billions, which anything walking the data (rules show, JSON dumps) would expand in memory.
MAX_YAML_NODES = 1_000_000


def expanded_size(root: Any, limit: int = MAX_YAML_NODES) -> int:
    """Number of nodes of ``root`` with every alias expanded, counted without expanding anything
    (each shared node is sized once); stops counting past ``limit``. Iterative: no recursion limit."""
    if root is None:
        return 0
    sizes: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in sizes and not done:
            continue
        kids = ([n for kv in node.value for n in kv] if isinstance(node, yaml.MappingNode)
                else list(node.value) if isinstance(node, yaml.SequenceNode) else [])
        if done:
            sizes[key] = min(limit + 1, 1 + sum(sizes.get(id(k), 1) for k in kids))
            continue
        sizes[key] = 1  # provisional (a cycle through a recursive alias counts once)
        stack.append((node, True))
        stack.extend((k, False) for k in kids if id(k) not in sizes)
    return sizes[id(root)]


class YamlTooLargeError(yaml.YAMLError):
    """A YAML document whose aliases expand past ``MAX_YAML_NODES`` (alias bomb)."""


def safe_load_bounded(text: str) -> Any:
    """``yaml.safe_load`` that refuses alias bombs (``YamlTooLargeError``) before constructing
    anything: for the other YAML inputs (waivers, materials, opinion config)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if expanded_size(node) > MAX_YAML_NODES:
            raise YamlTooLargeError(f"YAML aliases expand past {MAX_YAML_NODES} nodes (alias bomb)")
        return loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


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
        size = expanded_size(node)
        if size > MAX_YAML_NODES:
            raise RuleError("YAML 别名（*引用）展开后规模过大，疑似「别名炸弹」，已拒绝加载", path=path,
                            cause=f"more than {MAX_YAML_NODES} nodes once aliases are expanded")
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


_LOW_PRIORITY = {"missing", "extra_forbidden", "union_tag_invalid", "model_type", "dict_type", "string_type",
                 "list_type"}
MATCHER_KEYS = ("keywords", "phrases", "regex", "near", "number", "absent", "citation", "fuzzy", "tokens",
                "materials", "ref", "all", "any", "not")


def _is_tag(part: Any) -> bool:
    """A pydantic union member tag in a loc (``KeywordsMatcher``, ``str``, ``list[str]``...)."""
    return isinstance(part, str) and (part in ("str", "int", "float", "bool") or "[" in part or part[:1].isupper())


def _split_loc(loc: tuple, data: Any) -> tuple[list, int | None, int]:
    """The loc parts that name places in the file, the index of the first union member tag in
    ``loc`` (None if none), and how many parts exist in the file (a missing key does not)."""
    cur = data
    clean: list = []
    first_tag = None
    found = 0
    for i, part in enumerate(loc):
        if isinstance(cur, dict) and part in cur:
            clean.append(part)
            cur = cur[part]
            found += 1
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            clean.append(part)
            cur = cur[part]
            found += 1
        elif _is_tag(part) or not isinstance(cur, dict):
            if first_tag is None:
                first_tag = i
        else:
            clean.append(part)  # a missing key
            cur = None
    return clean, first_tag, found


def _best_error(errors: list[dict], data: Any) -> dict:
    """Pick the error that says most about what the author wrote. Left-to-right unions report one
    error per member: prefer errors deep in keys the author wrote, from the member with the fewest
    complaints (the one the author most likely meant)."""
    split = [_split_loc(tuple(e["loc"]), data) for e in errors]
    branch_count: dict[tuple, int] = {}
    for e, (_, tag, _) in zip(errors, split):
        if tag is not None:
            key = tuple(e["loc"][:tag + 1])
            branch_count[key] = branch_count.get(key, 0) + 1

    def score(i: int) -> tuple:
        e = errors[i]
        _, tag, found = split[i]
        n = branch_count.get(tuple(e["loc"][:tag + 1]), 0) if tag is not None else 0
        return (found, -n, e["type"] not in _LOW_PRIORITY, -len(e["loc"]))

    return errors[max(range(len(errors)), key=score)]


def _chinese(err: dict, clean: list) -> str:
    t = err["type"]
    last = str(clean[-1]) if clean else ""
    msg = err.get("msg", "")
    if t == "extra_forbidden":
        hint = ""
        if len(clean) >= 2 and clean[-2] in ("match", "not", "anchor") or (len(clean) >= 3 and clean[-3] in ("all", "any")):
            hint = "；匹配器应为 " + "/".join(MATCHER_KEYS) + " 之一"
        return f"不认识的字段「{last}」（可能是拼写错误）{hint}"
    if t == "missing":
        return f"缺少必填字段「{last}」"
    if t in ("literal_error", "enum"):
        return f"取值无效：{msg}"
    if t == "string_pattern_mismatch":
        return f"格式不符合要求：{msg}"
    if t in ("too_short", "too_long"):
        return f"长度不符合要求：{msg}"
    if t.endswith("_type") or t.endswith("_parsing"):
        return f"类型不对：{msg}"
    if t == "value_error":
        return f"取值无效：{msg.removeprefix('Value error, ')}"
    return msg or "格式错误"


def validation_error(e: ValidationError, path: Path, data: Any, node: Any) -> RuleError:
    errs = e.errors(include_url=False)
    err = _best_error(errs, data)
    loc = tuple(err["loc"])
    clean, _, _ = _split_loc(loc, data)
    field = clean[2:] if len(clean) >= 2 and clean[0] == "rules" and isinstance(clean[1], int) else clean
    return RuleError(f"规则格式错误：{_chinese(err, clean)}", path=path, rule_id=_rule_id(data, loc),
                     field=".".join(map(str, field)) or "(顶层)", line=line_of(node, tuple(clean)),
                     cause=f"{len(errs)} validation error(s); {'.'.join(map(str, loc))}: {err.get('msg', '')}")


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
