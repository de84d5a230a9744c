"""The audit log: append-only, hash-chained, its head also kept outside the database file."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clock import utc_now
from db.models import AuditEntry

GENESIS = "0" * 64


def _digest(prev_hash: str, entry_id: int, at: str, staff_id: int | None, action: str, target: str,
            detail_json: str) -> str:
    body = json.dumps([prev_hash, entry_id, at, staff_id, action, target, detail_json],
                      ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def record(session: Session, staff_id: int | None, action: str, target: str = "",
           detail: dict[str, Any] | None = None, *, at: Any = None) -> AuditEntry:
    """Append one entry chained to the last; call inside the use case's transaction."""
    last = session.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).scalar_one_or_none()
    prev_hash = last.hash if last else GENESIS
    entry_id = (last.id + 1) if last else 1
    detail_json = json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str)
    when = at or utc_now()
    entry = AuditEntry(id=entry_id, at=when, staff_id=staff_id, action=action, target=target,
                       detail_json=detail_json, prev_hash=prev_hash,
                       hash=_digest(prev_hash, entry_id, when.isoformat(), staff_id, action, target,
                                    detail_json))
    session.add(entry)
    session.flush()
    session.info["audit_head"] = (entry.id, entry.hash)
    return entry


def write_head(path: Path, session: Session) -> None:
    """After commit: keep the chain head in a sidecar file, replaced atomically."""
    head = session.info.pop("audit_head", None)
    if head is None:
        return
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"id": head[0], "hash": head[1]}))
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


@dataclass(frozen=True)
class ChainReport:
    """The result of walking the chain: ok, or the first problem and where."""

    ok: bool
    entries: int
    problem: str = ""  # code: edited | deleted | truncated | head_mismatch
    message: str = ""  # Chinese, for the doctor report
    at_id: int | None = None


def verify_chain(session: Session, head_file: Path | None) -> ChainReport:
    """Recompute every hash; compare the last one with the sidecar head."""
    prev_hash, expected_id, count = GENESIS, 1, 0
    for e in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars():
        if e.id != expected_id:
            return ChainReport(False, count, "deleted", f"审计日志第 {expected_id} 条缺失（被删除）", expected_id)
        if e.prev_hash != prev_hash or e.hash != _digest(
            e.prev_hash, e.id, e.at.isoformat(), e.staff_id, e.action, e.target, e.detail_json
        ):
            return ChainReport(False, count, "edited", f"审计日志第 {e.id} 条被改动", e.id)
        prev_hash, expected_id, count = e.hash, e.id + 1, count + 1
    if head_file is not None and head_file.exists():
        head = json.loads(head_file.read_text())
        if head["id"] > count:
            return ChainReport(False, count, "truncated",
                               f"审计日志末尾被截去：应有 {head['id']} 条，只剩 {count} 条", count + 1)
        if head["id"] == count and head["hash"] != prev_hash:
            return ChainReport(False, count, "head_mismatch", "审计日志末条与外部记录的链头不符", count)
    return ChainReport(True, count)
