"""The case timeline: one CaseEvent row per thing that happened, written in the caller's transaction."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy.orm import Session

from db.models import CaseEvent


def add_event(session: Session, case_id: str, staff_id: int | None, kind: str, at: datetime, reason: str = "",
              from_state: str | None = None, to_state: str | None = None, **data: object) -> None:
    """Who (None: the system), when, what and why; `data` holds the details the timeline shows."""
    session.add(CaseEvent(case_id=case_id, at=at, staff_id=staff_id, kind=kind, from_state=from_state,
                          to_state=to_state, reason=reason,
                          data_json=json.dumps(data, ensure_ascii=False, default=str)))
