"""送达: handing a certificate over (in person, or by post with a tracking number), to the minute, with its proof.

The handover is one transaction: the Delivery row, the 送达回证 (numbered and registered, printed for
both signatures and kept), the certificate marked delivered and the case moved to delivered.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.case_documents import issue_for_case
from app.cases.snapshot import case_snapshot
from app.cases.states import State, check_transition
from app.certificates.issuance import info_of
from app.core import audit, outbox
from app.core.auth import Action, require
from app.core.context import HALL_TZ, Actor, AppContext, to_local
from app.core.errors import AppError, NotFound, PermissionDenied, ValidationError
from app.documents.data import DeliveryFacts, DocKind
from app.reference.identity import ID_TYPE_LABELS, IdType, check_person_id
from db.models import Case, CaseEvent, Certificate, Delivery, Document, Hall, Window

METHODS = {"in_person": "直接送达", "post": "邮寄送达"}
SELF = "本人"
# Who may collect for the holder; anyone but the holder in person is an agent and says how they are related.
RELATIONS = (SELF, "法定代表人", "委托代理人", "单位工作人员", "近亲属")
_TRACKING = re.compile(r"^[A-Z0-9]{8,30}$")


@dataclass(frozen=True)
class HandoverInput:
    certificate_id: str
    method: str  # in_person | post
    recipient_name: str
    recipient_id_type: str = str(IdType.RESIDENT)
    recipient_id_number: str = ""
    relation: str = SELF
    tracking_no: str = ""  # post only
    place: str = ""  # in person: defaults to the window; post: the mailing address
    at: datetime | None = None  # hall local wall-clock time, to the minute; None = now


@dataclass(frozen=True)
class HandoverResult:
    delivery_id: int
    certificate_id: str
    certificate_number: str
    proof_document_id: str
    case_state: str
    at: datetime  # hall local, to the minute


@dataclass(frozen=True)
class DeliveryInfo:
    id: int
    certificate_number: str
    recipient: str
    relation: str
    method_label: str
    tracking_no: str
    at: datetime  # hall local
    proof_document_id: str | None


def _when(ctx: AppContext, given: datetime | None, issued_at: datetime) -> datetime:
    """The handover instant as naive UTC, to the minute; never in the future, never before the certificate."""
    now = ctx.now()
    if given is None:
        return now.replace(second=0, microsecond=0)
    local = given if given.tzinfo is not None else given.replace(tzinfo=HALL_TZ)
    utc = local.astimezone(UTC).replace(tzinfo=None, second=0, microsecond=0)
    if utc > now + timedelta(minutes=1):
        raise ValidationError("at", "送达时间不能晚于现在")
    if utc < issued_at.replace(second=0, microsecond=0):
        raise ValidationError("at", "送达时间不能早于制证时间")
    return utc


def _recipient(ctx: AppContext, data: HandoverInput, case: Case) -> tuple[str, str]:
    """The recipient's normalised ID number and its label; a person collecting must show a valid ID."""
    name = " ".join(data.recipient_name.split())
    if not name:
        raise ValidationError("recipient_name", "请填写受送达人（签收人）姓名")
    number = data.recipient_id_number.strip()
    if data.method == "in_person" or number:
        checked = check_person_id(data.recipient_id_type, number, ctx.today())
        if not checked.ok:
            raise ValidationError("recipient_id_number", checked.message or "证件号码有误")
        number = checked.value
    if data.method == "in_person" and data.relation == SELF:
        # 本人 is the holder themself: a person's name and ID must be the applicant's own.
        if case.applicant_kind != "person":
            raise ValidationError("relation", "持证主体为单位，领取人须注明与单位的关系（法定代表人、委托代理人等）")
        if name != case.applicant_name or number != case.applicant_id_number:
            raise ValidationError("relation", "领取人姓名或证件号码与持证人不一致，代领须注明关系")
    if data.relation not in RELATIONS:
        raise ValidationError("relation", f"请选择与持证人的关系：{'、'.join(RELATIONS)}")
    label = ID_TYPE_LABELS.get(IdType(data.recipient_id_type), "") if number else ""
    return number, label


def checked_method(data: HandoverInput) -> str:
    """The method's own requirements; returns the normalised tracking number."""
    if data.method not in METHODS:
        raise ValidationError("method", "请选择送达方式")
    tracking = data.tracking_no.strip().upper().replace(" ", "")
    if data.method == "post" and not _TRACKING.match(tracking):
        raise ValidationError("tracking_no", "邮寄送达须填写邮件号码（8–30 位字母或数字）")
    if data.method == "post" and not data.place.strip():
        raise ValidationError("place", "邮寄送达须填写收件地址")
    return tracking


@dataclass(frozen=True)
class Handed:
    """Who received, how, when and where: the same for every case of one handover."""

    name: str
    id_type: str
    id_number: str
    relation: str
    method: str
    tracking: str
    place: str
    at: datetime  # naive UTC, to the minute


def handed(ctx: AppContext, s: Session, data: HandoverInput, case: Case, window_id: int, issued_at: datetime) -> Handed:
    """Check the recipient and settle the place and instant of a handover at `window_id`."""
    number, _ = _recipient(ctx, data, case)
    at = _when(ctx, data.at, issued_at)
    window = s.get(Window, window_id)
    hall = s.execute(select(Hall)).scalar_one()
    place = data.place.strip() or f"{hall.name} {window.number if window else ''}窗口"
    return Handed(" ".join(data.recipient_name.split()), data.recipient_id_type if number else "", number,
                  data.relation, data.method, checked_method(data), place, at)


