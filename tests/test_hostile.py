"""Hostile and broken inputs (issue 9): every hostile file made by ``hostile_factory`` goes through
``legalreview.review`` and ``legalreview batch`` (workers 1 and 2) and yields a correct review or the
library's own error naming the file, in bounded time (pytest-timeout) and bounded memory (peak RSS
of the child processes), without touching anything outside the output folder.

Hostile rule packs (catastrophic regexes, huge alternations, ``extends`` towards /etc/passwd,
YAML python tags and alias bombs) are refused with a RuleError or load and run safely.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

import hostile_factory as hf

ROOT = Path(__file__).resolve().parent.parent
#: Correctness bound on the peak resident memory of any child process (review or batch worker).
#: The readers bound a .docx to a 20 MB document.xml; a review of the 2 MB / 20,000-article files
#: needs a few hundred MB. 1.5 GB means "bounded", far below what a zip or entity bomb would take.
RSS_BOUND_KB = 1536 * 1024
#: Documents that hold the unlawful fine clause and must be flagged by VR-FINE when reviewed.
MUST_FLAG_FINE = {"单行2MB.txt", "两万条.txt", "含NUL字节.txt", "私用区与混合文字.txt", "全角数字条号.txt",
                  "正常村规民约.docx", "样式表含XXE.docx"}


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "tests"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def _children_peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def _snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry under ``folder`` (links not followed) with its size, mtime and content hash."""
    import hashlib

    snap = {}
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = p.lstat()
            digest = ""
            if p.is_file() and not p.is_symlink():
                digest = hashlib.sha256(p.read_bytes()).hexdigest()
            snap[str(p.relative_to(folder))] = (st.st_size, st.st_mtime_ns, st.st_mode, digest)
    return snap


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile") / "待审文件"
    expect = hf.make_documents(folder)
    return folder, expect


# --------------------------------------------------------------------------- review()

_REVIEW_DRIVER = r"""
import json, sys
from pathlib import Path
import legalreview
from legalreview.errors import LegalReviewError
folder = Path(sys.argv[1])
for name in sys.argv[2:]:
    try:
        r = legalreview.review(folder / name)
    except LegalReviewError as e:
        out = {"status": "error", "type": type(e).__name__, "message": str(e),
               "input_error": isinstance(e, legalreview.InputError)}
    except BaseException as e:  # what the test forbids
        out = {"status": "uncaught", "type": type(e).__name__, "message": repr(e)[:500]}
    else:
        text = r.document.text
        spans_ok = all(0 <= f.start <= f.end <= len(text) and text[f.start:f.end] == f.quote
                       for f in [*r.findings, *r.suppressed])
        out = {"status": "ok", "rules": sorted({f.rule_id for f in r.findings}), "spans_ok": spans_ok,
               "passwd": "root:x:0:0" in text}
    print(json.dumps({"name": name, **out}, ensure_ascii=False), flush=True)
"""


@pytest.mark.timeout(240)
def test_review_each_hostile_file(hostile):
    """One child process reviews every hostile file: bounded memory, the expected outcome per file."""
    folder, expect = hostile
    before = _snapshot(folder)
    r = subprocess.run([sys.executable, "-c", _REVIEW_DRIVER, str(folder), *expect], capture_output=True,
                       text=True, env=_env(), cwd=ROOT, timeout=230)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "Traceback" not in r.stderr
    results = {d["name"]: d for d in map(json.loads, r.stdout.splitlines())}
    assert set(results) == set(expect)
    for name, exp in expect.items():
        res = results[name]
        assert res["status"] != "uncaught", res
        if exp == "ok":
            assert res["status"] == "ok", res
        elif exp == "error":
            assert res["status"] == "error" and res["input_error"], res
        if res["status"] == "error":
            assert name in res["message"], res  # names the file
            assert any("\u4e00" <= ch <= "\u9fff" for ch in res["message"].split("（cause")[0]), res
        else:
            assert res["spans_ok"], res
            if name in MUST_FLAG_FINE:
                assert "VR-FINE" in res["rules"], res
    assert not results["外部实体XXE.docx"].get("passwd")
    assert "DTD" in results["外部实体XXE.docx"]["message"]
    assert "压缩炸弹" in results["压缩炸弹_高压缩比.docx"]["message"]
    assert "压缩炸弹" in results["压缩炸弹_总量大.docx"]["message"]
    assert _snapshot(folder) == before  # the inputs are untouched
    assert _children_peak_kb() < RSS_BOUND_KB


