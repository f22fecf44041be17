"""Batch review: a generated county folder (txt + docx, nested, a zip variant) with bad files."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from legalreview import batch
from legalreview.batch import BatchOptions, run_batch
from legalreview.models import ReviewReport

ROOT = Path(__file__).resolve().parent.parent


def _gen_module():
    spec = importlib.util.spec_from_file_location("gen_village_rules", ROOT / "bench" / "gen_village_rules.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


GEN = _gen_module()
BAD = {"坏文件/损坏.docx", "坏文件/空白.txt", "坏文件/照片.png"}


def make_county(root: Path, n: int = 27, seed: int = 3) -> list[dict]:
    manifest = GEN.generate(root, n, seed=seed, docx_rate=0.35)
    (root / "manifest.json").unlink()  # keep the input pure: only documents and the bad files
    bad = root / "坏文件"
    bad.mkdir()
    (bad / "损坏.docx").write_bytes(b"PK\x03\x04 this is not really a zip")
    (bad / "空白.txt").write_bytes(b"")
    (bad / "照片.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    return manifest


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(root).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    root = tmp_path_factory.mktemp("county")
    manifest = make_county(root)
    return root, manifest


def test_folder_end_to_end(county, tmp_path):
    root, manifest = county
    before = snapshot(root)
    out = tmp_path / "out"
    result = run_batch(root, out, BatchOptions(workers=1, doc_type="village_rules"))

    by_rel = {it.rel: it for it in result.items}
    good = {m["file"] for m in manifest}
    assert {r for r, it in by_rel.items() if it.status == "ok"} == good
    assert any(m["file"].endswith(".docx") for m in manifest) and any(m["file"].endswith(".txt") for m in manifest)
    # every good document has its JSON report mirrored under OUT_DIR, and it is the report contract
    for m in manifest:
        stem = m["file"].rsplit(".", 1)[0]
        data = json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))
        report = ReviewReport.model_validate(data)
        assert report.document.doc_type == "village_rules"
        assert m["village"] in report.document.text
    # the corrupt docx fails with the reader's reason, the empty and the image file are skipped
    assert by_rel["坏文件/损坏.docx"].status == "failed"
    assert "docx" in by_rel["坏文件/损坏.docx"].error.lower() or "Word" in by_rel["坏文件/损坏.docx"].error
    skipped = {s.rel: s.reason for s in result.skipped}
    assert skipped["坏文件/空白.txt"] == "空文件"
    assert "坏文件/照片.png" in skipped and skipped["坏文件/照片.png"]
    # nothing was written into INPUT
    assert snapshot(root) == before

    from openpyxl import load_workbook

    wb = load_workbook(out / "summary.xlsx", read_only=True)
    assert wb.sheetnames == ["文件汇总", "问题明细", "问题分类统计", "共性条款"]
    rows = list(wb["文件汇总"].iter_rows(values_only=True))
    assert rows[0][0] == "文件" and len(rows) == 1 + len(good) + 3
    listed = {r[0]: r for r in rows[1:]}
    assert BAD <= set(listed)
    assert listed["坏文件/空白.txt"][11] == "空文件"
    assert listed["坏文件/损坏.docx"][10] == "审查失败" and listed["坏文件/损坏.docx"][11]
    first = manifest[0]["file"]
    assert listed[first][12] == first.rsplit(".", 1)[0] + ".json" and listed[first][10] == "已审查"
    village_col = {listed[m["file"]][2] for m in manifest}
    assert {m["village"] for m in manifest} <= village_col
    for name in ("文件汇总", "问题明细", "问题分类统计", "共性条款"):
        raw = (out / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        assert raw.decode("utf-8-sig").splitlines()[0].split(",")[0] in ("文件", "问题类别", "编号")
    state = json.loads((out / batch.STATE_NAME).read_text(encoding="utf-8"))
    assert set(state["files"]) == good | {"坏文件/损坏.docx"}
    assert not (out / batch.JOURNAL_NAME).exists()


def test_zip_input_is_extracted_safely(county, tmp_path):
    root, manifest = county
    zpath = tmp_path / "county.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for m in manifest[:6]:
            zf.write(root / m["file"], m["file"])
        zf.writestr("../逃逸.txt", "第一条 村民应当遵守法律。\n")
        zf.writestr("/abs/绝对.txt", "第一条 村民应当遵守法律。\n")
        link = zipfile.ZipInfo("链接.txt")
        link.external_attr = (0o120777 << 16)
        zf.writestr(link, "/etc/passwd")
        # a member written by a Chinese Windows zip tool: GBK name bytes, no UTF-8 flag (patched below)
        gbk = "外村/西岙村村规民约.txt".encode("gb18030")
        zf.writestr("x" * len(gbk), "西岙村村规民约\n第一条 村民应当遵守法律法规。\n".encode())
    raw = zpath.read_bytes()
    assert raw.count(b"x" * len(gbk)) == 2  # local header + central directory
    zpath.write_bytes(raw.replace(b"x" * len(gbk), gbk))
    out = tmp_path / "out"
    result = run_batch(zpath, out, BatchOptions(workers=1))
    ok = {it.rel for it in result.items if it.status == "ok"}
    assert {m["file"] for m in manifest[:6]} <= ok
    assert "外村/西岙村村规民约.txt" in ok
    assert (out / "外村" / "西岙村村规民约.json").is_file()
    reasons = {s.rel: s.reason for s in result.skipped}
    assert any("不安全" in r for r in reasons.values())
    assert any("符号链接" in r for r in reasons.values())
    assert not (tmp_path / "逃逸.txt").exists() and not (out.parent / "逃逸.txt").exists()
    assert not Path("/abs/绝对.txt").exists()


def test_out_dir_inside_input_is_not_scanned(tmp_path):
    root = tmp_path / "in"
    GEN.generate(root, 4, seed=11, docx_rate=0)
    out = root / "审查结果"
    r1 = run_batch(root, out, BatchOptions(workers=1))
    r2 = run_batch(root, out, BatchOptions(workers=1, force=True))
    for r in (r1, r2):
        assert len(r.items) == 4
        assert not any(it.rel.startswith("审查结果") for it in r.items)
        assert not any(s.rel.startswith("审查结果") for s in r.skipped)
    with pytest.raises(Exception) as e:
        run_batch(root, root, BatchOptions(workers=1))
    assert "输出目录" in str(e.value)


def test_rerun_skips_unchanged_and_redoes_changed(tmp_path):
    root = tmp_path / "in"
    manifest = GEN.generate(root, 6, seed=5, docx_rate=0)
    out = tmp_path / "out"
    run_batch(root, out, BatchOptions(workers=1))
    jsons = {m["file"]: out / (m["file"].rsplit(".", 1)[0] + ".json") for m in manifest}
    mtimes = {k: p.stat().st_mtime_ns for k, p in jsons.items()}

    changed = manifest[0]["file"]
    p = root / changed
    p.write_text(p.read_text(encoding="utf-8") + "第九十九条 倡导节约用水。\n", encoding="utf-8")
    r2 = run_batch(root, out, BatchOptions(workers=1))
    status = {it.rel: it.status for it in r2.items}
    assert status[changed] == "ok"
    assert all(s == "cached" for k, s in status.items() if k != changed)
    for k, p in jsons.items():
        assert (p.stat().st_mtime_ns == mtimes[k]) == (k != changed)
    # cached items still feed the summary
    from openpyxl import load_workbook

    rows = list(load_workbook(out / "summary.xlsx", read_only=True)["文件汇总"].iter_rows(values_only=True))
    assert len(rows) == 1 + 6 + 1  # manifest.json is listed as skipped

    # other options or --force redo everything
    r3 = run_batch(root, out, BatchOptions(workers=1, doc_type="village_rules"))
    assert all(it.status == "ok" for it in r3.items)
    r4 = run_batch(root, out, BatchOptions(workers=1, doc_type="village_rules"))
    assert all(it.status == "cached" for it in r4.items)
    r5 = run_batch(root, out, BatchOptions(workers=1, doc_type="village_rules", force=True))
    assert all(it.status == "ok" for it in r5.items)
    # a deleted output is redone
    jsons[manifest[1]["file"]].unlink()
    r6 = run_batch(root, out, BatchOptions(workers=1, doc_type="village_rules"))
    assert {it.rel for it in r6.items if it.status == "ok"} == {manifest[1]["file"]}


@pytest.mark.parametrize("workers", [1, 2])
def test_interrupted_run_resumes_without_redoing(tmp_path, workers):
    """Ctrl-C after 4 documents (raised from the progress callback): finished outputs and state are
    kept (with a pool, the reviews running at that moment finish too), nothing is half-written, and
    the rerun reviews only the rest."""
    root = tmp_path / "in"
    GEN.generate(root, 12, seed=9, docx_rate=0.2)
    out = tmp_path / "out"
    seen = []

    def stop_after_four(item):
        seen.append(item.rel)
        if len(seen) == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(root, out, BatchOptions(workers=workers), on_item=stop_after_four)
    done = set(json.loads((out / batch.STATE_NAME).read_text(encoding="utf-8"))["files"])
    assert set(seen) <= done and len(done) < 12
    if workers == 1:
        assert done == set(seen)
    assert not (out / "summary.xlsx").exists()
    assert not list(out.rglob("*.part"))
    first = {rel: (out / (rel.rsplit(".", 1)[0] + ".json")).stat().st_mtime_ns for rel in done}

    r2 = run_batch(root, out, BatchOptions(workers=workers))
    status = {it.rel: it.status for it in r2.items}
    assert {k for k, s in status.items() if s == "cached"} == done
    assert sum(s == "ok" for s in status.values()) == 12 - len(done)
    for rel, mt in first.items():
        assert (out / (rel.rsplit(".", 1)[0] + ".json")).stat().st_mtime_ns == mt
    assert (out / "summary.xlsx").is_file()


def test_killed_run_resumes_from_journal(tmp_path):
    root = tmp_path / "in"
    GEN.generate(root, 40, seed=4, docx_rate=0)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "legalreview", "batch", str(root), "-o", str(out), "--workers", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    journal = out / batch.JOURNAL_NAME
    try:
        for _ in range(6000):  # wait (bounded) until a few documents are done, then kill -9
            if journal.exists() and journal.read_text(encoding="utf-8").count("\n") >= 3:
                break
            if proc.poll() is not None:
                break
            import time

            time.sleep(0.01)
        proc.kill()
    finally:
        proc.wait()
    if not journal.exists():
        pytest.skip("the run finished before it could be killed")
    done = [json.loads(line)[0] for line in journal.read_text(encoding="utf-8").splitlines() if line.strip()]
    r2 = run_batch(root, out, BatchOptions(workers=1))
    cached = {it.rel for it in r2.items if it.status == "cached"}
    assert set(done) <= cached
    assert len(r2.items) == 40 and all(it.ok for it in r2.items)


def test_two_workers_real_process_pool(county, tmp_path):
    root, manifest = county
    out = tmp_path / "out"
    result = run_batch(root, out, BatchOptions(workers=2))
    ok = [it for it in result.items if it.status == "ok"]
    assert len(ok) == len(manifest)
    pids = {it.pid for it in ok}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2
    assert all(it.rss_kb > 0 for it in ok)
    assert [it.rel for it in result.items if it.status == "failed"] == ["坏文件/损坏.docx"]


def test_review_many_yields_items_lazily(county, monkeypatch):
    root, manifest = county
    paths = [root / m["file"] for m in manifest[:5]] + [root / "坏文件" / "损坏.docx"]
    from legalreview import pipeline

    calls = []
    real = pipeline.review

    def counting(*a, **kw):
        calls.append(a[0])
        return real(*a, **kw)

    monkeypatch.setattr(pipeline, "review", counting)
    it = batch.review_many(paths, workers=1, doc_type="village_rules")
    first = next(it)
    assert len(calls) == 1 and first.path == str(paths[0]) and first.report is not None
    rest = list(it)
    assert len(rest) == 5 and len(calls) == 6
    assert rest[-1].status == "failed" and rest[-1].report is None and rest[-1].error


def test_review_many_process_pool_returns_every_path(county):
    root, manifest = county
    paths = [str(root / m["file"]) for m in manifest[:8]] + [str(root / "坏文件" / "损坏.docx")]
    import legalreview

    items = list(legalreview.review_many(paths, workers=2, doc_type="village_rules"))
    assert sorted(i.path for i in items) == sorted(paths)
    by = {i.path: i for i in items}
    assert by[paths[-1]].status == "failed" and "损坏.docx" in by[paths[-1]].error
    for p in paths[:-1]:
        rep = by[p].report
        assert isinstance(rep, ReviewReport) and rep.document.path == p
        assert {i.pid for i in items} != {os.getpid()}


def test_opinion_and_annotate_fail_per_file_not_the_batch(tmp_path):
    root = tmp_path / "in"
    GEN.generate(root, 3, seed=8, docx_rate=1.0)
    out = tmp_path / "out"
    result = run_batch(root, out, BatchOptions(workers=1, opinions=True, annotate=True))
    assert len(result.items) == 3
    for it in result.items:
        assert it.status == "ok" and Path(it.outputs["json"]).is_file()
        for kind in ("opinion", "annotated"):
            # either written (a real .docx that python-docx opens) or a clear per-file error
            if kind in it.outputs:
                import docx

                docx.Document(it.outputs[kind])
            else:
                assert it.output_errors[kind]


def test_cli_batch(county, tmp_path):
    root, manifest = county
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "legalreview", "batch", str(root), "-o", str(out), "--workers", "2",
                        "--type", "village_rules"], capture_output=True, text=True)
    assert r.returncode == 1, r.stderr  # one document failed (the corrupt .docx)
    assert "Traceback" not in r.stderr
    assert f"新审查 {len(manifest)} 份" in r.stdout
    assert "失败：坏文件/损坏.docx" in r.stdout and "跳过：坏文件/空白.txt：空文件" in r.stdout
    assert (out / "summary.xlsx").is_file()
    r2 = subprocess.run([sys.executable, "-m", "legalreview", "batch", str(root), "-o", str(out), "--workers", "2",
                         "--type", "village_rules"], capture_output=True, text=True)
    assert f"沿用上次结果 {len(manifest)} 份" in r2.stdout


def test_cli_rejects_single_file_input(tmp_path):
    f = tmp_path / "一份.txt"
    f.write_text("第一条 村民应当遵守法律。\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "legalreview", "batch", str(f), "-o", str(tmp_path / "o")],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "文件夹" in r.stderr and "Traceback" not in r.stderr


def test_sniff_by_content_not_extension(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("北山村村规民约")
    d.add_paragraph("第一条 村民应当遵守法律法规。")
    misnamed = tmp_path / "北山村.dat"
    d.save(str(misnamed))
    txt_noext = tmp_path / "南山村村规民约"
    txt_noext.write_text("南山村村规民约\n第一条 村民应当爱护环境。\n", encoding="gb18030")
    odd = tmp_path / "东山村.bak"
    odd.write_text("东山村村规民约\n第一条 倡导移风易俗。\n", encoding="utf-8")
    binary = tmp_path / "数据.bin"
    binary.write_bytes(bytes(range(256)) * 8)
    files, skipped = batch.scan_folder(tmp_path)
    kinds = {f.rel: f.kind for f in files}
    assert kinds == {"北山村.dat": "docx", "南山村村规民约": "txt", "东山村.bak": "txt"}
    assert [s.rel for s in skipped] == ["数据.bin"]
    out = tmp_path.parent / (tmp_path.name + "-out")
    result = run_batch(tmp_path, out, BatchOptions(workers=1))
    assert all(it.status == "ok" for it in result.items), [it.error for it in result.items]
    data = json.loads((out / "东山村.json").read_text(encoding="utf-8"))
    assert data["document"]["path"].endswith("东山村.bak") and "倡导移风易俗" in data["document"]["text"]
    shutil.rmtree(out)


def test_materials_waivers_and_rule_pack_edits_invalidate_only_what_changed(tmp_path):
    root = tmp_path / "in"
    manifest = GEN.generate(root, 4, seed=13, docx_rate=0)
    a, b = manifest[0]["file"], manifest[1]["file"]
    mats = tmp_path / "materials"
    (mats / Path(a).parent).mkdir(parents=True)
    mat_file = mats / (a.rsplit(".", 1)[0] + ".yaml")
    mat_file.write_text("items:\n  - kind: 村民会议表决\n    start: 2026-03-01\n", encoding="utf-8")
    waiver = root / (b + ".waivers.yaml")
    waiver.write_text("waivers: []\n", encoding="utf-8")
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text("pack: test/overlay\nversion: 0.1.0\ntitle: 测试覆盖包\ndisable: [VR-FINE]\n", encoding="utf-8")
    opts = dict(workers=1, materials_dir=mats, rules=[str(overlay)])
    out = tmp_path / "out"
    r1 = run_batch(root, out, BatchOptions(**opts))
    assert len(r1.items) == 4 and all(it.status == "ok" for it in r1.items)
    assert {s.rel: s.reason for s in r1.skipped}[b + ".waivers.yaml"].startswith("豁免记录")
    assert "test/overlay@0.1.0" in r1.pack_version

    mat_file.write_text("items:\n  - kind: 村民会议表决\n    start: 2026-04-01\n", encoding="utf-8")
    waiver.write_text("waivers: []\n# 复核\n", encoding="utf-8")
    r2 = run_batch(root, out, BatchOptions(**opts))
    assert {it.rel for it in r2.items if it.status == "ok"} == {a, b}

    # the same version string, but the pack file changed: every document is reviewed again
    overlay.write_text(overlay.read_text(encoding="utf-8") + "description: 改过\n", encoding="utf-8")
    r3 = run_batch(root, out, BatchOptions(**opts))
    assert all(it.status == "ok" for it in r3.items)


def test_cluster_all_articles_finds_the_shared_skeleton(tmp_path):
    root = tmp_path / "in"
    GEN.generate(root, 6, seed=17, docx_rate=0, problem_rate=0)
    out = tmp_path / "out"
    run_batch(root, out, BatchOptions(workers=1, cluster_all=True, threshold=92))
    from openpyxl import load_workbook

    rows = list(load_workbook(out / "summary.xlsx", read_only=True)["共性条款"].iter_rows(values_only=True))
    assert len(rows) > 5
    six = [r for r in rows[1:] if r[2] == 6]
    assert six and all(r[8] == "否" and r[1] == "该条款出现在 6 个村的村规民约中" for r in six)
    assert any("未尽事宜" in r[3] for r in six)


def _crash_on_boom(index: int, tag: str) -> batch.BatchItem:
    """A job that kills its worker process (as a segfault or the OOM killer would)."""
    if tag == "boom":
        os._exit(3)
    return batch.BatchItem(path=tag, rel=str(index), pid=os.getpid())


def test_a_crashing_worker_fails_only_its_own_document():
    tags = ["a", "b", "boom", "c", "d", "e", "f", "g"]
    jobs = [(i, t) for i, t in enumerate(tags)]
    items = list(batch._run_jobs(jobs, _crash_on_boom, workers=2, rules=None, warm=False))
    assert sorted(i.path for i in items if i.status == "ok") == sorted(t for t in tags if t != "boom")
    failed = [i for i in items if i.status == "failed"]
    assert len(failed) == 1 and failed[0].rel == "2" and failed[0].error_type == "WorkerCrash"
    assert "异常退出" in failed[0].error


def test_jobs_beyond_the_submit_window_survive_a_crash():
    """Only a window of jobs is in the pool at a time; when a late job kills its worker, the
    never-submitted rest still runs (each exactly once) and only the crashing job fails."""
    n = 2 * batch.SUBMIT_WINDOW * 25
    tags = [f"t{i}" for i in range(n)]
    boom = 2 * batch.SUBMIT_WINDOW + 3  # well past the first window
    tags[boom] = "boom"
    jobs = [(i, t) for i, t in enumerate(tags)]
    items = list(batch._run_jobs(jobs, _crash_on_boom, workers=2, rules=None, warm=False))
    ok = [i.path for i in items if i.status == "ok"]
    assert sorted(ok) == sorted(t for t in tags if t != "boom") and len(ok) == len(set(ok))
    failed = [i for i in items if i.status == "failed"]
    assert [f.rel for f in failed] == [str(boom)]


def _hang_on_stuck(index: int, tag: str) -> batch.BatchItem:
    """A job whose document never finishes (an endless loop in a reader or a rule)."""
    if tag == "stuck":
        import time

        while True:
            time.sleep(0.05)
    return batch.BatchItem(path=tag, rel=str(index), pid=os.getpid())


def test_a_hung_document_times_out_and_the_batch_goes_on():
    tags = ["a", "stuck", "b", "c", "d"]
    jobs = [(i, t) for i, t in enumerate(tags)]
    items = list(batch._run_jobs(jobs, _hang_on_stuck, workers=2, rules=None, warm=False, timeout=1.5))
    assert sorted(i.path for i in items if i.status == "ok") == ["a", "b", "c", "d"]
    failed = [i for i in items if i.status == "failed"]
    assert len(failed) == 1 and failed[0].rel == "1" and failed[0].error_type == "Timeout"
    assert "审查超时" in failed[0].error


def test_ctrl_c_on_the_cli_with_a_process_pool(tmp_path):
    """A real SIGINT to the whole process group (what Ctrl-C in a terminal sends) during a
    2-worker run: exit 130 with a message, state saved, no half-written file, rerun resumes."""
    import signal
    import time

    root = tmp_path / "in"
    GEN.generate(root, 150, seed=31, docx_rate=0)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "legalreview", "batch", str(root), "-o", str(out), "--workers", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    journal = out / batch.JOURNAL_NAME
    for _ in range(6000):
        if proc.poll() is not None or (journal.exists() and journal.read_text(encoding="utf-8").count("\n") >= 5):
            break
        time.sleep(0.01)
    if proc.poll() is not None:
        pytest.skip("the run finished before it could be interrupted")
    os.killpg(proc.pid, signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    assert proc.returncode == 130 and "已中断" in err and "Traceback" not in err
    done = set(json.loads((out / batch.STATE_NAME).read_text(encoding="utf-8"))["files"])
    assert 5 <= len(done) < 150
    assert not list(out.rglob("*.part")) and not (out / "summary.xlsx").exists()
    r2 = run_batch(root, out, BatchOptions(workers=2))
    assert {it.rel for it in r2.items if it.status == "cached"} == done
    assert len(r2.items) == 150 and all(it.ok for it in r2.items)
