"""上报 within two working days of complete papers: the deadline, its light, late forwarding, the department's time.

Every expected date is worked out by hand on the State Council's notice for 2026 (国办发明电〔2025〕7号):
清明 04-04…04-06 off; 春节 02-15…02-23 off, Saturdays 02-14 and 02-28 worked; 国庆 10-01…10-07 off,
Saturday 10-10 worked; December 2026 has no holiday. The start day never counts.
"""

from __future__ import annotations

from datetime import date

import pytest
from ow_testkit import at_local, complete, item_named, with_status
from signoff_kit import accepted, case_row, start, who
from sqlalchemy import select

from app.cases.detail import case_detail
from app.cases.lights import Light
from app.cases.queries import due_cases
from app.core.context import AppContext
from app.figures.report import window_figures
from app.intake.correction import supplement
from app.intake.input_checks import MaterialInput
from app.intake.outcomes import notify_case
from app.signoff.decisions import record_backoffice_decision
from app.signoff.review import forward_case
from db.models import AuditEntry, DeadlineChange

FORWARDED = "第三类医疗器械经营许可"  # 上报件 of 市场监管局: legal 20, promised 10 working days
ORDINARY = "食品经营许可变更"  # 承诺件, decided at the window


@pytest.mark.parametrize(("complete_on", "due"), [
    # Friday before 清明: Sat 04-04, Sun 04-05, Mon 04-06 off → Tue 04-07 (1), Wed 04-08 (2)
    (at_local(2026, 4, 3, 10), date(2026, 4, 8)),
    # Friday before 春节: Saturday 02-14 is worked (1), 02-15…02-23 off → Tue 02-24 (2)
    (at_local(2026, 2, 13, 10), date(2026, 2, 24)),
    # Wednesday before 国庆: 10-01…10-07 off → Thu 10-08 (1), Fri 10-09 (2)
    (at_local(2026, 9, 30, 10), date(2026, 10, 9)),
    # an ordinary Thursday: Fri 12-11 (1), Mon 12-14 (2)
    (at_local(2026, 12, 10, 10), date(2026, 12, 14)),
])
def test_the_forwarding_deadline_is_two_working_days_from_complete_papers(ctx: AppContext, complete_on: object,
                                                                          due: date) -> None:
    start(ctx, complete_on)
    case_id = accepted(ctx, FORWARDED)
    assert case_row(ctx, case_id).forward_due == due
    with ctx.read() as s:
        change = s.execute(select(DeadlineChange).where(DeadlineChange.case_id == case_id,
                                                        DeadlineChange.which == "forward")).scalar_one()
    assert change.new == due and "两个工作日内上报" in change.reason


def test_a_case_the_window_decides_has_no_forwarding_deadline(ctx: AppContext) -> None:
    start(ctx, at_local(2026, 12, 10, 10))
    assert case_row(ctx, accepted(ctx, ORDINARY)).forward_due is None


def test_papers_completed_by_correction_start_the_two_days_on_that_day(ctx: AppContext) -> None:
    item = item_named(ctx, FORWARDED)
    clerk = who(ctx, "wangyan")
    start(ctx, at_local(2026, 4, 1, 10))  # Wednesday: one material missing, a one-time notice
    notified = notify_case(ctx, clerk, complete(item, overrides=with_status(item, 1, "missing")))
    assert case_row(ctx, notified.case_id).forward_due is None, "papers not complete: no deadline yet"
    start(ctx, at_local(2026, 4, 3, 15))  # Friday before 清明: the missing material comes
    first = item.materials[0]
    supplement(ctx, clerk, notified.case_id, (MaterialInput(first.id, "received", True, first.copies),))
    assert case_row(ctx, notified.case_id).forward_due == date(2026, 4, 8)


def test_due_panel_lights_then_late_forwarding_counted_and_the_department_time_shown(ctx: AppContext) -> None:
    clerk = who(ctx, "wangyan")
    start(ctx, at_local(2026, 12, 10, 10))  # Thursday: due Monday 12-14
    case_id = accepted(ctx, FORWARDED)

    def light() -> Light:
        rows = [r for r in due_cases(ctx, clerk, 3, clerk.window_id).forwarding if r.case_id == case_id]
        assert len(rows) == 1
        return rows[0].light

    assert light() is Light.GREEN  # two working days left
    start(ctx, at_local(2026, 12, 11, 10))
    assert light() is Light.YELLOW  # Friday: the last working day before the deadline
    start(ctx, at_local(2026, 12, 14, 10))
    assert light() is Light.YELLOW  # Monday: due today
    start(ctx, at_local(2026, 12, 15, 9))
    assert light() is Light.RED  # Tuesday: late

    forward_case(ctx, clerk, case_id, "手续完备，报市局审批")
    assert not [r for r in due_cases(ctx, clerk, 3, clerk.window_id).forwarding if r.case_id == case_id]
    with ctx.read() as s:
        entry = s.execute(select(AuditEntry).where(AuditEntry.action == "forward")).scalar_one()
    assert '"late": true' in entry.detail_json
    figures = window_figures(ctx, clerk, date(2026, 12, 14), date(2026, 12, 16), "day", clerk.window_id)
    assert figures.total.forwarded == 1 and figures.total.forwarded_late == 1
    assert [p.forwarded_late for p in figures.periods] == [0, 1, 0]  # counted on the day it was forwarded

    # The department decides on Tuesday 12-22: 12-16, 17, 18, 21, 22 = 5 working days.
    start(ctx, at_local(2026, 12, 23, 9))
    record_backoffice_decision(ctx, case_id, "approve", decided_at=at_local(2026, 12, 22, 16),
                               decided_by="云岫市市场监督管理局", opinion="同意", content="经营范围：第三类医疗器械",
                               validity="五年")
    detail = case_detail(ctx, clerk, case_id)
    assert detail.forward_due == date(2026, 12, 14) and detail.forward_late is True
    spent = detail.department_time
    assert spent is not None
    assert (spent.forwarded_on, spent.decided_on, spent.workdays) == (date(2026, 12, 15), date(2026, 12, 22), 5)
    # The legal limit runs from the acceptance: 20 working days from Thu 12-10 is Fri 2027-01-08.
    assert (spent.legal_days, spent.legal_deadline, spent.within_legal) == (20, date(2027, 1, 8), True)
    assert "部门用时 5 个工作日" in spent.text and "法定时限 20 个工作日" in spent.text


def test_forwarded_in_time_is_not_late(ctx: AppContext) -> None:
    clerk = who(ctx, "wangyan")
    start(ctx, at_local(2026, 4, 3, 10))  # Friday before 清明: due Wednesday 04-08
    case_id = accepted(ctx, FORWARDED)
    start(ctx, at_local(2026, 4, 8, 17))
    forward_case(ctx, clerk, case_id, "报市局审批")
    figures = window_figures(ctx, clerk, date(2026, 4, 1), date(2026, 4, 30), "month", clerk.window_id)
    assert (figures.total.forwarded, figures.total.forwarded_late) == (1, 0)
    assert case_detail(ctx, clerk, case_id).forward_late is False
