"""The 一件事 section: its intake and its follow-up as two tabs of one page, both at the comprehensive window."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.core.auth import Action, may
from app.core.context import Actor, AppContext
from ui.bundles.follow_view import BundleFollowView
from ui.bundles.intake_view import BundleIntakeView
from ui.printing.document_actions import DocumentPrinter


class BundlePage(QWidget):
    """Tab 1 一件事受理 (only for those who may take applications), tab 2 一件事跟踪; Ctrl+1 / Ctrl+2 switch."""

    def __init__(self, ctx: AppContext, actor: Actor, printer: DocumentPrinter | None = None) -> None:
        super().__init__()
        self.tabs = QTabWidget(objectName="bundleTabs")
        self.intake: BundleIntakeView | None = None
        if may(actor, Action.INTAKE):
            self.intake = BundleIntakeView(ctx, actor)
            self.tabs.addTab(self.intake, "一件事受理")
        self.follow = BundleFollowView(ctx, actor, deferred=True, printer=printer)  # prints the 送达回证
        self.tabs.addTab(self.follow, "一件事跟踪")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.tabs)
        QShortcut(QKeySequence("Ctrl+1"), self, activated=lambda: self.tabs.setCurrentIndex(0))
        QShortcut(QKeySequence("Ctrl+2"), self, activated=lambda: self.tabs.setCurrentWidget(self.follow))

    def show_intake(self) -> None:
        if self.intake is not None:
            self.tabs.setCurrentWidget(self.intake)
            self.intake.picker.setFocus()

    def show_follow(self) -> None:
        self.tabs.setCurrentWidget(self.follow)
