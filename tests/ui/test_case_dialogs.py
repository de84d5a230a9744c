"""The case desk's dialogs driven through the real widgets: 特别程序 start and end, 延期, telling a moved date.

Dates are hand-computed from the State Council's published 2026 holiday schedule (国务院办公厅, Nov 2025):
its last holiday is 国庆 1–7 Oct (10 Oct a working Saturday), so November and December 2026 hold no
holiday and no 调休 working weekend, and only Saturdays and Sundays drop out. The calendar used below (working days only):

    Nov 2026  Mon 2  3  4  5  Fri 6 | 9 10 11 12 13 | 16 17 18 19 20 | 23 24 25 26 27 | 30
    Dec 2026  Tue 1  2  3  Fri 4    | 7  8  9 10 11 | 14 15 16 17 18 | 21 …

药品零售许可 (demo catalog): legal 20, promised 10 working days, 一审一核. Accepted on Mon 2 Nov, which
itself does not count (DOMAIN.md "Counting"), so day 1 is Tue 3 Nov:
    promised: 3,4,5,6, 9,10,11,12,13, 16            → Mon 16 Nov
    legal:    17,18,19,20, 23,24,25,26,27, 30        → Mon 30 Nov
"""

from __future__ import annotations

from datetime import date

import pytest
from case_dialog_kit import (
    accepted_case,
    audit_rows,
    click_ok,
    desk,
    document_text,
    drive,
    event_kinds,
    footprint,
    ime_type,
    last_outbox,
    table_rows,
)
from ow_testkit import at_local, set_clock
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot
from signoff_kit import CHIEF, who

from app.cases.detail import CaseDetail, case_detail
from app.cases.special_procedures import start_suspension
from app.core.context import AppContext
from ui.cases.dialogs import ExtensionDialog, ResumeDialog, SuspendDialog, TextDialog

ACCEPTED = at_local(2026, 11, 2, 9, 0)  # Mon


def _detail(ctx: AppContext, case_id: str) -> CaseDetail:
    return case_detail(ctx, who(ctx, "zhangmin"), case_id)


def test_special_procedure_starts_through_the_dialog(qtbot: QtBot, ctx: AppContext) -> None:
    set_clock(ctx, ACCEPTED)
    case_id = accepted_case(ctx)
    set_clock(ctx, at_local(2026, 11, 4, 10, 0))  # Wed: expert review begins today
    d = _detail(ctx, case_id)
    assert (d.promised_deadline, d.legal_deadline) == (date(2026, 11, 16), date(2026, 11, 30))
    view, printer = desk(qtbot, ctx, "zhangmin", case_id)
    assert view.buttons["suspend"].text() == "特别程序…" and view.buttons["suspend"].isEnabled()
    before = footprint(ctx, case_id)

    def refused(dialog: SuspendDialog) -> None:
        assert isinstance(dialog, SuspendDialog)
        # No reason: the core refuses, the message sits under 理由 and the cursor goes there.
        click_ok(qtbot, dialog)
        assert dialog.errors.message("reason") == "请写明需要进行特别程序的理由"
        assert dialog.focusWidget() is dialog.reason and dialog.isVisible()
        # A start before acceptance (Fri 30 Oct): the message sits under 开始日期.
        ime_type(dialog.reason, "组织专家对经营场所布局进行评审")
        dialog.start.setDate(QDate(2026, 10, 30))
        click_ok(qtbot, dialog)
        assert dialog.errors.message("start") == "特别程序开始日期应在受理之后、不晚于今天"
        assert dialog.errors.message("reason") == "" and dialog.focusWidget() is dialog.start
        # 公示 without its legal basis is not art. 45 time.
        dialog.start.setDate(QDate(2026, 11, 4))
        dialog.kind.setCurrentIndex(dialog.kind.findData("public_notice"))
        click_ok(qtbot, dialog)
        assert dialog.errors.message("basis") == "公示期间不计入办理期限须写明法律、法规依据"
        assert footprint(ctx, case_id) == before

    drive(lambda: view.buttons["suspend"].click(), refused)
    assert footprint(ctx, case_id) == before and printer.printed == []

    def filled(dialog: SuspendDialog) -> None:
        assert dialog.start.maximumDate() == QDate(2026, 11, 4)  # a stop cannot begin in the future
        dialog.kind.setCurrentIndex(dialog.kind.findData("expert_review"))
        ime_type(dialog.reason, "组织专家对经营场所布局进行评审")
        dialog.days.setValue(5)
        click_ok(qtbot, dialog)
        assert not dialog.isVisible()

    drive(lambda: view.buttons["suspend"].click(), filled)

    # Stopped from Wed 4 Nov for 5 working days: 4,5,6,9,10 → expected end Tue 10 Nov; those 5 days
    # do not count. promised: 3 | 11,12,13, 16..20, 23 → Mon 23 Nov (day 10);
    # legal: 24,25,26,27, 30, Dec 1,2,3,4, 7 → Mon 7 Dec (day 20).
    d = _detail(ctx, case_id)
    assert d.state == "suspended"
    assert (d.promised_deadline, d.legal_deadline) == (date(2026, 11, 23), date(2026, 12, 7))
    [s] = d.suspensions
    assert (s.kind_label, s.reason, s.started_on, s.expected_days, s.expected_end, s.ended_on) == (
        "专家评审", "组织专家对经营场所布局进行评审", date(2026, 11, 4), 5, date(2026, 11, 10), None)
    assert d.printed_promised == date(2026, 11, 23) and not d.deadline_moved  # the notice told the new date
    assert event_kinds(ctx, case_id)[-3:] == ["review_started", "suspended", "deadline_changed"]
    entity, op, payload = last_outbox(ctx, case_id)
    assert (entity, op) == ("case", "suspend") and payload["state"] == "suspended"
    assert payload["suspension"] == {"kind": "expert_review", "start": "2026-11-04", "expected_days": 5,
                                     "basis": "", "reason": "组织专家对经营场所布局进行评审"}
    # The written notice art. 45 requires, sealed, sent to the printer, with type, time and new deadline.
    assert printer.printed == [s.document_id]
    doc, text = document_text(ctx, s.document_id)  # type: ignore[arg-type]
    assert doc.kind == "special_procedure_notice" and doc.sealed
    for needle in ("特别程序告知书", "专家评审", "组织专家对经营场所布局进行评审", "5个工作日", "2026年12月7日",
                   "2026年11月23日", "张敏", "赵敏"):
        assert needle in text, needle
    [(target, detail, staff)] = audit_rows(ctx, "seal_use")[-1:]
    assert target == doc.number and detail["kind"] == "special_procedure_notice"
    assert staff == who(ctx, "zhangmin").staff_id
    # The desk shows the stop and offers to end it.
    assert view.buttons["suspend"].text() == "结束特别程序…"
    assert table_rows(view.suspensions)[0][:6] == ["专家评审", "组织专家对经营场所布局进行评审", "2026-11-04",
                                                   "5 个工作日", "2026-11-10", "进行中"]
    assert "特别程序告知书" in [r[0] for r in table_rows(view.documents)]


