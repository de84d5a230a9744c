"""上报 within two working days: the forwarding deadline, the cases still to forward, the department's time.

二七区: "对需市级部门审批的，一律在手续完备后2日内上报市有关单位". A case whose item is forwarded (上报件)
gets its forwarding deadline when its papers are complete — the day its clock starts: the acceptance day,
or the day the 补正 made them complete — two working days on the official calendar, the start day not
counted (as every deadline here). A case forwarded for another reason (no chief representative holds the
authority) is measured against the same two days from its clock start when it is forwarded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.cases.lights import Light, light_of, light_window
from app.core.auth import Action, require
from app.core.context import Actor, AppContext, to_local
from app.reference import workdays
from app.reference.calendar import CalendarError, WorkCalendar
from db.models import FORWARD_PENDING_SQL, Case, DeadlineChange

FORWARD_DAYS = 2  # 手续完备后2日内上报 (working days)
# The light turns yellow on the last working day before the deadline: the whole period is two days.
FORWARD_YELLOW_WORKDAYS = 1
FORWARD_REASON = "手续完备，须于两个工作日内上报"


def must_forward(case: Case) -> bool:
    """A 上报件: the department decides, and the window has two working days to send it there."""
    return case.processing_type == "forwarded"


def set_forward_due(session: Session, cal: WorkCalendar, case: Case, complete_on: date, at: datetime) -> None:
    """The forwarding deadline from the day the papers are complete (recorded like every deadline)."""
    due = cal.add_working_days(complete_on, FORWARD_DAYS)
    if case.forward_due != due.day:
        session.add(DeadlineChange(case_id=case.id, at=at, which="forward", old=case.forward_due, new=due.day,
                                   reason=FORWARD_REASON, calendar_version=cal.version,
                                   provisional=due.provisional))
    case.forward_due = due.day


def mark_forwarded(session: Session, case: Case, at: datetime) -> bool:
    """Record the moment the case went to the department; True when that was after its deadline."""
    if case.forward_due is None and case.clock_start is not None:
        set_forward_due(session, workdays.current_calendar(session), case, case.clock_start, at)
    case.forwarded_at = at
    return forwarded_late(case) is True


def forwarded_late(case: Case) -> bool | None:
    """Whether the case was forwarded after its deadline (None: not forwarded, or no deadline)."""
    if case.forwarded_at is None or case.forward_due is None:
        return None
    return to_local(case.forwarded_at).date() > case.forward_due


@dataclass(frozen=True)
class ForwardRow:
    """A case still to be forwarded, with its deadline's light."""

    case_id: str
    case_no: str
    applicant_name: str
    item_name: str
    forward_due: date
    light: Light


def pending_forwards(ctx: AppContext, actor: Actor, window_id: int | None, limit: int = 200
                     ) -> tuple[ForwardRow, ...]:
    """The window's cases still to forward, most urgent first (along ix_case_forward_pending)."""
    require(actor, Action.VIEW_CASES)
    where = FORWARD_PENDING_SQL + (" AND window_id = :window" if window_id is not None else "")
    with ctx.read() as s:
        window = light_window(workdays.current_calendar(s), ctx.today(), FORWARD_YELLOW_WORKDAYS)
        rows = s.execute(select(Case.id, Case.case_no, Case.applicant_name, Case.item_name, Case.forward_due)
                         .where(text(where)).params(window=window_id)
                         .order_by(Case.forward_due, Case.case_no).limit(limit)).all()
    return tuple(ForwardRow(r[0], r[1], r[2], r[3], r[4], light_of(r[4], window)) for r in rows)


@dataclass(frozen=True)
class DepartmentTime:
    """How long the department took, beside the legal limit (shown when its decision has come back)."""

    forwarded_on: date
    decided_on: date
    workdays: int  # working days from forwarding (not counted) to the decision
    legal_days: int
    legal_deadline: date | None
    within_legal: bool  # decided on or before the legal deadline

    @property
    def text(self) -> str:
        limit = f"法定时限 {self.legal_days} 个工作日" + (f"（至 {self.legal_deadline:%Y-%m-%d}）"
                                                         if self.legal_deadline else "")
        verdict = "未超法定时限" if self.within_legal else "已超法定时限"
        return (f"部门用时 {self.workdays} 个工作日（{self.forwarded_on:%m-%d} 上报，{self.decided_on:%m-%d} 决定）；"
                f"{limit}，{verdict}")


def department_time(cal: WorkCalendar, case: Case) -> DepartmentTime | None:
    """The department's time on a forwarded case it has decided (None before that)."""
    if case.forwarded_at is None or case.decided_at is None:
        return None
    forwarded_on, decided_on = to_local(case.forwarded_at).date(), to_local(case.decided_at).date()
    try:
        used = cal.working_days_between(forwarded_on, decided_on)
    except CalendarError:
        return None
    within = case.legal_deadline is None or decided_on <= case.legal_deadline
    return DepartmentTime(forwarded_on, decided_on, used, case.legal_days, case.legal_deadline, within)
