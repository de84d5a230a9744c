"""Deadlines after acceptance: art. 45 suspensions, art. 42 extensions and calendar updates.

Every move of a deadline writes a DeadlineChange row and a CaseEvent with its reason, in the
same transaction as its cause. A promised date already printed for the applicant never changes
silently: when a move is not itself printed, the case is flagged (deadline_moved) until the
applicant has been told.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.cases.case_documents import issue_for_case
from app.cases.deadlines import NOTICE_DAYS, Deadlines, compute, set_deadlines
from app.cases.lights import RUNNING_STATES
from app.cases.queries import forget_light_windows
from app.cases.snapshot import case_snapshot
from app.cases.states import OPEN_STATES, State, check_transition
from app.core import audit, outbox
from app.core.auth import Action, require
from app.core.context import Actor, AppContext, to_local
from app.core.errors import AppError, NotFound, PermissionDenied, ValidationError
from app.documents.data import DocKind
from app.documents.data import Suspension as SuspensionFacts
from app.documents.legal_text import BASIS_EXTEND, LICENSING_LAW, PROVISIONAL, cn_date
from app.records.case_events import add_event
from app.reference import workdays
from app.reference.calendar import CalendarError, WorkCalendar
from db.models import Case, DeadlineChange, Extension, Suspension

# Art. 45's closed list (codes as stored in Suspension.kind). 公示 counts only with its legal basis.
SUSPENSION_KINDS: dict[str, str] = {
    "hearing": "听证", "bidding": "招标", "auction": "拍卖", "inspection": "检验", "testing": "检测",
    "quarantine": "检疫", "appraisal": "鉴定", "expert_review": "专家评审", "public_notice": "公示",
}
NOT_ART45 = "特别程序仅限听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审（公示须有法律依据）；现场踏勘、现场核查的时间计入办理期限"
EXTENSION_DAYS = 10  # art. 42 (1): +10 with the head of the organ's approval
JOINT_EXTENSION_DAYS = 15  # art. 42 (2): joint / unified handling, +15
BASIS_EXTEND_JOINT = f"{LICENSING_LAW}第四十二条第二款"
MAX_SUSPENSION_DAYS = 250  # about a working year: anything longer is a typing error


@dataclass(frozen=True)
class DeadlineResult:
    """A case's deadlines after an action, and the documents to print."""

    case_id: str
    case_no: str
    state: str
    promised_deadline: date | None
    legal_deadline: date | None
    provisional: bool
    deadline_moved: bool
    document_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class CalendarRecompute:
    """What a calendar update did to open cases."""

    calendar_version: str
    checked: int
    changed: tuple[str, ...]  # case numbers whose deadlines moved
    flagged: tuple[str, ...]  # case numbers whose printed promised date no longer holds
    failed: tuple[tuple[str, str], ...]  # (case number, why) — e.g. a year the calendar lacks


def expected_end(cal: WorkCalendar, start: date, working_days: int) -> date:
    """The last day of a suspension expected to take `working_days` working days from `start` (included)."""
    return cal.add_working_days(start - timedelta(days=1), working_days).day


def suspension_spans(cal: WorkCalendar, rows: Sequence[Suspension]) -> list[tuple[date, date]]:
    """Inclusive suspended spans; one still running counts until its expected end."""
    return [(r.started_on, r.ended_on or expected_end(cal, r.started_on, r.expected_days)) for r in rows]


def deadlines_for(cal: WorkCalendar, case: Case, spans: Sequence[tuple[date, date]],
                  extension_days: int | None = None) -> Deadlines:
    """The case's deadlines from its clock start; an extension moves the promised date as far as the legal one."""
    if case.clock_start is None:
        raise AppError("not_accepted", "办件尚未受理，没有办理期限")
    ext = case.extension_days if extension_days is None else extension_days
    return compute(cal, case.clock_start, case.promised_days + ext, case.legal_days, spans, ext)


def _calendar_error(exc: CalendarError) -> AppError:
    return AppError("calendar", str(exc))


def _load(session: Session, case_id: str) -> Case:
    case = session.execute(select(Case).options(selectinload(Case.materials)).where(Case.id == case_id)
                           ).scalar_one_or_none()
    if case is None:
        raise NotFound("办件不存在")
    return case


def _suspensions(session: Session, case_id: str) -> list[Suspension]:
    return list(session.execute(select(Suspension).where(Suspension.case_id == case_id)
                                .order_by(Suspension.started_on, Suspension.id)).scalars())


