"""Scans of a case's materials, as the server's case record lists them: the workstation that took a scan
uploads the file (a blob) and then pushes an `attachment` op; the record gains the scan's hash, name and material,
and goes down to the case's window (and the bundle's comprehensive window), whose workstations fetch the file.
The chief signing at another workstation, or the department's window working a 一件事 part, sees the papers.

Only a workstation of the case's own window, or the comprehensive window that received the case's bundle,
may add one (from the server's own record); a hash alone never opens another window's file (api.blob_visible).
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.sync.protocol import Op, OpResult, ts
from server import changes, themes
from server.cases import record_of
from server.models import Case, Device

MAX_SCANS = 200  # per case: a record stays small enough to send down whole
_SHA = re.compile(r"^[0-9a-f]{64}$")
_MIMES = frozenset({"application/pdf", "image/jpeg", "image/png"})


def _entry(p: dict[str, Any]) -> dict[str, Any] | None:
    sha, mime = str(p.get("sha256") or ""), str(p.get("mime") or "")
    filename, material = str(p.get("filename") or "").strip(), str(p.get("material") or "").strip()
    size = p.get("size")
    if not _SHA.match(sha) or mime not in _MIMES or not filename or len(filename) > 200 or len(material) > 200:
        return None
    if not isinstance(size, int) or not 0 < size <= 50 * 2**20:
        return None
    return {"sha256": sha, "filename": filename, "mime": mime, "size": size, "material": material}


def apply_attachment_op(session: Any, device: Device, op: Op, now: datetime) -> OpResult:
    """Record the scan on its case; refused for another window's case or a malformed entry."""
    if op.op != "add":
        return OpResult(op.op_id, op.device_seq, "applied", "recorded")
    entry = _entry(op.payload)
    if entry is None:
        return OpResult(op.op_id, op.device_seq, "rejected", "invalid_payload", "扫描件的摘要、类型、名称或大小不正确")
    case = session.execute(select(Case).where(Case.id == str(op.payload.get("case_id") or ""))
                           .with_for_update()).scalar_one_or_none()
    if case is None:
        return OpResult(op.op_id, op.device_seq, "rejected", "unknown_case", "中心服务器没有该办件的记录")
    record = record_of(case)
    if device.window_code not in (case.window_code, record.get("bundle_window")):
        return OpResult(op.op_id, op.device_seq, "rejected", "not_your_window", "本机只能为本窗口的办件添加扫描件")
    scans = list(record.get("attachments") or [])
    if any(s.get("sha256") == entry["sha256"] and s.get("material") == entry["material"] for s in scans):
        return OpResult(op.op_id, op.device_seq, "applied")
    if len(scans) >= MAX_SCANS:
        return OpResult(op.op_id, op.device_seq, "rejected", "too_many", f"每件办件最多登记 {MAX_SCANS} 份扫描件")
    record["attachments"] = [*scans, entry]
    record["version"] = int(record.get("version", 0)) + 1
    record["updated_at"] = ts(now)
    case.record_json = json.dumps(record, ensure_ascii=False, sort_keys=True)
    case.updated_at = now
    changes.append(session, "case", case.id, case.window_code, record, now)
    themes.fan_out(session, case.id, case.window_code, record, now)
    return OpResult(op.op_id, op.device_seq, "applied")
