"""The opinion and decision form: the clerk's review (一审), the 一审制 decision, the chief's sign-off (核准签发).

The dialog does not call the core: it emits `submitted` with the DecisionInput and stays open, so
an error the core reports appears under its field and the person corrects it in place.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.reference.hall import HallInfo
from app.signoff.decisions import DecisionInput
from ui.widgets.dialog_buttons import ok_cancel
from ui.widgets.field_errors import FieldErrors, error_label

MODES = {
    "review": ("审查意见（一审）", "提交审查意见", "审查意见"),
    "decide": ("一审制决定", "作出决定并用印…", "审查意见"),
    "signoff": ("核准签发", "签发并用印…", "签批意见"),
}


class ReviewDialog(QDialog):
    """One case's opinion and (proposed) decision; `submitted` carries it to the view."""

    submitted = Signal(object)

    def __init__(self, mode: str, case_title: str, hall: HallInfo, proposal: DecisionInput | None = None,
                 reviewer: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title, button, opinion_label = MODES[mode]
        self.mode = mode
        self.setWindowTitle(f"{title} — {case_title.splitlines()[0]}")
        self.setMinimumWidth(620)
        self.errors = FieldErrors()
        layout = QVBoxLayout(self)
        first, *more = case_title.splitlines()  # further lines: what the chief reads first (the site visit)
        head = QLabel(f"<b>{escape(first)}</b>" + "".join(f"<br>{escape(line)}" for line in more),
                      objectName="reviewCaseTitle")
        head.setWordWrap(True)
        layout.addWidget(head)
        if proposal is not None and mode == "signoff":
            verdict = "拟准予许可" if proposal.outcome == "approve" else "拟不予许可"
            note = QLabel(f"审查人 {escape(reviewer)}：{verdict}。{escape(proposal.opinion)}", objectName="reviewNote")
            note.setWordWrap(True)
            note.setStyleSheet("background: #f3f6fa; padding: 6px; border: 1px solid #d5dde8;")
            layout.addWidget(note)
        form = QFormLayout()
        layout.addLayout(form)
        self.approve = QRadioButton("准予许可", objectName="outcomeApprove")
        self.deny = QRadioButton("不予许可", objectName="outcomeDeny")
        group = QButtonGroup(self)
        for b in (self.approve, self.deny):
            group.addButton(b)
        row = QHBoxLayout()
        row.addWidget(self.approve)
        row.addWidget(self.deny)
        row.addStretch(1)
        self.outcome_row = QWidget()
        self.outcome_row.setLayout(row)
        self.opinion = QPlainTextEdit(objectName="opinion")
        self.opinion.setTabChangesFocus(True)
        self.opinion.setFixedHeight(64)
        self.content = QPlainTextEdit(objectName="content")
        self.content.setTabChangesFocus(True)
        self.content.setFixedHeight(64)
        self.content.setPlaceholderText("许可的范围、条件，如：经营项目：预包装食品销售")
        self.validity = QLineEdit(objectName="validity")
        self.validity.setPlaceholderText("如：2026年11月20日至2031年11月19日（无期限要求可不填）")
        self.reasons = QPlainTextEdit(objectName="reasons")
        self.reasons.setTabChangesFocus(True)
        self.reasons.setFixedHeight(64)
        self.basis = QLineEdit(objectName="basis")
        # The decision already cites art. 38 (2) of the licensing law; this is the law the application fails.
        self.basis.setPlaceholderText("不予许可的实体法依据，如：《中华人民共和国食品安全法》第三十五条")
        self.authority = QLineEdit(objectName="authority")
        self.authority.setPlaceholderText("属于其他机关职权时，写明应向哪个机关申请")
        self.rights = QLabel(f"救济途径：行政复议机关 {escape(hall.reconsideration_body) or '（未设置）'}；"
                             f"行政诉讼 {escape(hall.court) or '（未设置）'}", objectName="rights")
        self.rights.setStyleSheet("color: #555;")
        self._rows: dict[str, list[QWidget]] = {"approve": [], "deny": []}
        self._field(form, "结论", self.outcome_row, "outcome")
        self._field(form, opinion_label, self.opinion, "opinion")
        self._field(form, "许可内容", self.content, "content", "approve")
        self._field(form, "有效期限", self.validity, "validity", "approve")
        self._field(form, "不予许可理由", self.reasons, "reasons", "deny")
        self._field(form, "法律依据", self.basis, "basis", "deny")
        self._field(form, "有权机关", self.authority, "competent_authority", "deny")
        form.addRow("", self.rights)
        self._rows["deny"].append(self.rights)
        self.general = error_label()
        layout.addWidget(self.general)
        buttons, self.ok = ok_cancel(button, self._submit, self.reject)
        self.ok.setObjectName("submitDecision")
        layout.addWidget(buttons)
        self.approve.toggled.connect(self._show_fields)
        self._fill(proposal)

    def _field(self, form: QFormLayout, label: str, widget: QWidget, name: str, only: str = "") -> None:
        err = error_label()
        form.addRow(label, widget)
        form.addRow("", err)
        self.errors.add(name, widget, err)
        if only:
            self._rows[only] += [widget, form.labelForField(widget)]

    def _fill(self, proposal: DecisionInput | None) -> None:
        p = proposal or DecisionInput("approve", "")
        (self.approve if p.outcome == "approve" else self.deny).setChecked(True)
        if self.mode == "signoff":
            self.opinion.setPlainText("同意" if p.outcome == "approve" else "同意不予许可")
        self.content.setPlainText(p.content)
        self.validity.setText(p.validity)
        self.reasons.setPlainText(p.reasons)
        self.basis.setText(p.basis)
        self.authority.setText(p.competent_authority)
        self._show_fields()
        self.opinion.setFocus()

    def _show_fields(self) -> None:
        approve = self.approve.isChecked()
        for w in self._rows["approve"]:
            w.setVisible(approve)
        for w in self._rows["deny"]:
            w.setVisible(not approve)

    def decision(self) -> DecisionInput:
        approve = self.approve.isChecked()
        return DecisionInput("approve" if approve else "deny", self.opinion.toPlainText(),
                             self.content.toPlainText() if approve else "", self.validity.text() if approve else "",
                             "" if approve else self.reasons.toPlainText(), "" if approve else self.basis.text(),
                             "" if approve else self.authority.text())

    def _submit(self) -> None:
        self.errors.clear()
        self.general.hide()
        self.submitted.emit(self.decision())

    def show_error(self, field: str | None, message: str) -> None:
        """An error from the core: under its field, or under the form when it belongs to no field."""
        if not self.errors.show(field, message):
            self.general.setText(message)
            self.general.show()


class OpinionDialog(QDialog):
    """A single opinion (上报 or 退回): `submitted` carries the text; errors appear under it."""

    submitted = Signal(str)

    def __init__(self, title: str, case_title: str, button: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{title} — {case_title.splitlines()[0]}")
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{escape(title)}意见："))
        self.opinion = QPlainTextEdit(objectName="opinionText")
        self.opinion.setTabChangesFocus(True)
        self.opinion.setFixedHeight(90)
        layout.addWidget(self.opinion)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons, _ok = ok_cancel(button, lambda: self.submitted.emit(self.opinion.toPlainText()), self.reject)
        layout.addWidget(buttons)
        self.opinion.setFocus()

    def show_error(self, _field: str | None, message: str) -> None:
        self.error.setText(message)
        self.error.show()
