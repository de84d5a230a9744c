"""The custodian's password at the moment of sealing, and the seal usage register (search, print, export)."""

from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.context import Actor, AppContext
from app.core.errors import AppError
from app.documents.data import KIND_TITLES, SEALED_KINDS
from app.seal.custody import custodian_of_window
from app.seal.usage_register import RegisterQuery, SealUseRow, export_register, register_pdf, search_seal_uses
from ui.widgets.preferences import Preferences
from ui.widgets.rows_model import RowsModel
from ui.widgets.table_helpers import fit_columns_once


class CustodianPasswordDialog(QDialog):
    """The seal's custodian types their password here; `entered` carries it, the dialog stays for errors."""

    entered = Signal(str)

    def __init__(self, ctx: AppContext, actor: Actor, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("印章保管人确认用印")
        self.setMinimumWidth(440)
        seal = custodian_of_window(ctx, actor)
        who = seal.custodian_name if seal else "印章保管人"
        layout = QVBoxLayout(self)
        info = QLabel(f"用印：{escape(what)}<br>印章：{escape(seal.org_name if seal else '')} "
                      f"{escape(seal.purpose if seal else '')}（{escape(seal.code if seal else '')}）<br>"
                      f"请印章保管人 <b>{escape(who)}</b> 当场输入密码", objectName="custodianInfo")
        info.setWordWrap(True)
        layout.addWidget(info)
        self.password = QLineEdit(objectName="custodianPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(f"{who}的登录密码")
        layout.addWidget(self.password)
        self.error = QLabel(objectName="custodianError")
        self.error.setStyleSheet("color: #c00;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("确认用印")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(lambda: self.entered.emit(self.password.text()))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.password.setFocus()

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.password.selectAll()
        self.password.setFocus()


REGISTER_HEADERS = ("用印时间", "文书种类", "文书编号", "受理编号", "申请人", "批准人", "批准方式", "印章编码", "SHA-256")


def _register_cells(r: SealUseRow) -> tuple[object, ...]:
    return (f"{r.at:%Y-%m-%d %H:%M}", r.kind_title, r.document_number, r.case_no, r.requested_by, r.authorised_by,
            r.mode, r.seal_code, r.sha256)


def date_range_row(parent: QWidget) -> tuple[QCheckBox, QDateEdit, QDateEdit, QHBoxLayout]:
    """"按日期 [from] 至 [to]": unticked, the search covers every day."""
    use = QCheckBox("按日期", parent)
    today = QDate.currentDate()
    start, end = QDateEdit(today.addDays(-30)), QDateEdit(today)
    row = QHBoxLayout()
    row.addWidget(use)
    for w in (start, end):
        w.setCalendarPopup(True)
        w.setDisplayFormat("yyyy-MM-dd")
        w.setEnabled(False)
        use.toggled.connect(w.setEnabled)
    row.addWidget(start)
    row.addWidget(QLabel("至"))
    row.addWidget(end)
    return use, start, end, row


def picked(use: QCheckBox, edit: QDateEdit) -> date | None:
    return edit.date().toPython() if use.isChecked() else None  # type: ignore[return-value]


class SealRegisterPanel(QWidget):
    """用印登记: search by date, kind, number, case number or person; print (A4 landscape) or export .xlsx."""

    def __init__(self, ctx: AppContext, actor: Actor, prefs: Preferences) -> None:
        super().__init__()
        self.ctx, self.actor, self.prefs = ctx, actor, prefs
        layout = QVBoxLayout(self)
        self.use_dates, self.date_from, self.date_to, dates = date_range_row(self)
        self.kind = QComboBox(objectName="registerKind")
        self.kind.addItem("全部文书", "")
        for kind in sorted(SEALED_KINDS, key=lambda k: list(KIND_TITLES).index(k)):
            self.kind.addItem(KIND_TITLES[kind], str(kind))
        dates.addWidget(self.kind)
        dates.addStretch(1)
        layout.addLayout(dates)
        terms = QHBoxLayout()
        self.number = QLineEdit(objectName="registerNumber", placeholderText="文书编号")
        self.case_no = QLineEdit(objectName="registerCaseNo", placeholderText="受理编号")
        self.person = QLineEdit(objectName="registerPerson", placeholderText="申请人或批准人姓名")
        for w in (self.number, self.case_no, self.person):
            w.returnPressed.connect(self.refresh)
            terms.addWidget(w)
        self.search = QPushButton("查询", objectName="registerSearch", clicked=self.refresh)
        self.print_button = QPushButton("打印登记簿", objectName="registerPrint", clicked=self.print_register)
        self.export_button = QPushButton("导出 Excel…", objectName="registerExport", clicked=self._ask_export)
        for b in (self.search, self.print_button, self.export_button):
            terms.addWidget(b)
        layout.addLayout(terms)
        self.model = RowsModel(REGISTER_HEADERS, _register_cells)
        self.table = QTableView(objectName="registerTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        fit_columns_once(self.table)
        self.table.setWordWrap(False)
        layout.addWidget(self.table, 1)
        self.status = QLabel(objectName="registerStatus")
        layout.addWidget(self.status)
        self.refresh()

    def query(self) -> RegisterQuery:
        return RegisterQuery(picked(self.use_dates, self.date_from), picked(self.use_dates, self.date_to),
                             self.kind.currentData() or "", self.number.text(), self.case_no.text(), self.person.text())

    def refresh(self) -> None:
        rows = search_seal_uses(self.ctx, self.actor, self.query())
        self.model.set_rows(rows)
        self.status.setText(f"共 {len(rows)} 条用印记录（{self.query().describe()}）")

    def print_register(self) -> None:
        from ui.printing.dialogs import print_with_retry
        from ui.printing.printers import print_pdf, printer_for

        try:
            pdf = register_pdf(self.ctx, self.actor, self.query())
            printer = printer_for(self.prefs.get("printing/a4_printer"), "A4")
        except AppError as exc:
            self.status.setText(exc.message)
            return
        printer.setDocName("行政审批服务专用章使用登记簿")
        result = print_with_retry(lambda: print_pdf(pdf, printer), self)
        self.status.setText("登记簿已送打印机" if result.ok else result.message)

    def _ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "导出用印登记", f"用印登记-{date.today():%Y%m%d}.xlsx",
                                              "Excel 工作簿 (*.xlsx)")
        if path:
            self.export_to(Path(path))

    def export_to(self, target: Path) -> int:
        count = export_register(self.ctx, self.actor, self.query(), target)
        self.status.setText(f"已导出 {count} 条到 {target}")
        return count
