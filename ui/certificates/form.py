"""The certificate form: fields built from the type's data, a preview, and sealing under the custodian's password."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.certificates.issuance import (
    CertificateDraft,
    CertificateInfo,
    issue_certificate,
    preview_certificate,
)
from app.certificates.register import LIGHT_LABELS
from app.core.context import Actor, AppContext
from app.core.errors import AppError
from ui.printing.printers import preview_image, render_pages
from ui.widgets.field_errors import FieldErrors, error_label
from ui.widgets.tasks import TaskRunner

LIGHT_COLOURS = {"green": "#1a7f37", "yellow": "#b58100", "red": "#c00", "none": "#666"}
PREVIEW_DPI = 72


def light_html(light: str, deadline: object) -> str:
    colour = LIGHT_COLOURS.get(light, "#666")
    return f"<span style='color:{colour}'>●</span> 制证期限 {deadline or '—'}（{LIGHT_LABELS.get(light, '')}）"


class PreviewDialog(QDialog):
    """The unsealed, watermarked preview as it will print."""

    def __init__(self, pdf: bytes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("证照预览（未盖章，不作为证照使用）")
        box = QVBoxLayout()
        for image in render_pages(pdf, PREVIEW_DPI):
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(preview_image(image, False)))
            box.addWidget(label)
        inner = QWidget()
        inner.setLayout(box)
        scroll = QScrollArea()
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(900, 700)


class IssueForm(QWidget):
    """One approved case's certificate: check every field, preview, then the custodian seals it."""

    issued = Signal(object)  # CertificateInfo

    def __init__(self, ctx: AppContext, actor: Actor, draft: CertificateDraft, custodian: str, light: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor, self.draft = ctx, actor, draft
        self.tasks = TaskRunner(self)
        self.errors = FieldErrors()
        self.inputs: dict[str, QLineEdit | QComboBox | QPlainTextEdit] = {}
        layout = QVBoxLayout(self)
        head = QLabel(f"<b>{draft.type_name}</b>　受理编号 {draft.case_no}　{draft.item_name}<br>"
                      f"持证主体：{draft.holder}（{draft.holder_id}）　有效期：{draft.valid_from} 至 "
                      f"{draft.valid_to or '长期'}<br>{light_html(light, draft.issue_deadline)}")
        head.setObjectName("issueHead")
        layout.addWidget(head)
        form = QFormLayout()
        for f in draft.fields:
            widget: QLineEdit | QComboBox | QPlainTextEdit
            if f.choices:
                widget = QComboBox()
                # nothing chosen until someone chooses: an unasked value would be invented
                widget.addItems(([""] if f.value not in f.choices else []) + list(f.choices))
                widget.setCurrentText(f.value)
            elif f.multiline:
                widget = QPlainTextEdit(f.value)
                widget.setTabChangesFocus(True)
                widget.setFixedHeight(60)
            else:
                widget = QLineEdit(f.value)
            widget.setObjectName(f"field_{f.key}")
            widget.setToolTip(f.hint)
            if f.fixed:  # the signed decision says it; the certificate may not say otherwise
                widget.setEnabled(False)
                widget.setToolTip("按准予许可决定书载明的内容，不能修改")
            if isinstance(widget, QLineEdit | QPlainTextEdit) and f.hint:
                widget.setPlaceholderText(f.hint)
            err = error_label()
            form.addRow(f.label + ("（按决定书）" if f.fixed else "" if f.required else "（选填）"), widget)
            form.addRow("", err)
            self.errors.add(f"fields.{f.key}", widget, err)
            self.inputs[f.key] = widget
        self.password = QLineEdit(objectName="custodianPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("由印章保管人本人输入")
        err = error_label()
        form.addRow(f"印章保管人（{custodian or '未登记'}）密码", self.password)
        form.addRow("", err)
        self.errors.add("custodian_password", self.password, err)
        layout.addLayout(form)
        self.status = QLabel(objectName="issueStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.preview_button = QPushButton("预览", objectName="previewButton")
        self.issue_button = QPushButton("盖章并制证", objectName="issueButton")
        self.preview_button.clicked.connect(self.preview)
        self.issue_button.clicked.connect(self.submit)
        layout.addWidget(self.preview_button)
        layout.addWidget(self.issue_button)
        layout.addStretch(1)

    def values(self) -> dict[str, str]:
        out = {}
        for key, w in self.inputs.items():
            out[key] = (w.currentText() if isinstance(w, QComboBox) else
                        w.toPlainText() if isinstance(w, QPlainTextEdit) else w.text())
        return out

    def _fail(self, exc: BaseException) -> None:
        self.issue_button.setEnabled(True)
        if not isinstance(exc, AppError):
            raise exc
        if not self.errors.show(exc.field, exc.message):
            self.errors.clear()
        self.status.setText(f"<span style='color:#c00'>{exc.message}</span>")
        if exc.field == "custodian_password":
            self.password.selectAll()

    def preview(self) -> None:
        try:
            pdf = preview_certificate(self.ctx, self.actor, self.draft.case_id, self.values())
        except AppError as exc:
            self._fail(exc)
            return
        self.errors.clear()
        self.status.clear()
        self.preview_dialog = PreviewDialog(pdf, self)
        self.preview_dialog.open()

    def submit(self) -> None:
        """Seal and issue off the UI thread (argon2 and signing take a moment); errors land at their field."""
        self.errors.clear()
        self.status.setText("正在盖章、签名…")
        self.issue_button.setEnabled(False)
        password, values = self.password.text(), self.values()  # read here: widgets belong to the UI thread
        self.password.clear()  # never kept in a widget longer than needed

        def work(report: object = None, cancel: object = None) -> CertificateInfo:
            return issue_certificate(self.ctx, self.actor, self.draft.case_id, values, password)

        self.tasks.run(work, title="正在制证…", on_done=self._done, on_error=self._fail)

    def _done(self, info: CertificateInfo) -> None:
        self.status.setText(f"<span style='color:#1a7f37'>已制证：{info.type_name} {info.number}</span>")
        self.issued.emit(info)

