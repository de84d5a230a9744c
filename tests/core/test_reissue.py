"""A document voided and reissued: the old one stays, marked, and the new one refers back to it."""

from __future__ import annotations

import pytest
from ow_testkit import at_local, clerk, complete, item_named, set_clock, with_status
from sqlalchemy import select

from app.cases.reissue import reissue_document
from app.core.context import AppContext
from app.core.errors import PermissionDenied
from app.intake.outcomes import accept_case, notify_case
from db.models import AuditEntry, CaseMaterial, Document


def test_chief_reissues_a_correction_notice(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20))
    item = item_named(ctx, "食品经营许可")
    r = notify_case(ctx, clerk(ctx), complete(item, overrides=with_status(item, 2, "missing")))
    (old_id,) = r.document_ids
    with pytest.raises(PermissionDenied):
        reissue_document(ctx, clerk(ctx), old_id, "申请人姓名打印有误")
    new_id = reissue_document(ctx, clerk(ctx, "zhoujianhua"), old_id, "申请人姓名打印有误")
    with ctx.read() as s:
        old, new = s.get(Document, old_id), s.get(Document, new_id)
        listed = s.execute(select(CaseMaterial.notice_document_id).where(CaseMaterial.case_id == r.case_id,
                                                                          CaseMaterial.status == "missing")
                           ).scalars().all()
        audit = s.execute(select(AuditEntry).where(AuditEntry.action == "void_document")).scalar_one()
    assert old.void and old.void_reason == "申请人姓名打印有误" and (ctx.data.root / old.path).exists()
    assert new.replaces_id == old.id and new.kind == old.kind and new.number != old.number and new.sealed
    assert listed == [new_id], "补正 now reviews against the reissued notice"
    assert new.number in audit.detail_json


def test_receipt_reissue_keeps_the_case_number(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20))
    r = accept_case(ctx, clerk(ctx), complete(item_named(ctx, "食品经营许可")))
    with ctx.read() as s:
        receipt = s.execute(select(Document).where(Document.case_id == r.case_id, Document.kind == "receipt")
                            ).scalar_one()
    new_id = reissue_document(ctx, clerk(ctx, "zhoujianhua"), receipt.id, "热敏纸褪色")
    with ctx.read() as s:
        assert s.get(Document, new_id).case_id == r.case_id
