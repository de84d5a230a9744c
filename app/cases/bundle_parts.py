"""A case that is a part of a 一件事 bundle: whether it waits on its 前置, and what a decision on a 前置 does
to the parts that wait on it. Called inside the deciding use case's transaction (one commit for both).

Approval of the last 前置 a part waits on starts that part's clock on the day of the approval (the day is
not counted, as at an acceptance). A denial stops every part that waits on it, with an event that the
follow-up page shows and the applicant is told of at the comprehensive window.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.deadlines import compute, set_deadlines
from app.cases.snapshot import case_snapshot
from app.cases.states import State, check_transition
from app.core import outbox
from app.core.errors import AppError
from app.reference import workdays
from db.models import Case, CaseEvent


def prerequisites(case: Case) -> list[str]:
    """The case ids of the parts this one waits on."""
    return list(json.loads(case.bundle_after or "[]"))


def is_waiting(case: Case) -> bool:
    """Accepted, but its clock has not started: its 前置 is not approved yet."""
    return bool(prerequisites(case)) and case.clock_start is None and case.state == State.ACCEPTED


def check_not_waiting(case: Case) -> None:
    """Nothing is decided on a part before its 前置 is approved."""
    if is_waiting(case):
        raise AppError("waiting_on_prerequisite", f"办件 {case.case_no} 须待前置事项准予后办理")


def follow_decision(session: Session, case: Case, staff_id: int | None, day: date, now: datetime, *,
                    only_window: int | None = None) -> list[str]:
    """After `case` was decided: start or stop the parts that wait on it. Returns their case numbers.

    `only_window`: after a pull, only the parts of this workstation's window (each window pushes its own)."""
    if not case.bundle_id or case.state not in (State.APPROVED, State.DENIED):
        return []
    siblings = session.execute(select(Case).where(Case.bundle_id == case.bundle_id, Case.id != case.id)
                               ).scalars().all()
    by_id = {c.id: c for c in siblings} | {case.id: case}
    moved: list[str] = []
    for part in siblings:
        if case.id not in prerequisites(part) or not is_waiting(part):
            continue
        if only_window is not None and part.window_id != only_window:
            continue
        if case.state == State.DENIED:
            check_transition(part.state, State.STOPPED)
            old, part.state, part.closed_at, part.updated_at = part.state, str(State.STOPPED), now, now
            reason = f"前置事项“{case.item_name}”（{case.case_no}）不予许可，本事项终止办理，已告知申请人"
            _event(session, part, staff_id, "bundle_stopped", old, now, reason, prerequisite=case.case_no)
            outbox.enqueue(session, "case", part.id, "stop", case_snapshot(part), now)
            moved.append(part.case_no)
            continue
        if any(by_id[p].state != State.APPROVED and by_id[p].decision != "approved" for p in prerequisites(part)
               if p in by_id):
            continue  # another 前置 is still running
        part.clock_start, part.updated_at = day, now
        cal = workdays.current_calendar(session)
        set_deadlines(session, part, compute(cal, day, part.promised_days, part.legal_days),
                      f"前置事项“{case.item_name}”准予，自准予之日起计算时限", now)
        part.printed_promised = part.promised_deadline
        _event(session, part, staff_id, "bundle_started", part.state, now,
               f"前置事项“{case.item_name}”（{case.case_no}）已准予，开始计时", prerequisite=case.case_no)
        outbox.enqueue(session, "case", part.id, "clock_start", case_snapshot(part), now)
        moved.append(part.case_no)
    return moved


def _event(session: Session, case: Case, staff_id: int | None, kind: str, old: str | None, at: datetime,
           reason: str, **data: object) -> None:
    session.add(CaseEvent(case_id=case.id, at=at, staff_id=staff_id, kind=kind, from_state=old,
                          to_state=case.state, reason=reason, data_json=json.dumps(data, ensure_ascii=False)))
