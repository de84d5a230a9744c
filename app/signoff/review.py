"""一审一核: the clerk's review opinion, the chief representative's sign-off (one case or a batch), 上报.

The two-person rule of 行政许可法 art. 34 is enforced here, not in the UI: whoever recorded a review
opinion on a case can never sign it off, whether as chief representative or as a chief's deputy.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.commitments import check_of, require_signed
from app.cases.forwarding import mark_forwarded
from app.cases.states import State
from app.core import audit, outbox
from app.core.auth import Action, require
from app.core.context import Actor, AppContext
from app.core.errors import AppError, ValidationError
from app.signoff.decisions import (
    DecisionInput,
    DecisionResult,
    apply_decision,
    case_event,
    load_case,
    move,
    single_decision,
    snapshot,
    stored_decision,
)
from app.signoff.delegations import Authority, delegated_to_anyone, signing_authority
from db.models import Case, CaseEvent, Review

ROUTINE_OPINION = "同意"


@dataclass(frozen=True)
class BatchResult:
    """A batch sign-off: the cases signed, and each case left out with the reason."""

    signed: tuple[DecisionResult, ...]
    failed: tuple[tuple[str, str], ...]  # (case number, message)

    @property
    def document_ids(self) -> tuple[str, ...]:
        return tuple(d for r in self.signed for d in r.document_ids)


def _result(case: Case) -> DecisionResult:
    return DecisionResult(case.id, case.case_no, case.state, case.decision, (), case.issue_deadline)


def _forward(session: Session, ctx: AppContext, actor: Actor, case: Case, opinion: str, why: str) -> None:
    now = ctx.now()
    move(session, case, State.FORWARDED, actor.staff_id, "forwarded", now, why, opinion=opinion)
    late = mark_forwarded(session, case, now)
    session.add(Review(case_id=case.id, step="forward", outcome="forward", opinion=opinion, staff_id=actor.staff_id,
                       at=now))
    proposal = stored_decision(session, case.id, ("reviewed",))
    outbox.enqueue(session, "case", case.id, "forward",
                   {**snapshot(case), "opinion": opinion, "reason": why,
                    "proposal": asdict(proposal) if proposal else None}, now)
    audit.record(session, actor.staff_id, "forward", case.case_no,
                 {"opinion": opinion, "reason": why, "forward_due": case.forward_due, "late": late}, at=now)


def _review(session: Session, ctx: AppContext, actor: Actor, case: Case, d: DecisionInput) -> DecisionResult:
    """Record the review opinion and route the case: the chief's queue, or 上报 when nobody here may decide."""
    require(actor, Action.REVIEW)
    require_signed(session, case)
    if case.review_mode != "double" and case.processing_type != "forwarded":
        raise AppError("single_review", "该事项实行一审制，审查后请直接作出决定")
    now = ctx.now()
    if case.state == State.ACCEPTED:
        move(session, case, State.UNDER_REVIEW, actor.staff_id, "review_started", now, "开始审查")
    if case.state != State.UNDER_REVIEW:
        raise AppError("bad_state", f"办件 {case.case_no} 不在审查阶段")
    case.reviewer_id = actor.staff_id
    session.add(Review(case_id=case.id, step="review", outcome=d.outcome, opinion=d.opinion, staff_id=actor.staff_id,
                       at=now))
    if case.processing_type == "forwarded":
        route, why = State.FORWARDED, "上报件，报部门决定"
    elif delegated_to_anyone(session, case.item_code, ctx.today()):
        route, why = State.AWAITING_SIGNOFF, "审查完毕，报首席代表核准签发"
    else:
        route, why = State.FORWARDED, "该事项不在首席代表授权范围内（未授权或授权已过期），上报部门决定"
    if route == State.AWAITING_SIGNOFF:
        move(session, case, route, actor.staff_id, "reviewed", now, d.opinion, decision=asdict(d))
        outbox.enqueue(session, "case", case.id, "review", {**snapshot(case), "proposal": asdict(d)}, now)
        audit.record(session, actor.staff_id, "review", case.case_no, {"outcome": d.outcome, "route": str(route)},
                     at=now)
    else:
        # The proposal is kept on an event of its own so the department (and a later sign-off) sees it.
        case_event(session, case, actor.staff_id, "reviewed", case.state, now, d.opinion, decision=asdict(d))
        audit.record(session, actor.staff_id, "review", case.case_no, {"outcome": d.outcome, "route": str(route)},
                     at=now)
        _forward(session, ctx, actor, case, d.opinion, why)
    return _result(case)


