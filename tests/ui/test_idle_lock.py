"""The idle lock: only the signed-in person's password opens it; Esc does not."""

from __future__ import annotations

from ow_testkit import clerk
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.core.context import AppContext
from app.station.bootstrap import DEMO_PASSWORD
from ui.system.login_dialog import IdleLock, LoginDialog


def test_lock_needs_the_own_password(qtbot: QtBot, ctx: AppContext) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    lock = IdleLock(window, ctx, clerk(ctx), minutes=10)
    seen: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, LoginDialog)
        assert not window.isEnabled() and dialog.username.isReadOnly()
        qtbot.keyClick(dialog.password, Qt.Key.Key_Escape)  # cannot be dismissed
        assert dialog.isVisible()
        qtbot.keyClicks(dialog.password, "wrong-password")
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        seen.append(dialog.error.text())
        dialog.password.clear()
        qtbot.keyClicks(dialog.password, DEMO_PASSWORD)
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)

    QTimer.singleShot(200, answer)
    lock.lock()
    assert seen == ["用户名或密码错误"]
    assert window.isEnabled() and not lock.locked and lock.timer.isActive()


def test_zero_minutes_never_locks(qtbot: QtBot, ctx: AppContext) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    lock = IdleLock(window, ctx, clerk(ctx), minutes=0)
    assert not lock.timer.isActive()
