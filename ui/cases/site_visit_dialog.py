"""现场核查 from the case detail: schedule it (prints the 现场核查通知书) or record its result with photos.

Keyboard: Alt+V on the case detail opens it; Tab walks the fields; Alt+P adds photos; Alt+S schedules (or
records). A case without a visit waiting shows the schedule form, one with a visit waiting shows the result form.
The core runs off the UI thread (it renders and seals the notice, stores the photos); an error lands under its
field and the dialog stays open; success closes it and the case detail prints and reloads.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.cases.site_visits import (
    RESULTS,
    SiteVisitInfo,
    SiteVisitInput,
    VisitResultInput,
    record_visit_result,
    schedule_site_visit,
)
from app.core.context import Actor, AppContext
from app.core.errors import AppError
from ui.widgets.field_errors import FieldErrors, error_label
from ui.widgets.tasks import TaskRunner

PHOTO_FILTER = "现场照片 (*.jpg *.jpeg *.png)"
_SEPARATORS = re.compile(r"[、，,;；/\s]+")


def _date_edit(name: str, day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day), objectName=name)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setCalendarPopup(True)
    return edit


def _day(edit: QDateEdit) -> date:
    d = edit.date()
    return date(d.year(), d.month(), d.day())


def _text(name: str) -> QPlainTextEdit:
    edit = QPlainTextEdit(objectName=name)
    edit.setTabChangesFocus(True)  # keyboard-first: Tab leaves it as it leaves a line
    edit.setFixedHeight(80)
    return edit


class SiteVisitDialog(QDialog):
    """`done` carries the SiteVisitInfo after a schedule (its notice to print) or a result."""

    done = Signal(object)

    def __init__(self, ctx: AppContext, actor: Actor, case_id: str, visits: Sequence[SiteVisitInfo],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="siteVisitDialog")
        self.ctx, self.actor, self.case_id = ctx, actor, case_id
        self.waiting = next((v for v in visits if v.result is None), None)
        self.setWindowTitle("现场核查" + ("结果" if self.waiting else "安排"))
        self.errors = FieldErrors()
        self.runner = TaskRunner(self)
        self.photo_paths: list[Path] = []
        lay = QVBoxLayout(self)
        self.history = QLabel("\n".join(v.summary for v in visits) or "本办件尚未安排现场核查",
                              objectName="siteVisitHistory", wordWrap=True)
        lay.addWidget(self.history)
        form = QFormLayout()
        lay.addLayout(form)
        today = ctx.today()
        if self.waiting is None:
            self.day = _date_edit("visitDay", today + timedelta(days=1))
            self.inspectors = QLineEdit(objectName="visitInspectors")
            self.inspectors.setPlaceholderText("至少两名，姓名之间用顿号分隔，如：李建国、赵敏")
            self.place = QLineEdit(objectName="visitPlace")
            self.place.setPlaceholderText("不填则为申请人地址")
            self.checks = _text("visitChecks")
            for label, widget, field in (("核查日期", self.day, "day"), ("核查人员", self.inspectors, "inspectors"),
                                         ("核查地点", self.place, "place"), ("核查内容", self.checks, "checks")):
                self._row(form, label, widget, field)
            button = "安排并打印通知书 (Alt+S)"
        else:
            self.result = QComboBox(objectName="visitResult")
            for code, label in RESULTS.items():
                self.result.addItem(label, code)
            self.rectify_due = _date_edit("visitRectifyDue", today + timedelta(days=15))
            self.note = _text("visitNote")
            self.photos = QListWidget(objectName="visitPhotos")
            self.photos.setMaximumHeight(90)
            self.photo_button = QPushButton("添加照片… (Alt+P)", objectName="visitAddPhotos",
                                            clicked=lambda: self.add_photos())
            for label, widget, field in (("核查结果", self.result, "result"), ("整改期限", self.rectify_due, "rectify_due"),
                                         ("核查意见", self.note, "note"), ("现场照片", self.photos, "photos")):
                self._row(form, label, widget, field)
            form.addRow("", self.photo_button)
            self.result.currentIndexChanged.connect(lambda _i: self._rectify_shown())
            self._rectify_shown()
            QShortcut(QKeySequence("Alt+P"), self, activated=lambda: self.add_photos())
        self.status = QLabel(objectName="visitStatus", wordWrap=True)
        lay.addWidget(self.status)
        row = QHBoxLayout()
        self.ok = QPushButton(button if self.waiting is None else "录入核查结果 (Alt+S)", objectName="visitOk",
                              clicked=self.submit)
        row.addStretch(1)
        row.addWidget(self.ok)
        row.addWidget(QPushButton("关闭", objectName="visitClose", clicked=self.reject))
        lay.addLayout(row)
        QShortcut(QKeySequence("Alt+S"), self, activated=self.submit)
        self.resize(600, 520)

    def _row(self, form: QFormLayout, label: str, widget: QWidget, field: str) -> None:
        form.addRow(label, widget)
        err = error_label()
        form.addRow("", err)
        self.errors.add(field, widget, err)

    def _rectify_shown(self) -> None:
        self.rectify_due.setEnabled(self.result.currentData() == "rectify")

    def add_photos(self, paths: Sequence[str] | None = None) -> None:
        """Photos chosen in the file dialog (or given, by a test); read when the result is recorded."""
        if paths is None:
            paths, _f = QFileDialog.getOpenFileNames(self, "添加现场照片", "", PHOTO_FILTER)
        for p in paths:
            self.photo_paths.append(Path(p))
            self.photos.addItem(Path(p).name)

    # -- submitting -----------------------------------------------------------------------------

    def submit(self) -> None:
        if not self.ok.isEnabled():
            return  # already working: a second Alt+S must not schedule twice
        self.errors.clear()
        self.ok.setEnabled(False)
        self.status.setText("正在办理…")
        ctx, actor, case_id = self.ctx, self.actor, self.case_id
        if self.waiting is None:
            data = SiteVisitInput(_day(self.day), tuple(n for n in _SEPARATORS.split(self.inspectors.text()) if n),
                                  self.checks.toPlainText(), self.place.text())

            def work(*, report: Any, cancel: Any) -> SiteVisitInfo:
                return schedule_site_visit(ctx, actor, case_id, data)

            title = "正在安排现场核查并出具通知书…"
        else:
            visit_id, paths = self.waiting.id, list(self.photo_paths)
            result, note = str(self.result.currentData()), self.note.toPlainText()
            due = _day(self.rectify_due) if result == "rectify" else None

            def work(*, report: Any, cancel: Any) -> SiteVisitInfo:
                photos = tuple((p.name, p.read_bytes()) for p in paths)  # read here, off the UI thread
                return record_visit_result(ctx, actor, visit_id, VisitResultInput(result, note, due, photos))

            title = "正在录入核查结果…"
        self.runner.run(work, title=title, on_done=self._done, on_error=self._error)

    def _done(self, info: SiteVisitInfo) -> None:
        self.done.emit(info)
        self.accept()

    def _error(self, exc: BaseException) -> None:
        self.ok.setEnabled(True)
        if isinstance(exc, OSError):
            exc = AppError("photo_unreadable", f"无法读取照片：{exc}", "photos")
        if not isinstance(exc, AppError):
            self.status.setText("")
            raise exc
        shown = self.errors.show(exc.field, exc.message)
        self.status.setText("" if shown else exc.message)
