"""Intake at the counter (受理): accept, one-time notice, or refuse — each one transaction with its documents.

Every outcome writes, in a single transaction: the case and its materials, an event, an
outbox entry, the numbered, sealed and signed documents, and the seal register entries.
If any part fails (a full disk, a missing glyph, a revoked seal) nothing is kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.cases.case_documents import issue_for_case
from app.cases.deadlines import compute, set_deadlines, set_notice_due
from app.cases.forwarding import must_forward, set_forward_due
from app.cases.numbers import next_case_no
from app.cases.snapshot import case_snapshot
from app.cases.states import State, check_transition
from app.core import outbox
from app.core.auth import Action, require
from app.core.context import Actor, AppContext, to_local
from app.core.errors import AppError, NotFound, ValidationError
from app.documents.data import DocKind, Refusal
from app.intake.consultations import link_case
from app.intake.input_checks import IntakeInput, MaterialInput, clean_applicant
from app.reference import workdays
from app.reference.catalog import for_agent
from app.seal.sealing import device_code
from db.models import Case, CaseEvent, CaseMaterial, Item

POWER_OF_ATTORNEY = "授权委托书"


@dataclass(frozen=True)
class IntakeResult:
    """What the counter shows after an outcome: the case and the documents to print, in order."""

    case_id: str
    case_no: str
    state: str
    document_ids: tuple[str, ...]
    promised_deadline: date | None
    legal_deadline: date | None
    provisional: bool
    notice_due: date | None
    warnings: tuple[str, ...]


def _item(session: Session, item_id: int) -> Item:
    item = session.execute(select(Item).options(selectinload(Item.materials)).where(Item.id == item_id)
                           ).scalar_one_or_none()
    if item is None or not item.active:
        raise ValidationError("item", "请选择办理事项")
    return item


def _applies(spec: object, has_agent: bool) -> bool:
    """Whether an item material is asked of this applicant: the agent's papers only when there is an agent."""
    return has_agent or not for_agent(spec.name)  # type: ignore[attr-defined]


def _check_materials(item: Item, given: tuple[MaterialInput, ...], today: date,
                     has_agent: bool = True, committed: frozenset[str] = frozenset()) -> dict[int, MaterialInput]:
    """The checklist must be exactly the item's list (art. 31: nothing unrelated is asked for)."""
    by_id = {m.item_material_id: m for m in given}
    known = {m.id: m for m in item.materials}
    extra = set(by_id) - set(known)
    if extra:
        raise ValidationError("materials", "材料清单与事项不符，请重新选择事项")
    for spec in item.materials:
        if not _applies(spec, has_agent):
            continue
        m = by_id.get(spec.id)
        field = f"materials.{spec.id}"
        if m is None:
            raise ValidationError(field, f"请核对材料“{spec.name}”")
        if m.status == "committed" and spec.name not in committed:  # only what the catalog lets it replace
            raise ValidationError(field, f"材料“{spec.name}”不能以告知承诺替代")
        if m.status not in ("received", "missing", "defective", "deferred", "committed"):
            raise ValidationError(field, f"请选择材料“{spec.name}”的核验结果")
        if m.status == "received" and m.copies_received < spec.copies:
            raise ValidationError(field, f"材料“{spec.name}”应收 {spec.copies} 份，实收 {m.copies_received} 份")
        if m.status == "received" and spec.form in ("original", "original_and_copy") and not m.original_checked:
            raise ValidationError(field, f"材料“{spec.name}”须核验原件")
        if m.status == "defective" and not m.defect.strip():
            raise ValidationError(field, f"请写明材料“{spec.name}”存在的问题及补正要求")
        if m.status == "deferred":
            if not spec.may_defer:
                raise ValidationError(field, f"材料“{spec.name}”不允许容缺受理")
            if m.deferred_due is None or m.deferred_due <= today:
                raise ValidationError(field, f"请填写材料“{spec.name}”的承诺补交日期（应晚于今天）")
    return by_id


