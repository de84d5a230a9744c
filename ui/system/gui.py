"""Starting the window: one instance per data directory, the sign-in dialog at once, the rest behind it.

The dialog is on screen before the database layer, the migrations and the pages are imported: those
load, and the data directory opens (integrity check, migration, first-start seeding), on a worker
thread while the person types. Signing in waits for them only if it comes first.
Set ONEWINDOW_STARTUP_PROBE=login|main|pages to print when the dialog / the main window / every page
(built in the quiet, MainWindow.prebuild_pages) is on screen and quit there (bench/bench_startup.py times
it from outside the process).
"""

from __future__ import annotations

import os
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLockFile, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.core.paths import DataDir
from ui.system.crash import install_excepthook, setup_logging
from ui.system.fonts import install_fonts
from ui.system.login_dialog import LoginDialog
from ui.system.translations import install_translations
from ui.widgets.tasks import TaskRunner
from ui.widgets.ui_gc import collect_on_ui_thread, end_of_session

if TYPE_CHECKING:
    from app.core.context import Actor, AppContext
    from app.station.housekeeping import HousekeepingResult
    from ui.system.main_window import MainWindow

DEMO_HINT = "演示模式：窗口人员 zhangmin，首席代表与管理员见 README；所有演示账号密码均为 {password}"
PROBE = os.environ.get("ONEWINDOW_STARTUP_PROBE", "")


def _probe(stage: str) -> bool:
    """Report a start-up stage to the benchmark; True: stop here."""
    if PROBE:
        print(f"onewindow-startup {stage}", file=sys.stderr, flush=True)
    return stage == PROBE


def open_behind(root: Path, demo: bool, *, report: Any, cancel: Any) -> AppContext:
    """On a worker thread: import the heavy layers and open the data directory."""
    from app.station.bootstrap import open_data_dir

    ctx = open_data_dir(root, demo=demo, defer_checks=True)  # a large file is checked behind the window
    import ui.system.main_window  # noqa: F401  the pages' modules, so the main window appears at once

    return ctx


def start_housekeeping(window: MainWindow, ctx: AppContext, close_after: int, retention_days: int = 365) -> None:
    """Deemed acceptances, unanswered notices and the daily backup: now, then every hour, off the UI thread."""
    from app.station.housekeeping import run_housekeeping

    runner = TaskRunner(window)

    def done(r: HousekeepingResult) -> None:
        if r.integrity:
            window.statusBar().showMessage("数据完整性检查未通过，已停止保存任何更改")
            QMessageBox.critical(window, "数据完整性检查未通过",
                                 f"{r.integrity}\n\n为保护数据，本机已停止保存任何更改（可以查看，不能办理）。")
        elif pending:
            window.statusBar().showMessage("数据完整性检查通过，今日备份已完成", 10000)
        if not hasattr(window, "due_panel"):
            return
        window.due_panel.set_housekeeping_problems(r.failed)  # each case left over, with the reason
        if r.deemed_accepted or r.closed_unanswered or r.failed:
            window.statusBar().showMessage(
                f"依法视为受理 {len(r.deemed_accepted)} 件；逾期未补正办结 {len(r.closed_unanswered)} 件"
                + (f"；未能处理 {len(r.failed)} 件，见临期面板" if r.failed else ""), 10000)

    pending = ctx.checks_pending
    if pending:
        window.statusBar().showMessage("正在后台检查数据完整性并备份（数据较多，约需一两分钟）…")

    def run() -> None:
        runner.run(partial(run_housekeeping, retention_days=retention_days), ctx, close_after,
                   title="正在整理办件…", quiet=True, on_done=done)

    timer = QTimer(window, interval=3_600_000)
    timer.timeout.connect(run)
    timer.start()
    run()


