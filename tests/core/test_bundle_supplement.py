"""补正 for a 一件事 at the comprehensive window: only what the combined 一次性告知书 listed may come back; a
partial answer keeps every part waiting; the completing answer accepts every part at once with one 受理通知书
(the 前置's dependants still wait for it), and each part goes to the server as an ordinary acceptance."""

from __future__ import annotations

import shutil

import pytest
from bundle_kit import REGISTRATION, application, parts_of, pdf_text, theme
from ow_testkit import at_local, clerk, set_clock
from sqlalchemy import select

from app.bundles.bundle_intake import PaperInput, notify_bundle
from app.bundles.bundle_supplement import supplement_bundle
from app.core.context import AppContext
from app.core.errors import AppError, PermissionDenied, ValidationError
from db.models import Bundle, Document, OutboxOp

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
PREMISES, SIGN_FORM, FOOD_FORM = "经营场所使用相关文件", "户外招牌设置申请表", "食品经营许可申请书"


def _received(key: str, copies: int = 1) -> PaperInput:
    return PaperInput(key, "received", True, copies)


def _notified(ctx: AppContext) -> str:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    change = {PREMISES: PaperInput(PREMISES, "missing"),
              SIGN_FORM: PaperInput(SIGN_FORM, "defective", True, 1, defect="未写明招牌尺寸")}
    result = notify_bundle(ctx, clerk(ctx), application(ctx, change=change))
    assert result.state == "notified"
    return result.bundle_id


def _copies(ctx: AppContext, key: str) -> int:
    return next(p.copies for p in theme(ctx).papers if p.key == key)


def test_only_listed_papers_and_only_at_the_comprehensive_window(ctx: AppContext) -> None:
    bundle_id = _notified(ctx)
    set_clock(ctx, at_local(2026, 11, 23, 10, 0))
    with pytest.raises(ValidationError) as err:  # a paper the notice did not list cannot be asked for now
        supplement_bundle(ctx, clerk(ctx), bundle_id, (PaperInput(FOOD_FORM, "missing"),))
    assert err.value.field == f"papers.{FOOD_FORM}" and "不在一次性告知书所列范围内" in err.value.message
    with pytest.raises(PermissionDenied):
        supplement_bundle(ctx, clerk(ctx, "lina"), bundle_id, (_received(PREMISES, _copies(ctx, PREMISES)),))
    assert {c.state for c in parts_of(ctx, bundle_id).values()} == {"notified"}  # nothing changed


def test_partial_then_complete_accepts_every_part_with_one_notice(ctx: AppContext) -> None:
    bundle_id = _notified(ctx)
    set_clock(ctx, at_local(2026, 11, 23, 10, 0))
    partial = supplement_bundle(ctx, clerk(ctx), bundle_id, (_received(PREMISES, _copies(ctx, PREMISES)),))
    assert partial.state == "notified" and not partial.document_ids
    cases = parts_of(ctx, bundle_id)
    assert {c.state for c in cases.values()} == {"notified"}
    with pytest.raises(ValidationError) as err:  # the count of copies is checked like the single 补正
        supplement_bundle(ctx, clerk(ctx), bundle_id, (_received(SIGN_FORM, 0),))
    assert "实收 0 份" in err.value.message

    done = supplement_bundle(ctx, clerk(ctx), bundle_id, (_received(SIGN_FORM, _copies(ctx, SIGN_FORM)),))
    assert done.state == "open" and len(done.document_ids) == 2  # a receipt for the papers, one 受理通知书
    cases = parts_of(ctx, bundle_id)
    assert {c.state for c in cases.values()} == {"accepted"}
    first = cases[REGISTRATION]
    assert first.clock_start is not None and first.clock_start.isoformat() == "2026-11-23"
    assert all(c.clock_start is None for code, c in cases.items() if code != REGISTRATION)  # wait for the 前置
    with ctx.read() as s:
        assert s.get(Bundle, bundle_id).state == "open"  # type: ignore[union-attr]
        notice = s.execute(select(Document).where(Document.id.in_(done.document_ids),
                                                  Document.kind == "acceptance_notice")).scalar_one_or_none()
        accepts = s.execute(select(OutboxOp.entity_id).where(OutboxOp.op == "accept", OutboxOp.entity == "case")
                            ).scalars().all()
    assert notice is not None and notice.kind == "acceptance_notice"
    assert sorted(accepts) == sorted(c.id for c in cases.values())
    text = pdf_text(ctx.data.root / notice.path)
    for c in cases.values():
        assert c.item_name.replace(" ", "")[:10] in text and c.case_no in text
    with pytest.raises(AppError) as again:
        supplement_bundle(ctx, clerk(ctx), bundle_id, (_received(SIGN_FORM, 1),))
    assert again.value.code == "bad_state"
