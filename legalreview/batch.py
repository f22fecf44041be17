"""Batch review: many documents in parallel, resumable, with per-document outputs and a summary.

Two entry points:

* ``review_many(paths, workers=None, rules=None, doc_type=None, **review_options)`` yields one
  ``BatchItem`` per path (``item.report`` or ``item.error``) as each review completes. ``workers=1``
  runs in this process; otherwise a process pool whose workers load the rule pack and warm
  jieba/spaCy once (``_init_worker``).
* ``run_batch(input, out_dir, BatchOptions(...))`` is what ``legalreview batch`` runs: scan a folder
  (recursive) or a .zip, review every supported file, write ``<stem>.json`` (exactly
  ``ReviewReport.model_dump(mode="json")``) and on request the opinion / commented copy under
  ``out_dir`` mirroring the input tree, then ``summary.xlsx`` and CSVs (``legalreview.summary``).

Never stop, never lose: a failing file is recorded with its error; a worker that dies is replaced
and its document retried once; Ctrl-C cancels pending work, lets running reviews finish their
atomic writes and records them; a rerun skips documents whose content hash, rule-pack version and
options are unchanged (state in ``out_dir/.legalreview-batch.json`` plus an append-only journal,
so even a killed run keeps what it finished). Nothing is ever written into the input.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
import multiprocessing as mp
import os
import shutil
import signal
import stat
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .errors import InputError, LegalReviewError, OutputError
from .fsutil import atomic_path, atomic_write_text

STATE_NAME = ".legalreview-batch.json"
JOURNAL_NAME = ".legalreview-batch.journal"
STATE_VERSION = 1

# Files that are never documents to review, whatever their content (data, config, office clutter).
DATA_SUFFIXES = {".json", ".jsonl", ".yaml", ".yml", ".csv", ".tsv", ".xml", ".xlsx", ".xls", ".log", ".ini",
                 ".cfg", ".toml", ".py", ".js", ".css", ".sql", ".db", ".sqlite"}
CLUTTER_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}

# Safe extraction limits for a .zip INPUT (module settings, like ingest.limits).
ZIP_MAX_MEMBERS = 20_000
ZIP_MAX_MEMBER_BYTES = 100 * 1024 * 1024
ZIP_MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
ZIP_MAX_RATIO = 200
# Process pool watchdog: when no document finishes for this many seconds, the workers are killed and
# the documents they held are retried one by one (a hung one fails with 审查超时).
DEFAULT_TIMEOUT = 600.0
SUBMIT_WINDOW = 4  # jobs in flight per worker (see _pool_round)
# On Ctrl-C, how long running reviews may take to finish before their workers are stopped.
INTERRUPT_GRACE = 30.0


# --------------------------------------------------------------------------- items


@dataclass
class BatchItem:
    """The outcome of one document. ``status``: ``ok`` (reviewed now), ``cached`` (unchanged since
    the last run, report read back), ``failed`` (``error`` says why), ``skipped`` (not a document)."""

    path: str
    rel: str = ""
    status: str = "ok"
    report: Any = None  # ReviewReport (review_many) or None
    record: dict | None = None  # compact summary row (run_batch), see record_from_report
    error: str | None = None
    error_type: str | None = None
    outputs: dict[str, str] = field(default_factory=dict)
    output_errors: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # CPU time of the review in its worker (robust to a busy machine)
    pid: int = 0
    rss_kb: int = 0
    sha256: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "cached")

    @property
    def findings(self) -> int:
        if self.report is not None:
            return len(self.report.active_findings)
        if self.record is not None:
            return sum(not f.get("waived") for f in self.record.get("findings", []))
        return 0


# --------------------------------------------------------------------------- worker side

_WORKER: dict[str, Any] = {}
_WARM_TEXT = "测试村村规民约\n第一条 为加强村民自治，制定本村规民约。\n第二条 村民应当遵守法律法规，爱护公共环境。\n"


def _init_worker(rules: Any = None, warm: bool = True, ignore_sigint: bool = True) -> None:
    """Per-process setup: load (and cache) the rule pack, warm jieba/spaCy and the pipeline once."""
    if ignore_sigint:
        # The parent handles Ctrl-C: it cancels pending work and lets running reviews finish.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    inherited = _WORKER.get("owner") not in (None, os.getpid())
    if inherited and _WORKER.get("rules") == rules and (_WORKER.get("warm") or not warm):
        return  # forked from a parent that already did the rest
    import logging

    try:
        import jieba

        jieba.setLogLevel(logging.WARNING)
    except ImportError:  # pragma: no cover - jieba is a dependency
        pass
    from . import engine

    pack = engine.load_pack(rules)  # cached per process by the engine
    already = _WORKER.get("pack") is pack and _WORKER.get("warm", False)
    _WORKER.update(rules=rules, pack=pack, owner=os.getpid(), warm=already or warm)
    if warm and not already:
        if _uses_tokens(pack):
            try:  # jieba's dictionary (~1.5 s, 60 MB) once per worker, not on the first document
                from .nlp import get_nlp

                get_nlp()
            except Exception:
                pass
        try:
            from .pipeline import review_text

            review_text(_WARM_TEXT, doc_type="village_rules", rules=pack)
        except Exception:  # warming is best effort: a real review reports real errors
            pass


def _uses_tokens(pack: Any) -> bool:
    """Whether any file of the pack uses a ``tokens`` (spaCy + jieba) matcher."""
    for f in getattr(pack, "files", []) or []:
        try:
            if "tokens:" in Path(f).read_text(encoding="utf-8"):
                return True
        except OSError:
            continue
    return False


def pack_fingerprint(pack: Any) -> str:
    """``RulePack.version`` plus a hash of the pack files' content, so that editing a local YAML
    pack without bumping its version still invalidates the previous results."""
    h = hashlib.sha256(pack.version.encode("utf-8"))
    for f in sorted(str(p) for p in (getattr(pack, "files", []) or [])):
        h.update(f.encode("utf-8"))
        h.update((_file_hash(Path(f)) or "").encode("ascii"))
    return f"{pack.version}#{h.hexdigest()[:16]}"


def _pack() -> Any:
    if "pack" not in _WORKER:
        _init_worker(None, warm=False, ignore_sigint=False)
    return _WORKER["pack"]


def _rss_kb() -> int:
    """Peak resident set size of this process in kB (VmHWM), 0 when unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        import resource

        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    except (ImportError, OSError):  # pragma: no cover
        return 0


