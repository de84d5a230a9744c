"""Starting the window: one instance per data directory, open the data off the UI thread, sign in."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QLockFile, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from app.core.context import AppContext
from app.core.errors import AppError
from app.core.paths import DataDir
from app.reference.hall import hall_info
from app.station.bootstrap import DEMO_PASSWORD, open_data_dir
from app.station.housekeeping import HousekeepingResult, run_housekeeping
from ui.system.crash import install_excepthook, setup_logging
from ui.system.fonts import install_fonts
from ui.system.login_dialog import IdleLock, LoginDialog
from ui.system.main_window import MainWindow
from ui.widgets.preferences import Preferences
from ui.widgets.tasks import TaskRunner

DEMO_HINT = ("演示模式：窗口人员 zhangmin，首席代表与管理员见 README；所有演示账号密码均为 "
             + DEMO_PASSWORD)


def open_in_background(root: Path, demo: bool, splash: QLabel) -> AppContext:
    """Integrity check, migration and first-start seeding can take seconds: keep the UI alive."""
    loop = QEventLoop()
    box: dict[str, Any] = {}
    runner = TaskRunner(splash)

    def work(*, report: Any, cancel: Any) -> AppContext:
        report(0, 0, "正在检查并打开数据…")
        return open_data_dir(root, demo=demo)

    def done(ctx: AppContext) -> None:
        box["ctx"] = ctx
        loop.quit()

    def failed(exc: BaseException) -> None:
        box["error"] = exc
        loop.quit()

    runner.run(work, title="正在打开数据…", on_done=done, on_error=failed)
    loop.exec()
    if "error" in box:
        raise box["error"]
    return box["ctx"]


def start_housekeeping(window: MainWindow, ctx: AppContext, close_after: int) -> None:
    """Deemed acceptances, unanswered notices and the daily backup: now, then every hour, off the UI thread."""
    runner = TaskRunner(window)

    def done(r: HousekeepingResult) -> None:
        window.due_panel.set_housekeeping_problems(r.failed)  # each case left over, with the reason
        if r.deemed_accepted or r.closed_unanswered or r.failed:
            window.statusBar().showMessage(
                f"依法视为受理 {len(r.deemed_accepted)} 件；逾期未补正办结 {len(r.closed_unanswered)} 件"
                + (f"；未能处理 {len(r.failed)} 件，见临期面板" if r.failed else ""), 10000)

    def run() -> None:
        runner.run(run_housekeeping, ctx, close_after, title="正在整理办件…", on_done=done)

    timer = QTimer(window, interval=3_600_000)
    timer.timeout.connect(run)
    timer.start()
    run()


def run_gui(root: Path, *, demo: bool, as_user: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("OneWindow")
    app.setOrganizationName("OneWindow")
    install_fonts(app)
    data = DataDir(root)
    data.ensure()
    install_excepthook(setup_logging(data.logs))
    lock = QLockFile(str(data.lock_file))
    if not lock.tryLock(200):
        QMessageBox.warning(None, "OneWindow", f"另一个 OneWindow 正在使用数据目录：\n{root}\n请切换到已打开的窗口。")
        return 2
    splash = QLabel("OneWindow 正在启动…")
    splash.setAlignment(Qt.AlignmentFlag.AlignCenter)
    splash.resize(360, 120)
    splash.show()
    try:
        ctx = open_in_background(root, demo, splash)
    except AppError as exc:
        splash.close()
        QMessageBox.critical(None, "无法打开数据", exc.message)
        return 1
    splash.close()
    prefs = Preferences(demo)
    actor = None
    if as_user and demo:
        from app.core.auth import login

        actor = login(ctx, as_user, DEMO_PASSWORD)
    else:
        dialog = LoginDialog(ctx, hint=DEMO_HINT if demo else "")
        if dialog.exec() != LoginDialog.DialogCode.Accepted or dialog.actor is None:
            return 0
        actor = dialog.actor
    window = MainWindow(ctx, actor, hall_info(ctx), prefs=prefs)
    window.resize(1280, 800)
    idle = IdleLock(window, ctx, actor, int(prefs.get("security/idle_lock_minutes")))
    app.installEventFilter(idle)
    window.show()
    start_housekeeping(window, ctx, int(prefs.get("intake/close_unanswered_workdays")))
    code = app.exec()
    ctx.dispose()
    lock.unlock()
    return code
