"""告知承诺 ops pushed by a window's workstation, checked from the server's own records.

The server does not take the workstation's word: the actor must be active clerk or chief staff of the pushing
device's window; the case must be on record at that window; the item must be a 告知承诺 item in the server's
own catalog (the case's item as the server holds it, not the payload's); a result is recorded once final; and
only the window's chief representative revokes, only a commitment the server has on record as 不属实. A
revocation marks the case's certificates 已撤销 on the public verification page.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.sync.protocol import Op, OpResult, parse_day
from server import catalog_rules
from server.models import Case, Certificate, Commitment, Device, Staff

RESULTS = ("true", "false", "unverifiable")


def _no(op: Op, code: str, reason: str) -> OpResult:
    return OpResult(op.op_id, op.device_seq, "rejected", code, reason)


def _doc(c: Commitment) -> dict[str, object]:
    return {"case_no": c.case_no, "window_code": c.window_code, "item_code": c.item_code, "due": c.due.isoformat(),
            "result": c.result, "revoked": c.revoked_at is not None}


def apply_commitment_op(session: Session, device: Device, op: Op, now: datetime) -> OpResult:
    actor = session.get(Staff, op.actor) if op.actor else None
    if (actor is None or not actor.active or actor.role not in ("clerk", "chief")
            or actor.window_code != device.window_code):
        return _no(op, "not_window_staff", "办理告知承诺的人员不是本窗口在岗工作人员")
    case = session.get(Case, op.entity_id)
    if case is None or case.window_code != device.window_code:
        return _no(op, "unknown_case", "中心服务器没有本窗口的该办件")
    if op.op == "commit":
        return _commit(session, op, case)
    row = session.get(Commitment, case.id)
    if row is None:
        return _no(op, "not_commitment", f"办件 {case.case_no} 不是告知承诺办件")
    if op.op == "check":
        return _check(op, actor, row)
    if op.op == "revoke":
        return _revoke(session, op, actor, row, now)
    return _no(op, "unknown_op", f"未知的告知承诺操作 {op.op}")


def _commit(session: Session, op: Op, case: Case) -> OpResult:
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
    return OpResult(op.op_id, op.device_seq, "applied", record=_doc(row))


def _check(op: Op, actor: Staff, row: Commitment) -> OpResult:
    result = op.payload.get("result")
    if result not in RESULTS:
        return _no(op, "invalid_payload", "核查结果应为属实、不属实或暂无法核实")
    if row.result in ("true", "false"):
        return _no(op, "already_checked", f"办件 {row.case_no} 已有核查结论")
    checked_on = parse_day(str(op.payload.get("checked_on")))
    row.result, row.checked_on, row.checked_by = str(result), checked_on, actor.username
    return OpResult(op.op_id, op.device_seq, "applied", record=_doc(row))


def _revoke(session: Session, op: Op, actor: Staff, row: Commitment, now: datetime) -> OpResult:
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
    return OpResult(op.op_id, op.device_seq, "applied", record=_doc(row))
