"""Reference data as documents (JSON): load a hall, its staff, seals, delegations, catalog and calendar.

The demo loads resources/demo/ through here; the sync engine applies the server's snapshots
through the same functions, so there is one path for reference data to enter.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.core.commitment_terms import TermsError
from app.core.commitment_terms import parse as parse_commitment
from app.core.errors import ValidationError
from app.core.promise_rules import catalog_warnings
from app.reference import workdays
from app.reference.calendar import DayInfo, DayKind, estimated_days
from app.reference.catalog import pinyin_keys
from app.sync.protocol import expand_schedule
from db.models import (
    CalendarVersion,
    CatalogTheme,
    CatalogVersion,
    CertificateType,
    Delegation,
    Department,
    Deputy,
    Hall,
    Item,
    ItemMaterial,
    Seal,
    Staff,
    Window,
)

log = logging.getLogger(__name__)

Doc = Mapping[str, Any]


def read_json(path: Path) -> Doc:
    return json.loads(path.read_text(encoding="utf-8"))


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def load_hall(session: Session, doc: Doc, password_hash: Callable[[str], str]) -> None:
    """Hall, departments, windows, staff, seals, delegations and deputies (upsert by code)."""
    h = doc["hall"]
    hall = session.execute(select(Hall)).scalar_one_or_none() or Hall(code=h["code"])
    for key in ("code", "name", "short_name", "region_code", "address", "phone", "complaint_phone",
                "verify_base_url", "reconsideration_body", "court"):
        setattr(hall, key, h.get(key, ""))
    session.add(hall)
    depts = {d.code: d for d in session.execute(select(Department)).scalars()}
    for d in doc["departments"]:
        row = depts.get(d["code"]) or Department(code=d["code"])
        row.name, row.short_name = d["name"], d["short_name"]
        row.uscc, row.address = d.get("uscc", ""), d.get("address", "")
        session.add(row)
        depts[d["code"]] = row
    session.flush()
    windows = {w.code: w for w in session.execute(select(Window)).scalars()}
    for w in doc["windows"]:
        row = windows.get(w["code"]) or Window(code=w["code"])
        row.number, row.name, row.phone = w["number"], w["name"], w.get("phone", "")
        row.department_id = depts[w["department_code"]].id
        session.add(row)
        windows[w["code"]] = row
    session.flush()
    staff = {s.username: s for s in session.execute(select(Staff)).scalars()}
    for p in doc["staff"]:
        row = staff.get(p["username"])
        if row is None:
            row = Staff(username=p["username"], password_hash=password_hash(p["username"]))
        if p.get("password_hash"):  # the server's documents carry the hash (offline sign-in, password resets)
            row.password_hash = p["password_hash"]
        row.name, row.role, row.phone = p["name"], p["role"], p.get("phone", "")
        row.window_id = windows[p["window_code"]].id if p.get("window_code") else None
        row.department_id = depts[p["department_code"]].id if p.get("department_code") else None
        row.active = p.get("active", True)
        session.add(row)
        staff[p["username"]] = row
    session.flush()
    load_seals(session, doc.get("seals", []))
    load_delegations(session, doc.get("delegations", []))
    session.query(Deputy).delete()
    for d in doc.get("deputies", []):
        session.add(Deputy(chief_id=staff[d["chief"]].id, deputy_id=staff[d["deputy"]].id,
                           valid_from=_day(d["valid_from"]), valid_to=_day(d["valid_to"]),
                           reason=d.get("reason", ""), named_by=d.get("named_by", "")))
    session.flush()


def _instant(text: str | None) -> datetime | None:
    if not text:
        return None
    at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at


def load_seals(session: Session, seals: Sequence[Doc]) -> None:
    """Upsert seals by code; a status change from the server keeps the moment the seal stopped being usable."""
    windows = {w.code: w.id for w in session.execute(select(Window)).scalars()}
    staff = {p.username: p.id for p in session.execute(select(Staff)).scalars()}
    known = {s.code: s for s in session.execute(select(Seal)).scalars()}
    for s in seals:
        row = known.get(s["code"]) or Seal(code=s["code"])
        row.window_id = windows[s["window_code"]]
        row.org_name, row.purpose = s["org_name"], s.get("purpose", "行政审批服务专用章")
        row.custodian_id = staff[s["custodian"]] if s.get("custodian") else None
        row.status, row.valid_from = s.get("status", "active"), _day(s["valid_from"])
        if "status_changed_at" in s:
            row.status_changed_at = _instant(s["status_changed_at"])
        session.add(row)
    session.flush()


def load_delegations(session: Session, delegations: Sequence[Doc]) -> None:
    """Delegations are replaced wholesale: the department's list (with revocations) is the truth."""
    staff = {p.username: p.id for p in session.execute(select(Staff)).scalars()}
    session.query(Delegation).delete()
    for d in delegations:
        session.add(Delegation(item_code=d["item_code"], chief_id=staff[d["chief"]],
                               valid_from=_day(d["valid_from"]), valid_to=_day(d.get("valid_to")),
                               revoked_at=_instant(d.get("revoked_at"))))
    session.flush()


