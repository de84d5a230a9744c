"""Deciding a case (准予 / 不予行政许可): the state, the people, art. 44's issue deadline and the sealed decision.

Every decision is applied inside the caller's transaction together with its Review row, case
event, outbox entry, audit entry and the sealed decision document; a wrong custodian password, a
revoked seal or a missing glyph leaves nothing behind.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.cases import site_visits
from app.cases.bundle_parts import check_not_waiting, follow_decision
from app.cases.case_documents import issue_for_case
from app.cases.commitments import require_signed
from app.cases.snapshot import case_snapshot
from app.cases.states import STATE_LABELS, State, check_transition
from app.core import audit, outbox
from app.core.auth import Action, require
from app.core.context import Actor, AppContext, to_local
from app.core.errors import AppError, NotFound, ValidationError
from app.documents.data import Decision, DocKind, Refusal
from app.documents.legal_text import cn_date, validity_dates
from app.records.case_events import add_event
from app.reference import workdays
from db.models import Case, CaseEvent, CertificateType, DeadlineChange, Document, Hall, Item, Review, Staff

ISSUE_DAYS = 10  # 行政许可法 art. 44: the certificate is issued within ten working days of the decision
OUTCOME_STATES = {"approve": State.APPROVED, "deny": State.DENIED}
DECISION_OF = {"approve": "approved", "deny": "denied"}


@dataclass(frozen=True)
class DecisionInput:
    """A proposed or final decision: the review opinion, or the signer's; what the decision document prints."""

    outcome: str  # approve | deny
    opinion: str  # 审查意见 / 签批意见
    content: str = ""  # approval: licence content (scope, conditions); denial: the finding (optional)
    validity: str = ""  # approval: validity period as printed, e.g. "2026年11月20日至2031年11月19日"
    reasons: str = ""  # denial: the reasons (art. 38)
    basis: str = ""  # denial: the legal basis
    competent_authority: str = ""  # denial: where the matter belongs to another body

    def cleaned(self) -> DecisionInput:
        """Stripped, and checked for what the decision document must carry."""
        d = DecisionInput(**{k: v.strip() for k, v in asdict(self).items()})
        if d.outcome not in OUTCOME_STATES:
            raise ValidationError("outcome", "请选择准予许可或不予许可")
        if not d.opinion:
            raise ValidationError("opinion", "请填写意见")
        if d.outcome == "approve" and not d.content:
            raise ValidationError("content", "请填写许可内容（许可范围、条件等）")
        if d.outcome == "deny" and not d.reasons:
            raise ValidationError("reasons", "请写明不予许可的具体理由")
        if d.outcome == "deny" and not d.basis:
            raise ValidationError("basis", "请写明不予许可的法律依据")
        if d.outcome == "approve" and d.validity:
            try:  # the certificate takes its validity from these days: they must be real ones
                validity_dates(d.validity)
            except ValueError as exc:
                raise ValidationError("validity", f"有效期限有误：{exc}") from None
        return d


@dataclass(frozen=True)
class DecisionResult:
    """What the desk shows after a review, sign-off or decision, and the documents to print."""

    case_id: str
    case_no: str
    state: str
    decision: str | None  # approved | denied | None while undecided
    document_ids: tuple[str, ...] = ()
    issue_deadline: date | None = None
    on_behalf_of: str = ""  # the chief's name when a deputy signed


def load_case(session: Session, case_id: str) -> Case:
    case = session.execute(select(Case).options(selectinload(Case.materials)).where(Case.id == case_id)
                           ).scalar_one_or_none()
    if case is None:
        raise NotFound("办件不存在")
    return case


def case_event(session: Session, case: Case, staff_id: int | None, kind: str, old: str | None, at: datetime,
               reason: str = "", **data: Any) -> None:
    add_event(session, case.id, staff_id, kind, at, reason, from_state=old, to_state=case.state, **data)


def move(session: Session, case: Case, target: State, staff_id: int | None, kind: str, at: datetime,
         reason: str = "", **data: Any) -> None:
    """One state change with its event (the caller adds the outbox entry once the case is complete)."""
    old = case.state
    check_not_waiting(case)  # a 一件事 part is neither reviewed nor decided before its 前置 is approved
    check_transition(old, target)
    case.state, case.updated_at = str(target), at
    case.row_version += 1
    case_event(session, case, staff_id, kind, old, at, reason, **data)


