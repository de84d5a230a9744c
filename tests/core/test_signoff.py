"""一审一核 through the core: review, the chief's sign-off within a delegation, deputies, art. 34, art. 44."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest
from signoff_kit import (
    APPROVE,
    CHIEF,
    DENY,
    at_local,
    audit_actions,
    case_row,
    documents,
    pdf_text,
    reviewed,
    start,
    who,
)
from sqlalchemy import select

from app.core.context import AppContext
from app.core.errors import AppError, PermissionDenied, ValidationError
from app.signoff.decisions import DecisionInput
from app.signoff.queue import signoff_queue
from app.signoff.review import return_for_review, sign_off
from app.station.bootstrap import DEMO_PASSWORD
from db.models import AuditEntry, CaseEvent, DeadlineChange, OutboxOp, Review, SealUse, Staff

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
SIGN = DecisionInput("approve", "同意")
DEPUTY, DEPUTY_DAY = "liuting", at_local(2026, 12, 15, 10, 0)  # the demo's deputy, on a day of the deputy period


def _staff_id(ctx: AppContext, username: str) -> int:
    with ctx.read() as s:
        return s.execute(select(Staff.id).where(Staff.username == username)).scalar_one()


def test_review_then_sign_off_issues_the_sealed_approval(ctx: AppContext) -> None:
    start(ctx)  # Friday 2026-11-20
    case_id = reviewed(ctx)
    assert case_row(ctx, case_id).state == "awaiting_signoff"
    result = sign_off(ctx, who(ctx, CHIEF), case_id, SIGN, custodian_password=DEMO_PASSWORD)
    assert result.state == "approved" and result.decision == "approved" and len(result.document_ids) == 1
    case = case_row(ctx, case_id)
    assert case.reviewer_id == _staff_id(ctx, "wangyan") and case.approver_id == _staff_id(ctx, CHIEF)
    assert case.decision == "approved" and case.decided_at == at_local(2026, 11, 20, 10, 0)
    # Art. 44: ten working days after Fri 20 Nov (not counted): 23–27 Nov, 30 Nov, 1–4 Dec → Fri 4 Dec.
    assert case.issue_deadline == date(2026, 12, 4) == result.issue_deadline
    with ctx.read() as s:
        change = s.execute(select(DeadlineChange).where(DeadlineChange.case_id == case_id,
                                                        DeadlineChange.which == "issue")).scalar_one()
        reviews = s.execute(select(Review.step, Review.outcome, Review.staff_id).where(Review.case_id == case_id)
                            .order_by(Review.id)).all()
        events = s.execute(select(CaseEvent.kind).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
                           ).scalars().all()
        ops = s.execute(select(OutboxOp.op).where(OutboxOp.entity_id == case_id).order_by(OutboxOp.device_seq)
                        ).scalars().all()
        use = s.execute(select(SealUse).where(SealUse.case_id == case_id, SealUse.document_kind == "approval_decision")
                        ).scalar_one()
    assert change.new == date(2026, 12, 4) and "第四十四条" in change.reason
    assert reviews == [("review", "approve", _staff_id(ctx, "wangyan")), ("approve", "approve", _staff_id(ctx, CHIEF))]
    assert events == ["accepted", "review_started", "reviewed", "sign_off"]
    assert ops == ["accept", "review", "sign_off"]
    assert use.authorisation == "password" and use.authorised_by_id == _staff_id(ctx, CHIEF)
    assert [a for a in audit_actions(ctx) if a != "login"][-3:] == ["review", "seal_use", "sign_off"]
    doc = documents(ctx, case_id, "approval_decision")[0]
    assert doc.sealed and doc.signed and doc.id == result.document_ids[0]
    text = pdf_text(ctx.data.root / doc.path)
    for expected in ("准予行政许可决定书", "热食类食品制售", "2026年11月20日至2031年11月19日", "第三十八条第一款",
                     "本机关将于2026年12月4日前向你颁发食品经营许可证", doc.number):
        assert expected in text, expected


def test_denial_carries_reasons_basis_and_rights(ctx: AppContext) -> None:
    start(ctx)
    case_id = reviewed(ctx, proposal=DENY)
    result = sign_off(ctx, who(ctx, CHIEF), case_id, DecisionInput("deny", "同意不予许可"),
                      custodian_password=DEMO_PASSWORD)
    assert result.state == "denied" and result.issue_deadline is None
    text = pdf_text(ctx.data.root / documents(ctx, case_id, "denial_decision")[0].path)
    for expected in ("不予行政许可决定书", "经营场所与旱厕等污染源的距离不符合食品安全要求", "食品安全法》第三十五条",
                     "第三十八条第二款", "六十日内", "云岫市人民政府申请行政复议", "六个月内向云岫市人民法院提起行政诉讼"):
        assert expected in text, expected


def test_chief_who_turns_an_approval_into_a_denial_must_give_reasons(ctx: AppContext) -> None:
    start(ctx)
    case_id = reviewed(ctx)
    with pytest.raises(ValidationError) as err:
        sign_off(ctx, who(ctx, CHIEF), case_id, DecisionInput("deny", "不同意"), custodian_password=DEMO_PASSWORD)
    assert err.value.field == "reasons"
    assert case_row(ctx, case_id).state == "awaiting_signoff"


def test_the_custodians_password_is_needed_and_a_wrong_one_is_audited(ctx: AppContext) -> None:
    start(ctx)
    case_id = reviewed(ctx)
    chief = who(ctx, CHIEF)
    with pytest.raises(AppError) as err:
        sign_off(ctx, chief, case_id, SIGN)
    assert err.value.code == "custodian_password_needed" and err.value.field == "custodian_password"
    with pytest.raises(AppError) as err:
        sign_off(ctx, chief, case_id, SIGN, custodian_password="not-the-password")
    assert err.value.code == "bad_custodian_password"
    assert case_row(ctx, case_id).state == "awaiting_signoff" and not documents(ctx, case_id, "approval_decision")
    assert audit_actions(ctx)[-1] == "seal_password_failed" and audit_actions(ctx).count("seal_password_failed") == 1


def test_reviewer_can_never_approve_their_own_case(ctx: AppContext) -> None:
    """Art. 34: the chief representative who wrote the review opinion may not sign it off."""
    start(ctx)
    case_id = reviewed(ctx, by=CHIEF)
    with pytest.raises(AppError) as err:
        sign_off(ctx, who(ctx, CHIEF), case_id, SIGN, custodian_password=DEMO_PASSWORD)
    assert err.value.code == "same_person" and "第三十四条" in err.value.message
    assert case_row(ctx, case_id).state == "awaiting_signoff"


def test_an_earlier_reviewer_stays_excluded_after_the_case_is_returned(ctx: AppContext) -> None:
    start(ctx, DEPUTY_DAY)
    case_id = reviewed(ctx, by=CHIEF)
    # 刘婷 stands in for 周建华 (named by the department): she may return the case, which another clerk
    # then reviews again.
    return_for_review(ctx, who(ctx, DEPUTY), case_id, "请补充现场核查意见")
    from app.signoff.review import record_review

    record_review(ctx, who(ctx, "zhangmin"), case_id, APPROVE)
    with pytest.raises(AppError) as err:
        sign_off(ctx, who(ctx, CHIEF), case_id, SIGN, custodian_password=DEMO_PASSWORD)
    assert err.value.code == "same_person"
    result = sign_off(ctx, who(ctx, DEPUTY), case_id, SIGN, custodian_password=DEMO_PASSWORD)
    assert result.state == "approved" and result.on_behalf_of == "周建华"


def test_deputy_signs_on_behalf_of_the_absent_chief(ctx: AppContext) -> None:
    start(ctx, DEPUTY_DAY)  # 刘婷 is 周建华's deputy from 2026-12-14 to 2026-12-25 (云市监人〔2026〕57号)
    case_id = reviewed(ctx, by="wangyan")
    deputy = who(ctx, DEPUTY)
    assert [r.can_sign for r in signoff_queue(ctx, deputy)] == [True]
    result = sign_off(ctx, deputy, case_id, SIGN, custodian_password=DEMO_PASSWORD)
    assert result.state == "approved" and result.on_behalf_of == "周建华"
    with ctx.read() as s:
        review = s.execute(select(Review).where(Review.case_id == case_id, Review.step == "approve")).scalar_one()
        entry = s.execute(select(AuditEntry).where(AuditEntry.action == "sign_off")).scalar_one()
    assert review.staff_id == _staff_id(ctx, DEPUTY) and review.on_behalf_of_id == _staff_id(ctx, CHIEF)
    assert case_row(ctx, case_id).approver_id == _staff_id(ctx, DEPUTY)
    assert json.loads(entry.detail_json)["on_behalf_of"] == _staff_id(ctx, CHIEF)


def test_deputy_who_reviewed_the_case_is_refused_by_the_two_person_rule(ctx: AppContext) -> None:
    start(ctx, DEPUTY_DAY)
    case_id = reviewed(ctx, by=DEPUTY)
    deputy = who(ctx, DEPUTY)
    row = signoff_queue(ctx, deputy)[0]
    assert not row.can_sign and "第三十四条" in row.blocker
    with pytest.raises(AppError) as err:
        sign_off(ctx, deputy, case_id, SIGN, custodian_password=DEMO_PASSWORD)
    assert err.value.code == "same_person"
    assert sign_off(ctx, who(ctx, CHIEF), case_id, SIGN, custodian_password=DEMO_PASSWORD).on_behalf_of == ""


def test_deputy_outside_the_period_has_no_authority(ctx: AppContext) -> None:
    start(ctx, at_local(2026, 12, 11, 10, 0))  # the Friday before the deputy period
    case_id = reviewed(ctx, by="wangyan")
    with pytest.raises(PermissionDenied, match="窗口工作人员无权核准签发"):
        sign_off(ctx, who(ctx, DEPUTY), case_id, SIGN, custodian_password=DEMO_PASSWORD)


def test_expired_delegation_is_refused_and_the_case_is_forwarded(ctx: AppContext) -> None:
    """330999-WJ-XK-005 was delegated to 孙丽娟 until 2025-06-30."""
    from app.signoff.decisions import issue_decision, record_backoffice_decision
    from app.signoff.review import forward_case

    start(ctx, at_local(2025, 6, 27, 10, 0))  # the delegation is still in force: the case goes to the chief
    case_id = reviewed(ctx, item="生活饮用水供水单位卫生许可", by="wuqian")
    assert case_row(ctx, case_id).state == "awaiting_signoff"
    start(ctx, at_local(2025, 7, 1, 9, 0))  # Tuesday: the delegation ended yesterday
    chief = who(ctx, "sunlijuan")
    assert "授权已于2025年6月30日到期" in signoff_queue(ctx, chief)[0].blocker
    with pytest.raises(AppError) as err:
        sign_off(ctx, chief, case_id, SIGN, custodian_password=DEMO_PASSWORD)
    assert err.value.code == "not_delegated" and "授权已于2025年6月30日到期" in err.value.message
    assert forward_case(ctx, chief, case_id, "授权已到期，上报市卫生健康局决定").state == "forwarded"
    # The department's decision comes back through sync; applying it twice changes nothing.
    for _ in range(2):
        back = record_backoffice_decision(ctx, case_id, "approve", decided_at=at_local(2025, 7, 8, 15, 0),
                                          decided_by="云岫市卫生健康局", opinion="准予许可",
                                          content="供水方式：集中式供水；供水规模：日供水五千立方米")
        assert back.state == "approved" and back.document_ids == ()
    issued = issue_decision(ctx, who(ctx, "wuqian"), case_id, custodian_password=DEMO_PASSWORD)
    text = pdf_text(ctx.data.root / documents(ctx, case_id, "approval_decision")[0].path)
    assert issued.document_ids and "日供水五千立方米" in text
    with pytest.raises(AppError, match="已出具"):
        issue_decision(ctx, who(ctx, "wuqian"), case_id, custodian_password=DEMO_PASSWORD)
    with ctx.read() as s:
        steps = s.execute(select(Review.step).where(Review.case_id == case_id).order_by(Review.id)).scalars().all()
    assert steps == ["review", "forward", "backoffice"]


def test_items_nobody_here_may_decide_are_forwarded_at_review(ctx: AppContext) -> None:
    start(ctx)
    expired = reviewed(ctx, item="生活饮用水供水单位卫生许可", by="wuqian")  # delegation expired 2025-06-30
    upward = reviewed(ctx, item="第三类医疗器械经营许可")  # 上报件
    for case_id in (expired, upward):
        assert case_row(ctx, case_id).state == "forwarded"
    with ctx.read() as s:
        ops = s.execute(select(OutboxOp).where(OutboxOp.entity_id == expired, OutboxOp.op == "forward")).scalar_one()
    payload = json.loads(ops.payload_json)
    assert "授权范围" in payload["reason"] and payload["proposal"]["outcome"] == "approve"


def test_queue_puts_immediate_cases_first_then_the_nearest_deadline(ctx: AppContext) -> None:
    from signoff_kit import make_item

    start(ctx, at_local(2026, 11, 18, 10, 0))
    early = reviewed(ctx)  # legal deadline 2 Dec
    start(ctx)
    late = reviewed(ctx)  # legal deadline 4 Dec
    make_item(ctx, "食品生产许可", processing_type="immediate")
    quick = reviewed(ctx, item="食品生产许可")
    assert [r.case_id for r in signoff_queue(ctx, who(ctx, CHIEF))] == [quick, early, late]


def test_signing_twice_is_refused(ctx: AppContext) -> None:
    start(ctx, DEPUTY_DAY)
    case_id = reviewed(ctx)
    sign_off(ctx, who(ctx, CHIEF), case_id, SIGN, custodian_password=DEMO_PASSWORD)
    with pytest.raises(AppError, match="不在待签批状态"):
        sign_off(ctx, who(ctx, DEPUTY), case_id, SIGN, custodian_password=DEMO_PASSWORD)