def _new_case(session: Session, ctx: AppContext, actor: Actor, data: IntakeInput, state: State,
              committed: frozenset[str] = frozenset()) -> tuple[Case, tuple[str, ...]]:
    require(actor, Action.INTAKE)
    if actor.window_id is None:
        raise AppError("no_window", "只有窗口人员可以受理")
    today = ctx.today()
    applicant = clean_applicant(data.applicant, today)
    item = _item(session, data.item_id)
    checks = _check_materials(item, data.materials, today, bool(applicant.agent_name), committed)
    check_transition(None, state)
    now = ctx.now()
    case = Case(
        case_no=next_case_no(session, device_code(session), today), state=str(state), item_code=item.code,
        item_name=item.name, item_id=item.id, window_id=actor.window_id, department_id=item.department_id,
        processing_type=item.processing_type, review_mode=item.review_mode, applicant_kind=applicant.kind,
        applicant_name=applicant.name, applicant_id_type=applicant.id_type, applicant_id_number=applicant.id_number,
        applicant_phone=applicant.phone, applicant_address=applicant.address, legal_rep=applicant.legal_rep,
        agent_name=applicant.agent_name, agent_id_type=applicant.agent_id_type,
        agent_id_number=applicant.agent_id_number, agent_phone=applicant.agent_phone, received_at=now,
        legal_days=item.legal_days, promised_days=item.promised_days, clerk_id=actor.staff_id,
        origin_device=device_code(session), created_at=now, updated_at=now)
    for spec in (s for s in item.materials if _applies(s, bool(applicant.agent_name))):
        m = checks[spec.id]
        defect = m.defect.strip() or ("未提交" if m.status == "missing" else "")
        case.materials.append(CaseMaterial(
            seq=spec.seq, item_material_id=spec.id, name=spec.name, form=spec.form, copies_required=spec.copies,
            status=m.status, original_checked=m.original_checked, copies_received=m.copies_received,
            defect=defect, deferred_due=m.deferred_due))
    if applicant.agent_name and not any(for_agent(s.name) for s in item.materials):
        # The power of attorney is the agent's material, not the item's: it is always original.
        case.materials.append(CaseMaterial(seq=len(item.materials) + 1, name=POWER_OF_ATTORNEY, form="original",
                                           copies_required=1, status="received", original_checked=True,
                                           copies_received=1))
    session.add(case)
    session.flush()
    if data.consultation_id:  # the visitor asked first: the case is linked to that consultation
        link_case(session, actor, data.consultation_id, case, now)
    return case, applicant.warnings


def _event(session: Session, case: Case, actor: Actor, kind: str, old: str | None, new: str, at: datetime,
           reason: str = "", **data: object) -> None:
    session.add(CaseEvent(case_id=case.id, at=at, staff_id=actor.staff_id, kind=kind, from_state=old,
                          to_state=new, reason=reason, data_json=json.dumps(data, ensure_ascii=False, default=str)))


def _result(case: Case, docs: list[str], warnings: tuple[str, ...] = ()) -> IntakeResult:
    return IntakeResult(case.id, case.case_no, case.state, tuple(docs), case.promised_deadline, case.legal_deadline,
                        case.deadline_provisional, case.notice_due, warnings)


