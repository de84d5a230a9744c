"""Site visits (现场踏勘/核查, 行政许可法 art. 34 (3)): schedule, notify, record the result with photos.

For an item the catalog marks as needing one, the window schedules the visit — a day within the legal limit, at
least two inspectors, what is to be checked — and prints the 现场核查通知书 (sealed, registered) in the same
transaction. The visit's time counts within the legal limit: it is not one of art. 45's suspensions
(special_procedures refuses it as one), so nothing here moves a deadline. After the visit the result is recorded
(符合 / 限期整改 with a deadline / 不符合) with its photos, stored sealed like every scan. A decision waits for
the result of every visit on the case (`require_results`, called by the decision itself), and the chief sees the
result on the sign-off page. Each step: role first, one write transaction, audit entry, outbox op (entity
"site_visit"), which the server checks against its own case, catalog and staff records.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import literal_column, select
from sqlalchemy.orm import Session

from app.cases.attachments import StoredScan, attach_scan, store_scan
from app.cases.case_documents import issue_for_case
from app.cases.states import State
from app.core import audit, outbox
from app.core.auth import Action, require
from app.core.context import Actor, AppContext, local_naive
from app.core.errors import AppError, NotFound, ValidationError
from app.documents.data import DocKind, SiteVisitFacts
from app.records.case_events import add_event
from db.models import Attachment, Case, Item, SiteVisit, SiteVisitPhoto, Staff, Window

RESULTS = {"meets": "符合", "rectify": "限期整改", "fails": "不符合"}
MIN_INSPECTORS = 2  # art. 34 (3): 指派两名以上工作人员进行核查
MAX_INSPECTORS = 6
MAX_PHOTOS = 20
CHECKS_LIMIT = 1000
SCHEDULABLE = (State.ACCEPTED, State.UNDER_REVIEW)
PHOTO_TYPES = ("image/jpeg", "image/png")


@dataclass(frozen=True)
class SiteVisitInput:
    day: date
    inspectors: tuple[str, ...]
    checks: str
    place: str = ""  # blank: the applicant's address


@dataclass(frozen=True)
class VisitResultInput:
    result: str  # meets | rectify | fails
    note: str = ""  # what was found; what to rectify
    rectify_due: date | None = None
    photos: tuple[tuple[str, bytes], ...] = ()  # (file name, bytes)


@dataclass(frozen=True)
class SiteVisitInfo:
    id: str
    case_id: str
    day: date
    place: str
    inspectors: tuple[str, ...]
    checks: str
    notice_document_id: str | None
    scheduled_by: str
    result: str | None
    note: str
    rectify_due: date | None
    result_at: datetime | None  # hall local
    result_by: str
    photo_ids: tuple[str, ...]  # the attachments: where the photos were taken, or once fetched from the server
    photo_count: int = 0
    photos_on_server: tuple[str, ...] = ()  # hashes of photos taken elsewhere, not fetched here yet

    @property
    def result_label(self) -> str:
        return RESULTS.get(self.result or "", "待录入核查结果")

    @property
    def summary(self) -> str:
        """One line for the sign-off page and the case detail."""
        return visit_summary(self.day, self.inspectors, self.result, self.note, self.rectify_due, self.photo_count)


def visit_summary(day: date, inspectors: tuple[str, ...], result: str | None, note: str, rectify_due: date | None,
                  photos: int) -> str:
    """现场核查 2026-11-25（李建国、赵敏）：限期整改，限 2026-12-01 前整改；冷库温度记录缺失；照片 2 张"""
    head = f"现场核查 {day:%Y-%m-%d}（{'、'.join(inspectors)}）：{RESULTS.get(result or '', '待录入核查结果')}"
    if result == "rectify" and rectify_due:
        head += f"，限 {rectify_due:%Y-%m-%d} 前整改"
    if note:
        head += f"；{note}"
    return head + (f"；照片 {photos} 张" if photos else "")


def page_summaries(session: Session, case_ids: list[str]) -> dict[str, tuple[str, bool]]:
    """Per case of a desk page: its visits in one line each, and whether one still waits for its result
    (one statement, whatever the page holds)."""
    out: dict[str, tuple[str, bool]] = {}
    if not case_ids:
        return out
    rows = session.execute(select(SiteVisit).where(SiteVisit.case_id.in_(case_ids))
                           .order_by(SiteVisit.scheduled_at)).scalars()
    for v in rows:
        line = visit_summary(v.scheduled_on, tuple(json.loads(v.inspectors_json)), v.result, v.result_note,
                             v.rectify_due, v.photo_count)
        text, pending = out.get(v.case_id, ("", False))
        out[v.case_id] = ("\n".join(t for t in (text, line) if t), pending or v.result is None)
    return out


def _names(inspectors: tuple[str, ...]) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(" ".join(n.split()) for n in inspectors if n.strip()))
    if len(names) < MIN_INSPECTORS:
        raise ValidationError("inspectors", "现场核查须由两名以上工作人员进行，请填写至少两名核查人员")
    if len(names) > MAX_INSPECTORS or any(len(n) > 50 or not n.isprintable() for n in names):
        raise ValidationError("inspectors", f"核查人员最多 {MAX_INSPECTORS} 名，每个姓名不超过 50 字")
    return names


def _info(session: Session, v: SiteVisit) -> SiteVisitInfo:
    names = dict(session.execute(select(Staff.id, Staff.name).where(
        Staff.id.in_({v.scheduled_by_id, v.result_by_id or 0}))).all())
    here = session.execute(select(SiteVisitPhoto.attachment_id, Attachment.sha256).join(
        Attachment, Attachment.id == SiteVisitPhoto.attachment_id).where(SiteVisitPhoto.site_visit_id == v.id)
        # Photos recorded together share a timestamp: the insertion order (rowid) is the order they were given.
        .order_by(Attachment.added_at, literal_column("attachment.rowid"))).all()
    photos, shas = tuple(a for a, _sha in here), {sha for _a, sha in here}
    elsewhere = tuple(h for h in json.loads(v.photo_hashes_json or "[]") if h not in shas)
    return SiteVisitInfo(v.id, v.case_id, v.scheduled_on, v.place, tuple(json.loads(v.inspectors_json)), v.checks,
                         v.notice_document_id, names.get(v.scheduled_by_id, ""), v.result, v.result_note,
                         v.rectify_due, local_naive(v.result_at) if v.result_at else None,
                         names.get(v.result_by_id or 0, ""), photos, max(v.photo_count, len(photos)), elsewhere)


def needs_site_visit(session: Session, case: Case) -> bool:
    """The catalog marks the case's item as needing a site visit."""
    item = session.get(Item, case.item_id) if case.item_id else None
    return bool(item is not None and item.site_visit)