def _describe(e: BaseException) -> tuple[str, str]:
    if isinstance(e, LegalReviewError):
        return str(e), type(e).__name__
    return f"审查时发生内部错误（{type(e).__name__}: {e}）", type(e).__name__


def _review_job(index: int, path: str, doc_type: str | None, options: dict, pack: Any = None) -> BatchItem:
    """Worker task of ``review_many``: review one file; errors are returned, never raised."""
    from .pipeline import review

    t0, c0 = time.perf_counter(), time.process_time()
    item = BatchItem(path=path, rel=path, pid=os.getpid())
    try:
        item.report = review(path, doc_type=doc_type, rules=pack if pack is not None else _pack(), **options)
    except Exception as e:
        _fail(item, e)
    item.rel = str(index)
    return _finish(item, t0, c0)


def _fail(item: BatchItem, e: BaseException) -> BatchItem:
    item.status = "failed"
    item.error, item.error_type = _describe(e)
    return item


def _finish(item: BatchItem, t0: float, c0: float) -> BatchItem:
    """Stamp wall time, CPU time and the worker's peak RSS."""
    item.seconds = time.perf_counter() - t0
    item.cpu_seconds = time.process_time() - c0
    item.rss_kb = _rss_kb()
    return item


# --------------------------------------------------------------------------- the pool


def _start_method() -> str:
    """``fork`` on Linux: the parent has already compiled the rule pack and warmed the pipeline,
    so workers start instantly and share those pages copy-on-write. The parent starts no thread
    before the pool exists (the CLI progress bar refreshes without one). Elsewhere ``spawn``.
    ``LEGALREVIEW_MP_START=forkserver|spawn|fork`` overrides."""
    env = os.environ.get("LEGALREVIEW_MP_START")
    if env:
        return env
    if sys.platform.startswith("linux"):
        return "fork"
    return "spawn"


def _make_executor(workers: int, rules: Any, warm: bool = True) -> cf.ProcessPoolExecutor:
    method = _start_method()
    ctx = mp.get_context(method)
    if method == "fork":
        _init_worker(rules, warm=warm, ignore_sigint=False)  # once, in the parent, inherited by every worker
    elif method == "forkserver":
        # The fork server imports the pipeline once; every worker forks from it.
        ctx.set_forkserver_preload(["legalreview.batch", "legalreview.pipeline", "legalreview.engine"])
    return cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                                  initargs=(rules, warm, True))


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def _run_jobs(jobs: list[tuple], fn: Callable[..., BatchItem], *, workers: int, rules: Any, warm: bool = True,
              on_start: Callable[[], None] | None = None, timeout: float | None = None) -> Iterator[BatchItem]:
    """Run ``fn(*job)`` for every job and yield the BatchItems as they complete.

    ``workers <= 1`` runs in this process, in order. Otherwise a process pool. If a worker dies
    (segfault, out of memory: BrokenProcessPool), or nothing completes for ``timeout`` seconds (a
    hung document: the pool's workers are killed), the jobs that may have been running (the first
    ``workers + 1`` unfinished ones in submission order: the pool's call queue is FIFO and that
    deep) are re-run one at a time in a one-worker pool, so only a job that crashes or hangs on its
    own is reported as failed; the rest go on in a fresh pool. On KeyboardInterrupt pending jobs
    are cancelled, running ones finish (workers ignore SIGINT) and are yielded, then it propagates.
    """
    if workers <= 1:
        _init_worker(rules, warm=False, ignore_sigint=False)
        if on_start:
            on_start()
        for job in jobs:
            yield fn(*job)
        return

    queue = list(range(len(jobs)))
    suspects: list[int] = []
    first = True
    while queue or suspects:
        if suspects:
            i = suspects.pop(0)
            rest = yield from _pool_round(jobs, [i], fn, 1, rules, warm, timeout=timeout)
            if rest is not None:
                yield _crashed_item(jobs[i], hung=rest[1], timeout=timeout)
            continue
        rest = yield from _pool_round(jobs, queue, fn, workers, rules, warm, on_start if first else None, timeout)
        first = False
        queue = []
        if rest is not None:
            unfinished = rest[0]
            suspects, queue = unfinished[: workers + 1], unfinished[workers + 1:]