def _accept(session: Session, ctx: AppContext, actor: Actor, case: Case, clock_start: date, reason: str,
            *, deemed: bool = False, fresh: bool = False) -> list[str]:
    """Accepted: deadlines from `clock_start` (not counted); receipt and sealed acceptance notice.

    `fresh`: the case was created by this intake, so it comes from no state at all.
    """
    old = None if fresh else case.state
    check_transition(old, State.ACCEPTED)
    now = ctx.now()
    cal = workdays.current_calendar(session)
    # Art. 32(1)(4): once the five days have passed unanswered the application is accepted as it stands;
    # what is missing is dealt with during the procedure, never by leaving the case without an outcome.
    if not deemed and any(m.status in ("missing", "defective") for m in case.materials):
        raise AppError("incomplete", "材料不齐全或不符合法定形式，不能受理，请出具一次性告知书")
    # A deemed acceptance takes effect on the day of receipt, not when the sweep noticed it: documents
    # and figures date it from `received_at` (the sweep's time is on the event).
    case.state, case.accepted_at = str(State.ACCEPTED), case.received_at if deemed else now
    case.clock_start = clock_start
    case.deemed_accepted, case.updated_at = deemed, now
    set_deadlines(session, case, compute(cal, clock_start, case.promised_days, case.legal_days), reason, now)
    if must_forward(case):  # its papers are complete from the clock's start: two working days to 上报
        set_forward_due(session, cal, case, clock_start, now)
    _event(session, case, actor, "deemed_accepted" if deemed else "accepted", old, case.state, now, reason)
    docs = []
    if not deemed:
        docs.append(issue_for_case(session, ctx, actor, case, DocKind.RECEIPT, issued_on=ctx.today()).id)
    docs.append(issue_for_case(session, ctx, actor, case, DocKind.ACCEPTANCE, issued_on=ctx.today()).id)
    case.printed_promised = case.promised_deadline
    outbox.enqueue(session, "case", case.id, "accept", case_snapshot(case), now)
    return docs


def _notify(session: Session, ctx: AppContext, actor: Actor, case: Case, due_days: int, *,
            fresh: bool = False) -> list[str]:
    """One-time notice listing every missing, defective and deferred material (art. 32)."""
    old = None if fresh else case.state
    check_transition(old, State.NOTIFIED)
    problems = [m for m in case.materials if m.status in ("missing", "defective")]
    if not problems:
        raise AppError("nothing_to_correct", "没有缺少或不合格的材料，无需出具一次性告知书")
    now = ctx.now()
    case.state, case.updated_at = str(State.NOTIFIED), now
    doc = issue_for_case(session, ctx, actor, case, DocKind.CORRECTION, issued_on=ctx.today(),
                         notice_due_days=due_days)
    for m in problems:
        m.notice_document_id = doc.id  # what this notice listed: the only things 补正 may ask for
    _event(session, case, actor, "notified", old, case.state, now, f"一次性告知 {len(problems)} 项材料",
           materials=[m.name for m in problems])
    outbox.enqueue(session, "case", case.id, "notify", case_snapshot(case), now)
    return [doc.id]


def check_refusal(refusal: Refusal) -> None:
    """A 不予受理通知书 cannot go out without its reasons, legal basis and the applicant's remedies
    (the form checks before its dialog closes; the outcome checks again)."""
    if not refusal.reasons.strip():
        raise ValidationError("refusal.reasons", "请写明不予受理的具体理由")
    if not refusal.basis.strip():
        raise ValidationError("refusal.basis", "请写明不予受理的法律依据")
    if not refusal.reconsideration_body.strip():
        raise ValidationError("refusal.rights", "请填写行政复议机关和管辖法院（告知申请人救济途径）")
    if not refusal.court.strip():
        raise ValidationError("refusal.court", "请填写行政复议机关和管辖法院（告知申请人救济途径）")


def _refuse(session: Session, ctx: AppContext, actor: Actor, case: Case, refusal: Refusal, *,
            fresh: bool = False) -> list[str]:
    """不予受理 with reasons, basis and rights; reported for supervision (否定报备)."""
    require(actor, Action.REFUSE)
    check_refusal(refusal)
    old = None if fresh else case.state
    check_transition(old, State.REFUSED)
    now = ctx.now()
    case.state, case.updated_at = str(State.REFUSED), now
    case.refusal_reason, case.refusal_basis = refusal.reasons.strip(), refusal.basis.strip()
    case.competent_authority, case.closed_at = refusal.competent_authority.strip(), now
    doc = issue_for_case(session, ctx, actor, case, DocKind.REFUSAL, issued_on=ctx.today(), refusal=refusal)
    _event(session, case, actor, "refused", old, case.state, now, refusal.reasons)
    outbox.enqueue(session, "case", case.id, "refuse", case_snapshot(case), now)
    outbox.enqueue(session, "supervision", case.id, "refusal_report",
                   {"case_no": case.case_no, "reasons": refusal.reasons, "basis": refusal.basis,
                    "competent_authority": refusal.competent_authority, "clerk_id": actor.staff_id}, now)
    return [doc.id]


