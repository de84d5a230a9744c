"""The first run of a real workstation: instead of an empty login, say how to enrol and do it here.

Two ways, as the hall administrator prepared them: the server address and a one-time code
(`onewindow-server enrol-code`), or a set-up file for an install without network
(`onewindow-server setup-file`). The work runs through the TaskRunner, never on the UI thread.
"""

from __future__ import annotations

import socket
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.context import AppContext
from app.core.errors import AppError
from app.station.recovery_handover import Handover, pending_handover
from app.sync.credentials import CredentialStore
from app.sync.first_run import FirstRun, enrol_from_file, enrol_workstation, needs_setup
from ui.printing.recovery_key_dialog import RecoveryKeyDialog, show_recovery_key
from ui.widgets.tasks import TaskRunner

INTRO = ("本机是新安装的工作站，还没有登记到中心服务器，因此没有可登录的账号。\n"
         "请填写大厅管理员给出的中心服务器地址和一次性登记码；没有网络时，用管理员导出的设置文件。")
NOT_ENROLLED_HINT = "本机尚未登记，没有可登录的账号：请点“登记本机…”，或在命令行运行 onewindow enrol（见 README）"


class FirstRunDialog(QDialog):
    """Server address + code, or a set-up file; accepted once this workstation has accounts."""

    def __init__(self, ctx: AppContext, store: CredentialStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.store = ctx, store
        self.result_: FirstRun | None = None
        self.recovery_dialog: RecoveryKeyDialog | None = None
        self.setWindowTitle("登记本工作站（首次运行）")
        lay = QVBoxLayout(self)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.tabs = QTabWidget(objectName="firstRunTabs")
        online = QWidget()
        form = QFormLayout(online)
        self.server = QLineEdit(objectName="serverUrl", placeholderText="https://服务器名")
        self.code = QLineEdit(objectName="enrolCode", placeholderText="XXXXX-XXXXX")
        self.name = QLineEdit(socket.gethostname(), objectName="workstationName")
        form.addRow("中心服务器地址", self.server)
        form.addRow("登记码（管理员提供）", self.code)
        form.addRow("本机名称", self.name)
        self.tabs.addTab(online, "联网登记")
        offline = QWidget()
        row = QHBoxLayout(offline)
        self.file = QLineEdit(objectName="setupFile", placeholderText="管理员导出的 .json 设置文件")
        browse = QPushButton("选择…", objectName="browseSetupFile")
        browse.clicked.connect(self._browse)
        row.addWidget(self.file, 1)
        row.addWidget(browse)
        self.tabs.addTab(offline, "设置文件（离线安装）")
        lay.addWidget(self.tabs)
        self.error = QLabel(objectName="formError")
        self.error.setStyleSheet("color:#c00")
        self.error.setWordWrap(True)
        lay.addWidget(self.error)
        self.buttons = QDialogButtonBox(objectName="firstRunButtons")
        self.ok = self.buttons.addButton("登记", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("稍后", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.go)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.runner = TaskRunner(self)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择设置文件", "", "设置文件 (*.json)")
        if path:
            self.file.setText(path)

    def go(self) -> None:
        self.error.clear()
        self.ok.setEnabled(False)
        offline = self.tabs.currentIndex() == 1
        if offline and not self.file.text().strip():
            self._failed(AppError("setup_file", "请选择设置文件"))
            return
        name = self.name.text().strip() or socket.gethostname()

        def work(*, report: object, cancel: object) -> tuple[FirstRun, Handover | None]:
            if offline:
                done = enrol_from_file(self.ctx, Path(self.file.text().strip()), name, self.store)
            else:
                done = enrol_workstation(self.ctx, self.server.text(), self.code.text(), name, self.store)
            return done, pending_handover(self.ctx, None, name)

        self.runner.run(work, title="正在登记本机…", on_done=self._done, on_error=self._failed)

    def _done(self, result: tuple[FirstRun, Handover | None]) -> None:
        self.result_, handover = result
        self.accept()
        # Over the login, as the first thing a new workstation shows: the key goes to the administrator now.
        self.recovery_dialog = show_recovery_key(self.ctx, None, handover, "first_run", None, self.parentWidget())

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, AppError):
            raise exc
        self.error.setText(exc.message)
        self.ok.setEnabled(True)


def offer_first_run(login: QWidget, ctx: AppContext, store: CredentialStore) -> FirstRunDialog | None:
    """On a fresh data directory, open the enrolment over the login (window-modal, not blocking).

    After 稍后 the login keeps a 登记本机… button and a hint, so the way out is never lost.
    """
    if ctx.demo or not needs_setup(ctx):
        return None
    set_hint = getattr(login, "set_hint", None)
    dialog = FirstRunDialog(ctx, store, login)
    again = QPushButton("登记本机…", login, objectName="firstRunAgain")
    again.clicked.connect(dialog.open)
    if login.layout() is not None:
        login.layout().addWidget(again)

    def finished(_code: int) -> None:
        again.setVisible(dialog.result_ is None)
        if set_hint is not None:
            set_hint(dialog.result_.message + "。请登录。" if dialog.result_ else NOT_ENROLLED_HINT)

    dialog.finished.connect(finished)
    if set_hint is not None:
        set_hint(NOT_ENROLLED_HINT)
    dialog.open()
    return dialog
