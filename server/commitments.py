"""告知承诺 ops pushed by a window's workstation, checked from the server's own records.

The server does not take the workstation's word: the actor must be active clerk or chief staff of the pushing
device's window; the case must be on record at that window; the item must be a 告知承诺 item in the server's
own catalog (the case's item as the server holds it, not the payload's); a result is recorded once final; and
only the window's chief representative revokes, only a commitment the server has on record as 不属实. A
revocation marks the case's certificates 已撤销 on the public verification page and makes the hall's credit
record (信用记录). Each applied op goes to the window's other workstations through the change feed: the check's
result and the revocation with its credit record reach the desk of whoever works at the window next.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.sync.protocol import Op, OpResult, parse_day, ts
from server import catalog_rules, changes
from server.models import Case, Certificate, Commitment, CreditRecord, Device, Staff

RESULTS = ("true", "false", "unverifiable")
NOTE_LIMIT = 1000
FALSE_COMMITMENT = "false_commitment"  # the credit record's kind, as app/certificates/revocation.py


def _no(op: Op, code: str, reason: str) -> OpResult:
    return OpResult(op.op_id, op.device_seq, "rejected", code, reason)


def _doc(session: Session, c: Commitment) -> dict[str, Any]:
    credit = session.get(CreditRecord, c.case_id)
    return {"case_id": c.case_id, "case_no": c.case_no, "window_code": c.window_code, "item_code": c.item_code,
            "committed_on": c.committed_on.isoformat(), "due": c.due.isoformat(), "result": c.result,
            "note": c.note or "", "checked_on": c.checked_on.isoformat() if c.checked_on else None,
            "checked_by": c.checked_by, "revoked": c.revoked_at is not None,
            "revoked_at": ts(c.revoked_at) if c.revoked_at else None, "revoked_by": c.revoked_by,
            "revocation_document": c.revocation_document,
            "credit": None if credit is None else {"kind": credit.kind, "subject_name": credit.subject_name,
                                                   "reason": credit.reason, "at": ts(credit.at)}}


def _applied(session: Session, op: Op, row: Commitment, now: datetime) -> OpResult:
    """The op's answer and the change the window's other workstations pull, from the server's row as it is now."""
    doc = _doc(session, row)
    changes.append(session, "commitment", row.case_id, row.window_code, doc, now)
    return OpResult(op.op_id, op.device_seq, "applied", record=doc)


def apply_commitment_op(session: Session, device: Device, op: Op, now: datetime) -> OpResult:
    actor = session.get(Staff, op.actor) if op.actor else None
    if (actor is None or not actor.active or actor.role not in ("clerk", "chief")
            or actor.window_code != device.window_code):
        return _no(op, "not_window_staff", "办理告知承诺的人员不是本窗口在岗工作人员")
    case = session.get(Case, op.entity_id)
    if case is None or case.window_code != device.window_code:
        return _no(op, "unknown_case", "中心服务器没有本窗口的该办件")
    if op.op == "commit":
        made = _commit(session, op, case)
        return made if isinstance(made, OpResult) else _applied(session, op, made, now)
    row = session.get(Commitment, case.id)
    if row is None:
        return _no(op, "not_commitment", f"办件 {case.case_no} 不是告知承诺办件")
    if op.op == "check":
        refused = _check(op, actor, row)
    elif op.op == "revoke":
        refused = _revoke(session, op, actor, row, case, now)
    else:
        refused = _no(op, "unknown_op", f"未知的告知承诺操作 {op.op}")
    return refused or _applied(session, op, row, now)


def _commit(session: Session, op: Op, case: Case) -> OpResult | Commitment:
    item = (catalog_rules.items(session) or {}).get(case.item_code)
    terms = item.get("commitment") if item else None
    if not isinstance(terms, dict) or not terms:
        return _no(op, "not_commitment_item", f"事项 {case.item_code} 在中心事项目录中未实行告知承诺制")
    if session.get(Commitment, case.id) is not None:
        return _no(op, "duplicate_commitment", "该办件的告知承诺已登记")
    committed_on, due = parse_day(str(op.payload.get("committed_on"))), parse_day(str(op.payload.get("due")))
    if committed_on is None or due is None or due <= committed_on:
        return _no(op, "invalid_payload", "告知承诺的核查期限不正确")
    row = Commitment(case_id=case.id, case_no=case.case_no, window_code=case.window_code, item_code=case.item_code,
                     committed_on=committed_on, due=due, check_days=int(terms.get("check_days", 0)))
    session.add(row)
    session.flush()
    return row


def _check(op: Op, actor: Staff, row: Commitment) -> OpResult | None:
    """None once recorded; the refusal otherwise."""
    result, note = op.payload.get("result"), op.payload.get("note") or ""
    if result not in RESULTS:
        return _no(op, "invalid_payload", "核查结果应为属实、不属实或暂无法核实")
    if not isinstance(note, str) or len(note) > NOTE_LIMIT or (result != "true" and not note.strip()):
        return _no(op, "invalid_payload", "核查结果须写明核查发现的情况（不超过 1000 字）")
    if row.result in ("true", "false"):
        return _no(op, "already_checked", f"办件 {row.case_no} 已有核查结论")
    checked_on = parse_day(str(op.payload.get("checked_on")))
    row.result, row.checked_on, row.checked_by, row.note = str(result), checked_on, actor.username, note.strip()
    return None


def _revoke(session: Session, op: Op, actor: Staff, row: Commitment, case: Case, now: datetime) -> OpResult | None:
    if actor.role != "chief":
        return _no(op, "not_chief", "只有本窗口首席代表可以撤销行政许可")
    if row.result != "false":
        return _no(op, "not_false", f"中心服务器记录的办件 {row.case_no} 核查结果不是“不属实”，不能撤销")
    if row.revoked_at is not None:
        return _no(op, "already_revoked", f"办件 {row.case_no} 的许可已撤销")
    document = op.payload.get("document")
    row.revoked_at, row.revoked_by = now, actor.username
    row.revocation_document = document[:64] if isinstance(document, str) else ""
    # Every certificate the hall holds for the case, whatever the payload lists: the public page says 已撤销.
    for cert in session.execute(select(Certificate).where(Certificate.case_id == row.case_id,
                                                          Certificate.window_code == row.window_code)).scalars():
        cert.status, cert.voided_at = "revoked", cert.voided_at or now
        cert.void_reason = f"告知承诺不实，许可已撤销（{row.revocation_document}）"
    # The credit record from the server's own records: the applicant as the case holds it, the check's finding.
    applicant = json.loads(case.record_json or "{}").get("applicant_name") or ""
    session.add(CreditRecord(case_id=row.case_id, window_code=row.window_code, kind=FALSE_COMMITMENT,
                             subject_name=str(applicant)[:200], reason=row.note or "", at=now,
                             recorded_by=actor.username))
    session.flush()
    return None
