"""Consultations of the window recorded at its other workstations, as the server's change feed brings them.

The first person asked stays responsible (首问负责): a colleague at the next workstation sees the record (and can
start the intake from it) without the visitor telling the story twice. A record with ops still waiting here is
left as it is (this workstation's own push comes first). The case it became is linked when that case is here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.sync.outbox_push import has_pending
from app.sync.protocol import parse_ts
from db.models import Case, CatalogVersion, Consultation, ConsultationItem, Item, Staff, Window


def _window_id(session: Session, code: str | None) -> int | None:
    if not code:
        return None
    return session.execute(select(Window.id).where(Window.code == code)).scalar_one_or_none()


def _item_id(session: Session, code: str) -> int | None:
    return session.execute(select(Item.id).join(CatalogVersion, Item.catalog_version_id == CatalogVersion.id)
                           .where(Item.code == code).order_by(CatalogVersion.current.desc(), Item.id.desc())
                           .limit(1)).scalar_one_or_none()


def apply_consultation(session: Session, rec: dict[str, Any], at: datetime) -> bool:
    """The server's record onto the local row (created if new); False if left for pending ops or unknown refs."""
    if has_pending(session, "consultation", rec["id"]):
        return False
    row = session.get(Consultation, rec["id"])
    if row is None:
        window_id = _window_id(session, rec.get("window_code"))
        staff_id = session.execute(select(Staff.id).where(Staff.username == rec.get("staff"))).scalar_one_or_none()
        if window_id is None or staff_id is None:
            return False  # the hall document that names them has not arrived: the next pull brings both
        row = Consultation(id=rec["id"], window_id=window_id, staff_id=staff_id,
                           at=parse_ts(rec["at"]) if rec.get("at") else at,
                           person_name=str(rec.get("person_name") or ""), person_phone=str(rec.get("person_phone") or ""),
                           question=str(rec.get("question") or ""), answer=str(rec.get("answer") or ""),
                           referral_window_id=_window_id(session, rec.get("referral_window_code")),
                           origin_device="")
        for seq, item in enumerate(rec.get("items") or [], 1):
            if isinstance(item, dict) and item.get("item_code"):
                code = str(item["item_code"])
                row.items.append(ConsultationItem(seq=seq, item_id=_item_id(session, code), item_code=code,
                                                  item_name=str(item.get("item_name") or ""),
                                                  window_id=_window_id(session, item.get("window_code"))))
        session.add(row)
    if rec.get("case_no") and row.case_id is None:
        row.case_id = session.execute(select(Case.id).where(Case.case_no == rec["case_no"])).scalar_one_or_none()
    return True