def _pool_round(jobs: list[tuple], ids: list[int], fn: Callable[..., BatchItem], workers: int, rules: Any,
                warm: bool, on_start: Callable[[], None] | None = None, timeout: float | None = None):
    """Run ``ids`` in one pool, yielding items; return None, or ``(unfinished ids in submission
    order, hung)`` when the pool broke (``hung``: killed by the watchdog)."""
    ex = _make_executor(min(workers, len(ids)), rules, warm)
    futures: dict[cf.Future, int] = {}
    done_ids: set[int] = set()
    # A bounded window of submitted jobs, not all of them at once: cf.wait() registers a waiter on
    # every pending future per call, so with thousands pending the parent's bookkeeping grows
    # quadratically and steals a core from the workers; a short queue also makes Ctrl-C prompt.
    window = max(2, workers * SUBMIT_WINDOW)
    todo = iter(ids)
    pending: set[cf.Future] = set()

    def refill() -> None:
        while len(pending) < window:
            i = next(todo, None)
            if i is None:
                return
            fut = ex.submit(fn, *jobs[i])
            futures[fut] = i
            pending.add(fut)

    try:
        broken = hung = False
        try:
            refill()
        except cf.process.BrokenProcessPool:
            broken = True
        if on_start:
            on_start()
        try:
            last = time.monotonic()
            while pending and not broken:
                done, not_done = cf.wait(pending, timeout=1.0 if timeout else None, return_when=cf.FIRST_COMPLETED)
                pending.difference_update(done)
                for fut in sorted(done, key=futures.__getitem__):
                    try:
                        item = fut.result()
                    except cf.process.BrokenProcessPool:
                        broken = True
                        break
                    done_ids.add(futures[fut])
                    yield item
                if not broken:
                    try:
                        refill()
                    except cf.process.BrokenProcessPool:
                        broken = True
                if done:
                    last = time.monotonic()
                elif timeout and time.monotonic() - last > timeout and not hung:
                    hung = True  # nothing finished for `timeout` s: a document hangs its worker
                    for proc in list((getattr(ex, "_processes", None) or {}).values()):
                        proc.kill()
        except KeyboardInterrupt:
            # Cancel what has not started; give the running reviews a moment to finish their
            # atomic writes, then stop the workers (a hung one must not block Ctrl-C).
            procs = list((getattr(ex, "_processes", None) or {}).values())  # shutdown() forgets them
            ex.shutdown(wait=False, cancel_futures=True)
            deadline = time.monotonic() + INTERRUPT_GRACE
            left = [f for f in futures if not f.done()]
            while left and time.monotonic() < deadline and any(p.is_alive() for p in procs):
                left = list(cf.wait(left, timeout=0.2).not_done)
            for proc in procs:
                if proc.is_alive():
                    proc.kill()
            for fut, i in futures.items():
                if i in done_ids or not fut.done() or fut.cancelled() or fut.exception() is not None:
                    continue
                yield fut.result()
            raise
        if not broken:
            return None
        unfinished = []
        for fut, i in futures.items():  # dict order = submission order
            if i in done_ids:
                continue
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                done_ids.add(i)
                yield fut.result()
            else:
                unfinished.append(i)
        unfinished.extend(todo)  # never submitted: still in submission order after the others
        return unfinished, hung
    finally:
        ex.shutdown(wait=True, cancel_futures=True)


def _crashed_item(job: tuple, hung: bool = False, timeout: float | None = None) -> BatchItem:
    path = next((str(a) for a in job if isinstance(a, (str, Path))), "")
    if hung:
        item = BatchItem(path=path, rel=path, status="failed", error_type="Timeout",
                         error=f"审查超时（超过 {timeout:g} 秒仍未完成，可能是文件异常），已终止并跳过该文件")
    else:
        item = BatchItem(path=path, rel=path, status="failed", error_type="WorkerCrash",
                         error="审查进程异常退出（可能是文件异常导致内存耗尽或崩溃），已跳过该文件")
    if isinstance(job[0], dict):  # batch job
        item.path, item.rel = job[0]["path"], job[0]["rel"]
    elif isinstance(job[0], int):  # review_many job
        item.rel = str(job[0])
    return item