def snapshot(case: Case) -> dict[str, object]:
    """The intake snapshot plus who reviewed and decided, for the outbox."""
    return {**case_snapshot(case), "decision": case.decision, "decided_at": case.decided_at,
            "decision_content": case.decision_content, "decision_validity": case.decision_validity,
            "reviewer_id": case.reviewer_id, "approver_id": case.approver_id, "issue_deadline": case.issue_deadline}


def stored_decision(session: Session, case_id: str, kinds: tuple[str, ...]) -> DecisionInput | None:
    """The last decision (or proposal) recorded on the case by an event of one of `kinds`."""
    event = session.execute(select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind.in_(kinds))
                            .order_by(CaseEvent.id.desc()).limit(1)).scalar_one_or_none()
    if event is None:
        return None
    data = json.loads(event.data_json or "{}").get("decision")
    return DecisionInput(**data) if data else None


def keep_terms(case: Case, d: DecisionInput) -> None:
    """The approval's terms go on the case (and with it through sync): the certificate is drawn from them."""
    approved = d.outcome == "approve"
    case.decision_content = d.content if approved else ""
    case.decision_validity = d.validity if approved else ""


def _certificate_name(session: Session, item: Item | None) -> str:
    if item is None or not item.certificate_type_code:
        return ""
    ct = session.execute(select(CertificateType).where(CertificateType.code == item.certificate_type_code)
                         ).scalar_one_or_none()
    return ct.name if ct else "许可证件"


def _set_issue_deadline(session: Session, case: Case, item: Item | None, decided_on: date, at: datetime) -> None:
    """Art. 44: an approval that issues a certificate sets the issue deadline, ten working days on."""
    if case.decision != "approved" or item is None or not item.certificate_type_code:
        return
    cal = workdays.current_calendar(session)
    due = cal.add_working_days(decided_on, ISSUE_DAYS)
    session.add(DeadlineChange(case_id=case.id, at=at, which="issue", old=case.issue_deadline, new=due.day,
                               reason="准予许可，自决定之日起十个工作日内颁发证件（行政许可法第四十四条）",
                               calendar_version=cal.version, provisional=due.provisional))
    case.issue_deadline = due.day


def _rights(session: Session) -> tuple[str, str]:
    hall = session.execute(select(Hall)).scalar_one()
    if not hall.reconsideration_body.strip() or not hall.court.strip():
        raise AppError("no_rights_text", "大厅未设置行政复议机关和管辖法院，不能出具不予行政许可决定书。请管理员补充大厅信息。")
    return hall.reconsideration_body, hall.court


def issue_decision_document(session: Session, ctx: AppContext, actor: Actor, case: Case, d: DecisionInput,
                            custodian_password: str | None, signed_as: str = "") -> Document:
    """The 准予 / 不予行政许可决定书, sealed with the custodian's password (caller's transaction).

    `signed_as`: a deputy's sign-off says so on the decision itself.
    """
    item = session.get(Item, case.item_id) if case.item_id else None
    notes: tuple[str, ...] = (signed_as,) if signed_as else ()
    if d.outcome == "approve":
        if case.issue_deadline is not None:
            you = "贵单位" if case.applicant_kind == "org" else "你"
            notes += (f"本机关将于{cn_date(case.issue_deadline)}前向{you}颁发{_certificate_name(session, item)}。",)
        return issue_for_case(session, ctx, actor, case, DocKind.APPROVAL, issued_on=ctx.today(),
                              custodian_password=custodian_password,
                              decision=Decision(True, d.content, d.validity), notes=notes)
    body, court = _rights(session)
    refusal = Refusal(d.reasons, d.basis, d.competent_authority, body, court)
    return issue_for_case(session, ctx, actor, case, DocKind.DENIAL, issued_on=ctx.today(),
                          custodian_password=custodian_password,
                          decision=Decision(False, d.content, refusal=refusal), notes=notes)


