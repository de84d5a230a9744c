"""Void a document and issue it again from the case as it stands: the void is recorded, never deleted."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.cases.case_documents import issue_for_case
from app.core import audit
from app.core.auth import Action, require
from app.core.context import Actor, AppContext
from app.core.errors import AppError, NotFound, ValidationError
from app.documents.data import DocKind, Refusal
from db.models import Case, Document, Hall

# Kinds whose whole content is kept on the case; decisions, notices of special procedures and
# certificates are issued again from their own step, which holds what they said.
REISSUABLE = frozenset({DocKind.RECEIPT, DocKind.ACCEPTANCE, DocKind.CORRECTION, DocKind.REFUSAL})


def reissue_document(ctx: AppContext, actor: Actor, document_id: str, reason: str) -> str:
    """Void `document_id` with the reason and issue a new one of the same kind; returns the new id."""
    require(actor, Action.VOID_DOCUMENT)
    if not reason.strip():
        raise ValidationError("reason", "请填写作废重出的原因")
    with ctx.write("reissue") as s:
        old = s.get(Document, document_id)
        if old is None or old.case_id is None:
            raise NotFound("文书不存在")
        kind = DocKind(old.kind)
        if kind not in REISSUABLE:
            raise AppError("not_reissuable", "该类文书请在原办理环节重新出具")
        if old.void:
            raise AppError("already_void", f"文书 {old.number} 已作废")
        case = s.execute(select(Case).options(selectinload(Case.materials)).where(Case.id == old.case_id)
                         ).scalar_one()
        old.void, old.void_reason, old.voided_at, old.voided_by_id = True, reason.strip(), ctx.now(), actor.staff_id
        extra: dict[str, object] = {}
        if kind == DocKind.REFUSAL:
            hall = s.execute(select(Hall)).scalar_one()
            extra["refusal"] = Refusal(case.refusal_reason, case.refusal_basis, case.competent_authority,
                                       hall.reconsideration_body, hall.court)
        new = issue_for_case(s, ctx, actor, case, kind, issued_on=ctx.today(), replaces_id=old.id, **extra)
        if kind == DocKind.CORRECTION:
            for m in case.materials:
                if m.notice_document_id == old.id:
                    m.notice_document_id = new.id
        audit.record(s, actor.staff_id, "void_document", old.number,
                     {"reason": reason, "sha256": old.sha256, "reissued_as": new.number}, at=ctx.now())
        return new.id
