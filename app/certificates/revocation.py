"""撤销 after a false commitment: the approval obtained on a 告知承诺 that the post-check found untrue.

行政许可法 art. 69(2): an approval obtained by deception shall be revoked. The chief representative of the
case's window revokes it in one transaction: the sealed 撤销行政许可决定书, every certificate of the case
voided (the public verification page then says 已撤销), and a credit-record entry (信用记录) for the figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.cases.case_documents import issue_for_case
from app.cases.commitments import own_check
from app.certificates.issuance import _void
from app.core import audit, outbox
from app.core.auth import Action, require
from app.core.context import Actor, AppContext, to_local
from app.core.errors import AppError
from app.documents.data import DocKind, Revocation
from app.records.case_events import add_event
from db.models import Certificate, CreditRecord, Document, Hall

FALSE_COMMITMENT = "false_commitment"  # the credit record's kind (信用记录: 告知承诺不实)


@dataclass(frozen=True)
class RevocationResult:
    case_id: str
    case_no: str
    document_ids: tuple[str, ...]
    voided_certificates: tuple[str, ...]


def revoke_on_false_commitment(ctx: AppContext, actor: Actor, case_id: str, *,
                               custodian_password: str | None = None) -> RevocationResult:
    """The chief revokes an approval whose commitment the post-check found 不属实."""
    require(actor, Action.REVOKE_APPROVAL)
    with ctx.write("commitment_revoke") as s:
        case, row = own_check(s, actor, case_id, "首席代表")
        if row.revoked_at is not None:
            raise AppError("already_revoked", f"办件 {case.case_no} 的许可决定已撤销")
        if row.result != "false" or case.decision != "approved":
            raise AppError("not_false", "只有核查结果为“不属实”的准予许可决定才能撤销")
        hall = s.execute(select(Hall)).scalar_one()
        if not hall.reconsideration_body.strip() or not hall.court.strip():
            raise AppError("no_rights_text", "大厅未设置行政复议机关和管辖法院，不能出具撤销决定书。请管理员补充大厅信息。")
        approval = s.execute(select(Document).where(Document.case_id == case.id, Document.kind == DocKind.APPROVAL,
                                                     Document.void.is_(False))
                             .order_by(Document.created_at.desc()).limit(1)).scalar_one_or_none()
        if approval is None or case.decided_at is None:
            raise AppError("no_decision", f"办件 {case.case_no} 没有准予行政许可决定书")
        reason = f"告知承诺不实，撤销行政许可（{approval.number}）"
        certs = list(s.execute(select(Certificate).where(Certificate.case_id == case.id,
                                                         Certificate.status != "voided")).scalars())
        for cert in certs:  # voided first: the revocation's op then finds them on the server
            _void(s, ctx, actor, cert, reason)
        now, numbers = ctx.now(), tuple(c.number for c in certs)
        doc = issue_for_case(s, ctx, actor, case, DocKind.REVOCATION, issued_on=ctx.today(),
                             custodian_password=custodian_password,
                             revocation=Revocation(approval.number, to_local(case.decided_at).date(), row.note,
                                                   numbers, hall.reconsideration_body, hall.court))
        row.revoked_at, row.revoked_by_id, row.revocation_document_id = now, actor.staff_id, doc.id
        s.add(CreditRecord(case_id=case.id, kind=FALSE_COMMITMENT, subject_name=case.applicant_name,
                           subject_id_number=case.applicant_id_number, reason=row.note, at=now,
                           staff_id=actor.staff_id))
        add_event(s, case.id, actor.staff_id, "approval_revoked", now, reason, document=doc.number,
                  certificates=list(numbers))
        outbox.enqueue(s, "commitment", case.id, "revoke", {
            "case_id": case.id, "case_no": case.case_no, "item_code": case.item_code, "document": doc.number,
            "certificates": list(numbers), "finding": row.note}, now)
        audit.record(s, actor.staff_id, "approval_revoke", case.case_no,
                     {"document": doc.number, "certificates": list(numbers), "finding": row.note}, at=now)
        return RevocationResult(case.id, case.case_no, (doc.id,), numbers)
