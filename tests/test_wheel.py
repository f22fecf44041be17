"""A wheel (not only an editable install) ships rules/ and corpora/ and finds them at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        pytest.skip(f"cannot build a wheel here (no build backend available offline?): {r.stderr[-300:]}")
    return next(out.glob("legalreview-*.whl"))


def test_wheel_contains_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "legalreview/_data/rules/zhejiang/index.yaml" in names
    assert "legalreview/_data/rules/zhejiang/village_rules.yaml" in names
    assert "legalreview/_data/corpora/laws/laws.json" in names


def test_installed_wheel_reviews_with_bundled_rules(wheel, tmp_path):
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)  # what an installer puts in site-packages
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import legalreview, legalreview.resources as r;"
        "assert str(r.rules_dir()).startswith(sys.argv[1]), r.rules_dir();"
        "assert str(r.corpora_dir()).startswith(sys.argv[1]), r.corpora_dir();"
        "rep = legalreview.review_text('某村村规民约\\n第一条 违者罚款一百元。\\n', doc_type='village_rules');"
        "print(sorted({f.rule_id for f in rep.findings}))"
    )
    r = subprocess.run([sys.executable, "-c", code, str(target)], capture_output=True, text=True, timeout=300,
                       cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "VR-FINE" in r.stdout
