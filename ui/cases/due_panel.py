"""The due-soon / overdue panel: running cases late or due within the yellow period, and moved promises."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.cases.commitments import CheckRow
from app.cases.forwarding import ForwardRow
from app.cases.lights import LIGHT_COLORS, Light
from app.cases.queries import CaseRow, DueList, due_cases
from app.core.context import Actor, AppContext
from app.core.errors import AppError
from ui.cases.table_model import light_icon
from ui.widgets.live import LiveRefresh
from ui.widgets.preferences import Preferences

REFRESH_MS = 5 * 60 * 1000  # lights change with the day and with colleagues' work


class DuePanel(QWidget):
    """Red first, then yellow, then promises that moved; activating a line opens the case."""

    open_case = Signal(str)
    show_filter = Signal(str)  # "due" / "moved": the full list in the case desk

    def __init__(self, ctx: AppContext, actor: Actor, prefs: Preferences, deferred: bool = False) -> None:
        """`deferred`: load nothing now; the panel loads off the UI thread when first shown."""
        super().__init__(objectName="duePanel")
        self.ctx, self.actor, self.prefs = ctx, actor, prefs
        self.due: DueList | None = None
        self.problems: tuple[tuple[str, str, str], ...] = ()  # housekeeping's (case id, case no, reason)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        self.summary = QLabel(objectName="dueSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        self.list = QListWidget(objectName="dueList")
        self.list.setStyleSheet("QListWidget::item { padding: 4px 2px; }")
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        lay.addWidget(self.list, 1)
        row = QHBoxLayout()
        more = QPushButton("在办件中查看全部", objectName="dueShowAll")
        more.clicked.connect(lambda: self.show_filter.emit("due"))
        again = QPushButton("刷新", objectName="dueRefresh")
        again.clicked.connect(lambda: self.live.reload())
        row.addWidget(more)
        row.addWidget(again)
        lay.addLayout(row)
        self._timer = QTimer(self, interval=REFRESH_MS)
        self.live = LiveRefresh(self, ctx, self._load, self._show,
                                args=lambda: (self.prefs.get("deadlines/yellow_workdays"),))
        self._timer.timeout.connect(self.live.request)
        self._timer.start()
        if not deferred:
            self.refresh()

    def _load(self, yellow_workdays: int) -> DueList:
        return due_cases(self.ctx, self.actor, yellow_workdays, self.actor.window_id)

    def refresh(self) -> None:
        """Load and show now, on this thread (the change notice and the timer reload off it)."""
        try:
            self._show(self._load(self.prefs.get("deadlines/yellow_workdays")))
        except AppError as exc:
            self.summary.setText(f"<span style='color:#c00'>无法读取临期办件：{exc.message}</span>")
            return
        self.live.stale = False

    def _show(self, due: DueList) -> None:
        self.due = d = due
        red, yellow = LIGHT_COLORS[Light.RED], LIGHT_COLORS[Light.YELLOW]
        self.summary.setText(f"<span style='color:{red}'>逾期 <b>{len(d.overdue)}</b> 件</span>　"
                             f"<span style='color:{yellow}'>临期 <b>{len(d.due_soon)}</b> 件</span>"
                             + (f"　日期变动待告知 <b>{len(d.moved)}</b> 件" if d.moved else "")
                             + (f"　待上报 <b>{len(d.forwarding)}</b> 件" if d.forwarding else "")
                             + (f"　承诺核查 <b>{len(d.checks)}</b> 件" if d.checks else "")
                             + f"<br><span style='color:#777'>临期：{d.green_from.isoformat()} 之前到期</span>")
        self.list.clear()
        self._add_problems()
        for row in d.overdue:
            self._add(row, row.promised_light, "逾期")
        for row in d.due_soon:
            self._add(row, row.promised_light, "临期")
        for row in d.moved:
            self._add(row, Light.YELLOW, f"原告知 {row.printed_promised:%m-%d} 改为 {row.promised_deadline:%m-%d}")
        for fwd in d.forwarding:
            self._add_forward(fwd)
        for check in d.checks:  # 告知承诺: the post-check's own deadline and light
            self._add_forward(check, f"{check.due}  {check.applicant_name}\n    {check.item_name} · {check.status_label}",
                              f"{check.case_no} 告知承诺事中事后核查，{check.due} 前完成")
        if not self.list.count():
            self.list.addItem(QListWidgetItem("没有逾期或临期的办件"))

    def set_housekeeping_problems(self, problems: tuple[tuple[str, str, str], ...]) -> None:
        """Cases the hourly housekeeping could not handle (a deemed acceptance, say), each with the reason."""
        self.problems = problems
        self.refresh()

    def _add_problems(self) -> None:
        for case_id, case_no, reason in self.problems:
            item = QListWidgetItem(light_icon(Light.RED), f"未能自动处理 {case_no}\n    {reason}")
            item.setData(Qt.ItemDataRole.UserRole, case_id or None)
            item.setToolTip("自动整理（视为受理、逾期未补正办结）未能处理该办件，请处理后刷新")
            item.setForeground(QBrush(QColor(LIGHT_COLORS[Light.RED]).darker(120)))
            self.list.addItem(item)

    def _add(self, row: CaseRow, light: Light, what: str) -> None:
        item = QListWidgetItem(light_icon(light), f"{row.promised_deadline}  {row.applicant_name}\n"
                                                  f"    {row.item_name} · {what}")
        item.setData(Qt.ItemDataRole.UserRole, row.id)
        item.setToolTip(f"{row.case_no} {row.state_label}")
        if light is Light.RED:
            item.setForeground(QBrush(QColor(LIGHT_COLORS[Light.RED]).darker(120)))
        self.list.addItem(item)

    def _add_forward(self, row: ForwardRow | CheckRow, text: str = "", tip: str = "") -> None:
        """A case to forward (上报) within two working days of complete papers, or a 告知承诺 case to check,
        with that deadline's light."""
        if isinstance(row, ForwardRow):
            late = "，已逾期" if row.light is Light.RED else ""
            text = f"{row.forward_due}  {row.applicant_name}\n    {row.item_name} · 上报期限{late}"
            tip = f"{row.case_no} 手续完备后两个工作日内上报"
        item = QListWidgetItem(light_icon(row.light), text)
        item.setData(Qt.ItemDataRole.UserRole, row.case_id)
        item.setToolTip(tip)
        if row.light is Light.RED:
            item.setForeground(QBrush(QColor(LIGHT_COLORS[Light.RED]).darker(120)))
        self.list.addItem(item)

    def _activated(self, item: QListWidgetItem) -> None:
        case_id = item.data(Qt.ItemDataRole.UserRole)
        if case_id:
            self.open_case.emit(case_id)
