"""The post-check (事中事后核查) of a 告知承诺 case, from the case detail: its terms, deadline and result;
the window records 属实 / 不属实 / 暂无法核实; after 不属实 the chief revokes the approval here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QMessageBox, QPlainTextEdit, QWidget

from app.cases.commitments import RESULT_LABELS, CheckInfo, record_check
from app.certificates.revocation import revoke_on_false_commitment
from app.core.auth import Action, may
from app.core.context import Actor, AppContext
from ui.cases.dialogs import ActionDialog


class CommitmentDialog(ActionDialog):
    """Record the check's result (`record`), or — once it is 不属实 — revoke (`revoke`, the chief, with the
    custodian's password for the seal on the 撤销决定书)."""

    def __init__(self, info: CheckInfo, record: Callable[[str, str], Any] | None,
                 revoke: Callable[[str], Any] | None, parent: QWidget | None = None) -> None:
        revoking = info.result == "false" and revoke is not None
        super().__init__("告知承诺核查", "撤销许可并出具决定书" if revoking else "登记核查结果", parent)
        t = info.terms
        status = "已撤销" if info.revoked else info.result_label
        summary = QLabel(f"核查方式：{t.check_method}\n核查期限：{info.due:%Y-%m-%d}（{t.check_days} 个工作日）\n"
                         f"签署的告知承诺书：{'已附扫描件' if info.scan_attached else '未附扫描件'}\n当前结果：{status}"
                         + (f"（{info.note}）" if info.note else ""), objectName="commitmentSummary")
        summary.setWordWrap(True)
        self.form.addRow(summary)
        if revoking:
            assert revoke is not None
            self.password = self.field("保管人密码", QLineEdit(objectName="custodianPassword"), "custodian_password")
            self.password.setEchoMode(QLineEdit.EchoMode.Password)  # type: ignore[attr-defined]
            self.finish(lambda: revoke(self.password.text()))  # type: ignore[attr-defined]
            return
        self.result = QComboBox(objectName="checkResult")
        for key, label in RESULT_LABELS.items():
            self.result.addItem(label, key)
        self.field("核查结果", self.result, "result")
        self.note = QPlainTextEdit(objectName="checkNote")
        self.note.setTabChangesFocus(True)  # Tab leaves the note: the dialog stays keyboard-only
        self.note.setPlaceholderText("核查发现的情况（不属实、暂无法核实时必填）")
        self.field("核查情况", self.note, "note")
        assert record is not None
        self.finish(lambda: record(self.result.currentData(), self.note.toPlainText()))


def commitment_dialog_for(ctx: AppContext, actor: Actor, case_id: str, info: CheckInfo,
                          parent: QWidget) -> CommitmentDialog | None:
    """The post-check dialog this person may use on the case (result for the window, revocation for the
    chief), or None after telling them the result when there is nothing left for them to do."""
    record = (lambda result, note: record_check(ctx, actor, case_id, result, note)) \
        if may(actor, Action.CHECK_COMMITMENT) and info.result not in ("true", "false") else None
    revoke = (lambda pw: revoke_on_false_commitment(ctx, actor, case_id, custodian_password=pw)) \
        if may(actor, Action.REVOKE_APPROVAL) else None
    if record is None and (revoke is None or info.result != "false"):
        QMessageBox.information(parent, "告知承诺核查", f"核查结果：{info.result_label}")
        return None
    return CommitmentDialog(info, record, revoke, parent)