@pytest.mark.timeout(60)
def test_xxe_and_entities_refused_in_process(hostile):
    import legalreview

    folder, _ = hostile
    for name in ("外部实体XXE.docx", "实体膨胀.docx"):
        with pytest.raises(legalreview.InputError) as ei:
            legalreview.load(folder / name)
        assert "root:" not in str(ei.value) and name in str(ei.value)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name,words", [("压缩炸弹_目录造假.docx", "损坏"), ("mimetype炸弹.docx", "压缩炸弹")])
def test_zip_members_never_inflated_whole(hostile, name, words):
    """A 0.5 MB file whose zip directory claims 4 KB for a 512 MB document.xml, and a 300 MB 'mimetype'
    member read by the format sniffer: members are read in bounded chunks (ZipFile.read used to
    inflate the whole member: 2.1 GB peak RSS), so the child process stays small."""
    folder, _ = hostile
    # VmHWM is the peak of this process image; ru_maxrss would include the forked pytest parent
    code = ("import legalreview,sys\n"
            "try:\n legalreview.load(sys.argv[1])\nexcept legalreview.InputError as e: print(e)\n"
            "print(next(int(ln.split()[1]) for ln in open('/proc/self/status') if ln.startswith('VmHWM')))")
    r = subprocess.run([sys.executable, "-c", code, str(folder / name)], capture_output=True,
                       text=True, cwd=ROOT, timeout=55)
    msg, rss = r.stdout.strip().rsplit("\n", 1)
    assert name in msg and words in msg, r.stdout + r.stderr
    assert int(rss) < 256 * 1024, rss  # the bombs are 512 MB and 300 MB inflated; a load needs ~50 MB


# --------------------------------------------------------------------------- batch CLI


@pytest.mark.timeout(300)
@pytest.mark.parametrize("workers", [1, 2])
def test_batch_cli_over_hostile_folder(hostile, tmp_path, workers):
    folder, expect = hostile
    before = _snapshot(folder)
    out = tmp_path / "审查结果"
    r = subprocess.run([sys.executable, "-m", "legalreview", "batch", str(folder), "-o", str(out),
                        "--workers", str(workers), "-q"], capture_output=True, text=True, cwd=ROOT, timeout=290)
    assert r.returncode == 1, r.stdout + r.stderr  # some files failed, the batch did not
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout
    lines = r.stdout.splitlines()
    for name, exp in expect.items():
        failed = [ln for ln in lines if ln.strip().startswith(f"失败：{name}：")]
        skipped = [ln for ln in lines if ln.strip().startswith(f"跳过：{name}")]
        report = out / f"{Path(name).stem}.json"
        if exp == "ok":
            assert report.is_file() and not failed, (name, r.stdout)
            data = json.loads(report.read_text(encoding="utf-8"))
            text = data["document"]["text"]
            assert all(text[f["start"]:f["end"]] == f["quote"] for f in data["findings"])
            if name in MUST_FLAG_FINE:
                assert "VR-FINE" in {f["rule_id"] for f in data["findings"]}, name
        elif exp == "error":
            if name == "指向etc的目录链接":
                assert not failed and not report.exists()  # a linked folder is not entered
                continue
            assert (failed and name in failed[0]) or skipped, (name, r.stdout)
            assert not report.exists()
        else:
            assert report.is_file() or failed or skipped, (name, r.stdout)
    # symlinks are never followed by batch
    assert any("指向passwd的链接.txt" in ln and "符号链接" in ln for ln in lines)
    assert not (out / "指向passwd的链接.json").exists()
    for p in out.rglob("*"):
        assert not p.name.endswith(".part"), p
        if p.suffix == ".json":
            json.loads(p.read_text(encoding="utf-8"))
            assert "root:x:0:0" not in p.read_text(encoding="utf-8")
    assert (out / "summary.xlsx").is_file()
    assert _snapshot(folder) == before  # nothing written or changed in the input
    assert _children_peak_kb() < RSS_BOUND_KB


