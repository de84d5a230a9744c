"""Sync in the window: the background runs (never on the UI thread), the status bar text, and the sync panel."""

from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core import machine
from app.core.context import Actor, AppContext, to_local
from app.core.errors import AppError
from app.station.recovery_handover import Handover, pending_handover
from app.sync import backoff, status
from app.sync.credentials import CredentialStore
from app.sync.engine import SyncOutcome, on_local_commit, sync_once
from app.sync.enrolment import enrol, server_login
from ui.printing.recovery_key_dialog import RecoveryKeyDialog, show_recovery_key
from ui.widgets.preferences import Preferences
from ui.widgets.tasks import TaskRunner

log = logging.getLogger(__name__)
DEBOUNCE_MS = 1500  # a burst of commits (an intake and its prints) makes one run
PERIODIC_MS = 60_000  # others' changes arrive without a local commit
STOPPED = {"clock_skew", "need_login", "device", "not_enrolled", "no_device_secret", "no_keyring"}


class _Signals(QObject):
    progress = Signal(int, int, str)
    done = Signal(object)
    text = Signal(str)


class _Text(QRunnable):
    """The status text, read off the UI thread (it counts the outbox)."""

    def __init__(self, controller: SyncController, signals: _Signals) -> None:
        super().__init__()
        self.text, self.signals = controller.text, signals

    def run(self) -> None:
        try:
            text = self.text()
        except Exception:  # the next change or run says it again
            log.exception("sync status text failed")
            return
        self.signals.text.emit(text)


class _Run(QRunnable):
    def __init__(self, ctx: AppContext, store: CredentialStore, username: str, signals: _Signals,
                 cancel: threading.Event) -> None:
        super().__init__()
        self.ctx, self.store, self.username, self.signals, self.cancel = ctx, store, username, signals, cancel

    def run(self) -> None:
        try:
            outcome = sync_once(self.ctx, self.store, self.username, cancel=self.cancel,
                                report=lambda d, t, text: self.signals.progress.emit(d, t, text))
        except Exception as exc:  # a bug: to the log with its traceback (and SyncRun); the loop must go on
            log.exception("sync run failed")
            outcome = SyncOutcome(False, "bug", f"同步出现程序错误：{type(exc).__name__}: {exc}")
        self.signals.done.emit(outcome)


class SyncController(QObject):
    """Starts runs after local commits, periodically, when the network returns; backs off while offline."""

    status_text = Signal(str)
    progress = Signal(int, int, str)
    finished = Signal(object)
    _commit_seen = Signal()

    def __init__(self, ctx: AppContext, actor: Actor, store: CredentialStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor, self.store = ctx, actor, store
        self.running = False
        self.online: bool | None = None
        self.last: SyncOutcome | None = None
        self.attempt = 0
        self._again = False
        self._cancel = threading.Event()
        self._signals = _Signals()
        self._signals.progress.connect(self.progress)
        self._signals.done.connect(self._done)
        self._signals.text.connect(self.status_text)
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.run_now)
        self._retry = QTimer(self, singleShot=True)
        # Retry-After is a floor (tests/faults/test_sync_retry_after.py): a coarse timer may fire 5 % early.
        self._retry.setTimerType(Qt.TimerType.PreciseTimer)
        self._retry.timeout.connect(self.run_now)
        self._periodic = QTimer(self, interval=PERIODIC_MS)
        self._periodic.timeout.connect(self.run_now)
        self._commit_seen.connect(self.request)
        self._hook = on_local_commit(ctx, self._commit_seen.emit)
        # Plain references only: when this object is gone its timers are too, but the hook and a run would not be.
        hooks, hook, cancel = ctx.after_commit, self._hook, self._cancel
        self.destroyed.connect(lambda *_: (cancel.set(), hook in hooks and hooks.remove(hook)))
        self._watching = False  # the network backend (tens of ms to load) only once a run found us offline

    def _watch_network(self) -> None:
        if self._watching:
            return
        self._watching = True
        try:
            from PySide6.QtNetwork import QNetworkInformation

            if QNetworkInformation.loadDefaultBackend() and QNetworkInformation.instance() is not None:
                QNetworkInformation.instance().reachabilityChanged.connect(self._reachability)
        except (ImportError, RuntimeError, AttributeError):
            pass  # no backend on this platform: the backoff probes find the server again

    def _reachability(self, reachability: Any) -> None:
        if getattr(reachability, "name", "") == "Online":
            self.attempt = 0
            self.run_now()

    def start(self) -> None:
        self._periodic.start()
        self.run_now()
        self.refresh_text()

    def shutdown(self) -> None:
        self._cancel.set()
        for timer in (self._debounce, self._retry, self._periodic):
            timer.stop()
        if self._hook in self.ctx.after_commit:
            self.ctx.after_commit.remove(self._hook)

    def request(self) -> None:
        """Something was committed here: sync soon (bursts coalesce)."""
        self._debounce.start()

    def run_now(self) -> None:
        if self._cancel.is_set():
            return
        if self.running:
            self._again = True
            return
        if not status.enrolled(self.ctx):
            self.refresh_text()
            return
        self.running, self._again = True, False
        self._retry.stop()
        QThreadPool.globalInstance().start(_Run(self.ctx, self.store, self.actor.username, self._signals,
                                                self._cancel))

    def _done(self, outcome: SyncOutcome) -> None:
        self.running, self.last = False, outcome
        if outcome.ok:
            self.attempt, self.online = 0, True
        elif outcome.code == "offline":
            self.online = False
            self._watch_network()
            self.attempt += 1
            self._retry.start(int(backoff.delay(self.attempt, outcome.retry_after) * 1000))
        elif outcome.code not in ("not_enrolled", "no_device_secret", "no_keyring", "cancelled", "bug"):
            self.online = True  # the server answered (with a refusal to act on)
        self.refresh_text()
        self.finished.emit(outcome)
        if self._again and not self._cancel.is_set() and outcome.code not in STOPPED | {"offline"}:
            self.run_now()

    def text(self) -> str:
        last = self.last
        return status.status_line(status.summary(self.ctx), online=self.online, running=self.running,
                                  last_code=last.code if last is not None else None,
                                  last_pushed=last.pushed if last is not None else 0)

    def refresh_text(self) -> None:
        """Emit `status_text` soon, read off the UI thread."""
        QThreadPool.globalInstance().start(_Text(self, self._signals))


