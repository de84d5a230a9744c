"""What a hall administrator does on the server: load the hall, staff, codes, delegations, seals, catalog, calendar.

Every function works inside the caller's transaction; changes that workstations must see at once
(seal status, delegations) also go into the change feed.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.core.commitment_terms import TermsError
from app.core.commitment_terms import parse as parse_commitment
from app.core.promise_rules import catalog_warnings
from app.sync.protocol import expand_schedule, parse_day
from server import changes
from server.models import (
    AdminEvent,
    Delegation,
    Department,
    Deputy,
    EnrolmentCode,
    Hall,
    ReferenceDoc,
    Seal,
    Staff,
    StaffToken,
    Window,
)
from server.reference import delegations_doc, seal_doc
from server.security import digest, hash_password, new_enrolment_code, normalise_code
from server.themes import theme_problems, window_departments

DEMO_DIR = Path(__file__).resolve().parent.parent / "resources" / "demo"
DEMO_PASSWORD = "demo2026"
ROLES = ("clerk", "chief", "admin")
SEAL_STATUSES = ("active", "revoked", "sealed_away", "lost")


class AdminError(Exception):
    """A refusal with a Chinese message for the administrator."""


def _log(session: Session, now: datetime, action: str, target: str, **detail: Any) -> None:
    session.add(AdminEvent(at=now, action=action, target=target,
                           detail_json=json.dumps(detail, ensure_ascii=False, default=str)))


def load_hall(session: Session, doc: dict[str, Any], password_hash: str, now: datetime) -> None:
    """hall.json into the tables (upsert by code); new staff get `password_hash`."""
    h = doc["hall"]
    hall = session.get(Hall, h["code"]) or Hall(code=h["code"])
    hall.doc_json = json.dumps(h, ensure_ascii=False)
    session.add(hall)
    for d in doc["departments"]:
        row = session.get(Department, d["code"]) or Department(code=d["code"])
        row.name, row.short_name, row.uscc, row.address = d["name"], d["short_name"], d.get("uscc", ""), d.get(
            "address", "")
        session.add(row)
    session.flush()
    for w in doc["windows"]:
        row = session.get(Window, w["code"]) or Window(code=w["code"])
        row.number, row.name, row.department_code, row.phone = w["number"], w["name"], w["department_code"], w.get(
            "phone", "")
        session.add(row)
    session.flush()
    for p in doc["staff"]:
        row = session.get(Staff, p["username"]) or Staff(username=p["username"], password_hash=password_hash)
        row.name, row.role, row.phone = p["name"], p["role"], p.get("phone", "")
        row.window_code, row.department_code = p.get("window_code"), p.get("department_code")
        row.active = p.get("active", True)
        session.add(row)
    session.flush()
    for s in doc.get("seals", []):
        row = session.get(Seal, s["code"]) or Seal(code=s["code"])
        row.window_code, row.org_name, row.purpose = s["window_code"], s["org_name"], s.get("purpose", "行政审批服务专用章")
        row.custodian, row.status, row.valid_from = s.get("custodian"), s.get("status", "active"), parse_day(
            s["valid_from"])
        session.add(row)
    session.execute(delete(Delegation))
    for d in doc.get("delegations", []):
        session.add(Delegation(item_code=d["item_code"], chief=d["chief"], valid_from=parse_day(d["valid_from"]),
                               valid_to=parse_day(d.get("valid_to"))))
    session.execute(delete(Deputy))
    for d in doc.get("deputies", []):
        session.add(Deputy(chief=d["chief"], deputy=d["deputy"], valid_from=parse_day(d["valid_from"]),
                           valid_to=parse_day(d["valid_to"]), reason=d.get("reason", ""),
                           named_by=d.get("named_by", "")))
    session.flush()
    _log(session, now, "load_hall", h["code"])


def import_warnings(doc: dict[str, Any]) -> list[str]:
    """What the catalog promises that the reform does not allow (提速率 < 50 %), for the administrator."""
    return catalog_warnings(doc.get("items") or [])


def import_catalog(session: Session, doc: dict[str, Any], now: datetime) -> str:
    """A new catalog version, made current; the label must be new (versions are never rewritten)."""
    label = str(doc.get("version", "")).strip()
    if not label or not isinstance(doc.get("items"), list):
        raise AdminError("事项目录文件应包含 version 与 items")
    depts = set(session.execute(select(Department.code)).scalars())
    for it in doc["items"]:
        for key in ("code", "name", "department_code", "kind", "processing_type", "review_mode", "materials"):
            if key not in it:
                raise AdminError(f"事项 {it.get('code', '?')} 缺少 {key}")
        if it["department_code"] not in depts:
            raise AdminError(f"事项 {it['code']} 的部门 {it['department_code']} 不存在")
        try:  # the same reading of the 告知承诺 terms as the workstation's import
            parse_commitment(it.get("commitment"), [m.get("name") for m in it["materials"]], it.get("conditions", ""))
        except TermsError as exc:
            raise AdminError(f"事项 {it['code']}：{exc}") from exc
    problems = theme_problems(doc, window_departments(session))
    if problems:
        raise AdminError("；".join(problems[:5]))
    if session.execute(select(ReferenceDoc.id).where(ReferenceDoc.kind == "catalog",
                                                     ReferenceDoc.label == label)).first():
        raise AdminError(f"事项目录版本 {label} 已导入过")
    session.execute(update(ReferenceDoc).where(ReferenceDoc.kind == "catalog").values(current=False))
    session.add(ReferenceDoc(kind="catalog", label=label, doc_json=json.dumps(doc, ensure_ascii=False),
                             current=True, loaded_at=now))
    # 提速率 below 50 % is warned, not refused (app/core/promise_rules.py says why); the log keeps the warnings.
    _log(session, now, "import_catalog", label, items=len(doc["items"]), warnings=catalog_warnings(doc["items"]))
    return label


def load_certificate_types(session: Session, doc: dict[str, Any], now: datetime) -> None:
    if not isinstance(doc.get("types"), list):
        raise AdminError("证照类型文件应包含 types")
    label = f"types-{now:%Y%m%d%H%M%S%f}"
    session.execute(update(ReferenceDoc).where(ReferenceDoc.kind == "certificate_types").values(current=False))
    session.add(ReferenceDoc(kind="certificate_types", label=label, doc_json=json.dumps(doc, ensure_ascii=False),
                             current=True, loaded_at=now))


def update_calendar(session: Session, schedule: dict[str, Any], now: datetime) -> int:
    """Load (or replace) one year's official schedule; workstations pick it up with the calendar document."""
    days = expand_schedule(schedule)  # raises ProtocolError on a malformed schedule
    year = days[0].day.year
    label = str(year)
    old = session.execute(select(ReferenceDoc).where(ReferenceDoc.kind == "calendar_year",
                                                     ReferenceDoc.label == label)).scalar_one_or_none()
    if old is not None:
        session.delete(old)
        session.flush()
    session.add(ReferenceDoc(kind="calendar_year", label=label, doc_json=json.dumps(schedule, ensure_ascii=False),
                             current=True, loaded_at=now))
    _log(session, now, "update_calendar", label, holidays=sum(1 for d in days if d.kind == "holiday"))
    return year