def apply_decision(session: Session, ctx: AppContext, actor: Actor | None, case: Case, d: DecisionInput, *,
                   step: str, event: str, audit_action: str, custodian_password: str | None = None,
                   on_behalf_of_id: int | None = None, deputy_basis: str = "", document: bool = True,
                   **extra: Any) -> DecisionResult:
    """The case becomes approved or denied, with everything a decision writes (caller's transaction).

    A deputy's decision (`on_behalf_of_id`, `deputy_basis`) says whose authority it was signed under,
    and on what basis, in the decision document and in the audit entry.
    """
    now, staff_id = ctx.now(), actor.staff_id if actor else None
    chief = session.get(Staff, on_behalf_of_id) if on_behalf_of_id else None
    signed_as = (f"本决定由{actor.name}代首席代表{chief.name}核准签发（{deputy_basis}）。"
                 if chief is not None and actor is not None else "")
    if case.state == State.FORWARDED:
        # The state machine allows forwarded → approved / denied for the department's decision, which
        # arrives through sync (record_backoffice_decision) and never passes here.
        raise AppError("forwarded", f"办件 {case.case_no} 已上报部门，须由部门作出决定；窗口在收到部门决定后出具决定书")
    site_visits.require_results(session, case)  # the result of every site visit is on file before a decision
    if d.outcome == "deny":
        _rights(session)  # refuse before anything is written, not halfway through the document
    target = OUTCOME_STATES[d.outcome]
    move(session, case, target, staff_id, event, now, d.opinion, decision=asdict(d), on_behalf_of=on_behalf_of_id,
         **extra)
    case.decision, case.decided_at = DECISION_OF[d.outcome], now
    keep_terms(case, d)
    if staff_id is not None:
        case.approver_id = staff_id
    session.add(Review(case_id=case.id, step=step, outcome=d.outcome, opinion=d.opinion, staff_id=staff_id,
                       on_behalf_of_id=on_behalf_of_id, at=now))
    item = session.get(Item, case.item_id) if case.item_id else None
    _set_issue_deadline(session, case, item, ctx.today(), now)
    docs: list[str] = []
    if document:
        assert actor is not None
        docs.append(issue_decision_document(session, ctx, actor, case, d, custodian_password, signed_as).id)
    outbox.enqueue(session, "case", case.id, event, {**snapshot(case), "opinion": d.opinion,
                                                     "on_behalf_of_id": on_behalf_of_id}, now)
    follow_decision(session, case, staff_id, ctx.today(), now)  # a 前置 starts or stops the parts waiting on it
    deputised = {"on_behalf_of_name": chief.name, "deputy_basis": deputy_basis, "signed_as": signed_as} \
        if chief is not None else {}
    audit.record(session, staff_id, audit_action, case.case_no,
                 {"outcome": d.outcome, "opinion": d.opinion, "on_behalf_of": on_behalf_of_id,
                  "reviewer_id": case.reviewer_id, "documents": docs, **deputised, **extra}, at=now)
    return DecisionResult(case.id, case.case_no, case.state, case.decision, tuple(docs), case.issue_deadline,
                          chief.name if chief else "")


def single_decision(session: Session, ctx: AppContext, actor: Actor, case: Case, d: DecisionInput,
                    custodian_password: str | None, event: str) -> DecisionResult:
    """一审制 inside the caller's transaction: the reviewing clerk decides."""
    require(actor, Action.DECIDE_SINGLE)
    require_signed(session, case)
    if case.review_mode != "single":
        raise AppError("needs_signoff", "该事项实行一审一核制，须由首席代表核准签发")
    if case.processing_type == "forwarded":
        raise AppError("must_forward", "上报件须上报部门决定，窗口不能直接作出决定")
    if case.state == State.FORWARDED:  # whatever the item's type: once forwarded, the department decides
        raise AppError("forwarded", f"办件 {case.case_no} 已上报部门，须由部门作出决定；窗口在收到部门决定后出具决定书")
    if case.state not in (State.ACCEPTED, State.UNDER_REVIEW):
        raise AppError("bad_state", f"办件 {case.case_no} 当前为“{STATE_LABELS[State(case.state)]}”，不能作出决定")
    if case.state == State.ACCEPTED and event != "decide_on_spot":
        move(session, case, State.UNDER_REVIEW, actor.staff_id, "review_started", ctx.now(), "开始审查")
    case.reviewer_id = actor.staff_id
    return apply_decision(session, ctx, actor, case, d, step="review", event=event, audit_action=event,
                          custodian_password=custodian_password)


