"""Deadlines of a case from the working-day calendar, and every change recorded with its reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from app.reference.calendar import WorkCalendar
from db.models import Case, DeadlineChange

NOTICE_DAYS = 5  # 行政许可法 art. 32: tell within five working days, or the application counts as accepted


@dataclass(frozen=True)
class Deadlines:
    promised: date
    legal: date
    provisional: bool
    calendar_version: str


def compute(cal: WorkCalendar, clock_start: date, promised_days: int, legal_days: int,
            suspensions: Sequence[tuple[date, date]] = (), extension_days: int = 0) -> Deadlines:
    """The start day is not counted; suspended days (both ends included) do not count."""
    promised = cal.add_working_days(clock_start, promised_days, suspensions)
    legal = cal.add_working_days(clock_start, legal_days + extension_days, suspensions)
    return Deadlines(promised.day, legal.day, promised.provisional or legal.provisional, cal.version)


def set_deadlines(session: Session, case: Case, d: Deadlines, reason: str, at: datetime) -> None:
    """Apply new deadlines to the case, writing a DeadlineChange for each one that moved."""
    for which, old, new in (("promised", case.promised_deadline, d.promised), ("legal", case.legal_deadline, d.legal)):
        if old != new:
            session.add(DeadlineChange(case_id=case.id, at=at, which=which, old=old, new=new, reason=reason,
                                       calendar_version=d.calendar_version, provisional=d.provisional))
    case.promised_deadline, case.legal_deadline = d.promised, d.legal
    case.deadline_provisional, case.calendar_version = d.provisional, d.calendar_version


def set_notice_due(session: Session, cal: WorkCalendar, case: Case, received_on: date, at: datetime) -> None:
    """The last day to issue the one-time notice before the application counts as accepted."""
    due = cal.add_working_days(received_on, NOTICE_DAYS)
    session.add(DeadlineChange(case_id=case.id, at=at, which="notice", old=case.notice_due, new=due.day,
                               reason="收件：五个工作日内一次性告知（行政许可法第三十二条）",
                               calendar_version=cal.version, provisional=due.provisional))
    case.notice_due = due.day
