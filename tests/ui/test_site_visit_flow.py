"""现场核查 from the case detail, keyboard first: Alt+V schedules (the notice is printed), Alt+V again records the
result with photos; the chief's queue waits for the result, then shows it in the column and the sign-off dialog.
No modal is left open."""

from __future__ import annotations

from pathlib import Path

from case_dialog_kit import desk, ime_type
from ow_testkit import at_local, set_clock
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from signoff_kit import APPROVE, CHIEF, accepted, start, who
from visit_kit import FOOD, NO_VISIT, photo

from app.core.context import AppContext
from app.reference.hall import hall_info
from app.signoff.review import record_review
from db.models import Document, SiteVisit
from ui.cases.site_visit_dialog import SiteVisitDialog
from ui.signoff.view import SignoffView


def _open(qtbot: QtBot, view: object) -> SiteVisitDialog:
    before = getattr(view, "visit_dialog", None)
    view.activateWindow()  # type: ignore[attr-defined]
    qtbot.waitUntil(view.isActiveWindow)  # type: ignore[attr-defined]
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: getattr(view, "visit_dialog", None) not in (None, before))
    dialog = view.visit_dialog  # type: ignore[attr-defined]
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    return dialog


def test_schedule_then_result_by_keyboard_and_the_chief_sees_it(qtbot: QtBot, ctx: AppContext,
                                                               tmp_path: Path) -> None:
    start(ctx)  # Friday 2026-11-20
    case_id = accepted(ctx, FOOD)
    view, printer = desk(qtbot, ctx, "wangyan", case_id)
    assert view.buttons["visit"].isEnabled()
    dialog = _open(qtbot, view)
    assert "尚未安排现场核查" in dialog.history.text()
    dialog.inspectors.setFocus()
    qtbot.waitUntil(dialog.inspectors.hasFocus)
    ime_type(dialog.inspectors, "李建国")  # one inspector: refused at the field, nothing written
    qtbot.keyClick(dialog.inspectors, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(dialog.errors.message("inspectors")), timeout=10_000)
    assert "两名以上" in dialog.errors.message("inspectors") and dialog.isVisible()
    with ctx.read() as s:
        assert s.query(SiteVisit).count() == 0
    ime_type(dialog.inspectors, "、赵敏")
    qtbot.keyClick(dialog.inspectors, Qt.Key.Key_Tab)
    assert dialog.place.hasFocus()  # blank: the applicant's address
    qtbot.keyClick(dialog.place, Qt.Key.Key_Tab)
    assert dialog.checks.hasFocus()
    ime_type(dialog.checks, "经营场所面积与布局\n冷藏冷冻设施设备")
    dialog.day.setDate(QDate(2026, 11, 25))  # the date field: typed with the arrows or picked in its calendar
    with qtbot.waitSignal(dialog.done, timeout=60_000) as scheduled:
        qtbot.keyClick(dialog.checks, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    info = scheduled.args[0]
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert printer.printed == [info.notice_document_id]
    with ctx.read() as s:
        assert s.get(Document, info.notice_document_id).kind == "site_visit_notice"  # type: ignore[union-attr]
    assert "现场核查 2026-11-25（李建国、赵敏）：待录入核查结果" in view.limits_label.text()

    # the chief's queue waits for the result
    record_review(ctx, who(ctx, "wangyan"), case_id, APPROVE)
    chief = SignoffView(ctx, who(ctx, CHIEF), hall_info(ctx))
    qtbot.addWidget(chief)
    row = chief.queue_model.rows[0]
    assert not row.can_sign and row.blocker == "现场核查尚未录入结果"

    set_clock(ctx, at_local(2026, 11, 25, 16))
    view.reload()
    shot = tmp_path / "冷库.png"
    shot.write_bytes(photo())
    dialog = _open(qtbot, view)
    assert dialog.waiting is not None and dialog.result.currentData() == "meets"
    dialog.result.setFocus()
    qtbot.waitUntil(dialog.result.hasFocus)
    qtbot.keyClick(dialog.result, Qt.Key.Key_Down)  # 限期整改
    assert dialog.result.currentData() == "rectify" and dialog.rectify_due.isEnabled()
    dialog.rectify_due.setDate(QDate(2026, 12, 1))
    dialog.note.setFocus()
    ime_type(dialog.note, "冷库温度记录缺失")
    qtbot.keyClick(dialog.note, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # no photo yet
    qtbot.waitUntil(lambda: bool(dialog.errors.message("photos")), timeout=10_000)
    dialog.add_photos([str(shot)])  # what Alt+P's file dialog hands back
    with qtbot.waitSignal(dialog.done, timeout=60_000) as recorded:
        qtbot.keyClick(dialog.note, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    assert recorded.args[0].result == "rectify"
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert printer.printed == [info.notice_document_id]  # a result prints nothing
    assert "限期整改，限 2026-12-01 前整改；冷库温度记录缺失；照片 1 张" in view.limits_label.text()
    assert not view.buttons["visit"].isEnabled()  # nothing waits; the case is with the chief

    chief.refresh()
    row = chief.queue_model.rows[0]
    assert row.can_sign and chief.queue_model.data(chief.queue_model.index(0, 6)).startswith("限期整改")
    chief.queue.selectRow(0)
    chief.do_sign()
    sign = chief.dialog
    assert sign is not None
    qtbot.waitExposed(sign)
    head = sign.findChild(type(dialog.status), "reviewCaseTitle")
    assert "冷库温度记录缺失" in head.text() and "照片 1 张" in head.text()
    sign.reject()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)


def test_an_item_without_a_site_visit_offers_none(qtbot: QtBot, ctx: AppContext) -> None:
    start(ctx)
    view, _printer = desk(qtbot, ctx, "wangyan", accepted(ctx, NO_VISIT))
    assert not view.buttons["visit"].isEnabled()
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    assert getattr(view, "visit_dialog", None) is None and QApplication.activeModalWidget() is None