def accept_case(ctx: AppContext, actor: Actor, data: IntakeInput) -> IntakeResult:
    """Materials complete (容缺 allowed): accept now; receipt and acceptance notice."""
    with ctx.write("intake") as s:
        case, warnings = _new_case(s, ctx, actor, data, State.ACCEPTED)
        docs = _accept(s, ctx, actor, case, ctx.today(), "材料齐全，当场受理", fresh=True)
        return _result(case, docs, warnings)


def notify_case(ctx: AppContext, actor: Actor, data: IntakeInput, due_days: int = 0) -> IntakeResult:
    """Materials incomplete: the one-time notice, on the spot."""
    require(actor, Action.ISSUE_NOTICE)
    with ctx.write("intake") as s:
        case, warnings = _new_case(s, ctx, actor, data, State.NOTIFIED)
        docs = _notify(s, ctx, actor, case, due_days, fresh=True)
        return _result(case, docs, warnings)


def refuse_case(ctx: AppContext, actor: Actor, data: IntakeInput, refusal: Refusal) -> IntakeResult:
    """Not acceptable: 不予受理通知书."""
    with ctx.write("intake") as s:
        case, warnings = _new_case(s, ctx, actor, data, State.REFUSED)
        docs = _refuse(s, ctx, actor, case, refusal, fresh=True)
        return _result(case, docs, warnings)


def receive_case(ctx: AppContext, actor: Actor, data: IntakeInput) -> IntakeResult:
    """收件: materials taken in for examination; the five-working-day notice clock starts."""
    with ctx.write("intake") as s:
        case, warnings = _new_case(s, ctx, actor, data, State.RECEIVED)
        now = ctx.now()
        set_notice_due(s, workdays.current_calendar(s), case, ctx.today(), now)
        _event(s, case, actor, "received", None, case.state, now, "收件待审查")
        doc = issue_for_case(s, ctx, actor, case, DocKind.RECEIPT, issued_on=ctx.today())
        outbox.enqueue(s, "case", case.id, "receive", case_snapshot(case), now)
        return _result(case, [doc.id], warnings)


def _load(session: Session, case_id: str) -> Case:
    case = session.execute(select(Case).options(selectinload(Case.materials)).where(Case.id == case_id)
                           ).scalar_one_or_none()
    if case is None:
        raise NotFound("办件不存在")
    return case


def _received_day(case: Case) -> date:
    return to_local(case.received_at).date()


def set_verdict(row: CaseMaterial, v: Any) -> None:
    """The examination's verdict on one material row (a MaterialInput, or a 一件事's PaperInput: same fields)."""
    row.status, row.defect = v.status, v.defect.strip() or ("未提交" if v.status == "missing" else "")
    row.original_checked, row.copies_received, row.deferred_due = v.original_checked, v.copies_received, v.deferred_due


