"""一件事 intake at the comprehensive window: pick the theme, fill one form, check one list of papers.

Keyboard first: Ctrl+T goes to the theme picker, Alt+A marks every paper handed over as asked, Alt+S
accepts, Alt+G issues the one combined 一次性告知书, Alt+B refuses the selected item alone (the rest go
on). The core does the checking; errors are shown at the field they name.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.bundles.adhoc import ADHOC, adhoc_theme
from app.bundles.bundle_intake import BundleInput, BundleResult, PartRefusal, accept_bundle, notify_bundle
from app.bundles.bundle_receipt import receive_bundle
from app.core.context import Actor, AppContext
from app.core.errors import AppError
from app.documents.data import Refusal
from app.reference.catalog import Theme, list_themes, search_items
from app.reference.hall import hall_info
from ui.bundles.applicant_form import ApplicantForm
from ui.bundles.item_picker import ItemPickerDialog
from ui.bundles.papers_panel import PapersPanel
from ui.intake.refusal_dialog import RefusalDialog
from ui.widgets.action_buttons import add_action_buttons
from ui.widgets.field_errors import FieldErrors, error_label, show_failure
from ui.widgets.table_helpers import fit_to_contents
from ui.widgets.tasks import TaskRunner

PART_HEADERS = ("事项（承诺/法定）", "办理窗口", "前置事项", "本次")


class BundleIntakeView(QWidget):
    """One 一件事 application at a time; `completed` carries the BundleResult of each outcome."""

    completed = Signal(object)

    def __init__(self, ctx: AppContext, actor: Actor) -> None:
        super().__init__()
        self.ctx, self.actor = ctx, actor
        self.errors = FieldErrors()
        self.runner = TaskRunner(self)
        self.themes: list[Theme] = []
        self.theme: Theme | None = None
        self.refused: dict[str, Refusal] = {}
        self.item_picker: ItemPickerDialog | None = None
        self._busy = False  # an outcome is being written: a second Alt+S must not make a second bundle
        outer = QVBoxLayout(self)
        pick = QHBoxLayout()
        self.picker = QComboBox(objectName="themePicker")
        self.picker.setMinimumWidth(220)
        theme_label = QLabel("“一件事”主题 (Ctrl+T)")
        theme_label.setBuddy(self.picker)
        pick.addWidget(theme_label)
        pick.addWidget(self.picker)
        self.theme_note = QLabel(objectName="themeNote")
        self.theme_note.setWordWrap(True)
        pick.addWidget(self.theme_note, 1)
        outer.addLayout(pick)
        theme_err = error_label()
        self.errors.add("theme", self.picker, theme_err)
        outer.addWidget(theme_err)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        body = QWidget()
        lay = QVBoxLayout(body)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        top = QHBoxLayout()
        self.applicant = ApplicantForm(self.errors)
        top.addWidget(self.applicant, 2)
        right = QVBoxLayout()
        right.addWidget(self._build_parts())
        right.addWidget(self.applicant.shared_box)
        right.addStretch(1)
        top.addLayout(right, 3)
        lay.addLayout(top)
        self.papers = PapersPanel(self.errors)
        box = QGroupBox("合并材料清单（一套材料：同一份材料只收一次）")
        QVBoxLayout(box).addWidget(self.papers)
        papers_err = error_label()
        self.errors.add("papers", self.picker, papers_err)
        box.layout().addWidget(papers_err)
        lay.addWidget(box)
        lay.addStretch(1)
        self._build_buttons(outer)
        self.applicant.lines["agent_name"].textChanged.connect(lambda t: self.papers.set_agent(bool(t.strip())))
        self.picker.currentIndexChanged.connect(lambda _i: self._pick(self.picker.currentData()))
        QShortcut(QKeySequence("Ctrl+T"), self, activated=self.picker.setFocus)
        self.runner.run(lambda **_: list_themes(ctx, actor), quiet=True, on_done=self._themes_loaded,
                        on_error=self._error)

    def _build_parts(self) -> QGroupBox:
        box = QGroupBox("包含的事项（并联办理）")
        lay = QVBoxLayout(box)
        self.parts = QTableWidget(0, len(PART_HEADERS), objectName="bundleParts")
        self.parts.setHorizontalHeaderLabels(PART_HEADERS)
        self.parts.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.parts.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.parts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.parts.verticalHeader().hide()
        header = self.parts.horizontalHeader()
        fit_to_contents(header)
        for col in (0, 1):  # the long names wrap instead of being cut at 1280 px; the 前置 column fits its name
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        self.parts.setWordWrap(True)
        header.sectionResized.connect(lambda *_: QTimer.singleShot(0, self._fit_parts))
        lay.addWidget(self.parts)
        err = error_label()
        self.errors.add("refused", self.parts, err)
        lay.addWidget(err)
        return box

    def _build_buttons(self, outer: QVBoxLayout) -> None:
        row = QHBoxLayout()
        self.status = QLabel(objectName="bundleStatus")
        self.status.setWordWrap(True)
        row.addWidget(self.status, 1)
        add_action_buttons(self, row, (("材料全部已收 (Alt+A)", "Alt+A", self.papers.all_received, "allReceived"),
                                      ("受理 (Alt+S)", "Alt+S", self.do_accept, "bundleAccept"),
                                      ("一次性告知 (Alt+G)", "Alt+G", self.do_notify, "bundleNotify"),
                                      ("收件待审 (Alt+R)", "Alt+R", self.do_receive, "bundleReceive"),
                                      ("单项不予受理 (Alt+B)", "Alt+B", self.refuse_part, "bundleRefusePart"),
                                      ("清空", "", self.clear_form, "bundleClear")))
        outer.addLayout(row)

    # -- the theme ----------------------------------------------------------------------------

    def _themes_loaded(self, themes: list[Theme]) -> None:
        self.themes = themes
        self.picker.blockSignals(True)
        self.picker.clear()
        self.picker.addItem("请选择“一件事”…", None)
        for t in themes:
            self.picker.addItem(f"{t.name}（{len(t.parts)} 个事项）", t.code)
        self.picker.addItem("自选事项（无合适主题时手工组合）…", ADHOC)
        self.picker.blockSignals(False)

    def pick_theme(self, code: str) -> None:
        """Select a theme by code, as choosing it in the picker does."""
        self.picker.setCurrentIndex(self.picker.findData(code))

    def _pick(self, code: str | None) -> None:
        if code == ADHOC:
            QTimer.singleShot(0, self.choose_items)  # after the combo's popup has closed
            return
        self._use(next((t for t in self.themes if t.code == code), None))

    def choose_items(self) -> None:
        """自选事项: tick the items; they make this application's own theme (app/bundles/adhoc.py)."""
        self.item_picker = ItemPickerDialog(search_items(self.ctx, self.actor, "", limit=5000), self)
        self.item_picker.finished.connect(self._items_chosen)
        self.item_picker.open()

    def _items_chosen(self, result: int) -> None:
        dialog = self.item_picker
        theme = None
        if dialog is not None and result == ItemPickerDialog.DialogCode.Accepted:
            try:
                theme = adhoc_theme(self.ctx, self.actor, dialog.chosen())
            except AppError as exc:
                self.errors.show("theme", exc.message)
        if theme is None and (self.theme is None or self.theme.code != ADHOC):
            self.picker.blockSignals(True)  # nothing chosen: back to the theme that was there
            self.picker.setCurrentIndex(max(0, self.picker.findData(self.theme.code if self.theme else None)))
            self.picker.blockSignals(False)
            return
        if theme is not None:
            self._use(theme)

    def _use(self, theme: Theme | None) -> None:
        self.theme = theme
        self.refused = {}
        self.applicant.set_fields(self.theme.fields if self.theme else ())
        self.papers.set_theme(self.theme)
        self._show_parts()
        t = self.theme
        self.theme_note.setText(f"{len(t.parts)} 个事项、{len(t.papers)} 份材料；受理后分送各部门窗口并联办理，"
                                "前置事项准予后其余事项开始计时，办结后在本窗口统一出件" if t else "")
        first = self.applicant.lines["name"]
        QTimer.singleShot(0, first.setFocus)

    def _show_parts(self) -> None:
        t = self.theme
        parts = t.parts if t else ()
        names = {p.item_code: p.item_name for p in parts}
        self.parts.setRowCount(len(parts))
        for r, p in enumerate(parts):
            refusal = self.refused.get(p.item_code)
            cells = (f"{p.item_name}\n{p.promised_days} / {p.legal_days} 工作日", p.window or p.window_code,
                     "、".join(names[a] for a in p.after) or "—", f"不予受理：{refusal.reasons}" if refusal else "受理")
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, p.item_code)
                cell.setToolTip(f"{p.item_name}：{p.department}，{p.window or p.window_code}")
                self.parts.setItem(r, c, cell)
        self._fit_parts()

    def _fit_parts(self) -> None:
        """As tall as its rows, no more (the room below goes to the shared fields and the papers); again whenever
        a column's width changes, since the long names wrap to it."""
        self.parts.resizeRowsToContents()
        rows = sum(self.parts.rowHeight(r) for r in range(self.parts.rowCount()))
        self.parts.setFixedHeight(self.parts.horizontalHeader().height() + rows + 2 * self.parts.frameWidth() + 6)

    def refuse_part(self) -> None:
        """不予受理 of the selected item alone; the same key on an item already refused takes it back."""
        row = self.parts.currentRow()
        if self.theme is None or row < 0:
            self.status.setText("请先在事项表中选中要不予受理的事项")
            return
        code = self.theme.parts[row].item_code
        if code in self.refused:
            del self.refused[code]
        else:
            dialog = RefusalDialog(hall_info(self.ctx), self)
            self._refusal_dialog = dialog  # the tests fill it in
            if dialog.exec() != RefusalDialog.DialogCode.Accepted:
                return
            self.refused[code] = dialog.refusal()
        self._show_parts()
        self.parts.setCurrentCell(row, 0)

    # -- outcomes -----------------------------------------------------------------------------

    def bundle_input(self) -> BundleInput:
        t = self.theme
        return BundleInput(t.code if t else "", self.applicant.applicant(), self.papers.values(),
                           self.applicant.field_values(), tuple(PartRefusal(code, r) for code, r in self.refused.items()),
                           tuple(p.item_code for p in t.parts) if t and t.code == ADHOC else ())

    def _run(self, title: str, fn: Any, *args: Any) -> None:
        if self._busy:
            return  # the outcome under way is the one; the key was pressed twice
        self.errors.clear()
        if self.theme is None:  # an empty form (e.g. Alt+S pressed again after the last bundle): nothing to run
            self.errors.show("theme", "请先选择“一件事”主题")
            return
        data = self.bundle_input()
        self._busy = True
        self.status.setText(f"正在{title}…")
        self.runner.run(lambda **_: fn(self.ctx, self.actor, data, *args), title=f"正在{title}…",
                        on_done=self._done, on_error=self._error)

    def do_accept(self) -> None:
        self._run("受理", accept_bundle)

    def do_receive(self) -> None:
        """收件: papers taken in for examination; every part is accepted or told within five working days."""
        self._run("收件", receive_bundle)

    def do_notify(self) -> None:
        self._run("出具一次性告知书", notify_bundle)

    def _done(self, result: BundleResult) -> None:
        self._busy = False
        self.clear_form()  # ready for the next applicant: nothing of this one can become a second bundle
        head = {"notified": "已出具一次性告知书", "received": "已收件（五个工作日内审查）"}.get(result.state, "已受理")
        refused = [p.item_name for p in result.parts if p.state == "refused"]
        self.status.setText(f"{head}：一件事编号 {result.bundle_no}，{len(result.parts)} 个事项"
                            + (f"（不予受理：{'、'.join(refused)}）" if refused else ""))
        self.last_result = result
        self.completed.emit(result)

    def _error(self, exc: BaseException) -> None:
        self._busy = False
        self.status.setText("")
        show_failure(self, self.errors, exc)

    def clear_form(self) -> None:
        self.applicant.clear()
        self.errors.clear()
        self.picker.setCurrentIndex(0)  # no theme: the papers and parts of the last application go too
        self.picker.setFocus()
