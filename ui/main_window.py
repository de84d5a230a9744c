"""The main window: navigation for the window's work, the status bar with who is on duty."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from app.auth import ROLE_LABELS, Action, Role, may
from app.context import Actor, AppContext
from app.hall import HallInfo
from app.id_reader import IdCardReader, NoReader, SimulatedReader
from ui.catalog_view import CatalogView
from ui.document_actions import DocumentPrinter
from ui.intake_view import IntakeView
from ui.preferences import Preferences
from ui.settings_dialog import SettingsDialog

SECTIONS = (
    ("intake", "受理"),
    ("cases", "办件"),
    ("signoff", "签批"),
    ("certificates", "发证"),
    ("stats", "统计"),
    ("sync", "同步"),
    ("catalog", "事项目录"),
)


def _pending_page(title: str) -> QWidget:
    label = QLabel(f"<h2>{title}</h2><p style='color:#666'>此功能尚未开放。</p>")
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    label.setMargin(24)
    return label


class MainWindow(QMainWindow):
    """Left navigation, one page per section, the status bar with hall / window / staff / role."""

    def __init__(self, ctx: AppContext, actor: Actor, hall: HallInfo, reader: IdCardReader | None = None,
                 prefs: Preferences | None = None) -> None:
        super().__init__()
        self.ctx, self.actor = ctx, actor
        self.prefs = prefs or Preferences(ctx.demo)
        self.printer = DocumentPrinter(ctx, actor, self.prefs, self)
        self.setWindowTitle(f"OneWindow — {hall.name}{'（演示）' if ctx.demo else ''}")
        self.nav = QListWidget(objectName="nav")
        self.nav.setFixedWidth(120)
        self.pages = QStackedWidget()
        self.section_index: dict[str, int] = {}
        for key, title in SECTIONS:
            if key == "catalog":
                page: QWidget = CatalogView(ctx, actor)
            elif key == "intake" and may(actor, Action.INTAKE):
                self.intake = IntakeView(ctx, actor, reader or (SimulatedReader() if ctx.demo else NoReader()))
                self.intake.completed.connect(lambda r: self.printer.print_all(r.document_ids))
                page = self.intake
            else:
                page = _pending_page(title)
            self.section_index[key] = self.pages.addWidget(page)
            QListWidgetItem(title, self.nav)
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.nav.setStyleSheet("QListWidget { font-size: 15px; } QListWidget::item { padding: 10px 14px; }")
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.nav)
        row.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        bar = self.statusBar()
        for text in (hall.name, actor.department_name or "大厅", actor.window_name or "—",
                     f"值班：{actor.name}", ROLE_LABELS[Role(actor.role)]):
            label = QLabel(text)
            label.setStyleSheet("padding: 0 8px; border-left: 1px solid #bbb;")
            bar.addPermanentWidget(label)
        self.sync_label = QLabel("离线 · 待同步 0")
        self.sync_label.setObjectName("syncStatus")
        bar.addPermanentWidget(self.sync_label)
        menu = self.menuBar().addMenu("系统")
        menu.addAction("设置…", lambda: SettingsDialog(self.prefs, actor, self).exec())
        self.show_section("intake" if may(actor, Action.INTAKE) else "catalog")

    def show_section(self, key: str) -> None:
        self.nav.setCurrentRow(self.section_index[key])