def create_staff(session: Session, username: str, name: str, role: str, window_code: str | None,
                 password: str, now: datetime) -> None:
    if role not in ROLES:
        raise AdminError(f"角色应为 {'/'.join(ROLES)}")
    if session.get(Staff, username) is not None:
        raise AdminError(f"用户名 {username} 已存在")
    window = session.get(Window, window_code) if window_code else None
    if window_code and window is None:
        raise AdminError(f"窗口 {window_code} 不存在")
    if role != "admin" and window is None:
        raise AdminError("窗口人员和首席代表须指定窗口")
    session.add(Staff(username=username, name=name, role=role, window_code=window_code,
                      department_code=window.department_code if window else None,
                      password_hash=_hash(password), active=True))
    _log(session, now, "create_staff", username, role=role, window=window_code)


def _hash(password: str) -> str:
    try:
        return hash_password(password)
    except ValueError as exc:
        raise AdminError(str(exc)) from exc


def _staff(session: Session, username: str) -> Staff:
    row = session.get(Staff, username)
    if row is None:
        raise AdminError(f"没有用户 {username}")
    return row


def reset_password(session: Session, username: str, password: str, now: datetime) -> None:
    row = _staff(session, username)
    row.password_hash, row.failed_logins, row.locked_until = _hash(password), 0, None
    session.execute(delete(StaffToken).where(StaffToken.username == username))
    _log(session, now, "reset_password", username)