def _main_window(app: QApplication, ctx: AppContext, actor: Actor, demo: bool) -> int:
    # Here, not at the top: app.core.auth brings SQLAlchemy, which must load behind the sign-in dialog.
    from app.core.auth import sign_out
    from app.reference.hall import hall_info
    from ui.system.login_dialog import IdleLock
    from ui.system.main_window import MainWindow
    from ui.widgets.preferences import Preferences

    prefs = Preferences(demo)
    while True:  # one turn per person at the counter: 注销（换班）brings the sign-in back
        window = MainWindow(ctx, actor, hall_info(ctx), prefs=prefs)
        # 1280×800 where it fits; on the halls' common 1366×768 screens that cut off the action buttons'
        # lower edge and the status bar (sync state), so a smaller screen gets the window maximised.
        room = app.primaryScreen().availableGeometry()
        window.resize(min(1280, room.width()), min(800, room.height()))
        idle = IdleLock(window, ctx, actor, int(prefs.get("security/idle_lock_minutes")))
        app.installEventFilter(idle)
        window.showMaximized() if room.height() < 800 or room.width() < 1280 else window.show()
        app.processEvents()
        if _probe("main"):
            return 0
        start_housekeeping(window, ctx, int(prefs.get("intake/close_unanswered_workdays")),
                           int(prefs.get("privacy/retention_days")))
        window.every_page_built.connect(lambda: _probe("pages") and app.quit())
        window.prebuild_pages(idle.since_input.elapsed)
        code = app.exec()
        app.removeEventFilter(idle)
        if not window.shift_change:
            sign_out(ctx, actor)  # the program closes: nothing signs in this person's name any more
            return code
        window.deleteLater()
        end_of_session()
        dialog = LoginDialog(None)
        dialog.set_context(ctx)
        if dialog.exec() != LoginDialog.DialogCode.Accepted or dialog.actor is None:
            return 0
        actor = dialog.actor


def run_gui(root: Path, *, demo: bool, as_user: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("OneWindow")
    app.setOrganizationName("OneWindow")
    install_fonts(app)
    install_translations(app)
    collect_on_ui_thread(app)  # never a widget freed by a worker thread's garbage collection
    data = DataDir(root)
    data.ensure()
    install_excepthook(setup_logging(data.logs))
    lock = QLockFile(str(data.lock_file))
    if not lock.tryLock(200):
        QMessageBox.warning(None, "OneWindow", f"另一个 OneWindow 正在使用数据目录：\n{root}\n请切换到已打开的窗口。")
        return 2
    box: dict[str, Any] = {}
    dialog = LoginDialog(None, hint=DEMO_HINT.format(password="…") if demo else "")
    runner = TaskRunner(dialog)

    def opened(ctx: AppContext) -> None:
        from app.station.bootstrap import DEMO_PASSWORD

        box["ctx"] = ctx
        if demo:
            dialog.set_hint(DEMO_HINT.format(password=DEMO_PASSWORD))
            if as_user:  # the demo's --as: straight in
                dialog.username.setText(as_user)
                dialog.password.setText(DEMO_PASSWORD)
                dialog.attempted = True
        dialog.set_context(ctx)
        if not demo:  # a fresh workstation: how to enrol, not an empty login
            from app.sync.credentials import CredentialStore
            from ui.system.first_run_dialog import offer_first_run

            box["first_run"] = offer_first_run(dialog, ctx, CredentialStore())

    def failed(exc: BaseException) -> None:
        from app.core.errors import AppError

        if not isinstance(exc, AppError):
            raise exc
        box["error"] = exc.message
        dialog.reject()

    runner.run(lambda *, report, cancel: open_behind(root, demo, report=report, cancel=cancel),
               title="正在打开数据…", quiet=True, on_done=opened, on_error=failed)
    if not (as_user and demo):
        dialog.show()
        app.processEvents()
        if _probe("login"):
            return 0
    code = 0
    try:
        accepted = ("error" not in box and dialog.exec() == LoginDialog.DialogCode.Accepted
                    and dialog.actor is not None)
        if "error" in box:
            QMessageBox.critical(None, "无法打开数据", box["error"])
            return 1
        if accepted:
            code = _main_window(app, box["ctx"], dialog.actor, demo)
    finally:
        if "ctx" in box:
            box["ctx"].dispose()
        lock.unlock()
    return code
