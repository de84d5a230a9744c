"""Deadlines after acceptance: holidays, make-up days, art. 45 suspensions, art. 42 extensions, 补正, 2027.

Expected dates are counted by hand on the State Council's published schedules:
- 国办发明电〔2024〕12号 (2025): 春节 1月28日—2月4日 off, 1月26日(日)、2月8日(六) work; 国庆中秋 10月1日—8日 off,
  9月28日(日)、10月11日(六) work.
- 国办发明电〔2025〕7号 (2026): 中秋 9月25日—27日 off; 国庆 10月1日—7日 off, 9月20日(日)、10月10日(六) work.
The day of acceptance is not counted; suspended days (both ends included) do not count.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from ow_testkit import at_local, clerk, complete, item_named, set_clock, with_status
from sqlalchemy import select

from app.cases.deadlines import compute
from app.cases.special_procedures import (
    acknowledge_moved_deadline,
    end_suspension,
    extend,
    recompute_after_calendar_update,
    start_suspension,
)
from app.core.context import AppContext
from app.core.errors import AppError, PermissionDenied, ValidationError
from app.intake.correction import supplement
from app.intake.input_checks import MaterialInput
from app.intake.outcomes import accept_case, notify_case
from app.reference.calendar import DayInfo, DayKind, estimated_days, official_days
from app.reference.workdays import current_calendar, store_version
from db.models import Case, CaseEvent, DeadlineChange, Document, Extension, Suspension

CHIEF = "zhoujianhua"  # 市场监管 chief representative, custodian of A01's seal
DRUGS = "药品零售许可"  # promised 10, legal 20 working days
FOOD = "食品经营许可"  # promised 5, legal 10 working days


def _case(ctx: AppContext, case_id: str) -> Case:
    with ctx.read() as s:
        return s.get(Case, case_id)


def _events(ctx: AppContext, case_id: str) -> list[str]:
    with ctx.read() as s:
        return list(s.execute(select(CaseEvent.kind).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id))
                    .scalars())


def _changes(ctx: AppContext, case_id: str) -> list[tuple[str, date | None, date | None]]:
    with ctx.read() as s:
        rows = s.execute(select(DeadlineChange).where(DeadlineChange.case_id == case_id)
                         .order_by(DeadlineChange.id)).scalars()
        return [(r.which, r.old, r.new) for r in rows]


def _pdf_text(ctx: AppContext, document_id: str) -> str:
    with ctx.read() as s:
        doc = s.get(Document, document_id)
        path = ctx.data.root / doc.path
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", "", out.stdout)


def _accept(ctx: AppContext, y: int, m: int, d: int, item: str = DRUGS) -> str:
    set_clock(ctx, at_local(y, m, d, 9, 30))
    return accept_case(ctx, clerk(ctx), complete(item_named(ctx, item))).case_id


def test_holidays_and_make_up_days_2025_spring_festival(ctx: AppContext) -> None:
    case_id = _accept(ctx, 2025, 1, 20, FOOD)  # Monday
    case = _case(ctx, case_id)
    # 1-21 ①, 22 ②, 23 ③, 24 ④, 1-26 (Sunday, make-up) ⑤ → promised Sun 2025-01-26
    assert case.promised_deadline == date(2025, 1, 26)
    # 1-27 ⑥, [1-28 … 2-4 off], 2-5 ⑦, 6 ⑧, 7 ⑨, 2-8 (Saturday, make-up) ⑩ → legal Sat 2025-02-08
    assert case.legal_deadline == date(2025, 2, 8)
    assert not case.deadline_provisional


def test_immediate_item_is_due_the_same_day(ctx: AppContext) -> None:
    # 即办件 (promised 0): decided on the spot. Counted with the stored calendar as intake counts it.
    # (accept_case cannot issue an acceptance notice for promised 0 yet: the renderer wants promised > 0.)
    with ctx.read() as s:
        cal = current_calendar(s)
    d = compute(cal, date(2026, 10, 9), 0, 3)  # Friday before the make-up Saturday
    assert d.promised == date(2026, 10, 9)
    # 10-10 (Saturday, make-up) ①, 10-12 ②, 10-13 ③
    assert d.legal == date(2026, 10, 13)


def test_correction_restarts_the_clock_the_day_after_the_materials_arrive(ctx: AppContext) -> None:
    item = item_named(ctx, FOOD)
    set_clock(ctx, at_local(2026, 9, 28, 10))
    actor = clerk(ctx)
    notified = notify_case(ctx, actor, complete(item, overrides=with_status(item, 1, "missing")))
    set_clock(ctx, at_local(2026, 9, 30, 15))  # Wednesday: the missing material arrives
    first = next(m for m in item.materials if m.seq == 1)
    result = supplement(ctx, actor, notified.case_id, (MaterialInput(first.id, "received", True, first.copies),))
    case = _case(ctx, result.case_id)
    assert case.state == "accepted" and case.clock_start == date(2026, 9, 30)
    # [10-1 … 10-7 off], 10-8 ①, 10-9 ②, 10-10 (Saturday, make-up) ③, 10-12 ④, 10-13 ⑤
    assert case.promised_deadline == date(2026, 10, 13)
    # 10-14 ⑥, 15 ⑦, 16 ⑧, 19 ⑨, 20 ⑩
    assert case.legal_deadline == date(2026, 10, 20)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_suspension_across_national_day_then_longer_than_expected(ctx: AppContext) -> None:
    case_id = _accept(ctx, 2026, 9, 21)  # Monday
    case = _case(ctx, case_id)
    # 9-22 ①, 23 ②, 24 ③, [9-25 … 27 中秋], 9-28 ④, 29 ⑤, 30 ⑥, [10-1 … 7], 10-8 ⑦, 9 ⑧, 10 (Sat) ⑨, 12 ⑩
    assert (case.promised_deadline, case.legal_deadline) == (date(2026, 10, 12), date(2026, 10, 26))
    set_clock(ctx, at_local(2026, 9, 29, 10))
    actor = clerk(ctx)
    result = start_suspension(ctx, actor, case_id, "expert_review", "申请材料涉及专业技术问题，需组织专家评审", 5)
    # Five working days from Tue 9-29 included: 9-29, 9-30, 10-8, 10-9, 10-10 (make-up Saturday).
    # Counting resumes: 9-22 ①, 23 ②, 24 ③, 28 ④, 10-12 ⑤, 13 ⑥, 14 ⑦, 15 ⑧, 16 ⑨, 19 ⑩
    assert result.state == "suspended" and result.promised_deadline == date(2026, 10, 19)
    # legal: 10-20 ⑪ … 10-23 ⑭, 10-26 ⑮ … 10-30 ⑲, 11-2 ⑳
    assert result.legal_deadline == date(2026, 11, 2)
    case = _case(ctx, case_id)
    assert case.printed_promised == date(2026, 10, 19) and not case.deadline_moved
    assert _events(ctx, case_id)[-3:] == ["review_started", "suspended", "deadline_changed"]
    body = _pdf_text(ctx, result.document_ids[0])
    for needle in ("特别程序告知书", "专家评审", "5个工作日", "2026年10月26日", "2026年11月2日", "2026年10月19日",
                   "第四十五条"):
        assert needle in body, needle
    with ctx.read() as s:
        row = s.execute(select(Suspension).where(Suspension.case_id == case_id)).scalar_one()
        assert row.document_id == result.document_ids[0] and row.ended_on is None

    set_clock(ctx, at_local(2026, 10, 13, 16))  # the experts took longer: the stop ends Tue 10-13
    done = end_suspension(ctx, actor, case_id)
    # Suspended 9-29 … 10-13: counting 9-22 ①, 23 ②, 24 ③, 28 ④, 10-14 ⑤, 15 ⑥, 16 ⑦, 19 ⑧, 20 ⑨, 21 ⑩
    assert done.state == "under_review" and done.promised_deadline == date(2026, 10, 21)
    # legal: 10-22 ⑪, 23 ⑫, 26 ⑬ … 30 ⑰, 11-2 ⑱, 3 ⑲, 4 ⑳
    assert done.legal_deadline == date(2026, 11, 4)
    # The printed promise (10-19) no longer holds: flagged, old and new kept.
    case = _case(ctx, case_id)
    assert case.deadline_moved and case.printed_promised == date(2026, 10, 19)
    assert _events(ctx, case_id)[-3:] == ["resumed", "deadline_changed", "deadline_moved"]
    assert _changes(ctx, case_id)[-2:] == [("promised", date(2026, 10, 19), date(2026, 10, 21)),
                                           ("legal", date(2026, 11, 2), date(2026, 11, 4))]
    told = acknowledge_moved_deadline(ctx, actor, case_id, "电话告知申请人")
    assert not told.deadline_moved and _case(ctx, case_id).printed_promised == date(2026, 10, 21)


def test_suspension_across_spring_festival_2025(ctx: AppContext) -> None:
    case_id = _accept(ctx, 2025, 1, 20, FOOD)
    set_clock(ctx, at_local(2025, 1, 24, 11))  # Friday before the festival
    result = start_suspension(ctx, clerk(ctx), case_id, "inspection", "样品需送检验机构检验", 3)
    # Three working days from Fri 1-24 included: 1-24, 1-26 (Sunday, make-up), 1-27.
    # Counting: 1-21 ①, 22 ②, 23 ③, [1-24 … 1-27 stopped, 1-28 … 2-4 off], 2-5 ④, 2-6 ⑤ → promised Thu 2-6
    assert result.promised_deadline == date(2025, 2, 6)
    # 2-7 ⑥, 2-8 (Saturday, make-up) ⑦, 2-10 ⑧, 11 ⑨, 12 ⑩
    assert result.legal_deadline == date(2025, 2, 12)
    set_clock(ctx, at_local(2025, 1, 27, 17))
    done = end_suspension(ctx, clerk(ctx), case_id)  # ended as expected: nothing moves
    assert (done.promised_deadline, done.legal_deadline) == (date(2025, 2, 6), date(2025, 2, 12))
    assert not done.deadline_moved


def test_only_article_45_procedures_stop_the_clock(ctx: AppContext) -> None:
    case_id = _accept(ctx, 2026, 9, 21)
    set_clock(ctx, at_local(2026, 9, 22))
    actor = clerk(ctx)
    with pytest.raises(ValidationError) as err:
        start_suspension(ctx, actor, case_id, "site_visit", "现场踏勘", 3)
    assert "现场踏勘" in err.value.message
    with pytest.raises(ValidationError) as err:
        start_suspension(ctx, actor, case_id, "public_notice", "拟许可事项公示", 5)
    assert err.value.field == "basis"
    before = _case(ctx, case_id)
    assert before.state == "accepted" and before.promised_deadline == date(2026, 10, 12)
    ok = start_suspension(ctx, actor, case_id, "public_notice", "拟许可事项公示", 5, basis="《云岫市行政许可公示办法》第八条")
    assert ok.state == "suspended"
    with pytest.raises(AppError):
        start_suspension(ctx, actor, case_id, "testing", "再次检测", 2)  # already suspended


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_extension_needs_the_chief_and_happens_once(ctx: AppContext) -> None:
    case_id = _accept(ctx, 2026, 9, 21)  # promised 10-12, legal 10-26 (see above)
    set_clock(ctx, at_local(2026, 10, 20, 10))
    with pytest.raises(PermissionDenied):
        extend(ctx, clerk(ctx), case_id, "需征求相关部门意见")
    chief = clerk(ctx, CHIEF)
    with pytest.raises(ValidationError):
        extend(ctx, chief, case_id, "  ")
    result = extend(ctx, chief, case_id, "需征求相关部门意见")
    # legal + 10: 10-27 ㉑, 28 ㉒, 29 ㉓, 30 ㉔, 11-2 ㉕ … 11-6 ㉙, 11-9 ㉚ → 2026-11-09
    assert result.legal_deadline == date(2026, 11, 9)
    # promised + 10 = 20 working days = the old legal deadline 10-26
    assert result.promised_deadline == date(2026, 10, 26)
    case = _case(ctx, case_id)
    assert case.extension_days == 10 and case.printed_promised == date(2026, 10, 26)
    with ctx.read() as s:
        ext = s.execute(select(Extension).where(Extension.case_id == case_id)).scalar_one()
        assert ext.days == 10 and ext.approver_id is not None and ext.document_id == result.document_ids[0]
    body = _pdf_text(ctx, result.document_ids[0])
    for needle in ("延期告知书", "需征求相关部门意见", "10个工作日", "周建华", "2026年10月26日", "2026年11月9日"):
        assert needle in body, needle
    with pytest.raises(AppError) as err:
        extend(ctx, chief, case_id, "再延一次")
    assert err.value.code == "already_extended"


def test_joint_extension_adds_fifteen_and_none_after_the_legal_deadline(ctx: AppContext) -> None:
    joint = _accept(ctx, 2026, 9, 21)
    late = _accept(ctx, 2026, 9, 21)
    set_clock(ctx, at_local(2026, 10, 26, 10))  # the legal deadline day itself: still in time
    chief = clerk(ctx, CHIEF)
    result = extend(ctx, chief, joint, "联合办理，需多个部门会审", joint=True)
    # 10-26 + 15: 10-27 ①, 28 ②, 29 ③, 30 ④, 11-2 ⑤ … 6 ⑨, 9 ⑩ … 13 ⑭, 16 ⑮
    assert result.legal_deadline == date(2026, 11, 16)
    set_clock(ctx, at_local(2026, 10, 27, 10))
    with pytest.raises(AppError) as err:
        extend(ctx, chief, late, "已经超期")
    assert err.value.code == "too_late"


def _hypothetical_2027() -> list[DayInfo]:
    """A made-up official 2027 schedule (the real one is not published yet): 春节 2月5日—12日 off,
    2月20日 (Saturday) a make-up working day; everything else as the statutory estimate."""
    days = []
    for d in estimated_days(2027):
        if date(2027, 2, 5) <= d.day <= date(2027, 2, 12):
            d = DayInfo(d.day, False, DayKind.HOLIDAY, "春节", False)
        elif d.day == date(2027, 2, 20):
            d = DayInfo(d.day, True, DayKind.MAKEUP, "春节", False)
        else:
            d = DayInfo(d.day, d.workday, d.kind, d.name, False)
        days.append(d)
    return days


def test_provisional_2027_deadlines_follow_the_official_schedule(ctx: AppContext) -> None:
    early = _accept(ctx, 2026, 12, 28)  # Monday
    case = _case(ctx, early)
    # 12-29 ①, 30 ②, 31 ③, [2027-01-01 元旦, estimated], 1-4 ④ … 8 ⑧, 11 ⑨, 12 ⑩
    assert case.promised_deadline == date(2027, 1, 12) and case.deadline_provisional
    late = _accept(ctx, 2027, 1, 25)  # Monday, 2027 still estimated
    case = _case(ctx, late)
    # Estimate (放假办法: 除夕 2-5, 初一至初三 2-6…8, weekend days made up 2-9, 2-10):
    # 1-26 ① … 29 ④, 2-1 ⑤ … 4 ⑧, [2-5 … 2-10], 2-11 ⑨, 2-12 ⑩
    assert case.promised_deadline == date(2027, 2, 12) and case.printed_promised == date(2027, 2, 12)
    # 2-15 ⑪ … 19 ⑮, 22 ⑯ … 26 ⑳
    assert case.legal_deadline == date(2027, 2, 26)

    with ctx.write() as s:
        store_version(s, "official-2027-hypothetical", "server", 2027,
                      official_days(2024, 2026) + _hypothetical_2027() + estimated_days(2028))
    report = recompute_after_calendar_update(ctx)
    assert report.calendar_version == "official-2027-hypothetical"
    # The December case: no date moves, but no longer provisional.
    case = _case(ctx, early)
    assert case.promised_deadline == date(2027, 1, 12) and not case.deadline_provisional and not case.deadline_moved
    # The January case: 2-11 and 2-12 are now off, 2-20 works.
    # promised: 1-26 ① … 2-4 ⑧, [2-5 … 2-12], 2-15 ⑨, 2-16 ⑩
    # legal: 2-17 ⑪, 18 ⑫, 19 ⑬, 20 (Saturday) ⑭, 22 ⑮ … 26 ⑲, 3-1 ⑳
    case = _case(ctx, late)
    assert (case.promised_deadline, case.legal_deadline) == (date(2027, 2, 16), date(2027, 3, 1))
    assert case.deadline_moved and case.printed_promised == date(2027, 2, 12)
    assert report.changed == (case.case_no,) and report.flagged == (case.case_no,) and report.failed == ()
    assert _events(ctx, late)[-2:] == ["deadline_changed", "deadline_moved"]
    assert recompute_after_calendar_update(ctx).changed == ()  # idempotent


def test_end_suspension_refuses_a_case_not_suspended(ctx: AppContext) -> None:
    case_id = _accept(ctx, 2026, 9, 21)
    with pytest.raises(AppError) as err:
        end_suspension(ctx, clerk(ctx), case_id)
    assert err.value.code == "bad_state"


def test_every_document_path_exists(ctx: AppContext) -> None:
    case_id = _accept(ctx, 2026, 9, 21)
    set_clock(ctx, at_local(2026, 9, 23))
    result = start_suspension(ctx, clerk(ctx), case_id, "testing", "送检", 2)
    with ctx.read() as s:
        doc = s.get(Document, result.document_ids[0])
        assert doc.kind == "special_procedure_notice" and doc.sealed and doc.signed
        assert Path(ctx.data.root / doc.path).exists()