def test_special_procedure_ends_early_and_the_moved_date_is_told(qtbot: QtBot, ctx: AppContext) -> None:
    set_clock(ctx, ACCEPTED)
    case_id = accepted_case(ctx)
    set_clock(ctx, at_local(2026, 11, 4, 10, 0))
    start_suspension(ctx, who(ctx, "zhangmin"), case_id, "expert_review", "组织专家对经营场所布局进行评审", 5)
    set_clock(ctx, at_local(2026, 11, 6, 15, 0))  # Fri: the experts finished early
    view, printer = desk(qtbot, ctx, "zhangmin", case_id)
    assert view.buttons["suspend"].text() == "结束特别程序…" and not view.moved_row.isVisible()

    def ended(dialog: ResumeDialog) -> None:
        assert isinstance(dialog, ResumeDialog)
        # The control itself keeps the end between the stop's first day and today.
        assert (dialog.end.minimumDate(), dialog.end.maximumDate()) == (QDate(2026, 11, 4), QDate(2026, 11, 6))
        dialog.end.setDate(QDate(2026, 11, 3))
        assert dialog.end.date() == QDate(2026, 11, 4)
        dialog.end.setDate(QDate(2026, 11, 6))
        ime_type(dialog.note, "专家评审意见已出具")
        click_ok(qtbot, dialog)
        assert not dialog.isVisible()

    drive(lambda: view.buttons["suspend"].click(), ended)

    # Stopped Wed 4 – Fri 6 Nov (3 working days, both ends included). promised: 3 | 9..13, 16..19 → Thu 19
    # Nov (day 10); legal: 20, 23..27, 30, Dec 1,2,3 → Thu 3 Dec (day 20).
    d = _detail(ctx, case_id)
    assert d.state == "under_review"
    assert (d.promised_deadline, d.legal_deadline) == (date(2026, 11, 19), date(2026, 12, 3))
    [s] = d.suspensions
    assert (s.ended_on, s.working_days) == (date(2026, 11, 6), 3)
    assert event_kinds(ctx, case_id)[-3:] == ["resumed", "deadline_changed", "deadline_moved"]
    assert d.events[-3].reason == "专家评审意见已出具"
    entity, op, payload = last_outbox(ctx, case_id)
    assert (entity, op, payload["suspension_end"], payload["state"]) == ("case", "resume", "2026-11-06",
                                                                          "under_review")
    assert printer.printed == []  # the law asks for no notice at the end; the moved date must be told instead
    # The notice told the applicant 23 Nov; the date is now 19 Nov: the desk says so until they are told.
    assert d.deadline_moved and d.printed_promised == date(2026, 11, 23)
    assert view.moved_row.isVisible() and "2026-11-23" in view.moved_label.text()
    assert table_rows(view.suspensions)[0][5:] == ["2026-11-06", "3 个工作日"]
    before = footprint(ctx, case_id)

    def told(dialog: TextDialog) -> None:
        assert isinstance(dialog, TextDialog)
        click_ok(qtbot, dialog)
        assert dialog.errors.message("how") == "请写明告知方式（如电话、短信、当面）"
        assert dialog.focusWidget() is dialog.text and footprint(ctx, case_id) == before
        ime_type(dialog.text, "电话告知申请人本人")
        click_ok(qtbot, dialog)

    drive(view.told_button.click, told)
    d = _detail(ctx, case_id)
    assert not d.deadline_moved and d.printed_promised == date(2026, 11, 19)
    assert d.events[-1].kind == "deadline_move_told" and d.events[-1].reason == "电话告知申请人本人"
    assert last_outbox(ctx, case_id)[:2] == ("case", "deadline_told")
    assert not view.moved_row.isVisible()


