"""Seal status changes made at a window (the custodian declares the seal lost, revoked, sealed away)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.sync.protocol import Op, OpResult, ProtocolError, parse_ts
from server import changes
from server.models import Device, Seal, Staff
from server.reference import seal_doc

STATUSES = ("active", "revoked", "sealed_away", "lost")


def apply_seal_op(session: Session, device: Device, op: Op, now: datetime) -> OpResult:
    p = op.payload
    seal = session.get(Seal, op.entity_id)
    actor = session.get(Staff, op.actor) if op.actor else None
    if seal is None or seal.window_code != device.window_code:
        return OpResult(op.op_id, op.device_seq, "rejected", "unknown_seal", "本窗口没有该印章")
    if actor is None or actor.username != seal.custodian and actor.role != "admin":
        return OpResult(op.op_id, op.device_seq, "rejected", "not_custodian", "只有印章保管人可以变更印章状态")
    if op.op != "status" or p.get("to") not in STATUSES:
        return OpResult(op.op_id, op.device_seq, "applied", "recorded")
    if p.get("from") not in (None, seal.status):
        return OpResult(op.op_id, op.device_seq, "rejected", "conflict",
                        f"印章状态已由中心服务器改为 {seal.status}", seal_doc(seal))
    try:
        at = parse_ts(str(p["at"])) if p.get("at") else parse_ts(op.created_at)
    except ProtocolError:
        at = now
    if seal.status == "active" and p["to"] != "active":
        seal.status_changed_at = at  # the moment the seal stopped being usable
    seal.status = str(p["to"])
    session.flush()
    changes.append(session, "seal", seal.code, None, seal_doc(seal), now)
    return OpResult(op.op_id, op.device_seq, "applied", record=seal_doc(seal))
