"""统一出件: every part's decision and certificate handed over together at the comprehensive window, with one
送达回证 for the whole bundle.

The handover is one transaction: a Delivery row per part (the single-case delivery's own code), one 送达回证
listing every decision and certificate (item, department, number), the bundle handed over, the audit line and
the ops the server needs to deliver each part at its own window's record. A part a refused 前置 stopped is handed
its 终止办理告知书 (app/bundles/bundle_termination.py), issued in the same transaction if not yet on file; the part
stays stopped.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.bundles.bundle_termination import current_document, issue_missing
from app.cases.case_documents import case_facts
from app.cases.states import STATE_LABELS, State
from app.certificates.delivery import (
    METHODS,
    SELF,
    HandoverInput,
    checked_method,
    handed,
    id_text,
    record_delivery,
)
from app.certificates.issuance import info_of
from app.certificates.kinds import type_of
from app.core import audit, outbox
from app.core.auth import Action, require
from app.core.context import Actor, AppContext, to_local
from app.core.errors import AppError, NotFound, PermissionDenied
from app.documents.data import KIND_TITLES, DeliveryFacts, DocKind, DocumentData, SealImpression
from app.records.doc_facts import issuer_for
from app.reference.identity import IdType
from app.seal import sealing
from db.models import Bundle, Case, Certificate, Department, Document, Item

# What a part's outcome is at the handover; only these let the bundle be handed over.
OUTCOME_LABELS = {"certificate_issued": "准予许可，证照已制发", "approved": "准予许可（不发证照）",
                  "awaiting_certificate": "准予许可，待制证", "denied": "不予许可",
                  "refused": "不予受理（受理时已告知）", "stopped": "前置未准予，终止办理", "delivered": "已送达",
                  "open": "办理中"}
_DONE = frozenset({"certificate_issued", "approved", "denied", "refused", "stopped", "delivered"})
PENDING = "待出具"  # the number of a 终止办理告知书 not yet issued: the handover issues it


@dataclass(frozen=True)
class HandoverDocument:
    name: str  # 准予行政许可决定书 / 食品经营许可证（正本、副本）
    number: str
    document_id: str | None
    certificate_id: str | None = None


@dataclass(frozen=True)
class PartHandover:
    case_id: str
    case_no: str
    item_name: str
    department: str
    outcome: str  # a key of OUTCOME_LABELS
    outcome_label: str
    documents: tuple[HandoverDocument, ...]  # what the applicant takes away for this part (may be none)


@dataclass(frozen=True)
class HandoverReadiness:
    bundle_id: str
    bundle_no: str
    theme_name: str
    applicant_name: str
    handed_over: bool
    ready: bool
    missing: str  # when not ready: what is still missing, in one Chinese sentence
    parts: tuple[PartHandover, ...]


@dataclass(frozen=True)
class BundleHandoverResult:
    bundle_id: str
    bundle_no: str
    proof_document_id: str
    delivery_ids: tuple[int, ...]
    at: datetime  # hall local, to the minute
    termination_ids: tuple[str, ...] = ()  # 终止办理告知书 issued with the handover, to print with the proof


def _part(s: Session, case: Case, dept: str) -> tuple[PartHandover, Certificate | None, Document | None]:
    state = State(case.state)
    docs: list[HandoverDocument] = []
    cert: Certificate | None = None
    decision: Document | None = None
    if state in (State.APPROVED, State.CERTIFICATE_ISSUED):
        decision = current_document(s, case, DocKind.APPROVAL)
        cert = s.execute(select(Certificate).where(Certificate.case_id == case.id,
                                                   Certificate.status == "issued")).scalars().first()
        item = s.get(Item, case.item_id) if case.item_id else None
        if cert is not None:
            outcome = "certificate_issued"
        else:
            # An item whose certificate this hall does not issue here (no type configured) ends with its decision.
            issues = item is not None and type_of(s, item.certificate_type_code) is not None
            outcome = "awaiting_certificate" if issues else "approved"
    elif state == State.DENIED:
        decision, outcome = current_document(s, case, DocKind.DENIAL), "denied"
    elif state == State.STOPPED:
        # Its 终止办理告知书 is what the applicant takes away for it; the handover issues it when still missing.
        decision, outcome = current_document(s, case, DocKind.TERMINATION), "stopped"
        if decision is None:
            docs.append(HandoverDocument(KIND_TITLES[DocKind.TERMINATION], PENDING, None))
    elif state in (State.REFUSED, State.DELIVERED):
        outcome = str(state)
    else:
        outcome = "open"
    if decision is not None:
        docs.append(HandoverDocument(KIND_TITLES[DocKind(decision.kind)], decision.number, decision.id))
    if cert is not None:
        docs.append(HandoverDocument(f"{info_of(s, cert).type_name}（正本、副本）", cert.number, cert.document_id,
                                     cert.id))
    label = OUTCOME_LABELS[outcome] if outcome != "open" else STATE_LABELS[state]
    return (PartHandover(case.id, case.case_no, case.item_name, dept, outcome, label, tuple(docs)), cert, decision)


def _missing(parts: list[PartHandover]) -> str:
    waiting = [f"{p.item_name}（{p.department}，{p.outcome_label}）" for p in parts if p.outcome not in _DONE]
    if not waiting:
        return ""
    return f"尚有 {len(waiting)} 个事项未办结或未制证：{'、'.join(waiting)}，全部办结、制证后才能统一出件"


def _load(s: Session, bundle_id: str) -> tuple[Bundle, list[tuple[Case, PartHandover, Certificate | None,
                                                                   Document | None]]]:
    bundle = s.get(Bundle, bundle_id)
    if bundle is None:
        raise NotFound("一件事办件不存在")
    depts = dict(s.execute(select(Department.id, Department.name)).all())
    cases = s.execute(select(Case).where(Case.bundle_id == bundle_id).order_by(Case.case_no)).scalars()
    return bundle, [(c, *_part(s, c, depts.get(c.department_id, ""))) for c in cases]


def _readiness(bundle: Bundle, parts: list[PartHandover]) -> HandoverReadiness:
    missing = "本件已统一出件" if bundle.state == "handed_over" else _missing(parts)
    if not missing and not any(p.documents for p in parts):
        missing = "各事项均未准予或不予许可，没有需要统一送达的文书"
    return HandoverReadiness(bundle.id, bundle.bundle_no, bundle.theme_name, bundle.applicant_name,
                             bundle.state == "handed_over", not missing, missing, tuple(parts))


def handover_readiness(ctx: AppContext, actor: Actor, bundle_id: str) -> HandoverReadiness:
    """Every part's outcome and the papers to hand over; whether the bundle can be handed over now."""
    require(actor, Action.VIEW_CASES)
    with ctx.read() as s:
        bundle, rows = _load(s, bundle_id)
        return _readiness(bundle, [r[1] for r in rows])


