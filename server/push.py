"""Receiving a device's ops: idempotent by op_id, in device_seq order, epochs for devices that went back in time.

Per device the server keeps the highest contiguous seq applied in the current epoch (the mark).
- an op_id already held gets its stored result back (a harmless repeat);
- a new op_id at or below the mark means the device's numbering went back (restored backup,
  cloned disk): refused with "new_epoch"; the device renumbers its pending ops from next_seq;
- mark + 1 is applied; anything beyond is a gap: 409 with the expected seq.
A rejected op is answered with its reason and consumed: it never blocks the queue.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from app.core.text_rules import value_problem
from app.sync.protocol import (
    AuditAnchors,
    AuditHead,
    Op,
    OpResult,
    ProtocolError,
    PushRefusal,
    PushRequest,
    PushResponse,
    parse_ts,
    to_wire,
)
from server import changes, op_proof
from server.case_scans import apply_attachment_op
from server.cases import apply_case_op
from server.certificates import apply_certificate_op
from server.commitments import apply_commitment_op
from server.config import local_day
from server.consultations import apply_consultation_op
from server.models import AppliedOp, AuditAnchor, Device, Staff
from server.seals import apply_seal_op
from server.site_visits import apply_site_visit_op

HANDLERS = {"case": apply_case_op, "certificate": apply_certificate_op, "seal": apply_seal_op,
            "consultation": apply_consultation_op, "site_visit": apply_site_visit_op,
            "commitment": apply_commitment_op, "attachment": apply_attachment_op}


def _stored(row: AppliedOp) -> OpResult:
    data = json.loads(row.result_json)
    status = "duplicate" if data["status"] == "applied" else data["status"]
    return OpResult(row.op_id, row.device_seq, status, data.get("code", ""), data.get("reason", ""),
                    data.get("record"))


def _bad_text(op: Op) -> OpResult | None:
    """Text no record may hold is refused first, whoever sent it (the workstation checks the same rule
    before commit, app/core/text_rules.py), so nothing further walks such strings."""
    problem = value_problem({"actor": op.actor, "entity_id": op.entity_id, "payload": op.payload})
    if problem is None:
        return None
    return OpResult(op.op_id, op.device_seq, "rejected", "bad_text",
                    f"字段 {problem[0]} {problem[1]}，中心服务器拒收。请在本机更正该办件的这项内容后重新办理")


def _apply_one(session: Session, device: Device, op: Op, now: datetime) -> OpResult:
    handler = HANDLERS.get(op.entity)
    if handler is None:  # recorded for the hall's files (supervision reports …); nothing to check
        return OpResult(op.op_id, op.device_seq, "applied", "recorded")
    savepoint = session.begin_nested()
    try:
        result = handler(session, device, op, now)
    except (DataError, IntegrityError, ProtocolError, ValueError) as exc:
        savepoint.rollback()
        return OpResult(op.op_id, op.device_seq, "rejected", "invalid_payload",
                        f"中心服务器无法保存该操作的数据：{type(exc).__name__}")
    savepoint.commit()
    return result


def push(session: Session, device_id: str, req: PushRequest, now: datetime) -> PushResponse | PushRefusal:
    """Apply a batch in seq order inside the caller's transaction (the device row is locked)."""
    device = session.execute(select(Device).where(Device.id == device_id).with_for_update()).scalar_one()
    device.last_seen = now
    keep_anchor(session, device, req, now)
    if req.epoch > device.epoch:
        # The device started a new epoch itself (it found its database restored before it asked us):
        # the same as one started here, numbered above every seq seen from it.
        device.epoch, device.epoch_open = req.epoch, False
    elif req.epoch != device.epoch:
        return PushRefusal("epoch_mismatch", "本机的同步纪元已过期，请重新编号后再推送", device.epoch, device.mark + 1,
                           device.max_seq + 1)
    if req.top_seq is not None and req.top_seq < device.max_seq:
        # Its own counter is below seqs it already sent: restored or cloned, even with nothing to push.
        # A new epoch now, before it makes another case number under the old one.
        return _went_back(device)
    results: list[OpResult] = []
    # One query for the batch instead of one per op; the new rows join it (an op_id twice in a batch is a repeat).
    held = {row.op_id: row for row in session.execute(
        select(AppliedOp).where(AppliedOp.op_id.in_([op.op_id for op in req.ops]))).scalars()}
    # Kept referenced while the batch is applied: the identity map holds objects only weakly, and with
    # them in it the handlers' session.get(Staff, actor) needs no query per op.
    _actors = session.execute(select(Staff).where(Staff.username.in_(sorted({op.actor for op in req.ops})))
                              ).scalars().all()
    if any(op.op_id not in held for op in req.ops):
        changes.hold(session)  # outside the per-op savepoints, so the lock holds for the whole batch
    new_rows: list[AppliedOp] = []
    keys = op_proof.KeyCache(session, device)
    for op in sorted(req.ops, key=lambda o: o.device_seq):
        known = held.get(op.op_id)
        if known is not None and known.device_id != device.id:
            refusal = None
            result = OpResult(op.op_id, op.device_seq, "rejected", "op_id_conflict", "操作标识与其他设备冲突")
        elif known is not None:
            refusal, result = None, _stored(known)
        else:
            refusal, result = _check_seq(device, op), None
        if refusal is not None:
            session.add_all(new_rows)
            refusal.results = results
            return refusal
        if result is None:
            created = parse_ts(op.created_at)
            result = _bad_text(op) or op_proof.refusal(session, keys, op)
            if result is not None and result.code == "no_key":
                # Perhaps a real op whose author has not yet signed in online at this device: the queue
                # waits for that sign-in (it registers the key) rather than losing the op.
                session.add_all(new_rows)
                return PushRefusal("no_key", result.reason, device.epoch, op.device_seq, device.max_seq + 1,
                                   results)
            result = result or _apply_one(session, device, op, now)
            held[op.op_id] = AppliedOp(
                op_id=op.op_id, device_id=device.id, epoch=device.epoch, device_seq=op.device_seq,
                entity=op.entity[:32], entity_id=op.entity_id[:64], op=op.op[:32], actor=op.actor[:64],
                created_at=created, local_day=local_day(created), received_at=now, status=result.status,
                result_json=json.dumps(to_wire(result), ensure_ascii=False),
                payload_json=json.dumps(op.payload, ensure_ascii=False, default=str))
            new_rows.append(held[op.op_id])
        _advance(device, op.device_seq)
        results.append(result)
    # Added at the end, so each op's savepoint does not flush the ones before it: one INSERT for the batch.
    session.add_all(new_rows)
    session.flush()
    return PushResponse(device.epoch, device.mark, results)


