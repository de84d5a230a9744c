"""The audit log: append-only, chained with a keyed hash (HMAC-SHA256), its head kept outside the database
file and, at every sync, on the central server (an anchor the workstation cannot rewrite).

The key lives in the OS secret store (`secret_store`), never in the data directory: whoever can edit
the database file cannot recompute a row's hash. Keying starts at a row ("segment"); rows before the
first segment (a database upgraded from the plain SHA-256 chain, or a demo on a machine with no secret
store) keep plain hashes, and the first keyed row chains over the last of them, so rewriting them
breaks a keyed row. A database opened where its key is not (another computer, a lost keyring) starts a
new segment for what it writes from then on; the rows of the old segment are reported as not
verifiable here, never as intact (docs/decisions.md, "Audit chain").
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core import secret_store
from app.core.clock import utc_now
from db.models import AuditEntry, Setting

GENESIS = "0" * 64
SEGMENTS = "audit_key_segments"  # Setting: [{"id": key id, "from": first row id}, …]
_KEYS: dict[str, bytes | None] = {}  # key id → key (the secret store is slow to ask for every row)


def _body(prev_hash: str, entry_id: int, at: str, staff_id: int | None, action: str, target: str,
          detail_json: str) -> bytes:
    return json.dumps([prev_hash, entry_id, at, staff_id, action, target, detail_json],
                      ensure_ascii=False, separators=(",", ":")).encode()


def _digest(prev_hash: str, entry_id: int, at: str, staff_id: int | None, action: str, target: str,
            detail_json: str, key: bytes | None = None) -> str:
    body = _body(prev_hash, entry_id, at, staff_id, action, target, detail_json)
    return hmac.new(key, body, hashlib.sha256).hexdigest() if key else hashlib.sha256(body).hexdigest()


def _key_name(key_id: str) -> str:
    return f"audit-chain:{key_id}"


def _stored_key(key_id: str, first: int) -> bytes | None:
    """The segment's key, or None when this machine's secret store does not hold it (or holds another)."""
    if key_id not in _KEYS:
        try:
            raw = secret_store.get_key(_key_name(key_id))
        except secret_store.SecretStoreUnavailable:
            return None
        # The store keeps the segment's first row with the key: moving a segment's start in the database
        # (to pass keyed rows off as plain ones) no longer matches.
        _KEYS[key_id] = raw[:32] if raw and int.from_bytes(raw[32:], "big") == first else None
    return _KEYS[key_id]


def forget_cached_keys() -> None:
    """Ask the secret store again next time (a key removed from it while this process runs)."""
    _KEYS.clear()


def segments(session: Session) -> list[dict[str, Any]]:
    row = session.get(Setting, SEGMENTS)
    return list(json.loads(row.value)) if row else []


def _start_segment(session: Session, first: int) -> bytes:
    key_id, key = str(uuid.uuid4()), os.urandom(32)
    secret_store.put_key(_key_name(key_id), key + first.to_bytes(8, "big"))
    _KEYS[key_id] = key
    session.merge(Setting(key=SEGMENTS, value=json.dumps([*segments(session), {"id": key_id, "from": first}])))
    return key


def _key_for_next(session: Session, entry_id: int) -> bytes | None:
    """The key the next row is chained with; starts a segment when the current key is not here."""
    segs = segments(session)
    key = _stored_key(segs[-1]["id"], segs[-1]["from"]) if segs else None
    if key is not None:
        return key
    if not secret_store.available():
        return None  # no secret store (a demo on a bare machine): plain hashes, and the doctor says so
    return _start_segment(session, entry_id)


def ensure_keyed(session: Session) -> None:
    """At opening: a database with no keyed segment yet starts one with its next row (when a store exists)."""
    if segments(session) or not secret_store.available():
        return
    top = session.execute(select(func.max(AuditEntry.id))).scalar_one() or 0
    _start_segment(session, top + 1)
    record(session, None, "audit_keyed", "", {"plain_rows": top})


def record(session: Session, staff_id: int | None, action: str, target: str = "",
           detail: dict[str, Any] | None = None, *, at: Any = None) -> AuditEntry:
    """Append one entry chained to the last; call inside the use case's transaction."""
    last = session.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).scalar_one_or_none()
    prev_hash = last.hash if last else GENESIS
    entry_id = (last.id + 1) if last else 1
    detail_json = json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str)
    when = at or utc_now()
    key = _key_for_next(session, entry_id)
    entry = AuditEntry(id=entry_id, at=when, staff_id=staff_id, action=action, target=target,
                       detail_json=detail_json, prev_hash=prev_hash,
                       hash=_digest(prev_hash, entry_id, when.isoformat(), staff_id, action, target,
                                    detail_json, key))
    session.add(entry)
    session.flush()
    session.info["audit_head"] = (entry.id, entry.hash)
    if staff_id is not None:  # who acts in this transaction: the ops it queues are theirs (app.sync.op_signing)
        session.info["acting_staff"] = staff_id
    return entry


