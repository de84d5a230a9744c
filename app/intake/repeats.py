"""The same applicant for the same item again on the same day: most likely one visit entered twice.

The counter is told before anything is written and offered the existing case; it may still open a new
one (a second shop, a second premises), so this only informs — it refuses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from app.cases.states import STATE_LABELS, State
from app.core.context import Actor, AppContext, utc_start_of
from db.models import Case


@dataclass(frozen=True)
class EarlierCase:
    case_id: str
    case_no: str
    state_label: str


def _plain(id_number: str) -> str:
    return "".join(id_number.split()).upper()


def same_day_cases(ctx: AppContext, actor: Actor, id_number: str, item_id: int) -> list[EarlierCase]:
    """This window's cases of today for the applicant's ID number and the item, oldest first."""
    number = _plain(id_number)
    if not number or not item_id or actor.window_id is None:
        return []
    today = ctx.today()
    with ctx.read() as s:
        rows = s.execute(select(Case.id, Case.case_no, Case.state).where(
            Case.applicant_id_number == number, Case.item_id == item_id, Case.window_id == actor.window_id,
            Case.received_at >= utc_start_of(today), Case.received_at < utc_start_of(today + timedelta(days=1)))
            .order_by(Case.received_at)).all()
    return [EarlierCase(r.id, r.case_no, STATE_LABELS.get(State(r.state), r.state)) for r in rows]
