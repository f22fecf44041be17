"""Safe output writing: atomic replace, never overwrite an input, refuse existing outputs without force."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError


def check_output_path(out: str | Path, inputs: Iterable[str | Path] = (), *, force: bool = True) -> Path:
    """Validate an output path: it must not be one of the inputs; it must not exist unless ``force``."""
    out_p = Path(out)
    try:
        out_r = out_p.resolve()
    except OSError as e:  # pragma: no cover - exotic paths
        raise OutputError("输出路径无效", path=out, cause=str(e)) from e
    for i in inputs:
        try:
            same = Path(i).resolve() == out_r
        except OSError:
            same = False
        if same:
            raise OutputError("输出文件与输入文件相同，为防止覆盖原件已拒绝写入", path=out,
                              cause="output path equals an input path")
    if not force and out_p.exists():
        raise OutputError("输出文件已存在；如需覆盖请加 --force", path=out, cause="output exists")
    return out_p


@contextmanager
def atomic_path(target: str | Path):
    """Yield a temporary path beside ``target``; on success it is renamed over ``target`` atomically.

    A failure (or Ctrl-C) leaves ``target`` untouched and removes the temporary file.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        # mkstemp creates 0600; give the output the permissions a normal file gets (0666 & ~umask).
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(target: str | Path, data: bytes) -> Path:
    with atomic_path(target) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    return Path(target)


def atomic_write_text(target: str | Path, text: str, encoding: str = "utf-8") -> Path:
    return atomic_write_bytes(target, text.encode(encoding))
