"""Batch sign-off of routine cases, 一审制 decisions by the clerk, and 即办件 decided on the spot."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from signoff_kit import (
    APPROVE,
    CHIEF,
    DENY,
    accepted,
    audit_actions,
    case_row,
    documents,
    make_item,
    reviewed,
    start,
    who,
)
from sqlalchemy import select

from app.core.context import AppContext
from app.core.errors import AppError, ValidationError
from app.signoff.decisions import DecisionInput, decide_single
from app.signoff.queue import review_desk, signoff_queue
from app.signoff.review import batch_sign_off, decide_on_spot, record_review
from app.station.bootstrap import DEMO_PASSWORD
from db.models import CaseEvent, Review

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def test_batch_signs_routine_cases_and_names_the_ones_left_out(ctx: AppContext) -> None:
    start(ctx)
    routine = [reviewed(ctx), reviewed(ctx, item="食品生产许可"), reviewed(ctx, by="liuting")]
    denial = reviewed(ctx, proposal=DENY)
    own = reviewed(ctx, by=CHIEF)
    chief = who(ctx, CHIEF)
    result = batch_sign_off(ctx, chief, [*routine, denial, own], custodian_password=DEMO_PASSWORD)
    assert sorted(r.case_id for r in result.signed) == sorted(routine)
    assert all(r.state == "approved" and len(r.document_ids) == 1 for r in result.signed)
    assert len(result.document_ids) == 3
    failed = dict(result.failed)
    assert "拟不予许可" in failed[case_row(ctx, denial).case_no]
    assert "第三十四条" in failed[case_row(ctx, own).case_no]
    assert case_row(ctx, denial).state == case_row(ctx, own).state == "awaiting_signoff"
    assert {r.case_id for r in signoff_queue(ctx, chief)} == {denial, own}
    with ctx.read() as s:
        opinions = set(s.execute(select(Review.opinion).where(Review.step == "approve")).scalars())
    assert opinions == {"同意"}


def test_batch_with_a_wrong_password_signs_nothing(ctx: AppContext) -> None:
    start(ctx)
    cases = [reviewed(ctx), reviewed(ctx)]
    with pytest.raises(AppError) as err:
        batch_sign_off(ctx, who(ctx, CHIEF), cases, custodian_password="wrong-password")
    assert err.value.code == "bad_custodian_password"
    assert all(case_row(ctx, c).state == "awaiting_signoff" for c in cases)
    assert audit_actions(ctx)[-1] == "seal_password_failed"


def test_single_review_items_are_decided_by_the_clerk(ctx: AppContext) -> None:
    start(ctx)
    case_id = accepted(ctx, "食品经营许可变更")  # 一审制, issues a 食品经营许可证
    clerk = who(ctx, "wangyan")
    assert review_desk(ctx, clerk)[0].next_step == "decide"
    with pytest.raises(AppError, match="一审制"):
        record_review(ctx, clerk, case_id, APPROVE)
    result = decide_single(ctx, clerk, case_id, APPROVE, custodian_password=DEMO_PASSWORD)
    case = case_row(ctx, case_id)
    assert result.state == "approved" and case.reviewer_id == case.approver_id == clerk.staff_id
    assert case.issue_deadline == date(2026, 12, 4)
    with ctx.read() as s:
        kinds = s.execute(select(CaseEvent.kind).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
                          ).scalars().all()
    assert kinds == ["accepted", "review_started", "decide"]
    assert documents(ctx, case_id, "approval_decision")[0].sealed
    assert "decide" in audit_actions(ctx)


def test_single_denial_needs_reasons_and_basis(ctx: AppContext) -> None:
    start(ctx)
    case_id = accepted(ctx, "食品经营许可变更")
    clerk = who(ctx, "wangyan")
    with pytest.raises(ValidationError) as err:
        decide_single(ctx, clerk, case_id, DecisionInput("deny", "不予许可", reasons="场所不符合要求"),
                      custodian_password=DEMO_PASSWORD)
    assert err.value.field == "basis"
    result = decide_single(ctx, clerk, case_id, DENY, custodian_password=DEMO_PASSWORD)
    assert result.state == "denied" and documents(ctx, case_id, "denial_decision")


def test_double_review_items_cannot_be_decided_by_the_clerk(ctx: AppContext) -> None:
    start(ctx)
    case_id = accepted(ctx)
    with pytest.raises(AppError) as err:
        decide_single(ctx, who(ctx, "wangyan"), case_id, APPROVE, custodian_password=DEMO_PASSWORD)
    assert err.value.code == "needs_signoff"
    assert case_row(ctx, case_id).state == "accepted"


def test_forwarded_items_are_never_decided_at_the_window(ctx: AppContext) -> None:
    start(ctx)
    case_id = accepted(ctx, "工业产品生产许可（省级委托）")  # 上报件, 一审制
    clerk = who(ctx, "wangyan")
    assert review_desk(ctx, clerk)[0].next_label == "审查后上报部门"
    with pytest.raises(AppError) as err:
        decide_single(ctx, clerk, case_id, APPROVE, custodian_password=DEMO_PASSWORD)
    assert err.value.code == "must_forward"
    assert record_review(ctx, clerk, case_id, APPROVE).state == "forwarded"
    assert review_desk(ctx, clerk)[0].next_step == "forwarded"


def test_immediate_single_item_is_decided_on_the_spot(ctx: AppContext) -> None:
    start(ctx)
    case_id = accepted(ctx, "个体工商户设立登记")  # 即办件, 一审制, issues a business licence
    result = decide_on_spot(ctx, who(ctx, "wangyan"), case_id,
                            DecisionInput("approve", "材料齐全，当场办结", "经营范围：日用百货零售"),
                            custodian_password=DEMO_PASSWORD)
    assert result.state == "approved" and result.document_ids
    # Art. 44 still applies: Fri 20 Nov + 10 working days → Fri 4 Dec.
    assert result.issue_deadline == date(2026, 12, 4)
    with ctx.read() as s:
        event = s.execute(select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind == "decide_on_spot")
                          ).scalar_one()
    assert (event.from_state, event.to_state) == ("accepted", "approved")


def test_immediate_double_item_still_needs_the_chief(ctx: AppContext) -> None:
    start(ctx)
    make_item(ctx, "食品生产许可", processing_type="immediate")
    case_id = accepted(ctx, "食品生产许可")
    result = decide_on_spot(ctx, who(ctx, "wangyan"), case_id, APPROVE, custodian_password=DEMO_PASSWORD)
    assert result.state == "awaiting_signoff" and not result.document_ids
    from app.signoff.review import sign_off

    signed = sign_off(ctx, who(ctx, CHIEF), case_id, DecisionInput("approve", "同意"),
                      custodian_password=DEMO_PASSWORD)
    assert signed.state == "approved"


def test_on_the_spot_only_for_immediate_items_right_after_acceptance(ctx: AppContext) -> None:
    start(ctx)
    case_id = accepted(ctx, "食品经营许可变更")
    with pytest.raises(AppError) as err:
        decide_on_spot(ctx, who(ctx, "wangyan"), case_id, APPROVE, custodian_password=DEMO_PASSWORD)
    assert err.value.code == "not_immediate"
