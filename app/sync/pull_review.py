"""The review that happened at another workstation, as the server recorded it: who examined the case and
what they proposed. The chief signing here sees the proposal (its terms fill the blank fields of the
sign-off) and the two-person rule knows every reviewer, before anything is sealed or printed here."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Case, CaseEvent, Staff

SYNCED_REVIEW = "审查意见（经中心服务器同步）"
_FIELDS = ("outcome", "opinion", "content", "validity", "reasons", "basis", "competent_authority")


def _ids(session: Session, usernames: list[str]) -> dict[str, int]:
    if not usernames:
        return {}
    return dict(session.execute(select(Staff.username, Staff.id).where(Staff.username.in_(usernames))).all())


def apply_review(session: Session, case: Case, rec: dict[str, Any], at: datetime) -> None:
    """Record the server's proposal and reviewers on the case once (as a "reviewed" event), unless known here."""
    proposal = rec.get("proposal")
    reviewers = [str(u) for u in rec.get("reviewers") or []]
    if not isinstance(proposal, dict) or not proposal.get("outcome"):
        return
    decision = {k: str(proposal.get(k) or "") for k in _FIELDS}
    for data_json in session.execute(select(CaseEvent.data_json).where(CaseEvent.case_id == case.id,
                                                                       CaseEvent.kind == "reviewed")).scalars():
        if (json.loads(data_json or "{}").get("decision") or {}) == decision:
            return  # made here, or applied from an earlier page
    ids = _ids(session, [*reviewers, str(proposal.get("by") or "")])
    session.add(CaseEvent(case_id=case.id, at=at, staff_id=ids.get(str(proposal.get("by") or "")), kind="reviewed",
                          from_state=case.state, to_state=case.state, reason=SYNCED_REVIEW,
                          data_json=json.dumps({"decision": decision, "reviewer_ids": sorted(ids.values())},
                                               ensure_ascii=False)))