def apply_deadlines(session: Session, case: Case, new: Deadlines, reason: str, staff_id: int | None,
                    at: datetime) -> bool:
    """Store new deadlines (DeadlineChange rows) and, when a date moved, a timeline event; True if moved."""
    old = (case.promised_deadline, case.legal_deadline)
    set_deadlines(session, case, new, reason, at)
    if old == (new.promised, new.legal):
        return False
    add_event(session, case.id, staff_id, "deadline_changed", at, reason, promised=[old[0], new.promised], legal=[old[1], new.legal], provisional=new.provisional,
              calendar_version=new.calendar_version)
    return True


def _flag_if_printed_moved(session: Session, case: Case, staff_id: int | None, at: datetime, why: str) -> None:
    """A printed promised date that no longer holds: flag the case until the applicant is told."""
    moved = case.printed_promised is not None and case.promised_deadline != case.printed_promised
    if moved and not case.deadline_moved:
        add_event(session, case.id, staff_id, "deadline_moved", at,
                  f"{why}：已告知申请人的承诺办结日期 {case.printed_promised} 变为 {case.promised_deadline}，请告知申请人",
                  printed=case.printed_promised, new=case.promised_deadline)
    case.deadline_moved = moved


def _notes(d: Deadlines) -> tuple[str, ...]:
    notes = [f"承诺办结日期相应调整为{cn_date(d.promised)}。"]
    if d.provisional:
        notes.append(PROVISIONAL)
    return tuple(notes)


def _result(case: Case, docs: Sequence[str] = ()) -> DeadlineResult:
    return DeadlineResult(case.id, case.case_no, case.state, case.promised_deadline, case.legal_deadline,
                          case.deadline_provisional, case.deadline_moved, tuple(docs))


def start_suspension(ctx: AppContext, actor: Actor, case_id: str, kind: str, reason: str, expected_days: int,
                     basis: str = "", start: date | None = None) -> DeadlineResult:
    """Art. 45: the clock stops from `start` (included); a sealed 特别程序告知书 states the expected time."""
    require(actor, Action.SUSPEND)
    label = SUSPENSION_KINDS.get(kind)
    if label is None:
        raise ValidationError("kind", NOT_ART45)
    if kind == "public_notice" and not basis.strip():
        raise ValidationError("basis", "公示期间不计入办理期限须写明法律、法规依据")
    if not reason.strip():
        raise ValidationError("reason", "请写明需要进行特别程序的理由")
    if not 1 <= expected_days <= MAX_SUSPENSION_DAYS:
        raise ValidationError("expected_days", f"预计所需时间应为 1—{MAX_SUSPENSION_DAYS} 个工作日")
    today = ctx.today()
    start = start or today
    with ctx.write("suspend") as s:
        case = _load(s, case_id)
        if case.state not in (State.ACCEPTED, State.UNDER_REVIEW):
            check_transition(case.state, State.SUSPENDED)  # raises with the state's name
        if case.clock_start is None or not case.clock_start <= start <= today:
            raise ValidationError("start", "特别程序开始日期应在受理之后、不晚于今天")
        now = ctx.now()
        if case.state == State.ACCEPTED:
            # The state machine suspends only a case under review: the review has begun with this step.
            check_transition(case.state, State.UNDER_REVIEW)
            add_event(s, case.id, actor.staff_id, "review_started", now, "开始审查", case.state, State.UNDER_REVIEW)
            case.state = str(State.UNDER_REVIEW)
        check_transition(case.state, State.SUSPENDED)
        try:
            cal = workdays.current_calendar(s)
            end = expected_end(cal, start, expected_days)
            row = Suspension(case_id=case.id, kind=kind, basis=basis.strip(), reason=reason.strip(), started_on=start,
                             expected_days=expected_days, staff_id=actor.staff_id)
            new = deadlines_for(cal, case, [*suspension_spans(cal, _suspensions(s, case.id)), (start, end)])
        except CalendarError as exc:
            raise _calendar_error(exc) from exc
        facts = SuspensionFacts(kind_label=label, reason=reason.strip(), expected_days=expected_days, start=start,
                                approver=actor.name, new_deadline=new.legal, basis=basis.strip())
        # The notice prints the deadlines in force before the stop beside the new ones: issue it first.
        doc = issue_for_case(s, ctx, actor, case, DocKind.SPECIAL_PROCEDURE, issued_on=today, suspension=facts,
                             notes=_notes(new))
        row.document_id = doc.id
        s.add(row)
        old_state, case.state, case.updated_at = case.state, str(State.SUSPENDED), now
        add_event(s, case.id, actor.staff_id, "suspended", now, f"{label}：{reason.strip()}", old_state, case.state,
                  procedure=kind, start=start, expected_days=expected_days, expected_end=end, document=doc.number)
        apply_deadlines(s, case, new, f"特别程序（{label}）自{start}起暂停计时，预计{expected_days}个工作日",
                        actor.staff_id, now)
        case.printed_promised, case.deadline_moved = case.promised_deadline, False
        outbox.enqueue(s, "case", case.id, "suspend", {**case_snapshot(case), "suspension": {
            "kind": kind, "start": start, "expected_days": expected_days, "basis": basis, "reason": reason}}, now)
        return _result(case, [doc.id])