@pytest.mark.timeout(180)
def test_batch_annotate_and_opinion_of_docx_with_hostile_styles(hostile, tmp_path):
    """The commented copy re-opens the original package (python-docx): the XXE in styles.xml is
    never resolved into any output."""
    folder, _ = hostile
    src = tmp_path / "in"
    src.mkdir()
    (src / "样式表含XXE.docx").write_bytes((folder / "样式表含XXE.docx").read_bytes())
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "legalreview", "batch", str(src), "-o", str(out), "--workers", "1",
                        "-q", "--annotate", "--opinions"], capture_output=True, text=True, cwd=ROOT, timeout=170)
    assert r.returncode == 0, r.stdout + r.stderr
    made = sorted(p.name for p in out.glob("*.docx"))
    assert len(made) == 2, made
    for p in out.glob("*.docx"):
        with zipfile.ZipFile(p) as zf:
            for name in zf.namelist():
                assert b"root:x:0:0" not in zf.read(name), (p.name, name)


@pytest.mark.timeout(180)
def test_batch_hostile_zip_input_writes_nothing_outside(tmp_path):
    outside = tmp_path / "不应出现"
    archive = tmp_path / "上传" / "镇里的文件.zip"
    archive.parent.mkdir()
    fates = hf.hostile_zip(archive, outside)
    before = _snapshot(tmp_path)
    out = tmp_path / "结果"
    r = subprocess.run([sys.executable, "-m", "legalreview", "batch", str(archive), "-o", str(out), "--workers", "2",
                        "-q"], capture_output=True, text=True, cwd=ROOT, timeout=170)
    assert r.returncode in (0, 1) and "Traceback" not in r.stderr, r.stdout + r.stderr
    assert not list(tmp_path.rglob("不应出现*")) and not outside.exists()
    assert not Path(str(outside)).with_suffix(".txt").exists()
    reports = [p for p in out.rglob("*.json") if not p.name.startswith(".")]
    assert [p.relative_to(out).as_posix() for p in reports] == ["东岙村/村规民约.json"], reports
    data = json.loads(reports[0].read_text(encoding="utf-8"))
    assert "VR-FINE" in {f["rule_id"] for f in data["findings"]}
    assert "root:x:0:0" not in json.dumps(data, ensure_ascii=False)
    refused = [m for m, fate in fates.items() if fate == "refused"]
    for m in refused:  # each hostile member is named with the reason it was not extracted
        assert any(ln.strip().startswith(f"跳过：{m}：") for ln in r.stdout.splitlines()), (m, r.stdout)
    after = {k: v for k, v in _snapshot(tmp_path).items() if not k.startswith("结果")}
    assert after == before  # only the output folder changed
    assert _children_peak_kb() < RSS_BOUND_KB


# --------------------------------------------------------------------------- rule packs


@pytest.fixture(scope="module")
def hostile_packs(tmp_path_factory):
    base = tmp_path_factory.mktemp("packs")
    sentinel = base / "PWNED"
    expect = hf.make_rule_packs(base / "规则", sentinel)
    doc = base / "村规民约.txt"
    doc.write_text("\n".join(hf.CONVENTION_LINES + [hf.FINE_CLAUSE, "第六条 " + "村民" * 300 + "罚款！"]) + "\n",
                   encoding="utf-8")
    return base / "规则", expect, doc, sentinel


@pytest.mark.timeout(120)
def test_hostile_rule_packs_refused_or_bounded(hostile_packs):
    import legalreview

    folder, expect, doc, sentinel = hostile_packs
    for name, exp in expect.items():
        pack = folder / name
        try:
            report = legalreview.review(doc, rules=[str(pack)])
        except legalreview.RuleError as e:
            assert exp != "ok", (name, str(e))
            assert name in str(e), str(e)  # names the rule file
            assert any("\u4e00" <= ch <= "\u9fff" for ch in e.message), str(e)
        else:
            assert exp != "error", f"{name} was accepted"
            text = report.document.text
            assert all(text[f.start:f.end] == f.quote for f in report.findings)
            assert "VR-FINE" in {f.rule_id for f in report.findings}
    assert not sentinel.exists()  # no python tag ever ran


