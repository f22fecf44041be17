"""Accountable waivers (豁免): a reviewer decides a finding is not a problem, with reason, name and date.

Sidecar YAML (``<document>.waivers.yaml`` or ``--waivers FILE``)::

    waivers:
      - rule_id: VR-FINE
        quote: 违者罚款100元            # the finding's quote (or a unique part of it)
        reason: 经核实系收取垃圾清运费，已有物价部门批复
        reviewer: 张三
        date: 2026-11-20

A waived finding stays in the report (``waived: true`` with the waiver) but does not count towards
the conclusion and gets no Word comment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import LegalReviewError
from .models import Finding, Waiver


def load_waivers(source: Any) -> list[Waiver]:
    """Waivers from a path, a YAML/dict ``{"waivers": [...]}``, or a list of dicts/Waiver."""
    if source is None:
        return []
    path = None
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            from .engine.loader import safe_load_bounded  # refuses alias bombs (issue 9)

            source = safe_load_bounded(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as e:
            raise LegalReviewError("无法读取豁免记录文件", path=path, cause=str(e)) from e
    if isinstance(source, dict):
        source = source.get("waivers", [])
    out = []
    for i, w in enumerate(source or []):
        try:
            out.append(w if isinstance(w, Waiver) else Waiver.model_validate(w))
        except Exception as e:  # pydantic.ValidationError
            raise LegalReviewError(f"第{i + 1}条豁免记录格式错误（需要 rule_id、quote、reason、reviewer）",
                                   path=path, cause=str(e).splitlines()[0]) from e
    return out


def apply_waivers(findings: list[Finding], source: Any) -> list[Finding]:
    """Mark findings matched by a waiver (same rule id, waiver quote contained in the finding's quote
    or vice versa) as waived."""
    waivers = load_waivers(source)
    out = []
    for f in findings:
        w = next((w for w in waivers if w.rule_id == f.rule_id and w.quote and
                  (w.quote in f.quote or f.quote in w.quote)), None)
        out.append(f.model_copy(update={"waived": True, "waiver": w}) if w else f)
    return out
