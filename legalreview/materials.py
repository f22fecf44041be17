"""The materials manifest (送审材料清单) used by procedure checks (``materials`` matchers).

YAML or JSON::

    items:
      - kind: 征求意见          # 起草说明, 征求意见, 专家论证, 风险评估, 公平竞争审查, 集体讨论,
        start: 2026-03-01       #   村民会议表决, 乡镇审核, 合法性审查 ...
        end: 2026-03-31
        note: 在镇政府网站公开征求意见
      - kind: 集体讨论
        start: 2026-04-10

A bare list of items, or a mapping ``{kind: {start, end, note}}`` / ``{kind: true}``, is accepted too.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import InputError

KNOWN_KINDS = ("起草说明", "征求意见", "专家论证", "风险评估", "公平竞争审查", "集体讨论", "村民会议表决",
               "村民代表会议讨论", "乡镇审核", "合法性审查", "公布", "备案")


class MaterialItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(min_length=1)
    start: dt.date | None = None
    end: dt.date | None = None
    note: str = ""
    file: str | None = None  # informative only; never opened

    @model_validator(mode="after")
    def _order(self):
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"{self.kind}: end {self.end} is before start {self.start}")
        return self


class Materials(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[MaterialItem] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _shapes(cls, data: Any) -> Any:
        if isinstance(data, list):
            return {"items": data}
        if isinstance(data, dict) and "items" not in data:
            items = []
            for kind, v in data.items():
                if v is True or v is None:
                    items.append({"kind": kind})
                elif v is False:
                    continue
                elif isinstance(v, dict):
                    items.append({"kind": kind, **v})
                else:
                    items.append({"kind": kind, "note": str(v)})
            return {"items": items}
        return data

    def find(self, kind: str) -> list[MaterialItem]:
        return [i for i in self.items if i.kind == kind or kind in i.kind]

    def problems(self, require: list[str], min_days: dict[str, int], working_days: dict[str, int]) -> list[str]:
        """Chinese descriptions of what is missing or too short (empty: all satisfied)."""
        from .engine.matchers import count_days

        out: list[str] = []
        for kind in require:
            if not self.find(kind):
                out.append(f"缺少「{kind}」材料")
        for table, working in ((min_days, False), (working_days, True)):
            unit = "个工作日" if working else "日"
            for kind, n in table.items():
                items = self.find(kind)
                if not items:
                    if kind not in require:
                        out.append(f"缺少「{kind}」材料")
                    continue
                dated = [i for i in items if i.start and i.end]
                if not dated:
                    out.append(f"「{kind}」未注明起止日期，无法核对是否满{n}{unit}")
                    continue
                best = max(count_days(i.start, i.end, working) for i in dated)  # type: ignore[arg-type]
                if best < n:
                    out.append(f"「{kind}」期限为{best}{unit}，少于{n}{unit}")
        return out


def load_materials(src: Any) -> Materials | None:
    """A ``Materials`` from a path (YAML/JSON), a dict/list, or an existing ``Materials``."""
    if src is None or isinstance(src, Materials):
        return src
    path = None
    data = src
    if isinstance(src, (str, Path)):
        path = Path(src)
        if not path.is_file():
            raise InputError("送审材料清单文件不存在", path=path, cause="materials file not found")
        text = path.read_text(encoding="utf-8-sig")
        try:
            if path.suffix.lower() == ".json":
                data = json.loads(text)
            else:
                import yaml

                data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except Exception as e:  # yaml.YAMLError / json.JSONDecodeError
            raise InputError("送审材料清单无法解析（应为 YAML 或 JSON）", path=path, cause=str(e)) from e
    if data is None:
        data = {"items": []}
    try:
        return Materials.model_validate(data)
    except ValidationError as e:
        first = e.errors(include_url=False)[0]
        loc = ".".join(map(str, first["loc"]))
        raise InputError(f"送审材料清单格式错误：{loc} {first['msg']}", path=path, cause=str(first["msg"])) from e