@pytest.mark.timeout(60)
def test_pack_errors_say_why(hostile_packs):
    import legalreview

    folder, _, doc, _ = hostile_packs
    why = {
        "catastrophic_nested.yaml": "嵌套量词",
        "catastrophic_alternation.yaml": "重叠的分支",
        "catastrophic_overlap.yaml": "重叠的分支",
        "polynomial.yaml": "宽泛重复",
        "catastrophic_optional.yaml": "可选部分",
        "extends_abs_passwd.yaml": ".yaml",
        "extends_parent_passwd.yaml": ".yaml",
        "extends_traversal_yaml.yaml": "找不到",
        "python_tag.yaml": "YAML",
        "alias_bomb_params.yaml": "别名炸弹",
    }
    for name, words in why.items():
        with pytest.raises(legalreview.RuleError) as ei:
            legalreview.load_rules([str(folder / name)])
        assert words in str(ei.value), str(ei.value)
        assert "root:" not in str(ei.value)


@pytest.mark.timeout(120)
def test_cli_review_with_hostile_pack_exits_2(hostile_packs):
    folder, _, doc, sentinel = hostile_packs
    for name in ("catastrophic_alternation.yaml", "python_tag.yaml", "extends_abs_passwd.yaml"):
        r = subprocess.run([sys.executable, "-m", "legalreview", "review", str(doc), "-r", str(folder / name)],
                           capture_output=True, text=True, cwd=ROOT, timeout=100)
        assert r.returncode == 2, r.stdout + r.stderr
        assert "Traceback" not in r.stderr and name in r.stderr
    assert not sentinel.exists()


@pytest.mark.timeout(120)
def test_rules_show_with_alias_bomb_pack_is_refused(hostile_packs):
    """`rules show` dumps a rule's params: an alias bomb there used to expand to billions of nodes
    (MemoryError after a minute); the loader now refuses it before constructing anything."""
    folder, _, _, _ = hostile_packs
    r = subprocess.run([sys.executable, "-m", "legalreview", "rules", "show", "HOSTILE-PARAMS", "-r",
                        str(folder / "alias_bomb_params.yaml")], capture_output=True, text=True, cwd=ROOT, timeout=100)
    assert r.returncode == 2 and "别名炸弹" in r.stderr and "Traceback" not in r.stderr, r.stdout + r.stderr
    assert _children_peak_kb() < RSS_BOUND_KB


@pytest.mark.timeout(120)
def test_batch_refuses_hostile_pack_before_writing(hostile_packs, tmp_path):
    folder, _, doc, _ = hostile_packs
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "legalreview", "batch", str(doc.parent), "-o", str(out),
                        "-r", str(folder / "catastrophic_overlap.yaml"), "--workers", "2", "-q"],
                       capture_output=True, text=True, cwd=ROOT, timeout=100)
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert "catastrophic_overlap.yaml" in r.stderr
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.timeout(180)
def test_alias_bombs_in_waivers_materials_and_opinion_config(tmp_path):
    """Every YAML the user hands in (waivers, also picked up as a sidecar by batch; materials; the
    opinion config) is refused quickly when its aliases explode; a waivers bomb used to spend 100 s
    and 1.4 GB formatting a pydantic error."""
    src = tmp_path / "in"
    doc = _small_doc(src)
    bomb = "\n".join(hf.yaml_alias_bomb().splitlines()[:-1]) + "\n"
    (src / "村规民约.txt.waivers.yaml").write_text(bomb + "waivers: *a9\n", encoding="utf-8")
    materials = tmp_path / "材料.yaml"
    materials.write_text(bomb + "items: *a9\n", encoding="utf-8")
    config = tmp_path / "意见书配置.yaml"
    config.write_text(bomb + "reviewer: *a9\nbody: *a9\n", encoding="utf-8")
    runs = [
        ["review", str(doc)],  # the sidecar waivers
        ["review", str(doc), "--waivers", str(src / "村规民约.txt.waivers.yaml")],
        ["review", str(doc), "--waivers", "/dev/null", "--materials", str(materials)],
        ["review", str(doc), "--waivers", "/dev/null", "--config", str(config), "-o", str(tmp_path / "意见书.docx")],
    ]
    for args in runs:
        r = subprocess.run([sys.executable, "-m", "legalreview", *args], capture_output=True, text=True, cwd=ROOT,
                           timeout=100)
        assert r.returncode == 2 and "Traceback" not in r.stderr, (args, r.stdout, r.stderr[-2000:])
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "legalreview", "batch", str(src), "-o", str(out), "--workers", "1", "-q"],
                       capture_output=True, text=True, cwd=ROOT, timeout=100)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stdout + r.stderr
    assert "失败：村规民约.txt" in r.stdout and "豁免" in r.stdout
    assert _children_peak_kb() < RSS_BOUND_KB