def end_suspension(ctx: AppContext, actor: Actor, case_id: str, end: date | None = None,
                   note: str = "") -> DeadlineResult:
    """The special procedure is over (`end` included in the stop): the clock runs again from the next day."""
    require(actor, Action.SUSPEND)
    today = ctx.today()
    end = end or today
    with ctx.write("resume") as s:
        case = _load(s, case_id)
        if case.state != State.SUSPENDED:
            raise AppError("bad_state", "该办件不在特别程序中")
        check_transition(case.state, State.UNDER_REVIEW)
        rows = _suspensions(s, case.id)
        current = next((r for r in rows if r.ended_on is None), None)
        if current is None:
            raise AppError("no_suspension", "没有进行中的特别程序")
        if not current.started_on <= end <= today:
            raise ValidationError("end", "结束日期应不早于特别程序开始日期、不晚于今天")
        now = ctx.now()
        current.ended_on = end
        label = SUSPENSION_KINDS.get(current.kind, current.kind)
        old_state, case.state, case.updated_at = case.state, str(State.UNDER_REVIEW), now
        used = None
        try:
            cal = workdays.current_calendar(s)
            new = deadlines_for(cal, case, suspension_spans(cal, rows))
            used = cal.working_days_between(current.started_on - timedelta(days=1), end)
        except CalendarError as exc:
            raise _calendar_error(exc) from exc
        add_event(s, case.id, actor.staff_id, "resumed", now, note.strip() or f"{label}结束，恢复计时", old_state,
                  case.state, procedure=current.kind, start=current.started_on, end=end, working_days=used,
                  expected_days=current.expected_days)
        apply_deadlines(s, case, new, f"特别程序（{label}）{current.started_on}至{end}，计{used}个工作日，不计入办理期限",
                        actor.staff_id, now)
        _flag_if_printed_moved(s, case, actor.staff_id, now, "特别程序实际用时与告知的预计时间不同")
        outbox.enqueue(s, "case", case.id, "resume", {**case_snapshot(case), "suspension_end": end}, now)
        return _result(case)


def extend(ctx: AppContext, actor: Actor, case_id: str, reason: str, joint: bool = False) -> DeadlineResult:
    """Art. 42: the chief representative approves +10 (joint handling +15) working days; sealed 延期告知书."""
    require(actor, Action.APPROVE_EXTENSION)
    if not reason.strip():
        raise ValidationError("reason", "请写明延长期限的理由")
    today = ctx.today()
    days = JOINT_EXTENSION_DAYS if joint else EXTENSION_DAYS
    with ctx.write("extend") as s:
        case = _load(s, case_id)
        if actor.department_id != case.department_id:
            raise PermissionDenied("只有本部门首席代表可以批准延期")
        if case.state not in RUNNING_STATES and case.state != State.SUSPENDED:
            raise AppError("bad_state", "只有办理中的办件可以延期")
        if case.extension_days:
            raise AppError("already_extended", "该办件已经延期一次，依法不能再次延期")
        if case.legal_deadline is None or today > case.legal_deadline:
            raise AppError("too_late", "法定办理期限已经届满，不能再批准延期")
        now = ctx.now()
        try:
            cal = workdays.current_calendar(s)
            new = deadlines_for(cal, case, suspension_spans(cal, _suspensions(s, case.id)), days)
        except CalendarError as exc:
            raise _calendar_error(exc) from exc
        basis = BASIS_EXTEND_JOINT if joint else BASIS_EXTEND
        facts = SuspensionFacts(kind_label="延期", reason=reason.strip(), expected_days=days, start=today,
                                approver=actor.name, new_deadline=new.legal, basis=basis)
        # The notice prints the limit and deadline in force before the extension: issue it first.
        doc = issue_for_case(s, ctx, actor, case, DocKind.EXTENSION, issued_on=today, suspension=facts,
                             notes=_notes(new))
        case.extension_days, case.updated_at = days, now
        s.add(Extension(case_id=case.id, days=days, reason=reason.strip(), approver_id=actor.staff_id, at=now,
                        document_id=doc.id))
        add_event(s, case.id, actor.staff_id, "extended", now, reason.strip(), days=days, joint=joint,
                  document=doc.number, approver=actor.name)
        apply_deadlines(s, case, new, f"经首席代表{actor.name}批准延长{days}个工作日：{reason.strip()}",
                        actor.staff_id, now)
        case.printed_promised, case.deadline_moved = case.promised_deadline, False
        audit.record(s, actor.staff_id, "approve_extension", case.case_no,
                     {"days": days, "reason": reason.strip(), "document": doc.number}, at=now)
        outbox.enqueue(s, "case", case.id, "extend", {**case_snapshot(case), "extension": {
            "days": days, "reason": reason.strip(), "approver_id": actor.staff_id}}, now)
        return _result(case, [doc.id])