def id_text(h: Handed) -> str:
    label = ID_TYPE_LABELS.get(IdType(h.id_type), "") if h.id_number else ""
    return f"{label} {h.id_number}" if h.id_number else ""


def record_delivery(s: Session, ctx: AppContext, actor: Actor, case: Case, h: Handed, proof_id: str, *,
                    cert: Certificate | None, document_id: str | None, what: str) -> Delivery:
    """The Delivery row of one case, its certificate marked delivered, the case delivered (a stopped 一件事 part
    stays stopped), its event, the ops the server needs and the audit line (caller's transaction). `what` names
    the delivered paper's number."""
    row = Delivery(case_id=case.id, certificate_id=cert.id if cert else None, document_id=document_id,
                   recipient_name=h.name, recipient_id_type=h.id_type, recipient_id_number=h.id_number,
                   relation=h.relation, method=h.method, tracking_no=h.tracking, place=h.place, at=h.at,
                   staff_id=actor.staff_id, proof_document_id=proof_id)
    s.add(row)
    if cert is not None:
        cert.status = "delivered"
    old, now = case.state, ctx.now()
    if case.state in (State.CERTIFICATE_ISSUED, State.APPROVED, State.DENIED):  # a reissue: case already closed
        check_transition(old, State.DELIVERED)
        case.state, case.closed_at = str(State.DELIVERED), now
    case.updated_at = now
    s.flush()
    s.add(CaseEvent(case_id=case.id, at=now, staff_id=actor.staff_id, kind="delivered", from_state=old,
                    to_state=case.state, reason=f"{METHODS[h.method]} {what}",
                    data_json=json.dumps({"recipient": h.name, "relation": h.relation, "tracking_no": h.tracking,
                                          "at": h.at.isoformat()}, ensure_ascii=False)))
    outbox.enqueue(s, "delivery", str(row.id), "deliver",
                   {"delivery_id": row.id, "case_id": case.id, "certificate_id": cert.id if cert else None,
                    "number": what, "recipient": h.name, "recipient_id_number": h.id_number,
                    "relation": h.relation, "method": h.method, "tracking_no": h.tracking, "place": h.place,
                    "at": h.at}, now)
    # A stopped part handed its 终止办理告知书 stays stopped (a final state): nothing of the case changes, and the
    # server takes nothing but a delivery of another window's part from the comprehensive window — the delivery
    # op above records it. At the part's own window the op still carries its documents up.
    if case.state != State.STOPPED or case.window_id == actor.window_id:
        outbox.enqueue(s, "case", case.id, "delivered", case_snapshot(case), now)
    return row


def hand_over(ctx: AppContext, actor: Actor, data: HandoverInput) -> HandoverResult:
    """Record the handover and issue its 送达回证; the case becomes delivered."""
    require(actor, Action.DELIVER)
    checked_method(data)
    with ctx.write("delivery") as s:
        cert = s.get(Certificate, data.certificate_id)
        if cert is None:
            raise NotFound("证照不存在")
        if cert.status == "voided":
            raise AppError("voided", f"证照 {cert.number} 已作废，不能送达")
        if cert.status == "delivered":
            raise AppError("already_delivered", f"证照 {cert.number} 已送达")
        case = s.get(Case, cert.case_id)
        assert case is not None
        if actor.window_id != case.window_id:
            raise PermissionDenied("只能送达本窗口办件的证照")
        original = s.get(Document, cert.document_id) if cert.document_id else None
        h = handed(ctx, s, data, case, case.window_id, original.created_at if original else ctx.now())
        info = info_of(s, cert)
        facts = DeliveryFacts(
            document_name=f"{info.type_name}（正本、副本）", document_no=cert.number, recipient=h.name,
            recipient_id=id_text(h), relation=h.relation, method_label=METHODS[h.method],
            at=to_local(h.at).replace(tzinfo=None), place=h.place, server_name=actor.name, tracking_no=h.tracking)
        proof = issue_for_case(s, ctx, actor, case, DocKind.DELIVERY_PROOF, issued_on=to_local(h.at).date(),
                               delivery=facts)
        row = record_delivery(s, ctx, actor, case, h, proof.id, cert=cert, document_id=cert.document_id,
                              what=cert.number)
        audit.record(s, actor.staff_id, "certificate_delivered", cert.number,
                     {"method": h.method, "relation": h.relation, "proof": proof.number}, at=ctx.now())
        return HandoverResult(row.id, cert.id, cert.number, proof.id, case.state, to_local(h.at).replace(tzinfo=None))


def deliveries_of_case(ctx: AppContext, case_id: str) -> list[DeliveryInfo]:
    with ctx.read() as s:
        rows = s.execute(select(Delivery, Certificate.number).join(Certificate, Delivery.certificate_id == Certificate.id)
                         .where(Delivery.case_id == case_id).order_by(Delivery.at)).all()
        return [DeliveryInfo(d.id, number, d.recipient_name, d.relation, METHODS.get(d.method, d.method), d.tracking_no,
                             to_local(d.at).replace(tzinfo=None), d.proof_document_id) for d, number in rows]