def open_visits(session: Session, case_id: str) -> list[SiteVisit]:
    return list(session.execute(select(SiteVisit).where(SiteVisit.case_id == case_id, SiteVisit.result.is_(None))
                                ).scalars())


def require_results(session: Session, case: Case) -> None:
    """Inside a decision: every site visit of the case has its result on file (DOMAIN: before sign-off)."""
    if open_visits(session, case.id):
        raise AppError("site_visit_pending", f"办件 {case.case_no} 的现场核查尚未录入结果，录入核查结果后才能作出决定")


def _wire(v: SiteVisit, case: Case, window_code: str) -> dict[str, object]:
    return {"case_id": case.id, "case_no": case.case_no, "window_code": window_code, "item_code": case.item_code,
            "day": v.scheduled_on, "place": v.place, "inspectors": json.loads(v.inspectors_json),
            "checks": v.checks, "result": v.result, "note": v.result_note, "rectify_due": v.rectify_due}


def _window_code(session: Session, case: Case) -> str:
    window = session.get(Window, case.window_id)
    return window.code if window else ""


def schedule_site_visit(ctx: AppContext, actor: Actor, case_id: str, data: SiteVisitInput) -> SiteVisitInfo:
    """Schedule the visit and issue its 现场核查通知书 in one transaction (the caller prints the notice)."""
    require(actor, Action.SITE_VISIT)
    names = _names(data.inspectors)
    checks = "\n".join(line.strip() for line in data.checks.splitlines() if line.strip())
    if not checks:
        raise ValidationError("checks", "请填写核查内容")
    if len(checks) > CHECKS_LIMIT:
        raise ValidationError("checks", f"核查内容过长（不超过 {CHECKS_LIMIT} 字）")
    today = ctx.today()
    if data.day < today:
        raise ValidationError("day", "核查日期不能早于今天")
    with ctx.write("site_visit") as s:
        case = s.get(Case, case_id)
        if case is None:
            raise NotFound("办件不存在")
        if not needs_site_visit(s, case):
            raise AppError("no_site_visit", f"事项“{case.item_name}”在事项目录中未规定现场核查")
        if case.state not in SCHEDULABLE:
            raise AppError("bad_state", f"办件 {case.case_no} 已不在审查阶段，不能安排现场核查")
        if open_visits(s, case.id):
            raise AppError("visit_open", "该办件已有一次现场核查尚未录入结果")
        # Counted within the legal limit: a visit after the legal deadline could not change the decision in time.
        if case.legal_deadline is not None and data.day > case.legal_deadline:
            raise ValidationError("day", f"核查日期不能晚于法定办结期限 {case.legal_deadline:%Y-%m-%d}"
                                         "（现场核查时间计入办理期限）")
        place = " ".join((data.place.strip() or case.applicant_address).split())
        if not place or len(place) > 300:
            raise ValidationError("place", "请填写核查地点（不超过 300 字）")
        now = ctx.now()
        visit = SiteVisit(case_id=case.id, scheduled_on=data.day, place=place,
                          inspectors_json=json.dumps(names, ensure_ascii=False), checks=checks, scheduled_at=now,
                          scheduled_by_id=actor.staff_id, result_note="")
        s.add(visit)
        s.flush()
        doc = issue_for_case(s, ctx, actor, case, DocKind.SITE_VISIT, issued_on=today,
                             site_visit=SiteVisitFacts(data.day, place, names, checks))
        visit.notice_document_id = doc.id
        add_event(s, case.id, actor.staff_id, "site_visit_scheduled", now,
                  f"安排现场核查：{data.day:%Y-%m-%d}，{'、'.join(names)}", document=doc.number, day=data.day)
        audit.record(s, actor.staff_id, "site_visit_schedule", case.case_no,
                     {"visit": visit.id, "day": data.day, "inspectors": list(names), "document": doc.number}, at=now)
        outbox.enqueue(s, "site_visit", visit.id, "schedule",
                       {"actor": actor.username, **_wire(visit, case, _window_code(s, case)),
                        "document": doc.number}, now)
        return _info(s, visit)


