"""告知承诺 post-checks and revocations of the window recorded at its other workstations (the change feed brings them).

Whoever sits at the window next must see that a check was done (or found the commitment false) and that the
approval was revoked, with its credit record (信用记录) in the figures — not do the check a second time. The server's
record is the hall's: it judged the op from its own staff and catalog records. A check with ops still waiting here
is left as it is (this workstation's push comes first). The case comes down before its check (cases are applied
first); a case or item this workstation does not hold yet leaves the record for a later page.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.context import utc_start_of
from app.sync.outbox_push import has_pending
from app.sync.protocol import parse_day, parse_ts
from db.models import Case, CommitmentCheck, CreditRecord, Item, Staff

FINAL = ("true", "false")


def _staff_id(session: Session, username: str | None) -> int | None:
    if not username:
        return None
    return session.execute(select(Staff.id).where(Staff.username == username)).scalar_one_or_none()


def _new_check(session: Session, case: Case, rec: dict[str, Any]) -> CommitmentCheck | None:
    """The check as the accepting workstation started it, on the terms of this workstation's catalog item."""
    item = session.get(Item, case.item_id) if case.item_id else None
    committed_on, due = parse_day(rec.get("committed_on")), parse_day(rec.get("due"))
    if item is None or not item.commitment_json or committed_on is None or due is None:
        return None
    row = CommitmentCheck(case_id=case.id, window_id=case.window_id, item_code=case.item_code,
                          terms_json=item.commitment_json, committed_on=committed_on, due=due, note="")
    session.add(row)
    return row


def apply_commitment(session: Session, rec: dict[str, Any], at: datetime) -> bool:
    """The server's record of a commitment onto the local check (created if new); False if left for later."""
    case_id = str(rec.get("case_id") or "")
    if not case_id or has_pending(session, "commitment", case_id):
        return False
    case = session.get(Case, case_id)
    if case is None:
        return False
    row = session.get(CommitmentCheck, case_id) or _new_check(session, case, rec)
    if row is None:
        return False
    result = rec.get("result")
    # A final result here is never undone; 暂无法核实 gives way to the final one found elsewhere.
    if result in ("true", "false", "unverifiable") and row.result not in FINAL and row.result != result:
        checked_on = parse_day(rec.get("checked_on"))
        row.result, row.note = str(result), str(rec.get("note") or "")
        # The day is what counts (on time against `due`): noon of that hall-local day, stored as UTC.
        row.checked_at = utc_start_of(checked_on) + timedelta(hours=12) if checked_on else at
        row.checked_by_id = _staff_id(session, rec.get("checked_by"))
    if rec.get("revoked") and row.revoked_at is None:
        row.revoked_at = parse_ts(rec["revoked_at"]) if rec.get("revoked_at") else at
        row.revoked_by_id = _staff_id(session, rec.get("revoked_by"))
    credit = rec.get("credit")
    if isinstance(credit, dict) and session.execute(select(CreditRecord.id).where(
            CreditRecord.case_id == case_id)).first() is None:
        session.add(CreditRecord(case_id=case_id, kind=str(credit.get("kind") or "false_commitment"),
                                 subject_name=case.applicant_name, subject_id_number=case.applicant_id_number,
                                 reason=str(credit.get("reason") or row.note),
                                 at=parse_ts(credit["at"]) if credit.get("at") else at,
                                 staff_id=row.revoked_by_id))
    return True