def decide_single(ctx: AppContext, actor: Actor, case_id: str, decision: DecisionInput, *,
                  custodian_password: str | None = None) -> DecisionResult:
    """一审制: the clerk who reviews decides (accepted or under review → approved / denied)."""
    require(actor, Action.DECIDE_SINGLE)
    d = decision.cleaned()
    with ctx.write("decide") as s:
        return single_decision(s, ctx, actor, load_case(s, case_id), d, custodian_password, "decide")


def record_backoffice_decision(ctx: AppContext, case_id: str, outcome: str, *, decided_at: datetime,
                               decided_by: str, opinion: str, content: str = "", validity: str = "",
                               reasons: str = "", basis: str = "", competent_authority: str = "") -> DecisionResult:
    """A forwarded (上报) case decided by the department, as the sync engine brings it back.

    Applying the same decision twice changes nothing (sync may deliver it again). No outbox entry:
    the decision came from the server. The window then issues the decision document (issue_decision).
    """
    d = DecisionInput(outcome, opinion or f"{decided_by}决定", content, validity, reasons, basis,
                      competent_authority).cleaned()
    with ctx.write("backoffice_decision") as s:
        case = load_case(s, case_id)
        if case.decision == DECISION_OF[d.outcome] and case.state in (State.APPROVED, State.DENIED):
            return DecisionResult(case.id, case.case_no, case.state, case.decision, (), case.issue_deadline)
        if case.state != State.FORWARDED:
            raise AppError("not_forwarded", f"办件 {case.case_no} 不是已上报状态，不能登记部门决定")
        now = ctx.now()
        move(s, case, OUTCOME_STATES[d.outcome], None, "backoffice_decision", now, d.opinion, decision=asdict(d),
             decided_by=decided_by, decided_at=decided_at)
        case.decision, case.decided_at, case.approver_id = DECISION_OF[d.outcome], decided_at, None
        keep_terms(case, d)
        s.add(Review(case_id=case.id, step="backoffice", outcome=d.outcome, opinion=f"{decided_by}：{d.opinion}",
                     staff_id=None, at=decided_at))
        item = s.get(Item, case.item_id) if case.item_id else None
        _set_issue_deadline(s, case, item, to_local(decided_at).date(), now)
        audit.record(s, None, "backoffice_decision", case.case_no,
                     {"outcome": d.outcome, "decided_by": decided_by, "decided_at": decided_at}, at=now)
        return DecisionResult(case.id, case.case_no, case.state, case.decision, (), case.issue_deadline)


def decision_documents(session: Session, case_id: str) -> list[Document]:
    return list(session.execute(select(Document).where(
        Document.case_id == case_id, Document.kind.in_((str(DocKind.APPROVAL), str(DocKind.DENIAL))),
        Document.void.is_(False))).scalars())


def issue_decision(ctx: AppContext, actor: Actor, case_id: str, *,
                   custodian_password: str | None = None) -> DecisionResult:
    """The window issues the decision document of a case the department decided (forwarded cases)."""
    require(actor, Action.FORWARD)
    with ctx.write("issue_decision") as s:
        case = load_case(s, case_id)
        if case.state not in (State.APPROVED, State.DENIED):
            raise AppError("not_decided", "办件尚未作出决定")
        if decision_documents(s, case.id):
            raise AppError("already_issued", "该办件的决定书已出具；如需重出，请先作废原决定书")
        d = stored_decision(s, case.id, ("backoffice_decision", "decide", "sign_off", "decide_on_spot"))
        if d is None:
            raise AppError("no_decision", "找不到该办件的决定内容")
        now = ctx.now()
        doc = issue_decision_document(s, ctx, actor, case, d, custodian_password)
        case_event(s, case, actor.staff_id, "decision_issued", case.state, now, f"出具决定书 {doc.number}",
                   document=doc.number)
        outbox.enqueue(s, "case", case.id, "decision_issued", {**snapshot(case), "document": doc.number}, now)
        audit.record(s, actor.staff_id, "issue_decision", case.case_no, {"document": doc.number}, at=now)
        return DecisionResult(case.id, case.case_no, case.state, case.decision, (doc.id,), case.issue_deadline)
