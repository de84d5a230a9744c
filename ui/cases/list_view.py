"""The case desk: search and filter the case list (lazily paged), open a case; a scanned receipt opens at once.

The search field takes a case number, an applicant's name (from the first character), or a
fragment of an ID / USCC number. A barcode scanner types the 18-digit case number and Enter:
Enter on a whole case number opens that case without waiting for the typing pause.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import QModelIndex, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.cases.queries import CasePage, CaseQuery, find_case_no, looks_like_case_no, search_cases
from app.cases.states import OPEN_STATES, STATE_LABELS
from app.core.context import Actor, AppContext
from app.reference.catalog import search_items
from ui.cases.detail_view import CaseDetailView
from ui.cases.dialogs import pydate, qdate
from ui.cases.table_model import CaseTableModel
from ui.printing.document_actions import DocumentPrinter
from ui.widgets.live import LiveRefresh
from ui.widgets.preferences import Preferences

DEBOUNCE_MS = 250  # one query per typing pause, not per keystroke
LIGHT_CHOICES = (("", "全部期限"), ("due", "临期及逾期"), ("red", "逾期"), ("yellow", "临期"), ("green", "正常"),
                 ("paused", "暂停计时"), ("moved", "承诺日期变动待告知"))
OPEN = "__open__"

# The longest usual text of each column of the case table (the item's column stretches instead).
# A long name, a provisional date's （暂定） and a moved date's note (⚠ 原告知 …) are elided at 1280×800 so
# the item keeps room: the tooltip and the detail page carry them.
COLUMN_SAMPLES = ("", "000120261205000003", "王某某某", "", "待首席代表签批", "2026-12-05 22:18",
                  "2026-12-05 暂", "2026-12-05")


class CaseListView(QWidget):
    """Filters and search over a lazily paged table; the chosen case opens in the detail page."""

    case_opened = Signal(str)

    def __init__(self, ctx: AppContext, actor: Actor, prefs: Preferences, printer: DocumentPrinter,
                 deferred: bool = False) -> None:
        """`deferred`: load nothing now; the list loads off the UI thread when first shown."""
        super().__init__()
        self.ctx, self.actor, self.prefs = ctx, actor, prefs
        self.stack = QStackedWidget()
        QVBoxLayout(self).addWidget(self.stack)
        self.stack.layout().setContentsMargins(0, 0, 0, 0)
        self.list_page = QWidget()
        self._build_list(self.list_page)
        self.detail = CaseDetailView(ctx, actor, prefs, printer)
        self.detail.back.connect(self.show_list)
        self.detail.changed.connect(lambda _id: self.refresh())
        self.stack.addWidget(self.list_page)
        self.stack.addWidget(self.detail)
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self._enter)
        for combo in (self.state, self.light, self.item, self.scope):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        for w in (self.date_from, self.date_to):
            w.dateChanged.connect(lambda _d: self.refresh() if self.use_dates.isChecked() else None)
        self.use_dates.toggled.connect(lambda _on: self.refresh())
        self.table.activated.connect(self._activated)
        QShortcut(QKeySequence("Ctrl+F"), self, activated=self.focus_search)
        QShortcut(QKeySequence("F5"), self.list_page, activated=self.refresh)
        self.live = LiveRefresh(self.list_page, ctx, self._first_page, self._show_page, args=lambda: (self.query(),))
        if not deferred:
            self.refresh()

    def _build_list(self, page: QWidget) -> None:
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit(objectName="caseSearch")
        self.search.setPlaceholderText("受理编号、申请人姓名/名称（从首字起）、证件号码片段；扫码枪扫描回执条码直接打开办件")
        self.search.setClearButtonEnabled(True)
        self.count = QLabel(objectName="caseCount")
        self.count.setStyleSheet("color:#555;")
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        lay.addLayout(top)
        bar = QHBoxLayout()
        self.state = QComboBox(objectName="caseState")
        self.state.addItem("全部状态", "")
        self.state.addItem("办理中", OPEN)
        for st, label in STATE_LABELS.items():
            self.state.addItem(label, str(st))
        self.light = QComboBox(objectName="caseLight")
        for code, label in LIGHT_CHOICES:
            self.light.addItem(label, code)
        self.item = QComboBox(objectName="caseItem")
        self.item.addItem("全部事项", "")
        for it in search_items(self.ctx, self.actor, ""):
            self.item.addItem(it.name, it.code)
        self.scope = QComboBox(objectName="caseScope")
        if self.actor.window_id is not None:
            self.scope.addItem("本窗口", self.actor.window_id)
            self.scope.setToolTip(self.actor.window_name)
        self.scope.addItem("本机全部办件", None)
        self.use_dates = QCheckBox("收件日期", objectName="caseUseDates")
        today = self.ctx.today()
        self.date_from = QDateEdit(qdate(today.replace(day=1)), objectName="caseDateFrom", calendarPopup=True)
        self.date_to = QDateEdit(qdate(today), objectName="caseDateTo", calendarPopup=True)
        for combo in (self.state, self.light, self.item, self.scope):
            # Sized by a few characters, not by the longest item name: the bar must fit a 1366-pixel screen.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
        self.item.setMinimumContentsLength(12)
        for w in (self.date_from, self.date_to):
            w.setDisplayFormat("yyyy-MM-dd")
        for w in (self.state, self.light, self.item, self.scope, self.use_dates, self.date_from, QLabel("至"),
                  self.date_to):
            bar.addWidget(w)
        bar.addStretch(1)
        lay.addLayout(bar)
        self.model = CaseTableModel()
        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(lambda msg: self.count.setText(f"查询失败：{msg}"))
        self.table = QTableView(objectName="caseTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        # Widths from the font's own measure of the longest usual value (so 125 % scaling keeps them), and
        # whatever is left to the item's name, the column a clerk reads first after the number.
        fm = self.table.fontMetrics()
        for col, sample in enumerate(COLUMN_SAMPLES):
            self.table.setColumnWidth(col, 28 if not sample else fm.horizontalAdvance(sample) + 18)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.table, 1)

    # -- querying -----------------------------------------------------------------------------

    def query(self) -> CaseQuery:
        state = self.state.currentData()
        states = tuple(sorted(str(s) for s in OPEN_STATES)) if state == OPEN else ((state,) if state else ())
        dates = self.use_dates.isChecked()
        start: date | None = pydate(self.date_from.date()) if dates else None
        end: date | None = pydate(self.date_to.date()) if dates else None
        return CaseQuery(text=self.search.text(), states=states, light=self.light.currentData(),
                         item_code=self.item.currentData(), window_id=self.scope.currentData(),
                         received_from=start, received_to=end,
                         yellow_workdays=self.prefs.get("deadlines/yellow_workdays"))

    def _fetch(self, query: CaseQuery, after: Sequence[Any] | None) -> CasePage:
        return search_cases(self.ctx, self.actor, query, after)

    def refresh(self) -> None:
        """A new query from the filters: its first page now (one indexed page, a few milliseconds)."""
        self._debounce.stop()
        self.model.set_query(partial(self._fetch, self.query()))
        self.live.stale = False

    def _first_page(self, query: CaseQuery) -> tuple[CaseQuery, CasePage]:
        return query, self._fetch(query, None)

    def _show_page(self, loaded: tuple[CaseQuery, CasePage]) -> None:
        query, page = loaded
        if query != self.query():
            return  # the filters changed while it loaded: that query's page is already shown
        self.model.set_page(partial(self._fetch, query), page)

    def _loaded(self, rows: int, more: bool) -> None:
        if rows == 0:
            self.count.setText("没有符合条件的办件")
        else:
            self.count.setText(f"已显示 {rows} 件" + ("，向下滚动继续加载" if more else "（全部）"))

    def _enter(self) -> None:
        """Enter: a whole case number (scanner or typed) opens its case; otherwise search now."""
        text = self.search.text()
        if looks_like_case_no(text):
            self._debounce.stop()
            row = find_case_no(self.ctx, self.actor, text.strip(), self.prefs.get("deadlines/yellow_workdays"))
            if row is not None:
                self.search.selectAll()  # the next scan replaces it
                self.open_case(row.id)
                return
        self.refresh()
        if self.model.rowCount() == 1:
            self.open_case(self.model.row_at(0).id)
        elif self.model.rowCount():
            self.table.setFocus()
            self.table.selectRow(0)

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_case(self.model.row_at(index.row()).id)

    # -- navigation ---------------------------------------------------------------------------

    def open_case(self, case_id: str) -> None:
        self.detail.load(case_id)
        self.stack.setCurrentWidget(self.detail)
        self.case_opened.emit(case_id)

    def show_list(self) -> None:
        self.stack.setCurrentWidget(self.list_page)
        self.search.setFocus()

    def focus_search(self) -> None:
        self.show_list()
        self.search.selectAll()

    def show_filter(self, light: str) -> None:
        """Open the list with a light filter (from the due-soon panel)."""
        self.show_list()
        self.light.setCurrentIndex(max(0, self.light.findData(light)))
