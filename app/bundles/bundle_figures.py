"""Figures of 一件事一次办: bundles received and finished in a period, the working days they took against the
sum of their parts' legal limits (the time the applicant saved by not going item after item), and on-time
decisions per department within bundles."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.cases.states import OPEN_STATES, State
from app.core.auth import Action, require
from app.core.context import Actor, AppContext, to_local
from app.reference import workdays
from db.models import Bundle, Case, Department

DECIDED = frozenset({State.APPROVED, State.DENIED, State.CERTIFICATE_ISSUED, State.DELIVERED})


@dataclass(frozen=True)
class DepartmentOnTime:
    department: str
    decided: int
    on_time: int  # decided on or before the part's legal deadline


@dataclass(frozen=True)
class BundleFigures:
    received: int
    finished: int  # every part decided, stopped or refused
    days_taken: int  # working days from receipt to the last decision, summed over finished bundles
    days_if_one_by_one: int  # the sum of their parts' legal limits
    departments: tuple[DepartmentOnTime, ...]

    @property
    def days_saved(self) -> int:
        return self.days_if_one_by_one - self.days_taken


def bundle_figures(ctx: AppContext, actor: Actor, first: date, last: date) -> BundleFigures:
    """Bundles received from `first` to `last` (hall-local days, both included)."""
    require(actor, Action.VIEW_STATS)
    with ctx.read() as s:
        cal = workdays.current_calendar(s)
        depts = dict(s.execute(select(Department.id, Department.name)).all())
        bundles = [b for b in s.execute(select(Bundle)).scalars()
                   if first <= to_local(b.received_at).date() <= last]
        received = finished = taken = one_by_one = 0
        on_time: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for b in bundles:
            received += 1
            parts = list(s.execute(select(Case).where(Case.bundle_id == b.id)).scalars())
            for c in parts:
                if c.state in DECIDED and c.decided_at is not None:
                    row = on_time[depts.get(c.department_id, "")]
                    row[0] += 1
                    row[1] += int(c.legal_deadline is None or to_local(c.decided_at).date() <= c.legal_deadline)
            if not parts or any(c.state in OPEN_STATES for c in parts):
                continue
            finished += 1
            ends = [to_local(c.decided_at or c.closed_at or c.updated_at).date() for c in parts]
            taken += cal.working_days_between(to_local(b.received_at).date(), max(ends))
            one_by_one += sum(c.legal_days for c in parts if c.state in DECIDED)  # the parts that ran
        return BundleFigures(received, finished, taken, one_by_one,
                             tuple(DepartmentOnTime(d, n, ok) for d, (n, ok) in sorted(on_time.items())))
