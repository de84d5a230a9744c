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


def _hand_over(qtbot: QtBot, view: IntakeView, skip: tuple[int, ...] = ()) -> None:
    """The clerk marks each paper handed over (a row starts as 缺少): ↑ to 已收, Tab, Space on 原件已核."""
    for i, row in enumerate(view.materials.shown_rows()):
        if i in skip:
            continue
        row.status.setFocus()
        qtbot.keyClick(row.status, Qt.Key.Key_Up)
        if row.original.isEnabled():
            row.original.setChecked(True)
        assert row.status.currentData() == "received"


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
    _hand_over(qtbot, view)
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
    _hand_over(qtbot, view, skip=(0,))  # the first paper is not there
    assert view.materials.rows[0].status.currentData() == "missing"
    first = re.sub(r"\s", "", view.guide.materials[0].name)  # type: ignore[union-attr]
    result = _outcome(qtbot, view, "G")
    case, events, ops, docs = _stored(ctx, result)
    assert case.state == "notified" and events == ["notified"] and ops == ["notify"]
    (doc,) = docs
    text = _text(ctx.data.root / doc.path)
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
    _hand_over(qtbot, view, skip=(1,))
    view.save_draft()
    again = IntakeView(ctx, view.actor, SimulatedReader())
    qtbot.addWidget(again)
    assert again.name.text() == "王䶮" and again.phone.text() == "13800001234"
    assert again.guide is not None and again.guide.name == "食品经营许可"
    assert again.materials.rows[1].status.currentData() == "missing"
    assert "草稿" in again.status.text()


def _count(ctx: AppContext) -> int:
    with ctx.read() as s:
        return len(s.execute(select(Case.id)).all())


def test_papers_start_missing_and_the_power_of_attorney_only_with_an_agent(qtbot: QtBot, ctx: AppContext) -> None:
    view = _view(qtbot, ctx)
    _fill_applicant_and_item(qtbot, view)
    rows = view.materials.rows
    assert all(r.status.currentData() == "missing" and not r.original.isChecked() for r in rows)
    agent_rows = [r for r in rows if r.spec.name.startswith("授权委托书")]
    assert agent_rows and all(r not in view.materials.shown_rows() for r in agent_rows)
    assert all(not w.isVisible() for r in agent_rows for w in r.widgets)
    ime_type(view.agent_name, "李娜")
    assert all(r in view.materials.shown_rows() and r.status.isVisible() for r in agent_rows)
    view.agent_name.clear()
    assert len(view.materials.values()) == len(rows) - len(agent_rows)


def test_the_form_is_cleared_and_a_double_alt_s_makes_one_case(qtbot: QtBot, ctx: AppContext,
                                                                messages: list[str]) -> None:
    view = _view(qtbot, ctx)
    _fill_applicant_and_item(qtbot, view)
    _hand_over(qtbot, view)
    with qtbot.waitSignal(view.completed, timeout=30000):
        qtbot.keyClick(QApplication.focusWidget(), "S", Qt.KeyboardModifier.AltModifier)
        qtbot.keyClick(QApplication.focusWidget(), "S", Qt.KeyboardModifier.AltModifier)  # pressed twice
    qtbot.wait(300)
    assert _count(ctx) == 1
    assert view.name.text() == "" and view.id_number.text() == "" and view.guide is None  # the next applicant
    assert "受理编号" in view.status.text()
    assert view.focusWidget() is view.name  # the cursor waits in the first field
    view.do_accept()  # Alt+S a third time, on the empty form
    qtbot.waitUntil(lambda: bool(view.errors.message("applicant.name") or view.errors.message("item")),
                    timeout=10000)
    assert _count(ctx) == 1 and messages == []


def test_the_same_applicant_and_item_today_offers_the_existing_case(qtbot: QtBot, ctx: AppContext) -> None:
    view = _view(qtbot, ctx)
    _fill_applicant_and_item(qtbot, view)
    _hand_over(qtbot, view, skip=(0,))
    first = _outcome(qtbot, view, "G")  # a one-time notice
    opened: list[str] = []
    view.open_case.connect(opened.append)
    view.reader = SimulatedReader()  # the same card again: the same applicant comes back for the same item
    assert view.name.hasFocus()
    _fill_applicant_and_item(qtbot, view)
    qtbot.keyClick(QApplication.focusWidget(), "S", Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(view.repeat_bar.isVisible, timeout=10000)
    assert first.case_no in view.repeat_bar.text.text() and "已一次性告知" in view.repeat_bar.text.text()
    assert _count(ctx) == 1
    qtbot.mouseClick(view.repeat_bar.open_button, Qt.MouseButton.LeftButton)
    assert opened == [first.case_id] and not view.repeat_bar.isVisible() and _count(ctx) == 1
    # 仍然新办: a second premises is a second case, and the clerk may make it
    _hand_over(qtbot, view)
    qtbot.keyClick(QApplication.focusWidget(), "S", Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(view.repeat_bar.isVisible, timeout=10000)
    with qtbot.waitSignal(view.completed, timeout=30000) as blocker:
        qtbot.mouseClick(view.repeat_bar.new_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].state == "accepted" and _count(ctx) == 2


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Refusals the form shows outside a field (a message box here would block the run)."""
    seen: list[str] = []
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: seen.append(str(a[2])))
    return seen


@pytest.fixture(autouse=True)
def _no_modal_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stray QMessageBox would block the test run; make it fail the test instead."""
    from PySide6.QtWidgets import QMessageBox

    def boom(*args: object, **kw: object) -> None:
        raise AssertionError(f"unexpected message box: {args[1:3]}")

    monkeypatch.setattr(QMessageBox, "warning", boom)
