"""The review desk and the chief representative's queue: cases waiting for a review, a sign-off or a document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.cases.states import STATE_LABELS, State
from app.core.auth import Action, require
from app.core.context import Actor, AppContext, local_naive
from app.core.errors import AppError
from app.signoff.decisions import DecisionInput, decision_documents, stored_decision
from app.signoff.delegations import delegated_to_anyone
from app.signoff.review import check_signer
from db.models import Case, CaseEvent, Staff

FAR_FUTURE = date(9999, 12, 31)


@dataclass(frozen=True)
class QueueRow:
    """A case waiting for the chief representative, with whether this person may sign it and why not."""

    case_id: str
    case_no: str
    item_code: str
    item_name: str
    applicant_name: str
    processing_type: str
    reviewer_name: str
    reviewed_at: datetime | None  # hall local time
    proposal: DecisionInput | None
    promised_deadline: date | None
    legal_deadline: date | None
    can_sign: bool
    blocker: str  # why this person may not sign it ("" when they may)

    @property
    def routine(self) -> bool:
        """The reviewer proposed approval: the case may go into a batch sign-off."""
        return self.proposal is not None and self.proposal.outcome == "approve"

    @property
    def immediate(self) -> bool:
        return self.processing_type == "immediate"


@dataclass(frozen=True)
class DeskRow:
    """A case at the review desk: what it waits for and what the clerk does next."""

    case_id: str
    case_no: str
    item_name: str
    applicant_name: str
    processing_type: str
    review_mode: str
    state: str
    state_label: str
    next_step: str  # review | decide | forwarded | issue
    next_label: str
    accepted_at: datetime | None
    promised_deadline: date | None
    legal_deadline: date | None


def _name(session: Session, staff_id: int | None) -> str:
    s = session.get(Staff, staff_id) if staff_id else None
    return s.name if s else ""


def _scope(actor: Actor, q: object, by_window: bool) -> object:
    if actor.role == "admin":
        return q
    if by_window and actor.window_id is not None:
        return q.where(Case.window_id == actor.window_id)  # type: ignore[attr-defined]
    return q.where(Case.department_id == actor.department_id)  # type: ignore[attr-defined]


def _reviewed_at(session: Session, case_id: str) -> datetime | None:
    at = session.execute(select(CaseEvent.at).where(CaseEvent.case_id == case_id, CaseEvent.kind == "reviewed")
                         .order_by(CaseEvent.id.desc()).limit(1)).scalar_one_or_none()
    return local_naive(at) if at else None


def signoff_queue(ctx: AppContext, actor: Actor) -> list[QueueRow]:
    """Cases awaiting sign-off in the actor's department: 即办件 first, then by legal deadline."""
    require(actor, Action.VIEW_CASES)
    rows = []
    with ctx.read() as s:
        q = _scope(actor, select(Case).where(Case.state == str(State.AWAITING_SIGNOFF)), by_window=False)
        for case in s.execute(q).scalars():  # type: ignore[call-overload]
            try:
                check_signer(s, ctx, actor, case)
                blocker = ""
            except AppError as exc:
                blocker = exc.message
            rows.append(QueueRow(case.id, case.case_no, case.item_code, case.item_name, case.applicant_name,
                                 case.processing_type, _name(s, case.reviewer_id), _reviewed_at(s, case.id),
                                 stored_decision(s, case.id, ("reviewed",)), case.promised_deadline,
                                 case.legal_deadline, not blocker, blocker))
    rows.sort(key=lambda r: (not r.immediate, r.legal_deadline or FAR_FUTURE, r.promised_deadline or FAR_FUTURE,
                             r.case_no))
    return rows


def _next_step(session: Session, ctx: AppContext, case: Case) -> tuple[str, str] | None:
    state = State(case.state)
    if state in (State.ACCEPTED, State.UNDER_REVIEW):
        if case.review_mode == "single" and case.processing_type != "forwarded":
            return "decide", "审查并作出决定（一审制）"
        if case.processing_type == "forwarded" or not delegated_to_anyone(session, case.item_code, ctx.today()):
            return "review", "审查后上报部门"
        return "review", "审查后报首席代表签批"
    if state == State.FORWARDED:
        return "forwarded", "已上报，等待部门决定"
    if state in (State.APPROVED, State.DENIED) and not decision_documents(session, case.id):
        return "issue", "部门已决定，待出具决定书"
    return None


def review_desk(ctx: AppContext, actor: Actor) -> list[DeskRow]:
    """Cases of the actor's window to review, decide, follow up at the department, or issue a decision for."""
    require(actor, Action.VIEW_CASES)
    working = [str(s) for s in (State.ACCEPTED, State.UNDER_REVIEW, State.FORWARDED)]
    decided = [str(s) for s in (State.APPROVED, State.DENIED)]
    rows = []
    with ctx.read() as s:
        # Decided cases matter only when the department decided them (no approver here): they need a document.
        q = _scope(actor, select(Case).where(or_(Case.state.in_(working), and_(
            Case.state.in_(decided), Case.approver_id.is_(None)))), by_window=True)
        for case in s.execute(q).scalars():  # type: ignore[call-overload]
            step = _next_step(s, ctx, case)
            if step is None:
                continue
            rows.append(DeskRow(case.id, case.case_no, case.item_name, case.applicant_name, case.processing_type,
                                case.review_mode, case.state, STATE_LABELS[State(case.state)], step[0], step[1],
                                local_naive(case.accepted_at) if case.accepted_at else None,
                                case.promised_deadline, case.legal_deadline))
    rows.sort(key=lambda r: (r.processing_type != "immediate", r.promised_deadline or FAR_FUTURE, r.case_no))
    return rows