# --------------------------------------------------------------------------- outputs


def _small_doc(folder: Path, name: str = "村规民约.txt") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text("\n".join(hf.CONVENTION_LINES + [hf.FINE_CLAUSE]) + "\n", encoding="utf-8")
    return p


@pytest.mark.timeout(120)
def test_review_output_equal_to_input_is_refused(tmp_path):
    doc = _small_doc(tmp_path)
    before = doc.read_bytes()
    for target in (doc, tmp_path / "." / doc.name):
        r = subprocess.run([sys.executable, "-m", "legalreview", "review", str(target), "-o", str(doc), "--force"],
                           capture_output=True, text=True, cwd=ROOT, timeout=100)
        assert r.returncode == 2, r.stdout + r.stderr
        assert "输入" in r.stderr and "Traceback" not in r.stderr
        assert doc.read_bytes() == before
    docx_in = tmp_path / "村规民约.docx"
    docx_in.write_bytes(hf.convention_docx_bytes())
    docx_before = docx_in.read_bytes()
    for opt in ("--annotate", "-o"):
        r = subprocess.run([sys.executable, "-m", "legalreview", "review", str(docx_in), opt, str(docx_in), "--force"],
                           capture_output=True, text=True, cwd=ROOT, timeout=100)
        assert r.returncode == 2 and "Traceback" not in r.stderr, (opt, r.stdout + r.stderr)
        assert docx_in.read_bytes() == docx_before
    link = tmp_path / "链接.json"
    link.symlink_to(doc)
    r = subprocess.run([sys.executable, "-m", "legalreview", "review", str(doc), "-o", str(link), "--force"],
                       capture_output=True, text=True, cwd=ROOT, timeout=100)
    assert r.returncode == 2 and doc.read_bytes() == before, r.stderr


@pytest.mark.timeout(120)
def test_review_existing_output_needs_force(tmp_path):
    doc = _small_doc(tmp_path)
    out = tmp_path / "报告.json"
    out.write_text("旧报告", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "legalreview", "review", str(doc), "-o", str(out)],
                       capture_output=True, text=True, cwd=ROOT, timeout=100)
    assert r.returncode == 2 and "--force" in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert out.read_text(encoding="utf-8") == "旧报告"
    r = subprocess.run([sys.executable, "-m", "legalreview", "review", str(doc), "-o", str(out), "--force"],
                       capture_output=True, text=True, cwd=ROOT, timeout=100)
    assert r.returncode in (0, 1), r.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert "VR-FINE" in {f["rule_id"] for f in data["findings"]}
    assert not list(tmp_path.glob("*.part")) and not list(tmp_path.glob(".*.part"))


def _check_outputs_whole(out: Path) -> None:
    for p in out.rglob("*"):
        if p.suffix == ".json" and not p.name.endswith(".part"):
            json.loads(p.read_text(encoding="utf-8"))  # never half-written
        if p.suffix == ".xlsx":
            import openpyxl

            openpyxl.load_workbook(p).close()