def review_many(paths: Iterable[str | Path], workers: int | None = None, rules: Any = None,
                doc_type: str | None = None, **review_options: Any) -> Iterator[BatchItem]:
    """Review many documents; yield a ``BatchItem`` per path as each completes (any order when
    ``workers > 1``). ``item.report`` is the ``ReviewReport``; a file that cannot be reviewed gives
    ``item.status == "failed"`` and ``item.error`` (a Chinese message with the cause) instead.

    ``rules`` must be pack names/paths (picklable); ``review_options`` go to
    ``pipeline.review`` (materials, as_of, waivers, explain).
    """
    paths = [str(p) for p in paths]
    workers = default_workers() if workers is None else max(1, int(workers))
    from . import engine

    jobs = [(i, p, doc_type, review_options) for i, p in enumerate(paths)]
    if isinstance(rules, engine.RulePack):
        if workers > 1:
            raise LegalReviewError("并行审查时 rules 须为规则包名称或路径（已编译的规则包无法传给子进程）",
                                   cause="RulePack is not picklable across processes; pass names")
        for job in jobs:
            yield _fix_index(_review_job(*job, pack=rules), paths)
        return
    engine.load_pack(rules)  # fail fast on a bad pack, before any worker starts
    for item in _run_jobs(jobs, _review_job, workers=min(workers, max(1, len(jobs))), rules=rules,
                          timeout=DEFAULT_TIMEOUT):
        yield _fix_index(item, paths)


def _fix_index(item: BatchItem, paths: list[str]) -> BatchItem:
    try:
        item.path = paths[int(item.rel)]
    except (ValueError, IndexError):
        pass
    item.rel = item.path
    return item


# --------------------------------------------------------------------------- scanning


@dataclass
class InputFile:
    path: Path  # absolute path to read (inside a temp dir for a zip INPUT)
    rel: str  # POSIX path relative to INPUT (or inside the zip)
    sha256: str = ""
    kind: str = ""  # docx, pdf, doc, wps, rtf, odt, txt, md
    size: int = 0
    needs_copy: bool = False  # text content under an extension the reader does not take


@dataclass
class Skipped:
    rel: str
    reason: str


def _decodable_text(data: bytes) -> bool:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    sample = data[:65536]
    for enc in ("utf-8-sig", "utf-16", "gb18030"):
        if enc == "utf-16" and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            text = sample.decode(enc)
        except UnicodeDecodeError:
            if enc == "utf-8-sig":  # a cut multi-byte sequence at the sample end
                try:
                    text = sample[:-3].decode(enc)
                except UnicodeDecodeError:
                    continue
            else:
                continue
        bad = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
        return bad <= len(text) // 100
    return False


def sniff(path: Path, data: bytes) -> tuple[str | None, str, bool]:
    """Decide from the content whether ``path`` is a document to review.

    Returns ``(kind, reason, needs_copy)``: ``kind`` is the reader's format (docx, pdf, txt...) or
    None with the reason it is skipped. A supported but damaged file (a .docx that is not a valid
    zip) gets its kind so that the review fails with the reader's precise error.
    """
    from .ingest import detect_format
    from .errors import UnsupportedFormatError

    if not data.strip():
        return None, "空文件", False
    try:
        return detect_format(path, data), "", False
    except UnsupportedFormatError as e:
        # Text content under an extension the reader does not know (「村规民约」 with .dat, .bak...).
        if data[:4] != b"PK\x03\x04" and _decodable_text(data):
            return "txt", "", True
        return None, e.message, False
    except InputError:
        return path.suffix.lower().lstrip(".") or "bin", "", False


def _skip_by_name(name: str) -> str | None:
    low = name.lower()
    if low in CLUTTER_NAMES:
        return "系统文件"
    if name.startswith("~$") or name.startswith(".~"):
        return "Office 临时锁文件"
    if name.startswith("."):
        return "隐藏文件"
    if low.endswith(".waivers.yaml") or low.endswith(".waivers.yml"):
        return "豁免记录（作为同名文件的豁免使用）"
    if Path(low).suffix in DATA_SUFFIXES:
        return "数据或配置文件，不是待审查文件"
    if low.endswith((".part", ".tmp")):
        return "临时文件"
    return None


def _is_within(child: Path, parent: Path) -> bool:
    try:
        child.relative_to(parent)
        return True
    except ValueError:
        return False


def scan_folder(root: Path, exclude: Iterable[Path] = ()) -> tuple[list[InputFile], list[Skipped]]:
    """Walk ``root`` recursively (sorted, no symlinked folders), sniff every file by content."""
    root = root.resolve()
    excl = [p.resolve() for p in exclude]
    files: list[InputFile] = []
    skipped: list[Skipped] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        d = Path(dirpath)
        keep = []
        for name in sorted(dirnames):
            sub = d / name
            if any(sub == e or _is_within(sub, e) for e in excl):
                continue  # OUT_DIR inside INPUT: never review our own outputs
            if name.startswith(".") or name == "__MACOSX":
                continue
            keep.append(name)
        dirnames[:] = keep
        for name in sorted(filenames):
            p = d / name
            rel = p.relative_to(root).as_posix()
            files_or_skip = _examine(p, rel)
            if isinstance(files_or_skip, Skipped):
                skipped.append(files_or_skip)
            else:
                files.append(files_or_skip)
    return files, skipped