# Extension of the case accepted Mon 2 Nov (art. 42). Counting on from the legal day 20 (Mon 30 Nov):
#   Dec 1(21) 2(22) 3(23) 4(24) 7(25) 8(26) 9(27) 10(28) 11(29) 14(30) 15(31) 16(32) 17(33) 18(34) 21(35)
# +10: promised 10+10 = day 20 → Mon 30 Nov, legal 30 → Mon 14 Dec (第四十二条第一款)
# +15 (joint handling): promised 25 → Mon 7 Dec, legal 35 → Mon 21 Dec (第四十二条第二款)
@pytest.mark.parametrize(("joint", "days", "promised", "legal", "basis"), [
    (False, 10, date(2026, 11, 30), date(2026, 12, 14), "第四十二条第一款"),
    (True, 15, date(2026, 12, 7), date(2026, 12, 21), "第四十二条第二款"),
])
def test_chief_approves_an_extension(qtbot: QtBot, ctx: AppContext, joint: bool, days: int, promised: date,
                                     legal: date, basis: str) -> None:
    set_clock(ctx, ACCEPTED)
    case_id = accepted_case(ctx)
    set_clock(ctx, at_local(2026, 11, 10, 16, 0))
    clerk_view, _p = desk(qtbot, ctx, "zhangmin", case_id)
    assert not clerk_view.buttons["extend"].isEnabled()  # art. 42: only the chief representative approves
    view, printer = desk(qtbot, ctx, CHIEF, case_id)
    assert view.buttons["extend"].isEnabled()
    before = footprint(ctx, case_id)
    reason = "需组织现场核查并征求卫生健康部门意见，二十个工作日内不能作出决定"

    def approve(dialog: ExtensionDialog) -> None:
        assert isinstance(dialog, ExtensionDialog)
        ime_type(dialog.reason, "   ")
        click_ok(qtbot, dialog)
        assert dialog.errors.message("reason") == "请写明延长期限的理由"
        assert dialog.focusWidget() is dialog.reason and footprint(ctx, case_id) == before
        dialog.reason.clear()
        ime_type(dialog.reason, reason)
        if joint:
            qtbot.mouseClick(dialog.joint, Qt.MouseButton.LeftButton)
        assert dialog.joint.isChecked() is joint
        click_ok(qtbot, dialog)

    drive(lambda: view.buttons["extend"].click(), approve)
    d = _detail(ctx, case_id)
    assert (d.extension_days, d.promised_deadline, d.legal_deadline) == (days, promised, legal)
    [x] = d.extensions
    assert (x.days, x.reason, x.approver) == (days, reason, "周建华")
    assert event_kinds(ctx, case_id)[-2:] == ["extended", "deadline_changed"]
    entity, op, payload = last_outbox(ctx, case_id)
    assert (entity, op) == ("case", "extend")
    assert payload["extension"] == {"days": days, "reason": reason, "approver_id": who(ctx, CHIEF).staff_id}
    assert printer.printed == [x.document_id]
    doc, text = document_text(ctx, x.document_id)  # type: ignore[arg-type]
    assert doc.kind == "extension_notice" and doc.sealed
    for needle in ("延期告知书", reason, "周建华", f"{days}个工作日", basis,
                   f"{legal.year}年{legal.month}月{legal.day}日", "赵敏"):
        assert needle in text, needle
    [(target, detail, staff)] = audit_rows(ctx, "approve_extension")
    assert (target, detail, staff) == (d.case_no, {"days": days, "reason": reason, "document": doc.number},
                                       who(ctx, CHIEF).staff_id)
    assert audit_rows(ctx, "seal_use")[-1][0] == doc.number
    assert not view.buttons["extend"].isEnabled()  # one extension only
    assert ["延期", f"{reason}（批准人 周建华）"] == table_rows(view.suspensions)[0][:2]
