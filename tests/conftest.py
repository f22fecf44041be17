"""Shared fixtures. Tests that read ../shared skip cleanly when it is absent (a user's clone)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def shared_path(*parts: str) -> Path:
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"../shared/{'/'.join(parts)} not present")
    return p


@pytest.fixture
def shared():
    """Path to ../shared, or skip."""
    return shared_path()


@pytest.fixture
def dev_manifest():
    """Rows of ../shared/eval/dev/manifest.jsonl, or skip."""
    import json

    p = shared_path("eval", "dev", "manifest.jsonl")
    return [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
