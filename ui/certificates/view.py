"""发证: approved cases waiting for their certificate (art. 44 light), the register, expiry reminders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.certificates.issuance import (
    STATUS_LABELS,
    CertificateInfo,
    custodian_name,
    draft_for_case,
    no_type_message,
    reissue_certificate,
    void_certificate,
)
from app.certificates.register import (
    LIGHT_LABELS,
    PendingIssue,
    RegisterQuery,
    awaiting_issue,
    expiry_reminders,
    export_register,
    search_register,
)
from app.core.auth import Action, may
from app.core.context import Actor, AppContext
from app.core.errors import AppError
from ui.certificates.delivery_dialog import DeliveryDialog
from ui.certificates.form import LIGHT_COLOURS, IssueForm
from ui.printing.document_actions import DocumentPrinter
from ui.widgets.field_errors import FieldErrors, error_label
from ui.widgets.live import LiveRefresh
from ui.widgets.rows_model import RowsModel
from ui.widgets.table_helpers import fit_columns_once

TYPE_FILTER = (("", "全部证照"), ("FOOD_BUSINESS", "食品经营许可证"), ("PUBLIC_PLACE_HYGIENE", "公共场所卫生许可证"),
               ("DRUG_RETAIL", "药品经营许可证"))


def _table(model: RowsModel, name: str) -> QTableView:
    view = QTableView(objectName=name)
    view.setModel(model)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    view.verticalHeader().hide()
    fit_columns_once(view)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class ReasonDialog(QDialog):
    """作废 / 补发: the reason (always), the custodian's password (补发 seals a new certificate)."""

    done = Signal(object)

    def __init__(self, title: str, action: Callable[[str, str], object], *, password: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.action = action
        self.errors = FieldErrors()
        form = QFormLayout(self)
        self.reason = QPlainTextEdit(objectName="reason")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(70)
        err = error_label()
        form.addRow("原因", self.reason)
        form.addRow("", err)
        self.errors.add("reason", self.reason, err)
        self.password = QLineEdit(objectName="custodianPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        err = error_label()
        if password:
            form.addRow("印章保管人密码", self.password)
            form.addRow("", err)
        self.errors.add("custodian_password", self.password, err)
        self.status = QLabel(objectName="reasonStatus")
        self.status.setWordWrap(True)
        form.addRow(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(title)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def submit(self) -> None:
        try:
            result = self.action(self.reason.toPlainText(), self.password.text())
        except AppError as exc:
            self.password.clear()
            if not self.errors.show(exc.field, exc.message):
                self.status.setText(f"<span style='color:#c00'>{exc.message}</span>")
            return
        self.done.emit(result)
        self.accept()


class CertificateView(QWidget):
    """Three tabs: 待制证 (with the issuing form), 证照登记簿 (search, print, deliver, void, reissue, export), 到期提醒."""

    def __init__(self, ctx: AppContext, actor: Actor, printer: DocumentPrinter | None = None,
                 deferred: bool = False) -> None:
        """`deferred`: load nothing now; the page loads off the UI thread when first shown."""
        super().__init__()
        self.ctx, self.actor, self.printer = ctx, actor, printer
        self.custodian = custodian_name(ctx, actor)
        self.form: IssueForm | None = None
        self.last_issued: CertificateInfo | None = None
        self.delivery_dialog: DeliveryDialog | None = None
        self.reason_dialog: ReasonDialog | None = None
        self.tabs = QTabWidget(objectName="certificateTabs")
        self.tabs.addTab(self._queue_tab(), "待制证")
        self.tabs.addTab(self._register_tab(), "证照登记簿")
        self.tabs.addTab(self._reminder_tab(), "到期提醒")
        QVBoxLayout(self).addWidget(self.tabs)
        self.live = LiveRefresh(self, ctx, self._load, self._show, args=lambda: (self.query(),))
        if not deferred:
            self.refresh()

    # -- 待制证 ----------------------------------------------------------------------------------------

    def _queue_tab(self) -> QWidget:
        self.pending = RowsModel(("期限", "受理编号", "事项", "申请人", "决定日期", "制证期限"), self._pending_cells,
                                 lambda p: LIGHT_COLOURS.get(p.light))
        self.pending_table = _table(self.pending, "pendingTable")
        self.pending_table.doubleClicked.connect(lambda _i: self.open_issue())
        self.issue_open = QPushButton("制证…", objectName="openIssue")
        self.issue_open.clicked.connect(self.open_issue)
        self.issue_open.setEnabled(may(self.actor, Action.ISSUE_CERTIFICATE))
        self.queue_status = QLabel(objectName="queueStatus")
        self.queue_status.setWordWrap(True)
        left = QWidget()
        col = QVBoxLayout(left)
        col.addWidget(self.pending_table)
        col.addWidget(self.issue_open)
        col.addWidget(self.queue_status)
        self.form_area = QScrollArea(objectName="issueArea")
        self.form_area.setWidgetResizable(True)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.form_area)
        split.setSizes([520, 640])
        return split

    @staticmethod
    def _pending_cells(p: PendingIssue) -> tuple[object, ...]:
        return (f"● {LIGHT_LABELS[p.light]}", p.case_no, p.item_name, p.applicant, p.decided_on, p.issue_deadline)

    def _selected(self, table: QTableView, model: RowsModel) -> Any:
        rows = table.selectionModel().selectedRows()
        return model.rows[rows[0].row()] if rows else None

    def open_issue(self) -> None:
        p: PendingIssue | None = self._selected(self.pending_table, self.pending)
        if p is None:
            self.queue_status.setText("请先选择一个待制证的办件")
            return
        if not p.configured:
            self.queue_status.setText(no_type_message(p.item_name, p.type_code))
            return
        try:
            draft = draft_for_case(self.ctx, self.actor, p.case_id)
        except AppError as exc:
            self.queue_status.setText(f"<span style='color:#c00'>{exc.message}</span>")
            return
        self.queue_status.clear()
        self.form = IssueForm(self.ctx, self.actor, draft, self.custodian, p.light)
        self.form.issued.connect(self._issued)
        self.form_area.setWidget(self.form)

    def _issued(self, info: CertificateInfo) -> None:
        self.last_issued = info
        self.live.reload()
        if self.printer is not None:
            self.printer.print_all(info.document_ids)  # 正本 and 副本 on the A4 printer

    # -- 证照登记簿 -------------------------------------------------------------------------------------

    def _register_tab(self) -> QWidget:
        self.search = QLineEdit(objectName="registerSearch")
        self.search.setPlaceholderText("证照编号、持证主体或证件号码")
        self.search.setClearButtonEnabled(True)
        self.type_filter = QComboBox(objectName="registerType")
        for code, label in TYPE_FILTER:
            self.type_filter.addItem(label, code)
        self.status_filter = QComboBox(objectName="registerStatus")
        self.status_filter.addItem("全部状态", "")
        for code, label in STATUS_LABELS.items():
            self.status_filter.addItem(label, code)
        self.date_from = QLineEdit(objectName="registerFrom")
        self.date_from.setPlaceholderText("发证日期起 2026-01-01")
        self.date_to = QLineEdit(objectName="registerTo")
        self.date_to.setPlaceholderText("发证日期止")
        find = QPushButton("查询", objectName="registerFind")
        find.clicked.connect(self.refresh_register)
        self.search.returnPressed.connect(self.refresh_register)
        top = QHBoxLayout()
        for w in (self.search, self.type_filter, self.status_filter, self.date_from, self.date_to, find):
            top.addWidget(w)
        self.register = RowsModel(("状态", "证照编号", "证照名称", "持证主体", "证件号码", "发证日期", "有效期至",
                                   "受理编号", "原证（补发）"), self._register_cells,
                                  lambda c: "#c00" if c.status == "voided" else None)
        self.register_table = _table(self.register, "registerTable")
        buttons = QHBoxLayout()
        chief = may(self.actor, Action.VOID_CERTIFICATE)
        for label, name, slot, allowed in (("打印", "printCertificate", self.print_selected, True),
                                           ("送达…", "deliverCertificate", self.deliver_selected,
                                            may(self.actor, Action.DELIVER)),
                                           ("作废…", "voidCertificate", self.void_selected, chief),
                                           ("补发…", "reissueCertificate", self.reissue_selected, chief),
                                           ("导出 Excel…", "exportRegister", self.export, True)):
            b = QPushButton(label, objectName=name)
            b.clicked.connect(slot)
            b.setEnabled(allowed)
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.register_status = QLabel(objectName="registerStatusText")
        self.register_status.setWordWrap(True)
        page = QWidget()
        col = QVBoxLayout(page)
        col.addLayout(top)
        col.addWidget(self.register_table)
        col.addLayout(buttons)
        col.addWidget(self.register_status)
        return page

    @staticmethod
    def _register_cells(c: CertificateInfo) -> tuple[object, ...]:
        return (c.status_label, c.number, c.type_name, c.holder, c.holder_id, c.issued_on, c.valid_to or "长期",
                c.case_no, c.replaces_number)

    def query(self) -> RegisterQuery:
        def day(text: str) -> date | None:
            try:
                return date.fromisoformat(text.strip()) if text.strip() else None
            except ValueError:
                return None

        return RegisterQuery(self.search.text(), str(self.type_filter.currentData() or ""),
                             str(self.status_filter.currentData() or ""), day(self.date_from.text()),
                             day(self.date_to.text()))

    def refresh_register(self) -> None:
        self.register.set_rows(search_register(self.ctx, self.query()))
        self.register_status.setText(f"共 {len(self.register.rows)} 张")

    def selected_certificate(self) -> CertificateInfo | None:
        return self._selected(self.register_table, self.register)

    def select_certificate(self, certificate_id: str) -> None:
        for k, c in enumerate(self.register.rows):
            if c.id == certificate_id:
                self.register_table.selectRow(k)
                return

    def print_selected(self) -> None:
        c = self.selected_certificate()
        if c is not None and self.printer is not None:
            self.printer.print_all(c.document_ids)

    def deliver_selected(self) -> None:
        c = self.selected_certificate() or self.last_issued
        if c is None:
            self.register_status.setText("请先选择一张证照")
            return
        self.delivery_dialog = DeliveryDialog(self.ctx, self.actor, c, self.printer, self)
        self.delivery_dialog.delivered.connect(lambda _r: self.live.reload())
        self.delivery_dialog.open()

    def void_selected(self) -> None:
        c = self.selected_certificate()
        if c is None:
            return
        self.reason_dialog = ReasonDialog(
            "作废", lambda reason, _pw: void_certificate(self.ctx, self.actor, c.id, reason), password=False,
            parent=self)
        self.reason_dialog.done.connect(lambda _i: self.live.reload())
        self.reason_dialog.open()

    def reissue_selected(self) -> None:
        c = self.selected_certificate()
        if c is None:
            return
        self.reason_dialog = ReasonDialog(
            "补发", lambda reason, pw: reissue_certificate(self.ctx, self.actor, c.id, reason, pw), password=True,
            parent=self)
        self.reason_dialog.done.connect(self._reissued)
        self.reason_dialog.open()

    def _reissued(self, info: CertificateInfo) -> None:
        self.last_issued = info
        self.refresh()
        self.select_certificate(info.id)
        if self.printer is not None:
            self.printer.print_all(info.document_ids)

    def export(self, path: Path | None = None) -> int:
        if not path:
            name, _ = QFileDialog.getSaveFileName(self, "导出证照登记簿", "证照登记簿.xlsx", "Excel 工作簿 (*.xlsx)")
            if not name:
                return 0
            path = Path(name)
        try:
            count = export_register(self.ctx, self.query(), Path(path))
        except AppError as exc:
            self.register_status.setText(f"<span style='color:#c00'>{exc.message}</span>")
            return 0
        self.register_status.setText(f"已导出 {count} 张证照到 {path}")
        return count

    # -- 到期提醒 ---------------------------------------------------------------------------------------

    def _reminder_tab(self) -> QWidget:
        self.reminders = RowsModel(("提醒", "证照编号", "证照名称", "持证主体", "有效期至", "剩余天数", "延续申请截止"),
                                   lambda r: ("逾期未申请延续" if r.late else "应申请延续", r.certificate.number,
                                              r.certificate.type_name, r.certificate.holder, r.certificate.valid_to,
                                              r.days_left, r.apply_by),
                                   lambda r: "#c00" if r.late else "#b58100")
        page = QWidget()
        col = QVBoxLayout(page)
        col.addWidget(QLabel("《行政许可法》第五十条：被许可人需要延续的，应当在有效期届满三十日前提出申请。"))
        col.addWidget(_table(self.reminders, "reminderTable"))
        return page

    def _load(self, query: RegisterQuery) -> tuple[Any, ...]:
        """The three tabs' rows (run off the UI thread)."""
        return awaiting_issue(self.ctx, self.actor), search_register(self.ctx, query), expiry_reminders(self.ctx)

    def _show(self, data: tuple[Any, ...]) -> None:
        pending, register, reminders = data
        self.pending.set_rows(pending)
        self.register.set_rows(register)
        self.register_status.setText(f"共 {len(self.register.rows)} 张")
        self.reminders.set_rows(reminders)

    def refresh(self) -> None:
        """Load and show now, on this thread (the change notice reloads off it)."""
        self._show(self._load(self.query()))
        self.live.stale = False
