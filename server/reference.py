"""Reference documents for a device: hall and staff, catalog, calendar, certificate types, number blocks.

Each is JSON in the format the workstation's app/reference_data loads (the demo's files are the
same format), with an ETag that is the hash of the body: unchanged data costs a 304.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.sync.protocol import to_wire, ts
from server.certificates import lease_of
from server.models import (
    Delegation,
    Department,
    Deputy,
    Device,
    Hall,
    NumberLease,
    ReferenceDoc,
    Seal,
    Staff,
    Window,
)


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


def encode(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _day(d: Any) -> str | None:
    return d.isoformat() if d else None


def seal_doc(s: Seal) -> dict[str, Any]:
    return {"code": s.code, "window_code": s.window_code, "org_name": s.org_name, "purpose": s.purpose,
            "custodian": s.custodian, "status": s.status, "valid_from": _day(s.valid_from),
            "status_changed_at": ts(s.status_changed_at) if s.status_changed_at else None}


def delegations_doc(session: Session) -> list[dict[str, Any]]:
    return [{"item_code": d.item_code, "chief": d.chief, "valid_from": _day(d.valid_from),
             "valid_to": _day(d.valid_to), "revoked_at": ts(d.revoked_at) if d.revoked_at else None}
            for d in session.execute(select(Delegation).order_by(Delegation.id)).scalars()]


def hall_doc(session: Session, window_code: str) -> dict[str, Any]:
    """The hall as hall.json has it, least data: password verifiers only of those who may sign in at this
    window (its staff and the administrators), phone numbers only of its own staff."""
    hall = session.execute(select(Hall)).scalar_one()
    staff = []
    for p in session.execute(select(Staff).order_by(Staff.username)).scalars():
        entry = {"username": p.username, "name": p.name, "role": p.role, "window_code": p.window_code,
                 "department_code": p.department_code, "active": p.active}
        if p.window_code == window_code:
            entry["phone"] = p.phone
        if p.window_code == window_code or p.role == "admin":
            entry["password_hash"] = p.password_hash
        staff.append(entry)
    return {
        "hall": json.loads(hall.doc_json),
        "departments": [{"code": d.code, "name": d.name, "short_name": d.short_name, "uscc": d.uscc,
                         "address": d.address}
                        for d in session.execute(select(Department).order_by(Department.code)).scalars()],
        "windows": [{"code": w.code, "number": w.number, "name": w.name, "department_code": w.department_code,
                     "phone": w.phone} for w in session.execute(select(Window).order_by(Window.code)).scalars()],
        "staff": staff,
        "seals": [seal_doc(s) for s in session.execute(select(Seal).order_by(Seal.code)).scalars()],
        "delegations": delegations_doc(session),
        "deputies": [{"chief": d.chief, "deputy": d.deputy, "valid_from": _day(d.valid_from),
                      "valid_to": _day(d.valid_to), "reason": d.reason, "named_by": d.named_by}
                     for d in session.execute(select(Deputy).order_by(Deputy.id)).scalars()],
    }


def current_doc(session: Session, kind: str) -> dict[str, Any] | None:
    row = session.execute(select(ReferenceDoc).where(ReferenceDoc.kind == kind, ReferenceDoc.current.is_(True))
                          .order_by(ReferenceDoc.id.desc()).limit(1)).scalar_one_or_none()
    return json.loads(row.doc_json) if row else None


def calendar_doc(session: Session) -> dict[str, Any]:
    """Every official year schedule loaded on the server (a later load of a year replaces it)."""
    rows = session.execute(select(ReferenceDoc).where(ReferenceDoc.kind == "calendar_year",
                                                      ReferenceDoc.current.is_(True))
                           .order_by(ReferenceDoc.label)).scalars()
    schedules = [json.loads(r.doc_json) for r in rows]
    digest = hashlib.sha256(encode({"s": schedules})).hexdigest()[:10]
    through = max((int(s["year"]) for s in schedules), default=0)
    return {"version": f"server-{through}-{digest}" if schedules else "server-none", "official_through": through,
            "schedules": schedules}


def build(session: Session, name: str, device: Device) -> dict[str, Any] | None:
    """The named document for this device, or None for an unknown name."""
    if name == "hall":
        doc = hall_doc(session, device.window_code)
        return {**doc, "version": hashlib.sha256(encode(doc)).hexdigest()[:12]}
    if name == "catalog":
        return current_doc(session, "catalog") or {"version": "", "items": []}
    if name == "calendar":
        return calendar_doc(session)
    if name == "certificate-types":
        return current_doc(session, "certificate_types") or {"types": []}
    if name == "number-blocks":
        leases = session.execute(select(NumberLease).where(NumberLease.device_id == device.id)
                                 .order_by(NumberLease.leased_at)).scalars()
        return {"blocks": [to_wire(lease_of(x)) for x in leases]}
    return None