def load_calendar(session: Session, doc: Doc) -> bool:
    """The server's official year schedules over the current calendar, as a new current version.

    Years the server has replace this workstation's days; the others (the seed's official years and
    estimates) stay, so coverage never shrinks. Returns False when this version is already here.
    """
    label, schedules = doc.get("version", ""), doc.get("schedules") or []
    if not label or not schedules or session.execute(
            select(CalendarVersion.id).where(CalendarVersion.label == label)).first() is not None:
        return False
    cal = workdays.current_calendar(session)
    days = {cal.first_day + timedelta(days=i): cal.day(cal.first_day + timedelta(days=i))
            for i in range((cal.last_day - cal.first_day).days + 1)}
    years = {}
    for schedule in schedules:
        year_days = expand_schedule(dict(schedule))
        if year_days[0].day.year >= cal.first_day.year:
            years[year_days[0].day.year] = year_days
    for year in range(cal.last_day.year + 1, max(years, default=0)):
        for info in estimated_days(year):  # a hole before a far schedule would break day counting
            days[info.day] = info
    for year_days in years.values():
        for d in year_days:
            days[d.day] = DayInfo(d.day, d.workday, DayKind(d.kind), d.name, False)
    through = max(cal.official_through, int(doc.get("official_through") or 0))
    workdays.store_version(session, label, "server", through, [days[d] for d in sorted(days)])
    return True


def load_catalog(session: Session, doc: Doc, source: str) -> int:
    """A new catalog version made current; older versions stay for the cases that cite them."""
    label = doc["version"]
    existing = session.execute(select(CatalogVersion).where(CatalogVersion.label == label)).scalar_one_or_none()
    if existing is not None:
        return existing.id
    depts = {d.code: d.id for d in session.execute(select(Department)).scalars()}
    session.execute(update(CatalogVersion).values(current=False))
    version = CatalogVersion(label=label, source=source, current=True)
    session.add(version)
    session.flush()
    for it in doc["items"]:
        initials, full = pinyin_keys(it["name"])
        item = Item(
            catalog_version_id=version.id, code=it["code"], name=it["name"],
            department_id=depts[it["department_code"]], kind=it["kind"], basis=it.get("basis", ""),
            conditions=it.get("conditions", ""), processing_type=it["processing_type"],
            review_mode=it["review_mode"], site_visit=bool(it.get("site_visit")),
            expert_review=bool(it.get("expert_review")), legal_days=int(it.get("legal_days", 0)),
            promised_days=int(it.get("promised_days", 0)), fee=it.get("fee", ""),
            fee_basis=it.get("fee_basis", ""), location=it.get("location", ""),
            enquiry_phone=it.get("enquiry_phone", ""), complaint_phone=it.get("complaint_phone", ""),
            certificate_type_code=it.get("certificate_type_code"), pinyin_initials=initials,
            pinyin_full=full, commitment_json=_commitment_json(it),
        )
        item.materials = [
            ItemMaterial(seq=i + 1, name=m["name"], form=m["form"], copies=int(m.get("copies", 1)),
                         template=m.get("template", ""), may_defer=bool(m.get("may_defer")),
                         note=m.get("note", ""))
            for i, m in enumerate(it["materials"])
        ]
        session.add(item)
    for theme in doc.get("themes", ()):  # 一件事 themes: kept whole, read by app.reference.catalog.themes
        session.add(CatalogTheme(catalog_version_id=version.id, code=theme["code"], name=theme["name"],
                                 spec_json=json.dumps(theme, ensure_ascii=False)))
    session.flush()
    for warning in catalog_warnings(doc["items"]):  # the catalog page shows them too (slow_promises)
        log.warning("事项目录 %s：%s", label, warning)
    return version.id


def _commitment_json(it: Doc) -> str:
    """The item's 告知承诺 terms checked against its own materials (the rule the server's import applies)."""
    try:
        terms = parse_commitment(it.get("commitment"), [m["name"] for m in it["materials"]], it.get("conditions", ""))
    except TermsError as exc:
        raise ValidationError(f"catalog.{it['code']}.commitment", f"事项 {it['code']}：{exc}") from exc
    return terms.to_json() if terms else ""


def load_certificate_types(session: Session, doc: Doc) -> None:
    """Certificate types as data (layout, fields, number format), replaced by code."""
    known = {c.code: c for c in session.execute(select(CertificateType)).scalars()}
    for t in doc.get("types", []):
        row = known.get(t["code"]) or CertificateType(code=t["code"])
        row.name = t["name"]
        row.spec_json = json.dumps(t, ensure_ascii=False)
        session.add(row)
    session.flush()
