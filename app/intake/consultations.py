"""Consultations (咨询) under 首问负责制: recorded in a few keystrokes, a one-page 一次性告知单, and an intake later.

The person asked first stays responsible (首问负责): when an item belongs to another window the record and the
printed sheet name that window, and the consultation stays this window's. Each record is one write
transaction with its registered 告知单, an audit entry and an outbox op (entity "consultation"), which the
server checks against its own staff and window records. When the visitor comes back to apply, the intake
starts from the consultation (item, name and phone filled in) and links the case to it in its own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.core import audit, outbox
from app.core.auth import Action, require
from app.core.context import Actor, AppContext, local_naive
from app.core.errors import AppError, NotFound, ValidationError
from app.documents.consultation_notice import ConsultationNotice, NoticeItem, NoticeMaterial
from app.documents.consultation_notice import render as render_notice
from app.documents.data import DocKind
from app.intake.input_checks import clean_name, clean_phone
from app.records.doc_facts import issuer_for
from app.records.doc_register import next_number, register
from app.reference.catalog import FORM_LABELS, PROCESSING_LABELS
from app.seal.sealing import device_code
from db.models import Case, Consultation, ConsultationItem, Item, Staff, Window

MAX_ITEMS = 3  # a visitor's question, not a catalog: the 告知单 stays one legible page (three of the longest fit)
ANSWER_LIMIT = 2000


@dataclass(frozen=True)
class ConsultationInput:
    item_ids: tuple[int, ...]
    answer: str
    person_name: str = ""  # optional: many visitors do not give it
    person_phone: str = ""
    question: str = ""


@dataclass(frozen=True)
class ConsultationResult:
    id: str
    document_id: str  # the registered 一次性告知单, to print
    referrals: tuple[str, ...]  # the other windows the visitor was sent to ("A03 卫生健康综合窗口")


@dataclass(frozen=True)
class ConsultationLine:
    """One consultation in the window's list."""

    id: str
    at: datetime  # hall-local
    person: str
    items: str
    staff: str
    referral: str
    case_id: str | None


@dataclass(frozen=True)
class IntakeStart:
    """What the intake form takes over from a consultation: nothing is typed twice."""

    consultation_id: str
    item_id: int
    person_name: str
    person_phone: str


def _window_label(w: Window | None) -> str:
    return f"{w.number} {w.name}" if w is not None else ""


def _handling_window(session: Session, item: Item, asked: Window) -> Window | None:
    """Where the item is handled: the asked window when its department runs the item, else that department's
    first window."""
    if asked.department_id == item.department_id:
        return asked
    return session.execute(select(Window).where(Window.department_id == item.department_id)
                           .order_by(Window.number).limit(1)).scalar_one_or_none()


def _clean(data: ConsultationInput) -> tuple[str, str, str, str]:
    if not data.item_ids:
        raise ValidationError("items", "请选择咨询的事项（至少一项）")
    if len(set(data.item_ids)) > MAX_ITEMS:
        raise ValidationError("items", f"一次咨询最多登记 {MAX_ITEMS} 个事项")
    answer = data.answer.strip()
    if not answer:
        raise ValidationError("answer", "请填写答复内容")
    if len(answer) > ANSWER_LIMIT:
        raise ValidationError("answer", f"答复内容过长（不超过 {ANSWER_LIMIT} 字）")
    name = clean_name("person_name", data.person_name, "咨询人姓名") if data.person_name.strip() else ""
    phone = clean_phone("person_phone", data.person_phone)
    return name, phone, data.question.strip()[:ANSWER_LIMIT], answer


def notice_item(item: Item, window: Window | None, here: bool) -> NoticeItem:
    """An item as the 一次性告知单 prints it (also for the template samples)."""
    return NoticeItem(item.code, item.name, item.department.name if item.department else "",
                      _window_label(window) or "请到大厅咨询台问询", here,
                      PROCESSING_LABELS.get(item.processing_type, item.processing_type), item.legal_days,
                      item.promised_days, item.conditions, item.fee, item.location, item.enquiry_phone,
                      tuple(NoticeMaterial(m.name, FORM_LABELS.get(m.form, m.form), m.copies, m.note)
                            for m in item.materials))