class _Form(QDialog):
    """A small form run through the TaskRunner (network calls never block the window)."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout(self)
        self.error = QLabel(objectName="formError")
        self.error.setStyleSheet("color:#c00")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)

    def finish_layout(self) -> None:
        self.form.addRow(self.error)
        self.form.addRow(self.buttons)


class SyncView(QWidget):
    """The sync page: state, 立即同步, sign-in and enrolment, history and the rejections to act on."""

    status_text = Signal(str)

    def __init__(self, ctx: AppContext, actor: Actor, prefs: Preferences, store: CredentialStore | None = None,
                 parent: QWidget | None = None, *, autostart: bool = True, controller: SyncController | None = None,
                 deferred: bool = False) -> None:
        """`controller`: the main window's (it runs from sign-in on, before this page is first opened);
        `deferred`: load the page's state off the UI thread instead of in the constructor."""
        super().__init__(parent)
        self.ctx, self.actor, self.prefs = ctx, actor, prefs
        self.store = controller.store if controller is not None else store or CredentialStore(ctx.demo)
        self.runner = TaskRunner(self)
        self.recovery_dialog: RecoveryKeyDialog | None = None  # shown once after a successful enrolment
        self.controller = controller or SyncController(ctx, actor, self.store, self)
        self.controller.status_text.connect(self.status_text)
        self.controller.status_text.connect(lambda _t: self.reload())
        self.controller.progress.connect(self._progress)
        lay = QVBoxLayout(self)
        self.state = QLabel(objectName="syncState")
        self.state.setWordWrap(True)
        lay.addWidget(self.state)
        row = QHBoxLayout()
        self.sync_button = QPushButton("立即同步", objectName="syncNow")
        self.sync_button.clicked.connect(self.controller.run_now)
        self.login_button = QPushButton("登录中心服务器…", objectName="serverLogin")
        self.login_button.clicked.connect(self.ask_login)
        self.enrol_button = QPushButton("登记本机…", objectName="enrol")
        self.enrol_button.clicked.connect(self.ask_enrol)
        for b in (self.sync_button, self.login_button, self.enrol_button):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self.bar = QProgressBar(objectName="syncProgress")
        self.bar.setRange(0, 7)
        self.step = QLabel()
        lay.addWidget(self.bar)
        lay.addWidget(self.step)
        lay.addWidget(QLabel("<b>被中心服务器拒收的操作</b>（请按原因处理后标记）"))
        self.rejections = self._table(("时间", "操作", "原因", "如何处理"), "rejections")
        lay.addWidget(self.rejections, 1)
        self.handled_button = QPushButton("标记为已处理", objectName="markHandled")
        self.handled_button.clicked.connect(self.mark_handled)
        lay.addWidget(self.handled_button, 0, Qt.AlignmentFlag.AlignLeft)
        lay.addWidget(QLabel("<b>同步记录</b>"))
        self.history = self._table(("开始", "结束", "推送", "拉取", "拒收", "结果"), "history")
        lay.addWidget(self.history, 1)
        if deferred:
            self.reload()
        else:
            self.refresh()
        if autostart and controller is None:
            self.controller.start()

    @staticmethod
    def _table(headers: tuple[str, ...], name: str) -> QTableWidget:
        t = QTableWidget(0, len(headers), objectName=name)
        t.setHorizontalHeaderLabels(list(headers))
        t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        t.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        t.horizontalHeader().setStretchLastSection(True)
        t.verticalHeader().setVisible(False)
        return t

    def _progress(self, done: int, total: int, text: str) -> None:
        self.bar.setMaximum(total)
        self.bar.setValue(done)
        self.step.setText(text)

    def _load(self) -> tuple[status.SyncSummary, list[status.Rejection], list[status.RunRow]]:
        return status.summary(self.ctx), status.rejections(self.ctx), status.history(self.ctx)

    def reload(self) -> None:
        """Read the page's state off the UI thread and show it."""
        self.runner.run(lambda *, report, cancel: self._load(), quiet=True, on_done=self._show)

    def refresh(self) -> None:
        """Read and show the page's state now (after an action on the page itself, and in tests)."""
        self._show(self._load())

    def _show(self, loaded: tuple[status.SyncSummary, list[status.Rejection], list[status.RunRow]]) -> None:
        s, rejections, history = loaded
        last = self.controller.last
        lines = [f"中心服务器：{s.server_url or '未登记'}", f"本机设备编码：{s.device_code or '—'}",
                 f"待同步操作：{s.pending}"]
        if s.reconciled:
            ok = "一致" if s.reconciled.get("match") else "不一致，请联系信息管理员"
            lines.append(f"今日对账（{s.reconciled.get('day')}）：本机 {s.reconciled.get('local')} 条，"
                         f"中心 {s.reconciled.get('server')} 条，{ok}")
        if s.moved:  # a copied disk: the administrator enrols this machine again (app/core/machine.py)
            lines.append(f"<span style='color:#c00'>{machine.MOVED_MESSAGE}</span>")
        if last is not None and not last.ok:
            lines.append(f"<span style='color:#c00'>{last.message}</span>")
        self.state.setText("<br>".join(lines))
        # a lost device secret can always be enrolled again: otherwise sync would be dead for good
        lost = last is not None and last.code == "no_device_secret"
        self.enrol_button.setEnabled(not s.enrolled or s.moved or lost)
        self.sync_button.setEnabled(s.enrolled)
        self.login_button.setEnabled(s.enrolled)
        self._fill(self.rejections, [(f"{to_local(r.at):%m-%d %H:%M}", r.what, r.reason, r.advice, r.op_id)
                                     for r in rejections])
        self._fill(self.history, [(f"{to_local(h.started_at):%m-%d %H:%M:%S}",
                                   f"{to_local(h.finished_at):%H:%M:%S}" if h.finished_at else "进行中",
                                   str(h.pushed), str(h.pulled), str(h.rejected), h.error or "成功", "")
                                  for h in history])

    @staticmethod
    def _fill(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
        table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            for j, text in enumerate(row[:table.columnCount()]):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row[-1])
                table.setItem(i, j, item)
        table.resizeColumnsToContents()

    def mark_handled(self) -> None:
        item = self.rejections.item(self.rejections.currentRow(), 0)
        if item is not None:
            status.mark_handled(self.ctx, self.actor, item.data(Qt.ItemDataRole.UserRole))
            self.refresh()
            self.controller.refresh_text()

    def _fail(self, dialog: _Form, exc: BaseException) -> None:
        if not isinstance(exc, AppError):
            raise exc
        dialog.error.setText(exc.message)
        dialog.buttons.setEnabled(True)

    def ask_login(self) -> _Form:
        d = _Form("登录中心服务器", self)
        d.form.addRow("用户名", QLabel(self.actor.username))
        password = QLineEdit(objectName="serverPassword")
        password.setEchoMode(QLineEdit.EchoMode.Password)
        d.form.addRow("密码", password)
        d.finish_layout()

        def go() -> None:
            d.buttons.setEnabled(False)
            self.runner.run(lambda *, report, cancel: server_login(self.ctx, self.actor, password.text(), self.store),
                            title="正在登录中心服务器…", on_done=lambda _r: (d.accept(), self.controller.run_now()),
                            on_error=lambda exc: self._fail(d, exc))

        d.buttons.accepted.connect(go)
        d.open()
        return d

    def ask_enrol(self) -> _Form:
        d = _Form("登记本机到中心服务器", self)
        url = QLineEdit(self.prefs.get("sync/server_url"), objectName="serverUrl")
        code = QLineEdit(objectName="enrolCode")
        name = QLineEdit(objectName="workstationName")
        d.form.addRow("中心服务器地址", url)
        d.form.addRow("登记码（管理员提供）", code)
        d.form.addRow("本机名称", name)
        d.finish_layout()

        def done(handover: Handover | None) -> None:
            self.prefs.set("sync/server_url", url.text().strip())
            d.accept()
            self.refresh()
            self.step.setText("本机已登记。请点“登录中心服务器…”后开始同步。")
            self.controller.refresh_text()
            self.recovery_dialog = show_recovery_key(self.ctx, self.actor, handover, "sync_page", self.prefs, self)

        def work(*, report: object, cancel: object) -> Handover | None:
            enrol(self.ctx, self.actor, url.text(), code.text(), name.text(), self.store)
            return pending_handover(self.ctx, self.actor, name.text())

        def go() -> None:
            d.buttons.setEnabled(False)
            self.runner.run(work, title="正在登记本机…", on_done=done, on_error=lambda exc: self._fail(d, exc))

        d.buttons.accepted.connect(go)
        d.open()
        return d
