"""One window for the records a supervisor keeps: the seal usage register, seal custody, the audit log."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QTabWidget, QVBoxLayout, QWidget

from app.core.auth import Action, may
from app.core.context import Actor, AppContext
from ui.records.audit_view import AuditLogPanel
from ui.records.seal_custody_view import SealCustodyPanel
from ui.records.seal_views import SealRegisterPanel
from ui.widgets.preferences import Preferences


def may_open_records(actor: Actor) -> bool:
    return any(may(actor, a) for a in (Action.VIEW_AUDIT, Action.MANAGE_SEAL, Action.CHANGE_SEAL_STATUS))


class RecordsDialog(QDialog):
    """Tabs for what the signed-in role may see; each tab checks again in the core."""

    def __init__(self, ctx: AppContext, actor: Actor, prefs: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("用印登记与审计日志")
        self.resize(1200, 720)
        self.tabs = QTabWidget(objectName="recordsTabs")
        if may(actor, Action.VIEW_AUDIT):
            self.register = SealRegisterPanel(ctx, actor, prefs)
            self.tabs.addTab(self.register, "用印登记")
        if may(actor, Action.MANAGE_SEAL) or may(actor, Action.CHANGE_SEAL_STATUS):
            self.custody = SealCustodyPanel(ctx, actor)
            self.tabs.addTab(self.custody, "印章与用印授权")
        if may(actor, Action.VIEW_AUDIT):
            self.audit = AuditLogPanel(ctx, actor)
            self.tabs.addTab(self.audit, "审计日志")
        QVBoxLayout(self).addWidget(self.tabs)
