"""不予受理: reasons, basis, competent authority and the rights the applicant has — none may be blank."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QPlainTextEdit, QWidget

from app.core.errors import ValidationError
from app.documents.data import Refusal
from app.intake.outcomes import check_refusal
from app.reference.hall import HallInfo
from ui.widgets.field_errors import FieldErrors, error_label

DEFAULT_BASIS = "《中华人民共和国行政许可法》第三十二条第一款"


class RefusalDialog(QDialog):
    def __init__(self, hall: HallInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("不予受理")
        self.errors = FieldErrors()
        form = QFormLayout(self)
        self.reasons = QPlainTextEdit(objectName="refusalReasons")
        self.reasons.setTabChangesFocus(True)
        self.reasons.setPlaceholderText("具体理由，如：申请事项依法不需要取得行政许可")
        self.basis = QLineEdit(DEFAULT_BASIS, objectName="refusalBasis")
        self.authority = QLineEdit(objectName="refusalAuthority")
        self.authority.setPlaceholderText("不属于本机关职权时，写明应向哪个机关申请")
        self.body = QLineEdit(hall.reconsideration_body, objectName="refusalBody")
        self.court = QLineEdit(hall.court, objectName="refusalCourt")
        for label, widget, name in (("不予受理理由", self.reasons, "refusal.reasons"), ("法律依据", self.basis, "refusal.basis"),
                                    ("有权机关", self.authority, "refusal.authority"),
                                    ("行政复议机关", self.body, "refusal.rights"), ("管辖法院", self.court, "refusal.court")):
            err = error_label()
            form.addRow(label, widget)
            form.addRow("", err)
            self.errors.add(name, widget, err)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("出具不予受理通知书")
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        # the legal basis is one long line: the dialog is as wide as it (within a 1280-pixel screen)
        self.basis.setMinimumWidth(min(self.basis.fontMetrics().horizontalAdvance(DEFAULT_BASIS) + 24, 900))
        self.basis.setCursorPosition(0)
        self.reasons.setFocus()

    def _check(self) -> None:
        """A blank part is refused here, under its field: once the dialog has closed, the core's refusal
        could only reach a message box and what was typed would be lost."""
        try:
            check_refusal(self.refusal())
        except ValidationError as exc:
            self.errors.show(exc.field, exc.message)
            return
        self.accept()

    def refusal(self) -> Refusal:
        return Refusal(self.reasons.toPlainText().strip(), self.basis.text().strip(), self.authority.text().strip(),
                       self.body.text().strip(), self.court.text().strip())