def _examine(p: Path, rel: str) -> InputFile | Skipped:
    reason = _skip_by_name(p.name)
    if reason:
        return Skipped(rel, reason)
    try:
        st = p.lstat()
    except OSError as e:
        return Skipped(rel, f"无法读取（{e.strerror or e}）")
    if stat.S_ISLNK(st.st_mode):
        return Skipped(rel, "符号链接，为安全起见不跟随")
    if not stat.S_ISREG(st.st_mode):
        return Skipped(rel, "不是普通文件")
    from .ingest import limits

    if st.st_size > limits.MAX_INPUT_BYTES:
        return Skipped(rel, limits.too_big_message(st.st_size))
    try:
        data = p.read_bytes()
    except OSError as e:
        return Skipped(rel, f"无法读取（{e.strerror or e}）")
    kind, why, needs_copy = sniff(p, data)
    if kind is None:
        return Skipped(rel, why)
    return InputFile(path=p, rel=rel, sha256=hashlib.sha256(data).hexdigest(), kind=kind, size=len(data),
                     needs_copy=needs_copy)


def _zip_member_name(info: zipfile.ZipInfo) -> str:
    """Member name, repairing GBK names that zipfile decoded as cp437 (Windows 「压缩」 without the
    UTF-8 flag, the usual case for Chinese archives)."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            raw = name.encode("cp437")
        except UnicodeEncodeError:
            return name
        for enc in ("utf-8", "gb18030"):
            try:
                return raw.decode(enc)
            except UnicodeDecodeError:
                continue
    return name


def _safe_member_path(name: str) -> PurePosixPath | None:
    name = name.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    parts = [p for p in PurePosixPath(name).parts if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        return None
    return PurePosixPath(*parts)


def extract_zip(zip_path: Path, dest: Path) -> list[Skipped]:
    """Extract ``zip_path`` into ``dest`` safely: no absolute or ``..`` paths, no symlinks, member
    count/size/ratio limits enforced while decompressing (not trusting the header). Returns the
    members refused, with reasons. Raises InputError for an unreadable or hostile archive."""
    skipped: list[Skipped] = []
    try:
        zf = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as e:
        raise InputError("压缩包无法打开或已损坏", path=zip_path, cause=str(e)) from e
    with zf:
        infos = zf.infolist()
        if len(infos) > ZIP_MAX_MEMBERS:
            raise InputError("压缩包内文件过多，已拒绝处理", path=zip_path,
                             cause=f"{len(infos)} members > {ZIP_MAX_MEMBERS}")
        total = 0
        dest_r = dest.resolve()
        for info in infos:
            name = _zip_member_name(info)
            if info.is_dir():
                continue
            rel = _safe_member_path(name)
            if rel is None:
                skipped.append(Skipped(name, "压缩包内路径不安全（绝对路径或含 ..），已拒绝解压"))
                continue
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                skipped.append(Skipped(rel.as_posix(), "压缩包内的符号链接，已拒绝解压"))
                continue
            if info.file_size > ZIP_MAX_MEMBER_BYTES:
                skipped.append(Skipped(rel.as_posix(), "压缩包内文件过大，已跳过"))
                continue
            if info.compress_size and info.file_size / info.compress_size > ZIP_MAX_RATIO and info.file_size > 10 << 20:
                skipped.append(Skipped(rel.as_posix(), "压缩比异常（疑似压缩炸弹），已跳过"))
                continue
            target = dest / rel
            if not _is_within(target.resolve(), dest_r):
                skipped.append(Skipped(rel.as_posix(), "压缩包内路径不安全，已拒绝解压"))
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            written = 0
            try:
                with zf.open(info) as src, open(target, "wb") as out:
                    while True:
                        chunk = src.read(1 << 20)
                        if not chunk:
                            break
                        written += len(chunk)
                        total += len(chunk)
                        if written > ZIP_MAX_MEMBER_BYTES:
                            raise _TooBig("member")
                        if total > ZIP_MAX_TOTAL_BYTES:
                            raise _TooBig("total")
                        out.write(chunk)
            except _TooBig as e:
                target.unlink(missing_ok=True)
                if str(e) == "total":
                    raise InputError("压缩包解压后总体积超过上限，已停止解压", path=zip_path,
                                     cause=f"uncompressed total > {ZIP_MAX_TOTAL_BYTES}") from None
                skipped.append(Skipped(rel.as_posix(), "压缩包内文件过大，已跳过"))
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, ValueError) as e:
                target.unlink(missing_ok=True)
                skipped.append(Skipped(rel.as_posix(), f"压缩包内文件无法解压（{e}）"))
    return skipped


class _TooBig(Exception):
    pass


def scan_input(input_path: Path, out_dir: Path, workdir: Path) -> tuple[list[InputFile], list[Skipped]]:
    """Files to review under ``input_path`` (a folder or a .zip extracted into ``workdir``)."""
    input_path = Path(input_path)
    if not input_path.exists():
        raise InputError("输入路径不存在", path=input_path, cause="not found")
    if input_path.is_dir():
        return scan_folder(input_path, exclude=[out_dir])
    with open(input_path, "rb") as fh:
        head = fh.read(4)
    if head[:4] == b"PK\x03\x04" and not _is_docx(input_path):
        skipped = extract_zip(input_path, workdir)
        files, more = scan_folder(workdir)
        return files, skipped + more
    raise InputError("批量审查的输入应为文件夹或 .zip 压缩包（单个文件请用 legalreview review）", path=input_path,
                     cause="input is neither a directory nor a zip archive")


def _is_docx(p: Path) -> bool:
    try:
        with zipfile.ZipFile(p) as zf:
            return "word/document.xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


# --------------------------------------------------------------------------- batch runner


@dataclass
class BatchOptions:
    doc_type: str | None = None
    rules: list[str] | None = None
    workers: int | None = None
    opinions: bool = False
    annotate: bool = False
    materials_dir: Path | None = None
    force: bool = False
    threshold: float = 90.0
    cluster_all: bool = False
    as_of: Any = None  # datetime.date
    opinion_options: dict = field(default_factory=dict)  # body, reviewer, config... for write_opinion
    warm: bool = True
    timeout: float | None = DEFAULT_TIMEOUT  # seconds without any finished document before a hung worker is killed

    def key(self) -> dict:
        """What, besides the content and the rule pack, changes a document's outputs."""
        return {"doc_type": self.doc_type, "opinions": self.opinions, "annotate": self.annotate,
                "as_of": str(self.as_of) if self.as_of else None,
                "opinion_options": {k: str(v) for k, v in sorted(self.opinion_options.items())}}


