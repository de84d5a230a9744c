"""告知承诺 cases once accepted: their post-check (事中事后核查) task, its light, and its recorded result.

A case accepted on the applicant's written commitment gets a post-check deadline from the catalog (N working
days from the day of the commitment, the start day not counted). The check stays on the window's desk with a
light until its result is 属实 or 不属实; 暂无法核实 keeps it open. A 不属实 check stays on the desk, marked
待撤销, until the chief revokes the approval (app.certificates.revocation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.cases.lights import Light, light_of, light_window
from app.cases.states import State
from app.core import audit, outbox
from app.core.auth import Action, require
from app.core.commitment_terms import CommitmentTerms, from_json
from app.core.context import Actor, AppContext, to_local
from app.core.errors import AppError, NotFound, ValidationError
from app.records.case_events import add_event
from app.reference import workdays
from app.reference.calendar import WorkCalendar
from db.models import CHECK_OPEN_SQL, Case, CommitmentCheck, DeadlineChange

RESULT_LABELS = {"true": "属实", "false": "不属实", "unverifiable": "暂无法核实"}
CHECK_YELLOW_WORKDAYS = 3  # the check turns yellow three working days before its deadline
DECIDED_STATES = frozenset({State.APPROVED, State.CERTIFICATE_ISSUED, State.DELIVERED})


def check_of(session: Session, case_id: str) -> CommitmentCheck | None:
    return session.get(CommitmentCheck, case_id)


def own_check(session: Session, actor: Actor, case_id: str, who: str) -> tuple[Case, CommitmentCheck]:
    """The case accepted on a commitment and its post-check, for the staff of its own window only
    (`who`: 人员 / 首席代表, as the refusal names them)."""
    case, row = session.get(Case, case_id), check_of(session, case_id)
    if case is None or row is None:
        raise NotFound("该办件不是告知承诺办件")
    if actor.window_id != case.window_id:
        raise AppError("other_window", f"只有受理该办件窗口的{who}可以办理")
    return case, row


def start_check(session: Session, cal: WorkCalendar, case: Case, terms: CommitmentTerms, on: date,
                at: datetime) -> CommitmentCheck:
    """The post-check task of a case accepted on a commitment (caller's transaction)."""
    due = cal.add_working_days(on, terms.check_days)
    session.add(DeadlineChange(case_id=case.id, at=at, which="post_check", old=None, new=due.day,
                               reason=f"告知承诺，{terms.check_days} 个工作日内完成核查", calendar_version=cal.version,
                               provisional=due.provisional))
    row = CommitmentCheck(case_id=case.id, window_id=case.window_id, item_code=case.item_code,
                          terms_json=terms.to_json(), committed_on=on, due=due.day)
    session.add(row)
    return row


def require_signed(session: Session, case: Case) -> None:
    """A 告知承诺 case is decided only once the applicant's signed 告知承诺书 is attached (its scan)."""
    row = check_of(session, case.id)
    if row is not None and row.scan_attachment_id is None:
        raise AppError("unsigned_commitment", "请先添加申请人签署的告知承诺书扫描件，再作出决定")


@dataclass(frozen=True)
class CheckRow:
    """A post-check still to do (or a false commitment still to revoke), with its light."""

    case_id: str
    case_no: str
    applicant_name: str
    item_name: str
    due: date
    result: str | None
    light: Light

    @property
    def status_label(self) -> str:
        if self.result == "false":
            return "不属实，待撤销"
        return "暂无法核实，待再核查" if self.result == "unverifiable" else "待核查"


def open_checks(ctx: AppContext, actor: Actor, window_id: int | None, limit: int = 200) -> tuple[CheckRow, ...]:
    """The window's open post-checks, most urgent first (along ix_commitment_check_open)."""
    require(actor, Action.VIEW_CASES)
    where = f"({CHECK_OPEN_SQL})" + (" AND commitment_check.window_id = :window" if window_id is not None else "")
    with ctx.read() as s:
        window = light_window(workdays.current_calendar(s), ctx.today(), CHECK_YELLOW_WORKDAYS)
        rows = s.execute(select(Case.id, Case.case_no, Case.applicant_name, Case.item_name, CommitmentCheck.due,
                                CommitmentCheck.result)
                         .join(Case, Case.id == CommitmentCheck.case_id).where(text(where)).params(window=window_id)
                         .order_by(CommitmentCheck.due, Case.case_no).limit(limit)).all()
    # A false commitment is overdue business whatever its date: it shows red until revoked.
    return tuple(CheckRow(*r[:6], Light.RED if r[5] == "false" else light_of(r[4], window)) for r in rows)


@dataclass(frozen=True)
class CheckInfo:
    """The post-check of one case as the case detail shows it."""

    case_id: str
    terms: CommitmentTerms
    committed_on: date
    due: date
    scan_attached: bool
    result: str | None
    note: str
    checked_on: date | None
    on_time: bool | None  # None until a final result
    revoked: bool

    @property
    def result_label(self) -> str:
        return RESULT_LABELS.get(self.result or "", "待核查")


def info_of(row: CommitmentCheck) -> CheckInfo:
    checked_on = to_local(row.checked_at).date() if row.checked_at else None
    final = row.result in ("true", "false")
    terms = from_json(row.terms_json)
    assert terms is not None
    return CheckInfo(row.case_id, terms, row.committed_on, row.due, row.scan_attachment_id is not None, row.result,
                     row.note, checked_on, (checked_on <= row.due) if final and checked_on else None,
                     row.revoked_at is not None)


def check_info(ctx: AppContext, actor: Actor, case_id: str) -> CheckInfo | None:
    """The case's post-check, or None for a case not accepted on a commitment."""
    require(actor, Action.VIEW_CASES)
    with ctx.read() as s:
        row = check_of(s, case_id)
        return info_of(row) if row is not None else None


def record_check(ctx: AppContext, actor: Actor, case_id: str, result: str, note: str) -> CheckInfo:
    """The post-check's result, by the staff of the case's window; 属实 and 不属实 are final."""
    require(actor, Action.CHECK_COMMITMENT)
    if result not in RESULT_LABELS:
        raise ValidationError("result", "请选择核查结果：属实、不属实或暂无法核实")
    note = note.strip()
    if result != "true" and not note:
        raise ValidationError("note", "请写明核查发现的情况" if result == "false" else "请写明暂无法核实的原因")
    with ctx.write("commitment_check") as s:
        case, row = own_check(s, actor, case_id, "工作人员")
        if case.state not in DECIDED_STATES:
            raise AppError("bad_state", "作出准予许可决定后才能登记核查结果")
        if row.result in ("true", "false"):
            raise AppError("already_checked", f"该办件已核查，结果为“{RESULT_LABELS[row.result]}”")
        now = ctx.now()
        row.result, row.note, row.checked_at, row.checked_by_id = result, note, now, actor.staff_id
        label = RESULT_LABELS[result]
        add_event(s, case.id, actor.staff_id, "commitment_checked", now, f"承诺核查：{label}", result=result, note=note)
        outbox.enqueue(s, "commitment", case.id, "check", {
            "case_id": case.id, "case_no": case.case_no, "item_code": case.item_code, "result": result,
            "note": note, "checked_on": to_local(now).date().isoformat(), "due": row.due.isoformat()}, now)
        audit.record(s, actor.staff_id, "commitment_check", case.case_no, {"result": result, "note": note}, at=now)
        s.flush()
        return info_of(row)