def keep_anchor(session: Session, device: Device, req: PushRequest, now: datetime) -> None:
    """The audit head the push carries, kept as first received: a head sent again later with another hash
    (the log rewritten and re-chained) does not replace it."""
    head = req.audit_head
    if head is None or not 0 < head.entry_id <= 2**53 or len(head.hash) != 64:
        return
    if session.get(AuditAnchor, (device.id, head.entry_id)) is None:
        session.add(AuditAnchor(device_id=device.id, entry_id=head.entry_id, hash=head.hash, received_at=now,
                                local_day=local_day(now)))


def anchors(session: Session, device: Device) -> AuditAnchors:
    """The last head of each day and the very last (bounded by days, not by pushes)."""
    last_of_day = select(AuditAnchor.local_day, func.max(AuditAnchor.entry_id).label("top")).where(
        AuditAnchor.device_id == device.id).group_by(AuditAnchor.local_day).subquery()
    rows = session.execute(select(AuditAnchor.entry_id, AuditAnchor.hash).join(
        last_of_day, (AuditAnchor.local_day == last_of_day.c.local_day) & (AuditAnchor.entry_id == last_of_day.c.top))
        .where(AuditAnchor.device_id == device.id).order_by(AuditAnchor.entry_id)).all()
    return AuditAnchors([AuditHead(int(r[0]), r[1]) for r in rows])


def _check_seq(device: Device, op: Op) -> PushRefusal | None:
    """None when this new op is the next one of the epoch; else the refusal to send back."""
    if not device.epoch_open:
        if op.device_seq <= device.max_seq:
            return PushRefusal("new_epoch", "本机已进入新的同步纪元，请从给定序号起重新编号", device.epoch,
                               device.max_seq + 1, device.max_seq + 1)
        return None
    if op.device_seq <= device.mark:
        return _went_back(device)
    if op.device_seq > device.mark + 1:
        return PushRefusal("seq_gap", f"缺少序号 {device.mark + 1} 起的操作", device.epoch, device.mark + 1,
                           device.mark + 1)
    return None


def _went_back(device: Device) -> PushRefusal:
    """The device's numbering went back (restored backup, cloned disk): start a new epoch unless one is open."""
    if device.epoch_open:
        device.epoch += 1
        device.epoch_open = False
    return PushRefusal("new_epoch", "本机的操作序号与中心服务器记录不符（可能从备份恢复或复制了磁盘），"
                       "已开始新的同步纪元", device.epoch, device.max_seq + 1, device.max_seq + 1)


def _advance(device: Device, seq: int) -> None:
    if not device.epoch_open:
        device.epoch_open = True
        device.mark = seq
    elif seq == device.mark + 1:
        device.mark = seq
    device.max_seq = max(device.max_seq, seq)
