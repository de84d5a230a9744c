"""Small forms of the case desk: special procedure, extension, rating, void, follow-up, telling a new date, 补正."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from app.cases.ratings import CHANNELS, LEVELS, STAGES
from app.cases.special_procedures import EXTENSION_DAYS, JOINT_EXTENSION_DAYS, SUSPENSION_KINDS
from app.core.errors import AppError
from app.intake.correction import supplement
from app.intake.input_checks import MaterialInput
from ui.widgets.field_errors import FieldErrors, error_label


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class ActionDialog(QDialog):
    """A form whose OK runs `submit()` in the core; a known error stays in the dialog under its field."""

    def __init__(self, title: str, ok_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.errors = FieldErrors()
        self.form = QFormLayout(self)
        self.general = error_label()
        self.result_value: Any = None
        self._submit: Callable[[], Any] | None = None
        self._ok_text = ok_text

    def field(self, label: str, widget: QWidget, name: str) -> QWidget:
        err = error_label()
        self.form.addRow(label, widget)
        self.form.addRow("", err)
        self.errors.add(name, widget, err)
        return widget

    def finish(self, submit: Callable[[], Any]) -> None:
        self._submit = submit
        self.form.addRow(self.general)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self._ok_text)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.run)
        buttons.rejected.connect(self.reject)
        self.form.addRow(buttons)

    def run(self) -> None:
        assert self._submit is not None
        self.general.hide()  # a message from an earlier attempt must not stand beside the new one
        try:
            self.result_value = self._submit()
        except AppError as exc:
            if not self.errors.show(exc.field, exc.message):
                self.general.setText(exc.message)
                self.general.show()
            return
        self.accept()


class SuspendDialog(ActionDialog):
    """Art. 45 only: the list holds exactly its types (and 公示 with its basis); a site visit is not one."""

    def __init__(self, today: date, submit: Callable[[str, str, int, str, date], Any],
                 parent: QWidget | None = None) -> None:
        super().__init__("特别程序（暂停计时）", "开始并出具特别程序告知书", parent)
        note = QLabel("依《行政许可法》第四十五条，仅听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审（及有法定依据的公示）"
                      "所需时间不计入办理期限；现场踏勘、现场核查的时间照常计算。")
        note.setWordWrap(True)
        note.setStyleSheet("color:#555;")
        self.form.addRow(note)
        self.kind = QComboBox(objectName="suspendKind")
        for code, label in SUSPENSION_KINDS.items():
            self.kind.addItem(label, code)
        self.field("程序类型", self.kind, "kind")
        self.reason = QPlainTextEdit(objectName="suspendReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(70)
        self.field("理由", self.reason, "reason")
        self.days = QSpinBox(objectName="suspendDays", minimum=1, maximum=250, value=5, suffix=" 个工作日")
        self.field("预计所需时间", self.days, "expected_days")
        self.basis = QLineEdit(objectName="suspendBasis")
        self.basis.setPlaceholderText("公示须写明法律、法规依据")
        self.field("依据", self.basis, "basis")
        self.start = QDateEdit(qdate(today), objectName="suspendStart", calendarPopup=True)
        self.start.setMaximumDate(qdate(today))
        self.field("开始日期", self.start, "start")
        self.finish(lambda: submit(self.kind.currentData(), self.reason.toPlainText(), self.days.value(),
                                   self.basis.text(), pydate(self.start.date())))


class ResumeDialog(ActionDialog):
    def __init__(self, today: date, earliest: date, submit: Callable[[date, str], Any],
                 parent: QWidget | None = None) -> None:
        super().__init__("特别程序结束", "结束，恢复计时", parent)
        self.end = QDateEdit(qdate(today), objectName="resumeEnd", calendarPopup=True)
        self.end.setDateRange(qdate(earliest), qdate(today))
        self.field("结束日期（当日不计入）", self.end, "end")
        self.note = QLineEdit(objectName="resumeNote")
        self.note.setPlaceholderText("如：专家评审意见已出具")
        self.field("说明", self.note, "note")
        self.finish(lambda: submit(pydate(self.end.date()), self.note.text()))


class ExtensionDialog(ActionDialog):
    def __init__(self, submit: Callable[[str, bool], Any], parent: QWidget | None = None) -> None:
        super().__init__("批准延期（行政许可法第四十二条）", "批准并出具延期告知书", parent)
        self.reason = QPlainTextEdit(objectName="extensionReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(80)
        self.field("延期理由", self.reason, "reason")
        self.joint = QCheckBox(f"统一办理、联合办理或集中办理（延长 {JOINT_EXTENSION_DAYS} 个工作日，否则 {EXTENSION_DAYS} 个）",
                               objectName="extensionJoint")
        self.form.addRow("", self.joint)
        self.finish(lambda: submit(self.reason.toPlainText(), self.joint.isChecked()))


class RatingDialog(ActionDialog):
    """Typing in the applicant's paper form: nothing is preselected, the level must be chosen."""

    def __init__(self, stages: list[str], submit: Callable[[str, int, str, str], Any],
                 parent: QWidget | None = None) -> None:
        super().__init__("登记好差评（纸质评价表）", "登记", parent)
        self.stage = QComboBox(objectName="ratingStage")
        for code in stages:
            self.stage.addItem(STAGES[code], code)
        self.field("评价环节", self.stage, "stage")
        self.level = QComboBox(objectName="ratingLevel")
        self.level.addItem("（请按评价表选择）", 0)
        for value, label in LEVELS.items():
            self.level.addItem(label, value)
        self.field("评价等级", self.level, "level")
        self.comment = QPlainTextEdit(objectName="ratingComment")
        self.comment.setTabChangesFocus(True)
        self.comment.setFixedHeight(70)
        self.field("意见（照录）", self.comment, "comment")
        self.form.addRow("渠道", QLabel(CHANNELS["paper"]))
        self.finish(lambda: submit(self.stage.currentData(), self.level.currentData(), self.comment.toPlainText(),
                                   "paper"))