def start_review(ctx: AppContext, actor: Actor, case_id: str) -> DecisionResult:
    """The clerk takes an accepted case up for review (accepted → under review)."""
    require(actor, Action.REVIEW)
    with ctx.write("review") as s:
        case = load_case(s, case_id)
        move(s, case, State.UNDER_REVIEW, actor.staff_id, "review_started", ctx.now(), "开始审查")
        case.reviewer_id = actor.staff_id
        outbox.enqueue(s, "case", case.id, "start_review", snapshot(case), ctx.now())
        audit.record(s, actor.staff_id, "start_review", case.case_no, at=ctx.now())
        return _result(case)


def record_review(ctx: AppContext, actor: Actor, case_id: str, proposal: DecisionInput) -> DecisionResult:
    """一审: the clerk's opinion and proposed decision; the case goes to the chief or is forwarded."""
    require(actor, Action.REVIEW)
    d = proposal.cleaned()
    with ctx.write("review") as s:
        return _review(s, ctx, actor, load_case(s, case_id), d)


def forward_case(ctx: AppContext, actor: Actor, case_id: str, opinion: str) -> DecisionResult:
    """上报: the department decides; its decision comes back through sync (record_backoffice_decision)."""
    require(actor, Action.FORWARD)
    if not opinion.strip():
        raise ValidationError("opinion", "请填写上报意见")
    with ctx.write("forward") as s:
        case = load_case(s, case_id)
        _forward(s, ctx, actor, case, opinion.strip(), "上报部门决定")
        return _result(case)


def _reviewers(session: Session, case: Case) -> set[int]:
    """Everyone who examined the case: wrote a review opinion, or took it up for review (docs/decisions.md:
    opening a case for review counts as reviewing it)."""
    ids = set(session.execute(select(Review.staff_id).where(Review.case_id == case.id, Review.step == "review"))
              .scalars())
    for staff_id, data_json in session.execute(select(CaseEvent.staff_id, CaseEvent.data_json).where(
            CaseEvent.case_id == case.id, CaseEvent.kind.in_(("review_started", "reviewed")))):
        ids.add(staff_id)  # a review recorded at another workstation comes as a "reviewed" event naming them all
        ids.update(json.loads(data_json or "{}").get("reviewer_ids") or [])
    return {i for i in ids | {case.reviewer_id} if i is not None}


SAME_PERSON = "您审查过该办件，审查人与核准人不能为同一人（行政许可法第三十四条），须由其他有权人员核准签发"


def check_signer(session: Session, ctx: AppContext, actor: Actor, case: Case) -> Authority:
    """Authority and the two-person rule; the authority says whose, when a deputy signs."""
    authority = signing_authority(session, actor, case.item_code, case.item_name, ctx.today())
    if case.state != State.AWAITING_SIGNOFF:
        raise AppError("bad_state", f"办件 {case.case_no} 不在待签批状态")
    if actor.staff_id in _reviewers(session, case):
        raise AppError("same_person", SAME_PERSON)
    return authority


def _merged(signer: DecisionInput, proposal: DecisionInput | None) -> DecisionInput:
    """The signer's decision, its blank fields filled from the reviewer's proposal for the same outcome."""
    if proposal is None or proposal.outcome != signer.outcome:
        return signer
    fill = {k: v for k, v in asdict(proposal).items() if k not in ("outcome", "opinion")}
    mine = {k: v for k, v in asdict(signer).items() if k in fill and v.strip()}
    return replace(signer, **{**fill, **mine})


