"""Sign-in, and the idle lock that only the signed-in person's password opens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:  # the core (SQLAlchemy) loads behind the dialog: see ui/system/gui.py
    from app.core.context import Actor, AppContext


class LoginDialog(QDialog):
    """Username and password; errors appear under the field that caused them.

    At start-up the dialog shows before the data is open (`ctx` None): signing in then waits for
    `set_context`, saying so, and goes on by itself.
    """

    def __init__(self, ctx: AppContext | None, parent: QWidget | None = None, *, locked_for: Actor | None = None,
                 hint: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor: Actor | None = None
        self.setWindowTitle("OneWindow 登录" if locked_for is None else "屏幕已锁定")
        layout = QVBoxLayout(self)
        title = QLabel("行政审批服务窗口 · 登录" if locked_for is None
                       else f"{locked_for.name}，屏幕因长时间无操作已锁定，请输入密码解锁")
        title.setObjectName("loginTitle")
        layout.addWidget(title)
        form = QFormLayout()
        self.username = QLineEdit(objectName="username")
        self.password = QLineEdit(objectName="password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel(objectName="loginError")
        self.error.setStyleSheet("color: #c00;")
        form.addRow("用户名", self.username)
        form.addRow("密码", self.password)
        form.addRow("", self.error)
        layout.addLayout(form)
        self.note = QLabel(hint, objectName="loginHint")
        self.note.setStyleSheet("color: #666;")
        self.note.setWordWrap(True)
        self.note.setVisible(bool(hint))
        layout.addWidget(self.note)
        self.attempted = False  # 登录 pressed before the data was open
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("登录" if locked_for is None else "解锁")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setDefault(True)
        buttons.accepted.connect(self._try)
        # Enter in the username field moves on; Enter in the password field signs in.
        self.username.returnPressed.connect(self.password.setFocus)
        layout.addWidget(buttons)
        if locked_for is not None:
            self.username.setText(locked_for.username)
            self.username.setReadOnly(True)
            self.password.setFocus()
        self._locked_for = locked_for

    def set_hint(self, hint: str) -> None:
        self.note.setText(hint)
        self.note.setVisible(bool(hint))

    def set_context(self, ctx: AppContext) -> None:
        """The data is open: sign in now if the person already asked to."""
        self.ctx = ctx
        if self.attempted:
            self.error.setText("")
            self._try()

    def _try(self) -> None:
        if self.ctx is None:
            self.attempted = True
            self.error.setText("正在打开数据，请稍候…")
            return
        from app.core.auth import login
        from app.core.errors import AppError

        try:
            actor = login(self.ctx, self.username.text(), self.password.text())
        except AppError as exc:
            self.error.setText(exc.message)
            (self.username if exc.field == "username" else self.password).setFocus()
            self.password.selectAll()
            return
        if self._locked_for is not None and actor.staff_id != self._locked_for.staff_id:
            self.error.setText("只能由当前登录人员解锁")
            return
        self.actor = actor
        self.accept()

    def reject(self) -> None:
        # The lock screen cannot be dismissed with Esc: only the password opens it.
        if self._locked_for is None:
            super().reject()


class IdleLock(QObject):
    """Locks the window after `minutes` without keyboard or mouse input (0 = never)."""

    _INPUT = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel}

    def __init__(self, window: QWidget, ctx: AppContext, actor: Actor, minutes: int) -> None:
        super().__init__(window)
        self.window, self.ctx, self.actor = window, ctx, actor
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(self.lock)
        self.set_minutes(minutes)
        self.locked = False
        # Time since the last input, for work that waits for a quiet counter (MainWindow.prebuild_pages).
        self.since_input = QElapsedTimer()
        self.since_input.start()

    def set_minutes(self, minutes: int) -> None:
        self.minutes = minutes
        if minutes > 0:
            self.timer.start(minutes * 60_000)
        else:
            self.timer.stop()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in self._INPUT:
            self.since_input.restart()
            if not self.locked and self.minutes > 0:
                self.timer.start(self.minutes * 60_000)
        return False

    def lock(self) -> None:
        self.locked = True
        self.window.setEnabled(False)
        dialog = LoginDialog(self.ctx, self.window, locked_for=self.actor)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.exec()
        self.window.setEnabled(True)
        self.locked = False
        self.set_minutes(self.minutes)
