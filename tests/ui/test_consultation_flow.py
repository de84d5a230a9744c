"""咨询登记 at the counter, keyboard only: items by pinyin, person, answer, Alt+S records and prints, Alt+Z
takes the visitor to the intake form with nothing retyped; a blank form is answered at its field."""

from __future__ import annotations

from case_dialog_kit import ime_type
from ow_testkit import at_local, clerk, set_clock
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.core.context import AppContext
from app.intake.consultations import ConsultationInput, record_consultation
from app.reference.id_reader import SimulatedReader
from db.models import Consultation, Document, Item
from ui.figures.stats_view import StatsView
from ui.intake.consultation_dialog import ConsultationDialog
from ui.intake.view import IntakeView
from ui.widgets.preferences import Preferences


def _dialog(qtbot: QtBot, ctx: AppContext) -> tuple[IntakeView, ConsultationDialog]:
    set_clock(ctx, at_local(2026, 12, 10, 9, 30))
    view = IntakeView(ctx, clerk(ctx), SimulatedReader())
    qtbot.addWidget(view)
    view.show()
    view.activateWindow()
    qtbot.waitExposed(view)
    view.name.setFocus()
    QApplication.processEvents()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6)
    dialog = view.consultation_dialog
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    dialog.item_search.setFocus()
    qtbot.waitUntil(dialog.item_search.hasFocus)
    return view, dialog


def _add(qtbot: QtBot, dialog: ConsultationDialog, initials: str) -> None:
    qtbot.keyClicks(dialog.item_search, initials)
    qtbot.keyClick(dialog.item_search, Qt.Key.Key_Return)


def test_a_consultation_by_keyboard_then_the_intake_without_retyping(qtbot: QtBot, ctx: AppContext) -> None:
    view, dialog = _dialog(qtbot, ctx)
    printed: list[object] = []
    view.documents.connect(printed.append)
    _add(qtbot, dialog, "spjy")  # 食品经营许可, handled here (A01)
    _add(qtbot, dialog, "ggcswsxk")  # 公共场所卫生许可, B01's
    assert [dialog.chosen.item(i).text() for i in range(dialog.chosen.count())] == ["食品经营许可", "公共场所卫生许可"]
    # Tab from the search: the chosen list, then name, phone, question, answer
    qtbot.keyClick(dialog.item_search, Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert dialog.person_name.hasFocus()
    ime_type(dialog.person_name, "李娜")
    qtbot.keyClick(dialog.person_name, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.person_phone, "13900002222")
    qtbot.keyClick(dialog.person_phone, Qt.Key.Key_Tab)
    ime_type(dialog.question, "开饭店要办哪些证")
    qtbot.keyClick(dialog.question, Qt.Key.Key_Tab)
    assert dialog.answer.hasFocus()
    ime_type(dialog.answer, "先办食品经营许可，公共场所卫生许可请到B01窗口办理")
    with qtbot.waitSignal(dialog.recorded, timeout=30000) as blocker:
        qtbot.keyClick(dialog.answer, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    result = blocker.args[0]
    assert "B01 卫生健康窗口" in dialog.status.text() and "首问责任人" in dialog.status.text()
    assert printed == [(result.document_id,)]
    with ctx.read() as s:
        record = s.get(Consultation, result.id)
        assert record is not None and record.person_name == "李娜" and len(record.items) == 2
        assert s.get(Document, result.document_id).kind == "consultation_notice"  # type: ignore[union-attr]

    qtbot.waitUntil(dialog.intake_button.hasFocus)
    qtbot.keyClick(dialog.intake_button, Qt.Key.Key_Z, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert view.consultation_id == result.id
    assert (view.name.text(), view.phone.text()) == ("李娜", "13900002222")
    assert view.guide is not None and view.guide.name == "食品经营许可"
    assert view.intake_input().consultation_id == result.id
    view.save_draft()  # a crash now: the restored form still links the consultation
    again = IntakeView(ctx, clerk(ctx), SimulatedReader())
    qtbot.addWidget(again)
    assert again.consultation_id == result.id and again.name.text() == "李娜"


def test_a_blank_consultation_is_answered_at_the_items_field(qtbot: QtBot, ctx: AppContext) -> None:
    _view, dialog = _dialog(qtbot, ctx)
    qtbot.keyClick(dialog.item_search, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(dialog.errors.message("items")), timeout=10000)
    assert "请选择咨询的事项" in dialog.errors.message("items") and dialog.item_search.hasFocus()
    _add(qtbot, dialog, "spjy")
    qtbot.keyClick(dialog.item_search, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(dialog.errors.message("answer")), timeout=10000)
    assert dialog.answer.hasFocus()
    with ctx.read() as s:
        assert s.execute(select(Consultation)).first() is None


def test_the_stats_page_counts_consultations_per_window_and_item(qtbot: QtBot, ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 12, 10, 9, 30))
    actor = clerk(ctx)
    with ctx.read() as s:
        food = s.execute(select(Item.id).where(Item.name == "食品经营许可")).scalar_one()
    record_consultation(ctx, actor, ConsultationInput((food,), "材料齐全可当场受理"))
    view = StatsView(ctx, actor, Preferences(demo=True))
    qtbot.addWidget(view)
    assert view.card_labels["consultations"].text() == "1"
    rows = [[view.consults.item(r, c).text() for c in range(5)] for r in range(view.consults.rowCount())]
    assert ["A01", "市场监管综合窗口", "1", "0", "0"] in rows and [rows[-1][1], rows[-1][2]] == ["食品经营许可", "1"]
