"""The 一件事 tab of the figures page: bundles received and finished, the working days they took against
the sum of their parts' limits (the time the applicant saved), and on-time decisions per department."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.bundles.bundle_figures import BundleFigures, bundle_figures
from app.core.context import Actor, AppContext
from app.core.errors import AppError
from ui.widgets.table_helpers import fill_table, simple_table
from ui.widgets.tasks import TaskRunner


class BundleFiguresTab(QWidget):
    def __init__(self, ctx: AppContext, actor: Actor) -> None:
        super().__init__()
        self.ctx, self.actor = ctx, actor
        self.figures: BundleFigures | None = None
        self.runner = TaskRunner(self)
        lay = QVBoxLayout(self)
        self.summary = QLabel("—", objectName="bundleFiguresSummary")
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        self.table = simple_table("bundleOnTime", ("部门", "“一件事”中作出决定的事项", "按期决定", "按期率"), 0)
        lay.addWidget(self.table)

    def load(self, first: date, last: date) -> None:
        """Off the UI thread: every bundle of the period and its parts are read."""
        self.runner.run(lambda **_: bundle_figures(self.ctx, self.actor, first, last), quiet=True,
                        on_done=self.show_figures, on_error=self._failed)

    def show_figures(self, f: BundleFigures) -> None:
        self.figures = f
        saved = (f"，共节省 {f.days_saved} 个工作日" if f.finished else "")
        self.summary.setText(f"受理“一件事” {f.received} 件，办结 {f.finished} 件；办结的用时 {f.days_taken} 个工作日，"
                             f"逐项办理的法定时限合计 {f.days_if_one_by_one} 个工作日{saved}")
        fill_table(self.table, [(d.department, d.decided, d.on_time,
                                 f"{d.on_time / d.decided:.0%}" if d.decided else "—") for d in f.departments])

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, AppError):
            raise exc
        self.summary.setText(exc.message)