def set_locked(session: Session, username: str, locked: bool, now: datetime) -> None:
    """A locked account cannot sign in here or (after the next sync) at any workstation."""
    row = _staff(session, username)
    row.active = not locked
    if locked:
        session.execute(delete(StaffToken).where(StaffToken.username == username))
    _log(session, now, "lock" if locked else "unlock", username)


def find_window(session: Session, given: str) -> Window:
    """The window by its code (W01) or by the number on the counter (A01), as an administrator types either."""
    key = given.strip().upper()
    row = session.get(Window, key) or session.execute(select(Window).where(Window.number == key)).scalars().first()
    if row is not None:
        return row
    known = [f"{w.code}（{w.number} {w.name}）" for w in session.execute(select(Window).order_by(Window.code)).scalars()]
    if not known:  # a fresh real database: the hall was never loaded (the demo hall lives only in --demo's)
        raise AdminError(f"窗口 {given} 不存在：本服务器数据库中还没有任何窗口，请先用 load-hall 导入大厅数据"
                         "（或加 --demo 使用演示数据库）")
    raise AdminError(f"窗口 {given} 不存在。本服务器的窗口：{'、'.join(known)}")


def new_code(session: Session, window_code: str, ttl: Any, now: datetime) -> str:
    window_code = find_window(session, window_code).code
    code = new_enrolment_code()
    session.add(EnrolmentCode(code_sha256=digest(normalise_code(code)), window_code=window_code, created_at=now,
                              expires_at=now + ttl))
    _log(session, now, "enrolment_code", window_code)
    return code


def _publish_delegations(session: Session, now: datetime) -> None:
    session.flush()
    changes.append(session, "delegations", "all", None, {"delegations": delegations_doc(session)}, now)


def add_delegation(session: Session, item_code: str, chief: str, valid_from: date, valid_to: date | None,
                   now: datetime) -> int:
    person = _staff(session, chief)
    if person.role != "chief":
        raise AdminError(f"{person.name}不是首席代表")
    row = Delegation(item_code=item_code, chief=chief, valid_from=valid_from, valid_to=valid_to)
    session.add(row)
    session.flush()
    _publish_delegations(session, now)
    _log(session, now, "add_delegation", item_code, chief=chief)
    return row.id


def revoke_delegation(session: Session, item_code: str, chief: str, now: datetime) -> int:
    rows = list(session.execute(select(Delegation).where(Delegation.item_code == item_code,
                                                         Delegation.chief == chief,
                                                         Delegation.revoked_at.is_(None))).scalars())
    if not rows:
        raise AdminError(f"没有 {chief} 对事项 {item_code} 的有效授权")
    for row in rows:
        row.revoked_at = now
    _publish_delegations(session, now)
    _log(session, now, "revoke_delegation", item_code, chief=chief)
    return len(rows)


def set_seal_status(session: Session, code: str, status: str, now: datetime, reason: str = "") -> None:
    """Revoke, seal away (封存) or declare lost: from this moment the seal cannot be used."""
    if status not in SEAL_STATUSES:
        raise AdminError(f"印章状态应为 {'/'.join(SEAL_STATUSES)}")
    seal = session.get(Seal, code)
    if seal is None:
        raise AdminError(f"没有印章 {code}")
    seal.status, seal.status_changed_at = status, now
    session.flush()
    changes.append(session, "seal", code, None, seal_doc(seal), now)
    _log(session, now, "seal_status", code, status=status, reason=reason)
