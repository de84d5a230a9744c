"""咨询登记 (首问负责制): items, person, answer in a few keystrokes; prints the 一次性告知单; 转受理 without retyping.

Keyboard: type an item's name or pinyin initials and press Enter to add it (↓/↑ pick another match, Delete
removes the chosen one), Tab through name, phone, question and answer, Alt+S records and prints, Alt+Z
takes the visitor to the intake form with the item, name and phone filled in. The core runs off the UI thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.context import Actor, AppContext
from app.core.errors import AppError
from app.intake.consultations import (
    MAX_ITEMS,
    ConsultationInput,
    ConsultationResult,
    IntakeStart,
    intake_start,
    record_consultation,
)
from app.reference.catalog import search_items
from ui.widgets.field_errors import FieldErrors, error_label
from ui.widgets.tasks import TaskRunner


class ConsultationDialog(QDialog):
    """One visitor's question; `recorded` carries the result (the caller prints its document)."""

    recorded = Signal(object)  # ConsultationResult
    to_intake = Signal(object)  # IntakeStart

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="consultationDialog")
        self.ctx, self.actor = ctx, actor
        self.setWindowTitle("咨询登记（首问负责）")
        self.errors = FieldErrors()
        self.runner = TaskRunner(self)
        self.result: ConsultationResult | None = None
        lay = QVBoxLayout(self)
        form = QFormLayout()
        lay.addLayout(form)
        self.item_search = QLineEdit(objectName="consultItemSearch")
        self.item_search.setPlaceholderText(f"事项名称、编码或拼音首字母，回车加入（最多 {MAX_ITEMS} 项）")
        self.matches = QListWidget(objectName="consultMatches")
        self.matches.setMaximumHeight(140)
        self.matches.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.matches.hide()
        self.chosen = QListWidget(objectName="consultChosen")
        self.chosen.setMaximumHeight(80)
        form.addRow("咨询事项", self.item_search)
        form.addRow("", self.matches)
        form.addRow("已选事项", self.chosen)
        self._error_row(form, "items", self.item_search)
        self.person_name = self._line(form, "咨询人（可不填）", "consultName", "person_name")
        self.person_phone = self._line(form, "联系电话（可不填）", "consultPhone", "person_phone")
        self.question = self._line(form, "咨询内容", "consultQuestion", "question")
        self.answer = QPlainTextEdit(objectName="consultAnswer")
        self.answer.setTabChangesFocus(True)  # keyboard-first: Tab leaves the answer as it leaves a line
        self.answer.setFixedHeight(90)
        form.addRow("答复", self.answer)
        self._error_row(form, "answer", self.answer)
        self.status = QLabel(objectName="consultStatus")
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        row = QHBoxLayout()
        self.record_button = QPushButton("登记并打印告知单 (Alt+S)", objectName="consultRecord",
                                         clicked=self.do_record)
        self.intake_button = QPushButton("转受理 (Alt+Z)", objectName="consultToIntake", clicked=self.do_intake)
        self.intake_button.setEnabled(False)
        row.addStretch(1)
        row.addWidget(self.record_button)
        row.addWidget(self.intake_button)
        row.addWidget(QPushButton("关闭", clicked=self.reject))
        lay.addLayout(row)
        QShortcut(QKeySequence("Alt+S"), self, activated=self.do_record)
        QShortcut(QKeySequence("Alt+Z"), self, activated=self.do_intake)
        self.item_search.textEdited.connect(self._search)
        self.item_search.returnPressed.connect(self._add_current)
        self.item_search.installEventFilter(self)
        self.chosen.installEventFilter(self)
        self.resize(620, 560)

    def _error_row(self, form: QFormLayout, name: str, widget: QWidget) -> None:
        err = error_label()
        form.addRow("", err)
        self.errors.add(name, widget, err)

    def _line(self, form: QFormLayout, label: str, object_name: str, field: str) -> QLineEdit:
        edit = QLineEdit(objectName=object_name)
        form.addRow(label, edit)
        self._error_row(form, field, edit)
        return edit

    # -- items ------------------------------------------------------------------------------------

    def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.KeyPress:
            if obj is self.item_search and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.matches.count():
                step = 1 if event.key() == Qt.Key.Key_Down else -1
                self.matches.setCurrentRow(max(0, min(self.matches.count() - 1, self.matches.currentRow() + step)))
                return True
            if obj is self.chosen and event.key() == Qt.Key.Key_Delete and self.chosen.currentRow() >= 0:
                self.chosen.takeItem(self.chosen.currentRow())
                return True
        return super().eventFilter(obj, event)

    def _search(self, text: str) -> None:
        self.matches.clear()
        for it in search_items(self.ctx, self.actor, text, limit=20) if text.strip() else []:
            entry = QListWidgetItem(f"{it.name}　{it.code}　{it.department}")
            entry.setData(Qt.ItemDataRole.UserRole, it.id)
            self.matches.addItem(entry)
        self.matches.setVisible(self.matches.count() > 0)
        if self.matches.count():
            self.matches.setCurrentRow(0)

    def _add_current(self) -> None:
        current = self.matches.currentItem()
        if current is None:
            return
        item_id = current.data(Qt.ItemDataRole.UserRole)
        if item_id not in self.item_ids():
            entry = QListWidgetItem(current.text().split("　")[0])
            entry.setData(Qt.ItemDataRole.UserRole, item_id)
            self.chosen.addItem(entry)
        self.item_search.clear()
        self.matches.clear()
        self.matches.hide()

    def item_ids(self) -> tuple[int, ...]:
        return tuple(self.chosen.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.chosen.count()))

    # -- actions ----------------------------------------------------------------------------------

    def data(self) -> ConsultationInput:
        return ConsultationInput(self.item_ids(), self.answer.toPlainText(), self.person_name.text(),
                                 self.person_phone.text(), self.question.text())

    def do_record(self) -> None:
        if self.result is not None:
            return  # recorded once; a second visitor is a new dialog
        self.errors.clear()
        data = self.data()
        self.status.setText("正在登记…")

        def work(*, report: Any, cancel: Any) -> ConsultationResult:
            return record_consultation(self.ctx, self.actor, data)

        self.runner.run(work, title="正在登记咨询…", on_done=self._recorded, on_error=self._error)

    def _recorded(self, result: ConsultationResult) -> None:
        self.result = result
        where = "、".join(result.referrals)
        self.status.setText("已登记，一次性告知单已送打印。" + (
            f"请引导咨询人到 {where} 办理（告知单已注明）；您仍是本次咨询的首问责任人。" if where else ""))
        self.record_button.setEnabled(False)
        self.intake_button.setEnabled(True)
        self.activateWindow()  # back from the task runner's progress dialog
        self.intake_button.setFocus()  # Enter or Alt+Z: the visitor applies now
        self.recorded.emit(result)

    def do_intake(self) -> None:
        if self.result is None:
            return
        consultation_id = self.result.id

        def work(*, report: Any, cancel: Any) -> IntakeStart:
            return intake_start(self.ctx, self.actor, consultation_id)

        self.runner.run(work, title="正在转入受理…", on_done=self._to_intake, on_error=self._error)

    def _to_intake(self, begun: IntakeStart) -> None:
        self.to_intake.emit(begun)
        self.accept()

    def _error(self, exc: BaseException) -> None:
        if not isinstance(exc, AppError):
            self.status.setText("")
            raise exc
        shown = self.errors.show(exc.field, exc.message)
        self.status.setText("" if shown else exc.message)