def acknowledge_moved_deadline(ctx: AppContext, actor: Actor, case_id: str, how: str) -> DeadlineResult:
    """The applicant has been told the new promised date (how: by phone, SMS, in person…)."""
    require(actor, Action.REVIEW)
    if not how.strip():
        raise ValidationError("how", "请写明告知方式（如电话、短信、当面）")
    with ctx.write() as s:
        case = _load(s, case_id)
        if not case.deadline_moved:
            raise AppError("not_moved", "该办件的承诺办结日期没有变化")
        now = ctx.now()
        add_event(s, case.id, actor.staff_id, "deadline_move_told", now, how.strip(),
                  printed=case.printed_promised, new=case.promised_deadline)
        case.printed_promised, case.deadline_moved, case.updated_at = case.promised_deadline, False, now
        outbox.enqueue(s, "case", case.id, "deadline_told", case_snapshot(case), now)
        return _result(case)


def recompute_after_calendar_update(ctx: AppContext) -> CalendarRecompute:
    """Called by sync after storing a new calendar version: recompute every open case's deadlines.

    Suspensions still running count to their expected end under the new calendar. A case whose
    printed promised date moves is flagged. One case the calendar cannot cover is reported, not fatal.
    """
    changed: list[str] = []
    flagged: list[str] = []
    failed: list[tuple[str, str]] = []
    with ctx.write("calendar_recompute") as s:
        cal = workdays.current_calendar(s)
        now = ctx.now()
        reason = f"工作日历更新（{cal.version}）"
        open_states = [str(x) for x in OPEN_STATES]
        cases = list(s.execute(select(Case).where(Case.state.in_(open_states))).scalars())
        by_case: dict[str, list[Suspension]] = {}
        ids = [c.id for c in cases]
        for chunk in range(0, len(ids), 500):
            for row in s.execute(select(Suspension).where(Suspension.case_id.in_(ids[chunk:chunk + 500]))
                                 .order_by(Suspension.started_on, Suspension.id)).scalars():
                by_case.setdefault(row.case_id, []).append(row)
        for case in cases:
            try:
                if case.state == State.RECEIVED and case.notice_due is not None:
                    moved = _recompute_notice(s, cal, case, reason, now)
                elif case.clock_start is not None:
                    new = deadlines_for(cal, case, suspension_spans(cal, by_case.get(case.id, [])))
                    moved = apply_deadlines(s, case, new, reason, None, now)
                    was_flagged = case.deadline_moved
                    _flag_if_printed_moved(s, case, None, now, reason)
                    if case.deadline_moved and not was_flagged:
                        flagged.append(case.case_no)
                else:
                    continue
            except CalendarError as exc:
                failed.append((case.case_no, str(exc)))
                continue
            if moved:
                changed.append(case.case_no)
                case.updated_at = now
                outbox.enqueue(s, "case", case.id, "deadlines", case_snapshot(case), now)
        result = CalendarRecompute(cal.version, len(cases), tuple(changed), tuple(flagged), tuple(failed))
    forget_light_windows()
    return result


def _recompute_notice(session: Session, cal: WorkCalendar, case: Case, reason: str, now: datetime) -> bool:
    """Art. 32's five-day notice deadline of a received case under the new calendar."""
    due = cal.add_working_days(to_local(case.received_at).date(), NOTICE_DAYS)
    if due.day == case.notice_due:
        return False
    session.add(DeadlineChange(case_id=case.id, at=now, which="notice", old=case.notice_due, new=due.day,
                               reason=reason, calendar_version=cal.version, provisional=due.provisional))
    add_event(session, case.id, None, "deadline_changed", now, reason, notice=[case.notice_due, due.day])
    case.notice_due = due.day
    return True