def _photos(ctx: AppContext, photos: tuple[tuple[str, bytes], ...]) -> list[StoredScan]:
    if not photos:
        raise ValidationError("photos", "请添加现场照片（至少一张）")
    if len(photos) > MAX_PHOTOS:
        raise ValidationError("photos", f"现场照片最多 {MAX_PHOTOS} 张")
    stored = [store_scan(ctx, name, data, "photos") for name, data in photos]
    if any(p.mime not in PHOTO_TYPES for p in stored):
        raise ValidationError("photos", "现场照片须为 JPEG 或 PNG 图片")
    return stored


def record_visit_result(ctx: AppContext, actor: Actor, visit_id: str, data: VisitResultInput) -> SiteVisitInfo:
    """The visit's result with its photos (sealed files), in one transaction with the audit entry and op."""
    require(actor, Action.SITE_VISIT)
    if data.result not in RESULTS:
        raise ValidationError("result", "请选择核查结果：符合、限期整改或不符合")
    note = data.note.strip()
    if data.result != "meets" and not note:
        raise ValidationError("note", "请写明需整改的问题或不符合的情形")
    if len(note) > CHECKS_LIMIT:
        raise ValidationError("note", f"核查意见过长（不超过 {CHECKS_LIMIT} 字）")
    today = ctx.today()
    due = data.rectify_due if data.result == "rectify" else None
    if data.result == "rectify" and (due is None or due <= today):
        raise ValidationError("rectify_due", "限期整改须给出今天以后的整改期限")
    photos = _photos(ctx, data.photos)
    with ctx.write("site_visit_result") as s:
        visit = s.get(SiteVisit, visit_id)
        if visit is None:
            raise NotFound("没有该现场核查安排")
        case = s.get(Case, visit.case_id)
        assert case is not None
        if visit.result is not None:
            raise AppError("already_recorded", "该次现场核查的结果已录入")
        if visit.scheduled_on > today:
            raise ValidationError("result", f"核查日期 {visit.scheduled_on:%Y-%m-%d} 尚未到，不能录入结果")
        now = ctx.now()
        visit.result, visit.result_note, visit.rectify_due = data.result, note, due
        visit.result_at, visit.result_by_id, visit.photo_count = now, actor.staff_id, len(photos)
        shas = []
        for photo in photos:
            att = attach_scan(s, case, photo, actor.staff_id, now, material="现场核查照片")
            s.add(SiteVisitPhoto(site_visit_id=visit.id, attachment_id=att.id))
            shas.append(photo.sha256)
        label = RESULTS[data.result]
        add_event(s, case.id, actor.staff_id, "site_visit_result", now, f"现场核查结果：{label}" + (
            f"，限 {due:%Y-%m-%d} 前整改" if due else "") + (f"；{note}" if note else ""), result=data.result)
        audit.record(s, actor.staff_id, "site_visit_result", case.case_no,
                     {"visit": visit.id, "result": data.result, "rectify_due": due, "photos": shas}, at=now)
        outbox.enqueue(s, "site_visit", visit.id, "result",
                       {"actor": actor.username, **_wire(visit, case, _window_code(s, case)), "photos": shas}, now)
        s.flush()
        return _info(s, visit)


def case_site_visits(ctx: AppContext, actor: Actor, case_id: str) -> tuple[SiteVisitInfo, ...]:
    """The case's visits, oldest first."""
    require(actor, Action.VIEW_CASES)
    with ctx.read() as s:
        rows = s.execute(select(SiteVisit).where(SiteVisit.case_id == case_id)
                         .order_by(SiteVisit.scheduled_at)).scalars().all()
        return tuple(_info(s, v) for v in rows)
