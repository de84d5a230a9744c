"""Seal custody at the desk: the custodian's standing authorisations, and the administrator's status changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.auth import Action, may
from app.core.context import Actor, AppContext
from app.core.errors import AppError
from app.seal.custody import (
    AuthorisationRow,
    SealRow,
    declare_lost,
    grant_authorisation,
    grantable_staff,
    list_authorisations,
    list_seals,
    revoke_seal,
    seal_away,
    withdraw_authorisation,
)
from ui.widgets.table_helpers import fit_to_contents


def _fill(table: QTableWidget, headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    table.clear()
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))


def _table(name: str) -> QTableWidget:
    t = QTableWidget(objectName=name)
    t.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    t.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    t.verticalHeader().hide()
    fit_to_contents(t.horizontalHeader())
    t.horizontalHeader().setStretchLastSection(True)
    return t


class SealCustodyPanel(QWidget):
    """Seals (all for the administrator, one's own for a custodian) and their standing authorisations."""

    def __init__(self, ctx: AppContext, actor: Actor) -> None:
        super().__init__()
        self.ctx, self.actor = ctx, actor
        self.seals: list[SealRow] = []
        self.auths: list[AuthorisationRow] = []
        layout = QVBoxLayout(self)
        self.seal_table = _table("sealTable")
        self.seal_table.setMaximumHeight(190)
        layout.addWidget(self.seal_table)
        if may(actor, Action.CHANGE_SEAL_STATUS):
            layout.addWidget(self._status_box())
        self.auth_table = _table("authTable")
        layout.addWidget(QLabel("常规用印授权（受理、告知、不予受理、特别程序、延期等通知书）"))
        layout.addWidget(self.auth_table, 1)
        if may(actor, Action.MANAGE_SEAL):
            layout.addWidget(self._grant_box())
        self.status = QLabel(objectName="custodyStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.seal_table.itemSelectionChanged.connect(self._show_auths)
        self.refresh()

    def _grant_box(self) -> QGroupBox:
        box = QGroupBox("授权 / 撤回（仅限本人保管的印章）")
        row = QHBoxLayout(box)
        self.clerk = QComboBox(objectName="grantClerk")
        self.valid_from = QDateEdit(QDate.currentDate(), calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.until = QCheckBox("截止")
        self.valid_to = QDateEdit(QDate.currentDate().addYears(1), calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.valid_to.setEnabled(False)
        self.until.toggled.connect(self.valid_to.setEnabled)
        grant = QPushButton("授权", objectName="grantButton", clicked=self.grant)
        self.withdraw_reason = QLineEdit(objectName="withdrawReason", placeholderText="撤回原因")
        withdraw = QPushButton("撤回所选授权", objectName="withdrawButton", clicked=self.withdraw)
        for w in (QLabel("窗口人员"), self.clerk, QLabel("自"), self.valid_from, self.until, self.valid_to, grant,
                  self.withdraw_reason, withdraw):
            row.addWidget(w)
        return box

    def _status_box(self) -> QGroupBox:
        box = QGroupBox("印章状态（管理员）：撤销、封存须两人办理、遗失声明作废")
        row = QHBoxLayout(box)
        self.reason = QLineEdit(objectName="statusReason", placeholderText="原因")
        self.witness = QLineEdit(objectName="witnessUser", placeholderText="见证人用户名")
        self.witness_pw = QLineEdit(objectName="witnessPassword", placeholderText="见证人密码")
        self.witness_pw.setEchoMode(QLineEdit.EchoMode.Password)
        row.addWidget(self.reason, 2)
        row.addWidget(QPushButton("撤销", objectName="revokeSeal", clicked=lambda: self._status(revoke_seal)))
        row.addWidget(QPushButton("声明遗失作废", objectName="loseSeal", clicked=lambda: self._status(declare_lost)))
        row.addWidget(self.witness)
        row.addWidget(self.witness_pw)
        row.addWidget(QPushButton("封存", objectName="sealAway", clicked=self._seal_away))
        return box

    def _selected_seal(self) -> SealRow | None:
        rows = self.seal_table.selectionModel().selectedRows()
        return self.seals[rows[0].row()] if rows else None

    def refresh(self) -> None:
        self.seals = list_seals(self.ctx, self.actor)
        _fill(self.seal_table, ("印章编码", "单位", "窗口", "保管人", "状态", "状态变更时间"),
              [(s.code, s.org_name, s.window_name, s.custodian_name, s.status_label,
                f"{s.status_changed_at:%Y-%m-%d %H:%M}" if s.status_changed_at else "") for s in self.seals])
        if self.seals:
            self.seal_table.selectRow(0)
        self._show_auths()

    def _show_auths(self) -> None:
        seal = self._selected_seal()
        self.auths = list_authorisations(self.ctx, self.actor, seal.id) if seal else []
        _fill(self.auth_table, ("被授权人", "授权人", "起", "止", "授权时间", "撤回", "状态"),
              [(a.staff_name, a.granted_by_name, f"{a.valid_from}", f"{a.valid_to or '长期'}",
                f"{a.granted_at:%Y-%m-%d %H:%M}",
                f"{a.withdrawn_by_name} {a.withdrawn_at:%Y-%m-%d %H:%M}" if a.withdrawn_at else "",
                "有效" if a.in_force else "无效") for a in self.auths])
        if may(self.actor, Action.MANAGE_SEAL) and seal is not None and seal.custodian_id == self.actor.staff_id:
            self.clerk.clear()
            for staff_id, name in grantable_staff(self.ctx, self.actor, seal.id):
                self.clerk.addItem(name, staff_id)

    def _run(self, fn: Callable[[], Any], done: str) -> None:
        try:
            fn()
        except AppError as exc:
            self.status.setStyleSheet("color: #c00;")
            self.status.setText(exc.message)
            return
        self.status.setStyleSheet("color: #060;")
        self.status.setText(done)
        self.refresh()

    def grant(self) -> None:
        seal = self._selected_seal()
        if seal is None or self.clerk.currentData() is None:
            return
        until = self.valid_to.date().toPython() if self.until.isChecked() else None
        self._run(lambda: grant_authorisation(self.ctx, self.actor, seal.id, self.clerk.currentData(),
                                              self.valid_from.date().toPython(), until),  # type: ignore[arg-type]
                  f"已授权 {self.clerk.currentText()} 常规用印")

    def withdraw(self) -> None:
        rows = self.auth_table.selectionModel().selectedRows()
        if not rows:
            return
        auth = self.auths[rows[0].row()]
        self._run(lambda: withdraw_authorisation(self.ctx, self.actor, auth.id, self.withdraw_reason.text()),
                  f"已撤回 {auth.staff_name} 的常规用印授权")

    def _status(self, change: Callable[..., SealRow]) -> None:
        seal = self._selected_seal()
        if seal is not None:
            self._run(lambda: change(self.ctx, self.actor, seal.id, self.reason.text()), f"印章 {seal.code} 状态已变更")

    def _seal_away(self) -> None:
        seal = self._selected_seal()
        if seal is not None:
            self._run(lambda: seal_away(self.ctx, self.actor, seal.id, self.reason.text(), self.witness.text(),
                                        self.witness_pw.text()), f"印章 {seal.code} 已封存（两人办理）")
            self.witness_pw.clear()