@dataclass
class BatchResult:
    items: list[BatchItem]
    skipped: list[Skipped]
    out_dir: Path
    summary_files: list[Path] = field(default_factory=list)
    pack_version: str = ""
    seconds: float = 0.0
    interrupted: bool = False
    tables: dict[str, list[list[Any]]] = field(default_factory=dict)  # the summary sheets, header row first

    def count(self, status: str) -> int:
        return sum(i.status == status for i in self.items)


def output_names(files: list[InputFile]) -> dict[str, str]:
    """rel path of each input → rel stem of its outputs (``a/村规民约``), ``a/村规民约.docx`` when two
    inputs of one folder share a stem."""
    by_stem: dict[str, list[str]] = {}
    for f in files:
        p = PurePosixPath(f.rel)
        by_stem.setdefault(str(p.with_suffix("")) if p.suffix else str(p), []).append(f.rel)
    out = {}
    for stem, rels in by_stem.items():
        for rel in rels:
            out[rel] = stem if len(rels) == 1 else rel
    return out


def _materials_for(materials_dir: Path | None, rel: str) -> Path | None:
    if materials_dir is None:
        return None
    p = PurePosixPath(rel)
    stem = str(p.with_suffix(""))
    for base in (stem, rel, p.stem, p.name):
        for ext in (".yaml", ".yml", ".json"):
            cand = materials_dir / (base + ext)
            if cand.is_file():
                return cand
    return None


def _file_hash(p: Path | None) -> str | None:
    if p is None:
        return None
    try:
        return hashlib.sha256(p.read_bytes()).hexdigest()
    except OSError:
        return None


def _batch_job(job: dict) -> BatchItem:
    """Worker task of ``run_batch``: review, write outputs atomically, return the summary record."""
    t0, c0 = time.perf_counter(), time.process_time()
    item = BatchItem(path=job["path"], rel=job["rel"], pid=os.getpid(), sha256=job["sha256"])
    out_base = Path(job["out_base"])
    try:
        report = _review_input(job)
        # pydantic's serializer is ~10x faster than json.dumps(indent=2) (pure Python when indenting);
        # the text is exactly ReviewReport.model_dump(mode="json"), the dict is parsed back from it.
        text = report.model_dump_json(indent=2)
        data = json.loads(text)
        json_path = out_base.with_name(out_base.name + ".json")
        _check_not_input(json_path, job)
        _write_text(json_path, text)
        item.outputs["json"] = str(json_path)
    except Exception as e:
        return _finish(_fail(item, e), t0, c0)
    if job["opinions"]:
        target = out_base.with_name(out_base.name + ".审查意见书.docx")
        _write_extra(item, "opinion", target, job, lambda: _write_opinion(report, target, job))
    if job["annotate"]:
        target = out_base.with_name(out_base.name + ".批注版.docx")
        _write_extra(item, "annotated", target, job, lambda: _write_annotated(report, target, job))
    from .summary import record_from_report

    item.record = record_from_report(data, job["rel"], cluster_all=job["cluster_all"])
    return _finish(item, t0, c0)


