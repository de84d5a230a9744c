"""Documents of a case: the printed facts from its rows, and issuing one under the seal."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.context import Actor, AppContext, local_naive
from app.documents.data import CaseFacts, DocKind, DocumentData, MaterialLine, Party, SealImpression
from app.records.doc_facts import issuer_for
from app.reference.catalog import FORM_LABELS, PROCESSING_LABELS
from app.reference.identity import id_label
from app.seal import sealing
from db.models import Case, CaseMaterial, Document, Item, Staff


def party_of(case: Case) -> Party:
    return Party(case.applicant_kind, case.applicant_name, id_label(case.applicant_id_type), case.applicant_id_number,
                 case.applicant_phone, case.applicant_address, case.legal_rep, case.agent_name,
                 id_label(case.agent_id_type) if case.agent_id_type else "", case.agent_id_number, case.agent_phone)


def material_lines(materials: list[CaseMaterial]) -> tuple[MaterialLine, ...]:
    return tuple(MaterialLine(m.seq, m.name, FORM_LABELS.get(m.form, m.form), m.copies_required, m.status,
                              m.copies_received, m.original_checked, m.defect, m.deferred_due)
                 for m in sorted(materials, key=lambda m: m.seq))


def case_facts(session: Session, case: Case, materials: list[CaseMaterial] | None = None) -> CaseFacts:
    """The case as documents print it (hall local times)."""
    item = session.get(Item, case.item_id) if case.item_id else None
    clerk = session.get(Staff, case.clerk_id)
    issuer, _short = issuer_for(session, case.window_id)
    return CaseFacts(
        case_no=case.case_no, item_code=case.item_code, item_name=case.item_name,
        item_basis=item.basis if item else "", processing_label=PROCESSING_LABELS.get(case.processing_type, ""),
        applicant=party_of(case), received_at=local_naive(case.received_at),
        clerk_name=clerk.name if clerk else "", clerk_phone=issuer.window_phone,
        materials=material_lines(materials if materials is not None else case.materials),
        accepted_at=local_naive(case.accepted_at) if case.accepted_at else None,
        legal_days=case.legal_days + case.extension_days, promised_days=case.promised_days,
        promised_deadline=case.promised_deadline, legal_deadline=case.legal_deadline,
        deadline_provisional=case.deadline_provisional, fee=(item.fee if item and item.fee else "不收费"),
        fee_basis=item.fee_basis if item else "", deemed_accepted=case.deemed_accepted)


def issue_for_case(session: Session, ctx: AppContext, actor: Actor, case: Case, kind: DocKind, *,
                   issued_on: date, custodian_password: str | None = None, replaces_id: str | None = None,
                   **extra: Any) -> Document:
    """Number, seal, sign and register one document of this case (caller's transaction)."""
    session.flush()
    facts = case_facts(session, case)
    issuer, short = issuer_for(session, case.window_id)

    def build(number: str, seal: SealImpression | None) -> DocumentData:
        return DocumentData(kind=kind, number=number, issued_on=issued_on, issuer=issuer, case=facts, seal=seal,
                            **extra)

    return sealing.issue(session, ctx, actor, kind=kind, case_id=case.id, dept_short=short, build=build,
                         custodian_password=custodian_password, replaces_id=replaces_id,
                         window_id=case.window_id)


def case_documents(session: Session, case_id: str) -> list[Document]:
    return list(session.execute(select(Document).where(Document.case_id == case_id)
                                .order_by(Document.created_at, Document.number)).scalars())
