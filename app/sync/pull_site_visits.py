"""Site visits of the window's cases scheduled or resulted at its other workstations (the change feed brings them).

The chief signs off at his own workstation: the visit and its result must be there before he can decide (the
decision checks the visits it holds). A visit with ops still waiting here is left as it is (this workstation's
push comes first). The photos stay with the workstation that took them and on the server; the result says how
many there are (photo_count) and their hashes, by which app.sync.visit_photos fetches them when the clerk asks.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.sync.outbox_push import has_pending
from app.sync.protocol import parse_day, parse_ts
from db.models import Case, SiteVisit, Staff

MAX_PHOTOS = 20  # as app/cases/site_visits.py and the server
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _hashes(raw: Any) -> list[str]:
    """The photos' hashes the server sent (anything else is left out: nothing is fetched by a guessed name)."""
    if not isinstance(raw, list):
        return []
    return list(dict.fromkeys(h for h in raw if isinstance(h, str) and _SHA256.fullmatch(h)))[:MAX_PHOTOS]


def _staff_id(session: Session, username: str | None) -> int | None:
    if not username:
        return None
    return session.execute(select(Staff.id).where(Staff.username == username)).scalar_one_or_none()


def apply_site_visit(session: Session, rec: dict[str, Any], at: datetime) -> bool:
    """The server's record onto the local row (created if new); False if left for pending ops or unknown refs."""
    if has_pending(session, "site_visit", rec["id"]):
        return False
    visit = session.get(SiteVisit, rec["id"])
    if visit is None:
        scheduled_by = _staff_id(session, rec.get("scheduled_by"))
        day = parse_day(rec.get("day"))
        if session.get(Case, rec.get("case_id") or "") is None or scheduled_by is None or day is None:
            return False  # the case (or the person) has not come down: the feed brought them first, so not expected
        visit = SiteVisit(id=rec["id"], case_id=rec["case_id"], scheduled_on=day, place=str(rec.get("place") or ""),
                          inspectors_json=json.dumps(list(rec.get("inspectors") or []), ensure_ascii=False),
                          checks=str(rec.get("checks") or ""), scheduled_at=at, scheduled_by_id=scheduled_by,
                          result_note="")
        session.add(visit)
    if rec.get("result") and visit.result is None:
        visit.result, visit.result_note = str(rec["result"]), str(rec.get("note") or "")
        visit.rectify_due = parse_day(rec.get("rectify_due"))
        visit.result_at = parse_ts(rec["result_at"]) if rec.get("result_at") else at
        visit.result_by_id = _staff_id(session, rec.get("result_by"))
        visit.photo_count = int(rec.get("photos") or 0)
    if visit.result is not None and visit.photo_hashes_json in ("", "[]"):
        visit.photo_hashes_json = json.dumps(_hashes(rec.get("photo_hashes")))
    return True