def head(session: Session) -> tuple[int, str] | None:
    """(id, hash) of the last row: what a sync anchors on the server."""
    last = session.execute(select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    return (int(last[0]), str(last[1])) if last else None


def write_head(path: Path, session: Session) -> None:
    """After commit: keep the chain head in a sidecar file, replaced atomically."""
    head_ = session.info.pop("audit_head", None)
    if head_ is None:
        return
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"id": head_[0], "hash": head_[1]}))
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


@dataclass(frozen=True)
class ChainReport:
    """The result of walking the chain: ok, or the first problem and where."""

    ok: bool
    entries: int
    problem: str = ""  # code: edited | deleted | truncated | head_mismatch | anchor_mismatch | key_missing
    message: str = ""  # Chinese, for the doctor report and the audit viewer: names the row
    at_id: int | None = None
    keyed: bool = False  # the newest rows are chained with a key from the secret store


def verify_chain(session: Session, head_file: Path | None,
                 anchors: list[tuple[int, str]] | None = None) -> ChainReport:
    """Recompute every hash (keyed where a segment says so); compare with the sidecar head and with the
    anchors the central server keeps (heads this workstation sent with its pushes, as first received)."""
    segs = sorted(segments(session), key=lambda x: x["from"])
    pinned = dict(anchors or [])
    prev_hash, expected_id, count, key = GENESIS, 1, 0, None
    for e in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars():
        if e.id != expected_id:
            return ChainReport(False, count, "deleted", f"审计日志第 {expected_id} 条缺失（被删除）", expected_id)
        starting = [s for s in segs if s["from"] == e.id]
        if starting:
            key = _stored_key(starting[0]["id"], e.id)
            if key is None:
                return ChainReport(False, count, "key_missing",
                                   f"审计日志第 {e.id} 条起的密钥不在本机系统密钥库中，无法校验（数据库是否从另一台"
                                   "电脑复制或恢复？请在原电脑上校验，或报告信息管理员）", e.id)
        if e.prev_hash != prev_hash or e.hash != _digest(
            e.prev_hash, e.id, e.at.isoformat(), e.staff_id, e.action, e.target, e.detail_json, key
        ):
            return ChainReport(False, count, "edited", f"审计日志第 {e.id} 条被改动（或被伪造、调换次序）", e.id)
        if pinned.get(e.id, e.hash) != e.hash:
            return ChainReport(False, count, "anchor_mismatch",
                               f"审计日志第 {e.id} 条与同步时交中心服务器保存的链头不符（其前的记录已被改写）", e.id)
        prev_hash, expected_id, count = e.hash, e.id + 1, count + 1
    if pinned and max(pinned) > count:
        return ChainReport(False, count, "truncated", f"审计日志末尾被截去：同步时已有 {max(pinned)} 条"
                           f"（中心服务器保存的链头），现只剩 {count} 条", count + 1)
    if head_file is not None and head_file.exists():
        head_ = json.loads(head_file.read_text())
        if head_["id"] > count:
            return ChainReport(False, count, "truncated",
                               f"审计日志末尾被截去：应有 {head_['id']} 条，只剩 {count} 条", count + 1)
        if head_["id"] == count and head_["hash"] != prev_hash:
            return ChainReport(False, count, "head_mismatch", f"审计日志第 {count} 条与外部记录的链头不符", count)
    return ChainReport(True, count, keyed=key is not None)