def _sign(session: Session, ctx: AppContext, actor: Actor, case: Case, signer: DecisionInput,
          custodian_password: str | None) -> DecisionResult:
    authority = check_signer(session, ctx, actor, case)
    d = _merged(signer, stored_decision(session, case.id, ("reviewed",))).cleaned()
    return apply_decision(session, ctx, actor, case, d, step="approve", event="sign_off", audit_action="sign_off",
                          custodian_password=custodian_password, on_behalf_of_id=authority.on_behalf_of_id,
                          deputy_basis=authority.basis)


def sign_off(ctx: AppContext, actor: Actor, case_id: str, decision: DecisionInput, *,
             custodian_password: str | None = None) -> DecisionResult:
    """核准签发: approve or deny within a valid delegation; the decision is sealed at once."""
    with ctx.write("sign_off") as s:
        return _sign(s, ctx, actor, load_case(s, case_id), decision, custodian_password)


def batch_sign_off(ctx: AppContext, actor: Actor, case_ids: list[str], *, custodian_password: str | None = None,
                   opinion: str = ROUTINE_OPINION) -> BatchResult:
    """Sign off routine cases (the reviewer proposed approval) with one opinion and one custodian password.

    Each case is its own transaction: one case outside the delegation does not hold up the rest.
    A wrong password stops the batch at the first case, before anything is signed.
    """
    signed: list[DecisionResult] = []
    failed: list[tuple[str, str]] = []
    for case_id in case_ids:
        try:
            with ctx.write("sign_off") as s:
                case = load_case(s, case_id)
                proposal = stored_decision(s, case.id, ("reviewed",))
                if proposal is None or proposal.outcome != "approve":
                    raise AppError("not_routine", f"办件 {case.case_no} 拟不予许可，须逐件签批并写明理由")
                signed.append(_sign(s, ctx, actor, case, DecisionInput("approve", opinion), custodian_password))
        except AppError as exc:
            if exc.code in ("bad_custodian_password", "forbidden", "seal_inactive", "custodian_password_needed"):
                raise
            failed.append((_case_no(ctx, case_id), exc.message))
    return BatchResult(tuple(signed), tuple(failed))


def _case_no(ctx: AppContext, case_id: str) -> str:
    with ctx.read() as s:
        case = s.get(Case, case_id)
        return case.case_no if case else case_id


def return_for_review(ctx: AppContext, actor: Actor, case_id: str, opinion: str) -> DecisionResult:
    """The signer sends the case back to review with an opinion (awaiting sign-off → under review)."""
    if not opinion.strip():
        raise ValidationError("opinion", "请填写退回意见")
    with ctx.write("sign_off") as s:
        case = load_case(s, case_id)
        on_behalf_of = check_signer(s, ctx, actor, case).on_behalf_of_id
        now = ctx.now()
        move(s, case, State.UNDER_REVIEW, actor.staff_id, "returned", now, opinion.strip())
        s.add(Review(case_id=case.id, step="approve", outcome="return", opinion=opinion.strip(),
                     staff_id=actor.staff_id, on_behalf_of_id=on_behalf_of, at=now))
        outbox.enqueue(s, "case", case.id, "return", {**snapshot(case), "opinion": opinion.strip()}, now)
        audit.record(s, actor.staff_id, "return_for_review", case.case_no,
                     {"opinion": opinion.strip(), "on_behalf_of": on_behalf_of}, at=now)
        return _result(case)


def decide_on_spot(ctx: AppContext, actor: Actor, case_id: str, decision: DecisionInput, *,
                   custodian_password: str | None = None) -> DecisionResult:
    """即办件 and 告知承诺 cases (once the signed commitment is attached), right after acceptance: 一审制 decided
    now; 一审一核 reviewed now and signed by the chief."""
    require(actor, Action.REVIEW)
    d = decision.cleaned()
    with ctx.write("decide_on_spot") as s:
        case = load_case(s, case_id)
        commitment = check_of(s, case.id)
        if case.processing_type != "immediate" and commitment is None:
            raise AppError("not_immediate", "只有即办件和告知承诺办件可以当场作出决定")
        if case.state != State.ACCEPTED:
            raise AppError("bad_state", f"办件 {case.case_no} 不是刚受理的即办件")
        if case.review_mode == "double":
            return _review(s, ctx, actor, case, d)
        return single_decision(s, ctx, actor, case, d, custodian_password, "decide_on_spot")
