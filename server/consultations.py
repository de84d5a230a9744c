"""Consultations pushed by a window's workstation: checked against the server's own staff and window records.

The server does not take the workstation's word for who asked whom: the actor must be active clerk or chief
representative staff of the very window the pushing device is enrolled at, the record must be that
window's, and a referral must name another window the hall has. Sizes are bounded as the client bounds them.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.sync.protocol import Op, OpResult, ProtocolError, parse_ts, ts
from server import changes
from server.config import local_day
from server.models import Consultation, Device, Staff, Window

MAX_ITEMS = 3  # as app/intake/consultations.py: one page of 一次性告知单
LIMITS = {"person_name": 100, "person_phone": 40, "question": 2000, "answer": 2000, "document": 64}


def _no(op: Op, code: str, reason: str) -> OpResult:
    return OpResult(op.op_id, op.device_seq, "rejected", code, reason)


def _doc(c: Consultation) -> dict[str, Any]:
    return {"id": c.id, "window_code": c.window_code, "staff": c.staff, "items": json.loads(c.item_codes),
            "referral_window_code": c.referral_window_code, "case_no": c.case_no}


def _feed(session: Session, c: Consultation, now: datetime) -> None:
    """The record as the window's other workstations apply it (the change feed is filtered by window)."""
    sent = json.loads(c.record_json)
    data = _doc(c)
    data.update({key: sent.get(key) for key in ("person_name", "person_phone", "question", "answer", "items",
                                               "document")}, at=ts(c.at))
    changes.append(session, "consultation", c.id, c.window_code, data, now)


def _text(p: dict[str, Any], key: str) -> str:
    value = p.get(key) or ""
    if not isinstance(value, str) or len(value) > LIMITS[key] or "\x00" in value:
        raise ProtocolError(f"{key} 过长或格式不正确")
    return value


def apply_consultation_op(session: Session, device: Device, op: Op, now: datetime) -> OpResult:
    p = op.payload
    actor = session.get(Staff, op.actor) if op.actor else None
    if (actor is None or not actor.active or actor.role not in ("clerk", "chief")
            or actor.window_code != device.window_code):
        return _no(op, "not_window_staff", "登记咨询的人员不是本窗口在岗工作人员")
    if p.get("window_code") != device.window_code:
        return _no(op, "wrong_window", "咨询记录不属于本机所在窗口")
    if op.op == "record":
        return _record(session, device, op, actor, now)
    if op.op == "link":
        return _link(session, device, op, now)
    return _no(op, "unknown_op", f"未知的咨询操作 {op.op}")


def _record(session: Session, device: Device, op: Op, actor: Staff, now: datetime) -> OpResult:
    p = op.payload
    if session.get(Consultation, op.entity_id) is not None:
        return _no(op, "duplicate_consultation", "该咨询记录已登记")
    items = p.get("items")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_ITEMS:
        return _no(op, "invalid_payload", f"咨询事项应为 1 至 {MAX_ITEMS} 项")
    codes = []
    for item in items:
        code = item.get("item_code") if isinstance(item, dict) else None
        if not isinstance(code, str) or not code or len(code) > 64:
            return _no(op, "invalid_payload", "咨询事项编码不正确")
        codes.append(code)
    for key in LIMITS:
        _text(p, key)  # ProtocolError: rejected as invalid_payload by the caller
    if not _text(p, "answer").strip():
        return _no(op, "invalid_payload", "咨询记录缺少答复内容")
    referral = p.get("referral_window_code")
    if referral is not None and (referral == device.window_code or session.get(Window, referral) is None):
        return _no(op, "unknown_window", "转介的窗口不存在或就是本窗口")
    at = parse_ts(str(p["at"])) if p.get("at") else parse_ts(op.created_at)
    row = Consultation(id=op.entity_id[:36], window_code=device.window_code, staff=actor.username,
                       device_id=device.id, at=at, local_day=local_day(at), item_codes=json.dumps(codes),
                       referral_window_code=referral, record_json=json.dumps(p, ensure_ascii=False, default=str),
                       received_at=now)
    session.add(row)
    session.flush()
    _feed(session, row, now)
    return OpResult(op.op_id, op.device_seq, "applied", record=_doc(row))


def _link(session: Session, device: Device, op: Op, now: datetime) -> OpResult:
    row = session.get(Consultation, op.entity_id)
    if row is None or row.window_code != device.window_code:
        return _no(op, "unknown_consultation", "本窗口没有该咨询记录")
    case_no = op.payload.get("case_no")
    if not isinstance(case_no, str) or not case_no or len(case_no) > 32:
        return _no(op, "invalid_payload", "受理编号不正确")
    if row.case_no not in (None, case_no):
        return _no(op, "already_linked", "该咨询已转为另一件受理")
    # The case op follows this one in the same push (the intake links before it accepts), so the case may not
    # be on record yet: the number is kept, and the case's own ops are checked on their own.
    row.case_no = case_no
    _feed(session, row, now)
    return OpResult(op.op_id, op.device_seq, "applied", record=_doc(row))