def decide_received(ctx: AppContext, actor: Actor, case_id: str, outcome: str,
                    materials: tuple[MaterialInput, ...] = (), refusal: Refusal | None = None,
                    due_days: int = 0) -> IntakeResult:
    """The examination of a received case: accept, notify or refuse (within five working days)."""
    require(actor, Action.INTAKE)
    with ctx.read() as s:
        if _load(s, case_id).bundle_id:
            raise AppError("bundle_part", "该办件是“一件事”的事项，请在“一件事”页审查收件（全部事项一并决定）")
    # Too late is a fact, not an error: the deemed acceptance is committed before we say so.
    with ctx.write() as s:
        deemed = _apply_deemed(s, ctx, actor, _load(s, case_id))
    if deemed:
        raise AppError("deemed_accepted", "收件后五个工作日内未一次性告知，依法自收到材料之日起视为受理，"
                       "已出具受理通知书")
    with ctx.write() as s:
        case = _load(s, case_id)
        if case.state != State.RECEIVED:
            raise AppError("bad_state", "该办件不是待审查状态")
        by_id = {m.item_material_id: m for m in materials}
        for row in case.materials:
            m = by_id.get(row.item_material_id) if row.item_material_id else None
            if m is not None:
                set_verdict(row, m)
        if outcome == "accept":
            docs = _accept(s, ctx, actor, case, _received_day(case), "审查后受理")
        elif outcome == "notify":
            require(actor, Action.ISSUE_NOTICE)
            docs = _notify(s, ctx, actor, case, due_days)
        elif outcome == "refuse" and refusal is not None:
            docs = _refuse(s, ctx, actor, case, refusal)
        else:
            raise ValidationError("outcome", "请选择审查结果")
        return _result(case, docs)


def _apply_deemed(session: Session, ctx: AppContext, actor: Actor | None, case: Case) -> bool:
    """Art. 32: not told within five working days → accepted from the day materials were received."""
    if case.state != State.RECEIVED or case.notice_due is None or ctx.today() <= case.notice_due:
        return False
    system = actor or _system_actor(case)
    _accept(session, ctx, system, case, _received_day(case), "五个工作日内未一次性告知，依法自收到材料之日起视为受理",
            deemed=True)
    return True


def _system_actor(case: Case) -> Actor:
    return Actor(case.clerk_id, "system", "系统", "clerk", case.window_id, "", case.department_id, "")


@dataclass(frozen=True)
class SweepResult:
    """What a sweep did: the case numbers it moved, and each case it could not handle with the reason."""

    done: tuple[str, ...]
    failed: tuple[tuple[str, str, str], ...]  # (case id, case number, message)


def sweep_failure(exc: Exception) -> str:
    """The reason a case was left out, in words a clerk can act on."""
    return exc.message if isinstance(exc, AppError) else f"系统错误：{type(exc).__name__}: {exc}"


def sweep_each(ctx: AppContext, rows: Sequence[tuple[str, str]], label: str,
               step: Callable[[Session, str], bool]) -> SweepResult:
    """(id, number) each in its own `label` transaction: `step` says whether it moved; one that fails is
    reported with the reason and holds up neither the others nor what housekeeping does next."""
    done: list[str] = []
    failed: list[tuple[str, str, str]] = []
    for key, number in rows:
        try:
            with ctx.write(label) as s:
                if step(s, key):
                    done.append(number)
        except Exception as exc:  # noqa: BLE001 — any failure of one is reported, the sweep goes on
            failed.append((key, number, sweep_failure(exc)))
    return SweepResult(tuple(done), tuple(failed))


def sweep_deemed_acceptance(ctx: AppContext) -> SweepResult:
    """Run at start-up and hourly: every received case past its notice day becomes accepted.

    Each case is its own transaction: one case that cannot be accepted (a revoked seal, a full disk)
    is reported with the reason and holds up neither the others nor what housekeeping does next.
    """
    with ctx.read() as s:
        # A 一件事's parts are received and deemed accepted together (app/bundles/bundle_receipt.py).
        due = s.execute(select(Case.id, Case.case_no).where(Case.state == str(State.RECEIVED),
                                                            Case.notice_due < ctx.today(), Case.bundle_id.is_(None))
                        .order_by(Case.received_at)).all()
    return sweep_each(ctx, due, "deemed_acceptance", lambda s, case_id: _apply_deemed(s, ctx, None, _load(s, case_id)))