class TextDialog(ActionDialog):
    """One required line of text: a void reason, how the applicant was told, a follow-up note."""

    def __init__(self, title: str, label: str, ok_text: str, submit: Callable[[str], Any], name: str,
                 placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(title, ok_text, parent)
        self.text = QLineEdit(objectName=f"{name}Text")
        self.text.setPlaceholderText(placeholder)
        self.field(label, self.text, name)
        self.finish(lambda: submit(self.text.text()))


SUPPLEMENT_CHOICES = (("", "仍未补齐"), ("original", "已补齐，原件已核"), ("copy", "已补齐"))


class SupplementDialog(ActionDialog):
    """补正: what the one-time notice listed, one line each; the clerk marks what the applicant brought back.

    Only the listed papers are offered (一次性告知制: nothing new may be asked here). When nothing is left
    outstanding the case is accepted in the core's same transaction, and its documents are printed.
    """

    def __init__(self, outstanding: list[Any], submit: Callable[[list[tuple[Any, bool]]], Any],
                 parent: QWidget | None = None) -> None:
        super().__init__("补正材料", "确认补正", parent)
        self.setMinimumWidth(560)
        self.choices: list[tuple[Any, QComboBox]] = []
        for line in outstanding:
            combo = QComboBox(objectName=f"supplement_{line.seq}")
            for key, label in SUPPLEMENT_CHOICES:
                combo.addItem(label, key)
            name = QLabel(f"{line.seq}. {line.name}（{line.defect or line.status_label}）")
            name.setWordWrap(True)
            self.form.addRow(name)
            # A 一件事's merged line names its own field (papers.<key>); a case's material its id.
            self.field("补正情况", combo, getattr(line, "field_name", None) or f"materials.{line.item_material_id}")
            self.choices.append((line, combo))
        self.finish(lambda: submit(self._brought()))

    def _brought(self) -> list[tuple[Any, bool]]:
        brought = [(line, combo.currentData() == "original") for line, combo in self.choices if combo.currentData()]
        if not brought:  # a 补正 that records nothing would only add a line to the timeline
            raise AppError("nothing_brought", "请标明申请人补回了哪些材料")
        return brought


def supplement_dialog_for(ctx: Any, actor: Any, detail: Any, parent: QWidget | None = None) -> SupplementDialog:
    """The 补正 form for a notified case: its missing and defective papers, recorded through the core's 补正."""
    outstanding = [m for m in detail.materials if m.status in ("missing", "defective")]
    return SupplementDialog(outstanding, lambda brought: supplement(
        ctx, actor, detail.id, tuple(MaterialInput(m.item_material_id, "received", original, m.copies_required)
                                     for m, original in brought)), parent)
