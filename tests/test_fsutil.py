"""Outputs are written atomically, with normal permissions, and never over an input."""

from __future__ import annotations

import os
import stat

import pytest

from legalreview.errors import OutputError
from legalreview.fsutil import atomic_path, atomic_write_text, check_output_path


def test_atomic_write_gives_normal_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        p = atomic_write_text(tmp_path / "out" / "a.json", "{}")
    finally:
        os.umask(old)
    assert p.read_text() == "{}"
    assert stat.S_IMODE(p.stat().st_mode) == 0o644


def test_failed_write_leaves_target_and_no_temp(tmp_path):
    target = tmp_path / "r.json"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_output_equal_to_input_is_refused(tmp_path):
    src = tmp_path / "村规民约.docx"
    src.write_bytes(b"x")
    with pytest.raises(OutputError) as e:
        check_output_path(tmp_path / "." / "村规民约.docx", [src])
    assert "村规民约.docx" in str(e.value)


def test_existing_output_needs_force(tmp_path):
    out = tmp_path / "意见书.docx"
    out.write_bytes(b"x")
    with pytest.raises(OutputError):
        check_output_path(out, [], force=False)
    assert check_output_path(out, [], force=True) == out