def _review_input(job: dict) -> Any:
    from .pipeline import review

    opts = {"materials": job["materials"], "as_of": job["as_of"], "waivers": job["waivers"]}
    if not job["needs_copy"]:
        return review(job["path"], doc_type=job["doc_type"], rules=_pack(), **opts)
    # Text content under an extension the reader does not take: read a .txt copy, keep the path.
    with tempfile.TemporaryDirectory(prefix="legalreview-") as td:
        tmp = Path(td) / (Path(job["path"]).stem + ".txt")
        shutil.copyfile(job["path"], tmp)
        from .ingest import load

        doc = load(tmp).model_copy(update={"path": job["path"]})
        return review(doc, doc_type=job["doc_type"], rules=_pack(), **opts)


def _write_text(target: Path, text: str) -> None:
    """Atomic write without fsync: a batch writes thousands of files and fsync per file serializes
    the workers on the disk; a file lost to a power cut is redone by the next run, because a cached
    entry whose JSON no longer parses is reviewed again."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _check_not_input(target: Path, job: dict) -> None:
    if Path(job["path"]).resolve() == target.resolve():
        raise OutputError("输出文件与输入文件相同，为防止覆盖原件已拒绝写入", path=target, cause="output equals input")


def _write_extra(item: BatchItem, kind: str, target: Path, job: dict, fn: Callable[[], Any]) -> None:
    try:
        _check_not_input(target, job)
        fn()
        item.outputs[kind] = str(target)
    except ImportError as e:
        item.output_errors[kind] = f"{_EXTRA_LABEL[kind]}功能不可用（模块未安装或尚未实现：{e}）"
    except Exception as e:
        item.output_errors[kind] = f"{_EXTRA_LABEL[kind]}生成失败：{_describe(e)[0]}"


_EXTRA_LABEL = {"opinion": "审查意见书", "annotated": "批注版"}


def _write_opinion(report: Any, target: Path, job: dict) -> None:
    from .reports.opinion import write_opinion

    write_opinion(report, target, **job["opinion_options"])


def _write_annotated(report: Any, target: Path, job: dict) -> None:
    from .reports.annotate import annotate

    annotate(report, target, source=job["path"])


class BatchState:
    """``out_dir/.legalreview-batch.json`` (atomic) + an append-only journal of completed items.

    Entry per input rel path: sha256, key (pack version + options + materials/waivers hashes),
    status, outputs. The journal survives a killed run; ``save()`` folds it into the state file."""

    def __init__(self, out_dir: Path):
        self.path = out_dir / STATE_NAME
        self.journal_path = out_dir / JOURNAL_NAME
        self.entries: dict[str, dict] = {}
        self._journal = None
        self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("version") == STATE_VERSION:
                self.entries = dict(data.get("files", {}))
        except (OSError, ValueError, AttributeError):
            self.entries = {}
        try:
            with open(self.journal_path, encoding="utf-8") as fh:
                for line in fh:
                    try:
                        rel, entry = json.loads(line)
                    except ValueError:
                        continue  # a torn last line of a killed run
                    self.entries[rel] = entry
        except OSError:
            pass

    def fresh(self, rel: str, sha256: str, key: str) -> dict | None:
        e = self.entries.get(rel)
        if not e or e.get("status") != "ok" or e.get("sha256") != sha256 or e.get("key") != key:
            return None
        if not all(Path(p).is_file() for p in e.get("outputs", {}).values()):
            return None
        return e

    def record(self, rel: str, entry: dict) -> None:
        self.entries[rel] = entry
        if self._journal is None:
            self._journal = open(self.journal_path, "a", encoding="utf-8")
        self._journal.write(json.dumps([rel, entry], ensure_ascii=False) + "\n")
        self._journal.flush()

    def save(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        payload = {"version": STATE_VERSION, "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S"), "files": self.entries}
        atomic_write_text(self.path, json.dumps(payload, ensure_ascii=False, indent=1))
        try:
            self.journal_path.unlink()
        except FileNotFoundError:
            pass


def _entry_key(pack_version: str, options: BatchOptions, materials: Path | None, waivers: Path | None) -> str:
    from . import __version__

    blob = json.dumps({"tool": __version__, "pack": pack_version, "options": options.key(),
                       "materials": _file_hash(materials), "waivers": _file_hash(waivers)}, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


def _waivers_for(f: InputFile) -> Path | None:
    for ext in (".waivers.yaml", ".waivers.yml"):
        side = f.path.with_name(f.path.name + ext)
        if side.is_file():
            return side
    return None


def _cached_item(f: InputFile, entry: dict, cluster_all: bool) -> BatchItem | None:
    from .summary import record_from_report

    outputs = dict(entry.get("outputs", {}))
    try:
        data = json.loads(Path(outputs["json"]).read_text(encoding="utf-8"))
        record = record_from_report(data, f.rel, cluster_all=cluster_all)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return BatchItem(path=str(f.path), rel=f.rel, status="cached", record=record, outputs=outputs, sha256=f.sha256)


def check_dirs(input_path: Path, out_dir: Path) -> None:
    if not Path(input_path).exists():
        raise InputError("输入路径不存在", path=input_path, cause="not found")
    inp, out = Path(input_path).resolve(), Path(out_dir).resolve()
    if inp == out:
        raise OutputError("输出目录不能与输入目录相同（不会向输入目录写入任何文件）", path=out_dir,
                          cause="OUT_DIR equals INPUT")
    if inp.is_dir() and _is_within(inp, out):
        raise OutputError("输入目录位于输出目录之内，可能覆盖原件，请另选输出目录", path=out_dir,
                          cause="INPUT inside OUT_DIR")


def _remove_stale_parts(out_dir: Path) -> None:
    """A killed run (kill -9, power cut) cannot clean the temporary ``.<name>.*.part`` files of the
    atomic writes it was doing; the rerun removes them (found by tests/test_hostile.py)."""
    for p in out_dir.rglob(".*.part"):
        try:
            if p.is_file() and not p.is_symlink():
                p.unlink()
        except OSError:
            pass


def run_batch(input_path: str | Path, out_dir: str | Path, options: BatchOptions | None = None, *,
              on_item: Callable[[BatchItem], None] | None = None,
              on_plan: Callable[[int, int, int], None] | None = None) -> BatchResult:
    """Review every document under ``input_path`` into ``out_dir`` and write the summary.

    ``on_plan(total, to_review, cached)`` is called once before work starts, ``on_item(item)`` after
    each document (cached, skipped ones excluded). A KeyboardInterrupt (from Ctrl-C or a callback)
    stops cleanly: finished outputs and the state are kept, then it propagates.
    """
    options = options or BatchOptions()
    t0 = time.perf_counter()
    input_path, out_dir = Path(input_path), Path(out_dir)
    check_dirs(input_path, out_dir)
    from .models import DOC_TYPES

    if options.doc_type and options.doc_type not in DOC_TYPES:
        raise LegalReviewError(f"未知的文件类型「{options.doc_type}」，可选：{', '.join(DOC_TYPES)}",
                               cause="unknown doc_type")
    from . import engine
    from .summary import build_tables, write_tables

    pack = engine.load_pack(options.rules)  # validates the pack before anything starts
    pack_version = pack_fingerprint(pack)
    out_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_parts(out_dir)
    with tempfile.TemporaryDirectory(prefix="legalreview-batch-") as workdir:
        files, skipped = scan_input(input_path, out_dir, Path(workdir))
        names = output_names(files)
        state = BatchState(out_dir)
        items: list[BatchItem] = []
        jobs: list[tuple] = []
        keys: dict[str, str] = {}
        for f in files:
            materials = _materials_for(options.materials_dir, f.rel)
            waivers = _waivers_for(f)
            key = keys[f.rel] = _entry_key(pack_version, options, materials, waivers)
            entry = None if options.force else state.fresh(f.rel, f.sha256, key)
            cached = _cached_item(f, entry, options.cluster_all) if entry else None
            if cached is not None:
                items.append(cached)
                continue
            jobs.append(({
                "path": str(f.path), "rel": f.rel, "sha256": f.sha256, "needs_copy": f.needs_copy,
                "out_base": str(out_dir / names[f.rel]), "doc_type": options.doc_type,
                "materials": str(materials) if materials else None, "waivers": str(waivers) if waivers else None,
                "as_of": options.as_of, "opinions": options.opinions, "annotate": options.annotate,
                "opinion_options": dict(options.opinion_options), "cluster_all": options.cluster_all,
            },))
        if on_plan:
            on_plan(len(files), len(jobs), len(items))
        workers = default_workers() if options.workers is None else max(1, options.workers)
        workers = min(workers, max(1, len(jobs)))
        result = BatchResult(items=items, skipped=skipped, out_dir=out_dir, pack_version=pack_version)
        def keep(item: BatchItem) -> None:
            items.append(item)
            status = "ok" if item.status == "ok" and not item.output_errors else "failed"
            state.record(item.rel, {"sha256": item.sha256, "key": keys.get(item.rel, ""), "status": status,
                                    "outputs": item.outputs, "error": item.error,
                                    "output_errors": item.output_errors})

        gen = _run_jobs(jobs, _batch_job, workers=workers, rules=options.rules, warm=options.warm,
                        timeout=options.timeout)
        try:
            for item in gen:
                keep(item)
                if on_item:
                    on_item(item)
        except KeyboardInterrupt:
            # Ctrl-C (or a callback) stopped us: let the running reviews finish and record them.
            result.interrupted = True
            try:
                item = gen.throw(KeyboardInterrupt)
                while True:
                    keep(item)
                    item = next(gen)
            except (KeyboardInterrupt, StopIteration):
                pass
            finally:
                gen.close()
                state.save()
            result.seconds = time.perf_counter() - t0
            raise
        state.save()
        order = {f.rel: i for i, f in enumerate(files)}
        items.sort(key=lambda it: order.get(it.rel, len(order)))
        result.tables = build_tables(items, skipped, threshold=options.threshold, cluster_all=options.cluster_all)
        result.summary_files = write_tables(out_dir, result.tables)
    result.seconds = time.perf_counter() - t0
    return result
