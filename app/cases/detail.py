"""Everything the case desk shows about one case: timeline, materials, attachments, documents, deadlines."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import literal_column, select
from sqlalchemy.orm import selectinload

from app.cases.attachments import AttachmentInfo, case_attachments
from app.cases.forwarding import DepartmentTime, department_time, forwarded_late
from app.cases.lights import Light, case_lights, light_window
from app.cases.ratings import StageRating, case_ratings
from app.cases.site_visits import SiteVisitInfo, case_site_visits, needs_site_visit
from app.cases.special_procedures import SUSPENSION_KINDS, expected_end
from app.cases.states import STATE_LABELS, State
from app.core.auth import Action, require
from app.core.context import Actor, AppContext, local_naive
from app.core.errors import NotFound
from app.core.masking import mask_id, mask_phone
from app.records.doc_register import DocumentInfo, info_of
from app.reference import workdays
from app.reference.calendar import CalendarError
from app.reference.catalog import FORM_LABELS, PROCESSING_LABELS, REVIEW_LABELS
from app.reference.identity import id_label
from db.models import (
    Case,
    CaseEvent,
    DeadlineChange,
    Document,
    Extension,
    RemoteDocument,
    Staff,
    Suspension,
    Window,
)

EVENT_LABELS: dict[str, str] = {
    "received": "收件", "accepted": "受理", "deemed_accepted": "视为受理", "notified": "一次性告知",
    "refused": "不予受理", "override": "追加补正（首席代表批准）", "supplement_partial": "部分补正",
    "closed_unanswered": "逾期未补正办结", "review_started": "开始审查", "suspended": "特别程序开始",
    "resumed": "特别程序结束", "extended": "批准延期", "deadline_changed": "期限变更",
    "deadline_moved": "承诺日期变动（待告知申请人）", "deadline_move_told": "已告知申请人新日期",
    "attachment_added": "添加附件", "site_visit_scheduled": "安排现场核查", "site_visit_result": "现场核查结果", "rating": "好差评", "rating_follow_up": "差评整改",
    "document_voided": "文书作废", "reviewed": "审查完毕", "returned": "退回重审", "forwarded": "上报部门",
    "sign_off": "核准签发", "decide": "作出决定", "decide_on_spot": "当场作出决定", "backoffice_decision": "部门决定",
    "decision_issued": "出具决定书", "certificate_issued": "制证", "certificate_voided": "证照作废",
    "certificate_reissued": "补发证照", "delivered": "送达", "synced": "经中心服务器同步", "case_no_clash": "编号冲突",
    "commitment_checked": "告知承诺核查", "approval_revoked": "撤销行政许可（承诺不实）",
    "bundle_started": "前置事项准予，开始计时", "bundle_stopped": "前置事项未准予，终止办理",
    "termination_notice": "出具终止办理告知书",
}
WHICH_LABELS = {"promised": "承诺办结日期", "legal": "法定期限届满日", "notice": "一次性告知期限", "issue": "制证期限",
                "forward": "上报期限", "post_check": "告知承诺核查期限"}
MATERIAL_STATUS = {"received": "已收", "missing": "缺少", "defective": "需补正", "deferred": "容缺后补", "committed": "告知承诺替代"}


@dataclass(frozen=True)
class EventLine:
    at: datetime  # hall local time
    who: str
    kind: str
    label: str
    change: str  # "审查中 → 特别程序中", or ""
    reason: str
    details: dict[str, object]

    @property
    def summary(self) -> str:
        """The dates a deadline event moved, as the timeline shows them beside the reason."""
        parts = []
        for key, label in (("promised", "承诺办结"), ("legal", "法定期限"), ("notice", "告知期限")):
            pair = self.details.get(key)
            if isinstance(pair, list) and len(pair) == 2 and pair[0] != pair[1]:
                parts.append(f"{label} {pair[0] or '—'} → {pair[1]}")
        if self.kind in ("deadline_moved", "deadline_move_told") and self.details.get("printed"):
            parts.append(f"原告知 {self.details['printed']} → {self.details.get('new')}")
        return "；".join(parts)


@dataclass(frozen=True)
class MaterialLine:
    id: int
    seq: int
    name: str
    form_label: str
    copies_required: int
    copies_received: int
    status_label: str
    defect: str
    deferred_due: date | None
    status: str = ""  # the code behind status_label: what 补正 may still bring
    item_material_id: int | None = None  # the catalog's material: what the 补正 use case takes


@dataclass(frozen=True)
class DeadlineLine:
    at: datetime
    which_label: str
    old: date | None
    new: date | None
    reason: str
    provisional: bool
    calendar_version: str


@dataclass(frozen=True)
class SuspensionLine:
    kind_label: str
    reason: str
    basis: str
    started_on: date
    expected_days: int
    expected_end: date | None
    ended_on: date | None
    working_days: int | None  # counted once ended
    document_id: str | None


@dataclass(frozen=True)
class ExtensionLine:
    days: int
    reason: str
    approver: str
    at: datetime
    document_id: str | None


@dataclass(frozen=True)
class CaseDetail:
    id: str
    case_no: str
    state: str
    state_label: str
    item_code: str
    item_name: str
    processing_label: str
    review_label: str
    window: str
    clerk: str
    applicant_kind: str
    applicant_name: str
    applicant_id_label: str
    applicant_id_number: str
    applicant_phone: str
    applicant_address: str
    legal_rep: str
    agent_name: str
    received_at: datetime
    accepted_at: datetime | None
    decided_at: datetime | None
    clock_start: date | None
    notice_due: date | None
    promised_days: int
    legal_days: int
    extension_days: int
    promised_deadline: date | None
    legal_deadline: date | None
    provisional: bool
    printed_promised: date | None
    deadline_moved: bool
    promised_light: Light
    legal_light: Light
    events: tuple[EventLine, ...]
    materials: tuple[MaterialLine, ...]
    attachments: tuple[AttachmentInfo, ...]
    documents: tuple[DocumentInfo, ...]
    deadline_changes: tuple[DeadlineLine, ...]
    suspensions: tuple[SuspensionLine, ...]
    extensions: tuple[ExtensionLine, ...]
    ratings: tuple[StageRating, ...]
    documents_waiting: int = 0  # issued at another workstation, file not fetched yet (app/sync/doc_fetch.py)
    forward_due: date | None = None  # 上报: two working days from complete papers (app/cases/forwarding.py)
    forwarded_at: datetime | None = None
    forward_late: bool | None = None
    department_time: DepartmentTime | None = None  # once the department's decision came back
    site_visit_needed: bool = False  # the catalog marks the item as needing a site visit (app/cases/site_visits.py)
    site_visits: tuple[SiteVisitInfo, ...] = ()


def _local(at: datetime | None) -> datetime | None:
    return local_naive(at) if at is not None else None


def _label(state: str | None) -> str:
    if not state:
        return "新建"
    return STATE_LABELS[State(state)] if state in State._value2member_map_ else state


def case_detail(ctx: AppContext, actor: Actor, case_id: str, yellow_workdays: int = 3) -> CaseDetail:
    """The whole case as the case desk shows it (one read transaction)."""
    require(actor, Action.VIEW_CASES)
    with ctx.read() as s:
        case = s.execute(select(Case).options(selectinload(Case.materials)).where(Case.id == case_id)
                         ).scalar_one_or_none()
        if case is None:
            raise NotFound("办件不存在")
        names: dict[int, str] = {i: n for i, n in s.execute(select(Staff.id, Staff.name)).all()}
        window = s.get(Window, case.window_id)
        cal = workdays.current_calendar(s)
        p_light, l_light = case_lights(case.state, case.promised_deadline, case.legal_deadline,
                                       light_window(cal, ctx.today(), yellow_workdays))
        events = tuple(
            EventLine(local_naive(e.at), names.get(e.staff_id, "") if e.staff_id else "系统", e.kind,
                      EVENT_LABELS.get(e.kind, "其他记录"),  # never a code word on screen
                      f"{_label(e.from_state)} → {_label(e.to_state)}" if e.to_state and e.from_state != e.to_state
                      else "", e.reason, json.loads(e.data_json or "{}"))
            for e in s.execute(select(CaseEvent).where(CaseEvent.case_id == case_id)
                               .order_by(CaseEvent.at, CaseEvent.id)).scalars())
        materials = tuple(MaterialLine(m.id, m.seq, m.name, FORM_LABELS.get(m.form, m.form), m.copies_required,
                                       m.copies_received, MATERIAL_STATUS.get(m.status, m.status), m.defect,
                                       m.deferred_due, m.status, m.item_material_id) for m in case.materials)
        documents = tuple(info_of(d, ctx.data.root) for d in s.execute(
            # Documents issued together share a timestamp: the insertion order (rowid) is the printing order.
            select(Document).where(Document.case_id == case_id).order_by(Document.created_at,
                                                                         literal_column("document.rowid"))
        ).scalars())
        changes = tuple(DeadlineLine(local_naive(c.at), WHICH_LABELS.get(c.which, c.which), c.old, c.new, c.reason,
                                     c.provisional, c.calendar_version)
                        for c in s.execute(select(DeadlineChange).where(DeadlineChange.case_id == case_id)
                                           .order_by(DeadlineChange.at, DeadlineChange.id)).scalars())
        suspensions = []
        for r in s.execute(select(Suspension).where(Suspension.case_id == case_id)
                           .order_by(Suspension.started_on, Suspension.id)).scalars():
            try:
                planned: date | None = expected_end(cal, r.started_on, r.expected_days)
                used = (cal.working_days_between(r.started_on - timedelta(days=1), r.ended_on)
                        if r.ended_on else None)
            except CalendarError:
                planned, used = None, None
            suspensions.append(SuspensionLine(SUSPENSION_KINDS.get(r.kind, r.kind), r.reason, r.basis, r.started_on,
                                              r.expected_days, planned, r.ended_on, used, r.document_id))
        extensions = tuple(ExtensionLine(x.days, x.reason, names.get(x.approver_id, ""), local_naive(x.at),
                                         x.document_id)
                           for x in s.execute(select(Extension).where(Extension.case_id == case_id)
                                              .order_by(Extension.at)).scalars())
        detail = dict(
            id=case.id, case_no=case.case_no, state=case.state, state_label=_label(case.state),
            item_code=case.item_code, item_name=case.item_name,
            processing_label=PROCESSING_LABELS.get(case.processing_type, case.processing_type),
            review_label=REVIEW_LABELS.get(case.review_mode, case.review_mode),
            window=f"{window.number} {window.name}" if window else "", clerk=names.get(case.clerk_id, ""),
            applicant_kind=case.applicant_kind, applicant_name=case.applicant_name,
            applicant_id_label=id_label(case.applicant_id_type), applicant_id_number=mask_id(case.applicant_id_number),
            applicant_phone=mask_phone(case.applicant_phone), applicant_address=case.applicant_address, legal_rep=case.legal_rep,
            agent_name=case.agent_name, received_at=local_naive(case.received_at), accepted_at=_local(case.accepted_at),
            decided_at=_local(case.decided_at), clock_start=case.clock_start, notice_due=case.notice_due,
            promised_days=case.promised_days, legal_days=case.legal_days, extension_days=case.extension_days,
            promised_deadline=case.promised_deadline, legal_deadline=case.legal_deadline,
            provisional=case.deadline_provisional, printed_promised=case.printed_promised,
            deadline_moved=case.deadline_moved, promised_light=p_light, legal_light=l_light, events=events,
            materials=materials, documents=documents, deadline_changes=changes, suspensions=tuple(suspensions),
            extensions=extensions, forward_due=case.forward_due, forwarded_at=_local(case.forwarded_at),
            forward_late=forwarded_late(case), department_time=department_time(cal, case),
            documents_waiting=len(s.execute(
                select(RemoteDocument.sha256).where(RemoteDocument.case_id == case_id)).all()))
        detail["site_visit_needed"] = needs_site_visit(s, case)
    return CaseDetail(**detail, attachments=case_attachments(ctx, actor, case_id),  # type: ignore[arg-type]
                      ratings=case_ratings(ctx, actor, case_id), site_visits=case_site_visits(ctx, actor, case_id))
