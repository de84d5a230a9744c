"""What the working-day test does at the counter, as a clerk does it: keys, buttons, the pages of the main window.

Everything here drives widgets; the core is only read to check what the screen claims (never to act).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication
from pytestqt.exceptions import TimeoutError
from pytestqt.qtbot import QtBot
from sync_testkit import Clock

from app.core.context import AppContext
from app.intake.outcomes import IntakeResult
from app.reference.hall import hall_info
from app.station.bootstrap import open_data_dir
from ui.system.main_window import MainWindow
from ui.widgets.preferences import Preferences

WAIT = 60_000  # generous: the machine may be loaded; waitUntil returns as soon as the condition holds


def ime_type(widget: object, text: str) -> None:
    """Chinese arrives through the input method as a committed string (QTest types only Latin-1 keys)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)  # type: ignore[arg-type]


def wait_for(qtbot: QtBot, what: str, condition: Callable[[], Any], timeout: int = WAIT,
             seen: Callable[[], Any] | None = None) -> None:
    """waitUntil with a sentence that says which step of the day did not happen (and what was seen instead)."""
    try:
        qtbot.waitUntil(lambda: bool(condition()), timeout=timeout)
    except TimeoutError as exc:
        raise AssertionError(f"the day stopped at: {what}" + (f"; seen: {seen()!r}" if seen else "")) from exc


def open_station(root: Path, clock: Clock) -> AppContext:
    """The workstation's data directory opened as the program opens it at start-up."""
    return open_data_dir(root, demo=True, clock=clock.now)


def main_window(qtbot: QtBot, ctx: AppContext, actor: Any, prefs: Preferences) -> MainWindow:
    win = MainWindow(ctx, actor, hall_info(ctx), prefs=prefs)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    win.activateWindow()  # the form's shortcuts (F5, Alt+S …) belong to the active window
    qtbot.waitExposed(win)
    QApplication.processEvents()
    return win


def close_window(win: MainWindow) -> None:
    """What quitting the program does to the window: sync stops, the window goes."""
    if win.sync_controller is not None:
        win.sync_controller.shutdown()
    win.close()


def new_applicant(qtbot: QtBot, win: MainWindow, initials: str, item: str, phone: str = "13800001234") -> None:
    """F5 reads the next card, the phone is typed, the item found by its initials and chosen with Enter."""
    view = win.intake
    win.show_section("intake")
    win.activateWindow()
    view.name.setFocus()
    QApplication.processEvents()
    assert view.name.text() == "" and view.guide is None, "the form was not cleared for the next applicant"
    qtbot.keyClick(view.name, Qt.Key.Key_F5)
    wait_for(qtbot, "the ID card read into the form", lambda: view.name.text() and view.phone.hasFocus(), 10_000)
    qtbot.keyClicks(view.phone, phone)
    for _ in range(5):  # phone → address → agent name → agent id → agent phone → item search
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert view.item_search.hasFocus(), f"Tab did not reach the item search but {QApplication.focusWidget()}"
    qtbot.keyClicks(view.item_search, initials)
    qtbot.keyClick(view.item_search, Qt.Key.Key_Return)
    wait_for(qtbot, f"the item {item} chosen by '{initials}'", lambda: view.guide is not None
             and view.guide.name == item, 10_000)


def hand_over(qtbot: QtBot, win: MainWindow, missing: tuple[int, ...] = (), deferred: tuple[int, ...] = ()) -> None:
    """Each paper handed over is marked 已收 (↑ from 缺少) and its original checked; a 容缺 paper goes ↓ to 容缺后补."""
    for i, row in enumerate(win.intake.materials.shown_rows()):
        if i in missing:
            continue
        row.status.setFocus()
        if i in deferred:
            qtbot.keyClick(row.status, Qt.Key.Key_Down)
            qtbot.keyClick(row.status, Qt.Key.Key_Down)
            assert row.status.currentData() == "deferred", f"paper {i + 1} cannot be 容缺后补"
            continue
        qtbot.keyClick(row.status, Qt.Key.Key_Up)
        if row.original.isEnabled():
            qtbot.keyClick(row.status, Qt.Key.Key_Tab)
            qtbot.keyClick(row.original, Qt.Key.Key_Space)
        assert row.status.currentData() == "received"


def outcome(qtbot: QtBot, win: MainWindow, key: str, times: int = 1) -> IntakeResult:
    """Alt+<key> pressed `times` times in a row; the one result the form reports."""
    view = win.intake
    with qtbot.waitSignal(view.completed, timeout=WAIT) as blocker:
        for _ in range(times):
            qtbot.keyClick(QApplication.focusWidget() or view, key, Qt.KeyboardModifier.AltModifier)
    return blocker.args[0]


def refuse(qtbot: QtBot, win: MainWindow, reasons: str) -> IntakeResult:
    """Alt+B opens the refusal dialog; the reasons are typed, Tab, Enter."""
    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None and dialog.windowTitle() == "不予受理", "the refusal dialog did not open"
        ime_type(dialog.reasons, reasons)  # type: ignore[attr-defined]
        qtbot.keyClick(dialog.reasons, Qt.Key.Key_Tab)  # type: ignore[attr-defined]
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    QTimer.singleShot(300, fill)
    return outcome(qtbot, win, "B")


def case_states(win: MainWindow) -> dict[str, str]:
    """The 办件 list as the screen shows it: case number → state label."""
    return {r.case_no: r.state_label for r in win.cases.model.rows}


def open_case_by_number(qtbot: QtBot, win: MainWindow, case_no: str) -> None:
    """办件: the case number typed into the search (as a scanner would) and Enter opens the case."""
    win.show_section("cases")
    page = win.cases
    page.show_list()
    page.search.clear()
    qtbot.keyClicks(page.search, case_no)
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    wait_for(qtbot, f"the case {case_no} opened from the 办件 search",
             lambda: page.detail.detail is not None and page.detail.detail.case_no == case_no
             and page.stack.currentWidget() is page.detail, 20_000)


def in_modal(qtbot: QtBot, title: str, act: Callable[[Any], None]) -> None:
    """Act in the modal dialog `title` as soon as it is on screen (a dialog's exec() blocks the caller)."""
    def attempt() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.windowTitle() != title:
            QTimer.singleShot(100, attempt)
            return
        act(dialog)

    QTimer.singleShot(0, attempt)


def synced(win: MainWindow) -> bool:
    """Nothing left to send, and the status bar says so (the line alone may predate the last commit)."""
    from app.sync import status

    return status.summary(win.ctx).pending == 0 and win.sync_label.text().startswith("在线 · 待同步 0")
