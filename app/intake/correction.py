"""补正: the applicant returns with what the one-time notice listed — and only that.

Asking for anything the notice did not list would tell the applicant a second time about
something that could have been said the first time (一次性告知制): it needs the chief
representative's recorded override with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.cases.case_documents import issue_for_case
from app.cases.snapshot import case_snapshot
from app.cases.states import State
from app.core import audit, outbox
from app.core.auth import Action, password_matches, require
from app.core.context import Actor, AppContext, to_local
from app.core.errors import AppError, NotFound, PermissionDenied, ValidationError
from app.documents.data import DocKind
from app.intake.input_checks import MaterialInput
from app.intake.outcomes import IntakeResult, SweepResult, _accept, _event, _result, sweep_each
from app.reference import workdays
from db.models import Case, CaseEvent, CaseMaterial, Document, Staff


@dataclass(frozen=True)
class Override:
    """The chief representative, present at the counter, allows asking for something new."""

    chief_username: str
    chief_password: str
    reason: str


def _verify_override(session: Session, actor: Actor, case: Case, override: Override, now: datetime) -> Staff:
    if not override.reason.strip():
        raise ValidationError("override.reason", "请填写追加要求的理由")
    chief = session.execute(select(Staff).where(Staff.username == override.chief_username.strip())).scalar_one_or_none()
    if chief is None or not password_matches(chief, override.chief_password):
        # The refusal is a fact to keep, like a wrong seal-custodian password: written after the rollback.
        session.info.setdefault("audit_on_rollback", []).append(
            (actor.staff_id, "override_password_failed", case.case_no,
             {"chief_username": override.chief_username.strip(), "reason": override.reason.strip()}, now))
        raise AppError("bad_override", "首席代表用户名或密码错误", "override.password")
    if chief.role != "chief" or chief.department_id != case.department_id:
        raise PermissionDenied("只有本部门首席代表可以批准追加补正要求")
    return chief


def record_returned(row: CaseMaterial, field: str, status: str, defect: str, copies: int, original: bool) -> None:
    """One listed paper's verdict at 补正, checked as at intake (a defect says what is wrong, a received paper
    has its copies); `field` is where a refusal is shown. Shared by the case's and the 一件事's 补正."""
    if status == "defective" and not defect.strip():
        raise ValidationError(field, f"请写明材料“{row.name}”的问题及补正要求")
    if status == "received" and copies < row.copies_required:
        raise ValidationError(field, f"材料“{row.name}”应收 {row.copies_required} 份，实收 {copies} 份")
    row.status, row.copies_received, row.original_checked = status, copies, original
    row.defect = defect.strip() if status != "received" else row.defect


def supplement(ctx: AppContext, actor: Actor, case_id: str, updates: tuple[MaterialInput, ...],
               override: Override | None = None, due_days: int = 0) -> IntakeResult:
    """Record what came back; accept when nothing is outstanding (the clock restarts tomorrow)."""
    require(actor, Action.INTAKE)
    with ctx.write() as s:
        case = s.execute(select(Case).options(selectinload(Case.materials)).where(Case.id == case_id)
                         ).scalar_one_or_none()
        if case is None:
            raise NotFound("办件不存在")
        if case.state != State.NOTIFIED:
            raise AppError("bad_state", "该办件不在等待补正状态")
        now = ctx.now()
        rows = {m.item_material_id: m for m in case.materials if m.item_material_id is not None}
        new_problems: list[CaseMaterial] = []
        for u in updates:
            row = rows.get(u.item_material_id)
            if row is None:
                raise ValidationError("materials", "材料不属于该办件")
            listed = row.notice_document_id is not None
            if u.status in ("missing", "defective") and not listed:
                new_problems.append(row)
            elif not listed and u.status != row.status:
                raise ValidationError(f"materials.{row.item_material_id}", f"材料“{row.name}”不在一次性告知书所列范围内")
            record_returned(row, f"materials.{row.item_material_id}", u.status, u.defect, u.copies_received,
                            u.original_checked)
            if u.status == "received":
                row.resolved_at = now
        docs: list[str] = []
        if new_problems:
            if override is None:
                names = "、".join(f"“{m.name}”" for m in new_problems)
                raise AppError("second_notice", f"{names}不在一次性告知书所列范围内。一次性告知后不得再提出新的补正要求；"
                               "确有必要的，须经首席代表批准并写明理由。", "override")
            chief = _verify_override(s, actor, case, override, now)
            audit.record(s, chief.id, "override", case.case_no,
                         {"reason": override.reason, "materials": [m.name for m in new_problems],
                          "clerk": actor.staff_id}, at=now)
            _event(s, case, actor, "override", case.state, case.state, now, override.reason,
                   chief=chief.id, materials=[m.name for m in new_problems])
            doc = issue_for_case(s, ctx, actor, case, DocKind.CORRECTION, issued_on=ctx.today(),
                                 notice_due_days=due_days, notes=(f"经首席代表批准追加：{override.reason}",))
            for m in case.materials:
                if m.status in ("missing", "defective"):
                    m.notice_document_id = doc.id
            docs.append(doc.id)
            outbox.enqueue(s, "case", case.id, "renotify", case_snapshot(case), now)
            return _result(case, docs)
        if any(m.status in ("missing", "defective") for m in case.materials):
            _event(s, case, actor, "supplement_partial", case.state, case.state, now, "部分补正，仍有材料待补")
            outbox.enqueue(s, "case", case.id, "supplement", case_snapshot(case), now)
            return _result(case, docs)
        docs = _accept(s, ctx, actor, case, ctx.today(), "补正材料齐全，受理（自补正次日起计算期限）")
        return _result(case, docs)


def _close_if_unanswered(session: Session, ctx: AppContext, case: Case, workdays_limit: int) -> bool:
    if case.state != State.NOTIFIED:
        return False  # answered meanwhile
    last = session.execute(select(Document.created_at).where(Document.case_id == case.id,
                                                             Document.kind == str(DocKind.CORRECTION))
                           .order_by(Document.created_at.desc()).limit(1)).scalar_one_or_none()
    if last is None:
        return False
    limit = workdays.current_calendar(session).add_working_days(to_local(last).date(), workdays_limit).day
    if ctx.today() <= limit:
        return False
    now = ctx.now()
    old, case.state, case.closed_at, case.updated_at = case.state, str(State.CLOSED_UNANSWERED), now, now
    session.add(CaseEvent(case_id=case.id, at=now, staff_id=None, kind="closed_unanswered", from_state=old,
                          to_state=case.state, reason=f"一次性告知后 {workdays_limit} 个工作日内未补正，办结"))
    outbox.enqueue(session, "case", case.id, "close_unanswered", case_snapshot(case), now)
    return True


def sweep_unanswered(ctx: AppContext, workdays_limit: int) -> SweepResult:
    """Notified cases whose applicant never came back are closed after the configured period.

    Each case is its own transaction; one that cannot be closed is reported and the rest go on.
    """
    with ctx.read() as s:
        notified = s.execute(select(Case.id, Case.case_no).where(Case.state == str(State.NOTIFIED))
                             .order_by(Case.received_at)).all()
    def close(s: Session, case_id: str) -> bool:
        case = s.get(Case, case_id)
        return case is not None and _close_if_unanswered(s, ctx, case, workdays_limit)

    return sweep_each(ctx, notified, "close_unanswered", close)
