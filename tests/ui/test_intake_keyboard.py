"""A full intake at the counter, keyboard only, through each outcome; the stored case is checked."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from ow_testkit import at_local, clerk, set_clock
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.core.context import AppContext
from app.intake.outcomes import IntakeResult
from app.reference.id_reader import SimulatedReader
from db.models import Case, CaseEvent, Document, OutboxOp
from ui.intake.view import IntakeView


def ime_type(widget: object, text: str) -> None:
    """Chinese arrives through the input method as a committed string (QTest types only Latin-1 keys)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)  # type: ignore[arg-type]


def _text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", "", out.stdout)


def _view(qtbot: QtBot, ctx: AppContext) -> IntakeView:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    view = IntakeView(ctx, clerk(ctx), SimulatedReader())
    qtbot.addWidget(view)
    view.show()
    view.activateWindow()  # shortcuts (F5, Alt+S …) belong to the active window
    qtbot.waitExposed(view)
    QApplication.processEvents()
    view.name.setFocus()
    QApplication.processEvents()
    assert view.isActiveWindow() and view.name.hasFocus()
    return view


def _fill_applicant_and_item(qtbot: QtBot, view: IntakeView) -> None:
    # F5: the reader fills name, ID and address; focus moves to the phone
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F5)
    assert view.name.text() == "王䶮" and view.phone.hasFocus()
    qtbot.keyClicks(view.phone, "13800001234")
    for _ in range(5):  # phone → address → agent name → agent id → agent phone → item search
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert view.item_search.hasFocus()
    qtbot.keyClicks(view.item_search, "spjy")
    qtbot.keyClick(view.item_search, Qt.Key.Key_Return)
    assert view.guide is not None and view.guide.name == "食品经营许可"
    qtbot.waitUntil(view.materials.rows[0].status.hasFocus)


def _outcome(qtbot: QtBot, view: IntakeView, key: str) -> IntakeResult:
    with qtbot.waitSignal(view.completed, timeout=30000) as blocker:
        qtbot.keyClick(QApplication.focusWidget(), key, Qt.KeyboardModifier.AltModifier)
    return blocker.args[0]


def _stored(ctx: AppContext, result: IntakeResult) -> tuple[Case, list[str], list[str], list[Document]]:
    with ctx.read() as s:
        case = s.get(Case, result.case_id)
        events = s.execute(select(CaseEvent.kind).where(CaseEvent.case_id == case.id)).scalars().all()
        ops = s.execute(select(OutboxOp.op).where(OutboxOp.entity_id == case.id).order_by(OutboxOp.device_seq)
                        ).scalars().all()
        docs = list(s.execute(select(Document).where(Document.case_id == case.id)).scalars())
    return case, list(events), list(ops), docs


def test_accept_by_keyboard(qtbot: QtBot, ctx: AppContext) -> None:
    view = _view(qtbot, ctx)
    _fill_applicant_and_item(qtbot, view)
    result = _outcome(qtbot, view, "S")
    case, events, ops, docs = _stored(ctx, result)
    assert case.state == "accepted" and case.applicant_phone == "13800001234"
    assert events == ["accepted"] and ops == ["accept"]
    by_kind = {d.kind: _text(ctx.data.root / d.path) for d in docs}
    assert set(by_kind) == {"receipt", "acceptance_notice"}
    receipt = by_kind["receipt"]
    for needle in (case.case_no, "王䶮", "食品经营许可", "张敏"):
        assert needle in receipt, needle
    notice = by_kind["acceptance_notice"]
    # DOMAIN.md 受理通知书: number, applicant and ID, item name and code, limits, clerk, how to query, materials
    for needle in (case.case_no, "王䶮", "11010519491231002X", "食品经营许可", case.item_code, "工作日",
                   "2026年11月27日", "张敏", "查询"):
        assert needle in notice, needle
    assert "受理编号" in view.status.text()


def test_one_time_notice_by_keyboard(qtbot: QtBot, ctx: AppContext) -> None:
    view = _view(qtbot, ctx)
    _fill_applicant_and_item(qtbot, view)
    qtbot.keyClick(view.materials.rows[0].status, Qt.Key.Key_Down)  # 已收 → 缺少
    assert view.materials.rows[0].status.currentData() == "missing"
    result = _outcome(qtbot, view, "G")
    case, events, ops, docs = _stored(ctx, result)
    assert case.state == "notified" and events == ["notified"] and ops == ["notify"]
    (doc,) = docs
    text = _text(ctx.data.root / doc.path)
    first = re.sub(r"\s", "", view.guide.materials[0].name)  # type: ignore[union-attr]
    for needle in ("一次性告知", first, "未提交", "王䶮", "食品经营许可"):
        assert needle in text, needle


def test_refusal_by_keyboard(qtbot: QtBot, ctx: AppContext) -> None:
    view = _view(qtbot, ctx)
    _fill_applicant_and_item(qtbot, view)

    def fill_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None and dialog.windowTitle() == "不予受理"
        QApplication.processEvents()
        assert dialog.reasons.hasFocus()  # type: ignore[attr-defined]
        ime_type(dialog.reasons, "申请事项依法不需要取得行政许可")  # type: ignore[attr-defined]
        qtbot.keyClick(dialog.reasons, Qt.Key.Key_Tab)  # type: ignore[attr-defined]
        QApplication.processEvents()
        assert dialog.basis.hasFocus()  # type: ignore[attr-defined]
        qtbot.keyClick(dialog.basis, Qt.Key.Key_Return)  # type: ignore[attr-defined]  # Enter → OK

    QTimer.singleShot(300, fill_dialog)
    result = _outcome(qtbot, view, "B")
    case, events, ops, docs = _stored(ctx, result)
    assert case.state == "refused" and ops == ["refuse", "refusal_report"]
    text = _text(ctx.data.root / docs[0].path)
    for needle in ("不予受理", "申请事项依法不需要取得行政许可", "六十日", "六个月", "云岫市人民政府", "云岫市人民法院"):
        assert needle in text, needle


def test_bad_id_shows_at_the_field(qtbot: QtBot, ctx: AppContext) -> None:
    view = _view(qtbot, ctx)
    _fill_applicant_and_item(qtbot, view)
    view.id_number.setText("110105194912310021")
    qtbot.keyClick(QApplication.focusWidget(), "S", Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(view.errors.message("applicant.id_number")), timeout=10000)
    assert "校验" in view.errors.message("applicant.id_number") and view.id_number.hasFocus()
    with ctx.read() as s:
        assert s.execute(select(Case)).first() is None


def test_draft_comes_back_after_an_interruption(qtbot: QtBot, ctx: AppContext) -> None:
    view = _view(qtbot, ctx)
    _fill_applicant_and_item(qtbot, view)
    qtbot.keyClick(view.materials.rows[1].status, Qt.Key.Key_Down)
    view.save_draft()
    again = IntakeView(ctx, view.actor, SimulatedReader())
    qtbot.addWidget(again)
    assert again.name.text() == "王䶮" and again.phone.text() == "13800001234"
    assert again.guide is not None and again.guide.name == "食品经营许可"
    assert again.materials.rows[1].status.currentData() == "missing"
    assert "草稿" in again.status.text()


@pytest.fixture(autouse=True)
def _no_modal_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stray QMessageBox would block the test run; make it fail the test instead."""
    from PySide6.QtWidgets import QMessageBox

    def boom(*args: object, **kw: object) -> None:
        raise AssertionError(f"unexpected message box: {args[1:3]}")

    monkeypatch.setattr(QMessageBox, "warning", boom)
