"""The applicant's full ID number and phone, shown on the case detail only after a click, and audited."""

from __future__ import annotations

from dataclasses import dataclass

from app.core import audit
from app.core.auth import Action, require
from app.core.context import Actor, AppContext
from app.core.errors import NotFound
from db.models import Case


@dataclass(frozen=True)
class PersonalNumbers:
    case_id: str
    id_number: str
    phone: str
    agent_id_number: str


def reveal(ctx: AppContext, actor: Actor, case_id: str) -> PersonalNumbers:
    """The full numbers of one case's applicant; who looked at whose, and when, goes to the audit log."""
    require(actor, Action.VIEW_CASES)
    with ctx.write("reveal_personal_data") as s:
        case = s.get(Case, case_id)
        if case is None:
            raise NotFound("办件不存在")
        audit.record(s, actor.staff_id, "personal_data_viewed", case.case_no,
                     {"fields": ["applicant_id_number", "applicant_phone", "agent_id_number"]})
        return PersonalNumbers(case.id, case.applicant_id_number, case.applicant_phone, case.agent_id_number or "")
