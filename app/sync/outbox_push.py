"""Outbox rows as protocol ops (local ids turned into codes), and what the server's answers do to them.

Outbox payloads were written by the use cases with this database's integer ids (window_id,
reviewer_id …). The server's ids differ, so ids become codes and usernames here, at push time;
fields that never change after intake (item name, applicant's contacts, the clerk) are filled in
from the case row so the server's record is complete.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from app.core.errors import AppError
from app.sync import settings as keys
from app.sync.protocol import MAX_PUSH_BATCH, Op, OpResult, ts
from db.models import (
    AuditEntry,
    Case,
    CaseEvent,
    CaseMaterial,
    CertificateType,
    Department,
    Document,
    OutboxOp,
    Seal,
    Staff,
    Window,
)

_STAFF_IDS = ("clerk", "reviewer", "approver", "on_behalf_of", "staff", "actor", "custodian", "granted_by",
              "withdrawn_by", "witness", "voided_by", "issued_by", "created_by", "entered_by")
_STABLE_CASE_FIELDS = ("item_name", "processing_type", "review_mode", "applicant_phone", "applicant_address",
                       "legal_rep", "agent_name", "agent_id_type", "agent_id_number", "agent_phone", "legal_days",
                       "promised_days", "origin_device")
_CURRENT_CASE_FIELDS = ("printed_promised", "deadline_moved", "extension_days", "issue_deadline",
                        "deadline_provisional", "calendar_version", "decided_at", "decision", "closed_at",
                        "refusal_reason", "refusal_basis", "competent_authority")


class Codes:
    """Local id → code lookups for one push (cached: a batch names the same few rows again and again)."""

    def __init__(self, session: Session) -> None:
        self.s = session
        self._cache: dict[tuple[type, int], str | None] = {}

    def _get(self, model: type, id_: Any, attr: str) -> str | None:
        if not isinstance(id_, int) or isinstance(id_, bool):
            return None
        key = (model, id_)
        if key not in self._cache:
            row = self.s.get(model, id_)
            self._cache[key] = getattr(row, attr) if row is not None else None
        return self._cache[key]

    def username(self, id_: Any) -> str | None:
        return self._get(Staff, id_, "username")

    def window(self, id_: Any) -> str | None:
        return self._get(Window, id_, "code")

    def department(self, id_: Any) -> str | None:
        return self._get(Department, id_, "code")

    def seal(self, id_: Any) -> str | None:
        return self._get(Seal, id_, "code")


def to_codes(data: Any, codes: Codes) -> Any:
    """Replace local ids by codes throughout a payload (nested objects included)."""
    if isinstance(data, list):
        return [to_codes(x, codes) for x in data]
    if not isinstance(data, dict):
        return data
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key == "window_id":
            out["window_code"] = codes.window(value)
        elif key == "department_id":
            out["department_code"] = codes.department(value)
        elif key == "seal_id":
            out["seal_code"] = codes.seal(value)
        elif key == "item_id":
            continue  # the item code is in the payload; item ids are per catalog version and per database
        elif key.endswith("_id") and key[:-3] in _STAFF_IDS:
            name = key[:-3] if key[:-3] not in data else f"{key[:-3]}_username"
            out[name] = codes.username(value)
        else:
            out[key] = to_codes(value, codes)
    return out


def _actor(session: Session, row: OutboxOp, payload: dict[str, Any], codes: Codes, acting: int | None) -> str:
    """Who made the change: the payload says so, else the case event of the same instant, else the person
    the op's own transaction audited (`acting`, when signed as it commits), else the audit entry of the
    same instant. Never the case's clerk while any of these knows better: a chief who takes a case up for
    review is the author of that op, not the clerk who accepted it."""
    if isinstance(payload.get("actor"), str) and payload["actor"]:
        return payload["actor"]
    staff_id = None
    if row.entity == "case":
        staff_id = session.execute(select(CaseEvent.staff_id).where(
            CaseEvent.case_id == row.entity_id, CaseEvent.at == row.created_at, CaseEvent.staff_id.is_not(None))
            .order_by(CaseEvent.id.desc()).limit(1)).scalar_one_or_none()
    if staff_id is None:
        staff_id = acting
    if staff_id is None:
        staff_id = session.execute(select(AuditEntry.staff_id).where(
            AuditEntry.at == row.created_at, AuditEntry.staff_id.is_not(None),
            AuditEntry.action.not_in(("login", "login_failed"))).order_by(AuditEntry.id.desc()).limit(1)
        ).scalar_one_or_none()
    if staff_id is not None:
        return codes.username(staff_id) or ""
    case = session.get(Case, row.entity_id) if row.entity == "case" else None
    return (codes.username(case.clerk_id) or "") if case else ""


def _wire(value: Any) -> Any:
    if isinstance(value, datetime):
        return ts(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _enrich_case(session: Session, case: Case, payload: dict[str, Any], codes: Codes) -> None:
    # Fields the use case did not put in its payload: as the case stands now (the last op carries the latest).
    for key in _STABLE_CASE_FIELDS + _CURRENT_CASE_FIELDS:
        payload.setdefault(key, _wire(getattr(case, key)))
    payload.setdefault("reviewer", codes.username(case.reviewer_id))
    payload.setdefault("approver", codes.username(case.approver_id))
    payload.setdefault("window_code", codes.window(case.window_id))
    payload.setdefault("department_code", codes.department(case.department_id))
    payload.setdefault("clerk", codes.username(case.clerk_id))
    payload.setdefault("case_no", case.case_no)
    stable = {m.seq: m for m in session.execute(select(CaseMaterial).where(CaseMaterial.case_id == case.id)).scalars()}
    for m in payload.get("materials") or []:
        if isinstance(m, dict) and m.get("seq") in stable:
            m.setdefault("form", stable[m["seq"]].form)
            m.setdefault("copies_required", stable[m["seq"]].copies_required)
    payload["documents"] = [{"kind": d.kind, "number": d.number, "sha256": d.sha256, "void": d.void,
                              "issued_at": _wire(d.created_at)}
                            for d in session.execute(select(Document).where(Document.case_id == case.id)
                                                     .order_by(Document.created_at)).scalars()]


def to_op(session: Session, row: OutboxOp, epoch: int, codes: Codes, acting: int | None = None) -> Op:
    if row.wire_json:  # frozen and signed when it was made (app.sync.op_signing): sent exactly so
        return Op(op_id=row.op_id, device_seq=row.device_seq, epoch=epoch, entity=row.entity,
                  entity_id=row.entity_id, op=row.op, created_at=ts(row.created_at), actor=row.actor,
                  payload=json.loads(row.wire_json), schema_version=row.schema_version, signature=row.signature)
    raw = json.loads(row.payload_json)
    payload = to_codes(raw, codes)
    if row.entity == "case":
        case = session.get(Case, row.entity_id)
        if case is not None:
            _enrich_case(session, case, payload, codes)
    elif row.entity == "certificate" and payload.get("type_code"):
        name = session.execute(select(CertificateType.name).where(CertificateType.code == payload["type_code"])
                               ).scalar_one_or_none()
        payload.setdefault("type_name", name or payload["type_code"])
    return Op(op_id=row.op_id, device_seq=row.device_seq, epoch=epoch, entity=row.entity, entity_id=row.entity_id,
              op=row.op, created_at=ts(row.created_at), actor=_actor(session, row, raw, codes, acting), payload=payload,
              schema_version=row.schema_version)


def pending_batch(session: Session, epoch: int, limit: int = MAX_PUSH_BATCH) -> list[Op]:
    rows = session.execute(select(OutboxOp).where(OutboxOp.state == "pending").order_by(OutboxOp.device_seq)
                           .limit(limit)).scalars()
    codes = Codes(session)
    return [to_op(session, row, epoch, codes) for row in rows]


# An answered op keeps its id, seq, entity, kind and the server's answer, but not its payload (the
# applicant's name, ID number, phone …): the server is the record from then on (#19, least data).
DROPPED = ""


def record_results(session: Session, results: list[OpResult], now: datetime) -> list[OpResult]:
    """Mark ops acknowledged or rejected and drop their payloads; returns the rejected ones."""
    rejected = []
    by_id = {r.op_id: r for r in results}
    if not by_id:
        return rejected
    for row in session.execute(select(OutboxOp).where(OutboxOp.op_id.in_(list(by_id)))).scalars():
        result = by_id[row.op_id]
        row.state = "rejected" if result.status == "rejected" else "acked"
        row.result_json = json.dumps({"status": result.status, "code": result.code, "reason": result.reason},
                                     ensure_ascii=False)
        row.acked_at = now
        row.payload_json = DROPPED
        if result.status == "rejected":
            rejected.append(result)
    session.flush()
    return rejected


def renumber(session: Session, epoch: int, next_seq: int) -> int:
    """A new epoch: pending ops get fresh seqs from `next_seq` (above every seq this database used)."""
    keys.put(session, keys.EPOCH, str(epoch))
    top = session.execute(select(OutboxOp.device_seq).order_by(OutboxOp.device_seq.desc()).limit(1)
                          ).scalar_one_or_none() or 0
    base = max(next_seq, top + 1)
    seqs = list(session.execute(select(OutboxOp.device_seq).where(OutboxOp.state == "pending")
                                .order_by(OutboxOp.device_seq)).scalars())
    for i, seq in enumerate(seqs):
        session.execute(update(OutboxOp).where(OutboxOp.device_seq == seq).values(device_seq=base + i, epoch=epoch))
    # AUTOINCREMENT must continue above the renumbered ops and above every seq the server has seen from
    # this device (never reuse a number), also when nothing was pending.
    raise_top(session, base + len(seqs) - 1)
    session.flush()
    return len(seqs)


def outbox_top(session: Session) -> int:
    """The highest device_seq this database has ever handed out (SQLite keeps it even after deletes)."""
    seq = session.execute(text("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'")).scalar_one_or_none()
    return int(seq or 0)


def raise_top(session: Session, top: int) -> None:
    """Make the next outbox op's device_seq at least top + 1."""
    done = session.execute(text("UPDATE sqlite_sequence SET seq = max(seq, :top) WHERE name = 'outbox'"),
                           {"top": top})
    if not done.rowcount:  # type: ignore[attr-defined]
        session.execute(text("INSERT INTO sqlite_sequence(name, seq) VALUES ('outbox', :top)"), {"top": top})