def record_consultation(ctx: AppContext, actor: Actor, data: ConsultationInput) -> ConsultationResult:
    """Record a consultation and its 一次性告知单 in one transaction (the caller prints the document)."""
    require(actor, Action.CONSULT)
    if actor.window_id is None:
        raise AppError("no_window", "只有窗口人员可以登记咨询")
    name, phone, question, answer = _clean(data)
    with ctx.write("consultation") as s:
        asked = s.get(Window, actor.window_id)
        staff = s.get(Staff, actor.staff_id)
        assert asked is not None and staff is not None
        now, today = ctx.now(), ctx.today()
        record = Consultation(window_id=asked.id, staff_id=actor.staff_id, at=now, person_name=name,
                              person_phone=phone, question=question, answer=answer,
                              origin_device=device_code(s))
        notice_items, wire_items, referrals = [], [], []
        for seq, item_id in enumerate(dict.fromkeys(data.item_ids), 1):
            item = s.execute(select(Item).options(selectinload(Item.materials), selectinload(Item.department))
                             .where(Item.id == item_id)).scalar_one_or_none()
            if item is None or not item.active:
                raise ValidationError("items", "所选事项不在现行事项目录中，请重新选择")
            window = _handling_window(s, item, asked)
            here = window is not None and window.id == asked.id
            if not here and window is not None and record.referral_window_id is None:
                record.referral_window_id = window.id
            if not here:
                referrals.append(_window_label(window) or "大厅咨询台")
            record.items.append(ConsultationItem(seq=seq, item_id=item.id, item_code=item.code, item_name=item.name,
                                                 window_id=window.id if window else None))
            notice_items.append(notice_item(item, window, here))
            wire_items.append({"item_code": item.code, "item_name": item.name,
                               "window_code": window.code if window else None})
        s.add(record)
        s.flush()
        issuer, short = issuer_for(s, asked.id)
        number = next_number(s, DocKind.CONSULTATION, short, today.year, device_code(s))
        pdf = render_notice(ConsultationNotice(number, today, issuer, name, staff.name, staff.phone or asked.phone, answer,
                                               tuple(notice_items)))
        doc = register(s, ctx.data.root, case_id=None, kind=DocKind.CONSULTATION, number=number, pdf=pdf,
                       sealed=False, signed=False, staff_id=actor.staff_id, when=now)
        record.notice_document_id = doc.id
        referral = s.get(Window, record.referral_window_id) if record.referral_window_id else None
        audit.record(s, actor.staff_id, "consultation", number,
                     {"consultation": record.id, "items": [i["item_code"] for i in wire_items],
                      "referral": referral.code if referral else None}, at=now)
        outbox.enqueue(s, "consultation", record.id, "record", {
            "actor": actor.username, "window_code": asked.code, "at": now, "person_name": name,
            "person_phone": phone, "question": question, "answer": answer, "items": wire_items,
            "referral_window_code": referral.code if referral else None, "document": number}, now)
        return ConsultationResult(record.id, doc.id, tuple(dict.fromkeys(referrals)))


def recent_consultations(ctx: AppContext, actor: Actor, limit: int = 50) -> tuple[ConsultationLine, ...]:
    """The window's latest consultations, newest first (along ix_consultation_window_at)."""
    require(actor, Action.VIEW_CASES)
    with ctx.read() as s:
        rows = s.execute(select(Consultation).options(selectinload(Consultation.items))
                         .where(Consultation.window_id == actor.window_id)
                         .order_by(Consultation.at.desc()).limit(limit)).scalars().all()
        names = dict(s.execute(select(Staff.id, Staff.name).where(Staff.id.in_({r.staff_id for r in rows}))).all())
        windows = {w.id: _window_label(w) for w in s.execute(select(Window)).scalars()}
        return tuple(ConsultationLine(r.id, local_naive(r.at), " ".join(t for t in (r.person_name, r.person_phone) if t),
                                      "、".join(i.item_name for i in r.items), names.get(r.staff_id, ""),
                                      windows.get(r.referral_window_id or 0, ""), r.case_id) for r in rows)


def intake_start(ctx: AppContext, actor: Actor, consultation_id: str) -> IntakeStart:
    """Start an intake from a consultation of this window: its first item handled here, the person's name and phone."""
    require(actor, Action.INTAKE)
    with ctx.read() as s:
        record = s.execute(select(Consultation).options(selectinload(Consultation.items))
                           .where(Consultation.id == consultation_id)).scalar_one_or_none()
        if record is None or record.window_id != actor.window_id:
            raise NotFound("本窗口没有该咨询记录")
        if record.case_id is not None:
            raise AppError("already_applied", "该咨询已转为受理，请在办件中查看")
        ours = [i for i in record.items if i.window_id == actor.window_id and i.item_id is not None]
        if not ours:
            raise AppError("not_here", "咨询的事项不在本窗口办理，请引导申请人到所列窗口办理")
        return IntakeStart(record.id, ours[0].item_id or 0, record.person_name, record.person_phone)


def link_case(session: Session, actor: Actor, consultation_id: str, case: Case, at: datetime) -> None:
    """Inside an intake's transaction: the case grew out of this consultation (its sync op says so too)."""
    record = session.get(Consultation, consultation_id)
    if record is None or record.window_id != actor.window_id:
        raise ValidationError("consultation", "本窗口没有该咨询记录")
    if record.case_id is not None:
        raise ValidationError("consultation", "该咨询已转为受理")
    record.case_id = case.id
    window = session.get(Window, record.window_id)
    outbox.enqueue(session, "consultation", record.id, "link",
                   {"actor": actor.username, "window_code": window.code if window else None,
                    "case_no": case.case_no, "at": at}, at)

