"""The art. 32 five-working-day rule and the no-second-notice rule, through the core."""

from __future__ import annotations

from datetime import date

import pytest
from ow_testkit import at_local, clerk, complete, item_named, set_clock, with_status
from sqlalchemy import select

from app.core.context import AppContext
from app.core.errors import AppError, PermissionDenied
from app.intake.correction import Override, supplement, sweep_unanswered
from app.intake.input_checks import MaterialInput
from app.intake.outcomes import decide_received, notify_case, receive_case, sweep_deemed_acceptance
from app.station.bootstrap import DEMO_PASSWORD
from db.models import AuditEntry, Case, CaseEvent, Document

FOOD = "食品经营许可"


def _case(ctx: AppContext, case_id: str) -> Case:
    with ctx.read() as s:
        return s.get(Case, case_id)


def test_notice_due_counts_five_working_days_across_national_day(ctx: AppContext) -> None:
    # Received Mon 2026-09-28. 国办发明电〔2025〕7号: 10-01…10-07 off, Sat 10-10 worked.
    # Working days after receipt: 09-29, 09-30, 10-08, 10-09, 10-10 → the fifth is Sat 2026-10-10.
    set_clock(ctx, at_local(2026, 9, 28))
    result = receive_case(ctx, clerk(ctx), complete(item_named(ctx, FOOD)))
    assert result.state == "received" and result.notice_due == date(2026, 10, 10)


def test_notice_on_the_fifth_day_is_in_time(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 9, 28))
    actor, item = clerk(ctx), item_named(ctx, FOOD)
    r = receive_case(ctx, actor, complete(item))
    set_clock(ctx, at_local(2026, 10, 10, 16))
    missing = with_status(item, 2, "missing")[2]
    out = decide_received(ctx, actor, r.case_id, "notify", (missing,))
    assert out.state == "notified" and not _case(ctx, r.case_id).deemed_accepted


def test_too_late_means_accepted_from_the_day_of_receipt(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 9, 28))
    actor, item = clerk(ctx), item_named(ctx, FOOD)
    r = receive_case(ctx, actor, complete(item))
    set_clock(ctx, at_local(2026, 10, 12, 9))  # Monday after the fifth working day
    with pytest.raises(AppError) as err:
        decide_received(ctx, actor, r.case_id, "notify", (with_status(item, 2, "missing")[2],))
    assert err.value.code == "deemed_accepted"
    case = _case(ctx, r.case_id)
    assert case.state == "accepted" and case.deemed_accepted and case.clock_start == date(2026, 9, 28)
    # promised 5 working days from 09-28 (not counted): 09-29, 09-30, 10-08, 10-09, 10-10
    assert case.promised_deadline == date(2026, 10, 10)
    with ctx.read() as s:
        kinds = s.execute(select(Document.kind).where(Document.case_id == r.case_id)).scalars().all()
    assert sorted(kinds) == ["acceptance_notice", "receipt"]


def test_sweep_accepts_forgotten_received_cases(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 2))  # Monday
    r = receive_case(ctx, clerk(ctx), complete(item_named(ctx, FOOD)))
    set_clock(ctx, at_local(2026, 11, 9, 8))  # the fifth working day is 11-09 itself: not yet
    assert sweep_deemed_acceptance(ctx).done == ()
    set_clock(ctx, at_local(2026, 11, 10, 8))
    assert sweep_deemed_acceptance(ctx).done == (r.case_no,)
    with ctx.read() as s:
        kinds = s.execute(select(CaseEvent.kind).where(CaseEvent.case_id == r.case_id)).scalars().all()
    assert kinds == ["received", "deemed_accepted"]


def _notified(ctx: AppContext) -> tuple[str, object]:
    set_clock(ctx, at_local(2026, 11, 20))
    item = item_named(ctx, FOOD)
    over = with_status(item, 2, "missing") | with_status(item, 3, "defective", "复印件不清晰")
    return notify_case(ctx, clerk(ctx), complete(item, overrides=over)).case_id, item