def requeue_from(session: Session, seq: int) -> int:
    """The server lost ops from `seq` on (restored from a backup): send them again.

    Ops answered since #19 no longer hold their payloads, so they cannot be sent again: the server's
    operator restores them from the server's own later backup (said in the message, nothing changed here).
    """
    lost = session.execute(select(func.count()).select_from(OutboxOp).where(
        OutboxOp.device_seq >= seq, OutboxOp.state.in_(("acked", "rejected")), OutboxOp.payload_json == DROPPED)
    ).scalar_one()
    if lost:
        raise AppError("push_lost", f"中心服务器缺少本机已确认的 {lost} 条操作（自序号 {seq} 起，服务器可能从备份恢复）。"
                                    "按个人信息保护要求，已确认操作的内容不在本机保留，请信息管理员从服务器备份恢复后再同步。")
    result = session.execute(update(OutboxOp).where(OutboxOp.device_seq >= seq,
                                                    OutboxOp.state.in_(("acked", "rejected")))
                             .values(state="pending", acked_at=None))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def has_pending(session: Session, entity: str, entity_id: str) -> bool:
    return session.execute(select(OutboxOp.device_seq).where(
        OutboxOp.state == "pending", OutboxOp.entity == entity, OutboxOp.entity_id == entity_id).limit(1)
    ).first() is not None
