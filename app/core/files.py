"""Durable, content-addressed files in the data directory: written once, fsync'd, never rewritten."""

from __future__ import annotations

import os
from pathlib import Path

from app.core.errors import AppError


def write_once(target: Path, data: bytes, what: str) -> None:
    """Write `data` to `target` through a temporary file, fsync and rename; an existing file is kept.

    Callers write the file before committing the row that names it, so a crash can leave an
    unreferenced file but never a row without its file. `what` names the file in the error.
    """
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".part")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise AppError("disk", f"{what}无法保存（{exc.strerror}），本次操作未生效。请检查磁盘空间。") from exc
