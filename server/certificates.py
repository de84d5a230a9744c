"""Certificates as the hall's register knows them (for the public page), and leased number blocks."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.sync.protocol import (
    BlockRequest,
    NumberBlockLease,
    Op,
    OpResult,
    ProtocolError,
    parse_day,
    ts,
)
from server import themes
from server.models import Certificate, Device, NumberCounter, NumberLease

MAX_BLOCK = 10_000


def _text(p: dict[str, object], key: str, limit: int, required: bool = True) -> str:
    value = str(p.get(key) or "").strip()
    if (required and not value) or len(value) > limit or "\x00" in value:
        raise ValueError(f"字段 {key} 缺失或不正确")
    return value


def apply_certificate_op(session: Session, device: Device, op: Op, now: datetime) -> OpResult:
    p = op.payload
    try:
        number = _text(p, "number", 64)
        found = session.get(Certificate, number)
        if op.op in ("issue", "reissue"):
            if found is not None:
                return OpResult(op.op_id, op.device_seq, "rejected", "duplicate_number",
                                f"证照编号 {number} 已被使用，请作废后重新制证")
            valid_from, issued_on = parse_day(_text(p, "valid_from", 10)), parse_day(_text(p, "issued_on", 10))
            assert valid_from is not None and issued_on is not None
            session.add(Certificate(
                number=number, type_code=_text(p, "type_code", 64),
                type_name=_text(p, "type_name", 200, required=False) or _text(p, "type_code", 64),
                holder_name=_text(p, "holder_name", 200),
                issued_on=issued_on, valid_from=valid_from,
                valid_to=parse_day(_text(p, "valid_to", 10, required=False) or None),
                window_code=device.window_code, case_id=_text(p, "case_id", 36, required=False), status="valid"))
        elif op.op == "void":
            if found is None or found.window_code != device.window_code:
                return OpResult(op.op_id, op.device_seq, "rejected", "unknown_certificate",
                                f"中心服务器没有本窗口的证照 {number}")
            reason = _text(p, "reason", 2000, required=False) or _text(p, "void_reason", 2000)
            if found.status != "revoked":  # a revocation (server/commitments.py) says more than a void
                found.status, found.void_reason, found.voided_at = "voided", reason, now
        else:
            return OpResult(op.op_id, op.device_seq, "applied", "recorded")
    except (ValueError, ProtocolError, AssertionError) as exc:
        return OpResult(op.op_id, op.device_seq, "rejected", "invalid_payload", f"证照数据不正确：{exc}")
    session.flush()
    themes.certificate_fan_out(session, device.window_code, p, now)
    return OpResult(op.op_id, op.device_seq, "applied")


def lease_block(session: Session, device: Device, req: BlockRequest, now: datetime) -> NumberBlockLease:
    """The next `count` numbers of (type, prefix), leased to this device for offline use."""
    counter = session.execute(select(NumberCounter).where(
        NumberCounter.type_code == req.certificate_type_code, NumberCounter.prefix == req.prefix)
        .with_for_update()).scalar_one_or_none()
    if counter is None:
        counter = NumberCounter(type_code=req.certificate_type_code, prefix=req.prefix, next_value=1)
        session.add(counter)
        session.flush()
    first = counter.next_value
    last = first + req.count - 1
    if last >= 10 ** req.width:
        raise ValueError("该编号段已用完，请联系大厅管理员")
    counter.next_value = last + 1
    lease = NumberLease(id=str(uuid.uuid4()), device_id=device.id, type_code=req.certificate_type_code,
                        prefix=req.prefix, first=first, last=last, width=req.width, leased_at=now)
    session.add(lease)
    session.flush()
    return lease_of(lease)


def lease_of(lease: NumberLease) -> NumberBlockLease:
    return NumberBlockLease(lease.id, lease.type_code, lease.prefix, lease.first, lease.last, lease.width,
                            ts(lease.leased_at))