def _proof_lines(parts: list[PartHandover]) -> str:
    lines = []
    for n, p in enumerate((p for p in parts if p.documents), 1):
        papers = "；".join(f"{d.name} {d.number}" for d in p.documents)
        lines.append(f"{n}. {p.item_name}（{p.department}）：{papers}")
    return "\n".join(lines)


def _proof(s: Session, ctx: AppContext, actor: Actor, bundle: Bundle, first: Case, facts: DeliveryFacts,
           on: date) -> Document:
    """The one 送达回证, issued by the comprehensive window that hands it over and filed with the first part
    handed over, as the bundle's intake papers are (documents belong to a case)."""
    issuer, short = issuer_for(s, bundle.window_id)
    case = dataclasses.replace(case_facts(s, first), case_no=bundle.bundle_no, item_name=bundle.theme_name)

    def build(number: str, seal: SealImpression | None) -> DocumentData:
        return DocumentData(kind=DocKind.DELIVERY_PROOF, number=number, issued_on=on, issuer=issuer, case=case,
                            seal=seal, delivery=facts)

    return sealing.issue(s, ctx, actor, kind=DocKind.DELIVERY_PROOF, case_id=first.id, dept_short=short,
                         build=build, window_id=bundle.window_id)


def hand_over_bundle(ctx: AppContext, actor: Actor, bundle_id: str, *, method: str, recipient_name: str,
                     recipient_id_type: str = str(IdType.RESIDENT), recipient_id_number: str = "",
                     relation: str = SELF, tracking_no: str = "", place: str = "",
                     at: datetime | None = None) -> BundleHandoverResult:
    """Hand every part's decision and certificate (a stopped part's 终止办理告知书) over together, with one 送达回证
    for the bundle."""
    require(actor, Action.DELIVER)
    data = HandoverInput("", method, recipient_name, recipient_id_type, recipient_id_number, relation, tracking_no,
                         place, at)
    checked_method(data)
    with ctx.write("bundle_handover") as s:
        bundle, rows = _load(s, bundle_id)
        if actor.window_id != bundle.window_id:
            raise PermissionDenied("只能在受理该“一件事”的综合窗口统一出件")
        readiness = _readiness(bundle, [r[1] for r in rows])
        if not readiness.ready:
            raise AppError("not_ready", readiness.missing)
        giving = [r for r in rows if r[1].documents]
        # Papers issued before the handover bound its time; a 终止办理告知书 issued with it below does not.
        issued = max((d.created_at for _, _, c, dec in giving for d in (dec, *(
            [s.get(Document, c.document_id)] if c is not None and c.document_id else [])) if d is not None),
            default=ctx.now())
        first = giving[0][0]
        h = handed(ctx, s, data, first, bundle.window_id, issued)
        terminations = tuple(d.id for d in issue_missing(s, ctx, actor, bundle))
        if terminations:  # read again: the stopped parts now list their notices' numbers
            bundle, rows = _load(s, bundle_id)
            giving = [r for r in rows if r[1].documents]
        facts = DeliveryFacts(
            document_name=_proof_lines([r[1] for r in giving]),
            document_no=f"“{bundle.theme_name}”一件事 {bundle.bundle_no}（共 {sum(len(r[1].documents) for r in giving)} 件）", recipient=h.name, recipient_id=id_text(h),
            relation=h.relation, method_label=METHODS[h.method], at=to_local(h.at).replace(tzinfo=None),
            place=h.place, server_name=actor.name, tracking_no=h.tracking)
        proof = _proof(s, ctx, actor, bundle, first, facts, to_local(h.at).date())
        ids = []
        for case, part, cert, decision in giving:
            what = "、".join(d.number for d in part.documents)
            row = record_delivery(s, ctx, actor, case, h, proof.id, cert=cert,
                                  document_id=decision.id if decision else None, what=what)
            ids.append(row.id)
        now = ctx.now()
        bundle.state, bundle.handed_over_at, bundle.updated_at = "handed_over", h.at, now
        outbox.enqueue(s, "bundle", bundle.id, "handed_over",
                       {"bundle_id": bundle.id, "bundle_no": bundle.bundle_no, "at": h.at,
                        "cases": [r[0].id for r in giving]}, now)
        audit.record(s, actor.staff_id, "bundle_handed_over", bundle.bundle_no,
                     {"method": h.method, "relation": h.relation, "proof": proof.number,
                      "parts": [r[1].case_no for r in giving]}, at=now)
        return BundleHandoverResult(bundle.id, bundle.bundle_no, proof.id, tuple(ids),
                                    to_local(h.at).replace(tzinfo=None), terminations)