@pytest.mark.timeout(300)
@pytest.mark.parametrize("sig,delay", [(signal.SIGINT, 2.0), (signal.SIGINT, 4.5), (signal.SIGKILL, 3.5)])
def test_interrupted_batch_leaves_no_half_written_file(tmp_path, sig, delay):
    """Ctrl-C (SIGINT) or kill -9 at some moment of a running batch: every output present is whole;
    after Ctrl-C no temporary .part file is left; a rerun completes every document."""
    src = tmp_path / "村"
    for i in range(24):
        lines = hf.CONVENTION_LINES + [hf.FINE_CLAUSE] + [f"第{6 + k}条 村民应当第{i}次遵守公共秩序要求。" for k in range(300)]
        (src / f"{i:02d}").mkdir(parents=True, exist_ok=True)
        (src / f"{i:02d}" / f"村规民约{i:02d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = _snapshot(src)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "legalreview", "batch", str(src), "-o", str(out), "--workers", "2", "-q",
           "--opinions"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            start_new_session=True)
    time.sleep(delay)
    if proc.poll() is None:
        os.killpg(proc.pid, sig) if sig == signal.SIGKILL else proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=200)
    assert "Traceback" not in stderr, stderr[-2000:]
    if out.exists():
        _check_outputs_whole(out)
        if sig == signal.SIGINT:
            assert not [p for p in out.rglob("*") if p.name.endswith(".part")]
    assert _snapshot(src) == before
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=250)
    assert r.returncode == 0, r.stdout + r.stderr
    _check_outputs_whole(out)
    assert len(list(out.rglob("村规民约*.json"))) == 24
    assert len(list(out.rglob("村规民约*.docx"))) == 24
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]
    assert _snapshot(src) == before


@pytest.mark.timeout(180)
def test_max_size_option_for_review_and_batch(tmp_path):
    """--max-size (MB) lowers the input limit for review and for batch (the scan skips the file with
    the reason); a process started afresh (spawned worker) gets it through LEGALREVIEW_MAX_INPUT_MB."""
    small = _small_doc(tmp_path)
    big = tmp_path / "大文件.txt"
    big.write_text("第一条 村民应当遵守法律法规。\n" * 20000, encoding="utf-8")  # ~0.6 MB
    r = subprocess.run([sys.executable, "-m", "legalreview", "review", str(big), "--max-size", "0.2"],
                       capture_output=True, text=True, cwd=ROOT, timeout=100)
    assert r.returncode == 2 and "文件过大" in r.stderr and "上限 0.2 MB" in r.stderr and "大文件.txt" in r.stderr, r.stderr
    r = subprocess.run([sys.executable, "-m", "legalreview", "review", str(big), "--format", "json"],
                       capture_output=True, text=True, cwd=ROOT, timeout=100)
    assert r.returncode in (0, 1) and json.loads(r.stdout)["document"]["path"].endswith("大文件.txt"), r.stderr  # 50 MB
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / big.name).write_bytes(big.read_bytes())
    (folder / small.name).write_bytes(small.read_bytes())
    out = tmp_path / "out"
    env = {**os.environ, "LEGALREVIEW_MP_START": "spawn"}
    r = subprocess.run([sys.executable, "-m", "legalreview", "batch", str(folder), "-o", str(out), "--max-size", "0.2",
                        "--workers", "2", "-q"], capture_output=True, text=True, cwd=ROOT, timeout=150, env=env)
    assert "Traceback" not in r.stderr, r.stderr
    assert "大文件.txt" in r.stdout and "文件过大" in r.stdout, r.stdout
    assert (out / (small.stem + ".json")).exists() or list(out.rglob(small.stem + "*.json")), list(out.rglob("*"))
    assert not list(out.rglob("大文件*.json"))
    probe = ("import sys; from legalreview.ingest import load\n"
             "try:\n    load(sys.argv[1])\nexcept Exception as e:\n    print(type(e).__name__, e)\n")
    r = subprocess.run([sys.executable, "-c", probe, str(big)], capture_output=True, text=True, cwd=ROOT,
                       timeout=100, env={**os.environ, "LEGALREVIEW_MAX_INPUT_MB": "0.2"})
    assert r.stdout.startswith("InputError") and "文件过大" in r.stdout, r.stdout + r.stderr
    from legalreview.ingest import limits

    old = limits.MAX_INPUT_BYTES
    try:
        os.environ[limits.MAX_INPUT_ENV] = "abc"  # malformed: the default stands, the limit is never lifted
        assert limits._env_max_input_bytes() == limits.DEFAULT_MAX_INPUT_MB * 1024 * 1024
        os.environ[limits.MAX_INPUT_ENV] = "0.5"
        assert limits._env_max_input_bytes() == 512 * 1024
    finally:
        os.environ.pop(limits.MAX_INPUT_ENV, None)
        limits.MAX_INPUT_BYTES = old
