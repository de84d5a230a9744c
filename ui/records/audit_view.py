"""The audit log viewer: search the log and see whether its hash chain is intact."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.context import Actor, AppContext
from app.tools.audit_search import AuditQuery, AuditRow, chain_status, known_actions, search_audit
from ui.records.seal_views import date_range_row, picked
from ui.widgets.rows_model import RowsModel
from ui.widgets.table_helpers import fit_columns_once

AUDIT_HEADERS = ("序号", "时间", "人员", "操作", "对象", "详情")


def _audit_cells(r: AuditRow) -> tuple[object, ...]:
    return (r.id, f"{r.at:%Y-%m-%d %H:%M:%S}", r.staff_name, r.action_label, r.target, r.detail)


class AuditLogPanel(QWidget):
    """Chain status on top, search terms, and the newest entries first."""

    def __init__(self, ctx: AppContext, actor: Actor) -> None:
        super().__init__()
        self.ctx, self.actor = ctx, actor
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.chain = QLabel(objectName="chainStatus")
        self.chain.setWordWrap(True)
        top.addWidget(self.chain, 1)
        top.addWidget(QPushButton("重新校验", objectName="verifyChain", clicked=self.check_chain))
        layout.addLayout(top)
        self.use_dates, self.date_from, self.date_to, terms = date_range_row(self)
        self.action = QComboBox(objectName="auditAction")
        self.person = QLineEdit(objectName="auditPerson", placeholderText="人员姓名或用户名")
        self.text = QLineEdit(objectName="auditText", placeholderText="对象或详情中的文字（如受理编号）")
        for w in (self.action, self.person, self.text):
            terms.addWidget(w)
        self.person.returnPressed.connect(self.refresh)
        self.text.returnPressed.connect(self.refresh)
        terms.addWidget(QPushButton("查询", objectName="auditSearch", clicked=self.refresh))
        layout.addLayout(terms)
        self.model = RowsModel(AUDIT_HEADERS, _audit_cells)
        self.table = QTableView(objectName="auditTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        fit_columns_once(self.table)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        layout.addWidget(self.table, 1)
        self.count = QLabel(objectName="auditCount")
        layout.addWidget(self.count)
        self._fill_actions()
        self.check_chain()
        self.refresh()

    def _fill_actions(self) -> None:
        self.action.clear()
        self.action.addItem("全部操作", "")
        for code, label in known_actions(self.ctx, self.actor):
            self.action.addItem(label, code)

    def check_chain(self) -> None:
        report = chain_status(self.ctx, self.actor)
        if report.ok:
            keyed = "密钥哈希链" if report.keyed else "哈希链（未加密钥：本机没有系统密钥库）"
            self.chain.setText(f"✔ 审计日志{keyed}完整：共 {report.entries} 条，与外部链头及中心服务器保存的链头一致")
            self.chain.setStyleSheet("color: #060; font-weight: bold;")
        else:
            self.chain.setText(f"✘ {report.message}。审计日志可能被改动，请报告信息管理员。")
            self.chain.setStyleSheet("color: #c00; font-weight: bold;")

    def query(self) -> AuditQuery:
        return AuditQuery(picked(self.use_dates, self.date_from), picked(self.use_dates, self.date_to),
                          self.action.currentData() or "", self.person.text(), self.text.text())

    def refresh(self) -> None:
        rows = search_audit(self.ctx, self.actor, self.query())
        self.model.set_rows(rows)
        self.count.setText(f"显示 {len(rows)} 条（最新在前，最多 1000 条）")