def _received(item: object, seq: int) -> MaterialInput:
    m = next(x for x in item.materials if x.seq == seq)  # type: ignore[attr-defined]
    return MaterialInput(m.id, "received", True, m.copies)


def test_asking_for_something_new_needs_the_chief(ctx: AppContext) -> None:
    case_id, item = _notified(ctx)
    actor = clerk(ctx)
    new_problem = with_status(item, 4, "defective", "平面图与现场不符")[4]
    with pytest.raises(AppError) as err:
        supplement(ctx, actor, case_id, (_received(item, 2), _received(item, 3), new_problem))
    assert err.value.code == "second_notice" and err.value.field == "override"
    case = _case(ctx, case_id)
    assert case.state == "notified"
    with ctx.read() as s:
        statuses = {m.seq: m.status for m in s.get(Case, case_id).materials}
    assert statuses[2] == "missing" and statuses[4] == "received", "a refused supplement changes nothing"
    with pytest.raises(PermissionDenied):
        supplement(ctx, actor, case_id, (new_problem,), Override("wangyan", DEMO_PASSWORD, "x"))


def test_chief_override_is_recorded_and_issues_a_new_notice(ctx: AppContext) -> None:
    case_id, item = _notified(ctx)
    actor = clerk(ctx)
    new_problem = with_status(item, 4, "defective", "平面图与现场不符")[4]
    out = supplement(ctx, actor, case_id, (new_problem,),
                     Override("zhoujianhua", DEMO_PASSWORD, "现场核查发现布局变更，须重新提交平面图"))
    assert out.state == "notified" and len(out.document_ids) == 1
    with ctx.read() as s:
        audit = s.execute(select(AuditEntry).where(AuditEntry.action == "override")).scalar_one()
        assert "布局变更" in audit.detail_json
        notices = s.execute(select(Document).where(Document.case_id == case_id,
                                                   Document.kind == "correction_notice")).scalars().all()
    assert len(notices) == 2


def test_wrong_chief_password_is_refused_and_audited(ctx: AppContext) -> None:
    case_id, item = _notified(ctx)
    actor = clerk(ctx)
    with pytest.raises(AppError) as err:
        supplement(ctx, actor, case_id, (with_status(item, 4, "missing")[4],),
                   Override("zhoujianhua", "wrong-password", "理由"))
    assert err.value.field == "override.password"
    # Refused like a wrong seal-custodian password, and audited like one: the refusal is kept,
    # nothing else is (the material stays as it was).
    with ctx.read() as s:
        entries = s.execute(select(AuditEntry).where(AuditEntry.action == "override_password_failed")).scalars().all()
        case = s.get(Case, case_id)
        assert {m.seq: m.status for m in case.materials}[4] == "received"
        assert [(e.staff_id, e.target) for e in entries] == [(actor.staff_id, case.case_no)]
        assert "zhoujianhua" in entries[0].detail_json


def test_complete_supplement_accepts_and_restarts_the_clock(ctx: AppContext) -> None:
    case_id, item = _notified(ctx)
    actor = clerk(ctx)
    partial = supplement(ctx, actor, case_id, (_received(item, 2),))
    assert partial.state == "notified" and partial.document_ids == ()
    set_clock(ctx, at_local(2026, 11, 25, 15))  # Wednesday
    done = supplement(ctx, actor, case_id, (_received(item, 3),))
    assert done.state == "accepted"
    case = _case(ctx, case_id)
    # counted from the day after the supplement: 11-26, 11-27, 11-30, 12-01, 12-02 → 5th is 2026-12-02
    assert case.clock_start == date(2026, 11, 25) and case.promised_deadline == date(2026, 12, 2)


def test_unanswered_notice_closes_after_the_period(ctx: AppContext) -> None:
    case_id, _item = _notified(ctx)  # notice on Fri 2026-11-20
    set_clock(ctx, at_local(2026, 11, 27))
    assert sweep_unanswered(ctx, 5).done == ()  # 11-23 … 11-27 is exactly five working days
    set_clock(ctx, at_local(2026, 11, 30))
    closed = sweep_unanswered(ctx, 5).done
    assert len(closed) == 1 and _case(ctx, case_id).state == "closed_unanswered"
