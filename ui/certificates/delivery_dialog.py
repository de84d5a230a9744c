"""送达 dialog: who collects (ID checked), how they relate to the holder, how and when; prints the 送达回证.

The same form serves a single certificate and a 一件事's 统一出件: only the heading and the core call differ.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from app.certificates.delivery import METHODS, RELATIONS, HandoverInput, hand_over
from app.certificates.issuance import CertificateInfo
from app.core.context import Actor, AppContext, to_local
from app.core.errors import AppError
from app.reference.identity import ID_TYPE_LABELS, PERSON_ID_TYPES
from ui.printing.document_actions import DocumentPrinter
from ui.widgets.dialog_buttons import ok_cancel
from ui.widgets.field_errors import FieldErrors, error_label


class DeliveryDialog(QDialog):
    """Record the handover to the minute; on success the proof of delivery goes to the A4 printer."""

    delivered = Signal(object)  # HandoverResult, or BundleHandoverResult for a 一件事

    def __init__(self, ctx: AppContext, actor: Actor, cert: CertificateInfo | None, printer: DocumentPrinter | None,
                 parent: QWidget | None = None, *, title: str = "", heading: str = "", holder: str = "持证人",
                 deliver: Callable[[HandoverInput], Any] | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor, self.cert, self.printer = ctx, actor, cert, printer
        self.result_: Any = None
        self._deliver = deliver or (lambda data: hand_over(ctx, actor, data))
        if cert is not None:
            title, heading = f"送达 {cert.type_name} {cert.number}", f"持证主体：{cert.holder}（{cert.holder_id}）"
        self.setWindowTitle(title)
        self.setMinimumWidth(560)  # the 一件事's list of papers above the form reads one part a line
        self.errors = FieldErrors()
        form = QFormLayout(self)
        head = QLabel(heading, objectName="deliveryHeading")
        head.setWordWrap(True)
        form.addRow(head)
        self.method = QComboBox(objectName="deliveryMethod")
        for key, label in METHODS.items():
            self.method.addItem(label, key)
        self.name = QLineEdit(objectName="recipientName")
        self.id_type = QComboBox(objectName="recipientIdType")
        for t in PERSON_ID_TYPES:
            self.id_type.addItem(ID_TYPE_LABELS[t], str(t))
        self.id_number = QLineEdit(objectName="recipientIdNumber")
        self.relation = QComboBox(objectName="recipientRelation")
        self.relation.addItems(list(RELATIONS))
        self.tracking = QLineEdit(objectName="trackingNo")
        self.tracking.setPlaceholderText("邮寄送达时填写")
        self.place = QLineEdit(objectName="deliveryPlace")
        self.place.setPlaceholderText("当面领取可不填（默认本窗口）；邮寄填写收件地址")
        now = to_local(ctx.now())  # the hall's wall clock, as the core counts it
        self.when = QDateTimeEdit(QDateTime(QDate(now.year, now.month, now.day), QTime(now.hour, now.minute)),
                                  objectName="deliveryTime")
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when.setCalendarPopup(True)
        for label, widget, name in (("送达方式", self.method, "method"), ("签收人姓名", self.name, "recipient_name"),
                                    ("证件类型", self.id_type, "recipient_id_type"),
                                    ("证件号码", self.id_number, "recipient_id_number"),
                                    (f"与{holder}关系", self.relation, "relation"), ("邮件号码", self.tracking, "tracking_no"),
                                    ("送达地点", self.place, "place"), ("送达时间", self.when, "at")):
            err = error_label()
            form.addRow(label, widget)
            form.addRow("", err)
            self.errors.add(name, widget, err)
        self.status = QLabel(objectName="deliveryStatus")
        self.status.setWordWrap(True)
        form.addRow(self.status)
        buttons, self.ok_button = ok_cancel("确认送达并打印送达回证", self.submit, self.reject)
        self.ok_button.setObjectName("deliverButton")
        form.addRow(buttons)
        self.name.setFocus()

    def handover(self) -> HandoverInput:
        q = self.when.dateTime()
        d, t = q.date(), q.time()
        return HandoverInput(
            certificate_id=self.cert.id if self.cert else "", method=str(self.method.currentData()), recipient_name=self.name.text(),
            recipient_id_type=str(self.id_type.currentData()), recipient_id_number=self.id_number.text(),
            relation=self.relation.currentText(), tracking_no=self.tracking.text(), place=self.place.text(),
            at=datetime(d.year(), d.month(), d.day(), t.hour(), t.minute()))

    def submit(self) -> None:
        try:
            result = self._deliver(self.handover())
        except AppError as exc:
            if not self.errors.show(exc.field, exc.message):
                self.errors.clear()
                self.status.setText(f"<span style='color:#c00'>{exc.message}</span>")
            return
        self.result_ = result
        if self.printer is not None:
            self.printer.print_document(result.proof_document_id)
        self.delivered.emit(result)
        self.accept()
